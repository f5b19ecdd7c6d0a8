"""Exact money: rates as integer millionths of a dollar, amounts as whole cents rounded half up.

No binary floating point touches an amount; the frames carry amounts as decimal128(18, 2).
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.columns import INCREMENTS_PER_UNIT

RATE_DECIMALS = 6  # unit rates are kept exactly as integer millionths of a dollar
MICROS_PER_DOLLAR = 10**RATE_DECIMALS
CENTS_PER_DOLLAR = 100
AMOUNT_TYPE = pa.decimal128(18, 2)
RATE_TYPE = pa.decimal128(18, 6)
AMOUNT_DTYPE = pd.ArrowDtype(AMOUNT_TYPE)
RATE_DTYPE = pd.ArrowDtype(RATE_TYPE)

# One quarter-unit at a rate in micros is rate/4 micro-dollars; a cent is 10,000 micros.
_DENOMINATOR = INCREMENTS_PER_UNIT * MICROS_PER_DOLLAR // CENTS_PER_DOLLAR
_WHOLE_TYPE = pa.decimal128(19, 0)  # every int64
_INT64_MAX = int(np.iinfo(np.int64).max)
_CENT = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))
_MICRO = pa.scalar(Decimal("0.000001"), pa.decimal128(7, 6))


def micros(rate: Decimal) -> int:
    """A dollar rate as exact integer millionths of a dollar."""
    return int(rate * MICROS_PER_DOLLAR)


def _int64(values: pd.Series) -> pa.Array:
    """An integer column (NA allowed) as an Arrow int64 array, never through float64."""
    return pa.array(values.astype("Int64").array)


def amount_cents(units: pd.Series, rate_micros: pd.Series) -> pd.Series:
    """units × rate in whole cents, half up; NA where the rate is NA.

    `units` are multiples of 0.25 (exact in binary), so units × 4 is an exact integer. Raises
    OverflowError, never wraps, when the month's largest units at its largest rate do not fit.
    """
    increments = (units.to_numpy(dtype="float64") * INCREMENTS_PER_UNIT).round()
    rate = rate_micros.astype("Int64")
    # quarters × micros in one product overflows int64 from 2.3 million units at $1 million an
    # hour. Split the rate into whole cents per quarter and a remainder below the denominator:
    # the first product is already whole cents, the second stays below quarters × denominator.
    whole, remainder = np.divmod(rate.to_numpy(dtype="int64", na_value=0), _DENOMINATOR)
    most = int(np.abs(increments).max(initial=0.0))
    largest = most * max(int(np.abs(whole).max(initial=0)) + 1, _DENOMINATOR) + _DENOMINATOR
    if largest > _INT64_MAX:
        raise OverflowError(f"{most} quarter units at these rates do not fit in int64 cents")
    quarters = increments.astype("int64")
    # Half up: add half the denominator, then floor-divide.
    cents = quarters * whole + (quarters * remainder + _DENOMINATOR // 2) // _DENOMINATOR
    return pd.Series(pd.arrays.IntegerArray(cents, rate.isna().to_numpy()), index=units.index)


def as_amount(cents: pd.Series) -> pd.Series:
    """Whole cents (Int64, NA allowed) as an exact decimal128(18, 2) column."""
    scaled = pc.multiply(pc.cast(_int64(cents), _WHOLE_TYPE), _CENT)
    return pd.Series(pc.cast(scaled, AMOUNT_TYPE), index=cents.index, dtype=AMOUNT_DTYPE)


def as_rate(rate_micros: pd.Series) -> pd.Series:
    """Integer micros (Int64, NA allowed) as an exact decimal128(18, 6) column."""
    scaled = pc.multiply(pc.cast(_int64(rate_micros), _WHOLE_TYPE), _MICRO)
    return pd.Series(pc.cast(scaled, RATE_TYPE), index=rate_micros.index, dtype=RATE_DTYPE)


def cents_of(amount: pd.Series) -> pd.Series:
    """An exact decimal amount column back as whole cents (Int64)."""
    arr = pc.cast(pa.array(amount.array), pa.decimal128(30, 2))
    scaled = pc.multiply(arr, pa.scalar(Decimal(100), pa.decimal128(3, 0)))
    return pd.Series(pc.cast(scaled, pa.int64()), index=amount.index).astype("Int64")


def micros_of(rate: pd.Series) -> pd.Series:
    """An exact decimal rate column as integer millionths of a dollar (Int64)."""
    arr = pc.cast(pa.array(rate.array), pa.decimal128(30, 6))
    scaled = pc.multiply(arr, pa.scalar(Decimal(MICROS_PER_DOLLAR), pa.decimal128(7, 0)))
    return pd.Series(pc.cast(scaled, pa.int64()), index=rate.index).astype("Int64")
