"""``forecast``, ``scenario``, ``backtest``: who is likely to move next, and what if a state moves."""
from __future__ import annotations

import json
import sys
from enum import Enum
from typing import List, Optional

import typer

from pariah.cli.common import Fmt, FormatOption, app, emit, guarded, open_ledger, parse_date
from pariah.exceptions import InvalidArgument


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
    rows = fc.forecast(ledger, case, as_of=day, horizon=horizon, level=level, n_bootstrap=bootstrap, seed=seed,
                       engagement=engagement)
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
             fmt: Fmt = FormatOption) -> None:
    """Simulate the cascade with and without assumed moves: who follows, and how many."""
    from pariah import forecast as fc

    ledger = open_ledger(ctx)
    distribution, states = fc.scenario(ledger, case, assume=assume, as_of=parse_date(as_of, "--as-of"),
                                       horizon=horizon, runs=runs, seed=seed, backend=backend.value)
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
             fmt: Fmt = FormatOption) -> None:
    """Score forecasts made on what was known at each cutoff against what happened."""
    import pandas as pd

    from pariah import forecast as fc

    if not cutoff and not rolling:
        raise InvalidArgument("give at least one --cutoff DATE, or --rolling")
    ledger = open_ledger(ctx)
    result = fc.backtest(ledger, case, cutoffs=[parse_date(c, "--cutoff") for c in cutoff], horizon=horizon,
                         level=level, rolling=rolling, engagement=engagement)
    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(result, indent=1) + "\n")
        return
    summary = {k: v for k, v in result.items() if k not in ("calibration", "cutoffs")}
    emit(pd.DataFrame([summary]), fmt, f"backtest of {case}")
    if fmt == Fmt.table:
        emit(pd.DataFrame(result["calibration"]).round(4), fmt, "calibration by decile of p")
