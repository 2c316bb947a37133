"""``forecast``, ``scenario``, ``backtest``: who is likely to move next, and what if a state moves."""
from __future__ import annotations

import json
import sys
from enum import Enum
from typing import List, Optional

import typer

from pariah.cli.common import Fmt, FormatOption, app, emit, err, guarded, open_ledger, parse_date, say
from pariah.exceptions import InvalidArgument


class ScenarioShow(str, Enum):
    both = "both"
    states = "states"
    distribution = "distribution"


#: States the forecast table shows unless ``--top`` says otherwise (the likeliest first).
TABLE_TOP = 25


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
              record: bool = typer.Option(False, "--record", help="Put every row on the record ('pariah scorecard' grades it once its window closes)."),
              top: Optional[int] = typer.Option(None, "--top", min=0, help=f"Show the N likeliest states only; 0: every state (default: the table shows {TABLE_TOP}, CSV and JSON every state)."),
              fmt: Fmt = FormatOption) -> None:
    """Who is likely to reach a level next: probability within the horizon, 80% interval, drivers."""
    from pariah import forecast as fc
    from pariah.panels import default_as_of

    ledger = open_ledger(ctx)
    c = ledger.case(case)
    day = parse_date(as_of, "--as-of") or default_as_of(c)
    if coefficients:
        model = fc.fit(ledger, as_of=day, level=level or c.level, n_bootstrap=bootstrap, seed=seed, engagement=engagement)
        emit(model.summary().round({"coef": 4, "low": 4, "high": 4, "odds_ratio": 4}), fmt,
             f"hazard model as of {day}: {model.events_} moves in {model.n_} state-months")
        return
    if record:
        fc.check_recordable(day)
    rows = fc.forecast(ledger, case, as_of=day, horizon=horizon, level=level, n_bootstrap=bootstrap, seed=seed,
                       engagement=engagement)
    for warning in rows.attrs.get("warnings", []):
        say(f"warning: {warning}")
    if record:
        written = fc.record(ledger, case, rows, as_of=day, horizon=horizon, level=level or c.level)
        say(f"recorded {written} rows of {case} as of {day} ('pariah scorecard {case}' grades them)")
    shown = top if top is not None else (TABLE_TOP if fmt == Fmt.table else 0)
    if 0 < shown < len(rows):
        if top is None:
            say(f"the {shown} likeliest of {len(rows)} states; --top 0 shows every one (--format csv|json gives every row)")
        rows = rows.head(shown)
    emit(rows.round({"p": 4, "p_low": 4, "p_high": 4}), fmt, f"{case}: within {horizon} months of {day}",
         table_columns=["state", "name", "p", "p_low", "p_high", "current_level", "drivers"])


@app.command()
@guarded
def scorecard(ctx: typer.Context, case: Optional[str] = typer.Argument(None, help="Case id (default: every case)."),
              fmt: Fmt = FormatOption) -> None:
    """Grade the forecasts on the record: Brier, log loss, hit or miss per state once a window closes; events so far while open."""
    from pariah import forecast as fc

    ledger = open_ledger(ctx)
    rows = fc.scorecard(ledger, case)
    emit(rows.round({"p": 4, "brier": 4, "log_loss": 4}), fmt, f"scorecard of {case or 'every case'}",
         table_columns=["case", "made_on", "as_of", "horizon", "level", "state", "p", "outcome", "brier", "hit", "status"])


@app.command()
@guarded
def scenario(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
             assume: List[str] = typer.Option(..., "--assume", help="ISO3=LEVEL[@DATE], e.g. CHN=recognized@2025-01; repeatable."),
             as_of: Optional[str] = typer.Option(None, "--as-of", help="Simulate from this date (acts known then)."),
             horizon: int = typer.Option(24, "--horizon", min=1, max=240, help="Months simulated."),
             runs: int = typer.Option(2000, "--runs", min=10, max=1_000_000, help="Monte Carlo runs."),
             seed: int = typer.Option(0, "--seed", help="Seed: the same seed gives the same result."),
             show: ScenarioShow = typer.Option(ScenarioShow.both, "--show",
                                               help="both (the distribution, then the states), states or distribution; "
                                                    "JSON of both is one object with the two lists."),
             backend: Backend = typer.Option(Backend.numpy, "--backend",
                                             help="numpy, or jax (a GPU when JAX finds one; pip install 'pariah[jax]')."),
             fmt: Fmt = FormatOption) -> None:
    """Simulate the cascade with and without assumed moves: who follows, and how many."""
    from pariah import forecast as fc

    ledger = open_ledger(ctx)
    distribution, states = fc.scenario(ledger, case, assume=assume, as_of=parse_date(as_of, "--as-of"),
                                       horizon=horizon, runs=runs, seed=seed, backend=backend.value)
    if show == ScenarioShow.both and fmt == Fmt.json:
        from pariah.present.tables import plain

        data = {name: [{k: plain(v) for k, v in r.items()} for r in frame.round(4).to_dict("records")]
                for name, frame in (("distribution", distribution), ("states", states))}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    if show in (ScenarioShow.both, ScenarioShow.distribution):
        emit(distribution.round(3), fmt, f"{case}: states at or above each level after {horizon} months")
    if show in (ScenarioShow.both, ScenarioShow.states):
        emit(states.round(4), fmt, f"{case}: the assumption's effect, largest first ({', '.join(assume)})")


@app.command()
@guarded
def backtest(ctx: typer.Context, case: Optional[str] = typer.Option(None, "--case", help="Case id."),
             cutoff: List[str] = typer.Option([], "--cutoff", help="Cutoff date; repeatable."),
             rolling: bool = typer.Option(False, "--rolling", help="A cutoff every 6 months."),
             leave_one_out: bool = typer.Option(False, "--leave-one-out",
                                                help="The yardstick: every case with 10 moves or more at its level, "
                                                     "a cutoff every --every months, each fitted on every case as known then."),
             every: int = typer.Option(12, "--every", min=1, max=240, help="Months between cutoffs (--leave-one-out)."),
             horizon: int = typer.Option(12, "--horizon", min=1, max=240, help="Months ahead."),
             level: Optional[str] = typer.Option(None, "--level", help="Target level (default: the case's)."),
             engagement: bool = typer.Option(False, "--engagement", help="Add the event-data engagement covariate."),
             fmt: Fmt = FormatOption) -> None:
    """Score forecasts made on what was known at each cutoff against what happened."""
    import pandas as pd

    from pariah import forecast as fc

    ledger = open_ledger(ctx)
    if leave_one_out:
        if case or cutoff or rolling or engagement:
            raise InvalidArgument("--leave-one-out scores every case: drop --case, --cutoff, --rolling and --engagement")
        result = _with_progress(lambda progress: fc.leave_one_out(ledger, horizon=horizon, every=every, level=level,
                                                                  progress=progress))
        result = {"pooled": result["pooled"], "cases": result["cases"], "settings": result["settings"]}
        if fmt == Fmt.json:
            sys.stdout.write(json.dumps(result, indent=1) + "\n")
            return
        columns = ["n", "events", "brier", "brier_climatology", "bss", "bss_low", "bss_high", "auc", "auc_low",
                   "auc_high", "log_loss"]
        emit(pd.DataFrame([{k: result["pooled"][k] for k in columns}]).round(4), fmt,
             f"leave one case out, {horizon} months ahead, a cutoff every {every} months: pooled")
        emit(pd.DataFrame([{k: v for k, v in c.items() if k != "calibration"} for c in result["cases"]]).round(4),
             fmt, "per case")
        if fmt == Fmt.table:
            emit(pd.DataFrame(result["pooled"]["calibration"]).round(4), fmt, "calibration by tenth of p (pooled)")
        return
    if not case:
        raise InvalidArgument("give --case CASE (with --cutoff DATE or --rolling), or --leave-one-out")
    if not cutoff and not rolling:
        raise InvalidArgument("give at least one --cutoff DATE, or --rolling")
    result = fc.backtest(ledger, case, cutoffs=[parse_date(c, "--cutoff") for c in cutoff], horizon=horizon,
                         level=level, rolling=rolling, engagement=engagement)
    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(result, indent=1) + "\n")
        return
    summary = {k: v for k, v in result.items() if k not in ("calibration", "cutoffs")}
    emit(pd.DataFrame([summary]), fmt, f"backtest of {case}")
    if fmt == Fmt.table:
        emit(pd.DataFrame(result["calibration"]).round(4), fmt, "calibration by decile of p")


def _with_progress(work):
    """Run ``work(progress)`` with a Rich progress bar on stderr (fits done of fits planned)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    with Progress(TextColumn("fitting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task("fits", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return work(progress)
