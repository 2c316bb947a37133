"""The leverage model: does withholding recognition still coerce?

>>> from pariah import leverage
>>> from pariah.ledger import Ledger
>>> ledger = Ledger("sqlite://")
>>> case, acts = ledger.case("taliban-2021"), ledger.acts("taliban-2021")
>>> frame = leverage.decompose(case, acts, start="2024-01-01", end="2024-02-01")
>>> list(frame.columns)
['date', 'withheld', 'supplied', 'credibility', 'leverage']
"""
from pariah.leverage.model import (CONCESSION_COST, SLOPE, compare, concession, conditional_engagement,
                                   credibility_at, credibility_series, decompose, restore)
from pariah.leverage.values import default_values, read_values, value_vector, values_from_comtrade

__all__ = ["CONCESSION_COST", "SLOPE", "compare", "concession", "conditional_engagement", "credibility_at", "credibility_series",
           "decompose", "default_values", "read_values", "restore", "value_vector", "values_from_comtrade"]
