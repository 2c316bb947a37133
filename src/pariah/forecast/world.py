"""One case seen month by month, as the forecast model needs it.

Two panels are kept apart. Outcomes use *valid time*: the level a state
really had on each month start. Covariates use *knowledge time*: every act is
re-dated to the day it became public (``known_on``), so a covariate at month
*t* only reflects what an observer could have known at *t*. Ties that change
over time (bloc membership, the coalition's blocs) are read for the year of
each month, never for a later date, so the covariates of a month are the same
whatever date the world is built up to.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import numpy as np
import pandas as pd

from typing import TYPE_CHECKING

from pariah import reference
from pariah.acts import CONTACT_ACTS
from pariah.panels import component_panel, default_as_of
from pariah.measure.index import membership

if TYPE_CHECKING:
    from pariah.case import Case
    from pariah.forecast.alignment import Alignment

BLOCS = ("EU", "NATO", "G7", "G20", "SCO", "BRICS", "CSTO", "CIS", "OIC", "LAS", "GCC", "ASEAN", "AU", "COE")
#: Diffusion within each bloc, one covariate per bloc, so that the fit learns across cases which
#: blocs carry moves (0 for a state outside the bloc).
BLOC_FEATURES = tuple(f"bloc_{b}" for b in BLOCS)
#: Covariates of the hazard model, in order (docs/METHODS.md explains each).
FEATURES = (
    "log_months",       # log(1 + months since the case start)
    "border",           # the state borders the target
    "same_region",      # same UN M49 region as the target
    "shared_blocs",     # log(1 + blocs the state shares with the target)
    "log_distance",     # log(1 + great-circle distance between the capitals, in 1,000 km)
    "coalition",        # a member of the case's coalition
    "peer_bloc",        # share of the state's bloc partners already at the level
    "peer_neighbours",  # share of its land neighbours already at the level
    "peer_region",      # share of its region already at the level
    "peer_world",       # share of all states already at the level
    "recent_bloc",      # share of its bloc partners that reached the level in the last 12 months
    "recent_neighbours",  # share of its neighbours that reached the level in the last 12 months
    "leader_moved",     # the coalition leader is at the level
    "p5_moved",         # any P5 member (other than the state) is at the level
    "level",            # the state's current level / 5
    "hostile",          # the state designates or sanctions the target, or uses force against it
    "log_months_at_level",  # log(1 + months at the current level)
    "log_months_counted",  # log(1 + months since the state began to count in the case: a new state's first years)
    "contact_6",        # log(1 + contact acts in the last 6 months)
    "contact_12",       # log(1 + contact acts in the last 12 months)
    "case_rate",        # log of this case's own monthly rate of moves so far (smoothed)
    "recent_rate",      # the same over the last 12 months only
    "leader_affinity",  # how often the state moved with the coalition leader in the other cases
    "mover_affinity",   # share of the movers among the states it moved with in the other cases
    "engagement",       # event-data engagement with the target last month (0 without event data)
    *BLOC_FEATURES,     # bloc_EU, bloc_NATO, ...: share of its partners in that bloc already at the level
)
#: Covariates that need the other cases (``pariah.forecast.alignment``); 0 without them.
CROSS_FEATURES = ("leader_affinity", "mover_affinity")
#: The covariates used unless asked otherwise, chosen by the leave-one-case-out yardstick
#: (docs/METHODS.md); engagement needs event data a user may not have.
DEFAULT_FEATURES = ("log_months", "border", "same_region", "coalition", "peer_bloc", "peer_neighbours",
                    "peer_region", "peer_world", "leader_moved", "p5_moved", "level", "log_months_at_level",
                    "contact_6", "contact_12", "case_rate", "recent_rate", "leader_affinity", "mover_affinity")
#: Covariates whose coefficients are bounded at 0 or above: a state's move can make its partners'
#: moves more likely, never less (scenarios stay monotone), and a state higher on the ladder is no
#: further from the next step.
PEER_FEATURES = ("peer_bloc", "peer_neighbours", "peer_region", "peer_world", "recent_bloc", "recent_neighbours",
                 "leader_moved", "p5_moved", "mover_affinity", *BLOC_FEATURES)
MONOTONE_FEATURES = PEER_FEATURES + ("level",)


def _row_normalize(m: np.ndarray) -> np.ndarray:
    sums = m.sum(axis=1, keepdims=True)
    return np.divide(m, sums, out=np.zeros_like(m, dtype=float), where=sums > 0)


@dataclasses.dataclass
class World:
    """A case's states, their ties, and monthly panels (see the module doc).

    Tie matrices are 0/1 (``ties``: neighbours, region); ``bloc_ties`` holds one bloc matrix per
    distinct membership of the case's
    years and ``bloc_epoch`` the index of each month's; ``coalition`` and ``shared_blocs`` are
    per month for the same reason.
    """

    case: Case
    states: list[str]
    months: pd.DatetimeIndex
    level_valid: np.ndarray   # (months, states)
    level_known: np.ndarray   # (months, states)
    hostile_known: np.ndarray  # (months, states)
    contact_6: np.ndarray
    contact_12: np.ndarray
    member: np.ndarray        # (months, states): counts on that month
    static: dict[str, np.ndarray]  # (states,): border, same_region
    coalition: np.ndarray     # (months, states)
    shared_blocs: np.ndarray  # (months, states)
    bloc_ties: list[np.ndarray]
    bloc_epoch: np.ndarray    # (months,)
    bloc_members: list[np.ndarray]  # per epoch (states, BLOCS): 0/1 membership
    ties: dict[str, np.ndarray]  # 0/1 (states, states): neighbours, region
    p5: np.ndarray
    leader: int | None
    engagement: np.ndarray | None = None  # (months, states)
    alignment: Alignment | None = None
    _totals: dict[str, np.ndarray] = dataclasses.field(default_factory=dict, repr=False)

    @property
    def target(self) -> str:
        return self.case.target

    def totals(self, name: str) -> np.ndarray:
        """(months, states): how many partners of each kind (bloc, neighbours, region) each state has
        among the states counted that month."""
        if name not in self._totals:
            counted = self.member.astype(np.float32)
            if name == "bloc":
                out = np.zeros(counted.shape, dtype=np.float32)
                for e, ties in enumerate(self.bloc_ties):
                    rows = self.bloc_epoch == e
                    out[rows] = counted[rows] @ ties.T
            else:
                out = counted @ self.ties[name].T
            self._totals[name] = out
        return self._totals[name]

    def ties_at(self, t: int) -> dict[str, np.ndarray]:
        """The 0/1 tie matrices of month ``t``: bloc, neighbours, region."""
        return {"bloc": self.bloc_ties[self.bloc_epoch[t]], **self.ties}


@functools.cache
def _bloc_rows(code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A bloc's member codes, joining and leaving years (missing as -inf / +inf)."""
    table = reference.blocs()
    rows = table[table["bloc"] == code]
    joined = rows["joined"].astype("Float64").fillna(-np.inf).to_numpy(dtype=float)
    left = rows["left"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    return rows["iso3"].to_numpy(dtype=str), joined, left


@functools.cache
def members(code: str, year: int) -> frozenset[str]:
    """A bloc's members in ``year`` (as ``reference.bloc_members`` on a date of that year)."""
    iso3, joined, left = _bloc_rows(code)
    return frozenset(iso3[(joined <= year) & (left > year)])


def bloc_matrix(codes: list[str], year: int) -> np.ndarray:
    """(codes, BLOCS): whether each code belongs to each bloc in ``year``."""
    index = {s: i for i, s in enumerate(codes)}
    out = np.zeros((len(codes), len(BLOCS)))
    for b, code in enumerate(BLOCS):
        rows = [index[s] for s in members(code, year) if s in index]
        out[rows, b] = 1.0
    return out


def coalition_members(case: Case, year: int) -> set[str]:
    """The case's coalition in ``year``: its named states plus the members of its named blocs."""
    blocs = set(reference.bloc_codes())
    out: set[str] = set()
    for item in case.coalition:
        if item in blocs:
            out |= members(item, year)
        elif reference.is_state(item):
            out.add(item)
    out.discard(case.target)
    return out


#: Earth's mean radius in km.
EARTH_RADIUS_KM = 6371.0


def capital_distance(table: pd.DataFrame, states: list[str], target: str) -> np.ndarray:
    """Great-circle distance in km from each state's capital to the target's (haversine); a state
    or target without coordinates gets the median distance of the others (0 if none has any)."""
    coords = table.reindex([*states, target])[["capital_lat", "capital_lon"]].to_numpy(dtype=float)
    lat, lon = np.radians(coords[:-1, 0]), np.radians(coords[:-1, 1])
    lat0, lon0 = np.radians(coords[-1])
    h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat) * np.cos(lat0) * np.sin((lon - lon0) / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    known = np.isfinite(km)
    return np.where(known, km, np.median(km[known]) if known.any() else 0.0)


def ties_for(states: list[str], target: str) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Static covariates (border, same region, distance between capitals), the static tie matrices
    (neighbours, region) and the P5 mask for a list of states."""
    table = reference.states()
    n = len(states)
    index = {s: i for i, s in enumerate(states)}
    target_row = table.loc[target] if target in table.index else None
    neighbours_of_target = set(target_row["neighbours"]) if target_row is not None else set()
    region = [table.at[s, "region"] if s in table.index else None for s in states]
    static = {
        "border": np.array([s in neighbours_of_target for s in states], dtype=float),
        "same_region": np.array([target_row is not None and r == target_row["region"] for r in region], dtype=float),
        "log_distance": np.log1p(capital_distance(table, states, target) / 1000.0),
    }
    nb = np.zeros((n, n))
    for s, i in index.items():
        if s in table.index:
            for other in table.at[s, "neighbours"]:
                if other in index:
                    nb[i, index[other]] = 1
    codes = np.array([r if r is not None else "" for r in region])
    same = ((codes[:, None] == codes[None, :]) & (codes[:, None] != "")).astype(float)
    np.fill_diagonal(same, 0)
    ties = {"neighbours": nb.astype(np.float32), "region": same.astype(np.float32)}
    p5 = np.isin(states, reference.bloc_members("P5"))
    return static, ties, p5


def _yearly(case: Case, states: list[str], months: pd.DatetimeIndex):
    """Per month: the bloc-tie epoch, coalition membership and the blocs shared with the target,
    each read for the month's year."""
    years = months.year.to_numpy()
    distinct = sorted(set(years))
    index = {s: i for i, s in enumerate(states)}
    ties: list[np.ndarray] = []
    matrices: list[np.ndarray] = []
    keys: dict[bytes, int] = {}
    epoch_of, coalition_of, shared_of = {}, {}, {}
    for y in distinct:
        m = bloc_matrix(states, y)
        key = m.tobytes()
        if key not in keys:
            together = (m @ m.T > 0).astype(np.float32)
            np.fill_diagonal(together, 0)
            keys[key] = len(ties)
            ties.append(together)
            matrices.append(m.astype(np.float32))
        epoch_of[y] = keys[key]
        # the coalition as the case defines it; statements of nonrecognition are often hedges
        # ("not yet") by states already engaging, so they do not make a state a member here
        coalition = np.zeros(len(states))
        coalition[[index[s] for s in coalition_members(case, int(y)) if s in index]] = 1.0
        coalition_of[y] = coalition
        shared_of[y] = np.log1p(m @ bloc_matrix([case.target], y)[0])
    coalition = np.array([coalition_of[y] for y in years])
    return (ties, np.array([epoch_of[y] for y in years], dtype=np.int32), matrices, coalition,
            np.array([shared_of[y] for y in years]))


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
    static, ties, p5 = ties_for(states, case.target)
    bloc_ties, epoch, bloc_members, coalition, shared = _yearly(case, states, months)
    leader = states.index(case.coalition_leader) if case.coalition_leader in states else None
    return World(case, states, months, valid.field("level").astype(np.int8), known.field("level").astype(np.int8),
                 known.field("hostile").astype(bool), contact_6, contact_12, counted(case, valid, known_acts), static,
                 coalition, shared, bloc_ties, epoch, bloc_members, ties, p5, leader,
                 _engagement_matrix(engagement, states, months))


def counted(case: Case, valid, known_acts: pd.DataFrame) -> np.ndarray:
    """(months, states): whether each state counts on each month start: UN members from their
    joining year (``measure.index.membership``); a state outside the UN (a former or unrecognized
    state) from its case's start when the case's ``initial`` names it, else from the month after
    its first act became known, so that what counts on a month never depends on a later act."""
    member = membership(valid).astype(bool)
    table = reference.states().reindex(valid.states)
    outside = ~table["un_member"].fillna(False).to_numpy(dtype=bool)
    initial = set(case.initial_states())
    stamps = valid.dates.values.astype("datetime64[D]")
    first = known_acts.groupby("actor")["day"].min() if len(known_acts) else pd.Series(dtype=object)
    for j in np.flatnonzero(outside):
        state = valid.states[j]
        if state in initial:
            continue
        day = first.get(state)
        member[:, j] &= False if day is None else stamps > np.datetime64(day, "D")
    return member


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


def features(world: World, ts: np.ndarray, moved: np.ndarray, spell: np.ndarray, *, rate: np.ndarray,
             recent: np.ndarray, level: np.ndarray | None = None, recent_moved: np.ndarray | None = None,
             months: np.ndarray | None = None) -> np.ndarray:
    """The covariates (len(ts), states, FEATURES) at months ``ts`` given who has moved (as known then).

    ``moved``, ``spell`` (months at the current level), ``level`` and ``recent_moved`` (reached the
    level in the last 12 months) are (len(ts), states); ``rate`` and ``recent`` (len(ts),);
    ``months`` the case clock (default ``ts``).
    """
    ts = np.asarray(ts)
    k, n = len(ts), len(world.states)
    member = world.member[ts]
    m = moved.astype(np.float32) * member
    share = m.sum(axis=1) / np.maximum(member.sum(axis=1), 1)
    level = world.level_known[ts] if level is None else level
    recent_m = (np.zeros_like(m) if recent_moved is None else recent_moved.astype(np.float32) * member)
    def shares(values: np.ndarray, ties: np.ndarray, name: str, rows=slice(None)) -> np.ndarray:
        # the share of a state's partners counted that month that are in ``values``
        total = world.totals(name)[ts[rows]]
        return np.divide(values @ ties.T, total, out=np.zeros_like(total), where=total > 0)

    bloc = np.empty((k, n))
    recent_bloc = np.empty((k, n))
    per_bloc = np.zeros((k, n, len(BLOCS)))
    epochs = world.bloc_epoch[ts]
    for e in np.unique(epochs):
        rows = epochs == e
        ties = world.bloc_ties[e]
        bloc[rows] = shares(m[rows], ties, "bloc", rows)
        recent_bloc[rows] = shares(recent_m[rows], ties, "bloc", rows)
        # within each bloc: its other members at the level over its other members counted
        M = world.bloc_members[e]
        at, count = m[rows] @ M, member[rows].astype(np.float32) @ M
        others_at = at[:, None, :] - m[rows][:, :, None] * M[None]
        others = count[:, None, :] - member[rows][:, :, None] * M[None]
        per_bloc[rows] = M[None] * np.divide(others_at, others, out=np.zeros_like(others_at), where=others > 0)
    leader = m[:, world.leader] if world.leader is not None else np.zeros(k)
    p5_moved = moved & world.p5 & member
    p5_other = (p5_moved.sum(axis=1, keepdims=True) - p5_moved) > 0
    clock = ts if months is None else months
    # months since each state began to count (its UN entry, or its first known act, or the case start)
    first = np.where(world.member.any(axis=0), world.member.argmax(axis=0), len(world.member))
    counted_for = np.where(member, np.asarray(ts)[:, None] - first[None, :], 0)
    out = np.empty((k, n, len(FEATURES)))
    columns = {
        "log_months": np.log1p(clock)[:, None],
        "border": world.static["border"][None, :],
        "same_region": world.static["same_region"][None, :],
        "log_distance": world.static["log_distance"][None, :],
        "shared_blocs": world.shared_blocs[ts],
        "coalition": world.coalition[ts],
        "peer_bloc": bloc,
        "peer_neighbours": shares(m, world.ties["neighbours"], "neighbours"),
        "peer_region": shares(m, world.ties["region"], "region"),
        "peer_world": share[:, None],
        "recent_bloc": recent_bloc,
        "recent_neighbours": shares(recent_m, world.ties["neighbours"], "neighbours"),
        "leader_moved": leader[:, None],
        "p5_moved": p5_other,
        "level": level / 5.0,
        "hostile": world.hostile_known[ts],
        "log_months_at_level": np.log1p(spell),
        "log_months_counted": np.log1p(np.maximum(counted_for, 0)),
        "contact_6": world.contact_6[ts],
        "contact_12": world.contact_12[ts],
        "case_rate": np.asarray(rate)[:, None],
        "recent_rate": np.asarray(recent)[:, None],
        "engagement": world.engagement[ts] if world.engagement is not None else 0.0,
    }
    for i, name in enumerate(FEATURES):
        value = columns.get(name)
        out[:, :, i] = 0.0 if value is None else value
    if world.alignment is not None:
        leader_aff, mover_aff = world.alignment.covariates(world, ts, m)
        out[:, :, FEATURES.index("leader_affinity")] = leader_aff
        out[:, :, FEATURES.index("mover_affinity")] = mover_aff
    column = FEATURES.index(BLOC_FEATURES[0])
    out[:, :, column:column + len(BLOCS)] = per_bloc
    return out


def features_at(world: World, t: int, moved: np.ndarray, months_at_level: np.ndarray,
                level: np.ndarray | None = None, rate: float = 0.0, recent: float = 0.0,
                recent_moved: np.ndarray | None = None) -> np.ndarray:
    """The covariate matrix (states, FEATURES) at month ``t`` given who has moved (as known then)."""
    return features(world, np.array([t]), moved[None, :], months_at_level[None, :], rate=np.array([rate]),
                    recent=np.array([recent]), level=None if level is None else level[None, :],
                    recent_moved=None if recent_moved is None else recent_moved[None, :])[0]


def months_at_level(levels: np.ndarray) -> np.ndarray:
    """(months, states): how many months each state has been at its current level."""
    out = np.zeros(levels.shape, dtype=float)
    for t in range(1, len(levels)):
        same = levels[t] == levels[t - 1]
        out[t] = np.where(same, out[t - 1] + 1, 0)
    return out


def recently_moved(world: World, level: int, window: int = 12) -> np.ndarray:
    """(months, states): reached ``level`` (as known) within the last ``window`` months."""
    moved = world.level_known >= level
    before = np.zeros_like(moved)
    before[window:] = moved[:-window]
    return moved & ~before & (np.arange(len(moved)) >= 1)[:, None]


def state_of_world(world: World, level: int) -> dict[str, np.ndarray]:
    """Everything the covariates of every month need beside the world: who has moved (as known),
    months at the current level, recent movers and the case's rates."""
    return {"moved": world.level_known >= level, "spell": months_at_level(world.level_known),
            "recent_moved": recently_moved(world, level), "rate": case_rate(world, level),
            "recent": case_rate(world, level, 12)}


def person_months(world: World, level: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training rows: one per state and month at risk (below ``level`` on the month start).

    Returns X (rows, FEATURES), y (reached the level by the next month start),
    the state index of each row and its month index.
    """
    T = len(world.months) - 1
    if T <= 0:
        return np.empty((0, len(FEATURES))), np.empty(0, dtype=bool), np.empty(0, dtype=int), np.empty(0, dtype=int)
    risk = (world.level_valid[:T] < level) & world.member[:T]
    ts, js = np.nonzero(risk)
    if not len(ts):
        return np.empty((0, len(FEATURES))), np.empty(0, dtype=bool), np.empty(0, dtype=int), np.empty(0, dtype=int)
    s = state_of_world(world, level)
    months = np.unique(ts)
    X = features(world, months, s["moved"][months], s["spell"][months], rate=s["rate"][months],
                 recent=s["recent"][months], recent_moved=s["recent_moved"][months])
    position = np.searchsorted(months, ts)
    y = world.level_valid[ts + 1, js] >= level
    return X[position, js], y, js, ts
