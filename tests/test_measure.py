import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASE_YAML, act_row, write_csv
from pariah import case as case_module
from pariah import measure
from pariah.ledger import Ledger

D = dt.date
RELATIVE_YAML = CASE_YAML.replace("id: test-case", "id: rel-case").replace("target: AFG", "target: RUS") + """initial:
  all: {recognition: true, mission: ambassador, hosted: ambassador}
"""


def make(tmp_path, rows, yaml=CASE_YAML):
    case = case_module.loads(yaml)
    ledger = Ledger("sqlite://", bundled=False)
    ledger.add_case(case)
    if rows:
        ledger.import_files([write_csv(tmp_path / "acts.csv", [dict(r, case=case.id) for r in rows])])
    return case, ledger.acts(case.id)


def index_on(case, acts, day, **kw):
    return measure.isolation_index(case, acts, start=day, end=day, freq="day", **kw).iloc[0]


THREE = {"CHN": 1.0, "PAK": 1.0, "USA": 2.0}


def test_three_states_by_hand(tmp_path):
    case, acts = make(tmp_path, [
        act_row(actor="CHN", act="accept_ambassador", date="2024-01-30"),   # ambassadors: 0.75
        act_row(actor="PAK", act="open_mission", date="2023-01-01"),         # missions: 0.5
        act_row(actor="USA", act="designate", date="2022-01-01"),            # hostile: 0
    ])
    row = index_on(case, acts, D(2024, 2, 1), weights=THREE)
    assert row["index"] == pytest.approx(1 - (0.75 + 0.5 + 0) / 4)
    before = index_on(case, acts, D(2024, 1, 29), weights=THREE)
    assert before["index"] == pytest.approx(1 - 0.5 / 4)
    assert row["low"] <= row["index"] <= row["high"]


def test_relative_to_a_start_with_full_relations(tmp_path):
    case, acts = make(tmp_path, [
        act_row(actor="FRA", act="impose_sanctions", date="2022-03-01"),
        act_row(actor="UKR", act="close_mission", date="2022-02-24"),
        act_row(actor="UKR", act="expel_envoy", date="2022-02-24"),
    ], RELATIVE_YAML)
    weights = {"FRA": 1.0, "UKR": 1.0, "CHN": 1.0}
    row = index_on(case, acts, D(2022, 6, 1), weights=weights)
    # FRA keeps everything but is hostile: 1 - 0.25; UKR keeps recognition only: 0.4 / 0.8; CHN keeps all: 1
    assert row["index"] == pytest.approx(1 - (0.75 + 0.5 + 1.0) / 3)


def test_no_acts(tmp_path):
    case, acts = make(tmp_path, [])
    assert index_on(case, acts, D(2022, 1, 1))["index"] == pytest.approx(1.0)
    rel, rel_acts = make(tmp_path, [], RELATIVE_YAML)
    assert index_on(rel, rel_acts, D(2023, 1, 1))["index"] == pytest.approx(0.0)


def test_one_state_and_acts_on_first_and_last_day(tmp_path):
    case, acts = make(tmp_path, [act_row(actor="CHN", act="recognize", date="2021-08-15"),
                                 act_row(actor="CHN", act="withdraw_recognition", date="2021-12-31")])
    only = {"CHN": 1.0}
    frame = measure.isolation_index(case, acts, start=D(2021, 8, 15), end=D(2021, 12, 31), freq="day", weights=only)
    assert frame["index"].iloc[0] == pytest.approx(0.0)
    assert frame["index"].iloc[-2] == pytest.approx(0.0)
    assert frame["index"].iloc[-1] == pytest.approx(1.0)


def test_membership_counts_states_from_their_un_year(tmp_path):
    case, acts = make(tmp_path, [])
    panel = measure.index.component_panel(case, acts, start=D(2010, 1, 1), end=D(2012, 1, 1), freq="month")
    member = measure.index.membership(panel)
    j = panel.states.index("SSD")
    assert not member[0, j] and member[-1, j]


def test_ladder_profile_by_hand(tmp_path):
    case, acts = make(tmp_path, [act_row(actor="CHN", act="accept_ambassador", date="2024-01-30"),
                                 act_row(actor="PAK", act="open_mission", date="2023-01-01"),
                                 act_row(actor="IRN", act="host_visit", date="2023-12-01")])
    profile = measure.ladder_profile(case, acts, start=D(2024, 2, 1), end=D(2024, 2, 1), freq="day").set_index("level_name")
    assert list(profile["count"]) == [3, 2, 1, 0]
    n = len(measure.index.component_panel(case, acts, start=D(2024, 2, 1), end=D(2024, 2, 1), freq="day").states)
    assert profile.loc["missions", "share"] == pytest.approx(2 / n)


def test_weighting_schemes():
    states = ["PAK", "IRN", "IND", "FRA", "CHN", "BRA", "NGA"]
    region = measure.weight_vector("region", states, "AFG")
    assert list(region[:3]) == [4.0, 4.0, 2.0] and region[3] == 1.0
    power = dict(zip(states, measure.weight_vector("power", states, "AFG")))
    assert power["CHN"] == 5.0 and power["BRA"] == 3.0 and power["NGA"] == 1.0
    population = dict(zip(states, measure.weight_vector("population", states, "AFG")))
    assert population["CHN"] > population["FRA"] > 0


def test_custom_weights_file(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("iso3,weight\nCHN,2\nPakistan,1.5\n", encoding="utf-8")
    assert measure.read_weights(path) == {"CHN": 2.0, "PAK": 1.5}
    path.write_text("iso3,weight\nCHN,2\nNOWHERE,1\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"w.csv:3: iso3: unknown actor"):
        measure.read_weights(path)
    path.write_text("CHN,-1\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"w.csv:1: weight"):
        measure.read_weights(path)


def test_cohesion_defections_and_black_knights_by_hand(tmp_path):
    case, acts = make(tmp_path, [
        act_row(actor="DEU", act="accept_envoy", date="2025-07-24"),           # a G7 member leaves the core
        act_row(actor="CHN", act="appoint_ambassador", date="2023-09-13"),     # outside: a black knight
        act_row(actor="QAT", act="declare_nonrecognition", date="2022-01-01"),  # joins the consensus
        act_row(actor="QAT", act="open_mission", date="2023-01-01"),            # ... and leaves it
    ])
    weights = {"DEU": 1.0, "FRA": 1.0, "QAT": 2.0}
    series = measure.cohesion(case, acts, start=D(2022, 6, 1), end=D(2025, 8, 1), freq="month", weights=weights)
    core = series[series["tier"] == "core"].set_index("date")
    consensus = series[series["tier"] == "consensus"].set_index("date")
    assert len(core) == len(consensus) == len(series) / 2
    assert core.loc[D(2022, 6, 1), "cohesion"] == pytest.approx(1.0)
    assert core.loc[D(2023, 2, 1), "cohesion"] == pytest.approx(1.0)    # Qatar is not in the core
    assert core.loc[D(2025, 8, 1), "cohesion"] == pytest.approx(1 / 2)
    assert consensus.loc[D(2022, 6, 1), "cohesion"] == pytest.approx(1.0)
    assert consensus.loc[D(2023, 2, 1), "cohesion"] == pytest.approx(0.0)
    assert consensus.loc[D(2023, 2, 1), ["members", "holding", "defected"]].tolist() == [1, 0, 1]
    defected = measure.defections(case, acts, as_of=D(2025, 12, 31))
    assert list(defected["state"]) == ["QAT", "DEU"]
    assert list(defected["tier"]) == ["consensus", "core"]
    assert list(defected["act"]) == ["open_mission", "accept_envoy"]
    assert defected["source"].str.contains("https://").all()
    knights = measure.black_knights(case, acts, as_of=D(2024, 1, 1))
    assert list(knights["state"]) == ["CHN", "QAT"]
    assert list(knights["tier"]) == ["outside", "consensus"]
    assert list(knights["consensus"]) == [False, True]


def test_a_consensus_member_with_relations_defects_only_when_it_moves_higher(tmp_path):
    case, acts = make(tmp_path, [
        act_row(actor="PAK", act="accept_envoy", date="2021-09-01"),            # missions before it declares
        act_row(actor="PAK", act="declare_nonrecognition", date="2022-01-01"),
        act_row(actor="PAK", act="accept_ambassador", date="2024-05-01"),       # higher: now a defection
    ])
    early = measure.defections(case, acts, as_of=D(2024, 4, 30))
    assert "PAK" not in set(early["state"])
    row = measure.cohesion(case, acts, start=D(2023, 1, 1), end=D(2023, 1, 1), freq="day").set_index("tier")
    assert row.loc["consensus", ["members", "holding", "defected"]].tolist() == [1, 1, 0]
    later = measure.defections(case, acts, as_of=D(2024, 12, 31))
    assert later[["state", "tier", "date", "act"]].values.tolist() == [["PAK", "consensus", D(2024, 5, 1), "accept_ambassador"]]
    knights = measure.black_knights(case, acts, as_of=D(2023, 1, 1)).set_index("state")
    assert knights.loc["PAK", "tier"] == "consensus"


def test_a_case_that_starts_with_full_relations_has_no_defectors_on_its_first_day(tmp_path):
    case, acts = make(tmp_path, [act_row(actor="FRA", act="impose_sanctions", date="2021-09-01", case="rel-case"),
                                 act_row(actor="FRA", act="lift_sanctions", date="2022-09-01", case="rel-case")],
                      RELATIVE_YAML)
    first = measure.cohesion(case, acts, start=case.start, end=case.start, freq="day").set_index("tier")
    assert first.loc["core", "defected"] == 0 and first.loc["core", "holding"] == 0
    assert first.loc["core", "cohesion"] == pytest.approx(1.0)   # nobody has acted, nobody has broken ranks
    assert measure.defections(case, acts, as_of=D(2022, 1, 1)).empty
    later = measure.defections(case, acts, as_of=D(2023, 1, 1))
    assert list(later["state"]) == ["FRA"] and list(later["tier"]) == ["core"]


def test_eu_sanctions_bind_member_states(tmp_path):
    case, acts = make(tmp_path, [act_row(actor="EU", act="impose_sanctions", date="2023-03-07")])
    import pariah

    ledger = Ledger("sqlite://", bundled=False)
    ledger.add_case(case)
    ledger.import_files([write_csv(tmp_path / "eu.csv", [act_row(actor="EU", act="impose_sanctions", date="2023-03-07")])])
    status = pariah.status(ledger, "test-case", as_of="2023-06-01").set_index("state")
    assert status.loc["FRA", "hostile"] and status.loc["DEU", "hostile"]
    assert not status.loc["NOR", "hostile"] and not status.loc["USA", "hostile"]


def test_compare_aligns_on_months_since_start(tmp_path):
    a, acts_a = make(tmp_path, [act_row(actor="CHN", act="recognize", date="2021-09-20")])
    b_yaml = CASE_YAML.replace("id: test-case", "id: other-case").replace("start: 2021-08-15", "start: 1996-09-27")
    b, acts_b = make(tmp_path, [], b_yaml)
    frame = measure.compare([(a, acts_a), (b, acts_b)], end=D(2021, 12, 1))
    first = frame[frame["month"] == 0]
    assert set(first["case"]) == {"test-case", "other-case"}
    assert frame.loc[(frame["case"] == "test-case") & (frame["month"] == 2), "index"].iloc[0] < 1.0


NORMALIZING = ["recognize", "accept_ambassador", "accept_envoy", "appoint_ambassador", "open_mission", "official_visit",
               "host_visit", "sign_agreement", "delist", "lift_sanctions"]
ALL_ACTS = NORMALIZING + ["designate", "impose_sanctions", "close_mission", "expel_envoy", "withdraw_recognition",
                          "downgrade_mission", "other"]


@st.composite
def histories(draw):
    rows = []
    for i in range(draw(st.integers(0, 10))):
        day = D(2021, 8, 15) + dt.timedelta(days=draw(st.integers(0, 1500)))
        rows.append(act_row(actor=draw(st.sampled_from(["CHN", "PAK", "IRN", "USA", "DEU"])),
                            act=draw(st.sampled_from(ALL_ACTS)), date=day.isoformat(), id=f"r{i}"))
    extra_day = D(2021, 8, 15) + dt.timedelta(days=draw(st.integers(0, 1500)))
    extra = act_row(actor=draw(st.sampled_from(["CHN", "PAK", "IRN", "USA", "DEU"])),
                    act=draw(st.sampled_from(NORMALIZING)), date=extra_day.isoformat(), id="extra")
    return rows, extra, draw(st.sampled_from(["equal", "population", "region", "power"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories())
def test_properties_index_in_unit_interval_and_normalizing_never_raises(tmp_path_factory, history):
    rows, extra, scheme = history
    tmp = tmp_path_factory.mktemp("h")
    for yaml in (CASE_YAML, RELATIVE_YAML):
        case, acts = make(tmp, rows, yaml)
        base = measure.isolation_index(case, acts, start=D(2021, 8, 15), end=D(2025, 12, 1), freq="month", weights=scheme)
        assert ((base["index"] >= 0) & (base["index"] <= 1)).all()
        assert ((base["low"] <= base["index"] + 1e-12) & (base["index"] <= base["high"] + 1e-12)).all()
        _, more = make(tmp, rows + [extra], yaml)
        after = measure.isolation_index(case, more, start=D(2021, 8, 15), end=D(2025, 12, 1), freq="month", weights=scheme)
        assert (after["index"].to_numpy() <= base["index"].to_numpy() + 1e-12).all()


def test_cohesion_on_one_day_knows_the_history_before_it():
    ledger = Ledger("sqlite://")
    case, acts = ledger.case("taliban-2021"), ledger.acts("taliban-2021")
    series = measure.cohesion(case, acts, start=D(2021, 9, 1), end=D(2026, 1, 1), freq="month")
    for day in (D(2023, 1, 1), D(2026, 1, 1)):
        one = measure.cohesion(case, acts, start=day, end=day, freq="day").set_index("tier")
        same = series[series["date"] == day].set_index("tier")
        for column in ("cohesion", "members", "holding", "defected"):
            assert one[column].tolist() == pytest.approx(same[column].tolist()), (day, column)
        defected = measure.defections(case, acts, as_of=day)
        for tier in ("core", "consensus"):
            assert one.loc[tier, "defected"] <= (defected["tier"] == tier).sum()
    assert one.loc["core", "defected"] >= 1 and one.loc["core", "cohesion"] < 1
