"""Many small event files: the cost of each file, beside the same rows in one file.

GDELT 2.0 publishes one event export every 15 minutes (about 35,000 files a
year), so what pariah spends on each file, beyond reading its rows, decides how
long a year takes. This generates ``--files`` zipped GDELT 2.0 exports of
``--rows-per-file`` rows each (with ``bench/events.py``'s generator), ingests
them all in one call on the DuckDB engine (or ``--engine spark``, local mode), then ingests the same rows as one
file (the baseline, in the same run), and prints one JSON object:

  files, rows        the inputs
  files_s            pariah.events.ingest of every file
  one_file_s         the same rows in one file
  ratio              files_s / one_file_s
  per_file_ms        (files_s - one_file_s) / files: what each file costs beyond its rows
  year_min           per_file_ms x 35,040 (a year of 15-minute files), in minutes
  matched            events found (both runs must agree)

Usage: python bench/event_files.py [--files N] [--rows-per-file N] [--engine duckdb|spark]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from events import generate  # noqa: E402  (bench/events.py)

FILES_A_YEAR = 365 * 24 * 4


def ingest_time(paths: list[Path], db: Path, engine: str) -> tuple[float, int]:
    from pariah import events
    from pariah.ledger import Ledger

    ledger = Ledger(f"sqlite:///{db}", bundled=False)
    t = time.perf_counter()
    result = events.ingest(ledger, paths, fmt="gdelt2", target="AFG", engine=engine)
    seconds = time.perf_counter() - t
    ledger.close()
    return seconds, result.matched


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--rows-per-file", type=int, default=1000)
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pariah-bench-files-") as tmp:
        folder = Path(tmp)
        whole = folder / "all.export.CSV"
        generate(whole, args.files * args.rows_per_file)
        lines = whole.read_bytes().splitlines(keepends=True)
        paths = []
        for i in range(args.files):
            name = f"{20240101000000 + i * 1500}.export.CSV"
            with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(name, b"".join(lines[i * args.rows_per_file:(i + 1) * args.rows_per_file]))
            paths.append(folder / f"{name}.zip")
        if args.engine == "spark":  # one Spark session for the three runs, started outside the timings
            from pariah.events.engines import SparkEngine
            SparkEngine()
        ingest_time([whole], folder / "warm.sqlite", args.engine)  # imports and first compilation out of the way
        files_s, matched = ingest_time(paths, folder / "files.sqlite", args.engine)
        one_file_s, one_matched = ingest_time([whole], folder / "one.sqlite", args.engine)
        if matched != one_matched:
            raise SystemExit(f"mismatch: {matched} events from the files, {one_matched} from one file")
        per_file_ms = (files_s - one_file_s) / args.files * 1000
        print(json.dumps({
            "engine": args.engine, "files": args.files, "rows": args.files * args.rows_per_file,
            "files_s": round(files_s, 3), "one_file_s": round(one_file_s, 3),
            "ratio": round(files_s / one_file_s, 1), "per_file_ms": round(per_file_ms, 1),
            "year_min": round(per_file_ms * FILES_A_YEAR / 60000, 1), "matched": matched,
        }))


if __name__ == "__main__":
    main()
