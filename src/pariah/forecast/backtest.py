"""Backtests: fit on what was known at each cutoff, forecast, and score against what happened."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np

from pariah.dates import DateLike, add_months, to_date
from pariah.exceptions import InvalidArgument, NotEnoughData
from pariah.forecast.boosted import BoostedHazardModel
from pariah.forecast.calibration import METHODS, nested
from pariah.forecast.hazard import CONTROLS, HazardModel, controls_kept, row_uniforms
from pariah.forecast.predict import project
from pariah.forecast.scoring import score
from pariah.forecast.training import C, align, training_worlds
from pariah.forecast.world import DEFAULT_FEATURES, FEATURES, PEER_FEATURES, build
from pariah.ladder import Level, parse_level
from pariah.panels import component_panel
from pariah.panels import default_as_of

if TYPE_CHECKING:
    from pariah.forecast.alignment import Alignment
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
    features = DEFAULT_FEATURES + ("engagement",) if engagement else DEFAULT_FEATURES
    peer_free = tuple(f for f in features if f not in PEER_FEATURES)
    ps, ys, clims, refs, per = [], [], [], [], []
    for cutoff in sorted(set(dates)):
        if cutoff <= case.start:
            raise InvalidArgument(f"cutoff {cutoff} is not after the start of {case_id} ({case.start})")
        if add_months(cutoff, horizon) > end:
            raise NotEnoughData(f"cutoff {cutoff} + {horizon} months is after {end}: the outcome is not known yet")
        try:
            worlds = training_worlds(ledger, cutoff, engagement=engagement)
            align(worlds, int(target), features)
            model = HazardModel(int(target), C=C, n_bootstrap=0, seed=seed, features=features).fit(worlds)
            reference_model = HazardModel(int(target), C=C, n_bootstrap=0, seed=seed, features=peer_free).fit(worlds)
        except NotEnoughData as e:
            per.append({"cutoff": cutoff.isoformat(), "skipped": str(e)})
            continue
        world = next(w for w in worlds if w.case.id == case_id)
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


# ---- the yardstick: leave one case out ---------------------------------------------------------

#: Cases with fewer moves than this at their level are not scored by ``leave_one_out`` (they still
#: teach the model about the others).
MIN_EVENTS = 10


def cutoff_dates(case, end: dt.date, horizon: int, every: int) -> list[dt.date]:
    """A case's cutoffs: the first month start after its start, then every ``every`` months, as long
    as the outcome (``horizon`` months later) is known by ``end``."""
    day = add_months(case.start.replace(day=1), 1)
    out = []
    while add_months(day, horizon) <= end:
        out.append(day)
        day = add_months(day, every)
    return out


class _Case:
    """One case in the yardstick: its world on the full ledger, its acts, and the covariates of every
    state on every month (knowledge time: the same whatever the cutoff)."""

    def __init__(self, case, acts, end: dt.date, level: int, features: tuple[str, ...], world):
        self.case, self.acts, self.end, self.level = case, acts, end, level
        self.world = world
        self.alignment: Alignment | None = None
        self.grid = self.world.months.values.astype("datetime64[D]")
        self.features = features
        self.moves = int(((self.world.level_valid[:-1] < level) & self.world.member[:-1]
                          & (self.world.level_valid[1:] >= level)).sum())

    def prepare(self) -> None:
        """The covariate cube (months, states, features), once the alignment is attached."""
        from pariah.forecast.world import features as covariates, state_of_world

        w = self.world
        w.alignment = self.alignment
        s = state_of_world(w, self.level)
        ts = np.arange(len(w.months))
        cube = covariates(w, ts, s["moved"], s["spell"], rate=s["rate"], recent=s["recent"],
                          recent_moved=s["recent_moved"])
        self.cube = cube[:, :, [FEATURES.index(f) for f in self.features]].astype(np.float32)

    def index_of(self, day: dt.date) -> int:
        """The month index of a cutoff (the last month start on or before it)."""
        return int(np.searchsorted(self.grid, np.datetime64(day, "D"), side="right")) - 1

    def valid_at(self, cutoff: dt.date) -> np.ndarray:
        """(months up to the cutoff, states): the valid-time levels as known on ``cutoff``. They
        differ from the full ledger's only where an act dated by the cutoff became public after it."""
        t_c = self.index_of(cutoff)
        acts = self.acts
        late = [d <= cutoff < k for d, k in zip(acts["day"], acts["known_on"])] if len(acts) else []
        if not any(late):
            return self.world.level_valid[: t_c + 1]
        known = acts[[k <= cutoff for k in acts["known_on"]]]
        panel = component_panel(self.case, known, start=self.case.start, end=cutoff, freq="month")
        out = self.world.level_valid[: t_c + 1].copy()
        for j, state in enumerate(self.world.states):
            if state in panel.states:
                out[:, j] = panel.field("level")[: t_c + 1, panel.states.index(state)]
        return out

    def rows_at(self, cutoff: dt.date):
        """The training rows this case gives a fit at ``cutoff``: covariates, outcome, state, month."""
        valid = self.valid_at(cutoff)
        T = len(valid) - 1
        risk = (valid[:T] < self.level) & self.world.member[:T]
        ts, js = np.nonzero(risk)
        return self.cube[ts, js], valid[ts + 1, js] >= self.level, js, ts


def leave_one_out(ledger: Ledger, *, horizon: int = 12, every: int = 12, level: str | int | None = None,
                  min_events: int = MIN_EVENTS, features: tuple[str, ...] = DEFAULT_FEATURES, C: float = C,
                  controls: int | None = CONTROLS, resamples: int = 1000, seed: int = 0,
                  progress: Callable[[int, int], None] | None = None,
                  cases: list[str] | None = None, model: str = "logistic",
                  calibration: str | None = None) -> dict[str, Any]:
    """The yardstick: every case with at least ``min_events`` moves at its level (``level``, else each
    case's own), forecast at a cutoff every ``every`` months from its first month, ``horizon``
    months ahead, by a model fitted on every case as known at the cutoff (the case's own past
    included), and scored against what happened.

    Returns ``{"pooled": {...}, "cases": [...], "settings": {...}}``: Brier score, the Brier score of
    climatology (the base rate of the same state-windows), Brier skill, AUC, log loss and
    calibration by tenth of p, pooled and per case, the pooled skill and AUC with 90% intervals
    from resampling cases. ``cases`` narrows the scored cases (every case still teaches the model).
    ``progress(done, total)`` is called after each fit.

    ``model`` is the hazard model of every fit: ``"logistic"`` (``HazardModel``, the default) or
    ``"boosted"`` (``BoostedHazardModel``). ``calibration`` (``"platt"`` or ``"isotonic"``)
    recalibrates each forecast by a map fitted on the other scored cases' forecasts whose windows had
    closed by its cutoff, with their outcomes as known on it (``pariah.forecast.calibration.nested``).

    The model of a cutoff learns only from what was known on it: each case's world on the full
    ledger is cut at the cutoff, and rebuilt from ``Ledger.acts(known_on=cutoff)`` whenever an act
    published after the cutoff would change the cut (a test checks that each forecast equals
    ``forecast(..., as_of=cutoff)``).
    """
    if model not in MODELS:
        raise InvalidArgument(f"model {model!r}: expected one of {', '.join(MODELS)}")
    if calibration is not None and calibration not in METHODS:
        raise InvalidArgument(f"calibration {calibration!r}: expected one of {', '.join(METHODS)} (or none)")
    everything = ledger.acts()
    if not len(everything):
        raise NotEnoughData("the ledger holds no act: nothing to backtest")
    newest = max(everything["day"])
    chosen_level = None if level is None else int(parse_level(level))
    worlds = []
    for case in ledger.cases():
        acts = everything[everything["case_id"] == case.id].reset_index(drop=True)
        end = min(default_as_of(case), newest)
        worlds.append((case, acts, end, build(case, acts, until=end)))
    own = {case.id: chosen_level if chosen_level is not None else int(parse_level(case.level))
           for case, _, _, _ in worlds}
    # every case teaches the model of every level scored; a case is scored at its own level
    entries: dict[int, list[_Case]] = {}
    plan = []  # (cutoff, level, scored case)
    for lv in sorted(set(own.values())):
        group = [_Case(case, acts, end, lv, features, world) for case, acts, end, world in worlds]
        scored = [e for e in group if own[e.case.id] == lv and e.moves >= min_events
                  and (cases is None or e.case.id in cases)]
        if not scored:
            continue
        entries[lv] = group
        alignment = align([e.world for e in group], lv, features)
        for e in group:
            e.alignment = alignment
            e.prepare()
        for e in scored:
            plan += [(c, lv, e) for c in cutoff_dates(e.case, e.end, horizon, every)]
    if not plan:
        raise NotEnoughData(f"no case has {min_events} moves at its level and a closed {horizon}-month window")
    by_fit: dict[tuple[dt.date, int], list[_Case]] = {}
    for cutoff, lv, e in plan:
        by_fit.setdefault((cutoff, lv), []).append(e)
    results: list[dict[str, Any] | None] = []
    start_params: dict[int, np.ndarray] = {}
    for done, ((cutoff, lv), scored) in enumerate(sorted(by_fit.items(), key=lambda kv: (kv[0][1], kv[0][0]))):
        group = entries[lv]
        fitted = _fit_at(group, cutoff, lv, features, C, controls, start_params.get(lv), model, seed)
        if fitted is not None:
            if isinstance(fitted, HazardModel):
                start_params[lv] = np.concatenate([[fitted.intercept_], fitted.coef_])
            for e in scored:
                results.append(_forecast_at(e, cutoff, fitted, horizon))
        if progress is not None:
            progress(done + 1, len(by_fit))
    kept = [r for r in results if r is not None]
    if calibration is not None:
        by_case = {(e.case.id, lv): e for lv, group in entries.items() for e in group}
        known: dict[tuple[str, dt.date], np.ndarray] = {}

        def outcome_known(r: dict, day: dt.date) -> np.ndarray:
            # the outcome of ``r``'s window as known on ``day`` (after the window closed)
            e = by_case[(r["case"], r["level"])]
            if (e.case.id, day) not in known:
                known[(e.case.id, day)] = e.valid_at(day)
            valid = known[(e.case.id, day)]
            grid = e.grid[: len(valid)]
            window = (grid > np.datetime64(r["cutoff"], "D")) & (grid <= np.datetime64(add_months(r["cutoff"], horizon), "D"))
            return (valid[window][:, r["index"]] >= e.level).any(axis=0).astype(float)

        kept = nested(kept, calibration, horizon, outcome_known)
    return _summarize(kept, resamples, seed,
                      {"horizon": horizon, "every": every, "level": None if chosen_level is None else Level(chosen_level).label,
                       "min_events": min_events, "features": list(features), "C": C, "controls": controls,
                       "model": model, "calibration": calibration})


#: The hazard models ``leave_one_out`` can fit.
MODELS = ("logistic", "boosted")


def _fit_at(group: list[_Case], cutoff: dt.date, level: int, features, C, controls, start, kind: str = "logistic",
            seed: int = 0) -> HazardModel | BoostedHazardModel | None:
    """The ``kind`` model fitted on every case's rows as known on ``cutoff`` (None without a move)."""
    xs, ys, gs, ws = [], [], [], []
    for n, e in enumerate(group):
        if e.case.start >= cutoff:
            continue
        X, y, j, t = e.rows_at(cutoff)
        if not len(y):
            continue
        keep, weight = controls_kept(y, row_uniforms(e.world, j, t), controls)
        xs.append(X[keep]); ys.append(y[keep]); gs.append(n * 100_000 + j[keep]); ws.append(weight / len(y))
    if not ys or not np.concatenate(ys).any():
        return None
    weight = np.concatenate(ws)
    model: HazardModel | BoostedHazardModel
    if kind == "boosted":
        model = BoostedHazardModel(level, features=features, controls=controls, seed=seed)
    else:
        model = HazardModel(level, C=C, n_bootstrap=0, features=features, controls=controls)
    return model.fit_rows(np.vstack(xs).astype(float), np.concatenate(ys).astype(int), np.concatenate(gs),
                          weight * len(weight) / weight.sum(), start=start)


def _forecast_at(e: _Case, cutoff: dt.date, model: HazardModel | BoostedHazardModel, horizon: int) -> dict | None:
    """The forecast of every state at risk at ``cutoff`` and what happened in its window."""
    world, t_c = e.world, e.index_of(cutoff)
    world.alignment = e.alignment  # the world is shared by every level's entry
    p, _, _, moved = project(model, world, t_c, horizon, False)
    at_risk = ~moved & world.member[t_c]
    window = (e.grid > np.datetime64(cutoff, "D")) & (e.grid <= np.datetime64(add_months(cutoff, horizon), "D"))
    reached = (world.level_valid[window] >= e.level).any(axis=0)
    if not at_risk.any():
        return None
    return {"case": e.case.id, "level": e.level, "cutoff": cutoff, "states": list(np.array(world.states)[at_risk]),
            "index": np.flatnonzero(at_risk), "p": p[at_risk], "y": reached[at_risk].astype(float)}


def _summarize(results: list[dict], resamples: int, seed: int, settings: dict) -> dict[str, Any]:
    from pariah.forecast.scoring import resampled

    if not results:
        raise NotEnoughData("no cutoff could be scored")
    per_case: dict[str, dict] = {}
    for r in results:
        c = per_case.setdefault(r["case"], {"level": r["level"], "p": [], "y": [], "cutoffs": 0})
        c["p"].append(r["p"]); c["y"].append(r["y"]); c["cutoffs"] += 1
    rows = []
    ps, ys = [], []
    for case_id, c in per_case.items():
        p, y = np.concatenate(c["p"]), np.concatenate(c["y"])
        ps.append(p); ys.append(y)
        s = score(p, y, np.full(len(y), y.mean()))
        rows.append({"case": case_id, "level": Level(c["level"]).label, "cutoffs": c["cutoffs"], **s})
    p, y = np.concatenate(ps), np.concatenate(ys)
    pooled = score(p, y, np.full(len(y), y.mean()))
    pooled.update(resampled(ps, ys, resamples, seed))
    return {"pooled": pooled, "cases": rows, "settings": settings,
            "windows": [{"case": r["case"], "cutoff": r["cutoff"].isoformat(), "state": s, "p": float(pp), "outcome": int(yy)}
                        for r in results for s, pp, yy in zip(r["states"], r["p"], r["y"])]}
