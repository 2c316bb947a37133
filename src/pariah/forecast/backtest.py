"""Backtests: fit on what was known at each cutoff, forecast, and score against what happened."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from pariah.dates import DateLike, add_months, to_date
from pariah.exceptions import InvalidArgument, NotEnoughData
from pariah.forecast.hazard import HazardModel
from pariah.forecast.predict import project
from pariah.forecast.scoring import score
from pariah.forecast.training import C, training_worlds, world_as_known
from pariah.forecast.world import DEFAULT_FEATURES, FEATURES, PEER_FEATURES, build
from pariah.ladder import parse_level
from pariah.panels import default_as_of

if TYPE_CHECKING:
    from pariah.ledger import Ledger


def backtest(ledger: Ledger, case_id: str, *, cutoffs: Iterable[DateLike] = (), horizon: int = 12,
             level: str | int | None = None, rolling: bool = False, seed: int = 0, C: float = C,
             engagement: bool = False) -> dict[str, Any]:
    """Fit on what was known at each cutoff, forecast, and score against what happened.

    ``rolling`` adds a cutoff every 6 months from a year after the start to
    ``horizon`` months before today. Returns the pooled scores (``n, events,
    brier, brier_climatology, bss, log_loss, auc, calibration``, plus the
    skill against a model without peer exposure) and ``cutoffs`` with each
    cutoff's own scores.

    >>> backtest(ledger, "taliban-2021", cutoffs=["2024-02-01"], horizon=24, level="ambassadors")["auc"]  # doctest: +SKIP
    """
    case = ledger.case(case_id)
    target = parse_level(level or case.level)
    end = default_as_of(case)
    dates = [d for d in (to_date(c) for c in cutoffs) if d is not None]
    if rolling:
        day = add_months(case.start, 12).replace(day=1)
        while add_months(day, horizon) <= end:
            dates.append(day)
            day = add_months(day, 6)
    if not dates:
        raise InvalidArgument("give at least one cutoff date, or rolling=True")
    truth = build(case, ledger.acts(case_id), until=end)
    features = FEATURES if engagement else DEFAULT_FEATURES
    peer_free = tuple(f for f in features if f not in PEER_FEATURES)
    ps, ys, clims, refs, per = [], [], [], [], []
    for cutoff in sorted(set(dates)):
        if cutoff <= case.start:
            raise InvalidArgument(f"cutoff {cutoff} is not after the start of {case_id} ({case.start})")
        if add_months(cutoff, horizon) > end:
            raise NotEnoughData(f"cutoff {cutoff} + {horizon} months is after {end}: the outcome is not known yet")
        try:
            worlds = training_worlds(ledger, cutoff, engagement=engagement)
            model = HazardModel(int(target), C=C, n_bootstrap=0, seed=seed, features=features).fit(worlds)
            reference_model = HazardModel(int(target), C=C, n_bootstrap=0, seed=seed, features=peer_free).fit(worlds)
        except NotEnoughData as e:
            per.append({"cutoff": cutoff.isoformat(), "skipped": str(e)})
            continue
        world = world_as_known(ledger, case, cutoff, engagement=engagement)
        t = len(world.months) - 1
        p, _, _, moved = project(model, world, t, horizon, False)
        p_ref, _, _, _ = project(reference_model, world, t, horizon, False)
        at_risk = ~moved & world.member[t]
        horizon_end = add_months(cutoff, horizon)
        window = (truth.months.date > cutoff) & (truth.months.date <= horizon_end)
        index = [truth.states.index(s) for s in world.states]
        reached = (truth.level_valid[window][:, index] >= int(target)).any(axis=0) if window.any() else np.zeros(len(index), bool)
        y = reached[at_risk].astype(float)
        if not len(y):
            per.append({"cutoff": cutoff.isoformat(), "skipped": f"no state below {target.label} at the cutoff"})
            continue
        clim = np.full(len(y), 1 - (1 - model.base_rate_) ** horizon)
        ps.append(p[at_risk]); ys.append(y); clims.append(clim); refs.append(p_ref[at_risk])
        per.append({"cutoff": cutoff.isoformat(), **score(p[at_risk], y, clim, p_ref[at_risk])})
    if not ps:
        raise NotEnoughData(f"no cutoff of {case_id} could be scored: " + "; ".join(c["skipped"] for c in per))
    out = score(np.concatenate(ps), np.concatenate(ys), np.concatenate(clims), np.concatenate(refs))
    out.update({"case": case_id, "level": target.label, "horizon": horizon, "cutoffs": per})
    return out
