"""Source texts as HTML: escaped, with their http(s) URLs, and only those, turned into links."""
from __future__ import annotations

import html as _html
import re

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
