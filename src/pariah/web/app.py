"""The FastAPI application: server-rendered pages, the JSON API, locally served assets.

Pages: ``/`` (cases), ``/cases/{case}`` (map with a date slider, index, cohesion,
status, timeline), ``/cases/{case}/states/{iso3}`` (one dyad), ``/compare?cases=a,b``.
API: ``/api/...`` (see ``pariah.web.api``), its OpenAPI page at ``/api/docs``.

Every script, style and the world map come from this app (``/static``,
``/vendor``, ``/geo``); no page loads anything from elsewhere, and the
Content-Security-Policy forbids it and forbids inline scripts.
"""
from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from pariah.exceptions import ImportRejected, PariahError
from pariah.ladder import LEVEL_NAMES
from markupsafe import Markup

from pariah.present import brief as brief_words
from pariah.present import citation, maps, pages
from pariah.web import api, params
from pariah.web.limits import BodyLimit
from pariah.web.api import case_list
from pariah.web.params import HTTPProblem, day
from pariah.present.records import Views

log = logging.getLogger("pariah.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
VENDOR_MAX_AGE = "public, max-age=86400"


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response (plain ASGI: no per-request task)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS:
                    headers.raw.append((key, value))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _vendor_files() -> dict[str, tuple[Path, str]]:
    """Third-party assets, served from the installed packages that ship them."""
    plotly = Path(str(resources.files("plotly").joinpath("package_data", "plotly.min.js")))
    swagger = Path(str(resources.files("fastapi_offline").joinpath("static")))
    return {
        "plotly.min.js": (plotly, "text/javascript"),
        "swagger-ui-bundle.js": (swagger / "swagger-ui-bundle.js", "text/javascript"),
        "swagger-ui.css": (swagger / "swagger-ui.css", "text/css"),
    }


def create_app(ledger, *, write_token: str | None = None, cache_seconds: float | None = 60.0) -> FastAPI:
    """The app over one ``Ledger``. Without ``write_token`` it is read-only; with it,
    ``POST /api/acts`` accepts acts from requests that carry ``Authorization: Bearer <write_token>``.
    Computed results are cached per case and arguments for ``cache_seconds`` (None: until a write)."""
    import pariah

    app = FastAPI(
        title="pariah",
        version=pariah.__version__,
        description="Diplomatic isolation of regimes, from a sourced ledger of diplomatic acts. "
                    "Reads are open; POST /api/acts needs the server's write token.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
    app.state.views = Views(ledger, ttl=cache_seconds)
    app.state.write_token = write_token or None
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)  # outermost of the two: its headers go on the 413s too
    app.include_router(api.router)
    app.mount("/static", StaticFiles(packages=[("pariah.present", "static")]), name="static")
    _errors(app)
    _assets(app)
    _pages(app)
    return app


def _openapi(app: FastAPI) -> dict:
    """FastAPI's schema, with every date parameter described exactly as ``params.day`` checks it."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter["name"] in params.DATE_PARAMETERS:
                        parameter["schema"] = dict(params.DATE_SCHEMA, title=parameter["schema"].get("title", parameter["name"]))
        app.openapi_schema = schema
    return app.openapi_schema


# ---- errors ----------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    """Whether the request is one of the API's (``/api`` itself included; not its docs page)."""
    path = request.url.path
    return (path == "/api" or path.startswith("/api/")) and path != "/api/docs"


def _problem(request: Request, status: int, message: str, problems: list[str] | None = None,
             headers: dict | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message, "problems": problems or []}, status_code=status, headers=headers)
    page = pages.render("error.html", root=request.scope.get("root_path", ""), status=status, message=message,
                         problems=problems or [])
    return HTMLResponse(page, status_code=status, headers=headers)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(HTTPProblem)
    async def problem(request: Request, exc: HTTPProblem):
        return _problem(request, exc.status, exc.message, exc.problems, exc.headers)

    @app.exception_handler(PariahError)
    async def pariah_error(request: Request, exc: PariahError):
        """The one place a library error becomes an answer: its class's ``http_status``, its message,
        and for a rejected import every problem."""
        if isinstance(exc, ImportRejected):
            return _problem(request, exc.http_status,
                            f"import rejected: {exc.total} problem(s); nothing was written", exc.lines())
        retry = getattr(exc, "retry_after", None)
        return _problem(request, exc.http_status, str(exc), headers={"Retry-After": str(retry)} if retry else None)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        lines = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()))
            lines.append(f"{where}: {error.get('msg', 'invalid')}")
        return _problem(request, 422, "; ".join(lines) or "invalid request", lines)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404:
            message = f"no page at {request.url.path}; start from / (the cases) or /api/docs (the API)"
        return _problem(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("error on %s %s", request.method, request.url.path)
        # Starlette answers this one outside every middleware: the security headers are added here.
        return _problem(request, 500, "internal error; the server's log has the details",
                        headers={k.decode(): v.decode() for k, v in SECURITY_HEADERS})


# ---- assets ------------------------------------------------------------------------


def _assets(app: FastAPI) -> None:
    files = _vendor_files()
    bodies: dict[str, params.Body] = {}

    def asset(name: str) -> params.Body:
        # read and compressed once per process; they only change with the installed packages
        if name not in bodies:
            raw = maps.world_svg().encode("utf-8") if name == "world.svg" else files[name][0].read_bytes()
            bodies[name] = params.Body(raw)
        return bodies[name]

    @app.get("/vendor/{name}", include_in_schema=False)
    async def vendor(request: Request, name: str):
        if name not in files:
            raise StarletteHTTPException(404)
        body = await run_in_threadpool(asset, name)
        return body.response(request, files[name][1], {"Cache-Control": VENDOR_MAX_AGE})

    @app.get("/geo/world.svg", include_in_schema=False)
    async def world(request: Request):
        body = await run_in_threadpool(asset, "world.svg")
        return body.response(request, "image/svg+xml", {"Cache-Control": VENDOR_MAX_AGE})

    @app.get("/api/docs", include_in_schema=False)
    async def docs(request: Request):
        root = request.scope.get("root_path", "")
        return HTMLResponse(pages.render("docs.html", root=root, openapi_url=f"{root}{app.openapi_url}"))


# ---- pages ---------------------------------------------------------------------------


async def _cached_page(request: Request, key: tuple, build: Callable[[], str]) -> Response:
    body = await params.cached(request, ("page", request.scope.get("root_path", ""), *key), lambda: build().encode("utf-8"))
    return body.response(request, "text/html; charset=utf-8")


PageDate = Annotated[Optional[str], Query(max_length=10)]


def _pages(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def home(request: Request):
        views: Views = request.app.state.views
        root = request.scope.get("root_path", "")
        return await _cached_page(request, ("home",), lambda: pages.render(
            "home.html", root=root, cases=views.cases(), read_only=request.app.state.write_token is None))

    @app.get("/cases/{case}", include_in_schema=False)
    async def case_page(request: Request, case: str, as_of: PageDate = None, known_on: PageDate = None,
                        weights: Annotated[params.Scheme, Query()] = params.Scheme.equal,
                        actor: Annotated[Optional[str], Query(max_length=64)] = None,
                        act: Annotated[Optional[str], Query(max_length=64)] = None,
                        moving: Annotated[Optional[str], Query(max_length=5)] = None,
                        start: Annotated[Optional[str], Query(alias="from", max_length=10)] = None,
                        end: Annotated[Optional[str], Query(alias="to", max_length=10)] = None,
                        q: Annotated[Optional[str], Query(max_length=100)] = None,
                        page: Annotated[int, Query(ge=1, le=100_000)] = 1):
        """The case page. Its whole view lives in its query: the page's date (``as_of``), ``known_on``,
        ``weights``, and the timeline's filters and page; the section is the URL's fragment."""
        views: Views = request.app.state.views
        root = request.scope.get("root_path", "")
        # the page's forms send empty fields: they mean the default
        as_of, known_on, actor, act, start, end, q = (v or None for v in (as_of, known_on, actor, act, start, end, q))
        a, k = day(as_of, "as_of"), day(known_on, "known_on")
        first_day, last_day = day(start, "from"), day(end, "to")
        code = actor.strip().upper() if actor else None
        ladder_only = moving in ("1", "on", "true", "yes")
        scheme = weights.value
        view = {"as_of": as_of, "known_on": known_on, "weights": None if scheme == "equal" else scheme}
        filters = {"actor": code, "act": act, "moving": "1" if ladder_only else None, "from": start, "to": end,
                   "q": q}
        url = str(request.url.replace(fragment=""))

        def build() -> str:
            date = views.page_date(case, a)
            status = views.status(case, date, k)
            today = views.today(case)
            first = views.index(case, None, views.case(case).start, "day", scheme, k)[0]
            now = views.index(case, date, date, "day", scheme, k)[-1]
            cohesion = {row["tier"]: row for row in views.cohesion(case, date, date, "day", scheme, k)}
            knights = views.black_knights(case, date, scheme, k)
            shown = [row for row in status if row["level"] >= 2 or row["hostile"]]
            counts = {name: 0 for name in LEVEL_NAMES}
            for row in status:
                counts[row["level_name"]] += 1
            timeline = views.timeline(case, actor=code, act=act, moving=ladder_only, start=first_day, end=last_day,
                                      text=q, known_on=k, page=page)
            total = len(views.act_records(case, None, k))
            api = f"{root}/api/cases/{case}"
            dated = {"as_of": date.isoformat() if a else None, "known_on": known_on}
            links = {
                "status": _formats(f"{api}/status", dated),
                "index": _formats(f"{api}/index", {"weights": scheme, "known_on": known_on}),
                "cohesion": _formats(f"{api}/cohesion", {"weights": scheme, "known_on": known_on}),
                "defections": _formats(f"{api}/defections", dated),
                "knights": _formats(f"{api}/black-knights", dated | {"weights": scheme}),
                "acts": _formats(f"{api}/acts", {"known_on": known_on}),
                "forecast": _formats(f"{api}/forecast", {}),
                "scorecard": _formats(f"{api}/scorecard", {}),
                "brief": _formats(f"{api}/brief", dated),
            }
            here = f"{root}/cases/{case}"
            page_links = {name: _link(here, view | filters | {"page": n}, "timeline") for name, n in (
                ("first", 1), ("prev", timeline["page"] - 1), ("next", timeline["page"] + 1), ("last", timeline["pages"]))}
            return pages.render(
                "case.html", root=root, case=views.case_info(case), status=shown, status_total=len(status),
                counts=counts, hostile_count=sum(1 for row in status if row["hostile"] and row["level"] > 0),
                as_of=date.isoformat(), as_of_param=as_of or "", known_on=known_on or "", today=today.isoformat(),
                weights=scheme, schemes=[s.value for s in params.Scheme if s.value != "custom"],
                now=now, first=first, cohesion=cohesion, defections=views.defections(case, date, k), knights=knights,
                forecast=views.forecast(case), scorecard=views.scorecard(case), timeline=timeline, total_acts=total,
                filters={"actor": code or "", "act": act or "", "moving": ladder_only, "start": start or "",
                         "end": end or "", "q": q or ""},
                keep={name: value for name, value in view.items() if value},
                clear_filters=_link(here, view, "timeline"), page_links=page_links, links=links,
                map_src=_link(f"{api}/map", {"as_of": dated["as_of"], "known_on": known_on}),
                index_src=_link(f"{api}/index", {"weights": scheme, "known_on": known_on}),
                cohesion_src=_link(f"{api}/cohesion", {"weights": scheme, "known_on": known_on}),
                defections_src=_link(f"{api}/defections", {"known_on": known_on}),
                citation=citation.citation(views.case(case), views.digest(case), total, url=url),
                brief=Markup(brief_words.html_fragment(views.brief(case, date, k))))

        key = ("case", url, case, as_of, known_on, scheme, code, act, ladder_only, start, end, q, page)
        return await _cached_page(request, key, build)

    @app.get("/cases/{case}/states/{iso3}", include_in_schema=False)
    async def state_page(request: Request, case: str, iso3: str):
        views: Views = request.app.state.views
        root = request.scope.get("root_path", "")
        code = iso3.strip().upper()

        def build() -> str:
            detail = views.state(case, code)
            if detail is None:
                raise HTTPProblem(404, f"state {iso3!r} is not counted in case {case!r}; expected an ISO3 code such as CHN")
            return pages.render("state.html", root=root, case=views.case_info(case), detail=detail)

        return await _cached_page(request, ("state", case, code), build)

    @app.get("/compare", include_in_schema=False)
    async def compare_page(request: Request, cases: Annotated[Optional[list[str]], Query(max_length=600)] = None,
                           align: Annotated[params.Align, Query()] = params.Align.start):
        """``?cases=a,b`` or, from the page's form, ``?cases=a&cases=b``."""
        views: Views = request.app.state.views
        root = request.scope.get("root_path", "")
        ids = case_list(",".join(cases)) if cases is not None else []

        def build() -> str:
            rows = views.compare(ids, align.value) if ids else []
            table = _compare_table(rows, ids)
            return pages.render("compare.html", root=root, all_cases=views.cases(), chosen=ids, align=align.value,
                                 table=table, query=",".join(ids))

        return await _cached_page(request, ("compare", tuple(ids), align.value), build)


def _link(path: str, query: dict[str, Any], fragment: str = "") -> str:
    """``path`` with the query's set values (in order) and a fragment."""
    from urllib.parse import urlencode

    shown = urlencode([(k, v) for k, v in query.items() if v not in (None, "")])
    return path + (f"?{shown}" if shown else "") + (f"#{fragment}" if fragment else "")


def _formats(path: str, query: dict[str, Any]) -> dict[str, str]:
    """The download links of one table: ``?format=csv`` and ``?format=json`` with the view's parameters."""
    return {fmt: _link(path, query | {"format": fmt}) for fmt in ("csv", "json")}


COMPARE_MONTHS = (0, 12, 24, 36, 48, 60)


def _compare_table(rows: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """Per case: the index at the start, after 1-5 years, and at the latest date."""
    out = []
    for case_id in ids:
        mine = [r for r in rows if r["case"] == case_id]
        by_month = {r["month"]: r for r in mine}
        out.append({"case": case_id, "at": [by_month.get(m) for m in COMPARE_MONTHS], "last": mine[-1] if mine else None})
    return out
