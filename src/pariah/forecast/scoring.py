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


