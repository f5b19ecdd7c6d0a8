"""Codes as bits and as text: a line's or a day's codes are held as one int64 of bits while the
rules run, and written once as the codes joined by `;` in the rules table's order."""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.columns import REASON_SEPARATOR


def code_bits(
    masks: Mapping[str, pd.Series | np.ndarray], order: Sequence[str], rows: int
) -> np.ndarray:
    """The codes that apply to each row as bits, bit i standing for order[i]."""
    bits = np.zeros(rows, dtype=np.int64)
    for position, code in enumerate(order):
        if code in masks:
            mask = np.asarray(masks[code], dtype=bool)
            bits |= mask.astype(np.int64) << position
    return bits


def texts_at(texts: pa.Array, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """texts[positions] as a str array: a gather in Arrow, no Python string per row."""
    return pd.array(pc.take(texts, pa.array(positions, type=pa.int64())), dtype="str")


def codes_text(bits: np.ndarray, order: Sequence[str]) -> pd.api.extensions.ExtensionArray:
    """Each row's bits as its codes joined in `order` (a str array; "" for none).

    Only the distinct combinations present are spelled out: a month has a few hundred.
    """
    position, distinct = pd.factorize(bits, sort=False)
    spelled = pa.array(
        [
            REASON_SEPARATOR.join(c for i, c in enumerate(order) if int(value) >> i & 1)
            for value in distinct
        ],
        type=pa.large_string(),
    )
    return texts_at(spelled, position.astype(np.int64))


def bits_of_codes(texts: pd.Series, order: Sequence[str]) -> np.ndarray:
    """The inverse of `codes_text`: codes text back to bits (few distinct values)."""
    place = {code: i for i, code in enumerate(order)}
    position, distinct = pd.factorize(texts.fillna(""), sort=False)
    distinct_bits = np.array(
        [sum(1 << place[c] for c in str(text).split(REASON_SEPARATOR) if c) for text in distinct]
        + [0],
        dtype=np.int64,
    )
    return distinct_bits[position]
