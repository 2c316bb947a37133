"""Storage of the ledger in SQLite (default) or PostgreSQL, through SQLAlchemy 2.

Nothing is updated in place: an import appends revisions. An act whose id is
new is added; an act whose id exists with the same content is left alone (so
importing a file twice changes nothing); an act whose id exists with other
content is a correction: a new revision that supersedes the current one.
Imports are all or nothing and run one at a time (an exclusive transaction on
SQLite, a table lock on PostgreSQL), so two concurrent importers lose nothing.
Reads never take the write lock: on SQLite only writes open their transaction
with ``BEGIN IMMEDIATE``. A write lock held by another process for longer than
``lock_timeout`` is ``DatabaseBusy``; every other failure of the database
itself is ``DatabaseUnavailable``. SQLite files that pariah makes carry its
``application_id``; another application's file is refused, never altered.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, event, exc, func, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from pariah import case as case_module
from pariah.case import Case
from pariah.exceptions import (CannotWrite, CaseConflict, DatabaseBusy, DatabaseUnavailable, ForeignDatabase,
                               ImportRejected, InvalidArgument, PariahError, UnknownAct, UnknownCase)
from pariah.ledger import exchange
from pariah.ledger.schema import EXCHANGE_COLUMNS, acts, cases, meta

BATCH = 50_000
Progress = Callable[[int, int], None]


#: The newest migration (a test checks it against Alembic's own head).
HEAD = "0004"
#: The key of the PostgreSQL advisory lock taken while migrating ("pariah" in ASCII).
MIGRATION_LOCK = 0x706172696168
#: ``PRAGMA application_id`` of the SQLite files pariah makes ("pari" in ASCII).
APPLICATION_ID = 0x70617269
#: Seconds a write waits for another process's write lock before giving up with ``DatabaseBusy``.
LOCK_TIMEOUT = 60.0


def default_url() -> str:
    """``$PARIAH_DB``, else a SQLite file in the user's data directory."""
    url = os.environ.get("PARIAH_DB")
    if url:
        return url
    import platformdirs

    folder = Path(platformdirs.user_data_dir("pariah", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'pariah.sqlite'}"


@dataclasses.dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    corrected: int
    unchanged: int
    dry_run: bool = False


def _memory(url: str) -> bool:
    return url in ("sqlite://", "sqlite:///:memory:")


def _shown(url: str) -> str:
    """A database URL as a message shows it: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: nothing to hide
        return url


def _engine(url: str, lock_timeout: float) -> Engine:
    shown = _shown(url)
    if url.startswith("sqlite"):
        memory = _memory(url)
        engine = create_engine(
            url,
            connect_args={"timeout": lock_timeout, "check_same_thread": False},
            poolclass=StaticPool if memory else None,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi, _record):
            # Let SQLAlchemy, not the driver, open transactions (see _begin).
            dbapi.isolation_level = None
            cursor = dbapi.cursor()
            if not memory:
                # WAL (set once the file is known to be pariah's: Ledger._claim) with synchronous=NORMAL
                # stays consistent after a crash; a bigger page cache keeps the act-id index in memory
                # during large imports.
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # A write takes the write lock at once, so that concurrent writers queue instead of failing
            # half-way; a read takes none, so that it is never kept waiting by a writer (WAL).
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")
    else:
        engine = create_engine(url)

    @event.listens_for(engine, "handle_error")
    def _translate(context):
        """The database's own failures as pariah's errors, in one place for every query."""
        if not isinstance(context.sqlalchemy_exception, exc.OperationalError):
            return None
        original = context.original_exception
        reason = str(original).strip().splitlines()[0] if str(original).strip() else original.__class__.__name__
        if "database is locked" in reason or getattr(original, "sqlstate", None) == "55P03":
            raise DatabaseBusy(f"database {shown} is busy: another process has held its write lock for over "
                               f"{lock_timeout:g} s; try again later")
        raise DatabaseUnavailable(f"database {shown}: {reason}")

    return engine


class Ledger:
    """A connection to one pariah database.

    ``url`` is a SQLAlchemy URL (``sqlite:///file``, ``sqlite://`` for memory,
    ``postgresql+psycopg://...``); ``None`` means ``default_url()``. The schema
    is created or upgraded with Alembic on opening. With ``bundled=True`` the
    bundled cases are loaded, and loaded again (as revisions) when the bundled
    data change. A write waits up to ``lock_timeout`` seconds (default
    ``LOCK_TIMEOUT``) for another process's write lock, then raises ``DatabaseBusy``.
    """

    def __init__(self, url: str | None = None, *, bundled: bool = True, lock_timeout: float | None = None):
        if url is not None and not url.strip():
            raise InvalidArgument("url: the database URL is empty; give one such as sqlite:///pariah.sqlite, "
                                  "or none for the default database")
        if url is not None and "://" not in url:
            raise InvalidArgument(f"url: {url!r} is not a database URL; a SQLite file is sqlite:///{url}, "
                                  "a PostgreSQL database postgresql+psycopg://HOST/NAME")
        self.url = url if url is not None else default_url()
        self.lock_timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        try:
            self.engine = _engine(self.url, self.lock_timeout)
            self._writer = self.engine.execution_options(write=True)
            self._claim()
            self._migrate()
        except PariahError:
            raise
        except Exception as e:
            raise DatabaseUnavailable(f"cannot open database {_shown(self.url)}: {e.__class__.__name__}: {str(e).splitlines()[0]}") from None
        if bundled:
            self.sync_bundled()

    def _claim(self) -> None:
        """Make sure a SQLite file is pariah's (its ``application_id``), or new, before anything is written to it.

        A file with another application id, or with tables but not pariah's, is refused. A pariah
        file made before the id existed (pariah's tables, no id) is stamped."""
        if self.engine.dialect.name != "sqlite" or _memory(self.url):
            return
        with self.engine.connect() as conn:
            found = conn.exec_driver_sql("PRAGMA application_id").scalar()
            tables = set(inspect(conn).get_table_names()) if found != APPLICATION_ID else set()
        shown = make_url(self.url).database
        if found and found != APPLICATION_ID:
            raise ForeignDatabase(f"{shown}: a SQLite database of another application (application_id {found:#x}); "
                                  "give pariah a database file of its own")
        if tables and not {"acts", "cases"} <= tables:
            raise ForeignDatabase(f"{shown}: a SQLite database with other tables ({', '.join(sorted(tables)[:5])}); "
                                  "give pariah a database file of its own")
        with self.engine.connect() as conn:
            # outside any transaction (SQLite changes the journal mode only there); persistent in the file
            conn.connection.dbapi_connection.execute("PRAGMA journal_mode=WAL")  # type: ignore[union-attr]
        if found != APPLICATION_ID:
            with self._writer.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")

    def _migrate(self) -> None:
        """Bring the schema to ``HEAD`` with Alembic, unless it is there already (a plain query, so
        that opening an up-to-date database does not load Alembic). On PostgreSQL the upgrade runs under
        an advisory lock, so that processes opening a new database at once do not race."""
        if self._revision() == HEAD:
            return
        from alembic import command
        from alembic.config import Config

        config = Config(str(resources.files("pariah.ledger").joinpath("alembic.ini")))
        with self._writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def _revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def close(self) -> None:
        self.engine.dispose()

    # ---- cases -------------------------------------------------------------

    def cases(self) -> list[Case]:
        with self.engine.connect() as conn:
            rows: list[str] = list(conn.execute(select(cases.c.definition).order_by(cases.c.id)).scalars().all())
        return [Case.from_json(r) for r in rows]

    def case(self, case_id: str) -> Case:
        if not isinstance(case_id, str) or "\x00" in case_id or len(case_id) > 64:
            # no case has such an id, and PostgreSQL refuses a NUL in a query: answer as for any unknown id
            raise UnknownCase(repr(case_id)[1:-1][:64], [c.id for c in self.cases()])
        with self.engine.connect() as conn:
            row = conn.execute(select(cases.c.definition).where(cases.c.id == case_id)).scalar()
        if row is None:
            raise UnknownCase(case_id, [c.id for c in self.cases()])
        return Case.from_json(row)

    def case_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(cases.c.id)).scalars())

    def add_case(self, case: Case, *, replace: bool = True) -> bool:
        """Register a case; returns True when something changed."""
        with self._writer.begin() as conn:
            return self._put_case(conn, case, replace)

    def _put_case(self, conn: Connection, case: Case, replace: bool) -> bool:
        old = conn.execute(select(cases.c.definition).where(cases.c.id == case.id)).scalar()
        definition = case.to_json()
        if old == definition:
            return False
        if old is not None and not replace:
            raise CaseConflict(f"case {case.id!r} exists with another definition; replace it with replace=True ('cases add --replace')")
        values = dict(id=case.id, name=case.name, target=case.target, start=case.start, end=case.end,
                      definition=definition, recorded_at=_now())
        if old is None:
            conn.execute(insert(cases).values(**values))
        else:
            conn.execute(cases.update().where(cases.c.id == case.id).values(**values))
        return True

    def act_counts(self) -> dict[str, int]:
        current = self._current_query()
        with self.engine.connect() as conn:
            rows = conn.execute(select(current.c.case_id, func.count()).group_by(current.c.case_id)).all()
        return dict(rows)

    # ---- import ------------------------------------------------------------

    def import_files(self, paths: Iterable[str | Path], *, case: str | None = None, dry_run: bool = False,
                     fmt: str | None = None, progress: Progress | None = None,
                     extra_cases: Iterable[Case] = ()) -> ImportResult:
        """Validate every file, then append their acts in one transaction, or raise ``ImportRejected``."""
        parsed, problems = [], []
        for path in paths:
            rows, bad = exchange.read(path, fmt)
            problems.extend(bad)
            if rows is not None:
                parsed.append(rows)
        return self._import(parsed, problems, case, dry_run, progress, list(extra_cases))

    def import_records(self, records: list[dict], *, name: str = "<request>", case: str | None = None,
                       dry_run: bool = False) -> ImportResult:
        """Import acts given as dicts of exchange-format columns, with exactly the checks of a file import.

        Problems read ``NAME:N: column: message`` where N counts records from 1.
        """
        problems = []
        for n, record in enumerate(records, start=1):
            unknown = [k for k in record if k not in EXCHANGE_COLUMNS]
            if unknown:
                problems.append(f"{name}:{n}: {unknown[0]}: unknown column; expected {', '.join(EXCHANGE_COLUMNS)}")
            problems.extend(exchange.record_problems(record, f"{name}:{n}"))
        if problems:
            raise ImportRejected(problems)
        columns = {c: [(r.get(c) or "") for r in records] for c in EXCHANGE_COLUMNS}
        rows = exchange.Rows(name, columns, list(range(1, len(records) + 1)))
        return self._import([rows], [], case, dry_run, None, [])

    def _import(self, parsed: list, problems: list[str], case: str | None, dry_run: bool,
                progress: Progress | None, extra_cases: list[Case]) -> ImportResult:
        definitions = {c.id: c for c in self.cases()} | {c.id: c for c in extra_cases}
        frames = []
        for rows in parsed:
            frame, bad = exchange.validate(rows, set(definitions), case)
            problems.extend(bad or _audit_errors(frame, definitions))
            frames.append(frame)
        if problems:
            raise ImportRejected(problems)
        frames = [f for f in frames if not f.empty]
        if not frames and not extra_cases:
            return ImportResult(0, 0, 0, 0, dry_run)
        frame = pd.concat(frames, ignore_index=True) if frames else None
        if frame is not None:
            frame, problems = exchange.duplicates(frame)
            if problems:
                raise ImportRejected(problems)
        with self._writer.connect() as conn:
            with conn.begin() as tx:
                self._lock(conn)
                for c in extra_cases:
                    self._put_case(conn, c, True)
                result = self._append(conn, frame, progress) if frame is not None else ImportResult(0, 0, 0, 0)
                if dry_run:
                    tx.rollback()
        return dataclasses.replace(result, dry_run=dry_run)

    def _lock(self, conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL lock_timeout = {int(self.lock_timeout * 1000)}"))
            conn.execute(text("LOCK TABLE acts IN SHARE ROW EXCLUSIVE MODE"))

    def _append(self, conn: Connection, frame: pd.DataFrame, progress: Progress | None) -> ImportResult:
        existing = self._existing(conn, frame["act_id"])
        same = np.zeros(len(frame), dtype=bool)
        new = ~frame["act_id"].isin(existing["act_id"]).to_numpy()
        if existing.empty:
            todo = frame.assign(supersedes=pd.array([pd.NA] * len(frame), dtype="Int64"))
        else:
            merged = frame.merge(existing, on="act_id", how="left", suffixes=("", "_old"))
            old = merged.loc[~new]
            equal = np.ones(len(old), dtype=bool)
            for column in exchange.CONTENT:
                equal &= (old[column].fillna("") == old[f"{column}_old"].fillna("")).to_numpy()
            same[~new] = equal
            todo = merged[~same].assign(supersedes=lambda f: f["rev"].astype("Int64"))
        names = ["act_id", "case_id", "date", "day", "actor", "act", "description", "source", "confidence",
                 "known_from", "known_on", "supersedes"]
        self._insert(conn, todo[names], _now(), progress)
        return ImportResult(len(frame), int(new.sum()), int((~new & ~same).sum()), int(same.sum()))

    def _existing(self, conn: Connection, ids: pd.Series) -> pd.DataFrame:
        """Current revision and content of those of ``ids`` the ledger already holds."""
        columns = ["act_id", "rev", *exchange.CONTENT]
        current = self._current_query()
        revs = pd.DataFrame(conn.execute(select(current.c.act_id, current.c.rev)).all(), columns=["act_id", "rev"])
        revs = revs[revs["act_id"].isin(ids)]
        rows: list[Any] = []
        for start in range(0, len(revs), 500):
            chunk = [int(r) for r in revs["rev"].iloc[start:start + 500]]
            rows += conn.execute(select(*(acts.c[c] for c in columns)).where(acts.c.rev.in_(chunk))).all()
        return pd.DataFrame(rows, columns=columns)

    @staticmethod
    def _insert(conn: Connection, rows: pd.DataFrame, now: dt.datetime, progress: Progress | None) -> None:
        """Append revisions in batches. Dates travel as ISO text: SQLite stores them so, PostgreSQL casts them."""
        names = list(rows.columns)
        total = len(rows)
        starts = list(range(0, total, BATCH))
        if conn.dialect.name == "sqlite":
            # One JSON document per batch, unpacked by SQLite itself: binding a million rows
            # one parameter at a time costs more than the insert. The next batch's document is
            # made in a thread while SQLite (which releases the GIL) inserts the current one.
            from concurrent.futures import ThreadPoolExecutor

            picks = ", ".join(f"value->>{i}" for i in range(len(names)))
            stamp = now.isoformat(" ", "microseconds")  # the text form of SQLAlchemy's SQLite DateTime
            statement = f"INSERT INTO acts ({', '.join(names)}, recorded_at) SELECT {picks}, '{stamp}' FROM json_each(?)"

            def document(start: int) -> str:
                return rows.iloc[start:start + BATCH].to_json(orient="values", force_ascii=False)

            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = pool.submit(document, starts[0]) if starts else None
                for i, start in enumerate(starts):
                    assert pending is not None
                    doc = pending.result()
                    if i + 1 < len(starts):
                        pending = pool.submit(document, starts[i + 1])
                    conn.exec_driver_sql(statement, (doc,))
                    if progress:
                        progress(min(start + BATCH, total), total)
            return
        for start in starts:
            batch = rows.iloc[start:start + BATCH].astype(object)
            records = [dict(zip(names, row), recorded_at=now) for row in batch.itertuples(index=False)]
            for record in records:
                record["supersedes"] = None if pd.isna(record["supersedes"]) else int(record["supersedes"])
                if record["known_from"] is not None and pd.isna(record["known_from"]):
                    record["known_from"] = None
            conn.execute(insert(acts), records)
            if progress:
                progress(min(start + BATCH, total), total)

    # ---- reading -----------------------------------------------------------

    def _current_query(self, case_id: str | None = None):
        latest = select(func.max(acts.c.rev).label("rev")).group_by(acts.c.act_id)
        if case_id is not None:
            ids = select(acts.c.act_id).where(acts.c.case_id == case_id)
            latest = latest.where(acts.c.act_id.in_(ids))
        newest = latest.subquery()
        query = select(acts).join(newest, acts.c.rev == newest.c.rev)
        if case_id is not None:
            query = query.where(acts.c.case_id == case_id)
        return query.subquery()

    def acts(self, case_id: str | None = None, *, known_on: dt.date | None = None) -> pd.DataFrame:
        """The current revision of every act (of one case), sorted by date.

        Columns: ``act_id, case_id, date, day, actor, act, description, source,
        confidence, known_from, known_on, rev, recorded_at``. With ``known_on``
        only acts public by that date.
        """
        if case_id is not None:
            self.case(case_id)
        current = self._current_query(case_id)
        query = select(current)
        if known_on is not None:
            query = query.where(current.c.known_on <= known_on)
        with self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in acts.columns])
        for column in ("day", "known_on"):
            frame[column] = pd.to_datetime(frame[column]).dt.date
        return frame.sort_values(["case_id", "day", "actor", "act", "act_id"], kind="stable").reset_index(drop=True)

    def history(self, act_id: str) -> pd.DataFrame:
        """Every revision of one act, oldest first."""
        if "\x00" in act_id:
            raise UnknownAct(repr(act_id)[1:-1])
        with self.engine.connect() as conn:
            rows = conn.execute(select(acts).where(acts.c.act_id == act_id).order_by(acts.c.rev)).mappings().all()
        if not rows:
            raise UnknownAct(act_id)
        return pd.DataFrame(rows)

    def export_frame(self, case_id: str | None = None) -> pd.DataFrame:
        """Current acts as exchange-format strings, in a stable order."""
        return exchange_frame(self.acts(case_id))

    def digest(self, case_id: str | None = None) -> str:
        """A content hash of the current acts (of one case): ``sha256:`` and 64 hex digits.

        It is the SHA-256 of the canonical CSV export, so the same ledger gives
        the same digest on any machine and engine, and any revision changes it.
        Citations quote it; forecast caches are keyed by it.

        >>> ledger = Ledger("sqlite://")
        >>> ledger.digest("taliban-2021") == ledger.digest("taliban-2021")
        True
        >>> ledger.digest("taliban-2021")[:7]
        'sha256:'
        """
        return acts_digest(self.acts(case_id))

    def export(self, path: str | Path | None, *, case_id: str | None = None, fmt: str = "csv", stream=None) -> int:
        """Write current acts to ``path`` (or ``stream``); returns the row count.

        The file is written next to its destination and moved in place, so a
        failed export (a full disk, say) never leaves half a file. A link is
        followed: the file it points to is replaced and the link kept. A
        destination that is not a regular file (a folder, a device, a pipe) is
        refused, as is one in a folder that does not exist.
        """
        if path is None:
            if fmt == "parquet":
                raise InvalidArgument("parquet export needs a file to write (path; '-o FILE')")
            frame = self.export_frame(case_id)
            exchange.write(frame, stream, fmt)
            return len(frame)
        target = _export_target(Path(path))
        frame = self.export_frame(case_id)
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        try:
            if fmt == "parquet":
                exchange.write_parquet(frame, tmp)
            else:
                with open(tmp, "x", encoding="utf-8", newline="") as f:
                    exchange.write(frame, f, fmt)
                    f.flush()
                    os.fsync(f.fileno())
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            os.replace(tmp, target)
        except OSError as e:
            raise CannotWrite(f"cannot write {path}: {e.strerror or e}; nothing was written") from None
        finally:
            tmp.unlink(missing_ok=True)
        return len(frame)

    # ---- bundled data ------------------------------------------------------

    def sync_bundled(self) -> bool:
        """Load the bundled cases when the database has not seen this version of them."""
        from pariah import cases as bundled

        stamp = bundled.fingerprint()
        with self.engine.connect() as conn:
            seen = conn.execute(select(meta.c.value).where(meta.c.key == "bundled")).scalar()
        if seen == stamp:
            return False
        files = bundled.bundled_files()
        definitions = [case_module.load(y) for y, _ in files]
        self.import_files([c for _, c in files if c is not None], extra_cases=definitions)
        with self._writer.begin() as conn:
            conn.execute(meta.delete().where(meta.c.key == "bundled"))
            conn.execute(insert(meta).values(key="bundled", value=stamp))
        return True


def _export_target(path: Path) -> Path:
    """The regular file an export replaces: ``path``, or the file its links lead to."""
    real = Path(os.path.realpath(path))
    if real.is_dir():
        raise InvalidArgument(f"{path}: is a folder; give a file name such as {path / 'acts.csv'}")
    if real.exists() and not real.is_file():
        raise InvalidArgument(f"{path}: not a regular file (a device or pipe); give a file name, "
                              "or no path to write to the stream (standard output)")
    if not real.parent.is_dir():
        raise InvalidArgument(f"{path}: the folder {real.parent} does not exist; create it first")
    return real


def _audit_errors(frame: pd.DataFrame, cases: dict[str, Case]) -> list[str]:
    """What ``pariah audit`` calls an error, as import problems (``FILE:LINE: column: message``)."""
    from pariah.ledger.audit import COLUMN_OF, row_errors

    found = sorted(row_errors(frame, cases), key=lambda e: e[0])
    return [f"{frame['file'].iat[i]}:{frame['line'].iat[i]}: {COLUMN_OF[check]}: {message} ({check})"
            for i, check, message in found]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def exchange_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Acts (a ``Ledger.acts`` frame, in its order) as exchange-format strings."""
    out = pd.DataFrame({
        "case": frame["case_id"], "date": frame["date"], "actor": frame["actor"], "act": frame["act"],
        "description": frame["description"], "source": frame["source"], "confidence": frame["confidence"],
        "known_from": frame["known_from"].fillna(""), "id": frame["act_id"],
    })
    return out[list(EXCHANGE_COLUMNS)].astype(str)


def acts_digest(frame: pd.DataFrame) -> str:
    """``Ledger.digest`` of a ``Ledger.acts`` frame: ``sha256:`` and the SHA-256 of its canonical CSV export."""
    import hashlib
    import io

    buffer = io.StringIO()
    exchange.write(exchange_frame(frame), buffer, "csv")
    return "sha256:" + hashlib.sha256(buffer.getvalue().encode("utf-8")).hexdigest()
