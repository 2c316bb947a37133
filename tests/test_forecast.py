import datetime as dt
import sys

import numpy as np
import pandas as pd
import pytest

import pariah
from conftest import act_row, write_csv
from pariah import forecast
from pariah.exceptions import PariahError
from pariah.forecast import cascade
from pariah.forecast.hazard import HazardModel
from pariah.forecast.world import FEATURES, PEER_FEATURES, build

D = dt.date


@pytest.fixture(scope="module")
def ledger():
    return pariah.Ledger("sqlite://")


@pytest.fixture(scope="module")
def taliban_2024(ledger):
    """The cascade model of taliban-2021 at ambassadors, fitted and started as known on 2024-02-01."""
    cutoff = D(2024, 2, 1)
    model = forecast.fit(ledger, as_of=cutoff, level="ambassadors", n_bootstrap=0)
    world = build(ledger.case("taliban-2021"), ledger.acts("taliban-2021", known_on=cutoff), until=cutoff)
    return cascade.CascadeModel(model, world, len(world.months) - 1)


def test_fit_recovers_known_hazard_parameters():
    rng = np.random.default_rng(7)
    n, k = 200_000, len(FEATURES)
    X = rng.normal(size=(n, k))
    true = np.zeros(k)
    true[FEATURES.index("border")] = 0.8
    true[FEATURES.index("peer_bloc")] = 0.6
    true[FEATURES.index("contact_12")] = -0.5
    true[FEATURES.index("coalition")] = -1.0
    logits = -3.0 + X @ true
    y = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    model = HazardModel(level=4, C=10.0, n_bootstrap=0, features=FEATURES)
    params = model._fit_one(X, y, np.ones(n))
    assert params[0] == pytest.approx(-3.0, abs=0.05)
    assert np.abs(params[1:] - true).max() < 0.05


def test_peer_and_level_coefficients_are_never_negative():
    from pariah.forecast.world import MONOTONE_FEATURES

    rng = np.random.default_rng(1)
    n, k = 20_000, len(FEATURES)
    X = rng.normal(size=(n, k))
    true = np.zeros(k)
    true[FEATURES.index("peer_region")] = -1.0  # the data say "negative": the bound holds it at 0
    true[FEATURES.index("level")] = -0.8        # a higher level never lowers the odds
    true[FEATURES.index("border")] = 0.7
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2 + X @ true)))).astype(int)
    params = HazardModel(level=4, n_bootstrap=0, features=FEATURES)._fit_one(X, y, np.ones(n))
    assert "level" in MONOTONE_FEATURES and set(PEER_FEATURES) <= set(MONOTONE_FEATURES)
    for f in MONOTONE_FEATURES:
        assert params[1 + FEATURES.index(f)] >= 0
    assert params[1 + FEATURES.index("peer_region")] == 0 and params[1 + FEATURES.index("level")] == 0
    assert params[1 + FEATURES.index("border")] > 0.4  # the others are still free


def test_a_coefficient_of_zero_reads_no_effect():
    rng = np.random.default_rng(2)
    n = 20_000
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2 + 0.8 * X[:, 0] - 1.0 * X[:, 1])))).astype(int)
    model = HazardModel(level=4, n_bootstrap=10, features=("border", "peer_region")).fit_rows(
        X, y, np.arange(n), np.ones(n))
    readings = model.summary().set_index("feature")["reading"]
    assert readings["peer_region"] == "regional peers having moved: no effect"
    assert readings["border"].startswith("bordering the target raises the monthly chance")


def test_forecast_rows(ledger):
    rows = forecast.forecast(ledger, "taliban-2021", as_of="2024-02-01", horizon=24, level="ambassadors", n_bootstrap=4, seed=1)
    assert list(rows.columns) == ["state", "name", "p", "p_low", "p_high", "level", "current_level", "drivers"]
    assert (rows["p"].diff().dropna() <= 1e-12).all()
    assert ((rows["p"] >= 0) & (rows["p"] <= 1)).all()
    assert "CHN" not in set(rows["state"])  # already at ambassadors on 2024-02-01
    assert set(rows["level"]) == {"ambassadors"}
    assert rows["drivers"].str.count("; ").le(2).all()
    drivers = rows.set_index("state")["drivers"]
    assert not drivers.str.contains(r"\b(?:contact_6|peer_\w+|log_months\w*|case_rate)\b").any()  # words, not names
    assert "it borders Afghanistan" in drivers["IRN"] or "Afghanistan" in drivers["IRN"]


def test_drivers_name_the_neighbours_that_moved(ledger):
    from pariah.forecast.drivers import Phrases

    cutoff = D(2024, 2, 1)
    world = build(ledger.case("taliban-2021"), ledger.acts("taliban-2021", known_on=cutoff), until=cutoff)
    t = len(world.months) - 1
    phrases = Phrases(world, t, 4)
    tjk = world.states.index("TJK")
    moved = {s for s in ("CHN", "PAK", "UZB", "TKM", "IRN") if world.level_known[t, world.states.index(s)] >= 4}
    text = phrases.say("peer_neighbours", tjk, 0.5, 0.3)
    assert text.startswith("its neighbour") and all(pariah.reference.name(s) in text for s in moved & {"CHN", "UZB"})
    assert phrases.say("border", tjk, 1.0, 0.2) == "it borders Afghanistan"
    assert phrases.say("coalition", world.states.index("USA"), 1.0, -0.4) == "it is in the coalition"
    usa = world.states.index("USA")
    x = float(world.static["log_distance"][usa])
    assert phrases.say("log_distance", usa, x, -0.1) == "its capital is 11,141 km from Afghanistan's"


def test_distance_between_capitals_is_great_circle_and_fills_the_unknown():
    from pariah.forecast.world import capital_distance

    table = pd.DataFrame({"capital_lat": [0.0, 0.0, 90.0, float("nan")], "capital_lon": [0.0, 90.0, 0.0, 0.0]},
                         index=["AAA", "BBB", "CCC", "DDD"])
    quarter = 6371.0 * np.pi / 2
    km = capital_distance(table, ["BBB", "CCC", "DDD", "AAA"], "AAA")
    assert km == pytest.approx([quarter, quarter, quarter, 0.0])  # the unknown takes the median
    assert capital_distance(table, ["AAA"], "DDD") == pytest.approx([0.0])  # no target: nothing known


def test_a_horizon_past_the_ledger_is_flagged(ledger):
    from pariah.forecast.predict import horizon_warnings, newest_act

    newest = newest_act(ledger)
    assert horizon_warnings(ledger, newest, 6) == []
    warned = horizon_warnings(ledger, newest, 7)
    assert len(warned) == 1 and "more than 6 months after the ledger's newest act" in warned[0]


def test_no_leakage_changing_acts_after_the_cutoff_changes_nothing(tmp_path):
    cutoff = D(2023, 6, 1)
    first = pariah.Ledger("sqlite://")
    before = forecast.forecast(first, "taliban-2021", as_of=cutoff, horizon=12, level="ambassadors", n_bootstrap=2, seed=3)
    later = [
        act_row(case="taliban-2021", actor="USA", act="recognize", date="2024-05-01", id="leak-1"),
        act_row(case="taliban-2021", actor="DEU", act="appoint_ambassador", date="2023-05-20", known_from="2023-07-01", id="leak-2"),
        act_row(case="kosovo-2008", actor="SRB", act="recognize", date="2024-01-01", id="leak-3"),
        act_row(case="taliban-2021", actor="IND", act="accept_ambassador", date="2023-06", id="leak-4"),  # known at month end
    ]
    first.import_files([write_csv(tmp_path / "later.csv", later)])
    after = forecast.forecast(first, "taliban-2021", as_of=cutoff, horizon=12, level="ambassadors", n_bootstrap=2, seed=3)
    pd.testing.assert_frame_equal(before, after)


def test_forecast_and_backtest_agree(ledger):
    cutoff, horizon = D(2024, 2, 1), 24
    result = forecast.backtest(ledger, "taliban-2021", cutoffs=[cutoff], horizon=horizon, level="ambassadors")
    rows = forecast.forecast(ledger, "taliban-2021", as_of=cutoff, horizon=horizon, level="ambassadors", n_bootstrap=0)
    end = pariah.status(ledger, "taliban-2021", as_of=D(2026, 2, 1)).set_index("state")
    hit = [float(end.loc[s, "level"] >= 4) for s in rows["state"]]
    brier = float(np.mean((rows["p"].to_numpy() - np.array(hit)) ** 2))
    assert result["n"] == len(rows)
    assert result["brier"] == pytest.approx(brier, rel=1e-6)
    assert set(result) >= {"n", "events", "brier", "brier_climatology", "bss", "log_loss", "auc", "calibration"}
    assert all(set(b) == {"bin", "mean_p", "observed", "n"} for b in result["calibration"])


def test_backtest_skill_on_taliban_2024(ledger):
    """The issue's target: AUC >= 0.8 for ambassadors within 24 months of 2024-02-01."""
    result = forecast.backtest(ledger, "taliban-2021", cutoffs=[D(2024, 2, 1)], horizon=24, level="ambassadors")
    assert result["auc"] >= 0.8
    assert result["bss"] > 0


def test_scenario_is_reproducible_and_monotone(ledger):
    args = dict(assume=["PAK=ambassadors@2024-03"], as_of=D(2024, 2, 1), horizon=12, runs=400)
    dist1, states1 = forecast.scenario(ledger, "taliban-2021", **args, seed=5)
    dist2, states2 = forecast.scenario(ledger, "taliban-2021", **args, seed=5)
    pd.testing.assert_frame_equal(states1, states2)
    pd.testing.assert_frame_equal(dist1, dist2)
    _, other = forecast.scenario(ledger, "taliban-2021", **args, seed=6)
    assert not other["p_baseline"].equals(states1["p_baseline"])
    assert (states1["difference"] >= 0).all()  # a move never lowers anyone's chance
    assert (states1["difference"].diff().dropna() <= 0).all()  # the assumption's effect, largest first
    ambassadors = states1[states1["level"] == 4]
    assert ambassadors.loc[ambassadors["state"] == "PAK", "p_assumed"].iloc[0] == 1.0
    partners = ambassadors[ambassadors["state"].isin(["AFG", "IRN", "UZB", "TJK", "CHN", "IND"])]
    assert (partners["difference"] > 0).any()
    counts = dist1.set_index(["level", "scenario"])["mean"]
    assert counts[(4, "assumed")] >= counts[(4, "baseline")]


def test_jax_backend_matches_numpy_in_distribution(taliban_2024):
    pytest.importorskip("jax")
    cm = taliban_2024
    a = cascade.run(cm, 24, 4000, seed=1)
    b = cascade.run(cm, 24, 4000, seed=1, backend="jax")
    assert abs(a.counts[:, -1].mean() - b.counts[:, -1].mean()) < 0.25
    assert np.abs(a.final.mean(axis=0) - b.final.mean(axis=0)).max() < 0.05


def test_jax_backend_compiles_once_per_shape_and_repeats_a_seed(taliban_2024):
    pytest.importorskip("jax")
    cm = taliban_2024
    simulate = cascade.jax_simulation()
    a = cascade.run(cm, 12, 300, seed=5, backend="jax")
    compiled = simulate._cache_size()
    b = cascade.run(cm, 12, 300, seed=5, backend="jax")
    c = cascade.run(cm, 12, 300, seed=6, assumptions=[cascade.Assumption(0, 3)], backend="jax")
    assert simulate._cache_size() == compiled  # a new seed or assumption reuses the compiled simulation
    np.testing.assert_array_equal(a.counts, b.counts)
    np.testing.assert_array_equal(a.final, b.final)
    assert c.final[:, 0].all() and not np.array_equal(a.counts, c.counts)
    cascade.run(cm, 12, 301, seed=5, backend="jax")
    assert simulate._cache_size() == compiled + 1  # another number of runs is another shape


def test_a_backend_that_cannot_run_is_one_clear_error(taliban_2024, monkeypatch):
    with pytest.raises(PariahError, match="unknown backend 'torch': expected numpy or jax"):
        cascade.run(taliban_2024, 6, 10, backend="torch")
    monkeypatch.setitem(sys.modules, "jax", None)  # as where JAX is not installed
    with pytest.raises(PariahError, match=r"the JAX backend needs JAX: pip install 'pariah\[jax\]'"):
        cascade.run(taliban_2024, 6, 10, backend="jax")


def test_cascade_matches_the_model_hazard_in_its_first_month(taliban_2024):
    from pariah.forecast.world import case_rate, features_at

    cm = taliban_2024
    model, world, t = cm.model, cm.world, cm.t
    X = features_at(world, t, cm.start_moved, cm.spell, rate=case_rate(world, 4)[t], recent=case_rate(world, 4, 12)[t])
    expected = model.predict_hazard(X)
    got = 1 / (1 + np.exp(-cm.logits(cm.start_moved[None, :], 0)[0]))
    assert np.abs(expected - got).max() < 1e-6


def test_backtest_of_a_case_with_nobody_at_risk_is_one_clear_error(ledger):
    from pariah.exceptions import PariahError

    with pytest.raises(PariahError, match="no cutoff of russia-2022 could be scored"):
        forecast.backtest(ledger, "russia-2022", cutoffs=[D(2023, 1, 1)], horizon=12, level="ambassadors")


def test_engagement_covariate_sees_the_month_before(ledger):
    from pariah.forecast.world import DEFAULT_FEATURES, FEATURES, features_at

    case = ledger.case("taliban-2021")
    frame = pd.DataFrame({"state": ["PAK", "PAK", "IRN"], "month": [D(2023, 12, 1), D(2024, 1, 1), D(2024, 1, 1)],
                          "engagement": [2.0, 3.0, 1.5]})
    world = build(case, ledger.acts("taliban-2021", known_on=D(2024, 2, 1)), until=D(2024, 2, 1), engagement=frame)
    t = len(world.months) - 1  # 2024-02-01 sees January
    X = features_at(world, t, world.level_known[t] >= 4, np.zeros(len(world.states)))
    column = X[:, FEATURES.index("engagement")]
    assert column[world.states.index("PAK")] == 3.0 and column[world.states.index("IRN")] == 1.5
    assert column[world.states.index("USA")] == 0.0
    assert X[:, FEATURES.index("engagement")].shape == (len(world.states),)
    assert "engagement" not in DEFAULT_FEATURES
    model = HazardModel(4, n_bootstrap=0, features=FEATURES).fit([world])
    assert len(model.coef_) == len(FEATURES)


def test_leave_one_out_forecasts_are_the_forecasts_of_their_cutoffs_and_never_see_later_acts(tmp_path):
    """The yardstick's fast path (worlds on the full ledger, cut at each cutoff) gives the forecast that
    ``forecast(..., as_of=cutoff)`` gives on a ledger without the acts published after the cutoff."""
    pristine = pariah.Ledger("sqlite://")
    leaky = pariah.Ledger(f"sqlite:///{tmp_path / 'leaky.sqlite'}")
    later = [  # all published after the first cutoff (2008-03-01); one of them dated before it
        act_row(case="kosovo-2008", actor="ESP", act="recognize", date="2008-02-20", known_from="2008-04-01", id="leak-1"),
        act_row(case="kosovo-2008", actor="SRB", act="recognize", date="2008-06-01", id="leak-2"),
        act_row(case="taliban-1996", actor="USA", act="recognize", date="2000-05-01", known_from="2008-05-01", id="leak-3"),
    ]
    leaky.import_files([write_csv(tmp_path / "later.csv", later)])
    result = forecast.leave_one_out(leaky, horizon=12, every=240, cases=["kosovo-2008"], resamples=50)
    windows = pd.DataFrame(result["windows"])
    first = windows[windows["cutoff"] == "2008-03-01"].set_index("state")
    assert len(first) > 100 and {"ESP", "SRB"} <= set(first.index)
    direct = forecast.forecast(pristine, "kosovo-2008", as_of=D(2008, 3, 1), horizon=12, n_bootstrap=0,
                               cache=False).set_index("state")
    assert set(first.index) == set(direct.index)
    np.testing.assert_allclose(first["p"], direct.loc[first.index, "p"], rtol=1e-6, atol=1e-9)
    assert first.loc["SRB", "outcome"] == 1  # outcomes are read on the full ledger


def test_leave_one_out_shape_and_baseline(ledger):
    result = forecast.leave_one_out(ledger, horizon=12, every=120, resamples=200)
    pooled = result["pooled"]
    assert set(pooled) >= {"n", "events", "brier", "brier_climatology", "bss", "auc", "log_loss", "calibration",
                           "bss_low", "bss_high", "auc_low", "auc_high"}
    windows = pd.DataFrame(result["windows"])
    base = windows["outcome"].mean()
    assert pooled["brier_climatology"] == pytest.approx(np.mean((base - windows["outcome"]) ** 2))
    assert pooled["bss_low"] <= pooled["bss"] <= pooled["bss_high"] and pooled["auc_low"] <= pooled["auc"] <= pooled["auc_high"]
    assert pooled["n"] == sum(c["n"] for c in result["cases"]) == len(windows)
    for c in result["cases"]:
        mine = windows[windows["case"] == c["case"]]["outcome"]
        assert c["brier_climatology"] == pytest.approx(np.mean((mine.mean() - mine) ** 2))
    scored = {c["case"] for c in result["cases"]}
    assert "kosovo-2008" in scored and "russia-2022" not in scored  # nobody below ambassadors in Russia's case


def test_a_fitted_model_is_cached_and_a_revision_drops_it(tmp_path, monkeypatch):
    from pariah.forecast import training

    monkeypatch.setenv("PARIAH_CACHE", str(tmp_path / "cache"))
    db = pariah.Ledger(f"sqlite:///{tmp_path / 'cache.sqlite'}")
    args = dict(as_of=D(2023, 6, 1), horizon=12, level="ambassadors", n_bootstrap=5, seed=2)
    first = forecast.forecast(db, "taliban-2021", **args)
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 1
    fits = []
    original = training.training_worlds
    monkeypatch.setattr(training, "training_worlds", lambda *a, **k: fits.append(1) or original(*a, **k))
    again = forecast.forecast(db, "taliban-2021", **args)
    assert fits == []  # served from the cache
    pd.testing.assert_frame_equal(first, again)
    assert forecast.forecast(db, "kosovo-2008", **{**args, "level": "recognized"}) is not None and fits == [1]
    # a revision of one act (new content under the same id) changes the ledger's digest
    act = db.acts("taliban-2021").iloc[0]
    db.import_records([act_row(case="taliban-2021", date=act["date"], actor=act["actor"], act=act["act"],
                               description=act["description"] + " (corrected)", source=act["source"],
                               confidence=act["confidence"],
                               known_from=act["known_from"] if isinstance(act["known_from"], str) else "",
                               id=act["act_id"])])
    forecast.forecast(db, "taliban-2021", **args)
    assert fits == [1, 1]  # refitted, not served stale


def test_scenario_refuses_a_move_already_made_or_dated_before_the_as_of_date(ledger):
    with pytest.raises(PariahError, match=r"RUS=recognized: Russia is already at recognized on 2025-12-01"):
        forecast.scenario(ledger, "taliban-2021", assume=["RUS=recognized"], as_of=D(2025, 12, 1), runs=10)
    with pytest.raises(PariahError, match=r"2023-01-01 is before the as-of date 2024-02-01"):
        forecast.scenario(ledger, "taliban-2021", assume=["IRN=ambassadors@2023-01"], as_of=D(2024, 2, 1), runs=10)


def test_diffusion_within_each_bloc_is_the_share_of_its_other_members_at_the_level(ledger):
    from pariah.forecast.world import FEATURES, features_at

    cutoff = D(2024, 2, 1)
    world = build(ledger.case("taliban-2021"), ledger.acts("taliban-2021", known_on=cutoff), until=cutoff)
    t = len(world.months) - 1
    moved = world.level_known[t] >= 4
    X = features_at(world, t, moved, np.zeros(len(world.states)))
    column = X[:, FEATURES.index("bloc_SCO")]
    sco = [s for s in pariah.reference.bloc_members("SCO", D(2024, 1, 1)) if s in world.states]
    counted = {s for s in sco if world.member[t, world.states.index(s)]}
    for state in ("TJK", "IND", "KAZ"):
        others = counted - {state}
        at = sum(moved[world.states.index(s)] for s in others)
        assert column[world.states.index(state)] == pytest.approx(at / len(others))
    assert column[world.states.index("USA")] == 0.0  # outside the bloc
    assert 0 < column[world.states.index("TJK")] < 1
    from pariah.forecast.drivers import Phrases

    phrases = Phrases(world, t, 4)
    tjk = world.states.index("TJK")
    said = phrases.say("bloc_SCO", tjk, float(column[tjk]), 0.1)
    assert said.startswith(f"{column[tjk]:.0%} of its SCO partners are at ambassadors or above (") and "China" in said
    assert phrases.say("bloc_SCO", world.states.index("USA"), 0.0, 0.0) == "it is not in SCO"


def test_time_since_a_state_began_to_count_starts_at_its_un_entry(ledger):
    from pariah.forecast.world import FEATURES, features_at

    cutoff = D(1965, 6, 1)
    world = build(ledger.case("israel-1948"), ledger.acts("israel-1948", known_on=cutoff), until=cutoff)
    t = len(world.months) - 1
    X = features_at(world, t, world.level_known[t] >= 5, np.zeros(len(world.states)))
    column = X[:, FEATURES.index("log_months_counted")]
    nga, usa = world.states.index("NGA"), world.states.index("USA")  # Nigeria joined the UN in 1960
    assert world.months[world.member[:, nga].argmax()].year == 1960
    assert column[nga] == pytest.approx(np.log1p(t - world.member[:, nga].argmax()))
    assert column[usa] == pytest.approx(np.log1p(t)) and column[usa] > column[nga]
