"""The ladder over a case: every state's dyad with the target on a date (``status_frame``), and on
every date of a period (``component_panel``, ``panel_frame``).

A case counts, on each date, the UN members of that year plus the states named
in its acts or its ``initial``, less the target (``universe``). The acts of an
organization whose sanctions bind its members (the EU's) are also acts of each
member on the act's date.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from pariah import reference
from pariah.acts import HOSTILE_ACTS
from pariah.dates import DateLike, date_grid, to_date
from pariah.ladder import PANEL_FIELDS, Components, Step, component_series, dyad_as_of, point, sort_steps

if TYPE_CHECKING:
    import pandas as pd

    from pariah.case import Case


#: Organizations whose sanctions and designations bind their member states (the EU's
#: restrictive measures do); the UN Security Council's bind every state alike and are kept
#: as the organization's own acts, since they would not tell one state from another.
BINDING = {"EU": "EU"}


def frame_steps(acts: pd.DataFrame) -> dict[str, list[Step]]:
    """Current acts (a ``Ledger.acts`` frame) -> sorted steps per actor (binding organization acts
    are also steps of each state that is a member on the act's date)."""
    out: dict[str, list[Step]] = {}
    for row in acts.itertuples(index=False):
        step = Step(row.day, row.act, row.act_id, row.date, row.description, row.source)
        out.setdefault(row.actor, []).append(step)
        if row.actor in BINDING and row.act in HOSTILE_ACTS:
            for member in reference.bloc_members(BINDING[row.actor], row.day):
                out.setdefault(member, []).append(step)
    return {actor: sort_steps(steps) for actor, steps in out.items()}


def universe(case: Case, acts: pd.DataFrame, on: dt.date) -> list[str]:
    """The states a case counts on a date: UN members then, plus the non-member
    states that appear in its acts or its ``initial``, less the target."""
    states = set(reference.un_members(on))
    named = set(acts["actor"]) if len(acts) else set()
    named |= set(case.initial_states())
    states |= {s for s in named if reference.is_state(s)}
    states.discard(case.target)
    return sorted(states)


def select_acts(acts: pd.DataFrame, as_of: dt.date | None, known_on: dt.date | None) -> pd.DataFrame:
    if len(acts) == 0:
        return acts
    mask = np.ones(len(acts), dtype=bool)
    if as_of is not None:
        mask &= np.array([d <= as_of for d in acts["day"]])
    if known_on is not None:
        mask &= np.array([k <= known_on for k in acts["known_on"]])
    return acts[mask]


def check_as_of(case: Case, day: dt.date) -> dt.date:
    """``day`` itself, when it lies between the case's start and today; else ``DateOutsideCase``."""
    from pariah.exceptions import DateOutsideCase

    if day < case.start:
        raise DateOutsideCase(f"as of {day} is before the start of {case.id} ({case.start}): give a date from {case.start} on")
    today = dt.date.today()
    if day > today:
        raise DateOutsideCase(f"as of {day} is in the future (today is {today}): pariah knows the world up to today")
    return day


def default_as_of(case: Case) -> dt.date:
    """Today, or the case's end when it has ended."""
    today = dt.date.today()
    return min(case.end, today) if case.end else today


def status_frame(case: Case, acts: pd.DataFrame, *, as_of: DateLike = None, known_on: DateLike = None) -> pd.DataFrame:
    """Every state's dyad with the target on ``as_of``, counting acts known on ``known_on``.

    Returns a DataFrame, one row per state, sorted by level (highest first):
    ``state, name, level, level_name, since, recognition, mission, hosted,
    hostile, last_act, last_date, last_source, last_id``.

    >>> status_frame(case, ledger.acts("taliban-2021"), dt.date(2024, 2, 1)).head(1)  # doctest: +SKIP
      state   name  level level_name       since  recognition    mission    hosted  hostile ...
    0   RUS Russia      4 ambassadors  2023-...
    """
    import pandas as pd
    from pariah import reference

    as_of = to_date(as_of) or default_as_of(case)
    chosen = select_acts(acts, as_of, to_date(known_on))
    steps = frame_steps(chosen)
    rows = []
    for state in universe(case, acts, as_of):
        dyad = dyad_as_of(state, case.initial_components(state), steps.get(state, []), case.start, as_of)
        c, last = dyad.components, dyad.last
        rows.append({
            "state": state,
            "name": reference.name(state),
            "level": int(dyad.level),
            "level_name": dyad.level.label,
            "since": dyad.since,
            "recognition": c.recognition,
            "mission": c.mission,
            "hosted": c.hosted,
            "hostile": c.hostile,
            "last_act": last.act if last else "",
            "last_date": last.date if last else "",
            "last_source": last.source if last else "",
            "last_id": last.act_id if last else "",
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["level", "since", "state"], ascending=[False, True, True], kind="stable").reset_index(drop=True)



@dataclasses.dataclass(frozen=True)
class Panel:
    """Every state's dyad on every date of a grid.

    ``values`` has shape (dates, states, fields) with the fields of
    ``PANEL_FIELDS``; ``initial`` has shape (states, fields): each state's
    components at the case start, against which relative measures are taken.
    """

    dates: "pd.DatetimeIndex"
    states: list[str]
    values: np.ndarray
    initial: np.ndarray

    def field(self, name: str) -> np.ndarray:
        return self.values[:, :, PANEL_FIELDS.index(name)]

    def frame(self, name: str = "level"):
        import pandas as pd

        return pd.DataFrame(self.field(name), index=self.dates, columns=self.states)


def component_panel(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
                    freq: str = "day", known_on: DateLike = None, dates: Iterable[dt.date] | None = None) -> Panel:
    """Levels and components of every state on every date of a period (or on the given ``dates``).

    The work is per state, not per date: each dyad's change points are found
    once and every date is looked up among them with ``numpy.searchsorted``.
    """
    import pandas as pd

    if dates is not None:
        wanted = sorted(set(dates))
        grid, last = np.array(wanted, dtype="datetime64[D]"), wanted[-1]
    else:
        last = to_date(end) or default_as_of(case)
        grid = date_grid(to_date(start) or case.start, last, freq)
    chosen = select_acts(acts, last, to_date(known_on))
    steps = frame_steps(chosen)
    states = universe(case, acts, last)
    values = np.empty((len(grid), len(states), len(PANEL_FIELDS)), dtype=np.int8)
    initial = np.empty((len(states), len(PANEL_FIELDS)), dtype=np.int8)
    constant: dict[Components, np.ndarray] = {}
    for j, state in enumerate(states):
        first = case.initial_components(state)
        initial[j] = point(first, case.start)
        if state in steps:
            values[:, j] = component_series(first, steps[state], case.start, grid)
        else:
            if first not in constant:
                constant[first] = component_series(first, [], case.start, grid)
            values[:, j] = constant[first]
    return Panel(pd.DatetimeIndex(grid, name="date"), states, values, initial)


def panel_frame(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
                freq: str = "day", known_on: DateLike = None) -> pd.DataFrame:
    """The level of every state on every date of a period: a DataFrame with
    one row per date and one int8 column per state (see ``component_panel``)."""
    return component_panel(case, acts, start=start, end=end, freq=freq, known_on=known_on).frame("level")
