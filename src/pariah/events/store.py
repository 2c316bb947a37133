"""Event data in the database beside the ledger: ingest, and the tables it fills.

``ingest`` reads event files on an engine, keeps the target's dyadic events
(``events``, one row per event, for candidate acts and re-aggregation), and
stores their aggregates per state, month and direction (``event_months``, and
``event_categories`` by CAMEO root or PLOVER category). Ingesting a file twice
changes nothing: an event already held (same target, dataset and event id) is
not added again, and the aggregates of every month an ingest touches are
recomputed from all the events held for it. The tables are created by the
Alembic migration ``0002_events``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd
from sqlalchemy import (BigInteger, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData,
                        PrimaryKeyConstraint, SmallInteger, String, Table, Text, UniqueConstraint, delete, insert,
                        select, text)
from sqlalchemy.engine import Connection

from pariah import reference
from pariah.events import formats, normalize, pipeline
from pariah.events.engines import open_engine
from pariah.exceptions import EngineUnavailable, InvalidArgument, MalformedEvents

#: Problems kept for the report (every one is counted).
MAX_PROBLEMS = 10_000
#: Bytes of files read in one scan, at most (a single larger file is read alone): what one scan keeps
#: of the target's rows stays small however large the files are.
SCAN_BYTES = 512 * 2**20
_TARGET = re.compile(r"^[A-Z]{3}([A-Z0-9]{3})*$")

metadata = MetaData()

event_files = Table(
    "event_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(16), nullable=False),
    Column("dataset", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("malformed", Integer, nullable=False),
    Column("engine", String(16), nullable=False),
    Column("ingested_at", DateTime, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(16), nullable=False),
    Column("dataset", String(16), nullable=False),
    Column("event_id", String(160), nullable=False),
    Column("day", Date, nullable=False),
    Column("month", Date, nullable=False),
    Column("direction", String(12), nullable=False),
    Column("state", String(3), nullable=False),
    Column("actor1", Text, nullable=False),
    Column("actor2", Text, nullable=False),
    Column("code", String(16), nullable=False),
    Column("category", String(16), nullable=False),
    Column("mode", String(32), nullable=False),
    Column("quad", SmallInteger, nullable=False),
    Column("goldstein", Float),
    Column("source", Text, nullable=False),
    Column("file_id", Integer, ForeignKey("event_files.id"), nullable=False),
    UniqueConstraint("target", "dataset", "event_id", name="uq_events_event"),
    Index("ix_events_target_month", "target", "dataset", "month"),
)

_KEY = ("target", "dataset", "state", "month", "direction")


def _key_columns() -> list[Column]:
    """The key of a monthly table: target, dataset, state, month, direction (fresh Column objects per table)."""
    return [Column("target", String(16), nullable=False), Column("dataset", String(16), nullable=False),
            Column("state", String(3), nullable=False), Column("month", Date, nullable=False),
            Column("direction", String(12), nullable=False)]


event_months = Table(
    "event_months", metadata,
    *_key_columns(),
    *(Column(c, Integer, nullable=False) for c in ("events", "verbal_cooperation", "material_cooperation",
                                                    "verbal_conflict", "material_conflict", "cooperation", "conflict")),
    Column("goldstein_sum", Float),
    Column("goldstein_mean", Float),
    Column("cooperation_score", Float, nullable=False),
    Column("sources", Integer, nullable=False),
    PrimaryKeyConstraint(*_KEY, name="pk_event_months"),
)

event_categories = Table(
    "event_categories", metadata,
    *_key_columns(),
    Column("category", String(16), nullable=False),
    Column("events", Integer, nullable=False),
    PrimaryKeyConstraint(*_KEY, "category", name="pk_event_categories"),
)

EVENT_COLUMNS = ("event_id", "day", "month", "direction", "state", "actor1", "actor2", "code", "category", "mode",
                 "quad", "goldstein", "source")


@dataclasses.dataclass(frozen=True)
class FileReport:
    """One file of an ingest: rows read (blank lines aside), dyadic events found, malformed lines."""

    name: str
    rows: int
    matched: int
    malformed: int


@dataclasses.dataclass(frozen=True)
class IngestResult:
    """What an ingest read and wrote.

    ``problems`` lists malformed lines as ``FILE:LINE: field: message`` (the first
    ``MAX_PROBLEMS``; ``malformed`` counts them all). ``added`` counts events new to
    the database; ``months`` the months whose aggregates were recomputed.
    """

    target: str
    dataset: str
    engine: str
    files: tuple[FileReport, ...]
    rows: int
    matched: int
    added: int
    malformed: int
    problems: tuple[str, ...]
    months: int


def check_target(target: str) -> str:
    """An ISO3 code or a CAMEO actor code (``AFG``, ``TAL``, ``AFGGOV``), upper case."""
    code = (target or "").strip().upper()
    if not _TARGET.match(code):
        raise InvalidArgument(f"bad target {target!r}: expected an ISO3 code (e.g. AFG) or a CAMEO actor code "
                          "(e.g. TAL), letters in groups of three")
    return code


@dataclasses.dataclass
class _Scan:
    report: FileReport
    dyads: pd.DataFrame
    problems: list[tuple[int, str]]


def _dates(frame: pd.DataFrame, columns=("day", "month")) -> pd.DataFrame:
    for column in columns:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _batches(layouts: Iterable[formats.Layout], size) -> Iterator[list[formats.Layout]]:
    """Runs of consecutive files of one shape, at most ``size(layout)`` files and ``SCAN_BYTES`` bytes each (a
    larger file alone), one engine scan apiece (order kept).

    A file is never twice in a run, and records already read (PLOVER JSON) are a run of their own.
    ``layouts`` is read as the runs are taken, so that unzipped copies need only exist one run at a time.
    """
    def shape(layout):
        return (layout.fmt, layout.columns, layout.used, layout.header, layout.newline)

    run: list[formats.Layout] = []
    paths: set[Path] = set()  # of the run
    run_bytes = 0
    for layout in layouts:
        file_bytes = layout.path.stat().st_size if layout.records is None else 0
        if run and (layout.records is not None or run[0].records is not None or len(run) >= size(run[0])
                    or run_bytes + file_bytes > SCAN_BYTES or shape(run[0]) != shape(layout) or layout.path in paths):
            yield run
            run, paths, run_bytes = [], set(), 0
        run.append(layout)
        paths.add(layout.path)
        run_bytes += file_bytes
    if run:
        yield run


def _scan(engine, layouts: list[formats.Layout], target: str, states, plans: dict, room: int) -> list[_Scan]:
    """Files of one shape in one parallel pass, for the kept rows and each file's row count; then, for each file
    with a malformed row, a numbered pass over that file alone.

    ``plans``: the selections built so far in this ingest, by the shape of their files;
    ``room``: how many more problems the ingest lists (past that, malformed rows are
    counted but not located, which spares their files the numbered pass).
    Files of a shape already seen are read through the same raw view name (see
    ``engines``), so their selection is the same expression: built and compiled once.
    """
    first = layouts[0]
    raw = _rows(engine, layouts)
    countries = None
    needed = normalize.countries_needed(first)
    if needed:
        names = raw.select(value=raw[needed[0]])
        for column in needed[1:]:
            names = names.union(raw.select(value=raw[column]))
        countries = normalize.resolve_countries(engine.fetch(names.distinct())["value"].dropna())
    shape = (first.fmt, first.columns, first.used, tuple(sorted((countries or {}).items())))
    selection = plans.get(shape) if first.records is None else None  # records: a table of their own
    if selection is None:
        selection = pipeline.select(normalize.normalize(first, raw, countries), target, states,
                                    lambda t: normalize.finish(first, t))
        if first.records is None:
            plans[shape] = selection
    grouped = engine.fetch(selection)
    unknown = set(grouped["_file"]) - {str(layout.path) for layout in layouts}
    if unknown:  # rows that no file's report would count: never drop them silently
        raise EngineUnavailable(f"the {engine.name} engine read rows of a file it was not given: {sorted(unknown)[0]}")
    structural = engine.structural(layouts, MAX_PROBLEMS) if first.records is None else {}
    by_file = {path: rows for path, rows in grouped.groupby("_file", sort=False)}
    out = []
    for layout in layouts:
        out.append(_file_scan(engine, layout, by_file.get(str(layout.path), grouped.iloc[:0]),
                              structural.get(layout.name, ([], 0)), countries, locate=room > 0))
        room -= len(out[-1].problems)
    return out


def _rows(engine, layouts: list[formats.Layout], numbered: bool = False):
    """The raw rows of files of one shape: records already read (PLOVER JSON) as a table, text files from the
    engine's reader (one file when ``numbered``)."""
    if layouts[0].records is not None:
        return engine.table(layouts[0].records)
    return engine.raw(layouts[0], numbered=True) if numbered else engine.raw_files(layouts)


def _file_scan(engine, layout: formats.Layout, grouped: pd.DataFrame, structural, countries, locate: bool) -> _Scan:
    """One file's report, problems and dyads, from its groups of the scan and the lines its reader set aside."""
    set_aside, unsplit = structural
    problems = list(set_aside)
    bad_rows = int(grouped.loc[grouped["problem"].notna(), "rows"].sum())
    records = layout.records is not None
    # A PLOVER record gives a row per pair of its actors, sound or malformed together: records are counted, and
    # each malformed one listed once (records are in memory, so all of them are numbered).
    read = (int(layout.records["_row"].nunique()) if layout.records is not None
            else int(grouped["rows"].sum()) + unsplit)
    if bad_rows and (locate or records):
        # Line numbers need the rows in file order, which only a second pass over the file gives.
        numbered = _rows(engine, [layout], numbered=True)
        query = pipeline.malformed(normalize.normalize(layout, numbered, countries))
        if records:
            bad = engine.fetch(query).drop_duplicates("_row")
            bad_rows, lines = len(bad), [int(r) for r in bad["_row"]]
        else:
            bad = engine.fetch(query.limit(MAX_PROBLEMS))
            lines = engine.line_of(layout, [int(r) for r in bad["_row"]], set_aside)
        if locate:
            problems += list(zip(lines, bad["problem"]))
    problems = sorted(problems)[:MAX_PROBLEMS]
    dyads = grouped[grouped["_key"].notna() & grouped["problem"].isna() & grouped["direction"].notna()].copy()
    dyads = _dates(dyads)[list(EVENT_COLUMNS)].sort_values("event_id", kind="stable").reset_index(drop=True)
    dyads["quad"] = dyads["quad"].astype(int)
    dyads["goldstein"] = pd.to_numeric(dyads["goldstein"], errors="coerce").astype(float)
    return _Scan(FileReport(layout.name, read, len(dyads), bad_rows + unsplit), dyads, problems)


def ingest(ledger, files: Iterable[str | Path], *, fmt: str, target: str, engine: str = "duckdb",
           spark_master: str | None = None, strict: bool = False, memory_limit: str | None = None,
           threads: int | None = None) -> IngestResult:
    """Read event files, keep the target's dyadic events, store them and their monthly aggregates.

    ``fmt``: ``gdelt1``, ``gdelt2``, ``icews`` or ``polecat`` (see ``formats``).
    ``target``: an ISO3 code or a CAMEO actor code. ``engine``: ``duckdb`` (default)
    or ``spark`` (``spark_master``: a cluster URL; local mode by default).
    ``memory_limit`` (default ``1GB``; DuckDB spills to disk beyond it) and
    ``threads`` (default: every core) bound the DuckDB engine.

    Malformed lines are counted and reported in the result, never dropped silently;
    with ``strict=True`` any malformed line raises ``MalformedEvents`` and nothing is
    written. A file that is not in format ``fmt`` at all raises ``EventFormatError``.
    """
    target = check_target(target)
    paths = list(files)
    if not paths:
        raise InvalidArgument("no event files given")
    if spark_master and engine != "spark":
        raise InvalidArgument(f"spark_master needs engine='spark' (the engine is {engine})")
    paths = formats.expand_paths(paths)  # a missing file fails at once; one in another format when reached
    with tempfile.TemporaryDirectory(prefix="pariah-events-") as tmp, \
            open_engine(engine, spark_master=spark_master, memory_limit=memory_limit, threads=threads) as eng:
        layouts = (layout for p in paths for layout in formats.open_files(p, fmt, Path(tmp)))
        plans: dict = {}
        states = eng.table(pd.DataFrame({"state": list(reference.state_codes())})).state
        scans: list[_Scan] = []
        listed = 0  # problems located so far
        for batch in _batches(layouts, eng.scan_size):
            found = _scan(eng, batch, target, states, plans, MAX_PROBLEMS - listed)
            listed += sum(len(s.problems) for s in found)
            scans += found
            for layout in batch:
                if layout.packed:  # an unzipped copy, read for the last time
                    layout.path.unlink(missing_ok=True)
        problems = [f"{s.report.name}:{line}: {message}" for s in scans for line, message in s.problems]
        malformed = sum(s.report.malformed for s in scans)
        if strict and malformed:
            shown = problems[:MAX_PROBLEMS]
            more = [f"... and {malformed - len(shown)} more malformed lines"] if malformed > len(shown) else []
            raise MalformedEvents(shown + more)
        with ledger.engine.connect() as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"))
            now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            frames = []
            for scan in scans:
                file_id = conn.execute(insert(event_files).values(
                    target=target, dataset=fmt, path=scan.report.name, rows=scan.report.rows,
                    matched=scan.report.matched, malformed=scan.report.malformed, engine=eng.name,
                    ingested_at=now).returning(event_files.c.id)).scalar_one()
                frames.append(scan.dyads.assign(file_id=file_id))
            dyads = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*EVENT_COLUMNS, "file_id"])
            months = sorted(set(dyads["month"]))
            held = _held_events(conn, target, fmt, months)
            new = dyads[~dyads["event_id"].isin(held["event_id"])].drop_duplicates(subset=["event_id"])
            if len(new):
                _bulk_insert(conn, events, new.assign(target=target, dataset=fmt))
            added = len(new)
            _refresh(conn, eng, target, fmt, months, pd.concat([held, new[held.columns]], ignore_index=True))
    return IngestResult(
        target=target, dataset=fmt, engine=eng.name, files=tuple(s.report for s in scans),
        rows=sum(s.report.rows for s in scans), matched=sum(s.report.matched for s in scans), added=added,
        malformed=malformed, problems=tuple(problems[:MAX_PROBLEMS]), months=len(months),
    )


def _bulk_insert(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """Insert a DataFrame's rows with one executemany per batch (dates as ISO text on SQLite)."""
    names = list(frame.columns)
    columns = {}
    for name in names:
        values = frame[name].astype(object).where(frame[name].notna(), None)
        if conn.dialect.name == "sqlite" and isinstance(table.c[name].type, Date):
            values = values.map(lambda d: d.isoformat() if d is not None else None)
        columns[name] = values.tolist()
    rows = list(zip(*(columns[n] for n in names)))
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f'INSERT INTO {table.name} ({", ".join(chr(34) + n + chr(34) for n in names)}) '
           f'VALUES ({", ".join([mark] * len(names))})')
    for start in range(0, len(rows), 50_000):
        conn.exec_driver_sql(sql, rows[start:start + 50_000])


_HELD = ["event_id", "state", "month", "direction", "category", "quad", "goldstein", "source"]


def _held_events(conn: Connection, target: str, dataset: str, months: list[dt.date]) -> pd.DataFrame:
    """The events already held for ``months``: what an ingest must not add again, and must aggregate with."""
    rows: list[Any] = []
    for start in range(0, len(months), 200):
        rows += conn.execute(select(*(events.c[c] for c in _HELD)).where(
            events.c.target == target, events.c.dataset == dataset,
            events.c.month.in_(months[start:start + 200]))).all()
    frame = _dates(pd.DataFrame(rows, columns=_HELD), ("month",))
    frame["quad"] = frame["quad"].astype("int8")
    frame["goldstein"] = frame["goldstein"].astype(float)
    return frame


def _refresh(conn: Connection, engine, target: str, dataset: str, months: list[dt.date], held: pd.DataFrame) -> None:
    """Replace the aggregates of ``months`` by those of ``held``, every event held for them, computed on ``engine``."""
    if not months:
        return
    table = engine.table(held.drop(columns=["event_id"]))
    monthly = _dates(engine.fetch(pipeline.monthly(table)), ("month",))
    counts = _dates(engine.fetch(pipeline.categories(table)), ("month",))
    for start in range(0, len(months), 200):
        chunk = months[start:start + 200]
        for t in (event_months, event_categories):
            conn.execute(delete(t).where(t.c.target == target, t.c.dataset == dataset, t.c.month.in_(chunk)))
    for t, frame in ((event_months, monthly), (event_categories, counts)):
        if not frame.empty:
            _bulk_insert(conn, t, frame.assign(target=target, dataset=dataset))


# ---- reading -------------------------------------------------------------------------

def _period(ledger, case_id: str, start, end):
    from pariah.dates import to_date

    case = ledger.case(case_id)
    first = to_date(start) or case.start
    last = to_date(end, end=True) if end else case.end
    return case, first, last


def _read(ledger, table: Table, case_id: str, dataset, start, end, state, direction, target=None) -> pd.DataFrame:
    case, first, last = _period(ledger, case_id, start, end)
    target = check_target(target) if target else case.target
    query = select(table).where(table.c.target == target, table.c.month >= first.replace(day=1))
    if last is not None:
        query = query.where(table.c.month <= last)
    if dataset:
        query = query.where(table.c.dataset == dataset)
    if state:
        query = query.where(table.c.state == state.upper())
    if direction:
        query = query.where(table.c.direction == direction)
    with ledger.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in table.columns])
    return _dates(frame, ("month", "day"))


def aggregates(ledger, case_id: str, *, dataset: str | None = None, start=None, end=None, state: str | None = None,
               direction: str | None = None, target: str | None = None) -> pd.DataFrame:
    """Monthly event aggregates of a case's target, per state and direction, within the case period.

    ``target`` reads another target's events over the case period (e.g. ``TAL``, the
    Taliban as GDELT codes them, for a case whose target is ``AFG``).

    One row per dataset, state, month (first day) and direction, with the columns
    ``target, dataset, state, month, direction, events, verbal_cooperation,
    material_cooperation, verbal_conflict, material_conflict, cooperation, conflict,
    goldstein_sum, goldstein_mean, cooperation_score, sources`` (see ``pipeline.monthly``).
    """
    frame = _read(ledger, event_months, case_id, dataset, start, end, state, direction, target)
    order = ["dataset", "month", "state", "direction"]
    columns = ["target", "dataset", *pipeline.MONTHLY]
    return frame[columns].sort_values(order, kind="stable").reset_index(drop=True)


def category_counts(ledger, case_id: str, *, dataset: str | None = None, start=None, end=None,
                    state: str | None = None, direction: str | None = None, target: str | None = None) -> pd.DataFrame:
    """Event counts per dataset, state, month, direction and category (CAMEO root or PLOVER category)."""
    frame = _read(ledger, event_categories, case_id, dataset, start, end, state, direction, target)
    columns = ["target", "dataset", *pipeline.CATEGORIES]
    return frame[columns].sort_values(["dataset", "month", "state", "direction", "category"],
                                      kind="stable").reset_index(drop=True)


def stored_events(ledger, case_id: str, *, dataset: str | None = None, start=None, end=None,
                  state: str | None = None, direction: str | None = None, target: str | None = None) -> pd.DataFrame:
    """The dyadic events held for a case's target within the case period, one row per event."""
    frame = _read(ledger, events, case_id, dataset, start, end, state, direction, target)
    _, first, last = _period(ledger, case_id, start, end)
    if len(frame):
        frame = frame[(frame["day"] >= first) & ((frame["day"] <= last) if last else True)]
    return frame.drop(columns=["id"]).sort_values(["day", "dataset", "event_id"], kind="stable").reset_index(drop=True)


def datasets(ledger, target: str) -> list[str]:
    """Datasets holding events of ``target``."""
    with ledger.engine.connect() as conn:
        return sorted(conn.execute(select(event_months.c.dataset).where(event_months.c.target == target)
                                   .group_by(event_months.c.dataset)).scalars())


def file_log(ledger, target: str | None = None) -> pd.DataFrame:
    """Every ingested file: target, dataset, path, rows, matched, malformed, engine, ingested_at."""
    query = select(event_files).order_by(event_files.c.id)
    if target:
        query = query.where(event_files.c.target == target)
    with ledger.engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in event_files.columns])
