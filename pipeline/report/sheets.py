"""The sheets after Summary: Exceptions, Client Days, Service Lines, Rejected Rows, Rules
and Run Info."""

import json

import numpy as np
import pandas as pd

from pipeline import money
from pipeline.report.model import (
    AMOUNT_AT_STAKE,
    CLIENT_DAYS,
    CODE,
    DESCRIPTION,
    EXCEPTION_COLUMNS,
    EXCEPTIONS,
    FILE_COLUMNS,
    FILE_COUNTS,
    GUIDELINE,
    KIND,
    NO,
    NOTE_COLUMN,
    REJECTED_ROWS,
    RULES_SHEET,
    RUN_INFO,
    SERVICE_LINE_COLUMNS,
    SERVICE_LINES,
    SETTING,
    VALUE,
    YES,
    Sheet,
    Table,
    formats_of,
)
from pipeline.report.totals import authorizations_state
from pipeline.result import FileReport, RunResult
from pipeline.rules.table import RULES, Kind, codes
from schemas.columns import (
    ALLOWABLE_AMOUNT,
    CLAIMED_AMOUNT,
    CLIENT_DAY_KEY,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    DETAIL,
    DUPLICATE,
    ELIGIBLE,
    MATCH,
    NOTHING_BILLABLE,
    PROVIDER_ID,
    REASONS,
    REJECTED_COLUMNS,
    SERVICE_DATE,
    STAFF_ID,
    STATUS,
    VARIANCE_UNITS,
    WARNING_CODE,
    WARNING_COLUMNS,
)

_STAKE = "_stake"
_SPREAD = "_spread"
_ORDER = "_order"


def yes_no(flags: pd.Series) -> pd.Series:
    """Booleans as the words a reader filters on."""
    return pd.Series(np.where(flags.to_numpy(dtype=bool), YES, NO), index=flags.index, dtype="str")


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
    pairs = [
        ("month", result.month),
        ("run_at", result.run_at.isoformat(sep=" ")),
        ("package_version", result.version),
        ("authorizations", authorizations_state(result.loaded)),
    ]
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
