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
from pariah.forecast.training import C, align, training_worlds
from pariah.forecast.world import DEFAULT_FEATURES, build
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
    - ``states``: ``state, name, level, level_name, p_baseline, p_assumed, difference``, the
      states the assumption moves most first.

    An assumption dated before ``as_of``, or already true on it (as known then), is refused
    (``InvalidArgument``).

    >>> dist, states = scenario(ledger, "taliban-2021", assume=["CHN=recognized@2025-01"], as_of="2024-12-01")  # doctest: +SKIP
    """
    from pariah.forecast.cascade import Assumption, CascadeModel, run

    case = ledger.case(case_id)
    as_of = to_date(as_of) or default_as_of(case)
    assumptions = [parse_assumption(a) for a in assume]
    worlds = training_worlds(ledger, as_of)
    world = next(w for w in worlds if w.case.id == case_id) if as_of > case.start else build(
        case, ledger.acts(case_id, known_on=as_of), until=as_of)
    t = len(world.months) - 1
    start = world.months[t].date()
    for text, (state, level, when) in zip(assume, assumptions):
        check_assumption(text, world, t, state, level, when, as_of)
    finals: dict[int, dict[str, np.ndarray]] = {}
    for lv in (int(Level.MISSIONS), int(Level.AMBASSADORS), int(Level.RECOGNIZED)):
        align(worlds, lv, DEFAULT_FEATURES)
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
    # the assumption's effect first: the states it moves most, at whatever level
    states = pd.DataFrame(states).sort_values(["difference", "level", "p_assumed", "state"],
                                              ascending=[False, True, False, True], kind="stable").reset_index(drop=True)
    return pd.DataFrame(dist), states


def check_assumption(text: str, world, t: int, state: str, level: Level, when: dt.date | None,
                     as_of: dt.date) -> None:
    """An assumption must be a move that has not happened: dated on or after the as-of date, by a
    state counted in the case and not already at that level (as known on the as-of date)."""
    if when is not None and when < as_of.replace(day=1):
        raise InvalidArgument(f"assumption {text}: {when} is before the as-of date {as_of}; "
                              f"assume a move on or after it (or move --as-of back)")
    if state not in world.states or not world.member[t, world.states.index(state)]:
        raise InvalidArgument(f"assumption {text}: {reference.name(state)} ({state}) is not counted in "
                              f"{world.case.id} on {as_of}")
    current = Level(int(world.level_known[t, world.states.index(state)]))
    if current >= level:
        raise InvalidArgument(f"assumption {text}: {reference.name(state)} is already at {current.label} on {as_of} "
                              f"(as known then); assume a move that has not happened")
