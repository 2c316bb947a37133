from pariah.report import link_sources


def test_only_http_links_and_everything_escaped():
    html = link_sources('Outlet <b>, 2024-01-30, https://example.org/a?x=1&y=2 | javascript:alert(1) | ftp://x')
    assert '<a href="https://example.org/a?x=1&amp;y=2" rel="noopener noreferrer">' in html
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="javascript' not in html and 'href="ftp' not in html
