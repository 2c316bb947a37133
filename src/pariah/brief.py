"""The brief: the numbers an analyst puts in a sentence about a case on a date, each with the acts
behind it.

``brief(ledger, case_id)`` returns one dictionary of plain values (JSON as it is) with these
sections:

- ``case``: id, name, target, start, end, kind (``recognition`` or ``relations``), the
  normalization level, and the ledger digest the figures come from;
- ``levels``: per rung from ``engaged`` up, the states at it and at or above it, and what the
  latter include: their share of the states counted and of those states' population, how many
  of the P5 and of the G20, of the target's neighbours and of its UN subregion; each state with
  the act that put it there (``members``);
- ``moved``: the acts of the last 12 months that changed a state's level, with sources;
- ``defections``: the defections from the core coalition and from the consensus;
- ``cohesion``: both tiers on the date;
- ``black_knights``: the states outside the core at ``missions`` or above;
- ``index``: the headline index with both bands, its value at the start and 12 months earlier,
  and its change since each;
- ``leverage``: withheld and supplied value and the leverage left (credibility taken as 1
  unless the forecast is asked for);
- ``next``: the five states most likely to reach the case's level within the horizon, with
  their intervals and drivers (empty when ``forecast=False``).

>>> import pariah
>>> ledger = pariah.Ledger("sqlite://")
>>> b = brief(ledger, "taliban-2021", as_of="2025-08-01", forecast=False)
>>> sorted(b)
['as_of', 'black_knights', 'case', 'cohesion', 'defections', 'index', 'levels', 'leverage', 'moved', 'next', 'notes']
>>> recognized = next(level for level in b["levels"] if level["level_name"] == "recognized")
>>> [m["state"] for m in recognized["members"]]
['RUS']
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pariah.dates import DateLike, add_months, to_date
from pariah.ladder import LEVEL_NAMES, Level

if TYPE_CHECKING:
    from pariah.ledger import Ledger

#: How many of the most likely movers the brief names.
NEXT = 5


def brief(ledger: Ledger, case_id: str, *, as_of: DateLike = None, known_on: DateLike = None,
          weights: Any = None, forecast: bool = True, horizon: int = 12) -> dict[str, Any]:
    """The brief of one case on ``as_of`` (default: today or the case end); see the module doc."""
    from pariah.panels import check_as_of, default_as_of

    case = ledger.case(case_id)
    day = check_as_of(case, to_date(as_of) or default_as_of(case))
    out = brief_of(case, ledger.acts(case_id), as_of=day, known_on=known_on, weights=weights,
                   digest=ledger.digest(case_id), credibility=_credibility(ledger, case, day) if forecast else None)
    if forecast:
        out["next"] = _next(ledger, case_id, day, horizon)
    return out


def brief_of(case, acts, *, as_of: DateLike, known_on: DateLike = None, weights: Any = None,
             digest: str | None = None, credibility: float | None = None) -> dict[str, Any]:
    """The brief from a case and its acts alone: no forecast (``next`` empty; credibility 1 unless given)."""
    from pariah import measure, reference
    from pariah.measure.cohesion import TIERS
    from pariah.measure.index import membership
    from pariah.measure.weights import DEFAULT_SCHEME
    from pariah.panels import check_as_of, component_panel, status_frame
    from pariah.present.tables import records

    day = check_as_of(case, to_date(as_of) or case.start)
    known = to_date(known_on)
    weights = weights if weights is not None else DEFAULT_SCHEME
    year_ago = add_months(day, -12)

    panel = component_panel(case, acts, start=day, end=day, freq="day", known_on=known)
    counted = membership(panel)[-1].astype(bool)
    level = panel.field("level")[-1]
    status = status_frame(case, acts, as_of=day, known_on=known).set_index("state")
    index = measure.isolation_index(case, acts, start=day, end=day, freq="day", weights=weights,
                                    known_on=known).iloc[0]
    cohesion = measure.cohesion(case, acts, start=day, end=day, freq="day", known_on=known)
    defections = measure.defections(case, acts, as_of=day, known_on=known)
    knights = measure.black_knights(case, acts, as_of=day, known_on=known)

    out: dict[str, Any] = {
        "case": {"id": case.id, "name": case.name, "target": case.target, "target_name": reference.name(case.target),
                 "start": case.start.isoformat(), "end": case.end.isoformat() if case.end else None,
                 "kind": case.kind, "level": case.level.label, "ledger_digest": digest},
        "as_of": day.isoformat(),
        "levels": _levels(case, panel.states, level, counted, status, day),
        "moved": _moved(case, acts, known, year_ago, day),
        "defections": {tier: records(defections[defections["tier"] == tier].drop(columns="tier")) for tier in TIERS},
        "cohesion": {row["tier"]: {k: v for k, v in row.items() if k not in ("date", "tier")}
                     for row in records(cohesion.round({"cohesion": 4}))},
        "black_knights": records(knights.round({"weight": 4})),
        "index": {
            "scheme": index["scheme"], "index": round(float(index["index"]), 4),
            "low": round(float(index["low"]), 4), "high": round(float(index["high"]), 4),
            "all_low": round(float(index["all_low"]), 4), "all_high": round(float(index["all_high"]), 4),
            "at_start": round(float(index["index"] - index["change_start"]), 4),
            "change_start": round(float(index["change_start"]), 4),
            "year_ago": None if index["change_12m"] != index["change_12m"] else round(float(index["index"] - index["change_12m"]), 4),
            "change_12m": None if index["change_12m"] != index["change_12m"] else round(float(index["change_12m"]), 4),
        },
        "leverage": _leverage(case, acts, day, credibility),
        "next": [],
        "notes": [
            "Population shares use each state's current population (reference data), also for past dates.",
            "Counted states: UN members from the year they joined, and the non-members the case names.",
        ],
    }
    return out


def _levels(case, states: list[str], level, counted, status, day: dt.date) -> list[dict[str, Any]]:
    from pariah import reference

    table = reference.states()
    population = table["population"].reindex(states).astype("Float64").fillna(0).to_numpy(dtype=float)
    p5, g20 = set(reference.bloc_members("P5", day)), set(reference.bloc_members("G20", day))
    target = case.target
    neighbours = set(table.at[target, "neighbours"]) if target in table.index else set()
    subregion = table.at[target, "subregion"] if target in table.index else None
    region = {s for s in states if s in table.index and subregion and table.at[s, "subregion"] == subregion} - {target}
    total_pop = float((population * counted).sum())
    rows = []
    for rung in range(int(Level.ENGAGED), int(Level.RECOGNIZED) + 1):
        above = [s for j, s in enumerate(states) if counted[j] and level[j] >= rung]
        at = [s for s in above if int(status.at[s, "level"]) == rung]
        pop = float(sum(population[states.index(s)] for s in above))
        members = [{
            "state": s, "name": reference.name(s), "level_name": LEVEL_NAMES[int(status.at[s, "level"])],
            "since": status.at[s, "since"].isoformat(), "act": status.at[s, "last_act"],
            "act_id": status.at[s, "last_id"], "date": status.at[s, "last_date"], "source": status.at[s, "last_source"],
        } for s in sorted(above, key=lambda s: (-int(status.at[s, "level"]), status.at[s, "since"], s))]
        rows.append({
            "level": rung, "level_name": LEVEL_NAMES[rung], "at": len(at), "at_or_above": len(above),
            "counted": int(counted.sum()), "share_of_states": round(len(above) / max(int(counted.sum()), 1), 4),
            "population_share": round(pop / total_pop, 4) if total_pop else None,
            "p5": sorted(p5 & set(above)), "p5_of": len(p5),
            "g20": sorted(g20 & set(above)), "g20_of": len(g20),
            "neighbours": sorted(neighbours & set(above)), "neighbours_of": len(neighbours),
            "region": sorted(region & set(above)), "region_of": len(region), "region_name": subregion,
            "members": members,
        })
    return rows


def _moved(case, acts, known: dt.date | None, since: dt.date, day: dt.date) -> list[dict[str, Any]]:
    """Acts after ``since`` and up to ``day`` that changed their state's level."""
    from pariah import reference
    from pariah.ladder import trajectory
    from pariah.panels import frame_steps, select_acts

    rows = []
    for state, steps in frame_steps(select_acts(acts, day, known)).items():
        if not reference.is_state(state) or state == case.target:
            continue
        dates, levels, _, lasts = trajectory(case.initial_components(state), steps, case.start)
        for i in range(1, len(dates)):
            step = lasts[i]
            if levels[i] == levels[i - 1] or step is None or max(step.on, case.start) != dates[i]:
                continue  # no change, or a contact that lapsed 12 months on (no act did it)
            if since < dates[i] <= day:
                rows.append({"date": dates[i].isoformat(), "state": state, "name": reference.name(state),
                             "act": step.act, "act_id": step.act_id, "from_level": levels[i - 1],
                             "from_level_name": LEVEL_NAMES[levels[i - 1]], "level": levels[i],
                             "level_name": LEVEL_NAMES[levels[i]], "description": step.description,
                             "source": step.source})
    return sorted(rows, key=lambda r: (r["date"], r["state"]))


def _credibility(ledger, case, day: dt.date) -> float:
    from pariah import leverage

    return leverage.credibility_at(ledger, case.id, as_of=day) if day > case.start else 1.0


def _leverage(case, acts, day: dt.date, credibility: float | None = None) -> dict[str, Any]:
    from pariah import leverage
    from pariah.exceptions import NotEnoughData

    try:
        row = leverage.decompose(case, acts, start=day, end=day, freq="day").iloc[0]
    except NotEnoughData as e:
        return {"withheld": None, "supplied": None, "credibility": None, "leverage": None, "note": str(e)}
    c = 1.0 if credibility is None else credibility
    return {"withheld": round(float(row["withheld"]), 4), "supplied": round(float(row["supplied"]), 4),
            "credibility": round(float(c), 4), "leverage": round(float(row["withheld"] * (1 - row["supplied"]) * c), 4),
            "note": "" if credibility is not None else "credibility taken as 1 (no forecast asked for)"}


def _next(ledger, case_id: str, day: dt.date, horizon: int) -> list[dict[str, Any]]:
    from pariah import forecast
    from pariah.present.tables import records

    rows = forecast.forecast(ledger, case_id, as_of=day, horizon=horizon)
    return records(rows.head(NEXT).round({"p": 4, "p_low": 4, "p_high": 4}))
