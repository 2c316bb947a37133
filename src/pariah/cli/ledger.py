"""``cases``, ``import``, ``export``, ``history``, ``audit``, ``cite``: the ledger, its exchange format, and how to cite it."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from pariah.cli.common import Fmt, FormatOption, app, emit, guarded, open_ledger, say

cases_app = typer.Typer(help="List the cases, or add your own with 'cases add FILE.yaml'.", invoke_without_command=True)
app.add_typer(cases_app, name="cases")


class ExportFmt(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


@cases_app.callback()
@guarded
def cases_list(ctx: typer.Context, fmt: Fmt = FormatOption) -> None:
    """List the cases with their period and number of acts."""
    import pandas as pd

    if ctx.invoked_subcommand:
        return
    ledger = open_ledger(ctx)
    counts = ledger.act_counts()
    rows = pd.DataFrame(
        [{"id": c.id, "name": c.name, "target": c.target, "start": c.start, "end": c.end, "acts": counts.get(c.id, 0)}
         for c in ledger.cases()],
        columns=["id", "name", "target", "start", "end", "acts"],
    )
    emit(rows, fmt, "Cases")


@cases_app.command("add")
@guarded
def cases_add(ctx: typer.Context, file: Path = typer.Argument(..., help="Case YAML (see the case format in docs/DESIGN.md)."),
              replace: bool = typer.Option(False, "--replace", help="Replace an existing case with the same id.")) -> None:
    """Register a case from a YAML file; its acts then come in through 'pariah import'."""
    from pariah import case as case_module

    case = case_module.load(file)
    changed = open_ledger(ctx).add_case(case, replace=replace)
    say(f"case {case.id}: {'added' if changed else 'unchanged'}")


@app.command("import")
@guarded
def import_(ctx: typer.Context,
            files: List[Path] = typer.Argument(..., help="CSV, JSON Lines or Parquet files in the exchange format."),
            case: Optional[str] = typer.Option(None, "--case", help="Case id for rows without a case column."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count, write nothing.")) -> None:
    """Import acts, all or nothing: one bad row rejects every file (exit status 2)."""
    from rich.progress import Progress, TaskID

    from pariah.cli.common import err

    ledger = open_ledger(ctx)
    bar: Progress | None = None
    task: TaskID | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar, task
        if total <= 10_000:
            return
        if bar is None:
            bar = Progress(console=err, transient=True)
            bar.start()
            task = bar.add_task("importing", total=total)
        assert task is not None
        bar.update(task, completed=done)

    try:
        result = ledger.import_files(files, case=case, dry_run=dry_run, progress=progress)
    finally:
        if bar is not None:
            bar.stop()
    verb = "would add" if dry_run else "added"
    say(f"{result.rows} rows: {verb} {result.added}, corrected {result.corrected}, unchanged {result.unchanged}")


@app.command("export")
@guarded
def export(ctx: typer.Context,
           case: Optional[str] = typer.Option(None, "--case", help="Only this case."),
           fmt: ExportFmt = typer.Option(ExportFmt.csv, "--format", "-f", help="csv, jsonl or parquet."),
           output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: standard output).")) -> None:
    """Export the current revision of every act in the exchange format."""
    import sys

    n = open_ledger(ctx).export(output, case_id=case, fmt=fmt.value, stream=sys.stdout)
    if output:
        say(f"{n} acts written to {output}")


@app.command()
@guarded
def history(ctx: typer.Context, act_id: str = typer.Argument(..., help="An act id (see 'pariah export')."),
            fmt: Fmt = FormatOption) -> None:
    """Every revision of one act, oldest first."""
    rows = open_ledger(ctx).history(act_id)
    columns = ["rev", "act_id", "case_id", "date", "actor", "act", "description", "source", "confidence",
               "known_from", "supersedes", "recorded_at"]
    emit(rows[columns], fmt, f"history of {act_id}",
         table_columns=["rev", "date", "actor", "act", "description", "confidence", "supersedes", "recorded_at"])


@app.command()
@guarded
def audit(ctx: typer.Context, case: Optional[str] = typer.Argument(None, help="Case id (default: every case)."),
          errors_only: bool = typer.Option(False, "--errors", help="Only the errors, not the warnings."),
          fmt: Fmt = FormatOption) -> None:
    """Check the acts before publishing: sources, dates, actors (exit status 1 when any error is found)."""
    from pariah.ledger.audit import audit_ledger

    ledger = open_ledger(ctx)
    rows = audit_ledger(ledger, [case] if case else None)
    if errors_only:
        rows = rows[rows["severity"] == "error"]
    errors = int((rows["severity"] == "error").sum())
    emit(rows[["case", "id", "check", "severity", "message"]], fmt, f"audit of {case or 'every case'}",
         table_columns=["id", "check", "severity", "message"] if case else None)
    say(f"{errors} error(s), {len(rows) - errors} warning(s)" if len(rows) else "no problem found")
    if errors:
        raise typer.Exit(1)


class CiteFmt(str, Enum):
    text = "text"
    bibtex = "bibtex"
    csl_json = "csl-json"


@app.command()
@guarded
def cite(ctx: typer.Context, case: str = typer.Argument(..., metavar="CASE", help="Case id, e.g. taliban-2021."),
         fmt: CiteFmt = typer.Option(CiteFmt.text, "--format", "-f", help="text, bibtex or csl-json."),
         url: Optional[str] = typer.Option(None, "--url", help="The URL of the view you cite (a dashboard permalink)."),
         as_of: Optional[str] = typer.Option(None, "--as-of", help="The date of the view you cite, when it has no URL."),
         known_on: Optional[str] = typer.Option(None, "--known-on", help="Its knowledge date, when it has no URL.")) -> None:
    """How to cite a case's data: pariah's version, the ledger digest (SHA-256 of the acts), the date accessed."""
    import sys

    from pariah.cli.common import parse_date
    from pariah.present.citation import cite as make

    parameters = {"as_of": parse_date(as_of, "--as-of"), "known_on": parse_date(known_on, "--known-on")}
    citation = make(open_ledger(ctx), case, url=url, parameters=parameters)
    sys.stdout.write(citation.render(fmt.value) + "\n")
