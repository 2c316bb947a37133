"""Libraries that only some uses of pariah need, installed as the package's extras (pyproject.toml).

``pip install pariah`` (and ``make demo``) brings what the ledger, the measures, the forecasts, the
figures, the report and the dashboard need. The rest comes with an extra:

- ``events``: event data (GDELT, ICEWS, POLECAT): Ibis, DuckDB, the ``gdelt`` reference tables, pyarrow;
- ``parquet``: pyarrow, for Parquet files and the fast CSV reader of ``pariah import``;
- ``spark``: the events on a Spark cluster (``events`` plus PySpark);
- ``jax``: the cascade simulation on JAX; ``postgres``: the PostgreSQL driver;
- ``boosting``: scikit-learn, for the gradient-boosted hazard candidate (``pariah.forecast.boosted``).

``require`` imports a module of an extra, or raises ``EngineUnavailable`` with one line that names
the extra to install:

>>> require("json", extra="events", purpose="reading events").__name__
'json'
>>> require("no_such_module", extra="events", purpose="reading events")
Traceback (most recent call last):
...
pariah.exceptions.EngineUnavailable: reading events needs no_such_module, which is not installed: pip install 'pariah[events]'
"""
from __future__ import annotations

import importlib
from types import ModuleType

from pariah.exceptions import EngineUnavailable

EXTRAS = ("events", "parquet", "spark", "jax", "postgres", "boosting")


def require(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` (e.g. ``"pyarrow.parquet"``), which comes with the extra ``extra``."""
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r}: expected one of {', '.join(EXTRAS)}")
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise EngineUnavailable(f"{purpose} needs {top}, which is not installed: pip install 'pariah[{extra}]'") from None


def available(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    from importlib.util import find_spec

    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False
