"""The engines that run pariah's event expressions: DuckDB (default) and Spark.

An engine does three things, and nothing else differs between them:

- ``raw_files(layouts)``: an Ibis table of delimited files of one shape, every
  column as text, with ``_file`` (the path the row comes from) and ``_structural``
  (why a line could not be split into the file's columns, else null); up to
  ``scan_size(layout)`` files are read in one scan (GDELT 2.0 comes in thousands
  of small files). ``raw(layout, numbered)`` is one file's, with ``_row`` (a row's
  position, for line numbers) when ``numbered``, else null, so that the file is
  read in parallel;
- ``table(frame)``: an Ibis table of a pandas DataFrame (PLOVER records, stored events);
- ``fetch(expr)``: run an Ibis expression, return a pandas DataFrame.

Everything between (normalizing, checking, selecting dyads, aggregating) is one
Ibis expression, the same for both engines (``formats``, ``pipeline``), over
tables the engine has registered by name; ``fetch`` compiles it to the engine's
SQL dialect with ``ibis.to_sql`` (once per expression: files of one shape share
their views' names, see ``_Engine``) and runs it there. (pariah does not go through
Ibis's DuckDB backend: Ibis 12 calls a DuckDB API that DuckDB 2 removed, and DuckDB
1.x fails on a bad byte in some columns, which DuckDB 2 fixed.)

DuckDB runs embedded, streams the file and keeps to a memory limit (1 GB by
default, spilling to a temporary folder beyond it). Lines it cannot split are
set aside by its CSV reader with their line numbers (``store_rejects``); the
position of other rows is a streaming ``row_number() OVER ()`` (which reads in
order, on one thread: it is asked for only when a row is malformed), mapped back
to line numbers past any rejected or blank lines (``line_of``).

Spark reads each file as lines (``spark.read.text``), splits them itself and
numbers them exactly; it runs in local mode (``local[*]``) unless given a master
URL, e.g. ``spark://host:7077``. On a cluster, paths must be readable by every
executor, and zipped files (unpacked into a local temporary folder) cannot be.
Spark's reader skips a file whose name starts with ``_`` or ``.`` as hidden, even
one named explicitly: in local mode such a file is read through a link of another
name, on a cluster it is refused.
"""
from __future__ import annotations

import bisect
from typing import Any
import itertools
import mmap
import re
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from pariah.exceptions import EngineUnavailable, EventFormatError, InvalidArgument
from pariah.extras import require
from pariah.events.formats import BOM, Layout

ENGINES = ("duckdb", "spark")
DEFAULT_MEMORY_LIMIT = "1GB"


def open_engine(name: str = "duckdb", *, spark_master: str | None = None, memory_limit: str | None = None,
                threads: int | None = None):
    """An engine by name: ``duckdb`` or ``spark``.

    ``memory_limit`` (e.g. ``2GB``; default 1GB) and ``threads`` (default: every core)
    bound the DuckDB engine; Spark takes such settings from its own configuration.
    """
    if name == "duckdb":
        memory_limit = memory_limit or DEFAULT_MEMORY_LIMIT
        if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", memory_limit.strip(), flags=re.IGNORECASE):
            raise InvalidArgument(f"bad memory limit {memory_limit!r}: expected a size such as 500MB or 2GB")
        if threads is not None and threads < 1:
            raise InvalidArgument(f"bad number of threads {threads}: expected 1 or more")
        return DuckDBEngine(memory_limit=memory_limit.strip(), threads=threads)
    if name == "spark":
        if memory_limit or threads:
            raise InvalidArgument("memory_limit and threads ('--memory-limit', '--threads') bound the DuckDB engine; "
                                  "Spark takes them from "
                                  "its own configuration (spark.driver.memory, spark.executor.cores)")
        return SparkEngine(spark_master)
    raise EngineUnavailable(f"unknown engine {name!r}: expected one of {', '.join(ENGINES)}")


def _raw_schema(layout: Layout):
    import ibis

    return ibis.schema({"_row": "int64", "_file": "string", "_structural": "string",
                        **{c: "string" for c in layout.columns}})


def _arrow(frame: pd.DataFrame):
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)  # NaN becomes null, as in the database


def _to_pandas(table) -> pd.DataFrame:
    """Arrow results as pandas, with exact integers where an engine sums into decimals (DuckDB's HUGEINT)."""
    import pyarrow as pa

    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_decimal(field.type):
            column = column.cast(pa.int64() if field.type.scale == 0 else pa.float64())
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pandas()


class _Engine:
    """What both engines share: a raw view per shape of file, and SQL compiled once per expression.

    Every file of one shape (its columns; numbered or not) is read through the same view
    name, each file's view replacing the last. The expressions over it are then the same
    for every such file, and so is their SQL: a folder of thousands of small GDELT 2.0
    files is compiled once, not once per file (compiling costs more than reading one).
    A raw table is therefore good until the next file of its shape is opened.
    """

    dialect: str

    def _start(self) -> None:
        self._counter = itertools.count()
        self._shapes: dict[tuple, str] = {}
        self._compiled: dict = {}

    #: How many files of one shape a scan reads at most.
    files_per_scan: int = 500

    def scan_size(self, layout: Layout) -> int:
        """How many files of ``layout``'s shape one scan reads."""
        return self.files_per_scan

    def _raw_name(self, layout: Layout, numbered: bool) -> str:
        return self._shapes.setdefault((layout.columns, numbered), f"pariah_raw_{len(self._shapes)}")

    def _sql(self, expr) -> str:
        import ibis

        op = expr.op()
        if op not in self._compiled:
            self._compiled[op] = str(ibis.to_sql(expr, dialect=self.dialect))
        return self._compiled[op]

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DuckDBEngine(_Engine):
    name = "duckdb"
    dialect = "duckdb"
    files_per_scan = 500

    def __init__(self, memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int | None = None):
        duckdb = require("duckdb", extra="events", purpose="the DuckDB engine")
        require("ibis", extra="events", purpose="the DuckDB engine")
        require("pyarrow", extra="events", purpose="the DuckDB engine")
        self._spill = tempfile.TemporaryDirectory(prefix="pariah-duckdb-")
        config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": memory_limit,
                                                                   "temp_directory": self._spill.name}
        if threads:
            config["threads"] = threads
        self.con = duckdb.connect(":memory:", config=config)
        # DuckDB draws a progress bar on standard output during long queries; the library never prints.
        self.con.execute("SET enable_progress_bar = false")
        self._start()
        self._rejects: dict[str, tuple[str, str, int]] = {}  # file name -> (rejects table, path, fields)

    def raw(self, layout: Layout, numbered: bool = False):
        return self.raw_files([layout], numbered)

    def raw_files(self, layouts: list[Layout], numbered: bool = False):
        import ibis

        first = layouts[0]
        if numbered and len(layouts) > 1:
            raise ValueError("rows are numbered one file at a time")
        n = next(self._counter)
        name = self._raw_name(first, numbered)
        if numbered or all(layout.name in self._rejects for layout in layouts):
            rejects = "store_rejects=false"  # the first pass has them
        else:
            for layout in layouts:
                self._rejects[layout.name] = (f"pariah_rejects_{n}", str(layout.path), len(layout.columns))
            rejects = f"store_rejects=true, rejects_table='pariah_rejects_{n}', rejects_scan='pariah_rejects_{n}_scan'"
        paths = ", ".join(f"'{_sql_text(str(layout.path))}'" for layout in layouts)
        columns = ", ".join(f"'{_sql_text(c)}': 'VARCHAR'" for c in first.columns)
        not_null = ", ".join(f"'{_sql_text(c)}'" for c in first.columns)  # empty fields are '', as in Spark
        newline = "\\r\\n" if first.newline == "\r\n" else "\\n"
        row = "row_number() OVER ()" if numbered else "CAST(NULL AS BIGINT)"
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS "
            f"SELECT {row} AS _row, CAST(NULL AS VARCHAR) AS _structural, * "
            f"FROM read_csv([{paths}], delim='\\t', quote='', escape='', filename='_file', "
            f"header={'true' if first.header else 'false'}, auto_detect=false, columns={{{columns}}}, "
            f"new_line='{newline}', force_not_null=[{not_null}], null_padding=false, ignore_errors=true, {rejects})")
        return ibis.table(_raw_schema(first), name=name)

    def structural(self, layouts: list[Layout], limit: int) -> dict[str, tuple[list[tuple[int, str]], int]]:
        """Lines DuckDB's reader set aside, by file name: the first ``limit`` as (line, ``field: message``), and
        their count."""
        by_table: dict[tuple[str, int], dict[str, list[str]]] = {}
        for layout in layouts:
            if layout.name in self._rejects:
                table, path, expected = self._rejects[layout.name]
                by_table.setdefault((table, expected), {}).setdefault(path, []).append(layout.name)
        out: dict[str, tuple[list[tuple[int, str]], int]] = {}
        for (table, expected), names in by_table.items():
            source = f"{table} r JOIN {table}_scan s USING (scan_id, file_id)"
            try:
                counts = self.con.execute(f"SELECT s.file_path, count(DISTINCT r.line) FROM {source} "
                                          "GROUP BY s.file_path").fetchall()
                rows = self.con.execute(
                    f"SELECT file_path, line, error_type, error_message, csv_line FROM ("
                    f"SELECT s.file_path, r.*, dense_rank() OVER (PARTITION BY s.file_path ORDER BY r.line) AS k "
                    f"FROM {source}) WHERE k <= {int(limit)} "
                    f"ORDER BY file_path, line, error_type NOT IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')").fetchall()
            except Exception:  # no scan has run yet: no table
                continue
            found: dict[str, dict[int, str]] = {}
            for path, line, kind, message, text in rows:
                problems = found.setdefault(path, {})
                if int(line) not in problems:  # one problem per line, a wrong number of fields first (as in Spark)
                    problems[int(line)] = _reason(kind, message, text, expected)
            for path, count in counts:
                for layout_name in names.get(path, []):
                    out[layout_name] = (sorted(found.get(path, {}).items()), int(count))
        return out

    def line_of(self, layout: Layout, rows: list[int], structural: list[tuple[int, str]]) -> list[int]:
        """Physical line numbers of parsed rows (``_row``): past the header, rejected lines and blank lines."""
        if not rows:
            return []
        skipped = sorted({line for line, _ in structural} | ({1} if layout.header else set())
                         | set(_blank_lines(layout.path)))
        out = []
        for row in rows:
            line, accounted = row, 0
            while True:  # the row-th line that is not skipped
                k = bisect.bisect_right(skipped, line)
                if k == accounted:
                    break
                line += k - accounted
                accounted = k
            out.append(line)
        return out

    def table(self, frame: pd.DataFrame):
        import ibis

        name = f"pariah_frame_{next(self._counter)}"
        self.con.register(name, _arrow(frame))
        return ibis.table(ibis.memtable(frame).schema(), name=name)

    def fetch(self, expr) -> pd.DataFrame:
        return _to_pandas(self.con.sql(self._sql(expr)).to_arrow_table())

    def close(self) -> None:
        self.con.close()
        self._spill.cleanup()


def _reason(kind: str, message: str, text: str | None, expected: int) -> str:
    """Why DuckDB's reader set a line aside, in pariah's words (``field: message``)."""
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS") and text is not None:
        # The reader counts fields up to where it stopped; the line itself gives them all.
        found = text.rstrip("\r\n").count("\t") + 1
        return f"columns: expected {expected} tab-separated fields, found {found}"
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"columns: {message}"
    return "encoding: not valid UTF-8" if kind == "INVALID ENCODING" else f"line: {message}"


def _sql_text(value: str) -> str:
    return value.replace("'", "''")


def _blank_lines(path: Path) -> list[int]:
    """Line numbers of empty lines, which DuckDB's reader skips (the first line is empty when it holds only a
    byte order mark). Read only when a row needs its line number."""
    def blank(lines):
        return [n for n, line in enumerate(lines, start=1)
                if (line.removeprefix(BOM) if n == 1 else line) in (b"\n", b"\r\n")]

    if path.suffix.lower() == ".gz":
        import gzip

        with gzip.open(path, "rb") as packed:
            return blank(packed)
    if path.stat().st_size == 0:
        return []
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = len(BOM) if data[:len(BOM)] == BOM else 0
        if (data[start:start + 1] not in (b"\n", b"\r") and data.find(b"\n\n") < 0
                and data.find(b"\n\r\n") < 0):
            return []
        f.seek(0)
        return blank(f)


#: Spark's own logging: errors only (its warnings about local host names and native libraries are noise here).
LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""


class SparkEngine(_Engine):
    name = "spark"
    dialect = "pyspark"
    files_per_scan = 500

    def __init__(self, master: str | None = None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PySpark warns about pandas versions it has not been tested with
            try:
                import ibis
                from pyspark.sql import SparkSession
            except ImportError:
                raise EngineUnavailable("the Spark engine needs PySpark: pip install 'pariah[spark]'") from None
            self._logs = tempfile.TemporaryDirectory(prefix="pariah-spark-")
            active = SparkSession.getActiveSession()
            if active is not None and (master is None or active.sparkContext.master == master):
                self.spark, self._owned = active, False
            else:
                log4j = Path(self._logs.name) / "log4j2.properties"
                log4j.write_text(LOG4J, encoding="utf-8")
                try:
                    self.spark = (SparkSession.builder.master(master or "local[*]").appName("pariah")
                                  .config("spark.ui.enabled", "false")
                                  .config("spark.ui.showConsoleProgress", "false")
                                  .config("spark.sql.shuffle.partitions", "8")
                                  .config("spark.sql.session.timeZone", "UTC")
                                  .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j.as_uri()}")
                                  .getOrCreate())
                except Exception as e:
                    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                    raise EngineUnavailable(f"cannot start Spark ({master or 'local[*]'}): {first}; "
                                            "Spark needs Java 17 or later on the PATH") from None
                self._owned = True
            self.spark.sparkContext.setLogLevel("ERROR")
            ibis.pyspark.connect(self.spark)  # registers the options Ibis's Spark SQL compiler reads
        self._start()
        self.master: str = str(self.spark.sparkContext.master)

    def scan_size(self, layout: Layout) -> int:
        # Files with a header are read one a scan: only a file's own first line tells its header apart.
        return 1 if layout.header else self.files_per_scan

    def raw(self, layout: Layout, numbered: bool = False):
        from pyspark.sql import functions as F

        lines = self.spark.read.text(self._readable(layout)).withColumn("_file", F.lit(str(layout.path)))
        return self._frame(lines, layout, numbered)

    def raw_files(self, layouts: list[Layout]):
        from pyspark.sql import functions as F

        if len(layouts) == 1:
            return self.raw(layouts[0])
        readable = [self._readable(layout) for layout in layouts]
        # Spark names each row's file by its URI (``input_file_name``); Hadoop gives the same URI for a path.
        jvm, conf = self.spark._jvm, self.spark._jsc.hadoopConfiguration()
        assert jvm is not None, "a Spark session without its JVM"
        paths = {}
        for path, layout in zip(readable, layouts):
            hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
            paths[hadoop_path.getFileSystem(conf).makeQualified(hadoop_path).toUri().toString()] = str(layout.path)
        uri = F.input_file_name()
        to_path = F.create_map(*[F.lit(text) for pair in paths.items() for text in pair])
        lines = self.spark.read.text(readable).withColumn("_file", F.coalesce(to_path[uri], uri))
        return self._frame(lines, layouts[0], False)

    def _frame(self, lines, layout: Layout, exact_rows: bool):
        """The raw table of ``lines`` (``value``, ``_file``) of files of ``layout``'s shape, with exact
        line numbers when ``exact_rows``."""
        from pyspark.sql import functions as F

        name = self._raw_name(layout, exact_rows)
        numbered: Any
        if exact_rows:
            # Exact line numbers without moving the data: each partition's offset from its row count.
            with_ids = (lines.withColumn("_pid", F.spark_partition_id())
                        .withColumn("_mid", F.monotonically_increasing_id()))
            counts = sorted((r["_pid"], r["count"]) for r in with_ids.groupBy("_pid").count().collect())
            offsets, total = [], 0
            for pid, count in counts:
                offsets.append((pid, total))
                total += count
            offset_frame = self.spark.createDataFrame(offsets or [(0, 0)], "_pid INT, _offset LONG")
            numbered = (with_ids.join(F.broadcast(offset_frame), "_pid")
                        .withColumn("_row", F.col("_offset") + (F.col("_mid")
                                                                - F.shiftleft(F.col("_pid").cast("long"), 33)) + 1)
                        .withColumn("_first", F.col("_row") == 1))
        else:
            # The first record of the first partition is the file's first line.
            numbered = (lines.withColumn("_row", F.lit(None).cast("long"))
                        .withColumn("_first", F.monotonically_increasing_id() == 0))
        value = F.col("value")
        if layout.newline == "\r\n":
            value = F.regexp_replace(value, "\r$", "")
        numbered = numbered.withColumn("value", value).filter(F.col("value") != "")
        if layout.header:
            numbered = numbered.filter(~F.col("_first"))
        expected = len(layout.columns)
        fields = F.split(F.col("value"), "\t", -1)
        # Surplus fields that are all empty (trailing tabs) do not count, as in DuckDB's reader.
        surplus = F.concat_ws("", F.slice(fields, expected + 1, F.greatest(F.size(fields) - expected, F.lit(1))))
        size = F.when((F.size(fields) > expected) & (surplus == ""), F.lit(expected)).otherwise(F.size(fields))
        # Spark decodes bad bytes to U+FFFD where DuckDB's reader rejects the line: flag the same lines.
        used = [i for i, c in enumerate(layout.columns) if c in layout.used]
        bad_bytes = F.lit(False)
        for i in used:
            bad_bytes = bad_bytes | fields.getItem(i).contains("\ufffd")
        structural = (F.when(size != expected,
                             F.concat(F.lit(f"columns: expected {expected} tab-separated fields, found "),
                                      size.cast("string")))
                      .when(bad_bytes, F.lit("encoding: not valid UTF-8")))
        frame = numbered.select(
            F.col("_row"), F.col("_file"), structural.alias("_structural"),
            *[F.when(size == expected, fields.getItem(i)).otherwise("").alias(c) for i, c in enumerate(layout.columns)])
        import ibis

        frame.createOrReplaceTempView(name)
        return ibis.table(_raw_schema(layout), name=name)

    def _readable(self, layout: Layout) -> str:
        """A path Spark reads: it skips a file whose name starts with ``_`` or ``.`` as hidden, even one named
        explicitly, so such a file is read through a link of another name (local mode) or refused (a cluster)."""
        if not self.master.startswith("local") and layout.packed:
            raise EventFormatError(f"{layout.name}: a zipped file cannot be read by a Spark cluster; "
                                   "unzip it where the executors can read it")
        path = layout.path
        if not path.name.startswith(("_", ".")):
            return str(path)
        if not self.master.startswith("local"):
            raise EventFormatError(f"{layout.name}: Spark skips files whose names start with '_' or '.'; "
                                   "rename it, or use the DuckDB engine")
        link = Path(tempfile.mkdtemp(dir=self._logs.name)) / f"pariah-{path.name.lstrip('_.')}"
        link.symlink_to(path.resolve())
        return str(link)

    def structural(self, layouts: list[Layout], limit: int) -> dict:
        return {}  # Spark reports them in the rows themselves (``_structural``)

    def line_of(self, layout: Layout, rows: list[int], structural) -> list[int]:
        return list(rows)

    def table(self, frame: pd.DataFrame):
        import ibis

        name = f"pariah_frame_{next(self._counter)}"
        schema = ibis.memtable(frame).schema()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if len(frame):
                spark_frame = self.spark.createDataFrame(_arrow(frame))
            else:
                from ibis.backends.pyspark.datatypes import PySparkSchema

                spark_frame = self.spark.createDataFrame([], PySparkSchema.from_ibis(schema))
        spark_frame.createOrReplaceTempView(name)
        return ibis.table(schema, name=name)

    def fetch(self, expr) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _to_pandas(self.spark.sql(self._sql(expr)).toArrow())

    def close(self) -> None:
        for table in self.spark.catalog.listTables():
            if table.name.startswith(("pariah_raw_", "pariah_frame_")) and table.isTemporary:
                self.spark.catalog.dropTempView(table.name)
        if self._owned:
            self.spark.stop()
        self._logs.cleanup()
