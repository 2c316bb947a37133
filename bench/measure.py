"""Measurement benchmark: the monthly isolation index with its sensitivity band.

Prints one JSON object:
  bundled_s               every bundled case, monthly index and band, start to end (or today)
  generated_s             a generated case of 200 states x 50,000 acts x 20 years, monthly index and band
  generated_naive_s       the same computed the straightforward way: for every month, filter the acts,
                          replay each state's acts, score it under every mapping and weigh it under every scheme
  ratio                   generated_naive_s / generated_s

The naive loop runs on every NAIVE_STEP-th month and is scaled to all months (it is linear in months);
the benchmark checks that both give the same index.

Usage: python bench/measure.py
"""
from __future__ import annotations

import datetime as dt
import json
import random
import time

import numpy as np
import pandas as pd

from pariah import case as case_module
from pariah import ladder, measure, reference
from pariah.acts import ACT_ORDER, ACTS
from pariah.ledger import Ledger
from pariah.measure.index import MAPPINGS
from pariah.measure.weights import SCHEMES, weights

CASE = """id: bench-measure
name: Generated case
target: AFG
start: 2000-01-01
end: 2019-12-31
coalition_leader: USA
coalition: [USA, G7]
demands: [none]
level: ambassadors
description: Generated data for the benchmark.
sources: ["generated"]
"""
ACTS = 50_000
NAIVE_STEP = 12


def generate(states: list[str], seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    kinds = list(ACTS)
    start = dt.date(2000, 1, 1)
    rows = []
    for i in range(ACTS):
        day = start + dt.timedelta(days=rng.randrange(20 * 365))
        rows.append({"act_id": f"g{i}", "case_id": "bench-measure", "date": day.isoformat(), "day": day,
                     "actor": rng.choice(states), "act": rng.choice(kinds), "description": "generated",
                     "source": "generated", "confidence": "medium", "known_from": None, "known_on": day})
    return pd.DataFrame(rows).sort_values(["day", "actor", "act", "act_id"]).reset_index(drop=True)


def naive_index(case, acts: pd.DataFrame, months: pd.DatetimeIndex, states: list[str]) -> list[float]:
    """Month by month, state by state, the way one would write it first."""
    out = []
    table = reference.states()
    # acts of one day in the ladder's order (ACT_ORDER), as pariah applies them
    acts = acts.assign(order=acts["act"].map(ACT_ORDER)).sort_values(["day", "order", "act_id"])
    for month in months:
        day = month.date()
        known = acts[acts["day"] <= day]
        variants, main = [], None
        per_state = {}
        for state in states:
            c = case.initial_components(state)
            for row in known[known["actor"] == state].itertuples():
                c = c.apply(row.act, row.day)
            per_state[state] = c
        member = np.array([(not table.at[s, "un_member"]) or table.at[s, "un_joined"] <= day.year for s in states])
        for name, mapping in MAPPINGS.items():
            score = []
            for state in states:
                c = per_state[state]
                s = mapping.level_scores[int(c.level(day))] - mapping.hostile_penalty * c.hostile
                score.append(min(max(s, 0.0), 1.0))
            score = np.array(score)
            for scheme in SCHEMES:
                w = weights(scheme, states, case.target) * member
                value = 1 - (score * w).sum() / w.sum()
                variants.append(value)
                if name == "default" and scheme == "equal":
                    main = value
        out.append((main, min(variants), max(variants)))
    return out


def main() -> None:
    ledger = Ledger("sqlite://")
    t = time.perf_counter()
    for c in ledger.cases():
        measure.isolation_index(c, ledger.acts(c.id))
    bundled_s = time.perf_counter() - t

    case = case_module.loads(CASE)
    members = reference.un_members(dt.date(2019, 1, 1))
    others = [s for s in reference.states().index if s not in members]
    states = [s for s in members if s != case.target] + others[:8]
    acts = generate(states)
    t = time.perf_counter()
    fast = measure.isolation_index(case, acts, freq="month")
    generated_s = time.perf_counter() - t

    months = pd.DatetimeIndex(pd.to_datetime(fast["date"]))[::NAIVE_STEP]
    t = time.perf_counter()
    slow = naive_index(case, acts, months, sorted(states))
    naive_s = (time.perf_counter() - t) * len(fast) / len(months)
    check = fast.set_index(pd.to_datetime(fast["date"])).loc[months]
    for (main, low, high), row in zip(slow, check.itertuples()):
        assert abs(main - row.index) < 1e-9 and abs(low - row.low) < 1e-9 and abs(high - row.high) < 1e-9, (main, low, high, row)

    print(json.dumps({
        "bundled_cases": len(ledger.cases()),
        "bundled_s": round(bundled_s, 3),
        "generated_states": len(states),
        "generated_acts": ACTS,
        "generated_months": len(fast),
        "generated_s": round(generated_s, 3),
        "generated_naive_s": round(naive_s, 1),
        "ratio": round(naive_s / generated_s, 1),
        "naive_months_measured": len(months),
    }))


if __name__ == "__main__":
    main()
