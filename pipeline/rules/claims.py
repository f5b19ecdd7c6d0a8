"""Claims rows, traceable (v2 SPEC §4.3): each accepted claims row's share of its client-day.

The day's payable units fill its claims rows in reading order (file, then row), so disallowed
units fall on the last rows first. Units and cents are allocated cumulatively, so a day's rows
add up to the day's own amounts exactly:
with C_i the day's claimed units through row i and P_i = min(C_i, min(c, a)),
payable_units = P_i - P_(i-1), claimed_amount = money(C_i) - money(C_(i-1)),
payable_amount = money(P_i) - money(P_(i-1)), disallowed = claimed - payable.
"""

import numpy as np
import pandas as pd

from pipeline import money
from schemas.columns import (
    ALLOWABLE_UNITS,
    CLAIM_ROWS_COLUMNS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAY_KEY,
    DISALLOWED_AMOUNT,
    DISALLOWED_UNITS,
    PAYABLE_AMOUNT,
    PAYABLE_UNITS,
    STATUS,
    UNIT_RATE,
    UNITS_CLAIMED,
)

_DAY = "_day"


def claim_rows(claims: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """Every accepted claims row, in reading order, with its day's status and its share of the
    day's payable and disallowed units and dollars (CLAIM_ROWS_COLUMNS)."""
    key = list(CLIENT_DAY_KEY)
    # Every claims row's day exists (a claim makes a client-day), so the join never misses.
    found = claims[key].merge(
        days[key].assign(**{_DAY: np.arange(len(days))}), on=key, how="left", sort=False
    )
    day = found[_DAY].to_numpy(dtype=np.int64)
    units = claims[UNITS_CLAIMED].to_numpy(dtype=np.float64)
    payable_cap = np.minimum(
        days[CLAIMED_UNITS].to_numpy(dtype=np.float64),
        days[ALLOWABLE_UNITS].to_numpy(dtype=np.float64),
    )[day]
    # Rows are in reading order, so a cumulative sum per day runs in reading order too.
    through = pd.Series(units).groupby(day).cumsum().to_numpy()
    payable_through = np.minimum(through, payable_cap)
    payable_before = np.minimum(through - units, payable_cap)
    rate = pd.Series(
        money.micros_of(days[UNIT_RATE]).array.take(day), index=claims.index, dtype="Int64"
    )

    def cents(values: np.ndarray) -> pd.Series:
        return money.amount_cents(pd.Series(values, index=claims.index), rate)

    claimed = cents(through) - cents(through - units)
    payable = cents(payable_through) - cents(payable_before)
    payable_units = payable_through - payable_before
    return claims.assign(
        **{
            STATUS: pd.Series(days[STATUS].array.take(day), index=claims.index, dtype="str"),
            PAYABLE_UNITS: payable_units,
            DISALLOWED_UNITS: units - payable_units,
            CLAIMED_AMOUNT: money.as_amount(claimed),
            PAYABLE_AMOUNT: money.as_amount(payable),
            DISALLOWED_AMOUNT: money.as_amount(claimed - payable),
        }
    )[list(CLAIM_ROWS_COLUMNS)]
