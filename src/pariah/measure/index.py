"""The isolation index, its sensitivity band, and the ladder profile.

Every formula here is in docs/METHODS.md.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import numpy as np
import pandas as pd

from pariah import reference
from pariah.case import Case
from pariah.dates import DateLike
from pariah.exceptions import InvalidArgument
from pariah.dates import Align, CompareMeasure, add_months, to_date
from pariah.ladder import LEVEL_NAMES
from pariah.panels import Panel, component_panel
from pariah.measure.weights import DEFAULT_SCHEME, SCHEMES, Weights, scheme_name, weight_vector

#: Default normalization score of each ladder level (hostile, none, engaged, missions, ambassadors, recognized).
LEVEL_SCORES = (0.0, 0.0, 0.25, 0.5, 0.75, 1.0)


@dataclasses.dataclass(frozen=True)
class Scoring:
    """How a dyad's components become a normalization score in [0, 1].

    States that start with no relations are scored by their level
    (``level_scores``). States that start with relations (a case's
    ``initial``) are scored relative to that start: the weighted components
    they still hold over those they held (``component_weights`` for
    recognition, own mission, hosted mission; contact can only add). Either
    way a hostile flag subtracts ``hostile_penalty``; the score is clipped to [0, 1].
    """

    level_scores: tuple[float, ...] = LEVEL_SCORES
    recognition: float = 0.4
    mission: float = 0.2
    hosted: float = 0.2
    contact: float = 0.2
    hostile_penalty: float = 0.25


DEFAULT = Scoring()
#: The mappings the sensitivity band spans (documented ranges, docs/METHODS.md).
MAPPINGS = {
    "default": DEFAULT,
    "low": Scoring(level_scores=(0.0, 0.0, 0.15, 0.4, 0.65, 1.0), hostile_penalty=0.1, recognition=0.5, mission=0.15, hosted=0.15),
    "high": Scoring(level_scores=(0.0, 0.0, 0.35, 0.6, 0.85, 1.0), hostile_penalty=0.4, recognition=0.3, mission=0.25, hosted=0.25),
    "recognition-heavy": Scoring(level_scores=(0.0, 0.0, 0.1, 0.25, 0.5, 1.0)),
}


def scores(panel: Panel, scoring: Scoring = DEFAULT) -> np.ndarray:
    """Normalization score of every dyad on every date: shape (dates, states), values in [0, 1]."""
    level = panel.field("level").astype(int)
    hostile = panel.field("hostile")
    absolute = np.asarray(scoring.level_scores)[level]
    f = {name: i for i, name in enumerate(("level", "recognition", "mission", "hosted", "hostile", "contact"))}
    base = (scoring.recognition * panel.initial[:, f["recognition"]]
            + scoring.mission * panel.initial[:, f["mission"]] / 2
            + scoring.hosted * panel.initial[:, f["hosted"]] / 2)
    held = (scoring.recognition * panel.field("recognition") + scoring.mission * panel.field("mission") / 2
            + scoring.hosted * panel.field("hosted") / 2 + scoring.contact * panel.field("contact"))
    relative = held / np.where(base > 0, base, 1.0)
    score = np.where(base > 0, relative, absolute) - scoring.hostile_penalty * hostile
    return np.clip(score, 0.0, 1.0)


def membership(panel: Panel) -> np.ndarray:
    """Whether each state counts on each date: UN members from their joining year; named non-members always."""
    joined, member = _un_years(tuple(panel.states))
    years = panel.dates.year.to_numpy()[:, None]
    return np.where(member[None, :], years >= joined[None, :], True)


@functools.lru_cache(maxsize=64)
def _un_years(states: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    table = reference.states().reindex(list(states))
    joined = table["un_joined"].astype("Float64").fillna(-np.inf).to_numpy(dtype=float)
    member = table["un_member"].fillna(False).to_numpy(dtype=bool)
    return joined, member


def _weighted_index(score: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    ww = mask * w[None, :]
    total = ww.sum(axis=1)
    mean = np.divide((score * ww).sum(axis=1), total, out=np.zeros(len(total)), where=total > 0)
    return 1.0 - mean


def isolation_index(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
                    freq: str = "month", weights: Weights = DEFAULT_SCHEME, scoring: Scoring = DEFAULT,
                    known_on: DateLike = None, panel: Panel | None = None) -> pd.DataFrame:
    """The isolation index per period, its two sensitivity bands and its movement.

    Index = 1 - (weighted mean over states of the normalization score):
    1 when no state has any relation above ``none``, 0 when every state
    recognizes (or, for a case that starts from full relations, keeps them
    all). Columns: ``date, index, low, high, all_low, all_high, change_start,
    change_12m, scheme``: ``low``/``high`` span the chosen weighting under the
    score mappings of ``MAPPINGS``; ``all_low``/``all_high`` span every
    built-in scheme (and the chosen one) under every mapping;
    ``change_start`` is the index minus its value on the case's first day and
    ``change_12m`` minus its value 12 months earlier (empty before the case
    is a year old), both under the same weighting and scoring.

    >>> import pariah
    >>> ledger = pariah.Ledger("sqlite://")
    >>> row = isolation_index(ledger.case("taliban-2021"), ledger.acts("taliban-2021"),
    ...                       start="2024-01-01", end="2024-01-01").iloc[0]
    >>> bool(row["all_low"] <= row["low"] <= row["index"] <= row["high"] <= row["all_high"])
    True
    >>> bool(row["change_start"] < 0)
    True
    """
    known_on = to_date(known_on)
    panel = panel or component_panel(case, acts, start=to_date(start), end=to_date(end), freq=freq, known_on=known_on)
    scheme = scheme_name(weights)
    chosen = weight_vector(weights, panel.states, case.target)
    main = _weighted_index(scores(panel, scoring), chosen, membership(panel))
    low, high, all_low, all_high = _bands(case, panel, weights, chosen, main)
    first, earlier = _reference_values(case, acts, panel, weights, scoring, known_on)
    return pd.DataFrame({
        "date": panel.dates.date, "index": main, "low": low, "high": high, "all_low": all_low, "all_high": all_high,
        "change_start": main - first, "change_12m": main - earlier, "scheme": scheme,
    })


def _bands(case: Case, panel: Panel, weights: Weights, chosen: np.ndarray, main: np.ndarray):
    """The chosen weighting across score mappings, and every scheme across them."""
    mask = membership(panel)
    matrices = [scores(panel, m) for m in MAPPINGS.values()]
    own = np.vstack([main, *(_weighted_index(m, chosen, mask) for m in matrices)])
    every = [own]
    for s in SCHEMES:
        if s != weights:
            w = weight_vector(s, panel.states, case.target)
            every.append(np.vstack([_weighted_index(m, w, mask) for m in matrices]))
    stack = np.vstack(every)
    return own.min(axis=0), own.max(axis=0), stack.min(axis=0), stack.max(axis=0)


def _reference_values(case: Case, acts: pd.DataFrame, panel: Panel, weights: Weights, scoring: Scoring,
                      known_on: dt.date | None) -> tuple[float, np.ndarray]:
    """The index on the case's first day, and 12 months before each date of ``panel`` (NaN before the start)."""
    dates = [d.date() for d in panel.dates]
    back = [add_months(d, -12) for d in dates]
    wanted = sorted({case.start, *(b for b in back if b >= case.start)})
    past = component_panel(case, acts, dates=wanted, known_on=known_on)
    values = dict(zip(wanted, _weighted_index(scores(past, scoring), weight_vector(weights, past.states, case.target),
                                               membership(past))))
    return values[case.start], np.array([values.get(b, np.nan) if b >= case.start else np.nan for b in back])


def ladder_profile(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
                   freq: str = "month", weights: Weights = DEFAULT_SCHEME, known_on: DateLike = None,
                   panel: Panel | None = None) -> pd.DataFrame:
    """Count, share and weighted share of states at or above each level (engaged to recognized), per period.

    >>> ladder_profile(case, acts, "2024-02-01", "2024-02-01").query("level_name == 'ambassadors'")  # doctest: +SKIP
    """
    panel = panel or component_panel(case, acts, start=to_date(start), end=to_date(end), freq=freq,
                                     known_on=to_date(known_on))
    mask = membership(panel)
    scheme = scheme_name(weights)
    w = weight_vector(weights, panel.states, case.target)[None, :] * mask
    level = panel.field("level")
    rows = []
    for lv in range(2, 6):
        at = level >= lv
        count = (at & mask.astype(bool)).sum(axis=1)
        members = mask.sum(axis=1)
        rows.append(pd.DataFrame({
            "date": panel.dates.date, "level": lv, "level_name": LEVEL_NAMES[lv], "count": count,
            "share": np.divide(count, members, out=np.zeros(len(count)), where=members > 0),
            "weighted_share": np.divide((at * w).sum(axis=1), w.sum(axis=1), out=np.zeros(len(count)),
                                        where=w.sum(axis=1) > 0),
            "scheme": scheme,
        }))
    return pd.concat(rows, ignore_index=True).sort_values(["date", "level"], kind="stable").reset_index(drop=True)


#: Rounding of the index's columns in every table and payload.
INDEX_ROUNDING = {"index": 4, "low": 4, "high": 4, "all_low": 4, "all_high": 4, "change_start": 4, "change_12m": 4}

MEASURES = tuple(m.value for m in CompareMeasure)


def compare(cases_and_acts: list[tuple[Case, pd.DataFrame]], *, freq: str = "month", align: str = "start",
            weights: Weights = DEFAULT_SCHEME, end: DateLike = None, measure: str = "change") -> pd.DataFrame:
    """Several cases measured against their own start, on one axis: months since each case's start
    (``align='start'``) or dates.

    Cases start from opposite ends: a recognition case (the Taliban) from an index near 1, a case of
    lost relations (Russia 2022) from near 0. ``value`` is, by ``measure``: ``change``, the index
    minus its value at the start; ``realised``, the share of the possible movement realised
    (towards 0 for a recognition case, towards 1 for a relations case; negative when it moved
    back); ``index``, the index itself. Rows: ``case, kind, date, month, value, index, low, high,
    change_start, measure, scheme`` (``kind``: ``recognition`` or ``relations``; ``month`` counts from 0).

    >>> import pariah
    >>> ledger = pariah.Ledger("sqlite://")
    >>> rows = compare([(ledger.case(c), ledger.acts(c)) for c in ("taliban-2021", "russia-2022")], freq="quarter")
    >>> sorted(set(zip(rows["case"], rows["kind"])))
    [('russia-2022', 'relations'), ('taliban-2021', 'recognition')]
    >>> bool((rows[rows["month"] == 0]["value"] == 0).all())
    True
    """
    if align not in ("start", "calendar"):
        raise InvalidArgument(f"unknown alignment {align!r}: expected start or calendar")
    if measure not in MEASURES:
        raise InvalidArgument(f"unknown measure {measure!r}: expected {', '.join(MEASURES)}")
    frames = []
    for order, (case, acts) in enumerate(cases_and_acts):
        frame = isolation_index(case, acts, end=end, freq=freq, weights=weights)
        dates = pd.to_datetime(frame["date"])
        first = frame["index"] - frame["change_start"]
        if case.starts_with_relations:
            possible, moved = 1 - first, frame["change_start"]
        else:
            possible, moved = first, -frame["change_start"]
        realised = np.divide(moved, possible, out=np.zeros(len(frame)), where=possible.to_numpy() > 1e-9)
        value = {"change": frame["change_start"], "realised": realised, "index": frame["index"]}[measure]
        frames.append(pd.DataFrame({
            "case": case.id, "kind": case.kind, "date": frame["date"],
            "month": (dates.dt.year - case.start.year) * 12 + (dates.dt.month - case.start.month),
            "value": value, "index": frame["index"], "low": frame["low"], "high": frame["high"],
            "change_start": frame["change_start"], "measure": measure, "scheme": frame["scheme"], "order": order,
        }))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["month" if align == "start" else "date", "order"], kind="stable")
    return out.drop(columns="order").reset_index(drop=True)


def compare_columns(frame: pd.DataFrame, *, align: str = "start") -> pd.DataFrame:
    """A ``compare`` frame with one column per case (its ``value``), one row per month or date."""
    key = "month" if align == "start" else "date"
    wide = frame.pivot_table(index=key, columns="case", values="value", sort=False)
    order = list(dict.fromkeys(frame["case"]))
    return wide.reindex(columns=order).sort_index().reset_index().rename_axis(columns=None)
