"""One expression, two engines: the same inputs through DuckDB and Spark (local mode) give identical results.

Skipped when PySpark (the ``spark`` extra) or Java is missing. One Spark session
serves the whole module, so the test costs one start-up.
"""
from __future__ import annotations

import dataclasses
import gzip
import shutil

import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="PySpark is not installed (pip install 'pariah[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java on the PATH", allow_module_level=True)

from conftest import CASE_YAML  # noqa: E402
from pariah import case as case_module  # noqa: E402
from pariah import events  # noqa: E402
from pariah.ledger import Ledger  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_events import (GOOD, ONCE_WRONG, OTHER, assert_plover_read_as_expected, assert_read_as_expected,  # noqa: E402
                         gdelt_file, gdelt_line, icews_file, plover_file, polecat_file, read_once_wrong, write_gdelt,
                         write_gdelt_files, write_icews, write_icews_file, write_plover_file, write_plover_jsonl,
                         write_polecat, write_polecat_file)


@pytest.fixture(scope="module")
def spark_session():
    from pariah.events.engines import SparkEngine

    engine = SparkEngine("local[2]")  # stays active: every ingest below reuses it
    yield engine
    engine.spark.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    gdelt = write_gdelt(folder / "a.export.CSV", [
        gdelt_line(**GOOD[0]), "", gdelt_line(**GOOD[1]), gdelt_line(GLOBALEVENTID="11", SQLDATE="20240230"),
        "too\tfew", gdelt_line(**GOOD[2]), gdelt_line(**OTHER[0]), gdelt_line(**GOOD[3]), gdelt_line(**GOOD[4]),
        gdelt_line(**GOOD[5]), gdelt_line(GLOBALEVENTID="12", GoldsteinScale="x"), gdelt_line(**OTHER[2]),
        gdelt_line(GLOBALEVENTID="0x1F"), gdelt_line(GLOBALEVENTID="14", EventRootCode="0x", EventCode="0x1"),
        gdelt_line(**{**GOOD[0], "GLOBALEVENTID": "18"}) + "\t\t", gdelt_line(GLOBALEVENTID="19") + "\t\tx"])
    with open(gdelt, "ab") as f:
        f.write(gdelt_line(GLOBALEVENTID="16", Actor2Code="x").encode().replace(b"\tx\t", b"\t\xff\t") + b"\n")
    icews = write_icews(folder / "events.2024.tab")
    for path in (gdelt, icews):  # a byte order mark, as some tools write: not data on either engine
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    # Several small files in one ingest: DuckDB reads them in one scan, Spark one by one.
    # The last is named as Spark's reader takes for hidden: it must be read all the same.
    small = [write_gdelt(folder / f"{'_' if n == 3 else ''}small-{n}.export.CSV", lines) for n, lines in enumerate([
        [gdelt_line(GLOBALEVENTID="31", SQLDATE="20240510"), "only\ttwo"],
        [],
        [gdelt_line(**OTHER[0]), gdelt_line(GLOBALEVENTID="32", SQLDATE="20240511", EventCode="0x"),
         gdelt_line(GLOBALEVENTID="1234567890123456789")],  # 19 digits: past a 64-bit integer
        [gdelt_line(GLOBALEVENTID="33", SQLDATE="20240512"), "", gdelt_line(GLOBALEVENTID="34", QuadClass="9")]])]
    zipped = folder / "small-4.export.CSV.gz"  # gzipped beside plain files, in the same scan
    zipped.write_bytes(gzip.compress((gdelt_line(GLOBALEVENTID="35", SQLDATE="20240513") + "\nx\ty\n").encode()))
    return [("gdelt2", [gdelt]), ("icews", [icews]), ("polecat", [write_plover_jsonl(folder / "p.jsonl")]),
            ("gdelt2", [*small, zipped]), ("polecat", [write_polecat(folder / "ngecEvents.DV.txt")])]


def _ledger(path) -> Ledger:
    ledger = Ledger(f"sqlite:///{path}", bundled=False)
    case_file = path.with_suffix(".yaml")
    case_file.write_text(CASE_YAML, encoding="utf-8")
    ledger.add_case(case_module.load(case_file))
    return ledger


def _results(ledger, result_list):
    stored = events.stored_events(ledger, "test-case").drop(columns=["file_id"])
    return (events.aggregates(ledger, "test-case"), events.category_counts(ledger, "test-case"), stored,
            [(r.rows, r.matched, r.added, r.malformed, r.problems, [dataclasses.astuple(f) for f in r.files])
             for r in result_list],
            events.candidates(ledger, "test-case"), events.engagement(ledger, "test-case", dataset="gdelt2"))


def test_duckdb_and_spark_give_identical_results(spark_session, inputs, tmp_path):
    outcome = {}
    for engine in ("duckdb", "spark"):
        ledger = _ledger(tmp_path / f"{engine}.sqlite")
        master = "local[2]" if engine == "spark" else None
        results = [events.ingest(ledger, paths, fmt=fmt, target="AFG", engine=engine, spark_master=master)
                   for fmt, paths in inputs]
        assert {r.engine for r in results} == {engine}
        outcome[engine] = _results(ledger, results)
        ledger.close()
    duck, spark = outcome["duckdb"], outcome["spark"]
    for a, b in zip(duck, spark):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_dtype=False)
        else:
            assert a == b
    monthly, _, stored, reports, *_ = duck
    assert [r[:4] for r in reports] == [(16, 7, 7, 7), (6, 2, 2, 3), (5, 3, 3, 2), (9, 3, 3, 5), (5, 3, 3, 1)]
    assert set(monthly["dataset"]) == {"gdelt2", "icews", "polecat"} and len(stored) == 18
    assert reports[0][4][-1].endswith(":17: encoding: not valid UTF-8")
    assert [f[1:] for f in reports[3][5]] == [(2, 1, 1), (0, 0, 0), (3, 0, 2), (2, 1, 1), (2, 1, 1)]
    assert [p.rsplit("/", 1)[1] for p in reports[3][4]] == [
        "small-0.export.CSV:2: columns: expected 61 tab-separated fields, found 2",
        "small-2.export.CSV:2: EventCode: bad CAMEO event code '0x'",
        "small-2.export.CSV:3: GLOBALEVENTID: expected 1 to 18 digits, found '1234567890123456789'",
        "_small-3.export.CSV:3: QuadClass: expected 1 to 4, found '9'",
        "small-4.export.CSV.gz:2: columns: expected 61 tab-separated fields, found 2"]


@pytest.mark.parametrize("name", ONCE_WRONG)
def test_files_that_once_went_wrong_on_both_engines(spark_session, tmp_path, name):
    for engine in ("duckdb", "spark"):
        ledger = _ledger(tmp_path / f"{engine}.sqlite")
        (tmp_path / engine).mkdir()
        got, expected = read_once_wrong(name, tmp_path / engine, ledger, engine)
        ledger.close()
        assert got == expected, engine


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(gdelt_file, min_size=1, max_size=3))
def test_spark_reads_lines_as_an_independent_reading_does(spark_session, tmp_path_factory, files):
    # The DuckDB engine meets the same reading in test_events.
    assert_read_as_expected("gdelt2", write_gdelt_files(tmp_path_factory.mktemp("lines"), files), engine="spark")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(icews=st.lists(icews_file, min_size=1, max_size=2), polecat=polecat_file)
def test_spark_reads_icews_and_polecat_lines_as_an_independent_reading_does(spark_session, tmp_path_factory, icews,
                                                                             polecat):
    folder = tmp_path_factory.mktemp("icews")
    assert_read_as_expected("icews", [write_icews_file(folder, drawn, 2020 + k) for k, drawn in enumerate(icews)],
                            engine="spark")
    assert_read_as_expected("polecat", [write_polecat_file(tmp_path_factory.mktemp("polecat"), polecat)],
                            engine="spark")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=plover_file)
def test_spark_reads_plover_records_as_an_independent_reading_does(spark_session, tmp_path_factory, drawn):
    assert_plover_read_as_expected([write_plover_file(tmp_path_factory.mktemp("plover"), drawn)], engine="spark")


def test_date_checks_agree_on_both_engines(spark_session):
    from pariah.events.engines import DuckDBEngine
    from test_events import date_checks

    with DuckDBEngine() as duck:
        assert date_checks(spark_session) == date_checks(duck)
