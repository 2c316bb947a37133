"""CSV readers benchmark: how fast each reader reads the columns pariah reads from a GDELT 2.0 export.

Reads one GDELT 2.0-format file (made by ``bench/events.py``, or generated here)
three ways, each in a child process and with the file read through just before
(so that it is in the page cache), and prints one JSON object:

  rows           rows in the file
  baseline_s     DuckDB's count(*) over the file, every column declared as text (the floor of
                 bench/events.py)
  duckdb_s       DuckDB's read of the 13 columns pariah reads, as text (the longest value of each)
  pyarrow_s      pyarrow.csv.read_csv of the same 13 columns, as bytes (no UTF-8 check), in
                 blocks of 64 MB on every core
  ratio          pyarrow_s / duckdb_s: above 1, DuckDB's reader is the faster
  threads        cores used by both readers

Usage: python bench/csv_readers.py [--rows N] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from events import _child, generate, warm  # noqa: E402

DUCKDB = r"""
import sys, time, json
import duckdb
path, columns, what = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
t = time.perf_counter()
query = "count(*)" if what == "all" else "count(*), " + ", ".join(f"max(length({c}))" for c in what.split(","))
n = con.execute(f"SELECT {query} FROM read_csv(?, delim='\t', header=false, quote='', escape='', all_varchar=true, "
                "auto_detect=false, columns=" + columns + ")", [path]).fetchone()[0]
print(json.dumps({"s": time.perf_counter() - t, "rows": n}))
"""

PYARROW = r"""
import sys, time, json
import pyarrow as pa
import pyarrow.csv as csv
path, names, used = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
t = time.perf_counter()
table = csv.read_csv(path, read_options=csv.ReadOptions(column_names=names, block_size=64 << 20),
                     parse_options=csv.ParseOptions(delimiter="\t", quote_char=False),
                     convert_options=csv.ConvertOptions(include_columns=used,
                                                        column_types={c: pa.binary() for c in used}))
print(json.dumps({"s": time.perf_counter() - t, "rows": table.num_rows}))
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", help="folder of the file (bench/events.py --keep); generated there when absent")
    args = parser.parse_args(argv)
    from pariah.events import codes, formats

    with tempfile.TemporaryDirectory(prefix="pariah-bench-readers-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"gdelt2-{args.rows}.export.CSV"
        if not path.exists():
            generate(path, args.rows)
        names = codes.gdelt_columns(2)
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in names) + "}"
        used = ",".join(formats.GDELT_USED)
        warm(path)
        baseline = _child(DUCKDB, str(path), columns, "all")
        warm(path)
        duckdb = _child(DUCKDB, str(path), columns, used)
        warm(path)
        pyarrow = _child(PYARROW, str(path), ",".join(names), used)
        if not baseline["rows"] == duckdb["rows"] == pyarrow["rows"] == args.rows:
            raise SystemExit(f"mismatch: rows {baseline['rows']}, {duckdb['rows']}, {pyarrow['rows']} "
                             f"of {args.rows}")
        print(json.dumps({"rows": args.rows, "baseline_s": round(baseline["s"], 3), "duckdb_s": round(duckdb["s"], 3),
                          "pyarrow_s": round(pyarrow["s"], 3), "ratio": round(pyarrow["s"] / duckdb["s"], 2),
                          "threads": os.cpu_count()}))


if __name__ == "__main__":
    main()
