"""The JSON API under ``/api`` (documented by OpenAPI at ``/api/openapi.json``, browsable at ``/api/docs``).

Reads are open; the one write, ``POST /api/acts``, needs the server's write
token as ``Authorization: Bearer <token>`` and goes through the importer's
checks (``Ledger.import_records``). JSON follows the command line's: a list of
flat objects (or one object), snake_case keys, dates as ``YYYY-MM-DD``, levels
as ``level`` and ``level_name``. Every error is ``{"detail": ..., "problems": [...]}``.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hmac
import json
import re
from typing import Annotated, Any, Callable, Optional

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from pariah.exceptions import PariahError
from pariah.acts import ACTS
from pariah.ledger.schema import EXCHANGE_COLUMNS
from pariah.present.records import MISSING, Views


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


# ---- documented shapes (responses are built by pariah.present.records; these describe them) -----------


class Problem(BaseModel):
    detail: str = Field(description="What was wrong, and one way to fix it.")
    problems: list[str] = Field(default_factory=list, description="Every problem, one line each (rejected imports: NAME:N: column: message).")


class CaseHead(BaseModel):
    """What every view of a case starts with."""

    id: str
    name: str
    target: str
    target_name: str
    start: dt.date
    end: Optional[dt.date]


class CaseSummary(CaseHead):
    acts: int = Field(description="Number of current acts.")
    as_of: dt.date = Field(description="Today, or the case end.")
    index: float = Field(description="Isolation index on as_of (equal weights).")
    index_low: float
    index_high: float
    last_act_date: Optional[str]
    last_act_actor: Optional[str]
    last_act: Optional[str]
    last_act_description: Optional[str]
    last_act_source: Optional[str]


class CaseInfo(CaseHead):
    coalition_leader: str
    coalition_leader_name: str
    coalition: list[str]
    demands: list[str]
    level: str
    description: str
    sources: list[str]


class StatusRow(BaseModel):
    state: str
    name: str
    level: int = Field(ge=0, le=5)
    level_name: str
    since: dt.date
    recognition: bool
    mission: str
    hosted: str
    hostile: bool
    last_act: str
    last_date: str
    last_source: str
    as_of: dt.date


class IndexRow(BaseModel):
    date: dt.date
    index: float
    low: float
    high: float
    scheme: str


class CohesionRow(BaseModel):
    date: dt.date
    cohesion: float
    members: int
    holding: int
    defected: int
    black_knights: int
    scheme: str


class Defection(BaseModel):
    state: str
    name: str
    date: dt.date
    act: str
    level: int
    level_name: str
    description: str
    source: str


class BlackKnight(BaseModel):
    state: str
    name: str
    level: int
    level_name: str
    weight: float
    scheme: str


class CompareRow(BaseModel):
    case: str
    date: dt.date
    month: int
    index: float
    low: float
    high: float
    scheme: str


class MapPayload(BaseModel):
    case: str
    target: str
    target_name: str
    dates: list[dt.date]
    states: list[str]
    names: list[str]
    levels: list[list[int]] = Field(description="levels[i][j]: level of states[j] on dates[i].")
    hostile: list[list[int]]
    level_names: list[str]
    colours: list[str]
    target_colour: str
    outside_colour: str


class ActOut(BaseModel):
    case: str
    date: str
    actor: str
    actor_name: str
    act: str
    description: str
    source: str
    confidence: str
    known_from: str
    id: str
    rev: int
    recorded_at: Optional[str]


class HistoryRun(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: dt.date = Field(alias="from")
    to: dt.date
    level: int
    level_name: str
    hostile: bool


class StateDetail(BaseModel):
    state: str
    name: str
    status: StatusRow
    history: list[HistoryRun]
    acts: list[ActOut]


class ImportSummary(BaseModel):
    rows: int
    added: int
    corrected: int
    unchanged: int


_ACT_DOCS: dict[str, str] = {
    "case": "an existing case id (or pass ?case=)",
    "date": "YYYY-MM-DD, YYYY-MM or YYYY; the precision is kept",
    "actor": "ISO3, organization code, or a country name",
    "act": "one of the act types (docs/DESIGN.md)",
    "description": "one sentence, plain text",
    "source": "URL(s) or a citation; never empty",
    "confidence": "high, medium (default) or low",
    "known_from": "date the act became public; defaults to date",
    "id": "stable id; derived from case, date, actor and act when absent",
}
_ACT_TYPES: dict[str, dict[str, Any]] = {
    "date": {"type": "string"},
    "actor": {"type": "string"},
    "act": {"type": "string", "enum": list(ACTS)},
    "description": {"type": "string"},
    "source": {"type": "string"},
    "confidence": {"anyOf": [{"type": "string", "enum": ["high", "medium", "low", ""]}, {"type": "null"}]},
}
ACT_SCHEMA = {
    "type": "object",
    "title": "Act",
    "description": "One act in the exchange format's columns; every value is a string. The importer checks the "
                   "rest (an existing case, a known actor, real dates, no duplicate ids) and rejects the whole "
                   "request on any problem.",
    "properties": {c: _ACT_TYPES.get(c, {"type": ["string", "null"]}) | {"description": _ACT_DOCS[c]}
                   for c in EXCHANGE_COLUMNS},
    "required": ["date", "actor", "act", "description", "source"],
    "additionalProperties": False,
}

ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Unknown case or state"},
          422: {"model": Problem, "description": "Bad parameter"}}


# ---- parameters ------------------------------------------------------------


from pariah.dates import Freq  # noqa: E402  (the parameter types the command line uses too)
from pariah.dates import Align  # noqa: E402
from pariah.measure.weights import Scheme  # noqa: E402


CasePath = Annotated[str, Path(description="Case id, e.g. taliban-2021 (GET /api/cases lists them).", max_length=64)]
AsOf = Annotated[Optional[str], Query(max_length=10, description="Valid time: the world on this date (YYYY-MM-DD, YYYY-MM or YYYY; default: today or the case end).")]
KnownOn = Annotated[Optional[str], Query(max_length=10, description="Knowledge time: only acts public by this date (YYYY-MM-DD, YYYY-MM or YYYY).")]
From = Annotated[Optional[str], Query(alias="from", max_length=10, description="First date (default: the case start; earlier dates are clipped to it).")]
To = Annotated[Optional[str], Query(alias="to", max_length=10, description="Last date (default and latest: today or the case end); a 'to' before 'from' gives no rows.")]
FreqQ = Annotated[Freq, Query(description="One value per day, month or quarter.")]
SchemeQ = Annotated[Scheme, Query(alias="weights", description="Weighting scheme.")]


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
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


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


router = APIRouter(prefix="/api", dependencies=[Depends(known_parameters)])


@router.get("/cases", response_model=list[CaseSummary], tags=["cases"], summary="Every case, its index today and its latest act")
async def api_cases(request: Request):
    return await cached_json(request, ("cases",), lambda: views_of(request).cases())


@router.get("/cases/{case}", response_model=CaseInfo, responses=ERRORS, tags=["cases"], summary="One case's definition")
async def api_case(request: Request, case: CasePath):
    return await cached_json(request, ("case", case), lambda: views_of(request).case_info(case))


@router.get("/cases/{case}/status", response_model=list[StatusRow], responses=ERRORS, tags=["cases"],
            summary="Every state's ladder level with the target, as of a date and known on a date")
async def api_status(request: Request, case: CasePath, as_of: AsOf = None, known_on: KnownOn = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    views = views_of(request)
    return await cached_json(request, ("status", case, a, k), lambda: views.status(case, a, k))


async def _series(request: Request, measure: str, case: str, start, end, freq: Freq, weights: Scheme, known_on):
    """A per-period measure (``index`` or ``cohesion``) of a case, checked and cached."""
    a, b = period(start, end)
    k = day(known_on, "known_on")
    compute = getattr(views_of(request), measure)
    return await cached_json(request, (measure, case, a, b, freq.value, weights.value, k),
                             lambda: compute(case, a, b, freq.value, weights.value, k))


@router.get("/cases/{case}/index", response_model=list[IndexRow], responses=ERRORS, tags=["measures"],
            summary="The isolation index per period, with its sensitivity band")
async def api_index(request: Request, case: CasePath, start: From = None, end: To = None, freq: FreqQ = Freq.month,
                    weights: SchemeQ = Scheme.equal, known_on: KnownOn = None):
    return await _series(request, "index", case, start, end, freq, weights, known_on)


@router.get("/cases/{case}/cohesion", response_model=list[CohesionRow], responses=ERRORS, tags=["measures"],
            summary="Coalition cohesion per period")
async def api_cohesion(request: Request, case: CasePath, start: From = None, end: To = None, freq: FreqQ = Freq.month,
                       weights: SchemeQ = Scheme.equal, known_on: KnownOn = None):
    return await _series(request, "cohesion", case, start, end, freq, weights, known_on)


@router.get("/cases/{case}/defections", response_model=list[Defection], responses=ERRORS, tags=["measures"],
            summary="Coalition members that stopped holding, with the act and its source")
async def api_defections(request: Request, case: CasePath, as_of: AsOf = None, known_on: KnownOn = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    return await cached_json(request, ("defections", case, a, k), lambda: views_of(request).defections(case, a, k))


@router.get("/cases/{case}/black-knights", response_model=list[BlackKnight], responses=ERRORS, tags=["measures"],
            summary="States outside the coalition that supply what it withholds")
async def api_black_knights(request: Request, case: CasePath, as_of: AsOf = None, weights: SchemeQ = Scheme.equal,
                            known_on: KnownOn = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    return await cached_json(request, ("knights", case, a, weights.value, k),
                             lambda: views_of(request).black_knights(case, a, weights.value, k))


@router.get("/cases/{case}/map", response_model=MapPayload, responses=ERRORS, tags=["measures"],
            summary="Every counted state's level on the first of every month from the start, and today")
async def api_map(request: Request, case: CasePath):
    return await cached_json(request, ("map", case), lambda: views_of(request).map_payload(case))


@router.get("/cases/{case}/acts", response_model=list[ActOut], responses=ERRORS, tags=["acts"],
            summary="The current acts of a case, newest first, each with its source")
async def api_acts(request: Request, case: CasePath,
                   actor: Annotated[Optional[str], Query(max_length=64, description="Only this actor (ISO3 or organization code).")] = None,
                   known_on: KnownOn = None):
    k = day(known_on, "known_on")
    code = actor.strip().upper() if actor else None
    return await cached_json(request, ("acts", case, code, k), lambda: views_of(request).act_records(case, code, k))


@router.get("/cases/{case}/states/{iso3}", response_model=StateDetail, responses=ERRORS, tags=["acts"],
            summary="One dyad: its status, its ladder history and the acts that apply to it")
async def api_state(request: Request, case: CasePath,
                    iso3: Annotated[str, Path(max_length=64, description="ISO 3166-1 alpha-3 code, e.g. CHN.")]):
    code = iso3.strip().upper()

    def compute():
        detail = views_of(request).state(case, code)
        if detail is None:
            raise HTTPProblem(404, f"state {iso3!r} is not counted in case {case!r}; expected an ISO3 code such as CHN")
        return detail

    return await cached_json(request, ("state", case, code), compute)


@router.get("/compare", response_model=list[CompareRow], responses=ERRORS, tags=["measures"],
            summary="Several cases' indices on one axis")
async def api_compare(request: Request,
                      cases: Annotated[str, Query(pattern=CASES_PATTERN, description=f"One to {MAX_COMPARE} case ids separated by commas, e.g. taliban-2021,taliban-1996.")],
                      align: Annotated[Align, Query(description="start: months since each start; calendar: dates.")] = Align.start,
                      weights: SchemeQ = Scheme.equal):
    ids = case_list(cases)
    return await cached_json(request, ("compare", tuple(ids), align.value, weights.value),
                             lambda: views_of(request).compare(ids, align.value, weights.value))


def case_list(text: str | None) -> list[str]:
    ids = list(dict.fromkeys(part.strip() for part in (text or "").split(",") if part.strip()))
    if not ids:
        raise HTTPProblem(422, "cases: give one or more case ids separated by commas, e.g. cases=taliban-2021,taliban-1996")
    if len(ids) > MAX_COMPARE:
        raise HTTPProblem(422, f"cases: {len(ids)} cases; compare at most {MAX_COMPARE} at once")
    return ids


bearer = HTTPBearer(auto_error=False, description="The write token the server was started with (--write-token or $PARIAH_WRITE_TOKEN).")


def authorize(request: Request, credentials: Annotated[Optional[HTTPAuthorizationCredentials], Depends(bearer)]) -> None:
    token = request.app.state.write_token
    if not token:
        raise HTTPProblem(403, "this server is read-only; start it with --write-token TOKEN (or $PARIAH_WRITE_TOKEN) to accept acts")
    if credentials is None or credentials.scheme.lower() != "bearer" or \
            not hmac.compare_digest(credentials.credentials.encode("utf-8"), token.encode("utf-8")):
        raise HTTPProblem(401, "a write needs the header 'Authorization: Bearer <token>' with the server's write token",
                          headers={"WWW-Authenticate": "Bearer"})


@router.post("/acts", response_model=ImportSummary, tags=["acts"], dependencies=[Depends(authorize)],
             summary="Append acts (all or nothing, with the importer's checks)",
             responses={401: {"model": Problem, "description": "Missing or wrong write token"},
                        403: {"model": Problem, "description": "The server is read-only"},
                        413: {"model": Problem, "description": "Body too large"},
                        422: {"model": Problem, "description": "Rejected: every problem as request:N: column: message; nothing was written"}},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "array", "items": ACT_SCHEMA}}}}})
async def api_post_acts(request: Request,
                        case: Annotated[Optional[str], Query(max_length=64, description="Case id for acts without a case.")] = None):
    """A list of acts in the exchange format's columns. Validation is the importer's: one bad act
    rejects them all (422, every problem listed, nothing written); an act whose id exists with
    the same content changes nothing; with other content it is a correction, kept as a new revision."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        raise HTTPProblem(413, f"body of {length} bytes; send at most {MAX_BODY} bytes per request")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPProblem(413, f"body of {len(raw)} bytes; send at most {MAX_BODY} bytes per request")
    try:
        records = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise HTTPProblem(422, f"body: not JSON ({e}); send a JSON list of act objects") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise HTTPProblem(422, "body: expected a JSON list of act objects with the exchange-format columns "
                          f"({', '.join(EXCHANGE_COLUMNS)})")
    result = await run_in_threadpool(views_of(request).import_acts, records, case or None)
    return Response(encode({"rows": result.rows, "added": result.added, "corrected": result.corrected,
                            "unchanged": result.unchanged}), media_type="application/json")
