"""Forecasts on the record: recorded forecasts (``record``) and their scores once their windows close
(``scorecard``).

Every row of a recorded forecast is kept in the ``forecasts`` table, append-only (the database
refuses updates and deletes), with the time it was made, the digest of the ledger it was made
from and the version of the model's code. A window is closed when ``as_of + horizon`` has passed
(on ``today``); it is then scored against the ledger as it is now: the outcome is whether the
state reached the level, in valid time, after ``as_of`` and by the window's end.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import insert, select

from pariah import reference
from pariah.dates import add_months
from pariah.exceptions import InvalidArgument
from pariah.ladder import Level, parse_level
from pariah.ledger.schema import forecasts

if TYPE_CHECKING:
    from pariah.ledger import Ledger

COLUMNS = ["case", "made_on", "as_of", "horizon", "level", "state", "p", "outcome", "brier", "log_loss", "hit",
           "window_end", "status"]


def record(ledger: Ledger, case_id: str, rows: pd.DataFrame, *, as_of: dt.date, horizon: int,
           level: str | int | Level) -> int:
    """Append every row of a forecast (``forecast.forecast``'s frame) to the record; returns the
    number of rows written. All rows are written in one transaction, or none."""
    from pariah.forecast.training import model_version

    ledger.case(case_id)
    if not len(rows):
        return 0
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    digest = ledger.digest()
    lv = int(parse_level(level))
    values = [{"case_id": case_id, "made_at": now, "as_of": as_of, "horizon": int(horizon), "level": lv,
               "state": r.state, "p": float(r.p), "p_low": float(r.p_low), "p_high": float(r.p_high),
               "ledger_digest": digest, "model_version": model_version()} for r in rows.itertuples()]
    with ledger.engine.begin() as conn:
        conn.execute(insert(forecasts), values)
    return len(values)


def recorded(ledger: Ledger, case_id: str | None = None) -> pd.DataFrame:
    """Every recorded forecast row (of one case), oldest first."""
    if case_id is not None:
        ledger.case(case_id)
    query = select(forecasts).order_by(forecasts.c.id)
    if case_id is not None:
        query = query.where(forecasts.c.case_id == case_id)
    with ledger.engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in forecasts.columns])


def scorecard(ledger: Ledger, case_id: str | None = None, *, today: dt.date | None = None) -> pd.DataFrame:
    """Every recorded forecast row, scored when its window has closed.

    Columns: ``case, made_on, as_of, horizon, level, state, p, outcome, brier, log_loss, hit,
    window_end, status`` (``closed`` or ``open``). A closed row's ``outcome`` is 1 when the state
    reached the level in its window; ``hit`` is whether the forecast was on the right side of
    0.5. An open row shows the events so far (``outcome`` 1 when the state has already moved) and
    no score. The last row is the summary (``state`` ``all``): the mean Brier score and log loss
    of the closed rows, their events, and the events so far of the open ones.
    """
    from pariah.panels import component_panel

    today = today or dt.date.today()
    rows = recorded(ledger, case_id)
    out = []
    panels: dict[str, tuple] = {}
    for r in rows.itertuples():
        if r.case_id not in panels:
            case = ledger.case(r.case_id)
            first = min(pd.Timestamp(d).date() for d in rows.loc[rows["case_id"] == r.case_id, "as_of"])
            panel = component_panel(case, ledger.acts(r.case_id), start=max(first, case.start),
                                    end=max(today, first, case.start), freq="day")
            panels[r.case_id] = (panel.dates.values.astype("datetime64[D]"), panel.states, panel.field("level"))
        days, states, levels = panels[r.case_id]
        as_of = pd.Timestamp(r.as_of).date()
        end = add_months(as_of, int(r.horizon))
        closed = end <= today
        window = (days > np.datetime64(as_of, "D")) & (days <= np.datetime64(min(end, today), "D"))
        moved = bool(r.state in states and window.any()
                     and (levels[window, states.index(r.state)] >= r.level).any())
        p = float(r.p)
        row = {"case": r.case_id, "made_on": pd.Timestamp(r.made_at).date().isoformat(), "as_of": as_of.isoformat(),
               "horizon": int(r.horizon), "level": Level(int(r.level)).label, "state": r.state,
               "name": reference.name(r.state), "p": p, "outcome": int(moved), "window_end": end.isoformat(),
               "status": "closed" if closed else "open"}
        if closed:
            q = min(max(p, 1e-6), 1 - 1e-6)
            row.update(brier=(p - moved) ** 2, log_loss=-(np.log(q) if moved else np.log(1 - q)),
                       hit=(p >= 0.5) == moved)
        else:
            row.update(brier=None, log_loss=None, hit=None)
        out.append(row)
    frame = pd.DataFrame(out, columns=COLUMNS[:6] + ["name"] + COLUMNS[6:])
    closed = frame[frame["status"] == "closed"] if len(frame) else frame
    open_ = frame[frame["status"] == "open"] if len(frame) else frame
    summary = {"case": case_id or "all", "made_on": None, "as_of": None, "horizon": None, "level": None,
               "state": "all", "name": f"{len(closed)} closed, {len(open_)} open",
               "p": float(closed["p"].mean()) if len(closed) else None,
               "outcome": int(closed["outcome"].sum() + open_["outcome"].sum()) if len(frame) else 0,
               "brier": float(closed["brier"].mean()) if len(closed) else None,
               "log_loss": float(closed["log_loss"].mean()) if len(closed) else None,
               "hit": float(closed["hit"].astype(float).mean()) if len(closed) else None,
               "window_end": None, "status": "summary"}
    return pd.concat([frame, pd.DataFrame([summary])], ignore_index=True) if len(frame) else pd.DataFrame([summary])


def check_recordable(as_of: dt.date, today: dt.date | None = None) -> None:
    """A forecast on the record is made today about the future: one ``as_of`` a past date would be
    graded on what its maker could already see."""
    today = today or dt.date.today()
    if as_of < today - dt.timedelta(days=31):
        raise InvalidArgument(f"--record: as_of {as_of} is in the past; a forecast on the record is made as of "
                              f"today (drop --as-of), so that it cannot be graded on what is already known")
