"""The report model (SPEC §5): each workbook as ordered sheets of frames with column formats.

Pure frames only; `pipeline.xlsx` turns a Report into a spreadsheet.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pandas as pd

from pipeline import money
from pipeline.result import FileReport, RunResult
from pipeline.rules import BY_CODE, REASON_ORDER, RULES, Kind, codes
from schemas.columns import (
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    AMOUNT_COLUMNS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAY_KEY,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COUNTABLE_MINUTES,
    DETAIL,
    DISALLOWED_AMOUNT,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    EXTERNAL_PARTICIPANTS,
    MATCH,
    MINUTES,
    NOTHING_BILLABLE,
    PROVIDER_ID,
    REASON_SEPARATOR,
    REASONS,
    REJECTED_COLUMNS,
    SERVICE_DATE,
    SERVICES_COLUMNS,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    STATUS,
    STATUSES,
    UNIT_RATE,
    VARIANCE_UNITS,
    WARNING_CODE,
    WARNING_COLUMNS,
)


class Format(Enum):
    """How a column's values are shown; `pipeline.xlsx` maps each to a number format."""

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
DISALLOWED_UNITS = "disallowed_units"
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
    CLAIMED_AMOUNT: Format.MONEY,
    ALLOWABLE_AMOUNT: Format.MONEY,
    DISALLOWED_AMOUNT: Format.MONEY,
    AMOUNT_AT_STAKE: Format.MONEY,
    CLIENT_DAYS_COUNT: Format.INTEGER,
    SERVICE_LINES_COUNT: Format.INTEGER,
    WARNINGS_COUNT: Format.INTEGER,
    **dict.fromkeys(FILE_COUNTS, Format.INTEGER),
}

_CENTS = "_cents"
_STAKE = "_stake"
_SPREAD = "_spread"
_ORDER = "_order"


def formats_of(frame: pd.DataFrame) -> dict[str, Format]:
    """Each column's Format, TEXT unless FORMATS names it."""
    return {c: FORMATS.get(c, Format.TEXT) for c in frame.columns}


def yes_no(flags: pd.Series) -> pd.Series:
    """Booleans as the words a reader filters on."""
    return pd.Series(np.where(flags.to_numpy(dtype=bool), YES, NO), index=flags.index, dtype="str")


def cents_sums(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per `by`, the exact cents of each amount column; NA where every amount is NA (no rate)."""
    cents = frame[[by]].assign(**{c: money.cents_of(frame[c]) for c in AMOUNT_COLUMNS})
    return cents.groupby(by, sort=True)[list(AMOUNT_COLUMNS)].sum(min_count=1)


def provider_table(days: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per provider and a TOTAL row; amounts are sums of the rounded per-day amounts."""
    by_day = days.assign(**{DISALLOWED_UNITS: days[VARIANCE_UNITS].clip(lower=0)}).groupby(
        PROVIDER_ID, sort=True
    )
    counts = [CLIENT_DAYS_COUNT, SERVICE_LINES_COUNT]
    units = [CLAIMED_UNITS, ALLOWABLE_UNITS, DISALLOWED_UNITS]
    table = pd.concat(
        [
            by_day.size().rename(CLIENT_DAYS_COUNT),
            lines.groupby(PROVIDER_ID, sort=True).size().rename(SERVICE_LINES_COUNT),
            by_day[units].sum(),
            cents_sums(days, PROVIDER_ID),
        ],
        axis=1,
    ).sort_index()
    table = table.assign(
        **{c: table[c].fillna(0).astype("int64") for c in counts},
        **{c: table[c].fillna(0.0).astype("float64") for c in units},
        **{c: table[c].astype("Int64") for c in AMOUNT_COLUMNS},
    )
    total = pd.DataFrame(
        {
            **{c: [table[c].sum()] for c in (*counts, *units)},
            # Empty only when every provider lacks a rate; a month with no providers sums to 0.
            **{
                c: pd.array([table[c].sum(min_count=min(1, len(table)))], dtype="Int64")
                for c in AMOUNT_COLUMNS
            },
        },
        index=[TOTAL],
    )
    rows = pd.concat([table, total]).astype(table.dtypes.to_dict()).rename_axis(PROVIDER_ID)
    rows = rows.reset_index().astype({PROVIDER_ID: "str"})
    return rows.assign(**{c: money.as_amount(rows[c]) for c in AMOUNT_COLUMNS})[
        list(SUMMARY_COLUMNS)
    ]


def status_table(days: pd.DataFrame) -> pd.DataFrame:
    """Per status (all of SPEC §4, in order): client-days, units and the disallowed amount."""
    keyed = days.assign(**{_CENTS: money.cents_of(days[DISALLOWED_AMOUNT])}).groupby(STATUS)
    table = pd.concat(
        [
            keyed.size().rename(CLIENT_DAYS_COUNT),
            keyed[[CLAIMED_UNITS, ALLOWABLE_UNITS]].sum(),
            keyed[_CENTS].sum(min_count=1),
        ],
        axis=1,
    ).reindex(list(STATUSES))
    return pd.DataFrame(
        {
            STATUS: pd.Series(STATUSES, dtype="str"),
            CLIENT_DAYS_COUNT: table[CLIENT_DAYS_COUNT].fillna(0).astype("int64").to_numpy(),
            CLAIMED_UNITS: table[CLAIMED_UNITS].fillna(0.0).astype("float64").to_numpy(),
            ALLOWABLE_UNITS: table[ALLOWABLE_UNITS].fillna(0.0).astype("float64").to_numpy(),
            # A status no day has disallows nothing; one whose days have no rate stays empty.
            DISALLOWED_AMOUNT: money.as_amount(
                table[_CENTS]
                .astype("Int64")
                .mask(table[CLIENT_DAYS_COUNT].isna(), 0)
                .reset_index(drop=True)
            ),
        }
    )


def reason_table(lines: pd.DataFrame) -> pd.DataFrame:
    """Per line code (RULES order): how many service lines carry it and their minutes."""
    exploded = (
        lines[[MINUTES]]
        .assign(**{CODE: lines[REASONS].astype("str").str.split(REASON_SEPARATOR)})
        .explode(CODE)
    )
    keyed = exploded.loc[exploded[CODE] != ""].groupby(CODE)[MINUTES]
    table = pd.concat(
        [keyed.size().rename(SERVICE_LINES_COUNT), keyed.sum().rename(MINUTES)], axis=1
    ).reindex(list(REASON_ORDER))
    return pd.DataFrame(
        {
            CODE: pd.Series(REASON_ORDER, dtype="str"),
            SERVICE_LINES_COUNT: table[SERVICE_LINES_COUNT].fillna(0).astype("int64").to_numpy(),
            MINUTES: table[MINUTES].fillna(0).astype("int64").to_numpy(),
            DESCRIPTION: pd.Series([BY_CODE[c].description for c in REASON_ORDER], dtype="str"),
        }
    )


def warning_table(warnings: pd.DataFrame) -> pd.DataFrame:
    """Per warning code: how many warnings the month raised."""
    warning_codes = codes(Kind.WARNING)
    counts = warnings[WARNING_CODE].value_counts().reindex(list(warning_codes)).fillna(0)
    return pd.DataFrame(
        {
            CODE: pd.Series(warning_codes, dtype="str"),
            WARNINGS_COUNT: counts.astype("int64").to_numpy(),
            DESCRIPTION: pd.Series([BY_CODE[c].description for c in warning_codes], dtype="str"),
        }
    )


def summary_sheet(
    days: pd.DataFrame, lines: pd.DataFrame, warnings: pd.DataFrame, title: str
) -> Sheet:
    """Providers and TOTAL first (frozen, filterable), then counts by status, reason, warning."""
    providers = provider_table(days, lines)
    below = tuple(
        Table(frame, formats_of(frame), caption)
        for caption, frame in (
            ("Client-days by status", status_table(days)),
            ("Service lines by reason code", reason_table(lines)),
            ("Warnings (units unchanged)", warning_table(warnings)),
        )
    )
    return Sheet(
        SUMMARY,
        providers,
        formats_of(providers),
        title_rows=(title,),
        bold_rows=frozenset({len(providers) - 1}),
        below=below,
    )


def exceptions_frame(days: pd.DataFrame, warnings: pd.DataFrame) -> pd.DataFrame:
    """Client-days that need attention, most money at stake first, then the warnings.

    Days without a rate have no money at stake; they follow the priced days, by units at stake.
    """
    flagged = days.loc[~days[STATUS].isin([MATCH, NOTHING_BILLABLE])]
    stake = (
        money.cents_of(flagged[CLAIMED_AMOUNT]) - money.cents_of(flagged[ALLOWABLE_AMOUNT])
    ).abs()
    ordered = flagged.assign(
        **{_STAKE: stake, _SPREAD: flagged[VARIANCE_UNITS].abs()}
    ).sort_values(
        [_STAKE, _SPREAD, *CLIENT_DAY_KEY],
        ascending=[False, False, True, True, True],
        na_position="last",
        kind="stable",
    )
    day_rows = ordered.assign(
        **{
            AMOUNT_AT_STAKE: money.as_amount(ordered[_STAKE]),
            STAFF_ID: pd.Series(pd.NA, index=ordered.index, dtype="str"),
            DETAIL: pd.Series(pd.NA, index=ordered.index, dtype="str"),
        }
    )
    rank = {code: i for i, code in enumerate(codes(Kind.WARNING))}
    warning_rows = (
        warnings.assign(**{_ORDER: warnings[WARNING_CODE].map(rank)})
        .sort_values(
            [_ORDER, PROVIDER_ID, SERVICE_DATE, CLIENT_ID, STAFF_ID],
            na_position="first",
            kind="stable",
        )
        .rename(columns={WARNING_CODE: STATUS})
    )
    out = pd.concat(
        [day_rows, warning_rows[[STATUS, *(c for c in WARNING_COLUMNS if c != WARNING_CODE)]]],
        ignore_index=True,
    )
    return out[list(EXCEPTION_COLUMNS)].astype(
        dict.fromkeys((PROVIDER_ID, CLIENT_ID, STATUS, REASONS, STAFF_ID, DETAIL), "str")
    )


def exceptions_sheet(days: pd.DataFrame, warnings: pd.DataFrame) -> Sheet:
    frame = exceptions_frame(days, warnings)
    return Sheet(EXCEPTIONS, frame, formats_of(frame))


def service_lines_frame(lines: pd.DataFrame) -> pd.DataFrame:
    """The accepted services rows in reading order, flags as yes / no."""
    return lines[list(SERVICE_LINE_COLUMNS)].assign(
        **{c: yes_no(lines[c]) for c in (CLIENT_SPECIFIC, DUPLICATE, ELIGIBLE)}
    )


def pointer_sheet(name: str, text: str) -> Sheet:
    """A sheet holding one line that says where its rows are instead."""
    frame = pd.DataFrame({NOTE_COLUMN: pd.Series([text], dtype="str")})
    return Sheet(name, frame, formats_of(frame))


def detail_sheets(
    days: pd.DataFrame, lines: pd.DataFrame, detail: bool, month: str, limit: int
) -> tuple[Sheet, Sheet]:
    """Client Days and Service Lines: the rows, or (too many for the funder) where they are."""
    if not detail:
        where = (
            f"{month} has {len(lines):,} service lines, more than the workbook limit of "
            f"{limit:,} (config workbook_detail_rows): the {{what}} are in {{parquet}} and in "
            "each provider's workbook, providers/<provider_id>.xlsx."
        )
        return (
            pointer_sheet(
                CLIENT_DAYS, where.format(what="client-days", parquet="client_days.parquet")
            ),
            pointer_sheet(
                SERVICE_LINES,
                where.format(what="service lines", parquet="service_lines.parquet"),
            ),
        )
    day_frame = days[list(CLIENT_DAYS_COLUMNS)]
    line_frame = service_lines_frame(lines)
    return (
        Sheet(CLIENT_DAYS, day_frame, formats_of(day_frame)),
        Sheet(SERVICE_LINES, line_frame, formats_of(line_frame)),
    )


def rejected_sheet(rejected: pd.DataFrame, title: str) -> Sheet:
    frame = rejected[list(REJECTED_COLUMNS)]
    return Sheet(REJECTED_ROWS, frame, formats_of(frame), title_rows=(title,) if title else ())


def rules_sheet() -> Sheet:
    frame = pd.DataFrame(
        {
            CODE: [r.code for r in RULES],
            KIND: [str(r.kind) for r in RULES],
            DESCRIPTION: [r.description for r in RULES],
            GUIDELINE: [r.cites for r in RULES],
        },
        dtype="str",
    )
    return Sheet(RULES_SHEET, frame, formats_of(frame))


def setting_text(value: object) -> str:
    """A config value as the text Run Info shows."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def settings_frame(result: RunResult) -> pd.DataFrame:
    """Month, package version and every config value, one per row."""
    pairs = [("month", result.month), ("package_version", result.version)]
    for key, value in result.config.as_dict().items():
        if isinstance(value, dict):
            pairs += [(f"{key}.{k}", setting_text(v)) for k, v in sorted(value.items())]
        elif isinstance(value, list):
            pairs += [(f"{key}[{i}]", setting_text(v)) for i, v in enumerate(value, start=1)]
        else:
            pairs.append((key, setting_text(value)))
    return pd.DataFrame(pairs, columns=[SETTING, VALUE], dtype="str")


def files_frame(files: tuple[FileReport, ...]) -> pd.DataFrame:
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


def run_info_sheet(
    result: RunResult, files: tuple[FileReport, ...], without_rate: tuple[str, ...]
) -> Sheet:
    settings = settings_frame(result)
    file_table = files_frame(files)
    rateless = pd.DataFrame({PROVIDER_ID: pd.Series(without_rate, dtype="str")})
    return Sheet(
        RUN_INFO,
        settings,
        formats_of(settings),
        below=(
            Table(file_table, formats_of(file_table), "Input files"),
            Table(
                rateless,
                formats_of(rateless),
                "Providers without a unit rate (their amounts are empty)"
                + ("" if without_rate else ": none"),
            ),
        ),
    )


def workbook(
    result: RunResult,
    scope: str,
    days: pd.DataFrame,
    lines: pd.DataFrame,
    warnings: pd.DataFrame,
    rejected: tuple[pd.DataFrame, str],
    files: tuple[FileReport, ...],
    detail: bool,
) -> Report:
    """The seven sheets of SPEC §5, in order, for the rows given."""
    client_days_sheet, service_lines_sheet = detail_sheets(
        days, lines, detail, result.month, result.config.workbook_detail_rows
    )
    title = f"Case Management billing reconciliation {result.month}: {scope}"
    return (
        summary_sheet(days, lines, warnings, title),
        exceptions_sheet(days, warnings),
        client_days_sheet,
        service_lines_sheet,
        rejected_sheet(*rejected),
        rules_sheet(),
        run_info_sheet(
            result,
            files,
            tuple(p for p in result.providers_without_rate if p in set(days[PROVIDER_ID])),
        ),
    )


def funder_report(result: RunResult) -> Report:
    """The funder's workbook: every provider; detail sheets only up to workbook_detail_rows."""
    return workbook(
        result,
        "all providers",
        result.days,
        result.lines,
        result.warnings,
        (result.loaded.rejected, ""),
        result.loaded.files,
        len(result.lines) <= result.config.workbook_detail_rows,
    )


def provider_files(result: RunResult, provider_id: str) -> frozenset[str]:
    """The input files holding any accepted row (services, claims or rates) of the provider."""
    frames = (result.lines, result.loaded.claims, result.loaded.rates)
    return frozenset(
        name
        for frame in frames
        for name in frame.loc[frame[PROVIDER_ID] == provider_id, SOURCE_FILE].unique()
    )


def provider_report(result: RunResult, provider_id: str) -> Report:
    """One provider's workbook, for distribution to it: its rows only, always in full.

    A rejected row has no trustworthy provider, so its Rejected Rows are those of every file
    that holds an accepted row of the provider (the sheet's title says so).
    """
    mine = provider_files(result, provider_id)
    rejected = result.loaded.rejected
    title = (
        f"Rejected rows of the files that hold any accepted row of provider {provider_id}; "
        "a rejected row's provider cannot be trusted, so rows of other providers in a shared "
        "file appear too."
    )
    return workbook(
        result,
        f"provider {provider_id}",
        result.days.loc[result.days[PROVIDER_ID] == provider_id],
        result.lines.loc[result.lines[PROVIDER_ID] == provider_id],
        result.warnings.loc[result.warnings[PROVIDER_ID] == provider_id],
        (rejected.loc[rejected[SOURCE_FILE].isin(mine)], title),
        tuple(f for f in result.loaded.files if f.path in mine),
        True,
    )


def report_providers(result: RunResult) -> tuple[str, ...]:
    """Every provider present in the client-days or the service lines, sorted."""
    present = pd.concat([result.days[PROVIDER_ID], result.lines[PROVIDER_ID]]).astype("str")
    return tuple(sorted(present.unique()))
