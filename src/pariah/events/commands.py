"""The ``pariah events`` commands: parse, call ``pariah.events``, format. Registered by ``register(app)``."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

events_app = typer.Typer(help="Event data (GDELT, ICEWS, POLECAT): ingest, monthly aggregates, candidate acts.",
                         no_args_is_help=True)


class InputFormat(str, Enum):
    gdelt1 = "gdelt1"
    gdelt2 = "gdelt2"
    icews = "icews"
    polecat = "polecat"


class EngineName(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = typer.Option(OutputFormat.table, "--format", "-f", help="Output: table, csv or json.")


class Direction(str, Enum):
    to_target = "to_target"
    from_target = "from_target"


SHOWN_PROBLEMS = 50
MONTH_TABLE = ["dataset", "state", "month", "direction", "events", "cooperation", "conflict", "goldstein_mean",
               "sources"]
CANDIDATE_TABLE = ["id", "date", "state", "act", "code", "label", "events", "source"]


def register(app: typer.Typer) -> None:
    """Add the ``events`` sub-commands to the ``pariah`` command line (once)."""
    if not any(group.name == "events" for group in app.registered_groups):
        app.add_typer(events_app, name="events")


@events_app.command("ingest")
def ingest(ctx: typer.Context,
           files: List[str] = typer.Argument(..., help="Event files (optionally .zip or .gz), or quoted glob "
                                                       "patterns, e.g. 'gdelt/2024*.export.CSV.zip'."),
           fmt: InputFormat = typer.Option(..., "--format", help="gdelt1 (1.0 daily), gdelt2 (2.0 15-minute), "
                                                                 "icews (yearly .tab) or polecat (POLECAT/PLOVER)."),
           target: str = typer.Option(..., "--target", help="The target: ISO3 (e.g. AFG) or a CAMEO actor code (e.g. TAL)."),
           engine: EngineName = typer.Option(EngineName.duckdb, "--engine", help="duckdb (embedded, default) or spark."),
           spark_master: Optional[str] = typer.Option(None, "--spark-master",
                                                      help="Spark master URL, e.g. spark://host:7077 (default: local)."),
           strict: bool = typer.Option(False, "--strict", help="Reject the files (exit status 2) on any malformed line."),
           memory_limit: Optional[str] = typer.Option(None, "--memory-limit",
                                                      help="DuckDB's memory bound, e.g. 2GB (default 1GB; spills to disk beyond it)."),
           threads: Optional[int] = typer.Option(None, "--threads", min=1,
                                                 help="DuckDB's threads (default: every core).")):
    """Read event files, keep the target's events with each state, store them and their monthly aggregates."""
    from pariah.cli import guarded

    guarded(_ingest)(ctx, files, fmt, target, engine, spark_master, strict, memory_limit, threads)


def _ingest(ctx, files, fmt, target, engine, spark_master, strict, memory_limit, threads):
    from pariah import events
    from pariah.cli import _ledger, err

    result = events.ingest(_ledger(ctx), files, fmt=fmt.value, target=target, engine=engine.value,
                           spark_master=spark_master, strict=strict, memory_limit=memory_limit, threads=threads)
    for problem in result.problems[:SHOWN_PROBLEMS]:
        err.print(problem, markup=False, highlight=False)
    if result.malformed > SHOWN_PROBLEMS:
        err.print(f"... and {result.malformed - SHOWN_PROBLEMS} more malformed lines (use --strict to reject the files)",
                  markup=False, highlight=False)
    err.print(f"{result.rows} rows in {len(result.files)} file(s) on {result.engine}: {result.matched} events between "
              f"{result.target} and a state ({result.added} new), {result.malformed} malformed; "
              f"{result.months} month(s) aggregated", markup=False, highlight=False)


@events_app.command("show")
def show(ctx: typer.Context, case: str = typer.Argument(..., help="Case id; its target's events are shown."),
         dataset: Optional[InputFormat] = typer.Option(None, "--dataset", help="Only this dataset."),
         state: Optional[str] = typer.Option(None, "--state", help="Only this state (ISO3)."),
         direction: Optional[Direction] = typer.Option(None, "--direction", help="to_target or from_target."),
         start: Optional[str] = typer.Option(None, "--from", help="First month (default: the case start)."),
         end: Optional[str] = typer.Option(None, "--to", help="Last month (default: the case end)."),
         by_category: bool = typer.Option(False, "--by-category",
                                          help="Counts per CAMEO root code or PLOVER category instead."),
         fmt: OutputFormat = FormatOption):
    """Monthly event aggregates of a case's target, per state and direction."""
    from pariah.cli import guarded

    guarded(_show)(ctx, case, dataset, state, direction, start, end, by_category, fmt)


def _fmt(value: OutputFormat):
    from pariah.cli import Fmt

    return Fmt(value.value)


def _show(ctx, case, dataset, state, direction, start, end, by_category, fmt):
    from pariah import events
    from pariah.cli import _date, _ledger, emit

    fmt = _fmt(fmt)
    ledger = _ledger(ctx)
    kwargs = dict(dataset=dataset.value if dataset else None, state=state,
                  direction=direction.value if direction else None,
                  start=_date(start, "--from"), end=_date(end, "--to"))
    if by_category:
        rows = events.category_counts(ledger, case, **kwargs)
        emit(rows, fmt, f"{case}: events by category")
        return
    rows = events.aggregates(ledger, case, **kwargs)
    emit(rows, fmt, f"{case}: monthly events with {ledger.case(case).target}", table_columns=MONTH_TABLE)


@events_app.command("candidates")
def candidates(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
               since: Optional[str] = typer.Option(None, "--since", help="Only events on or after this date."),
               dataset: Optional[InputFormat] = typer.Option(None, "--dataset", help="Only this dataset."),
               accept: Optional[str] = typer.Option(None, "--accept",
                                                    help="Write the act of this candidate id to the ledger (a normal revision)."),
               fmt: OutputFormat = FormatOption):
    """Events whose codes map to ladder acts the ledger does not hold yet; --accept ID writes one."""
    from pariah.cli import guarded

    guarded(_candidates)(ctx, case, since, dataset, accept, fmt)


def _candidates(ctx, case, since, dataset, accept, fmt):
    from pariah import events
    from pariah.cli import _date, _ledger, emit, err

    fmt = _fmt(fmt)
    ledger = _ledger(ctx)
    if accept:
        result = events.accept(ledger, case, accept)
        err.print(f"{accept}: added {result.added}, corrected {result.corrected}, unchanged {result.unchanged}",
                  markup=False, highlight=False)
        return
    rows = events.candidates(ledger, case, since=_date(since, "--since"), dataset=dataset.value if dataset else None)
    emit(rows, fmt, f"{case}: candidate acts from event data", table_columns=CANDIDATE_TABLE)
