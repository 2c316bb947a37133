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


def test_peer_coefficients_are_never_negative():
    rng = np.random.default_rng(1)
    n, k = 20_000, len(FEATURES)
    X = rng.normal(size=(n, k))
    true = np.zeros(k)
    true[FEATURES.index("peer_region")] = -1.0  # the data say "negative": the bound holds it at 0
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2 + X @ true)))).astype(int)
    params = HazardModel(level=4, n_bootstrap=0, features=FEATURES)._fit_one(X, y, np.ones(n))
    for f in PEER_FEATURES:
        assert params[1 + FEATURES.index(f)] >= 0


def test_forecast_rows(ledger):
    rows = forecast.forecast(ledger, "taliban-2021", as_of="2024-02-01", horizon=24, level="ambassadors", n_bootstrap=4, seed=1)
    assert list(rows.columns) == ["state", "name", "p", "p_low", "p_high", "level", "current_level", "drivers"]
    assert (rows["p"].diff().dropna() <= 1e-12).all()
    assert ((rows["p"] >= 0) & (rows["p"] <= 1)).all()
    assert "CHN" not in set(rows["state"])  # already at ambassadors on 2024-02-01
    assert set(rows["level"]) == {"ambassadors"}
    assert rows["drivers"].str.count(",").eq(2).all()


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
