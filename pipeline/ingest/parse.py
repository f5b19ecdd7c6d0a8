"""Text cells to typed values with explicit formats; a cell that does not read becomes NA.

Each parser reads the distinct values of a column once, so a million rows cost a few thousand.
"""

from collections.abc import Callable, Mapping

import pandas as pd

from pipeline import money
from pipeline.money import RATE_DECIMALS
from schemas.columns import FALSE_WORDS, TRUE_WORDS
from schemas.names import code_name

_ISO_FORMAT = "%Y-%m-%d"
# Digits are spelled [0-9] throughout: a regex's \d also takes other scripts' digits (١٢, ３０),
# which no conversion after it reads, so such a value would stop the run instead of its row.
# ISO, with a time of day as some systems (and Excel datetime cells) append; the date counts.
_ISO_DATE = (
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)
_US_DATE = r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$"
_SERIAL = r"^[0-9]+(?:\.[0-9]+)?$"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0, past its phantom 1900-02-29
LAST_SERIAL = 2_958_465  # 9999-12-31
_WHOLE = r"^[+-]?[0-9]{1,9}(?:\.0*)?$"
_HOURS_MINUTES = r"^([0-9]{1,3}):([0-5][0-9])(?::00)?$"
_TIME = (
    r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ t])?([0-9]{1,2}):([0-5][0-9])"
    r"(?::[0-5][0-9](?:\.[0-9]+)?)?(?:\s*([ap])\.?m\.?)?$"
)
_PM = "p"
_HALF_DAY_HOURS = 12
_DAY_HOURS = 24
_MINUTES_PER_HOUR = 60
_DECIMAL = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
_FRACTION = r"\.([0-9]*?)0*$"  # a decimal's fraction digits without its trailing zeros
_QUARTER_FRACTIONS = ("", "25", "5", "75")
_MAX_RATE_DIGITS = 9  # a rate in micros must stay exact in float64 on its way to decimal128
_RATE = rf"^([0-9]{{0,{_MAX_RATE_DIGITS}}})(?:\.([0-9]{{0,{RATE_DECIMALS}}})0*)?$"


def per_distinct(raw: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`parse` applied to each distinct value once, spread back over the rows."""
    codes, distinct = pd.factorize(raw)
    parsed = parse(pd.Series(distinct, dtype="str"))
    return pd.Series(parsed.array.take(codes), index=raw.index, dtype=parsed.dtype)


def blank(raw: pd.Series) -> pd.Series:
    """True where a cell is missing, empty or white space only."""
    return raw.isna() | (raw == "") | raw.str.isspace()


def trimmed(raw: pd.Series) -> pd.Series:
    """Text without surrounding white space; "" stays "" (IDs are compared as trimmed text)."""
    return raw.str.strip()


def free_text(raw: pd.Series) -> pd.Series:
    """Text as written, blank as "" (a case note is judged by the line rules, not here)."""
    return raw.astype("str")


def optional_text(raw: pd.Series) -> pd.Series:
    """Trimmed text, NA where blank."""
    text = trimmed(raw)
    return text.where(text != "")


def _codes(raw: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    names = code_name(raw)
    # replace, not map: a map with no aliases would give float NaN to fill back with text.
    return names.replace(dict(aliases)).astype("str")


def activity_codes(raw: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    """Activity names normalised, aliases (normalised the same way) read as their codes."""
    normal = code_name(pd.Series(list(aliases), dtype="str")).tolist()
    lookup = dict(zip(normal, aliases.values(), strict=True))
    return per_distinct(raw, lambda values: _codes(values, lookup))


def _whole_numbers(raw: pd.Series) -> pd.Series:
    text = raw.str.strip()
    whole = text.str.fullmatch(_WHOLE).fillna(False)
    digits = text.where(whole).str.replace(r"\.0*$", "", regex=True)
    return pd.to_numeric(digits).astype("Int64")


def whole_numbers(raw: pd.Series) -> pd.Series:
    """Whole numbers ("45", "45.0", "-5"), NA for anything else (Int64)."""
    return per_distinct(raw, _whole_numbers)


def _counts(raw: pd.Series) -> pd.Series:
    return _whole_numbers(raw.mask(blank(raw), "0"))


def counts(raw: pd.Series) -> pd.Series:
    """Whole numbers where blank means 0 (Int64)."""
    return per_distinct(raw, _counts)


def _durations(raw: pd.Series) -> pd.Series:
    text = raw.str.strip()
    parts = text.str.extract(_HOURS_MINUTES).astype("Float64")
    clock = (parts[0] * _MINUTES_PER_HOUR + parts[1]).astype("Int64")
    return _whole_numbers(text).fillna(clock)


def durations(raw: pd.Series) -> pd.Series:
    """Minutes as a whole number or as h:mm (1:30 = 90), NA for anything else (Int64)."""
    return per_distinct(raw, _durations)


def _booleans(raw: pd.Series) -> pd.Series:
    words = raw.str.strip().str.lower()
    values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    return values.mask(words.isin(TRUE_WORDS), True).mask(words.isin(FALSE_WORDS), False)


def booleans(raw: pd.Series) -> pd.Series:
    """yes/no words (TRUE_WORDS, FALSE_WORDS, any case), NA for anything else (boolean)."""
    return per_distinct(raw, _booleans)


def _iso_text(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    return year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)


def _dates(raw: pd.Series, serials: bool) -> pd.Series:
    text = raw.str.strip()
    iso = text.str.extract(_ISO_DATE)
    us = text.str.extract(_US_DATE)
    both = _iso_text(iso[0], iso[1], iso[2]).fillna(_iso_text(us[2], us[0], us[1]))
    dates = pd.to_datetime(both, format=_ISO_FORMAT, errors="coerce").astype("datetime64[s]")
    if not serials:
        return dates
    number = pd.to_numeric(text.where(text.str.fullmatch(_SERIAL).fillna(False)))
    in_range = (number >= 1) & (number <= LAST_SERIAL)
    days = pd.to_timedelta(number.where(in_range).floordiv(1), unit="D")
    return dates.fillna((EXCEL_EPOCH + days).astype("datetime64[s]"))


def dates(raw: pd.Series, serials: bool = False) -> pd.Series:
    """ISO 2026-10-05 or US 10/5/2026 dates, and Excel serial day numbers when `serials`.

    An Excel date cell reaches here as ISO text. NaT for anything else (datetime64[s]).
    """
    return per_distinct(raw, lambda values: _dates(values, serials))


def _clock_minutes(raw: pd.Series) -> pd.Series:
    parts = raw.str.strip().str.lower().str.extract(_TIME)
    hour = parts[0].astype("Float64")
    minute = parts[1].astype("Float64")
    half = parts[2]
    twelve_hour = half.notna()
    valid = (twelve_hour & (hour >= 1) & (hour <= _HALF_DAY_HOURS)) | (
        ~twelve_hour & (hour < _DAY_HOURS)
    )
    # 12 AM is midnight and 12 PM noon: on a 12-hour clock, 12 counts as 0 before the PM shift.
    hour = hour.where(~twelve_hour, hour % _HALF_DAY_HOURS)
    hour = hour + (half == _PM).fillna(False).astype("int64") * _HALF_DAY_HOURS
    return (hour * _MINUTES_PER_HOUR + minute).where(valid).astype("Int64")


def clock_minutes(raw: pd.Series) -> pd.Series:
    """A time of day (9:30, 09:30:00, 2:30 PM) as minutes after midnight; seconds are dropped."""
    return per_distinct(raw, _clock_minutes)


def _numbers(raw: pd.Series) -> pd.Series:
    text = raw.str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(_DECIMAL).fillna(False))).astype("float64")


def numbers(raw: pd.Series) -> pd.Series:
    """Decimal numbers as written ("0.3", "1", ".5"), NaN for anything else (float64): what a
    rejected claims row claims, read as far as it reads."""
    return per_distinct(raw, _numbers)


def _quarter_units(raw: pd.Series) -> pd.Series:
    text = raw.str.strip()
    decimal = text.str.fullmatch(_DECIMAL).fillna(False)
    fraction = text.str.extract(_FRACTION, expand=False).fillna("")
    exact = decimal & fraction.isin(_QUARTER_FRACTIONS)
    return pd.to_numeric(text.where(exact)).astype("float64")


def quarter_units(raw: pd.Series) -> pd.Series:
    """Decimal numbers written as an exact multiple of 0.25 ("0.25", "1", ".5", "0.750"), NaN
    for anything else (float64). Judged on the digits as written: "0.25000000000000001" is
    not a quarter, though as a float it is the same number as 0.25."""
    return per_distinct(raw, _quarter_units)


def _rates(raw: pd.Series) -> pd.Series:
    parts = raw.str.strip().str.extract(_RATE)
    dollars, fraction = parts[0], parts[1].fillna("")
    has_digit = (dollars.str.len() + fraction.str.len()) > 0
    whole = pd.to_numeric(dollars.where(dollars != "", "0")).astype("Int64")
    micros = pd.to_numeric(fraction.str.ljust(RATE_DECIMALS, "0")).astype("Int64")
    exact = (whole * money.MICROS_PER_DOLLAR + micros).where(has_digit)
    return money.as_rate(exact)


def rates(raw: pd.Series) -> pd.Series:
    """Dollar amounts with at most 6 decimal places, exact (decimal128(18, 6)); NA otherwise."""
    return per_distinct(raw, _rates)
