"""Coalition cohesion, defections and the black-knight roster, in two tiers.

The **core** coalition on a date is the case's ``coalition``: the named
states and the members of named blocs on that date, the states whose
withholding is the policy. The **consensus** is the wider set of states that
declared they would not recognize the target (``declare_nonrecognition``),
each from the day of its first declaration.

A member *holds* while it keeps the target at arm's length:
- for a state that starts with no relations, while it stays at ``engaged``
  or below; a consensus member that already stood higher on the day it
  declared holds while it goes no higher than it stood then;
- for a state that starts with relations (Russia 2022, Syria 2011), while it
  keeps at least one isolating measure against its starting point: a
  sanction or designation, or a mission (own or hosted) below where it
  started, or recognition withdrawn.
A member that has held since it joined a tier *defects* from that tier when
it stops holding; a member that has not yet taken any measure (a state with
full relations on the first day of a relations case) is neither holding nor a
defector. Cohesion is the weighted share of those members that hold.

A black knight is a state outside the core that supplies what the core
withholds: at ``missions`` or above (no-relations start), or in contact
within 12 months and not hostile (relations start); each is marked as a
consensus member or not.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pariah import reference
from pariah.case import Case
from pariah.dates import DateLike
from pariah.dates import to_date
from pariah.ladder import Level, level_series, sort_steps
from pariah.panels import Panel, component_panel, frame_steps as _frame_steps
from pariah.measure.index import membership
from pariah.measure.weights import Weights, scheme_name, weight_vector

_F = {name: i for i, name in enumerate(("level", "recognition", "mission", "hosted", "hostile", "contact"))}

#: The two tiers of a coalition, in the order every table lists them.
TIERS = ("core", "consensus")


def _relative(panel: Panel) -> np.ndarray:
    """Whether each state starts with relations."""
    init = panel.initial
    return (init[:, _F["recognition"]] + init[:, _F["mission"]] + init[:, _F["hosted"]]) > 0


def holding(panel: Panel, ceiling: np.ndarray | None = None) -> np.ndarray:
    """(dates, states): whether the dyad keeps the target at arm's length (see the module doc).

    ``ceiling`` (per state) is the highest level at which a no-relations dyad still holds;
    ``engaged`` when not given."""
    level = panel.field("level")
    top = np.full(len(panel.states), int(Level.ENGAGED)) if ceiling is None else ceiling
    absolute = level <= top[None, :]
    init = panel.initial
    measures = (panel.field("hostile").astype(bool)
                | (panel.field("mission") < init[None, :, _F["mission"]])
                | (panel.field("hosted") < init[None, :, _F["hosted"]])
                | (panel.field("recognition") < init[None, :, _F["recognition"]]))
    return np.where(_relative(panel)[None, :], measures, absolute)


def supplying(panel: Panel) -> np.ndarray:
    """(dates, states): whether the dyad supplies what a coalition withholds (a black knight if outside it)."""
    level = panel.field("level")
    absolute = level >= int(Level.MISSIONS)
    relative = panel.field("contact").astype(bool) & ~panel.field("hostile").astype(bool)
    return np.where(_relative(panel)[None, :], relative, absolute)


def core_mask(case: Case, panel: Panel) -> np.ndarray:
    """(dates, states): membership of the core coalition on each date (blocs as they stood that year)."""
    index = {s: j for j, s in enumerate(panel.states)}
    mask = np.zeros((len(panel.dates), len(panel.states)), dtype=bool)
    for year in sorted(set(panel.dates.year)):
        rows = panel.dates.year == year
        for s in case.coalition_members(dt.date(year, 12, 31)):
            if s in index:
                mask[rows, index[s]] = True
    return mask


def declarations(acts: pd.DataFrame) -> pd.DataFrame:
    """Each actor's first ``declare_nonrecognition`` act: the act that put it in the consensus."""
    declared = acts[acts["act"] == "declare_nonrecognition"] if len(acts) else acts
    return declared.sort_values(["day", "act_id"], kind="stable").drop_duplicates("actor").set_index("actor")


def consensus_mask(acts: pd.DataFrame, panel: Panel) -> np.ndarray:
    """(dates, states): membership of the consensus on each date (from each state's first declaration)."""
    mask = np.zeros((len(panel.dates), len(panel.states)), dtype=bool)
    days = np.asarray(panel.dates.date)
    first = declarations(acts)
    for j, state in enumerate(panel.states):
        if state in first.index:
            mask[days >= first.at[state, "day"], j] = True
    return mask


def _consensus_ceiling(case: Case, acts: pd.DataFrame, panel: Panel, known_on: dt.date | None) -> np.ndarray:
    """Per state: ``engaged``, or the level it stood at on the day it declared when that was higher."""
    ceiling = np.full(len(panel.states), int(Level.ENGAGED))
    first = declarations(acts)
    if not len(first):
        return ceiling
    chosen = acts if known_on is None else acts[[k <= known_on for k in acts["known_on"]]]
    steps = _frame_steps(chosen)
    for j, state in enumerate(panel.states):
        if state in first.index:
            day = np.array([first.at[state, "day"]], dtype="datetime64[D]")
            stood = level_series(case.initial_components(state), sort_steps(steps.get(state, [])), case.start, day)[0]
            ceiling[j] = max(int(stood), int(Level.ENGAGED))
    return ceiling


def _change_days(case: Case, acts: pd.DataFrame, end: dt.date) -> list[dt.date]:
    """Every day from the case start to ``end`` on which a dyad, a tier or the states counted can
    change: the start, each act's day, each contact's lapse 12 months on, and each 1 January."""
    from pariah.acts import CONTACT_ACTS
    from pariah.dates import add_months
    from pariah.ladder import CONTACT_MONTHS

    days = {case.start, end, *(dt.date(y, 1, 1) for y in range(case.start.year + 1, end.year + 1))}
    for day, act in zip(acts["day"], acts["act"]):
        days.add(day)
        if act in CONTACT_ACTS:
            days.add(add_months(day, CONTACT_MONTHS))
    return sorted(d for d in days if case.start <= d <= end)


def _masks(case: Case, acts: pd.DataFrame, panel: Panel, known_on: dt.date | None) -> tuple[dict, dict, np.ndarray]:
    counted = membership(panel).astype(bool)
    member = {"core": core_mask(case, panel) & counted, "consensus": consensus_mask(acts, panel) & counted}
    hold = {"core": holding(panel), "consensus": holding(panel, _consensus_ceiling(case, acts, panel, known_on))}
    return member, hold, counted


class Tiers:
    """Membership, holding and defection of both tiers over one panel.

    Whether a member has held since it joined is read on every day its dyad or its tiers could
    change from the case start on, so a panel of one date knows the history before it."""

    def __init__(self, case: Case, acts: pd.DataFrame, panel: Panel, known_on: dt.date | None = None):
        self.member, self.hold, counted = _masks(case, acts, panel, known_on)
        end = panel.dates[-1].date()
        chosen = acts if known_on is None or not len(acts) else acts[[k <= known_on for k in acts["known_on"]]]
        days = _change_days(case, chosen[chosen["day"] <= end] if len(chosen) else chosen, end) or [case.start]
        history = component_panel(case, acts, dates=days, known_on=known_on)
        h_member, h_hold, _ = _masks(case, acts, history, known_on)
        index = {s: j for j, s in enumerate(history.states)}
        when = np.asarray(panel.dates.values.astype("datetime64[D]"))
        self.defected = {}
        for tier in TIERS:
            held = h_member[tier] & h_hold[tier]
            first = np.full(len(panel.states), np.datetime64("9999-12-31"), dtype="datetime64[D]")
            for j, s in enumerate(panel.states):
                k = index.get(s)
                if k is not None and held[:, k].any():
                    first[j] = history.dates.values.astype("datetime64[D]")[np.argmax(held[:, k])]
            ever = when[:, None] >= first[None, :]
            self.defected[tier] = self.member[tier] & ever & ~self.hold[tier]
        self.knights = ~self.member["core"] & supplying(panel) & counted


def cohesion(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
             freq: str = "month", weights: Weights = "equal", known_on: DateLike = None,
             panel: Panel | None = None) -> pd.DataFrame:
    """Per period and tier: the weighted share of members that hold among those that held or defected.

    Rows: ``date, tier, cohesion, members, holding, defected, black_knights, scheme``, the core
    row before the consensus row of each date (``members`` counts every member of the tier;
    those neither holding nor defected have taken no measure yet; ``black_knights`` counts the
    states outside the core that supply what it withholds, the same on both rows).

    >>> import pariah
    >>> ledger = pariah.Ledger("sqlite://")
    >>> rows = cohesion(ledger.case("taliban-2021"), ledger.acts("taliban-2021"), start="2024-01-01", end="2024-01-01")
    >>> list(rows["tier"])
    ['core', 'consensus']
    """
    known_on = to_date(known_on)
    panel = panel or component_panel(case, acts, start=to_date(start), end=to_date(end), freq=freq, known_on=known_on)
    tiers = Tiers(case, acts, panel, known_on)
    w = weight_vector(weights, panel.states, case.target)[None, :]
    frames = []
    for tier in TIERS:
        held = tiers.member[tier] & tiers.hold[tier]
        kept, broke = (held * w).sum(axis=1), (tiers.defected[tier] * w).sum(axis=1)
        total = kept + broke
        frames.append(pd.DataFrame({
            "date": panel.dates.date, "tier": tier,
            "cohesion": np.divide(kept, total, out=np.ones(len(total)), where=total > 0),
            "members": tiers.member[tier].sum(axis=1), "holding": held.sum(axis=1),
            "defected": tiers.defected[tier].sum(axis=1), "black_knights": tiers.knights.sum(axis=1),
            "scheme": scheme_name(weights),
        }))
    out = pd.concat(frames, ignore_index=True)
    out["order"] = out["tier"].map(TIERS.index)
    return out.sort_values(["date", "order"], kind="stable").drop(columns="order").reset_index(drop=True)


def defections(case: Case, acts: pd.DataFrame, *, as_of: DateLike = None, known_on: DateLike = None) -> pd.DataFrame:
    """Members of each tier that stopped holding, each with the date, the act that did it and its source.

    Rows: ``state, name, tier, date, act, level, level_name, description, source``, by date; a
    state in both tiers has a row for each tier it left.

    >>> import pariah
    >>> ledger = pariah.Ledger("sqlite://")
    >>> rows = defections(ledger.case("taliban-2021"), ledger.acts("taliban-2021"), as_of="2025-12-31")
    >>> sorted(set(rows["tier"])) == ["consensus", "core"] or sorted(set(rows["tier"]))
    True
    """
    known_on = to_date(known_on)
    panel = component_panel(case, acts, end=to_date(as_of), freq="day", known_on=known_on)
    tiers = Tiers(case, acts, panel, known_on)
    level = panel.field("level")
    chosen = acts if known_on is None else acts[[k <= known_on for k in acts["known_on"]]]
    steps = _frame_steps(chosen)
    rows = []
    for tier in TIERS:
        for j, state in enumerate(panel.states):
            broke = np.flatnonzero(tiers.defected[tier][:, j])
            if not len(broke):
                continue
            t = broke[0]
            day = panel.dates[t].date()
            # the act that moved the dyad, not the statement that made the state a member
            step = next((s for s in reversed(sort_steps(steps.get(state, [])))
                         if s.on <= day and s.act not in ("declare_nonrecognition", "other")), None)
            rows.append({
                "state": state, "name": reference.name(state), "tier": tier, "date": day,
                "act": step.act if step else "", "level": int(level[t, j]), "level_name": Level(int(level[t, j])).label,
                "description": step.description if step else "", "source": step.source if step else "",
            })
    columns = ["state", "name", "tier", "date", "act", "level", "level_name", "description", "source"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["order"] = frame["tier"].map(TIERS.index)
    return frame.sort_values(["date", "order", "state"], kind="stable").drop(columns="order").reset_index(drop=True)


def black_knights(case: Case, acts: pd.DataFrame, *, as_of: DateLike = None, weights: Weights = "equal",
                  known_on: DateLike = None) -> pd.DataFrame:
    """States outside the core that supply what it withholds, on ``as_of``, with their weight.

    Rows: ``state, name, tier, consensus, level, level_name, weight, scheme``, heaviest first;
    ``tier`` is ``consensus`` for a state that declared it would not recognize (``consensus``
    true) and ``outside`` otherwise.

    >>> import pariah
    >>> ledger = pariah.Ledger("sqlite://")
    >>> knights = black_knights(ledger.case("taliban-2021"), ledger.acts("taliban-2021"), as_of="2025-12-31")
    >>> "USA" in set(knights["state"]), "CHN" in set(knights["state"])
    (False, True)
    """
    from pariah.panels import default_as_of

    day = to_date(as_of) or default_as_of(case)
    known_on = to_date(known_on)
    panel = component_panel(case, acts, start=day, end=day, freq="day", known_on=known_on)
    tiers = Tiers(case, acts, panel, known_on)
    knights, consensus = tiers.knights[-1], tiers.member["consensus"][-1]
    scheme = scheme_name(weights)
    w = weight_vector(weights, panel.states, case.target)
    level = panel.field("level")[-1]
    rows = [{"state": s, "name": reference.name(s), "tier": "consensus" if consensus[j] else "outside",
             "consensus": bool(consensus[j]), "level": int(level[j]), "level_name": Level(int(level[j])).label,
             "weight": float(w[j]), "scheme": scheme}
            for j, s in enumerate(panel.states) if knights[j]]
    columns = ["state", "name", "tier", "consensus", "level", "level_name", "weight", "scheme"]
    return pd.DataFrame(rows, columns=columns).sort_values(["weight", "level", "state"], ascending=[False, False, True],
                                                           kind="stable").reset_index(drop=True)
