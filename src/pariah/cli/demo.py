"""``demo``: the main job on the bundled data, for a first look."""
from __future__ import annotations

from pathlib import Path

import typer

from pariah.cli.common import Fmt, app, emit, guarded, open_ledger, out
from pariah.cli.measure import STATUS_TABLE


@app.command()
@guarded
def demo(ctx: typer.Context,
         output: Path = typer.Option(Path("pariah-report.html"), "-o", "--output", help="Report file to write.")) -> None:
    """Build the default database from the bundled cases, show the Taliban case, write a report."""
    import pariah
    from pariah import report
    from pariah.panels import default_as_of
    from pariah.present.records import forecast_records

    ledger = open_ledger(ctx)
    case = ledger.case("taliban-2021")
    as_of = default_as_of(case)
    rows = pariah.status(ledger, case.id, as_of=as_of)
    shown = rows[(rows["level"] >= 2) | rows["hostile"]]
    emit(shown, Fmt.table, table_columns=STATUS_TABLE,
         title=f"{case.name}: {len(shown)} of {len(rows)} states above 'none' or hostile on {as_of}")
    counts = rows["level_name"].value_counts()
    out.print(", ".join(f"{counts.get(n, 0)} {n}" for n in ("recognized", "ambassadors", "missions", "engaged", "none", "hostile")))
    path = report.case_report(case, ledger.acts(case.id), output, as_of=as_of, status=rows,
                              forecast=forecast_records(ledger, case.id, as_of))
    out.print(f"report written to {path}")
