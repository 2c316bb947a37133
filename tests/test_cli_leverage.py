import json


from conftest import invoke


def test_leverage_rows(db, tmp_path):
    result = invoke("leverage", "taliban-2021", "--from", "2024-01-01", "--to", "2024-03-01", "--no-credibility",
                    "-f", "json", "--plot", tmp_path / "l.png")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {"date", "withheld", "supplied", "credibility", "leverage"}
    assert all(0 <= r[k] <= 1 for r in rows for k in ("withheld", "supplied", "credibility", "leverage"))
    assert (tmp_path / "l.png").exists()


def test_leverage_with_credibility(db):
    rows = json.loads(invoke("leverage", "taliban-2021", "--from", "2023-06-01", "--to", "2023-08-01", "-f", "json").stdout)
    assert all(0 < r["credibility"] <= 1 for r in rows)
    assert all(abs(r["leverage"] - r["withheld"] * (1 - r["supplied"]) * r["credibility"]) < 1e-3 for r in rows)


def test_concession_restore_engagement_compare(db, tmp_path):
    conc = json.loads(invoke("leverage", "taliban-2021", "--no-credibility", "--concession-cost", "0.3", "--from", "2024-01",
                             "--to", "2024-01", "-f", "json").stdout)
    assert conc[0]["p_if_cost_lower"] > conc[0]["p_concede"] > conc[0]["p_if_cost_higher"]
    restore = json.loads(invoke("leverage", "taliban-2021", "--no-credibility", "--restore", "0.2", "--as-of", "2025-08-01",
                                "-f", "json").stdout)
    assert restore[0]["leverage"] >= 0.2 and restore[0]["size"] >= 1
    engagement = json.loads(invoke("leverage", "taliban-2021", "--no-credibility", "--engagement", "--from", "2024-01",
                                   "--to", "2024-02", "-f", "json").stdout)
    assert set(engagement[0]) >= {"best_concessions", "offer_value", "waiting_value", "conditional_beats_waiting"}
    compare = invoke("leverage", "taliban-2021", "--no-credibility", "--compare", "taliban-1996,syria-2011",
                     "--compare", "russia-2022", "-f", "csv", "--plot", tmp_path / "c.svg")
    assert compare.exit_code == 0, compare.output
    assert {line.split(",")[0] for line in compare.stdout.splitlines()[1:]} == {"taliban-2021", "taliban-1996", "syria-2011", "russia-2022"}


def test_leverage_errors(db, tmp_path):
    result = invoke("leverage", "taliban-2021", "--no-credibility", "--restore", "0.99")
    assert result.exit_code == 2 and "no set of up to 6 moves" in result.output
    assert "the most reachable is 0." in result.output and "Traceback" not in result.output
    values = tmp_path / "v.csv"
    values.write_text("CHN,1\nPAK,abc\n", encoding="utf-8")
    bad = invoke("leverage", "taliban-2021", "--values", values)
    assert bad.exit_code == 2 and "v.csv:2: weight" in bad.output
