"""``serve`` and ``report``: the dashboard and its JSON API, and the self-contained HTML report."""
from __future__ import annotations

import ipaddress
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from pariah.cli.common import app, guarded, open_ledger, parse_date, say
from pariah.exceptions import EnvironmentFailure, InvalidArgument

MIN_TOKEN = 16


class FigureFormat(str, Enum):
    png = "png"
    svg = "svg"
    pdf = "pdf"


@app.command("serve")
@guarded
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
) -> None:
    """Serve the dashboard (map with a date slider, index, cohesion, timeline with sources) and the JSON API (/api/docs)."""
    import uvicorn

    from pariah.web import create_app

    token = write_token or None
    if token is not None and len(token) < MIN_TOKEN:
        raise InvalidArgument(f"--write-token: {len(token)} characters; use at least {MIN_TOKEN}, e.g. the output of "
                              "python -c 'import secrets; print(secrets.token_urlsafe())'")
    ledger = open_ledger(ctx)
    served = create_app(ledger, write_token=token, cache_seconds=cache_seconds)
    sock = _listen(host, port)
    mode = "writes need the token" if token else "read-only"
    say(f"pariah: serving {ledger.url} on http://{host}:{port}/ ({mode}); API at /api/docs")
    if token and not _loopback(host):
        say("warning: the write token travels in clear over plain HTTP; put a TLS proxy in front of this server")
    uvicorn.run(served, host=host, port=port, fd=sock.fileno(), log_level="info", server_header=False)


def _listen(host: str, port: int):
    """A socket bound to ``host:port`` for uvicorn, or one clear line why not, before 'serving' is said."""
    import socket

    sock = None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as e:
        if sock is not None:
            sock.close()
        raise EnvironmentFailure(f"cannot listen on {host}:{port}: {e.strerror or e}; "
                                 "is another server there? choose another port with --port") from None
    return sock


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("report")
@guarded
def report(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="CASE", help="Case id, e.g. taliban-2021."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="HTML file to write (default: CASE-report.html)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="The report's date (default: today or the case end)."),
    known_on: Optional[str] = typer.Option(None, "--known-on", help="Count only acts public by this date, everywhere in the report."),
    map_dates: Optional[List[str]] = typer.Option(
        None, "--map-date", help="Date of one map; repeat for several (default: the start, the middle and --as-of)."),
    figures: Optional[Path] = typer.Option(
        None, "--figures", help="Also write the figures (index, cohesion, one map per date) into this folder."),
    figure_format: Optional[List[FigureFormat]] = typer.Option(
        None, "--figure-format", help="png (300 dpi), svg or pdf; repeat for several (default: all three)."),
    no_title: bool = typer.Option(False, "--no-title", help="Leave the titles out of the figure files."),
) -> None:
    """Write one self-contained HTML report of a case: maps, index, cohesion, status and acts with sources, methods."""
    from pariah.report import html
    from pariah.present.records import forecast_records

    ledger = open_ledger(ctx)
    case = ledger.case(case_id)
    # the forecast as pariah would have made it on the report's date (or the knowledge date, if earlier)
    as_of_d, known_d = parse_date(as_of, "--as-of"), parse_date(known_on, "--known-on")
    when = min(d for d in (as_of_d, known_d) if d) if (as_of_d or known_d) else None
    built = html.build(case, ledger.acts(case_id), as_of=as_of, known_on=known_on, map_dates=map_dates or None,
                       forecast=forecast_records(ledger, case_id, when))
    path = built.write_html(output or Path(f"{case_id}-report.html"))
    say(f"report written to {path}")
    if figures is not None:
        chosen = [f.value for f in figure_format] if figure_format else list(html.FIGURE_FORMATS)
        files = built.write_figures(figures, chosen, title=not no_title)
        say(f"{len(files)} figure files ({', '.join(chosen)}) written to {figures}")
