"""``brief``: the numbers an analyst puts in a sentence, each with the acts behind it."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from pariah.cli.common import IndexWeightsOption, KnownOnOption, app, case_date, guarded, open_ledger, parse_date, say


class BriefFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"


@app.command()
@guarded
def brief(ctx: typer.Context, case: str = typer.Argument(..., help="Case id."),
          as_of: Optional[str] = typer.Option(None, "--as-of", help="The date of the brief (default: today or the case end)."),
          known_on: Optional[str] = KnownOnOption, weights_: str = IndexWeightsOption,
          forecast: bool = typer.Option(True, "--forecast/--no-forecast", help="Name the states most likely to move next (fits the forecast model)."),
          fmt: BriefFormat = typer.Option(BriefFormat.table, "--format", "-f", help="Output: table (plain text), json, md or html."),
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output.")) -> None:
    """The numbers an analyst puts in a sentence: levels, what moved, defections, black knights, the index, leverage, who may move next."""
    from pariah.brief import brief as build
    from pariah.present import brief as words

    ledger = open_ledger(ctx)
    c = ledger.case(case)
    b = build(ledger, case, as_of=case_date(c, as_of, "--as-of"), known_on=parse_date(known_on, "--known-on"),
              weights=weights_, forecast=forecast)
    text = {BriefFormat.json: lambda: json.dumps(b, ensure_ascii=False, indent=1) + "\n", BriefFormat.md: lambda: words.markdown(b),
            BriefFormat.html: lambda: words.html_page(b), BriefFormat.table: lambda: words.text(b)}[fmt]()
    if output is None:
        sys.stdout.write(text)
        return
    from pariah.report.html import write_text

    write_text(output, text)
    say(f"brief written to {output}")
