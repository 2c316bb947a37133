"""The append-only ledger of diplomatic acts: storage, import and export.

>>> from pariah.ledger import Ledger
>>> ledger = Ledger("sqlite://")          # in memory, bundled cases loaded
>>> acts = ledger.acts("taliban-2021")    # the current revision of each act
>>> list(acts.columns[:5])
['rev', 'act_id', 'case_id', 'date', 'day']
"""
from pariah.ledger.store import ImportResult, Ledger, default_url

__all__ = ["ImportResult", "Ledger", "default_url"]
