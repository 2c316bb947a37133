"""The bundled cases: one YAML of metadata and one CSV of acts per case.

Each CSV is in the exchange format of DESIGN.md (``case,date,actor,act,
description,source,confidence,known_from,id``); every row carries its source.
Example row::

    taliban-2021,2024-01-30,CHN,accept_ambassador,China's president accepted
    the credentials of the Taliban's ambassador ...,"Outlet, 2024-01-30, https://...",high,,

Coverage, sourcing and known gaps per case: docs/DATA.md.
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


def coverage_markdown() -> str:
    """Per bundled case: acts by type, by year and by confidence, as Markdown tables (for docs/DATA.md)."""
    import pandas as pd

    parts = []
    for yaml_path, csv_path in bundled_files():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False) if csv_path else pd.DataFrame(
            columns=["date", "act", "confidence", "actor"])
        year = frame["date"].str[:4]
        parts.append(f"### {yaml_path.stem}\n\n{len(frame)} acts by {frame['actor'].nunique()} actors, "
                     f"{year.min()} to {year.max()}; confidence: "
                     + ", ".join(f"{frame['confidence'].eq(c).sum()} {c}" for c in ("high", "medium", "low")) + ".\n")
        by_type = frame["act"].value_counts().sort_index()
        parts.append("| act | acts |\n|---|---|\n" + "".join(f"| `{k}` | {v} |\n" for k, v in by_type.items()))
        by_year = year.value_counts().sort_index()
        parts.append("\n| year | " + " | ".join(by_year.index) + " |\n|---|" + "---|" * len(by_year)
                     + "\n| acts | " + " | ".join(str(v) for v in by_year.values) + " |\n")
    return "\n".join(parts)
