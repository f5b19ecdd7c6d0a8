"""The sheets a reader acts on (SPEC v2 §5.1): Recoupments (every client-day with disallowed
dollars, largest first, with its causes, codes and the claims rows and service lines it comes
from), Under-billed (days the notes support more than was claimed) and For Review (one row per
warning and review flag, with its evidence)."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import money
from pipeline.report.figures import recouped
from pipeline.report.model import (
    CLAIMS_AT,
    COMMENT,
    DOCUMENTATION_DOLLARS,
    FINDINGS,
    FOR_REVIEW,
    LINES_AT,
    RECOUPMENTS,
    RESPONSE,
    RESPONSES,
    RULES_DOLLARS,
    TITLE,
    UNDER_BILLED,
    Input,
    Sheet,
    formats_of,
)
from pipeline.report.rows import summed, with_total
from pipeline.report.words import CAUSE_CITES, CAUSE_WORDS, DOCUMENTATION, RULES, findings
from pipeline.rules.table import BY_CODE
from schemas.columns import (
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAY_KEY,
    CLIENT_ID,
    COUNTABLE_MINUTES,
    DETAIL,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DOCUMENTED_MINUTES,
    NOT_CLAIMED,
    PAYABLE_AMOUNT,
    PROVIDER_ID,
    REASONS,
    REVIEW_KIND,
    SERVICE_DATE,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    STATUS,
    UNCLAIMED_AMOUNT,
    UNDER_CLAIMED,
    VARIANCE_UNITS,
    WARNING_CODE,
)

# Each sheet's columns in the order a reader needs them: a sheet wider than a page prints its
# first columns (which day, how much, why) on the first page across.
RECOUPMENT_COLUMNS = (
    PROVIDER_ID, CLIENT_ID, SERVICE_DATE, DISALLOWED_AMOUNT, FINDINGS, DOCUMENTATION_DOLLARS,
    RULES_DOLLARS, CLAIMED_AMOUNT, PAYABLE_AMOUNT, CLAIMS_AT,
)
RECOUPMENT_AMOUNTS = (
    DISALLOWED_AMOUNT, DOCUMENTATION_DOLLARS, RULES_DOLLARS, CLAIMED_AMOUNT, PAYABLE_AMOUNT,
)
# The causes under the Summary's short headers; the sheet's title says what they are.
CAUSE_COLUMNS = {
    DISALLOWED_AMOUNT_DOCUMENTATION: DOCUMENTATION_DOLLARS,
    DISALLOWED_AMOUNT_RULES: RULES_DOLLARS,
}
UNDER_BILLED_COLUMNS = (
    PROVIDER_ID, CLIENT_ID, SERVICE_DATE, STATUS, UNCLAIMED_AMOUNT, ALLOWABLE_UNITS,
    CLAIMED_UNITS, ALLOWABLE_AMOUNT, PAYABLE_AMOUNT, DOCUMENTED_MINUTES, COUNTABLE_MINUTES,
    REASONS, LINES_AT,
)
UNDER_BILLED_AMOUNTS = (UNCLAIMED_AMOUNT, ALLOWABLE_AMOUNT, PAYABLE_AMOUNT)
REVIEW_SHEET_COLUMNS = (
    WARNING_CODE, PROVIDER_ID, CLIENT_ID, SERVICE_DATE, DETAIL, STAFF_ID, TITLE, REVIEW_KIND,
    SOURCE_FILE, SOURCE_ROW,
)
# A provider answers each recoupment: a drop-down and a free comment (SPEC v2 §5.1).
ANSWERS = (Input(RESPONSE, RESPONSES), Input(COMMENT, width=40))
UNDER_BILLED_TITLE = (
    "Client-days whose notes support more than was claimed, most dollars unclaimed first"
)
FOR_REVIEW_TITLE = (
    "Warnings and review flags, one row each with its evidence: they change no units"
)
RECOUPMENTS_TITLE = (
    "Every client-day with disallowed dollars, largest first, with its codes and claims rows"
)
_DAY, _FILE, _ROW, _TEXT, _CENTS = "_day", "_file", "_row", "_text", "_cents"


def rows_at(rows: pd.DataFrame, days: pd.DataFrame) -> pd.Series:
    """For each of `days`, its rows of `rows` (claims rows or service lines) by file and row,
    in reading order: "claims.csv: 12, 13; claims_late.csv: 4"; empty where it has none."""
    key = list(CLIENT_DAY_KEY)
    position = days[key].assign(**{_DAY: np.arange(len(days))})
    # An inner merge keeps the left frame's order: the rows' reading order.
    found = rows[[*key, SOURCE_FILE, SOURCE_ROW]].merge(position, on=key)
    table = pa.table(
        {
            _DAY: pa.array(found[_DAY].to_numpy(dtype="int64")),
            _FILE: pa.array(found[SOURCE_FILE].astype("str").to_numpy(dtype=object), pa.string()),
            _ROW: pa.array(found[SOURCE_ROW].astype("int64").to_numpy()).cast(pa.string()),
        }
    )
    # Grouping on one thread keeps the groups and each group's list in reading order.
    per_file = table.group_by([_DAY, _FILE], use_threads=False).aggregate([(_ROW, "list")])
    text = pc.binary_join_element_wise(
        per_file[_FILE], pc.binary_join(per_file[f"{_ROW}_list"], ", "), ": "
    )
    per_day = (
        pa.table({_DAY: per_file[_DAY], _TEXT: text})
        .group_by(_DAY, use_threads=False)
        .aggregate([(_TEXT, "list")])
    )
    out = np.full(len(days), "", dtype=object)
    out[per_day[_DAY].to_numpy()] = pc.binary_join(per_day[f"{_TEXT}_list"], "; ").to_numpy(
        zero_copy_only=False
    )
    return pd.Series(out, index=days.index, dtype="str")


def recoupment_days(days: pd.DataFrame) -> pd.DataFrame:
    """Every client-day with disallowed dollars, largest first; then the days of a provider
    without a rate that have disallowed units, most units first."""
    chosen = recouped(days)
    picked = days.loc[chosen]
    return (
        picked.assign(**{_CENTS: money.cents_of(picked[DISALLOWED_AMOUNT])})
        .sort_values(
            [_CENTS, VARIANCE_UNITS, *CLIENT_DAY_KEY],
            ascending=[False, False, True, True, True],
            na_position="last",
            kind="stable",
        )
        .drop(columns=[_CENTS])
    )


def recoupments_frame(days: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Recoupments: each day's amounts and causes, its codes with their findings, and its
    claims rows; a TOTAL row."""
    picked = recoupment_days(days).reset_index(drop=True).rename(columns=CAUSE_COLUMNS)
    frame = picked.assign(
        **{FINDINGS: findings(picked[REASONS]), CLAIMS_AT: rows_at(claims, picked)}
    )[list(RECOUPMENT_COLUMNS)]
    return with_total(frame, summed(frame, RECOUPMENT_AMOUNTS))


def recoupments_sheet(frame: pd.DataFrame, due: str | None) -> Sheet:
    """The Recoupments sheet; a provider's (answered by `due`) has Response and Comment."""
    titles: tuple[str, ...] = (
        RECOUPMENTS_TITLE,
        f"Documentation ($): {CAUSE_WORDS[DOCUMENTATION]} ({CAUSE_CITES[DOCUMENTATION]}).",
        f"Rules ($): {CAUSE_WORDS[RULES]} ({CAUSE_CITES[RULES]}).",
    )
    if due is not None:
        titles += (
            f"Answer each row in Response ({', '.join(RESPONSES)}) and Comment, and return "
            f"this workbook by {due}.",
        )
    return Sheet(
        RECOUPMENTS,
        frame,
        formats_of(frame),
        title_rows=titles,
        totals=1,
        inputs=ANSWERS if due is not None else (),
    )


def under_billed_frame(days: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Days not claimed or claimed under what the notes allow, most dollars unclaimed first,
    with the service lines that document them."""
    picked = days.loc[days[STATUS].isin([NOT_CLAIMED, UNDER_CLAIMED]).to_numpy(dtype=bool)]
    picked = (
        picked.assign(**{_CENTS: money.cents_of(picked[UNCLAIMED_AMOUNT])})
        .sort_values(
            [_CENTS, *CLIENT_DAY_KEY],
            ascending=[False, True, True, True],
            na_position="last",
            kind="stable",
        )
        .reset_index(drop=True)
    )
    frame = picked.assign(**{LINES_AT: rows_at(lines, picked)})[list(UNDER_BILLED_COLUMNS)]
    return with_total(
        frame, summed(frame, UNDER_BILLED_AMOUNTS, (ALLOWABLE_UNITS, CLAIMED_UNITS))
    )


def under_billed_sheet(frame: pd.DataFrame) -> Sheet:
    return Sheet(
        UNDER_BILLED, frame, formats_of(frame), title_rows=(UNDER_BILLED_TITLE,), totals=1
    )


def review_frame(review: pd.DataFrame) -> pd.DataFrame:
    """The warnings and review flags as given (review.parquet's order), each code's title
    beside it."""
    titles = {code: rule.title for code, rule in BY_CODE.items()}
    return review.assign(**{TITLE: review[WARNING_CODE].map(titles).astype("str")})[
        list(REVIEW_SHEET_COLUMNS)
    ].reset_index(drop=True)


def review_sheet(frame: pd.DataFrame) -> Sheet:
    return Sheet(FOR_REVIEW, frame, formats_of(frame), title_rows=(FOR_REVIEW_TITLE,))
