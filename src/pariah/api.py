"""The two entry points that take a ledger and a case id (``pariah.status``, ``pariah.panel``).

The analysis API has two calling conventions, both keyword-only after the
leading arguments:

- ``f(case, acts, *, ...)`` for everything that measures one case from its
  acts (``pariah.panels.status_frame``, ``pariah.measure``, ``pariah.leverage``);
- ``f(ledger, case_id, *, ...)`` for what needs the whole ledger (these two, and
  ``pariah.forecast``, which learns from every case).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pariah.dates import DateLike

if TYPE_CHECKING:
    import pandas as pd

    from pariah.ledger import Ledger


def status(ledger: Ledger, case_id: str, *, as_of: DateLike = None, known_on: DateLike = None) -> pd.DataFrame:
    """Every state's dyad with the case's target on ``as_of`` (see ``pariah.panels.status_frame``).

    >>> from pariah.ledger import Ledger
    >>> ledger = Ledger("sqlite://")      # in memory, filled from the bundled cases
    >>> rows = status(ledger, "taliban-2021", as_of="2024-02-01")
    >>> list(rows.columns[:5])
    ['state', 'name', 'level', 'level_name', 'since']
    """
    from pariah.panels import status_frame

    return status_frame(ledger.case(case_id), ledger.acts(case_id), as_of=as_of, known_on=known_on)


def panel(ledger: Ledger, case_id: str, *, start: DateLike = None, end: DateLike = None, freq: str = "day",
          known_on: DateLike = None) -> pd.DataFrame:
    """The level of every state on every date: one row per date, one column per state
    (see ``pariah.panels.panel_frame``).

    >>> from pariah.ledger import Ledger
    >>> ledger = Ledger("sqlite://")
    >>> frame = panel(ledger, "taliban-2021", start="2024-01-01", end="2024-03-01", freq="month")
    >>> int(frame.loc["2024-02-01", "CHN"])
    4
    """
    from pariah.panels import panel_frame

    return panel_frame(ledger.case(case_id), ledger.acts(case_id), start=start, end=end, freq=freq,
                       known_on=known_on)
