"""The database itself: reads that never wait for a writer, a write lock held too long, files that are
pariah's and files that are not, a database that is read-only."""
from __future__ import annotations

import sqlite3
import time

import pytest

from conftest import POSTGRES, act_row, invoke, reset_postgres, write_csv
from pariah.exceptions import DatabaseBusy, ForeignDatabase, InvalidArgument
from pariah.ledger import Ledger, store


@pytest.fixture
def sqlite_file(tmp_path, test_case):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    ledger = Ledger(url, bundled=False, lock_timeout=0.3)
    ledger.add_case(test_case)
    ledger.import_files([write_csv(tmp_path / "a.csv", [act_row()])])
    yield ledger, tmp_path / "p.sqlite"
    ledger.close()


def hold_write_lock(path):
    """Another process's write lock, as a second connection holds it."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta (key, value) VALUES ('held', 'yes')")
    return other


def test_reads_never_wait_for_a_writer(sqlite_file):
    ledger, path = sqlite_file
    other = hold_write_lock(path)
    try:
        started = time.monotonic()
        assert len(ledger.acts("test-case")) == 1 and [c.id for c in ledger.cases()] == ["test-case"]
        assert ledger.export_frame().shape[0] == 1 and ledger.history(ledger.acts()["act_id"][0]).shape[0] == 1
        assert time.monotonic() - started < 0.3  # less than the lock timeout: nothing waited for it
    finally:
        other.rollback()
        other.close()


def test_a_write_lock_held_too_long_is_database_busy_and_nothing_is_written(sqlite_file, tmp_path):
    ledger, path = sqlite_file
    other = hold_write_lock(path)
    try:
        with pytest.raises(DatabaseBusy, match=r"is busy: another process has held its write lock for over 0.3 s"):
            ledger.import_files([write_csv(tmp_path / "b.csv", [act_row(actor="PAK")])])
    finally:
        other.rollback()
        other.close()
    assert ledger.acts()["actor"].tolist() == ["CHN"]
    assert ledger.import_files([tmp_path / "b.csv"]).added == 1


def test_the_command_line_says_busy_in_one_line_with_exit_status_1(tmp_path, monkeypatch):
    path = tmp_path / "cli.sqlite"
    url = f"sqlite:///{path}"
    Ledger(url).close()  # the bundled cases are in: the commands below open it without writing
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.3)
    other = hold_write_lock(path)
    try:
        result = invoke("--db", url, "import", write_csv(tmp_path / "b.csv", [act_row(case="taliban-2021", actor="PAK")]))
        reading = invoke("--db", url, "export", "--case", "taliban-2021")
    finally:
        other.rollback()
        other.close()
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "is busy: another process has held its write lock" in result.output and "Traceback" not in result.output
    assert reading.exit_code == 0 and len(reading.stdout.splitlines()) > 100


def test_pariah_stamps_its_files_with_its_application_id(sqlite_file):
    _, path = sqlite_file
    assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID == 0x70617269


def _tables(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))


def test_another_applications_database_is_refused_and_left_alone(tmp_path):
    theirs = tmp_path / "theirs.sqlite"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO users (name) VALUES ('ada')")
    before = theirs.read_bytes()
    with pytest.raises(ForeignDatabase, match=r"theirs.sqlite: a SQLite database with other tables \(users\)"):
        Ledger(f"sqlite:///{theirs}")
    assert theirs.read_bytes() == before and _tables(theirs) == ["users"]


def test_a_database_with_another_application_id_is_refused(tmp_path):
    theirs = tmp_path / "theirs.sqlite"
    with sqlite3.connect(theirs) as conn:
        conn.execute("PRAGMA application_id = 1234")
    result = invoke("--db", f"sqlite:///{theirs}", "cases")
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "a SQLite database of another application (application_id 0x4d2)" in result.output
    assert _tables(theirs) == []


def test_a_pariah_file_made_before_the_application_id_is_accepted_and_stamped(sqlite_file, tmp_path, test_case):
    ledger, path = sqlite_file
    ledger.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 0")
    again = Ledger(f"sqlite:///{path}", bundled=False)
    assert len(again.acts()) == 1
    assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID


def test_an_empty_database_url_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PARIAH_DB", f"sqlite:///{tmp_path / 'default.sqlite'}")
    with pytest.raises(InvalidArgument, match="the database URL is empty"):
        Ledger("")
    result = invoke("--db", "", "cases")
    assert result.exit_code == 2 and "the database URL is empty" in result.output
    assert not (tmp_path / "default.sqlite").exists()


def test_a_read_only_database_reads_and_refuses_writes_in_one_line(tmp_path):
    path = tmp_path / "p.sqlite"
    Ledger(f"sqlite:///{path}").close()
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    exported = invoke("--db", url, "export", "--case", "taliban-2021", "-o", tmp_path / "out.csv")
    assert exported.exit_code == 0, exported.output
    assert len((tmp_path / "out.csv").read_text().splitlines()) > 100
    written = invoke("--db", url, "import", write_csv(tmp_path / "b.csv", [act_row(case="taliban-2021", actor="PAK")]))
    assert written.exit_code == 1 and len(written.output.strip().splitlines()) == 1, written.output
    assert "readonly database" in written.output and "Traceback" not in written.output


@pytest.mark.skipif(not POSTGRES, reason="PARIAH_TEST_POSTGRES not set")
def test_on_postgresql_a_table_lock_held_too_long_is_database_busy(tmp_path, test_case):
    from sqlalchemy import create_engine, text

    reset_postgres(POSTGRES)
    ledger = Ledger(POSTGRES, bundled=False, lock_timeout=0.3)
    ledger.add_case(test_case)
    other = create_engine(POSTGRES).connect()
    other.execute(text("BEGIN"))
    other.execute(text("LOCK TABLE acts IN EXCLUSIVE MODE"))
    try:
        with pytest.raises(DatabaseBusy, match="is busy"):
            ledger.import_files([write_csv(tmp_path / "b.csv", [act_row(actor="PAK")])])
        assert ledger.acts().empty  # a read does not wait for the lock
    finally:
        other.rollback()
        other.close()
    assert ledger.import_files([tmp_path / "b.csv"]).added == 1
    ledger.close()


def test_a_file_path_given_as_the_database_names_the_url_to_write(tmp_path):
    path = tmp_path / "pariah.sqlite"
    result = invoke("--db", str(path), "cases")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: url: '{path}' is not a database URL; a SQLite file is sqlite:///{path}, "
        "a PostgreSQL database postgresql+psycopg://HOST/NAME"]
    assert not path.exists()
    assert invoke("--db", f"sqlite:///{path}", "cases").exit_code == 0
