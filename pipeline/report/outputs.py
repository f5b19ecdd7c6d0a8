"""Writes a month's output folder (SPEC §5): workbooks, parquet files and run.json.

Everything is written into a staging folder first and moved into place only once all of it
exists, so a failed run leaves the previous run's files as they were.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline import money
from pipeline.choices import FORMATS, PARQUET, XLSX
from pipeline.errors import OutputError, UsageError
from pipeline.progress import SILENT, Progress
from pipeline.report.totals import authorizations_state, run_totals
from pipeline.report.workbooks import funder_report, provider_report, provider_rows
from pipeline.report.workers import Job, available_cpus, job_results, packed
from pipeline.report.xlsx import write_workbook
from pipeline.result import Loaded, RunResult
from schemas.columns import (
    ALLOWABLE_UNITS,
    AMOUNT_COLUMNS,
    CLAIM_ROWS_COLUMNS,
    CLAIMED_UNITS,
    CLIENT_DAYS_COLUMNS,
    CLIENT_SPECIFIC,
    COUNTABLE_MINUTES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    EXTERNAL_PARTICIPANTS,
    MINUTES,
    PAYABLE_UNITS,
    PROVIDER_ID,
    REJECTED_COLUMNS,
    REVIEW_COLUMNS,
    SERVICE_DATE,
    SERVICE_LINES_COLUMNS,
    SOURCE_ROW,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
)

FUNDER_WORKBOOK = "reconciliation.xlsx"
PROVIDERS_DIR = "providers"
CLIENT_DAYS_FILE = "client_days.parquet"
SERVICE_LINES_FILE = "service_lines.parquet"
REJECTED_FILE = "rejected_rows.parquet"
CLAIMS_FILE = "claims.parquet"
REVIEW_FILE = "review.parquet"
RUN_FILE = "run.json"
PARQUET_FILES = (CLIENT_DAYS_FILE, SERVICE_LINES_FILE, REJECTED_FILE, CLAIMS_FILE, REVIEW_FILE)
# With --engine dask, the detail tables also as datasets partitioned by provider.
CLIENT_DAYS_DIR = "client_days"
SERVICE_LINES_DIR = "service_lines"
PARTITIONED_DIRS = (CLIENT_DAYS_DIR, SERVICE_LINES_DIR)
PARTITIONED = "partitioned_by_provider"
STAGING_PREFIX = ".reconcile-staging-"
WORKBOOK_CELLS = "workbook_cells"  # every workbook's cells together, in run.json's outputs

_TYPES: dict[str, pa.DataType] = {
    SOURCE_ROW: pa.int64(),
    SERVICE_DATE: pa.date32(),
    MINUTES: pa.int64(),
    CLIENT_SPECIFIC: pa.bool_(),
    EXTERNAL_PARTICIPANTS: pa.int64(),
    DUPLICATE: pa.bool_(),
    ELIGIBLE: pa.bool_(),
    DOCUMENTED_MINUTES: pa.int64(),
    COUNTABLE_MINUTES: pa.int64(),
    CLAIMED_UNITS: pa.float64(),
    ALLOWABLE_UNITS: pa.float64(),
    VARIANCE_UNITS: pa.float64(),
    UNIT_RATE: money.RATE_TYPE,
    DOCUMENTATION_UNITS: pa.float64(),
    DISALLOWED_UNITS_DOCUMENTATION: pa.float64(),
    DISALLOWED_UNITS_RULES: pa.float64(),
    UNITS_CLAIMED: pa.float64(),
    PAYABLE_UNITS: pa.float64(),
    DISALLOWED_UNITS: pa.float64(),
    **dict.fromkeys(AMOUNT_COLUMNS, money.AMOUNT_TYPE),
}


def schema_of(columns: Iterable[str]) -> pa.Schema:
    """The parquet schema of these columns: their type in _TYPES, else text."""
    return pa.schema([pa.field(c, _TYPES.get(c, pa.string())) for c in columns])


CLIENT_DAYS_SCHEMA = schema_of(CLIENT_DAYS_COLUMNS)
SERVICE_LINES_SCHEMA = schema_of(SERVICE_LINES_COLUMNS)
REJECTED_SCHEMA = schema_of(REJECTED_COLUMNS)
CLAIMS_SCHEMA = schema_of(CLAIM_ROWS_COLUMNS)
REVIEW_SCHEMA = schema_of(REVIEW_COLUMNS)

# Names Windows reserves for devices, whatever follows them after a dot (NUL.txt is NUL).
RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{p}{n}" for p in ("COM", "LPT") for n in range(10)}
)
UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 80
# A name kept as the provider wrote it never ends like a hashed one, so the two never meet.
HASHED_ENDING = re.compile(r"-[0-9a-f]{8,}$", re.IGNORECASE)
SHORT_HASH = 8


def arrow_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """The frame's columns as a table of exactly this schema (names, order, types)."""
    arrays = [pa.array(frame[f.name], from_pandas=True).cast(f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(frame: pd.DataFrame, schema: pa.Schema, path: Path) -> int:
    """The frame as a parquet file; returns its row count."""
    pq.write_table(arrow_table(frame, schema), path)
    return len(frame)


def _safe_base(provider: str) -> str:
    """The provider_id with unsafe characters as `_`, never a device name before its dot, never
    hidden (a leading dot) or read as a command's option (a leading hyphen)."""
    base = UNSAFE_CHARACTERS.sub("_", provider).lstrip("._-").rstrip("._")[:MAX_NAME]
    base = base or "provider"
    return f"_{base}" if base.split(".")[0].upper() in RESERVED_NAMES else base


def provider_file_names(providers: Iterable[str]) -> dict[str, str]:
    """A safe file name for each provider_id, distinct from every other by construction.

    An ID that is already a safe name is kept as written, the first of any that differ only in
    letter case; every other gets `<safe base>-<hash of the ID>`. A kept name never ends in a
    hyphen and hex digits, so it cannot meet a hashed one; two hashed names could meet only with
    the same base and short hash, and those take the whole hash instead.
    """
    names: dict[str, str] = {}
    kept: set[str] = set()
    for provider in dict.fromkeys(providers):
        base = _safe_base(provider)
        if base == provider and not HASHED_ENDING.search(base) and base.lower() not in kept:
            kept.add(base.lower())
            names[provider] = base
        else:
            names[provider] = f"{base}-{_digest(provider)[:SHORT_HASH]}"
    clashes = Counter(n.lower() for n in names.values())
    for provider, name in names.items():
        if clashes[name.lower()] > 1:
            names[provider] = f"{_safe_base(provider)}-{_digest(provider)}"
    return {p: f"{n}.xlsx" for p, n in names.items()}


def _digest(provider: str) -> str:
    return hashlib.sha256(provider.encode()).hexdigest()


def month_start(month: str) -> datetime:
    """The first day of the billing month: the workbooks' fixed creation date."""
    return datetime.strptime(month, "%Y-%m")


def write_workbooks(
    result: RunResult, staging: Path, progress: Progress = SILENT
) -> dict[str, Any]:
    """The funder's workbook and one per provider, into the staging folder, in parallel; small
    provider workbooks in batches, a worker process each (workers.packed)."""
    created = month_start(result.month)
    folder = staging / PROVIDERS_DIR
    folder.mkdir()
    rows = provider_rows(result)
    names = provider_file_names(rows)
    providers = list(names)
    workers = available_cpus()
    batches = [[providers[i] for i in b] for b in packed([rows[p] for p in providers], workers)]
    jobs = [
        Job(partial(funder_workbook, result, staging / FUNDER_WORKBOOK, created),
            sum(rows.values())),
        *(
            Job(partial(provider_workbooks, result, {p: folder / names[p] for p in batch},
                        created), sum(rows[p] for p in batch))
            for batch in batches
        ),
    ]
    progress.stage("Writing the workbooks", total=len(jobs))
    cells = job_results(jobs, workers, progress.advance)
    return {
        FUNDER_WORKBOOK: {"cells": cells[0]},
        PROVIDERS_DIR: {p: f"{PROVIDERS_DIR}/{n}" for p, n in names.items()},
        WORKBOOK_CELLS: sum(cells),
    }


def funder_workbook(result: RunResult, path: Path, created: datetime) -> int:
    """The funder's workbook at `path`; returns the cells written."""
    return write_workbook(funder_report(result), path, created)


def provider_workbook(result: RunResult, provider: str, path: Path, created: datetime) -> int:
    """One provider's workbook at `path`; returns the cells written."""
    return write_workbook(provider_report(result, provider), path, created)


def batch_result(result: RunResult, providers: Collection[str]) -> RunResult:
    """The result with only these providers' rows (lines, days, claims, review, providers, and
    the accepted and rejected rows they hold): each provider's workbook from it is the same,
    and finding a provider's rows in it costs the batch's rows, not the month's (a month of
    50,000 one-line providers would be quadratic)."""

    def theirs(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame[PROVIDER_ID].isin(providers).fillna(False).astype(bool)]

    loaded = result.loaded
    kept = replace(
        loaded,
        services=theirs(loaded.services),
        claims=theirs(loaded.claims),
        rates=theirs(loaded.rates),
        authorizations=theirs(loaded.authorizations),
        rejected=theirs(loaded.rejected),
    )
    return replace(
        result,
        loaded=kept,
        lines=theirs(result.lines),
        days=theirs(result.days),
        claims=theirs(result.claims),
        review=theirs(result.review),
        providers=theirs(result.providers),
    )


def provider_workbooks(result: RunResult, paths: dict[str, Path], created: datetime) -> int:
    """A batch of providers' workbooks, each at its path; returns the cells written."""
    batch = batch_result(result, list(paths)) if len(paths) > 1 else result
    return sum(provider_workbook(batch, p, path, created) for p, path in paths.items())


def write_tables(result: RunResult, staging: Path, progress: Progress = SILENT) -> dict[str, Any]:
    """The five parquet files, into the staging folder."""
    progress.stage("Writing the parquet files")
    return {
        CLIENT_DAYS_FILE: {
            "rows": write_parquet(result.days, CLIENT_DAYS_SCHEMA, staging / CLIENT_DAYS_FILE)
        },
        SERVICE_LINES_FILE: {
            "rows": write_parquet(result.lines, SERVICE_LINES_SCHEMA, staging / SERVICE_LINES_FILE)
        },
        REJECTED_FILE: {
            "rows": write_parquet(
                result.loaded.rejected, REJECTED_SCHEMA, staging / REJECTED_FILE
            )
        },
        CLAIMS_FILE: {
            "rows": write_parquet(result.claims, CLAIMS_SCHEMA, staging / CLAIMS_FILE)
        },
        REVIEW_FILE: {
            "rows": write_parquet(result.review, REVIEW_SCHEMA, staging / REVIEW_FILE)
        },
    }


def write_partitioned_tables(result: RunResult, staging: Path) -> dict[str, Any]:
    """client_days and service_lines as parquet datasets partitioned by provider
    (`client_days/provider_id=PRV-A/part-0.parquet`), for readers that want one provider."""
    frames = {CLIENT_DAYS_DIR: result.days, SERVICE_LINES_DIR: result.lines}
    schemas = {CLIENT_DAYS_DIR: CLIENT_DAYS_SCHEMA, SERVICE_LINES_DIR: SERVICE_LINES_SCHEMA}
    written: dict[str, Any] = {}
    for name, frame in frames.items():
        ds.write_dataset(
            arrow_table(frame, schemas[name]),
            staging / name,
            format="parquet",
            partitioning=[PROVIDER_ID],
            partitioning_flavor="hive",
        )
        written[name] = {"rows": len(frame), "providers": int(frame[PROVIDER_ID].nunique())}
    return {PARTITIONED: written}


def run_record(
    result: RunResult, formats: frozenset[str], outputs: dict[str, Any]
) -> dict[str, Any]:
    """What run.json holds: month, config, per-file accounts, version, totals and outputs."""
    return {
        "month": result.month,
        "package_version": result.version,
        "formats": sorted(formats),
        "config": result.config.as_dict(),
        "files": [
            {**asdict(f), "extra_columns": list(f.extra_columns)} for f in result.loaded.files
        ],
        "files_rejected_whole": [
            {"file": f.path, "reason": f.rejected_whole}
            for f in result.loaded.files
            if f.rejected_whole
        ],
        "providers_without_rate": list(result.providers_without_rate),
        "authorizations": authorizations_state(result.loaded),
        "run_at": result.run_at.isoformat(),
        "totals": run_totals(result),
        "outputs": outputs,
    }


def json_text(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def swap_in(staging: Path, out_dir: Path, names: Iterable[str], stale: Iterable[str]) -> None:
    """Move the staged files and folders into place; move stale outputs into staging to die.

    Files replace atomically; a folder cannot, so the old one steps aside just before.
    """
    trash = staging / ".old"
    trash.mkdir()
    for name in stale:
        if (out_dir / name).exists():
            os.replace(out_dir / name, trash / name)
    for name in names:
        if (staging / name).is_dir() and (out_dir / name).exists():
            os.replace(out_dir / name, trash / name)
        os.replace(staging / name, out_dir / name)


def remove_abandoned_staging(out_dir: Path) -> None:
    """Delete staging folders that a killed run left behind: those whose process is gone.

    A staging folder is named after its run's process ID, so a run never deletes the staging
    folder of another run still going on in the same output folder.
    """
    for folder in out_dir.glob(f"{STAGING_PREFIX}*"):
        owner = folder.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
        if not owner.isdigit() or not process_exists(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def staged(out_dir: Path, build: Callable[[Path], list[str]], stale: Iterable[str] = ()) -> None:
    """Run `build` in a fresh staging folder inside out_dir, then swap its outputs in.

    `build` returns the names it wrote, in the order they should appear (run.json last).
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_abandoned_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as err:
        raise OutputError(f"{out_dir}: cannot write the output folder ({err.strerror})") from None
    try:
        swap_in(staging, out_dir, build(staging), stale)
    except OSError as err:
        raise OutputError(
            f"{out_dir}: cannot write {Path(err.filename or out_dir).name} "
            f"({err.strerror or err})"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_outputs(
    result: RunResult,
    out_dir: Path,
    formats: frozenset[str],
    progress: Progress = SILENT,
    partitioned: bool = False,
) -> dict[str, Any]:
    """The chosen outputs and run.json into out_dir, replacing a previous run's wholly.

    `partitioned` adds the detail tables as provider-partitioned datasets to the parquet files.
    Returns what run.json says. Outputs of a format not chosen this time are removed, so that
    the folder never mixes two runs.
    """
    unknown = sorted(formats - set(FORMATS))
    if unknown:
        raise UsageError(f"unknown output format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    partitioned = partitioned and PARQUET in formats
    record: dict[str, Any] = {}

    def build(staging: Path) -> list[str]:
        outputs: dict[str, Any] = {}
        if PARQUET in formats:
            outputs.update(write_tables(result, staging, progress))
        if partitioned:
            outputs.update(write_partitioned_tables(result, staging))
        if XLSX in formats:
            outputs.update(write_workbooks(result, staging, progress))
        record.update(run_record(result, formats, outputs))
        (staging / RUN_FILE).write_text(json_text(record), encoding="utf-8")
        written = [n for n in (*PARQUET_FILES, FUNDER_WORKBOOK, PROVIDERS_DIR) if n in outputs]
        return [*written, *(PARTITIONED_DIRS if partitioned else ()), RUN_FILE]

    stale = [
        *(PARQUET_FILES if PARQUET not in formats else ()),
        *((FUNDER_WORKBOOK, PROVIDERS_DIR) if XLSX not in formats else ()),
        *(PARTITIONED_DIRS if not partitioned else ()),
    ]
    staged(out_dir, build, stale)
    return record


def write_validation(loaded: Loaded, out_dir: Path) -> Path:
    """`reconcile validate`: only the rejected-row records, as rejected_rows.parquet."""

    def build(staging: Path) -> list[str]:
        write_parquet(loaded.rejected, REJECTED_SCHEMA, staging / REJECTED_FILE)
        return [REJECTED_FILE]

    staged(out_dir, build)
    return out_dir / REJECTED_FILE
