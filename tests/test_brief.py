import datetime as dt
import json

import pytest

from conftest import invoke
from pariah import measure
from pariah.brief import brief
from pariah.ledger import Ledger
from pariah.present import brief as words


@pytest.fixture(scope="module")
def bundled():
    return Ledger("sqlite://")


@pytest.fixture(scope="module")
def august(bundled):
    return brief(bundled, "taliban-2021", as_of="2025-08-01", forecast=False)


def test_levels_agree_with_status_and_name_the_acts_behind_them(bundled, august):
    import pariah

    status = pariah.status(bundled, "taliban-2021", as_of="2025-08-01").set_index("state")
    by = {row["level_name"]: row for row in august["levels"]}
    assert [m["state"] for m in by["recognized"]["members"]] == ["RUS"]
    assert by["recognized"]["p5"] == ["RUS"] and by["recognized"]["p5_of"] == 5
    for row in august["levels"]:
        members = {m["state"] for m in row["members"]}
        assert len(members) == row["at_or_above"]
        assert all(status.loc[s, "level"] >= row["level"] for s in members)
        assert set(row["neighbours"]) <= members and set(row["p5"]) <= members
        assert all(m["act_id"] and m["source"] for m in row["members"])
    assert by["ambassadors"]["at_or_above"] >= by["recognized"]["at_or_above"]
    assert set(by["missions"]["neighbours"]) == {"CHN", "IRN", "PAK", "TJK", "TKM", "UZB"}
    assert 0 < by["missions"]["population_share"] < 1


def test_what_moved_in_the_last_year_and_who_broke_ranks(august):
    moved = {(m["state"], m["date"]): m for m in august["moved"]}
    russia = moved[("RUS", "2025-07-03")]
    assert russia["level_name"] == "recognized" and russia["from_level"] < 5 and "https://" in russia["source"]
    assert all("2024-08-01" < m["date"] <= "2025-08-01" for m in august["moved"])
    core = {d["state"] for d in august["defections"]["core"]}
    consensus = {d["state"] for d in august["defections"]["consensus"]}
    assert "DEU" in core and not {"CHN", "RUS"} & core
    assert {"CHN", "RUS"} <= consensus
    knights = {k["state"]: k for k in august["black_knights"]}
    assert knights["RUS"]["consensus"] and not knights["ARE"]["consensus"]
    assert august["cohesion"]["core"]["defected"] >= 1


def test_the_index_section_is_the_index(bundled, august):
    case, acts = bundled.case("taliban-2021"), bundled.acts("taliban-2021")
    row = measure.isolation_index(case, acts, start="2025-08-01", end="2025-08-01", freq="day").iloc[0]
    idx = august["index"]
    assert idx["scheme"] == "relations"
    assert idx["index"] == pytest.approx(row["index"], abs=1e-4)
    assert idx["at_start"] + idx["change_start"] == pytest.approx(idx["index"], abs=2e-4)
    assert idx["year_ago"] + idx["change_12m"] == pytest.approx(idx["index"], abs=2e-4)
    assert idx["all_low"] <= idx["low"] <= idx["index"] <= idx["high"] <= idx["all_high"]
    assert 0 <= august["leverage"]["leverage"] <= 1


def test_markdown_and_html_link_every_state_to_its_source(august):
    md = words.markdown(august)
    russia = next(m for m in august["levels"][-1]["members"] if m["state"] == "RUS")
    assert f"(<{words.first_url(russia['source'])}>)" in md
    assert md.startswith("# ") and "## Who broke ranks" in md
    page = words.html_page(august)
    assert page.startswith("<!doctype html>") and 'rel="noopener noreferrer"' in page and "<script" not in page
    assert words.text(august).count("\n") > 10
    json.dumps(august)   # plain values only


def test_cli_brief_formats_and_guard_rails(db, tmp_path):
    result = invoke("brief", "taliban-2021", "--as-of", "2025-08-01", "--no-forecast", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2025-08-01" and data["next"] == []
    out = tmp_path / "brief.md"
    assert invoke("brief", "taliban-2021", "--no-forecast", "-f", "md", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# ")
    early = invoke("brief", "taliban-2021", "--as-of", "2020-01-01", "--no-forecast")
    assert early.exit_code == 2 and "--as-of: as of 2020-01-01 is before the start of taliban-2021" in early.output
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    later = invoke("status", "taliban-2021", "--as-of", future)
    assert later.exit_code == 2 and "is in the future" in later.output and "Traceback" not in later.output


def test_the_brief_names_who_is_likely_to_move_next():
    from pariah import case as case_module
    from pariah.cases import bundled_files

    # two cases to learn from keep the model's fits short; the brief is the same code on the whole library
    files = [(y, c) for y, c in bundled_files() if y.stem in ("taliban-2021", "taliban-1996")]
    ledger = Ledger("sqlite://", bundled=False)
    for yaml_file, _ in files:
        ledger.add_case(case_module.load(yaml_file))
    ledger.import_files([c for _, c in files])
    b = brief(ledger, "taliban-2021", as_of="2024-02-01")
    assert len(b["next"]) == 5
    ps = [r["p"] for r in b["next"]]
    assert ps == sorted(ps, reverse=True) and all(0 <= r["p_low"] <= r["p"] <= r["p_high"] <= 1 for r in b["next"])
    assert 0 <= b["leverage"]["credibility"] <= 1 and b["leverage"]["note"] == ""
    assert "Most likely to move next" in words.markdown(b)
