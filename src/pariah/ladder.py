"""The ladder: acts -> dyad components -> levels, as of a date and known on a date.

The ladder is defined once, here, as the ordered constant ``LEVELS``; every
validator, database constraint, doc table and web page imports it. What each
act type does to a dyad is the table of ``pariah.acts``; how dates are read is
``pariah.dates``; the ladder over a whole case is ``pariah.panels``.

Coding rules (also in docs/METHODS.md):

- Acts of one dyad are applied in date order; acts on the same date in the
  order of ``pariah.acts.ACT_TYPES``.
- Contact (visits, conferences, agreements) holds a dyad at ``engaged`` for 12
  months after the latest contact.
- ``hostile`` is kept apart from the level: a state can keep the target on its
  terror list and host the target's envoy at once. It lowers the level only
  when nothing above ``none`` holds.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from enum import IntEnum
from typing import Any, Iterable

import numpy as np

from pariah.acts import ACT_ORDER, BY_NAME
from pariah.dates import add_months
from pariah.exceptions import InvalidLevel


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
    (Level.HOSTILE, "the state designates the target as terrorist/banned, sanctions it or uses force against it, and nothing higher holds"),
    (Level.NONE, "no official relations beyond humanitarian channels"),
    (Level.ENGAGED, "official contact in the last 12 months: visits, hosted delegations, conferences, agreements"),
    (Level.MISSIONS, "the state runs a mission in the target's capital or lets the target's appointees run the target's embassy or consulate on its soil"),
    (Level.AMBASSADORS, "the state accepted the target's ambassador's credentials, or its own ambassador is accredited to the target"),
    (Level.RECOGNIZED, "formal de jure recognition"),
)
LEVEL_NAMES: tuple[str, ...] = tuple(level.label for level, _ in LEVELS)

CONTACT_MONTHS = 12

# Mission components: the actor's own mission in the target's capital, and the
# target's mission hosted on the actor's soil, each lowest first.
MISSION_STATES = ("none", "mission", "ambassador")
HOSTED_STATES = ("none", "envoy", "ambassador")
_RANKS = {"mission": MISSION_STATES, "hosted": HOSTED_STATES}


def parse_level(value: str | int | Level) -> Level:
    """``'ambassadors'``, ``4`` or ``'4'`` -> ``Level.AMBASSADORS``."""
    if isinstance(value, Level):
        return value
    text = str(value).strip().lower()
    if text.isdigit() and int(text) in Level._value2member_map_:
        return Level(int(text))
    if text in LEVEL_NAMES:
        return Level[text.upper()]
    raise InvalidLevel(str(value), LEVEL_NAMES)



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
        """The components after one act on date ``on`` (the act's row of ``pariah.acts.ACT_TYPES``)."""
        changes: dict[str, Any] = {}
        for field, rule, value in BY_NAME[act].changes:
            current = getattr(self, field)
            if value == "date":
                value = max(on, current) if current else on
            elif rule != "set":
                rank = _RANKS[field].index
                higher = rank(value) > rank(current)
                value = value if (higher if rule == "at_least" else not higher) else current
            changes[field] = value
        return dataclasses.replace(self, **changes) if changes else self


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


def point(c: Components, day: dt.date) -> tuple[int, int, int, int, int, int]:
    contact = c.last_contact is not None and day < add_months(c.last_contact, CONTACT_MONTHS)
    return (int(c.level(day)), int(c.recognition), _MISSION_CODE[c.mission], _HOSTED_CODE[c.hosted],
            int(c.hostile), int(contact))


def component_series(initial: Components, steps: list[Step], start: dt.date, grid: np.ndarray) -> np.ndarray:
    """One dyad on every date of ``grid`` (sorted ``datetime64[D]``): an int8 array of shape
    (dates, len(PANEL_FIELDS)); missions and hosted are coded 0 none, 1 mission/envoy, 2 ambassador."""
    dates, _, comps, _ = trajectory(initial, steps, start)
    points = np.array([point(c, d) for c, d in zip(comps, dates)] + [point(initial, start)], dtype=np.int8)
    idx = np.searchsorted(np.array(dates, dtype="datetime64[D]"), grid, side="right") - 1
    idx[idx < 0] = len(points) - 1  # before the start: the initial state
    return points[idx]


def level_series(initial: Components, steps: list[Step], start: dt.date, grid: np.ndarray) -> np.ndarray:
    """Levels of one dyad on every date of ``grid`` (a sorted ``datetime64[D]`` array)."""
    return component_series(initial, steps, start, grid)[:, 0]
