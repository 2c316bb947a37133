"""Cascade benchmark: 10,000 runs x 200 states x 60 months, vectorized, beside a Mesa 3 agent-based model.

Prints one JSON object:
  vectorized_s   pariah.forecast.cascade.run (numpy) on 10,000 runs
  jax_s          the JAX backend on the same work (CPU here; a GPU where JAX finds one), after a warm-up run
  jax_first_s    that warm-up run, which includes compiling the simulation for this shape
  mesa_s         the same model as a straightforward Mesa 3 model (Model, Agent, AgentSet), measured on
                 MESA_RUNS runs and scaled to 10,000 (runs are independent, so the cost is linear)
  ratio          mesa_s / vectorized_s

The model is the hazard model fitted on the bundled cases as known on 2024-02-01, run on the
taliban-2021 world of that date (192 UN members plus 8 non-member states named by context acts).

Usage: python bench/cascade.py [--runs N] [--backend numpy|jax]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import time

import numpy as np
import pandas as pd

import pariah
from pariah import forecast
from pariah.forecast import cascade
from pariah.forecast.world import build

MONTHS = 60
MESA_RUNS = 5
EXTRA = ["XKX", "TWN", "PSE", "VAT", "ESH", "COK", "NIU", "HKG"]


def world_and_model():
    ledger = pariah.Ledger("sqlite://")
    cutoff = dt.date(2024, 2, 1)
    model = forecast.fit(ledger, as_of=cutoff, level="ambassadors", n_bootstrap=0)
    acts = ledger.acts("taliban-2021", known_on=cutoff)
    extra = pd.DataFrame([{**acts.iloc[0].to_dict(), "actor": s, "act": "other", "act_id": f"bench-{s}"} for s in EXTRA])
    world = build(ledger.case("taliban-2021"), pd.concat([acts, extra], ignore_index=True), until=cutoff)
    return model, world


def mesa_runs(cm: cascade.CascadeModel, runs: int, months: int, seed: int) -> list[int]:
    import mesa

    ties = {j: [(i, float(cm.ties[j, i])) for i in np.flatnonzero(cm.ties[j])] for j in range(len(cm.base))}
    p5 = set(np.flatnonzero(cm.p5).tolist())
    members = [bool(m) for m in cm.member]
    n_members = max(sum(members), 1)

    class StateAgent(mesa.Agent):
        def __init__(self, model, j):
            super().__init__(model)
            self.j, self.moved, self.next = j, bool(cm.start_moved[j]), bool(cm.start_moved[j])

        def step(self):  # decide on last month's world
            if self.moved or not members[self.j]:
                return
            m = self.model
            logit = float(cm.base[self.j]) + sum(w * m.moved[i] for i, w in ties[self.j])
            logit += cm.a_world * m.share + cm.a_p5 * (m.p5_count - (self.j in p5 and m.moved[self.j]) > 0)
            if cm.leader is not None:
                logit += cm.a_leader * m.moved[cm.leader]
            logit += cm.a_months * math.log1p(cm.t + m.month) + cm.a_spell * math.log1p(cm.spell[self.j] + m.month)
            self.next = self.random.random() < 1 / (1 + math.exp(-logit))

        def advance(self):
            self.moved = self.moved or self.next

    class Cascade(mesa.Model):
        def __init__(self, seed):
            super().__init__(seed=seed)
            self.month = 0
            for j in range(len(cm.base)):
                StateAgent(self, j)
            self.refresh()

        def refresh(self):
            self.moved = [0] * len(cm.base)
            for a in self.agents:
                self.moved[a.j] = int(a.moved and members[a.j])
            self.share = sum(self.moved) / n_members
            self.p5_count = sum(self.moved[i] for i in p5)

        def step(self):
            self.agents.do("step")
            self.agents.do("advance")
            self.refresh()
            self.month += 1

    counts = []
    for r in range(runs):
        model = Cascade(seed + r)
        for _ in range(months):
            model.step()
        counts.append(sum(model.moved))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()
    model, world = world_and_model()
    cm = cascade.CascadeModel(model, world, len(world.months) - 1)

    t = time.perf_counter()
    result = cascade.run(cm, MONTHS, args.runs, seed=1)
    vectorized_s = time.perf_counter() - t

    jax_s = jax_first_s = None
    try:
        import jax

        t = time.perf_counter()
        cascade.run(cm, MONTHS, args.runs, seed=0, backend="jax")  # compiles for this shape
        jax_first_s = time.perf_counter() - t
        t = time.perf_counter()
        jax_result = cascade.run(cm, MONTHS, args.runs, seed=1, backend="jax")
        jax_s = time.perf_counter() - t
        jax_device = str(jax.devices()[0].platform)
        jax_mean = float(jax_result.counts[:, -1].mean())
    except ImportError:
        jax_device, jax_mean = None, None

    t = time.perf_counter()
    mesa_counts = mesa_runs(cm, MESA_RUNS, MONTHS, seed=1)
    mesa_s = (time.perf_counter() - t) * args.runs / MESA_RUNS

    print(json.dumps({
        "runs": args.runs, "states": len(world.states), "months": MONTHS,
        "vectorized_s": round(vectorized_s, 3),
        "jax_s": None if jax_s is None else round(jax_s, 3),
        "jax_first_s": None if jax_first_s is None else round(jax_first_s, 3), "jax_device": jax_device,
        "mesa_s": round(mesa_s, 1), "ratio": round(mesa_s / vectorized_s, 1), "mesa_runs_measured": MESA_RUNS,
        "mean_moved_vectorized": float(result.counts[:, -1].mean()), "mean_moved_jax": jax_mean,
        "mean_moved_mesa": float(np.mean(mesa_counts)),
    }))


if __name__ == "__main__":
    main()
