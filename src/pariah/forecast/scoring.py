"""Scores of probability forecasts against outcomes: Brier, log loss, skill, AUC, calibration."""
from __future__ import annotations

from typing import Any

import numpy as np


def _auc(p: np.ndarray, y: np.ndarray) -> float | None:
    """Area under the ROC curve (the Mann-Whitney statistic, ties counted half)."""
    if y.min() == y.max():
        return None
    from scipy.stats import rankdata

    ranks = rankdata(p)
    positives = y.astype(bool)
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def score(p: np.ndarray, y: np.ndarray, p_clim: np.ndarray, p_ref: np.ndarray | None = None) -> dict[str, Any]:
    """Brier, log loss, skill against climatology (and a reference model), AUC, calibration by decile."""
    eps = 1e-6
    p = np.clip(p, eps, 1 - eps)
    brier = float(np.mean((p - y) ** 2))
    brier_clim = float(np.mean((p_clim - y) ** 2))
    out: dict[str, Any] = {
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




def _pair_wins(p_pos: np.ndarray, p_neg: np.ndarray) -> float:
    """How many (positive, negative) pairs the positive outranks, ties counted half."""
    if not len(p_pos) or not len(p_neg):
        return 0.0
    neg = np.sort(p_neg)
    below = np.searchsorted(neg, p_pos, side="left")
    upto = np.searchsorted(neg, p_pos, side="right")
    return float(below.sum() + 0.5 * (upto - below).sum())


def resampled(ps: list[np.ndarray], ys: list[np.ndarray], resamples: int = 1000, seed: int = 0,
              level: float = 0.9) -> dict[str, float | None]:
    """``level`` intervals of the pooled Brier skill (against the base rate of the resampled windows)
    and AUC, resampling the groups (cases) with replacement.

    Each statistic of a resample is computed from per-group sums (squared errors, events, windows)
    and per-pair-of-groups rank counts, so a resample costs O(groups^2) however many windows.
    """
    k = len(ps)
    sse = np.array([np.sum((p - y) ** 2) for p, y in zip(ps, ys)])
    n = np.array([len(y) for y in ys], dtype=float)
    events = np.array([y.sum() for y in ys])
    wins = np.array([[_pair_wins(ps[a][ys[a] == 1], ps[b][ys[b] == 0]) for b in range(k)] for a in range(k)])
    rng = np.random.default_rng(seed)
    bss, auc = [], []
    for _ in range(resamples):
        w = np.bincount(rng.integers(0, k, k), minlength=k).astype(float)
        total, hits = w @ n, w @ events
        base = hits / total
        clim = base * (1 - base)
        if clim > 0:
            bss.append(1 - (w @ sse / total) / clim)
        pairs = hits * (w @ (n - events))
        if pairs > 0:
            auc.append(w @ wins @ w / pairs)
    tail = (1 - level) / 2 * 100

    def interval(values):
        return (float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))) if values else (None, None)

    (bss_low, bss_high), (auc_low, auc_high) = interval(bss), interval(auc)
    return {"bss_low": bss_low, "bss_high": bss_high, "auc_low": auc_low, "auc_high": auc_high}
