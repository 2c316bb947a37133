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

from pariah import ladder, measure, reference
from pariah.ladder import LEVEL_NAMES, Level
from pariah.web import geo

#: Columns of an act in the exchange format (the order of ``pariah export``), then what the ledger adds.
ACT_FIELDS = ("case", "date", "actor", "act", "description", "source", "confidence", "known_from", "id")


def plain(value: Any) -> Any:
    """A value as JSON has it: dates as ``YYYY-MM-DD``, numpy scalars as numbers, NaN and NA as None."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """A frame as a list of flat dicts of plain values."""
    columns = columns or list(frame.columns)
    return [{c: plain(v) for c, v in zip(columns, row)} for row in frame[columns].itertuples(index=False)]


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
        return (dict(zip(self.states, self.levels[i])),
                {s for s, h in zip(self.states, self.hostile[i]) if h})


class Views:
    """The library's answers for one ledger, shaped for pages and the API, and cached."""

    def __init__(self, ledger, ttl: float | None = 60.0, size: int = 512):
        self.ledger = ledger
        self.cache = Cache(ttl, size)

    # ---- inputs ------------------------------------------------------------

    def case(self, case_id: str):
        """The case (raises ``UnknownCase``)."""
        return self.cache.get(("case", case_id), lambda: self.ledger.case(case_id))

    def acts(self, case_id: str) -> pd.DataFrame:
        """The current acts of a case (``Ledger.acts``)."""
        return self.cache.get(("acts", case_id), lambda: self.ledger.acts(case_id))

    def today(self, case_id: str) -> dt.date:
        return ladder.default_as_of(self.case(case_id))

    def _memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        return self.cache.get(key, compute)

    # ---- cases -------------------------------------------------------------

    def cases(self) -> list[dict[str, Any]]:
        """Every case with its index today (and band) and its latest act."""
        def compute():
            out = []
            counts = self.ledger.act_counts()
            for case in self.ledger.cases():
                acts = self.acts(case.id)
                day = ladder.default_as_of(case)
                index = measure.isolation_index(case, acts, day, day, "day").iloc[-1]
                last = acts.sort_values(["day", "recorded_at"], kind="stable").iloc[-1] if len(acts) else None
                out.append({
                    "id": case.id, "name": case.name, "target": case.target, "target_name": reference.name(case.target),
                    "start": case.start.isoformat(), "end": case.end.isoformat() if case.end else None,
                    "acts": int(counts.get(case.id, 0)), "as_of": day.isoformat(),
                    "index": round(float(index["index"]), 4), "index_low": round(float(index["low"]), 4),
                    "index_high": round(float(index["high"]), 4),
                    "last_act_date": last["date"] if last is not None else None,
                    "last_act_actor": last["actor"] if last is not None else None,
                    "last_act": last["act"] if last is not None else None,
                    "last_act_description": last["description"] if last is not None else None,
                    "last_act_source": last["source"] if last is not None else None,
                })
            return out

        return self._memo(("cases",), compute)

    def case_info(self, case_id: str) -> dict[str, Any]:
        case = self.case(case_id)
        info = case.to_dict()
        info.pop("initial", None)
        info["target_name"] = reference.name(case.target)
        info["coalition_leader_name"] = reference.name(case.coalition_leader)
        return info

    # ---- status --------------------------------------------------------------

    def status(self, case_id: str, as_of: dt.date | None = None, known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """Every state's dyad on ``as_of`` (default: today or the case end), as flat records."""
        as_of = as_of or self.today(case_id)

        def compute():
            rows = records(ladder.status_frame(self.case(case_id), self.acts(case_id), as_of, known_on))
            for row in rows:
                row["as_of"] = as_of.isoformat()
            return rows

        return self._memo(("status", case_id, as_of, known_on), compute)

    # ---- measures --------------------------------------------------------------

    def index(self, case_id: str, start: dt.date | None = None, end: dt.date | None = None, freq: str = "month",
              scheme: str = "equal", known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """The isolation index per period with its sensitivity band (``measure.isolation_index``)."""
        def compute():
            frame = measure.isolation_index(self.case(case_id), self.acts(case_id), start, end, freq, scheme,
                                            known_on=known_on)
            return records(frame.round({"index": 4, "low": 4, "high": 4}))

        return self._memo(("index", case_id, start, end, freq, scheme, known_on), compute)

    def cohesion(self, case_id: str, start: dt.date | None = None, end: dt.date | None = None, freq: str = "month",
                 scheme: str = "equal", known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """Coalition cohesion per period (``measure.cohesion``)."""
        def compute():
            frame = measure.cohesion(self.case(case_id), self.acts(case_id), start, end, freq, scheme, known_on=known_on)
            return records(frame.round({"cohesion": 4}))

        return self._memo(("cohesion", case_id, start, end, freq, scheme, known_on), compute)

    def defections(self, case_id: str, as_of: dt.date | None = None, known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """Coalition members that stopped holding, with the act and its source (``measure.defections``)."""
        return self._memo(("defections", case_id, as_of, known_on), lambda: records(
            measure.defections(self.case(case_id), self.acts(case_id), as_of, known_on)))

    def black_knights(self, case_id: str, as_of: dt.date | None = None, scheme: str = "equal",
                      known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """States outside the coalition that supply what it withholds (``measure.black_knights``)."""
        return self._memo(("knights", case_id, as_of, scheme, known_on), lambda: records(
            measure.black_knights(self.case(case_id), self.acts(case_id), as_of, scheme, known_on=known_on)))

    def compare(self, case_ids: list[str], align: str = "start", scheme: str = "equal") -> list[dict[str, Any]]:
        """Several cases' indices on one axis (``measure.compare``)."""
        def compute():
            frame = measure.compare([(self.case(c), self.acts(c)) for c in case_ids], "month", align, scheme)
            return records(frame.round({"index": 4, "low": 4, "high": 4}))

        return self._memo(("compare", tuple(case_ids), align, scheme), compute)

    # ---- the map --------------------------------------------------------------

    def map_frames(self, case_id: str, dates: list[dt.date] | None = None, known_on: dt.date | None = None) -> MapFrames:
        """Levels of every counted state on the first day of every month from the case start, and today
        (or the case end); or, with ``dates``, on each of those dates."""
        def compute():
            case, acts = self.case(case_id), self.acts(case_id)
            end = ladder.default_as_of(case)
            if dates is None:
                panels = [ladder.component_panel(case, acts, case.start, end, "month", known_on)]
                if panels[0].dates[-1].date() != end:
                    panels.append(ladder.component_panel(case, acts, end, end, "day", known_on))
            else:
                panels = [ladder.component_panel(case, acts, d, d, "day", known_on) for d in sorted(set(dates))]
            states = panels[-1].states
            levels, hostile, days = [], [], []
            for panel in panels:
                lv = panel.frame("level").reindex(columns=states, fill_value=int(Level.NONE))
                ho = panel.frame("hostile").reindex(columns=states, fill_value=0)
                levels += lv.to_numpy(dtype=int).tolist()
                hostile += ho.to_numpy(dtype=int).tolist()
                days += [d.date().isoformat() for d in panel.dates]
            return MapFrames(days, states, levels, hostile)

        return self._memo(("map", case_id, tuple(dates) if dates else None, known_on), compute)

    def map_payload(self, case_id: str) -> dict[str, Any]:
        """What the case page's map script needs: dates, states, names, levels, hostile flags, colours."""
        def compute():
            frames = self.map_frames(case_id)
            case = self.case(case_id)
            return {
                "case": case_id, "target": case.target, "dates": frames.dates, "states": frames.states,
                "names": [reference.name(s) for s in frames.states], "levels": frames.levels,
                "hostile": frames.hostile, "level_names": list(LEVEL_NAMES), "colours": list(geo.LEVEL_COLOURS),
                "target_colour": geo.TARGET_COLOUR, "outside_colour": geo.OUTSIDE_COLOUR,
                "target_name": reference.name(case.target),
            }

        return self._memo(("map-payload", case_id), compute)

    # ---- acts and states ----------------------------------------------------------

    def act_records(self, case_id: str, actor: str | None = None, known_on: dt.date | None = None) -> list[dict[str, Any]]:
        """Current acts in the exchange format (newest first), with the actor's name, revision and recording time."""
        def compute():
            acts = self.acts(case_id)
            if actor:
                acts = acts[acts["actor"] == actor]
            if known_on:
                acts = acts[[k <= known_on for k in acts["known_on"]]]
            acts = acts.sort_values(["day", "actor", "act"], ascending=[False, True, True], kind="stable")
            return [_act_record(row) for row in acts.itertuples(index=False)]

        return self._memo(("acts", case_id, actor, known_on), compute)

    def state(self, case_id: str, iso3: str) -> dict[str, Any] | None:
        """One dyad: its status today, its ladder history (each run at one level) and the acts that apply to it
        (its own, and those of organizations that bind it). None when the case does not count the state."""
        def compute():
            case, acts = self.case(case_id), self.acts(case_id)
            status = {row["state"]: row for row in self.status(case_id)}
            if iso3 not in status:
                return None
            end = ladder.default_as_of(case)
            steps = ladder._frame_steps(acts).get(iso3, [])  # the steps the ladder applies to this dyad
            dates, levels, comps, _ = ladder.trajectory(case.initial_components(iso3), [s for s in steps if s.on <= end],
                                                        case.start)
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
            ids = {s.act_id for s in steps}
            applied = acts[acts["act_id"].isin(ids)].sort_values(["day", "act"], ascending=[False, True], kind="stable")
            return {"state": iso3, "name": reference.name(iso3), "status": status[iso3], "history": history,
                    "acts": [_act_record(row) for row in applied.itertuples(index=False)]}

        return self._memo(("state", case_id, iso3), compute)

    # ---- writes ---------------------------------------------------------------------

    def import_acts(self, records_: list[dict], case: str | None = None):
        """Append acts with the importer's checks (``Ledger.import_records``); clears the cache."""
        try:
            return self.ledger.import_records(records_, name="request", case=case)
        finally:
            self.cache.clear()

    # ---- forecasts ------------------------------------------------------------------

    def forecast(self, case_id: str) -> list[dict[str, Any]] | None:
        """FORECAST HOOK: the forecast table of a case, or None while ``pariah.forecast`` is not built.

        When it is, return its rows here (state, name, probability of reaching the case's level
        within the horizon, with the interval) and the case page and the report show them.
        """
        return None


def _act_record(row) -> dict[str, Any]:
    return {
        "case": row.case_id, "date": row.date, "actor": row.actor, "actor_name": reference.name(row.actor),
        "act": row.act, "description": row.description, "source": row.source, "confidence": row.confidence,
        "known_from": plain(row.known_from) or "", "id": row.act_id, "rev": int(row.rev),
        "recorded_at": plain(pd.Timestamp(row.recorded_at).to_pydatetime()) if row.recorded_at is not None else None,
    }
