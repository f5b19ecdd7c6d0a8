"""The sample month's calendar: its days as offsets from the first, and their text."""

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.errors import UsageError
from pipeline.sample.draws import WEEKDAY_WEIGHTS

PREVIOUS, NEXT = "previous", "next"
OPEN = np.iinfo(np.int64).min  # an offset that is no date: an open-ended period's end


@dataclass(frozen=True)
class Months:
    """A date months away from the billing month (negative: before it): the first day of that
    month, or with `last`, its last day. Authorizations run from and to such dates."""

    months: int
    last: bool = False


Day = int | str | Months  # a planted date: see Calendar.offset and Months


@dataclass(frozen=True)
class Calendar:
    """The billing month's days as offsets from its first day."""

    first: pd.Timestamp
    days: int

    @property
    def offsets(self) -> np.ndarray:
        return np.arange(self.days)

    @property
    def weekdays(self) -> np.ndarray:
        """Offsets of Monday to Friday."""
        return self.offsets[(self.first.day_of_week + self.offsets) % 7 < 5]

    @property
    def weights(self) -> np.ndarray:
        """How likely a service falls on each day: weekdays far more than weekends."""
        raw = np.asarray(WEEKDAY_WEIGHTS)[(self.first.day_of_week + self.offsets) % 7]
        return raw / raw.sum()

    def offset(self, day: Day) -> int:
        """A planted day as an offset from the first of the month: the n-th weekday of the month
        (-1 the last), PREVIOUS or NEXT (the days just before and after it), or Months."""
        if isinstance(day, Months):
            month = np.datetime64(self.first, "M") + day.months + int(day.last)
            first = np.datetime64(self.first, "D")
            return int((month.astype("datetime64[D]") - int(day.last) - first).astype(np.int64))
        if day == PREVIOUS:
            return -1
        if day == NEXT:
            return self.days
        ordinal = int(day)
        return int(self.weekdays[ordinal - 1 if ordinal > 0 else ordinal])

    def iso_dates(self, offsets: np.ndarray) -> Any:
        """Days as offsets from the first as ISO text (pyarrow); a negative sentinel (OPEN) is
        blank."""
        days = np.datetime64(self.first, "D") + offsets.astype("timedelta64[D]")
        dates = pa.array(np.where(offsets == OPEN, np.datetime64("NaT"), days), type=pa.date32())
        return pc.fill_null(pc.strftime(dates, "%Y-%m-%d"), "")

    def date_texts(self, us: bool) -> Any:
        """The day before the month to the day after, as text (pyarrow; index = offset + 1)."""
        dates = pd.date_range(self.first - pd.Timedelta(days=1), periods=self.days + 2)
        if us:
            parts = (dates.month.astype(str), dates.day.astype(str), dates.year.astype(str))
            return pa.array(parts[0] + "/" + parts[1] + "/" + parts[2], type=pa.string())
        return pa.array(dates.strftime("%Y-%m-%d"), type=pa.string())

    def impossible_date(self, us: bool) -> str:
        """The 32nd of the month, as a mistyped export shows it."""
        return f"{self.first.month}/32/{self.first.year}" if us else f"{self.first:%Y-%m}-32"


def month_calendar(month: str) -> Calendar:
    """The calendar of a YYYY-MM month, or a UsageError."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise UsageError(f"the sample month must be YYYY-MM (e.g. 2026-10), not {month!r}")
    period = pd.Period(month, freq="M")
    return Calendar(first=period.start_time.normalize(), days=int(period.days_in_month))
