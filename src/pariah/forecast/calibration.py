"""Calibration of window forecasts fitted across cases, nested inside the yardstick.

A forecast of case A at cutoff c is recalibrated by a map learned only from the yardstick's own
out-of-case forecasts of the *other* scored cases whose windows had closed by c (cutoff + horizon
<= c), each paired with its outcome *as known on c*. Nothing of A's outcomes and nothing published
after c enters the map of A at c (docs/METHODS.md, "Calibration across cases").

Two maps: ``platt`` (a logistic regression of the outcome on the logit of the forecast) and
``isotonic`` (the non-decreasing step function closest to the outcomes, linearly interpolated).
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

import numpy as np

from pariah.dates import add_months
from pariah.exceptions import InvalidArgument

#: A map is fitted only on at least this many moves; with fewer (the first cutoffs of the oldest
#: cases) the forecast is left as it is.
MIN_MOVES = 20
METHODS = ("platt", "isotonic")

Calibrator = Callable[[np.ndarray], np.ndarray]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def platt(p: np.ndarray, y: np.ndarray) -> Calibrator:
    """The map p -> sigmoid(a + b logit p) of greatest likelihood on (``p``, ``y``), by Newton's
    method on the two parameters (a tiny ridge keeps it defined when the outcomes separate)."""
    A = np.column_stack([np.ones(len(p)), _logit(p)])
    params = np.array([0.0, 1.0])
    for _ in range(100):
        q = 1 / (1 + np.exp(-np.clip(A @ params, -40, 40)))
        grad = A.T @ (q - y) + 1e-6 * params
        H = (A * (q * (1 - q))[:, None]).T @ A + 1e-6 * np.eye(2)
        step = np.linalg.solve(H, grad)
        params = params - step
        if np.abs(step).max() < 1e-10:
            break
    a, b = params

    def apply(x: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-np.clip(a + b * _logit(np.asarray(x, dtype=float)), -40, 40)))

    return apply


def isotonic(p: np.ndarray, y: np.ndarray) -> Calibrator:
    """The non-decreasing map closest to (``p``, ``y``) in squared error (pool-adjacent-violators),
    linearly interpolated between the distinct forecasts and held flat beyond them."""
    from scipy.optimize import isotonic_regression

    order = np.argsort(p, kind="stable")
    xs, start = np.unique(p[order], return_index=True)
    counts = np.diff(np.append(start, len(p)))
    means = np.add.reduceat(y[order].astype(float), start) / counts
    fitted = isotonic_regression(means, weights=counts.astype(float)).x

    def apply(x: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(x, dtype=float), xs, fitted)

    return apply


def fit_map(method: str, p: np.ndarray, y: np.ndarray) -> Calibrator:
    """The ``method`` map (``platt`` or ``isotonic``) fitted on forecasts ``p`` and outcomes ``y``."""
    if method == "platt":
        return platt(p, y)
    if method == "isotonic":
        return isotonic(p, y)
    raise InvalidArgument(f"calibration {method!r}: expected one of {', '.join(METHODS)} (or none)")


def nested(results: list[dict], method: str, horizon: int,
           outcome_known: Callable[[dict, dt.date], np.ndarray], min_moves: int = MIN_MOVES) -> list[dict]:
    """``results`` (one dict per scored case and cutoff: ``case``, ``cutoff``, ``p``, ``y``, ...) with
    ``p`` recalibrated and the raw forecast kept as ``p_raw``.

    The map of a result is fitted on the forecasts of the other cases' results whose windows had
    closed by its cutoff, with ``outcome_known(other, cutoff)``: the other's outcomes as known on
    the cutoff. Where those hold fewer than ``min_moves`` moves the forecast is left as it is
    (``calibrated`` False).
    """
    fit_map(method, np.array([0.1, 0.9]), np.array([0.0, 1.0]))  # refuse an unknown method before any work
    out = []
    for r in results:
        pool = [o for o in results if o["case"] != r["case"] and add_months(o["cutoff"], horizon) <= r["cutoff"]]
        ps = [o["p"] for o in pool]
        ys = [outcome_known(o, r["cutoff"]) for o in pool]
        p_fit = np.concatenate(ps) if ps else np.empty(0)
        y_fit = np.concatenate(ys) if ys else np.empty(0)
        calibrated = y_fit.sum() >= min_moves
        p = fit_map(method, p_fit, y_fit)(r["p"]) if calibrated else r["p"]
        out.append({**r, "p": np.clip(p, 0.0, 1.0), "p_raw": r["p"], "calibrated": bool(calibrated)})
    return out
