"""The value to the target of normal relations with each state.

Default (documented in docs/METHODS.md): for state j,

    v_j  proportional to  region_j x power_j x (1 + log10(1 + population_j / 1e6))

with ``region`` 4 for a neighbour of the target, 2 for its UN subregion, 1.5 for its
region, 1 otherwise, and ``power`` 5 for the P5, 3 for other G20 members, 1 otherwise.
Users can give their own values (``ISO3,value``) or derive them from a UN
Comtrade-style bilateral trade file (``values_from_comtrade``).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from pariah import reference
from pariah.exceptions import InvalidFile, NotEnoughData, PariahError
from pariah.measure.weights import read_weights, weight_vector

read_values = read_weights


def default_values(states: list[str], target: str) -> np.ndarray:
    """Unnormalized default value of relations with each state: the ``relations`` weighting scheme."""
    return weight_vector("relations", states, target)


def value_vector(states: list[str], target: str, custom: dict[str, float] | None = None) -> np.ndarray:
    """Values of relations with ``states``, summing to 1 (custom values for unnamed states are 0)."""
    v = np.array([custom.get(s, 0.0) for s in states], dtype=float) if custom else default_values(states, target)
    total = v.sum()
    if total <= 0:
        raise NotEnoughData("the values give every state 0: nothing to withhold or supply")
    return v / total


REPORTER = ("reporteriso", "reporter_iso", "reportercode", "reporter")
PARTNER = ("partneriso", "partner_iso", "partnercode", "partner")
VALUE = ("primaryvalue", "primary_value", "tradevalue", "trade_value", "value")


def values_from_comtrade(path: str | Path, target: str) -> dict[str, float]:
    """Trade shares of the target's partners from a UN Comtrade-style CSV.

    The file needs a reporter ISO3 column (``reporterISO``), a partner ISO3 column
    (``partnerISO``) and a value column (``primaryValue``); rows where the target is
    the reporter or the partner count, both flows added. Partner ``W00`` (world) and
    unknown codes are skipped. Returns {ISO3: share of the target's trade}.
    """
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = {h.lower().strip(): h for h in (reader.fieldnames or [])}
            pick = lambda names, what: next((header[n] for n in names if n in header), None) or _missing(path, what)
            rep, par, val = pick(REPORTER, "reporterISO"), pick(PARTNER, "partnerISO"), pick(VALUE, "primaryValue")
            totals: dict[str, float] = {}
            for line, row in enumerate(reader, start=2):
                a, b = (row[rep] or "").strip().upper(), (row[par] or "").strip().upper()
                if target not in (a, b):
                    continue
                other = b if a == target else a
                if not reference.is_state(other):
                    continue
                try:
                    amount = float(row[val])
                except (TypeError, ValueError):
                    raise InvalidFile(f"{path}:{line}: {val}: {row[val]!r} is not a number") from None
                totals[other] = totals.get(other, 0.0) + max(amount, 0.0)
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidFile(f"{path}: cannot read: {e}") from None
    total = sum(totals.values())
    if total <= 0:
        raise InvalidFile(f"{path}:1: file: no trade of {target} with a known state")
    return {k: v / total for k, v in sorted(totals.items())}


def _missing(path, what):
    raise InvalidFile(f"{path}:1: header: no {what} column (a UN Comtrade export has reporterISO, partnerISO, primaryValue)")
