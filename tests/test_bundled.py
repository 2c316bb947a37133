"""Checks over the bundled cases: they load through the public importer, and every row keeps the rules."""
import datetime as dt
import re
from urllib.parse import urlparse

import pandas as pd
import pytest

import pariah
from pariah import case as case_module
from pariah import cases as bundled
from pariah import reference
from pariah.acts import ACTS
from pariah.dates import to_date
from pariah.ledger import Ledger

URL = re.compile(r"https?://\S+")
FILES = bundled.bundled_files()
CASE_IDS = [y.stem for y, _ in FILES]


@pytest.fixture(scope="module")
def ledger():
    return Ledger("sqlite://")


@pytest.fixture(scope="module")
def rows():
    return {y.stem: pd.read_csv(c, dtype=str, keep_default_na=False) for y, c in FILES}


def test_every_case_is_bundled_and_loads_with_zero_errors(ledger, rows):
    assert set(CASE_IDS) == {
        "taliban-2021", "taliban-1996", "syria-2011", "russia-2022", "kosovo-2008", "roc-taiwan",
        "myanmar-2021", "venezuela-2019", "libya-2011", "prc-1949", "cuba-1962", "rhodesia-1965",
        "manchukuo-1932", "gdr-1949", "israel-1948", "trnc-1983", "abkhazia-2008", "south-ossetia-2008",
        "somaliland-1991"}
    counts = ledger.act_counts()
    for case_id, frame in rows.items():
        assert counts[case_id] == len(frame), case_id


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_yaml_says_what_a_case_must_say(case_id):
    case = case_module.load(dict((y.stem, y) for y, _ in FILES)[case_id])
    assert case.demands and case.sources and case.coalition_leader
    assert len([p for p in case.description.split("\n\n") if p.strip()]) >= 2, "two paragraphs"
    for source in case.sources:
        assert URL.search(source), source


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_row_keeps_the_rules(case_id, rows):
    frame = rows[case_id]
    assert (frame["case"] == case_id).all()
    assert frame["act"].isin(ACTS).all()
    for row in frame.itertuples():
        assert row.description.strip() and "\n" not in row.description, row
        urls = URL.findall(row.source)
        assert urls, f"{case_id} {row.date} {row.actor}: source has no URL"
        for url in urls:
            parsed = urlparse(url)
            assert parsed.scheme in ("http", "https") and "." in parsed.netloc, url
        reference.resolve_actor(row.actor)
        assert row.confidence in ("high", "medium", "low")


def test_no_duplicate_ids(ledger):
    acts = ledger.acts()
    assert not acts["act_id"].duplicated().any()


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_dates_fall_inside_the_case_period(case_id, ledger):
    """A date's period must overlap the case; acts of the last week before the start are kept
    when they set the state of play at the start (sanctions announced the day before, for example)."""
    case = ledger.case(case_id)
    for row in ledger.acts(case_id).itertuples():
        last = to_date(row.date, end=True)
        assert last >= case.start - dt.timedelta(days=7), (row.date, row.actor, row.act)
        if case.end:
            assert row.day <= case.end, (row.date, row.actor, row.act)


def test_taliban_2021_on_1_february_2024_matches_the_record(ledger):
    status = pariah.status(ledger, "taliban-2021", as_of="2024-02-01").set_index("state")
    china = status.loc["CHN"]
    assert china["hosted"] == "ambassador" and china["level_name"] == "ambassadors"
    assert status.loc["IND", "mission"] == "mission"  # India's technical team in Kabul
    embassies = (status["mission"] != "none").sum()
    assert 14 <= embassies <= 20  # about 18 foreign embassies, per reporting at the time
    assert not status["recognition"].any()
    assert status.loc["USA", "level_name"] in ("none", "hostile")


def test_russia_recognized_the_taliban_in_july_2025(ledger):
    before = pariah.status(ledger, "taliban-2021", as_of="2025-07-01").set_index("state")
    after = pariah.status(ledger, "taliban-2021", as_of="2025-07-04").set_index("state")
    assert not before.loc["RUS", "recognition"] and after.loc["RUS", "level_name"] == "recognized"
    assert after["recognition"].sum() == 1


def test_kosovo_and_taiwan_are_recognition_cases(ledger):
    kosovo = pariah.status(ledger, "kosovo-2008", as_of="2020-01-01")
    assert (kosovo["level_name"] == "recognized").sum() >= 90
    taiwan = pariah.status(ledger, "roc-taiwan", as_of="1971-01-01")
    later = pariah.status(ledger, "roc-taiwan", as_of="2025-01-01")
    assert (taiwan["recognition"]).sum() > (later["recognition"]).sum() > 5


def test_data_md_coverage_is_up_to_date():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "DATA.md").read_text(encoding="utf-8")
    section = text.split("<!-- coverage:start -->\n", 1)[1].split("<!-- coverage:end -->", 1)[0]
    from pariah.ledger.coverage import coverage_markdown

    assert section == coverage_markdown(), "run: python -m pariah.ledger.coverage and paste into docs/DATA.md"
