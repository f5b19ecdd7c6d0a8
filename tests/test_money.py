"""Money is exact: whole cents, half up, no binary floating-point drift."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.api.typing import NAType

from pipeline import money
from schemas.columns import MAX_UNIT_RATE, MAX_UNITS_CLAIMED


def cents(units: Sequence[float], rates: Sequence[int | None]) -> list[int | NAType]:
    return money.amount_cents(pd.Series(units), pd.Series(rates, dtype="Int64")).tolist()


def test_quarter_unit_at_12_34_is_3_09_half_up() -> None:
    assert cents([0.25], [money.micros(Decimal("12.34"))]) == [309]


def test_half_a_cent_rounds_up_and_below_half_rounds_down() -> None:
    assert cents([0.25, 0.25, 0.25], [20_000, 19_999, 60_000]) == [1, 0, 2]


def test_float_drift_cases_are_exact() -> None:
    # 1.15 × 3 is 3.4499999999999997 in binary floating point; exact it is 3.45.
    assert cents([3.0, 0.75], [money.micros(Decimal("1.15")), money.micros(Decimal("0.1"))]) == [
        345,
        8,
    ]


def test_missing_rate_gives_missing_amount() -> None:
    assert pd.isna(cents([1.0], [None])[0])


def test_decimal_columns_round_trip() -> None:
    amounts = money.as_amount(pd.Series([309, None, -5], dtype="Int64"))
    assert amounts.tolist()[0] == Decimal("3.09") and pd.isna(amounts.tolist()[1])
    assert money.cents_of(amounts).tolist()[::2] == [309, -5]
    rate = money.as_rate(pd.Series([62_500_000], dtype="Int64"))
    assert rate.tolist() == [Decimal("62.500000")]
    assert money.micros_of(rate).tolist() == [62_500_000]


def test_amounts_stay_exact_where_quarters_times_micros_overflows_int64() -> None:
    # 2**38 quarters × 999,999,999,999 micros is about 2.7e23; the amount, 6.9e18 cents, fits:
    # 68,719,476,736 units × $999,999.999999 = $68,719,476,735,931,280.523264.
    assert cents([2**36], [money.micros(Decimal("999999.999999"))]) == [6_871_947_673_593_128_052]


def test_a_billion_of_the_largest_claims_rows_stay_within_int64_cents() -> None:
    units = MAX_UNITS_CLAIMED * 1_000_000_000
    assert cents([units], [money.micros(MAX_UNIT_RATE)]) == [2_400_000_000_000_000_000]


def test_an_amount_beyond_int64_cents_raises_instead_of_wrapping() -> None:
    with pytest.raises(OverflowError, match="do not fit in int64 cents"):
        cents([2.0**40, 0.25], [None, money.micros(MAX_UNIT_RATE)])


def test_decimal_columns_are_exact_beyond_float64() -> None:
    # 2**53 + 1 is the first integer float64 cannot hold.
    assert money.as_amount(pd.Series([2**53 + 1], dtype="Int64")).tolist() == [
        Decimal("90071992547409.93")
    ]
    assert money.as_rate(pd.Series([2**53 + 1], dtype="Int64")).tolist() == [
        Decimal("9007199254.740993")
    ]
    with pytest.raises(pa.ArrowInvalid, match="does not fit"):
        money.as_amount(pd.Series([10**18], dtype="Int64"))


@settings(max_examples=200, deadline=None)
@given(
    quarters=st.lists(st.integers(0, 96 * 4), min_size=1, max_size=20),
    rate=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2),
)
def test_matches_decimal_half_up(quarters: list[int], rate: Decimal) -> None:
    expected = [
        int((Decimal(q) / 4 * rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for q in quarters
    ]
    rates = [money.micros(rate)] * len(quarters)
    assert cents([q / 4 for q in quarters], rates) == expected
