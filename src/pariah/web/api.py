"""The JSON API under ``/api`` (documented by OpenAPI at ``/api/openapi.json``, browsable at ``/api/docs``).

Reads are open; the one write, ``POST /api/acts``, needs the server's write
token as ``Authorization: Bearer <token>`` and goes through the importer's
checks (``Ledger.import_records``). JSON follows the command line's: a list of
flat objects (or one object), snake_case keys, dates as ``YYYY-MM-DD``, levels
as ``level`` and ``level_name``. Every error is ``{"detail": ..., "problems": [...]}``.
"""
from __future__ import annotations

import hmac
import json
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pariah.ledger.schema import EXCHANGE_COLUMNS
from pariah.present.tables import download_name
from pariah.web.params import (CASES_PATTERN, MAX_COMPARE, Align, AsOf, CasePath, CompareMeasure, Freq, FormatQ, FreqQ,
                               From, HTTPProblem, KnownOn, Scheme, SchemeQ, To, cached_json, cached_table, day,
                               encode, known_parameters, period, views_of)
from pariah.web.schemas import (ACT_SCHEMA, ERRORS, ActOut, BlackKnight, CaseInfo, CaseSummary, CohesionRow,
                               CompareRow, Defection, ForecastRow, ImportSummary, IndexRow, MapPayload, Problem,
                               ScorecardRow, StateDetail, StatusRow, LIST_ERRORS, TABLE_ERRORS, columns)


router = APIRouter(prefix="/api", dependencies=[Depends(known_parameters)])


@router.get("/cases", response_model=list[CaseSummary], responses=LIST_ERRORS, tags=["cases"], summary="Every case, its index today and its latest act")
async def api_cases(request: Request, format: FormatQ = None):
    return await cached_table(request, ("cases",), lambda: views_of(request).cases(), format,
                              lambda fmt: f"pariah-cases.{fmt}", columns(CaseSummary))


@router.get("/cases/{case}", response_model=CaseInfo, responses=ERRORS, tags=["cases"], summary="One case's definition")
async def api_case(request: Request, case: CasePath):
    return await cached_json(request, ("case", case), lambda: views_of(request).case_info(case))


@router.get("/cases/{case}/status", response_model=list[StatusRow], responses=TABLE_ERRORS, tags=["cases"],
            summary="Every state's ladder level with the target, as of a date and known on a date")
async def api_status(request: Request, case: CasePath, as_of: AsOf = None, known_on: KnownOn = None,
                     format: FormatQ = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    views = views_of(request)
    return await cached_table(request, ("status", case, a, k), lambda: views.status(case, a, k), format,
                              lambda fmt: download_name(case, "status", fmt, as_of=views.page_date(case, a), known_on=k),
                              columns(StatusRow))


async def _series(request: Request, measure: str, case: str, start, end, freq: Freq, weights: Scheme, known_on,
                  fmt, model):
    """A per-period measure (``index`` or ``cohesion``) of a case, checked and cached."""
    a, b = period(start, end)
    k = day(known_on, "known_on")
    compute = getattr(views_of(request), measure)
    return await cached_table(request, (measure, case, a, b, freq.value, weights.value, k),
                              lambda: compute(case, a, b, freq.value, weights.value, k), fmt,
                              lambda f: download_name(case, measure, f, **{"from": a, "to": b}, freq=freq.value,
                                                      weights=weights.value, known_on=k),
                              columns(model))


@router.get("/cases/{case}/index", response_model=list[IndexRow], responses=TABLE_ERRORS, tags=["measures"],
            summary="The isolation index per period, with its sensitivity band")
async def api_index(request: Request, case: CasePath, start: From = None, end: To = None, freq: FreqQ = Freq.month,
                    weights: SchemeQ = Scheme.relations, known_on: KnownOn = None, format: FormatQ = None):
    return await _series(request, "index", case, start, end, freq, weights, known_on, format, IndexRow)


@router.get("/cases/{case}/cohesion", response_model=list[CohesionRow], responses=TABLE_ERRORS, tags=["measures"],
            summary="Coalition cohesion per period")
async def api_cohesion(request: Request, case: CasePath, start: From = None, end: To = None, freq: FreqQ = Freq.month,
                       weights: SchemeQ = Scheme.equal, known_on: KnownOn = None, format: FormatQ = None):
    return await _series(request, "cohesion", case, start, end, freq, weights, known_on, format, CohesionRow)


@router.get("/cases/{case}/defections", response_model=list[Defection], responses=TABLE_ERRORS, tags=["measures"],
            summary="Coalition members that stopped holding, with the act and its source")
async def api_defections(request: Request, case: CasePath, as_of: AsOf = None, known_on: KnownOn = None,
                         format: FormatQ = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    views = views_of(request)
    return await cached_table(request, ("defections", case, a, k), lambda: views.defections(case, a, k), format,
                              lambda fmt: download_name(case, "defections", fmt, as_of=views.page_date(case, a),
                                                        known_on=k),
                              columns(Defection))


@router.get("/cases/{case}/black-knights", response_model=list[BlackKnight], responses=TABLE_ERRORS, tags=["measures"],
            summary="States outside the coalition that supply what it withholds")
async def api_black_knights(request: Request, case: CasePath, as_of: AsOf = None, weights: SchemeQ = Scheme.equal,
                            known_on: KnownOn = None, format: FormatQ = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    views = views_of(request)
    return await cached_table(request, ("knights", case, a, weights.value, k),
                              lambda: views.black_knights(case, a, weights.value, k), format,
                              lambda fmt: download_name(case, "black-knights", fmt, as_of=views.page_date(case, a),
                                                        weights=weights.value, known_on=k),
                              columns(BlackKnight))


@router.get("/cases/{case}/scorecard", response_model=list[ScorecardRow], responses=TABLE_ERRORS, tags=["forecasts"],
            summary="The forecasts on the record, each scored once its window has closed; a summary row last")
async def api_scorecard(request: Request, case: CasePath, format: FormatQ = None):
    views = views_of(request)
    return await cached_table(request, ("scorecard", case), lambda: views.scorecard(case), format,
                              lambda fmt: download_name(case, "scorecard", fmt), columns(ScorecardRow))


@router.get("/cases/{case}/brief", responses=TABLE_ERRORS, tags=["measures"],
            summary="The brief on a date (one object, without the forecast); format=csv gives its levels table")
async def api_brief(request: Request, case: CasePath, as_of: AsOf = None, known_on: KnownOn = None,
                    format: FormatQ = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    views = views_of(request)
    if format is not None and format.value == "csv":
        return await cached_table(request, ("brief-levels", case, a, k), lambda: views.brief_levels(case, a, k), format,
                                  lambda fmt: download_name(case, "brief-levels", fmt, as_of=views.page_date(case, a)),
                                  ["level", "level_name", "at", "at_or_above"])
    body = await cached_json(request, ("brief", case, a, k), lambda: views.brief(case, a, k))
    if format is not None:
        body.headers["Content-Disposition"] = f'attachment; filename="{download_name(case, "brief", "json", as_of=views.page_date(case, a))}"'
    return body


@router.get("/cases/{case}/map", response_model=MapPayload, responses=ERRORS, tags=["measures"],
            summary="Every counted state's level on the first of every month from the start, on as_of and today, "
                    "with each state's ladder history and acts for the tooltips")
async def api_map(request: Request, case: CasePath, as_of: AsOf = None, known_on: KnownOn = None):
    a, k = day(as_of, "as_of"), day(known_on, "known_on")
    return await cached_json(request, ("map", case, a, k), lambda: views_of(request).map_payload(case, a, k))


@router.get("/cases/{case}/forecast", response_model=list[ForecastRow], responses=TABLE_ERRORS, tags=["measures"],
            summary="The states most likely to reach the case's level within 12 months (empty when none is at risk)")
async def api_forecast(request: Request, case: CasePath, format: FormatQ = None):
    views = views_of(request)
    return await cached_table(request, ("forecast", case), lambda: views.forecast(case) or [], format,
                              lambda fmt: download_name(case, "forecast", fmt, as_of=views.today(case)),
                              columns(ForecastRow))


@router.get("/cases/{case}/acts", response_model=list[ActOut], responses=TABLE_ERRORS, tags=["acts"],
            summary="The current acts of a case, newest first, each with its source")
async def api_acts(request: Request, case: CasePath,
                   actor: Annotated[Optional[str], Query(max_length=64, description="Only this actor (ISO3 or organization code).")] = None,
                   known_on: KnownOn = None, format: FormatQ = None):
    k = day(known_on, "known_on")
    code = actor.strip().upper() if actor else None
    return await cached_table(request, ("acts", case, code, k), lambda: views_of(request).act_records(case, code, k),
                              format, lambda fmt: download_name(case, "acts", fmt, actor=code, known_on=k),
                              columns(ActOut))


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


@router.get("/compare", response_model=list[CompareRow], responses=TABLE_ERRORS, tags=["measures"],
            summary="Several cases' indices on one axis")
async def api_compare(request: Request,
                      cases: Annotated[str, Query(pattern=CASES_PATTERN, description=f"One to {MAX_COMPARE} case ids separated by commas, e.g. taliban-2021,taliban-1996.")],
                      align: Annotated[Align, Query(description="start: months since each start; calendar: dates.")] = Align.start,
                      weights: SchemeQ = Scheme.relations,
                      measure: Annotated[CompareMeasure, Query(description="change: since each case's start; realised: share of the possible movement; index: the index itself.")] = CompareMeasure.change,
                      format: FormatQ = None):
    ids = case_list(cases)
    return await cached_table(request, ("compare", tuple(ids), align.value, weights.value, measure.value),
                              lambda: views_of(request).compare(ids, align.value, weights.value, measure.value), format,
                              lambda fmt: download_name("compare", "-".join(ids), fmt, align=align.value,
                                                        weights=weights.value, measure=measure.value),
                              columns(CompareRow))


def case_list(text: str | None) -> list[str]:
    ids = list(dict.fromkeys(part.strip() for part in (text or "").split(",") if part.strip()))
    if not ids:
        raise HTTPProblem(422, "cases: give one or more case ids separated by commas, e.g. cases=taliban-2021,taliban-1996")
    if len(ids) > MAX_COMPARE:
        raise HTTPProblem(422, f"cases: {len(ids)} cases; compare at most {MAX_COMPARE} at once")
    return ids


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys are distinct (``json.loads`` would keep the last of two in silence)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        twice = next(k for k in obj if sum(1 for p, _ in pairs if p == k) > 1)
        raise HTTPProblem(422, f"body: key {twice!r} given twice in one object; give each column once")
    return obj


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
    raw = await request.body()  # at most MAX_BODY bytes (pariah.web.limits)
    try:
        records = json.loads(raw, object_pairs_hook=_unique_keys)
    except (ValueError, UnicodeDecodeError) as e:
        raise HTTPProblem(422, f"body: not JSON ({e}); send a JSON list of act objects") from None
    except RecursionError:
        raise HTTPProblem(422, "body: JSON nested too deeply; send a JSON list of flat act objects") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise HTTPProblem(422, "body: expected a JSON list of act objects with the exchange-format columns "
                          f"({', '.join(EXCHANGE_COLUMNS)})")
    result = await run_in_threadpool(views_of(request).import_acts, records, case or None)
    return Response(encode({"rows": result.rows, "added": result.added, "corrected": result.corrected,
                            "unchanged": result.unchanged}), media_type="application/json")
