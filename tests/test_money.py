"""Money is exact: whole cents, half up, no binary floating-point drift."""

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import money


def cents(units: list[float], rates: list[int | None]) -> list[object]:
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
