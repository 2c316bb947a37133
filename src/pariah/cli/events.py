"""``events ingest``, ``events show``, ``events candidates``: event data beside the ledger."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, List, Optional

import typer

from pariah.cli.common import Fmt, FormatOption, app, emit, guarded, open_ledger, parse_date, say

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


class Direction(str, Enum):
    to_target = "to_target"
    from_target = "from_target"


SHOWN_PROBLEMS = 50
MONTH_TABLE = ["dataset", "state", "month", "direction", "events", "cooperation", "conflict", "goldstein_mean",
               "sources"]
CANDIDATE_TABLE = ["id", "date", "state", "act", "code", "label", "events", "source"]


app.add_typer(events_app, name="events")


@events_app.command("ingest")
@guarded
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
                                                 help="DuckDB's threads (default: every core).")) -> None:
    """Read event files, keep the target's events with each state, store them and their monthly aggregates."""
    from pariah import events

    result = events.ingest(open_ledger(ctx), files, fmt=fmt.value, target=target, engine=engine.value,
                           spark_master=spark_master, strict=strict, memory_limit=memory_limit, threads=threads)
    for problem in result.problems[:SHOWN_PROBLEMS]:
        say(problem)
    if result.malformed > SHOWN_PROBLEMS:
        say(f"... and {result.malformed - SHOWN_PROBLEMS} more malformed lines (use --strict to reject the files)")
    say(f"{result.rows} rows in {len(result.files)} file(s) on {result.engine}: {result.matched} events between "
              f"{result.target} and a state ({result.added} new), {result.malformed} malformed; "
              f"{result.months} month(s) aggregated")


@events_app.command("show")
@guarded
def show(ctx: typer.Context, case: str = typer.Argument(..., help="Case id; its target's events are shown."),
         dataset: Optional[InputFormat] = typer.Option(None, "--dataset", help="Only this dataset."),
         state: Optional[str] = typer.Option(None, "--state", help="Only this state (ISO3)."),
         direction: Optional[Direction] = typer.Option(None, "--direction", help="to_target or from_target."),
         start: Optional[str] = typer.Option(None, "--from", help="First month (default: the case start)."),
         end: Optional[str] = typer.Option(None, "--to", help="Last month (default: the case end)."),
         by_category: bool = typer.Option(False, "--by-category",
                                          help="Counts per CAMEO root code or PLOVER category instead."),
         fmt: Fmt = FormatOption) -> None:
    """Monthly event aggregates of a case's target, per state and direction."""
    from pariah import events

    ledger = open_ledger(ctx)
    kwargs: dict[str, Any] = dict(dataset=dataset.value if dataset else None, state=state,
                  direction=direction.value if direction else None,
                  start=parse_date(start, "--from"), end=parse_date(end, "--to"))
    if by_category:
        rows = events.category_counts(ledger, case, **kwargs)
        emit(rows, fmt, f"{case}: events by category")
        return
    rows = events.aggregates(ledger, case, **kwargs)
    emit(rows, fmt, f"{case}: monthly events with {ledger.case(case).target}", table_columns=MONTH_TABLE)


@events_app.command("candidates")
@guarded
def candidates(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
               since: Optional[str] = typer.Option(None, "--since", help="Only events on or after this date."),
               dataset: Optional[InputFormat] = typer.Option(None, "--dataset", help="Only this dataset."),
               accept: Optional[str] = typer.Option(None, "--accept",
                                                    help="Write the act of this candidate id to the ledger (a normal revision)."),
               fmt: Fmt = FormatOption) -> None:
    """Events whose codes map to ladder acts the ledger does not hold yet; --accept ID writes one."""
    from pariah import events

    ledger = open_ledger(ctx)
    if accept:
        result = events.accept(ledger, case, accept)
        say(f"{accept}: added {result.added}, corrected {result.corrected}, unchanged {result.unchanged}")
        return
    rows = events.candidates(ledger, case, since=parse_date(since, "--since"), dataset=dataset.value if dataset else None)
    emit(rows, fmt, f"{case}: candidate acts from event data", table_columns=CANDIDATE_TABLE)
