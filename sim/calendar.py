"""The calendar: month 0 is January 2023; time is in months, fractions fall within a month."""

from __future__ import annotations

import datetime as dt

__all__ = ["START_YEAR", "month_label", "month_date", "event_day"]

START_YEAR = 2023


def month_date(month: int) -> dt.date:
    """First day of simulation month ``month``."""
    y, m = divmod(int(month), 12)
    return dt.date(START_YEAR + y, m + 1, 1)


def month_label(month: float) -> str:
    """'YYYY-MM' of the month containing time ``month``."""
    d = month_date(int(month // 1))
    return f"{d.year:04d}-{d.month:02d}"


def event_day(time: float) -> dt.date:
    """The day of time ``time``: the fraction of its month, counted in that month's days."""
    month = int(time // 1)
    first, nxt = month_date(month), month_date(month + 1)
    return first + dt.timedelta(days=int((time - month) * (nxt - first).days))
