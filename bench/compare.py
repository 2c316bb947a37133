"""Model candidates on the leave-one-case-out yardstick, one JSON line each (the rows of the
"Model comparison" table of docs/METHODS.md).

Each candidate is one call of ``pariah.forecast.leave_one_out`` at horizon 12, each case at its own
level, a cutoff every ``--every`` months (24 for the table: the same windows in every row), with
``C = C_BEFORE`` unless the candidate sets its own.

Usage: python bench/compare.py [--every MONTHS] [CANDIDATE ...]   (default: every candidate)
"""
from __future__ import annotations

import argparse
import json
import time

import pariah
from pariah import forecast
from pariah.forecast.world import BLOC_FEATURES, DEFAULT_FEATURES

ALIGNMENT = ("leader_affinity", "mover_affinity")
RECENT = ("recent_bloc", "recent_neighbours")
#: Before this comparison: the covariates without revealed alignment.
BEFORE = tuple(f for f in DEFAULT_FEATURES if f not in ALIGNMENT)


def _with(*extra: str) -> tuple[str, ...]:
    return BEFORE + tuple(f for f in extra if f not in BEFORE)


#: The inverse penalty of every candidate that does not set its own: the default's before the
#: penalty was compared (now ``pariah.forecast.training.C``, 0.03).
C_BEFORE = 0.01

#: name -> keyword arguments of ``leave_one_out``
CANDIDATES: dict[str, dict] = {
    "before": {"features": BEFORE},
    "alignment": {"features": _with(*ALIGNMENT)},
    "alignment+recent": {"features": _with(*ALIGNMENT, *RECENT)},
    "boosted": {"features": _with(*ALIGNMENT), "model": "boosted"},
    "alignment+platt": {"features": _with(*ALIGNMENT), "calibration": "platt"},
    "alignment+isotonic": {"features": _with(*ALIGNMENT), "calibration": "isotonic"},
    "boosted+platt": {"features": _with(*ALIGNMENT), "model": "boosted", "calibration": "platt"},
    "alignment+per-bloc": {"features": _with(*ALIGNMENT, *BLOC_FEATURES), "C": 0.03},
    "alignment+per-bloc-only": {"features": tuple(f for f in _with(*ALIGNMENT, *BLOC_FEATURES) if f != "peer_bloc"),
                                "C": 0.03},
    "alignment+new-states": {"features": _with(*ALIGNMENT, "log_months_counted"), "C": 0.03},
    "alignment+distance": {"features": _with(*ALIGNMENT, "log_distance")},
    "alignment+distance+blocs": {"features": _with(*ALIGNMENT, "log_distance", "shared_blocs")},
    # the inverse penalty of the logistic model (C_BEFORE in every other row; 0.03 is the default now)
    "C=0.001": {"features": _with(*ALIGNMENT), "C": 0.001},
    "C=0.003": {"features": _with(*ALIGNMENT), "C": 0.003},
    "C=0.03": {"features": _with(*ALIGNMENT), "C": 0.03},
    "C=0.1": {"features": _with(*ALIGNMENT), "C": 0.1},
    "C=1": {"features": _with(*ALIGNMENT), "C": 1.0},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("candidates", nargs="*", default=list(CANDIDATES))
    parser.add_argument("--every", type=int, default=24)
    args = parser.parse_args()
    ledger = pariah.Ledger("sqlite://")
    keys = ("n", "events", "brier", "brier_climatology", "bss", "bss_low", "bss_high", "auc", "auc_low", "auc_high",
            "log_loss")
    for name in args.candidates:
        start = time.perf_counter()
        result = forecast.leave_one_out(ledger, horizon=12, every=args.every, **{"C": C_BEFORE, **CANDIDATES[name]})
        wall = time.perf_counter() - start
        print(json.dumps({"candidate": name, "every": args.every, "wall_s": round(wall, 1),
                          "pooled": {k: result["pooled"][k] for k in keys},
                          "calibration": result["pooled"]["calibration"],
                          "cases": {c["case"]: round(c["bss"], 3) for c in result["cases"]}}), flush=True)


if __name__ == "__main__":
    main()
