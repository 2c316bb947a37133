"""The Spark engine on a cluster: a standalone Spark master and one worker, started here, read the files.

``--spark-master spark://host:port`` sends the work to a cluster's executors
instead of the driver's own threads (local mode, as in test_events_spark). The
master and the worker are the ones PySpark ships (``spark-class``), on 127.0.0.1
with free ports; their logs go to a temporary folder. Skipped when PySpark or
Java is missing.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed (pip install 'pariah[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java on the PATH", allow_module_level=True)

from pariah import events  # noqa: E402
from pariah.exceptions import EventFormatError  # noqa: E402
from pariah.ledger import Ledger  # noqa: E402
from test_events import GOOD, OTHER, gdelt_line, write_gdelt  # noqa: E402

START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(log: Path, text: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while text not in (log.read_text(errors="replace") if log.exists() else ""):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Spark {log.stem} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.25)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A standalone Spark master with one worker (one core, 1 GB); yields the master URL."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:  # a local session would be reused instead of the cluster
        active.stop()
    folder = tmp_path_factory.mktemp("spark-cluster")
    home = Path(pyspark.__file__).parent
    spark_class = str(home / "bin" / "spark-class")
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable,
               SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false")
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    logs = {name: folder / f"{name}.log" for name in ("master", "worker")}
    processes = []
    try:
        with open(logs["master"], "w") as out:
            master = subprocess.Popen([spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                       "--port", str(port), "--webui-port", str(_free_port())],
                                      env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append(master)
        _wait_for(logs["master"], "I have been elected leader", master)
        with open(logs["worker"], "w") as out:
            worker = subprocess.Popen([spark_class, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                                       "--cores", "1", "--memory", "1g", "--webui-port", str(_free_port()),
                                       "--work-dir", str(folder / "work"), url],
                                      env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append(worker)
        _wait_for(logs["master"], "Registering worker", master)
        yield url
    finally:
        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def gdelt_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cluster-input")
    return write_gdelt(folder / "20240401.export.CSV", [
        gdelt_line(**GOOD[0]), gdelt_line(**GOOD[1]), "", gdelt_line(**OTHER[0]),
        gdelt_line(GLOBALEVENTID="11", SQLDATE="20240230"), "too\tfew", gdelt_line(**GOOD[2]),
        gdelt_line(**GOOD[3]), gdelt_line(**GOOD[4]), gdelt_line(**GOOD[5])])


def test_the_engine_runs_on_the_cluster_with_an_executor(cluster):
    from pariah.events.engines import SparkEngine

    engine = SparkEngine(cluster)
    try:
        assert engine.master == cluster
        assert engine.spark.range(1000).selectExpr("sum(id)").collect()[0][0] == 499500
        # The driver and at least one executor: the work left this process.
        assert engine.spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() >= 2
    finally:
        engine.close()


def test_a_cluster_ingest_gives_what_duckdb_gives(cluster, gdelt_file, tmp_path):
    second = write_gdelt(tmp_path / "20240402.export.CSV", [gdelt_line(GLOBALEVENTID="41", SQLDATE="20240402")])
    outcome = {}
    for engine, master in (("duckdb", None), ("spark", cluster)):
        ledger = Ledger(f"sqlite:///{tmp_path / engine}.sqlite", bundled=False)
        result = events.ingest(ledger, [gdelt_file, second], fmt="gdelt2", target="AFG", engine=engine,
                               spark_master=master)  # two files: one scan on either engine
        with ledger.engine.connect() as conn:
            months = pd.read_sql("SELECT * FROM event_months ORDER BY state, month, direction", conn)
        outcome[engine] = (result.rows, result.matched, result.malformed, result.problems, result.files), months
        ledger.close()
    (duck, duck_months), (spark, spark_months) = outcome["duckdb"], outcome["spark"]
    assert duck == spark
    assert spark[:3] == (10, 7, 2) and [f.rows for f in spark[4]] == [9, 1]
    assert spark[3] == (f"{gdelt_file}:5: SQLDATE: bad date '20240230', expected YYYYMMDD",
                        f"{gdelt_file}:6: columns: expected 61 tab-separated fields, found 2")
    pd.testing.assert_frame_equal(duck_months, spark_months)


def test_a_zipped_file_is_refused_on_a_cluster(cluster, gdelt_file, tmp_path):
    zipped = tmp_path / "events.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(gdelt_file, gdelt_file.name)
    ledger = Ledger(f"sqlite:///{tmp_path / 'z.sqlite'}", bundled=False)
    with pytest.raises(EventFormatError, match="a zipped file cannot be read by a Spark cluster"):
        events.ingest(ledger, [zipped], fmt="gdelt2", target="AFG", engine="spark", spark_master=cluster)
    ledger.close()


def test_a_file_spark_takes_for_hidden_is_refused_on_a_cluster(cluster, gdelt_file, tmp_path):
    hidden = tmp_path / "_events.export.CSV"
    shutil.copy(gdelt_file, hidden)
    ledger = Ledger(f"sqlite:///{tmp_path / 'h.sqlite'}", bundled=False)
    with pytest.raises(EventFormatError, match="Spark skips files whose names start with '_' or '.'; rename it"):
        events.ingest(ledger, [hidden], fmt="gdelt2", target="AFG", engine="spark", spark_master=cluster)
    ledger.close()
