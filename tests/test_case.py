import datetime as dt

import pytest

from conftest import CASE_YAML
from pariah import case as case_module
from pariah.exceptions import InvalidCase
from pariah.ladder import Level


def test_load_case(test_case):
    assert test_case.id == "test-case" and test_case.target == "AFG"
    assert test_case.start == dt.date(2021, 8, 15) and test_case.end is None
    assert test_case.level == Level.AMBASSADORS
    members = test_case.coalition_members(dt.date(2024, 1, 1))
    assert {"USA", "DEU", "FRA", "JPN"} <= set(members) and "AFG" not in members


def test_case_round_trips_through_json(test_case):
    assert case_module.Case.from_json(test_case.to_json()) == test_case


@pytest.mark.parametrize("change,where", [
    (("level: ambassadors", "level: embassy"), ":9: level: unknown level"),
    (("target: AFG", "target: Atlantis"), ":3: target: unknown actor"),
    (("start: 2021-08-15", "start: 2021-15-01"), ":4: start: bad date"),
    (("id: test-case", "id: Test Case"), ":1: id: bad id"),
    (("level: ambassadors\n", "level: ambassadors\ncolour: red\n"), ":10: colour: unknown key"),
    (("coalition_leader: USA\n", ""), ":1: coalition_leader: missing"),
])
def test_bad_case_yaml_names_file_line_and_key(tmp_path, change, where):
    path = tmp_path / "bad.yaml"
    path.write_text(CASE_YAML.replace(*change), encoding="utf-8")
    with pytest.raises(InvalidCase) as info:
        case_module.load(path)
    assert str(info.value).startswith(f"{path}{where}")


def test_initial_components(tmp_path):
    text = CASE_YAML + """initial:
  all: {recognition: true, mission: ambassador, hosted: ambassador}
  states:
    UKR: {mission: none, hosted: none, source: "Test, https://example.org/ukr"}
    USA: {hostile: true, source: "Test, https://example.org/usa"}
"""
    case = case_module.loads(text)
    assert case.initial_components("FRA").level(dt.date(2022, 1, 1)) == Level.RECOGNIZED
    ukr = case.initial_components("UKR")
    assert ukr.recognition and ukr.mission == "none" and ukr.hosted == "none"
    assert case.initial_components("USA").hostile


def test_initial_state_entries_need_a_source():
    text = CASE_YAML + "initial:\n  states:\n    UKR: {mission: none}\n"
    with pytest.raises(InvalidCase, match="every per-state entry needs a source"):
        case_module.loads(text, "x.yaml")


def test_yaml_aliases_are_refused(tmp_path):
    from pariah import case as case_module
    from pariah.exceptions import InvalidCase

    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b]\n'
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(InvalidCase, match=r"bomb.yaml:2: yaml: aliases \(\*name\) are not allowed"):
        case_module.load(path)


def test_a_case_file_must_be_a_regular_file_of_reasonable_size(tmp_path):
    from pariah import case as case_module
    from pariah.exceptions import InvalidCase

    with pytest.raises(InvalidCase, match="not a regular file"):
        case_module.load(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("#" * 1_000_001, encoding="utf-8")
    with pytest.raises(InvalidCase, match="larger than 1,000,000 bytes"):
        case_module.load(big)


def test_every_problem_of_a_case_yaml_is_reported_at_once(tmp_path):
    text = (CASE_YAML.replace("target: AFG", "target: Atlantis").replace("start: 2021-08-15", "start: 2021-15-01")
            .replace("level: ambassadors", "level: embassy").replace("coalition_leader: USA\n", ""))
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidCase) as info:
        case_module.load(path)
    lines = str(info.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["coalition_leader", "target", "start", "level"]
    assert all(line.startswith(f"{path}:") for line in lines)
