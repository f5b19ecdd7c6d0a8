"""The month's headline figures, one definition for run.json, the terminal and the Summary sheet."""

from typing import Any

import pandas as pd

from pipeline import money
from pipeline.result import RunResult
from pipeline.rules.table import RULES
from schemas.columns import (
    ALLOWABLE_UNITS,
    AMOUNT_COLUMNS,
    CLAIMED_UNITS,
    DUPLICATE,
    REASON_SEPARATOR,
    REASONS,
    STATUS,
    STATUSES,
    VARIANCE_UNITS,
    WARNING_CODE,
)


def exact_sum(amount: pd.Series) -> str:
    """The exact sum of a decimal amount column, as text with two decimals (NA counts as 0)."""
    cents = int(money.cents_of(amount).fillna(0).sum())
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def units(values: pd.Series) -> float:
    """A sum of quarter units (exact in binary)."""
    return float(values.sum())


def reason_counts(lines: pd.DataFrame) -> dict[str, int]:
    """How many service lines carry each code, in rules-table order."""
    # Few distinct reason texts: split those, not every line.
    per_text = lines[REASONS].value_counts()
    exploded = per_text.index.to_series().str.split(REASON_SEPARATOR).explode()
    counts = per_text.reindex(exploded.index).groupby(exploded.to_numpy()).sum()
    counts = counts[counts.index != ""]
    return {r.code: int(counts.get(r.code, 0)) for r in RULES if r.code in counts.index}


def run_totals(result: RunResult) -> dict[str, Any]:
    """Lines, client-days, units, exact amounts, counts by status, reason and warning."""
    days, lines = result.days, result.lines
    files = result.loaded.files
    statuses = days[STATUS].value_counts()
    return {
        "service_lines": len(lines),
        "duplicate_lines": int(lines[DUPLICATE].sum()),
        "client_days": len(days),
        "rows_read": sum(f.rows_read for f in files),
        "rows_accepted": sum(f.rows_accepted for f in files),
        "rows_rejected": sum(f.rows_rejected for f in files),
        "files_rejected": sum(1 for f in files if f.rejected_whole),
        "units_claimed": units(days[CLAIMED_UNITS]),
        "units_allowable": units(days[ALLOWABLE_UNITS]),
        "units_disallowed": units(days[VARIANCE_UNITS].clip(lower=0)),
        **{column: exact_sum(days[column]) for column in AMOUNT_COLUMNS},
        "by_status": {s: int(statuses.get(s, 0)) for s in STATUSES},
        "by_reason": reason_counts(lines),
        "by_warning": {
            str(k): int(v) for k, v in result.warnings[WARNING_CODE].value_counts().items()
        },
        "providers_without_rate": list(result.providers_without_rate),
    }
