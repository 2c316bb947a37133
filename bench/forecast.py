"""Forecast benchmark: a forecast from the model cache beside the uncached path, and the yardstick's wall time.

Prints one JSON object:
  uncached_s     pariah.forecast.forecast(ledger, "taliban-2021") with cache=False: fit every case as
                 known today, then forecast (the path every forecast took before the cache)
  cold_s         the same call with the cache on and empty: the fit, plus storing the model
  warm_s         the same call again (median of 3): the model comes from the cache
  uncached_over_warm, cold_over_warm   the ratios
  cli_cold_s, cli_warm_s   the command `pariah forecast CASE` in a new process (median of 3), first with an
                 empty cache, then again: what a user waits for, start-up included
  cli_floor_s    a new process that imports typer, Rich, numpy, pandas and SQLAlchemy and does nothing
                 else (median of 3): the part of cli_warm_s that is not pariah's
  backtest_s     the full leave-one-case-out yardstick (pariah backtest --leave-one-out: horizon 12,
                 a cutoff every 12 months), with its pooled bss and auc; left out with --skip-backtest

The cache lives in a temporary folder ($PARIAH_CACHE), so the user's cache is neither read nor written.

Usage: python bench/forecast.py [--skip-backtest] [--case CASE]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _process_s(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def command_line(case: str) -> dict[str, float]:
    """``pariah forecast CASE`` in new processes, cold then warm, beside the libraries' import floor."""
    folder = Path(tempfile.mkdtemp(prefix="pariah-bench-cli-"))
    env = {**os.environ, "PARIAH_CACHE": str(folder / "cache")}
    command = [str(Path(sys.executable).with_name("pariah")), "--db", f"sqlite:///{folder / 'pariah.sqlite'}", "forecast", case]
    subprocess.run([*command[:3], "status", case], env=env, check=True, stdout=subprocess.DEVNULL)  # build the database
    cold = _process_s(command, env)
    warm = statistics.median(_process_s(command, env) for _ in range(3))
    floor = statistics.median(_process_s([sys.executable, "-c", "import typer, rich, numpy, pandas, sqlalchemy"], env)
                              for _ in range(3))
    return {"cli_cold_s": round(cold, 3), "cli_warm_s": round(warm, 3), "cli_floor_s": round(floor, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-backtest", action="store_true", help="Leave out the full leave-one-out backtest.")
    parser.add_argument("--case", default="taliban-2021")
    args = parser.parse_args()
    os.environ["PARIAH_CACHE"] = tempfile.mkdtemp(prefix="pariah-bench-")

    import pariah
    from pariah import forecast

    ledger = pariah.Ledger("sqlite://")
    forecast.forecast(ledger, args.case, horizon=1, n_bootstrap=0, cache=False)  # imports and reference data

    def timed(**kw) -> float:
        start = time.perf_counter()
        forecast.forecast(ledger, args.case, horizon=12, **kw)
        return time.perf_counter() - start

    uncached = timed(cache=False)
    cold = timed()
    warm = statistics.median(timed() for _ in range(3))
    out = {"case": args.case, "uncached_s": round(uncached, 3), "cold_s": round(cold, 3), "warm_s": round(warm, 3),
           "uncached_over_warm": round(uncached / warm, 1), "cold_over_warm": round(cold / warm, 1)}
    out.update(command_line(args.case))
    if not args.skip_backtest:
        start = time.perf_counter()
        result = forecast.leave_one_out(ledger, horizon=12, every=12)
        out.update(backtest_s=round(time.perf_counter() - start, 1), backtest_cases=len(result["cases"]),
                   backtest_windows=result["pooled"]["n"], backtest_bss=round(result["pooled"]["bss"], 4),
                   backtest_auc=round(result["pooled"]["auc"], 4))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
