"""The full HTML report and its figures: self-contained, escaped, complete."""
from __future__ import annotations

import re

import pytest
from markupsafe import escape

from conftest import act_row
from pariah import dates, ladder
from pariah.exceptions import PariahError
from pariah.ledger import Ledger
from pariah.report import case_report, html, status_report
from pariah.present import maps


EVIL_DESCRIPTION = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def ledger(tmp_path, test_case) -> Ledger:
    ledger = Ledger(f"sqlite:///{tmp_path / 'report.sqlite'}", bundled=False)
    ledger.add_case(test_case)
    ledger.import_records([
        act_row(id="chn", known_from="2024-03-01"),
        act_row(id="rus", actor="RUS", act="recognize", date="2025-07-03", source="TASS, https://example.org/rus",
                confidence="medium"),
        act_row(id="usa", actor="USA", act="designate", date="2021-09-01", source="Federal Register, https://example.org/usa",
                confidence="medium"),
        act_row(id="evil", actor="IRN", act="accept_envoy", date="2024-02-10", description=EVIL_DESCRIPTION,
                source="javascript:alert(1) | Outlet, https://example.org/irn"),
    ], name="fixture")
    yield ledger
    ledger.close()


def _report(ledger, tmp_path, **options):
    case = ledger.case("test-case")
    path = case_report(case, ledger.acts("test-case"), tmp_path / "report.html", as_of="2025-12-31", **options)
    return path.read_text(encoding="utf-8")


def test_report_is_self_contained_and_runs_nothing(ledger, tmp_path):
    text = _report(ledger, tmp_path)
    assert "<script" not in text.lower()
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b", text, re.IGNORECASE)
    assert not re.search(r"""(?:src|srcset)\s*=\s*["']?(?:https?:)?//""", text, re.IGNORECASE)
    assert "url(http" not in text and "@import" not in text
    assert f'content="{escape(html.REPORT_CSP)}"' in text and "script" not in html.REPORT_CSP
    assert '<a href="javascript' not in text.lower() and 'href="javascript' not in text.lower()


def test_report_has_maps_charts_status_sources_and_methods(ledger, tmp_path):
    text = _report(ledger, tmp_path, map_dates=["2021-08-15", "2025-12-31"])
    for date in ("2021-08-15", "2025-12-31"):
        assert f'<figure id="map-{date}"><svg' in text
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" viewBox="-30') == 2
    assert f'fill="{maps.LEVEL_COLOURS[5]}"><title>Russia: recognized' in text
    assert '<figure id="index-figure"><svg' in text and '<figure id="cohesion-figure"><svg' in text
    assert 'id="status"' in text and "Russia" in text
    assert '<a href="https://example.org/rus" rel="noopener noreferrer" title="https://example.org/rus">example.org</a>' in text
    assert 'id="methods"' in text and all(name in text for name in ladder.LEVEL_NAMES)
    assert 'data-hook="forecast"' in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text and "<img src=x" not in text


def test_report_opens_with_the_brief(ledger, tmp_path):
    text = _report(ledger, tmp_path)
    brief = text.index('<section id="brief" class="brief">')
    assert brief < text.index('<div class="cards">')
    assert "Where states stand" in text and "Who broke ranks" in text and "recognized since 2025-07-03" in text


def test_report_cites_the_ledger_digest_the_version_and_its_parameters(ledger, tmp_path):
    import pariah

    text = _report(ledger, tmp_path, known_on="2025-06-01")
    cite = text[text.index('<section id="cite"'):]
    assert f'<code id="cite-digest">{ledger.digest("test-case")}</code>' in cite  # of the ledger, before the cut
    assert f"pariah {pariah.__version__}" in cite and "as_of=2025-12-31, known_on=2025-06-01" in cite
    assert "@misc{pariah-test-case-" in cite and "urldate = {" in cite


def test_known_on_hides_acts_not_yet_public(ledger, tmp_path):
    case = ledger.case("test-case")
    built = html.build(case, ledger.acts("test-case"), as_of="2024-02-15", known_on="2024-02-15")
    levels = {row["state"]: row["level_name"] for row in built.status}
    assert levels["CHN"] == "none" and levels["IRN"] == "missions"
    later = html.build(case, ledger.acts("test-case"), as_of="2024-02-15")
    assert {row["state"]: row["level_name"] for row in later.status}["CHN"] == "ambassadors"


def test_default_map_dates_are_start_middle_and_as_of(ledger):
    built = html.build(ledger.case("test-case"), ledger.acts("test-case"), as_of="2025-08-15")
    assert built.map_dates[0].isoformat() == "2021-08-15" and built.map_dates[-1].isoformat() == "2025-08-15"
    assert len(built.map_dates) == 3


def test_bad_dates_are_clear_errors(ledger):
    case, acts = ledger.case("test-case"), ledger.acts("test-case")
    with pytest.raises(PariahError, match="map date 2019-01-01: outside the case period"):
        html.build(case, acts, map_dates=["2019-01-01"])
    with pytest.raises(PariahError, match="as_of: bad date"):
        html.build(case, acts, as_of="2024-13")


def test_figures_png_svg_and_pdf(ledger, tmp_path):
    built = html.build(ledger.case("test-case"), ledger.acts("test-case"), as_of="2025-12-31", map_dates=["2024-06-01"])
    paths = built.write_figures(tmp_path / "all")
    assert sorted(p.name for p in paths) == sorted(f"{name}.{fmt}" for name in ("index", "cohesion", "map-2024-06-01")
                                                   for fmt in ("png", "svg", "pdf"))
    for name in ("index", "cohesion", "map-2024-06-01"):
        assert (tmp_path / "all" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (tmp_path / "all" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (tmp_path / "all" / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    svgs = built.write_figures(tmp_path / "svg", "svg")
    assert sorted(p.name for p in svgs) == ["cohesion.svg", "index.svg", "map-2024-06-01.svg"]
    with pytest.raises(PariahError, match="expected png, svg, pdf"):
        built.write_figures(tmp_path / "x", "gif")


def test_status_report_for_demo_with_and_without_acts(ledger, tmp_path):
    import pariah

    case = ledger.case("test-case")
    as_of = dates.to_date("2025-12-31")
    rows = pariah.status(ledger, case.id, as_of=as_of)
    short = status_report(case, rows, as_of, tmp_path / "short.html").read_text(encoding="utf-8")
    assert 'id="status"' in short and "Russia" in short and 'id="methods"' in short and "<figure" not in short
    full = status_report(case, rows, as_of, tmp_path / "full.html", acts=ledger.acts(case.id)).read_text(encoding="utf-8")
    assert '<figure id="index-figure">' in full


def test_report_command(ledger, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from test_web_cli import cli_app

    monkeypatch.setenv("PARIAH_DB", ledger.url)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli_app(), ["report", "test-case", "-o", str(out), "--as-of", "2025-12-31",
                                            "--map-date", "2024-06-01", "--figures", str(tmp_path / "figs"),
                                            "--figure-format", "svg", "--figure-format", "pdf", "--no-title"])
    assert result.exit_code == 0, result.output
    assert out.exists() and '<figure id="map-2024-06-01">' in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == sorted(
        f"{name}.{fmt}" for name in ("index", "cohesion", "map-2024-06-01") for fmt in ("svg", "pdf"))
    assert "ladder levels on" not in (tmp_path / "figs" / "map-2024-06-01.svg").read_text(encoding="utf-8")
    assert "6 figure files (svg, pdf) written to" in result.output
    missing = CliRunner().invoke(cli_app(), ["report", "nope", "-o", str(out)])
    assert missing.exit_code == 2 and "unknown case 'nope'" in missing.output
