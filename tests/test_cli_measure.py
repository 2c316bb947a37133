import json


from conftest import invoke


def test_index_json_rows_and_plot(db, tmp_path):
    plot = tmp_path / "index.png"
    result = invoke("index", "taliban-2021", "--from", "2024-01-01", "--to", "2024-03-01", "-f", "json", "--plot", plot)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["date"] for r in rows] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert set(rows[0]) == {"date", "index", "low", "high", "scheme"}
    assert all(0 <= r["low"] <= r["index"] <= r["high"] <= 1 for r in rows)
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_index_weights_and_errors(db, tmp_path):
    power = json.loads(invoke("index", "taliban-2021", "--from", "2024-02-01", "--to", "2024-02-01", "--weights", "power",
                              "-f", "json").stdout)
    assert power[0]["scheme"] == "power"
    bad = invoke("index", "taliban-2021", "--weights", "size")
    assert bad.exit_code == 1 and "unknown weighting scheme 'size'" in bad.output
    wrong = invoke("index", "taliban-2021", "--plot", tmp_path / "x.gif")
    assert wrong.exit_code == 1 and "--plot: figure file" in wrong.output and "expected a .png, .svg or .pdf" in wrong.output
    assert len(wrong.output.strip().splitlines()) == 1 and not (tmp_path / "x.gif").exists()
    weights = tmp_path / "w.csv"
    weights.write_text("CHN,3\nXX,1\n", encoding="utf-8")
    result = invoke("index", "taliban-2021", "--weights-file", weights)
    assert result.exit_code == 1 and "w.csv:2: iso3" in result.output and "Traceback" not in result.output


def test_cohesion_modes(db, tmp_path):
    series = json.loads(invoke("cohesion", "taliban-2021", "--from", "2024-01-01", "--to", "2024-02-01", "-f", "json").stdout)
    assert set(series[0]) == {"date", "cohesion", "members", "holding", "defected", "black_knights", "scheme"}
    defections = json.loads(invoke("cohesion", "taliban-2021", "--show", "defections", "--as-of", "2025-12-31", "-f", "json").stdout)
    assert {"DEU", "NOR"} <= {d["state"] for d in defections}
    knights = json.loads(invoke("cohesion", "taliban-2021", "--show", "black-knights", "--as-of", "2024-02-01", "-f", "json").stdout)
    assert "KAZ" in {k["state"] for k in knights} and "USA" not in {k["state"] for k in knights}
    svg = tmp_path / "c.svg"
    assert invoke("cohesion", "taliban-2021", "--plot", svg).exit_code == 0
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_plot_without_suffix_writes_png_svg_and_pdf(db, tmp_path):
    result = invoke("index", "taliban-2021", "--from", "2024-01-01", "--to", "2024-06-01", "--plot", tmp_path / "fig",
                    "--no-title", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "fig.pdf").read_bytes()[:5] == b"%PDF-"
    svg = (tmp_path / "fig.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "Isolation index:" not in svg and "Source: pariah ledger" in svg
    assert f"figures written to {tmp_path / 'fig.png'}, {tmp_path / 'fig.svg'}, {tmp_path / 'fig.pdf'}" in result.output
    assert sorted(p.name for p in tmp_path.glob("*fig*")) == ["fig.pdf", "fig.png", "fig.svg"]   # nothing half-written left


def test_compare(db, tmp_path):
    result = invoke("compare", "taliban-2021", "taliban-1996", "--freq", "quarter", "-f", "csv", "--plot", tmp_path / "c.png")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "case,date,index,low,high,scheme,month"
    assert lines[1].split(",")[-1] == "0"


def test_index_profile(db):
    rows = json.loads(invoke("index", "taliban-2021", "--from", "2024-02-01", "--to", "2024-02-01", "--profile", "-f", "json").stdout)
    by = {r["level_name"]: r for r in rows}
    assert set(by) == {"engaged", "missions", "ambassadors", "recognized"}
    assert by["ambassadors"]["count"] >= 1 and by["recognized"]["count"] == 0
    assert by["engaged"]["count"] >= by["missions"]["count"] >= by["ambassadors"]["count"]
