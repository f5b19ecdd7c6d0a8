"""The billing month as dates: its bounds, and how far the month's data reaches."""

import pandas as pd


def month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of the billing month and the first day of the next."""
    period = pd.Period(month, freq="M")
    return period.start_time.normalize(), (period + 1).start_time.normalize()


def last_day(month: str) -> pd.Timestamp:
    """The billing month's last day."""
    return month_bounds(month)[1] - pd.Timedelta(days=1)
