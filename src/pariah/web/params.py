"""What every API route shares: its parameters (dates of any precision, case ids, weights), the errors it
answers with, and the cache of encoded answers."""
from __future__ import annotations

import datetime as dt
import gzip
import re
from enum import Enum
from typing import Annotated, Any, Callable, Optional

from fastapi import Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from pariah.dates import Align, CompareMeasure, Freq  # the parameter types the command line uses too
from pariah.exceptions import PariahError
from pariah.measure.weights import Scheme
from pariah.present import tables
from pariah.present.records import MISSING, Views

__all__ = ["Align", "CompareMeasure", "Freq", "Scheme"]


#: What a date parameter accepts, exactly: a real calendar date, a month or a year (years 1000-9999 for
#: the last two). The OpenAPI schema says the same (``DATE_SCHEMA``), so that every value the schema
#: allows is answered and every other one is a 422.
_DATE_FORMS = (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), re.compile(r"[1-9][0-9]{3}-(0[1-9]|1[0-2])"),
               re.compile(r"[1-9][0-9]{3}"))
DATE_SCHEMA = {"anyOf": [{"type": "string", "format": "date"},
                         {"type": "string", "pattern": "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"},
                         {"type": "string", "pattern": "^[1-9][0-9]{3}$"}]}
DATE_PARAMETERS = ("as_of", "known_on", "from", "to")
#: One to MAX_COMPARE case ids, separated by commas.
CASES_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}(,[a-z0-9][a-z0-9-]{1,62}){0,7}$"
MAX_BODY = 8 * 1024 * 1024
MAX_COMPARE = 8


class HTTPProblem(Exception):
    """An error answered with ``status`` and ``{"detail": message, "problems": [...]}``."""

    def __init__(self, status: int, message: str, problems: list[str] | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.problems, self.headers = status, message, problems or [], headers



CasePath = Annotated[str, Path(description="Case id, e.g. taliban-2021 (GET /api/cases lists them).", max_length=64)]
AsOf = Annotated[Optional[str], Query(max_length=10, description="Valid time: the world on this date (YYYY-MM-DD, YYYY-MM or YYYY; default: today or the case end).")]
KnownOn = Annotated[Optional[str], Query(max_length=10, description="Knowledge time: only acts public by this date (YYYY-MM-DD, YYYY-MM or YYYY).")]
From = Annotated[Optional[str], Query(alias="from", max_length=10, description="First date (default: the case start; earlier dates are clipped to it).")]
To = Annotated[Optional[str], Query(alias="to", max_length=10, description="Last date (default and latest: today or the case end); a 'to' before 'from' gives no rows.")]
FreqQ = Annotated[Freq, Query(description="One value per day, month or quarter.")]
SchemeQ = Annotated[Scheme, Query(alias="weights", description="Weighting scheme.")]


class Download(str, Enum):
    """A table's download formats (``pariah.present.tables``)."""

    csv = "csv"
    json = "json"


FormatQ = Annotated[Optional[Download], Query(
    alias="format", description="csv or json: the table as a file to download, named in Content-Disposition "
                                "(default: JSON to read, without a file name).")]


def day(value: str | None, name: str) -> dt.date | None:
    """A query date (any precision) as a date; 422 with the parameter's name when bad."""
    from pariah.dates import to_date

    if value is None:
        return None
    if not any(form.fullmatch(value) for form in _DATE_FORMS):
        raise HTTPProblem(422, f"{name}: bad date {value!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")
    try:
        return to_date(value)
    except PariahError as e:
        raise HTTPProblem(422, f"{name}: {e}") from None


def period(start: str | None, end: str | None) -> tuple[dt.date | None, dt.date | None]:
    return day(start, "from"), day(end, "to")


def views_of(request: Request) -> Views:
    return request.app.state.views


def encode(value: Any) -> bytes:
    return tables.to_json(value).encode("utf-8")


class Body:
    """A response body kept ready in both encodings (gzip made once, when the body is cached)."""

    MIN_GZIP = 1024

    def __init__(self, raw: bytes):
        self.raw = raw
        self.gzip = gzip.compress(raw, 6, mtime=0) if len(raw) >= self.MIN_GZIP else None

    def response(self, request: Request, media_type: str, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if self.gzip is not None:
            headers["Vary"] = "Accept-Encoding"
            if "gzip" in request.headers.get("accept-encoding", ""):
                headers["Content-Encoding"] = "gzip"
                return Response(self.gzip, media_type=media_type, headers=headers)
        return Response(self.raw, media_type=media_type, headers=headers)


async def cached(request: Request, key: tuple, make: Callable[[], bytes]) -> Body:
    """The cached body for ``key``, made (in a worker thread) on a miss."""
    views = views_of(request)
    body = views.cache.peek(key)
    if body is MISSING:
        body = await run_in_threadpool(views.cache.get, key, lambda: Body(make()))
    return body


async def cached_json(request: Request, key: tuple, compute: Callable[[], Any]) -> Response:
    """Answer from the cache of encoded responses, computing on a miss."""
    body = await cached(request, ("json", *key), lambda: encode(compute()))
    return body.response(request, "application/json")


async def cached_table(request: Request, key: tuple, compute: Callable[[], list[dict[str, Any]]],
                       fmt: Download | None, name: Callable[[str], str], columns: list[str]) -> Response:
    """A table's answer: JSON to read (``fmt`` None), or a CSV or JSON file named ``name(fmt)``.
    ``columns`` head an empty CSV; a table with rows takes its columns from them."""
    if fmt is None:
        return await cached_json(request, key, compute)

    def make() -> bytes:
        rows = compute()
        return tables.render(rows, fmt.value, None if rows else columns).encode("utf-8")

    body = await cached(request, ("table", fmt.value, *key), make)
    return body.response(request, tables.MEDIA_TYPES[fmt.value],
                         {"Content-Disposition": f'attachment; filename="{name(fmt.value)}"'})


def known_parameters(request: Request) -> None:
    """A query parameter the operation does not take, or one given twice, is an error (a misspelt
    ``asof`` would otherwise be ignored in silence). What an operation takes is read from the OpenAPI schema."""
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    if path is None:
        return
    allowed = _query_parameters(request.app).get((request.method.lower(), path), set())
    unknown = [name for name in request.query_params if name not in allowed]
    if unknown:
        expected = ", ".join(sorted(allowed)) or "none"
        raise HTTPProblem(422, f"unknown query parameter {unknown[0]!r}; this operation takes: {expected}")
    repeated = [name for name in request.query_params if len(request.query_params.getlist(name)) > 1]
    if repeated:
        raise HTTPProblem(422, f"query parameter {repeated[0]!r} given more than once; give it once")


def _query_parameters(app) -> dict[tuple[str, str], set[str]]:
    table = getattr(app.state, "query_parameters", None)
    if table is None:
        table = {}
        for path, operations in app.openapi()["paths"].items():
            for method, operation in operations.items():
                table[(method, path)] = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        app.state.query_parameters = table
    return table


