"""Library results as plain values and rows, and rows as CSV and JSON text: what the command line
prints, the API answers and the pages' download buttons fetch (dates as ``YYYY-MM-DD``, numpy
scalars as numbers, NaN and NA as None). The CLI's ``--format csv|json`` and the API's
``?format=csv|json`` both come from ``to_csv`` and ``to_json``.

>>> rows = [{"state": "CHN", "level": 4, "hostile": False}, {"state": "RUS", "level": 5, "hostile": None}]
>>> print(to_csv(rows), end="")
state,level,hostile
CHN,4,False
RUS,5,
>>> to_json(rows[0])
'{"state":"CHN","level":4,"hostile":false}'
>>> download_name("taliban-2021", "status", "csv", as_of="2024-02-01", known_on=None)
'taliban-2021-status-as_of-2024-02-01.csv'
"""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from typing import Any, Iterable

import numpy as np
import pandas as pd

from pariah.ledger.exchange import CsvWriter

#: The formats every table is offered in.
FORMATS = ("csv", "json")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


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


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Flat rows as CSV text with a header (``columns``, default: the first row's keys); None is empty.
    Written as the exchange format is (``CsvWriter``): a line break in a value is always quoted."""
    rows = [{k: plain(v) for k, v in row.items()} for row in rows]
    if columns is None:
        columns = list(rows[0]) if rows else []
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(columns)
    writer.writerows([row.get(c) for c in columns] for row in rows)
    return buffer.getvalue()


def to_json(value: Any, *, indent: int | None = None) -> str:
    """Rows (or one object) as JSON text: compact, or indented by ``indent``; never NaN."""
    if indent is None:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)


def render(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> str:
    """Rows as ``fmt`` (``csv`` or ``json``)."""
    return to_csv(rows, columns) if fmt == "csv" else to_json(rows)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(case_id: str, table: str, fmt: str, **parameters: Any) -> str:
    """The file name a downloaded table gets: the case, the table and the parameters that made it."""
    parts = [case_id, table]
    for name, value in parameters.items():
        if value not in (None, ""):
            parts += [name, str(plain(value))]
    return _UNSAFE.sub("_", "-".join(parts)) + "." + fmt
