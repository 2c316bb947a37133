"""One case seen month by month, as the forecast model needs it.

Two panels are kept apart. Outcomes use *valid time*: the level a state
really had on each month start. Covariates use *knowledge time*: every act is
re-dated to the day it became public (``known_on``), so a covariate at month
*t* only reflects what an observer could have known at *t*.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from typing import TYPE_CHECKING

from pariah import reference
from pariah.acts import CONTACT_ACTS
from pariah.panels import component_panel, default_as_of
from pariah.measure.index import membership

if TYPE_CHECKING:
    from pariah.case import Case

#: Covariates of the hazard model, in order (docs/METHODS.md explains each).
FEATURES = (
    "log_months",       # log(1 + months since the case start)
    "border",           # the state borders the target
    "same_region",      # same UN M49 region as the target
    "coalition",        # a member of the case's coalition
    "peer_bloc",        # share of the state's bloc partners already at the level
    "peer_neighbours",  # share of its land neighbours already at the level
    "peer_region",      # share of its region already at the level
    "peer_world",       # share of all states already at the level
    "leader_moved",     # the coalition leader is at the level
    "p5_moved",         # any P5 member (other than the state) is at the level
    "level",            # the state's current level / 5
    "log_months_at_level",  # log(1 + months at the current level)
    "contact_6",        # log(1 + contact acts in the last 6 months)
    "contact_12",       # log(1 + contact acts in the last 12 months)
    "case_rate",        # log of this case's own monthly rate of moves so far (smoothed)
    "recent_rate",      # the same over the last 12 months only
    "engagement",       # event-data engagement with the target last month (0 without event data)
)
#: The covariates used unless asked otherwise: engagement needs event data a user may not have.
DEFAULT_FEATURES = tuple(f for f in FEATURES if f != "engagement")
PEER_FEATURES = ("peer_bloc", "peer_neighbours", "peer_region", "peer_world", "leader_moved", "p5_moved")
BLOCS = ("EU", "NATO", "G7", "G20", "SCO", "BRICS", "CSTO", "CIS", "OIC", "LAS", "GCC", "ASEAN", "AU", "COE")


def _row_normalize(m: np.ndarray) -> np.ndarray:
    sums = m.sum(axis=1, keepdims=True)
    return np.divide(m, sums, out=np.zeros_like(m, dtype=float), where=sums > 0)


@dataclasses.dataclass
class World:
    """A case's states, their ties, and monthly panels (see the module doc)."""

    case: Case
    states: list[str]
    months: pd.DatetimeIndex
    level_valid: np.ndarray   # (months, states)
    level_known: np.ndarray   # (months, states)
    contact_6: np.ndarray
    contact_12: np.ndarray
    member: np.ndarray        # (months, states): counts on that month
    static: dict[str, np.ndarray]
    ties: dict[str, np.ndarray]  # row-normalized (states, states): bloc, neighbours, region
    p5: np.ndarray
    leader: int | None
    engagement: np.ndarray | None = None  # (months, states)

    @property
    def target(self) -> str:
        return self.case.target


def ties_for(states: list[str], target: str, on: dt.date) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Static covariates, tie matrices and the P5 mask for a list of states."""
    table = reference.states()
    n = len(states)
    index = {s: i for i, s in enumerate(states)}
    target_row = table.loc[target] if target in table.index else None
    neighbours_of_target = set(target_row["neighbours"]) if target_row is not None else set()
    region = [table.at[s, "region"] if s in table.index else None for s in states]
    static = {
        "border": np.array([s in neighbours_of_target for s in states], dtype=float),
        "same_region": np.array([target_row is not None and r == target_row["region"] for r in region], dtype=float),
    }
    bloc = np.zeros((n, n))
    for code in BLOCS:
        members = [index[s] for s in reference.bloc_members(code, on) if s in index]
        for i in members:
            bloc[i, members] = 1
    np.fill_diagonal(bloc, 0)
    nb = np.zeros((n, n))
    for s, i in index.items():
        if s in table.index:
            for other in table.at[s, "neighbours"]:
                if other in index:
                    nb[i, index[other]] = 1
    same = np.array([[r is not None and r == q for q in region] for r in region], dtype=float)
    np.fill_diagonal(same, 0)
    ties = {"bloc": _row_normalize(bloc), "neighbours": _row_normalize(nb), "region": _row_normalize(same)}
    p5 = np.isin(states, reference.bloc_members("P5"))
    return static, ties, p5


def build(case, acts: pd.DataFrame, until: dt.date | None = None, engagement: pd.DataFrame | None = None) -> World:
    """The monthly world of a case from its start to ``until`` (default: today or the case end).

    ``acts`` should already hold only what is to be known (``Ledger.acts(known_on=...)``).
    ``engagement`` (``state, month, engagement`` as from ``pariah.events.engagement``) fills the
    engagement covariate; a month's events are known once it has ended, so month *t* sees the
    month before it.
    """
    end = min(until, default_as_of(case)) if until else default_as_of(case)
    end = max(end, case.start)
    valid = component_panel(case, acts, start=case.start, end=end, freq="month")
    known_acts = acts.copy()
    if len(known_acts):
        known_acts["day"] = [max(d, k) for d, k in zip(known_acts["day"], known_acts["known_on"])]
    known = component_panel(case, known_acts, start=case.start, end=end, freq="month")
    states = valid.states
    assert known.states == states
    months = valid.dates
    contact_6, contact_12 = _contact_counts(known_acts, states, months)
    static, ties, p5 = ties_for(states, case.target, end)
    # the coalition as the case defines it; statements of nonrecognition are often hedges
    # ("not yet") by states already engaging, so they do not make a state a member here
    coalition = set(case.coalition_members(end))
    static["coalition"] = np.array([s in coalition for s in states], dtype=float)
    leader = states.index(case.coalition_leader) if case.coalition_leader in states else None
    return World(case, states, months, valid.field("level").astype(np.int8), known.field("level").astype(np.int8),
                 contact_6, contact_12, membership(valid).astype(bool), static, ties, p5, leader,
                 _engagement_matrix(engagement, states, months))


def _engagement_matrix(frame: pd.DataFrame | None, states: list[str], months: pd.DatetimeIndex) -> np.ndarray:
    out = np.zeros((len(months), len(states)))
    if frame is None or frame.empty:
        return out
    index = {s: i for i, s in enumerate(states)}
    lookup = {(row.state, pd.Timestamp(row.month).to_period("M")): row.engagement for row in frame.itertuples()}
    for t, month in enumerate(months):
        previous = month.to_period("M") - 1  # the last calendar month that has ended
        for state, j in index.items():
            out[t, j] = lookup.get((state, previous), 0.0)
    return out


def _contact_counts(acts: pd.DataFrame, states: list[str], months: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    out6 = np.zeros((len(months), len(states)))
    out12 = np.zeros((len(months), len(states)))
    if not len(acts):
        return out6, out12
    contacts = acts[acts["act"].isin(CONTACT_ACTS)]
    index = {s: i for i, s in enumerate(states)}
    stamps = months.values.astype("datetime64[D]")
    for row in contacts.itertuples():
        j = index.get(row.actor)
        if j is None:
            continue
        day = np.datetime64(row.day, "D")
        after = stamps > day  # the month starts after the contact became known
        age_days = (stamps - day).astype(int)
        out6[after & (age_days <= 183), j] += 1
        out12[after & (age_days <= 366), j] += 1
    return np.log1p(out6), np.log1p(out12)


def case_rate(world: World, level: int, window: int | None = None) -> np.ndarray:
    """(months,): log of the case's smoothed monthly rate of moves to ``level`` before each month, as
    known then; over the whole case so far, or over the last ``window`` months."""
    known = world.level_known
    risk = (known[:-1] < level) & world.member[:-1]
    moves = risk & (known[1:] >= level)
    rows = np.concatenate([[0], np.cumsum(risk.sum(axis=1))])
    events = np.concatenate([[0], np.cumsum(moves.sum(axis=1))])
    if window is not None:
        rows = rows - np.concatenate([np.zeros(window), rows[:-window]])[: len(rows)]
        events = events - np.concatenate([np.zeros(window), events[:-window]])[: len(events)]
    # a prior of one move in 1,000 state-months, worth 200 state-months of data
    return np.log((events + 0.2) / (rows + 200.0))


def features_at(world: World, t: int, moved: np.ndarray, months_at_level: np.ndarray,
                level: np.ndarray | None = None, rate: float = 0.0, recent: float = 0.0) -> np.ndarray:
    """The covariate matrix (states, FEATURES) at month ``t`` given who has moved (as known then)."""
    member = world.member[t]
    m = moved.astype(float) * member
    world_share = m.sum() / max(member.sum(), 1)
    level = world.level_known[t] if level is None else level
    leader = float(moved[world.leader]) if world.leader is not None else 0.0
    p5_count = (moved & world.p5).sum()
    p5_other = (p5_count - (moved & world.p5).astype(float)) > 0
    columns = {
        "log_months": np.full(len(world.states), np.log1p(t)),
        "border": world.static["border"],
        "same_region": world.static["same_region"],
        "coalition": world.static["coalition"],
        "peer_bloc": world.ties["bloc"] @ m,
        "peer_neighbours": world.ties["neighbours"] @ m,
        "peer_region": world.ties["region"] @ m,
        "peer_world": np.full(len(world.states), world_share),
        "leader_moved": np.full(len(world.states), leader),
        "p5_moved": p5_other.astype(float),
        "level": level / 5.0,
        "log_months_at_level": np.log1p(months_at_level),
        "contact_6": world.contact_6[t],
        "contact_12": world.contact_12[t],
        "case_rate": np.full(len(world.states), rate),
        "recent_rate": np.full(len(world.states), recent),
        "engagement": world.engagement[t] if world.engagement is not None else np.zeros(len(world.states)),
    }
    return np.column_stack([columns[f] for f in FEATURES])


def months_at_level(levels: np.ndarray) -> np.ndarray:
    """(months, states): how many months each state has been at its current level."""
    out = np.zeros(levels.shape, dtype=float)
    for t in range(1, len(levels)):
        same = levels[t] == levels[t - 1]
        out[t] = np.where(same, out[t - 1] + 1, 0)
    return out


def person_months(world: World, level: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training rows: one per state and month at risk (below ``level`` on the month start).

    Returns X (rows, FEATURES), y (reached the level by the next month start),
    the state index of each row and its month index.
    """
    at_level_known = world.level_known >= level
    spell = months_at_level(world.level_known)
    rates = case_rate(world, level)
    recent = case_rate(world, level, 12)
    xs, ys, js, ts = [], [], [], []
    for t in range(len(world.months) - 1):
        risk = (world.level_valid[t] < level) & world.member[t]
        if not risk.any():
            continue
        x = features_at(world, t, at_level_known[t], spell[t], rate=rates[t], recent=recent[t])
        y = world.level_valid[t + 1] >= level
        idx = np.flatnonzero(risk)
        xs.append(x[idx])
        ys.append(y[idx])
        js.append(idx)
        ts.append(np.full(len(idx), t))
    if not xs:
        return np.empty((0, len(FEATURES))), np.empty(0, dtype=bool), np.empty(0, dtype=int), np.empty(0, dtype=int)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(js), np.concatenate(ts)
