"""``leverage``: what the coalition withholds, what black knights supply, and the leverage left."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from pariah.cli.common import (Fmt, FormatOption, FreqOption, FromOption, NoTitleOption, PlotOption, ToOption, app,
                               case_date, emit, guarded, open_ledger, parse_date, plot_path, written)
from pariah.dates import Freq


@app.command()
@guarded
def leverage(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
             start: Optional[str] = FromOption, end: Optional[str] = ToOption, freq: Freq = FreqOption,
             values: Optional[Path] = typer.Option(None, "--values", help="CSV of ISO3,value: the value of relations with each state."),
             comtrade: Optional[Path] = typer.Option(None, "--comtrade", help="UN Comtrade-style CSV: values from trade shares."),
             horizon: int = typer.Option(12, "--horizon", min=1, max=120, help="Months for the credibility term."),
             share: float = typer.Option(0.02, "--share", min=0, max=1, help="Members worth more than this share count for credibility."),
             credibility: bool = typer.Option(True, "--credibility/--no-credibility", help="Apply the forecast-based credibility term."),
             concession_cost: Optional[float] = typer.Option(None, "--concession-cost", help="Show the probability of concession at this cost (0-1)."),
             restore_to: Optional[float] = typer.Option(None, "--restore", help="List the smallest sets of moves that restore this leverage."),
             engagement: bool = typer.Option(False, "--engagement", help="Conditional engagement against waiting, per period."),
             compare_with: List[str] = typer.Option([], "--compare", help="Other case ids to compare at matched months (repeat, or comma-separated)."),
             as_of: Optional[str] = typer.Option(None, "--as-of", help="Date for --restore (default: today or the case end)."),
             plot: Optional[Path] = PlotOption, no_title: bool = NoTitleOption, fmt: Fmt = FormatOption) -> None:
    """What the coalition withholds, what black knights supply, and the leverage left."""
    from pariah import leverage as lv
    from pariah.report import figures

    plot = plot_path(plot)
    ledger = open_ledger(ctx)
    c, acts = ledger.case(case), ledger.acts(case)
    custom = lv.values_from_comtrade(comtrade, c.target) if comtrade else lv.read_values(values) if values else None
    others = [x.strip() for item in compare_with for x in item.split(",") if x.strip()]
    if others:
        rows = lv.compare([(ledger.case(x), ledger.acts(x)) for x in [case, *others]], end=parse_date(end, "--to"),
                          freq=freq.value)
        emit(rows.round(4), fmt, "leverage at matched months")
        if plot:
            written(figures.plot_leverage_compare(rows, plot, title=not no_title))
        return
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    frame = lv.decompose(c, acts, start=first, end=last, freq=freq.value, values=custom)
    if credibility:
        series = lv.credibility_series(ledger, case, dates=frame["date"], horizon=horizon, share=share, values=custom)
        frame = lv.decompose(c, acts, start=first, end=last, freq=freq.value, values=custom, credibility=series)
    if restore_to is not None:
        cred = float(frame["credibility"].iloc[-1])
        rows = lv.restore(c, acts, target=restore_to, as_of=case_date(c, as_of, "--as-of"), values=custom, credibility=cred)
        emit(rows.round(4), fmt, f"{case}: smallest sets of moves to restore leverage {restore_to}")
    elif concession_cost is not None:
        emit(lv.concession(frame, cost=concession_cost).round(4), fmt, f"{case}: probability of concession")
    elif engagement:
        emit(lv.conditional_engagement(frame, demands=len(c.demands)).round(4), fmt, f"{case}: conditional engagement")
    else:
        emit(frame.round(4), fmt, f"{case}: leverage")
    if plot:
        written(figures.plot_leverage(frame, c, plot, title=not no_title))
