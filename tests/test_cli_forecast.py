import json

import pytest

from conftest import invoke


def test_forecast_json_and_coefficients(db):
    result = invoke("forecast", "taliban-2021", "--as-of", "2024-02-01", "--horizon", "24", "--level", "ambassadors",
                    "--bootstrap", "2", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"state", "p", "p_low", "p_high", "level", "drivers"} <= set(rows[0])
    coef = json.loads(invoke("forecast", "taliban-2021", "--as-of", "2024-02-01", "--coefficients", "--bootstrap", "2",
                             "-f", "json").stdout)
    assert {c["feature"] for c in coef} >= {"peer_bloc", "border", "contact_12"}
    assert all(c["reading"] for c in coef)


def test_scenario_and_backtest(db):
    result = invoke("scenario", "taliban-2021", "--assume", "CHN=recognized@2024-06", "--as-of", "2024-02-01",
                    "--horizon", "6", "--runs", "100", "--show", "distribution", "-f", "json")
    assert result.exit_code == 0, result.output
    dist = json.loads(result.stdout)
    assert {(d["level_name"], d["scenario"]) for d in dist} >= {("recognized", "baseline"), ("recognized", "assumed")}
    bt = json.loads(invoke("backtest", "--case", "taliban-2021", "--cutoff", "2024-02-01", "--horizon", "24",
                           "--level", "ambassadors", "-f", "json").stdout)
    assert {"n", "events", "brier", "brier_climatology", "bss", "log_loss", "auc", "calibration"} <= set(bt)


def test_scenario_on_the_jax_backend_agrees_with_numpy(db):
    pytest.importorskip("jax")
    args = ("scenario", "taliban-2021", "--assume", "CHN=recognized@2024-03", "--as-of", "2024-02-01",
            "--horizon", "12", "--runs", "2000", "-f", "json")
    numpy_rows = {(r["state"], r["level"]): r for r in json.loads(invoke(*args).stdout)}
    result = invoke(*args, "--backend", "jax")
    assert result.exit_code == 0, result.output
    jax_rows = {(r["state"], r["level"]): r for r in json.loads(result.stdout)}
    assert set(jax_rows) == set(numpy_rows)
    assert jax_rows[("CHN", 5)]["p_assumed"] == 1.0 and jax_rows[("CHN", 5)]["p_baseline"] < 1.0
    for key, row in jax_rows.items():
        assert abs(row["p_baseline"] - numpy_rows[key]["p_baseline"]) < 0.05, key
        assert abs(row["p_assumed"] - numpy_rows[key]["p_assumed"]) < 0.05, key


@pytest.mark.parametrize("args,message", [
    (("scenario", "taliban-2021", "--assume", "CHN"), "expected ISO3=LEVEL"),
    (("scenario", "taliban-2021", "--assume", "CHN=friends"), "unknown level 'friends'"),
    (("backtest", "--case", "taliban-2021", "--cutoff", "2026-06-01"), "the outcome is not known yet"),
    (("backtest", "--case", "taliban-2021"), "give at least one --cutoff"),
    (("forecast", "taliban-2021", "--as-of", "2020-01-01"), "is not after the start"),
])
def test_forecast_errors_are_one_line(db, args, message):
    result = invoke(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
