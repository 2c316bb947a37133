"""The web app's limits and error shape: bodies capped at 413, hostile JSON a 422, a busy database a
503 with Retry-After, and the security headers on every answer, a 500 included."""
from __future__ import annotations

import json
import sqlite3

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from conftest import act_row  # noqa: E402
from pariah.ledger import Ledger  # noqa: E402
from pariah.web import create_app  # noqa: E402
from pariah.web.params import MAX_BODY  # noqa: E402

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
SECURITY = ("content-security-policy", "x-content-type-options")


@pytest.fixture
def small(tmp_path, test_case):
    ledger = Ledger(f"sqlite:///{tmp_path / 'small.sqlite'}", bundled=False, lock_timeout=0.3)
    ledger.add_case(test_case)
    ledger.import_records([act_row(id="chn")], name="fixture")
    yield ledger
    ledger.close()


@pytest.fixture
def client(small):
    return TestClient(create_app(small, write_token=TOKEN, cache_seconds=None), raise_server_exceptions=False)


def secure(response) -> bool:
    return response.headers.get("x-content-type-options") == "nosniff" and \
        "default-src 'self'" in response.headers.get("content-security-policy", "")


def test_a_body_announced_too_large_is_413_unread(client, small):
    answer = client.post("/api/acts", content=b"[]", headers={**AUTH, "Content-Length": str(MAX_BODY + 1)})
    assert answer.status_code == 413 and answer.json()["detail"] == f"body of {MAX_BODY + 1} bytes; send at most {MAX_BODY} bytes per request"
    assert secure(answer)


def test_a_body_that_streams_past_the_limit_is_413(client, small):
    def chunks():
        for _ in range(MAX_BODY // 65536 + 2):
            yield b" " * 65536

    answer = client.post("/api/acts", content=chunks(), headers=AUTH)
    assert answer.status_code == 413 and "send at most" in answer.json()["detail"] and secure(answer)
    assert len(small.acts()) == 1


@pytest.mark.parametrize("body, message", [
    ("[" * 50_000 + "]" * 50_000, "body: JSON nested too deeply"),
    (json.dumps([act_row(actor="PAK", description="\ud800")]), "request:1: description: contains a lone surrogate"),
    (json.dumps([act_row(actor="PAK", description={"a": [[[]]]})]), "request:1: description: expected a string"),
    ('[{"actor": "PAK", "actor": "CHN"}]', "body: key 'actor' given twice in one object"),
])
def test_hostile_json_is_a_422_and_writes_nothing(client, small, body, message):
    answer = client.post("/api/acts", content=body.encode("utf-8", "surrogatepass"), headers=AUTH)
    assert answer.status_code == 422 and secure(answer)
    assert message in answer.json()["detail"] + " ".join(answer.json()["problems"])
    assert len(small.acts()) == 1


def test_a_write_lock_held_too_long_is_503_with_retry_after_and_reads_go_on(client, small, tmp_path):
    other = sqlite3.connect(tmp_path / "small.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta (key, value) VALUES ('held', 'yes')")
    try:
        write = client.post("/api/acts", content=json.dumps([act_row(actor="PAK")]), headers=AUTH)
        read = client.get("/api/cases/test-case/acts")
    finally:
        other.rollback()
        other.close()
    assert write.status_code == 503 and write.headers["retry-after"] == "5" and secure(write)
    assert "is busy: another process has held its write lock" in write.json()["detail"]
    assert read.status_code == 200 and [a["actor"] for a in read.json()] == ["CHN"]


def test_a_500_carries_the_security_headers_and_the_error_shape(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(client.app.state.views, "case_info", broken)
    answer = client.get("/api/cases/test-case")
    assert answer.status_code == 500 and answer.json()["detail"].startswith("internal error") and secure(answer)
    page = client.get("/cases/test-case")
    assert page.status_code == 500 and secure(page)


@pytest.mark.parametrize("path", ["/api", "/api/cases/%2e%2e%2f"])
def test_the_api_answers_json_even_where_a_path_resolves_to_api_itself(client, path):
    answer = client.post(path, headers={"Authorization": "Bearer wrong"})
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("application/json")
    assert "detail" in answer.json()
