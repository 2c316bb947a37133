import io
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import act_row, write_csv
from pariah.exceptions import ImportRejected
from pariah.acts import ACTS
from pariah.ledger import Ledger


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_import_export_is_identical(ledger, test_case, tmp_path, fmt):
    rows = [act_row(), act_row(actor="PAK", date="2022-03", act="accept_envoy", confidence="low", known_from="2022-04-02"),
            act_row(actor="UNGA", date="2021", act="declare_nonrecognition", description='Says "no", with a comma.', id="u1")]
    ledger.import_files([write_csv(tmp_path / "in.csv", rows)])
    first = tmp_path / f"first.{fmt}"
    ledger.export(first, case_id="test-case", fmt=fmt)
    fresh = Ledger("sqlite://", bundled=False)
    fresh.add_case(test_case)
    fresh.import_files([first])
    second = tmp_path / f"second.{fmt}"
    fresh.export(second, case_id="test-case", fmt=fmt)
    assert first.read_bytes() == second.read_bytes()
    assert fresh.export_frame().equals(ledger.export_frame())


def test_digest_is_the_same_for_the_same_ledger_and_changes_with_a_revision(ledger, test_case, tmp_path):
    ledger.import_files([write_csv(tmp_path / "in.csv", [act_row(), act_row(actor="PAK", id="p1")])])
    fresh = Ledger("sqlite://", bundled=False)
    fresh.add_case(test_case)
    fresh.import_files([write_csv(tmp_path / "reversed.csv", [act_row(actor="PAK", id="p1"), act_row()])])
    assert fresh.digest() == ledger.digest() == ledger.digest("test-case")
    assert len(ledger.digest()) == len("sha256:") + 64
    before = ledger.digest()
    ledger.import_files([write_csv(tmp_path / "fix.csv", [act_row(actor="PAK", id="p1", description="Corrected.")])])
    assert ledger.digest() != before


def test_export_columns_follow_the_exchange_format(ledger, tmp_path):
    ledger.import_files([write_csv(tmp_path / "in.csv", [act_row()])])
    stream = io.StringIO()
    ledger.export(None, fmt="csv", stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "case,date,actor,act,description,source,confidence,known_from,id"
    assert lines[1] == ("test-case,2024-01-30,CHN,accept_ambassador,China accepted the ambassador.,"
                        '"Test, https://example.org/1 | Second outlet, https://example.net/1",high,,'
                        "test-case:2024-01-30:CHN:accept_ambassador")


text = st.text(alphabet=string.ascii_letters + string.digits + " ,;\"'éü-.:/\n", min_size=1, max_size=40).filter(str.strip)
# within the synthetic case (from 2021-08-15) and not after today: what an import accepts
dates = st.dates(min_value=pd.Timestamp("2022-01-01").date(), max_value=pd.Timestamp("2025-12-31").date())


@st.composite
def ledgers(draw):
    rows = []
    for i in range(draw(st.integers(1, 8))):
        day = draw(dates)
        precision = draw(st.sampled_from([10, 7, 4]))
        rows.append(act_row(date=day.isoformat()[:precision], actor=draw(st.sampled_from(["CHN", "PAK", "UN", "Iran", "RUS"])),
                            act=draw(st.sampled_from(list(ACTS))), description=draw(text).strip(),
                            source=f"{draw(text).strip()} | {draw(text).strip()}",
                            confidence=draw(st.sampled_from(["", "high", "low", "medium"])), id=f"h{i}"))
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledgers())
def test_property_export_import_export(test_case, tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("p")
    a = Ledger("sqlite://", bundled=False)
    a.add_case(test_case)
    a.import_files([write_csv(tmp / "in.csv", rows)])
    a.export(tmp / "one.csv")
    b = Ledger("sqlite://", bundled=False)
    b.add_case(test_case)
    b.import_files([tmp / "one.csv"])
    b.export(tmp / "two.csv")
    assert (tmp / "one.csv").read_bytes() == (tmp / "two.csv").read_bytes()


junk = st.text(alphabet=string.printable + "é\x00", max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({k: junk for k in act_row()}), min_size=1, max_size=5), st.binary(max_size=60))
def test_property_malformed_rows_never_crash_and_never_write(test_case, tmp_path_factory, rows, tail):
    tmp = tmp_path_factory.mktemp("m")
    ledger = Ledger("sqlite://", bundled=False)
    ledger.add_case(test_case)
    path = write_csv(tmp / "junk.csv", rows)
    path.write_bytes(path.read_bytes() + tail)
    try:
        result = ledger.import_files([path])
    except ImportRejected as e:
        assert all(p.startswith(f"{path}:") for p in e.problems)
        assert ledger.acts().empty
    else:
        assert len(ledger.acts()) == result.added


# ---- where an export goes -----------------------------------------------------------------------


def test_an_export_through_a_link_replaces_the_file_and_keeps_the_link(ledger, tmp_path):
    ledger.import_files([write_csv(tmp_path / "in.csv", [act_row()])])
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert ledger.export(link) == 1
    assert link.is_symlink() and real.read_text().startswith("case,date,")
    assert real.stat().st_mode & 0o777 == 0o640
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]


@pytest.mark.parametrize("where, message", [
    ("folder", "is a folder; give a file name such as"),
    ("fifo", r"not a regular file \(a device or pipe\)"),
    ("/dev/null", r"not a regular file \(a device or pipe\)"),
    ("missing/acts.csv", "does not exist; create it first"),
])
def test_an_export_to_what_is_not_a_file_is_refused(memory_ledger, tmp_path, where, message):
    import os
    from pariah.exceptions import InvalidArgument

    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    path = tmp_path / where if not where.startswith("/") else where
    with pytest.raises(InvalidArgument, match=message):
        memory_ledger.export(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "folder", "test-case.yaml"]


def _export_under_a_file_size_limit(url: str, path: str) -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))  # room for SQLite's own files
    from pariah.cli import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["--db", url, "export", "-o", path])
    print(result.exit_code)
    print(result.output)


def test_an_export_that_cannot_finish_is_one_line_and_leaves_the_old_file(tmp_path):
    """A real write failure (the file size limit of the process, which fails a write as a full disk
    does), in a child process."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    Ledger(url).close()  # the bundled cases: far more than 64 KB of CSV
    out = tmp_path / "acts.csv"
    out.write_text("the previous export\n")
    code = ("import sys; sys.path.insert(0, 'tests'); from test_export import _export_under_a_file_size_limit as f; "
            f"f({url!r}, {str(out)!r})")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    status, *lines = child.stdout.strip().splitlines()
    assert status == "1" and len(lines) == 1 and "Traceback" not in child.stdout + child.stderr
    assert lines[0].startswith(f"error: cannot write {out}: File too large; nothing was written")
    assert out.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("db.sqlite")) == ["acts.csv"]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085"])
def test_json_lines_export_reimports_texts_with_unicode_line_separators(ledger, test_case, tmp_path, char):
    ledger.import_files([write_csv(tmp_path / "in.csv", [act_row(description=f"First{char}second.")])])
    first = tmp_path / "first.jsonl"
    ledger.export(first, fmt="jsonl")
    fresh = Ledger("sqlite://", bundled=False)
    fresh.add_case(test_case)
    fresh.import_files([first])
    second = tmp_path / "second.jsonl"
    fresh.export(second, fmt="jsonl")
    assert first.read_bytes() == second.read_bytes() and char in first.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_carriage_return_in_a_text_survives_export_and_reimport(memory_ledger, test_case, tmp_path, fmt):
    # the csv module quotes only its own line terminator's characters: a bare "\r" once ended the row
    memory_ledger.import_records([act_row(description="First line.\rSecond line.", id="cr-1")], name="request")
    first = tmp_path / f"first.{fmt}"
    memory_ledger.export(first, fmt=fmt)
    fresh = Ledger("sqlite://", bundled=False)
    fresh.add_case(test_case)
    fresh.import_files([first])
    second = tmp_path / f"second.{fmt}"
    fresh.export(second, fmt=fmt)
    assert first.read_bytes() == second.read_bytes()
    assert fresh.acts().loc[0, "description"] == "First line.\rSecond line."


def test_a_downloaded_table_quotes_a_carriage_return_and_reads_back():
    import csv

    from pariah.present.tables import to_csv

    rows = [{"state": "CHN", "description": "First.\rSecond.", "level": 4, "p": 0.25, "hostile": None}]
    text = to_csv(rows)
    assert text.count("\n") == 2
    assert list(csv.DictReader(io.StringIO(text, newline=""))) == [
        {"state": "CHN", "description": "First.\rSecond.", "level": "4", "p": "0.25", "hostile": ""}]
