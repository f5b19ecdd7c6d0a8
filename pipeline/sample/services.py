"""Each sample provider's services rows as numbers: the random bulk, its notes, follow-up
letters and clock times, and the planted rows."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.sample.calendar import Calendar
from pipeline.sample.cases import PLANTED_SERVICES, planted_clients
from pipeline.sample.draws import (
    ACTIVITY_CODE,
    ACTIVITY_SHARES,
    BLANK_NOTE_SHARE,
    CLIENTS_PER_WORKER,
    COVERAGE_SHARE,
    EXTERNAL_COUNTS,
    EXTERNAL_SHARES,
    FIRST_START,
    FOLLOWUP_LETTER,
    FOLLOWUP_SHARE,
    FOLLOWUP_WITHIN_WEEKDAYS,
    GAP_CHOICES,
    HABIT_SHARES,
    LAST_MINUTE,
    LATER_ACTIVITY_SHARES,
    LINES_PER_CLIENT,
    LINES_PER_DAY,
    LINES_PER_DAY_SHARES,
    MAILING_GROUP,
    MIN_CLIENTS,
    MIN_STAFF,
    MINUTE_RANGES,
    NOT_SPECIFIC_OTHER,
    NOT_SPECIFIC_SHARES,
    NOTE_KIND,
    NOTES,
    REEXPORT_SHARE,
    RESEARCH_GROUP,
    SLACK_CHOICES,
    STAFFING_INTERNAL,
    Habit,
    Quirk,
)
from pipeline.sample.providers import Clock, Provider
from schemas.columns import ACTIVITIES, CASE_STAFFING, MAILING, RESEARCH

# Working columns of the numeric frames the text is rendered from.
_P, _CLIENT, _STAFF, _DAY, _ACT, _MIN, _CS, _EXT, _NOTE, _HABIT, _QUIRK, _AGAIN, _Q = (
    "p", "client", "staff", "day", "act", "min", "cs", "ext", "note", "habit", "quirk", "again",
    "q",
)
_START, _END = "start", "end"  # clock times as minutes after midnight; NO_TIME for none
_KEY = [_P, _CLIENT, _DAY]
# A service log export is in date order, then by worker, client and activity.
SERVICE_ORDER = (_DAY, _STAFF, _CLIENT, _ACT)
BLANK_NOTE = 0
NO_TIME = -1


def note_texts() -> list[str]:
    """Every note: blank first, then the NOTES sentences, then the planted ones."""
    return [""] + [s for sentences in NOTES.values() for s in sentences] + [
        p.note for p in PLANTED_SERVICES
    ]


def note_codes(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    """A random sentence of each line's note kind, as an index into `note_texts()`."""
    count = np.array([len(s) for s in NOTES.values()])
    offset = 1 + np.concatenate([[0], np.cumsum(count)[:-1]])
    return offset[kinds] + rng.integers(0, 1 << 30, size=len(kinds)) % count[kinds]


def note_kinds(act: np.ndarray, specific: np.ndarray, external: np.ndarray) -> np.ndarray:
    """The NOTES kind of each line: its activity, or the group or internal variant."""
    kinds = act.copy()
    kinds[(act == ACTIVITY_CODE[MAILING]) & ~specific] = NOTE_KIND[MAILING_GROUP]
    kinds[(act == ACTIVITY_CODE[RESEARCH]) & ~specific] = NOTE_KIND[RESEARCH_GROUP]
    kinds[(act == ACTIVITY_CODE[CASE_STAFFING]) & (external == 0)] = NOTE_KIND[STAFFING_INTERNAL]
    return kinds


def drawn_minutes(rng: np.random.Generator, act: np.ndarray) -> np.ndarray:
    """Plausible minutes for each line's activity (MINUTE_RANGES)."""
    low, high, step = (np.array([MINUTE_RANGES[a][i] for a in ACTIVITIES]) for i in range(3))
    return low[act] + step[act] * rng.integers(0, (high - low)[act] // step[act] + 1)


def followup_letters(
    rng: np.random.Generator, research: pd.DataFrame, calendar: Calendar
) -> pd.DataFrame:
    """A client-specific letter for each research row, on a weekday soon after it, in the month."""
    weekdays = calendar.weekdays
    day = research[_DAY].to_numpy()
    later = np.searchsorted(weekdays, day) + rng.integers(0, FOLLOWUP_WITHIN_WEEKDAYS, len(day))
    mailing = np.full(len(day), ACTIVITY_CODE[MAILING])
    return research.assign(
        **{
            _DAY: np.maximum(weekdays[np.minimum(later, len(weekdays) - 1)], day),
            _ACT: mailing,
            _MIN: drawn_minutes(rng, mailing),
            _CS: True,
            _EXT: 0,
            _NOTE: NOTE_KIND[FOLLOWUP_LETTER],
            _HABIT: int(Habit.MATCH),
        }
    ).reset_index(drop=True)


def bulk_lines(
    rng: np.random.Generator, lines: int, clients: int, staff: int, calendar: Calendar
) -> pd.DataFrame:
    """`lines` random services rows of one provider as numbers: client-days drawn first (weekday-
    heavy, busier clients more often), then 1–4 lines on each.

    Client-specific research mostly gets its follow-up letter; to keep the count exact, each
    letter takes the place of the last non-research line drawn.
    """
    own_worker = rng.permutation(np.arange(clients) % staff)
    busy = rng.gamma(1.5, size=clients)
    day_client = rng.choice(clients, size=lines, p=busy / busy.sum())
    day_date = rng.choice(calendar.offsets, size=lines, p=calendar.weights)
    day_habit = rng.choice(list(HABIT_SHARES), size=lines, p=list(HABIT_SHARES.values()))
    per_day = rng.choice(LINES_PER_DAY, size=lines, p=LINES_PER_DAY_SHARES)
    day_of_line = np.repeat(np.arange(lines), per_day)[:lines]  # every day has a line: enough
    client = day_client[day_of_line]
    later = np.arange(lines) > np.searchsorted(day_of_line, day_of_line)
    act = np.where(
        later,
        rng.choice(len(ACTIVITIES), size=lines, p=[LATER_ACTIVITY_SHARES[a] for a in ACTIVITIES]),
        rng.choice(len(ACTIVITIES), size=lines, p=[ACTIVITY_SHARES[a] for a in ACTIVITIES]),
    )
    not_specific = np.array([NOT_SPECIFIC_SHARES.get(a, NOT_SPECIFIC_OTHER) for a in ACTIVITIES])
    specific = rng.random(lines) >= not_specific[act]
    external = np.where(
        act == ACTIVITY_CODE[CASE_STAFFING],
        rng.choice(EXTERNAL_COUNTS, size=lines, p=EXTERNAL_SHARES),
        0,
    )
    covering = rng.random(lines) < COVERAGE_SHARE
    drawn = pd.DataFrame(
        {
            _CLIENT: client,
            _STAFF: np.where(covering, rng.integers(0, staff, lines), own_worker[client]),
            _DAY: day_date[day_of_line],
            _ACT: act,
            _MIN: drawn_minutes(rng, act),
            _CS: specific,
            _EXT: external,
            _NOTE: note_kinds(act, specific, external),
            _HABIT: day_habit[day_of_line],
        }
    )
    research = (act == ACTIVITY_CODE[RESEARCH]) & specific
    letters = followup_letters(rng, drawn.loc[research & (rng.random(lines) < FOLLOWUP_SHARE)],
                               calendar)
    replaceable = np.flatnonzero(act != ACTIVITY_CODE[RESEARCH])
    keep = np.ones(lines, dtype=bool)
    keep[replaceable[len(replaceable) - min(len(letters), len(replaceable)) :]] = False
    rows = pd.concat([drawn.loc[keep], letters.iloc[: lines - keep.sum()]], ignore_index=True)
    blank = rng.random(len(rows)) < BLANK_NOTE_SHARE
    notes = np.where(blank, BLANK_NOTE, note_codes(rng, rows[_NOTE].to_numpy()))
    return rows.assign(**{_NOTE: notes}).assign(**{_QUIRK: int(Quirk.NONE)})


def clock_times(rng: np.random.Generator, rows: pd.DataFrame, clock: Clock | None) -> pd.DataFrame:
    """Start and end minutes of the lines the provider's system times, NO_TIME elsewhere.

    Each worker's timed lines of one day follow one another, in the order the log lists them:
    the first starts between FIRST_START, each next one a gap (GAP_CHOICES, 0 = back to back)
    after the previous one ends; a line spans its minutes plus a little slack now and then. So
    the bulk never overlaps itself nor exceeds its interval. Lines that would end after
    LAST_MINUTE keep no times.
    """
    n = len(rows)
    start, end = np.full(n, NO_TIME), np.full(n, NO_TIME)
    timed = np.zeros(0, dtype=np.int64)
    if clock is not None:
        codes = [ACTIVITY_CODE[a] for a in clock.activities]
        drawn = np.isin(rows[_ACT].to_numpy(), codes) & (rng.random(n) < clock.share)
        timed = np.flatnonzero(drawn)
    if not len(timed):
        return pd.DataFrame({_START: start, _END: end})
    # Within a worker's day, in the log's order (SERVICE_ORDER).
    timed = timed[np.lexsort([rows[c].to_numpy()[timed] for c in reversed(SERVICE_ORDER)])]
    staff, day = rows[_STAFF].to_numpy()[timed], rows[_DAY].to_numpy()[timed]
    first = np.r_[True, (staff[1:] != staff[:-1]) | (day[1:] != day[:-1])]
    span = rows[_MIN].to_numpy()[timed] + rng.choice(SLACK_CHOICES, size=len(timed))
    low, high, step = FIRST_START
    gap = np.where(
        first,
        low + step * rng.integers(0, (high - low) // step + 1, size=len(timed)),
        rng.choice(GAP_CHOICES, size=len(timed)),
    )
    # Ends are a running sum restarted at each worker's day: subtract the sum before its first.
    ran = np.cumsum(gap + span)
    restart = (ran - gap - span)[np.flatnonzero(first)]
    ends = ran - np.repeat(restart, np.diff(np.r_[np.flatnonzero(first), len(timed)]))
    fits = ends <= LAST_MINUTE
    start[timed[fits]] = (ends - span)[fits]
    end[timed[fits]] = ends[fits]
    return pd.DataFrame({_START: start, _END: end})


def clock_minute(text: str) -> int:
    """A planted 24-hour clock time as minutes after midnight, NO_TIME for blank."""
    if not text:
        return NO_TIME
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def planted_lines(
    letter: str, first_client: int, first_extra_worker: int, calendar: Calendar
) -> pd.DataFrame:
    """The provider's PLANTED_SERVICES rows as numbers; their clients numbered from
    `first_client` in planted_clients order, their extra workers from `first_extra_worker`."""
    ids = planted_clients(letter)
    first_note = len(note_texts()) - len(PLANTED_SERVICES)
    rows = [(i, p) for i, p in enumerate(PLANTED_SERVICES) if p.letter == letter]
    frame = pd.DataFrame(
        {
            _CLIENT: [first_client + ids.index(p.client) for _, p in rows],
            _STAFF: [first_extra_worker + p.worker - 1 if p.worker else 0 for _, p in rows],
            _DAY: [calendar.offset(p.day) for _, p in rows],
            _ACT: [ACTIVITY_CODE[p.activity] for _, p in rows],
            _MIN: [p.minutes for _, p in rows],
            _CS: [int(p.client_specific) for _, p in rows],
            _EXT: [p.external for _, p in rows],
            _NOTE: [first_note + i if p.note.strip() else BLANK_NOTE for i, p in rows],
            _HABIT: [int(p.habit) for _, p in rows],
            _QUIRK: [int(p.quirk) for _, p in rows],
            _START: [clock_minute(p.start) for _, p in rows],
            _END: [clock_minute(p.end) for _, p in rows],
        },
        dtype="int64",
    )
    return frame.astype({_CS: bool})


@dataclass(frozen=True)
class ProviderRows:
    """One provider's services rows as numbers, in export order, and its people."""

    rows: pd.DataFrame  # _AGAIN marks the rows the export repeats at its end
    clients: int  # random clients; the planted ones are numbered after them
    staff: int  # random workers; the planted cases' extra workers are numbered after them


def provider_rows(
    rng: np.random.Generator, provider: Provider, lines: int, calendar: Calendar
) -> ProviderRows:
    """`lines` random rows (re-exported copies included) plus the planted ones."""
    copies = int(rng.binomial(lines, REEXPORT_SHARE))
    unique = lines - copies
    clients = max(MIN_CLIENTS, round(unique / rng.uniform(*LINES_PER_CLIENT)))
    staff = max(MIN_STAFF, -(-clients // CLIENTS_PER_WORKER))
    bulk = bulk_lines(rng, unique, clients, staff, calendar)
    bulk = pd.concat([bulk, clock_times(rng, bulk, provider.style.clock)], axis=1)
    again = np.zeros(unique, dtype=bool)
    again[rng.choice(unique, size=copies, replace=False)] = True
    planted = planted_lines(provider.letter, clients, staff, calendar)
    rows = pd.concat(
        [
            bulk.assign(**{_AGAIN: again}),
            planted.assign(**{_AGAIN: planted[_QUIRK].to_numpy() == Quirk.REEXPORTED}),
        ],
        ignore_index=True,
    )
    order = np.lexsort([rows[c].to_numpy() for c in reversed(SERVICE_ORDER)])
    rows = rows.iloc[order].reset_index(drop=True).assign(**{_P: provider.index})
    return ProviderRows(rows=rows, clients=clients, staff=staff)
