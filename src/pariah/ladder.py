"""The ladder: acts -> dyad components -> levels, as of a date and known on a date.

The ladder is defined once, here, as the ordered constant ``LEVELS``; every
validator, database constraint, doc table and web page imports it.

Coding rules (also in docs/METHODS.md):

- A date given as a month (``2024-01``) or a year (``2024``) takes effect on the
  first day of that period, and becomes known (``known_from``) on its last day
  unless the row says otherwise: a backtest never sees an act before the end of
  the period it could have happened in.
- Acts of one dyad are applied in date order; acts on the same date in the
  order of the ``ACTS`` table below (so a recognition and an ambassador on one
  day give level 5, not whichever row came first).
- Contact (visits, conferences, agreements) holds a dyad at ``engaged`` for 12
  months after the latest contact.
- ``hostile`` is kept apart from the level: a state can keep the target on its
  terror list and host the target's envoy at once. It lowers the level only
  when nothing above ``none`` holds.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from enum import Enum, IntEnum
from typing import Iterable

import numpy as np

from pariah.exceptions import InvalidDate, InvalidLevel


class Level(IntEnum):
    HOSTILE = 0
    NONE = 1
    ENGAGED = 2
    MISSIONS = 3
    AMBASSADORS = 4
    RECOGNIZED = 5

    @property
    def label(self) -> str:
        return self.name.lower()


#: The ladder, lowest first, with the rule that puts a dyad on each rung.
LEVELS: tuple[tuple[Level, str], ...] = (
    (Level.HOSTILE, "the state designates the target as terrorist/banned, or sanctions it, and nothing higher holds"),
    (Level.NONE, "no official relations beyond humanitarian channels"),
    (Level.ENGAGED, "official contact in the last 12 months: visits, hosted delegations, conferences, agreements"),
    (Level.MISSIONS, "the state runs a mission in the target's capital or lets the target's appointees run the target's embassy or consulate on its soil"),
    (Level.AMBASSADORS, "the state accepted the target's ambassador's credentials, or its own ambassador is accredited to the target"),
    (Level.RECOGNIZED, "formal de jure recognition"),
)
LEVEL_NAMES: tuple[str, ...] = tuple(level.label for level, _ in LEVELS)

CONTACT_MONTHS = 12

# Mission components: the actor's own mission in the target's capital, and the
# target's mission hosted on the actor's soil.
MISSION_STATES = ("none", "mission", "ambassador")
HOSTED_STATES = ("none", "envoy", "ambassador")

#: Every act type with its effect, in the order acts of one day are applied.
ACTS: dict[str, str] = {
    "recognize": "recognition on",
    "withdraw_recognition": "recognition off",
    "freeze_recognition": "recognition off (frozen)",
    "accept_ambassador": "target's ambassador accredited in the actor's capital",
    "accept_envoy": "target's charge or appointees accepted; target's embassy or consulate handed to them",
    "expel_envoy": "target's representation on the actor's soil ended",
    "appoint_ambassador": "actor's ambassador accredited to the target",
    "open_mission": "actor's mission in the target's capital opened or kept open",
    "downgrade_mission": "actor's mission in the target's capital downgraded below ambassador",
    "close_mission": "actor's mission in the target's capital closed",
    "official_visit": "contact (engaged for 12 months)",
    "host_visit": "contact (engaged for 12 months)",
    "attend_conference": "contact (engaged for 12 months)",
    "host_conference": "contact (engaged for 12 months)",
    "sign_agreement": "contact (engaged for 12 months)",
    "designate": "hostile: on the actor's terror or banned list",
    "delist": "off the actor's terror or banned list",
    "impose_sanctions": "hostile: sanctioned by the actor",
    "lift_sanctions": "sanctions lifted",
    "use_force": "hostile: armed force by the actor against the target (strikes, border war)",
    "ceasefire": "ceasefire or end of hostilities: the use of force no longer holds",
    "suspend_membership": "organization suspends the target",
    "readmit_membership": "organization readmits the target",
    "declare_nonrecognition": "the actor states it will not recognize: coalition membership",
    "other": "context only",
}
ACT_ORDER = {act: i for i, act in enumerate(ACTS)}
CONTACT_ACTS = frozenset({"official_visit", "host_visit", "attend_conference", "host_conference", "sign_agreement"})

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_level(value: str | int | Level) -> Level:
    """``'ambassadors'``, ``4`` or ``'4'`` -> ``Level.AMBASSADORS``."""
    if isinstance(value, Level):
        return value
    text = str(value).strip().lower()
    if text.isdigit() and int(text) in Level._value2member_map_:
        return Level(int(text))
    if text in LEVEL_NAMES:
        return Level[text.upper()]
    raise InvalidLevel(str(value))


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date."""
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise InvalidDate(str(value))
    year, month, day = match.groups()
    try:
        if day:
            d = dt.date(int(year), int(month), int(day))
            return d, d
        if month:
            first = dt.date(int(year), int(month), 1)
            return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    except ValueError:
        raise InvalidDate(value) from None


def to_date(value: str | dt.date | None, *, end: bool = False) -> dt.date | None:
    """A date or date string (any precision) as a ``datetime.date``; None stays None."""
    if value is None or isinstance(value, dt.date):
        return value
    first, last = date_bounds(value)
    return last if end else first


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclasses.dataclass(frozen=True)
class Components:
    """What one state has with the target at one moment; the level derives from it."""

    recognition: bool = False
    mission: str = "none"          # the state's own mission in the target's capital
    hosted: str = "none"           # the target's mission on the state's soil
    designated: bool = False
    sanctioned: bool = False
    last_contact: dt.date | None = None
    nonrecognition: bool = False   # the state declared it will not recognize
    at_war: bool = False           # the state uses armed force against the target

    @property
    def hostile(self) -> bool:
        return self.designated or self.sanctioned or self.at_war

    def level(self, on: dt.date) -> Level:
        if self.recognition:
            return Level.RECOGNIZED
        if self.mission == "ambassador" or self.hosted == "ambassador":
            return Level.AMBASSADORS
        if self.mission == "mission" or self.hosted == "envoy":
            return Level.MISSIONS
        if self.last_contact is not None and on < add_months(self.last_contact, CONTACT_MONTHS):
            return Level.ENGAGED
        return Level.HOSTILE if self.hostile else Level.NONE

    def contact_expires(self) -> dt.date | None:
        return None if self.last_contact is None else add_months(self.last_contact, CONTACT_MONTHS)

    def apply(self, act: str, on: dt.date) -> "Components":
        """The components after one act on date ``on``."""
        c = self
        rep = dataclasses.replace
        if act == "recognize":
            return rep(c, recognition=True, nonrecognition=False)
        if act in ("withdraw_recognition", "freeze_recognition"):
            return rep(c, recognition=False)
        if act == "accept_ambassador":
            return rep(c, hosted="ambassador")
        if act == "accept_envoy":
            return rep(c, hosted="ambassador" if c.hosted == "ambassador" else "envoy")
        if act == "expel_envoy":
            return rep(c, hosted="none")
        if act == "appoint_ambassador":
            return rep(c, mission="ambassador")
        if act == "open_mission":
            return rep(c, mission="ambassador" if c.mission == "ambassador" else "mission")
        if act == "downgrade_mission":
            return rep(c, mission="mission" if c.mission != "none" else "none")
        if act == "close_mission":
            return rep(c, mission="none")
        if act in CONTACT_ACTS:
            return rep(c, last_contact=max(on, c.last_contact) if c.last_contact else on)
        if act == "designate":
            return rep(c, designated=True)
        if act == "delist":
            return rep(c, designated=False)
        if act == "impose_sanctions":
            return rep(c, sanctioned=True)
        if act == "lift_sanctions":
            return rep(c, sanctioned=False)
        if act == "use_force":
            return rep(c, at_war=True)
        if act == "ceasefire":
            return rep(c, at_war=False)
        if act == "declare_nonrecognition":
            return rep(c, nonrecognition=True)
        return c


@dataclasses.dataclass(frozen=True)
class Step:
    """One act as the ladder sees it: effective date, type, and where it came from."""

    on: dt.date
    act: str
    act_id: str = ""
    date: str = ""
    description: str = ""
    source: str = ""


@dataclasses.dataclass(frozen=True)
class Dyad:
    """One state's relationship with the target at a date."""

    state: str
    components: Components
    level: Level
    since: dt.date
    last: Step | None


def sort_steps(steps: Iterable[Step]) -> list[Step]:
    return sorted(steps, key=lambda s: (s.on, ACT_ORDER.get(s.act, 99), s.act_id))


def trajectory(initial: Components, steps: list[Step], start: dt.date) -> tuple[list[dt.date], list[int], list[Components], list[Step | None]]:
    """Every date the dyad's level may change, with the level from that date on.

    ``steps`` must be sorted (``sort_steps``). Contact expiry adds a change
    point 12 months after the latest contact. The first point is ``start``.
    """
    dates: list[dt.date] = [start]
    comps: list[Components] = [initial]
    lasts: list[Step | None] = [None]
    c = initial
    for step in steps:
        _add_expiry(dates, comps, lasts, c, step.on)
        c = c.apply(step.act, step.on)
        on = max(step.on, start)
        if dates[-1] == on:
            comps[-1], lasts[-1] = c, step
        else:
            dates.append(on)
            comps.append(c)
            lasts.append(step)
    _add_expiry(dates, comps, lasts, c, None)
    levels = [int(comp.level(day)) for comp, day in zip(comps, dates)]
    return dates, levels, comps, lasts


def _add_expiry(dates, comps, lasts, c: Components, before: dt.date | None) -> None:
    expires = c.contact_expires()
    if expires is not None and expires > dates[-1] and (before is None or expires <= before):
        dates.append(expires)
        comps.append(c)
        lasts.append(lasts[-1])


def dyad_as_of(state: str, initial: Components, steps: list[Step], start: dt.date, as_of: dt.date) -> Dyad:
    """The dyad on ``as_of`` from its initial components and sorted steps (only those up to ``as_of``)."""
    dates, levels, comps, lasts = trajectory(initial, [s for s in steps if s.on <= as_of], start)
    i = int(np.searchsorted(np.array(dates, dtype="datetime64[D]"), np.datetime64(as_of, "D"), side="right")) - 1
    i = max(i, 0)
    level = levels[i]
    since_i = i
    while since_i > 0 and levels[since_i - 1] == level:
        since_i -= 1
    last = next((step for step in reversed(lasts[: i + 1]) if step is not None), None)
    return Dyad(state, comps[i], Level(level), dates[since_i], last)


#: What the panel records per dyad and date: the level and the components the index scores.
PANEL_FIELDS = ("level", "recognition", "mission", "hosted", "hostile", "contact")
_MISSION_CODE = {"none": 0, "mission": 1, "ambassador": 2}
_HOSTED_CODE = {"none": 0, "envoy": 1, "ambassador": 2}


def _point(c: Components, day: dt.date) -> tuple[int, int, int, int, int, int]:
    contact = c.last_contact is not None and day < add_months(c.last_contact, CONTACT_MONTHS)
    return (int(c.level(day)), int(c.recognition), _MISSION_CODE[c.mission], _HOSTED_CODE[c.hosted],
            int(c.hostile), int(contact))


def component_series(initial: Components, steps: list[Step], start: dt.date, grid: np.ndarray) -> np.ndarray:
    """One dyad on every date of ``grid`` (sorted ``datetime64[D]``): an int8 array of shape
    (dates, len(PANEL_FIELDS)); missions and hosted are coded 0 none, 1 mission/envoy, 2 ambassador."""
    dates, _, comps, _ = trajectory(initial, steps, start)
    points = np.array([_point(c, d) for c, d in zip(comps, dates)] + [_point(initial, start)], dtype=np.int8)
    idx = np.searchsorted(np.array(dates, dtype="datetime64[D]"), grid, side="right") - 1
    idx[idx < 0] = len(points) - 1  # before the start: the initial state
    return points[idx]


def level_series(initial: Components, steps: list[Step], start: dt.date, grid: np.ndarray) -> np.ndarray:
    """Levels of one dyad on every date of ``grid`` (a sorted ``datetime64[D]`` array)."""
    return component_series(initial, steps, start, grid)[:, 0]


# ---- the ladder over a case: status and panel --------------------------------


#: Organizations whose sanctions and designations bind their member states (the EU's
#: restrictive measures do); the UN Security Council's bind every state alike and are kept
#: as the organization's own acts, since they would not tell one state from another.
BINDING = {"EU": "EU"}
HOSTILE_ACTS = frozenset({"designate", "delist", "impose_sanctions", "lift_sanctions"})


def _frame_steps(acts) -> dict[str, list[Step]]:
    """Current acts (a ``Ledger.acts`` frame) -> sorted steps per actor (binding organization acts
    are also steps of each state that is a member on the act's date)."""
    from pariah import reference

    out: dict[str, list[Step]] = {}
    for row in acts.itertuples(index=False):
        step = Step(row.day, row.act, row.act_id, row.date, row.description, row.source)
        out.setdefault(row.actor, []).append(step)
        if row.actor in BINDING and row.act in HOSTILE_ACTS:
            for member in reference.bloc_members(BINDING[row.actor], row.day):
                out.setdefault(member, []).append(step)
    return {actor: sort_steps(steps) for actor, steps in out.items()}


def universe(case, acts, on: dt.date) -> list[str]:
    """The states a case counts on a date: UN members then, plus the non-member
    states that appear in its acts or its ``initial``, less the target."""
    from pariah import reference

    states = set(reference.un_members(on))
    named = set(acts["actor"]) if len(acts) else set()
    named |= set(case.initial_states())
    states |= {s for s in named if reference.is_state(s)}
    states.discard(case.target)
    return sorted(states)


def _select(acts, as_of: dt.date | None, known_on: dt.date | None):
    if len(acts) == 0:
        return acts
    mask = np.ones(len(acts), dtype=bool)
    if as_of is not None:
        mask &= np.array([d <= as_of for d in acts["day"]])
    if known_on is not None:
        mask &= np.array([k <= known_on for k in acts["known_on"]])
    return acts[mask]


def default_as_of(case) -> dt.date:
    today = dt.date.today()
    return min(case.end, today) if case.end else today


def status_frame(case, acts, as_of: dt.date | None = None, known_on: dt.date | None = None):
    """Every state's dyad with the target on ``as_of``, counting acts known on ``known_on``.

    Returns a DataFrame, one row per state, sorted by level (highest first):
    ``state, name, level, level_name, since, recognition, mission, hosted,
    hostile, last_act, last_date, last_source``.

    >>> status_frame(case, ledger.acts("taliban-2021"), dt.date(2024, 2, 1)).head(1)  # doctest: +SKIP
      state   name  level level_name       since  recognition    mission    hosted  hostile ...
    0   RUS Russia      4 ambassadors  2023-...
    """
    import pandas as pd
    from pariah import reference

    as_of = as_of or default_as_of(case)
    chosen = _select(acts, as_of, known_on)
    steps = _frame_steps(chosen)
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
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["level", "since", "state"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


class Freq(str, Enum):
    """How often a series has a value: every day, or the first day of every month or quarter."""

    day = "day"
    month = "month"
    quarter = "quarter"


def date_grid(start: dt.date, end: dt.date, freq: str = "day") -> np.ndarray:
    """Dates from ``start`` to ``end``: every day, or the first day of every month or quarter."""
    import pandas as pd

    codes = {"day": "D", "month": "MS", "quarter": "QS"}
    if freq not in codes:
        raise ValueError(f"unknown frequency {freq!r}: expected day, month or quarter")
    dates = pd.date_range(start, end, freq=codes[freq])
    if freq != "day" and (len(dates) == 0 or dates[0].date() != start):
        dates = dates.insert(0, pd.Timestamp(start))
    return dates.values.astype("datetime64[D]")


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


def component_panel(case, acts, start: dt.date | None = None, end: dt.date | None = None, freq: str = "day",
                    known_on: dt.date | None = None) -> Panel:
    """Levels and components of every state on every date of a period.

    The work is per state, not per date: each dyad's change points are found
    once and every date is looked up among them with ``numpy.searchsorted``.
    """
    import pandas as pd

    start = start or case.start
    end = end or default_as_of(case)
    grid = date_grid(start, end, freq)
    chosen = _select(acts, end, known_on)
    steps = _frame_steps(chosen)
    states = universe(case, acts, end)
    values = np.empty((len(grid), len(states), len(PANEL_FIELDS)), dtype=np.int8)
    initial = np.empty((len(states), len(PANEL_FIELDS)), dtype=np.int8)
    constant: dict[Components, np.ndarray] = {}
    for j, state in enumerate(states):
        first = case.initial_components(state)
        initial[j] = _point(first, case.start)
        if state in steps:
            values[:, j] = component_series(first, steps[state], case.start, grid)
        else:
            if first not in constant:
                constant[first] = component_series(first, [], case.start, grid)
            values[:, j] = constant[first]
    return Panel(pd.DatetimeIndex(grid, name="date"), states, values, initial)


def panel_frame(case, acts, start: dt.date | None = None, end: dt.date | None = None, freq: str = "day",
                known_on: dt.date | None = None):
    """The level of every state on every date of a period: a DataFrame with
    one row per date and one int8 column per state (see ``component_panel``)."""
    return component_panel(case, acts, start, end, freq, known_on).frame("level")
