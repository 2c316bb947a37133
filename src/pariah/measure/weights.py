"""Weighting schemes: how much each state counts in the index, cohesion and profile.

| scheme | weight of a state |
|---|---|
| ``equal`` | 1 (one state, one vote) |
| ``population`` | its population (reference data; a state without a figure gets the median) |
| ``region`` | 4 if it borders the target, 2 if in the target's UN subregion, 1.5 if in its region, else 1 |
| ``power`` | 5 for the P5, 3 for other G20 members, else 1 |
| ``relations`` | region x power x (1 + log10(1 + population in millions)): the value of relations with it (the default of the index) |
| custom | a mapping ISO3 -> weight (e.g. ``read_weights(FILE.csv)``); states it does not name weigh 0 |

Every function that weighs states takes one ``weights`` argument: a scheme's name, or a mapping.
"""
from __future__ import annotations

import csv
from enum import Enum
from pathlib import Path
from typing import Mapping, Union

import numpy as np

from pariah import reference
from pariah.exceptions import InvalidWeights, UnknownActor

class Scheme(str, Enum):
    """The built-in weighting schemes (``custom`` takes a file as well)."""

    equal = "equal"
    population = "population"
    region = "region"
    power = "power"
    relations = "relations"


SCHEMES = tuple(s.value for s in Scheme)
#: The weighting of the headline index, the ladder profile and comparisons (docs/METHODS.md says why);
#: cohesion and black knights count members one each unless told otherwise.
DEFAULT_SCHEME = "relations"

#: A weighting: the name of a built-in scheme, or a mapping ISO3 -> weight (the custom scheme).
Weights = Union[str, Mapping[str, float]]


def scheme_name(weights: Weights) -> str:
    """``'equal'``, ``'population'``, ... for a built-in scheme; ``'custom'`` for a mapping."""
    return weights if isinstance(weights, str) else "custom"
REGION_WEIGHTS = {"neighbour": 4.0, "subregion": 2.0, "region": 1.5, "other": 1.0}
POWER_WEIGHTS = {"P5": 5.0, "G20": 3.0, "other": 1.0}


def weight_vector(weights: Weights, states: list[str], target: str) -> np.ndarray:
    """The weight of every state in ``states`` under a scheme (by name) or a mapping ISO3 -> weight."""
    if not isinstance(weights, str):
        if not weights:
            raise InvalidWeights("the custom weights are empty: give a mapping ISO3 -> weight with at least one state")
        return np.array([float(weights.get(s, 0.0)) for s in states], dtype=float)
    scheme = weights
    table = reference.states()
    if scheme == "equal":
        return np.ones(len(states))
    if scheme == "population":
        pop = table["population"].reindex(states).astype("Float64")
        return pop.fillna(pop.median()).to_numpy(dtype=float)
    if scheme == "region":
        if target in table.index:
            neighbours = set(table.at[target, "neighbours"])
            sub, region = table.at[target, "subregion"], table.at[target, "region"]
        else:
            neighbours, sub, region = set(), None, None
        out = []
        for s in states:
            if s in neighbours:
                out.append(REGION_WEIGHTS["neighbour"])
            elif s in table.index and table.at[s, "subregion"] == sub:
                out.append(REGION_WEIGHTS["subregion"])
            elif s in table.index and table.at[s, "region"] == region:
                out.append(REGION_WEIGHTS["region"])
            else:
                out.append(REGION_WEIGHTS["other"])
        return np.array(out)
    if scheme == "power":
        p5, g20 = set(reference.bloc_members("P5")), set(reference.bloc_members("G20"))
        return np.array([POWER_WEIGHTS["P5"] if s in p5 else POWER_WEIGHTS["G20"] if s in g20 else POWER_WEIGHTS["other"]
                         for s in states])
    if scheme == "relations":
        pop = table["population"].reindex(states).astype("Float64")
        pop = pop.fillna(pop.median()).to_numpy(dtype=float)
        return (weight_vector("region", states, target) * weight_vector("power", states, target)
                * (1 + np.log10(1 + pop / 1e6)))
    if scheme == "custom":
        raise InvalidWeights("the custom scheme needs a table of weights: pass weights as a mapping ISO3 -> weight "
                             "(read_weights(FILE.csv); '--weights-file FILE.csv')")
    raise InvalidWeights(f"unknown weighting scheme {scheme!r}: expected one of {', '.join(SCHEMES)} or custom")


def read_weights(path: str | Path) -> dict[str, float]:
    """A ``ISO3,weight`` CSV (header optional) -> {ISO3: weight}; bad rows raise with FILE:LINE."""
    out: dict[str, float] = {}
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidWeights(f"{path}: cannot read weights: {e}") from None
    for line, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            raise InvalidWeights(f"{path}:{line}: row: expected two fields ISO3,weight, got {len(row)}")
        code, value = row[0].strip(), row[1].strip()
        if line == 1 and not _number(value):
            continue  # a header
        try:
            iso3 = reference.resolve_actor(code)
        except UnknownActor as e:
            raise InvalidWeights(f"{path}:{line}: iso3: {e}") from None
        if not _number(value) or float(value) < 0:
            raise InvalidWeights(f"{path}:{line}: weight: {value!r} is not a non-negative number")
        out[iso3] = float(value)
    if not out:
        raise InvalidWeights(f"{path}:1: file: no weights found; expected rows ISO3,weight")
    return out


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
