from pariah.report import link_sources


def test_only_http_links_and_everything_escaped():
    html = link_sources('Outlet <b>, 2024-01-30, https://example.org/a?x=1&y=2 | javascript:alert(1) | ftp://x')
    assert ('<a href="https://example.org/a?x=1&amp;y=2" rel="noopener noreferrer" '
            'title="https://example.org/a?x=1&amp;y=2">example.org</a>') in html  # named by its outlet
    reuters = link_sources("https://uk.reuters.com/article/x")
    assert reuters.endswith(">Reuters</a>") and 'href="https://uk.reuters.com/article/x"' in reuters
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="javascript' not in html and 'href="ftp' not in html
