"""Revealed alignment: which states moved together in the other cases, as known at the time.

For two states *s* and *r* and a date *d*, over every case other than the one
being forecast, count the cases in which both had reached the level by *d*
(``both``) and those in which at least one had (``either``), every move dated
when it became public. Their affinity is ``both / (either + 1)``: 0 for states
that never moved together, near 1 for states that always did (the 1 is one
imagined case in which they parted). Two covariates come out of it:

- ``leader_affinity``: the state's affinity with the case's coalition leader
  (states that move with the leader elsewhere hold the line with it);
- ``mover_affinity``: the share of the state's affinity that lies with states
  already at the level in this case, ``sum_r A[s, r] moved_r / sum_r A[s, r]``
  over the states counted that month
  (states follow those they have followed before).

Affinities are read on 1 January of each month's year, so a covariate never
sees a move made after its month.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pariah.forecast.world import World


def _month_number(months) -> np.ndarray:
    return (months.year.to_numpy() * 12 + months.month.to_numpy() - 1).astype(float)


class Alignment:
    """Who moved with whom across a set of cases, at one ladder level (see the module doc)."""

    def __init__(self, worlds: list[World], level: int):
        self.level = level
        codes = sorted({s for w in worlds for s in w.states})
        self.codes = codes
        self.index = {s: i for i, s in enumerate(codes)}
        self.case_ids = [w.case.id for w in worlds]
        #: (cases, codes): month number (year * 12 + month - 1) each state reached the level, as
        #: known; inf where it never did (or is not counted in that case)
        reach = np.full((len(worlds), len(codes)), np.inf)
        for c, w in enumerate(worlds):
            moved = (w.level_known >= level) & w.member
            ever = moved.any(axis=0)
            first = np.argmax(moved, axis=0)
            stamps = _month_number(w.months)
            cols = [self.index[s] for s in w.states]
            reach[c, cols] = np.where(ever, stamps[first], np.inf)
        self.reach = reach
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def affinity(self, case_id: str, year: int) -> np.ndarray:
        """(codes, codes): affinities on 1 January of ``year``, leaving out ``case_id``."""
        key = (case_id, year)
        if key not in self._cache:
            V = (self.reach <= year * 12).astype(float)
            if case_id in self.case_ids:
                V[self.case_ids.index(case_id)] = 0.0
            both = V.T @ V
            count = V.sum(axis=0)
            either = count[:, None] + count[None, :] - both
            A = both / (either + 1.0)
            np.fill_diagonal(A, 0.0)
            self._cache[key] = A
        return self._cache[key]

    def covariates(self, world: World, ts: np.ndarray, moved: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(len(ts), states) ``leader_affinity`` and ``mover_affinity`` of ``world`` at months ``ts``,
        given who has moved (``moved``, (len(ts), states), as known then)."""
        n = len(world.states)
        cols = np.array([self.index.get(s, -1) for s in world.states])
        have = cols >= 0
        years = world.months.year.to_numpy()[ts]
        leader_out = np.zeros((len(ts), n))
        mover_out = np.zeros((len(ts), n))
        leader = self.index.get(world.case.coalition_leader) if world.case.coalition_leader else None
        for y in np.unique(years):
            rows = years == y
            full = self.affinity(world.case.id, int(y))
            A = np.zeros((n, n))
            A[np.ix_(have, have)] = full[np.ix_(cols[have], cols[have])]
            if leader is not None:
                leader_out[rows] = np.where(have, full[np.where(have, cols, 0), leader], 0.0)
            total = world.member[ts[rows]].astype(float) @ A.T
            mover_out[rows] = np.divide(moved[rows] @ A.T, total, out=np.zeros((rows.sum(), n)), where=total > 0)
        return leader_out, mover_out

    def matrix(self, world: World, t: int) -> np.ndarray:
        """(states, states): the affinities of ``world``'s states at month ``t`` (0 for states
        outside the cases)."""
        n = len(world.states)
        cols = np.array([self.index.get(s, -1) for s in world.states])
        have = cols >= 0
        A = np.zeros((n, n))
        full = self.affinity(world.case.id, int(world.months.year[t]))
        A[np.ix_(have, have)] = full[np.ix_(cols[have], cols[have])]
        return A

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The alignment as plain arrays (for ``numpy.savez``)."""
        return {"level": np.array(self.level), "codes": np.array(self.codes), "case_ids": np.array(self.case_ids),
                "reach": self.reach}

    @classmethod
    def from_arrays(cls, a) -> "Alignment":
        out = cls.__new__(cls)
        out.level = int(a["level"])
        out.codes = [str(c) for c in a["codes"]]
        out.index = {s: i for i, s in enumerate(out.codes)}
        out.case_ids = [str(c) for c in a["case_ids"]]
        out.reach = np.asarray(a["reach"], dtype=float)
        out._cache = {}
        return out
