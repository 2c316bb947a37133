"""The web dashboard and JSON API (FastAPI, Uvicorn, Jinja2): an edge of pariah, like the command line.

>>> import pariah
>>> from pariah.web import create_app
>>> app = create_app(pariah.Ledger("sqlite://"), write_token=None)     # read-only; serve with uvicorn

``pariah serve`` runs it (``pariah.cli.web``). What the pages show is built by
the presentation layer (``pariah.present``), which the report shares.
"""
from __future__ import annotations

from pariah.web.app import create_app

__all__ = ["create_app"]
