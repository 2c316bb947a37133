"""Library results as plain values and rows: what the command line prints, the API answers and the
pages show (dates as ``YYYY-MM-DD``, numpy scalars as numbers, NaN and NA as None)."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd


def plain(value: Any) -> Any:
    """A value as JSON has it: dates as ``YYYY-MM-DD``, numpy scalars as numbers, NaN and NA as None."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """A frame as a list of flat dicts of plain values."""
    columns = columns or list(frame.columns)
    return [{c: plain(v) for c, v in zip(columns, row)} for row in frame[columns].itertuples(index=False)]
