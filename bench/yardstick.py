"""The leave-one-case-out yardstick on the bundled cases, with its reliability diagrams.

Runs ``pariah.forecast.leave_one_out`` (horizon 12, a cutoff every 12 months, each case at its own
level), writes docs/figures/reliability.png (observed share of moves against the mean forecast, per
tenth of p, pooled and per scored case) and prints one JSON object: the wall time, the pooled
scores with their 90% intervals, and each case's scores.

Usage: python bench/yardstick.py [--every MONTHS] [--figure PATH]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

FIGURE = Path(__file__).resolve().parent.parent / "docs" / "figures" / "reliability.png"


def reliability(ax, p: np.ndarray, y: np.ndarray, title: str) -> None:
    bins = np.minimum((p * 10).astype(int), 9)
    x, o, n = [], [], []
    for b in range(10):
        inside = bins == b
        if inside.any():
            x.append(p[inside].mean()); o.append(y[inside].mean()); n.append(int(inside.sum()))
    ax.plot([0, 1], [0, 1], color="0.7", lw=1)
    ax.scatter(x, o, s=[12 + 4 * np.sqrt(k) for k in n], color="#1f4e79", zorder=3)
    for xi, oi, k in zip(x, o, n):
        ax.annotate(str(k), (xi, oi), textcoords="offset points", xytext=(4, -10), fontsize=7, color="0.3")
    ax.set_xlim(0, 1); ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("mean forecast", fontsize=8); ax.set_ylabel("observed share", fontsize=8)
    ax.tick_params(labelsize=7)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=int, default=12)
    parser.add_argument("--figure", type=Path, default=FIGURE)
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import pariah
    from pariah import forecast

    ledger = pariah.Ledger("sqlite://")
    start = time.perf_counter()
    result = forecast.leave_one_out(ledger, horizon=12, every=args.every)
    wall = time.perf_counter() - start
    windows = result["windows"]
    p = np.array([w["p"] for w in windows]); y = np.array([w["outcome"] for w in windows], dtype=float)
    cases = [c["case"] for c in result["cases"]]
    fig, axes = plt.subplots(1, len(cases) + 1, figsize=(2.6 * (len(cases) + 1), 2.9))
    reliability(axes[0], p, y, f"pooled ({len(y):,} windows)")
    for ax, case in zip(axes[1:], cases):
        mine = np.array([w["case"] == case for w in windows])
        reliability(ax, p[mine], y[mine], f"{case} ({mine.sum():,})")
    fig.suptitle("Leave one case out, 12 months ahead: observed vs forecast per tenth of p (dot labels: windows)",
                 fontsize=9)
    fig.tight_layout()
    args.figure.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.figure, dpi=110)
    keys = ("n", "events", "brier", "brier_climatology", "bss", "bss_low", "bss_high", "auc", "auc_low", "auc_high",
            "log_loss")
    print(json.dumps({"wall_s": round(wall, 1), "every": args.every, "figure": str(args.figure),
                      "pooled": {k: result["pooled"][k] for k in keys},
                      "calibration": result["pooled"]["calibration"],
                      "cases": [{k: c[k] for k in ("case", "level", "cutoffs") + keys[:5] + ("auc", "log_loss")}
                                for c in result["cases"]]}))


if __name__ == "__main__":
    main()
