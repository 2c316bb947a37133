"""Command-line start-up benchmark: what a user waits for on the everyday commands.

Prints one JSON object:
  import_cli_s     ``python -c "import pariah.cli"``: the command line's own start-up
  help_s           ``pariah --help``
  status_warm_s    ``pariah status taliban-2021`` on a database already built and migrated
  floor_s          ``python -c "import typer, rich.console, pandas, sqlalchemy"``: the libraries a status
                   needs, imported and nothing else (the baseline, measured in the same run)
  status_ratio     status_warm_s / floor_s: how much of a status is pariah's own work

Each figure is the median of RUNS fresh interpreters. Usage: python bench/cli.py [--runs N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    pariah = [python, "-c", "from pariah.cli import main; main()"]
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        subprocess.run([*pariah, "--db", db, "cases"], check=True, stdout=subprocess.DEVNULL)  # build once
        figures = {
            "import_cli_s": median_seconds([python, "-c", "import pariah.cli"], args.runs),
            "help_s": median_seconds([*pariah, "--help"], args.runs),
            "status_warm_s": median_seconds([*pariah, "--db", db, "status", "taliban-2021", "--format", "csv"], args.runs),
            "floor_s": median_seconds([python, "-c", "import typer, rich.console, pandas, sqlalchemy"], args.runs),
        }
    figures = {k: round(v, 3) for k, v in figures.items()}
    figures["status_ratio"] = round(figures["status_warm_s"] / figures["floor_s"], 2)
    figures["runs"] = args.runs
    figures["python"] = sys.version.split()[0]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
