"""Forecasts: for every state not yet at a level, the probability of reaching it within a horizon."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pariah import reference
from pariah.dates import DateLike, add_months, to_date
from pariah.exceptions import InvalidArgument
from pariah.forecast.drivers import drivers as say_drivers
from pariah.forecast.hazard import Hazard, HazardModel
from pariah.forecast.training import C, fitted, world_as_known
from pariah.forecast.world import DEFAULT_FEATURES, World, features, state_of_world
from pariah.ladder import Level, parse_level
from pariah.panels import default_as_of

if TYPE_CHECKING:
    from pariah.ledger import Ledger

#: A forecast whose horizon ends more than this many months after the ledger's newest act
#: carries a warning: the ledger may be missing acts that have already happened.
STALE_MONTHS = 6


def project(model: Hazard, world: World, t: int, horizon: int, samples: bool):
    """Probability of reaching the level within ``horizon`` months for every state, from month ``t``,
    holding covariates at their month-``t`` values except the clocks."""
    s = state_of_world(world, model.level)
    ts = np.full(horizon, t)
    X = features(world, ts, np.repeat(s["moved"][t][None], horizon, axis=0),
                 s["spell"][t][None, :] + np.arange(horizon)[:, None], rate=np.full(horizon, s["rate"][t]),
                 recent=np.full(horizon, s["recent"][t]),
                 recent_moved=np.repeat(s["recent_moved"][t][None], horizon, axis=0), months=t + np.arange(horizon))
    n = len(world.states)
    flat = X.reshape(horizon * n, -1)
    p = 1 - np.prod(1 - model.predict_hazard(flat).reshape(horizon, n), axis=0)
    p_s = None
    if samples:
        h = model.predict_hazard_samples(flat).reshape(-1, horizon, n)
        p_s = 1 - np.prod(1 - h, axis=1)
    return p, p_s, X[0], s["moved"][t]


def newest_act(ledger: Ledger) -> dt.date | None:
    """The date of the ledger's newest act (of any case, current revisions)."""
    from sqlalchemy import func, select

    current = ledger._current_query()
    with ledger.engine.connect() as conn:
        day = conn.execute(select(func.max(current.c.day))).scalar()
    return None if day is None else pd.Timestamp(day).date()


def forecast(ledger: Ledger, case_id: str, *, as_of: DateLike = None, horizon: int = 12,
             level: str | int | Level | None = None, n_bootstrap: int = 20, seed: int = 0,
             model: HazardModel | None = None, engagement: bool = False, cache: bool = True,
             features: tuple[str, ...] | None = None, C: float = C) -> pd.DataFrame:
    """Per state not yet at the level: the probability of reaching it within ``horizon`` months.

    Rows, most likely first: ``state, name, p, p_low, p_high, level, current_level, drivers``
    (``p_low``/``p_high``: the 10th and 90th percentiles over draws of the parameters; ``drivers``:
    the three covariates that push the state's odds most, in words, with their push on the
    log-odds). ``rows.attrs["warnings"]`` lists what a reader should know, e.g. a horizon that
    ends more than 6 months after the ledger's newest act. The fitted model is cached
    (``pariah.forecast.training``) unless ``cache=False``.

    >>> forecast(ledger, "taliban-2021", as_of="2024-02-01", horizon=24, level="ambassadors").head(3)  # doctest: +SKIP
    """
    case = ledger.case(case_id)
    as_of = to_date(as_of) or default_as_of(case)
    if as_of <= case.start:
        raise InvalidArgument(f"as_of {as_of} is not after the start of {case_id} ({case.start})")
    target = parse_level(level or case.level)
    chosen = features or (DEFAULT_FEATURES + ("engagement",) if engagement else DEFAULT_FEATURES)
    world = None
    if model is None:
        model, alignment, worlds = fitted(ledger, as_of=as_of, level=int(target), n_bootstrap=n_bootstrap, seed=seed,
                                          features=chosen, C=C, engagement=engagement, cache=cache)
        world = next((w for w in worlds or [] if w.case.id == case_id), None)
    else:
        alignment = None
    if world is None:
        world = world_as_known(ledger, case, as_of, engagement=engagement)
        world.alignment = alignment
    t = len(world.months) - 1
    p, p_samples, X0, moved = project(model, world, t, horizon, True)
    push = model.contributions(X0)
    at_risk = [j for j in range(len(world.states)) if not moved[j] and world.member[t, j]]
    words = dict(zip(at_risk, say_drivers(world, t, int(target), model.features, X0, push, at_risk)))
    low, high = np.percentile(p_samples, [10, 90], axis=0)
    rows = []
    for j in at_risk:
        rows.append({
            "state": world.states[j], "name": reference.name(world.states[j]), "p": float(p[j]),
            "p_low": float(low[j]), "p_high": float(high[j]),
            "level": target.label, "current_level": Level(int(world.level_known[t, j])).label, "drivers": words[j],
        })
    columns = ["state", "name", "p", "p_low", "p_high", "level", "current_level", "drivers"]
    out = pd.DataFrame(rows, columns=columns).sort_values(["p", "state"], ascending=[False, True],
                                                          kind="stable").reset_index(drop=True)
    out.attrs["warnings"] = horizon_warnings(ledger, as_of, horizon)
    return out


def horizon_warnings(ledger: Ledger, as_of: dt.date, horizon: int) -> list[str]:
    """A warning when the horizon ends more than ``STALE_MONTHS`` after the ledger's newest act."""
    newest = newest_act(ledger)
    end = add_months(as_of, horizon)
    if newest is not None and end > add_months(newest, STALE_MONTHS):
        return [f"the horizon ends on {end}, more than {STALE_MONTHS} months after the ledger's newest act "
                f"({newest}): acts that have happened since may be missing, so the forecast may be out of date"]
    return []
