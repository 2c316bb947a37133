"""Cascade scenarios: Monte Carlo runs with and without assumed moves, on the same random numbers."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pariah import reference
from pariah.dates import DateLike, to_date
from pariah.exceptions import InvalidArgument, NotEnoughData
from pariah.forecast.hazard import HazardModel
from pariah.forecast.training import C, training_worlds
from pariah.forecast.world import build
from pariah.ladder import Level, parse_level
from pariah.panels import default_as_of

if TYPE_CHECKING:
    from pariah.ledger import Ledger


def parse_assumption(text: str) -> tuple[str, Level, dt.date | None]:
    """``CHN=recognized@2025-01`` -> ("CHN", Level.RECOGNIZED, 2025-01-01); the date is optional."""
    if "=" not in text:
        raise InvalidArgument(f"assumption {text!r}: expected ISO3=LEVEL or ISO3=LEVEL@DATE, e.g. CHN=recognized@2025-01")
    state, rest = text.split("=", 1)
    level, _, when = rest.partition("@")
    return reference.resolve_actor(state.strip()), parse_level(level.strip()), (to_date(when.strip()) if when else None)


def scenario(ledger: Ledger, case_id: str, *, assume: list[str], as_of: DateLike = None, horizon: int = 24,
             runs: int = 2000, seed: int = 0, backend: str = "numpy") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monte Carlo cascades with and without the assumed moves, on the same random numbers.

    For each level from ``missions`` to ``recognized`` a hazard model is fitted on what was
    known on ``as_of`` and the cascade is run month by month; a state at a level counts at
    every level below it. Returns two DataFrames:

    - ``distribution``: ``level, level_name, scenario (baseline|assumed), mean, p10, p50, p90``
      of the number of states at or above the level at the horizon;
    - ``states``: ``state, name, level, level_name, p_baseline, p_assumed, difference``.

    >>> dist, states = scenario(ledger, "taliban-2021", assume=["CHN=recognized@2025-01"], as_of="2024-12-01")  # doctest: +SKIP
    """
    from pariah.forecast.cascade import Assumption, CascadeModel, run

    case = ledger.case(case_id)
    as_of = to_date(as_of) or default_as_of(case)
    assumptions = [parse_assumption(a) for a in assume]
    acts = ledger.acts(case_id, known_on=as_of)
    world = build(case, acts, until=as_of)
    t = len(world.months) - 1
    start = world.months[t].date()
    worlds = training_worlds(ledger, as_of)
    finals: dict[int, dict[str, np.ndarray]] = {}
    for lv in (int(Level.MISSIONS), int(Level.AMBASSADORS), int(Level.RECOGNIZED)):
        try:
            model = HazardModel(lv, C=C, n_bootstrap=0, seed=seed).fit(worlds)
        except NotEnoughData:
            continue
        cascade = CascadeModel(model, world, t)
        forced = []
        for state, level, when in assumptions:
            if int(level) >= lv and state in world.states:
                months = 0 if when is None else max(0, (when.year - start.year) * 12 + when.month - start.month)
                forced.append(Assumption(world.states.index(state), months))
        finals[lv] = {
            "baseline": run(cascade, horizon, runs, seed, [], backend).final,
            "assumed": run(cascade, horizon, runs, seed, forced, backend).final,
        }
    if not finals:
        raise NotEnoughData(f"no level could be modelled on what was known on {as_of}")
    levels = sorted(finals, reverse=True)
    for higher, lower in zip(levels, levels[1:]):  # a state at a level is also at every level below it
        for key in ("baseline", "assumed"):
            finals[lower][key] = finals[lower][key] | finals[higher][key]
    member = world.member[t]
    dist, states = [], []
    for lv in sorted(finals):
        for key in ("baseline", "assumed"):
            counts = (finals[lv][key] & member).sum(axis=1)
            dist.append({"level": lv, "level_name": Level(lv).label, "scenario": key, "mean": float(counts.mean()),
                         "p10": float(np.percentile(counts, 10)), "p50": float(np.percentile(counts, 50)),
                         "p90": float(np.percentile(counts, 90))})
        already = world.level_known[t] >= lv
        p_base, p_assumed = finals[lv]["baseline"].mean(axis=0), finals[lv]["assumed"].mean(axis=0)
        for j, state in enumerate(world.states):
            if already[j] or not member[j]:
                continue
            states.append({"state": state, "name": reference.name(state), "level": lv, "level_name": Level(lv).label,
                           "p_baseline": float(p_base[j]), "p_assumed": float(p_assumed[j]),
                           "difference": float(p_assumed[j] - p_base[j])})
    states = pd.DataFrame(states).sort_values(["level", "difference", "p_assumed"], ascending=[True, False, False],
                                              kind="stable").reset_index(drop=True)
    return pd.DataFrame(dist), states
