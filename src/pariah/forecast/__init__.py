"""Forecasting normalization: a pooled hazard model, forecasts with intervals, backtests, and cascade scenarios.

Everything a forecast ``as_of`` a date uses is what was known on that date,
in every case: the model is fitted on ``Ledger.acts(known_on=as_of)`` of all
cases, so a forecast and a backtest at the same cutoff are the same thing.
The model, covariates and protocol are in docs/METHODS.md.

>>> import pariah
>>> from pariah import forecast
>>> ledger = pariah.Ledger()
>>> forecast.forecast(ledger, "taliban-2021", as_of="2024-02-01", horizon=24).head()   # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pariah import reference
from pariah.exceptions import PariahError
from pariah.forecast.hazard import HazardModel
from pariah.forecast.world import (DEFAULT_FEATURES, FEATURES, PEER_FEATURES, World, build, case_rate, features_at,
                                   months_at_level)
from pariah.ladder import Level, default_as_of, parse_level, to_date

__all__ = ["HazardModel", "backtest", "fit", "forecast", "scenario", "training_worlds"]


def training_worlds(ledger, as_of: dt.date, cases: list[str] | None = None, engagement: bool = False) -> list[World]:
    """Every case that had begun by ``as_of``, as known on ``as_of``."""
    worlds = []
    for case in ledger.cases():
        if cases is not None and case.id not in cases:
            continue
        if case.start >= as_of:
            continue
        worlds.append(_world(ledger, case, as_of, engagement))
    return worlds


def _world(ledger, case, as_of: dt.date, engagement: bool) -> World:
    return build(case, ledger.acts(case.id, known_on=as_of), until=as_of,
                 engagement=_engagement(ledger, case, as_of) if engagement else None)


#: When several event datasets hold a target's events, the engagement covariate uses the first of
#: these (they overlap in time and would count the same events twice).
DATASET_PREFERENCE = ("gdelt2", "gdelt1", "icews", "polecat")


def _engagement(ledger, case, as_of: dt.date) -> pd.DataFrame | None:
    """Event-data engagement of a case's states up to ``as_of``, or None where no event data are loaded."""
    from pariah.events import engagement, store

    held = store.datasets(ledger, case.target)
    if not held:
        return None
    dataset = next((d for d in DATASET_PREFERENCE if d in held), held[0])
    frame = engagement(ledger, case.id, dataset=dataset, end=as_of)
    return frame[[m < as_of.replace(day=1) for m in frame["month"]]] if len(frame) else frame


#: The inverse penalty of the fit, chosen by rolling backtests (docs/METHODS.md).
C = 0.01


def fit(ledger, as_of=None, level="ambassadors", n_bootstrap: int = 20, seed: int = 0,
        features: tuple[str, ...] | None = None, cases: list[str] | None = None, C: float = C,
        engagement: bool = False) -> HazardModel:
    """The hazard model fitted on what was known on ``as_of`` (default: today). With ``engagement``
    the event-data engagement covariate is added (cases without event data get 0)."""
    as_of = to_date(as_of) or dt.date.today()
    features = features or (FEATURES if engagement else DEFAULT_FEATURES)
    return HazardModel(int(parse_level(level)), C=C, n_bootstrap=n_bootstrap, seed=seed, features=features).fit(
        training_worlds(ledger, as_of, cases, engagement))


def _project(model: HazardModel, world: World, t: int, horizon: int, samples: bool):
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


def forecast(ledger, case_id: str, as_of=None, horizon: int = 12, level=None, n_bootstrap: int = 20,
             seed: int = 0, model: HazardModel | None = None, engagement: bool = False) -> pd.DataFrame:
    """Per state not yet at the level: the probability of reaching it within ``horizon`` months.

    Rows, most likely first: ``state, name, p, p_low, p_high, level, current_level, drivers``
    (``p_low``/``p_high``: the 10th and 90th percentiles over bootstrap fits; ``drivers``: the
    three covariates that push the state's hazard most, with their push on the log-odds).

    >>> forecast(ledger, "taliban-2021", "2024-02-01", horizon=24, level="ambassadors").head(3)  # doctest: +SKIP
    """
    case = ledger.case(case_id)
    as_of = to_date(as_of) or default_as_of(case)
    if as_of <= case.start:
        raise PariahError(f"--as-of {as_of} is not after the start of {case_id} ({case.start})")
    target = parse_level(level or case.level)
    model = model or fit(ledger, as_of, target, n_bootstrap, seed, engagement=engagement)
    world = _world(ledger, case, as_of, engagement)
    t = len(world.months) - 1
    p, p_samples, X0, moved = _project(model, world, t, horizon, True)
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


def _auc(p: np.ndarray, y: np.ndarray) -> float | None:
    """Area under the ROC curve (the Mann-Whitney statistic, ties counted half)."""
    if y.min() == y.max():
        return None
    from scipy.stats import rankdata

    ranks = rankdata(p)
    positives = y.astype(bool)
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def score(p: np.ndarray, y: np.ndarray, p_clim: np.ndarray, p_ref: np.ndarray | None = None) -> dict:
    """Brier, log loss, skill against climatology (and a reference model), AUC, calibration by decile."""
    eps = 1e-6
    p = np.clip(p, eps, 1 - eps)
    brier = float(np.mean((p - y) ** 2))
    brier_clim = float(np.mean((p_clim - y) ** 2))
    out = {
        "n": int(len(y)), "events": int(y.sum()), "brier": brier, "brier_climatology": brier_clim,
        "bss": float(1 - brier / brier_clim) if brier_clim > 0 else None,
        "log_loss": float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))),
        "auc": _auc(p, y),
    }
    if p_ref is not None:
        brier_ref = float(np.mean((p_ref - y) ** 2))
        out["brier_peer_free"] = brier_ref
        out["bss_peer_free"] = float(1 - brier / brier_ref) if brier_ref > 0 else None
    bins = np.minimum((p * 10).astype(int), 9)
    out["calibration"] = [
        {"bin": int(b), "mean_p": float(p[bins == b].mean()), "observed": float(y[bins == b].mean()),
         "n": int((bins == b).sum())}
        for b in range(10) if (bins == b).any()
    ]
    return out


def backtest(ledger, case_id: str, cutoffs=None, horizon: int = 12, level=None, rolling: bool = False,
             seed: int = 0, C: float = C, engagement: bool = False) -> dict:
    """Fit on what was known at each cutoff, forecast, and score against what happened.

    ``rolling`` adds a cutoff every 6 months from a year after the start to
    ``horizon`` months before today. Returns the pooled scores (``n, events,
    brier, brier_climatology, bss, log_loss, auc, calibration``, plus the
    skill against a model without peer exposure) and ``cutoffs`` with each
    cutoff's own scores.

    >>> backtest(ledger, "taliban-2021", ["2024-02-01"], horizon=24, level="ambassadors")["auc"]  # doctest: +SKIP
    """
    case = ledger.case(case_id)
    target = parse_level(level or case.level)
    end = default_as_of(case)
    dates = [to_date(c) for c in (cutoffs or [])]
    if rolling:
        day = _add_months(case.start, 12).replace(day=1)
        while _add_months(day, horizon) <= end:
            dates.append(day)
            day = _add_months(day, 6)
    if not dates:
        raise PariahError("give at least one --cutoff DATE, or --rolling")
    truth = build(case, ledger.acts(case_id), until=end)
    features = FEATURES if engagement else DEFAULT_FEATURES
    peer_free = tuple(f for f in features if f not in PEER_FEATURES)
    ps, ys, clims, refs, per = [], [], [], [], []
    for cutoff in sorted(set(dates)):
        if cutoff <= case.start:
            raise PariahError(f"cutoff {cutoff} is not after the start of {case_id} ({case.start})")
        if _add_months(cutoff, horizon) > end:
            raise PariahError(f"cutoff {cutoff} + {horizon} months is after {end}: the outcome is not known yet")
        try:
            worlds = training_worlds(ledger, cutoff, engagement=engagement)
            model = HazardModel(int(target), C=C, n_bootstrap=0, seed=seed, features=features).fit(worlds)
            reference_model = HazardModel(int(target), C=C, n_bootstrap=0, seed=seed, features=peer_free).fit(worlds)
        except PariahError as e:
            per.append({"cutoff": cutoff.isoformat(), "skipped": str(e)})
            continue
        world = _world(ledger, case, cutoff, engagement)
        t = len(world.months) - 1
        p, _, _, moved = _project(model, world, t, horizon, False)
        p_ref, _, _, _ = _project(reference_model, world, t, horizon, False)
        at_risk = ~moved & world.member[t]
        horizon_end = _add_months(cutoff, horizon)
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
        raise PariahError(f"no cutoff of {case_id} could be scored: " + "; ".join(c["skipped"] for c in per))
    out = score(np.concatenate(ps), np.concatenate(ys), np.concatenate(clims), np.concatenate(refs))
    out.update({"case": case_id, "level": target.label, "horizon": horizon, "cutoffs": per})
    return out


def _add_months(day: dt.date, months: int) -> dt.date:
    from pariah.ladder import add_months

    return add_months(day, months)


def parse_assumption(text: str) -> tuple[str, Level, dt.date | None]:
    """``CHN=recognized@2025-01`` -> ("CHN", Level.RECOGNIZED, 2025-01-01); the date is optional."""
    if "=" not in text:
        raise PariahError(f"--assume {text!r}: expected ISO3=LEVEL or ISO3=LEVEL@DATE, e.g. CHN=recognized@2025-01")
    state, rest = text.split("=", 1)
    level, _, when = rest.partition("@")
    return reference.resolve_actor(state.strip()), parse_level(level.strip()), (to_date(when.strip()) if when else None)


def scenario(ledger, case_id: str, assume: list[str], as_of=None, horizon: int = 24, runs: int = 2000,
             seed: int = 0, backend: str = "numpy") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monte Carlo cascades with and without the assumed moves, on the same random numbers.

    For each level from ``missions`` to ``recognized`` a hazard model is fitted on what was
    known on ``as_of`` and the cascade is run month by month; a state at a level counts at
    every level below it. Returns two DataFrames:

    - ``distribution``: ``level, level_name, scenario (baseline|assumed), mean, p10, p50, p90``
      of the number of states at or above the level at the horizon;
    - ``states``: ``state, name, level, level_name, p_baseline, p_assumed, difference``.

    >>> dist, states = scenario(ledger, "taliban-2021", ["CHN=recognized@2025-01"], "2024-12-01")  # doctest: +SKIP
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
        except PariahError:
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
        raise PariahError(f"no level could be modelled on what was known on {as_of}")
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
