"""Text drawn in figures is drawn as written: a case name that reads as matplotlib mathtext crashes nothing."""
from __future__ import annotations

from conftest import CASE_YAML, act_row, invoke, write_csv
from pariah.report.figures import plain_text

NAME = r"$\frac{1}{$ and $x^2$ dollars"


def test_plain_text_escapes_every_dollar():
    assert plain_text(NAME) == r"\$\frac{1}{\$ and \$x^2\$ dollars"


def test_report_and_plot_of_a_case_named_in_mathtext(db, tmp_path):
    case = tmp_path / "math.yaml"
    case.write_text(CASE_YAML.replace("name: A synthetic case for tests", f"name: '{NAME}'"), encoding="utf-8")
    assert invoke("cases", "add", case).exit_code == 0
    acts = write_csv(tmp_path / "a.csv", [act_row(), act_row(actor="PAK", act="official_visit", date="2023-05-02")])
    assert invoke("import", acts).exit_code == 0
    plotted = invoke("index", "test-case", "--plot", tmp_path / "index.svg")
    assert plotted.exit_code == 0, plotted.output
    assert "frac{1}" in (tmp_path / "index.svg").read_text(encoding="utf-8")
    cohesion = invoke("cohesion", "test-case", "--plot", tmp_path / "cohesion.png")
    assert cohesion.exit_code == 0, cohesion.output
    report = invoke("report", "test-case", "-o", tmp_path / "r.html", "--figures", tmp_path / "figures")
    assert report.exit_code == 0, report.output
