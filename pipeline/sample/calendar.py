"""The sample month's calendar: its days as offsets from the first, and their text."""

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline.errors import UsageError
from pipeline.sample.draws import WEEKDAY_WEIGHTS

PREVIOUS, NEXT = "previous", "next"


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

    def offset(self, day: int | str) -> int:
        """A planted day as an offset from the first of the month."""
        if day == PREVIOUS:
            return -1
        if day == NEXT:
            return self.days
        ordinal = int(day)
        return int(self.weekdays[ordinal - 1 if ordinal > 0 else ordinal])

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
