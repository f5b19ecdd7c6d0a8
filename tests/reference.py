"""A slow, obvious reference of SPEC §3 and §4, row by row in plain Python with Decimal money.

Written from the SPEC's text, not from pipeline/ (which it only calls to put both answers in the
same plain form); the only code in the project that loops over rows.
"""

import datetime as dt
import re
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from pipeline.config import NEAREST, Config
from pipeline.rules.days import client_days, day_warnings, final_lines, providers_without_rate
from pipeline.rules.lines import service_lines
from schemas.columns import (
    ACTIVITY,
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CASE_STAFFING,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COUNTABLE_MINUTES,
    DETAIL,
    DISALLOWED_AMOUNT,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    EXTERNAL_PARTICIPANTS,
    MAILING,
    MATCH,
    MINUTES,
    NO_DOCUMENTATION,
    NOT_CLAIMED,
    NOTE,
    NOTHING_BILLABLE,
    OVER_CLAIMED,
    PROVIDER_ID,
    REASONS,
    RESEARCH,
    SCHEDULING,
    SERVICE_DATE,
    SERVICE_ID,
    STAFF_ID,
    STATUS,
    UNDER_CLAIMED,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
    WARNING_CODE,
)

# The codes transcribed once from the SPEC's tables (§3 in order, then §4), independently of
# pipeline/rules.py; test_rules checks the two agree.
DUPLICATE_SERVICE = "DUPLICATE_SERVICE"
OUTSIDE_PERIOD = "OUTSIDE_PERIOD"
UNDOCUMENTED = "UNDOCUMENTED"
VOICEMAIL = "VOICEMAIL"
NOT_SIGNIFICANT = "NOT_SIGNIFICANT"
NOT_CLIENT_SPECIFIC = "NOT_CLIENT_SPECIFIC"
INTERNAL_STAFFING = "INTERNAL_STAFFING"
RESEARCH_NO_FOLLOWUP = "RESEARCH_NO_FOLLOWUP"
BELOW_MINIMUM = "BELOW_MINIMUM"
STAFF_DAY_OVER_LIMIT = "STAFF_DAY_OVER_LIMIT"
MULTIPLE_CLAIM_LINES = "MULTIPLE_CLAIM_LINES"
SPEC_REASON_ORDER = (
    DUPLICATE_SERVICE,
    OUTSIDE_PERIOD,
    UNDOCUMENTED,
    VOICEMAIL,
    NOT_SIGNIFICANT,
    NOT_CLIENT_SPECIFIC,
    INTERNAL_STAFFING,
    RESEARCH_NO_FOLLOWUP,
    BELOW_MINIMUM,
)
SEPARATOR = ";"
LINE_REASONS = "line_reasons"  # the §3 codes alone, before BELOW_MINIMUM
COUNT = "count"  # a warning's number: the staff's minutes, or the claims rows
CENT = Decimal("0.01")

Key = tuple[str, str, dt.date]


@dataclass(frozen=True)
class Expected:
    """The SPEC's answer for one month.

    lines: DUPLICATE, ELIGIBLE, LINE_REASONS, REASONS, aligned with the services' index;
    days: CLIENT_DAYS_COLUMNS as Python values (date, Decimal units, Decimal or None money);
    warnings: WARNING_CODE, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, COUNT (None for n/a).
    """

    lines: pd.DataFrame
    days: pd.DataFrame
    warnings: pd.DataFrame
    providers_without_rate: tuple[str, ...]


def as_date(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def in_month(day: dt.date, month: str) -> bool:
    year, number = month.split("-")
    return day.year == int(year) and day.month == int(number)


def is_blank(note: Any) -> bool:
    return bool(pd.isna(note)) or str(note).strip() == ""


def day_key(row: dict[Hashable, Any]) -> Key:
    return (row[PROVIDER_ID], row[CLIENT_ID], as_date(row[SERVICE_DATE]))


def line_codes(
    row: dict[Hashable, Any],
    duplicate: bool,
    letters: list[tuple[str, str, dt.date]],
    month: str,
    config: Config,
) -> list[str]:
    """The §3 codes of one line, in the SPEC's order."""
    day = as_date(row[SERVICE_DATE])
    activity = row[ACTIVITY]
    found = []
    if duplicate:
        found.append(DUPLICATE_SERVICE)
    if not in_month(day, month):
        found.append(OUTSIDE_PERIOD)
    if is_blank(row[NOTE]):
        found.append(UNDOCUMENTED)
    if activity in (VOICEMAIL_LEFT, VOICEMAIL_LISTENED):
        found.append(VOICEMAIL)
    if activity == SCHEDULING:
        found.append(NOT_SIGNIFICANT)
    if not row[CLIENT_SPECIFIC]:
        found.append(NOT_CLIENT_SPECIFIC)
    if activity == CASE_STAFFING and row[EXTERNAL_PARTICIPANTS] == 0:
        found.append(INTERNAL_STAFFING)
    if activity == RESEARCH:
        followed_up = False
        for provider, client, letter_day in letters:
            days_after = (letter_day - day).days
            if (
                provider == row[PROVIDER_ID]
                and client == row[CLIENT_ID]
                and 0 <= days_after <= config.research_followup_days
            ):
                followed_up = True
        if not followed_up:
            found.append(RESEARCH_NO_FOLLOWUP)
    return found


def allowable(countable: int, config: Config) -> Decimal:
    """§4: nothing below the minimum, else whole 15-minute increments as quarter units."""
    if countable < config.min_minutes:
        return Decimal(0)
    increments = countable // 15
    if config.rounding == NEAREST and countable % 15 >= 8:
        increments += 1
    return Decimal(increments) / 4


def status_of(documented: int, claimed: Decimal, allowed: Decimal) -> str:
    if claimed > 0 and documented == 0:
        return NO_DOCUMENTATION
    if claimed == 0 and allowed == 0:
        return NOTHING_BILLABLE
    if claimed == allowed:
        return MATCH
    if claimed > allowed:
        return OVER_CLAIMED
    if claimed == 0:
        return NOT_CLAIMED
    return UNDER_CLAIMED


def cents(units: Decimal, rate: Decimal | None) -> Decimal | None:
    if rate is None:
        return None
    return (units * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def expected_month(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    month: str,
    config: Config,
) -> Expected:
    """SPEC §3 and §4 applied to accepted frames, one row at a time."""
    service_rows = services.to_dict("records")
    claim_rows = claims.to_dict("records")

    # §3 DUPLICATE_SERVICE: the rows are in reading order (file, then row).
    seen: set[tuple[str, str]] = set()
    duplicates = []
    for row in service_rows:
        service = (row[PROVIDER_ID], row[SERVICE_ID])
        duplicates.append(service in seen)
        seen.add(service)

    letters = []
    for row, duplicate in zip(service_rows, duplicates, strict=True):
        if (
            row[ACTIVITY] == MAILING
            and not duplicate
            and row[CLIENT_SPECIFIC]
            and not is_blank(row[NOTE])
        ):
            letters.append((row[PROVIDER_ID], row[CLIENT_ID], as_date(row[SERVICE_DATE])))

    codes_of_line = []
    for row, duplicate in zip(service_rows, duplicates, strict=True):
        codes_of_line.append(line_codes(row, duplicate, letters, month, config))

    # §4: the client-days with a non-duplicate line or a claim.
    documented: dict[Key, int] = {}
    countable: dict[Key, int] = {}
    claimed: dict[Key, Decimal] = {}
    claim_lines: dict[Key, int] = {}
    for row, duplicate, codes in zip(service_rows, duplicates, codes_of_line, strict=True):
        if duplicate:
            continue
        key = day_key(row)
        documented[key] = documented.get(key, 0) + row[MINUTES]
        countable.setdefault(key, 0)
        if not codes:
            countable[key] += row[MINUTES]
    for row in claim_rows:
        key = day_key(row)
        claimed[key] = claimed.get(key, Decimal(0)) + Decimal(row[UNITS_CLAIMED])
        claim_lines[key] = claim_lines.get(key, 0) + 1
    all_days = sorted(set(documented) | set(claimed))

    short_days = set()
    for key in all_days:
        if countable.get(key, 0) < config.min_minutes:
            short_days.add(key)
    final_reasons = []
    for row, codes in zip(service_rows, codes_of_line, strict=True):
        key = day_key(row)
        if not codes and key in short_days:
            final_reasons.append([BELOW_MINIMUM])
        else:
            final_reasons.append(codes)

    codes_of_day: dict[Key, set[str]] = {}
    for row, reasons in zip(service_rows, final_reasons, strict=True):
        key = day_key(row)
        codes_of_day.setdefault(key, set()).update(reasons)

    rate_of = {}
    for row in rates.to_dict("records"):
        rate_of[row[PROVIDER_ID]] = Decimal(row[UNIT_RATE])

    day_rows = []
    for key in all_days:
        provider, client, day = key
        documented_minutes = documented.get(key, 0)
        countable_minutes = countable.get(key, 0)
        claimed_units = claimed.get(key, Decimal(0))
        allowable_units = allowable(countable_minutes, config)
        variance = claimed_units - allowable_units
        rate = rate_of.get(provider, config.default_unit_rate)
        day_codes = codes_of_day.get(key, set())
        day_rows.append(
            {
                PROVIDER_ID: provider,
                CLIENT_ID: client,
                SERVICE_DATE: day,
                DOCUMENTED_MINUTES: documented_minutes,
                COUNTABLE_MINUTES: countable_minutes,
                CLAIMED_UNITS: claimed_units,
                ALLOWABLE_UNITS: allowable_units,
                VARIANCE_UNITS: variance,
                STATUS: status_of(documented_minutes, claimed_units, allowable_units),
                REASONS: SEPARATOR.join(c for c in SPEC_REASON_ORDER if c in day_codes),
                UNIT_RATE: rate,
                CLAIMED_AMOUNT: cents(claimed_units, rate),
                ALLOWABLE_AMOUNT: cents(allowable_units, rate),
                DISALLOWED_AMOUNT: cents(max(variance, Decimal(0)), rate),
            }
        )

    staff_minutes: dict[tuple[str, str, dt.date], int] = {}
    for row, duplicate in zip(service_rows, duplicates, strict=True):
        if not duplicate:
            staff_day = (row[PROVIDER_ID], row[STAFF_ID], as_date(row[SERVICE_DATE]))
            staff_minutes[staff_day] = staff_minutes.get(staff_day, 0) + row[MINUTES]
    warning_rows: list[tuple[str, str, str | None, str | None, dt.date, int]] = []
    for (provider, staff, day), minutes in sorted(staff_minutes.items()):
        if minutes > config.staff_day_limit_minutes:
            warning_rows.append((STAFF_DAY_OVER_LIMIT, provider, None, staff, day, minutes))
    for (provider, client, day), count in sorted(claim_lines.items()):
        if count > 1:
            warning_rows.append((MULTIPLE_CLAIM_LINES, provider, client, None, day, count))

    without_rate: set[str] = set()
    for provider, _, _ in all_days:
        if rate_of.get(provider, config.default_unit_rate) is None:
            without_rate.add(provider)

    return Expected(
        lines=pd.DataFrame(
            {
                DUPLICATE: duplicates,
                ELIGIBLE: [not codes for codes in codes_of_line],
                LINE_REASONS: [SEPARATOR.join(codes) for codes in codes_of_line],
                REASONS: [SEPARATOR.join(codes) for codes in final_reasons],
            },
            index=services.index,
        ),
        days=pd.DataFrame(day_rows, columns=list(CLIENT_DAYS_COLUMNS), dtype=object),
        warnings=pd.DataFrame(
            warning_rows,
            columns=[WARNING_CODE, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, COUNT],
            dtype=object,
        ),
        providers_without_rate=tuple(sorted(without_rate)),
    )


def plain(value: Any) -> Any:
    """One cell as a plain Python value: NA → None, timestamps → dates, floats → exact Decimal."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return as_date(value)
    if isinstance(value, float | Decimal):
        return Decimal(value)
    if isinstance(value, bool | int):
        return value
    return str(value)


def plain_records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """The frame's rows as dicts of plain values, comparable whatever the dtypes."""
    records = []
    for row in frame[columns].astype(object).to_dict("records"):
        records.append({column: plain(row[column]) for column in columns})
    return records


WarningKey = tuple[Any, ...]
WARNING_KEY = [WARNING_CODE, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE]


@dataclass(frozen=True)
class Outcome:
    """One month's results as plain values, from either implementation.

    `warnings` maps each warning's key to its text: the pipeline's detail sentence, or the
    reference's number (which that sentence must state).
    """

    duplicate: list[bool]
    eligible: list[bool]
    line_reasons: list[str]
    reasons: list[str]
    days: list[dict[str, Any]]
    warnings: dict[WarningKey, str]
    providers_without_rate: tuple[str, ...]


def warning_texts(frame: pd.DataFrame, text: str) -> dict[WarningKey, str]:
    texts = {}
    for record in plain_records(frame, [*WARNING_KEY, text]):
        texts[tuple(record[c] for c in WARNING_KEY)] = str(record[text])
    return texts


def reference_outcome(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    month: str,
    config: Config,
) -> Outcome:
    expected = expected_month(services, claims, rates, month, config)
    return Outcome(
        duplicate=expected.lines[DUPLICATE].tolist(),
        eligible=expected.lines[ELIGIBLE].tolist(),
        line_reasons=expected.lines[LINE_REASONS].tolist(),
        reasons=expected.lines[REASONS].tolist(),
        days=plain_records(expected.days, list(CLIENT_DAYS_COLUMNS)),
        warnings=warning_texts(expected.warnings, COUNT),
        providers_without_rate=expected.providers_without_rate,
    )


def pipeline_outcome(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    month: str,
    config: Config,
) -> Outcome:
    """The vectorized rules, applied in the order pipeline.engines.pandas_engine applies them."""
    lines = service_lines(services, month, config)
    days = client_days(lines, claims, rates, config)
    return outcome_of_frames(
        lines, final_lines(lines, days, config), days, day_warnings(lines, claims, config)
    )


def outcome_of_frames(
    lines: pd.DataFrame, final: pd.DataFrame, days: pd.DataFrame, warnings: pd.DataFrame
) -> Outcome:
    """The pipeline's frames as plain values: §3 lines, final lines, client-days, warnings."""
    return Outcome(
        duplicate=[bool(x) for x in lines[DUPLICATE]],
        eligible=[bool(x) for x in final[ELIGIBLE]],
        line_reasons=[str(x) for x in lines[REASONS]],
        reasons=[str(x) for x in final[REASONS]],
        days=plain_records(days, list(CLIENT_DAYS_COLUMNS)),
        warnings=warning_texts(warnings, DETAIL),
        providers_without_rate=providers_without_rate(days),
    )


def states(detail: str, number: str) -> bool:
    """True when the sentence states this number as a whole word."""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", detail) is not None


def assert_same(got: Outcome, expected: Outcome) -> None:
    """Field by field, so a failure names what differs."""
    assert got.duplicate == expected.duplicate
    assert got.line_reasons == expected.line_reasons
    assert got.eligible == expected.eligible
    assert got.reasons == expected.reasons
    assert got.days == expected.days
    assert sorted(got.warnings, key=str) == sorted(expected.warnings, key=str)
    for key, number in expected.warnings.items():
        assert states(got.warnings[key], number), (key, got.warnings[key], number)
    assert got.providers_without_rate == expected.providers_without_rate
