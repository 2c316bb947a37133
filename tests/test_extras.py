"""The lean install: without the extras (events, parquet, spark, jax, postgres, boosting) pariah's main job runs,
and what needs an extra says so in one line that names it."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pariah.exceptions import EngineUnavailable
from pariah.extras import EXTRAS, available, require

ROOT = Path(__file__).resolve().parents[1]
#: What only the extras bring; none may be needed by ``pip install pariah`` (pyworldatlas, in ``dev``,
#: only writes the shipped ``reference/atlas.csv``).
EXTRA_MODULES = ("pyarrow", "duckdb", "ibis", "gdelt", "pyspark", "jax", "psycopg", "sklearn", "pyworldatlas")

#: Runs pariah as if the extras' libraries were not installed: importing one fails as it would.
SCRIPT = """
import contextlib, importlib.abc, os, sys
BLOCKED = {blocked!r}
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Missing())
sys.argv = ["pariah", "--db", sys.argv[1], *sys.argv[2:]]
from pariah.cli import main
try:
    main()
finally:
    loaded = sorted(m for m in BLOCKED if m in sys.modules)
    assert not loaded, loaded
"""


def _lean(db: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(blocked=EXTRA_MODULES), db, *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_require_names_the_extra():
    assert require("json", extra="parquet", purpose="x").__name__ == "json"
    with pytest.raises(EngineUnavailable, match=r"^reading things needs no_such_module, which is not installed: "
                                                r"pip install 'pariah\[events\]'$"):
        require("no_such_module.sub", extra="events", purpose="reading things")
    with pytest.raises(ValueError, match="unknown extra"):
        require("json", extra="nope", purpose="x")
    assert available("json") and not available("no_such_module")


def test_runtime_dependencies_leave_the_extras_out():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {d.split("==")[0].split("[")[0].lower() for d in project["dependencies"]}
    assert not runtime & {"pyarrow", "duckdb", "ibis-framework", "gdelt", "pyspark", "jax", "psycopg", "scikit-learn", "mesa",
                          "playwright", "pytest", "pyworldatlas"}
    extras = project["optional-dependencies"]
    assert set(EXTRAS) <= set(extras) and "dev" in extras
    assert "pariah[events,parquet,postgres,jax,spark]" in extras["dev"]   # make test: every extra


def test_the_demo_import_export_and_report_run_without_the_extras(tmp_path):
    db = f"sqlite:///{tmp_path / 'lean.sqlite'}"
    demo = _lean(db, "demo", "-o", tmp_path / "demo.html")
    assert demo.returncode == 0, demo.stderr
    assert "report written to" in demo.stdout and (tmp_path / "demo.html").stat().st_size > 100_000
    acts = tmp_path / "acts.csv"
    acts.write_text("case,date,actor,act,description,source\n"
                    "taliban-2021,2026-01-05,ARG,official_visit,An envoy visited Kabul.,\"Outlet, https://example.org/a\"\n",
                    encoding="utf-8")
    imported = _lean(db, "import", acts)
    assert imported.returncode == 0 and "added 1" in imported.stdout + imported.stderr, imported.stderr
    exported = _lean(db, "export", "--case", "taliban-2021", "-o", tmp_path / "out.csv")
    assert exported.returncode == 0, exported.stderr
    assert "ARG,official_visit" in (tmp_path / "out.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (("export", "--format", "parquet", "-o", "OUT/acts.parquet"),
     "error: writing Parquet files needs pyarrow, which is not installed: pip install 'pariah[parquet]'"),
    (("events", "ingest", "OUT/none.csv", "--format", "icews", "--target", "AFG"),
     "pip install 'pariah[events]'"),
])
def test_what_needs_an_extra_says_which_in_one_line(tmp_path, args, message):
    (tmp_path / "none.csv").write_text("x\n", encoding="utf-8")
    done = _lean(f"sqlite:///{tmp_path / 'lean.sqlite'}", *(a.replace("OUT", str(tmp_path)) for a in args))
    assert done.returncode == 1, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "acts.parquet").exists() and not list(tmp_path.glob(".*partial"))
