"""Every input file to typed accepted rows and rejected-row records (SPEC §2): nothing is lost.

`pipeline.ingest.parse` reads each cell; the pandera models in schemas/ say which values are valid.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.config import Config
from pipeline.errors import InputError
from pipeline.ingest import parse
from pipeline.ingest.grid import UnreadableFileError, empty_frame
from pipeline.ingest.load import LAYOUTS, PROBLEM_DTYPES, XLSX_SUFFIX, RawTable, raw_table
from pipeline.money import RATE_DECIMALS
from pipeline.result import FileReport, Inputs, Loaded
from schemas.authorizations import AuthorizationsModel
from schemas.claims import ClaimsModel
from schemas.columns import (
    ACTIVITIES,
    ACTIVITY,
    AUTHORIZATION_ID,
    AUTHORIZATIONS_KIND,
    CLAIM_ID,
    CLAIMS_KIND,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COLUMN,
    END_DATE,
    END_MINUTE,
    END_TIME,
    ERROR,
    EXTERNAL_PARTICIPANTS,
    FALSE_WORDS,
    INPUT_KINDS,
    MAX_MINUTES,
    MAX_UNIT_RATE,
    MAX_UNITS_CLAIMED,
    MAX_UNITS_PER_MONTH,
    MINUTES,
    NOTE,
    PROVIDER_ID,
    PROVIDER_NAME,
    RATES_KIND,
    SERVICE_DATE,
    SERVICES_KIND,
    SOURCE_FILE,
    SOURCE_ROW,
    START_DATE,
    START_MINUTE,
    START_TIME,
    TRUE_WORDS,
    UNIT_RATE,
    UNIT_STEP,
    UNITS_CLAIMED,
    VALUE,
)
from schemas.rates import RatesModel
from schemas.services import ServicesModel
from schemas.sourced import SourcedModel

# A record of a file rejected whole has no row number. PROVIDER_ID is the row's provider_id
# cell as read (trimmed; NA where there is none): it routes the record to that provider's
# workbook only, and is not part of rejected_rows.parquet.
# UNITS_CLAIMED, on a claims row, is what its units cell reads as a number (NaN where it does
# not): the Summary's claimed units "not reconciled" (v2 §5.1).
REJECTED_DTYPES: Mapping[str, str] = (
    {SOURCE_FILE: "str"}
    | PROBLEM_DTYPES
    | {SOURCE_ROW: "Int64", PROVIDER_ID: "str", UNITS_CLAIMED: "float64"}
)
MODELS: Mapping[str, type[pa.DataFrameModel]] = {
    SERVICES_KIND: ServicesModel,
    CLAIMS_KIND: ClaimsModel,
    RATES_KIND: RatesModel,
    AUTHORIZATIONS_KIND: AuthorizationsModel,
}
_HOLDER_ROW = "_holder_row"
_HOLDER_FILE = "_holder_file"
_NUMPY_DTYPES = {"Int64": "int64", "boolean": "bool"}  # for columns that no longer hold NA
_MAY_BE_EMPTY = frozenset({START_MINUTE, END_MINUTE})  # NA where a line has no clock time
_DERIVED = (START_MINUTE, END_MINUTE)  # not read from a column: _clock_times computes them
_DATE_EXAMPLES = "2026-10-05 or 10/5/2026"
_ISO = "%Y-%m-%d"
_POSITION = "_position"  # the file's place in reading order
_START_TEXT = "_start_text"  # an authorization's start_date as read, quoted if it overlaps
_TIME_EXAMPLES = "9:30, 14:30 or 2:30 PM"


@dataclass(frozen=True)
class Message:
    """The sentences for a cell that fails its column's rule: one for blank, one quoting it."""

    blank: str
    before: str  # the value as read goes between `before` and `after`
    after: str

    def sentences(self, values: pd.Series) -> pd.Series:
        quoted = self.before + values + self.after
        return quoted.mask(parse.blank(values), self.blank)


def _must_be(column: str, rule: str) -> Message:
    return Message(f"{column} is blank; use {rule}", f"{column} must be {rule}; '", "' is not")


def _is_not(column: str, what: str, examples: str) -> Message:
    return Message(
        f"{column} is blank; use {what} such as {examples}",
        f"{column} '",
        f"' is not {what} (use {examples})",
    )


_WORD_PAIRS = ", ".join(f"{t}/{f}" for t, f in zip(TRUE_WORDS, FALSE_WORDS, strict=True))
MESSAGES: Mapping[str, Message] = {
    SERVICE_DATE: _is_not(SERVICE_DATE, "a date", _DATE_EXAMPLES),
    ACTIVITY: _must_be(ACTIVITY, f"one of {', '.join(ACTIVITIES)} (or a configured alias)"),
    MINUTES: _must_be(MINUTES, f"a whole number from 1 to {MAX_MINUTES}"),
    CLIENT_SPECIFIC: Message(
        f"{CLIENT_SPECIFIC} is blank; use yes or no",
        f"{CLIENT_SPECIFIC} must be one of {_WORD_PAIRS}; '",
        "' is not",
    ),
    EXTERNAL_PARTICIPANTS: _must_be(EXTERNAL_PARTICIPANTS, "a whole number of 0 or more"),
    UNITS_CLAIMED: _must_be(
        UNITS_CLAIMED, f"more than 0 and at most {MAX_UNITS_CLAIMED}, in steps of {UNIT_STEP}"
    ),
    UNIT_RATE: _must_be(
        UNIT_RATE,
        f"dollars for one hour unit, more than 0 and at most {MAX_UNIT_RATE}, "
        f"with at most {RATE_DECIMALS} decimal places",
    ),
    START_TIME: _is_not(START_TIME, "a time", _TIME_EXAMPLES),
    END_TIME: _is_not(END_TIME, "a time", _TIME_EXAMPLES),
    START_DATE: _is_not(START_DATE, "a date", _DATE_EXAMPLES),
    END_DATE: _is_not(END_DATE, "a date (or blank, for no end)", _DATE_EXAMPLES),
    MAX_UNITS_PER_MONTH: _must_be(
        MAX_UNITS_PER_MONTH, f"blank (no cap) or more than 0, in steps of {UNIT_STEP}"
    ),
}


def message_for(column: str) -> Message:
    """The column's sentences; a text column can only fail by being blank."""
    return MESSAGES.get(column, Message(f"{column} is blank", f"{column} '", "' is not valid"))


def _parsers(config: Config, serials: bool) -> Mapping[str, Callable[[pd.Series], pd.Series]]:
    """How each column's text is read; a column not named here is trimmed text (an ID)."""
    return {
        SERVICE_DATE: partial(parse.dates, serials=serials),
        START_DATE: partial(parse.dates, serials=serials),
        END_DATE: partial(parse.dates, serials=serials),
        MAX_UNITS_PER_MONTH: parse.quarter_units,
        AUTHORIZATION_ID: parse.optional_text,
        PROVIDER_NAME: parse.optional_text,
        START_TIME: parse.trimmed,
        END_TIME: parse.trimmed,
        ACTIVITY: partial(parse.activity_codes, aliases=config.activity_aliases),
        MINUTES: parse.durations,
        CLIENT_SPECIFIC: parse.booleans,
        EXTERNAL_PARTICIPANTS: parse.counts,
        NOTE: parse.free_text,
        CLAIM_ID: parse.optional_text,
        UNITS_CLAIMED: parse.quarter_units,
        UNIT_RATE: parse.rates,
    }


@cache
def schema_of(kind: str) -> pa.DataFrameSchema:
    """The kind's model as a schema, built once (pandera builds it anew on every call)."""
    return MODELS[kind].to_schema()


@cache
def _value_columns(kind: str) -> tuple[str, ...]:
    """The model's columns after the provenance ones, in order."""
    provenance = SourcedModel.to_schema().columns
    return tuple(c for c in schema_of(kind).columns if c not in provenance)


def _typed(raw: pd.DataFrame, kind: str, config: Config, serials: bool) -> pd.DataFrame:
    """Each model column read from its text (NA where it does not read); absent ones as blank."""
    parsers = _parsers(config, serials)
    blank = pd.Series("", index=raw.index, dtype="str")
    empty = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    return pd.DataFrame(
        {
            c: empty if c in _DERIVED else parsers.get(c, parse.trimmed)(raw.get(c, blank))
            for c in _value_columns(kind)
        },
        index=raw.index,
    )


def _problems(rows: pd.Series, column: str, values: pd.Series, errors: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({SOURCE_ROW: rows, COLUMN: column, VALUE: values, ERROR: errors})


def _clock_times(raw: pd.DataFrame, typed: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The typed services with the clock times as minutes after midnight (v2 §1, §8.3), and the
    problems of rows whose times do not read or do not run forward.

    Where the file has a minutes column, either time may be blank; where it has none, the two
    times stand in for it (issue 3) and are both needed: minutes = end - start.
    """
    minutes_given = MINUTES in raw
    nothing = pd.Series("", index=raw.index, dtype="str")
    found = []
    clocks = {}
    for column in (START_TIME, END_TIME):
        text = raw.get(column, nothing)
        clock = parse.clock_minutes(text)
        bad = clock.isna() & ~parse.blank(text) if minutes_given else clock.isna()
        errors = message_for(column).sentences(text[bad])
        found.append(_problems(raw.loc[bad, SOURCE_ROW], column, text[bad], errors))
        clocks[column] = clock
    start, end = clocks[START_TIME], clocks[END_TIME]
    backwards = (end <= start).fillna(False).astype(bool)
    text = raw.loc[backwards, END_TIME] if backwards.any() else nothing[backwards]
    if backwards.any():
        after = f"' is not after {START_TIME} '" + raw.loc[backwards, START_TIME] + "'"
        errors = f"{END_TIME} '" + text + after
        found.append(_problems(raw.loc[backwards, SOURCE_ROW], END_TIME, text, errors))
    timed = typed.assign(**{START_MINUTE: start, END_MINUTE: end})
    if not minutes_given:
        timed[MINUTES] = (end - start).where(~backwards)
    return timed, found


def _period_problems(raw: pd.DataFrame, typed: pd.DataFrame) -> pd.DataFrame:
    """Authorizations whose end_date is before their start_date (v2 §9)."""
    backwards = (typed[END_DATE] < typed[START_DATE]).fillna(False).astype(bool)
    text = raw.loc[backwards, END_DATE]
    start = raw.loc[backwards, START_DATE]
    errors = f"{END_DATE} '" + text + f"' is before {START_DATE} '" + start + "'"
    return _problems(raw.loc[backwards, SOURCE_ROW], END_DATE, text, errors)


def failing_cells(
    typed: pd.DataFrame, raw: pd.DataFrame, kind: str, columns: Iterable[str]
) -> dict[str, pd.Series]:
    """For each column: True where its value fails a model check, or is NA though the model
    needs a value (a nullable column may be blank, but what is written in it must read)."""
    schema = schema_of(kind)
    failing = {}
    for column in columns:
        spec = schema.columns[column]
        values = typed[column]
        bad = values.isna()
        if spec.nullable:
            bad &= ~parse.blank(raw[column])
        for check in spec.checks:
            passed = check(values).check_output.reindex(values.index, fill_value=True)
            bad |= ~passed.astype(bool)
        failing[column] = bad.astype(bool)
    return failing


def _checked_rows(
    table: RawTable, kind: str, config: Config, serials: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The typed rows with no problem, and one problem record per failing cell of the others."""
    raw = table.cells
    typed = _typed(raw, kind, config, serials)
    found = [table.problems]
    if kind == SERVICES_KIND:
        typed, times = _clock_times(raw, typed)
        found.extend(times)
    if kind == AUTHORIZATIONS_KIND and END_DATE in raw:
        found.append(_period_problems(raw, typed))
    read = [c for c in raw.columns if c in typed and c != SOURCE_ROW]
    for column, bad in failing_cells(typed, raw, kind, read).items():
        text = raw.loc[bad, column]
        found.append(
            _problems(raw.loc[bad, SOURCE_ROW], column, text, message_for(column).sentences(text))
        )
    problems = (
        pd.concat(found, ignore_index=True)
        .drop_duplicates([SOURCE_ROW, COLUMN], keep="first")
        .sort_values(SOURCE_ROW, kind="stable")
    )
    if problems.empty:  # the usual case: no need to copy every column to drop nothing
        return pd.concat([raw[[SOURCE_ROW]], typed], axis=1), problems
    ok = ~raw[SOURCE_ROW].isin(problems[SOURCE_ROW])
    accepted = pd.concat([raw.loc[ok, [SOURCE_ROW]], typed[ok]], axis=1)
    return accepted, problems


def _with_numpy_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable parser dtypes as numpy ones, except the columns that may stay empty."""
    return frame.astype(
        {
            c: _NUMPY_DTYPES[str(t)]
            for c, t in frame.dtypes.items()
            if str(t) in _NUMPY_DTYPES and c not in _MAY_BE_EMPTY
        }
    )


@dataclass(frozen=True)
class _Outcome:
    """One file read: its accepted rows (typed), its rejected-row records and its account."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    report: FileReport


def _accepted_frame(source: str, accepted: pd.DataFrame) -> pd.DataFrame:
    provenance = pd.DataFrame({SOURCE_FILE: pd.Series(source, index=accepted.index, dtype="str")})
    return _with_numpy_dtypes(pd.concat([provenance, accepted], axis=1)).reset_index(drop=True)


def _row_cells(
    raw: pd.DataFrame, column: str, read: Callable[[pd.Series], pd.Series], rows: pd.Series
) -> np.ndarray:
    """The column's cells of these rows, read by `read` (NA where the file has no such column)."""
    if column not in raw:
        return np.full(len(rows), np.nan, dtype=object)
    cells = read(raw[column]).set_axis(raw[SOURCE_ROW].to_numpy())
    return cells.reindex(rows.to_numpy()).to_numpy(dtype=object, na_value=np.nan)


def _rejected_frame(source: str, problems: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """The problems as records, each with its row's provider_id cell as read (trimmed) and,
    on a claims row, the units it claims where they read as a number."""
    rows = problems[SOURCE_ROW]
    cells: dict[str, Any] = {
        SOURCE_FILE: source,
        PROVIDER_ID: _row_cells(raw, PROVIDER_ID, parse.trimmed, rows),
        UNITS_CLAIMED: _row_cells(raw, UNITS_CLAIMED, parse.numbers, rows),
    }
    frame = problems.assign(**cells)[list(REJECTED_DTYPES)]
    return frame.astype(dict(REJECTED_DTYPES)).reset_index(drop=True)


def _counted(report: FileReport, accepted: pd.DataFrame, rejected: pd.DataFrame) -> FileReport:
    return replace(
        report,
        rows_accepted=len(accepted),
        rows_rejected=int(rejected[SOURCE_ROW].dropna().nunique()),
    )


def _file_outcome(path: Path, kind: str, config: Config) -> _Outcome:
    source = str(path)
    column_map = config.column_map_for(path.name)
    report = FileReport(
        path=source,
        kind=kind,
        rows_read=0,
        rows_accepted=0,
        rows_rejected=0,
        sha256="",
        column_map=column_map.name if column_map else None,
    )
    try:
        data = path.read_bytes()
        report = replace(report, sha256=hashlib.sha256(data).hexdigest())
        table = raw_table(path, data, LAYOUTS[kind], column_map, config.limits)
    except OSError as err:
        return _whole_file_rejected(report, f"the file could not be read: {err.strerror}")
    except UnreadableFileError as err:
        return _whole_file_rejected(report, str(err))
    accepted, problems = _checked_rows(
        table, kind, config, serials=path.suffix.lower() == XLSX_SUFFIX
    )
    if kind == AUTHORIZATIONS_KIND:  # kept to quote, should a later check reject the row
        accepted = accepted.assign(**{_START_TEXT: table.cells.loc[accepted.index, START_DATE]})
    report = replace(
        report,
        rows_read=len(table.cells),
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        header_row=table.header_row,
        extra_columns=table.extra_columns,
    )
    accepted = _accepted_frame(source, accepted)
    rejected = _rejected_frame(source, problems, table.cells)
    return _Outcome(accepted, rejected, _counted(report, accepted, rejected))


@cache
def _no_rows(kind: str) -> pd.DataFrame:
    no_rows = pd.DataFrame({SOURCE_ROW: pd.Series(dtype="int64")})
    return _accepted_frame("", pd.concat([no_rows, _typed(no_rows, kind, Config(), False)], axis=1))


def empty_accepted(kind: str) -> pd.DataFrame:
    """No rows of this kind, with the dtypes the parsers give accepted ones."""
    return _no_rows(kind).copy()


def _whole_file_rejected(report: FileReport, reason: str) -> _Outcome:
    record = pd.DataFrame(
        {
            SOURCE_FILE: report.path,
            SOURCE_ROW: pd.NA,
            COLUMN: "",
            VALUE: "",
            ERROR: [reason],
            PROVIDER_ID: pd.NA,
            UNITS_CLAIMED: np.nan,
        }
    ).astype(dict(REJECTED_DTYPES))
    accepted = empty_accepted(report.kind)
    return _Outcome(accepted, record, replace(report, rejected_whole=reason))


def _unique_rates(outcomes: Sequence[_Outcome]) -> list[_Outcome]:
    """A provider's later rate rows rejected, naming the row whose rate stands (files in order)."""
    holders = empty_frame({PROVIDER_ID: "str", _HOLDER_ROW: "int64", _HOLDER_FILE: "str"})
    unique = []
    for outcome in outcomes:
        rates = outcome.accepted
        later = rates.duplicated(PROVIDER_ID) | rates[PROVIDER_ID].isin(holders[PROVIDER_ID])
        firsts = rates.loc[~later, [PROVIDER_ID, SOURCE_ROW, SOURCE_FILE]]
        holders = pd.concat(
            [holders, firsts.set_axis([PROVIDER_ID, _HOLDER_ROW, _HOLDER_FILE], axis=1)],
            ignore_index=True,
        )
        repeats = rates[later].merge(holders, on=PROVIDER_ID, how="left")
        records = pd.DataFrame(
            {
                SOURCE_FILE: repeats[SOURCE_FILE],
                SOURCE_ROW: repeats[SOURCE_ROW],
                COLUMN: PROVIDER_ID,
                VALUE: repeats[PROVIDER_ID],
                ERROR: "provider "
                + repeats[PROVIDER_ID]
                + " already has a rate in row "
                + repeats[_HOLDER_ROW].astype("str")
                + " of "
                + repeats[_HOLDER_FILE],
                PROVIDER_ID: repeats[PROVIDER_ID],
                UNITS_CLAIMED: np.nan,
            }
        ).astype(dict(REJECTED_DTYPES))
        accepted = rates[~later].reset_index(drop=True)
        rejected = pd.concat([outcome.rejected, records], ignore_index=True).sort_values(
            SOURCE_ROW, kind="stable", ignore_index=True
        )
        unique.append(_Outcome(accepted, rejected, _counted(outcome.report, accepted, rejected)))
    return unique


def overlapped_by(group: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """For rows in reading order: -1 for a row to keep, else the position of the earlier kept row
    of its group whose [start, end] period it overlaps (v2 §9).

    A row is kept when it overlaps no earlier KEPT row. Taken in rounds, a vector step each: the
    first pending row of every group is kept, and the pending rows of its group that overlap it
    are dropped naming it; the rest wait for the next round. Rounds = the most rows one group
    keeps (a client's authorizations in a month), not the rows.
    """
    holder = np.full(len(group), -1, dtype=np.int64)
    pending = np.ones(len(group), dtype=bool)
    head = np.full(int(group.max(initial=-1)) + 1, -1, dtype=np.int64)
    while pending.any():
        waiting = np.flatnonzero(pending)
        _, first = np.unique(group[waiting], return_index=True)
        kept = waiting[first]
        pending[kept] = False
        head[group[kept]] = kept
        rest = np.flatnonzero(pending)
        other = head[group[rest]]
        overlap = (start[rest] <= end[other]) & (start[other] <= end[rest])
        holder[rest[overlap]] = other[overlap]
        pending[rest[overlap]] = False
    return holder


def _period_text(start: pd.Series, end: pd.Series) -> pd.Series:
    ends = end.dt.strftime(_ISO).fillna("open-ended")
    return start.dt.strftime(_ISO) + " to " + ends


def _unique_authorizations(outcomes: Sequence[_Outcome]) -> list[_Outcome]:
    """Each authorization whose period overlaps an earlier accepted one of the same provider and
    client rejected (column start_date), naming that row; files in order, then rows (v2 §9)."""
    if not outcomes:
        return []
    rows = pd.concat(
        [o.accepted.assign(**{_POSITION: i}) for i, o in enumerate(outcomes)], ignore_index=True
    )
    codes = rows.groupby([PROVIDER_ID, CLIENT_ID], sort=False).ngroup().to_numpy()
    # Days since the epoch; an open end is the last day there is.
    start = rows[START_DATE].to_numpy("datetime64[D]").astype(np.int64)
    end = rows[END_DATE].to_numpy("datetime64[D]").astype(np.int64)
    end = np.where(rows[END_DATE].isna().to_numpy(), np.iinfo(np.int64).max, end)
    holder = overlapped_by(codes.astype(np.int64), start, end)
    dropped = holder >= 0
    others = rows.iloc[holder[dropped]].reset_index(drop=True)
    mine = rows.loc[dropped].reset_index(drop=True)
    records = pd.DataFrame(
        {
            SOURCE_FILE: mine[SOURCE_FILE],
            SOURCE_ROW: mine[SOURCE_ROW],
            COLUMN: START_DATE,
            VALUE: mine[_START_TEXT],
            ERROR: "the period "
            + _period_text(mine[START_DATE], mine[END_DATE])
            + " overlaps row "
            + others[SOURCE_ROW].astype("str")
            + " of "
            + others[SOURCE_FILE]
            + " ("
            + _period_text(others[START_DATE], others[END_DATE])
            + ") for the same provider and client",
            PROVIDER_ID: mine[PROVIDER_ID],
            UNITS_CLAIMED: np.nan,
        }
    ).astype(dict(REJECTED_DTYPES))
    unique = []
    for i, outcome in enumerate(outcomes):
        own = (rows[_POSITION] == i).to_numpy()
        accepted = rows.loc[own & ~dropped].drop(columns=[_POSITION, _START_TEXT])
        rejected = pd.concat(
            [outcome.rejected, records[records[SOURCE_FILE] == outcome.report.path]],
            ignore_index=True,
        ).sort_values(SOURCE_ROW, kind="stable", ignore_index=True)
        accepted = accepted.reset_index(drop=True)
        unique.append(_Outcome(accepted, rejected, _counted(outcome.report, accepted, rejected)))
    return unique


def _combined(kind: str, frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One kind's accepted rows in reading order, asserted against its model."""
    frame = pd.concat(frames, ignore_index=True) if frames else empty_accepted(kind)
    return schema_of(kind).validate(frame)


def _absent(inputs: Inputs) -> str | None:
    for kind in INPUT_KINDS:
        for path in getattr(inputs, kind):
            if not path.exists():
                return f"the {kind} file {path} does not exist"
    return None


def loaded_inputs(inputs: Inputs, config: Config) -> Loaded:
    """Every input file read and validated: typed accepted rows, rejected records, accounts."""
    absent = _absent(inputs)
    if absent:
        raise InputError(absent)
    outcomes = {
        kind: [_file_outcome(path, kind, config) for path in getattr(inputs, kind)]
        for kind in INPUT_KINDS
    }
    outcomes[RATES_KIND] = _unique_rates(outcomes[RATES_KIND])
    outcomes[AUTHORIZATIONS_KIND] = _unique_authorizations(outcomes[AUTHORIZATIONS_KIND])
    every = [o for kind in INPUT_KINDS for o in outcomes[kind]]
    rejected = [o.rejected for o in every]
    return Loaded(
        services=_combined(SERVICES_KIND, [o.accepted for o in outcomes[SERVICES_KIND]]),
        claims=_combined(CLAIMS_KIND, [o.accepted for o in outcomes[CLAIMS_KIND]]),
        rates=_combined(RATES_KIND, [o.accepted for o in outcomes[RATES_KIND]]),
        authorizations=_combined(
            AUTHORIZATIONS_KIND, [o.accepted for o in outcomes[AUTHORIZATIONS_KIND]]
        ),
        rejected=(
            pd.concat(rejected, ignore_index=True) if rejected else empty_frame(REJECTED_DTYPES)
        ),
        files=tuple(o.report for o in every),
    )
