"""Source texts as HTML: escaped, with their http(s) URLs, and only those, turned into links named by
their outlet (``reference.outlet``: ``https://uk.reuters.com/...`` reads "Reuters"; the full URL is the
link's title, and printed pages show it).

>>> link_sources("Outlet, https://www.example.org/a?b=1&c=2")
'Outlet, <a href="https://www.example.org/a?b=1&amp;c=2" rel="noopener noreferrer" title="https://www.example.org/a?b=1&amp;c=2">example.org</a>'
"""
from __future__ import annotations

import html as _html
import re
from urllib.parse import urlsplit

_URL = re.compile(r"https?://[^\s|,;<>\"']+")


def outlet_of(url: str) -> str:
    """The outlet's name for a URL (``reference.outlet`` of its host), or the URL when it has no host."""
    from pariah import reference

    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return reference.outlet(host) if host else url


def link_sources(source: str) -> str:
    """Escape a source text and turn its http(s) URLs, and only those, into links named by their outlet."""
    out, last = [], 0
    for match in _URL.finditer(source):
        out.append(_html.escape(source[last:match.start()]))
        url = _html.escape(match.group(0))
        out.append(f'<a href="{url}" rel="noopener noreferrer" title="{url}">{_html.escape(outlet_of(match.group(0)))}</a>')
        last = match.end()
    out.append(_html.escape(source[last:]))
    return "".join(out)
