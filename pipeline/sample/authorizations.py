"""The sample's authorizations as numbers (v2 §9): one for every client of every provider,
covering the month with room under its cap, then the planted ones (PLANTED_AUTHORIZATIONS).

Once a run reads any authorizations file, a line that none covers is NOT_AUTHORIZED: so every
client gets one, but the planted cases' own and UNAUTHORIZED's.
"""

import numpy as np
import pandas as pd

from pipeline.sample.calendar import OPEN, Calendar
from pipeline.sample.cases import PLANTED_AUTHORIZATIONS, UNAUTHORIZED, planted_clients
from pipeline.sample.claims import ALLOWED
from pipeline.sample.draws import (
    AUTHORIZATION_MONTHS,
    AUTHORIZED_MONTHS_BEFORE,
    CAP_HEADROOM_UNITS,
    CAP_UNITS,
    NO_CAP_SHARE,
    OPEN_ENDED_SHARE,
)
from pipeline.sample.providers import Provider
from pipeline.sample.services import _CLIENT, _P, ProviderRows
from schemas.columns import INCREMENTS_PER_UNIT

# Working columns: the period as days from the month's first (OPEN: open-ended), the cap in
# quarter units (NO_CAP: none).
_FROM, _TO, _CAP = "from", "to", "cap"
NO_CAP = -1


def with_own_rows(providers: tuple[Provider, ...]) -> set[tuple[int, str]]:
    """(provider index, client) of the planted clients that do not get a default authorization."""
    index = {p.letter: p.index for p in providers}
    own = {(a.letter, a.client) for a in PLANTED_AUTHORIZATIONS} | set(UNAUTHORIZED)
    return {(index[letter], client) for letter, client in own if letter in index}


def default_authorizations(
    rng: np.random.Generator,
    providers: tuple[Provider, ...],
    people: list[ProviderRows],
    days: pd.DataFrame,
    calendar: Calendar,
) -> pd.DataFrame:
    """One authorization per client (random, then planted) of every provider: from the first of
    a month 1–10 months back, for a year or open-ended; a cap on most, drawn from CAP_UNITS but
    never below the units the client's documentation allows in the month plus some headroom."""
    planted = [planted_clients(p.letter) for p in providers]
    counts = np.array(
        [rows.clients + len(extra) for rows, extra in zip(people, planted, strict=True)]
    )
    first_client = np.r_[0, np.cumsum(counts)[:-1]]
    total = int(counts.sum())
    provider = np.repeat(np.arange(len(providers)), counts)
    client = np.arange(total) - first_client[provider]
    # The quarter units each client's documentation allows in the month.
    need = np.bincount(
        first_client[days[_P].to_numpy()] + days[_CLIENT].to_numpy(),
        weights=days[ALLOWED].to_numpy(),
        minlength=total,
    )
    low, high = AUTHORIZED_MONTHS_BEFORE
    back = rng.integers(low, high + 1, size=total)
    month = np.datetime64(calendar.first, "M")
    first_day = np.datetime64(calendar.first, "D")
    start = ((month - back).astype("datetime64[D]") - first_day).astype(np.int64)
    ends = (month - back + AUTHORIZATION_MONTHS).astype("datetime64[D]") - 1 - first_day
    end = np.where(rng.random(total) < OPEN_ENDED_SHARE, OPEN, ends.astype(np.int64))
    least = np.ceil(need / INCREMENTS_PER_UNIT + CAP_HEADROOM_UNITS).astype(np.int64)
    units = np.maximum(rng.choice(CAP_UNITS, size=total), least)
    cap = np.where(rng.random(total) < NO_CAP_SHARE, NO_CAP, units * INCREMENTS_PER_UNIT)
    own = with_own_rows(providers)
    kept = np.ones(total, dtype=bool)
    for p, client_id in own:
        kept[first_client[p] + people[p].clients + planted[p].index(client_id)] = False
    return pd.DataFrame(
        {_P: provider, _CLIENT: client, _FROM: start, _TO: end, _CAP: cap}
    ).loc[kept]


def planted_authorizations(
    providers: tuple[Provider, ...], people: list[ProviderRows], calendar: Calendar
) -> pd.DataFrame:
    """PLANTED_AUTHORIZATIONS as numbers, for the providers in the sample."""
    index = {p.letter: p.index for p in providers}
    rows = [a for a in PLANTED_AUTHORIZATIONS if a.letter in index]
    return pd.DataFrame(
        {
            _P: [index[a.letter] for a in rows],
            _CLIENT: [
                people[index[a.letter]].clients + planted_clients(a.letter).index(a.client)
                for a in rows
            ],
            _FROM: [calendar.offset(a.start) for a in rows],
            _TO: [OPEN if a.end is None else calendar.offset(a.end) for a in rows],
            _CAP: [round(float(a.cap) * INCREMENTS_PER_UNIT) if a.cap else NO_CAP for a in rows],
        },
        dtype="int64",
    )


def authorization_numbers(
    rng: np.random.Generator,
    providers: tuple[Provider, ...],
    people: list[ProviderRows],
    days: pd.DataFrame,
    calendar: Calendar,
) -> pd.DataFrame:
    """Every authorizations row of the sample as numbers (in no particular order)."""
    return pd.concat(
        [
            default_authorizations(rng, providers, people, days, calendar),
            planted_authorizations(providers, people, calendar),
        ],
        ignore_index=True,
    )
