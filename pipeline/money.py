"""Exact money: rates as integer millionths of a dollar, amounts as whole cents rounded half up.

No binary floating point touches an amount; the frames carry amounts as decimal128(18, 2).
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.columns import INCREMENTS_PER_UNIT

MICROS_PER_DOLLAR = 1_000_000
CENTS_PER_DOLLAR = 100
AMOUNT_TYPE = pa.decimal128(18, 2)
RATE_TYPE = pa.decimal128(18, 6)
AMOUNT_DTYPE = pd.ArrowDtype(AMOUNT_TYPE)
RATE_DTYPE = pd.ArrowDtype(RATE_TYPE)

# One quarter-unit at a rate in micros is rate/4 micro-dollars; a cent is 10,000 micros.
_DENOMINATOR = INCREMENTS_PER_UNIT * MICROS_PER_DOLLAR // CENTS_PER_DOLLAR


def micros(rate: Decimal) -> int:
    """A dollar rate as exact integer millionths of a dollar."""
    return int(rate * MICROS_PER_DOLLAR)


def amount_cents(units: pd.Series, rate_micros: pd.Series) -> pd.Series:
    """units × rate in whole cents, half up; NA where the rate is NA.

    `units` are multiples of 0.25 (exact in binary), so units × 4 is an exact integer.
    """
    quarters = (units.to_numpy(dtype="float64") * INCREMENTS_PER_UNIT).round().astype("int64")
    rate = rate_micros.astype("Int64")
    numerator = pd.Series(quarters, index=units.index, dtype="Int64") * rate
    # Half up on non-negative integers: add half the denominator, then floor-divide.
    return (numerator + _DENOMINATOR // 2) // _DENOMINATOR


def as_amount(cents: pd.Series) -> pd.Series:
    """Whole cents (Int64, NA allowed) as an exact decimal128(18, 2) column."""
    values = pa.array(cents.to_numpy(dtype="float64", na_value=np.nan), from_pandas=True)
    whole = pc.cast(pc.cast(values, pa.int64()), pa.decimal128(20, 0)).cast(pa.decimal128(22, 2))
    scaled = pc.multiply(whole, pa.scalar(Decimal("0.01"), pa.decimal128(3, 2)))
    return pd.Series(pc.cast(scaled, AMOUNT_TYPE), index=cents.index, dtype=AMOUNT_DTYPE)


def as_rate(rate_micros: pd.Series) -> pd.Series:
    """Integer micros (Int64, NA allowed) as an exact decimal128(18, 6) column."""
    values = pa.array(rate_micros.to_numpy(dtype="float64", na_value=np.nan), from_pandas=True)
    whole = pc.cast(pc.cast(values, pa.int64()), pa.decimal128(24, 0)).cast(pa.decimal128(30, 6))
    scaled = pc.multiply(whole, pa.scalar(Decimal("0.000001"), pa.decimal128(7, 6)))
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
