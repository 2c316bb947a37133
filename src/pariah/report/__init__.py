"""Reports and figures: the self-contained HTML case report (``pariah.report.html``) and
publication figures (``pariah.report.figures``).

>>> import pariah
>>> from pariah import report
>>> ledger = pariah.Ledger()
>>> case = ledger.case("taliban-2021")
>>> report.case_report(case, ledger.acts(case.id), "taliban.html")   # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt
import html as _html
import re
from pathlib import Path

import pandas as pd

from pariah.case import Case

__all__ = ["case_report", "link_sources", "status_report"]

_URL = re.compile(r"https?://[^\s|,;<>\"']+")


def link_sources(source: str) -> str:
    """Escape a source text and turn its http(s) URLs, and only those, into links."""
    out, last = [], 0
    for match in _URL.finditer(source):
        out.append(_html.escape(source[last:match.start()]))
        url = match.group(0)
        out.append(f'<a href="{_html.escape(url)}" rel="noopener noreferrer">{_html.escape(url)}</a>')
        last = match.end()
    out.append(_html.escape(source[last:]))
    return "".join(out)


def case_report(case: Case, acts: pd.DataFrame, path: str | Path, **options) -> Path:
    """Write the full report of a case as one self-contained HTML file (see ``pariah.report.html.build``
    for the options: ``as_of``, ``known_on``, ``map_dates``, ``status``)."""
    from pariah.report import html

    return html.case_report(case, acts, path, **options)


def status_report(case: Case, status: pd.DataFrame, as_of: dt.date, path: str | Path,
                  acts: pd.DataFrame | None = None) -> Path:
    """The report for ``pariah demo``: with ``acts``, the full report; without, its status-only form
    (the status table with sources, the case and the methods). Prefer ``case_report``."""
    from pariah.report import html

    return html.build(case, acts, as_of=as_of, status=status).write_html(path)
