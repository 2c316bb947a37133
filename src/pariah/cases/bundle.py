"""The bundled files: where they are, and a digest that changes when they do."""
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
