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
def server(tmp_path_factory):
    """A uvicorn server on 127.0.0.1 over the bundled cases plus the test case with a hostile act."""
    folder = tmp_path_factory.mktemp("browser")
    ledger = Ledger(f"sqlite:///{folder / 'browser.sqlite'}")
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
    # the first case page fits the forecast model: made once here, so that no page load waits on it
    with urllib.request.urlopen(f"{base}/cases/taliban-2021", timeout=300) as r:  # 127.0.0.1 only
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
    page = v.open("/cases/taliban-2021")
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
