"""The month's headline figures, one definition for run.json, the terminal and the Summary sheet."""

from typing import Any

import pandas as pd

from pipeline import money
from pipeline.result import Loaded, RunResult
from pipeline.rules.table import REASON_ORDER, RESEARCH_FOLLOWUP_PENDING, RULES, Kind
from pipeline.rules.table import codes as codes_of
from schemas.columns import (
    ALLOWABLE_UNITS,
    AMOUNT_COLUMNS,
    AUTHORIZATIONS_KIND,
    CLAIMED_UNITS,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DUPLICATE,
    REASON_SEPARATOR,
    REASONS,
    SOURCE_FILE,
    SOURCE_ROW,
    STATUS,
    STATUSES,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
    WARNING_CODE,
)

# code_table's columns.
CODE = "code"
CODE_DAYS = "client_days"
CODE_LINES = "service_lines"
CODE_CENTS = "disallowed_cents_rules"



def exact_sum(amount: pd.Series) -> str:
    """The exact sum of a decimal amount column, as text with two decimals (NA counts as 0)."""
    return cents_text(int(money.cents_of(amount).fillna(0).sum()))


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


def priced_sum(cents: pd.Series) -> object:
    """The sum of cents, NA where none of them is priced (no rate)."""
    return cents.sum(min_count=1)


def code_table(days: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Per reason code (REASON_ORDER), the client-days and service lines carrying it and the
    rules-disallowed cents of those days (v2 §5.1 "by code"; NA where no day has a rate).

    A day with several codes counts under each, so the cents do not add up to the total."""
    cents = money.cents_of(days[DISALLOWED_AMOUNT_RULES])
    per_text = (
        pd.DataFrame({REASONS: days[REASONS], CODE_CENTS: cents})
        .groupby(REASONS, sort=False)[CODE_CENTS]
        .agg(["size", priced_sum])
        .set_axis([CODE_DAYS, CODE_CENTS], axis=1)
    )
    exploded = per_text.index.to_series().str.split(REASON_SEPARATOR).explode()
    per_code = per_text.reindex(exploded.index).groupby(exploded.to_numpy())
    table = pd.DataFrame(
        {
            CODE_DAYS: per_code[CODE_DAYS].sum(),
            CODE_CENTS: per_code[CODE_CENTS].sum(min_count=1),
        }
    ).reindex(list(REASON_ORDER))
    line_counts = reason_counts(lines)
    return pd.DataFrame(
        {
            CODE: pd.Series(REASON_ORDER, dtype="str"),
            CODE_DAYS: table[CODE_DAYS].fillna(0).astype("int64").to_numpy(),
            CODE_LINES: [line_counts.get(c, 0) for c in REASON_ORDER],
            CODE_CENTS: pd.array(table[CODE_CENTS].to_numpy(), dtype="Int64"),
        }
    )


def cents_text(cents: int) -> str:
    """Whole cents as an exact dollar amount's text ("-12.05")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def units_not_reconciled(rejected: pd.DataFrame) -> float:
    """The units claimed on rejected claims rows whose units cell reads as a number, each row
    once (a row with two bad cells has two records)."""
    rows = rejected.dropna(subset=[UNITS_CLAIMED]).drop_duplicates([SOURCE_FILE, SOURCE_ROW])
    return float(rows[UNITS_CLAIMED].sum())


def authorizations_state(loaded: Loaded) -> str:
    """Whether SPEC §9 applied to the run, in a sentence for run.json and Run Info."""
    given = [f for f in loaded.files if f.kind == AUTHORIZATIONS_KIND]
    if not given:
        return "no authorizations file given: NOT_AUTHORIZED and AUTHORIZATION_CAP do not apply"
    if not loaded.authorizations_apply:
        return (
            "no authorizations file could be read: NOT_AUTHORIZED and AUTHORIZATION_CAP were "
            "not applied"
        )
    return (
        f"{len(loaded.authorizations):,} authorizations read from {len(given)} file(s): "
        "NOT_AUTHORIZED and AUTHORIZATION_CAP applied"
    )


def run_totals(result: RunResult) -> dict[str, Any]:
    """Lines, client-days, units, exact amounts, counts by status, code, warning and flag."""
    days, lines = result.days, result.lines
    files = result.loaded.files
    statuses = days[STATUS].value_counts()
    codes = code_table(days, lines).set_index(CODE)
    review = result.review[WARNING_CODE].value_counts()
    pending = codes[CODE_CENTS].fillna(0).astype("int64").get(RESEARCH_FOLLOWUP_PENDING, 0)
    return {
        "service_lines": len(lines),
        "duplicate_lines": int(lines[DUPLICATE].sum()),
        "client_days": len(days),
        "claims_rows": len(result.claims),
        "rows_read": sum(f.rows_read for f in files),
        "rows_accepted": sum(f.rows_accepted for f in files),
        "rows_rejected": sum(f.rows_rejected for f in files),
        "files_rejected": sum(1 for f in files if f.rejected_whole),
        "units_claimed": units(days[CLAIMED_UNITS]),
        "units_allowable": units(days[ALLOWABLE_UNITS]),
        "units_disallowed": units(days[VARIANCE_UNITS].clip(lower=0)),
        "units_disallowed_documentation": units(days[DISALLOWED_UNITS_DOCUMENTATION]),
        "units_disallowed_rules": units(days[DISALLOWED_UNITS_RULES]),
        "units_claimed_not_reconciled": units_not_reconciled(result.loaded.rejected),
        **{column: exact_sum(days[column]) for column in AMOUNT_COLUMNS},
        "withheld_pending_followup": cents_text(int(pending)),
        "by_status": {s: int(statuses.get(s, 0)) for s in STATUSES},
        "by_reason": reason_counts(lines),
        "by_code": {
            str(code): {
                "client_days": int(row[CODE_DAYS]),
                "service_lines": int(row[CODE_LINES]),
                DISALLOWED_AMOUNT_RULES: (
                    None if pd.isna(row[CODE_CENTS]) else cents_text(int(row[CODE_CENTS]))
                ),
            }
            for code, row in codes.iterrows()
            if row[CODE_DAYS] or row[CODE_LINES]
        },
        "by_warning": {c: int(review[c]) for c in codes_of(Kind.WARNING) if c in review},
        "by_review_flag": {c: int(review[c]) for c in codes_of(Kind.REVIEW) if c in review},
        "providers_without_rate": list(result.providers_without_rate),
    }
