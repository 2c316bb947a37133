import json


from conftest import invoke


def test_index_json_rows_and_plot(db, tmp_path):
    plot = tmp_path / "index.png"
    result = invoke("index", "taliban-2021", "--from", "2024-01-01", "--to", "2024-03-01", "-f", "json", "--plot", plot)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["date"] for r in rows] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert set(rows[0]) == {"date", "index", "low", "high", "all_low", "all_high", "change_start", "change_12m", "scheme"}
    assert all(0 <= r["all_low"] <= r["low"] <= r["index"] <= r["high"] <= r["all_high"] <= 1 for r in rows)
    assert rows[0]["scheme"] == "relations"   # the default weighting of the headline index
    for r in rows:   # the movement is always there, against the case's first day and 12 months back
        assert r["change_start"] < 0 and r["change_12m"] is not None
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_index_weights_and_errors(db, tmp_path):
    power = json.loads(invoke("index", "taliban-2021", "--from", "2024-02-01", "--to", "2024-02-01", "--weights", "power",
                              "-f", "json").stdout)
    assert power[0]["scheme"] == "power"
    equal = json.loads(invoke("index", "taliban-2021", "--from", "2024-02-01", "--to", "2024-02-01", "--weights", "equal",
                              "-f", "json").stdout)
    # the chosen scheme's band follows --weights; the band over every scheme does not
    assert (power[0]["low"], power[0]["high"]) != (equal[0]["low"], equal[0]["high"])
    assert (power[0]["all_low"], power[0]["all_high"]) == (equal[0]["all_low"], equal[0]["all_high"])
    reversed_ = invoke("index", "taliban-2021", "--from", "2024-02-01", "--to", "2023-02-01")
    assert reversed_.exit_code == 2 and "starts on 2024-02-01, after it ends on 2023-02-01" in reversed_.output
    bad = invoke("index", "taliban-2021", "--weights", "size")
    assert bad.exit_code == 2 and "unknown weighting scheme 'size'" in bad.output
    wrong = invoke("index", "taliban-2021", "--plot", tmp_path / "x.gif")
    assert wrong.exit_code == 2 and "--plot: figure file" in wrong.output and "expected a .png, .svg or .pdf" in wrong.output
    assert len(wrong.output.strip().splitlines()) == 1 and not (tmp_path / "x.gif").exists()
    weights = tmp_path / "w.csv"
    weights.write_text("CHN,3\nXX,1\n", encoding="utf-8")
    result = invoke("index", "taliban-2021", "--weights-file", weights)
    assert result.exit_code == 2 and "w.csv:2: iso3" in result.output and "Traceback" not in result.output


def test_cohesion_modes(db, tmp_path):
    series = json.loads(invoke("cohesion", "taliban-2021", "--from", "2024-01-01", "--to", "2024-02-01", "-f", "json").stdout)
    assert set(series[0]) == {"date", "tier", "cohesion", "members", "holding", "defected", "black_knights", "scheme"}
    assert [r["tier"] for r in series[:2]] == ["core", "consensus"]
    defections = json.loads(invoke("cohesion", "taliban-2021", "--show", "defections", "--as-of", "2025-12-31", "-f", "json").stdout)
    core = {d["state"] for d in defections if d["tier"] == "core"}
    assert {"DEU", "NOR"} <= core
    assert not {"CHN", "RUS", "IRN", "PAK"} & core   # never in the US-led core: they cannot defect from it
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
    assert lines[0] == "case,kind,date,month,value,index,low,high,change_start,measure,scheme"
    first = dict(zip(lines[0].split(","), lines[1].split(",")))
    assert first["month"] == "0" and float(first["value"]) == 0.0 and first["measure"] == "change"
    table = invoke("compare", "taliban-2021", "russia-2022", "--freq", "quarter")
    assert table.exit_code == 0, table.output
    header = next(line for line in table.stdout.splitlines() if "month" in line)
    assert header.index("taliban-2021") < header.index("russia-2022")   # one column per case, in the order given
    assert "taliban-2021: recognition case" in table.stdout and "russia-2022: starts from full relations" in table.stdout
    realised = json.loads(invoke("compare", "taliban-2021", "russia-2022", "--measure", "realised", "-f", "json").stdout)
    last = {r["case"]: r for r in realised}
    assert 0 < last["taliban-2021"]["value"] < 1 and 0 < last["russia-2022"]["value"] < 1


def test_index_profile(db):
    rows = json.loads(invoke("index", "taliban-2021", "--from", "2024-02-01", "--to", "2024-02-01", "--profile", "-f", "json").stdout)
    by = {r["level_name"]: r for r in rows}
    assert set(by) == {"engaged", "missions", "ambassadors", "recognized"}
    assert by["ambassadors"]["count"] >= 1 and by["recognized"]["count"] == 0
    assert by["engaged"]["count"] >= by["missions"]["count"] >= by["ambassadors"]["count"]
