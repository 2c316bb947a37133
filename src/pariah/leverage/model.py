"""The leverage model: what the coalition withholds, what black knights supply, how sure the
withholding is, and what that implies for concessions. Equations in docs/METHODS.md.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math

from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from pariah.case import Case
from pariah.dates import DateLike, to_date
from pariah.exceptions import InvalidArgument, NotEnoughData
from pariah.ladder import Level
from pariah.panels import component_panel, default_as_of
from pariah.leverage.values import value_vector
from pariah.measure.cohesion import Tiers, supplying
from pariah.measure.index import LEVEL_SCORES, membership

if TYPE_CHECKING:
    from pariah.ledger import Ledger

#: Concession link: p = 1 / (1 + exp(-SLOPE * (leverage - cost))). At leverage = cost the target is
#: indifferent (p = 0.5); with the default cost 0.5, an episode at leverage 0.4 concedes one time in
#: three, the rough success rate of sanctions episodes (Hufbauer, Schott, Elliott and Oegg 2007).
CONCESSION_COST = 0.5
SLOPE = math.log(4) / 0.2  # 0.2 of leverage below the cost gives p = 0.2 (our assumption: busted episodes succeed less)


def decompose(case: Case, acts: pd.DataFrame, *, start: DateLike = None, end: DateLike = None,
              freq: str = "month", values: Mapping[str, float] | None = None,
              credibility: pd.Series | None = None) -> pd.DataFrame:
    """Per period: withheld value W, supplied value S, credibility c, and leverage = W x (1 - S) x c.

    W: value of core coalition members still holding (at ``engaged`` or below, or keeping an isolating
    measure in a case that starts from relations). S: value of states outside the core that
    supply what it withholds (black knights). Values sum to 1 over the states counted on the date.
    ``values`` (ISO3 -> value of relations) defaults to ``default_values``; ``credibility`` (a Series
    by date) defaults to 1.

    >>> decompose(case, ledger.acts("taliban-2021"), start="2024-02-01", end="2024-02-01")  # doctest: +SKIP
    """
    panel = component_panel(case, acts, start=start, end=end, freq=freq)
    state = _state(case, acts, panel, values)
    c = np.ones(len(panel.dates)) if credibility is None else _as_of(credibility, panel.dates)
    return pd.DataFrame({
        "date": panel.dates.date,
        "withheld": state["withheld"],
        "supplied": state["supplied"],
        "credibility": c,
        "leverage": state["withheld"] * (1 - state["supplied"]) * c,
    })


def _as_of(series: pd.Series, dates: pd.DatetimeIndex) -> np.ndarray:
    """The latest value of ``series`` (indexed by date) on or before each date; 1 before the first."""
    series = series.sort_index()
    keys = pd.DatetimeIndex(pd.to_datetime(list(series.index)))
    idx = keys.searchsorted(dates, side="right") - 1
    values = series.to_numpy(dtype=float)
    return np.where(idx >= 0, values[np.clip(idx, 0, None)], 1.0)


def _state(case, acts, panel, values):
    member = membership(panel).astype(bool)
    tiers = Tiers(case, acts, panel)
    coalition, hold, supply = tiers.member["core"], tiers.hold["core"], supplying(panel)
    v = value_vector(panel.states, case.target, values)
    vt = v[None, :] * member
    vt = vt / vt.sum(axis=1, keepdims=True)
    return {
        "values": vt, "coalition": coalition, "hold": hold, "supply": supply & member,
        "withheld": (vt * (coalition & hold)).sum(axis=1),
        "supplied": (vt * (~coalition & supply & member)).sum(axis=1),
    }


def credibility_series(ledger: Ledger, case_id: str, *, dates: Iterable[Any], horizon: int = 12, share: float = 0.02,
                       refit_months: int = 12, values: Mapping[str, float] | None = None) -> pd.Series:
    """The probability that no holding coalition member worth more than ``share`` of the value
    defects (reaches ``missions``) within ``horizon`` months, from the forecast model fitted on what
    was known at each refit date (every ``refit_months`` from the case start; held in between)."""
    from pariah import forecast

    case = ledger.case(case_id)
    dates = sorted(to_date(d) for d in dates)
    out, current, next_fit = {}, 1.0, case.start
    for day in dates:
        while next_fit <= day:
            current = _credibility_at(ledger, case, next_fit, horizon, share, values, forecast) if next_fit > case.start \
                else current
            next_fit = _months_later(next_fit, refit_months)
        out[day] = current
    return pd.Series(out, name="credibility")


def credibility_at(ledger: Ledger, case_id: str, *, as_of: DateLike, horizon: int = 12, share: float = 0.02,
                   values: Mapping[str, float] | None = None) -> float:
    """The credibility term on one date, from the forecast model fitted on what was known then."""
    from pariah import forecast

    day = to_date(as_of)
    if day is None:
        raise InvalidArgument("as_of: a date is needed for the credibility term")
    return _credibility_at(ledger, ledger.case(case_id), day, horizon, share, values, forecast)


def _credibility_at(ledger, case, day, horizon, share, values, forecast) -> float:
    acts = ledger.acts(case.id, known_on=day)
    panel = component_panel(case, acts, start=day, end=day, freq="day")
    state = _state(case, acts, panel, values)
    members = [s for j, s in enumerate(panel.states)
               if state["coalition"][-1, j] and state["hold"][-1, j] and state["values"][-1, j] > share]
    if not members:
        return 1.0
    try:
        rows = forecast.forecast(ledger, case.id, as_of=day, horizon=horizon, level="missions", n_bootstrap=0)
    except (NotEnoughData, InvalidArgument):  # too little known yet, or a date at the start
        return 1.0
    p = rows.set_index("state")["p"]
    return float(np.prod([1 - p.get(s, 0.0) for s in members]))


def _months_later(day: dt.date, months: int) -> dt.date:
    from pariah.dates import add_months

    return add_months(day, months)


def concession(frame: pd.DataFrame, *, cost: float = CONCESSION_COST, spread: float = 0.1) -> pd.DataFrame:
    """Probability that the target concedes, per period, from its leverage; with the probability at
    ``cost - spread`` and ``cost + spread`` to show the sensitivity to the cost.

    Rows: ``date, leverage, concession_cost, p_concede, p_if_cost_lower, p_if_cost_higher``.
    """
    if not 0 <= cost <= 1:
        raise InvalidArgument(f"cost {cost}: expected a number between 0 and 1 (leverage units)")
    p = lambda c: 1 / (1 + np.exp(-SLOPE * (frame["leverage"].to_numpy() - c)))
    return pd.DataFrame({"date": frame["date"], "leverage": frame["leverage"], "concession_cost": cost,
                         "p_concede": p(cost), "p_if_cost_lower": p(max(cost - spread, 0)),
                         "p_if_cost_higher": p(min(cost + spread, 1))})


@dataclasses.dataclass(frozen=True)
class Candidate:
    state: str
    kind: str        # "reverse defection" or "win back black knight"
    value: float


def restore(case: Case, acts: pd.DataFrame, *, target: float, as_of: DateLike = None,
            values: Mapping[str, float] | None = None, credibility: float = 1.0, limit: int = 5,
            max_size: int = 6) -> pd.DataFrame:
    """The smallest sets of moves that would bring leverage on ``as_of`` back to ``target``.

    A move reverses a defection (a coalition member returns to holding: W += v) or wins back a
    black knight (it joins the coalition and holds: W += v, S -= v). Among sets of the smallest
    size that reach the target, the ``limit`` with the highest resulting leverage are listed.
    Rows: ``rank, size, states, moves, value, leverage`` (leverage after the moves). When no set of up
    to ``max_size`` moves reaches it, ``NotEnoughData`` names the highest leverage reachable and how.
    """
    day = to_date(as_of) or default_as_of(case)
    panel = component_panel(case, acts, start=day, end=day, freq="day")
    state = _state(case, acts, panel, values)
    W, S = state["withheld"][-1], state["supplied"][-1]
    coalition, hold, supply, v = state["coalition"][-1], state["hold"][-1], state["supply"][-1], state["values"][-1]
    if not 0 <= target <= 1:
        raise InvalidArgument(f"target {target}: expected a leverage between 0 and 1")
    now = W * (1 - S) * credibility
    candidates = [Candidate(s, "reverse defection", float(v[j])) for j, s in enumerate(panel.states)
                  if coalition[j] and not hold[j] and v[j] > 0]
    candidates += [Candidate(s, "win back black knight", float(v[j])) for j, s in enumerate(panel.states)
                   if not coalition[j] and supply[j] and v[j] > 0]
    columns = ["rank", "size", "states", "moves", "value", "leverage"]
    if now >= target:
        return pd.DataFrame([{"rank": 1, "size": 0, "states": "", "moves": "", "value": 0.0, "leverage": now}], columns=columns)
    found = _smallest_sets(candidates, W, S, credibility, target, limit, max_size)
    if not found:
        best = best_moves(candidates, W, S, credibility, max_size)
        named = "; ".join(f"{c.state}: {c.kind}" for c in best) or "no move is open"
        raise NotEnoughData(f"no set of up to {max_size} moves restores leverage {target} on {day}: the most "
                            f"reachable is {leverage_after(W, S, credibility, best):.3f} (now {now:.3f}), by {named}")
    rows = [{"rank": i + 1, "size": len(combo), "states": " ".join(c.state for c in combo),
             "moves": "; ".join(f"{c.state}: {c.kind}" for c in combo), "value": sum(c.value for c in combo),
             "leverage": lev} for i, (lev, combo) in enumerate(found)]
    return pd.DataFrame(rows, columns=columns)


def leverage_after(W: float, S: float, credibility: float, moves) -> float:
    dw = sum(c.value for c in moves)
    ds = sum(c.value for c in moves if c.kind == "win back black knight")
    return (W + dw) * (1 - S + ds) * credibility


def _smallest_sets(candidates, W, S, credibility, target, limit, max_size):
    # Leverage only grows with each move, so the best set of a size holds the largest values; a size
    # can reach the target only if its best set does. Search sizes upward; within the first size that
    # can, enumerate among the strongest candidates.
    ranked = sorted(candidates, key=lambda c: c.value * (2 if c.kind == "win back black knight" else 1), reverse=True)
    for size in range(1, min(max_size, len(ranked)) + 1):
        if leverage_after(W, S, credibility, _best_of_size(ranked, size, W, S, credibility)) < target:
            continue
        pool = ranked[: min(len(ranked), 18)]
        found = []
        for combo in itertools.combinations(pool, size):
            lev = leverage_after(W, S, credibility, combo)
            if lev >= target:
                found.append((lev, combo))
        found.sort(key=lambda x: (-x[0], [c.state for c in x[1]]))
        return found[:limit]
    return []


def best_moves(candidates, W: float, S: float, credibility: float, size: int) -> tuple[Candidate, ...]:
    """The set of at most ``size`` moves with the highest leverage after them (exact).

    For a given number m of black knights won back, leverage grows with the values of the chosen
    knights and of all chosen moves, so the best set holds the m most valuable knights and the most
    valuable of the rest; the best m is found by trying each."""
    knights = sorted((c for c in candidates if c.kind == "win back black knight"), key=lambda c: -c.value)
    others = sorted((c for c in candidates if c.kind != "win back black knight"), key=lambda c: -c.value)
    size = min(size, len(candidates))
    best: tuple[Candidate, ...] = ()
    for m in range(0, min(size, len(knights)) + 1):
        chosen = tuple(knights[:m]) + tuple(sorted(others + knights[m:], key=lambda c: -c.value)[: size - m])
        if leverage_after(W, S, credibility, chosen) > leverage_after(W, S, credibility, best):
            best = chosen
    return best


def _best_of_size(ranked, size, W, S, credibility):
    pool = ranked[: min(len(ranked), 18)]
    return max(itertools.combinations(pool, size), key=lambda combo: leverage_after(W, S, credibility, combo))


def conditional_engagement(frame: pd.DataFrame, *, demands: int, cost: float = CONCESSION_COST,
                           waiting: pd.Series | None = None) -> pd.DataFrame:
    """Step-by-step offer against the black knights' unconditional one, per period.

    For k concessions (of ``demands``) the coalition moves k ladder steps up from ``none``, releasing
    ``withheld x (score(none + k) - score(none))``; each concession costs ``cost / demands``. The target
    takes the best k. Waiting instead brings, for free, what black knights already give plus what
    coalition members are expected to release by defecting (``waiting``, default: withheld x (1 - credibility)).
    Conditional engagement beats waiting when the best offer's net value exceeds that.

    Rows: ``date, best_concessions, offer_value, concession_cost, waiting_value, conditional_beats_waiting``.
    """
    if demands < 1:
        raise NotEnoughData("the case lists no demands: nothing to offer steps for")
    rows = []
    expected = waiting if waiting is not None else frame["withheld"] * (1 - frame["credibility"])
    for i, row in enumerate(frame.itertuples()):
        best_k, best_net, best_value = 0, 0.0, 0.0
        for k in range(1, demands + 1):
            step = min(int(Level.NONE) + k, int(Level.RECOGNIZED))
            value = row.withheld * (LEVEL_SCORES[step] - LEVEL_SCORES[int(Level.NONE)])
            net = value - cost * k / demands
            if net > best_net:
                best_k, best_net, best_value = k, net, value
        wait = float(expected.iloc[i])
        rows.append({"date": row.date, "best_concessions": best_k, "offer_value": best_value,
                     "concession_cost": cost * best_k / demands, "waiting_value": wait,
                     "conditional_beats_waiting": bool(best_k > 0 and best_net > wait)})
    return pd.DataFrame(rows)


def compare(cases_and_acts: list[tuple[Case, pd.DataFrame]], *, end: DateLike = None, freq: str = "month") -> pd.DataFrame:
    """Leverage (without credibility) of several cases at matched months since their start.

    Rows: ``case, month, date, withheld, supplied, leverage``.
    """
    frames = []
    for case, acts in cases_and_acts:
        frame = decompose(case, acts, end=end, freq=freq)
        dates = pd.to_datetime(frame["date"])
        frame.insert(0, "case", case.id)
        frame.insert(1, "month", (dates.dt.year - case.start.year) * 12 + dates.dt.month - case.start.month)
        frames.append(frame.drop(columns=["credibility"]))
    return pd.concat(frames, ignore_index=True).sort_values(["month", "case"], kind="stable").reset_index(drop=True)
