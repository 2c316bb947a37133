"""What the web pages, the JSON API and the HTML report show: library results as plain records.

Everything here calls the library (``pariah.status``, ``pariah.measure``,
``pariah.ladder``, ``Ledger`` methods) and only reshapes what comes back:
dates become ``YYYY-MM-DD`` text, numpy scalars Python numbers, frames lists of
flat dicts. No SQL and no statistics live here.

``Views`` wraps one ledger with a cache of computed results (per case and
arguments), cleared at once by the app's own writes and after ``ttl`` seconds
for writes made by other processes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable

import numpy as np
import pandas as pd

from pariah.exceptions import InvalidArgument, NotEnoughData
from pariah import ladder, measure, reference
from pariah.measure.weights import DEFAULT_SCHEME
from pariah.panels import component_panel, default_as_of, frame_steps, status_frame
from pariah.ladder import LEVEL_NAMES, Level
from pariah.present import maps
from pariah.present.tables import plain, records

MISSING = object()


class Cache:
    """Computed results by key, each kept ``ttl`` seconds (None: until cleared), at most ``size`` of them.

    ``get`` computes a missing value once even when many threads ask for it together.
    """

    def __init__(self, ttl: float | None = 60.0, size: int = 512):
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.generation = 0

    def peek(self, key: Hashable) -> Any:
        """The cached value, or ``MISSING``."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return MISSING
            stamp, value = item
            if self.ttl is not None and time.monotonic() - stamp > self.ttl:
                del self._items[key]
                return MISSING
            self._items.move_to_end(key)
            return value

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        value = self.peek(key)
        if value is not MISSING:
            return value
        with self._lock:
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            value = self.peek(key)
            if value is not MISSING:
                return value
            generation = self.generation
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                if generation == self.generation:  # not cleared by a write while computing
                    self._items[key] = (time.monotonic(), value)
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.generation += 1


@dataclasses.dataclass(frozen=True)
class MapFrames:
    """Every counted state's level (and hostile flag) on each of some dates."""

    dates: list[str]
    states: list[str]
    levels: list[list[int]]
    hostile: list[list[int]]

    def at(self, i: int) -> tuple[dict[str, int], set[str]]:
        """(level by state, hostile states) on ``dates[i]``."""
        return (dict(zip(self.states, self.levels[i])),
                {s for s, h in zip(self.states, self.hostile[i]) if h})


# ---- one case: library results as records (the report calls these directly) -------------------


def case_info(case) -> dict[str, Any]:
    info = case.to_dict()
    info.pop("initial", None)
    info["target_name"] = reference.name(case.target)
    info["coalition_leader_name"] = reference.name(case.coalition_leader)
    return info


def status_records(case, acts: pd.DataFrame, as_of: dt.date, known_on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every state's dyad on ``as_of`` (``panel.status_frame``), each with ``as_of``."""
    rows = records(status_frame(case, acts, as_of=as_of, known_on=known_on))
    for row in rows:
        row["as_of"] = as_of.isoformat()
    return rows


def page_date(case, as_of: dt.date | None = None) -> dt.date:
    """The date a view shows: ``as_of``, by default today (or the case end), clamped to the case's span."""
    first, last = case.start, default_as_of(case)
    return min(max(as_of or last, first), last)


def clip(case, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """A period within the case's: from its start (or later) to today or its end (or earlier)."""
    first, last = case.start, default_as_of(case)
    return max(start or first, first), min(end or last, last)


def index_records(case, acts, start=None, end=None, freq="month", scheme=DEFAULT_SCHEME, known_on=None) -> list[dict[str, Any]]:
    """The isolation index per period with its sensitivity band (``measure.isolation_index``), within the
    case period; no rows when ``end`` is before ``start``."""
    start, end = clip(case, start, end)
    if end < start:
        return []
    frame = measure.isolation_index(case, acts, start=start, end=end, freq=freq, weights=scheme, known_on=known_on)
    return records(frame.round(measure.INDEX_ROUNDING))


def cohesion_records(case, acts, start=None, end=None, freq="month", scheme="equal", known_on=None) -> list[dict[str, Any]]:
    """Coalition cohesion per period (``measure.cohesion``), within the case period."""
    start, end = clip(case, start, end)
    if end < start:
        return []
    return records(measure.cohesion(case, acts, start=start, end=end, freq=freq, weights=scheme,
                                   known_on=known_on).round({"cohesion": 4}))


def defection_records(case, acts, as_of=None, known_on=None) -> list[dict[str, Any]]:
    """Coalition members that stopped holding by ``as_of`` (clipped to the case period), with the act
    and its source (``measure.defections``)."""
    _, as_of = clip(case, None, as_of)
    if as_of < case.start:
        return []
    return records(measure.defections(case, acts, as_of=as_of, known_on=known_on))


def knight_records(case, acts, as_of=None, scheme="equal", known_on=None) -> list[dict[str, Any]]:
    """States outside the coalition that supply what it withholds on ``as_of`` (by default today or the
    case end; clamped to the case's span; ``measure.black_knights``)."""
    return records(measure.black_knights(case, acts, as_of=page_date(case, as_of), weights=scheme,
                                        known_on=known_on))


def map_frames(case, acts, dates: list[dt.date] | None = None, known_on: dt.date | None = None,
               end: dt.date | None = None) -> MapFrames:
    """Levels of every counted state on the first day of every month from the case start to ``end``
    (default: today or the case end) and on ``end``; or, with ``dates``, on each of those dates."""
    end = end or default_as_of(case)
    if dates is None:
        panels = [component_panel(case, acts, start=case.start, end=end, freq="month", known_on=known_on)]
        if panels[0].dates[-1].date() != end:
            panels.append(component_panel(case, acts, start=end, end=end, freq="day", known_on=known_on))
    else:
        panels = [component_panel(case, acts, start=d, end=d, freq="day", known_on=known_on) for d in sorted(set(dates))]
    states = panels[-1].states
    levels: list[list[int]] = []
    hostile: list[list[int]] = []
    days: list[str] = []
    for panel in panels:
        levels += panel.frame("level").reindex(columns=states, fill_value=int(Level.NONE)).to_numpy(dtype=int).tolist()
        hostile += panel.frame("hostile").reindex(columns=states, fill_value=0).to_numpy(dtype=int).tolist()
        days += [d.date().isoformat() for d in panel.dates]
    return MapFrames(days, states, levels, hostile)


def known_by(acts: pd.DataFrame, known_on: dt.date | None) -> pd.DataFrame:
    """The acts public by ``known_on`` (all of them when None)."""
    if not known_on:
        return acts
    return acts[np.array([k <= known_on for k in acts["known_on"]], dtype=bool)]


def act_records(acts: pd.DataFrame, actor: str | None = None, known_on: dt.date | None = None) -> list[dict[str, Any]]:
    """Current acts in the exchange format (newest first), with the actor's name, revision and recording time."""
    if actor:
        acts = acts[acts["actor"] == actor]
    acts = known_by(acts, known_on)
    acts = acts.sort_values(["day", "actor", "act"], ascending=[False, True, True], kind="stable")
    return [_act_record(row) for row in acts.itertuples(index=False)]


def dyad_history(case, iso3: str, steps: list[ladder.Step], end: dt.date) -> list[dict[str, Any]]:
    """One dyad's ladder history to ``end``: each run at one level and hostile flag (``ladder.trajectory``
    over the steps the ladder applies to it, ``panels.frame_steps``)."""
    dates, levels, comps, _ = ladder.trajectory(case.initial_components(iso3), [s for s in steps if s.on <= end], case.start)
    history: list[dict[str, Any]] = []
    for day, level, comp in zip(dates, levels, comps):
        if day > end:  # a contact that expires after today
            break
        if history and (history[-1]["level"], history[-1]["hostile"]) == (level, comp.hostile):
            continue
        if history:
            history[-1]["to"] = (day - dt.timedelta(days=1)).isoformat()
        history.append({"from": day.isoformat(), "to": end.isoformat(), "level": int(level),
                        "level_name": LEVEL_NAMES[int(level)], "hostile": bool(comp.hostile)})
    return history


def state_detail(case, acts, iso3: str, status: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One dyad: its status, its ladder history (each run at one level and hostile flag) and the acts the
    ladder applies to it (its own, and those of organizations that bind it). None when the case does
    not count the state."""
    row = next((r for r in status if r["state"] == iso3), None)
    if row is None:
        return None
    steps = frame_steps(acts).get(iso3, [])  # the steps the ladder applies to this dyad
    history = dyad_history(case, iso3, steps, default_as_of(case))
    ids = {s.act_id for s in steps}
    applied = acts[acts["act_id"].isin(ids)]
    return {"state": iso3, "name": reference.name(iso3), "status": row, "history": history,
            "acts": act_records(applied)}


def case_summary(case, acts: pd.DataFrame) -> dict[str, Any]:
    """One case's line on the home page: its index today (and band) and its latest act."""
    day = default_as_of(case)
    index = measure.isolation_index(case, acts, start=day, end=day, freq="day").iloc[-1]
    last = acts.sort_values(["day", "recorded_at"], kind="stable").iloc[-1] if len(acts) else None

    def field(name):
        return None if last is None else plain(last[name])

    return {
        "id": case.id, "name": case.name, "target": case.target, "target_name": reference.name(case.target),
        "start": case.start.isoformat(), "end": case.end.isoformat() if case.end else None,
        "acts": int(len(acts)), "as_of": day.isoformat(),
        "index": round(float(index["index"]), 4), "index_low": round(float(index["low"]), 4),
        "index_high": round(float(index["high"]), 4),
        "last_act_date": field("date"), "last_act_actor": field("actor"), "last_act": field("act"),
        "last_act_description": field("description"), "last_act_source": field("source"),
    }


TIMELINE_PAGE = 50


def timeline_records(acts: pd.DataFrame, *, actor: str | None = None, act: str | None = None, moving: bool = False,
                     start: dt.date | None = None, end: dt.date | None = None, text: str | None = None,
                     known_on: dt.date | None = None, page: int = 1, size: int = TIMELINE_PAGE) -> dict[str, Any]:
    """One page of the acts timeline, newest first, filtered: by ``actor``, by ``act`` type, to the acts that
    move the ladder (``moving``), to a period of effective dates, to acts whose text holds ``text``, and to
    acts public by ``known_on``. Returns ``acts`` (the page's records), ``total`` (acts that pass the
    filters), ``page`` (clamped to 1..``pages``), ``pages``, and the ``actors`` and ``act_types`` to choose from."""
    from pariah.acts import ACT_ORDER, LADDER_ACTS

    known = known_by(acts, known_on)
    actors = sorted({a for a in known["actor"]}, key=lambda code: reference.name(code).lower())
    act_types = sorted(set(known["act"]), key=lambda name: ACT_ORDER.get(name, 999))
    mask = np.ones(len(known), dtype=bool)
    if actor:
        mask &= (known["actor"] == actor).to_numpy()
    if act:
        mask &= (known["act"] == act).to_numpy()
    if moving:
        mask &= known["act"].isin(LADDER_ACTS).to_numpy()
    if start:
        mask &= np.array([d >= start for d in known["day"]], dtype=bool)
    if end:
        mask &= np.array([d <= end for d in known["day"]], dtype=bool)
    if text:
        needle = text.lower()
        haystack = (known["actor"] + " " + known["act"] + " " + known["description"] + " " + known["source"]).str.lower()
        mask &= haystack.str.contains(needle, regex=False).to_numpy()
    rows = act_records(known[mask])
    pages = max(1, math.ceil(len(rows) / size))
    page = min(max(page, 1), pages)
    return {"acts": rows[(page - 1) * size: page * size], "total": len(rows), "page": page, "pages": pages,
            "size": size, "actors": [{"code": a, "name": reference.name(a)} for a in actors], "act_types": act_types}


def map_history(case, acts: pd.DataFrame, states: list[str]) -> tuple[list[list[list]], list[list[list[str]]]]:
    """For the map's tooltips, per state: its ladder runs ``[from, level, hostile]`` and the acts the
    ladder applies to it ``[date, act]``, oldest first, to today or the case end."""
    end = default_as_of(case)
    steps = frame_steps(acts)
    runs = [[[r["from"], r["level"], int(r["hostile"])] for r in dyad_history(case, s, steps.get(s, []), end)]
            for s in states]
    applied = [[[step.date or step.on.isoformat(), step.act] for step in steps.get(s, []) if step.on <= end]
               for s in states]
    return runs, applied


FORECAST_HORIZON = 12
FORECAST_ROWS = 15


def forecast_records(ledger, case_id: str, as_of=None, horizon: int = FORECAST_HORIZON) -> list[dict[str, Any]] | None:
    """The states most likely to reach the case's level within ``horizon`` months (``pariah.forecast``,
    fitted on what was known on ``as_of``); None when the model cannot be fitted or nobody is at risk."""
    from pariah import forecast

    try:
        rows = forecast.forecast(ledger, case_id, as_of=as_of, horizon=horizon, n_bootstrap=0)
    except (NotEnoughData, InvalidArgument):
        return None
    if rows.empty:
        return None
    return [{"state": r.state, "name": r.name, "probability": float(r.p), "horizon": f"{horizon} months",
             "level": r.level, "drivers": r.drivers} for r in rows.head(FORECAST_ROWS).itertuples()]


def _act_record(row) -> dict[str, Any]:
    return {
        "case": row.case_id, "date": row.date, "actor": row.actor, "actor_name": reference.name(row.actor),
        "act": row.act, "description": row.description, "source": row.source, "confidence": row.confidence,
        "known_from": plain(row.known_from) or "", "id": row.act_id, "rev": int(row.rev),
        "recorded_at": plain(pd.Timestamp(row.recorded_at).to_pydatetime()) if row.recorded_at is not None else None,
    }


# ---- a ledger, cached ----------------------------------------------------------------------


class Views:
    """The functions above over one ledger, each result cached by case and arguments."""

    def __init__(self, ledger, ttl: float | None = 60.0, size: int = 512):
        self.ledger = ledger
        self.cache = Cache(ttl, size)
        # results keyed by the ledger digest stay valid as long as the acts do: kept past ``ttl``
        self.lasting = Cache(None, 64)

    def case(self, case_id: str):
        """The case (raises ``UnknownCase``)."""
        return self.cache.get(("case", case_id), lambda: self.ledger.case(case_id))

    def acts(self, case_id: str) -> pd.DataFrame:
        """The current acts of a case (``Ledger.acts``)."""
        return self.cache.get(("acts", case_id), lambda: self.ledger.acts(case_id))

    def today(self, case_id: str) -> dt.date:
        return default_as_of(self.case(case_id))

    def page_date(self, case_id: str, as_of: dt.date | None = None) -> dt.date:
        """The date every view of the case shows: ``as_of`` (default today), clamped to the case's span."""
        return page_date(self.case(case_id), as_of)

    def digest(self, case_id: str) -> str:
        """The ledger digest of the case's acts (``Ledger.digest``)."""
        self.case(case_id)
        return self.cache.get(("digest", case_id), lambda: self.ledger.digest(case_id))

    def _memo(self, name: str, case_id: str, fn: Callable, *args) -> Any:
        return self.cache.get((name, case_id, *args), lambda: fn(self.case(case_id), self.acts(case_id), *args))

    def cases(self) -> list[dict[str, Any]]:
        return self.cache.get(("cases",), lambda: [case_summary(c, self.acts(c.id)) for c in self.ledger.cases()])

    def case_info(self, case_id: str) -> dict[str, Any]:
        return case_info(self.case(case_id))

    def status(self, case_id: str, as_of: dt.date | None = None, known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """Every state's dyad on ``as_of`` (default: today or the case end; clamped to the case's span)."""
        return self._memo("status", case_id, status_records, self.page_date(case_id, as_of), known_on)

    def index(self, case_id: str, start=None, end=None, freq="month", scheme=DEFAULT_SCHEME, known_on=None):
        return self._memo("index", case_id, index_records, start, end, freq, scheme, known_on)

    def cohesion(self, case_id: str, start=None, end=None, freq="month", scheme="equal", known_on=None):
        return self._memo("cohesion", case_id, cohesion_records, start, end, freq, scheme, known_on)

    def defections(self, case_id: str, as_of=None, known_on=None):
        return self._memo("defections", case_id, defection_records, as_of, known_on)

    def black_knights(self, case_id: str, as_of=None, scheme="equal", known_on=None):
        return self._memo("knights", case_id, knight_records, as_of, scheme, known_on)

    def compare(self, case_ids: list[str], align: str = "start", scheme: str = DEFAULT_SCHEME,
                measure_: str = "change") -> list[dict[str, Any]]:
        """Several cases against their own start on one axis (``measure.compare``)."""
        def compute():
            frame = measure.compare([(self.case(c), self.acts(c)) for c in case_ids], freq="month", align=align,
                                    weights=scheme, measure=measure_)
            return records(frame.round({**measure.INDEX_ROUNDING, "value": 4}))

        return self.cache.get(("compare", tuple(case_ids), align, scheme, measure_), compute)

    def map_payload(self, case_id: str, as_of: dt.date | None = None, known_on: dt.date | None = None) -> dict[str, Any]:
        """What the case page's map script needs: dates (the first of every month, ``as_of`` when given,
        and today), states, names, levels, hostile flags, each state's ladder runs and acts, colours."""
        case = self.case(case_id)

        def compute():
            acts = self.acts(case_id)
            frames = map_frames(case, acts, known_on=known_on)
            runs, applied = map_history(case, known_by(acts, known_on), frames.states)
            return {
                "case": case_id, "target": case.target, "target_name": reference.name(case.target),
                "dates": frames.dates, "states": frames.states, "names": [reference.name(s) for s in frames.states],
                "levels": frames.levels, "hostile": frames.hostile, "runs": runs, "acts": applied,
                "level_names": list(LEVEL_NAMES), "colours": list(maps.LEVEL_COLOURS),
                "hostile_colour": maps.HOSTILE_STROKE, "target_colour": maps.TARGET_COLOUR,
                "outside_colour": maps.OUTSIDE_COLOUR,
            }

        payload = self.cache.get(("map", case_id, known_on), compute)
        day = page_date(case, as_of).isoformat() if as_of else None
        if day is None or day in payload["dates"]:
            return payload
        # the page's own date, between the months
        extra = map_frames(case, self.acts(case_id), dates=[dt.date.fromisoformat(day)], known_on=known_on)
        levels, hostile = extra.at(0)
        at = sum(1 for d in payload["dates"] if d < day)
        return dict(payload,
                    dates=payload["dates"][:at] + [day] + payload["dates"][at:],
                    levels=payload["levels"][:at] + [[levels.get(s, int(Level.NONE)) for s in payload["states"]]]
                    + payload["levels"][at:],
                    hostile=payload["hostile"][:at] + [[int(s in hostile) for s in payload["states"]]]
                    + payload["hostile"][at:])

    def timeline(self, case_id: str, **query) -> dict[str, Any]:
        """One page of the filtered acts timeline (``timeline_records``), cached by its query."""
        key = tuple(sorted(query.items()))
        return self.cache.get(("timeline", case_id, key), lambda: timeline_records(self.acts(case_id), **query))

    def act_records(self, case_id: str, actor: str | None = None, known_on: dt.date | None = None):
        return self.cache.get(("acts-records", case_id, actor, known_on),
                              lambda: act_records(self.acts(case_id), actor, known_on))

    def state(self, case_id: str, iso3: str) -> dict[str, Any] | None:
        return self._memo("state", case_id, lambda case, acts, code: state_detail(case, acts, code, self.status(case_id)),
                          iso3)

    def brief(self, case_id: str, as_of: dt.date | None = None, known_on: dt.date | None = None) -> dict[str, Any]:
        """The case's brief on the page's date (``pariah.brief``), without the forecast (the page has
        its own forecast section)."""
        from pariah.brief import brief

        day = self.page_date(case_id, as_of)
        return self.cache.get(("brief", case_id, day, known_on),
                              lambda: brief(self.ledger, case_id, as_of=day, known_on=known_on, forecast=False))

    def brief_levels(self, case_id: str, as_of: dt.date | None = None, known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """The brief's levels as a flat table (the states of each level joined by spaces)."""
        rows = []
        for row in self.brief(case_id, as_of, known_on)["levels"]:
            flat = {k: v for k, v in row.items() if k != "members"}
            for key in ("p5", "g20", "neighbours", "region"):
                flat[key] = " ".join(flat[key])
            flat["states"] = " ".join(m["state"] for m in row["members"])
            rows.append(flat)
        return rows

    def scorecard(self, case_id: str) -> list[dict[str, Any]]:
        """The case's recorded forecasts, each scored once its window has closed (``pariah.forecast.scorecard``)."""
        from pariah.forecast import scorecard

        self.case(case_id)
        return self.cache.get(("scorecard", case_id), lambda: records(scorecard(self.ledger, case_id)))

    def forecast(self, case_id: str) -> list[dict[str, Any]] | None:
        """The case's forecast table (see ``forecast_records``), cached until the ledger's acts change
        (fitting the model takes seconds; a new ledger digest, a new fit)."""
        key = ("forecast", case_id, self.digest(case_id))
        return self.lasting.get(key, lambda: forecast_records(self.ledger, case_id))

    def import_acts(self, records_: list[dict], case: str | None = None):
        """Append acts with the importer's checks (``Ledger.import_records``); clears the cache."""
        try:
            return self.ledger.import_records(records_, name="request", case=case)
        finally:
            self.cache.clear()
            self.lasting.clear()
