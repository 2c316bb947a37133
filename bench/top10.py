"""Today's ten likeliest states for a case, as the Markdown table docs/METHODS.md shows.

Usage: python bench/top10.py [CASE] [--horizon MONTHS]
"""
from __future__ import annotations

import argparse

import pariah
from pariah import forecast


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("case", nargs="?", default="taliban-2021")
    parser.add_argument("--horizon", type=int, default=12)
    args = parser.parse_args()
    ledger = pariah.Ledger("sqlite://")
    rows = forecast.forecast(ledger, args.case, horizon=args.horizon)
    print(f"| # | state | p | 80% interval | now at | why (push on the log-odds) |\n|---|---|---|---|---|---|")
    for i, r in enumerate(rows.head(10).itertuples(), start=1):
        print(f"| {i} | {r.name} ({r.state}) | {r.p:.3f} | {r.p_low:.3f}-{r.p_high:.3f} | {r.current_level} | {r.drivers} |")
    for warning in rows.attrs.get("warnings", []):
        print(f"\nwarning: {warning}")


if __name__ == "__main__":
    main()
