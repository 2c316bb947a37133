"""The everyday commands stay fast: they import none of the heavy libraries that only events, forecasts,
figures and the web app need (each command runs in a fresh interpreter)."""
from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("ibis", "duckdb", "matplotlib", "plotly", "scipy", "fastapi", "uvicorn", "jax", "pyspark", "alembic")
SCRIPT = """
import contextlib, os, sys
sys.argv = ["pariah", "--db", sys.argv[1], *sys.argv[2:]]
from pariah.cli import main
with open(os.devnull, "w") as f, contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
    try:
        main()
    except SystemExit as e:
        assert not e.code, e.code
print(" ".join(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('imports') / 'l.sqlite'}"
    subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=HEAVY), url, "cases"], check=True, capture_output=True)
    return url   # created and migrated once, as a user's database is


@pytest.mark.parametrize("args", [["--help"], ["cases"], ["status", "taliban-2021"], ["index", "taliban-2021"],
                                  ["cohesion", "taliban-2021"], ["audit", "taliban-2021"]])
def test_everyday_commands_import_nothing_heavy(db, args):
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=HEAVY), db, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"pariah {' '.join(args)} imported {done.stdout.strip()}"
