"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real uvicorn
server on 127.0.0.1. Skipped when /usr/bin/chromium or the playwright package is missing.

Every test fails if a page asks for anything outside the test server (requests elsewhere are
also aborted, so a test never reaches the network).
"""
from __future__ import annotations

import os

import re
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from conftest import CASE_YAML, act_row  # noqa: E402
from pariah import case as case_module  # noqa: E402
from pariah.ledger import Ledger  # noqa: E402
from pariah.present import maps  # noqa: E402
from pariah.web import create_app  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
XSS_DESCRIPTION = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\">"
XSS_SOURCE = "javascript:window.__xss=3"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.sqlite'}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, ledger_url):
    """A uvicorn server on 127.0.0.1 over the bundled cases plus the test case with a hostile act."""
    folder = tmp_path_factory.mktemp("browser-case")
    ledger = Ledger(ledger_url)
    (folder / "case.yaml").write_text(CASE_YAML, encoding="utf-8")
    ledger.add_case(case_module.load(folder / "case.yaml"))
    ledger.import_records([
        act_row(id="evil", actor="IRN", act="accept_envoy", date="2024-02-10", description=XSS_DESCRIPTION, source=XSS_SOURCE,
                confidence="medium"),
        act_row(id="chn"),
    ], name="fixture")
    app = create_app(ledger)
    config = uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{config.port}"
    # a case page fits the forecast model: each made once here, so that no page load waits on it
    for case_id in ("taliban-2021", "test-case"):
        with urllib.request.urlopen(f"{base}/cases/{case_id}", timeout=300) as r:  # 127.0.0.1 only
            assert r.status == 200
    yield base
    srv.should_exit = True
    thread.join(10)
    ledger.close()


def _start_playwright():
    """Start Playwright's driver with its stderr on /dev/null: the driver makes its stderr non-blocking,
    and when that is the test runner's own stdout pipe (CI logs), the runner's later output is lost."""
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        return sync_api.sync_playwright().start()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@pytest.fixture(scope="module")
def browser():
    p = _start_playwright()
    try:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()
    finally:
        p.stop()


class Visit:
    """One page in a fresh context that records console errors and aborts (and records) every
    request that is not for the test server."""

    def __init__(self, browser, base: str, viewport: dict):
        self.base = base
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport=viewport, service_workers="block")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        return self.page

    def close(self):
        self.context.close()
        assert self.outside == [], f"requests outside 127.0.0.1: {self.outside}"


@pytest.fixture
def visit(browser, server):
    opened: list[Visit] = []

    def make(viewport=WIDE) -> Visit:
        v = Visit(browser, server, viewport)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()


def _fills(page) -> dict[str, str]:
    return page.eval_on_selector_all("#map g[data-state]", "els => Object.fromEntries(els.map(e => [e.dataset.state, e.style.fill]))")


def _rgb(hex_colour: str) -> str:
    n = int(hex_colour[1:], 16)
    return f"rgb({n >> 16 & 255}, {n >> 8 & 255}, {n & 255})"


def test_slider_recolours_the_map(visit):
    v = visit()
    page = v.open("/cases/taliban-2021")
    page.wait_for_selector('#map[data-ready="1"]')
    slider = page.locator("#map-date")
    assert slider.is_enabled()
    today = page.locator("#map-date-label").inner_text()
    last = _fills(page)
    assert last["RUS"] == _rgb(maps.LEVEL_COLOURS[5]) and last["AFG"] == _rgb(maps.TARGET_COLOUR)
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_function("document.querySelector('#map-date-label').textContent === '2021-08-15'")
    first = _fills(page)
    assert first["RUS"] != last["RUS"] and first["AFG"] == last["AFG"]
    changed = [code for code in last if first[code] != last[code]]
    assert len(changed) >= 10
    legend = page.locator('#map-legend [data-count="5"]').inner_text()
    assert legend == "0"
    page.keyboard.press("End")
    page.wait_for_function(f"document.querySelector('#map-date-label').textContent === '{today}'")
    assert _fills(page) == last
    page.wait_for_selector('#index-chart[data-ready="1"] .main-svg')
    page.wait_for_selector('#cohesion-chart[data-ready="1"] .main-svg')
    assert v.errors == []


def test_act_links_point_at_their_sources(visit, server):
    import json
    import urllib.request

    with urllib.request.urlopen(f"{server}/api/cases/taliban-2021/acts?actor=RUS") as r:  # 127.0.0.1 only
        acts = json.load(r)
    act = next(a for a in acts if a["act"] == "recognize")
    expected = re.search(r"https?://[^\s|,;<>\"']+", act["source"]).group(0)
    v = visit()
    page = v.open("/cases/taliban-2021?actor=RUS&moving=1#timeline")  # the timeline, filtered on the server
    link = page.locator(f'tr[data-act="{act["id"]}"] td.src a').first
    assert link.get_attribute("href") == expected
    assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    assert v.errors == []


def test_hostile_act_neither_runs_nor_links(visit):
    v = visit()
    for path in ("/cases/test-case", "/cases/test-case/states/IRN"):
        page = v.open(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None
        assert page.locator('a[href^="javascript:" i]').count() == 0
        row = page.locator('tr[data-act="evil"]').first
        assert XSS_DESCRIPTION in row.locator("td.desc").inner_text()
        assert XSS_SOURCE in row.locator("td.src").inner_text()
        assert row.locator("img, script").count() == 0
    assert v.dialogs == [] and v.errors == []


def test_state_compare_home_and_api_docs_pages(visit):
    v = visit()
    page = v.open("/cases/taliban-2021/states/CHN")
    page.wait_for_selector('#state-chart[data-ready="1"] .main-svg')
    page = v.open("/compare?cases=taliban-2021,taliban-1996")
    page.wait_for_selector('#compare-chart[data-ready="1"] .main-svg')
    page = v.open("/")
    assert page.locator("#cases tbody tr").count() >= 6
    page = v.open("/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".swagger-ui .opblock")
    assert v.errors == []


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x800", "phone"])
def test_usable_at_desktop_and_phone_width(visit, viewport):
    v = visit(viewport)
    for path in ("/", "/cases/taliban-2021", "/cases/taliban-2021/states/RUS"):
        page = v.open(path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (path, width)
    page = v.open("/cases/taliban-2021")
    page.wait_for_selector('#map[data-ready="1"]')
    box = page.locator("#map-date").bounding_box()
    assert box["width"] >= 0.4 * viewport["width"] and box["height"] >= 16
    map_box = page.locator("#map").bounding_box()
    assert map_box["width"] >= 0.9 * (viewport["width"] - 40)
    assert v.errors == []


# ---- permalinks, downloads, citations, phone width, contrast ----------------------------------


def _status_rows(page) -> list[str]:
    return page.locator("#status-block tbody tr").all_inner_texts()


def test_a_permalink_restores_the_slider_and_the_status_table(visit):
    v = visit()
    page = v.open("/cases/taliban-2021")
    page.wait_for_selector('#map[data-ready="1"]')
    page.locator("#map-date").focus()
    page.keyboard.press("Home")
    for _ in range(18):
        page.keyboard.press("ArrowRight")
    label = page.locator("#map-date-label").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-01", label)
    page.wait_for_function("l => new URL(location.href).searchParams.get('as_of') === l", arg=label)  # as the slider moves
    # the whole page follows the page's date: cards, black knights, status, citation
    page.wait_for_function("l => document.querySelector('#status-block h2').textContent === 'Status on ' + l", arg=label)
    assert page.locator("#knights-block h3").inner_text() == f"Black knights on {label}"
    assert f"Isolation index on {label}" in page.locator("#cards").inner_text()
    page.wait_for_function("l => document.querySelector('#cite-text').textContent.includes('as_of=' + l)", arg=label)
    rows, fills, position = _status_rows(page), _fills(page), page.locator("#map-date").input_value()
    assert rows and position == "18"
    page.click("#copy-link")
    page.wait_for_function("() => document.getElementById('copy-status').textContent !== ''")
    link = page.locator("#copy-link").get_attribute("data-link")
    assert link == page.url and f"as_of={label}" in link
    # the link alone, in a fresh page, gives the same view
    other = visit().open(link[len(v.base):])
    other.wait_for_selector('#map[data-ready="1"]')
    assert other.locator("#map-date").input_value() == position
    assert other.locator("#map-date-label").inner_text() == label
    assert _status_rows(other) == rows and _fills(other) == fills
    # play moves the slider on, and the URL with it; pause stops it
    other.click("#map-play")
    other.wait_for_function("l => document.querySelector('#map-date-label').textContent > l", arg=label)
    other.click("#map-play")
    assert other.locator("#map-play").get_attribute("aria-pressed") == "false"
    shown = other.locator("#map-date-label").inner_text()
    other.wait_for_function("d => new URL(location.href).searchParams.get('as_of') === d", arg=shown)
    assert v.errors == []


def test_the_map_draws_hostile_flags_and_tells_level_since_and_last_act(visit):
    v = visit()
    page = v.open("/cases/taliban-2021")
    page.wait_for_selector('#map[data-ready="1"]')
    striped = page.eval_on_selector_all("#map g[data-state]", "els => els.filter(e => e.style.fill.startsWith('url(')).length")
    assert striped > 0 and page.locator('#map-legend [data-count="hostile"]').inner_text() == str(striped)
    page.hover('#map g[data-state="RUS"]')
    tip = page.locator("#map-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "recognized" in text and "Since 2025-07-03" in text and "Last act: " in text
    for href in page.eval_on_selector_all("nav.contents a", "els => els.map(e => e.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href
    assert v.errors == []


def test_downloads_parse_and_the_citation_matches_pariah_cite(visit, ledger_url):
    import csv
    import io

    from conftest import invoke

    v = visit()
    page = v.open("/cases/taliban-2021?as_of=2024-02-01")
    with page.expect_download() as info:
        page.click('#status-block a[data-format="csv"]')
    download = info.value
    assert download.suggested_filename == "taliban-2021-status-as_of-2024-02-01.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    total = re.search(r"of (\d+) states", page.locator("#status-block p.note").inner_text()).group(1)
    assert len(rows) == int(total) and {r["as_of"] for r in rows} == {"2024-02-01"}
    links = page.eval_on_selector_all('a[download][data-format="csv"]', "els => els.map(e => e.href)")
    assert len(links) == 9  # brief, index, cohesion, defections, black knights, status, forecast, scorecard, acts
    for href in links:
        answer = page.request.get(href)
        assert answer.ok and answer.headers["content-type"] == "text/csv; charset=utf-8", href
        table = list(csv.reader(io.StringIO(answer.text())))
        assert table[0] and all(len(row) == len(table[0]) for row in table), href
    cited = invoke("--db", ledger_url, "cite", "taliban-2021")
    assert cited.exit_code == 0, cited.output
    digest = re.search(r"ledger digest (sha256:[0-9a-f]{64})", cited.stdout).group(1)
    assert page.locator("#cite-digest").inner_text() == digest
    assert v.errors == []


_OVERLAPS = """el => {
  const box = e => e.getBoundingClientRect();
  const legend = box(el.querySelector('.legend'));
  const chart = box(el);
  const hits = [...el.querySelectorAll('.nsewdrag, .modebar, .xtitle, .ytitle, .y2title, .xtick text, .ytick text, .y2tick text')]
    .filter(o => { const b = box(o); return b.width > 0 && b.height > 0 &&
      !(b.right <= legend.left || b.left >= legend.right || b.bottom <= legend.top || b.top >= legend.bottom); })
    .map(o => o.getAttribute('class'));
  return {hits, inside: legend.top >= chart.top - 1 && legend.bottom <= chart.bottom + 1 && legend.width > 0,
          modebar: [...el.querySelectorAll('.modebar')].filter(m => box(m).width > 0).length};
}"""


def test_at_phone_width_nothing_covers_a_chart_legend_and_tables_scroll_in_their_box(visit):
    v = visit(PHONE)
    page = v.open("/cases/taliban-2021")
    for chart in ("#index-chart", "#cohesion-chart"):
        page.wait_for_selector(f'{chart}[data-ready="1"] .legend')
        found = page.eval_on_selector(chart, _OVERLAPS)
        assert found == {"hits": [], "inside": True, "modebar": 0}, (chart, found)
    page.wait_for_selector('#map[data-ready="1"]')
    page.click('#map g[data-state="CHN"]')
    page.locator("#map-tip a").wait_for(state="visible")  # a tap pins the tooltip, with a link to the state
    assert page.locator("#map-tip a").get_attribute("href").endswith("/states/CHN")
    page = v.open("/compare?cases=taliban-2021,taliban-1996,syria-2011")
    page.wait_for_selector('#compare-chart[data-ready="1"] .legend')
    found = page.eval_on_selector("#compare-chart", _OVERLAPS)
    assert found == {"hits": [], "inside": True, "modebar": 0}, found
    wrap = page.eval_on_selector("#compare-table", "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
    assert wrap[0] > wrap[1]  # the table scrolls inside its box ...
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # ... not the page
    assert v.errors == []


CONTRAST = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")


def test_api_docs_text_meets_wcag_aa_contrast(visit):
    v = visit()
    page = v.open("/api/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    page.click(".swagger-ui .opblock-summary >> nth=2")  # one operation open: its parameters and responses
    page.wait_for_selector(".swagger-ui .parameters")
    measured = page.evaluate(CONTRAST)
    assert measured["checked"] > 100
    assert measured["failures"] == [], measured["failures"][:5]
    assert v.errors == []
