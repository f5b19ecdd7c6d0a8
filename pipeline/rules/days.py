"""Client-day rules and reconciliation (SPEC §4, v2 §4.1, §4.2, §9).

Minutes per client-day, allowable units (after an authorization's cap), the units the
documentation alone would allow, status, the day's codes, and exact money that cross-foots:
claimed = payable + disallowed, disallowed = documentation + rules, on every day.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import money
from pipeline.config import NEAREST, NEAREST_PARTIAL_MINUTES, Config
from pipeline.rules.authorizations import capped_units
from pipeline.rules.codes import bits_of_codes, codes_text, texts_at
from pipeline.rules.table import REASON_ORDER, Kind, codes
from schemas.columns import (
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAY_KEY,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    COUNTABLE_MINUTES,
    DEFAULT_RATE,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    INCREMENTS_PER_UNIT,
    MATCH,
    MINUTES,
    MINUTES_PER_INCREMENT,
    NO_DOCUMENTATION,
    NO_RATE,
    NOT_CLAIMED,
    NOTHING_BILLABLE,
    OVER_CLAIMED,
    PAYABLE_AMOUNT,
    PROVIDER_ID,
    PROVIDER_NAME,
    PROVIDERS_COLUMNS,
    RATE_SOURCE,
    RATES_FILE,
    REASON_SEPARATOR,
    REASONS,
    REVIEW,
    STATUS,
    UNCLAIMED_AMOUNT,
    UNDER_CLAIMED,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
)

BELOW_MINIMUM, AUTHORIZATION_CAP, NO_DOCUMENTATION_CODE, CLAIM_EXCEEDS_DOCUMENTATION = codes(
    Kind.DAY
)
REVIEW_FLAGS = codes(Kind.REVIEW)
_BITS = "_bits"
_KEY = list(CLIENT_DAY_KEY)
# A client-day's number combines its columns' numbers; below this it is exact in int64.
_CODE_LIMIT = 2**62


def allowable_units(countable_minutes: pd.Series, config: Config) -> pd.Series:
    """Units the countable minutes allow: whole 15-minute increments ÷ 4, none below the minimum."""
    minutes = countable_minutes.to_numpy(dtype=np.int64)
    increments = minutes // MINUTES_PER_INCREMENT
    if config.rounding == NEAREST:
        increments = increments + (minutes % MINUTES_PER_INCREMENT >= NEAREST_PARTIAL_MINUTES)
    units = np.where(minutes >= config.min_minutes, increments / INCREMENTS_PER_UNIT, 0.0)
    return pd.Series(units, index=countable_minutes.index, dtype="float64")


def day_status(documented: pd.Series, claimed: pd.Series, allowable: pd.Series) -> pd.Series:
    """The first status of SPEC §4 that holds for each client-day."""
    conditions = [
        (claimed > 0) & (documented == 0),
        (claimed == 0) & (allowable == 0),
        claimed == allowable,
        claimed > allowable,
        claimed == 0,
    ]
    choices = [NO_DOCUMENTATION, NOTHING_BILLABLE, MATCH, OVER_CLAIMED, NOT_CLAIMED]
    first = np.select(conditions, np.arange(len(choices)), default=len(choices))
    return pd.Series(texts_at(pa.array([*choices, UNDER_CLAIMED]), first), index=documented.index)


@dataclass(frozen=True)
class DayIndex:
    """The distinct client-day keys of two frames, sorted, and where each row's key is."""

    keys: pd.DataFrame  # CLIENT_DAY_KEY columns, one row per key, in key order
    first: np.ndarray  # for each row of the first frame, its key's row in `keys`
    second: np.ndarray  # the same for the second frame


def day_index(first: pd.DataFrame, second: pd.DataFrame) -> DayIndex:
    """The client-days of both frames numbered in key order (provider, client, date)."""
    both = pd.concat([first[_KEY], second[_KEY]], ignore_index=True)
    code = np.zeros(len(both), dtype=np.int64)
    span = 1
    for column in _KEY:
        column_code, values = pd.factorize(both[column], sort=True)
        if span * len(values) >= _CODE_LIMIT:
            code, kept = pd.factorize(code, sort=True)
            span = len(kept)
        code = code * len(values) + column_code
        span *= max(len(values), 1)
    position, distinct = pd.factorize(code, sort=True)
    row = np.zeros(len(distinct), dtype=np.int64)
    row[position] = np.arange(len(both))  # any row of a key holds the key's values
    keys = both.take(row).reset_index(drop=True)
    return DayIndex(keys, position[: len(first)], position[len(first) :])


def day_sums(position: np.ndarray, weights: np.ndarray, days: int) -> np.ndarray:
    """The sum of `weights` over the rows of each of `days` client-days (float64)."""
    # bincount of no rows returns int64 whatever the weights are.
    return np.bincount(position, weights=weights, minlength=days).astype(np.float64, copy=False)


def provider_table(
    lines: pd.DataFrame, claims: pd.DataFrame, rates: pd.DataFrame, config: Config
) -> pd.DataFrame:
    """Every provider of the month (with a service line or a claim), sorted: its name from the
    rates file, its unit rate and where the rate came from (PROVIDERS_COLUMNS)."""
    present = pd.concat([lines[PROVIDER_ID], claims[PROVIDER_ID]], ignore_index=True)
    ids = pd.Series(np.sort(present.unique()), dtype="str")
    listed = rates.set_index(PROVIDER_ID)
    in_file = ids.isin(listed.index).to_numpy()
    name = ids.map(listed[PROVIDER_NAME]).astype("str")
    file_micros = ids.map(money.micros_of(listed[UNIT_RATE])).astype("Int64")
    default = pd.NA if config.default_unit_rate is None else money.micros(config.default_unit_rate)
    micros = file_micros.fillna(default).astype("Int64")
    source = np.where(in_file, RATES_FILE, np.where(micros.isna(), NO_RATE, DEFAULT_RATE))
    return pd.DataFrame(
        {
            PROVIDER_ID: ids,
            PROVIDER_NAME: name,
            UNIT_RATE: money.as_rate(micros),
            RATE_SOURCE: pd.Series(source, dtype="str"),
        }
    )[list(PROVIDERS_COLUMNS)]


def day_rates(providers: pd.Series, table: pd.DataFrame) -> pd.Series:
    """Each day's rate in integer micros (NA where its provider has none)."""
    micros = pd.Series(
        money.micros_of(table[UNIT_RATE]).to_numpy(), index=table[PROVIDER_ID].to_numpy()
    )
    # Few providers, many days: look each provider up once.
    position, distinct = pd.factorize(providers)
    rate = pd.Series(distinct).map(micros).astype("Int64")
    return pd.Series(rate.array.take(position), index=providers.index, dtype="Int64")


def client_days(
    lines: pd.DataFrame,
    claims: pd.DataFrame,
    authorizations: pd.DataFrame | None,
    providers: pd.DataFrame,
    config: Config,
    month: str,
) -> pd.DataFrame:
    """One row per client-day with documentation or a claim, reconciled (CLIENT_DAYS_COLUMNS).

    `authorizations` is None when SPEC §9 does not apply; `providers` is provider_table's.
    """
    index = day_index(lines, claims)
    count = len(index.keys)
    counted = ~lines[DUPLICATE].to_numpy(dtype=bool)
    minutes = lines[MINUTES].to_numpy(dtype=np.int64)
    eligible = counted & lines[ELIGIBLE].to_numpy(dtype=bool)
    documented = day_sums(index.first, minutes * counted, count)
    has_claim = np.bincount(index.second, minlength=count) > 0
    exists = (day_sums(index.first, counted, count) > 0) | has_claim
    # The day's reasons come from all its lines, duplicates included; so do its review flags.
    line_bits = np.zeros(count, dtype=np.int64)
    np.bitwise_or.at(line_bits, index.first, bits_of_codes(lines[REASONS], REASON_ORDER))
    flag_bits = np.zeros(count, dtype=np.int64)
    np.bitwise_or.at(flag_bits, index.first, bits_of_codes(lines[REVIEW], REVIEW_FLAGS))
    days = (
        index.keys.loc[exists]
        .reset_index(drop=True)
        .astype(dict.fromkeys((PROVIDER_ID, CLIENT_ID), "str"))
    )
    days[DOCUMENTED_MINUTES] = documented[exists].astype(np.int64)
    days[COUNTABLE_MINUTES] = day_sums(index.first, minutes * eligible, count)[exists].astype(
        np.int64
    )
    days[CLAIMED_UNITS] = day_sums(
        index.second, claims[UNITS_CLAIMED].to_numpy(dtype=np.float64), count
    )[exists]
    uncapped = allowable_units(days[COUNTABLE_MINUTES], config)
    days[ALLOWABLE_UNITS] = uncapped
    if authorizations is not None:
        days[ALLOWABLE_UNITS] = capped_units(days, authorizations, month)
    days[VARIANCE_UNITS] = days[CLAIMED_UNITS] - days[ALLOWABLE_UNITS]
    days[STATUS] = day_status(days[DOCUMENTED_MINUTES], days[CLAIMED_UNITS], days[ALLOWABLE_UNITS])
    days[DOCUMENTATION_UNITS] = allowable_units(days[DOCUMENTED_MINUTES], config)
    claimed, allowable = days[CLAIMED_UNITS], days[ALLOWABLE_UNITS]
    documentation = days[DOCUMENTATION_UNITS]
    days[DISALLOWED_UNITS_DOCUMENTATION] = (claimed - documentation).clip(lower=0)
    days[DISALLOWED_UNITS_RULES] = (np.minimum(claimed, documentation) - allowable).clip(lower=0)
    capped = (days[ALLOWABLE_UNITS] < uncapped).to_numpy()
    days[REASONS] = day_reasons(days, line_bits[exists], capped, config)
    days[REVIEW] = codes_text(flag_bits[exists], REVIEW_FLAGS)
    return with_money(days, providers)[list(CLIENT_DAYS_COLUMNS)]


def below_minimum(days: pd.DataFrame, config: Config) -> pd.Series:
    """True for a day with eligible minutes that total less than the minimum."""
    return (days[COUNTABLE_MINUTES] > 0) & (days[COUNTABLE_MINUTES] < config.min_minutes)


def day_code_masks(days: pd.DataFrame, capped: np.ndarray, config: Config) -> dict[str, np.ndarray]:
    """The day codes (v2 §4.1, §9) that hold for each day."""
    claimed = days[CLAIMED_UNITS].to_numpy()
    documented = days[DOCUMENTED_MINUTES].to_numpy()
    return {
        BELOW_MINIMUM: below_minimum(days, config).to_numpy(dtype=bool),
        AUTHORIZATION_CAP: capped,
        NO_DOCUMENTATION_CODE: (claimed > 0) & (documented == 0),
        CLAIM_EXCEEDS_DOCUMENTATION: (documented > 0)
        & (claimed > days[DOCUMENTATION_UNITS].to_numpy()),
    }


def day_reasons(
    days: pd.DataFrame, line_bits: np.ndarray, capped: np.ndarray, config: Config
) -> pd.Series:
    """The day's codes in REASON_ORDER: its lines' codes (`line_bits`, OR-ed), then the day
    codes BELOW_MINIMUM, AUTHORIZATION_CAP, NO_DOCUMENTATION, CLAIM_EXCEEDS_DOCUMENTATION."""
    bits = line_bits.copy()
    for code, mask in day_code_masks(days, capped, config).items():
        bits |= mask.astype(np.int64) << REASON_ORDER.index(code)
    return pd.Series(codes_text(bits, REASON_ORDER), index=days.index)


def with_money(days: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    """The day's rate and amounts, exact to the cent, cross-footing by construction (v2 §4.2).

    With c claimed, a allowable and d documentation units, money(u) = u x rate half up:
    claimed = money(c), allowable = money(a), payable = money(min(c, a)),
    disallowed = claimed - payable, of which documentation = money(c) - money(min(c, d)) and
    rules = money(min(c, d)) - payable; unclaimed = allowable - payable.
    """
    rate = day_rates(days[PROVIDER_ID], providers)
    claimed = days[CLAIMED_UNITS]
    allowable = days[ALLOWABLE_UNITS]
    documentation = days[DOCUMENTATION_UNITS]
    c = money.amount_cents(claimed, rate)
    a = money.amount_cents(allowable, rate)
    p = money.amount_cents(claimed.where(claimed < allowable, allowable), rate)
    m = money.amount_cents(claimed.where(claimed < documentation, documentation), rate)
    return days.assign(
        **{
            UNIT_RATE: money.as_rate(rate),
            CLAIMED_AMOUNT: money.as_amount(c),
            ALLOWABLE_AMOUNT: money.as_amount(a),
            DISALLOWED_AMOUNT: money.as_amount(c - p),
            PAYABLE_AMOUNT: money.as_amount(p),
            DISALLOWED_AMOUNT_DOCUMENTATION: money.as_amount(c - m),
            DISALLOWED_AMOUNT_RULES: money.as_amount(m - p),
            UNCLAIMED_AMOUNT: money.as_amount(a - p),
        }
    )


def final_lines(lines: pd.DataFrame, days: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The service lines with BELOW_MINIMUM on each eligible line of a day below the minimum."""
    short_days = days.loc[below_minimum(days, config), _KEY].assign(**{_BITS: True})
    # Only eligible lines of a client with a short day can be hit: join those alone.
    short_client = pc.is_in(
        pa.array(lines[CLIENT_ID].array), value_set=pa.array(short_days[CLIENT_ID].array)
    )
    candidate = np.flatnonzero(
        lines[ELIGIBLE].to_numpy(dtype=bool) & short_client.to_numpy(zero_copy_only=False)
    )
    keys = lines[_KEY].iloc[candidate]
    short = keys.merge(short_days, on=_KEY, how="left")[_BITS].fillna(False).to_numpy(bool)
    hit = candidate[short]
    reasons = lines[REASONS].copy()
    before = reasons.iloc[hit]
    after = before.where(before == "", before + REASON_SEPARATOR) + BELOW_MINIMUM
    reasons.iloc[hit] = after.array
    return lines.assign(**{REASONS: reasons})
