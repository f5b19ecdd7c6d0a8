"""The sample's claims as numbers: what each client-day's habit claims, split, undocumented
and planted claims."""


import numpy as np
import pandas as pd

from pipeline.config import default_config
from pipeline.sample.calendar import Calendar
from pipeline.sample.cases import PLANTED_CLAIMS, planted_clients
from pipeline.sample.draws import (
    ACTIVITY_CODE,
    INVALID,
    NO_DOC_CLAIM_SHARE,
    NO_DOC_MAX_QUARTERS,
    Habit,
)
from pipeline.sample.providers import Provider
from pipeline.sample.services import (
    _ACT,
    _CLIENT,
    _CS,
    _DAY,
    _EXT,
    _HABIT,
    _KEY,
    _MIN,
    _NOTE,
    _P,
    _Q,
    _QUIRK,
    BLANK_NOTE,
    ProviderRows,
)
from schemas.columns import (
    CASE_STAFFING,
    MAILING,
    MAX_UNITS_CLAIMED,
    MINUTES_PER_INCREMENT,
    RESEARCH,
    SCHEDULING,
    UNIT_STEP,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
)

ALLOWED = "allowed"  # quarter units a client-day's documentation allows


def followed_up(lines: pd.DataFrame, asking: pd.Series, letter: pd.Series, days: int) -> np.ndarray:
    """True for each `asking` row with a letter of the same client on its day or up to `days`
    days after."""
    letters = lines.loc[letter, _KEY].rename(columns={_DAY: "letter_day"})
    asked = lines.loc[asking, _KEY].assign(row=np.flatnonzero(asking.to_numpy()))
    nearest = pd.merge_asof(
        asked.sort_values(_DAY, kind="stable"),
        letters.assign(**{_DAY: letters["letter_day"]}).sort_values(_DAY, kind="stable"),
        on=_DAY,
        by=[_P, _CLIENT],
        direction="forward",
    )
    found = np.zeros(len(lines), dtype=bool)
    found[nearest["row"].to_numpy()] = (nearest["letter_day"] - nearest[_DAY]).le(days).to_numpy()
    return found


def documented_days(lines: pd.DataFrame, calendar: Calendar) -> pd.DataFrame:
    """Each client-day of the month with services rows: documented and countable minutes, the
    quarter units they allow (ALLOWED) and the day's claiming habit.

    Works out what the documentation allows the way SPEC §3–§4 do, on the rows a reader will
    accept (a re-exported copy is not in `lines`: it is added only when the text is written),
    before any authorization: the bulk's authorizations are made to fit it.
    """
    config = default_config()
    lines = lines.loc[~lines[_QUIRK].isin([int(q) for q in INVALID])]
    act, noted = lines[_ACT], lines[_NOTE] != BLANK_NOTE
    letter = (act == ACTIVITY_CODE[MAILING]) & lines[_CS] & noted
    research = act == ACTIVITY_CODE[RESEARCH]
    never_billable = (VOICEMAIL_LEFT, VOICEMAIL_LISTENED, SCHEDULING)
    eligible = (
        noted
        & lines[_CS]
        & ~act.isin([ACTIVITY_CODE[a] for a in never_billable])
        & ~((act == ACTIVITY_CODE[CASE_STAFFING]) & (lines[_EXT] == 0))
        & ~(research & ~followed_up(lines, research, letter, config.research_followup_days))
    )
    in_month = lines[_DAY].between(0, calendar.days - 1)
    days = (
        lines.assign(countable=lines[_MIN].where(eligible, 0))
        .loc[in_month]
        .groupby(_KEY, sort=False)
        .agg(documented=(_MIN, "sum"), countable=("countable", "sum"), habit=(_HABIT, "first"))
        .reset_index()
    )
    step, least = MINUTES_PER_INCREMENT, config.min_minutes
    countable = days["countable"].to_numpy()
    return days.assign(**{ALLOWED: np.where(countable >= least, countable // step, 0)})


def claim_quarters(days: pd.DataFrame) -> pd.DataFrame:
    """Quarter units claimed per documented client-day, by the day's habit (none where 0)."""
    step, least = MINUTES_PER_INCREMENT, default_config().min_minutes
    countable, documented = days["countable"].to_numpy(), days["documented"].to_numpy()
    allowed = days[ALLOWED].to_numpy()
    habit = days["habit"].to_numpy()
    quarters = np.select(
        [habit == Habit.ROUND_UP, habit == Habit.ALL_MINUTES, habit == Habit.UNDER,
         habit == Habit.NONE],
        [-(-countable // step), np.where(documented >= least, documented // step, 0),
         np.maximum(allowed - 1, 0), 0],
        allowed,
    )
    cap = int(MAX_UNITS_CLAIMED / UNIT_STEP)
    return days.assign(**{_Q: np.minimum(quarters, cap)}).loc[lambda d: d[_Q] > 0]


def split_claims(days: pd.DataFrame) -> pd.DataFrame:
    """Claims rows: one per client-day, two for a SPLIT day of more than a quarter unit."""
    split = (days["habit"] == Habit.SPLIT) & (days[_Q] > 1)
    second = days.loc[split].assign(**{_Q: days.loc[split, _Q] // 2})
    first = days.assign(**{_Q: days[_Q] - days[_Q].where(split, 0) // 2})
    return pd.concat([first, second], ignore_index=True)[[*_KEY, _Q]]


def undocumented_claims(
    rng: np.random.Generator, claims: int, people: list[ProviderRows], lines: pd.DataFrame,
    calendar: Calendar,
) -> pd.DataFrame:
    """A few claims of random clients on weekdays with no services rows at all."""
    count = int(rng.binomial(claims, NO_DOC_CLAIM_SHARE))
    clients = np.array([p.clients for p in people])
    provider = rng.choice(len(people), size=count, p=clients / clients.sum())
    drawn = pd.DataFrame(
        {
            _P: provider,
            _CLIENT: (rng.random(count) * clients[provider]).astype(np.int64),
            _DAY: rng.choice(calendar.weekdays, size=count),
            _Q: rng.integers(1, NO_DOC_MAX_QUARTERS + 1, size=count),
        }
    ).drop_duplicates(_KEY)
    seen = drawn.merge(lines[_KEY].drop_duplicates(), on=_KEY, how="left", indicator=True)
    return drawn.loc[(seen["_merge"] == "left_only").to_numpy()]


def planted_claims(providers: tuple[Provider, ...], people: list[ProviderRows],
                   calendar: Calendar) -> pd.DataFrame:
    """PLANTED_CLAIMS as numbers, for the providers in the sample."""
    by_letter = {p.letter: (p.index, people[p.index].clients) for p in providers}
    rows = [c for c in PLANTED_CLAIMS if c.letter in by_letter]
    return pd.DataFrame(
        {
            _P: [by_letter[c.letter][0] for c in rows],
            _CLIENT: [by_letter[c.letter][1] + planted_clients(c.letter).index(c.client)
                      for c in rows],
            _DAY: [calendar.offset(c.day) for c in rows],
            _Q: [c.quarters for c in rows],
            _QUIRK: [int(c.quirk) for c in rows],
        },
        dtype="int64",
    )
