"""Landmark facts of the bundled cases: a state's level, or the number of states at or above a level, on a
date, each with the report that a reader can check it against (``tests/landmarks/CASE.yaml``)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

import pariah
from pariah.ladder import parse_level
from pariah.ledger import Ledger

FOLDER = Path(__file__).parent / "landmarks"


def _facts():
    for path in sorted(FOLDER.glob("*.yaml")):
        for n, fact in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            # YAML 1.1 reads a bare ``on`` key as True: both spellings name the date
            day = fact.get("date", fact.get("on", fact.get(True)))
            yield pytest.param(path.stem, day, fact, id=f"{path.stem}-{n}")


FACTS = list(_facts())


@pytest.fixture(scope="module")
def ledger():
    return Ledger("sqlite://")


def test_every_bundled_case_has_three_to_five_landmarks():
    from pariah import cases as bundled

    per_case = {}
    for param in FACTS:
        per_case[param.values[0]] = per_case.get(param.values[0], 0) + 1
    for yaml_path, _ in bundled.bundled_files():
        if yaml_path.stem in ("taliban-1996", "syria-2011", "russia-2022", "kosovo-2008", "roc-taiwan"):
            continue  # pinned by test_bundled.py
        assert 3 <= per_case.get(yaml_path.stem, 0) <= 5, yaml_path.stem


@pytest.mark.parametrize("case_id, day, fact", FACTS)
def test_landmark(ledger, case_id, day, fact):
    assert isinstance(day, dt.date), fact
    assert fact.get("why") and "http" in fact.get("source", ""), "every landmark says why, with a source"
    status = pariah.status(ledger, case_id, as_of=day).set_index("state")
    if "state" in fact:
        assert status.at[fact["state"], "level_name"] == parse_level(fact["level"]).label, fact["why"]
    else:
        at_or_above = int(parse_level(fact["at_or_above"]))
        assert int((status["level"] >= at_or_above).sum()) == fact["count"], fact["why"]
