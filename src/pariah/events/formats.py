"""The event data formats: how each file is laid out, and how its rows become pariah's event rows.

Four formats, each read as text (every field a string) and checked line by line:

- ``gdelt1``: GDELT 1.0 daily event export. Tab-separated, no header, 57 columns
  (files before April 2013) or 58 (``SOURCEURL`` added), in the order of the
  GDELT 1.0 column table.
- ``gdelt2``: GDELT 2.0 15-minute event export (``*.export.CSV``). Tab-separated,
  no header, 61 columns (GDELT 1.0's plus three ``*_ADM2Code``).
- ``icews``: ICEWS yearly event file (``events.YYYY.*.tab``). Tab-separated, one
  header row naming its 20 columns.
- ``polecat``: POLECAT event export: either PLOVER JSON records (a JSON array, as
  in PLOVER's gold-standard records, or JSON Lines), or a tab-separated file with
  a header row, read by column name.

Any of them may be gzipped, or zipped (each file of an archive is read as one
input file). No field is quoted: a ``"`` is an ordinary character. A line with
too few fields, or with surplus fields that are not empty, is malformed (surplus
empty fields, stray tabs at the end of a line, are ignored), as is one with
bytes that are not UTF-8 in a field pariah reads (``Layout.used``; such bytes
in a field it does not read harm nothing).

Every format is turned into the same *normalized* columns (see ``TEXT_COLUMNS``) by
an Ibis expression, so that one expression serves every engine. A row that fails
a check gets a ``problem`` (``field: message``) instead of being dropped.
"""
from __future__ import annotations

import collections
from typing import Any
import dataclasses
import glob
import gzip
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from pariah.events import codes
from pariah.exceptions import EventFormatError

FORMATS = ("gdelt1", "gdelt2", "icews", "polecat")

#: The 20 columns of an ICEWS .tab file, in file order (Harvard Dataverse, ICEWS Coded Event Data).
ICEWS_COLUMNS = ("Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
                 "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
                 "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude", "Longitude")
GDELT_USED = ("GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor2Code",
              "Actor2CountryCode", "Actor2KnownGroupCode", "EventCode", "EventRootCode", "QuadClass",
              "GoldsteinScale", "SOURCEURL")
ICEWS_USED = ("Event ID", "Event Date", "Source Name", "Source Country", "CAMEO Code", "Intensity", "Target Name",
              "Target Country", "Story ID", "Publisher")

#: POLECAT tab-separated exports: the columns read, by name (compared without case, spaces or underscores).
POLECAT_REQUIRED = ("Event ID", "Event Date", "Event Type", "Actor Country", "Recipient Country")
POLECAT_OPTIONAL = ("Event Mode", "Actor Name", "Recipient Name")
#: The first of these present is the event's source.
POLECAT_SOURCE = ("URL", "Source URL", "Story ID", "Source")

_FIELD_HINT = {57: "gdelt1", 58: "gdelt1", 61: "gdelt2", 20: "icews"}
#: Said of a first line with commas and no tab: the usual copy of event data that pariah does not read as such.
COMMA_HINT = ("; the line has commas and no tab: a comma-separated copy (from BigQuery, R or a spreadsheet) "
              "must be written back as tab-separated text, without quotes")


def _comma_hint(first: bytes | str) -> str:
    text = first.decode("utf-8", errors="replace") if isinstance(first, bytes) else first
    return COMMA_HINT if "," in text and "\t" not in text else ""


@dataclasses.dataclass(frozen=True)
class Layout:
    """One input file, ready for an engine: where to read, and what is in it."""

    fmt: str
    name: str                       # the path as given, for messages
    path: Path                      # the file to read (unpacked when the input was zipped)
    columns: tuple[str, ...] = ()   # delimited files: column names in file order
    used: tuple[str, ...] = ()      # the columns pariah reads (a bad byte elsewhere harms nothing)
    header: bool = False
    newline: str = "\n"
    records: pd.DataFrame | None = None  # PLOVER JSON: the records, flattened in Python
    packed: bool = False            # unpacked from a zip archive into a local temporary folder


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", "", name).lower()


#: A UTF-8 byte order mark, which some tools write at the start of a file. Both engines' readers drop it
#: (DuckDB's CSV reader, Hadoop's line reader under Spark); pariah drops it from the header it reads itself.
BOM = b"\xef\xbb\xbf"


def _first_lines(path: Path, n: int = 20) -> list[bytes]:
    """A file's first ``n`` lines, with their line ends, less a byte order mark at the start."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as f:
        lines = [line for line in (f.readline(1 << 20) for _ in range(n)) if line]
    if lines:
        lines[0] = lines[0].removeprefix(BOM)
    return lines


def _unpack(path: Path, name: str, tmpdir: Path) -> list[tuple[str, Path]]:
    """A zip archive's files, in archive order, copied out into ``tmpdir`` (engines read plain or gzipped files).

    Returns (name for messages, copy) pairs: the archive's own name when it holds one
    file, ``ARCHIVE!MEMBER`` when it holds several (POLECAT's yearly archives hold
    one file a month). Folders and the ``__MACOSX/`` entries of archives made on a
    Mac are not files.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
            if not members:
                raise EventFormatError(f"{name}: the zip archive holds no file")
            out = []
            for member in members:
                # A name of its own, the member's name last (engines tell gzipped files by it), never starting
                # with "_" or "." (Spark skips such files as hidden).
                handle, target = tempfile.mkstemp(dir=tmpdir, prefix="pariah-", suffix=f"-{Path(member.filename).name}")
                with archive.open(member) as src, os.fdopen(handle, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 22)
                out.append((name if len(members) == 1 else f"{name}!{member.filename}", Path(target)))
            return out
    except zipfile.BadZipFile:
        raise EventFormatError(f"{name}: not a readable zip archive") from None


def expand_paths(paths) -> list[str | Path]:
    """The input files: each path as given, or the files a glob pattern matches, in sorted order.

    A pattern (``gdelt/2024*.export.CSV.zip``, quoted so that the shell leaves it alone)
    spares the shell a list of thousands of names; a path that is a file is never read
    as a pattern. ``EventFormatError`` for a pattern that matches no file, a folder, or
    a missing file.
    """
    out: list[str | Path] = []
    for path in paths:
        text = str(path)
        if not Path(text).exists() and any(c in text for c in "*?["):
            matches = sorted(m for m in glob.glob(text) if Path(m).is_file())
            if not matches:
                raise EventFormatError(f"{text}: no file matches this pattern")
            out += matches
        else:
            check_path(path)
            out.append(path)
    return out


def check_path(path: str | Path) -> Path:
    """``path`` as a Path, when it names a file; ``EventFormatError`` when it names a folder or nothing."""
    name, path = str(path), Path(path)
    if path.is_dir():
        raise EventFormatError(f"{name}: a folder, not a file; give the files in it (e.g. {path / '*'})")
    if not path.is_file():
        raise EventFormatError(f"{name}: no such file")
    return path


def open_files(path: str | Path, fmt: str, tmpdir: Path) -> list[Layout]:
    """The files behind ``path`` (itself, or each file of a zip archive), and how to read each.

    Each is checked from its first lines to be in format ``fmt``; ``EventFormatError``
    (``FILE:1: ...``) when it is not: a wrong ``--format`` should fail at once, not
    report every line as malformed.
    """
    if fmt not in FORMATS:
        raise EventFormatError(f"unknown event format {fmt!r}: expected one of {', '.join(FORMATS)}")
    name = str(path)
    path = check_path(path)
    if path.suffix.lower() != ".zip":
        return [_open(fmt, name, path)]
    return [dataclasses.replace(_open(fmt, member, copy), packed=True)
            for member, copy in _unpack(path, name, tmpdir)]


def _open(fmt: str, name: str, path: Path) -> Layout:
    try:
        head = _first_lines(path)
    except (OSError, EOFError, zlib.error) as e:
        raise EventFormatError(f"{name}: cannot read: {e}") from None
    first = head[0] if head else b""
    newline = "\r\n" if first.endswith(b"\r\n") else "\n"
    text = first.rstrip(b"\r\n").decode("utf-8", errors="replace")
    if fmt in ("gdelt1", "gdelt2"):
        return _gdelt(fmt, name, path, [h.rstrip(b"\r\n") for h in head], newline)
    if fmt == "icews":
        return _icews(name, path, text, newline)
    if _is_json(path, head):
        return Layout(fmt, name, path, records=_plover_records(path, name))
    return _polecat(name, path, text, newline)


def _json_suffix(path: Path) -> str:
    """``.json``, ``.jsonl`` or ``.ndjson`` when ``path`` is so named (perhaps gzipped), else ``""``."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes and suffixes[-1] in (".json", ".jsonl", ".ndjson") else ""


def _is_json(path: Path, head: list[bytes]) -> bool:
    """PLOVER JSON rather than a tab-separated POLECAT export: named ``.json``, ``.jsonl`` or ``.ndjson``, or its
    first line that is not blank opens an array or an object."""
    first = next((line.strip() for line in head if line.strip()), b"")
    return bool(_json_suffix(path)) or first.startswith((b"[", b"{"))


def _gdelt(fmt: str, name: str, path: Path, head: list[bytes], newline: str) -> Layout:
    """The layout of a GDELT export, from the number of fields most of its first lines have."""
    expected = (57, 58) if fmt == "gdelt1" else (61,)
    counts = collections.Counter(_field_count(line, expected[-1]) for line in head if line)
    found = counts.most_common(1)[0][0] if counts else expected[-1]
    if found not in expected:
        hint = _FIELD_HINT.get(found)
        fix = (f"; is it a {hint} file? read it as {hint} (fmt={hint!r}, '--format {hint}')" if hint and hint != fmt
               else _comma_hint(head[0]))
        want = " or ".join(map(str, expected))
        label = "GDELT 1.0 daily" if fmt == "gdelt1" else "GDELT 2.0 15-minute"
        raise EventFormatError(f"{name}:1: expected {want} tab-separated fields (a {label} event export), "
                               f"found {found}{fix}")
    columns = codes.gdelt_columns(1 if fmt == "gdelt1" else 2)[:found]
    used = tuple(c for c in GDELT_USED if c in columns)
    return Layout(fmt, name, path, columns, used, header=False, newline=newline)


def _field_count(line: bytes, most: int) -> int:
    """How many tab-separated fields ``line`` has; empty fields past the ``most`` expected (stray tabs at the end
    of a line, which the engines ignore too) are not counted."""
    fields = line.split(b"\t")
    return most if len(fields) > most and not any(fields[most:]) else len(fields)


def _header(first: str) -> tuple[str, ...]:
    """Column names from a header line: trailing empty names (stray tabs) dropped, as in data lines; an empty or
    repeated name elsewhere becomes ``column N`` (its position), so that every column has a name of its own."""
    names = [h.strip() for h in first.split("\t")]
    while len(names) > 1 and not names[-1]:
        names.pop()
    seen: set[str] = set()
    out = []
    for i, h in enumerate(names, start=1):
        out.append(h if h and h not in seen else f"column {i}")
        seen.add(out[-1])
    return tuple(out)


def _icews(name: str, path: Path, first: str, newline: str) -> Layout:
    header = _header(first)
    missing = [c for c in ICEWS_USED if c not in header]
    if missing:
        raise EventFormatError(f"{name}:1: not an ICEWS event file: the header lacks {', '.join(missing)} "
                               f"(expected the 20 named columns of an ICEWS .tab file: {', '.join(ICEWS_COLUMNS)})"
                               f"{_comma_hint(first)}")
    return Layout("icews", name, path, header, ICEWS_USED, header=True, newline=newline)


def _polecat(name: str, path: Path, first: str, newline: str) -> Layout:
    header = _header(first)
    keys = {_key(h) for h in header}
    missing = [c for c in POLECAT_REQUIRED if _key(c) not in keys]
    if missing:
        raise EventFormatError(f"{name}:1: not a POLECAT export: the header lacks {', '.join(missing)} "
                               f"(expected tab-separated columns including {', '.join(POLECAT_REQUIRED)}, "
                               f"or PLOVER JSON records){_comma_hint(first)}")
    wanted = {_key(c) for c in (*POLECAT_REQUIRED, *POLECAT_OPTIONAL, *POLECAT_SOURCE)}
    used = tuple(h for h in header if _key(h) in wanted)
    return Layout("polecat", name, path, header, used, header=True, newline=newline)


# ---- PLOVER JSON records ------------------------------------------------------------

PLOVER_RECORD_COLUMNS = ("_row", "_structural", "id", "date", "event", "mode", "source_code", "target_code",
                         "source_text", "target_text", "url")


def _actors(value) -> list[dict]:
    if isinstance(value, list):
        return [a for a in value if isinstance(a, dict)]
    if isinstance(value, dict):
        return [value]
    return []  # PLOVER writes "" (or a word) where an event has no coded target


_UNDECODED = re.compile("[\udc80-\udcff]")  # what "surrogateescape" makes of a byte that is not UTF-8
_NOT_UTF8 = "encoding: not valid UTF-8"


def _undecoded(value) -> bool:
    """Whether a JSON value holds, in any key or string, a byte that was not UTF-8."""
    if isinstance(value, str):
        return _UNDECODED.search(value) is not None
    if isinstance(value, dict):
        return any(_undecoded(k) or _undecoded(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_undecoded(v) for v in value)
    return False


def _plover_records(path: Path, name: str) -> pd.DataFrame:
    """PLOVER JSON (an array of records, or one record per line) -> one row per (source, target) pair.

    A file named ``.jsonl`` or ``.ndjson`` is JSON Lines; another is an array when it
    opens with ``[``.

    ``_row`` is the record's number in an array, or its line in JSON Lines. A record
    with compound actors gives one row per source and target pair; one without a
    coded target gives one row with an empty target (not a dyad, so never counted
    for a target). ``DOCUMENT`` records are PLOVER's in-file documentation and are
    not events. A record that is not a JSON object, or not valid JSON (a line of JSON
    Lines), or that holds a byte that is not UTF-8 gives one row with its problem in
    ``_structural``; the other checks (``normalize``) read only fields of the record,
    so the rows of one record are sound or malformed together.
    """
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    # -sig: a byte order mark is dropped; a byte that is not UTF-8 becomes a lone surrogate, found below.
    with opener(path, "rt", encoding="utf-8-sig", errors="surrogateescape") as f:
        text = f.read()
    rows: list[tuple] = []
    undecoded = _UNDECODED.search(text) is not None
    if _json_suffix(path) not in (".jsonl", ".ndjson") and text.lstrip().startswith("["):  # else JSON Lines
        try:
            numbered = list(enumerate(json.loads(text), start=1))
        except json.JSONDecodeError as e:
            raise EventFormatError(f"{name}:{e.lineno}: not valid JSON: {e.msg}") from None
        items: list[tuple[int, Any, str | None]] = [
            (n, record, _NOT_UTF8 if undecoded and _undecoded(record) else None) for n, record in numbered]
    else:
        items = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if undecoded and _UNDECODED.search(line):
                items.append((n, None, _NOT_UTF8))
                continue
            try:
                items.append((n, json.loads(line), None))
            except json.JSONDecodeError as e:
                items.append((n, None, f"record: not valid JSON: {e.msg}"))
    for n, record, problem in items:
        if problem is None and not isinstance(record, dict):
            problem = "record: expected a JSON object"
        if problem is not None:
            rows.append((n, problem, "", "", "", "", "", "", "", "", ""))
            continue
        if record.get("event") == "DOCUMENT":
            continue
        sources = _actors(record.get("source")) or [{}]
        targets = _actors(record.get("target")) or [{}]
        url = record.get("url") or record.get("sourceURL") or ""
        if not url:
            publication = str(record.get("publication") or "").strip()
            url = f"{publication} ({record.get('id', '')})" if publication else ""
        for s in sources:
            for t in targets:
                rows.append((n, None, str(record.get("id") or ""), str(record.get("date") or ""),
                             str(record.get("event") or ""), str(record.get("mode") or ""),
                             str(s.get("code") or ""), str(t.get("code") or ""),
                             str(s.get("actorText") or ""), str(t.get("actorText") or ""), str(url)))
    frame = pd.DataFrame(rows, columns=list(PLOVER_RECORD_COLUMNS))
    frame = frame.astype({c: "str" for c in PLOVER_RECORD_COLUMNS[2:]})  # text even when no record is read
    frame["_row"] = frame["_row"].astype("int64")
    frame["_structural"] = frame["_structural"].astype(object)
    frame.insert(1, "_file", str(path))  # the file a row comes from, as engines give it for text files
    return frame
