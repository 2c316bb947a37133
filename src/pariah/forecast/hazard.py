"""A discrete-time hazard model of states reaching a ladder level, pooled over cases.

The estimator follows scikit-learn's contract: ``__init__`` stores settings,
``fit`` learns and returns ``self``, learned values end in ``_``.
"""
from __future__ import annotations

import hashlib
from typing import Protocol

import numpy as np
import pandas as pd

from pariah.exceptions import NotEnoughData
from pariah.forecast.world import BLOCS, DEFAULT_FEATURES, FEATURES, MONOTONE_FEATURES, World, person_months

READINGS = {
    "log_months": "later in a case",
    "border": "bordering the target",
    "same_region": "being in the target's region",
    "shared_blocs": "sharing blocs with the target",
    "coalition": "belonging to the coalition",
    "peer_bloc": "bloc partners having moved",
    "peer_neighbours": "neighbours having moved",
    "peer_region": "regional peers having moved",
    "peer_world": "the world having moved",
    "recent_bloc": "bloc partners having moved in the last 12 months",
    "recent_neighbours": "neighbours having moved in the last 12 months",
    "leader_moved": "the coalition leader having moved",
    "p5_moved": "a P5 member having moved",
    "level": "a higher current level",
    "hostile": "designating, sanctioning or fighting the target",
    "log_months_at_level": "a longer time at the current level",
    "log_months_counted": "a longer time as a state in the case",
    "contact_6": "recent contact (6 months)",
    "contact_12": "contact in the last 12 months",
    "case_rate": "a case where states have been moving faster",
    "recent_rate": "states having moved in the last 12 months",
    "leader_affinity": "having moved with the coalition leader in other cases",
    "mover_affinity": "having moved in other cases with the states that have moved in this one",
    "engagement": "cooperative events with the target last month",
    "log_distance": "a capital further from the target's",
    **{f"bloc_{b}": f"partners in {b} having moved" for b in BLOCS},
}


#: State-months without a move kept per case (a weighted sample; every move is kept): the fit
#: costs a fraction of the full data's and the estimates barely move (docs/METHODS.md).
CONTROLS = 4000


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: a well-spread 64-bit hash of each unsigned integer."""
    with np.errstate(over="ignore"):
        x = (x + np.uint64(0x9E3779B97F4A7C15)).astype(np.uint64)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def row_uniforms(world: World, j: np.ndarray, t: np.ndarray) -> np.ndarray:
    """A uniform number in [0, 1) for each row (state ``j``, month ``t``) of a case, from a hash of
    the case, the state and the month alone."""
    case = int.from_bytes(hashlib.sha256(world.case.id.encode()).digest()[:8], "little")
    state = np.array([int.from_bytes(s.encode()[:8].ljust(8, b"\0"), "little") for s in world.states], dtype=np.uint64)
    month = (world.months.year.to_numpy() * 12 + world.months.month.to_numpy()).astype(np.uint64)
    with np.errstate(over="ignore"):
        h = _mix(_mix(state[j] ^ np.uint64(case)) + month[t])
    return (h >> np.uint64(11)).astype(float) / float(1 << 53)


def controls_kept(y: np.ndarray, u: np.ndarray, controls: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Which rows of a case to keep, and their weights: every move, and each state-month without one
    with probability q = controls / (state-months without a move), weighted 1 / q; ``u`` is each
    row's ``row_uniforms``, so the same row is kept in every fit that holds it."""
    misses = int((~y).sum())
    if controls is None or misses <= controls:
        return np.ones(len(y), bool), np.ones(len(y))
    q = controls / misses
    keep = y | (u < q)
    return keep, np.where(y, 1.0, 1.0 / q)[keep]


def training_rows(worlds: list[World], level: int, features: tuple[str, ...],
                  controls: int | None = CONTROLS) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows a hazard model of ``level`` learns from: covariates (columns ``features``), outcomes
    (0/1), (case, state) clusters and weights (mean 1), every state-month at risk of every world with
    its controls thinned (``controls_kept``) and every case weighing the same."""
    xs, ys, groups, weights = [], [], [], []
    for w, world in enumerate(worlds):
        X, y, j, t = person_months(world, level)
        if not len(y):
            continue
        keep, weight = controls_kept(y, row_uniforms(world, j, t), controls)
        xs.append(X[keep][:, [FEATURES.index(f) for f in features]])
        ys.append(y[keep])
        groups.append(w * 100_000 + j[keep])
        weights.append(weight / len(y))  # every case weighs the same in the fit
    if not xs:
        raise NotEnoughData("no state-month at risk in the training data: nothing to fit")
    weight = np.concatenate(weights)
    return np.vstack(xs), np.concatenate(ys).astype(int), np.concatenate(groups), weight * len(weight) / weight.sum()


class Hazard(Protocol):
    """What a forecast needs of a fitted hazard model (``HazardModel``, ``BoostedHazardModel``)."""

    level: int
    features: tuple[str, ...]
    base_rate_: float

    def predict_hazard(self, X: np.ndarray) -> np.ndarray:
        """Monthly hazard for rows of covariates (columns ``FEATURES``)."""
        ...

    def predict_hazard_samples(self, X: np.ndarray) -> np.ndarray:
        """(draws, rows): the hazard under every parameter draw."""
        ...


class HazardModel:
    """Monthly hazard of reaching ``level``: logit h = intercept + coef . standardized covariates.

    Fit by L2-penalized maximum likelihood (``C`` is the inverse penalty, as in
    scikit-learn) with Newton's method, the coefficients of ``MONOTONE_FEATURES``
    bounded at 0 or above; parameter uncertainty from ``n_bootstrap`` draws of the
    cluster-robust (sandwich) covariance over (case, state) pairs.

    >>> model = HazardModel(level=4, seed=1).fit(worlds)   # doctest: +SKIP
    >>> model.summary()                                      # doctest: +SKIP
    """

    def __init__(self, level: int, C: float = 1.0, features: tuple[str, ...] = DEFAULT_FEATURES,
                 n_bootstrap: int = 30, seed: int = 0, controls: int | None = CONTROLS):
        self.level = level
        self.C = C
        self.features = features
        self.n_bootstrap = n_bootstrap
        self.seed = seed
        self.controls = controls

    # ---- fitting -------------------------------------------------------------

    def _design(self, worlds: list[World]):
        return training_rows(worlds, self.level, self.features, self.controls)

    def _bounded(self) -> np.ndarray:
        return np.array([f in MONOTONE_FEATURES for f in self.features], dtype=bool)

    def _fit_one(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray, start: np.ndarray | None = None,
                 bounded: np.ndarray | None = None) -> np.ndarray:
        """Penalized maximum likelihood: minimize 1/2 |coef|^2 + C * sum(weight * log loss).

        Newton's method with step halving; coefficients where ``bounded`` (default: those of
        ``MONOTONE_FEATURES``) are held at 0 whenever the unconstrained optimum would make them
        negative (an active set, released again when the gradient points up).
        """
        k = X.shape[1]
        bounded = self._bounded() if bounded is None and k == len(self.features) else (
            np.zeros(k, bool) if bounded is None else bounded)
        if y.min() == y.max():
            rate = np.clip(y.mean(), 1e-4, 1 - 1e-4)
            return np.concatenate([[np.log(rate / (1 - rate))], np.zeros(k)])
        C = self.C
        A = np.column_stack([np.ones(len(y)), X])
        ridge = np.concatenate([[0.0], np.ones(k)])

        def objective(params, z):
            return 0.5 * params[1:] @ params[1:] + C * (weight @ (np.logaddexp(0, z) - y * z))

        if start is None:
            params = np.zeros(k + 1)
            rate = np.clip(np.average(y, weights=weight), 1e-4, 1 - 1e-4)
            params[0] = np.log(rate / (1 - rate))
        else:
            params = np.array(start, dtype=float)
        fixed = np.concatenate([[False], bounded & (params[1:] <= 0)])
        params[fixed] = 0.0
        z = A @ params
        value = objective(params, z)
        for _ in range(8):  # active-set rounds
            for _ in range(50):  # Newton steps on the free coefficients
                p = _sigmoid(z)
                grad = C * (A.T @ (weight * (p - y))) + ridge * params
                free = ~fixed
                Af = A[:, free]
                H = C * (Af.T @ (Af * (weight * p * (1 - p))[:, None])) + np.diag(ridge[free])
                step = np.zeros_like(params)
                step[free] = np.linalg.solve(H, grad[free])
                if grad @ step < 1e-9 * max(1.0, abs(value)):  # the Newton decrement: converged
                    break
                t = 1.0
                while True:
                    trial = params - t * step
                    z_trial = A @ trial
                    trial_value = objective(trial, z_trial)
                    if trial_value <= value or t < 1e-6:
                        break
                    t /= 2
                params, z, value = trial, z_trial, trial_value
            negative = np.concatenate([[False], bounded & ~fixed[1:] & (params[1:] < 0)])
            p = _sigmoid(z)
            grad = C * (A.T @ (weight * (p - y))) + ridge * params
            release = fixed & (grad < 0)  # the objective falls if the coefficient rises above 0
            if not negative.any() and not release.any():
                break
            fixed = (fixed | negative) & ~release
            params[fixed] = 0.0
            z = A @ params
            value = objective(params, z)
        self._fixed = fixed
        return params

    def fit(self, worlds: list[World]) -> "HazardModel":
        X, y, groups, weight = self._design(worlds)
        if y.sum() == 0:
            raise NotEnoughData(f"no state reached level {self.level} in the training data: nothing to learn from")
        return self.fit_rows(X, y, groups, weight)

    def fit_rows(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray, weight: np.ndarray,
                 start: np.ndarray | None = None) -> "HazardModel":
        """Fit on prepared rows: covariates (columns ``self.features``), outcomes, (case, state) clusters
        and weights; ``start``: parameters to start Newton's method from (a warm start)."""
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        Z = (X - self.mean_) / self.scale_
        params = self._fit_one(Z, y, weight, start=start)
        self.intercept_, self.coef_ = params[0], params[1:]
        self.bootstrap_ = self._draws(Z, y, groups, weight, params)
        self.n_ = len(y)
        self.events_ = int(y.sum())
        self.base_rate_ = float(np.average(y, weights=weight))
        return self

    def _draws(self, Z, y, groups, weight, params) -> np.ndarray:
        """(n_bootstrap, 1 + features) draws of the parameters from their cluster-robust covariance
        (bounded coefficients held at 0 stay at 0; those above 0 are cut at 0)."""
        if self.n_bootstrap <= 0:
            return params[None, :]
        A = np.column_stack([np.ones(len(y)), Z])
        p = _sigmoid(A @ params)
        free = ~self._fixed
        ridge = np.concatenate([[0.0], np.ones(Z.shape[1])])[free]
        H = self.C * (A[:, free].T * (weight * p * (1 - p))) @ A[:, free] + np.diag(ridge)
        scores = A[:, free] * (self.C * weight * (p - y))[:, None]
        _, cluster = np.unique(groups, return_inverse=True)
        S = np.zeros((cluster.max() + 1, free.sum()))
        np.add.at(S, cluster, scores)
        Hinv = np.linalg.inv(H)
        cov = Hinv @ (S.T @ S) @ Hinv
        rng = np.random.default_rng(self.seed)
        draws = np.tile(params, (self.n_bootstrap, 1))
        draws[:, free] = rng.multivariate_normal(params[free], (cov + cov.T) / 2, size=self.n_bootstrap,
                                                 method="eigh")
        bounded = np.concatenate([[False], self._bounded()])
        draws[:, bounded] = np.maximum(draws[:, bounded], 0.0)
        return draws

    # ---- prediction ----------------------------------------------------------

    def _z(self, X: np.ndarray) -> np.ndarray:
        X = X[..., [FEATURES.index(f) for f in self.features]] if X.shape[-1] == len(FEATURES) else X
        return (X - self.mean_) / self.scale_

    def predict_hazard(self, X: np.ndarray) -> np.ndarray:
        """Monthly hazard for rows of covariates (columns ``FEATURES``)."""
        return _sigmoid(self.intercept_ + self._z(X) @ self.coef_)

    def predict_hazard_samples(self, X: np.ndarray) -> np.ndarray:
        """(draws, rows): the hazard under every parameter draw."""
        Z = self._z(X)
        return _sigmoid(self.bootstrap_[:, :1] + self.bootstrap_[:, 1:] @ Z.T)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """(rows, features): each covariate's push on the log-odds against an average state-month."""
        return self._z(X) * self.coef_

    def summary(self) -> pd.DataFrame:
        """Coefficients per standard deviation of each covariate, with 80% intervals and a reading.

        Columns: ``feature, coef, low, high, odds_ratio, reading``. A coefficient of 0 reads
        "no effect".
        """
        low = np.percentile(self.bootstrap_[:, 1:], 10, axis=0)
        high = np.percentile(self.bootstrap_[:, 1:], 90, axis=0)
        rows = []
        for k, feature in enumerate(self.features):
            coef = float(self.coef_[k])
            what = READINGS.get(feature, feature)
            if abs(coef) < 1e-9:
                reading = f"{what}: no effect"
            else:
                sure = low[k] > 0 or high[k] < 0
                direction = "raises" if coef > 0 else "lowers"
                reading = (f"{what} {direction} the monthly chance (odds x{np.exp(coef):.2f} per SD)"
                           + ("" if sure else "; the interval includes no effect"))
            rows.append({"feature": feature, "coef": coef, "low": float(low[k]), "high": float(high[k]),
                         "odds_ratio": float(np.exp(coef)), "reading": reading})
        return pd.DataFrame(rows)

    # ---- storage -------------------------------------------------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The fitted model as plain arrays (for ``numpy.savez``: no pickled objects)."""
        return {"level": np.array(self.level), "C": np.array(self.C), "features": np.array(self.features),
                "controls": np.array(-1 if self.controls is None else self.controls),
                "n_bootstrap": np.array(self.n_bootstrap), "seed": np.array(self.seed),
                "intercept_": np.array(self.intercept_), "coef_": self.coef_, "mean_": self.mean_,
                "scale_": self.scale_, "bootstrap_": self.bootstrap_, "n_": np.array(self.n_),
                "events_": np.array(self.events_), "base_rate_": np.array(self.base_rate_)}

    @classmethod
    def from_arrays(cls, a) -> "HazardModel":
        model = cls(int(a["level"]), C=float(a["C"]), features=tuple(str(f) for f in a["features"]),
                    n_bootstrap=int(a["n_bootstrap"]), seed=int(a["seed"]),
                    controls=None if int(a["controls"]) < 0 else int(a["controls"]))
        model.intercept_ = float(a["intercept_"])
        for name in ("coef_", "mean_", "scale_", "bootstrap_"):
            setattr(model, name, np.asarray(a[name], dtype=float))
        model.n_, model.events_, model.base_rate_ = int(a["n_"]), int(a["events_"]), float(a["base_rate_"])
        return model


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))
