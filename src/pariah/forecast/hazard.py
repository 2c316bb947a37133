"""A discrete-time hazard model of states reaching a ladder level, pooled over cases.

The estimator follows scikit-learn's contract: ``__init__`` stores settings,
``fit`` learns and returns ``self``, learned values end in ``_``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pariah.exceptions import NotEnoughData, PariahError
from pariah.forecast.world import DEFAULT_FEATURES, FEATURES, PEER_FEATURES, World, person_months

READINGS = {
    "log_months": "later in a case",
    "border": "bordering the target",
    "same_region": "being in the target's region",
    "coalition": "belonging to the coalition",
    "peer_bloc": "bloc partners having moved",
    "peer_neighbours": "neighbours having moved",
    "peer_region": "regional peers having moved",
    "peer_world": "the world having moved",
    "leader_moved": "the coalition leader having moved",
    "p5_moved": "a P5 member having moved",
    "level": "a higher current level",
    "log_months_at_level": "a longer time at the current level",
    "contact_6": "recent contact (6 months)",
    "contact_12": "contact in the last 12 months",
    "case_rate": "a case where states have been moving faster",
    "recent_rate": "states having moved in the last 12 months",
    "engagement": "cooperative events with the target last month",
}


class HazardModel:
    """Monthly hazard of reaching ``level``: logit h = intercept + coef . standardized covariates.

    Fit by L2-penalized maximum likelihood (``C`` is the inverse penalty, as in
    scikit-learn), peer-exposure coefficients bounded at 0 or above; parameter
    uncertainty by a cluster bootstrap over (case, state) pairs.

    >>> model = HazardModel(level=4, seed=1).fit(worlds)   # doctest: +SKIP
    >>> model.summary()                                      # doctest: +SKIP
    """

    def __init__(self, level: int, C: float = 1.0, features: tuple[str, ...] = DEFAULT_FEATURES,
                 n_bootstrap: int = 30, seed: int = 0):
        self.level = level
        self.C = C
        self.features = features
        self.n_bootstrap = n_bootstrap
        self.seed = seed

    # ---- fitting -------------------------------------------------------------

    def _design(self, worlds: list[World]):
        xs, ys, groups, weights = [], [], [], []
        for w, world in enumerate(worlds):
            X, y, j, _ = person_months(world, self.level)
            if not len(y):
                continue
            xs.append(X)
            ys.append(y)
            groups.append(w * 100_000 + j)
            weights.append(np.full(len(y), 1.0 / len(y)))  # every case weighs the same in the fit
        if not xs:
            raise NotEnoughData("no state-month at risk in the training data: nothing to fit")
        X = np.vstack(xs)[:, [FEATURES.index(f) for f in self.features]]
        weight = np.concatenate(weights)
        return X, np.concatenate(ys).astype(int), np.concatenate(groups), weight * len(weight) / weight.sum()

    def _fit_one(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
        """Penalized maximum likelihood: minimize 1/2 |coef|^2 + C * sum(weight * log loss).

        Peer-exposure coefficients are bounded below by 0: a state's move can make its
        partners' moves more likely, never less, so scenarios stay monotone.
        """
        from scipy.optimize import minimize

        if y.min() == y.max():
            rate = np.clip(y.mean(), 1e-4, 1 - 1e-4)
            return np.concatenate([[np.log(rate / (1 - rate))], np.zeros(X.shape[1])])
        C = self.C

        def objective(params):
            z = params[0] + X @ params[1:]
            p = _sigmoid(z)
            loss = np.logaddexp(0, z) - y * z
            value = 0.5 * params[1:] @ params[1:] + C * (weight @ loss)
            residual = C * weight * (p - y)
            grad = np.concatenate([[residual.sum()], params[1:] + X.T @ residual])
            return value, grad

        bounds = [(None, None)] + [(0.0, None) if f in PEER_FEATURES else (None, None) for f in self.features]
        if start is None:
            start = np.zeros(X.shape[1] + 1)
            rate = np.clip(np.average(y, weights=weight), 1e-4, 1 - 1e-4)
            start[0] = np.log(rate / (1 - rate))
        result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 1000})
        return result.x

    def fit(self, worlds: list[World]) -> "HazardModel":
        X, y, groups, weight = self._design(worlds)
        if y.sum() == 0:
            raise NotEnoughData(f"no state reached level {self.level} in the training data: nothing to learn from")
        self.mean_ = X.mean(axis=0)
        self.scale_ = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        Z = (X - self.mean_) / self.scale_
        params = self._fit_one(Z, y, weight)
        self.intercept_, self.coef_ = params[0], params[1:]
        rng = np.random.default_rng(self.seed)
        unique = np.unique(groups)
        rows_of = {g: np.flatnonzero(groups == g) for g in unique}
        boots = []
        for _ in range(self.n_bootstrap):
            pick = rng.choice(unique, size=len(unique), replace=True)
            idx = np.concatenate([rows_of[g] for g in pick])
            boots.append(self._fit_one(Z[idx], y[idx], weight[idx], start=params))
        self.bootstrap_ = np.array(boots) if boots else params[None, :]
        self.n_ = len(y)
        self.events_ = int(y.sum())
        self.base_rate_ = float(np.average(y, weights=weight))
        return self

    # ---- prediction ----------------------------------------------------------

    def _z(self, X: np.ndarray) -> np.ndarray:
        X = X[:, [FEATURES.index(f) for f in self.features]] if X.shape[1] == len(FEATURES) else X
        return (X - self.mean_) / self.scale_

    def predict_hazard(self, X: np.ndarray) -> np.ndarray:
        """Monthly hazard for rows of covariates (columns ``FEATURES``)."""
        return _sigmoid(self.intercept_ + self._z(X) @ self.coef_)

    def predict_hazard_samples(self, X: np.ndarray) -> np.ndarray:
        """(bootstrap, rows): the hazard under every bootstrap fit."""
        Z = self._z(X)
        return _sigmoid(self.bootstrap_[:, :1] + self.bootstrap_[:, 1:] @ Z.T)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """(rows, features): each covariate's push on the log-odds against an average state-month."""
        return self._z(X) * self.coef_

    def summary(self) -> pd.DataFrame:
        """Coefficients per standard deviation of each covariate, with 80% bootstrap intervals and a reading.

        Columns: ``feature, coef, low, high, odds_ratio, reading``.
        """
        low = np.percentile(self.bootstrap_[:, 1:], 10, axis=0)
        high = np.percentile(self.bootstrap_[:, 1:], 90, axis=0)
        rows = []
        for k, feature in enumerate(self.features):
            coef = float(self.coef_[k])
            sure = low[k] > 0 or high[k] < 0
            direction = "raises" if coef > 0 else "lowers"
            reading = (f"{READINGS.get(feature, feature)} {direction} the monthly chance (odds x{np.exp(coef):.2f} per SD)"
                       + ("" if sure else "; the interval includes no effect"))
            rows.append({"feature": feature, "coef": coef, "low": float(low[k]), "high": float(high[k]),
                         "odds_ratio": float(np.exp(coef)), "reading": reading})
        return pd.DataFrame(rows)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))
