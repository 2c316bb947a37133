"""The bundled cases: one YAML of metadata and one CSV of acts per case.

Each CSV is in the exchange format of docs/DESIGN.md (``case,date,actor,act,
description,source,confidence,known_from,id``); every row carries its source.
Example row::

    taliban-2021,2024-01-30,CHN,accept_ambassador,China's president accepted
    the credentials of the Taliban's ambassador ...,"Outlet, 2024-01-30, https://...",high,,

Coverage, sourcing and known gaps per case: docs/DATA.md (its coverage section is made by
``python -m pariah.ledger.coverage``) and the pages of docs/cases/
"""
from pariah.cases.bundle import bundled_files, fingerprint

__all__ = ["bundled_files", "fingerprint"]
