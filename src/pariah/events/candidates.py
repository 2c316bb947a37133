"""Candidate acts: events whose codes map to ladder acts that the ledger does not hold yet.

Which codes map to which act is data (``acts.csv``, one row per code, PLOVER mode
and direction, each with its reason); the label shown beside a CAMEO code comes
from the CAMEO table of the ``gdelt`` package (``codes.cameo``).

A candidate is one state, act and month: the events that support it are counted,
and the earliest one with a source URL stands for them (its id is the candidate's
id). It is *held*, and not listed, when the ledger has the same actor and act in
that month (an act dated by month or year covers every month of its period).
Nothing enters the ledger without ``accept``, which writes an ordinary revision
through ``Ledger.import_records``, so it is checked exactly like an import.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from pariah.events import codes, store
from pariah.exceptions import CaseConflict, InvalidArgument, PariahError

SCHEME = {"gdelt1": "cameo", "gdelt2": "cameo", "icews": "cameo", "polecat": "plover"}
DATASET_NAMES = {"gdelt1": "GDELT 1.0", "gdelt2": "GDELT 2.0", "icews": "ICEWS", "polecat": "POLECAT"}
COLUMNS = ["id", "date", "state", "name", "act", "direction", "code", "label", "events", "sources", "source",
           "dataset", "reason"]


class UnknownEvent(PariahError):
    def __init__(self, candidate_id: str, case_id: str):
        super().__init__(f"no event {candidate_id!r} for case {case_id!r}: expected DATASET:EVENT_ID as listed by "
                         f"'pariah events candidates {case_id}'")


def _mapped(frame: pd.DataFrame) -> pd.DataFrame:
    """Events joined to the act they may stand for (events of unmapped codes are left out)."""
    mapping = codes.act_mapping()
    frame = frame.assign(scheme=frame["dataset"].map(SCHEME))
    merged = frame.merge(mapping, on=["scheme", "code", "mode", "direction"], how="inner")
    labels = codes.labels()
    merged["label"] = [labels.get(c, "") if s == "cameo" else f"{c} ({m})" if m else c
                       for s, c, m in zip(merged["scheme"], merged["code"], merged["mode"])]
    return merged


def _held(ledger, case_id: str) -> set[tuple[str, str, str]]:
    """(actor, act, YYYY-MM) of every month covered by an act the ledger holds."""
    from pariah.dates import date_bounds

    acts = ledger.acts(case_id)
    held = set()
    for actor, act, date in zip(acts["actor"], acts["act"], acts["date"]):
        first, last = date_bounds(date)
        month = first.replace(day=1)
        while month <= last:
            held.add((actor, act, month.isoformat()[:7]))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    return held


def candidates(ledger, case_id: str, *, since=None, dataset: str | None = None) -> pd.DataFrame:
    """Candidate acts of a case from the events held for its target, newest last.

    Columns: ``id`` (``DATASET:EVENT_ID``, for ``accept``), ``date``, ``state``,
    ``name``, ``act``, ``direction``, ``code``, ``label``, ``events`` (supporting events
    that month), ``sources`` (their distinct sources), ``source`` (the URL or citation
    of the event standing for them), ``dataset``, ``reason`` (why the code maps to the act).
    """
    from pariah import reference

    frame = store.stored_events(ledger, case_id, dataset=dataset, start=since)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    merged = _mapped(frame)
    if merged.empty:
        return pd.DataFrame(columns=COLUMNS)
    merged["ym"] = [d.isoformat()[:7] for d in merged["day"]]
    held = _held(ledger, case_id)
    merged = merged[[(s, a, m) not in held for s, a, m in zip(merged["state"], merged["act"], merged["ym"])]]
    if merged.empty:
        return pd.DataFrame(columns=COLUMNS)
    merged = merged.assign(no_source=merged["source"] == "").sort_values(
        ["state", "act", "ym", "no_source", "day", "dataset", "event_id"], kind="stable")
    keys = ["state", "act", "ym"]
    groups = merged.groupby(keys, sort=False)
    first = groups.head(1).set_index(keys)
    first["events"] = groups.size()
    first["sources"] = groups["source"].agg(lambda s: s[s != ""].nunique())
    out = first.reset_index()
    out["id"] = out["dataset"] + ":" + out["event_id"]
    out["date"] = out["day"]
    out["name"] = [reference.name(s) for s in out["state"]]
    out = out.sort_values(["date", "state", "act"], kind="stable").reset_index(drop=True)
    return out[COLUMNS]


def _description(event: pd.Series, act: str, label: str, target: str) -> str:
    from pariah import reference

    scheme = SCHEME[event["dataset"]]
    code = f"CAMEO {event['code']}" if scheme == "cameo" else f"PLOVER {event['code']}" + (
        f" ({event['mode']})" if event["mode"] else "")
    way = (f"{reference.name(event['state'])} toward {reference.name(target)}" if event["direction"] == "to_target"
           else f"{reference.name(target)} toward {reference.name(event['state'])}")
    what = f"{code}, {label}" if label and scheme == "cameo" else code
    return (f"{DATASET_NAMES[event['dataset']]} event {event['event_id']} ({what}): {way}; "
            f"accepted as {act} from machine-coded event data.")


def accept(ledger, case_id: str, candidate_id: str):
    """Write the act a candidate stands for, as an ordinary revision (``Ledger.import_records``).

    The act is dated on the event's day, sourced with the event's URL (or its
    citation), with ``low`` confidence: one machine-coded report, to be raised by
    the curator when other sources confirm it. Returns the ``ImportResult``.
    """
    dataset, sep, event_id = candidate_id.partition(":")
    if not sep or dataset not in SCHEME:
        raise UnknownEvent(candidate_id, case_id)
    case = ledger.case(case_id)
    frame = store.stored_events(ledger, case_id, dataset=dataset)
    event = frame[frame["event_id"] == event_id]
    if event.empty:
        raise UnknownEvent(candidate_id, case_id)
    mapped = _mapped(event)
    if mapped.empty:
        row = event.iloc[0]
        raise InvalidArgument(f"event {candidate_id!r} ({row['code']}, {row['direction']}) maps to no ladder act; "
                          "see the mapping in pariah/events/acts.csv")
    row = mapped.iloc[0]
    month = row["day"].isoformat()[:7]
    if (row["state"], row["act"], month) in _held(ledger, case_id):
        raise CaseConflict(f"the ledger already holds {row['state']} {row['act']} in {month}; "
                          f"'pariah export --case {case_id}' lists it")
    source = row["source"] or f"{DATASET_NAMES[dataset]} event {event_id}"
    record = {
        "case": case.id, "date": row["day"].isoformat(), "actor": row["state"], "act": row["act"],
        "description": _description(row, row["act"], row["label"], case.target), "source": source,
        "confidence": "low", "known_from": "", "id": "",
    }
    return ledger.import_records([record], name=f"event {candidate_id}")
