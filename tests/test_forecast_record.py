"""Forecasts on the record: append-only rows, graded once their windows close (library, CLI, API)."""
import datetime as dt
import json

import pytest
import sqlalchemy

import pariah
from conftest import invoke
from pariah import forecast
from pariah.exceptions import PariahError

D = dt.date


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    return pariah.Ledger(f"sqlite:///{tmp_path_factory.mktemp('record') / 'record.sqlite'}")


def test_recorded_rows_are_append_only_and_graded_when_their_window_closes(ledger):
    as_of = D(2024, 2, 1)  # the library records any date; the command line only today's
    rows = forecast.forecast(ledger, "taliban-2021", as_of=as_of, horizon=12, level="ambassadors", n_bootstrap=2)
    assert forecast.record(ledger, "taliban-2021", rows, as_of=as_of, horizon=12, level="ambassadors") == len(rows)
    stored = forecast.recorded(ledger, "taliban-2021")
    assert len(stored) == len(rows) and stored["ledger_digest"].eq(ledger.digest()).all()
    assert stored["model_version"].str.len().gt(0).all()
    with ledger.engine.begin() as conn, pytest.raises(sqlalchemy.exc.DatabaseError, match="on the record"):
        conn.execute(sqlalchemy.text("UPDATE forecasts SET p = 0.5"))
    with ledger.engine.begin() as conn, pytest.raises(sqlalchemy.exc.DatabaseError, match="on the record"):
        conn.execute(sqlalchemy.text("DELETE FROM forecasts"))

    card = forecast.scorecard(ledger, "taliban-2021", today=D(2025, 6, 1))
    closed, summary = card[card["status"] == "closed"], card.iloc[-1]
    assert len(closed) == len(rows) and summary["state"] == "all" and summary["status"] == "summary"
    moved = set(closed.loc[closed["outcome"] == 1, "state"])
    status = pariah.status(ledger, "taliban-2021", as_of=D(2025, 2, 1)).set_index("state")
    assert moved == {s for s in rows["state"] if status.loc[s, "level"] >= 4}  # reached ambassadors in the window
    p = closed.set_index("state")["p"]
    assert closed.set_index("state")["brier"].round(12).equals(((p - closed.set_index("state")["outcome"]) ** 2).round(12))
    assert summary["brier"] == pytest.approx(closed["brier"].mean())

    still_open = forecast.scorecard(ledger, "taliban-2021", today=D(2024, 8, 1))
    body = still_open[still_open["status"] == "open"]
    assert len(body) == len(rows) and body["brier"].isna().all()  # no score yet, but events so far
    assert set(body.loc[body["outcome"] == 1, "state"]) <= moved


def test_the_command_line_records_only_forecasts_made_today(db):
    refused = invoke("forecast", "taliban-2021", "--as-of", "2024-02-01", "--record")
    assert refused.exit_code == 2 and "--record: as_of 2024-02-01 is in the past" in refused.output
    made = invoke("forecast", "taliban-2021", "--bootstrap", "0", "--record", "-f", "json")
    assert made.exit_code == 0, made.output
    assert "recorded" in made.stderr
    card = json.loads(invoke("scorecard", "taliban-2021", "-f", "json").stdout)
    assert {"case", "made_on", "as_of", "horizon", "level", "state", "p", "outcome", "brier"} <= set(card[0])
    assert card[-1]["state"] == "all" and card[-1]["status"] == "summary"
    assert all(r["status"] == "open" and r["brier"] is None for r in card[:-1])
    assert len(card) == len(json.loads(made.stdout)) + 1


def test_the_api_serves_the_scorecard(ledger):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from pariah.web import create_app

    client = TestClient(create_app(ledger))
    answer = client.get("/api/cases/taliban-2021/scorecard")
    assert answer.status_code == 200
    rows = answer.json()
    assert rows[-1]["state"] == "all" and {"p", "outcome", "brier", "status"} <= set(rows[0])
    assert client.get("/api/cases/no-such-case/scorecard").status_code == 404
    download = client.get("/api/cases/taliban-2021/scorecard?format=csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert 'filename="taliban-2021-scorecard.csv"' in download.headers["content-disposition"]
    import csv
    import io

    table = list(csv.DictReader(io.StringIO(download.text)))
    assert len(table) == len(rows) and table[-1]["state"] == "all"
