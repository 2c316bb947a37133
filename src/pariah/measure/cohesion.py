"""Coalition cohesion, defections and the black-knight roster.

The coalition on a date is the case's ``coalition`` (named states and the
members of named blocs on that date) plus every state that has declared it
will not recognize the target (``declare_nonrecognition``) by then.

A member *holds* while it keeps the target at arm's length:
- for a state that starts with no relations, while it stays at ``engaged``
  or below;
- for a state that starts with relations (Russia 2022, Syria 2011), while it
  keeps at least one isolating measure against its starting point: a
  sanction or designation, or a mission (own or hosted) below where it
  started, or recognition withdrawn.
A member *defects* when it stops holding. A black knight is a state outside
the coalition that supplies what the coalition withholds: at ``missions`` or
above (no-relations start), or in contact within 12 months and not hostile
(relations start).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pariah import reference
from pariah.case import Case
from pariah.dates import DateLike
from pariah.dates import to_date
from pariah.ladder import Level, sort_steps
from pariah.panels import Panel, component_panel, frame_steps as _frame_steps
from pariah.measure.index import membership
from pariah.measure.weights import Weights, scheme_name, weight_vector

_F = {name: i for i, name in enumerate(("level", "recognition", "mission", "hosted", "hostile", "contact"))}


def _relative(panel: Panel) -> np.ndarray:
    """Whether each state starts with relations."""
    init = panel.initial
    return (init[:, _F["recognition"]] + init[:, _F["mission"]] + init[:, _F["hosted"]]) > 0


def holding(panel: Panel) -> np.ndarray:
    """(dates, states): whether the dyad keeps the target at arm's length (see the module doc)."""
    level = panel.field("level")
    absolute = level <= int(Level.ENGAGED)
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


def coalition_mask(case, acts, panel: Panel) -> np.ndarray:
    """(dates, states): coalition membership on each date."""
    index = {s: j for j, s in enumerate(panel.states)}
    mask = np.zeros((len(panel.dates), len(panel.states)), dtype=bool)
    years = sorted(set(panel.dates.year))
    for year in years:
        rows = panel.dates.year == year
        for s in case.coalition_members(dt.date(year, 12, 31)):
            if s in index:
                mask[rows, index[s]] = True
    if len(acts):
        declared = acts[acts["act"] == "declare_nonrecognition"]
        for row in declared.itertuples():
            if row.actor in index:
                mask[np.asarray(panel.dates.date) >= row.day, index[row.actor]] = True
    return mask


def cohesion(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
             freq: str = "month", weights: Weights = "equal", known_on: DateLike = None,
             panel: Panel | None = None) -> pd.DataFrame:
    """Per period: the weighted share of coalition members still holding.

    Rows: ``date, cohesion, members, holding, defected, black_knights, scheme``.

    >>> cohesion(case, ledger.acts("taliban-2021"), "2024-01-01", "2024-01-01")  # doctest: +SKIP
    """
    panel = panel or component_panel(case, acts, start=to_date(start), end=to_date(end), freq=freq,
                                     known_on=to_date(known_on))
    member = coalition_mask(case, acts, panel) & membership(panel).astype(bool)
    hold = holding(panel)
    scheme = scheme_name(weights)
    w = weight_vector(weights, panel.states, case.target)[None, :]
    total = (member * w).sum(axis=1)
    kept = (member & hold) * w
    knights = ~member & supplying(panel) & membership(panel).astype(bool)
    return pd.DataFrame({
        "date": panel.dates.date,
        "cohesion": np.divide(kept.sum(axis=1), total, out=np.ones(len(total)), where=total > 0),
        "members": member.sum(axis=1),
        "holding": (member & hold).sum(axis=1),
        "defected": (member & ~hold).sum(axis=1),
        "black_knights": knights.sum(axis=1),
        "scheme": scheme,
    })


def defections(case: Case, acts: pd.DataFrame, *, as_of: DateLike = None, known_on: DateLike = None) -> pd.DataFrame:
    """Coalition members that stopped holding, each with the date, the act that did it and its source.

    Rows: ``state, name, date, act, level, level_name, description, source``, by date.

    >>> defections(case, ledger.acts("taliban-2021"), "2025-12-31").head(3)  # doctest: +SKIP
    """
    known_on = to_date(known_on)
    panel = component_panel(case, acts, end=to_date(as_of), freq="day", known_on=known_on)
    member = coalition_mask(case, acts, panel)
    hold = holding(panel)
    level = panel.field("level")
    chosen = acts if known_on is None else acts[[k <= known_on for k in acts["known_on"]]]
    steps = _frame_steps(chosen)
    rows = []
    for j, state in enumerate(panel.states):
        broke = np.flatnonzero(member[:, j] & ~hold[:, j])
        if not len(broke):
            continue
        t = broke[0]
        day = panel.dates[t].date()
        # the act that moved the dyad, not the statement that made the state a member
        step = next((s for s in reversed(sort_steps(steps.get(state, [])))
                     if s.on <= day and s.act not in ("declare_nonrecognition", "other")), None)
        rows.append({
            "state": state, "name": reference.name(state), "date": day,
            "act": step.act if step else "", "level": int(level[t, j]), "level_name": Level(int(level[t, j])).label,
            "description": step.description if step else "", "source": step.source if step else "",
        })
    columns = ["state", "name", "date", "act", "level", "level_name", "description", "source"]
    return pd.DataFrame(rows, columns=columns).sort_values(["date", "state"], kind="stable").reset_index(drop=True)


def black_knights(case: Case, acts: pd.DataFrame, *, as_of: DateLike = None, weights: Weights = "equal",
                  known_on: DateLike = None) -> pd.DataFrame:
    """States outside the coalition that supply what it withholds, on ``as_of``, with their weight.

    Rows: ``state, name, level, level_name, weight, scheme``, heaviest first.

    >>> black_knights(case, ledger.acts("taliban-2021"), "2024-02-01").head(3)  # doctest: +SKIP
    """
    from pariah.panels import default_as_of

    day = to_date(as_of) or default_as_of(case)
    panel = component_panel(case, acts, start=day, end=day, freq="day", known_on=to_date(known_on))
    member = coalition_mask(case, acts, panel)[-1]
    supply = supplying(panel)[-1] & membership(panel)[-1].astype(bool)
    scheme = scheme_name(weights)
    w = weight_vector(weights, panel.states, case.target)
    level = panel.field("level")[-1]
    rows = [{"state": s, "name": reference.name(s), "level": int(level[j]), "level_name": Level(int(level[j])).label,
             "weight": float(w[j]), "scheme": scheme}
            for j, s in enumerate(panel.states) if supply[j] and not member[j]]
    columns = ["state", "name", "level", "level_name", "weight", "scheme"]
    return pd.DataFrame(rows, columns=columns).sort_values(["weight", "level", "state"], ascending=[False, False, True],
                                                           kind="stable").reset_index(drop=True)
