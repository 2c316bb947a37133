"""Typed errors of the event readers (PariahError subclasses: one clear line each)."""
from __future__ import annotations

from pariah.exceptions import ImportRejected, PariahError


class EventFormatError(PariahError):
    """A file that is not in the format asked for at all (its first line says so), or cannot be read.

    The message reads ``FILE:LINE: what is wrong; how to fix it``. Nothing is written.
    """


class MalformedEvents(ImportRejected):
    """``--strict``: at least one malformed line; nothing was written.

    ``problems`` holds every problem as ``FILE:LINE: field: message`` (as ``ImportRejected``,
    so the command line prints each and exits with status 2).
    """


class EngineUnavailable(PariahError):
    """The engine asked for cannot start (e.g. PySpark or Java missing)."""
