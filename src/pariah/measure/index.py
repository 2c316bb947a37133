"""The isolation index, its sensitivity band, and the ladder profile.

Every formula here is in docs/METHODS.md.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from pariah import reference
from pariah.case import Case
from pariah.dates import DateLike
from pariah.exceptions import InvalidArgument
from pariah.dates import Align, to_date
from pariah.ladder import LEVEL_NAMES
from pariah.panels import Panel, component_panel
from pariah.measure.weights import SCHEMES, Weights, scheme_name, weight_vector

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
    table = reference.states().reindex(panel.states)
    joined = table["un_joined"].astype("Float64").fillna(-np.inf).to_numpy(dtype=float)
    member = table["un_member"].fillna(False).to_numpy(dtype=bool)
    years = panel.dates.year.to_numpy()[:, None]
    return np.where(member[None, :], years >= joined[None, :], True)


def _weighted_index(score: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    ww = mask * w[None, :]
    total = ww.sum(axis=1)
    mean = np.divide((score * ww).sum(axis=1), total, out=np.zeros(len(total)), where=total > 0)
    return 1.0 - mean


def isolation_index(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
                    freq: str = "month", weights: Weights = "equal", scoring: Scoring = DEFAULT,
                    known_on: DateLike = None, panel: Panel | None = None) -> pd.DataFrame:
    """The isolation index per period with its sensitivity band.

    Index = 1 - (weighted mean over states of the normalization score):
    1 when no state has any relation above ``none``, 0 when every state
    recognizes (or, for a case that starts from full relations, keeps them
    all). ``low``/``high`` are the min/max over the built-in schemes, the
    chosen one, and the score mappings of ``MAPPINGS``.

    >>> isolation_index(case, ledger.acts("taliban-2021"), "2024-01-01", "2024-03-01").round(3)  # doctest: +SKIP
            date  index    low   high scheme
    0 2024-01-01  0.955  0.917  0.979  equal
    """
    panel = panel or component_panel(case, acts, start=to_date(start), end=to_date(end), freq=freq,
                                     known_on=to_date(known_on))
    mask = membership(panel)
    scheme = scheme_name(weights)
    main = _weighted_index(scores(panel, scoring), weight_vector(weights, panel.states, case.target), mask)
    variants = [main]
    schemes: list[Weights] = [*SCHEMES, *([weights] if scheme == "custom" else [])]
    matrices = {name: scores(panel, m) for name, m in MAPPINGS.items()}
    for s in schemes:
        w = weight_vector(s, panel.states, case.target)
        for matrix in matrices.values():
            variants.append(_weighted_index(matrix, w, mask))
    stack = np.vstack(variants)
    return pd.DataFrame({
        "date": panel.dates.date,
        "index": main,
        "low": stack.min(axis=0),
        "high": stack.max(axis=0),
        "scheme": scheme,
    })


def ladder_profile(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
                   freq: str = "month", weights: Weights = "equal", known_on: DateLike = None,
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


def compare(cases_and_acts: list[tuple[Case, pd.DataFrame]], *, freq: str = "month", align: str = "start",
            weights: Weights = "equal", end: DateLike = None) -> pd.DataFrame:
    """Indices of several cases on one axis: months since each case's start (``align='start'``) or dates.

    ``cases_and_acts`` is a list of (case, acts) pairs. Rows: ``case, date,
    month, index, low, high`` (``month`` counts from 0 at the start).

    >>> compare([(t2021, a2021), (t1996, a1996)])  # doctest: +SKIP
    """
    if align not in ("start", "calendar"):
        raise InvalidArgument(f"unknown alignment {align!r}: expected start or calendar")
    frames = []
    for case, acts in cases_and_acts:
        frame = isolation_index(case, acts, end=end, freq=freq, weights=weights)
        dates = pd.to_datetime(frame["date"])
        frame.insert(0, "case", case.id)
        frame["month"] = (dates.dt.year - case.start.year) * 12 + (dates.dt.month - case.start.month)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["month" if align == "start" else "date", "case"], kind="stable").reset_index(drop=True)
