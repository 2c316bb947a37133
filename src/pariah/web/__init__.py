"""The web dashboard and JSON API (FastAPI, Uvicorn, Jinja2), and the parts the HTML report shares.

>>> import pariah
>>> from pariah.web import create_app
>>> app = create_app(pariah.Ledger(), write_token=None)     # read-only; serve with uvicorn

``pariah serve`` runs it (``pariah.web.commands``). Importing this package
does not import FastAPI: the report uses ``pariah.web.geo``, ``views`` and
``render`` without it.
"""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(ledger, *, write_token: str | None = None, cache_seconds: float | None = 60.0):
    """The FastAPI app over ``ledger`` (see ``pariah.web.app.create_app``)."""
    from pariah.web.app import create_app as _create_app

    return _create_app(ledger, write_token=write_token, cache_seconds=cache_seconds)
