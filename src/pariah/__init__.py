"""pariah: measure, explain and forecast the diplomatic isolation of regimes.

>>> import pariah
>>> ledger = pariah.Ledger("sqlite://")
>>> pariah.status(ledger, "taliban-2021", as_of="2024-02-01").head()
"""
from __future__ import annotations

import datetime as dt

from pariah.case import Case
from pariah.exceptions import PariahError
from pariah.ladder import LEVELS, Level
from pariah.ledger import Ledger

__version__ = "0.1.0"
__all__ = ["Case", "Ledger", "Level", "LEVELS", "PariahError", "panel", "status"]


def status(ledger: Ledger, case_id: str, as_of: str | dt.date | None = None, known_on: str | dt.date | None = None):
    """Every state's dyad with the case's target on ``as_of`` (see ``ladder.status_frame``)."""
    from pariah import ladder

    case = ledger.case(case_id)
    return ladder.status_frame(case, ledger.acts(case_id), ladder.to_date(as_of), ladder.to_date(known_on))


def panel(ledger: Ledger, case_id: str, start=None, end=None, freq: str = "day", known_on=None):
    """The level of every state on every date (see ``ladder.panel_frame``)."""
    from pariah import ladder

    case = ledger.case(case_id)
    return ladder.panel_frame(case, ledger.acts(case_id), ladder.to_date(start), ladder.to_date(end), freq,
                              ladder.to_date(known_on))
