"""Measuring isolation: the isolation index, the ladder profile, coalition cohesion, defections,
black knights and cross-case comparison. Every function returns a pandas DataFrame; every formula
is in docs/METHODS.md.

>>> from pariah import measure
>>> from pariah.ledger import Ledger
>>> ledger = Ledger("sqlite://")                         # the bundled cases, in memory
>>> case, acts = ledger.case("taliban-2021"), ledger.acts("taliban-2021")
>>> index = measure.isolation_index(case, acts, start="2024-01-01", end="2024-03-01")
>>> list(index.columns), len(index)
(['date', 'index', 'low', 'high', 'all_low', 'all_high', 'change_start', 'change_12m', 'scheme'], 3)
>>> bool(((index["low"] <= index["index"]) & (index["index"] <= index["high"])).all())
True
"""
from pariah.measure.cohesion import black_knights, cohesion, defections
from pariah.measure.index import (DEFAULT, INDEX_ROUNDING, MAPPINGS, MEASURES, Align, CompareMeasure, Scoring, compare, compare_columns, isolation_index,
                                  ladder_profile, scores)
from pariah.measure.weights import DEFAULT_SCHEME, SCHEMES, Scheme, Weights, read_weights, scheme_name, weight_vector

__all__ = ["DEFAULT", "DEFAULT_SCHEME", "INDEX_ROUNDING", "MAPPINGS", "MEASURES", "SCHEMES", "Align", "CompareMeasure", "Scheme", "Scoring", "black_knights", "cohesion", "compare", "compare_columns", "defections",
           "isolation_index", "ladder_profile", "read_weights", "scheme_name", "scores",
           "weight_vector", "Weights"]
