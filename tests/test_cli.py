import json
import re
from pathlib import Path

import pytest
from typer.main import get_command

from conftest import CASE_YAML, act_row, invoke, write_csv
from pariah.cli import app

ROOT = Path(__file__).resolve().parents[1]



def test_cases_lists_bundled_cases_as_json(db):
    result = invoke("cases", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    taliban = next(r for r in rows if r["id"] == "taliban-2021")
    assert set(taliban) == {"id", "name", "target", "start", "end", "acts"}
    assert taliban["target"] == "AFG" and taliban["start"] == "2021-08-15" and taliban["acts"] > 0


def test_add_own_case_import_status_export_history(db, tmp_path):
    (tmp_path / "case.yaml").write_text(CASE_YAML, encoding="utf-8")
    assert invoke("cases", "add", tmp_path / "case.yaml").exit_code == 0
    acts = write_csv(tmp_path / "acts.csv", [act_row(id="a1"), act_row(actor="PAK", act="official_visit", date="2024-01")])
    result = invoke("import", acts)
    assert result.exit_code == 0 and "added 2" in result.output
    result = invoke("--db", db, "status", "test-case", "--as-of", "2024-02-01", "--format", "json")
    rows = {r["state"]: r for r in json.loads(result.stdout)}
    assert set(rows["CHN"]) >= {"state", "name", "level", "level_name", "since", "recognition", "mission", "hosted",
                                "hostile", "last_act"}
    assert (rows["CHN"]["level"], rows["CHN"]["level_name"], rows["CHN"]["since"]) == (4, "ambassadors", "2024-01-30")
    assert rows["PAK"]["level_name"] == "engaged" and rows["USA"]["level_name"] == "none"
    csv_out = invoke("status", "test-case", "--as-of", "2024-02-01", "--min-level", "2", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("state,name,level,level_name,since")
    assert len(csv_out.splitlines()) == 3
    export = invoke("export", "--case", "test-case").stdout
    assert export.splitlines()[0] == "case,date,actor,act,description,source,confidence,known_from,id"
    fixed = write_csv(tmp_path / "fix.csv", [act_row(id="a1", description="Corrected.")])
    assert invoke("import", fixed).exit_code == 0
    history = json.loads(invoke("history", "a1", "--format", "json").stdout)
    assert [h["description"] for h in history] == ["China accepted the ambassador.", "Corrected."]


def test_bad_import_is_one_line_per_problem_and_exit_2(db, tmp_path):
    (tmp_path / "case.yaml").write_text(CASE_YAML, encoding="utf-8")
    invoke("cases", "add", tmp_path / "case.yaml")
    bad = write_csv(tmp_path / "bad.csv", [act_row(), act_row(date="2024-02-31", actor="PAK")])
    result = invoke("import", bad)
    assert result.exit_code == 2
    assert f"{bad}:3: date: bad date '2024-02-31'" in result.output
    assert "Traceback" not in result.output
    exported = invoke("export", "--case", "test-case").stdout.splitlines()
    assert len(exported) == 1  # header only: nothing written


@pytest.mark.parametrize("args,message", [
    (("status", "no-such-case"), "unknown case 'no-such-case'"),
    (("status", "taliban-2021", "--as-of", "2024-13-01"), "--as-of: bad date"),
    (("history", "nope"), "no act with id 'nope'"),
    (("cases", "add", "/nonexistent.yaml"), "cannot read"),
])
def test_errors_are_one_line_without_traceback(db, args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_database_url_is_one_line(tmp_path):
    result = invoke("--db", "nosuchdriver://x", "cases")
    assert result.exit_code == 1 and "cannot open database" in result.output and "Traceback" not in result.output


def test_demo_prints_status_and_writes_report(db, tmp_path):
    out = tmp_path / "report.html"
    result = invoke("demo", "-o", out)
    assert result.exit_code == 0, result.output
    assert "taliban" in result.output.lower() or "Taliban" in result.output
    assert "CHN" in result.output
    page = out.read_text(encoding="utf-8")
    assert "<table>" in page and "China" in page and 'rel="noopener noreferrer"' in page


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))


def test_cli_reference_is_generated_from_help():
    from pariah.clidoc import render

    assert (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8") == render(), "run: python -m pariah.clidoc > docs/CLI.md"


def test_every_command_has_help_and_is_in_the_cli_reference():
    reference = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    for path, command in _commands(get_command(app)):
        assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
        assert f"## pariah {' '.join(path)}" in reference, f"docs/CLI.md lacks 'pariah {' '.join(path)}'"
    for name in re.findall(r"^## pariah (.+)$", reference, flags=re.M):
        assert invoke(*name.split(), "--help").exit_code == 0, name


def test_design_md_act_table_is_the_code_s():
    from pariah.acts import markdown_table

    text = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    assert text.split("<!-- acts:start -->\n", 1)[1].split("<!-- acts:end -->", 1)[0] == markdown_table()


def test_every_file_a_message_points_at_exists():
    import re

    for path in (ROOT / "src" / "pariah").rglob("*.py"):
        for name in re.findall(r"\b((?:docs/)?[A-Z]+\.md)\b", path.read_text(encoding="utf-8")):
            assert (ROOT / name).exists() or (ROOT / "docs" / name).exists(), f"{path}: {name}"
            assert name.startswith("docs/"), f"{path}: say docs/{name}"


def test_cite_gives_the_version_the_ledger_digest_and_the_view(db):
    import pariah
    from pariah.ledger import Ledger

    digest = Ledger(db).digest("taliban-2021")
    text = invoke("cite", "taliban-2021", "--url", "http://127.0.0.1:8000/cases/taliban-2021?as_of=2024-02-01")
    assert text.exit_code == 0, text.output
    line = text.stdout.strip()
    assert line.startswith(f"pariah {pariah.__version__}, ") and f"ledger digest {digest}" in line
    assert "http://127.0.0.1:8000/cases/taliban-2021?as_of=2024-02-01" in line and "accessed 20" in line
    bibtex = invoke("cite", "taliban-2021", "--format", "bibtex", "--as-of", "2024-02").stdout
    assert bibtex.startswith("@misc{pariah-taliban-2021-") and digest in bibtex and "as\\_of=2024-02-01" in bibtex
    csl = json.loads(invoke("cite", "taliban-2021", "--format", "csl-json").stdout)
    assert csl[0]["type"] == "dataset" and csl[0]["version"] == pariah.__version__ and digest in csl[0]["note"]
    assert invoke("cite", "nope").exit_code == 2
