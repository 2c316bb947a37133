"""Ledger benchmark: import throughput and the daily ladder panel, each beside a naive baseline.

Prints one JSON object:
  import_rows_per_s        pariah's importer, a generated 1,000,000-row CSV into a fresh SQLite file
  import_naive_rows_per_s  the obvious importer: csv.DictReader, validate row by row, one INSERT per row
  panel_s                  pariah.panels.panel_frame: daily levels of 200 states over 5 years
  panel_naive_s            the obvious panel: for every date, query the acts up to it and compute each state's level

The naive importer runs on the first NAIVE_ROWS rows and the naive panel on every
PANEL_STEP-th date; both are linear in rows and dates, so their rates are
scaled to the full size (the sample sizes are in the output).

Usage: python bench/ledger.py [--rows N]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from pariah import case as case_module
from pariah import dates, ladder, panels, reference
from pariah.acts import ACTS
from pariah.ledger import Ledger
from pariah.ledger.schema import EXCHANGE_COLUMNS, acts as acts_table

CASE = """id: bench-case
name: Benchmark case
target: AFG
start: 2020-01-01
coalition_leader: USA
coalition: [USA]
demands: [none]
level: ambassadors
description: Generated data for the benchmark.
sources: ["generated"]
"""
NAIVE_ROWS = 20_000
PANEL_STEP = 20


def generate(path: Path, rows: int, states: list[str], seed: int = 1) -> None:
    rng = random.Random(seed)
    acts = list(ACTS)
    start = dt.date(2020, 1, 1)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(EXCHANGE_COLUMNS)
        for i in range(rows):
            day = start + dt.timedelta(days=rng.randrange(5 * 365))
            w.writerow(["bench-case", day.isoformat(), rng.choice(states), rng.choice(acts),
                        f"Generated act number {i}.", f"Generator, https://example.org/{i}", "medium", "", f"b{i}"])


def naive_import(ledger: Ledger, path: Path, limit: int) -> int:
    """Row by row, the way one would write it first."""
    with open(path, newline="", encoding="utf-8") as f, ledger.engine.begin() as conn:
        n = 0
        for row in csv.DictReader(f):
            if n >= limit:
                break
            first, last = dates.date_bounds(row["date"])
            actor = reference.resolve_actor(row["actor"])
            assert row["act"] in ACTS and row["source"] and row["description"]
            exists = conn.execute(acts_table.select().where(acts_table.c.act_id == row["id"])).first()
            if exists is None:
                conn.execute(acts_table.insert().values(
                    act_id=row["id"], case_id=row["case"], date=row["date"], day=first, actor=actor, act=row["act"],
                    description=row["description"], source=row["source"], confidence=row["confidence"] or "medium",
                    known_from=None, known_on=last, recorded_at=dt.datetime.now()))
            n += 1
    return n


def naive_panel(ledger: Ledger, case, grid: np.ndarray, states: list[str]) -> dict:
    out = {}
    for day in grid.astype("datetime64[D]").astype(object):
        acts = ledger.acts(case.id)
        acts = acts[acts["day"] <= day]
        steps = panels.frame_steps(acts)
        out[day] = [int(ladder.dyad_as_of(s, case.initial_components(s), steps.get(s, []), case.start, day).level)
                    for s in states]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    case = case_module.loads(CASE)
    states = reference.un_members(dt.date(2024, 1, 1))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "acts.csv"
        generate(data, args.rows, [s for s in states if s != "AFG"])  # an act toward itself is refused

        fast = Ledger(f"sqlite:///{tmp / 'fast.sqlite'}", bundled=False)
        fast.add_case(case)
        t = time.perf_counter()
        result = fast.import_files([data])
        import_s = time.perf_counter() - t
        assert result.added == args.rows

        naive = Ledger(f"sqlite:///{tmp / 'naive.sqlite'}", bundled=False)
        naive.add_case(case)
        t = time.perf_counter()
        n = naive_import(naive, data, min(NAIVE_ROWS, args.rows))
        naive_s = time.perf_counter() - t

        # Panel: 200 states (192 UN members besides the target, plus 8 non-members), 5 years, 10 acts each.
        others = [s for s in reference.states().index if s not in states]
        panel_states = [s for s in states if s != case.target] + others[:8]
        small = tmp / "panel.csv"
        generate(small, 2_000, panel_states, seed=2)
        pl = Ledger(f"sqlite:///{tmp / 'panel.sqlite'}", bundled=False)
        pl.add_case(case)
        pl.import_files([small])
        start, end = dt.date(2020, 1, 1), dt.date(2024, 12, 30)
        t = time.perf_counter()
        frame = panels.panel_frame(case, pl.acts(case.id), start=start, end=end, freq="day")
        panel_s = time.perf_counter() - t
        grid = dates.date_grid(start, end, "day")
        sample = grid[::PANEL_STEP]
        t = time.perf_counter()
        slow = naive_panel(pl, case, sample, list(frame.columns))
        naive_panel_s = (time.perf_counter() - t) * len(grid) / len(sample)
        for day, levels in slow.items():  # both must say the same
            assert frame.loc[str(day)].tolist() == levels, day

    import_rate = args.rows / import_s
    naive_rate = n / naive_s
    print(json.dumps({
        "rows": args.rows,
        "import_rows_per_s": round(import_rate),
        "import_naive_rows_per_s": round(naive_rate),
        "import_ratio": round(import_rate / naive_rate, 1),
        "import_naive_rows_measured": n,
        "panel_states": len(frame.columns),
        "panel_days": len(frame),
        "panel_s": round(panel_s, 3),
        "panel_naive_s": round(naive_panel_s, 1),
        "panel_ratio": round(naive_panel_s / panel_s, 1),
        "panel_naive_dates_measured": len(sample),
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
