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
