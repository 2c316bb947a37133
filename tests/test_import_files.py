"""What an import file means, whatever its line endings and whatever it is: one verdict per content.

``exchange._read_csv`` (the csv module, strict) defines what a CSV file means; pyarrow reads the
files where it provably agrees (``_read_csv_fast``). The properties here hold the two to the same
fields and lines, and a file to the same verdict with LF or CRLF line endings.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import act_row, write_csv
from pariah.exceptions import ImportRejected
from pariah.ledger import exchange
from pariah.ledger.schema import EXCHANGE_COLUMNS

HEADER = ",".join(EXCHANGE_COLUMNS)


def verdict(path: Path, cases=frozenset({"test-case"})):
    """What an import makes of a file: its problems, or its validated rows (newlines inside values
    written as \\n, since a file's line endings are also those of its quoted multi-line values)."""
    rows, problems = exchange.read(path)
    if rows is None:
        return "unreadable", [p.replace("\\r\\n", "\\n") for p in problems]
    frame, problems = exchange.validate(rows, set(cases))
    if problems:  # a message quotes the bad value, with the line ending of its quoted newline
        return "rejected", [p.replace("\\r\\n", "\\n") for p in problems]
    frame = frame.drop(columns=["file"]).astype(str).apply(lambda s: s.str.replace("\r\n", "\n"))
    return "rows", frame.to_dict("records")


def both_endings(tmp_path: Path, text: str):
    path = tmp_path / "acts.csv"
    path.write_bytes(text.encode("utf-8"))
    lf = verdict(path)
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return lf, verdict(path)


ROW = "test-case,2024-01-30,CHN,accept_ambassador,\"China accepted, at last.\",\"Test, https://example.org/1\",high,,\n"


@pytest.mark.parametrize("name, text", [
    ("trailing blank line", HEADER + "\n" + ROW + "\n"),
    ("blank lines between rows", HEADER + "\n\n" + ROW + "\n\n" + ROW.replace("CHN", "PAK")),
    ("a quote closed before the field ends", HEADER + "\n" + ROW.replace('"China accepted, at last."', '"abc"def')),
    ("a field over 131,072 characters", HEADER + "\n" + ROW.replace("China accepted, at last.", "x" * 131_073)),
    ("a field of 131,072 characters", HEADER + "\n" + ROW.replace("China accepted, at last.", "x" * 131_072)),
    ("a quoted newline", HEADER + "\n" + ROW.replace("at last.", "at\nlast.")),
    ("a quote inside an unquoted field", HEADER + "\n" + ROW.replace('"China accepted, at last."', '5" guns')),
    ("a duplicated column", HEADER.replace("known_from", "case") + "\n" + ROW),
    ("a row too short", HEADER + "\n" + ROW + "test-case,2024-01-30\n"),
])
def test_the_same_file_gets_the_same_verdict_with_either_line_ending(tmp_path, name, text):
    lf, crlf = both_endings(tmp_path, text)
    assert lf == crlf


def test_the_verdicts_of_the_hostile_files(tmp_path):
    trailing, _ = both_endings(tmp_path, HEADER + "\n" + ROW + "\n")
    assert trailing[0] == "rows" and len(trailing[1]) == 1
    glued, _ = both_endings(tmp_path, HEADER + "\n" + ROW.replace('"China accepted, at last."', '"abc"def'))
    assert glued == ("unreadable", [f"{tmp_path / 'acts.csv'}:2: file: malformed CSV: ',' expected after '\"'"])
    long, _ = both_endings(tmp_path, HEADER + "\n" + ROW.replace("China accepted, at last.", "x" * 131_073))
    assert long == ("rejected", [f"{tmp_path / 'acts.csv'}:2: description: 131,073 characters; at most 131,072 "
                                 "(one sentence, plain text)"])
    twice, _ = both_endings(tmp_path, HEADER.replace("known_from", "case") + "\n" + ROW)
    assert twice == ("unreadable", [f"{tmp_path / 'acts.csv'}:1: case: column given 2 times; give each column once"])


def test_a_duplicated_column_is_refused_in_json_lines(memory_ledger, tmp_path):
    path = tmp_path / "twice.jsonl"
    line = json.dumps(act_row())
    path.write_text(line[:-1] + ', "case": "other"}\n', encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([path])
    assert rejected.value.problems == [f"{path}:1: case: column given 2 times; give each column once"]


def test_a_million_blank_lines_are_one_message(memory_ledger, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\n" * 1_000_000)
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([path])
    assert rejected.value.lines() == [f"{path}:1: file: empty; expected a header line {HEADER}"]


def test_a_header_and_a_million_blank_lines_import_nothing(memory_ledger, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(HEADER.encode() + b"\n" * 1_000_000)
    assert memory_ledger.import_files([path]).rows == 0


def test_many_problems_are_shown_as_a_hundred_and_a_count(memory_ledger, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [act_row(date="soon", id=f"a{i}") for i in range(5000)])
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([path])
    lines = rejected.value.lines()
    assert len(lines) == 101 and lines[-1] == "... and 4900 more" and rejected.value.total == 5000
    assert lines[0].startswith(f"{path}:2: date: bad date 'soon'")


# ---- one reader, or two that agree ------------------------------------------------------------

#: Text that exercises the CSV grammar: separators, quotes, spaces, quoted newlines, invisible and
#: non-ASCII characters. No carriage return: a "CRLF version" of a file with a lone CR is not defined.
TEXT = st.lists(st.sampled_from(list('ab ,"\n\x00\u200b\u2028\u0085é') + ["China", "2024-01-30"]), max_size=8).map("".join)
FIELD = st.one_of(TEXT, st.sampled_from(["test-case", "CHN", "PAK", "2024-01-30", "accept_ambassador", "high", ""]))


@st.composite
def csv_files(draw) -> str:
    """A CSV file as text: a header (sometimes with a column twice), rows written by the csv module
    (sometimes the wrong width), then raw damage: blank lines, a glued quote, a stray quote."""
    columns = list(EXCHANGE_COLUMNS)
    if draw(st.booleans()):
        columns[draw(st.integers(0, 8))] = draw(st.sampled_from(columns))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(columns)
    for _ in range(draw(st.integers(0, 6))):
        width = draw(st.sampled_from([9, 9, 9, 8, 10]))
        writer.writerow([draw(FIELD) for _ in range(width)])
    text = buffer.getvalue()
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\n", "\n\n", '"', '"x', 'x"', ",", '""'])) + text[at:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_files())
def test_lf_and_crlf_versions_of_any_file_give_the_same_verdict(tmp_path, text):
    lf, crlf = both_endings(tmp_path, text)
    assert lf == crlf


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_files())
def test_pyarrow_reads_only_what_the_csv_module_reads_the_same_way(tmp_path, text):
    path = tmp_path / "acts.csv"
    data = text.encode("utf-8")
    fast = exchange._read_csv_fast(path, data)
    if fast is None:
        return
    slow = exchange._read_csv(path, text)
    assert fast[1] == slow[1] == []
    assert fast[0] is not None and slow[0] is not None
    assert fast[0].lines.tolist() == list(slow[0].lines)
    assert fast[0].frame.to_dict("records") == slow[0].frame.to_dict("records")


def test_the_fast_reader_reads_the_usual_file(tmp_path):
    """The property above would hold trivially if pyarrow never read anything."""
    text = HEADER + "\n" + ROW + ROW.replace("CHN", "PAK").replace("at last.", 'at ""last"".')
    fast = exchange._read_csv_fast(tmp_path / "a.csv", text.encode())
    assert fast is not None and fast[0].frame["description"].tolist() == ["China accepted, at last.", 'China accepted, at "last".']


# ---- regular files only -------------------------------------------------------------------------


def test_a_pipe_with_no_writer_is_refused_at_once(memory_ledger, tmp_path):
    fifo = tmp_path / "acts.csv"
    os.mkfifo(fifo)
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([fifo])
    assert rejected.value.problems == [f"{fifo}:0: file: not a regular file (a device, pipe or socket); "
                                       "save the data to a file and give its path"]


def test_a_link_to_dev_zero_is_refused(memory_ledger, tmp_path):
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(ImportRejected, match=r"zero.csv:0: file: not a regular file"):
        memory_ledger.import_files([link])


def test_a_folder_is_refused(memory_ledger, tmp_path):
    folder = tmp_path / "acts.csv"
    folder.mkdir()
    with pytest.raises(ImportRejected, match=r"acts.csv:0: file: is a folder; give the files in it"):
        memory_ledger.import_files([folder])


def test_a_link_to_a_file_is_read(memory_ledger, tmp_path):
    real = write_csv(tmp_path / "real.csv", [act_row()])
    (tmp_path / "link.csv").symlink_to(real)
    assert memory_ledger.import_files([tmp_path / "link.csv"]).added == 1


# ---- JSON Lines: separators inside strings, surrogates, nesting --------------------------------------


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085", "\x0c", "\x1e"])
def test_json_lines_end_at_newlines_only(memory_ledger, tmp_path, char):
    path = tmp_path / "acts.jsonl"
    path.write_text(json.dumps(act_row(description=f"one{char}sentence"), ensure_ascii=False) + "\n", encoding="utf-8")
    memory_ledger.import_files([path])
    assert memory_ledger.acts("test-case")["description"].tolist() == [f"one{char}sentence"]


@pytest.mark.parametrize("line, message", [
    (json.dumps(act_row(description="\ud800")), "description: contains a lone surrogate"),
    ("[" * 100_000 + "]" * 100_000, "file: JSON nested too deeply"),
    ('{"date": ' + "1" * 5000 + "}", "file: unreadable JSON"),
])
def test_hostile_json_lines_are_one_clear_problem(memory_ledger, tmp_path, line, message):
    path = tmp_path / "acts.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        memory_ledger.import_files([path])
    assert len(rejected.value.problems) == 1 and rejected.value.problems[0].startswith(f"{path}:1: {message}")


def test_what_a_csv_file_holds_nowhere_is_read_from_its_bytes():
    """``validate`` skips the NUL and invisible-character passes for characters the file holds nowhere."""
    everything = frozenset(["\x00", *exchange.INVISIBLE])
    assert exchange._absent(b"plain, ascii") == everything
    assert exchange._absent("curly \u201cquotes\u201d \u2014 dash".encode()) == everything
    assert exchange._absent("a\u200bb\x00".encode()) == everything - {"\x00", "\u200b"}
    assert exchange._absent("\ufeffbom".encode()) == everything - {"\ufeff"}


def test_a_column_without_a_name_is_named_by_its_position(tmp_path):
    from pariah.ledger import exchange

    path = tmp_path / "nameless.csv"
    path.write_text("case,date,actor,act,description,source,,id\n", encoding="utf-8")
    _, problems = exchange.read(path)
    assert problems and problems[0] == (f"{path}:1: header: column 7 has no name; expected columns "
                                        "case, date, actor, act, description, source, confidence, known_from, id")
