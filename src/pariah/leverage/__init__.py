"""The leverage model: does withholding recognition still coerce?

>>> import pariah
>>> from pariah import leverage
>>> ledger = pariah.Ledger()
>>> case, acts = ledger.case("taliban-2021"), ledger.acts("taliban-2021")
>>> leverage.decompose(case, acts, "2021-09-01", "2025-08-01").tail(1)   # doctest: +SKIP
"""
from pariah.leverage.model import (CONCESSION_COST, SLOPE, compare, concession, conditional_engagement,
                                   credibility_series, decompose, restore)
from pariah.leverage.values import default_values, read_values, value_vector, values_from_comtrade

__all__ = ["CONCESSION_COST", "SLOPE", "compare", "concession", "conditional_engagement", "credibility_series",
           "decompose", "default_values", "read_values", "restore", "value_vector", "values_from_comtrade"]
