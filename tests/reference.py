"""A slow, obvious reference of SPEC §3, §4 (v2 §4.1–§4.3), §8 and §9, row by row in plain
Python with Decimal money.

Written from the SPEC's text, not from pipeline/ (which it only calls to put both answers in the
same plain form); the only code in the project that loops over rows.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from conftest import loaded_frames

from pipeline.config import NEAREST, Config
from pipeline.engines.pandas_engine import reconciled
from pipeline.result import RunResult
from schemas.columns import (
    ACTIVITY,
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CASE_STAFFING,
    CLAIM_ID,
    CLAIM_ROWS_COLUMNS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COUNTABLE_MINUTES,
    DETAIL,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    END_DATE,
    END_MINUTE,
    EXTERNAL_PARTICIPANTS,
    MAILING,
    MATCH,
    MAX_UNITS_PER_MONTH,
    MINUTES,
    NO_DOCUMENTATION,
    NOT_CLAIMED,
    NOTE,
    NOTHING_BILLABLE,
    OVER_CLAIMED,
    PAYABLE_AMOUNT,
    PAYABLE_UNITS,
    PROVIDER_ID,
    REASONS,
    RESEARCH,
    REVIEW,
    SCHEDULING,
    SERVICE_DATE,
    SERVICE_ID,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    START_DATE,
    START_MINUTE,
    STATUS,
    UNCLAIMED_AMOUNT,
    UNDER_CLAIMED,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
    WARNING_CODE,
)

# The codes transcribed once from the SPEC's tables, independently of pipeline/rules/table.py;
# test_rules checks the two agree. §3 in order with §9's NOT_AUTHORIZED after OUTSIDE_PERIOD
# and §8.4's RESEARCH_FOLLOWUP_PENDING in RESEARCH_NO_FOLLOWUP's place.
DUPLICATE_SERVICE = "DUPLICATE_SERVICE"
OUTSIDE_PERIOD = "OUTSIDE_PERIOD"
NOT_AUTHORIZED = "NOT_AUTHORIZED"
UNDOCUMENTED = "UNDOCUMENTED"
VOICEMAIL = "VOICEMAIL"
NOT_SIGNIFICANT = "NOT_SIGNIFICANT"
NOT_CLIENT_SPECIFIC = "NOT_CLIENT_SPECIFIC"
INTERNAL_STAFFING = "INTERNAL_STAFFING"
RESEARCH_NO_FOLLOWUP = "RESEARCH_NO_FOLLOWUP"
RESEARCH_FOLLOWUP_PENDING = "RESEARCH_FOLLOWUP_PENDING"
# §8.1 and §8.3, in the order of their tables.
NOTE_SUGGESTS_VOICEMAIL = "NOTE_SUGGESTS_VOICEMAIL"
NOTE_SUGGESTS_SCHEDULING = "NOTE_SUGGESTS_SCHEDULING"
NOTE_SUGGESTS_GROUP = "NOTE_SUGGESTS_GROUP"
STAFF_TIME_OVERLAP = "STAFF_TIME_OVERLAP"
MINUTES_EXCEED_INTERVAL = "MINUTES_EXCEED_INTERVAL"
# Day codes (§4, §4.1, §9), in the order §4.1 gives.
BELOW_MINIMUM = "BELOW_MINIMUM"
AUTHORIZATION_CAP = "AUTHORIZATION_CAP"
NO_DOCUMENTATION_CODE = "NO_DOCUMENTATION"
CLAIM_EXCEEDS_DOCUMENTATION = "CLAIM_EXCEEDS_DOCUMENTATION"
# Warnings (§4, §8.2).
STAFF_DAY_OVER_LIMIT = "STAFF_DAY_OVER_LIMIT"
MULTIPLE_CLAIM_LINES = "MULTIPLE_CLAIM_LINES"
CROSS_PROVIDER_SAME_DAY = "CROSS_PROVIDER_SAME_DAY"
SPEC_LINE_CODES = (
    DUPLICATE_SERVICE,
    OUTSIDE_PERIOD,
    NOT_AUTHORIZED,
    UNDOCUMENTED,
    VOICEMAIL,
    NOT_SIGNIFICANT,
    NOT_CLIENT_SPECIFIC,
    INTERNAL_STAFFING,
    RESEARCH_NO_FOLLOWUP,
    RESEARCH_FOLLOWUP_PENDING,
)
SPEC_FLAGS = (
    NOTE_SUGGESTS_VOICEMAIL,
    NOTE_SUGGESTS_SCHEDULING,
    NOTE_SUGGESTS_GROUP,
    STAFF_TIME_OVERLAP,
    MINUTES_EXCEED_INTERVAL,
)
SPEC_DAY_CODES = (
    BELOW_MINIMUM,
    AUTHORIZATION_CAP,
    NO_DOCUMENTATION_CODE,
    CLAIM_EXCEEDS_DOCUMENTATION,
)
SPEC_WARNINGS = (STAFF_DAY_OVER_LIMIT, MULTIPLE_CLAIM_LINES, CROSS_PROVIDER_SAME_DAY)
# Reasons: line codes, then flags the config disallows (they act as line codes after the §3
# codes), then the day codes.
SPEC_REASON_ORDER = (*SPEC_LINE_CODES, *SPEC_FLAGS, *SPEC_DAY_CODES)
SEPARATOR = ";"
CENT = Decimal("0.01")

Key = tuple[str, str, dt.date]
ReviewKey = tuple[Any, ...]
REVIEW_KEY = [WARNING_CODE, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, SOURCE_FILE, SOURCE_ROW]


def as_date(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def in_month(day: dt.date, month: str) -> bool:
    year, number = month.split("-")
    return day.year == int(year) and day.month == int(number)


def month_last_day(month: str) -> dt.date:
    return pd.Period(month, freq="M").end_time.date()


def is_blank(note: Any) -> bool:
    return bool(pd.isna(note)) or str(note).strip() == ""


def day_key(row: dict[Hashable, Any]) -> Key:
    return (row[PROVIDER_ID], row[CLIENT_ID], as_date(row[SERVICE_DATE]))


def clock(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def normalized(text: str) -> str:
    """§8.1: case and accents ignored, runs of spaces as one."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn"
    )
    return " ".join(plain.lower().split())


def phrase_found(note: str, phrases: Sequence[str]) -> str | None:
    """The configured phrase the note contains as whole words; the one that starts first
    (the longer one where two start together)."""
    text = normalized(note)
    best: tuple[tuple[int, int], str] | None = None
    for phrase in phrases:
        words = normalized(phrase)
        if not words:
            continue
        start = text.find(words)
        while start >= 0:
            end = start + len(words)
            before = start == 0 or not text[start - 1].isalnum()
            after = end == len(text) or not text[end].isalnum()
            if before and after:
                place = (start, -len(words))
                if best is None or place < best[0]:
                    best = (place, phrase)
                break
            start = text.find(words, start + 1)
    return None if best is None else best[1]


def units_of(minutes: int, config: Config) -> Decimal:
    """§4: nothing below the minimum, else whole 15-minute increments as quarter units."""
    if minutes < config.min_minutes:
        return Decimal(0)
    increments = minutes // 15
    if config.rounding == NEAREST and minutes % 15 >= 8:
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


def money(units: Decimal, rate: Decimal | None) -> Decimal | None:
    """u × rate rounded to cents, half up, exactly."""
    if rate is None:
        return None
    return (units * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


@dataclass(frozen=True)
class Flag:
    """A review flag on a line, and the evidence its detail must state."""

    code: str
    line: int
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """One month's results as plain values, from either implementation.

    `review` maps each warning's or flag's key to its text: the pipeline's detail sentence, or
    the reference's evidence (each piece of which that sentence must state), joined by "|".
    """

    duplicate: list[bool]
    eligible: list[bool]
    line_reasons: list[str]
    reasons: list[str]
    line_review: list[str]
    days: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    review: dict[ReviewKey, str]
    providers_without_rate: tuple[str, ...]


def note_flags(row: dict[Hashable, Any], config: Config) -> list[tuple[str, str]]:
    """§8.1: (flag, phrase) for each flag whose line this is and whose phrase the note has."""
    activity = row[ACTIVITY]
    applies = {
        NOTE_SUGGESTS_VOICEMAIL: activity not in (VOICEMAIL_LEFT, VOICEMAIL_LISTENED),
        NOTE_SUGGESTS_SCHEDULING: activity != SCHEDULING,
        NOTE_SUGGESTS_GROUP: bool(row[CLIENT_SPECIFIC]),
    }
    found = []
    for flag, applicable in applies.items():
        phrase = phrase_found(str(row[NOTE]), config.review.phrases.get(flag, ()))
        if applicable and phrase is not None:
            found.append((flag, phrase))
    return found


def time_flags(rows: list[dict[Hashable, Any]], counted: list[bool]) -> list[Flag]:
    """§8.3 over the lines with both clock times; the overlap partner as pipeline/rules/review.py
    documents it: the earlier-starting line that ends latest (first in order on a tie), else
    the next line to start."""
    flags = []
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for i, row in enumerate(rows):
        start, end = clock(row[START_MINUTE]), clock(row[END_MINUTE])
        if counted[i] and start is not None and end is not None:
            starts[i], ends[i] = start, end
    for i in starts:
        span = ends[i] - starts[i]
        if rows[i][MINUTES] > span:
            flags.append(Flag(MINUTES_EXCEED_INTERVAL, i, (str(rows[i][MINUTES]), str(span))))
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in starts:
        staff_day = (rows[i][PROVIDER_ID], rows[i][STAFF_ID], as_date(rows[i][SERVICE_DATE]))
        groups.setdefault(staff_day, []).append(i)
    for members in groups.values():
        ordered = sorted(members, key=lambda i: (starts[i], i))
        for place, i in enumerate(ordered):
            partner = None
            earlier = ordered[:place]
            if earlier:
                latest = max(ends[j] for j in earlier)
                if latest > starts[i]:
                    partner = next(j for j in earlier if ends[j] == latest)
            if partner is None and place + 1 < len(ordered):
                following = ordered[place + 1]
                if starts[following] < ends[i]:
                    partner = following
            if partner is None:
                continue
            shared = min(ends[i], ends[partner]) - max(starts[i], starts[partner])
            where = f"row {rows[partner][SOURCE_ROW]} of {rows[partner][SOURCE_FILE]}"
            minutes = "minute" if shared == 1 else "minutes"
            flags.append(Flag(STAFF_TIME_OVERLAP, i, (where, f"by {shared} {minutes}")))
    return flags


def covering(
    authorizations: list[dict[Hashable, Any]], provider: str, client: str, day: dt.date
) -> int | None:
    """§9: the authorization of this provider and client whose period holds the date."""
    for i, auth in enumerate(authorizations):
        end = None if pd.isna(auth[END_DATE]) else as_date(auth[END_DATE])
        if (
            auth[PROVIDER_ID] == provider
            and auth[CLIENT_ID] == client
            and as_date(auth[START_DATE]) <= day
            and (end is None or day <= end)
        ):
            return i
    return None


def reference_outcome(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    month: str,
    config: Config,
    authorizations: pd.DataFrame | None = None,
) -> Outcome:
    """The SPEC applied to accepted frames, one row at a time. `authorizations` None: §9 does
    not apply (no authorizations file)."""
    rows = services.to_dict("records")
    claim_records = claims.to_dict("records")
    auths = [] if authorizations is None else authorizations.to_dict("records")

    # §3 DUPLICATE_SERVICE: the rows are in reading order (file, then row).
    seen: set[tuple[str, str]] = set()
    duplicates = []
    for row in rows:
        service = (row[PROVIDER_ID], row[SERVICE_ID])
        duplicates.append(service in seen)
        seen.add(service)
    counted = [not d for d in duplicates]

    letters = []
    for row, duplicate in zip(rows, duplicates, strict=True):
        if (
            row[ACTIVITY] == MAILING
            and not duplicate
            and row[CLIENT_SPECIFIC]
            and not is_blank(row[NOTE])
        ):
            letters.append((row[PROVIDER_ID], row[CLIENT_ID], as_date(row[SERVICE_DATE])))

    # §8.4: the last date the inputs cover for each provider.
    reach: dict[str, dt.date] = {}
    for row in rows:
        provider = row[PROVIDER_ID]
        reach[provider] = max(
            reach.get(provider, month_last_day(month)), as_date(row[SERVICE_DATE])
        )

    # §8.1 and §8.3: review flags of the accepted non-duplicate lines.
    flags: list[Flag] = []
    for i, row in enumerate(rows):
        if counted[i]:
            flags += [Flag(f, i, (p,)) for f, p in note_flags(row, config)]
    flags += time_flags(rows, counted)
    flags_of_line: list[set[str]] = [set() for _ in rows]
    for flag in flags:
        flags_of_line[flag.line].add(flag.code)

    line_codes: list[list[str]] = []
    for i, row in enumerate(rows):
        day = as_date(row[SERVICE_DATE])
        activity = row[ACTIVITY]
        found = []
        if duplicates[i]:
            found.append(DUPLICATE_SERVICE)
        if not in_month(day, month):
            found.append(OUTSIDE_PERIOD)
        if (
            authorizations is not None
            and covering(auths, row[PROVIDER_ID], row[CLIENT_ID], day) is None
        ):
            found.append(NOT_AUTHORIZED)
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
            followed_up = any(
                provider == row[PROVIDER_ID]
                and client == row[CLIENT_ID]
                and 0 <= (letter_day - day).days <= config.research_followup_days
                for provider, client, letter_day in letters
            )
            if not followed_up:
                window_end = day + dt.timedelta(days=config.research_followup_days)
                pending = window_end > reach[row[PROVIDER_ID]]
                found.append(RESEARCH_FOLLOWUP_PENDING if pending else RESEARCH_NO_FOLLOWUP)
        found += [f for f in SPEC_FLAGS if f in flags_of_line[i] and f in config.review.disallow]
        line_codes.append(found)

    # §4: the client-days with a non-duplicate line or a claim.
    documented: dict[Key, int] = {}
    countable: dict[Key, int] = {}
    claimed: dict[Key, Decimal] = {}
    claim_lines: dict[Key, int] = {}
    for i, row in enumerate(rows):
        if duplicates[i]:
            continue
        key = day_key(row)
        documented[key] = documented.get(key, 0) + row[MINUTES]
        countable.setdefault(key, 0)
        if not line_codes[i]:
            countable[key] += row[MINUTES]
    for claim in claim_records:
        key = day_key(claim)
        claimed[key] = claimed.get(key, Decimal(0)) + Decimal(claim[UNITS_CLAIMED])
        claim_lines[key] = claim_lines.get(key, 0) + 1
    all_days = sorted(set(documented) | set(claimed))

    # §9 AUTHORIZATION_CAP: within one authorization and the month, days in date order.
    allowed = {key: units_of(countable.get(key, 0), config) for key in all_days}
    capped: set[Key] = set()
    if authorizations is not None:
        used: dict[int, Decimal] = {}
        for key in all_days:  # sorted, so by date within a provider and client
            provider, client, day = key
            which = covering(auths, provider, client, day)
            if (
                which is None
                or not in_month(day, month)
                or pd.isna(auths[which][MAX_UNITS_PER_MONTH])
            ):
                continue
            cap = Decimal(auths[which][MAX_UNITS_PER_MONTH])
            before = used.get(which, Decimal(0))
            kept = min(max(cap - before, Decimal(0)), allowed[key])
            used[which] = before + allowed[key]
            if kept < allowed[key]:
                capped.add(key)
            allowed[key] = kept

    short_days = {key for key in all_days if countable.get(key, 0) < config.min_minutes}
    final_codes = []
    for i, row in enumerate(rows):
        if not line_codes[i] and day_key(row) in short_days:
            final_codes.append([BELOW_MINIMUM])
        else:
            final_codes.append(line_codes[i])
    codes_of_day: dict[Key, set[str]] = {}
    flags_of_day: dict[Key, set[str]] = {}
    for i, row in enumerate(rows):
        codes_of_day.setdefault(day_key(row), set()).update(final_codes[i])
        flags_of_day.setdefault(day_key(row), set()).update(flags_of_line[i])

    rate_of = {row[PROVIDER_ID]: Decimal(row[UNIT_RATE]) for row in rates.to_dict("records")}

    day_rows = []
    day_values: dict[Key, tuple[Decimal, Decimal, str, Decimal | None]] = {}
    for key in all_days:
        provider, client, day = key
        documented_minutes = documented.get(key, 0)
        c = claimed.get(key, Decimal(0))
        a = allowed[key]
        d = units_of(documented_minutes, config)
        rate = rate_of.get(provider, config.default_unit_rate)
        codes = set(codes_of_day.get(key, set()))
        if 0 < countable.get(key, 0) < config.min_minutes:
            codes.add(BELOW_MINIMUM)
        if key in capped:
            codes.add(AUTHORIZATION_CAP)
        if c > 0 and documented_minutes == 0:
            codes.add(NO_DOCUMENTATION_CODE)
        if documented_minutes > 0 and c > d:
            codes.add(CLAIM_EXCEEDS_DOCUMENTATION)
        claimed_amount = money(c, rate)
        payable = money(min(c, a), rate)
        allowable_amount = money(a, rate)
        status = status_of(documented_minutes, c, a)
        day_values[key] = (c, a, status, rate)
        day_rows.append(
            {
                PROVIDER_ID: provider,
                CLIENT_ID: client,
                SERVICE_DATE: day,
                DOCUMENTED_MINUTES: documented_minutes,
                COUNTABLE_MINUTES: countable.get(key, 0),
                CLAIMED_UNITS: c,
                ALLOWABLE_UNITS: a,
                VARIANCE_UNITS: c - a,
                STATUS: status,
                REASONS: SEPARATOR.join(x for x in SPEC_REASON_ORDER if x in codes),
                UNIT_RATE: rate,
                CLAIMED_AMOUNT: claimed_amount,
                ALLOWABLE_AMOUNT: allowable_amount,
                DISALLOWED_AMOUNT: minus(claimed_amount, payable),
                DOCUMENTATION_UNITS: d,
                PAYABLE_AMOUNT: payable,
                DISALLOWED_UNITS_DOCUMENTATION: max(c - d, Decimal(0)),
                DISALLOWED_UNITS_RULES: max(min(c, d) - a, Decimal(0)),
                DISALLOWED_AMOUNT_DOCUMENTATION: minus(claimed_amount, money(min(c, d), rate)),
                DISALLOWED_AMOUNT_RULES: minus(money(min(c, d), rate), payable),
                UNCLAIMED_AMOUNT: minus(allowable_amount, payable),
                REVIEW: SEPARATOR.join(f for f in SPEC_FLAGS if f in flags_of_day.get(key, set())),
            }
        )

    # §4.3: each claims row's share, payable units filling the rows in reading order.
    through: dict[Key, Decimal] = {}
    claim_out = []
    for claim in claim_records:
        key = day_key(claim)
        c, a, status, rate = day_values[key]
        units = Decimal(claim[UNITS_CLAIMED])
        before = through.get(key, Decimal(0))
        after = before + units
        through[key] = after
        paid_before, paid_after = min(before, min(c, a)), min(after, min(c, a))
        claimed_share = minus(money(after, rate), money(before, rate))
        payable_share = minus(money(paid_after, rate), money(paid_before, rate))
        claim_out.append(
            {
                CLAIM_ID: None if pd.isna(claim[CLAIM_ID]) else claim[CLAIM_ID],
                SOURCE_FILE: claim[SOURCE_FILE],
                SOURCE_ROW: claim[SOURCE_ROW],
                PROVIDER_ID: key[0],
                CLIENT_ID: key[1],
                SERVICE_DATE: key[2],
                UNITS_CLAIMED: units,
                STATUS: status,
                PAYABLE_UNITS: paid_after - paid_before,
                DISALLOWED_UNITS: units - (paid_after - paid_before),
                CLAIMED_AMOUNT: claimed_share,
                PAYABLE_AMOUNT: payable_share,
                DISALLOWED_AMOUNT: minus(claimed_share, payable_share),
            }
        )

    review: dict[ReviewKey, str] = {}
    for flag in flags:
        row = rows[flag.line]
        review_key = (
            flag.code,
            row[PROVIDER_ID],
            row[CLIENT_ID],
            row[STAFF_ID],
            as_date(row[SERVICE_DATE]),
            row[SOURCE_FILE],
            row[SOURCE_ROW],
        )
        review[review_key] = "|".join(flag.evidence)
    staff_minutes: dict[tuple[str, str, dt.date], int] = {}
    for i, row in enumerate(rows):
        if counted[i]:
            staff_day = (row[PROVIDER_ID], row[STAFF_ID], as_date(row[SERVICE_DATE]))
            staff_minutes[staff_day] = staff_minutes.get(staff_day, 0) + row[MINUTES]
    for (provider, staff, day), minutes in staff_minutes.items():
        if minutes > config.staff_day_limit_minutes:
            review[(STAFF_DAY_OVER_LIMIT, provider, None, staff, day, None, None)] = str(minutes)
    for (provider, client, day), count in claim_lines.items():
        if count > 1:
            review[(MULTIPLE_CLAIM_LINES, provider, client, None, day, None, None)] = str(count)
    for provider, client, day in all_days:
        if claimed.get((provider, client, day), Decimal(0)) <= 0:
            continue
        others = sorted(
            p
            for p, c2, d2 in all_days
            if c2 == client and d2 == day and p != provider and claimed.get((p, c2, d2), 0) > 0
        )
        if others:
            review[(CROSS_PROVIDER_SAME_DAY, provider, client, None, day, None, None)] = ", ".join(
                others
            )

    without_rate = sorted(
        {p for p, _, _ in all_days if rate_of.get(p, config.default_unit_rate) is None}
    )
    return Outcome(
        duplicate=duplicates,
        eligible=[not codes for codes in line_codes],
        line_reasons=[SEPARATOR.join(codes) for codes in line_codes],
        reasons=[SEPARATOR.join(codes) for codes in final_codes],
        line_review=[SEPARATOR.join(f for f in SPEC_FLAGS if f in s) for s in flags_of_line],
        days=plain_records(
            pd.DataFrame(day_rows, columns=list(CLIENT_DAYS_COLUMNS), dtype=object),
            list(CLIENT_DAYS_COLUMNS),
        ),
        claims=plain_records(
            pd.DataFrame(claim_out, columns=list(CLAIM_ROWS_COLUMNS), dtype=object),
            list(CLAIM_ROWS_COLUMNS),
        ),
        review=review,
        providers_without_rate=tuple(without_rate),
    )


def plain(value: Any) -> Any:
    """One cell as a plain Python value: NA → None, timestamps → dates, floats → exact Decimal."""
    if (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    ):
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


def review_texts(frame: pd.DataFrame) -> dict[ReviewKey, str]:
    texts = {}
    for record in plain_records(frame, [*REVIEW_KEY, DETAIL]):
        texts[tuple(record[c] for c in REVIEW_KEY)] = str(record[DETAIL])
    return texts


def outcome_of_result(result: RunResult, before: pd.DataFrame) -> Outcome:
    """The pipeline's result as plain values; `before` holds the lines' reasons before the
    client-day step added BELOW_MINIMUM."""
    lines = result.lines
    return Outcome(
        duplicate=[bool(x) for x in lines[DUPLICATE]],
        eligible=[bool(x) for x in lines[ELIGIBLE]],
        line_reasons=[str(x) for x in before[REASONS]],
        reasons=[str(x) for x in lines[REASONS]],
        line_review=[str(x) for x in lines[REVIEW]],
        days=plain_records(result.days, list(CLIENT_DAYS_COLUMNS)),
        claims=plain_records(result.claims, list(CLAIM_ROWS_COLUMNS)),
        review=review_texts(result.review),
        providers_without_rate=result.providers_without_rate,
    )


def pipeline_result(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    month: str,
    config: Config,
    authorizations: pd.DataFrame | None = None,
) -> RunResult:
    """The vectorized rules, as pipeline.engines.pandas_engine applies them."""
    loaded = loaded_frames(services, claims, rates, authorizations)
    return reconciled(loaded, month, config, dt.datetime(2026, 11, 5, 9, 30))


def pipeline_outcome(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    month: str,
    config: Config,
    authorizations: pd.DataFrame | None = None,
) -> Outcome:
    result = pipeline_result(services, claims, rates, month, config, authorizations)
    without_below = result.lines[REASONS].str.replace(
        rf"(^|{SEPARATOR}){BELOW_MINIMUM}$", "", regex=True
    )
    return outcome_of_result(result, pd.DataFrame({REASONS: without_below}))


def states(detail: str, evidence: str) -> bool:
    """True when the sentence states each piece of evidence (numbers as whole numbers)."""
    for piece in evidence.split("|"):
        if re.fullmatch(r"\d+", piece):
            if re.search(rf"(?<![\d.]){re.escape(piece)}(?![\d.])", detail) is None:
                return False
        elif piece not in detail:
            return False
    return True


def assert_same(got: Outcome, expected: Outcome) -> None:
    """Field by field, so a failure names what differs."""
    assert got.duplicate == expected.duplicate
    assert got.line_reasons == expected.line_reasons
    assert got.eligible == expected.eligible
    assert got.reasons == expected.reasons
    assert got.line_review == expected.line_review
    assert got.days == expected.days
    assert got.claims == expected.claims
    assert sorted(got.review, key=str) == sorted(expected.review, key=str)
    for key, evidence in expected.review.items():
        assert states(got.review[key], evidence), (key, got.review[key], evidence)
    assert got.providers_without_rate == expected.providers_without_rate
