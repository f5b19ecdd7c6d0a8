"""The report model's types (Format, Table, Sheet, Report), the sheet names, the columns
that exist only in the workbooks and each column's Format."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import pandas as pd

from schemas.columns import (
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    AMOUNT_COLUMNS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_ID,
    COUNTABLE_MINUTES,
    DETAIL,
    DISALLOWED_AMOUNT,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    EXTERNAL_PARTICIPANTS,
    MINUTES,
    PROVIDER_ID,
    REASONS,
    SERVICE_DATE,
    SERVICES_COLUMNS,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    STATUS,
    UNIT_RATE,
    VARIANCE_UNITS,
)


class Format(Enum):
    """How a column's values are shown; `pipeline.report.xlsx` maps each to a number format."""

    TEXT = "text"
    INTEGER = "integer"
    UNITS = "units"  # two decimals
    MONEY = "money"  # dollars and cents
    RATE = "rate"  # dollars, two to six decimals
    DATE = "date"


@dataclass(frozen=True)
class Table:
    """A further table below a sheet's main one, after a blank row (e.g. Summary's counts)."""

    frame: pd.DataFrame
    formats: Mapping[str, Format]
    title: str = ""
    bold_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Sheet:
    """One sheet: title lines, then the main table (header frozen, filterable), then `below`.

    `formats` maps a column to its Format (a column left out is TEXT); `bold_rows` are
    positions in `frame` (totals).
    """

    name: str
    frame: pd.DataFrame
    formats: Mapping[str, Format]
    title_rows: tuple[str, ...] = ()
    bold_rows: frozenset[int] = frozenset()
    below: tuple[Table, ...] = field(default=())


Report = tuple[Sheet, ...]

SUMMARY = "Summary"
EXCEPTIONS = "Exceptions"
CLIENT_DAYS = "Client Days"
SERVICE_LINES = "Service Lines"
REJECTED_ROWS = "Rejected Rows"
RULES_SHEET = "Rules"
RUN_INFO = "Run Info"
SHEET_NAMES = (
    SUMMARY, EXCEPTIONS, CLIENT_DAYS, SERVICE_LINES, REJECTED_ROWS, RULES_SHEET, RUN_INFO,
)

# Columns that exist only in the workbooks.
CLIENT_DAYS_COUNT = "client_days"
SERVICE_LINES_COUNT = "service_lines"
AMOUNT_AT_STAKE = "amount_at_stake"
CODE = "code"
KIND = "kind"
DESCRIPTION = "description"
GUIDELINE = "guideline"
WARNINGS_COUNT = "warnings"
SETTING = "setting"
VALUE = "value"
NOTE_COLUMN = "note"
TOTAL = "TOTAL"
YES, NO = "yes", "no"

# sha256 last: a table below the main one lets its last text column run on to the right.
FILE_COUNTS = ("rows_read", "rows_accepted", "rows_rejected", "header_row")
FILE_COLUMNS = (
    "file", "kind", *FILE_COUNTS[:3], "rejected_whole", "encoding", "delimiter", "sheet",
    FILE_COUNTS[3], "extra_columns", "column_map", "sha256",
)
SERVICE_LINE_COLUMNS = (SOURCE_FILE, SOURCE_ROW, *SERVICES_COLUMNS, DUPLICATE, ELIGIBLE, REASONS)
EXCEPTION_COLUMNS = (
    PROVIDER_ID, CLIENT_ID, SERVICE_DATE, STATUS, REASONS, CLAIMED_UNITS, ALLOWABLE_UNITS,
    VARIANCE_UNITS, UNIT_RATE, CLAIMED_AMOUNT, ALLOWABLE_AMOUNT, DISALLOWED_AMOUNT,
    AMOUNT_AT_STAKE, STAFF_ID, DETAIL,
)
SUMMARY_COLUMNS = (
    PROVIDER_ID, CLIENT_DAYS_COUNT, SERVICE_LINES_COUNT, CLAIMED_UNITS, ALLOWABLE_UNITS,
    DISALLOWED_UNITS, CLAIMED_AMOUNT, ALLOWABLE_AMOUNT, DISALLOWED_AMOUNT,
)

FORMATS: dict[str, Format] = {
    SOURCE_ROW: Format.INTEGER,
    SERVICE_DATE: Format.DATE,
    MINUTES: Format.INTEGER,
    EXTERNAL_PARTICIPANTS: Format.INTEGER,
    DOCUMENTED_MINUTES: Format.INTEGER,
    COUNTABLE_MINUTES: Format.INTEGER,
    CLAIMED_UNITS: Format.UNITS,
    ALLOWABLE_UNITS: Format.UNITS,
    VARIANCE_UNITS: Format.UNITS,
    DISALLOWED_UNITS: Format.UNITS,
    UNIT_RATE: Format.RATE,
    **dict.fromkeys(AMOUNT_COLUMNS, Format.MONEY),
    DOCUMENTATION_UNITS: Format.UNITS,
    DISALLOWED_UNITS_DOCUMENTATION: Format.UNITS,
    DISALLOWED_UNITS_RULES: Format.UNITS,
    AMOUNT_AT_STAKE: Format.MONEY,
    CLIENT_DAYS_COUNT: Format.INTEGER,
    SERVICE_LINES_COUNT: Format.INTEGER,
    WARNINGS_COUNT: Format.INTEGER,
    **dict.fromkeys(FILE_COUNTS, Format.INTEGER),
}


def formats_of(frame: pd.DataFrame) -> dict[str, Format]:
    """Each column's Format, TEXT unless FORMATS names it."""
    return {c: FORMATS.get(c, Format.TEXT) for c in frame.columns}
