"""One client-day explained: its lines, their reasons, and how the units and money were reached."""

import pandas as pd

from pipeline.config import NEAREST, NEAREST_PARTIAL_MINUTES
from pipeline.errors import UsageError
from pipeline.result import RunResult
from pipeline.rules.table import BY_CODE
from schemas.columns import (
    ACTIVITY,
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_ID,
    COUNTABLE_MINUTES,
    DISALLOWED_AMOUNT,
    DOCUMENTED_MINUTES,
    INCREMENTS_PER_UNIT,
    MINUTES,
    MINUTES_PER_INCREMENT,
    PROVIDER_ID,
    REASON_SEPARATOR,
    REASONS,
    SERVICE_DATE,
    SERVICE_ID,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    STATUS,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
)

LINE_COLUMNS = [SOURCE_FILE, SOURCE_ROW, SERVICE_ID, STAFF_ID, ACTIVITY, MINUTES, REASONS]
CLAIM_COLUMNS = [SOURCE_FILE, SOURCE_ROW, UNITS_CLAIMED]


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
    claims = _selected(result.loaded.claims, provider, client, date)[CLAIM_COLUMNS]
    codes = [c for c in str(day[REASONS]).split(REASON_SEPARATOR) if c]
    rate = day[UNIT_RATE]
    out = [
        f"Provider {provider}, client {client}, {date:%Y-%m-%d} (month {result.month})",
        "",
        "Service lines:",
        lines.to_string(index=False) if len(lines) else "  (none)",
        "",
        "Claims rows:",
        claims.to_string(index=False) if len(claims) else "  (none)",
        "",
        f"Documented minutes: {day[DOCUMENTED_MINUTES]}",
        f"Countable minutes (eligible lines): {day[COUNTABLE_MINUTES]}",
        "Allowable: "
        + units_arithmetic(
            int(day[COUNTABLE_MINUTES]), result.config.min_minutes, result.config.rounding
        ),
        f"Claimed: {day[CLAIMED_UNITS]:.2f} units; allowable {day[ALLOWABLE_UNITS]:.2f}; "
        f"variance {day[VARIANCE_UNITS]:+.2f}",
        f"Status: {day[STATUS]}",
        "Money: "
        + (
            "no unit rate for this provider (none in the rates file or the config)"
            if pd.isna(rate)
            else f"rate ${rate:,.2f}/unit; claimed ${day[CLAIMED_AMOUNT]:,.2f}, allowable "
            f"${day[ALLOWABLE_AMOUNT]:,.2f}, disallowed ${day[DISALLOWED_AMOUNT]:,.2f}"
        ),
    ]
    if codes:
        out += ["", "Reasons:"]
        out += [f"  {c} ({BY_CODE[c].cites or 'SPEC'}): {BY_CODE[c].description}" for c in codes]
    return "\n".join(out)
