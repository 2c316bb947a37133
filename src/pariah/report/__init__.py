"""Self-contained HTML reports (no external assets: every style is inline)."""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd

from pariah.case import Case

_URL = re.compile(r"https?://[^\s|,;<>\"']+")


def link_sources(source: str) -> str:
    """Escape a source text and turn its http(s) URLs, and only those, into links."""
    out, last = [], 0
    for match in _URL.finditer(source):
        out.append(html.escape(source[last:match.start()]))
        url = match.group(0)
        out.append(f'<a href="{html.escape(url)}" rel="noopener noreferrer">{html.escape(url)}</a>')
        last = match.end()
    out.append(html.escape(source[last:]))
    return "".join(out)


STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.l0{color:#b00}.l4,.l5{font-weight:600}td.src{max-width:28rem;overflow-wrap:anywhere}
"""


def status_report(case: Case, status: pd.DataFrame, as_of: dt.date, path: str | Path) -> Path:
    """Write the status of every state above ``none`` (or hostile) as one HTML file."""
    shown = status[(status["level"] >= 2) | status["hostile"]]
    counts = status["level_name"].value_counts()
    rows = "\n".join(
        f"<tr><td>{html.escape(r.name)} ({r.state})</td><td class='l{r.level}'>{r.level} {r.level_name}</td>"
        f"<td>{r.since}</td><td>{'yes' if r.hostile else ''}</td><td>{html.escape(r.last_act)} {html.escape(r.last_date)}</td>"
        f"<td class='src'>{link_sources(r.last_source)}</td></tr>"
        for r in shown.itertuples()
    )
    summary = ", ".join(f"{counts.get(name, 0)} {name}" for name in ("recognized", "ambassadors", "missions", "engaged", "none", "hostile"))
    demands = "".join(f"<li>{html.escape(d)}</li>" for d in case.demands)
    sources = "".join(f"<li>{link_sources(s)}</li>" for s in case.sources)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{html.escape(case.name)}: status on {as_of}</title><style>{STYLE}</style></head>
<body><h1>{html.escape(case.name)}</h1>
<p>Status of {len(status)} states on {as_of}: {summary}.</p>
<p>{html.escape(case.description)}</p>
<h2>Coalition demands</h2><ul>{demands}</ul>
<h2>States above <em>none</em> or hostile</h2>
<table><thead><tr><th>State</th><th>Level</th><th>Since</th><th>Hostile</th><th>Last act</th><th>Source</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>Case sources</h2><ul>{sources}</ul>
<p><small>pariah; levels follow the ladder in docs/METHODS.md.</small></p>
</body></html>
"""
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path
