"""Why a state is forecast where it is: each covariate's push on its odds, in words.

A driver names what the covariate is for this state ("its neighbours Iran and
Uzbekistan moved in the last 12 months"), not the covariate; the push is the
covariate's standardized value times its coefficient, against an average
state-month, so a covariate with a coefficient of 0 never appears.
"""
from __future__ import annotations

import numpy as np

from pariah import reference
from pariah.forecast.world import BLOCS, FEATURES, World, bloc_matrix, recently_moved
from pariah.ladder import Level


def _names(codes: list[str], most: int = 3) -> str:
    names = [reference.name(c) for c in codes]
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


class Phrases:
    """Phrases for one world at one month and level (``say(feature, state, value)``)."""

    def __init__(self, world: World, t: int, level: int):
        self.world, self.t, self.level = world, t, level
        self.moved = (world.level_known[t] >= level) & world.member[t]
        self.recent = recently_moved(world, level)[t] & world.member[t]
        self.label = Level(level).label + (" or above" if level < int(Level.RECOGNIZED) else "")
        self.blocs = bloc_matrix(world.states, int(world.months.year[t]))
        self.target_blocs = bloc_matrix([world.target], int(world.months.year[t]))[0]
        self.affinity = world.alignment.matrix(world, t) if world.alignment is not None else None

    def _partners(self, j: int, ties: np.ndarray, who: np.ndarray) -> list[str]:
        return [self.world.states[i] for i in np.flatnonzero((ties[j] > 0) & who)]

    def say(self, feature: str, j: int, x: float, push: float) -> str:
        w, states = self.world, self.world.states
        target = reference.name(w.target)
        high = push > 0
        if feature == "border":
            return f"it borders {target}" if x else f"it does not border {target}"
        if feature == "same_region":
            return f"it is in {target}'s region" if x else f"it is outside {target}'s region"
        if feature == "log_distance":
            km = float(np.expm1(x)) * 1000
            return f"its capital is {km:,.0f} km from {target}'s" if km >= 1 else f"its capital is {target}'s"
        if feature == "shared_blocs":
            shared = [BLOCS[b] for b in np.flatnonzero(self.blocs[j] * self.target_blocs)]
            return f"it shares {', '.join(shared)} with {target}" if shared else f"it shares no bloc with {target}"
        if feature == "coalition":
            return "it is in the coalition" if x else "it is outside the coalition"
        if feature in ("peer_neighbours", "recent_neighbours"):
            recent = feature.startswith("recent")
            who = self._partners(j, w.ties["neighbours"], self.recent if recent else self.moved)
            when = "moved in the last 12 months" if recent else f"are at {self.label}"
            if who:
                return f"its neighbour{'s' if len(who) > 1 else ''} {_names(who)} {when if len(who) > 1 else when.replace('are', 'is')}"
            return "none of its neighbours " + ("moved in the last 12 months" if recent else f"is at {self.label}")
        if feature in ("peer_bloc", "recent_bloc"):
            recent = feature.startswith("recent")
            who = self._partners(j, w.ties_at(self.t)["bloc"], self.recent if recent else self.moved)
            when = "moved in the last 12 months" if recent else f"at {self.label}"
            if who:
                return f"{x:.0%} of its bloc partners {'' if recent else 'are '}{when} ({_names(who)})"
            return f"none of its bloc partners {'moved in the last 12 months' if recent else f'is at {self.label}'}"
        if feature.startswith("bloc_"):
            bloc = feature[len("bloc_"):]
            mine = self.blocs[:, BLOCS.index(bloc)] > 0
            who = [states[i] for i in np.flatnonzero(mine & self.moved) if i != j]
            if not mine[j]:
                return f"it is not in {bloc}"
            return f"{x:.0%} of its {bloc} partners are at {self.label}" + (f" ({_names(who)})" if who else "")
        if feature == "peer_region":
            return f"{x:.0%} of its region is at {self.label}"
        if feature == "peer_world":
            return f"{x:.0%} of states are at {self.label}"
        if feature == "leader_moved":
            leader = reference.name(w.case.coalition_leader)
            return f"the coalition leader ({leader}) is at {self.label}" if x else f"the coalition leader ({leader}) is not at {self.label}"
        if feature == "p5_moved":
            p5 = [s for s, p, m in zip(states, w.p5, self.moved) if p and m and s != states[j]]
            return f"{_names(p5)} (P5) {'are' if len(p5) > 1 else 'is'} at {self.label}" if p5 else f"no other P5 member is at {self.label}"
        if feature == "level":
            return f"it is at {Level(int(round(x * 5))).label}"
        if feature == "hostile":
            return f"it designates, sanctions or fights {target}" if x else f"it is not hostile to {target}"
        if feature == "log_months_counted":
            return f"it has counted in the case for {int(round(np.expm1(x)))} months"
        if feature == "log_months_at_level":
            return f"{int(round(np.expm1(x)))} months at its current level"
        if feature in ("contact_6", "contact_12"):
            n, months = int(round(np.expm1(x))), feature.split("_")[1]
            return f"{n} official contact{'s' if n != 1 else ''} with {target} in the last {months} months" if n else f"no official contact with {target} in the last {months} months"
        if feature == "case_rate":
            return "states have moved " + ("often" if high else "seldom") + " in this case so far"
        if feature == "recent_rate":
            return "states have moved " + ("often" if high else "seldom") + " in this case in the last 12 months"
        if feature == "log_months":
            return f"the case is {int(round(np.expm1(x)))} months old"
        if feature == "leader_affinity":
            return (f"it has moved with {reference.name(w.case.coalition_leader)} in other cases" if x > 0.2
                    else f"it has seldom moved with {reference.name(w.case.coalition_leader)} in other cases")
        if feature == "mover_affinity":
            if self.affinity is not None:
                A = self.affinity[j] * self.moved
                top = [states[i] for i in np.argsort(-A)[:3] if A[i] > 0]
                if top:
                    return f"it moved with {_names(top)} in other cases, and they are at {self.label}"
            return f"few of the states it moved with in other cases are at {self.label}"
        if feature == "engagement":
            return f"cooperative events with {target} last month"
        return feature


def drivers(world: World, t: int, level: int, features: tuple[str, ...], X0: np.ndarray, push: np.ndarray,
            rows, most: int = 3) -> list[str]:
    """For the states ``rows`` (indices): the ``most`` strongest drivers in words, each with its push
    on the log-odds, joined by "; " (a covariate that pushes by less than 0.005 is left out)."""
    phrases = Phrases(world, t, level)
    out = []
    for j in rows:
        order = [k for k in np.argsort(-np.abs(push[j]))[:most] if abs(push[j, k]) >= 0.005]
        out.append("; ".join(f"{phrases.say(features[k], j, float(X0[j, FEATURES.index(features[k])]), push[j, k])}"
                             f" ({push[j, k]:+.2f})" for k in order) or "no covariate stands out")
    return out
