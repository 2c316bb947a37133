"""``status``, ``index``, ``cohesion``, ``compare``: where every state stands, and how isolated the target is."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, List, Optional

import typer

from pariah.cli.common import (Fmt, FormatOption, FreqOption, FromOption, IndexWeightsOption, KnownOnOption, NoTitleOption,
                               PlotOption, ToOption, WeightsFileOption, WeightsOption, app, case_date, emit, guarded,
                               open_ledger, parse_date, plot_path, weights, written)
from pariah.dates import Align, CompareMeasure, Freq

EMPTY_PERIOD = "no dates in the period: --to is before --from, or the period lies outside the case"
COMPARE_TITLES = {"change": "change of the isolation index since each case's start",
                  "realised": "share of the possible movement realised since each case's start",
                  "index": "isolation index"}
STATUS_TABLE = ["state", "name", "level", "level_name", "since", "hostile", "last_act", "last_date"]


class Show(str, Enum):
    series = "series"
    defections = "defections"
    black_knights = "black-knights"


@app.command()
@guarded
def status(ctx: typer.Context, case: str = typer.Argument(..., help="Case id, e.g. taliban-2021."),
           as_of: Optional[str] = typer.Option(None, "--as-of", help="Valid time: the world on this date (default: today or the case end)."),
           known_on: Optional[str] = KnownOnOption,
           min_level: int = typer.Option(0, "--min-level", help="Only states at this level (0-5) or above."),
           fmt: Fmt = FormatOption) -> None:
    """The ladder level of every state with the case's target."""
    import pariah
    from pariah.panels import default_as_of

    ledger = open_ledger(ctx)
    as_of_d = case_date(ledger.case(case), as_of, "--as-of") or default_as_of(ledger.case(case))
    rows = pariah.status(ledger, case, as_of=as_of_d, known_on=parse_date(known_on, "--known-on"))
    rows = rows[rows["level"] >= min_level] if len(rows) else rows
    emit(rows, fmt, f"{case}: status on {as_of_d}", table_columns=STATUS_TABLE,
         empty=f"no state at level {min_level} or above" if min_level else "no state is counted in this case")


@app.command("index")
@guarded
def index_(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
           start: Optional[str] = FromOption, end: Optional[str] = ToOption, freq: Freq = FreqOption,
           weights_: str = IndexWeightsOption, weights_file: Optional[Path] = WeightsFileOption,
           known_on: Optional[str] = typer.Option(None, "--known-on", help="Only acts public by this date."),
           profile: bool = typer.Option(False, "--profile", help="Show the ladder profile (states at or above each level) instead."),
           plot: Optional[Path] = PlotOption, no_title: bool = NoTitleOption, fmt: Fmt = FormatOption) -> None:
    """The isolation index per period (1 = no relations above 'none'), its two sensitivity bands and its change
    since the start and over 12 months."""
    from pariah import measure

    plot = plot_path(plot)
    ledger = open_ledger(ctx)
    c, acts = ledger.case(case), ledger.acts(case)
    options = dict(start=parse_date(start, "--from"), end=parse_date(end, "--to"), freq=freq.value,
                   weights=weights(weights_, weights_file), known_on=parse_date(known_on, "--known-on"))
    if profile:
        rows = measure.ladder_profile(c, acts, **options)
        emit(rows.round({"share": 4, "weighted_share": 4}), fmt, f"{case}: ladder profile")
        return
    rows = measure.isolation_index(c, acts, **options)
    emit(rows.round(measure.INDEX_ROUNDING), fmt, f"{case}: isolation index ({rows['scheme'].iat[0] if len(rows) else weights_} weights)",
         empty=EMPTY_PERIOD)
    if plot:
        from pariah.report import figures

        written(figures.plot_index(rows, c, plot, acts, title=not no_title))


@app.command()
@guarded
def cohesion(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
             start: Optional[str] = FromOption, end: Optional[str] = ToOption, freq: Freq = FreqOption,
             weights_: str = WeightsOption, weights_file: Optional[Path] = WeightsFileOption,
             as_of: Optional[str] = typer.Option(None, "--as-of", help="Date for --show defections or black-knights."),
             show: Show = typer.Option(Show.series, "--show", help="series, defections or black-knights."),
             plot: Optional[Path] = PlotOption, no_title: bool = NoTitleOption, fmt: Fmt = FormatOption) -> None:
    """Coalition cohesion per period, the dated defections, or the black-knight roster."""
    from pariah import measure

    plot = plot_path(plot)
    ledger = open_ledger(ctx)
    c, acts = ledger.case(case), ledger.acts(case)
    chosen = weights(weights_, weights_file)
    period: dict[str, Any] = dict(start=parse_date(start, "--from"), end=parse_date(end, "--to"), freq=freq.value, weights=chosen)
    if show == Show.defections:
        rows = measure.defections(c, acts, as_of=case_date(c, as_of, "--as-of"))
        emit(rows, fmt, f"{case}: defections", table_columns=["date", "tier", "state", "name", "act", "level_name", "source"],
             empty="no member of the core coalition or the consensus had broken ranks by then")
    elif show == Show.black_knights:
        rows = measure.black_knights(c, acts, as_of=case_date(c, as_of, "--as-of"), weights=chosen)
        emit(rows, fmt, f"{case}: black knights",
             empty="no state outside the core coalition stood at missions or above (or, in a relations case, kept contact) then")
    else:
        rows = measure.cohesion(c, acts, **period)
        emit(rows.round({"cohesion": 4}), fmt, f"{case}: coalition cohesion")
    if plot:
        from pariah.report import figures

        series = measure.cohesion(c, acts, **period)
        written(figures.plot_cohesion(series, c, plot, measure.defections(c, acts, as_of=period["end"]),
                                      title=not no_title))


@app.command()
@guarded
def compare(ctx: typer.Context, cases: List[str] = typer.Argument(..., help="Two or more case ids."),
            align: Align = typer.Option(Align.start, "--align", help="start: months since each start; calendar: dates."),
            measure_: CompareMeasure = typer.Option(CompareMeasure.change, "--measure",
                                                    help="change: the index's change since each start; realised: share of the possible movement; index: the index."),
            freq: Freq = FreqOption, weights_: str = IndexWeightsOption,
            plot: Optional[Path] = PlotOption, no_title: bool = NoTitleOption, fmt: Fmt = FormatOption) -> None:
    """Several cases, each measured against its own start, on one axis (one column per case in the table)."""
    from pariah import measure

    plot = plot_path(plot)
    ledger = open_ledger(ctx)
    chosen = [ledger.case(c) for c in cases]
    rows = measure.compare([(c, ledger.acts(c.id)) for c in chosen], freq=freq.value, align=align.value,
                           weights=weights_, measure=measure_.value)
    rounded = rows.round({**measure.INDEX_ROUNDING, "value": 4})
    if fmt == Fmt.table:
        kinds = "; ".join(f"{c.id}: {'starts from full relations' if c.starts_with_relations else 'recognition case'}"
                          for c in chosen)
        wide = measure.compare_columns(rounded, align=align.value)
        emit(wide, fmt, f"{COMPARE_TITLES[measure_.value]} ({kinds})", empty=EMPTY_PERIOD)
    else:
        emit(rounded, fmt)
    if plot:
        from pariah.report import figures

        written(figures.plot_compare(rows, plot, align.value, title=not no_title))
