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
import os
import re
import stat
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
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = f"[{INVISIBLE}]"
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The longest value of any column, in characters: a description is one sentence, a source a few URLs.
MAX_FIELD = 131_072
_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")  # ASCII digits only
#: What an act says: two revisions with the same id and the same content are the same revision.
CONTENT = ["case_id", "date", "actor", "act", "description", "source", "confidence", "known_from"]


class Rows:
    """Raw rows of one file: a frame of strings, and each row's line number.

    What a reader knows of every value at no cost spares ``validate`` a pass over them: ``longest``
    bounds their length from above (None: unknown), and ``absent`` holds characters found in none
    (a NUL, the invisible characters), read from the file's bytes.
    """

    def __init__(self, path: str, columns: dict[str, list[str]] | pd.DataFrame, lines, *, longest: int | None = None):
        n = len(lines)
        self.longest = longest
        self.absent: frozenset[str] = frozenset()
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
        data = read_regular(path)
    except InvalidFile as e:
        return None, [f"{path}:0: file: {e}"]
    if fmt == "parquet":
        return _read_parquet(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [f"{path}:{line}: file: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); save the file as UTF-8"]
    text = text.removeprefix("\ufeff")
    if fmt == "jsonl":  # a JSON string can spell any character as an escape: nothing is known absent
        return _read_jsonl(path, text)
    rows, problems = _read_csv_fast(path, data) or _read_csv(path, text)
    if rows is not None:
        rows.absent = _absent(data)
    return rows, problems


def _absent(data: bytes) -> frozenset[str]:
    """Which of a NUL and the invisible characters the UTF-8 ``data`` holds nowhere. The invisible
    ones all begin with byte E2 or EF, rare in most files: one fast scan for each byte decides."""
    absent = {"\x00"} if b"\x00" not in data else set()
    for lead in (b"\xe2", b"\xef"):
        chars = [c for c in INVISIBLE if c.encode("utf-8")[:1] == lead]
        if lead not in data:
            absent.update(chars)
        else:
            absent.update(c for c in chars if c.encode("utf-8") not in data)
    return frozenset(absent)


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file (a link is followed). Anything else (a folder, a device such as
    /dev/zero, a pipe with no writer) raises ``InvalidFile`` at once, without reading from it: the
    file is opened without blocking and checked before a byte is read. The message is the reason alone."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise InvalidFile(f"cannot read: {e.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InvalidFile("is a folder; give the files in it (e.g. DIR/*.csv)")
        if not stat.S_ISREG(mode):
            raise InvalidFile("not a regular file (a device, pipe or socket); save the data to a file and give its path")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    except OSError as e:
        raise InvalidFile(f"cannot read: {e.strerror}") from None
    finally:
        os.close(fd)


def _read_csv_fast(path: Path, data: bytes) -> tuple[Rows | None, list[str]] | None:
    """Read a plain CSV with pyarrow, or None to let the csv module (``_read_csv``) read it.

    ``_read_csv`` defines what a CSV file means; this is only its faster twin, taken when the two
    provably read the same fields at the same lines (a property test holds them to it): no carriage
    return, quotes that only open and close fields (``_simple_quotes``), and one line per row (no
    blank line, which the csv path skips, and no quoted newline, which would shift line numbers).
    Anything else, and every file with a problem, goes to ``_read_csv``, so that the verdict and its
    messages never depend on the reader, nor on the file's line endings. Without pyarrow (the
    ``parquet`` extra) every file goes to ``_read_csv``.
    """
    if not available("pyarrow"):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    data = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in data or not _simple_quotes(data):
        return None
    first = data.split(b"\n", 1)[0]
    if b'"' in first:  # a quoted header is rare; the csv path reads it, whatever it spans
        return None
    header = [h.strip() for h in first.decode("utf-8").split(",")]
    if _check_header(path, header, 1):
        return None
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    # one row per line after the header: no blank line skipped, no row spread over lines by a quoted newline
    lines_in_file = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if table.num_rows != lines_in_file - 1:
        return None
    # bytes bound characters from above: a column whose longest value fits in MAX_FIELD bytes needs no check
    longest = max((pc.max(pc.binary_length(c)).as_py() or 0 for c in table.columns), default=0)
    frame = table.to_pandas()
    return Rows(str(path), frame, np.arange(2, table.num_rows + 2), longest=longest), []


def _simple_quotes(data: bytes) -> bool:
    """Whether every double quote in ``data`` opens a field (after a comma, a newline or the start),
    closes one (before a comma, a newline or the end), or is one of a doubled pair inside a quoted
    field. There pyarrow and the csv module agree on every field; elsewhere (``"abc"def``, a quote
    inside an unquoted field) they may not. (A quoted newline is read alike by both; the caller
    leaves such files to the csv module only so that line numbers stay exact.)"""
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buf == 34)
    if len(quotes) == 0:
        return True
    if len(quotes) % 2:
        return False
    opens, closes = quotes[0::2], quotes[1::2]
    before = np.concatenate(([10], buf[opens[1:] - 1])) if len(opens) > 1 else np.array([10])
    if opens[0] > 0:
        before[0] = buf[opens[0] - 1]
    doubled_before = np.concatenate(([False], opens[1:] - 1 == closes[:-1]))
    if not ((before == 44) | (before == 10) | doubled_before).all():
        return False
    after_index = np.minimum(closes + 1, len(buf) - 1)
    after = np.where(closes + 1 < len(buf), buf[after_index], 10)
    doubled_after = np.concatenate((closes[:-1] + 1 == opens[1:], [False]))
    if not ((after == 44) | (after == 10) | doubled_after).all():
        return False
    return True


def _check_header(path, header: Iterable[str], line: int) -> list[str]:
    header = list(header)
    if len(header) == 1:
        # one column: the file is likely separated by something other than commas (a spreadsheet's export)
        for mark, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if header[0].count(mark) >= len(REQUIRED) - 1:
                return [f"{path}:{line}: header: the file is {name}-separated; the exchange format is "
                        f"comma-separated (save it as CSV with commas, e.g. 'CSV UTF-8' in a spreadsheet)"]
    problems = []
    nameless = [i for i, c in enumerate(header, start=1) if not c.strip()]
    if nameless:
        problems.append(f"{path}:{line}: header: column {nameless[0]} has no name; expected columns "
                        f"{', '.join(EXCHANGE_COLUMNS)}")
    header = [c for c in header if c.strip()]
    repeated = [c for c in dict.fromkeys(header) if header.count(c) > 1]
    if repeated:
        problems.append(f"{path}:{line}: {_shown(repeated[0])}: column given {header.count(repeated[0])} times; "
                        "give each column once")
    unknown = [c for c in header if c not in EXCHANGE_COLUMNS]
    if unknown:
        problems.append(f"{path}:{line}: {_shown(unknown[0])}: unknown column; expected columns {', '.join(EXCHANGE_COLUMNS)}")
    for column in REQUIRED:
        if column not in header:
            problems.append(f"{path}:{line}: {column}: missing column; expected columns {', '.join(EXCHANGE_COLUMNS)}")
    return problems


def _shown(name: str) -> str:
    """A column name as a message shows it: on one line, its control characters escaped."""
    return name if name.isprintable() else repr(name)[1:-1]


def _read_csv(path: Path, text: str) -> tuple[Rows | None, list[str]]:
    """What a CSV file means: RFC 4180 as the csv module reads it strictly (any line ending, quoted
    newlines), blank lines skipped, the header being the first line that is not blank."""
    # The length of a value is checked by ``validate`` (naming its column, on every format); the csv
    # module's own limit would stop at the first long field with a message that names none.
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(min(len(text) + 1, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    at = 1
    try:
        while not header or (len(header) == 1 and not header[0].strip()):
            at = reader.line_num + 1
            header = [h.strip() for h in next(reader)]
    except StopIteration:
        return None, [f"{path}:1: file: empty; expected a header line {','.join(EXCHANGE_COLUMNS)}"]
    except csv.Error as e:
        return None, [f"{path}:{reader.line_num}: file: malformed CSV: {e}"]
    problems = _check_header(path, header, at)
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
    return Rows(str(path), columns, lines, longest=len(text)), []


def _pairs(pairs: list[tuple[str, object]]) -> dict | list:
    """A JSON object, or its key-value pairs when a key repeats (json.loads would keep the last in silence)."""
    obj = dict(pairs)
    return obj if len(obj) == len(pairs) else pairs


def _read_jsonl(path: Path, text: str) -> tuple[Rows | None, list[str]]:
    problems, objects, lines = [], [], []
    # Lines end at \n only: U+2028, U+2029 and U+0085 are text inside a JSON string, not line ends.
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_pairs)
        except json.JSONDecodeError as e:
            problems.append(f"{path}:{n}: file: malformed JSON at column {e.colno}: {e.msg}")
            continue
        except RecursionError:
            problems.append(f"{path}:{n}: file: JSON nested too deeply; expected one flat object per line")
            continue
        except ValueError as e:  # e.g. an integer of more digits than Python converts
            problems.append(f"{path}:{n}: file: unreadable JSON: {e}")
            continue
        if isinstance(obj, list) and obj and all(isinstance(p, tuple) for p in obj):
            keys = [k for k, _ in obj]
            problems.extend(_check_header(path, keys, n)[:1])
            continue
        if not isinstance(obj, dict):
            problems.append(f"{path}:{n}: file: expected a JSON object per line")
            continue
        bad = _check_header(path, obj.keys(), n) + record_problems(obj, f"{path}:{n}")
        if bad:
            problems.extend(bad)
            continue
        objects.append(obj)
        lines.append(n)
    if problems:
        return None, problems
    columns = {c: [(o.get(c) or "") for o in objects] for c in EXCHANGE_COLUMNS}
    return Rows(str(path), columns, lines), []


def record_problems(record: dict, where: str) -> list[str]:
    """What is wrong with the values of one JSON record (a line of JSON Lines, an act posted to the
    API): a value that is not a string, or a string that is not Unicode text (a lone surrogate such as
    ``"\\ud800"``, which JSON can spell but no UTF-8 file or database can hold)."""
    for key, value in record.items():
        if value is not None and not isinstance(value, str):
            return [f"{where}: {key}: expected a string, got {type(value).__name__}"]
        if isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
            return [f"{where}: {key}: contains a lone surrogate (an escape such as \\ud800 that is no character); "
                    "write the character itself"]
    return []


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
    for column in EXCHANGE_COLUMNS if "\x00" not in rows.absent else ():
        flag(frame[column].str.contains("\x00", regex=False), column,
             "contains a NUL byte (\\x00); remove it (a file cut or joined in binary?)")
    if rows.longest is None or rows.longest > MAX_FIELD:
        for column in EXCHANGE_COLUMNS:
            length = frame[column].str.len()
            flag(length > MAX_FIELD, column,
                 lambda i: f"{length.iat[i]:,} characters; at most {MAX_FIELD:,} (one sentence, plain text)")
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
    if rows.absent.issuperset(INVISIBLE):
        invisible = frame["description"] == ""
    else:
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


class CsvWriter:
    r"""The csv module's writer with rows ending in ``\n`` and every line break in a field quoted.

    The csv module quotes a field only for the characters of its own line terminator, so with
    ``\n`` a lone carriage return in a text would be written bare and read back as the end of a
    row. A row holding one is written by a writer ending rows in ``\r\n`` (which quotes both), then
    ended in ``\n`` like the others; every other row is written exactly as before.

    >>> import io
    >>> out = io.StringIO()
    >>> CsvWriter(out).writerows([["a\rb", "c"], ["d", "e"]])
    >>> out.getvalue()
    '"a\rb",c\nd,e\n'
    """

    def __init__(self, stream):
        self._stream = stream
        self._plain = csv.writer(stream, lineterminator="\n")
        self._buffer = io.StringIO()
        self._quoting = csv.writer(self._buffer, lineterminator="\r\n")

    def writerow(self, row: Iterable) -> None:
        row = list(row)
        if not any(isinstance(v, str) and "\r" in v for v in row):
            self._plain.writerow(row)
            return
        self._buffer.seek(0)
        self._buffer.truncate()
        self._quoting.writerow(row)
        self._stream.write(self._buffer.getvalue()[:-2] + "\n")

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def write(frame: pd.DataFrame, stream, fmt: str) -> None:
    """Write ledger rows (``EXCHANGE_COLUMNS`` as strings) in the exchange format."""
    if fmt == "csv":
        writer = CsvWriter(stream)
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
