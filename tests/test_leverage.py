import datetime as dt
import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASE_YAML, act_row, write_csv
from pariah import case as case_module
from pariah import leverage
from pariah.exceptions import NotEnoughData
from pariah.leverage.model import Candidate, best_moves, leverage_after
from pariah.ledger import Ledger

D = dt.date
VALUES = {"USA": 2.0, "DEU": 1.0, "CHN": 1.0}


def make(tmp_path, rows, yaml=CASE_YAML, name="acts.csv"):
    case = case_module.loads(yaml)
    ledger = Ledger("sqlite://", bundled=False)
    ledger.add_case(case)
    if rows:
        ledger.import_files([write_csv(tmp_path / name, [dict(r, case=case.id) for r in rows])])
    return case, ledger.acts(case.id)


def test_decomposition_by_hand(tmp_path):
    case, acts = make(tmp_path, [act_row(actor="DEU", act="accept_envoy", date="2025-07-24"),
                                 act_row(actor="CHN", act="appoint_ambassador", date="2023-09-13")])
    frame = leverage.decompose(case, acts, start=D(2024, 1, 1), end=D(2025, 8, 1), freq="month", values=VALUES).set_index("date")
    jan = frame.loc[D(2024, 1, 1)]
    assert (jan["withheld"], jan["supplied"]) == pytest.approx((0.75, 0.25))
    assert jan["leverage"] == pytest.approx(0.75 * 0.75)
    aug = frame.loc[D(2025, 8, 1)]
    assert (aug["withheld"], aug["supplied"], aug["leverage"]) == pytest.approx((0.5, 0.25, 0.375))
    credible = leverage.decompose(case, acts, start=D(2024, 1, 1), end=D(2024, 1, 1), freq="month", values=VALUES,
                                  credibility=pd.Series({D(2023, 1, 1): 0.5}))
    assert credible["leverage"].iloc[0] == pytest.approx(0.75 * 0.75 * 0.5)


def test_default_values_favour_neighbours_and_great_powers():
    from pariah.leverage import value_vector

    states = ["PAK", "CHN", "FRA", "NGA", "PER"]
    v = dict(zip(states, value_vector(states, "AFG")))
    assert abs(sum(v.values()) - 1) < 1e-12
    assert v["CHN"] > v["FRA"] > v["PAK"] > v["NGA"] > v["PER"] > 0


def test_comtrade_loader(tmp_path):
    path = tmp_path / "trade.csv"
    path.write_text("reporterISO,partnerISO,flowCode,primaryValue\n"
                    "AFG,PAK,X,300\nAFG,IRN,M,500\nCHN,AFG,X,200\nAFG,W00,X,1000\nUSA,PAK,X,999\n", encoding="utf-8")
    assert leverage.values_from_comtrade(path, "AFG") == {"CHN": 0.2, "IRN": 0.5, "PAK": 0.3}
    bad = tmp_path / "bad.csv"
    bad.write_text("reporterISO,partnerISO,primaryValue\nAFG,PAK,lots\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad.csv:2: primaryValue: 'lots' is not a number"):
        leverage.values_from_comtrade(bad, "AFG")
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(Exception, match="no reporterISO column"):
        leverage.values_from_comtrade(nohead, "AFG")


def test_concession_link_anchors():
    frame = pd.DataFrame({"date": [1, 2, 3], "leverage": [0.5, 0.4, 0.3]})
    p = leverage.concession(frame, cost=0.5)["p_concede"].to_numpy()
    assert p[0] == pytest.approx(0.5)
    assert p[1] == pytest.approx(1 / 3, abs=1e-9)   # one in three at the typical episode
    assert p[2] == pytest.approx(0.2, abs=1e-9)
    out = leverage.concession(frame, cost=0.5)
    assert (out["p_if_cost_lower"] > out["p_concede"]).all() and (out["p_if_cost_higher"] < out["p_concede"]).all()
    with pytest.raises(Exception, match="between 0 and 1"):
        leverage.concession(frame, cost=2)


def test_conditional_engagement_by_hand():
    frame = pd.DataFrame({"date": [D(2024, 1, 1)], "withheld": [0.8], "supplied": [0.1], "credibility": [0.9],
                          "leverage": [0.8 * 0.9 * 0.9]})
    out = leverage.conditional_engagement(frame, demands=4, cost=0.4).iloc[0]
    # k steps release 0.8 x (0.25, 0.5, 0.75, 1.0); each concession costs 0.1: the best is k = 4 (0.8 - 0.4)
    assert out["best_concessions"] == 4 and out["offer_value"] == pytest.approx(0.8)
    assert out["waiting_value"] == pytest.approx(0.8 * 0.1)
    assert out["conditional_beats_waiting"]


STATES = ["USA", "DEU", "FRA", "CHN", "PAK", "IRN"]
SMALL = {"USA": 3.0, "DEU": 1.0, "FRA": 1.0, "CHN": 2.0, "PAK": 1.5, "IRN": 0.5}


def _five_moves(tmp_path):
    """Two defections and three black knights, with the moves that would reverse them."""
    case, acts = make(tmp_path, [act_row(actor="DEU", act="accept_envoy", date="2025-01-01"),
                                 act_row(actor="FRA", act="open_mission", date="2025-02-01"),
                                 act_row(actor="CHN", act="appoint_ambassador", date="2023-09-13"),
                                 act_row(actor="PAK", act="open_mission", date="2022-01-01"),
                                 act_row(actor="IRN", act="accept_envoy", date="2022-01-01")])
    day = D(2025, 6, 1)
    now = leverage.decompose(case, acts, start=day, end=day, freq="day", values=SMALL).iloc[0]
    total = sum(SMALL.values())
    candidates = [Candidate("DEU", "reverse defection", 1 / total), Candidate("FRA", "reverse defection", 1 / total),
                  Candidate("CHN", "win back black knight", 2 / total), Candidate("PAK", "win back black knight", 1.5 / total),
                  Candidate("IRN", "win back black knight", 0.5 / total)]
    return case, acts, day, now, candidates


def test_restore_is_minimal_by_brute_force(tmp_path):
    case, acts, day, now, candidates = _five_moves(tmp_path)
    for target in (0.3, 0.4, 0.5, 0.6):
        found = leverage.restore(case, acts, target=target, as_of=day, values=SMALL)
        reach = [combo for k in range(0, 6) for combo in itertools.combinations(candidates, k)
                 if leverage_after(now["withheld"], now["supplied"], 1.0, combo) >= target - 1e-12]
        smallest = min(len(c) for c in reach)
        assert set(found["size"]) == {smallest}, target
        for row in found.itertuples():
            moves = [c for c in candidates if c.state in row.states.split()]
            assert leverage_after(now["withheld"], now["supplied"], 1.0, moves) >= target - 1e-12
            assert row.leverage == pytest.approx(leverage_after(now["withheld"], now["supplied"], 1.0, moves))


def test_restore_out_of_reach_names_the_best_set_by_brute_force(tmp_path):
    case, acts, day, now, candidates = _five_moves(tmp_path)
    for size in (1, 2, 3):
        best = max(leverage_after(now["withheld"], now["supplied"], 1.0, combo)
                   for k in range(size + 1) for combo in itertools.combinations(candidates, k))
        found = best_moves(candidates, now["withheld"], now["supplied"], 1.0, size)
        assert len(found) <= size
        assert leverage_after(now["withheld"], now["supplied"], 1.0, found) == pytest.approx(best)
        if best < 0.999:
            with pytest.raises(NotEnoughData, match=f"the most reachable is {best:.3f}"):
                leverage.restore(case, acts, target=0.999, as_of=day, values=SMALL, max_size=size)


@st.composite
def histories(draw):
    rows = []
    for i in range(draw(st.integers(0, 8))):
        day = D(2021, 8, 15) + dt.timedelta(days=draw(st.integers(0, 1200)))
        rows.append(act_row(actor=draw(st.sampled_from(STATES)), date=day.isoformat(), id=f"r{i}",
                            act=draw(st.sampled_from(["accept_envoy", "open_mission", "close_mission", "expel_envoy",
                                                      "official_visit", "accept_ambassador", "declare_nonrecognition"]))))
    when = (D(2021, 8, 15) + dt.timedelta(days=draw(st.integers(0, 1200)))).isoformat()
    return rows, when


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories())
def test_monotonicity(tmp_path_factory, history):
    rows, when = history
    tmp = tmp_path_factory.mktemp("m")
    case, acts = make(tmp, rows)
    base = leverage.decompose(case, acts, start=D(2021, 9, 1), end=D(2025, 1, 1), freq="month", values=SMALL)["leverage"].to_numpy()
    # a coalition member defects: leverage never rises
    _, defected = make(tmp, rows + [act_row(actor="FRA", act="accept_envoy", date=when, id="x1")], name="d.csv")
    after = leverage.decompose(case, defected, start=D(2021, 9, 1), end=D(2025, 1, 1), freq="month", values=SMALL)["leverage"].to_numpy()
    assert (after <= base + 1e-12).all()
    # a black knight returns to the coalition (breaks off and declares): leverage never falls
    back = [act_row(actor="CHN", act=a, date=when, id=f"b{i}")
            for i, a in enumerate(["close_mission", "expel_envoy", "declare_nonrecognition"])]
    rows_knight = rows + [act_row(actor="CHN", act="appoint_ambassador", date="2021-08-20", id="k0")]
    _, knight = make(tmp, rows_knight, name="k.csv")
    _, returned = make(tmp, rows_knight + back, name="r.csv")
    before = leverage.decompose(case, knight, start=D(2021, 9, 1), end=D(2025, 1, 1), freq="month", values=SMALL)["leverage"].to_numpy()
    later = leverage.decompose(case, returned, start=D(2021, 9, 1), end=D(2025, 1, 1), freq="month", values=SMALL)["leverage"].to_numpy()
    assert (later >= before - 1e-12).all()
