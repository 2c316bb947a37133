"""The bundled cases: one YAML of metadata and one CSV of acts per case.

Each CSV is in the exchange format of docs/DESIGN.md (``case,date,actor,act,
description,source,confidence,known_from,id``); every row carries its source.
Example row::

    taliban-2021,2024-01-30,CHN,accept_ambassador,China's president accepted
    the credentials of the Taliban's ambassador ...,"Outlet, 2024-01-30, https://...",high,,

Coverage, sourcing and known gaps per case: docs/DATA.md (its coverage section is made by
``python -m pariah.ledger.coverage``) and the pages of docs/cases/
"""
from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path


def bundled_files() -> list[tuple[Path, Path | None]]:
    """(case YAML, acts CSV or None) for every bundled case, sorted by case id."""
    root = Path(str(resources.files("pariah.cases")))
    out = []
    for yaml_path in sorted(root.glob("*.yaml")):
        csv_path = yaml_path.with_suffix(".csv")
        out.append((yaml_path, csv_path if csv_path.exists() else None))
    return out


def fingerprint() -> str:
    """A digest of every bundled file: it changes when the bundled data change."""
    digest = hashlib.sha256()
    for yaml_path, csv_path in bundled_files():
        for path in (yaml_path, csv_path):
            if path is not None:
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
