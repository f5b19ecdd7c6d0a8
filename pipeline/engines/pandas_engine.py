"""The whole month in this process, in order: load → validate → line rules → client-day rules →
reconcile."""

import re
from datetime import datetime

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.ingest.validate import loaded_inputs
from pipeline.progress import SILENT, Progress
from pipeline.result import Inputs, Loaded, RunResult
from pipeline.rules.reconcile import applied_authorizations, reconciled_providers
from pipeline.rules.review import cross_provider_warnings, review_table

MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def billing_month(text: str) -> str:
    """The month as YYYY-MM, or a UsageError that says what is wrong."""
    if not MONTH_PATTERN.fullmatch(text.strip()):
        raise UsageError(f"--month must be a billing month as YYYY-MM (e.g. 2026-10), not {text!r}")
    return text.strip()


def reconciled(loaded: Loaded, month: str, config: Config, run_at: datetime) -> RunResult:
    """Every rule applied to validated inputs: lines, client-days, claims rows and review."""
    done = reconciled_providers(
        loaded.services,
        loaded.claims,
        loaded.rates,
        applied_authorizations(loaded),
        month,
        config,
    )
    return RunResult(
        month=month,
        config=config,
        loaded=loaded,
        lines=done.lines,
        days=done.days,
        claims=done.claims,
        review=review_table([done.review, cross_provider_warnings(done.days)]),
        providers=done.providers,
        version=__version__,
        run_at=run_at,
    )


def reconciled_month(
    inputs: Inputs, month: str, config: Config, progress: Progress = SILENT
) -> RunResult:
    """Load and validate the month's files, then reconcile them."""
    run_at = datetime.now().replace(microsecond=0)
    progress.stage("Reading and checking the files")
    loaded = loaded_inputs(inputs, config)
    progress.stage("Applying the rules and reconciling")
    return reconciled(loaded, billing_month(month), config, run_at)
