"""Line rules (SPEC §3): which guideline codes apply to each accepted service line."""

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.config import Config
from pipeline.rules.table import REASON_ORDER
from schemas.columns import (
    ACTIVITY,
    CASE_STAFFING,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    DUPLICATE,
    ELIGIBLE,
    EXTERNAL_PARTICIPANTS,
    MAILING,
    NOTE,
    PROVIDER_ID,
    REASON_SEPARATOR,
    REASONS,
    RESEARCH,
    SCHEDULING,
    SERVICE_DATE,
    SERVICE_ID,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
)

_LETTER_DATE = "_letter_date"
_ROW = "_row"


def month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of the billing month and the first day of the next."""
    period = pd.Period(month, freq="M")
    return period.start_time.normalize(), (period + 1).start_time.normalize()


def duplicate_mask(services: pd.DataFrame) -> pd.Series:
    """True for every row after the first with the same provider and service_id."""
    # One integer per (provider, service_id) pair: hashing integers is cheaper than text pairs.
    provider, _ = pd.factorize(services[PROVIDER_ID])
    service, distinct = pd.factorize(services[SERVICE_ID])
    pair = provider.astype(np.int64) * max(len(distinct), 1) + service
    return pd.Series(pair, index=services.index).duplicated(keep="first")


def documented_mask(services: pd.DataFrame) -> pd.Series:
    """True where the case note is not blank."""
    note = pa.array(services[NOTE].array, type=pa.large_string())
    blank = pc.or_kleene(pc.equal(note, ""), pc.utf8_is_space(note)).fill_null(True)
    return pd.Series(pc.invert(blank).to_numpy(zero_copy_only=False), index=services.index)


def followup_letters(services: pd.DataFrame, duplicate: pd.Series) -> pd.DataFrame:
    """The rows that count as a research follow-up letter (SPEC §3 RESEARCH_NO_FOLLOWUP)."""
    is_letter = (
        (services[ACTIVITY] == MAILING)
        & ~duplicate
        & services[CLIENT_SPECIFIC]
        & documented_mask(services)
    )
    return services.loc[is_letter, [PROVIDER_ID, CLIENT_ID, SERVICE_DATE]]


def research_followed_up(services: pd.DataFrame, duplicate: pd.Series, days: int) -> pd.Series:
    """True for a research row with a letter on its day or up to `days` days after it."""
    research = services.loc[services[ACTIVITY] == RESEARCH, [PROVIDER_ID, CLIENT_ID, SERVICE_DATE]]
    letters = followup_letters(services, duplicate).rename(columns={SERVICE_DATE: _LETTER_DATE})
    found = pd.Series(False, index=services.index)
    if research.empty or letters.empty:
        return found
    # The nearest letter on or after the research day decides: if it is too late, all are.
    nearest = pd.merge_asof(
        research.assign(**{_ROW: research.index}).sort_values(SERVICE_DATE),
        letters.assign(**{SERVICE_DATE: letters[_LETTER_DATE]}).sort_values(SERVICE_DATE),
        on=SERVICE_DATE,
        by=[PROVIDER_ID, CLIENT_ID],
        direction="forward",
    )
    within = (nearest[_LETTER_DATE] - nearest[SERVICE_DATE]) <= pd.Timedelta(days=days)
    found.loc[nearest.loc[within.fillna(False).astype(bool), _ROW].to_numpy()] = True
    return found


MaskRule = Callable[[pd.DataFrame, pd.Series, str, Config], pd.Series]

# One mask per §3 code; tests check these keys against the rules table in both directions.
LINE_RULES: dict[str, MaskRule] = {
    "DUPLICATE_SERVICE": lambda s, dup, month, cfg: dup,
    "OUTSIDE_PERIOD": lambda s, dup, month, cfg: (
        ~s[SERVICE_DATE].between(*month_bounds(month), inclusive="left")
    ),
    "UNDOCUMENTED": lambda s, dup, month, cfg: ~documented_mask(s),
    "VOICEMAIL": lambda s, dup, month, cfg: s[ACTIVITY].isin((VOICEMAIL_LEFT, VOICEMAIL_LISTENED)),
    "NOT_SIGNIFICANT": lambda s, dup, month, cfg: s[ACTIVITY] == SCHEDULING,
    "NOT_CLIENT_SPECIFIC": lambda s, dup, month, cfg: ~s[CLIENT_SPECIFIC].astype(bool),
    "INTERNAL_STAFFING": lambda s, dup, month, cfg: (
        (s[ACTIVITY] == CASE_STAFFING) & (s[EXTERNAL_PARTICIPANTS] == 0)
    ),
    "RESEARCH_NO_FOLLOWUP": lambda s, dup, month, cfg: (
        (s[ACTIVITY] == RESEARCH) & ~research_followed_up(s, dup, cfg.research_followup_days)
    ),
}


def reason_bits(masks: dict[str, pd.Series], index: pd.Index) -> np.ndarray:
    """The codes that apply to each row as bits, bit i standing for REASON_ORDER[i]."""
    bits = np.zeros(len(index), dtype=np.int64)
    for position, code in enumerate(REASON_ORDER):
        if code in masks:
            bits |= masks[code].to_numpy(dtype=bool).astype(np.int64) << position
    return bits


@cache
def every_reasons_text() -> pa.Array:
    """The text of every combination of codes, at the position of its bits."""
    return pa.array(
        [
            REASON_SEPARATOR.join(c for i, c in enumerate(REASON_ORDER) if bits >> i & 1)
            for bits in range(1 << len(REASON_ORDER))
        ],
        type=pa.large_string(),
    )


def texts_at(texts: pa.Array, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """texts[positions] as a str array: a gather in Arrow, no Python string per row."""
    return pd.array(pc.take(texts, pa.array(positions, type=pa.int64())), dtype="str")


def reasons_text(bits: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Each row's code bits as the codes joined in REASON_ORDER (a str array)."""
    return texts_at(every_reasons_text(), bits)


def bits_of_reasons(reasons: pd.Series) -> np.ndarray:
    """The inverse of `reasons_text`: codes text back to bits (few distinct values)."""
    position = {code: i for i, code in enumerate(REASON_ORDER)}
    codes, distinct = pd.factorize(reasons.fillna(""), sort=False)
    distinct_bits = np.array(
        [sum(1 << position[c] for c in str(text).split(REASON_SEPARATOR) if c) for text in distinct]
        + [0],
        dtype=np.int64,
    )
    return distinct_bits[codes]


def service_lines(services: pd.DataFrame, month: str, config: Config) -> pd.DataFrame:
    """The services with `duplicate`, `eligible` and `reasons` from the §3 line rules."""
    duplicate = duplicate_mask(services)
    masks = {code: rule(services, duplicate, month, config) for code, rule in LINE_RULES.items()}
    bits = reason_bits(masks, services.index)
    return services.assign(
        **{
            DUPLICATE: duplicate.to_numpy(dtype=bool),
            ELIGIBLE: bits == 0,
            REASONS: reasons_text(bits),
        }
    )
