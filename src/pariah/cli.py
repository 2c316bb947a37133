"""The command line: parse, call the library, format. No SQL and no statistics here."""
from __future__ import annotations

import datetime as dt
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Callable, List, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from pariah.exceptions import ImportRejected, PariahError
from pariah.ladder import Freq
from pariah.measure.index import Align

app = typer.Typer(help="Measure, explain and forecast the diplomatic isolation of regimes.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
cases_app = typer.Typer(help="List the cases, or add your own with 'cases add FILE.yaml'.", invoke_without_command=True)
app.add_typer(cases_app, name="cases")

# Tables sent to a file or a pipe get room to breathe instead of the 80 columns Rich assumes there.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFmt(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


STATUS_TABLE = ["state", "name", "level", "level_name", "since", "hostile", "last_act", "last_date"]
FormatOption = typer.Option(Fmt.table, "--format", "-f", help="Output: table, csv or json.")


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Database URL (default: $PARIAH_DB, else a SQLite file in your data directory)."),
):
    """pariah: a sourced ledger of diplomatic acts and the isolation it measures."""
    ctx.obj = {"db": db}


def _ledger(ctx: typer.Context):
    from pariah.ledger import Ledger

    return Ledger(ctx.obj.get("db") if ctx.obj else None)


def _date(value: Optional[str], name: str) -> Optional[dt.date]:
    from pariah.ladder import to_date

    if value is None:
        return None
    try:
        return to_date(value)
    except PariahError as e:
        raise PariahError(f"{name}: {e}") from None


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10] if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def emit(rows: pd.DataFrame, fmt: Fmt, title: str = "", single: bool = False, table_columns: list[str] | None = None) -> None:
    """Print rows as a Rich table, CSV or JSON (a list of flat objects, or one object).

    ``table_columns`` narrows what the table shows; CSV and JSON carry every column.
    """
    records = [{k: _plain(v) for k, v in r.items()} for r in rows.to_dict("records")]
    if fmt == Fmt.json:
        data = records[0] if single and records else records
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    elif fmt == Fmt.csv:
        sys.stdout.write(pd.DataFrame(records, columns=rows.columns).to_csv(index=False, lineterminator="\n"))
    else:
        columns = table_columns or list(rows.columns)
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(str(column), overflow="fold")
        for record in records:
            table.add_row(*("" if record[c] is None else str(record[c]) for c in columns))
        out.print(table)


def guarded(fn: Callable) -> Callable:
    """Turn library errors into one line on stderr and an exit status (2 for rejected imports)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ImportRejected as e:
            for problem in e.problems:
                err.print(problem, markup=False, highlight=False)
            err.print(f"import rejected: {len(e.problems)} problem(s); nothing was written", markup=False, highlight=False)
            raise typer.Exit(2)
        except PariahError as e:
            err.print(f"error: {e}", markup=False, highlight=False)
            raise typer.Exit(1)

    return wrapper


# ---- cases ---------------------------------------------------------------------


@cases_app.callback()
@guarded
def cases_list(ctx: typer.Context, fmt: Fmt = FormatOption):
    """List the cases with their period and number of acts."""
    if ctx.invoked_subcommand:
        return
    ledger = _ledger(ctx)
    counts = ledger.act_counts()
    rows = pd.DataFrame(
        [{"id": c.id, "name": c.name, "target": c.target, "start": c.start, "end": c.end, "acts": counts.get(c.id, 0)}
         for c in ledger.cases()],
        columns=["id", "name", "target", "start", "end", "acts"],
    )
    emit(rows, fmt, "Cases")


@cases_app.command("add")
@guarded
def cases_add(ctx: typer.Context, file: Path = typer.Argument(..., help="Case YAML (see the case format in DESIGN.md)."),
              replace: bool = typer.Option(False, "--replace", help="Replace an existing case with the same id.")):
    """Register a case from a YAML file; its acts then come in through 'pariah import'."""
    from pariah import case as case_module

    case = case_module.load(file)
    changed = _ledger(ctx.parent).add_case(case, replace=replace)
    err.print(f"case {case.id}: {'added' if changed else 'unchanged'}", markup=False)


# ---- import / export -------------------------------------------------------------


@app.command("import")
@guarded
def import_(ctx: typer.Context,
            files: List[Path] = typer.Argument(..., help="CSV, JSON Lines or Parquet files in the exchange format."),
            case: Optional[str] = typer.Option(None, "--case", help="Case id for rows without a case column."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count, write nothing.")):
    """Import acts, all or nothing: one bad row rejects every file (exit status 2)."""
    from rich.progress import Progress

    ledger = _ledger(ctx)
    bar: Progress | None = None
    task = None

    def progress(done: int, total: int):
        nonlocal bar, task
        if total <= 10_000:
            return
        if bar is None:
            bar = Progress(console=err, transient=True)
            bar.start()
            task = bar.add_task("importing", total=total)
        bar.update(task, completed=done)

    try:
        result = ledger.import_files(files, case=case, dry_run=dry_run, progress=progress)
    finally:
        if bar is not None:
            bar.stop()
    verb = "would add" if dry_run else "added"
    err.print(f"{result.rows} rows: {verb} {result.added}, corrected {result.corrected}, unchanged {result.unchanged}",
              markup=False)


@app.command("export")
@guarded
def export(ctx: typer.Context,
           case: Optional[str] = typer.Option(None, "--case", help="Only this case."),
           fmt: ExportFmt = typer.Option(ExportFmt.csv, "--format", "-f", help="csv, jsonl or parquet."),
           output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: standard output).")):
    """Export the current revision of every act in the exchange format."""
    ledger = _ledger(ctx)
    n = ledger.export(output, case_id=case, fmt=fmt.value, stream=sys.stdout)
    if output:
        err.print(f"{n} acts written to {output}", markup=False)


# ---- queries -----------------------------------------------------------------


@app.command()
@guarded
def status(ctx: typer.Context, case: str = typer.Argument(..., help="Case id, e.g. taliban-2021."),
           as_of: Optional[str] = typer.Option(None, "--as-of", help="Valid time: the world on this date (default: today or the case end)."),
           known_on: Optional[str] = typer.Option(None, "--known-on", help="Knowledge time: only acts public by this date."),
           min_level: int = typer.Option(0, "--min-level", help="Only states at this level (0-5) or above."),
           fmt: Fmt = FormatOption):
    """The ladder level of every state with the case's target."""
    import pariah
    from pariah import ladder

    ledger = _ledger(ctx)
    as_of_d = _date(as_of, "--as-of") or ladder.default_as_of(ledger.case(case))
    rows = pariah.status(ledger, case, as_of_d, _date(known_on, "--known-on"))
    rows = rows[rows["level"] >= min_level] if len(rows) else rows
    emit(rows, fmt, f"{case}: status on {as_of_d}", table_columns=STATUS_TABLE)


class Show(str, Enum):
    series = "series"
    defections = "defections"
    black_knights = "black-knights"


FromOption = typer.Option(None, "--from", help="First date (default: the case start).")
ToOption = typer.Option(None, "--to", help="Last date (default: today or the case end).")
FreqOption = typer.Option(Freq.month, "--freq", help="One value per day, month or quarter.")
WeightsOption = typer.Option("equal", "--weights", help="Weighting scheme: equal, population, region, power or custom.")
WeightsFileOption = typer.Option(None, "--weights-file", help="CSV of ISO3,weight for --weights custom.")
PlotOption = typer.Option(None, "--plot", help="Also write a figure (.png or .svg).")


def _weights(scheme: str, weights_file: Optional[Path]):
    from pariah import measure

    if weights_file is not None:
        return "custom", measure.read_weights(weights_file)
    return scheme, None


def _plot_path(plot: Optional[Path]) -> Optional[Path]:
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        raise PariahError(f"--plot: {plot}: expected a .png or .svg file")
    return plot


@app.command("index")
@guarded
def index_(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
           start: Optional[str] = FromOption, end: Optional[str] = ToOption, freq: Freq = FreqOption,
           weights: str = WeightsOption, weights_file: Optional[Path] = WeightsFileOption,
           known_on: Optional[str] = typer.Option(None, "--known-on", help="Only acts public by this date."),
           profile: bool = typer.Option(False, "--profile", help="Show the ladder profile (states at or above each level) instead."),
           plot: Optional[Path] = PlotOption, fmt: Fmt = FormatOption):
    """The isolation index per period (1 = no relations above 'none'), with its sensitivity band."""
    from pariah import measure
    from pariah.report import figures

    plot = _plot_path(plot)
    ledger = _ledger(ctx)
    c, acts = ledger.case(case), ledger.acts(case)
    scheme, custom = _weights(weights, weights_file)
    if profile:
        rows = measure.ladder_profile(c, acts, _date(start, "--from"), _date(end, "--to"), freq.value, scheme, custom,
                                      known_on=_date(known_on, "--known-on"))
        emit(rows.round({"share": 4, "weighted_share": 4}), fmt, f"{case}: ladder profile")
        return
    rows = measure.isolation_index(c, acts, _date(start, "--from"), _date(end, "--to"), freq.value, scheme, custom,
                                   known_on=_date(known_on, "--known-on"))
    emit(rows.round({"index": 4, "low": 4, "high": 4}), fmt, f"{case}: isolation index")
    if plot:
        figures.plot_index(rows, c, plot, acts)
        err.print(f"figure written to {plot}", markup=False)


@app.command()
@guarded
def cohesion(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
             start: Optional[str] = FromOption, end: Optional[str] = ToOption, freq: Freq = FreqOption,
             weights: str = WeightsOption, weights_file: Optional[Path] = WeightsFileOption,
             as_of: Optional[str] = typer.Option(None, "--as-of", help="Date for --show defections or black-knights."),
             show: Show = typer.Option(Show.series, "--show", help="series, defections or black-knights."),
             plot: Optional[Path] = PlotOption, fmt: Fmt = FormatOption):
    """Coalition cohesion per period, the dated defections, or the black-knight roster."""
    from pariah import measure
    from pariah.report import figures

    plot = _plot_path(plot)
    ledger = _ledger(ctx)
    c, acts = ledger.case(case), ledger.acts(case)
    scheme, custom = _weights(weights, weights_file)
    if show == Show.defections:
        rows = measure.defections(c, acts, _date(as_of, "--as-of"))
        emit(rows, fmt, f"{case}: defections", table_columns=["date", "state", "name", "act", "level_name", "source"])
    elif show == Show.black_knights:
        rows = measure.black_knights(c, acts, _date(as_of, "--as-of"), scheme, custom)
        emit(rows, fmt, f"{case}: black knights")
    else:
        rows = measure.cohesion(c, acts, _date(start, "--from"), _date(end, "--to"), freq.value, scheme, custom)
        emit(rows.round({"cohesion": 4}), fmt, f"{case}: coalition cohesion")
    if plot:
        series = measure.cohesion(c, acts, _date(start, "--from"), _date(end, "--to"), freq.value, scheme, custom)
        figures.plot_cohesion(series, c, plot, measure.defections(c, acts, _date(end, "--to")))
        err.print(f"figure written to {plot}", markup=False)


@app.command()
@guarded
def compare(ctx: typer.Context, cases: List[str] = typer.Argument(..., help="Two or more case ids."),
            align: Align = typer.Option(Align.start, "--align", help="start: months since each start; calendar: dates."),
            freq: Freq = FreqOption, weights: str = WeightsOption,
            plot: Optional[Path] = PlotOption, fmt: Fmt = FormatOption):
    """The isolation indices of several cases on one axis."""
    from pariah import measure
    from pariah.report import figures

    plot = _plot_path(plot)
    ledger = _ledger(ctx)
    rows = measure.compare([(ledger.case(c), ledger.acts(c)) for c in cases], freq.value, align.value, weights)
    emit(rows.round({"index": 4, "low": 4, "high": 4}), fmt, "isolation index compared")
    if plot:
        figures.plot_compare(rows, plot, align.value)
        err.print(f"figure written to {plot}", markup=False)


class ScenarioShow(str, Enum):
    states = "states"
    distribution = "distribution"


class Backend(str, Enum):
    numpy = "numpy"
    jax = "jax"


@app.command("forecast")
@guarded
def forecast_(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
              as_of: Optional[str] = typer.Option(None, "--as-of", help="Forecast as pariah would have on this date (fit on acts known then)."),
              horizon: int = typer.Option(12, "--horizon", min=1, max=240, help="Months ahead."),
              level: Optional[str] = typer.Option(None, "--level", help="Target level (default: the case's normalization level)."),
              bootstrap: int = typer.Option(20, "--bootstrap", min=0, max=500, help="Bootstrap fits for the 80% intervals."),
              seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
              coefficients: bool = typer.Option(False, "--coefficients", help="Show the fitted model's coefficients instead."),
              engagement: bool = typer.Option(False, "--engagement", help="Add the event-data engagement covariate ('pariah events')."),
              fmt: Fmt = FormatOption):
    """Who is likely to reach a level next: probability within the horizon, 80% interval, drivers."""
    from pariah import forecast as fc
    from pariah.ladder import default_as_of

    ledger = _ledger(ctx)
    c = ledger.case(case)
    day = _date(as_of, "--as-of") or default_as_of(c)
    if coefficients:
        model = fc.fit(ledger, day, level or c.level, bootstrap, seed, engagement=engagement)
        emit(model.summary().round({"coef": 4, "low": 4, "high": 4, "odds_ratio": 4}), fmt,
             f"hazard model as of {day}: {model.events_} moves in {model.n_} state-months")
        return
    rows = fc.forecast(ledger, case, day, horizon, level, bootstrap, seed, engagement=engagement)
    emit(rows.round({"p": 4, "p_low": 4, "p_high": 4}), fmt, f"{case}: within {horizon} months of {day}",
         table_columns=["state", "name", "p", "p_low", "p_high", "current_level", "drivers"])


@app.command()
@guarded
def scenario(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
             assume: List[str] = typer.Option(..., "--assume", help="ISO3=LEVEL[@DATE], e.g. CHN=recognized@2025-01; repeatable."),
             as_of: Optional[str] = typer.Option(None, "--as-of", help="Simulate from this date (acts known then)."),
             horizon: int = typer.Option(24, "--horizon", min=1, max=240, help="Months simulated."),
             runs: int = typer.Option(2000, "--runs", min=10, max=1_000_000, help="Monte Carlo runs."),
             seed: int = typer.Option(0, "--seed", help="Seed: the same seed gives the same result."),
             show: ScenarioShow = typer.Option(ScenarioShow.states, "--show", help="states or distribution."),
             backend: Backend = typer.Option(Backend.numpy, "--backend",
                                             help="numpy, or jax (a GPU when JAX finds one; pip install 'pariah[jax]')."),
             fmt: Fmt = FormatOption):
    """Simulate the cascade with and without assumed moves: who follows, and how many."""
    from pariah import forecast as fc

    ledger = _ledger(ctx)
    distribution, states = fc.scenario(ledger, case, assume, _date(as_of, "--as-of"), horizon, runs, seed,
                                       backend=backend.value)
    if show == ScenarioShow.distribution:
        emit(distribution.round(3), fmt, f"{case}: states at or above each level after {horizon} months")
    else:
        emit(states.round(4), fmt, f"{case}: probability with and without {', '.join(assume)}")


@app.command()
@guarded
def backtest(ctx: typer.Context, case: str = typer.Option(..., "--case", help="Case id."),
             cutoff: List[str] = typer.Option([], "--cutoff", help="Cutoff date; repeatable."),
             rolling: bool = typer.Option(False, "--rolling", help="A cutoff every 6 months."),
             horizon: int = typer.Option(12, "--horizon", min=1, max=240, help="Months ahead."),
             level: Optional[str] = typer.Option(None, "--level", help="Target level (default: the case's)."),
             engagement: bool = typer.Option(False, "--engagement", help="Add the event-data engagement covariate."),
             fmt: Fmt = FormatOption):
    """Score forecasts made on what was known at each cutoff against what happened."""
    from pariah import forecast as fc

    ledger = _ledger(ctx)
    result = fc.backtest(ledger, case, [_date(c, "--cutoff") for c in cutoff], horizon, level, rolling,
                         engagement=engagement)
    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(result, indent=1) + "\n")
        return
    summary = {k: v for k, v in result.items() if k not in ("calibration", "cutoffs")}
    emit(pd.DataFrame([summary]), fmt, f"backtest of {case}")
    if fmt == Fmt.table:
        emit(pd.DataFrame(result["calibration"]).round(4), fmt, "calibration by decile of p")


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
             plot: Optional[Path] = PlotOption, fmt: Fmt = FormatOption):
    """What the coalition withholds, what black knights supply, and the leverage left."""
    from pariah import leverage as lv
    from pariah.report import figures

    plot = _plot_path(plot)
    ledger = _ledger(ctx)
    c, acts = ledger.case(case), ledger.acts(case)
    custom = lv.values_from_comtrade(comtrade, c.target) if comtrade else lv.read_values(values) if values else None
    others = [x.strip() for item in compare_with for x in item.split(",") if x.strip()]
    if others:
        rows = lv.compare([(ledger.case(x), ledger.acts(x)) for x in [case, *others]], _date(end, "--to"), freq.value)
        emit(rows.round(4), fmt, "leverage at matched months")
        if plot:
            figures.plot_leverage_compare(rows, plot)
            err.print(f"figure written to {plot}", markup=False)
        return
    frame = lv.decompose(c, acts, _date(start, "--from"), _date(end, "--to"), freq.value, custom)
    if credibility:
        series = lv.credibility_series(ledger, case, frame["date"], horizon, share, custom=custom)
        frame = lv.decompose(c, acts, _date(start, "--from"), _date(end, "--to"), freq.value, custom, series)
    if restore_to is not None:
        day = _date(as_of, "--as-of")
        cred = float(frame["credibility"].iloc[-1])
        rows = lv.restore(c, acts, restore_to, day, custom, cred)
        if rows.empty:
            raise PariahError(f"no set of up to 6 moves restores leverage {restore_to}: the most the coalition can win back falls short")
        emit(rows.round(4), fmt, f"{case}: smallest sets of moves to restore leverage {restore_to}")
    elif concession_cost is not None:
        emit(lv.concession(frame, concession_cost).round(4), fmt, f"{case}: probability of concession")
    elif engagement:
        emit(lv.conditional_engagement(frame, len(c.demands)).round(4), fmt, f"{case}: conditional engagement")
    else:
        emit(frame.round(4), fmt, f"{case}: leverage")
    if plot:
        figures.plot_leverage(frame, c, plot)
        err.print(f"figure written to {plot}", markup=False)


@app.command()
@guarded
def history(ctx: typer.Context, act_id: str = typer.Argument(..., help="An act id (see 'pariah export')."),
            fmt: Fmt = FormatOption):
    """Every revision of one act, oldest first."""
    rows = _ledger(ctx).history(act_id)
    columns = ["rev", "act_id", "case_id", "date", "actor", "act", "description", "source", "confidence",
               "known_from", "supersedes", "recorded_at"]
    emit(rows[columns], fmt, f"history of {act_id}",
         table_columns=["rev", "date", "actor", "act", "description", "confidence", "supersedes", "recorded_at"])


@app.command()
@guarded
def demo(ctx: typer.Context,
         output: Path = typer.Option(Path("pariah-report.html"), "-o", "--output", help="Report file to write.")):
    """Build the default database from the bundled cases, show the Taliban case, write a report."""
    import pariah
    from pariah import ladder, report

    ledger = _ledger(ctx)
    case = ledger.case("taliban-2021")
    as_of = ladder.default_as_of(case)
    rows = pariah.status(ledger, case.id, as_of)
    shown = rows[(rows["level"] >= 2) | rows["hostile"]]
    emit(shown, Fmt.table, table_columns=STATUS_TABLE, title=
         f"{case.name}: {len(shown)} of {len(rows)} states above 'none' or hostile on {as_of}")
    counts = rows["level_name"].value_counts()
    out.print(", ".join(f"{counts.get(n, 0)} {n}" for n in ("recognized", "ambassadors", "missions", "engaged", "none", "hostile")))
    from pariah.web.views import forecast_records

    path = report.case_report(case, ledger.acts(case.id), output, as_of=as_of, status=rows,
                              forecast=forecast_records(ledger, case.id, as_of))
    out.print(f"report written to {path}")


from pariah.events.commands import register as register_event_commands  # noqa: E402 (events ...)
from pariah.web.commands import register as register_web_commands  # noqa: E402 (serve, report)

register_web_commands(app)
register_event_commands(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
