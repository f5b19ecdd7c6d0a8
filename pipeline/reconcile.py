"""Client-day rules and reconciliation (SPEC §4).

Minutes per client-day, allowable units, status, exact money, and the warnings.
"""

import numpy as np
import pandas as pd

from pipeline import money
from pipeline.config import NEAREST, NEAREST_PARTIAL_MINUTES, Config
from pipeline.lines import bits_of_reasons, reasons_text
from pipeline.rules import REASON_ORDER, Kind, codes
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
_RATE_MICROS = "_rate_micros"
_KEY = list(CLIENT_DAY_KEY)


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
    return pd.Series(
        np.select(conditions, choices, default=UNDER_CLAIMED), index=documented.index, dtype="str"
    )


def group_bits(keys: pd.DataFrame, bits: np.ndarray) -> pd.DataFrame:
    """The bitwise OR of `bits` within each distinct key (the distinct codes of a day's lines)."""
    if keys.empty:
        return keys.assign(**{_BITS: np.zeros(0, dtype=np.int64)})
    group = keys.groupby(_KEY, sort=True, observed=True).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    firsts = keys.iloc[order[starts]].reset_index(drop=True)
    return firsts.assign(**{_BITS: np.bitwise_or.reduceat(bits[order], starts)})


def unit_rates(providers: pd.Series, rates: pd.DataFrame, config: Config) -> pd.Series:
    """Each provider's rate in integer micros: the rates file, else the default, else NA."""
    from_file = pd.Series(
        money.micros_of(rates[UNIT_RATE]).to_numpy(), index=rates[PROVIDER_ID].to_numpy()
    )
    default = pd.NA if config.default_unit_rate is None else money.micros(config.default_unit_rate)
    return (
        providers.map(from_file).astype("Int64").fillna(default).astype("Int64")
        if len(providers)
        else pd.Series(dtype="Int64")
    )


def client_days(
    lines: pd.DataFrame, claims: pd.DataFrame, rates: pd.DataFrame, config: Config
) -> pd.DataFrame:
    """One row per client-day with documentation or a claim, reconciled (CLIENT_DAYS_COLUMNS)."""
    counted = lines.loc[~lines[DUPLICATE]]
    documented = counted.groupby(_KEY, observed=True)[MINUTES].sum().rename(DOCUMENTED_MINUTES)
    countable = (
        counted.loc[counted[ELIGIBLE]]
        .groupby(_KEY, observed=True)[MINUTES]
        .sum()
        .rename(COUNTABLE_MINUTES)
    )
    claimed = claims.groupby(_KEY, observed=True)[UNITS_CLAIMED].sum().rename(CLAIMED_UNITS)
    days = (
        pd.concat([documented, countable, claimed], axis=1, join="outer")
        .reset_index()
        .astype(dict.fromkeys((PROVIDER_ID, CLIENT_ID), "str"))
    )
    days[DOCUMENTED_MINUTES] = days[DOCUMENTED_MINUTES].fillna(0).astype("int64")
    days[COUNTABLE_MINUTES] = days[COUNTABLE_MINUTES].fillna(0).astype("int64")
    days[CLAIMED_UNITS] = days[CLAIMED_UNITS].fillna(0.0).astype("float64")
    days[ALLOWABLE_UNITS] = allowable_units(days[COUNTABLE_MINUTES], config)
    days[VARIANCE_UNITS] = days[CLAIMED_UNITS] - days[ALLOWABLE_UNITS]
    days[STATUS] = day_status(days[DOCUMENTED_MINUTES], days[CLAIMED_UNITS], days[ALLOWABLE_UNITS])
    days[REASONS] = day_reasons(days, lines, config)
    days = with_money(days, rates, config)
    return days.sort_values(_KEY, kind="stable").reset_index(drop=True)[list(CLIENT_DAYS_COLUMNS)]


def below_minimum(days: pd.DataFrame, config: Config) -> pd.Series:
    """True for a day with eligible minutes that total less than the minimum."""
    return (days[COUNTABLE_MINUTES] > 0) & (days[COUNTABLE_MINUTES] < config.min_minutes)


def day_reasons(days: pd.DataFrame, lines: pd.DataFrame, config: Config) -> pd.Series:
    """The distinct codes of all a day's accepted lines (duplicates included), in RULES order."""
    line_bits = group_bits(lines[_KEY], bits_of_reasons(lines[REASONS]))
    merged = days[_KEY].merge(line_bits, on=_KEY, how="left")[_BITS]
    short = below_minimum(days, config).to_numpy().astype(np.int64)
    bits = merged.fillna(0).to_numpy(dtype=np.int64) | (short << REASON_ORDER.index(BELOW_MINIMUM))
    return pd.Series(reasons_text(bits), index=days.index, dtype="str")


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
    short = lines[_KEY].merge(short_days, on=_KEY, how="left")[_BITS].fillna(False).to_numpy(bool)
    hit = short & lines[ELIGIBLE].to_numpy(dtype=bool)
    reasons = lines[REASONS].to_numpy(dtype=object).copy()
    prefix = np.where(reasons[hit] == "", "", reasons[hit] + REASON_SEPARATOR)
    reasons[hit] = prefix + BELOW_MINIMUM
    return lines.assign(**{REASONS: pd.array(reasons, dtype="str")})


def day_warnings(lines: pd.DataFrame, claims: pd.DataFrame, config: Config) -> pd.DataFrame:
    """STAFF_DAY_OVER_LIMIT and MULTIPLE_CLAIM_LINES rows (WARNING_COLUMNS); units unchanged."""
    staff_key = [PROVIDER_ID, STAFF_ID, SERVICE_DATE]
    staff = (
        lines.loc[~lines[DUPLICATE]].groupby(staff_key, observed=True)[MINUTES].sum().reset_index()
    )
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
