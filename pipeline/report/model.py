"""The report model's types (Format, Table, Sheet, Page, Report and what a sheet may carry:
charts, input columns, text), the sheet names, the columns that exist only in the workbooks,
each column's Format and the words its header shows."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

import pandas as pd

from schemas import columns as col
from schemas.columns import (
    ALLOWABLE_UNITS,
    AMOUNT_COLUMNS,
    CLAIMED_UNITS,
    COUNTABLE_MINUTES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
    EXTERNAL_PARTICIPANTS,
    MINUTES,
    PAYABLE_UNITS,
    SERVICE_DATE,
    SOURCE_ROW,
    UNIT_RATE,
    UNITS_CLAIMED,
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
    """A further table below a sheet's main one, after a blank row (e.g. Summary's counts),
    or a table on a Page. Its last `totals` rows are totals: bold, and left out of a chart."""

    frame: pd.DataFrame
    formats: Mapping[str, Format]
    title: str = ""
    bold_rows: frozenset[int] = frozenset()
    totals: int = 0


@dataclass(frozen=True)
class Chart:
    """A native bar chart of one of the sheet's tables, drawn below the sheet's tables.

    One category per row of the table (its totals left out) named by `category_column`, one
    series per column of `value_columns`, named by that column's header. `table` is "" for the
    sheet's main table, or the title of a table below it. `horizontal` draws bars across (long
    category names stay readable), else columns up; `stacked` stacks the series in one bar.
    """

    title: str
    table: str
    category_column: str
    value_columns: tuple[str, ...]
    stacked: bool = True
    horizontal: bool = True


@dataclass(frozen=True)
class Input:
    """An empty column appended to a sheet's main table for the reader to fill in (a provider's
    Response, Comment): shaded, unlocked, and with `choices` a drop-down list that accepts
    nothing else. `width` in characters; 0 fits the header and the choices."""

    column: str
    choices: tuple[str, ...] = ()
    width: int = 0


@dataclass(frozen=True)
class Sheet:
    """One sheet: title lines, then the main table (header frozen, filterable), then `below`,
    then the charts.

    `formats` maps a column to its Format (a column left out is TEXT); `bold_rows` are
    positions in `frame`. The frame's last `totals` rows are totals: bold, and outside the
    filter range, so that sorting or filtering never moves them. `inputs` are empty columns
    appended to the main table. `footer` is printed at the foot of every page, beside the
    sheet's name and "Page N of M" (say whose data and which month). A `protected` sheet can
    be sorted and filtered, but only its inputs can be typed in.
    """

    name: str
    frame: pd.DataFrame
    formats: Mapping[str, Format]
    title_rows: tuple[str, ...] = ()
    bold_rows: frozenset[int] = frozenset()
    below: tuple[Table, ...] = field(default=())
    totals: int = 0
    inputs: tuple[Input, ...] = ()
    charts: tuple[Chart, ...] = ()
    footer: str = ""
    protected: bool = False


class TextStyle(Enum):
    """How a Page's text is set."""

    TITLE = "title"
    HEADING = "heading"
    BODY = "body"


@dataclass(frozen=True)
class Text:
    """A paragraph of a Page: wraps across the page's width."""

    text: str
    style: TextStyle = TextStyle.BODY


@dataclass(frozen=True)
class Page:
    """A sheet laid out as a printed page (a provider's Notice): paragraphs that wrap across the
    page's width and small tables between them, printed on one page when it fits with no text
    under 8 pt. Portrait unless `landscape`; `footer` as a Sheet's."""

    name: str
    blocks: tuple[Text | Table, ...]
    footer: str = ""
    landscape: bool = False


Report = tuple[Sheet | Page, ...]


def with_footer(report: Report, footer: str) -> Report:
    """Every sheet of the report with `footer` printed on each of its pages."""
    return tuple(replace(sheet, footer=footer) for sheet in report)


# The sheets of SPEC v2 §5 and §5.1, in order; a provider's workbook starts with its Notice.
NOTICE = "Notice"
SUMMARY = "Summary"
RECOUPMENTS = "Recoupments"
UNDER_BILLED = "Under-billed"
FOR_REVIEW = "For Review"
CLAIMS_SHEET = "Claims"
CLIENT_DAYS = "Client Days"
SERVICE_LINES = "Service Lines"
REJECTED_ROWS = "Rejected Rows"
RULES_SHEET = "Rules"
RUN_INFO = "Run Info"
SHEET_NAMES = (
    SUMMARY, RECOUPMENTS, UNDER_BILLED, FOR_REVIEW, CLAIMS_SHEET, CLIENT_DAYS, SERVICE_LINES,
    REJECTED_ROWS, RULES_SHEET, RUN_INFO,
)
PROVIDER_SHEET_NAMES = (NOTICE, *SHEET_NAMES)

# Columns that exist only in the workbooks.
CLIENT_DAYS_COUNT = "client_days"
SERVICE_LINES_COUNT = "service_lines"
CLAIMS_COUNT = "claims_rows"
RECOUPMENT_DAYS = "recoupment_days"  # client-days with disallowed dollars
DISALLOWED_SHARE = "disallowed_share"  # percent of the claimed dollars, two decimals
CODE = "code"
TITLE = "title"
KIND = "kind"
DESCRIPTION = "description"
GUIDELINE = "guideline"
CAUSE = "cause"
CODE_DISALLOWED = "code_disallowed"  # the dollars of the code's cause on the days carrying it
WITHHELD = "withheld"  # rules-disallowed dollars on days with research follow-up pending
PROVIDER_NAMED = "provider_named"  # "PRV-A (Harbor Family Services)": the ID, and the name
# The Summary's disallowed dollars by cause, beside the disallowed total (short headers).
DOCUMENTATION_DOLLARS = "documentation_dollars"
RULES_DOLLARS = "rules_dollars"
FINDINGS = "findings"  # a day's codes, each with its title and guideline paragraph
FINDING = "finding"  # a code's title and guideline paragraph
CLAIMS_AT = "claims_at"  # a day's claims rows as "file: row, row"
LINES_AT = "lines_at"  # a day's service lines as "file: row, row"
DAY_REASONS = "day_reasons"  # a claims row's client-day's reason codes
PROVIDER_CELL = "provider_cell"  # a rejected row's provider_id cell as read
FILES_REJECTED = "files_rejected_whole"
UNITS_NOT_RECONCILED = "units_not_reconciled"
REVIEW_ROWS = "review_rows"
FIGURE = "figure"  # a Notice table's row names, and its units and dollars
UNITS = "figure_units"
AMOUNT = "figure_amount"
SHEET = "sheet_name"  # the Summary's map of the sheets behind its figures
ROWS = "sheet_rows"
SETTING = "setting"
VALUE = "value"
NOTE_COLUMN = "note"
# A provider's answer on its Recoupments sheet (v2 §5.1): Input columns with these names.
RESPONSE, COMMENT = "response", "comment"
RESPONSES = ("Agree", "Disagree", "Documentation attached")
TOTAL = "TOTAL"
YES, NO = "yes", "no"

# sha256 last: a table below the main one lets its last text column run on to the right.
FILE_COUNTS = ("rows_read", "rows_accepted", "rows_rejected", "header_row")
FILE_COLUMNS = (
    "file", "kind", *FILE_COUNTS[:3], "rejected_whole", "encoding", "delimiter", "sheet",
    FILE_COUNTS[3], "extra_columns", "column_map", "sha256",
)
ROWS_READ, ROWS_ACCEPTED, ROWS_REJECTED = FILE_COUNTS[:3]

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
    UNITS_CLAIMED: Format.UNITS,
    PAYABLE_UNITS: Format.UNITS,
    UNIT_RATE: Format.RATE,
    **dict.fromkeys(AMOUNT_COLUMNS, Format.MONEY),
    DOCUMENTATION_UNITS: Format.UNITS,
    DISALLOWED_UNITS_DOCUMENTATION: Format.UNITS,
    DISALLOWED_UNITS_RULES: Format.UNITS,
    CLIENT_DAYS_COUNT: Format.INTEGER,
    SERVICE_LINES_COUNT: Format.INTEGER,
    CLAIMS_COUNT: Format.INTEGER,
    RECOUPMENT_DAYS: Format.INTEGER,
    DISALLOWED_SHARE: Format.UNITS,
    CODE_DISALLOWED: Format.MONEY,
    WITHHELD: Format.MONEY,
    DOCUMENTATION_DOLLARS: Format.MONEY,
    RULES_DOLLARS: Format.MONEY,
    FILES_REJECTED: Format.INTEGER,
    UNITS_NOT_RECONCILED: Format.UNITS,
    REVIEW_ROWS: Format.INTEGER,
    ROWS: Format.INTEGER,
    UNITS: Format.UNITS,
    AMOUNT: Format.MONEY,
    **dict.fromkeys(FILE_COUNTS, Format.INTEGER),
}


def formats_of(frame: pd.DataFrame) -> dict[str, Format]:
    """Each column's Format, TEXT unless FORMATS names it."""
    return {c: FORMATS.get(c, Format.TEXT) for c in frame.columns}


# The words a workbook's header shows for each column (SPEC v2 §5.1): the frames and the
# parquet files keep the snake_case names. A column missing here shows its name.
LABELS: dict[str, str] = {
    col.SOURCE_FILE: "Source file",
    col.SOURCE_ROW: "Source row",
    col.SERVICE_ID: "Service ID",
    col.PROVIDER_ID: "Provider",
    col.CLIENT_ID: "Client",
    col.STAFF_ID: "Staff",
    col.SERVICE_DATE: "Service date",
    col.ACTIVITY: "Activity",
    col.MINUTES: "Minutes",
    col.CLIENT_SPECIFIC: "Client-specific",
    col.EXTERNAL_PARTICIPANTS: "External participants",
    col.NOTE: "Note",
    col.CLAIM_ID: "Claim ID",
    col.UNITS_CLAIMED: "Units claimed",
    col.UNIT_RATE: "Unit rate ($)",
    col.COLUMN: "Column",
    col.VALUE: "Value",
    col.ERROR: "Error",
    col.DUPLICATE: "Duplicate",
    col.ELIGIBLE: "Eligible",
    col.REASONS: "Reason codes",
    col.DOCUMENTED_MINUTES: "Minutes documented",
    col.COUNTABLE_MINUTES: "Minutes countable",
    col.CLAIMED_UNITS: "Units claimed",
    col.ALLOWABLE_UNITS: "Units allowable",
    col.VARIANCE_UNITS: "Units claimed less allowable",
    col.STATUS: "Status",
    col.CLAIMED_AMOUNT: "Claimed ($)",
    col.ALLOWABLE_AMOUNT: "Allowable ($)",
    col.DISALLOWED_AMOUNT: "Disallowed ($)",
    col.DOCUMENTATION_UNITS: "Units documented",
    col.PAYABLE_AMOUNT: "Payable ($)",
    col.DISALLOWED_UNITS_DOCUMENTATION: "Units disallowed: documentation",
    col.DISALLOWED_UNITS_RULES: "Units disallowed: rules",
    col.DISALLOWED_AMOUNT_DOCUMENTATION: "Disallowed for documentation ($)",
    col.DISALLOWED_AMOUNT_RULES: "Disallowed under the rules ($)",
    col.UNCLAIMED_AMOUNT: "Unclaimed ($)",
    col.REVIEW: "Review flags",
    col.PAYABLE_UNITS: "Units payable",
    col.START_TIME: "Start time",
    col.END_TIME: "End time",
    col.PROVIDER_NAME: "Provider name",
    col.RATE_SOURCE: "Rate from",
    col.REVIEW_KIND: "Kind",
    col.WARNING_CODE: "Code",
    col.DETAIL: "Detail",
    CLIENT_DAYS_COUNT: "Client-days",
    SERVICE_LINES_COUNT: "Service lines",
    CLAIMS_COUNT: "Claims rows",
    RECOUPMENT_DAYS: "Client-days disallowed",
    DISALLOWED_UNITS: "Units disallowed",
    DISALLOWED_SHARE: "% disallowed",
    TITLE: "Finding",
    KIND: "Kind",
    DESCRIPTION: "Description",
    GUIDELINE: "Guideline",
    CAUSE: "Cause",
    CODE_DISALLOWED: "Disallowed ($)",
    WITHHELD: "Withheld pending follow-up ($)",
    PROVIDER_NAMED: "Provider",
    DOCUMENTATION_DOLLARS: "Documentation ($)",
    RULES_DOLLARS: "Rules ($)",
    FINDINGS: "Codes: finding (guideline)",
    FINDING: "Finding (guideline)",
    CLAIMS_AT: "Claims rows (file: row)",
    LINES_AT: "Service lines (file: row)",
    DAY_REASONS: "Reason codes of the day",
    PROVIDER_CELL: "Provider (cell as read)",
    FILES_REJECTED: "Files rejected",
    UNITS_NOT_RECONCILED: "Units not reconciled",
    REVIEW_ROWS: "Rows",
    FIGURE: "",
    SHEET: "Sheet",
    ROWS: "Rows",
    UNITS: "Units",
    AMOUNT: "Amount ($)",
    SETTING: "Setting",
    RESPONSE: "Response",
    COMMENT: "Comment",
    **dict(
        zip(
            FILE_COLUMNS,
            (
                "File", "Kind", "Rows read", "Rows accepted", "Rows rejected", "Rejected whole",
                "Encoding", "Delimiter", "Sheet", "Header row", "Extra columns", "Column map",
                "SHA-256",
            ),
            strict=True,
        )
    ),
}


def label(column: str) -> str:
    """The header a workbook shows for a column."""
    return LABELS.get(column, column)
