import json
import multiprocessing

import pandas as pd
import pytest

from conftest import act_row, write_csv
from pariah.exceptions import ImportRejected
from pariah.ledger import Ledger


def current(ledger):
    return ledger.acts("test-case")


def test_import_adds_and_normalizes(ledger, tmp_path):
    path = write_csv(tmp_path / "a.csv", [act_row(), act_row(date="2025-07", actor="Russia", act="recognize", confidence="", id="r1")])
    result = ledger.import_files([path])
    assert (result.added, result.corrected, result.unchanged) == (2, 0, 0)
    acts = current(ledger)
    assert list(acts["actor"]) == ["CHN", "RUS"]
    russia = acts.iloc[1]
    assert russia["date"] == "2025-07" and russia["confidence"] == "medium" and russia["act_id"] == "r1"
    assert str(russia["day"]) == "2025-07-01" and str(russia["known_on"]) == "2025-07-31"
    assert acts.iloc[0]["act_id"] == "test-case:2024-01-30:CHN:accept_ambassador"


def test_importing_twice_changes_nothing(ledger, tmp_path):
    path = write_csv(tmp_path / "a.csv", [act_row(), act_row(actor="PAK")])
    ledger.import_files([path])
    before = ledger.acts()
    result = ledger.import_files([path])
    assert (result.added, result.corrected, result.unchanged) == (0, 0, 2)
    pd.testing.assert_frame_equal(before, ledger.acts())


def test_correction_supersedes_and_keeps_history(ledger, tmp_path):
    ledger.import_files([write_csv(tmp_path / "a.csv", [act_row(id="x1")])])
    fixed = act_row(id="x1", description="China's president accepted the credentials.", date="2024-01-31")
    result = ledger.import_files([write_csv(tmp_path / "b.csv", [fixed])])
    assert result.corrected == 1
    history = ledger.history("x1")
    assert list(history["date"]) == ["2024-01-30", "2024-01-31"]
    assert history["supersedes"].iloc[1] == history["rev"].iloc[0]
    assert history["recorded_at"].notna().all()
    acts = current(ledger)
    assert len(acts) == 1 and acts.iloc[0]["description"].startswith("China's president")


def test_case_option_fills_missing_case(ledger, tmp_path):
    columns = ["date", "actor", "act", "description", "source"]
    path = write_csv(tmp_path / "a.csv", [{k: v for k, v in act_row().items() if k in columns}], columns)
    ledger.import_files([path], case="test-case")
    assert len(current(ledger)) == 1


BAD = [
    ({"date": "2024-02-30"}, "date", "bad date"),
    ({"date": "30/01/2024"}, "date", "bad date"),
    ({"actor": "Atlantis"}, "actor", "unknown actor"),
    ({"act": "befriend"}, "act", "unknown act"),
    ({"source": "  "}, "source", "empty"),
    ({"description": ""}, "description", "empty"),
    ({"case": "no-such-case"}, "case", "unknown case"),
    ({"confidence": "sure"}, "confidence", "bad confidence"),
    ({"known_from": "soon"}, "known_from", "bad date"),
]


@pytest.mark.parametrize("change,column,message", BAD)
def test_bad_row_rejects_the_file_and_writes_nothing(ledger, tmp_path, change, column, message):
    ledger.import_files([write_csv(tmp_path / "ok.csv", [act_row(actor="PAK")])])
    before = ledger.acts()
    path = write_csv(tmp_path / "bad.csv", [act_row(), act_row(**{"actor": "IRN", **change})])
    with pytest.raises(ImportRejected) as info:
        ledger.import_files([path])
    assert info.value.problems[0].startswith(f"{path}:3: {column}: {message}")
    pd.testing.assert_frame_equal(before, ledger.acts())


def test_every_problem_is_reported_with_its_line(ledger, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [act_row(date="x"), act_row(), act_row(actor="Nowhere", act="hug")])
    with pytest.raises(ImportRejected) as info:
        ledger.import_files([path])
    assert [p.split(": ")[0:2] for p in info.value.problems] == [
        [f"{path}:2", "date"], [f"{path}:4", "actor"], [f"{path}:4", "act"]]


def test_duplicate_id_with_different_content(ledger, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [act_row(), act_row(description="Other words.")])
    with pytest.raises(ImportRejected) as info:
        ledger.import_files([path])
    assert info.value.problems == [
        f"{path}:3: id: duplicate id 'test-case:2024-01-30:CHN:accept_ambassador' with different content "
        f"(first at {path}:2); give the rows distinct ids"]
    assert current(ledger).empty


def test_identical_duplicate_rows_are_one_act(ledger, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [act_row(), act_row()])
    assert ledger.import_files([path]).added == 1


def test_malformed_csv(ledger, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("case,date,actor,act,description,source,confidence,known_from,id\n"
                    "test-case,2024-01-01,CHN,recognize,ok,src,,,\n"
                    "test-case,2024-01-01,CHN,recognize,\"unclosed,src\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        ledger.import_files([path])
    assert "malformed CSV" in info.value.problems[0] and info.value.problems[0].startswith(f"{path}:")
    short = tmp_path / "short.csv"
    short.write_text("case,date,actor,act,description,source,confidence,known_from,id\ntest-case,2024-01-01,CHN\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"short.csv:2: file: 3 fields, expected 9"):
        ledger.import_files([short])
    assert current(ledger).empty


def test_wrong_encoding(ledger, tmp_path):
    path = tmp_path / "latin1.csv"
    text = "case,date,actor,act,description,source,confidence,known_from,id\ntest-case,2024-01-01,CIV,recognize,Côte d'Ivoire,src,,,\n"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ImportRejected, match=r"latin1.csv:2: file: not UTF-8"):
        ledger.import_files([path])


def test_missing_and_unknown_columns(ledger, tmp_path):
    path = write_csv(tmp_path / "a.csv", [{"date": "2024", "actor": "CHN", "act": "recognize", "description": "d"}],
                     ["date", "actor", "act", "description"])
    with pytest.raises(ImportRejected, match=r"a.csv:1: source: missing column"):
        ledger.import_files([path], case="test-case")
    path = write_csv(tmp_path / "b.csv", [dict(act_row(), extra="x")], [*act_row().keys(), "extra"])
    with pytest.raises(ImportRejected, match=r"b.csv:1: extra: unknown column"):
        ledger.import_files([path])


def test_one_bad_file_rejects_all_files(ledger, tmp_path):
    good = write_csv(tmp_path / "good.csv", [act_row()])
    bad = write_csv(tmp_path / "bad.csv", [act_row(actor="PAK", act="nope")])
    with pytest.raises(ImportRejected):
        ledger.import_files([good, bad])
    assert current(ledger).empty


def test_dry_run_writes_nothing(ledger, tmp_path):
    result = ledger.import_files([write_csv(tmp_path / "a.csv", [act_row()])], dry_run=True)
    assert result.added == 1 and result.dry_run
    assert current(ledger).empty


def test_jsonl_and_parquet(ledger, tmp_path):
    rows = [act_row(), act_row(actor="PAK", act="open_mission", known_from="2024-03")]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert ledger.import_files([jsonl]).added == 2
    parquet = tmp_path / "a.parquet"
    pd.DataFrame(rows).to_parquet(parquet)
    assert ledger.import_files([parquet]).unchanged == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(act_row(actor="IRN")) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"bad.jsonl:2: file: malformed JSON"):
        ledger.import_files([bad])


def test_known_on_filters_acts(ledger, tmp_path):
    ledger.import_files([write_csv(tmp_path / "a.csv", [act_row(known_from="2024-03-01"), act_row(actor="PAK")])])
    import datetime as dt

    assert len(ledger.acts("test-case", known_on=dt.date(2024, 2, 1))) == 1
    assert len(ledger.acts("test-case", known_on=dt.date(2024, 3, 1))) == 2


def _import_in_process(url: str, path: str, queue) -> None:
    try:
        Ledger(url, bundled=False).import_files([path])
        queue.put("ok")
    except Exception as e:  # report to the parent instead of dying silently
        queue.put(repr(e))


def test_two_concurrent_importers_lose_nothing(ledger, db_url, tmp_path):
    paths = []
    for k, actors in enumerate([["CHN", "PAK", "IRN"], ["RUS", "TUR", "QAT"]]):
        rows = [act_row(actor=a, date=f"2024-01-{d:02d}") for a in actors for d in range(1, 29)]
        paths.append(str(write_csv(tmp_path / f"p{k}.csv", rows)))
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_import_in_process, args=(db_url, p, queue)) for p in paths]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert sorted(queue.get(timeout=5) for _ in procs) == ["ok", "ok"]
    assert len(current(ledger)) == 6 * 28


def test_import_records_checks_like_a_file(ledger):
    result = ledger.import_records([act_row(), act_row(actor="Pakistan", act="open_mission")], name="api")
    assert result.added == 2
    assert set(current(ledger)["actor"]) == {"CHN", "PAK"}
    with pytest.raises(ImportRejected) as info:
        ledger.import_records([act_row(actor="IRN"), act_row(actor="IRN", date="2024-13-01")], name="api")
    assert info.value.problems == ["api:2: date: bad date '2024-13-01': expected a real date as YYYY-MM-DD, YYYY-MM or YYYY"]
    with pytest.raises(ImportRejected, match="api:1: colour: unknown column"):
        ledger.import_records([dict(act_row(), colour="red")], name="api")
    assert len(current(ledger)) == 2


@pytest.mark.parametrize("column", ["id", "description", "source", "actor"])
def test_a_nul_byte_is_refused_in_every_field(memory_ledger, tmp_path, column):
    first = write_csv(tmp_path / "a.csv", [act_row(id="china")])
    memory_ledger.import_files([first])
    before = memory_ledger.export_frame()
    value = {"id": "china", "description": "China accepted the ambassador.", "source": "Test, https://example.org/1",
             "actor": "CHN"}[column] + "\x00x"
    bad = write_csv(tmp_path / "b.csv", [act_row(**{"id": "china", "act": "close_mission", column: value})])
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([bad])
    assert any(f"{bad}:2: {column}: contains a NUL byte" in p for p in rejected.value.problems)
    assert memory_ledger.export_frame().equals(before)


def test_a_description_of_invisible_characters_is_empty(memory_ledger, tmp_path):
    bad = write_csv(tmp_path / "z.csv", [act_row(description="\u200b\u200b \u2060")])
    with pytest.raises(ImportRejected, match="description: empty"):
        memory_ledger.import_files([bad])


@pytest.mark.parametrize("mark, name", [(";", "semicolon"), ("\t", "tab")])
def test_a_file_separated_by_something_else_is_named_as_such(memory_ledger, tmp_path, mark, name):
    path = tmp_path / "excel.csv"
    path.write_text(mark.join(["case", "date", "actor", "act", "description", "source"]) + "\n"
                    + mark.join(["test-case", "2024-01-30", "CHN", "accept_ambassador", "x", "y"]) + "\n",
                    encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([path])
    assert rejected.value.problems == [f"{path}:1: header: the file is {name}-separated; the exchange format is "
                                       "comma-separated (save it as CSV with commas, e.g. 'CSV UTF-8' in a spreadsheet)"]
