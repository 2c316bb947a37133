"""The web app through FastAPI's TestClient: JSON API, pages, errors, the write guard, safe rendering."""
from __future__ import annotations

import re
import threading
import time

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from conftest import act_row  # noqa: E402
from pariah.ledger import Ledger  # noqa: E402
from pariah.present import maps  # noqa: E402
from pariah.web import create_app  # noqa: E402
from pariah.present.records import MISSING, Cache  # noqa: E402

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Ledger:
    """The bundled cases, read-only for these tests."""
    ledger = Ledger(f"sqlite:///{tmp_path_factory.mktemp('web') / 'bundled.sqlite'}")
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def client(bundled) -> TestClient:
    return TestClient(create_app(bundled))


@pytest.fixture
def small(tmp_path, test_case) -> Ledger:
    """Only the synthetic test case, with two acts."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'small.sqlite'}", bundled=False)
    ledger.add_case(test_case)
    ledger.import_records([
        act_row(id="chn", known_from="2024-03-01"),
        act_row(id="pak", actor="PAK", act="official_visit", date="2024-01", source="Outlet, https://example.org/pak"),
    ], name="fixture")
    yield ledger
    ledger.close()


@pytest.fixture
def writable(small) -> TestClient:
    return TestClient(create_app(small, write_token=TOKEN))


# ---- the JSON API --------------------------------------------------------------------


def test_cases_list_every_case_with_its_index_and_last_act(client):
    rows = client.get("/api/cases").json()
    taliban = next(r for r in rows if r["id"] == "taliban-2021")
    assert taliban["target"] == "AFG" and taliban["start"] == "2021-08-15" and taliban["acts"] > 100
    assert 0 <= taliban["index_low"] <= taliban["index"] <= taliban["index_high"] <= 1
    assert taliban["last_act_date"] and taliban["last_act_source"]


def test_status_as_of_and_known_on(writable):
    rows = {r["state"]: r for r in writable.get("/api/cases/test-case/status?as_of=2024-02-01").json()}
    assert (rows["CHN"]["level"], rows["CHN"]["level_name"], rows["CHN"]["since"]) == (4, "ambassadors", "2024-01-30")
    assert rows["PAK"]["level_name"] == "engaged" and rows["CHN"]["as_of"] == "2024-02-01"
    before = {r["state"]: r for r in writable.get("/api/cases/test-case/status?as_of=2024-02-01&known_on=2024-02-15").json()}
    assert before["CHN"]["level_name"] == "none"  # public only from 2024-03-01
    month = writable.get("/api/cases/test-case/status?as_of=2024-02").json()
    assert month[0]["as_of"] == "2024-02-01"


def test_index_cohesion_defections_knights_map_and_acts(client):
    index = client.get("/api/cases/taliban-2021/index?from=2022-01&to=2022-06").json()
    assert [r["date"] for r in index][:2] == ["2022-01-01", "2022-02-01"] and len(index) == 6
    assert all(r["low"] <= r["index"] <= r["high"] for r in index)
    assert client.get("/api/cases/taliban-2021/index?freq=quarter&weights=power").json()[0]["scheme"] == "power"
    assert client.get("/api/cases/taliban-2021/index?from=2024&to=2023").json() == []
    cohesion = client.get("/api/cases/taliban-2021/cohesion").json()
    assert set(cohesion[0]) == {"date", "tier", "cohesion", "members", "holding", "defected", "black_knights", "scheme"}
    assert {r["tier"] for r in cohesion} == {"core", "consensus"}
    defections = client.get("/api/cases/taliban-2021/defections").json()
    assert defections and all(d["source"] for d in defections)
    knights = client.get("/api/cases/taliban-2021/black-knights?as_of=2024-02-01").json()
    assert knights and all(k["level"] >= 3 for k in knights)
    payload = client.get("/api/cases/taliban-2021/map").json()
    assert payload["dates"][0] == "2021-08-15" and len(payload["levels"]) == len(payload["dates"])
    assert len(payload["levels"][0]) == len(payload["states"]) == len(payload["names"])
    rus = payload["states"].index("RUS")
    assert payload["levels"][0][rus] < 5 and payload["levels"][-1][rus] == 5  # recognized on 3 July 2025
    acts = client.get("/api/cases/taliban-2021/acts?actor=rus").json()
    assert acts and {a["actor"] for a in acts} == {"RUS"} and acts[0]["date"] >= acts[-1]["date"]
    assert set(acts[0]) >= {"case", "date", "actor", "act", "description", "source", "confidence", "known_from", "id"}


def test_state_detail_has_history_and_the_acts_that_bind_it(client):
    detail = client.get("/api/cases/taliban-2021/states/rus").json()
    assert detail["state"] == "RUS" and detail["status"]["level_name"] == "recognized"
    assert detail["history"][0]["from"] == "2021-08-15" and detail["history"][-1]["level_name"] == "recognized"
    assert any(a["act"] == "recognize" for a in detail["acts"])
    deu = client.get("/api/cases/taliban-2021/states/DEU").json()
    assert any(a["actor"] == "EU" for a in deu["acts"])  # EU sanctions bind members


def test_compare(client):
    rows = client.get("/api/compare?cases=taliban-2021,taliban-1996").json()
    assert {r["case"] for r in rows} == {"taliban-2021", "taliban-1996"}
    assert min(r["month"] for r in rows) == 0


@pytest.mark.parametrize("url", [
    "/api/cases/taliban-2021/status?as_of=2024-13",
    "/api/cases/taliban-2021/status?as_of=2023-02-30",
    "/api/cases/taliban-2021/status?as_of=yesterday",
    "/api/cases/taliban-2021/status?known_on=%202024",
    "/api/cases/taliban-2021/index?freq=year",
    "/api/cases/taliban-2021/index?weights=custom",
    "/api/cases/taliban-2021/index?from=0000",
    "/api/compare?cases=",
    "/api/compare?cases=a,b,c,d,e,f,g,h,i",
    "/api/compare",
])
def test_bad_parameters_are_422_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] and isinstance(body["problems"], list)


def test_unknown_case_or_state_is_404_never_500(client):
    for url in ("/api/cases/nope/status", "/api/cases/nope", "/api/cases/taliban-2021/states/XXX",
                "/api/compare?cases=taliban-2021,nope", "/api/nothing"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "detail" in response.json()
    page = client.get("/cases/nope")
    assert page.status_code == 404 and "unknown case" in page.text and page.headers["content-type"].startswith("text/html")
    assert client.get("/cases/taliban-2021/states/ZZZ").status_code == 404
    assert client.get("/cases/taliban-2021?as_of=2024-99").status_code == 422


def test_openapi_schema_and_local_docs_page(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/cases", "/api/cases/{case}/status", "/api/cases/{case}/index", "/api/cases/{case}/acts", "/api/acts"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/acts"] and "HTTPBearer" in schema["components"]["securitySchemes"]
    status_params = {p["name"]: p for p in schema["paths"]["/api/cases/{case}/status"]["get"]["parameters"]}
    assert status_params["as_of"]["schema"]["anyOf"][0] == {"type": "string", "format": "date"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/vendor/swagger-ui-bundle.js" in docs.text and "/static/docs.js" in docs.text
    assert client.get("/vendor/swagger-ui-bundle.js").status_code == 200


# ---- writes ------------------------------------------------------------------------------


def test_read_only_server_refuses_writes(small):
    client = TestClient(create_app(small))
    response = client.post("/api/acts", json=[act_row(id="x1")], headers=AUTH)
    assert response.status_code == 403 and "read-only" in response.json()["detail"]
    assert len(small.acts("test-case")) == 2


def test_writes_need_the_bearer_token(writable, small):
    row = act_row(id="new", actor="IRN", act="accept_envoy", date="2024-02-10")
    assert writable.post("/api/acts", json=[row]).status_code == 401
    wrong = writable.post("/api/acts", json=[row], headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert writable.post("/api/acts", json=[row], headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert len(small.acts("test-case")) == 2


def test_post_acts_appends_revisions_and_refreshes_answers(writable, small):
    before = {r["state"]: r for r in writable.get("/api/cases/test-case/status?as_of=2024-03-01").json()}
    assert before["IRN"]["level_name"] == "none"
    row = act_row(id="irn", actor="IRN", act="accept_envoy", date="2024-02-10", known_from=None)
    response = writable.post("/api/acts", json=[row], headers=AUTH)
    assert response.status_code == 200 and response.json() == {"rows": 1, "added": 1, "corrected": 0, "unchanged": 0}
    after = {r["state"]: r for r in writable.get("/api/cases/test-case/status?as_of=2024-03-01").json()}
    assert after["IRN"]["level_name"] == "missions"  # the cache was cleared by the write
    again = writable.post("/api/acts", json=[row], headers=AUTH).json()
    assert again == {"rows": 1, "added": 0, "corrected": 0, "unchanged": 1}
    fixed = writable.post("/api/acts", json=[dict(row, description="Corrected.")], headers=AUTH).json()
    assert fixed["corrected"] == 1
    assert [h for h in small.history("irn")["description"]] == ["China accepted the ambassador.", "Corrected."]
    no_case = writable.post("/api/acts?case=test-case", json=[{k: v for k, v in row.items() if k != "case"} | {"id": "irn2"}],
                            headers=AUTH)
    assert no_case.status_code == 200 and no_case.json()["added"] == 1


def test_rejected_acts_are_422_with_the_importers_lines_and_nothing_written(writable, small):
    bad = [act_row(id="ok1", actor="IRN"), act_row(id="bad", date="2024-13", actor="Atlantis", act="hug", source="")]
    response = writable.post("/api/acts", json=bad, headers=AUTH)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert any(p.startswith("request:2: date:") for p in problems)
    assert any(p.startswith("request:2: actor:") for p in problems)
    assert any(p.startswith("request:2: act:") for p in problems)
    assert any(p.startswith("request:2: source:") for p in problems)
    assert len(small.acts("test-case")) == 2
    extra = writable.post("/api/acts", json=[dict(act_row(), colour="red")], headers=AUTH)
    assert extra.status_code == 422 and "request:1: colour: unknown column" in extra.json()["problems"][0]
    number = writable.post("/api/acts", json=[dict(act_row(), date=2024)], headers=AUTH)
    assert number.status_code == 422 and "request:1: date: expected a string" in number.json()["problems"][0]
    for body in (b"{", b'{"case": "test-case"}', b"[1, 2]"):
        response = writable.post("/api/acts", content=body, headers=AUTH | {"Content-Type": "application/json"})
        assert response.status_code == 422 and response.json()["detail"].startswith("body:")


# ---- pages and safe rendering ------------------------------------------------------------


def test_pages_render(client):
    home = client.get("/")
    assert home.status_code == 200 and 'href="/cases/taliban-2021"' in home.text
    page = client.get("/cases/taliban-2021")
    assert page.status_code == 200
    for marker in ('id="map"', 'id="map-date"', 'id="index-chart"', 'id="cohesion-chart"', 'id="acts-table"',
                    'id="forecast"', 'id="methods"'):
        assert marker in page.text, marker
    assert client.get("/cases/taliban-2021?as_of=2023-01-01&known_on=2023-06").status_code == 200
    assert client.get("/cases/taliban-2021?as_of=&known_on=").status_code == 200  # the form, left empty
    state = client.get("/cases/taliban-2021/states/CHN")
    assert state.status_code == 200 and "Ladder history" in state.text and "accept_ambassador" in state.text
    compare = client.get("/compare?cases=taliban-2021&cases=taliban-1996")
    assert compare.status_code == 200 and 'data-compare-src="/api/compare?cases=taliban-2021%2Ctaliban-1996' in compare.text
    assert client.get("/compare").status_code == 200


def test_every_page_has_the_policy_and_no_inline_script_or_outside_asset(client):
    for url in ("/", "/cases/taliban-2021", "/cases/taliban-2021/states/RUS", "/compare?cases=kosovo-2008,roc-taiwan",
                "/api/docs", "/cases/nope", "/api/cases"):
        response = client.get(url)
        policy = response.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]+)", policy).group(1)
        assert script_src.strip() == "'self'" and "unsafe-inline" not in script_src, url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert not INLINE_SCRIPT.search(response.text), url
        for asset in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', response.text):
            if asset.startswith("data:"):
                continue
            assert asset.startswith("/") and not asset.startswith("//"), (url, asset)
            assert client.get(asset).status_code == 200, asset


def test_assets_are_the_packages_own(client):
    plotly = client.get("/vendor/plotly.min.js")
    assert plotly.status_code == 200 and plotly.text.startswith("/**\n* plotly.js v")
    svg = client.get("/geo/world.svg").text
    for code in ("AFG", "RUS", "XKX", "TWN", "PSE", "GBR", "SGP"):
        assert f'data-state="{code}"' in svg, code
    assert client.get("/vendor/nothing.js").status_code == 404


def test_fields_are_escaped_and_only_http_sources_link(writable):
    evil = act_row(id="evil", actor="IRN", act="accept_envoy", date="2024-02-10",
                   description='<script>window.__xss=1</script><img src=x onerror=alert(1)>',
                   source='javascript:alert(1) | Outlet, https://example.org/ok?a=1&b=2 | <b>bold</b>')
    assert writable.post("/api/acts", json=[evil], headers=AUTH).status_code == 200
    for url in ("/cases/test-case", "/cases/test-case/states/IRN"):
        text = writable.get(url).text
        assert "<script>window.__xss" not in text and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in text
        assert "<img src=x" not in text and "<b>bold" not in text
        assert 'href="javascript' not in text.lower()
        assert '<a href="https://example.org/ok?a=1&amp;b=2" rel="noopener noreferrer" title="https://example.org/ok?a=1&amp;b=2">example.org</a>' in text


# ---- the cache ---------------------------------------------------------------------------


def test_cache_expires_evicts_and_computes_once():
    cache = Cache(ttl=0.05, size=2)
    assert cache.get("a", lambda: 1) == 1 and cache.peek("a") == 1
    time.sleep(0.08)
    assert cache.peek("a") is MISSING
    cache.get("a", lambda: 1), cache.get("b", lambda: 2), cache.get("c", lambda: 3)
    assert cache.peek("a") is MISSING and cache.peek("c") == 3
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.05)
        return "v"

    forever = Cache(ttl=None)
    threads = [threading.Thread(target=forever.get, args=("k", slow)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and forever.peek("k") == "v"
    forever.clear()
    assert forever.peek("k") is MISSING


def test_stylesheet_colours_are_the_maps():
    from pariah.present.pages import static_text

    css = static_text("pariah.css")
    for level, colour in enumerate(maps.LEVEL_COLOURS):
        assert f"--level-{level}: {colour};" in css
    assert f"--target: {maps.TARGET_COLOUR};" in css and f"--outside: {maps.OUTSIDE_COLOUR};" in css


def test_every_state_has_an_outline():
    from pariah import reference

    states = reference.states()
    assert set(states.index[states["kind"] == "state"]) <= set(maps.state_codes())


def test_a_nul_in_a_case_id_is_an_unknown_case_not_a_500(client):
    for path in ("/api/cases/%00", "/cases/%00", "/api/cases/a%00b/status"):
        answer = client.get(path)
        assert answer.status_code in (404, 422), (path, answer.status_code)


# ---- downloads, permalinks, the timeline, citations ----------------------------------------


TABLES = ["/api/cases/taliban-2021/status?as_of=2024-02-01", "/api/cases/taliban-2021/index?from=2023&to=2023-06",
          "/api/cases/taliban-2021/cohesion?from=2023&to=2023-06", "/api/cases/taliban-2021/defections",
          "/api/cases/taliban-2021/black-knights?as_of=2024-02-01", "/api/cases/taliban-2021/acts?actor=RUS",
          "/api/cases/taliban-2021/forecast", "/api/compare?cases=taliban-2021,taliban-1996", "/api/cases"]


@pytest.mark.parametrize("url", TABLES)
def test_every_table_downloads_as_csv_and_json_with_a_file_name(client, url):
    import csv
    import io
    import json

    rows = client.get(url).json()
    assert "content-disposition" not in client.get(url).headers  # to read, not to save
    as_csv = client.get(url + ("&" if "?" in url else "?") + "format=csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    name = re.fullmatch(r'attachment; filename="([A-Za-z0-9._-]+\.csv)"', as_csv.headers["content-disposition"]).group(1)
    assert name.startswith("taliban-2021-" if "/cases/taliban-2021" in url else ("compare-" if "compare" in url else "pariah-"))
    parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows and len(parsed) == len(rows) and list(parsed[0]) == list(rows[0])
    for got, want in zip(parsed, rows):
        assert got == {k: "" if v is None else str(v) for k, v in want.items()}
    as_json = client.get(url + ("&" if "?" in url else "?") + "format=json")
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.headers["content-disposition"] == f'attachment; filename="{name[:-4]}.json"'
    assert json.loads(as_json.content) == rows
    assert client.get(url + ("&" if "?" in url else "?") + "format=xlsx").status_code == 422


def test_an_empty_table_downloads_with_its_header(writable):
    text = writable.get("/api/cases/test-case/defections?format=csv").text
    assert text.splitlines() == ["state,name,tier,date,act,level,level_name,description,source"]


def test_the_command_line_and_the_api_write_the_same_csv(client, bundled):
    from conftest import invoke

    cli = invoke("--db", bundled.url, "cohesion", "taliban-2021", "--show", "black-knights", "--as-of", "2024-02-01",
                 "--format", "csv")
    assert cli.exit_code == 0, cli.output
    assert cli.stdout == client.get("/api/cases/taliban-2021/black-knights?as_of=2024-02-01&format=csv").text


def test_views_default_to_today_clamped_to_the_case_span(client):
    case = client.get("/api/cases").json()
    today = next(c for c in case if c["id"] == "taliban-2021")["as_of"]
    knights = client.get("/api/cases/taliban-2021/black-knights").json()
    assert knights == client.get(f"/api/cases/taliban-2021/black-knights?as_of={today}").json()
    assert knights != client.get("/api/cases/taliban-2021/black-knights?as_of=2021-08-15").json()
    early = client.get("/api/cases/taliban-2021/status?as_of=1990").json()
    assert early[0]["as_of"] == "2021-08-15"
    late = client.get("/api/cases/taliban-2021/status?as_of=2999").json()
    assert late[0]["as_of"] == today


def test_the_case_page_follows_its_date_weights_and_known_on(client, bundled):
    page = client.get("/cases/taliban-2021?as_of=2023-03-10&weights=power&known_on=2023-06").text
    assert "Status on 2023-03-10, as known on 2023-06" in page and "Black knights on 2023-03-10" in page
    assert "Isolation index on 2023-03-10" in page and "Power weights" in page
    assert 'data-as-of="2023-03-10"' in page and 'data-map-src="/api/cases/taliban-2021/map?as_of=2023-03-10&amp;known_on=2023-06"' in page
    assert 'href="/api/cases/taliban-2021/status?as_of=2023-03-10&amp;known_on=2023-06&amp;format=csv"' in page
    assert '<option value="power" selected>' in page
    knights = client.get("/api/cases/taliban-2021/black-knights?as_of=2023-03-10&weights=power&known_on=2023-06").json()
    block = page[page.index('id="knights-block"'):page.index('id="status"')]
    assert block.count("<tr>") - 1 == max(len(knights), 1)
    payload = client.get("/api/cases/taliban-2021/map?as_of=2023-03-10").json()
    assert "2023-03-10" in payload["dates"] and payload["dates"] == sorted(payload["dates"])
    assert len(payload["levels"]) == len(payload["dates"]) == len(payload["hostile"])
    rus = payload["states"].index("RUS")
    assert payload["runs"][rus][-1][:2] == ["2025-07-03", 5] and ["2025-07-03", "recognize"] in payload["acts"][rus]
    assert client.get("/cases/taliban-2021?weights=heavy").status_code == 422
    assert 'id="brief"' in page and 'Brief on 2023-03-10' in page  # the page opens with the brief on its date


def test_the_timeline_is_filtered_and_paged_on_the_server(client, bundled):
    from pariah.acts import LADDER_ACTS

    total = len(bundled.acts("taliban-2021"))
    first = client.get("/cases/taliban-2021").text
    assert first.count("<tr data-act=") == 50 and f"Acts 1 to 50 of {total}" in first
    pages = -(-total // 50)
    last = client.get(f"/cases/taliban-2021?page={pages + 3}").text  # past the end: the last page
    assert last.count("<tr data-act=") == total - 50 * (pages - 1) and f"page {pages} of {pages}" in last
    page2 = client.get("/cases/taliban-2021?page=2&as_of=2024-02-01").text
    assert 'href="/cases/taliban-2021?as_of=2024-02-01&amp;page=3#timeline" rel="next"' in page2
    rus = client.get("/cases/taliban-2021?actor=rus&moving=1&from=2022&to=2025-12").text
    ids = re.findall(r'<tr data-act="([^"]+)"', rus)
    acts = bundled.acts("taliban-2021").set_index("act_id")
    assert ids and all(acts.loc[i, "actor"] == "RUS" and acts.loc[i, "act"] in LADDER_ACTS for i in ids)
    assert all("2022" <= acts.loc[i, "date"][:4] <= "2025" for i in ids)
    assert '<input type="hidden" name="as_of"' not in rus and '<option value="RUS" selected>' in rus
    words = client.get("/cases/taliban-2021?q=credentials").text
    assert all("credentials" in acts.loc[i, ["description", "source"]].str.cat().lower()
               for i in re.findall(r'<tr data-act="([^"]+)"', words))
    assert client.get("/cases/taliban-2021?from=2024-13").status_code == 422
    assert client.get("/cases/taliban-2021?page=0").status_code == 422


def test_sources_read_as_their_outlet(client):
    from pariah import reference

    assert reference.outlet("uk.reuters.com") == "Reuters" and reference.outlet("www.example.org") == "example.org"
    assert reference.outlet("en.wikipedia.org") == "Wikipedia"
    page = client.get("/cases/taliban-2021?actor=RUS").text
    assert re.search(r'<a href="https://tass\.com/[^"]+" rel="noopener noreferrer" title="https://tass\.com/[^"]+">TASS</a>', page)


def test_the_case_page_cites_its_view(client, bundled):
    import pariah

    page = client.get("/cases/taliban-2021?as_of=2024-02-01").text
    assert f'<code id="cite-digest">{bundled.digest("taliban-2021")}</code>' in page
    assert f"pariah {pariah.__version__}" in page and "http://testserver/cases/taliban-2021?as_of=2024-02-01" in page


def test_home_and_compare_pages_offer_their_tables(client):
    home = client.get("/").text
    assert 'href="/api/cases?format=csv" download' in home
    compare = client.get("/compare?cases=taliban-2021,taliban-1996").text
    link = re.search(r'href="(/api/compare\?[^"]+format=csv)" download', compare).group(1).replace("&amp;", "&")
    answer = client.get(link)
    assert answer.status_code == 200 and answer.text.startswith("case,kind,date,month,value,index,low,high,change_start,measure,scheme\n")


def test_the_brief_downloads_as_json_and_its_levels_as_csv(client):
    import csv
    import io

    brief = client.get("/api/cases/taliban-2021/brief?as_of=2025-08-01")
    assert brief.status_code == 200 and brief.json()["as_of"] == "2025-08-01"
    assert [m["state"] for m in brief.json()["levels"][-1]["members"]] == ["RUS"]
    download = client.get("/api/cases/taliban-2021/brief?as_of=2025-08-01&format=json")
    assert 'filename="taliban-2021-brief-as_of-2025-08-01.json"' in download.headers["content-disposition"]
    assert download.json() == brief.json()
    levels = client.get("/api/cases/taliban-2021/brief?as_of=2025-08-01&format=csv")
    rows = list(csv.DictReader(io.StringIO(levels.text)))
    assert [r["level_name"] for r in rows] == ["engaged", "missions", "ambassadors", "recognized"]
    assert rows[-1]["states"] == "RUS" and int(rows[1]["at_or_above"]) >= int(rows[2]["at_or_above"])
    page = client.get("/cases/taliban-2021?as_of=2025-08-01").text
    assert 'id="scorecard"' in page and "/api/cases/taliban-2021/brief?as_of=2025-08-01&amp;format=csv" in page
