"""pariah: measure, explain and forecast the diplomatic isolation of regimes.

>>> import pariah
>>> ledger = pariah.Ledger("sqlite://")                  # in memory, filled from the bundled cases
>>> rows = pariah.status(ledger, "taliban-2021", as_of="2024-02-01")
>>> rows.set_index("state").at["CHN", "level_name"]
'ambassadors'

The names below are loaded on first use, so that ``import pariah`` (and the
command line) stays fast; ``pariah.api`` holds their definitions.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Case", "Ledger", "Level", "LEVELS", "PariahError", "panel", "status"]

if TYPE_CHECKING:
    from pariah.api import panel, status
    from pariah.case import Case
    from pariah.exceptions import PariahError
    from pariah.ladder import LEVELS, Level
    from pariah.ledger import Ledger

_HOMES = {"Case": "pariah.case", "Ledger": "pariah.ledger", "Level": "pariah.ladder", "LEVELS": "pariah.ladder",
          "PariahError": "pariah.exceptions", "panel": "pariah.api", "status": "pariah.api"}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'pariah' has no attribute {name!r}")
