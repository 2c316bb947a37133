"""Shared fixtures: a database per test (SQLite in memory, and PostgreSQL when
``PARIAH_TEST_POSTGRES`` holds a URL), a small synthetic case, and file helpers."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from pariah import case as case_module
from pariah.ledger import Ledger
from pariah.cli import app
from pariah.ledger.schema import EXCHANGE_COLUMNS

POSTGRES = os.environ.get("PARIAH_TEST_POSTGRES")

CASE_YAML = """\
id: test-case
name: A synthetic case for tests
target: AFG
start: 2021-08-15
coalition_leader: USA
coalition: [USA, G7, EU]
demands:
  - a demand
level: ambassadors
description: |
  A made-up case used by the test suite.
sources:
  - Test suite, https://example.org/case
"""


@pytest.fixture(autouse=True, scope="session")
def model_cache(tmp_path_factory):
    """Fitted forecast models are cached in a folder of the test session, never the user's."""
    folder = tmp_path_factory.mktemp("models")
    old = os.environ.get("PARIAH_CACHE")
    os.environ["PARIAH_CACHE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("PARIAH_CACHE", None)
    else:
        os.environ["PARIAH_CACHE"] = old


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgres", id="postgres",
                       marks=pytest.mark.skipif(not POSTGRES, reason="PARIAH_TEST_POSTGRES not set"))


@pytest.fixture(params=list(_backends()))
def db_url(request, tmp_path) -> str:
    if request.param == "postgres":
        reset_postgres(POSTGRES)
        return POSTGRES
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def case_file(tmp_path) -> Path:
    path = tmp_path / "test-case.yaml"
    path.write_text(CASE_YAML, encoding="utf-8")
    return path


@pytest.fixture
def test_case(case_file):
    return case_module.load(case_file)


@pytest.fixture
def ledger(db_url, test_case) -> Ledger:
    """An empty ledger (no bundled cases) that knows the synthetic case."""
    ledger = Ledger(db_url, bundled=False)
    ledger.add_case(test_case)
    yield ledger
    ledger.close()


@pytest.fixture
def memory_ledger(test_case) -> Ledger:
    ledger = Ledger("sqlite://", bundled=False)
    ledger.add_case(test_case)
    return ledger


def act_row(**values) -> dict:
    row = {"case": "test-case", "date": "2024-01-30", "actor": "CHN", "act": "accept_ambassador",
           "description": "China accepted the ambassador.",
           "source": "Test, https://example.org/1 | Second outlet, https://example.net/1",
           "confidence": "high", "known_from": "", "id": ""}
    row.update(values)
    return row


def write_csv(path: Path, rows: list[dict], columns=EXCHANGE_COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    """A fresh database for the command line, through $PARIAH_DB (the bundled cases load on first use)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("PARIAH_DB", url)
    return url


def invoke(*args):
    """Run the command line with ``args`` (converted to text)."""
    return runner.invoke(app, [str(a) for a in args])
