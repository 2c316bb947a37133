"""Dates as pariah reads them: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, each keeping its precision.

A date given as a month (``2024-01``) or a year (``2024``) takes effect on the
first day of that period and becomes known (``known_from``) on its last day
unless the row says otherwise: a backtest never sees an act before the end of
the period it could have happened in. Only ASCII digits count as digits.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import Enum
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import numpy as np

from pariah.exceptions import InvalidArgument, InvalidDate

#: What a date argument accepts: a date, a date string of any precision, or None.
DateLike = Union[str, dt.date, None]

_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date."""
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise InvalidDate(str(value))
    year, month, day = match.groups()
    try:
        if day:
            d = dt.date(int(year), int(month), int(day))
            return d, d
        if month:
            first = dt.date(int(year), int(month), 1)
            return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    except ValueError:
        raise InvalidDate(value) from None


def to_date(value: str | dt.date | None, *, end: bool = False) -> dt.date | None:
    """A date or date string (any precision) as a ``datetime.date``; None stays None."""
    if value is None or isinstance(value, dt.date):
        return value
    first, last = date_bounds(value)
    return last if end else first


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))




class Align(str, Enum):
    """How a comparison lines cases up: months since each start, or calendar dates."""

    start = "start"
    calendar = "calendar"


class CompareMeasure(str, Enum):
    """What a comparison puts on its axis: the change since each case's start, the share of the
    possible movement realised, or the isolation index itself."""

    change = "change"
    realised = "realised"
    index_ = "index"  # "index" itself would shadow str.index


class Freq(str, Enum):
    """How often a series has a value: every day, or the first day of every month or quarter."""

    day = "day"
    month = "month"
    quarter = "quarter"


def date_grid(start: dt.date, end: dt.date, freq: str = "day") -> "np.ndarray":
    """Dates from ``start`` to ``end``: every day, or the first day of every month or quarter."""
    import pandas as pd

    codes = {"day": "D", "month": "MS", "quarter": "QS"}
    if freq not in codes:
        raise InvalidArgument(f"unknown frequency {freq!r}: expected day, month or quarter")
    if start > end:
        raise InvalidArgument(f"the period starts on {start}, after it ends on {end}: give the earlier date first")
    dates = pd.date_range(start, end, freq=codes[freq])
    if freq != "day" and (len(dates) == 0 or dates[0].date() != start):
        dates = dates.insert(0, pd.Timestamp(start))
    return dates.values.astype("datetime64[D]")


