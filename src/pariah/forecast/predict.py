"""Forecasts: for every state not yet at a level, the probability of reaching it within a horizon."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pariah import reference
from pariah.dates import DateLike, to_date
from pariah.exceptions import InvalidArgument
from pariah.forecast.hazard import HazardModel
from pariah.forecast.training import fit, world_as_known
from pariah.forecast.world import FEATURES, World, case_rate, features_at, months_at_level
from pariah.ladder import Level, parse_level
from pariah.panels import default_as_of

if TYPE_CHECKING:
    from pariah.ledger import Ledger


def project(model: HazardModel, world: World, t: int, horizon: int, samples: bool):
    """Probability of reaching the level within ``horizon`` months for every state, from month ``t``,
    holding covariates at their month-``t`` values except the clocks."""
    moved = world.level_known[t] >= model.level
    spell = months_at_level(world.level_known)[t]
    rate = case_rate(world, model.level)[t]
    recent = case_rate(world, model.level, 12)[t]
    survive = np.ones(len(world.states))
    survive_s = None
    for k in range(horizon):
        X = features_at(world, t, moved, spell + k, rate=rate, recent=recent)
        X[:, FEATURES.index("log_months")] = np.log1p(t + k)
        survive = survive * (1 - model.predict_hazard(X))
        if samples:
            h = model.predict_hazard_samples(X)
            survive_s = (1 - h) if survive_s is None else survive_s * (1 - h)
    X0 = features_at(world, t, moved, spell, rate=rate, recent=recent)
    return 1 - survive, (None if survive_s is None else 1 - survive_s), X0, moved


def forecast(ledger: Ledger, case_id: str, *, as_of: DateLike = None, horizon: int = 12,
             level: str | int | Level | None = None, n_bootstrap: int = 20, seed: int = 0,
             model: HazardModel | None = None, engagement: bool = False) -> pd.DataFrame:
    """Per state not yet at the level: the probability of reaching it within ``horizon`` months.

    Rows, most likely first: ``state, name, p, p_low, p_high, level, current_level, drivers``
    (``p_low``/``p_high``: the 10th and 90th percentiles over bootstrap fits; ``drivers``: the
    three covariates that push the state's hazard most, with their push on the log-odds).

    >>> forecast(ledger, "taliban-2021", as_of="2024-02-01", horizon=24, level="ambassadors").head(3)  # doctest: +SKIP
    """
    case = ledger.case(case_id)
    as_of = to_date(as_of) or default_as_of(case)
    if as_of <= case.start:
        raise InvalidArgument(f"as_of {as_of} is not after the start of {case_id} ({case.start})")
    target = parse_level(level or case.level)
    model = model or fit(ledger, as_of=as_of, level=target, n_bootstrap=n_bootstrap, seed=seed, engagement=engagement)
    world = world_as_known(ledger, case, as_of, engagement=engagement)
    t = len(world.months) - 1
    p, p_samples, X0, moved = project(model, world, t, horizon, True)
    push = model.contributions(X0)
    rows = []
    for j, state in enumerate(world.states):
        if moved[j] or not world.member[t, j]:
            continue
        order = np.argsort(-np.abs(push[j]))[:3]
        drivers = ", ".join(f"{model.features[k]} {push[j, k]:+.2f}" for k in order)
        rows.append({
            "state": state, "name": reference.name(state), "p": float(p[j]),
            "p_low": float(np.percentile(p_samples[:, j], 10)), "p_high": float(np.percentile(p_samples[:, j], 90)),
            "level": target.label, "current_level": Level(int(world.level_known[t, j])).label, "drivers": drivers,
        })
    columns = ["state", "name", "p", "p_low", "p_high", "level", "current_level", "drivers"]
    return pd.DataFrame(rows, columns=columns).sort_values(["p", "state"], ascending=[False, True],
                                                           kind="stable").reset_index(drop=True)


