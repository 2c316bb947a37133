"""The append-only ledger of diplomatic acts: storage, import and export.

>>> from pariah.ledger import Ledger
>>> ledger = Ledger("sqlite://")          # in memory, bundled cases loaded
>>> ledger.acts("taliban-2021").head(1)   # the current revision of each act
"""
from pariah.ledger.store import ImportResult, Ledger, default_url

__all__ = ["ImportResult", "Ledger", "default_url"]
