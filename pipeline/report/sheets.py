"""The detail and reference sheets: Claims, Client Days, Service Lines, Rejected Rows, Rules and
Run Info, and the one-line sheet that says where rows too many for a workbook are instead."""

import json

import numpy as np
import pandas as pd

from pipeline.report.model import (
    CLAIMS_SHEET,
    CLIENT_DAYS,
    CODE,
    DAY_REASONS,
    DESCRIPTION,
    FILE_COLUMNS,
    FILE_COUNTS,
    GUIDELINE,
    KIND,
    NO,
    NOTE_COLUMN,
    PROVIDER_CELL,
    REJECTED_ROWS,
    ROWS_ACCEPTED,
    ROWS_READ,
    ROWS_REJECTED,
    RULES_SHEET,
    RUN_INFO,
    SERVICE_LINES,
    SETTING,
    TITLE,
    VALUE,
    YES,
    Sheet,
    Table,
    formats_of,
)
from pipeline.report.rows import summed, with_total
from pipeline.report.scope import Scope
from pipeline.report.words import cite
from pipeline.result import FileReport
from pipeline.rules.table import RULES
from schemas.columns import (
    ACTIVITY,
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CLAIM_AMOUNT_COLUMNS,
    CLAIM_ID,
    CLAIM_ROWS_COLUMNS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAY_KEY,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COUNTABLE_MINUTES,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    END_TIME,
    EXTERNAL_PARTICIPANTS,
    MINUTES,
    NO_RATE,
    NOTE,
    PAYABLE_AMOUNT,
    PAYABLE_UNITS,
    PROVIDER_ID,
    RATE_SOURCE,
    REASONS,
    REJECTED_COLUMNS,
    REVIEW,
    SERVICE_DATE,
    SERVICE_ID,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    START_TIME,
    STATUS,
    UNCLAIMED_AMOUNT,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
)

# Each sheet's columns in the order a reader needs them: a sheet wider than a page prints its
# first columns (which row, how much, why) on the first page across; where it came from last.
# The parquet files keep SPEC §5's order.
DAY_COLUMNS = (
    PROVIDER_ID, CLIENT_ID, SERVICE_DATE, STATUS, CLAIMED_UNITS, ALLOWABLE_UNITS, CLAIMED_AMOUNT,
    PAYABLE_AMOUNT, DISALLOWED_AMOUNT, DISALLOWED_AMOUNT_DOCUMENTATION, DISALLOWED_AMOUNT_RULES,
    UNCLAIMED_AMOUNT, ALLOWABLE_AMOUNT, REASONS, REVIEW, DOCUMENTED_MINUTES, COUNTABLE_MINUTES,
    DOCUMENTATION_UNITS, VARIANCE_UNITS, DISALLOWED_UNITS_DOCUMENTATION, DISALLOWED_UNITS_RULES,
    UNIT_RATE,
)
DAY_AMOUNTS = (
    CLAIMED_AMOUNT, ALLOWABLE_AMOUNT, PAYABLE_AMOUNT, DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION, DISALLOWED_AMOUNT_RULES, UNCLAIMED_AMOUNT,
)
DAY_UNITS = (
    CLAIMED_UNITS, ALLOWABLE_UNITS, DISALLOWED_UNITS_DOCUMENTATION, DISALLOWED_UNITS_RULES,
)
LINE_COLUMNS = (
    PROVIDER_ID, CLIENT_ID, SERVICE_DATE, ACTIVITY, MINUTES, REASONS, NOTE, REVIEW, STAFF_ID,
    START_TIME, END_TIME, ELIGIBLE, DUPLICATE, CLIENT_SPECIFIC, EXTERNAL_PARTICIPANTS,
    SERVICE_ID, SOURCE_FILE, SOURCE_ROW,
)
CLAIM_COLUMNS = (
    CLAIM_ID, PROVIDER_ID, CLIENT_ID, SERVICE_DATE, CLAIMED_AMOUNT, PAYABLE_AMOUNT,
    DISALLOWED_AMOUNT, UNITS_CLAIMED, PAYABLE_UNITS, DISALLOWED_UNITS, STATUS, DAY_REASONS,
    SOURCE_FILE, SOURCE_ROW,
)
CLAIM_UNITS = (UNITS_CLAIMED, PAYABLE_UNITS, DISALLOWED_UNITS)
REJECTED_SHEET_COLUMNS = (*REJECTED_COLUMNS, PROVIDER_CELL)
PROVIDER_FILE_COLUMNS = tuple(c for c in FILE_COLUMNS if c not in (ROWS_READ, "rejected_whole"))


def yes_no(flags: pd.Series) -> pd.Series:
    """Booleans as the words a reader filters on."""
    return pd.Series(np.where(flags.to_numpy(dtype=bool), YES, NO), index=flags.index, dtype="str")


def pointer_sheet(name: str, text: str) -> Sheet:
    """A sheet holding one line that says where its rows are instead."""
    frame = pd.DataFrame({NOTE_COLUMN: pd.Series([text], dtype="str")})
    return Sheet(name, frame, formats_of(frame))


def too_many(scope: Scope, what: str, rows: int, where: str) -> str:
    """What a funder's sheet says in place of more rows than workbook_detail_rows."""
    limit = scope.config.workbook_detail_rows
    return (
        f"{scope.month} has {rows:,} {what}, more than the workbook limit of {limit:,} "
        f"(config workbook_detail_rows): they are in {where} and in each provider's workbook, "
        "providers/<provider_id>.xlsx."
    )


def claims_frame(claims: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """Every accepted claims row in reading order with its share of its day (SPEC §4.3) and
    the day's reason codes; a TOTAL row."""
    key = list(CLIENT_DAY_KEY)
    reasons = days[[*key, REASONS]].rename(columns={REASONS: DAY_REASONS})
    frame = claims[list(CLAIM_ROWS_COLUMNS)].merge(reasons, on=key, how="left")
    frame = frame[list(CLAIM_COLUMNS)]
    return with_total(frame, summed(frame, CLAIM_AMOUNT_COLUMNS, CLAIM_UNITS))


def claims_sheet(frame: pd.DataFrame) -> Sheet:
    return Sheet(CLAIMS_SHEET, frame, formats_of(frame), totals=1)


def client_days_sheet(days: pd.DataFrame) -> Sheet:
    frame = days[list(DAY_COLUMNS)].reset_index(drop=True)
    frame = with_total(frame, summed(frame, DAY_AMOUNTS, DAY_UNITS))
    return Sheet(CLIENT_DAYS, frame, formats_of(frame), totals=1)


def service_lines_sheet(lines: pd.DataFrame) -> Sheet:
    """The accepted services rows in reading order, flags as yes / no."""
    frame = lines[list(LINE_COLUMNS)].assign(
        **{c: yes_no(lines[c]) for c in (CLIENT_SPECIFIC, DUPLICATE, ELIGIBLE)}
    )
    return Sheet(SERVICE_LINES, frame, formats_of(frame))


def rejected_sheet(scope: Scope) -> Sheet:
    """Every rejected-row record of the scope; a provider's says which rows it holds."""
    rejected = scope.rejected
    frame = rejected[list(REJECTED_COLUMNS)].assign(
        **{PROVIDER_CELL: rejected[PROVIDER_ID].astype("str")}
    )[list(REJECTED_SHEET_COLUMNS)]
    title = (
        ()
        if scope.provider is None
        else (
            f"Rejected rows whose provider_id cell reads {scope.provider}; rows whose provider "
            "cannot be read are in the funder's workbook only.",
        )
    )
    return Sheet(REJECTED_ROWS, frame, formats_of(frame), title_rows=title)


def rules_sheet() -> Sheet:
    """Every code of the rules table: kind, title, description and the guideline it cites."""
    frame = pd.DataFrame(
        {
            CODE: [r.code for r in RULES],
            KIND: [str(r.kind) for r in RULES],
            TITLE: [r.title for r in RULES],
            DESCRIPTION: [r.description for r in RULES],
            GUIDELINE: [cite(r.code) for r in RULES],
        },
        dtype="str",
    )
    return Sheet(RULES_SHEET, frame, formats_of(frame))


def setting_text(value: object) -> str:
    """A config value as the text Run Info shows."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def settings_frame(scope: Scope, version: str, run_at: str) -> pd.DataFrame:
    """The month, when it was run, whether authorizations applied, and every config value."""
    pairs = [
        ("Billing month", scope.month),
        ("Run date and time", run_at),
        ("Workbook of", scope.who),
        ("Package version", version),
        ("Authorizations", scope.authorizations_state),
    ]
    pairs += settings(scope.config.as_dict())
    return pd.DataFrame(pairs, columns=[SETTING, VALUE], dtype="str")


def settings(values: dict[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """Config values one per row as the TOML names them: a table's keys as table.key (a
    review flag's phrases each on their own row), a list of tables numbered."""
    pairs: list[tuple[str, str]] = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            pairs += settings(dict(sorted(value.items())), f"{name}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            pairs += [(f"{name}[{i}]", setting_text(v)) for i, v in enumerate(value, start=1)]
        else:
            pairs.append((name, setting_text(value)))
    return pairs


def file_rows(files: tuple[FileReport, ...]) -> pd.DataFrame:
    """The account of each input file (SPEC §2)."""
    rows = [
        (
            f.path, f.kind, f.rows_read, f.rows_accepted, f.rows_rejected, f.rejected_whole,
            f.encoding, f.delimiter, f.sheet, f.header_row, ", ".join(f.extra_columns),
            f.column_map, f.sha256,
        )
        for f in files
    ]
    frame = pd.DataFrame(rows, columns=list(FILE_COLUMNS), dtype=object)
    text = [c for c in FILE_COLUMNS if c not in FILE_COUNTS]
    return frame.astype({**dict.fromkeys(FILE_COUNTS, "Int64"), **dict.fromkeys(text, "str")})


def provider_file_rows(scope: Scope) -> pd.DataFrame:
    """The provider's files with its own rows only: accepted rows of its ID, and the rejected
    rows whose provider cell reads as it (a shared file's other rows are not its business)."""
    frame = file_rows(scope.files)
    accepted = pd.concat(
        [f[SOURCE_FILE] for f in (scope.lines, scope.claims, scope.authorizations, scope.rates)]
    ).value_counts()
    rejected = scope.rejected.dropna(subset=[SOURCE_ROW]).drop_duplicates(
        [SOURCE_FILE, SOURCE_ROW]
    )[SOURCE_FILE].value_counts()
    return frame.assign(
        **{
            ROWS_ACCEPTED: frame["file"].map(accepted).fillna(0).astype("Int64"),
            ROWS_REJECTED: frame["file"].map(rejected).fillna(0).astype("Int64"),
        }
    )[list(PROVIDER_FILE_COLUMNS)]


def run_info_sheet(scope: Scope, version: str, run_at: str) -> Sheet:
    settings = settings_frame(scope, version, run_at)
    if scope.provider is None:
        files, caption = file_rows(scope.files), "Input files"
    else:
        files = provider_file_rows(scope)
        caption = f"Input files holding rows of {scope.provider}: its rows only"
    rateless = pd.DataFrame(
        {PROVIDER_ID: scope.providers.loc[scope.providers[RATE_SOURCE] == NO_RATE, PROVIDER_ID]}
    ).astype("str")
    return Sheet(
        RUN_INFO,
        settings,
        formats_of(settings),
        below=(
            Table(files, formats_of(files), caption),
            Table(
                rateless,
                formats_of(rateless),
                "Providers without a unit rate (their amounts are empty)"
                + ("" if len(rateless) else ": none"),
            ),
        ),
    )
