"""The cascade simulation: states move month by month with the fitted hazard, and every move
raises the peer exposure of the states tied to the mover.

Three parts, kept apart (as in Mesa): ``CascadeModel`` is the model (its state and one
step), ``Collector`` records what a run produces, and ``run`` is the runner that drives many
runs at once. The engine is vectorized over runs and states with numpy; ``backend="jax"``
runs the same steps with JAX (on a GPU when one is present).
"""
from __future__ import annotations

import dataclasses
from typing import Sequence
import functools

import numpy as np

from pariah.exceptions import EngineUnavailable, InvalidArgument, PariahError
from pariah.forecast.hazard import HazardModel
from pariah.forecast.world import FEATURES, World, case_rate, features_at, months_at_level, recently_moved

#: Features that the simulation updates as states move; the rest stay at their start values.
DYNAMIC = ("log_months", "peer_bloc", "peer_neighbours", "peer_region", "peer_world", "leader_moved", "p5_moved",
           "log_months_at_level", "mover_affinity")


def _shares(ties: np.ndarray, member: np.ndarray) -> np.ndarray:
    """A 0/1 (or weighted) tie matrix divided by each state's total ties to counted states, so that
    ``result @ moved`` is the share of its counted partners that have moved."""
    total = ties @ member.astype(float)
    return np.divide(ties, total[:, None], out=np.zeros_like(ties, dtype=float), where=total[:, None] > 0)


@dataclasses.dataclass(frozen=True)
class Assumption:
    """Force ``state`` (an index) to have moved from month ``month`` (0 = the first simulated month)."""

    state: int
    month: int


class CascadeModel:
    """The linear predictor of every state, split into what is fixed and what moves with the cascade.

    logit h[r, j] = base[j] + ties[j, :] . moved[r, :] + world * share_moved[r] + leader * moved[r, leader]
                    + p5 * (other P5 moved) + clocks(month)
    """

    def __init__(self, model: HazardModel, world: World, t: int):
        self.model, self.world, self.t = model, world, t
        level = model.level
        self.start_moved = world.level_known[t] >= level
        self.member = world.member[t].astype(bool)
        self.spell = months_at_level(world.level_known)[t]
        a = np.zeros(len(FEATURES))
        for k, f in enumerate(model.features):
            a[FEATURES.index(f)] = model.coef_[k] / model.scale_[k]
        m = np.zeros(len(FEATURES))
        for k, f in enumerate(model.features):
            m[FEATURES.index(f)] = model.mean_[k]
        self.a = a
        x0 = features_at(world, t, self.start_moved, self.spell, rate=case_rate(world, level)[t],
                         recent=case_rate(world, level, 12)[t], recent_moved=recently_moved(world, level)[t])
        fixed = [k for k, f in enumerate(FEATURES) if f not in DYNAMIC]
        self.base = model.intercept_ - (a * m).sum() + x0[:, fixed] @ a[fixed]
        at = FEATURES.index
        ties = {name: _shares(m, self.member) for name, m in world.ties_at(t).items()}
        self.ties = (a[at("peer_bloc")] * ties["bloc"] + a[at("peer_neighbours")] * ties["neighbours"]
                     + a[at("peer_region")] * ties["region"])
        if world.alignment is not None and a[at("mover_affinity")] != 0:
            self.ties = self.ties + a[at("mover_affinity")] * _shares(world.alignment.matrix(world, t), self.member)
        self.ties = self.ties.astype(np.float32)
        self.a_world, self.a_leader, self.a_p5 = a[at("peer_world")], a[at("leader_moved")], a[at("p5_moved")]
        self.a_months, self.a_spell = a[at("log_months")], a[at("log_months_at_level")]
        self.leader = world.leader
        self.p5 = world.p5.astype(np.float32)
        self._numbers = self.numbers()

    def numbers(self, xp=np, dtype=None) -> dict:
        """The model's arrays and coefficients, by name, as arrays of ``xp`` (numpy or jax.numpy); ``dtype``
        for the state vectors (JAX's float32), else as they are."""
        return {
            "member": xp.asarray(self.member, dtype=dtype or np.float32), "ties_t": xp.asarray(self.ties.T),
            "base": xp.asarray(self.base, dtype=dtype), "p5": xp.asarray(self.p5),
            "spell": xp.asarray(self.spell, dtype=dtype), "n_members": max(float(self.member.sum()), 1.0),
            "t": float(self.t),
            **{name: float(getattr(self, name)) for name in ("a_world", "a_p5", "a_leader", "a_months", "a_spell")},
        }

    def logits(self, moved: np.ndarray, k: int) -> np.ndarray:
        """(runs, states) log-odds of moving in simulated month ``k`` given who has moved."""
        return linear_predictor(np, moved, self._numbers, k, self.leader)


class Collector:
    """What a set of runs produced: how many states had moved after each month, and who had moved at the end."""

    def __init__(self, runs: int, months: int, states: int):
        self.counts = np.zeros((runs, months), dtype=np.int32)
        self.final = np.zeros((runs, states), dtype=bool)

    def record(self, k: int, moved: np.ndarray, member: np.ndarray) -> None:
        self.counts[:, k] = (moved & member).sum(axis=1)

    def finish(self, moved: np.ndarray) -> None:
        self.final = moved


def run(cascade: CascadeModel, months: int, runs: int, seed: int = 0,
        assumptions: Sequence[Assumption] = (), backend: str = "numpy") -> Collector:
    """Simulate ``runs`` cascades of ``months`` months. The same seed gives the same result.

    ``backend``: ``numpy``, or ``jax`` (on a GPU when JAX finds one). The two draw different
    random numbers, so they agree in distribution, not run by run.
    """
    if backend == "jax":
        try:
            import jax  # noqa: F401
        except ImportError:
            raise EngineUnavailable("the JAX backend needs JAX: pip install 'pariah[jax]'") from None
        return _run_jax(cascade, months, runs, seed, list(assumptions))
    if backend != "numpy":
        raise InvalidArgument(f"unknown backend {backend!r}: expected numpy or jax")
    rng = np.random.default_rng(seed)
    n = len(cascade.base)
    moved = np.broadcast_to(cascade.start_moved, (runs, n)).copy()
    collector = Collector(runs, months, n)
    for k in range(months):
        for a in assumptions:
            if a.month == k:
                moved[:, a.state] = True
        h = 1.0 / (1.0 + np.exp(-cascade.logits(moved, k)))
        moved |= (rng.random((runs, n), dtype=np.float32) < h) & cascade.member
        collector.record(k, moved, cascade.member)
    collector.finish(moved)
    return collector


def linear_predictor(xp, moved, p: dict, k, leader: int | None):
    """The log-odds of ``CascadeModel``, written once for numpy and JAX (``xp``); ``p``: ``CascadeModel.numbers``."""
    mf = moved.astype(xp.float32) * p["member"]
    share = mf.sum(axis=1, keepdims=True) / p["n_members"]
    p5_other = ((mf @ p["p5"])[:, None] - mf * p["p5"]) > 0
    out = mf @ p["ties_t"] + p["base"] + p["a_world"] * share + p["a_p5"] * p5_other
    if leader is not None:
        out += p["a_leader"] * mf[:, leader:leader + 1]  # in place on numpy; JAX makes a new array
    out += p["a_months"] * xp.log1p(p["t"] + k) + p["a_spell"] * xp.log1p(p["spell"] + k)
    return out


def _run_jax(cascade: CascadeModel, months: int, runs: int, seed: int, assumptions: list[Assumption]) -> Collector:
    import jax
    import jax.numpy as jnp

    n = len(cascade.base)
    forced = np.zeros((months, n), dtype=bool)
    for a in assumptions:
        if 0 <= a.month < months:
            forced[a.month:, a.state] = True
    final, counts = jax_simulation()(cascade.numbers(jnp, jnp.float32), jnp.asarray(cascade.start_moved),
                                     jnp.asarray(forced), jax.random.PRNGKey(seed), runs=runs, leader=cascade.leader)
    collector = Collector(runs, months, n)
    collector.counts = np.asarray(counts).T
    collector.finish(np.asarray(final))
    return collector


@functools.cache
def jax_simulation():
    """The JAX simulation, compiled once per shape (runs, months, states) and leader, then reused:
    the model's numbers are arguments, not constants, so a new seed or model costs no compilation."""
    import jax
    import jax.numpy as jnp

    @functools.partial(jax.jit, static_argnames=("runs", "leader"))
    def simulate(params, start_moved, forced, key, *, runs: int, leader: int | None):
        member = params["member"]

        def step(carry, inputs):
            moved, key = carry
            k, force = inputs
            moved = moved | force
            logit = linear_predictor(jnp, moved, params, k, leader)
            key, sub = jax.random.split(key)
            u = jax.random.uniform(sub, moved.shape)
            moved = moved | ((u < jax.nn.sigmoid(logit)) & (member > 0))
            return (moved, key), (moved & (member > 0)).sum(axis=1)

        start = jnp.broadcast_to(start_moved, (runs, start_moved.shape[0]))
        (final, _), counts = jax.lax.scan(step, (start, key),
                                          (jnp.arange(forced.shape[0], dtype=jnp.float32), forced))
        return final, counts

    return simulate
