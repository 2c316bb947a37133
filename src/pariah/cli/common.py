"""What every command shares: the app and its ``--db`` option, the output formats, the options that
several commands take, the one way results are printed, and the one place library errors become a
line on stderr and an exit status.

Topic modules (``pariah.cli.ledger``, ``pariah.cli.measure``, ...) import this module and add their
commands to ``app``; this module imports none of them. Nothing heavy is imported here: pandas and the
analysis packages are imported inside the commands that need them.
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import typer
from rich.console import Console

from pariah.dates import Freq
from pariah.exceptions import ImportRejected, InvalidArgument, InvalidDate, PariahError

if TYPE_CHECKING:
    import pandas as pd

    from pariah.ledger import Ledger

app = typer.Typer(help="Measure, explain and forecast the diplomatic isolation of regimes.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

# Tables sent to a file or a pipe get room to breathe instead of the 80 columns Rich assumes there.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


class Fmt(str, Enum):
    """The output of every query command: a Rich table, CSV, or JSON (a list of flat objects, or one)."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOption = typer.Option(Fmt.table, "--format", "-f", help="Output: table, csv or json.")
FromOption = typer.Option(None, "--from", help="First date (default: the case start).")
ToOption = typer.Option(None, "--to", help="Last date (default: today or the case end).")
FreqOption = typer.Option(Freq.month, "--freq", help="One value per day, month or quarter.")
WeightsOption = typer.Option("equal", "--weights", help="Weighting scheme: equal, population, region, power, relations or custom.")
IndexWeightsOption = typer.Option("relations", "--weights", help="Weighting scheme: relations (the default: value of relations), equal, population, region, power or custom.")
WeightsFileOption = typer.Option(None, "--weights-file", help="CSV of ISO3,weight for --weights custom.")
PlotOption = typer.Option(None, "--plot", help="Also write a figure: .png (300 dpi), .svg or .pdf by the suffix; "
                                               "no suffix writes all three (--plot fig: fig.png, fig.svg, fig.pdf).")
NoTitleOption = typer.Option(False, "--no-title", help="Leave the title out of the figure (for a caption of your own).")
KnownOnOption = typer.Option(None, "--known-on", help="Knowledge time: only acts public by this date.")


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Database URL (default: $PARIAH_DB, else a SQLite file in your data directory)."),
) -> None:
    """pariah: a sourced ledger of diplomatic acts and the isolation it measures."""
    ctx.obj = {"db": db}


def open_ledger(ctx: typer.Context) -> "Ledger":
    """The ledger of the global ``--db`` option (found on the root context, whatever the sub-command)."""
    from pariah.ledger import Ledger

    root = ctx.find_root()
    return Ledger(root.obj.get("db") if root.obj else None)


def parse_date(value: Optional[str], option: str) -> Optional[dt.date]:
    """An option's date (any precision) as a date; a bad one names the option."""
    from pariah.dates import to_date

    if value is None:
        return None
    try:
        return to_date(value)
    except InvalidDate as e:
        raise InvalidArgument(f"{option}: {e}") from None


def case_date(case, value: Optional[str], option: str) -> Optional[dt.date]:
    """An option's date within the case: from its start to today; outside it, one line naming the option."""
    from pariah.exceptions import DateOutsideCase
    from pariah.panels import check_as_of

    day = parse_date(value, option)
    if day is None:
        return None
    try:
        return check_as_of(case, day)
    except DateOutsideCase as e:
        raise InvalidArgument(f"{option}: {e}") from None


def plot_path(plot: Optional[Path]) -> Optional[Path]:
    """``--plot``, checked before any work is done (``pariah.report.figures.figure_paths``)."""
    if plot is not None:
        from pariah.report.figures import figure_paths

        try:
            figure_paths(plot)
        except InvalidArgument as e:
            raise InvalidArgument(f"--plot: {e}") from None
    return plot


def written(paths: "list[Path]") -> None:
    """Say which figure files were written."""
    say(f"figure written to {', '.join(str(p) for p in paths)}" if len(paths) == 1 else
        f"figures written to {', '.join(str(p) for p in paths)}")


def weights(scheme: str, weights_file: Optional[Path]) -> Any:
    """The ``weights`` argument of the analysis API from ``--weights`` and ``--weights-file``."""
    from pariah import measure

    return measure.read_weights(weights_file) if weights_file is not None else scheme


def emit(rows: "pd.DataFrame", fmt: Fmt, title: str = "", single: bool = False,
         table_columns: list[str] | None = None, empty: str = "") -> None:
    """Print rows as a Rich table, CSV or JSON (a list of flat objects, or one object).

    ``table_columns`` narrows what the table shows; CSV and JSON carry every column. With no rows,
    the table is replaced by ``empty`` (why there is nothing to show) on stderr; CSV and JSON stay
    machine-readable (a header, ``[]``).
    """
    from rich.table import Table

    from pariah.present.tables import plain, to_csv, to_json

    records = [{k: plain(v) for k, v in r.items()} for r in rows.to_dict("records")]
    if fmt == Fmt.json:
        data = records[0] if single and records else records
        sys.stdout.write(to_json(data, indent=1) + "\n")
    elif fmt == Fmt.csv:
        sys.stdout.write(to_csv(records, [str(c) for c in rows.columns]))
    elif not records:
        say(f"{title + ': ' if title else ''}{empty or 'nothing to show'}")
    else:
        columns = table_columns or list(rows.columns)
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(str(column), overflow="fold")
        for record in records:
            table.add_row(*("" if record[c] is None else str(record[c]) for c in columns))
        out.print(table)


def say(text: str) -> None:
    """One line on stderr, as typed (no Rich markup)."""
    err.print(text, markup=False, highlight=False)


F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """The one place a library error becomes output: its line (or, for a rejected import, its
    problems) on stderr, and the error class's ``exit_code``: 2 for bad input, 1 for a failure of the
    environment (an ``OSError`` too)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ImportRejected as e:
            for problem in e.lines():
                say(problem)
            say(f"import rejected: {e.total} problem(s); nothing was written")
            raise typer.Exit(e.exit_code)
        except PariahError as e:
            say(f"error: {e}")
            raise typer.Exit(e.exit_code)
        except OSError as e:  # the environment: a file the command writes, a port it listens on
            say(f"error: {e.filename + ': ' if e.filename else ''}{e.strerror or e}")
            raise typer.Exit(1)

    return wrapper  # type: ignore[return-value]


def main() -> None:
    """The ``pariah`` command."""
    import pariah.cli  # noqa: F401  (registers every command on ``app``)

    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
