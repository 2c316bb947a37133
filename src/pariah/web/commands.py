"""The ``serve`` and ``report`` commands. ``register(app)`` adds them to pariah's Typer app
(``pariah.cli``); like every command they only parse, call the library and report."""
from __future__ import annotations

import ipaddress
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

MIN_TOKEN = 16


class FigureFormat(str, Enum):
    png = "png"
    svg = "svg"


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``report`` to ``app`` (once)."""
    names = {command.name for command in app.registered_commands}
    if "serve" not in names:
        app.command("serve")(serve)
    if "report" not in names:
        app.command("report")(report)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; 127.0.0.1 serves this machine only."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    write_token: Optional[str] = typer.Option(
        None, "--write-token", envvar="PARIAH_WRITE_TOKEN", show_envvar=True,
        help="Accept POST /api/acts from requests that carry 'Authorization: Bearer TOKEN' (at least 16 characters; "
             "prefer the environment variable, which other users cannot see). Without it the server is read-only."),
    cache_seconds: float = typer.Option(
        60.0, "--cache-seconds", min=0,
        help="Keep computed results this many seconds; writes made through this server clear them at once."),
):
    """Serve the dashboard (map with a date slider, index, cohesion, timeline with sources) and the JSON API (/api/docs)."""
    from pariah.cli import guarded

    guarded(_serve)(ctx, host, port, write_token, cache_seconds)


def _serve(ctx: typer.Context, host: str, port: int, write_token: Optional[str], cache_seconds: float) -> None:
    import uvicorn

    from pariah.cli import _ledger, err
    from pariah.exceptions import PariahError
    from pariah.web import create_app

    token = write_token or None
    if token is not None and len(token) < MIN_TOKEN:
        raise PariahError(f"--write-token: {len(token)} characters; use at least {MIN_TOKEN}, e.g. the output of "
                          "python -c 'import secrets; print(secrets.token_urlsafe())'")
    ledger = _ledger(ctx)
    app = create_app(ledger, write_token=token, cache_seconds=cache_seconds)
    mode = "writes need the token" if token else "read-only"
    err.print(f"pariah: serving {ledger.url} on http://{host}:{port}/ ({mode}); API at /api/docs", markup=False, highlight=False)
    if token and not _loopback(host):
        err.print("warning: the write token travels in clear over plain HTTP; put a TLS proxy in front of this server",
                  markup=False, highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def report(
    ctx: typer.Context,
    case: str = typer.Argument(..., help="Case id, e.g. taliban-2021."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="HTML file to write (default: CASE-report.html)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="The report's date (default: today or the case end)."),
    known_on: Optional[str] = typer.Option(None, "--known-on", help="Count only acts public by this date, everywhere in the report."),
    map_dates: Optional[List[str]] = typer.Option(
        None, "--map-date", help="Date of one map; repeat for several (default: the start, the middle and --as-of)."),
    figures: Optional[Path] = typer.Option(None, "--figures", help="Also write the figures into this folder."),
    figure_format: FigureFormat = typer.Option(FigureFormat.png, "--figure-format",
                                               help="png or svg for the charts; the maps are always SVG."),
):
    """Write one self-contained HTML report of a case: maps, index, cohesion, status and acts with sources, methods."""
    from pariah.cli import guarded

    guarded(_report)(ctx, case, output, as_of, known_on, map_dates or [], figures, figure_format.value)


def _report(ctx: typer.Context, case_id: str, output: Optional[Path], as_of: Optional[str], known_on: Optional[str],
            map_dates: list[str], figures: Optional[Path], figure_format: str) -> None:
    from pariah.cli import _date, _ledger, err
    from pariah.report import html
    from pariah.web.views import forecast_records

    ledger = _ledger(ctx)
    case = ledger.case(case_id)
    # the forecast as pariah would have made it on the report's date (or the knowledge date, if earlier)
    as_of_d, known_d = _date(as_of, "--as-of"), _date(known_on, "--known-on")
    when = min(d for d in (as_of_d, known_d) if d) if (as_of_d or known_d) else None
    built = html.build(case, ledger.acts(case_id), as_of=as_of, known_on=known_on, map_dates=map_dates or None,
                       forecast=forecast_records(ledger, case_id, when))
    path = built.write_html(output or Path(f"{case_id}-report.html"))
    err.print(f"report written to {path}", markup=False, highlight=False)
    if figures is not None:
        written = built.write_figures(figures, figure_format)
        err.print(f"{len(written)} figures written to {figures}", markup=False, highlight=False)
