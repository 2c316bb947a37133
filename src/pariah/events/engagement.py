"""Engagement: a monthly covariate of each state's cooperative contact with a case's target.

For state s and month m, with E(s, m) the events between s and the target in
that month, in both directions::

    engagement(s, m) = ln(1 + sum over cooperative e in E(s, m) of w(e))
    w(e) = max(goldstein(e), 0)       for CAMEO data (GDELT, ICEWS)
    w(e) = 1                          for data without a Goldstein score (PLOVER / POLECAT)

Cooperative events are quad classes 1 and 2 (verbal and material cooperation).
The logarithm damps the heavy tail of news coverage (a summit draws hundreds of
reports). The sum inside is ``cooperation_score`` of the monthly aggregates,
summed over the two directions. Off by default: the forecast model uses it only
when asked to.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pariah.events import store
from pariah.exceptions import InvalidArgument


def engagement(ledger, case_id: str, *, dataset: str | None = None, start=None, end=None) -> pd.DataFrame:
    """``DataFrame[state, month, engagement]`` for a case, one row per state and month.

    States: every state with at least one event with the target in the period.
    Months: from the first to the last month with event data (within the case
    period, or ``start``..``end``); a month without events between a state and the
    target has engagement 0. ``dataset`` must be given when several datasets hold
    events of the target (their events would be counted twice).
    """
    case = ledger.case(case_id)
    held = store.datasets(ledger, case.target)
    if dataset is None and len(held) > 1:
        raise InvalidArgument(f"several datasets hold events of {case.target} ({', '.join(held)}); "
                          "choose one with dataset=")
    rows = store.aggregates(ledger, case_id, dataset=dataset, start=start, end=end)
    if rows.empty:
        return pd.DataFrame({"state": pd.Series(dtype=str), "month": pd.Series(dtype=object),
                             "engagement": pd.Series(dtype=float)})
    score = rows.groupby(["state", "month"])["cooperation_score"].sum()
    first, last = min(rows["month"]), max(rows["month"])
    months = [d.date() for d in pd.date_range(first, last, freq="MS")]
    grid = pd.MultiIndex.from_product([sorted(rows["state"].unique()), months], names=["state", "month"])
    score = score.reindex(grid, fill_value=0.0)
    return pd.DataFrame({"state": grid.get_level_values(0), "month": grid.get_level_values(1),
                         "engagement": np.log1p(score.to_numpy())})
