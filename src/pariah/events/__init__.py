"""Event data: GDELT, ICEWS and POLECAT/PLOVER events about a target, beside the ledger.

>>> import pariah
>>> from pariah import events
>>> ledger = pariah.Ledger("sqlite://")
>>> events.ingest(ledger, ["20240301.export.CSV.zip"], fmt="gdelt2", target="AFG")  # doctest: +SKIP
>>> events.aggregates(ledger, "taliban-2021")                                      # doctest: +SKIP
>>> events.candidates(ledger, "taliban-2021", since="2024-01-01")                  # doctest: +SKIP
>>> events.engagement(ledger, "taliban-2021")                                      # doctest: +SKIP

The readers are in ``formats``, the normalization of their lines (one Ibis expression per format) in
``normalize``, the engines (DuckDB by default, Spark with
``engine="spark"``) in ``engines``, the aggregation, written once in Ibis, in
``pipeline``; reference tables (CAMEO labels and Goldstein scores, GDELT column
labels) come from the ``gdelt`` package (``codes``). Nothing enters the ledger
from event data except through ``accept``, one curated act at a time.
"""
from pariah.events.candidates import accept, candidates
from pariah.events.engagement import engagement
from pariah.events.engines import ENGINES
from pariah.events.formats import FORMATS
from pariah.events.store import (IngestResult, aggregates, category_counts, file_log, ingest,
                                 stored_events)

__all__ = ["ENGINES", "FORMATS", "IngestResult", "accept", "aggregates", "candidates", "category_counts",
           "engagement", "file_log", "ingest", "stored_events"]
