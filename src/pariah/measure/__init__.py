"""Measuring isolation: the isolation index, the ladder profile, coalition cohesion, defections,
black knights and cross-case comparison. Every function returns a pandas DataFrame; every formula
is in docs/METHODS.md.

>>> import pariah
>>> from pariah import measure
>>> ledger = pariah.Ledger()
>>> case, acts = ledger.case("taliban-2021"), ledger.acts("taliban-2021")
>>> measure.isolation_index(case, acts, start="2021-08-15", end="2025-12-31").tail(1)   # doctest: +SKIP
"""
from pariah.measure.cohesion import black_knights, cohesion, defections
from pariah.measure.index import DEFAULT, MAPPINGS, Align, Scoring, compare, isolation_index, ladder_profile, scores
from pariah.measure.weights import SCHEMES, Scheme, Weights, read_weights, scheme_name, weight_vector

__all__ = ["DEFAULT", "MAPPINGS", "SCHEMES", "Align", "Scheme", "Scoring", "black_knights", "cohesion", "compare", "defections",
           "isolation_index", "ladder_profile", "read_weights", "scheme_name", "scores",
           "weight_vector", "Weights"]
