"""``pariah audit``: each check by hand, the import refusing what audit calls an error, the command line,
and every bundled case clean of errors."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import act_row, invoke, write_csv
from pariah.dates import to_date
from pariah.exceptions import ImportRejected
from pariah.ledger import Ledger, audit

TODAY = dt.date(2026, 12, 1)


def checks(memory_ledger, rows, today=TODAY):
    """Audit rows written straight into the ledger's table, bypassing the import's refusals."""
    frame = pd.DataFrame([{"act_id": f"a{i}", "case_id": r["case"], "date": r["date"],
                           "day": to_date(r["date"]),
                           "actor": r["actor"], "act": r["act"], "description": r["description"], "source": r["source"],
                           "confidence": r["confidence"], "known_from": r["known_from"] or None}
                          for i, r in enumerate(rows)])
    found = audit.audit(memory_ledger.case("test-case"), frame, today=today)
    return {(row.id, row.check): row.severity for row in found.itertuples()}


def test_each_error_check_by_hand(memory_ledger):
    found = checks(memory_ledger, [
        act_row(source="One outlet, 2024-01-30, https://example.org/1"),                           # a0 single_source
        act_row(source="Ministry, 2024-01-30, https://www.mfa.gov.cn/x"),                          # a1 primary: fine
        act_row(source="One outlet, https://example.org/2", confidence="medium"),                  # a2 medium: fine
        act_row(date="2027-01-01"),                                                                  # a3 future
        act_row(date="2021-07-01"),                                                                  # a4 outside_case
        act_row(date="2021-08"),                                                                     # a5 the month overlaps: fine
        act_row(actor="AFG"),                                                                        # a6 self_act
        act_row(known_from="2024-01-01"),                                                            # a7 known_before_date
        act_row(date="2024-01", known_from="2024-01-15"),                                           # a8 within the month: fine
    ])
    errors = {key for key, severity in found.items() if severity == "error"}
    assert errors == {("a0", "single_source"), ("a3", "future"), ("a4", "outside_case"), ("a6", "self_act"),
                      ("a7", "known_before_date")}


def test_each_warning_check_by_hand(memory_ledger):
    shared = "Only outlet, 2022-01-01, https://example.org/shared"
    rows = [act_row(source="Wire via UrduPoint, 2024-01-30, https://www.urdupoint.com/x | Wire via MENAFN, https://menafn.com/y"),
            act_row(source="Late outlet, 2024-06-30, https://example.org/late | Other, 2024-07-01, https://example.net/l")]
    rows += [act_row(date=f"2022-0{m}-01", act="official_visit", source=shared) for m in range(1, 7)]
    rows += [act_row(date="2023-05-01", act="open_mission"), act_row(date="2023-05-05", act="appoint_ambassador")]
    found = checks(memory_ledger, rows)
    assert found[("a0", "mirror_source")] == "warning"
    assert found[("a1", "source_dated_after")] == "warning"
    assert all(found[(f"a{i}", "shared_source")] == "warning" for i in range(2, 8))
    assert found[("a9", "duplicate_event")] == "warning" and ("a8", "duplicate_event") not in found
    assert not any(severity == "error" for severity in found.values())


def test_import_refuses_what_audit_calls_an_error(tmp_path, memory_ledger):
    good = act_row(date="2024-02-01")
    path = write_csv(tmp_path / "acts.csv", [good, act_row(actor="AFG"), act_row(source="One, https://example.org/9")])
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([path])
    assert rejected.value.problems == [
        f"{path}:3: actor: the actor AFG is the case's target; record what others do toward it (self_act)",
        f"{path}:4: source: a ladder-moving act rated high cites one source; add a second, independent report "
        "(' | ' between them), or rate it medium (single_source)"]
    assert memory_ledger.act_counts() == {}


def test_the_command_exits_1_on_an_error_and_0_on_warnings_only(tmp_path, db):
    clean = invoke("audit", "taliban-2021", "--format", "json")
    assert clean.exit_code == 0, clean.output
    ledger = Ledger(db)
    bad_day = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    # a row the importer would refuse, written past it, as a file edited by hand or an older database holds
    from pariah.ledger.schema import acts

    with ledger.engine.begin() as conn:
        conn.execute(acts.insert().values(act_id="late", case_id="taliban-2021", date=bad_day,
                                          day=dt.date.fromisoformat(bad_day), actor="CHN", act="other",
                                          description="x", source="x, https://example.org", confidence="low",
                                          known_on=dt.date.fromisoformat(bad_day), recorded_at=dt.datetime(2026, 1, 1)))
    dirty = invoke("audit", "taliban-2021", "--errors", "--format", "csv")
    assert dirty.exit_code == 1 and "late,future,error" in dirty.output and "1 error(s)" in dirty.output


def test_every_bundled_case_has_no_audit_error():
    ledger = Ledger("sqlite://")
    found = audit.audit_ledger(ledger)
    errors = found[found["severity"] == "error"]
    assert errors.empty, errors.to_string()
    taliban = found[(found["case"] == "taliban-2021") & (found["check"] == "single_source")]
    assert taliban.empty
