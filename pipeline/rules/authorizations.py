"""Authorizations (v2 SPEC §9): which lines an authorization covers, and its monthly cap.

Accepted authorizations of one provider and client never overlap (the validator rejects an
overlapping row), so at most one covers a date: the one that starts last on or before it.
"""

import numpy as np
import pandas as pd

from pipeline.rules.period import month_bounds
from schemas.columns import (
    ALLOWABLE_UNITS,
    CLIENT_ID,
    END_DATE,
    MAX_UNITS_PER_MONTH,
    PROVIDER_ID,
    SERVICE_DATE,
    START_DATE,
)

_ROW = "_row"
_AUTHORIZATION = "_authorization"


def covering_authorization(keyed: pd.DataFrame, authorizations: pd.DataFrame) -> np.ndarray:
    """For each row of `keyed` (provider_id, client_id, service_date): the position in
    `authorizations` of the one covering that date, or -1."""
    found = np.full(len(keyed), -1, dtype=np.int64)
    if keyed.empty or authorizations.empty:
        return found
    rows = keyed[[PROVIDER_ID, CLIENT_ID, SERVICE_DATE]].assign(**{_ROW: np.arange(len(keyed))})
    periods = authorizations[[PROVIDER_ID, CLIENT_ID, START_DATE, END_DATE]].assign(
        **{_AUTHORIZATION: np.arange(len(authorizations))}
    )
    # The authorization that starts last on or before the date; it covers it unless it ended.
    nearest = pd.merge_asof(
        rows.sort_values(SERVICE_DATE, kind="stable"),
        periods.sort_values(START_DATE, kind="stable"),
        left_on=SERVICE_DATE,
        right_on=START_DATE,
        by=[PROVIDER_ID, CLIENT_ID],
        direction="backward",
    )
    started = nearest[_AUTHORIZATION].notna()
    not_ended = nearest[END_DATE].isna() | (nearest[SERVICE_DATE] <= nearest[END_DATE])
    covered = (started & not_ended).to_numpy(dtype=bool)
    found[nearest[_ROW].to_numpy()[covered]] = nearest[_AUTHORIZATION].to_numpy()[covered]
    return found


def authorized(services: pd.DataFrame, authorizations: pd.DataFrame) -> pd.Series:
    """True for a line whose provider and client have an authorization covering its date."""
    return pd.Series(covering_authorization(services, authorizations) >= 0, index=services.index)


def capped_units(days: pd.DataFrame, authorizations: pd.DataFrame, month: str) -> pd.Series:
    """Each client-day's allowable units after its authorization's monthly cap.

    Within one authorization and the billing month the days are taken in date order and their
    allowable units summed; the day on which the sum passes max_units_per_month keeps only the
    remainder, and later days keep 0. Units are quarters and so is every cap: the remainder is
    exact in float64. `days` are in (provider, client, date) order.
    """
    allowable = days[ALLOWABLE_UNITS].to_numpy(dtype=np.float64)
    first, after = month_bounds(month)
    in_month = days[SERVICE_DATE].between(first, after, inclusive="left").to_numpy(dtype=bool)
    which = covering_authorization(days, authorizations)
    cap = np.full(len(days), np.nan)
    covered = which >= 0
    cap[covered] = authorizations[MAX_UNITS_PER_MONTH].to_numpy(dtype=np.float64)[which[covered]]
    capped = in_month & ~np.isnan(cap)
    if not capped.any():
        return pd.Series(allowable, index=days.index)
    # Days of one authorization are contiguous and in date order in (provider, client, date).
    group = pd.Series(np.where(capped, which, -1))
    used = pd.Series(np.where(capped, allowable, 0.0)).groupby(group.to_numpy()).cumsum()
    before = used.to_numpy() - np.where(capped, allowable, 0.0)
    kept = np.clip(cap - before, 0.0, allowable)
    return pd.Series(np.where(capped, kept, allowable), index=days.index)
