"""The TOTAL row a sheet's table ends with: exact sums of its amounts and its counts, the
word TOTAL in its first column, its other cells empty."""

from collections.abc import Iterable, Mapping

import pandas as pd

from pipeline import money
from pipeline.report.model import TOTAL


def cents_total(cents: pd.Series) -> object:
    """The exact sum of cents (Int64); NA when every one is NA (no rate), 0 for none at all."""
    return cents.sum(min_count=min(1, len(cents)))


def amount_total(amounts: pd.Series) -> object:
    """The exact sum of a decimal amount column, as a decimal; NA as cents_total says."""
    cents = pd.Series([cents_total(money.cents_of(amounts))], dtype="Int64")
    return money.as_amount(cents).iloc[0]


def with_total(frame: pd.DataFrame, sums: Mapping[str, object]) -> pd.DataFrame:
    """The frame and a last row: TOTAL in its first column, `sums` in theirs, else empty.
    Whole-number columns become nullable so that the row's other cells can be empty."""
    nullable = {c: "Int64" for c, t in frame.dtypes.items() if pd.api.types.is_integer_dtype(t)}
    frame = frame.astype(nullable).reset_index(drop=True)
    total = pd.DataFrame({c: pd.Series([sums.get(c)], dtype=frame[c].dtype) for c in frame.columns})
    total.iloc[0, 0] = TOTAL
    return pd.concat([frame, total], ignore_index=True)


def summed(
    frame: pd.DataFrame, amounts: Iterable[str], numbers: Iterable[str] = ()
) -> dict[str, object]:
    """The TOTAL row's values: exact sums of the amount columns, plain sums of the others."""
    return {
        **{c: amount_total(frame[c]) for c in amounts},
        **{c: frame[c].sum() for c in numbers},
    }
