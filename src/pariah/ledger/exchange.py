"""The exchange format: reading CSV, JSON Lines and Parquet into validated rows, and writing them back.

Columns, in order: ``case, date, actor, act, description, source, confidence,
known_from, id`` (docs/DESIGN.md). Reading collects every problem as
``FILE:LINE: column: message``; a file with any problem yields no rows.
For Parquet, LINE is the row number (1 = first row).
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from pariah import reference
from pariah.exceptions import InvalidArgument, InvalidDate, InvalidFile, UnknownActor
from pariah.acts import ACTS
from pariah.extras import available, require
from pariah.dates import date_bounds
from pariah.ledger.schema import CONFIDENCE, EXCHANGE_COLUMNS

REQUIRED = ("date", "actor", "act", "description", "source")
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
#: Characters that show nothing: zero-width spaces and joiners, the word joiner, the byte order mark.
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff]"
_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")  # ASCII digits only
#: What an act says: two revisions with the same id and the same content are the same revision.
CONTENT = ["case_id", "date", "actor", "act", "description", "source", "confidence", "known_from"]


class Rows:
    """Raw rows of one file: a frame of strings, and each row's line number."""

    def __init__(self, path: str, columns: dict[str, list[str]] | pd.DataFrame, lines):
        n = len(lines)
        frame = columns if isinstance(columns, pd.DataFrame) else pd.DataFrame(columns)
        self.frame = pd.DataFrame({c: frame[c] if c in frame else pd.Series([""] * n, dtype=str) for c in EXCHANGE_COLUMNS})
        self.frame = self.frame.astype(str).reset_index(drop=True)
        self.path, self.lines = path, np.asarray(lines)

    def __len__(self) -> int:
        return len(self.lines)


def format_of(path: str | Path, given: str | None = None) -> str:
    if given:
        return given
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InvalidFile(f"{path}: unknown file type {Path(path).suffix!r}: expected .csv, .jsonl or .parquet")
    return fmt


def read(path: str | Path, fmt: str | None = None) -> tuple[Rows | None, list[str]]:
    """Parse one file into raw rows, or return the problems that stop it from parsing."""
    path = Path(path)
    fmt = format_of(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, [f"{path}:0: file: cannot read: {e.strerror}"]
    if fmt == "parquet":
        return _read_parquet(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [f"{path}:{line}: file: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); save the file as UTF-8"]
    text = text.removeprefix("\ufeff")
    if fmt == "csv":
        return _read_csv_fast(path, data) or _read_csv(path, text)
    return _read_jsonl(path, text)


def _read_csv_fast(path: Path, data: bytes) -> tuple[Rows | None, list[str]] | None:
    """Read a plain CSV with pyarrow; None when line numbers could not be exact or pyarrow is not installed
    (the ``parquet`` extra), and then the csv module reads it, to the same rows."""
    if not available("pyarrow"):
        return None
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    data = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in data:
        return None
    try:
        header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8")]))
    except (StopIteration, csv.Error):
        return None
    header = [h.strip() for h in header]
    if _check_header(path, header, 1) or len(set(header)) != len(header):
        return None
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    lines_in_file = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if table.num_rows != lines_in_file - 1:
        return None
    frame = table.to_pandas()
    return Rows(str(path), frame, np.arange(2, table.num_rows + 2)), []


def _check_header(path, header: Iterable[str], line: int) -> list[str]:
    header = list(header)
    if len(header) == 1:
        # one column: the file is likely separated by something other than commas (a spreadsheet's export)
        for mark, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if header[0].count(mark) >= len(REQUIRED) - 1:
                return [f"{path}:{line}: header: the file is {name}-separated; the exchange format is "
                        f"comma-separated (save it as CSV with commas, e.g. 'CSV UTF-8' in a spreadsheet)"]
    problems = []
    unknown = [c for c in header if c not in EXCHANGE_COLUMNS]
    if unknown:
        problems.append(f"{path}:{line}: {unknown[0]}: unknown column; expected columns {', '.join(EXCHANGE_COLUMNS)}")
    for column in REQUIRED:
        if column not in header:
            problems.append(f"{path}:{line}: {column}: missing column; expected columns {', '.join(EXCHANGE_COLUMNS)}")
    return problems


def _read_csv(path: Path, text: str) -> tuple[Rows | None, list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return None, [f"{path}:1: file: empty; expected a header line {','.join(EXCHANGE_COLUMNS)}"]
    except csv.Error as e:
        return None, [f"{path}:1: file: malformed CSV: {e}"]
    problems = _check_header(path, header, 1)
    if problems:
        return None, problems
    width = len(header)
    records: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            problems.append(f"{path}:{reader.line_num}: file: malformed CSV: {e}")
            break
        line, start = start, reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            problems.append(f"{path}:{line}: file: {len(row)} fields, expected {width} as in the header")
            continue
        records.append(row)
        lines.append(line)
    if problems:
        return None, problems
    columns = {name: [r[i] for r in records] for i, name in enumerate(header)}
    return Rows(str(path), columns, lines), []


def _read_jsonl(path: Path, text: str) -> tuple[Rows | None, list[str]]:
    problems, objects, lines = [], [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{path}:{n}: file: malformed JSON at column {e.colno}: {e.msg}")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{path}:{n}: file: expected a JSON object per line")
            continue
        bad = _check_header(path, obj.keys(), n)
        non_text = [k for k, v in obj.items() if v is not None and not isinstance(v, str)]
        if non_text:
            bad.append(f"{path}:{n}: {non_text[0]}: expected a string, got {type(obj[non_text[0]]).__name__}")
        if bad:
            problems.extend(bad)
            continue
        objects.append(obj)
        lines.append(n)
    if problems:
        return None, problems
    columns = {c: [(o.get(c) or "") for o in objects] for c in EXCHANGE_COLUMNS}
    return Rows(str(path), columns, lines), []


def _read_parquet(path: Path, data: bytes) -> tuple[Rows | None, list[str]]:
    pa = require("pyarrow", extra="parquet", purpose="reading Parquet files")
    pq = require("pyarrow.parquet", extra="parquet", purpose="reading Parquet files")

    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as e:  # pyarrow raises several types for a broken file
        return None, [f"{path}:0: file: not a readable Parquet file: {e}"]
    problems = _check_header(path, table.column_names, 0)
    if problems:
        return None, problems
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type) and not pa.types.is_null(column.type):
            return None, [f"{path}:0: {name}: expected a string column, got {column.type}"]
        columns[name] = [v if v is not None else "" for v in column.to_pylist()]
    return Rows(str(path), columns, list(range(1, table.num_rows + 1))), []


def _date(value: str):
    """``(first day, last day)`` of a date string as ISO text, or None when it is not a date."""
    if not _DATE.match(value):
        return None
    try:
        first, last = date_bounds(value)
    except InvalidDate:
        return None
    return first.isoformat(), last.isoformat()


def _actor(value: str):
    """The actor's code, or the ``UnknownActor`` error that says why it has none."""
    try:
        return reference.resolve_actor(value)
    except UnknownActor as e:
        return e


def _per_unique(series: pd.Series, fn) -> np.ndarray:
    """``fn`` applied once per distinct value (dates and actors repeat a lot)."""
    codes, uniques = pd.factorize(series)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = [fn(u) for u in uniques]
    return values[codes]


def _bounds(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For date strings: whether each is valid, and its first and last day as ISO text."""
    codes, uniques = pd.factorize(series)
    parsed = [_date(u) for u in uniques] + [None]
    ok = np.array([p is not None for p in parsed])[codes]
    first = np.array([p[0] if p else None for p in parsed], dtype=object)[codes]
    last = np.array([p[1] if p else None for p in parsed], dtype=object)[codes]
    return ok, first, last


def derive_id(case: pd.Series, date: pd.Series, actor: pd.Series, act: pd.Series) -> pd.Series:
    """The stable id of rows that give none: ``case:date:actor:act``."""
    return case + ":" + date + ":" + actor + ":" + act


def validate(rows: Rows, cases: set[str], default_case: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Check and normalize raw rows. Returns the ledger rows and every problem found."""
    frame = rows.frame.apply(lambda s: s.str.strip())
    lines = rows.lines
    problems: list[tuple[int, str]] = []

    def flag(mask, column: str, message) -> None:
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            text = message(i) if callable(message) else message
            problems.append((int(lines[i]), f"{rows.path}:{lines[i]}: {column}: {text}"))

    # A NUL ends a text in SQLite and is refused by PostgreSQL: no field may hold one, or an id could
    # silently stand for another act's.
    for column in EXCHANGE_COLUMNS:
        flag(frame[column].str.contains("\x00", regex=False), column,
             "contains a NUL byte (\\x00); remove it (a file cut or joined in binary?)")
    if default_case:
        frame.loc[frame["case"] == "", "case"] = default_case
    case = frame["case"]
    flag(case == "", "case", "missing; give a case column or --case ID")
    known = sorted(cases)
    flag((case != "") & ~case.isin(cases), "case",
         lambda i: f"unknown case {case.iat[i]!r}; known: {', '.join(known) or 'none'} (add one with 'pariah cases add FILE.yaml')")

    date_ok, first_day, last_day = _bounds(frame["date"])
    flag(~date_ok, "date", lambda i: f"bad date {frame['date'].iat[i]!r}: expected a real date as YYYY-MM-DD, YYYY-MM or YYYY")

    codes, uniques = pd.factorize(frame["actor"])
    resolved = [_actor(u) for u in uniques] + [UnknownActor("")]
    unknown = np.array([isinstance(r, UnknownActor) for r in resolved])[codes]
    flag(unknown, "actor", lambda i: str(resolved[codes[i]]))
    actors = np.array([None if isinstance(r, UnknownActor) else r for r in resolved], dtype=object)[codes]

    flag(~frame["act"].isin(ACTS), "act", lambda i: f"unknown act {frame['act'].iat[i]!r}: expected one of {', '.join(ACTS)}")
    invisible = frame["description"].str.replace(_INVISIBLE, "", regex=True).str.strip() == ""
    flag(invisible, "description", "empty (or only invisible characters); describe the act in one sentence")
    flag(frame["source"] == "", "source", "empty; every act needs a source (URL or outlet and date)")

    confidence = frame["confidence"].str.lower().replace("", "medium")
    flag(~confidence.isin(CONFIDENCE), "confidence", lambda i: f"bad confidence {frame['confidence'].iat[i]!r}: expected high, medium or low")

    known_from = frame["known_from"]
    given = (known_from != "").to_numpy()
    known_ok, _, known_last = _bounds(known_from)
    flag(given & ~known_ok, "known_from",
         lambda i: f"bad date {known_from.iat[i]!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")

    if problems:
        problems.sort(key=lambda p: p[0])
        return pd.DataFrame(), [p for _, p in problems]

    # An act becomes known at the end of the period its date names, unless known_from says otherwise.
    out = pd.DataFrame({
        "case_id": case,
        "date": frame["date"],
        "day": first_day,
        "actor": pd.Series(actors, index=frame.index, dtype=str),
        "act": frame["act"],
        "description": frame["description"],
        "source": frame["source"],
        "confidence": confidence,
        "known_from": known_from.where(given, None),
        "known_on": np.where(given, known_last, last_day),
    })
    ids = frame["id"]
    out["act_id"] = ids.where(ids != "", derive_id(out["case_id"], out["date"], out["actor"], out["act"]))
    out["line"] = lines
    out["file"] = rows.path
    return out, []


def duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Drop repeated identical rows; report ids given twice with different content."""
    shared = frame["act_id"].duplicated(keep=False)
    if not shared.any():
        return frame, []
    exact = frame[shared].fillna({"known_from": ""}).duplicated(subset=["act_id", *CONTENT], keep="first")
    frame = frame.drop(index=exact[exact].index)
    repeated = frame.duplicated(subset=["act_id"], keep="first")
    problems = []
    if repeated.any():
        first = frame.drop_duplicates(subset=["act_id"], keep="first").set_index("act_id")
        for row in frame[repeated].itertuples():
            where = first.loc[row.act_id]
            problems.append(
                f"{row.file}:{row.line}: id: duplicate id {row.act_id!r} with different content "
                f"(first at {where.file}:{where.line}); give the rows distinct ids"
            )
    return frame, problems


def write(frame: pd.DataFrame, stream, fmt: str) -> None:
    """Write ledger rows (``EXCHANGE_COLUMNS`` as strings) in the exchange format."""
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(EXCHANGE_COLUMNS)
        writer.writerows(frame[list(EXCHANGE_COLUMNS)].itertuples(index=False, name=None))
    elif fmt == "jsonl":
        for record in frame[list(EXCHANGE_COLUMNS)].to_dict("records"):
            record["known_from"] = record["known_from"] or None
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        raise InvalidArgument(f"unknown format {fmt!r}: expected csv, jsonl or parquet")


def write_parquet(frame: pd.DataFrame, path) -> None:
    pa = require("pyarrow", extra="parquet", purpose="writing Parquet files")
    pq = require("pyarrow.parquet", extra="parquet", purpose="writing Parquet files")

    table = pa.Table.from_pandas(frame[list(EXCHANGE_COLUMNS)].astype(str), preserve_index=False)
    pq.write_table(table, path)
