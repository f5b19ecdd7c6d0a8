"""One client-day explained: its lines, their reasons, and how the units and money were reached."""

import pandas as pd

from pipeline.config import NEAREST, NEAREST_PARTIAL_MINUTES
from pipeline.errors import UsageError
from pipeline.result import RunResult
from pipeline.rules.table import AUTHORIZATION_CAP, BY_CODE
from schemas.columns import (
    ACTIVITY,
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CLAIM_ID,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_ID,
    COUNTABLE_MINUTES,
    DETAIL,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTED_MINUTES,
    END_TIME,
    INCREMENTS_PER_UNIT,
    MINUTES,
    MINUTES_PER_INCREMENT,
    PAYABLE_AMOUNT,
    PAYABLE_UNITS,
    PROVIDER_ID,
    REASON_SEPARATOR,
    REASONS,
    REVIEW,
    SERVICE_DATE,
    SERVICE_ID,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    START_TIME,
    STATUS,
    UNCLAIMED_AMOUNT,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
    WARNING_CODE,
)

LINE_COLUMNS = [
    SOURCE_FILE, SOURCE_ROW, SERVICE_ID, STAFF_ID, ACTIVITY, MINUTES, START_TIME, END_TIME,
    REASONS, REVIEW,
]
CLAIM_COLUMNS = [
    SOURCE_FILE, SOURCE_ROW, CLAIM_ID, UNITS_CLAIMED, PAYABLE_UNITS, DISALLOWED_UNITS,
    CLAIMED_AMOUNT, PAYABLE_AMOUNT, DISALLOWED_AMOUNT,
]


def day_date(text: str) -> pd.Timestamp:
    """The --date option as a date, or a UsageError."""
    try:
        return pd.Timestamp(pd.to_datetime(text.strip(), format="%Y-%m-%d"))
    except ValueError:
        raise UsageError(f"--date must be a date as YYYY-MM-DD, not {text!r}") from None


def _selected(frame: pd.DataFrame, provider: str, client: str, date: pd.Timestamp) -> pd.DataFrame:
    mask = (
        (frame[PROVIDER_ID] == provider)
        & (frame[CLIENT_ID] == client)
        & (frame[SERVICE_DATE] == date)
    )
    return frame.loc[mask]


def units_arithmetic(countable: int, min_minutes: int, rounding: str) -> str:
    """How the countable minutes became allowable units, in words."""
    if countable < min_minutes:
        return f"{countable} countable minutes is below the {min_minutes}-minute minimum: 0 units"
    increments = countable // MINUTES_PER_INCREMENT
    partial = countable % MINUTES_PER_INCREMENT
    text = f"{countable} countable minutes = {increments} whole {MINUTES_PER_INCREMENT}-minute"
    text += f" increments (+{partial} min)"
    if rounding == NEAREST and partial >= NEAREST_PARTIAL_MINUTES:
        increments += 1
        text += f"; rounding 'nearest' counts the last {partial} min as whole"
    units = increments / INCREMENTS_PER_UNIT
    return text + f": {increments} ÷ {INCREMENTS_PER_UNIT} = {units:.2f} units"


def day_review(result: RunResult, provider: str, client: str, date: pd.Timestamp) -> pd.DataFrame:
    """The day's warnings and flags: its own, and a staff member's day over the limit where
    that staff member documented a line of this client-day."""
    review = result.review
    staff = _selected(result.lines, provider, client, date)[STAFF_ID]
    same_day = (review[PROVIDER_ID] == provider) & (review[SERVICE_DATE] == date)
    mine = (review[CLIENT_ID] == client).fillna(False).astype(bool)
    their_staff = review[CLIENT_ID].isna() & review[STAFF_ID].isin(staff)
    return review.loc[same_day & (mine | their_staff)]


def money_lines(day: pd.Series) -> list[str]:
    """The day's dollars, cross-footed: claimed = payable + disallowed, and its causes."""
    if pd.isna(day[UNIT_RATE]):
        return ["Money: no unit rate for this provider (none in the rates file or the config)"]
    return [
        f"Money at ${day[UNIT_RATE]:,.2f} a unit: claimed ${day[CLAIMED_AMOUNT]:,.2f} = payable "
        f"${day[PAYABLE_AMOUNT]:,.2f} + disallowed ${day[DISALLOWED_AMOUNT]:,.2f}",
        f"  disallowed for documentation ${day[DISALLOWED_AMOUNT_DOCUMENTATION]:,.2f} "
        f"({day[DISALLOWED_UNITS_DOCUMENTATION]:.2f} units claimed beyond what the notes "
        f"document), for the rules ${day[DISALLOWED_AMOUNT_RULES]:,.2f} "
        f"({day[DISALLOWED_UNITS_RULES]:.2f} units documented but not billable)",
        f"  allowable ${day[ALLOWABLE_AMOUNT]:,.2f}; unclaimed ${day[UNCLAIMED_AMOUNT]:,.2f}",
    ]


def explanation(result: RunResult, provider: str, client: str, date: pd.Timestamp) -> str:
    """A plain-text account of one client-day, for an auditor at a terminal."""
    days = _selected(result.days, provider, client, date)
    if days.empty:
        raise UsageError(
            f"no client-day for provider {provider}, client {client} on {date:%Y-%m-%d} "
            f"in {result.month}"
        )
    day = days.iloc[0]
    lines = _selected(result.lines, provider, client, date)[LINE_COLUMNS]
    claims = _selected(result.claims, provider, client, date)[CLAIM_COLUMNS]
    review = day_review(result, provider, client, date)
    config = result.config
    uncapped = units_arithmetic(int(day[COUNTABLE_MINUTES]), config.min_minutes, config.rounding)
    out = [
        f"Provider {provider}, client {client}, {date:%Y-%m-%d} (month {result.month})",
        "",
        "Service lines:",
        lines.to_string(index=False) if len(lines) else "  (none)",
        "",
        "Claims rows (payable units fill them in reading order):",
        claims.to_string(index=False) if len(claims) else "  (none)",
        "",
        f"Documented minutes: {day[DOCUMENTED_MINUTES]}",
        "Documentation alone: "
        + units_arithmetic(int(day[DOCUMENTED_MINUTES]), config.min_minutes, config.rounding),
        f"Countable minutes (eligible lines): {day[COUNTABLE_MINUTES]}",
        "Allowable: " + uncapped,
    ]
    codes = [c for c in str(day[REASONS]).split(REASON_SEPARATOR) if c]
    if AUTHORIZATION_CAP in codes:
        out.append(
            f"  the authorization's monthly cap leaves {day[ALLOWABLE_UNITS]:.2f} units this day"
        )
    out += [
        f"Claimed: {day[CLAIMED_UNITS]:.2f} units; allowable {day[ALLOWABLE_UNITS]:.2f}; "
        f"variance {day[VARIANCE_UNITS]:+.2f}",
        f"Status: {day[STATUS]}",
        *money_lines(day),
    ]
    if codes:
        out += ["", "Reasons:"]
        out += [f"  {c} ({BY_CODE[c].cites or 'SPEC'}): {BY_CODE[c].description}" for c in codes]
    if len(review):
        out += ["", "For review (units unchanged unless the config disallows a flag):"]
        out += [f"  {r[WARNING_CODE]}: {r[DETAIL]}" for _, r in review.iterrows()]
    return "\n".join(out)
