"""A gradient-boosted discrete-time hazard: the same person-month rows, weights and interface as the
logistic ``HazardModel``, learned by scikit-learn's ``HistGradientBoostingClassifier``.

It is a candidate on the yardstick (``leave_one_out(model="boosted")``), not the default
(docs/METHODS.md). The covariates of ``MONOTONE_FEATURES`` get an increasing monotonic constraint,
so that a move by a peer never lowers a state's hazard, as in the logistic model. It has no
parameter draws: ``predict_hazard_samples`` gives the point hazard as its one draw, so intervals
collapse to the forecast. scikit-learn comes with the ``boosting`` extra and is imported when a
model is fitted.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from pariah.exceptions import NotEnoughData
from pariah.forecast.hazard import CONTROLS, training_rows
from pariah.forecast.world import DEFAULT_FEATURES, FEATURES, MONOTONE_FEATURES, World


class BoostedHazardModel:
    """Monthly hazard of reaching ``level`` from boosted shallow trees on the covariates.

    Settings are modest and fixed for reproducibility: ``max_depth`` 3, ``learning_rate`` 0.05,
    ``max_iter`` 200 trees, ``l2_regularization`` 1, at least ``min_samples_leaf`` rows per leaf,
    early stopping off, ``seed`` the ``random_state``.

    >>> model = BoostedHazardModel(level=4).fit(worlds)   # doctest: +SKIP
    >>> model.predict_hazard(X)                             # doctest: +SKIP
    """

    def __init__(self, level: int, features: tuple[str, ...] = DEFAULT_FEATURES, *, max_depth: int = 3,
                 learning_rate: float = 0.05, max_iter: int = 200, l2_regularization: float = 1.0,
                 min_samples_leaf: int = 40, seed: int = 0, controls: int | None = CONTROLS):
        self.level = level
        self.features = features
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.l2_regularization = l2_regularization
        self.min_samples_leaf = min_samples_leaf
        self.seed = seed
        self.controls = controls

    def monotonic_cst(self) -> list[int]:
        """scikit-learn's constraint per covariate: 1 (hazard never falls as it rises) for
        ``MONOTONE_FEATURES``, 0 (free) for the others."""
        return [1 if f in MONOTONE_FEATURES else 0 for f in self.features]

    def fit(self, worlds: list[World]) -> "BoostedHazardModel":
        """Fit on every state-month at risk of ``worlds``; returns ``self``."""
        X, y, groups, weight = training_rows(worlds, self.level, self.features, self.controls)
        if y.sum() == 0:
            raise NotEnoughData(f"no state reached level {self.level} in the training data: nothing to learn from")
        return self.fit_rows(X, y, groups, weight)

    def fit_rows(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None, weight: np.ndarray,
                 start: Any = None) -> "BoostedHazardModel":
        """Fit on prepared rows (columns ``self.features``), as ``HazardModel.fit_rows`` does;
        ``groups`` and ``start`` are accepted for the same call and not used. Returns ``self``."""
        from pariah.extras import require

        ensemble = require("sklearn.ensemble", extra="boosting", purpose="the gradient-boosted hazard")
        y = np.asarray(y).astype(int)
        self.base_rate_ = float(np.average(y, weights=weight))
        self.n_ = len(y)
        self.events_ = int(y.sum())
        if y.min() == y.max():  # one class: the rate is all there is to learn
            self.classifier_ = None
            return self
        self.classifier_ = ensemble.HistGradientBoostingClassifier(
            loss="log_loss", learning_rate=self.learning_rate, max_iter=self.max_iter, max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf, l2_regularization=self.l2_regularization,
            monotonic_cst=self.monotonic_cst(), early_stopping=False, random_state=self.seed)
        self.classifier_.fit(np.asarray(X, dtype=float), y, sample_weight=weight)
        return self

    def _columns(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        return X[..., [FEATURES.index(f) for f in self.features]] if X.shape[-1] == len(FEATURES) else X

    def predict_hazard(self, X: np.ndarray) -> np.ndarray:
        """Monthly hazard for rows of covariates (columns ``FEATURES``, or ``self.features``)."""
        X = self._columns(X)
        if self.classifier_ is None:
            return np.full(len(X), self.base_rate_)
        return self.classifier_.predict_proba(X)[:, 1]

    def predict_hazard_samples(self, X: np.ndarray) -> np.ndarray:
        """(1, rows): the point hazard as the only draw (the boosted model has no parameter draws)."""
        return self.predict_hazard(X)[None, :]
