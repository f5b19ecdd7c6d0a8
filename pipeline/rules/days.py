"""Client-day rules and reconciliation (SPEC §4).

Minutes per client-day, allowable units, status, exact money, and the warnings.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import money
from pipeline.config import NEAREST, NEAREST_PARTIAL_MINUTES, Config
from pipeline.rules.lines import bits_of_reasons, reasons_text, texts_at
from pipeline.rules.table import REASON_ORDER, Kind, codes
from schemas.columns import (
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CLAIM_LINES,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAY_KEY,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    COUNTABLE_MINUTES,
    DETAIL,
    DISALLOWED_AMOUNT,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    INCREMENTS_PER_UNIT,
    MATCH,
    MINUTES,
    MINUTES_PER_INCREMENT,
    NO_DOCUMENTATION,
    NOT_CLAIMED,
    NOTHING_BILLABLE,
    OVER_CLAIMED,
    PROVIDER_ID,
    REASON_SEPARATOR,
    REASONS,
    SERVICE_DATE,
    STAFF_ID,
    STATUS,
    UNDER_CLAIMED,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
    WARNING_CODE,
    WARNING_COLUMNS,
)

(BELOW_MINIMUM,) = codes(Kind.DAY)
STAFF_DAY_OVER_LIMIT, MULTIPLE_CLAIM_LINES = codes(Kind.WARNING)
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


def unit_rates(providers: pd.Series, rates: pd.DataFrame, config: Config) -> pd.Series:
    """Each provider's rate in integer micros: the rates file, else the default, else NA."""
    from_file = pd.Series(
        money.micros_of(rates[UNIT_RATE]).to_numpy(), index=rates[PROVIDER_ID].to_numpy()
    )
    default = pd.NA if config.default_unit_rate is None else money.micros(config.default_unit_rate)
    # Few providers, many days: look each provider up once.
    position, distinct = pd.factorize(providers)
    rate = pd.Series(distinct).map(from_file).astype("Int64").fillna(default).astype("Int64")
    return pd.Series(rate.array.take(position), index=providers.index, dtype="Int64")


def client_days(
    lines: pd.DataFrame, claims: pd.DataFrame, rates: pd.DataFrame, config: Config
) -> pd.DataFrame:
    """One row per client-day with documentation or a claim, reconciled (CLIENT_DAYS_COLUMNS)."""
    index = day_index(lines, claims)
    count = len(index.keys)
    counted = ~lines[DUPLICATE].to_numpy(dtype=bool)
    minutes = lines[MINUTES].to_numpy(dtype=np.int64)
    eligible = counted & lines[ELIGIBLE].to_numpy(dtype=bool)
    documented = day_sums(index.first, minutes * counted, count)
    has_claim = np.bincount(index.second, minlength=count) > 0
    exists = (day_sums(index.first, counted, count) > 0) | has_claim
    # The day's reasons come from all its lines, duplicates included.
    line_bits = np.zeros(count, dtype=np.int64)
    np.bitwise_or.at(line_bits, index.first, bits_of_reasons(lines[REASONS]))
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
    days[ALLOWABLE_UNITS] = allowable_units(days[COUNTABLE_MINUTES], config)
    days[VARIANCE_UNITS] = days[CLAIMED_UNITS] - days[ALLOWABLE_UNITS]
    days[STATUS] = day_status(days[DOCUMENTED_MINUTES], days[CLAIMED_UNITS], days[ALLOWABLE_UNITS])
    days[REASONS] = day_reasons(days, line_bits[exists], config)
    return with_money(days, rates, config)[list(CLIENT_DAYS_COLUMNS)]


def below_minimum(days: pd.DataFrame, config: Config) -> pd.Series:
    """True for a day with eligible minutes that total less than the minimum."""
    return (days[COUNTABLE_MINUTES] > 0) & (days[COUNTABLE_MINUTES] < config.min_minutes)


def day_reasons(days: pd.DataFrame, line_bits: np.ndarray, config: Config) -> pd.Series:
    """The day's codes in RULES order: its lines' codes (`line_bits`, OR-ed), and BELOW_MINIMUM."""
    short = below_minimum(days, config).to_numpy().astype(np.int64)
    bits = line_bits | (short << REASON_ORDER.index(BELOW_MINIMUM))
    return pd.Series(reasons_text(bits), index=days.index)


def with_money(days: pd.DataFrame, rates: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The day's rate and its claimed, allowable and disallowed amounts, exact to the cent."""
    rate = unit_rates(days[PROVIDER_ID], rates, config)
    over = days[VARIANCE_UNITS].clip(lower=0)
    return days.assign(
        **{
            UNIT_RATE: money.as_rate(rate),
            CLAIMED_AMOUNT: money.as_amount(money.amount_cents(days[CLAIMED_UNITS], rate)),
            ALLOWABLE_AMOUNT: money.as_amount(money.amount_cents(days[ALLOWABLE_UNITS], rate)),
            DISALLOWED_AMOUNT: money.as_amount(money.amount_cents(over, rate)),
        }
    )


def providers_without_rate(days: pd.DataFrame) -> tuple[str, ...]:
    """The providers whose amounts are empty because neither rates nor config gave a rate."""
    return tuple(sorted(days.loc[days[UNIT_RATE].isna(), PROVIDER_ID].unique()))


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


def day_warnings(lines: pd.DataFrame, claims: pd.DataFrame, config: Config) -> pd.DataFrame:
    """STAFF_DAY_OVER_LIMIT and MULTIPLE_CLAIM_LINES rows (WARNING_COLUMNS); units unchanged."""
    staff_key = [PROVIDER_ID, STAFF_ID, SERVICE_DATE]
    counted = lines.loc[~lines[DUPLICATE], [*staff_key, MINUTES]]
    staff = counted.groupby(staff_key, observed=True)[MINUTES].sum().reset_index()
    staff = staff.loc[staff[MINUTES] > config.staff_day_limit_minutes]
    staff_detail = (
        "staff "
        + staff[STAFF_ID].astype("str")
        + " documented "
        + staff[MINUTES].astype("str")
        + " minutes on this date across all clients, over the limit of "
        + str(config.staff_day_limit_minutes)
    )
    staff_rows = staff.assign(
        **{WARNING_CODE: STAFF_DAY_OVER_LIMIT, CLIENT_ID: None, DETAIL: staff_detail}
    )
    counts = claims.groupby(_KEY, observed=True).size().rename(CLAIM_LINES).reset_index()
    counts = counts.loc[counts[CLAIM_LINES] > 1]
    claim_detail = counts[CLAIM_LINES].astype("str") + " claims rows for this client-day"
    claim_rows = counts.assign(
        **{WARNING_CODE: MULTIPLE_CLAIM_LINES, STAFF_ID: None, DETAIL: claim_detail}
    )
    out = pd.concat(
        [staff_rows[list(WARNING_COLUMNS)], claim_rows[list(WARNING_COLUMNS)]], ignore_index=True
    )
    text = (WARNING_CODE, PROVIDER_ID, CLIENT_ID, STAFF_ID, DETAIL)
    return out.astype(dict.fromkeys(text, "str"))
