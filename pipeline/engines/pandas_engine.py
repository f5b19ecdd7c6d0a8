"""The whole month, in order: load → validate → line rules → client-day rules → reconcile."""

import re

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.ingest.validate import loaded_inputs
from pipeline.progress import SILENT, Progress
from pipeline.result import Inputs, Loaded, RunResult
from pipeline.rules.days import client_days, day_warnings, final_lines, providers_without_rate
from pipeline.rules.lines import service_lines

MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def billing_month(text: str) -> str:
    """The month as YYYY-MM, or a UsageError that says what is wrong."""
    if not MONTH_PATTERN.fullmatch(text.strip()):
        raise UsageError(f"--month must be a billing month as YYYY-MM (e.g. 2026-10), not {text!r}")
    return text.strip()


def reconciled(loaded: Loaded, month: str, config: Config) -> RunResult:
    """Every rule applied to validated inputs: the service lines, client-days and warnings."""
    lines = service_lines(loaded.services, month, config)
    days = client_days(lines, loaded.claims, loaded.rates, config)
    return RunResult(
        month=month,
        config=config,
        loaded=loaded,
        lines=final_lines(lines, days, config),
        days=days,
        warnings=day_warnings(lines, loaded.claims, config),
        version=__version__,
        providers_without_rate=providers_without_rate(days),
    )


def reconciled_month(
    inputs: Inputs, month: str, config: Config, progress: Progress = SILENT
) -> RunResult:
    """Load and validate the month's files, then reconcile them."""
    progress.stage("Reading and checking the files")
    loaded = loaded_inputs(inputs, config)
    progress.stage("Applying the rules and reconciling")
    return reconciled(loaded, billing_month(month), config)
