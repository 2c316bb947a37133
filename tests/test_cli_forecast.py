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
            "--horizon", "12", "--runs", "2000", "--show", "states", "-f", "json")
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
    (("backtest",), "give --case CASE (with --cutoff DATE or --rolling), or --leave-one-out"),
    (("backtest", "--leave-one-out", "--case", "kosovo-2008"), "--leave-one-out scores every case"),
    (("scenario", "taliban-2021", "--assume", "RUS=recognized"), "Russia is already at recognized"),
    (("scenario", "taliban-2021", "--assume", "IRN=ambassadors@2023-01", "--as-of", "2024-02-01"),
     "is before the as-of date 2024-02-01"),
    (("forecast", "taliban-2021", "--as-of", "2020-01-01"), "is not after the start"),
])
def test_forecast_errors_are_one_line(db, args, message):
    result = invoke(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_forecast_drivers_in_words_and_a_warning_on_stderr(db):
    result = invoke("forecast", "taliban-2021", "--as-of", "2024-02-01", "--horizon", "24", "--bootstrap", "0", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all("contact_6" not in r["drivers"] and "peer_" not in r["drivers"] for r in rows)
    assert "warning: the horizon ends on" not in result.stderr  # the ledger runs well past 2026-02
    late = invoke("forecast", "taliban-2021", "--horizon", "24", "--bootstrap", "0", "-f", "json")
    assert late.exit_code == 0, late.output
    assert "warning: the horizon ends on" in late.stderr and "newest act" in late.stderr
    json.loads(late.stdout)  # stdout stays clean JSON


def test_scenario_shows_the_distribution_first_and_the_effect_sorted(db):
    result = invoke("scenario", "taliban-2021", "--assume", "PAK=ambassadors@2024-03", "--as-of", "2024-02-01",
                    "--horizon", "6", "--runs", "100", "-f", "json")
    assert result.exit_code == 0, result.output
    both = json.loads(result.stdout)
    assert list(both) == ["distribution", "states"]
    differences = [r["difference"] for r in both["states"]]
    assert differences == sorted(differences, reverse=True)
    table = invoke("scenario", "taliban-2021", "--assume", "PAK=ambassadors@2024-03", "--as-of", "2024-02-01",
                   "--horizon", "6", "--runs", "100")
    assert table.stdout.index("states at or above each level") < table.stdout.index("the assumption's effect")


def test_backtest_leave_one_out_json(db):
    result = invoke("backtest", "--leave-one-out", "--horizon", "12", "--every", "240", "-f", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"pooled", "cases", "settings"}
    assert {"n", "events", "brier", "brier_climatology", "bss", "auc", "log_loss", "calibration", "bss_low", "bss_high",
            "auc_low", "auc_high"} <= set(out["pooled"])
    assert all({"case", "level", "n", "events", "brier", "brier_climatology", "bss", "auc"} <= set(c) for c in out["cases"])
    assert all(c["events"] >= 0 for c in out["cases"]) and out["settings"]["every"] == 240


def test_the_forecast_table_shows_the_likeliest_and_says_so(db):
    args = ("forecast", "taliban-2021", "--as-of", "2024-02-01", "--bootstrap", "0")
    every = json.loads(invoke(*args, "-f", "json").stdout)
    assert len(every) > 25  # CSV and JSON carry every state unless --top says otherwise
    table = invoke(*args, "--top", "0")
    assert table.exit_code == 0 and f"│ {every[-1]['state']} " in table.stdout
    table = invoke(*args)
    assert table.exit_code == 0, table.output
    assert f"the 25 likeliest of {len(every)} states" in table.stderr
    assert f"│ {every[0]['state']} " in table.stdout and f"│ {every[25]['state']} " not in table.stdout
    top = json.loads(invoke(*args, "--top", "3", "-f", "json").stdout)
    assert [r["state"] for r in top] == [r["state"] for r in every[:3]]
