"""Event data: readers, malformed-line accounting, aggregates, storage, candidate acts, engagement, CLI.

Hand-built files have known aggregates; the real GDELT 1.0 extract and PLOVER
records in ../shared/data/raw are read when present (skipped when absent).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import json
import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pariah import events
from pariah.events import codes, formats, normalize
from pariah.exceptions import EventFormatError, MalformedEvents
from pariah.exceptions import PariahError
from pariah.ledger import Ledger

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "data" / "raw"
GDELT_EXTRACT = RAW / "gdelt-cameo" / "gdelt1_events_georgia_aug2012.csv"
PLOVER_GSR = RAW / "plover" / "PLOVER_GSR_CAMEO.json"


# ---- hand-built files ---------------------------------------------------------------

def gdelt_line(version: int = 2, **fields) -> str:
    """One GDELT export line with sensible defaults (Pakistan visits Afghanistan on 2024-03-05)."""
    values = dict(GLOBALEVENTID="1", SQLDATE="20240305", Actor1Code="PAKGOV", Actor1CountryCode="PAK",
                  Actor2Code="AFGGOV", Actor2CountryCode="AFG", EventCode="042", EventBaseCode="042",
                  EventRootCode="04", QuadClass="1", GoldsteinScale="1.9", SOURCEURL="https://example.org/u1")
    values.update(fields)
    return "\t".join(values.get(c, "") for c in codes.gdelt_columns(version))


#: The known dyads of the hand-built GDELT 2.0 file (target AFG).
GOOD = [
    dict(GLOBALEVENTID="1"),  # PAK -> AFG, make a visit, March
    dict(GLOBALEVENTID="2", Actor1Code="AFGGOV", Actor1CountryCode="AFG", Actor2Code="CHN", Actor2CountryCode="CHN",
         SQLDATE="20240307", EventCode="043", GoldsteinScale="2.8", SOURCEURL="https://example.org/u2"),
    dict(GLOBALEVENTID="3", SQLDATE="20240320", EventCode="057", EventRootCode="05", GoldsteinScale="8.0"),
    dict(GLOBALEVENTID="4", SQLDATE="20240321", EventCode="190", EventRootCode="19", QuadClass="4",
         GoldsteinScale="-10.0", SOURCEURL="https://example.org/u3"),
    dict(GLOBALEVENTID="5", SQLDATE="20240401", EventCode="161", EventRootCode="16", QuadClass="4",
         GoldsteinScale="-4.0", SOURCEURL="https://example.org/u4"),
    dict(GLOBALEVENTID="10", SQLDATE="20240415", Actor1Code="AFG", Actor1CountryCode="AFG", Actor2Code="PAK",
         Actor2CountryCode="PAK", EventCode="061", EventRootCode="06", QuadClass="2", GoldsteinScale="6.4",
         SOURCEURL="https://example.org/u5"),
]
#: Sound lines that are not the target's dyads with a state.
OTHER = [
    dict(GLOBALEVENTID="6", Actor1Code="USA", Actor1CountryCode="USA", Actor2Code="GBR", Actor2CountryCode="GBR"),
    dict(GLOBALEVENTID="7", Actor1Code="AFGGOV", Actor1CountryCode="AFG"),  # domestic
    dict(GLOBALEVENTID="8", Actor2Code="TAL", Actor2CountryCode="", Actor2KnownGroupCode="TAL"),  # PAK -> Taliban
    dict(GLOBALEVENTID="9", Actor1Code="EUR", Actor1CountryCode="EUR"),  # a region, not a state
]


def write_gdelt(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


@pytest.fixture
def gdelt2_file(tmp_path) -> Path:
    """Known dyads, other events, a blank line and six malformed lines (line numbers in ``MALFORMED``)."""
    lines = [gdelt_line(**GOOD[0]), gdelt_line(**GOOD[1]), "", gdelt_line(**OTHER[0]),
             gdelt_line(GLOBALEVENTID="11", SQLDATE="20240230"),                       # line 5
             "too\tfew\tcolumns",                                                    # line 6
             gdelt_line(**GOOD[2]), gdelt_line(**OTHER[1]),
             gdelt_line(GLOBALEVENTID="12", GoldsteinScale="abc"),                    # line 9
             gdelt_line(GLOBALEVENTID="13", QuadClass="7"),                           # line 10
             gdelt_line(**GOOD[3]), gdelt_line(**OTHER[2]),
             gdelt_line(GLOBALEVENTID="14", EventCode="4x2"),                         # line 13
             gdelt_line(**GOOD[4]), gdelt_line(**OTHER[3]), gdelt_line(**GOOD[5]),
             gdelt_line(GLOBALEVENTID="15") + "\textra"]                               # line 17
    path = write_gdelt(tmp_path / "20240401.export.CSV", lines)
    with open(path, "ab") as f:
        # Line 18: not UTF-8 in a field pariah reads (malformed); line 19: in one it does not read (a sound event).
        f.write(gdelt_line(GLOBALEVENTID="16", Actor1Code="x").encode().replace(b"\tx\t", b"\t\xff\xfe\t") + b"\n")
        f.write(gdelt_line(**{**OTHER[0], "GLOBALEVENTID": "17", "Actor1Name": "x"}).encode().replace(
            b"\tx\t", b"\t\xff\xfe\t") + b"\n")
    return path


MALFORMED = [
    (5, "SQLDATE: bad date '20240230', expected YYYYMMDD"),
    (6, "columns: expected 61 tab-separated fields, found 3"),
    (9, "GoldsteinScale: expected a score from -10 to 10, found 'abc'"),
    (10, "QuadClass: expected 1 to 4, found '7'"),
    (13, "EventCode: bad CAMEO event code '4x2'"),
    (17, "columns: expected 61 tab-separated fields, found 62"),
    (18, "encoding: not valid UTF-8"),
]


def problems_of(path: Path) -> list[str]:
    return [f"{path}:{line}: {message}" for line, message in MALFORMED]


ICEWS_ROWS = [
    # Event ID, Event Date, Source Name, Source Country, CAMEO Code, Intensity, Target Name, Target Country
    ("101", "2024-03-05", "Government (Pakistan)", "Pakistan", "042", "1.9", "Taliban", "Afghanistan"),
    ("102", "2024-03-09", "China", "China", "057", "8.0", "Afghanistan", "Afghanistan"),
    ("103", "2024-03-10", "Taliban", "Afghanistan", "190", "-10.0", "Citizen (Afghanistan)", "Afghanistan"),
    ("104", "2024-13-01", "China", "China", "057", "8.0", "Afghanistan", "Afghanistan"),
    ("105", "2024-03-11", "China", "China", "4x", "8.0", "Afghanistan", "Afghanistan"),
]


def write_icews(path: Path, rows=ICEWS_ROWS, extra_lines=("only\tthree\tfields",)) -> Path:
    lines = ["\t".join(formats.ICEWS_COLUMNS)]
    for event_id, date, src, src_country, code, intensity, tgt, tgt_country in rows:
        record = dict(zip(formats.ICEWS_COLUMNS, [""] * 20))
        record.update({"Event ID": event_id, "Event Date": date, "Source Name": src, "Source Country": src_country,
                       "CAMEO Code": code, "Intensity": intensity, "Target Name": tgt,
                       "Target Country": tgt_country, "Story ID": f"9{event_id}", "Publisher": "Xinhua"})
        lines.append("\t".join(record[c] for c in formats.ICEWS_COLUMNS))
    lines += list(extra_lines)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    return path


def plover_record(id_, date, source, target, event, mode="", url=""):
    record = {"id": id_, "date": date, "source": [{"actorText": source, "code": source}],
              "target": [{"actorText": target, "code": target}] if target else "", "event": event}
    if mode:
        record["mode"] = mode
    if url:
        record["url"] = url
    return record


PLOVER_ROWS = [
    plover_record("p1", "2024-03-05", "PAK", "AFG", "CONSULT", "visit", "https://example.org/p1"),
    plover_record("p2", "2024-03-06", "AFG", "CHN", "AGREE", url="https://example.org/p2"),
    plover_record("p3", "2024-03-07", "USA", "AFG", "SANCTION", url="https://example.org/p3"),
    plover_record("p4", "2024-02-30", "USA", "AFG", "SANCTION"),
    plover_record("p5", "2024-03-08", "USA", "AFG", "SHOUT"),
]


def write_plover_jsonl(path: Path, records=PLOVER_ROWS) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


#: The columns of POLECAT's tab-separated files, in order, as the loader of the TGB benchmark's POLECAT
#: dataset documents them (github.com/shenyangHuang/TGB, tgb/datasets/tkgl_polecat/tkgl_polecat.py).
POLECAT_COLUMNS = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts", "Actor Name",
    "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title", "Actor Name Raw",
    "Wikipedia Actor ID", "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector",
    "Recipient Sectors", "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID", "Placename", "City",
    "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID", "Raw Placename", "Feature Type",
    "Source", "Publication Date", "Story People", "Story Organizations", "Story Locations", "Language", "Version")

#: Hand-made rows (id, date, type, mode, actor, actor country, recipient, recipient country, place country);
#: that loader skips rows whose date, names or type read "None", so such values are written here too.
POLECAT_ROWS = [
    ("p1", "2024-03-05", "consult", "visit", "Ishaq Dar", "Pakistan", "Amir Khan Muttaqi", "Afghanistan", "Pakistan"),
    ("p2", "2024-03-06", "AGREE", "", "Wang Yi", "China", "Taliban", "Afghanistan", "China"),
    ("p3", "2024-03-07", "consult", "", "Taliban", "Afghanistan", "None", "None", "Afghanistan"),
    ("p4", "None", "accuse", "", "x", "Russia", "y", "Afghanistan", "None"),
    ("p5", "2024-03-09", "accuse", "", "Taliban", "Afghanistan", "Ukraine", "Ukraine", "Qatar"),
]


def write_polecat(path: Path, rows=POLECAT_ROWS) -> Path:
    lines = ["\t".join(POLECAT_COLUMNS)]
    for event_id, date, kind, mode, actor, actor_country, recipient, recipient_country, place in rows:
        record = dict.fromkeys(POLECAT_COLUMNS, "None")
        record.update({"Event ID": event_id, "Event Date": date, "Event Type": kind, "Event Mode": mode,
                       "Actor Name": actor, "Actor Country": actor_country, "Recipient Name": recipient,
                       "Recipient Country": recipient_country, "Country": place, "Source": f"Source of {event_id}",
                       "Publication Date": date, "Language": "en"})
        lines.append("\t".join(record[c] for c in POLECAT_COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def monthly(ledger, case="test-case", **kw) -> dict:
    rows = events.aggregates(ledger, case, **kw)
    return {(r["state"], str(r["month"]), r["direction"]): r for r in rows.to_dict("records")}


# ---- reference tables ------------------------------------------------------------------

def test_cameo_table_and_gdelt_columns_come_from_the_gdelt_package():
    table = codes.cameo().set_index("code")
    assert table.loc["042", "label"] == "Make a visit" and table.loc["042", "goldstein"] == 1.9
    assert table.loc["1313", "label"] == "Threaten to reduce or break relations"
    assert len(codes.gdelt_columns(1)) == 58 and codes.gdelt_columns(1)[-1] == "SOURCEURL"
    assert len(codes.gdelt_columns(2)) == 61 and "ActionGeo_ADM2Code" in codes.gdelt_columns(2)


@pytest.mark.skipif(not (RAW / "gdelt-cameo").is_dir(), reason="shared/data/raw/gdelt-cameo not present")
def test_gdelt_package_tables_agree_with_the_shared_copies():
    labels1 = (RAW / "gdelt-cameo" / "GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv").read_text().split()
    assert tuple(labels1[1:]) == codes.gdelt_columns(1)  # the shared file starts with its own 'tableId'
    with open(RAW / "gdelt-cameo" / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv", encoding="utf-8") as f:
        assert tuple(r["tableId"] for r in csv.DictReader(f)) == codes.gdelt_columns(2)
    with open(RAW / "gdelt-cameo" / "CAMEO.goldsteinscale.tsv", encoding="utf-8") as f:
        scores = {r["CAMEOEVENTCODE"]: float(r["GOLDSTEINSCALE"]) for r in csv.DictReader(f, delimiter="\t")}
    with open(RAW / "gdelt-cameo" / "CAMEO.eventcodes.tsv", encoding="latin-1") as f:
        labels = {r["CAMEOEVENTCODE"]: r["EVENTDESCRIPTION"] for r in csv.DictReader(f, delimiter="\t")}
    ours = codes.cameo().set_index("code")
    differ = {c for c in scores if c in ours.index and ours.at[c, "goldstein"] != scores[c]}
    assert differ == codes.GOLDSTEIN_DIFFERS_FROM_GDELT_LOOKUP  # what the package really ships, documented
    for code in codes.act_mapping().query("scheme == 'cameo'")["code"]:
        assert labels[code].replace(", not specified below", "").strip().lower() == ours.at[code, "label"].lower()


def test_act_mapping_is_data_with_a_reason_and_real_codes():
    from pariah.acts import ACTS

    mapping = codes.act_mapping()
    assert not mapping.duplicated(["scheme", "code", "mode", "direction"]).any()
    assert set(mapping["act"]) <= set(ACTS)
    assert (mapping["reason"].str.len() > 10).all()
    assert set(mapping["direction"]) == {"to_target", "from_target"}
    cameo = set(codes.cameo()["code"])
    assert set(mapping.query("scheme == 'cameo'")["code"]) <= cameo
    assert set(mapping.query("scheme == 'plover'")["code"]) <= set(codes.plover()["category"])
    for code in ("054", "042", "043", "050", "057", "161", "1313"):
        assert code in set(mapping["code"]), code


# ---- reading and accounting --------------------------------------------------------------

def test_hand_built_gdelt2_file_gives_known_aggregates(ledger, gdelt2_file):
    result = events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG")
    assert (result.rows, result.matched, result.added, result.malformed) == (18, 6, 6, 7)
    assert list(result.problems) == problems_of(gdelt2_file)
    rows = monthly(ledger)
    assert set(rows) == {("PAK", "2024-03-01", "to_target"), ("CHN", "2024-03-01", "from_target"),
                         ("PAK", "2024-04-01", "to_target"), ("PAK", "2024-04-01", "from_target")}
    pak = rows[("PAK", "2024-03-01", "to_target")]
    assert (pak["events"], pak["verbal_cooperation"], pak["material_conflict"], pak["cooperation"], pak["conflict"]) == (3, 2, 1, 2, 1)
    assert pak["goldstein_sum"] == pytest.approx(-0.1) and pak["goldstein_mean"] == pytest.approx(-0.1 / 3, abs=1e-6)
    assert pak["cooperation_score"] == pytest.approx(9.9) and pak["sources"] == 2
    chn = rows[("CHN", "2024-03-01", "from_target")]
    assert (chn["events"], chn["cooperation"], chn["goldstein_mean"], chn["sources"]) == (1, 1, 2.8, 1)
    april = rows[("PAK", "2024-04-01", "from_target")]
    assert (april["material_cooperation"], april["cooperation_score"]) == (1, 6.4)
    assert rows[("PAK", "2024-04-01", "to_target")]["cooperation_score"] == 0
    counts = events.category_counts(ledger, "test-case", state="PAK", direction="to_target")
    march = counts[counts["month"].astype(str) == "2024-03-01"]
    assert dict(zip(march["category"], march["events"])) == {"04": 1, "05": 1, "19": 1}


def test_target_can_be_a_cameo_actor_code(ledger, gdelt2_file):
    result = events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="tal")
    assert (result.target, result.matched) == ("TAL", 1)
    assert set(monthly(ledger, target="TAL")) == {("PAK", "2024-03-01", "to_target")}
    assert monthly(ledger) == {}  # the case's own target, AFG, has no events yet


def test_ingesting_twice_changes_nothing_and_a_new_file_adds_to_its_months(ledger, gdelt2_file, tmp_path):
    events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG")
    before = events.aggregates(ledger, "test-case")
    again = events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG")
    assert (again.matched, again.added) == (6, 0)
    pd.testing.assert_frame_equal(before, events.aggregates(ledger, "test-case"))
    more = write_gdelt(tmp_path / "more.CSV", [gdelt_line(GLOBALEVENTID="20", SQLDATE="20240330",
                                                          SOURCEURL="https://example.org/u9")])
    assert events.ingest(ledger, [more], fmt="gdelt2", target="AFG").added == 1
    pak = monthly(ledger)[("PAK", "2024-03-01", "to_target")]
    assert (pak["events"], pak["sources"]) == (4, 3)
    assert len(events.file_log(ledger, "AFG")) == 3


def test_strict_rejects_every_malformed_line_and_writes_nothing(ledger, gdelt2_file):
    with pytest.raises(MalformedEvents) as info:
        events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG", strict=True)
    assert info.value.problems == problems_of(gdelt2_file)
    assert str(info.value).startswith(f"{gdelt2_file}:5: SQLDATE") and "(and 6 more)" in str(info.value)
    assert events.aggregates(ledger, "test-case").empty and events.file_log(ledger).empty


def test_zipped_and_gzipped_files_read_like_plain_ones(ledger, gdelt2_file, tmp_path):
    zipped = tmp_path / "20240401.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(gdelt2_file, gdelt2_file.name)
    result = events.ingest(ledger, [zipped], fmt="gdelt2", target="AFG")
    assert (result.rows, result.matched, result.malformed) == (18, 6, 7)
    assert result.problems[0] == f"{zipped}:5: SQLDATE: bad date '20240230', expected YYYYMMDD"
    gzipped = tmp_path / "x.CSV.gz"
    gzipped.write_bytes(gzip.compress(gdelt2_file.read_bytes()))
    assert events.ingest(ledger, [gzipped], fmt="gdelt2", target="AFG").malformed == 7


def test_gdelt1_files_with_57_or_58_columns(ledger, tmp_path):
    lines58 = [gdelt_line(1, GLOBALEVENTID="1"), gdelt_line(1, GLOBALEVENTID="2", SQLDATE="20240306")]
    lines57 = ["\t".join(gdelt_line(1, GLOBALEVENTID=i).split("\t")[:57]) for i in ("3", "4")]
    events.ingest(ledger, [write_gdelt(tmp_path / "58.CSV", lines58)], fmt="gdelt1", target="AFG")
    result = events.ingest(ledger, [write_gdelt(tmp_path / "57.CSV", lines57)], fmt="gdelt1", target="AFG")
    assert (result.matched, result.malformed) == (2, 0)
    stored = events.stored_events(ledger, "test-case", dataset="gdelt1")
    assert dict(zip(stored["event_id"], stored["source"])) == {"1": "https://example.org/u1", "2": "https://example.org/u1",
                                                               "3": "", "4": ""}
    assert monthly(ledger, dataset="gdelt1")[("PAK", "2024-03-01", "to_target")]["sources"] == 1


@pytest.mark.parametrize("fmt,lines,message", [
    ("gdelt2", [gdelt_line(1)], "expected 61 tab-separated fields (a GDELT 2.0 15-minute event export), found 58; "
                                "is it a gdelt1 file? read it as gdelt1 (fmt='gdelt1', '--format gdelt1')"),
    ("gdelt1", [gdelt_line(2)], "expected 57 or 58 tab-separated fields (a GDELT 1.0 daily event export), found 61; "
                                "is it a gdelt2 file? read it as gdelt2 (fmt='gdelt2', '--format gdelt2')"),
    ("icews", ["a\tb\tc"], "not an ICEWS event file: the header lacks Event ID"),
    ("polecat", ["a\tb"], "not a POLECAT export: the header lacks Event ID"),
])
def test_a_file_in_another_format_fails_at_once(ledger, tmp_path, fmt, lines, message):
    path = write_gdelt(tmp_path / "f.txt", lines)
    with pytest.raises(EventFormatError) as info:
        events.ingest(ledger, [path], fmt=fmt, target="AFG")
    assert str(info.value).startswith(f"{path}:1: {message}")
    assert events.file_log(ledger).empty


def test_plover_json_is_told_by_its_name_or_its_first_line(ledger, tmp_path):
    # An array that is not valid JSON cannot be split into records: the file fails, at the line of the fault.
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"id": "p1", "date": "2024-03-05"},\n{"id": \n]\n')
    with pytest.raises(EventFormatError) as info:
        events.ingest(ledger, [broken], fmt="polecat", target="AFG")
    assert str(info.value) == f"{broken}:4: not valid JSON: Expecting value"
    # JSON Lines opening with a blank line, or named .jsonl though its first record is a list (not an object).
    lines = [json.dumps(r) for r in PLOVER_ROWS[:3]]
    blank_first = tmp_path / "records.txt"
    blank_first.write_text("\n" + "\n".join(lines) + "\n")
    listed_first = tmp_path / "records.ndjson.gz"
    listed_first.write_bytes(gzip.compress(("[1]\n" + "\n".join(lines) + "\n").encode()))
    result = events.ingest(ledger, [blank_first, listed_first], fmt="polecat", target="AFG")
    assert [(f.rows, f.matched, f.malformed) for f in result.files] == [(3, 3, 0), (4, 3, 1)]
    assert list(result.problems) == [f"{listed_first}:1: record: expected a JSON object"]


@pytest.mark.parametrize("fmt", ["gdelt1", "gdelt2", "icews", "polecat"])
def test_a_comma_separated_copy_is_named_as_such(ledger, tmp_path, fmt):
    columns = codes.gdelt_columns(1) if fmt.startswith("gdelt") else formats.ICEWS_COLUMNS
    path = tmp_path / "copy.csv"
    path.write_text(",".join(f'"{c}"' for c in columns) + "\n" + ",".join(["1"] * len(columns)) + "\n")
    with pytest.raises(EventFormatError) as info:
        events.ingest(ledger, [path], fmt=fmt, target="AFG")
    assert str(info.value).startswith(f"{path}:1: ")
    assert str(info.value).endswith(formats.COMMA_HINT)
    tabbed = tmp_path / "tabbed.txt"
    tabbed.write_text("a\tb,c\n")
    with pytest.raises(EventFormatError) as info:
        events.ingest(ledger, [tabbed], fmt=fmt, target="AFG")
    assert formats.COMMA_HINT not in str(info.value)


def test_a_byte_order_mark_opening_a_file_is_not_data(ledger, tmp_path):
    gdelt = write_gdelt(tmp_path / "bom.export.CSV", [gdelt_line(**GOOD[0]), gdelt_line(**GOOD[1])])
    gdelt.write_bytes(formats.BOM + gdelt.read_bytes())
    result = events.ingest(ledger, [gdelt], fmt="gdelt2", target="AFG")
    assert (result.rows, result.matched, result.malformed) == (2, 2, 0)
    assert set(events.stored_events(ledger, "test-case")["event_id"]) == {"1", "2"}
    icews = write_icews(tmp_path / "events.2024.tab")
    icews.write_bytes(formats.BOM + icews.read_bytes())
    assert events.ingest(ledger, [icews], fmt="icews", target="AFG").matched == 2
    plover = write_plover_jsonl(tmp_path / "p.jsonl")
    plover.write_bytes(formats.BOM + plover.read_bytes())
    assert events.ingest(ledger, [plover], fmt="polecat", target="AFG").matched == 3


# ---- files that once went wrong ---------------------------------------------------------------

def stray_tabs(folder: Path) -> Path:
    """A GDELT 2.0 file whose lines end with a stray tab, the last with a surplus field (line 3, malformed).

    Before, its first lines were counted as 62 fields and the file refused as not GDELT 2.0, though the engines
    ignore empty fields at the end of a line.
    """
    return write_gdelt(folder / "tabbed.export.CSV", [gdelt_line(**GOOD[0]) + "\t", gdelt_line(**GOOD[1]) + "\t",
                                                      gdelt_line(**GOOD[2]) + "\tx"])


def bom_before_a_blank_line(folder: Path) -> Path:
    """A GDELT 2.0 file whose first line holds only a byte order mark, then one sound line and one bad date.

    Before, the first line counted as one field (the file was refused as not GDELT 2.0 when few lines followed)
    and was not counted among the blank lines (every later line number was one short).
    """
    path = write_gdelt(folder / "bom-blank.export.CSV", ["", gdelt_line(**GOOD[0]), gdelt_line(SQLDATE="20240230")])
    path.write_bytes(formats.BOM + path.read_bytes())
    return path


def bad_byte_early(folder: Path) -> Path:
    """A GDELT 2.0 file whose first line has a byte that is not UTF-8 in Actor1Code and a bad date, then a sound
    line and a line with a bad date: problems at lines 1 (encoding) and 3.

    Before, the pass that numbers malformed rows read fewer columns than the scan, so DuckDB took in the first
    line (its bad byte is in a column no check reads): it was reported twice, and the third line as the fourth.
    """
    lines = [gdelt_line(GLOBALEVENTID="2", Actor1Code="PAK\udcff", SQLDATE=""), gdelt_line(**GOOD[0]),
             gdelt_line(SQLDATE="")]
    path = folder / "bad-byte.export.CSV"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    return path


def bad_byte_in_a_country_name(folder: Path) -> Path:
    """An ICEWS file of one line whose source country has a byte that is not UTF-8 (a malformed line at line 2).

    Before, with no country name to resolve, DuckDB's scan did not read the country columns: the line, set aside
    when the names were gathered, was also read as a row (2 rows from a file of one line).
    """
    return write_icews(folder / "events.bad.tab", [("9", "2024-03-05", "x", "Afghanistan\udcff", "042", "1.9", "y",
                                                     "International")], extra_lines=())


def compound_plover_records(folder: Path) -> Path:
    """PLOVER JSON Lines: a record of two sources and two targets with a bad date, one of two sources and one
    target, a line with a byte that is not UTF-8, and a line that is a JSON string.

    Before, the malformed record was counted and reported once for each pair of its actors (4 times), rows counted
    pairs (7 from 4 records), the bad byte was read as U+FFFD without a word, and the string was reported as
    "record: x".
    """
    two = [{"code": "PAK"}, {"code": "CHN"}]
    lines = [json.dumps({"id": "a", "date": "2024-02-30", "event": "CONSULT", "source": two,
                         "target": [{"code": "AFG"}, {"code": "IRN"}]}),
             json.dumps({"id": "b", "date": "2024-03-01", "event": "CONSULT", "source": two, "target": [{"code": "AFG"}]}),
             '{"id": "c\udcff", "date": "2024-03-01", "event": "CONSULT", "source": "", "target": ""}', '"x"']
    path = folder / "compound.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    return path


def plover_without_records(folder: Path) -> Path:
    """A PLOVER JSON array of PLOVER's documentation alone: no record, so every text column is empty.

    Before, the engines were given columns of no type, and the ingest failed with a traceback.
    """
    path = folder / "documentation.json"
    path.write_text(json.dumps([{"event": "DOCUMENT", "note": "columns of this file"}]))
    return path


#: Files that once went wrong: name -> (how to write it, format, rows, events, malformed lines, [(line, problem)]).
ONCE_WRONG = {
    "stray tabs": (stray_tabs, "gdelt2", 3, 2, 1, [(3, "columns: expected 61 tab-separated fields, found 62")]),
    "byte order mark alone": (bom_before_a_blank_line, "gdelt2", 2, 1, 1,
                              [(3, "SQLDATE: bad date '20240230', expected YYYYMMDD")]),
    "bad byte early": (bad_byte_early, "gdelt2", 3, 1, 2,
                       [(1, "encoding: not valid UTF-8"), (3, "SQLDATE: bad date '', expected YYYYMMDD")]),
    "bad byte in a country name": (bad_byte_in_a_country_name, "icews", 1, 0, 1, [(2, "encoding: not valid UTF-8")]),
    "compound PLOVER records": (compound_plover_records, "polecat", 4, 2, 3, [
        (1, "date: bad date '2024-02-30', expected YYYY-MM-DD"), (3, "encoding: not valid UTF-8"),
        (4, "record: expected a JSON object")]),
    "PLOVER without records": (plover_without_records, "polecat", 0, 0, 0, []),
}


def read_once_wrong(name: str, folder: Path, ledger, engine: str = "duckdb"):
    """Write the file ``ONCE_WRONG[name]`` into ``folder`` and ingest it: (what it gave, what it must give)."""
    write, fmt, rows, found, malformed, problems = ONCE_WRONG[name]
    path = write(folder)
    result = events.ingest(ledger, [path], fmt=fmt, target="AFG", engine=engine,
                           spark_master="local[2]" if engine == "spark" else None)
    return ((result.rows, result.matched, result.malformed, list(result.problems)),
            (rows, found, malformed, [f"{path}:{n}: {message}" for n, message in problems]))


@pytest.mark.parametrize("name", ONCE_WRONG)
def test_files_that_once_went_wrong(ledger, tmp_path, name):
    got, expected = read_once_wrong(name, tmp_path, ledger)
    assert got == expected


def test_files_of_one_shape_are_compiled_once_and_reported_each_on_its_own(ledger, tmp_path, monkeypatch):
    import ibis

    compiled = []
    to_sql = ibis.to_sql
    monkeypatch.setattr(ibis, "to_sql", lambda expr, **kw: compiled.append(1) or to_sql(expr, **kw))
    paths = [write_gdelt(tmp_path / f"{n}.export.CSV", [gdelt_line(**GOOD[n])]) for n in range(2)]
    events.ingest(ledger, paths[:1], fmt="gdelt2", target="AFG")
    one_file = len(compiled)
    compiled.clear()
    paths += [write_gdelt(tmp_path / "2.export.CSV", [gdelt_line(**GOOD[2]), gdelt_line(**GOOD[3])]),
              write_gdelt(tmp_path / "3.export.CSV", [gdelt_line(**OTHER[0]), gdelt_line(**GOOD[4])])]
    result = events.ingest(ledger, paths, fmt="gdelt2", target="AFG")
    assert len(compiled) == one_file  # four files, one compilation of each query
    assert [(f.rows, f.matched) for f in result.files] == [(1, 1), (1, 1), (2, 2), (2, 1)]
    assert result.added == 4  # GOOD[0] was held from the first ingest
    assert set(events.stored_events(ledger, "test-case")["event_id"]) == {"1", "2", "3", "4", "5"}
    bad = write_gdelt(tmp_path / "4.export.CSV", [gdelt_line(**GOOD[5]), gdelt_line(GLOBALEVENTID="x")])
    result = events.ingest(ledger, [paths[0], bad, paths[1]], fmt="gdelt2", target="AFG")
    assert [(f.rows, f.matched, f.malformed) for f in result.files] == [(1, 1, 0), (2, 1, 1), (1, 1, 0)]
    assert list(result.problems) == [f"{bad}:2: GLOBALEVENTID: expected 1 to 18 digits, found 'x'"]


def test_files_are_read_in_runs_of_one_shape(tmp_path, monkeypatch):
    from pariah.events import store
    from pariah.events.store import _batches

    def gdelt1(name, n_columns, newline="\n"):
        line = "\t".join(gdelt_line(1).split("\t")[:n_columns])
        path = tmp_path / name
        path.write_bytes((line + newline).encode())
        [layout] = formats.open_files(path, "gdelt1", tmp_path)
        return layout

    a, b, c, d, e = (gdelt1("a", 58), gdelt1("b", 58), gdelt1("c", 57), gdelt1("d", 58), gdelt1("e", 58, "\r\n"))
    runs = list(_batches([a, b, c, d, d, e, a], lambda layout: 10))
    assert [[layout.path.name for layout in run] for run in runs] == [["a", "b"], ["c"], ["d"], ["d"], ["e"], ["a"]]
    assert [[layout.path.name for layout in run] for run in _batches([a, b, d], lambda layout: 2)] == [["a", "b"], ["d"]]
    monkeypatch.setattr(store, "SCAN_BYTES", a.path.stat().st_size * 2)
    assert [[layout.path.name for layout in run] for run in _batches([a, b, d], lambda layout: 10)] == [["a", "b"], ["d"]]
    monkeypatch.setattr(store, "SCAN_BYTES", 1)  # a file larger than the bound is read alone
    assert [[layout.path.name for layout in run] for run in _batches([a, b], lambda layout: 10)] == [["a"], ["b"]]


def test_one_scan_or_many_give_the_same_reports(ledger, tmp_path, monkeypatch):
    from pariah.events.engines import DuckDBEngine

    paths = [write_gdelt(tmp_path / f"{n}.export.CSV", [gdelt_line(**GOOD[n]), "bad\tline", gdelt_line(**OTHER[0])])
             for n in range(5)]
    outcome = []
    for per_scan in (500, 2):
        monkeypatch.setattr(DuckDBEngine, "files_per_scan", per_scan)
        db = Ledger(f"sqlite:///{tmp_path / f'{per_scan}.sqlite'}", bundled=False)
        db.add_case(ledger.case("test-case"))
        result = events.ingest(db, paths, fmt="gdelt2", target="AFG")
        outcome.append((result.files, result.problems, events.stored_events(db, "test-case").drop(columns="file_id")))
        db.close()
    assert outcome[0][0] == outcome[1][0] and outcome[0][1] == outcome[1][1]
    pd.testing.assert_frame_equal(outcome[0][2], outcome[1][2])
    assert [(f.rows, f.matched, f.malformed) for f in outcome[0][0]] == [(3, 1, 1)] * 5
    assert list(outcome[0][1]) == [f"{p}:2: columns: expected 61 tab-separated fields, found 2" for p in paths]


def test_unzipped_copies_exist_one_run_at_a_time(ledger, tmp_path, monkeypatch):
    from pariah.events import store
    from pariah.events.engines import DuckDBEngine

    archives = []
    for n in range(5):
        archives.append(tmp_path / f"{n}.export.CSV.zip")
        with zipfile.ZipFile(archives[-1], "w") as archive:
            archive.writestr(f"{n}.export.CSV", gdelt_line(**GOOD[n]) + "\n")
    monkeypatch.setattr(DuckDBEngine, "files_per_scan", 2)
    copies_at_scan = []
    scan = store._scan

    def counting(engine, batch, *args):
        copies_at_scan.append(len(list(batch[0].path.parent.iterdir())))
        return scan(engine, batch, *args)

    monkeypatch.setattr(store, "_scan", counting)
    with pytest.raises(EventFormatError, match="missing.zip: no such file"):
        events.ingest(ledger, [*archives, tmp_path / "missing.zip"], fmt="gdelt2", target="AFG")
    assert copies_at_scan == []  # a missing file fails before anything is read
    result = events.ingest(ledger, archives, fmt="gdelt2", target="AFG")
    assert [(f.name, f.matched) for f in result.files] == [(str(a), 1) for a in archives]
    assert copies_at_scan == [3, 3, 1]  # a run of two, and the next file, which ended the run


def test_glob_patterns_name_many_files(cli, tmp_path):
    folder = tmp_path / "gdelt"
    folder.mkdir()
    (folder / "sub.export.CSV").mkdir()  # a folder the pattern matches: not a file
    for n in (2, 0, 1):
        write_gdelt(folder / f"2024030{n}.export.CSV", [gdelt_line(**GOOD[n])])
    result = cli("events", "ingest", f"{folder}/*.export.CSV", "--format", "gdelt2", "--target", "AFG")
    assert result.exit_code == 0, result.output
    assert "3 rows in 3 file(s) on duckdb: 3 events between AFG and a state (3 new)" in result.output
    stored = Ledger(f"sqlite:///{tmp_path / 'cli.sqlite'}", bundled=False)
    assert [Path(p).name for p in events.file_log(stored)["path"]] == [  # in sorted order
        "20240300.export.CSV", "20240301.export.CSV", "20240302.export.CSV"]
    stored.close()
    none = cli("events", "ingest", f"{folder}/*.zip", "--format", "gdelt2", "--target", "AFG")
    assert none.exit_code == 2 and "*.zip: no file matches this pattern" in none.output


def test_icews_file(ledger, tmp_path):
    path = write_icews(tmp_path / "events.2024.tab")
    result = events.ingest(ledger, [path], fmt="icews", target="AFG")
    assert (result.rows, result.matched) == (6, 2)
    assert list(result.problems) == [
        f"{path}:5: Event Date: bad date '2024-13-01', expected YYYY-MM-DD",
        f"{path}:6: CAMEO Code: bad CAMEO event code '4x'",
        f"{path}:7: columns: expected 20 tab-separated fields, found 3",
    ]
    rows = monthly(ledger, dataset="icews")
    assert set(rows) == {("PAK", "2024-03-01", "to_target"), ("CHN", "2024-03-01", "to_target")}
    assert rows[("CHN", "2024-03-01", "to_target")]["goldstein_sum"] == 8.0
    assert events.stored_events(ledger, "test-case")["source"].tolist() == ["Xinhua, ICEWS story 9101",
                                                                             "Xinhua, ICEWS story 9102"]


def test_plover_records(ledger, tmp_path):
    path = write_plover_jsonl(tmp_path / "plover.jsonl")
    result = events.ingest(ledger, [path], fmt="polecat", target="AFG")
    assert (result.rows, result.matched) == (5, 3)
    assert list(result.problems) == [f"{path}:4: date: bad date '2024-02-30', expected YYYY-MM-DD",
                                     f"{path}:5: event: unknown PLOVER category 'SHOUT'"]
    rows = monthly(ledger)
    usa = rows[("USA", "2024-03-01", "to_target")]
    assert (usa["events"], usa["verbal_conflict"], usa["goldstein_sum"], usa["goldstein_mean"]) == (1, 1, None, None)
    assert rows[("PAK", "2024-03-01", "to_target")]["cooperation_score"] == 1.0  # no Goldstein: 1 per event
    counts = events.category_counts(ledger, "test-case")
    assert set(counts["category"]) == {"CONSULT", "AGREE", "SANCTION"}


def test_polecat_tab_separated_export(ledger, tmp_path):
    header = ["Event ID", "Event Date", "Event Type", "Event Mode", "Actor Name", "Actor Country",
              "Recipient Name", "Recipient Country", "Story ID"]
    rows = [["e1", "2024-03-05", "CONSULT", "visit", "Ishaq Dar", "Pakistan", "Amir Khan Muttaqi", "Afghanistan", "s1"],
            ["e2", "2024-03-06", "SUPPORT", "", "Wang Yi", "CHN", "Taliban", "AFG", "s2"],
            ["e3", "2024-03-07", "NOPE", "", "x", "CHN", "y", "AFG", "s3"]]
    path = tmp_path / "polecat.txt"
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    result = events.ingest(ledger, [path], fmt="polecat", target="AFG")
    assert (result.rows, result.matched, list(result.problems)) == (
        3, 2, [f"{path}:4: Event Type: unknown PLOVER category 'NOPE'"])
    assert set(monthly(ledger)) == {("PAK", "2024-03-01", "to_target"), ("CHN", "2024-03-01", "to_target")}


def test_polecat_export_in_its_documented_layout(ledger, tmp_path):
    # All 40 columns: the right ones are read by name ("Country" is the place's, not an actor's; "Source" is the
    # source). "None" as a country names no state; as a date, it is a malformed line.
    path = write_polecat(tmp_path / "ngecEvents.20240311.Release603.DV.txt")
    result = events.ingest(ledger, [path], fmt="polecat", target="AFG")
    assert (result.rows, result.matched, list(result.problems)) == (
        5, 3, [f"{path}:5: Event Date: bad date 'None', expected YYYY-MM-DD"])
    assert set(monthly(ledger)) == {("PAK", "2024-03-01", "to_target"), ("CHN", "2024-03-01", "to_target"),
                                    ("UKR", "2024-03-01", "from_target")}
    stored = events.stored_events(ledger, "test-case").set_index("event_id")
    assert stored.loc["p1", ["category", "mode", "actor1", "actor2", "source"]].tolist() == [
        "CONSULT", "visit", "Ishaq Dar", "Amir Khan Muttaqi", "Source of p1"]
    assert stored.loc["p2", "category"] == "AGREE" and "p3" not in stored.index


def test_polecat_lines_that_do_not_fit_the_header(ledger, tmp_path):
    # A header naming a column the lines lack (malformed), and a line with surplus empty fields (trailing tabs,
    # ignored: it reads as a line of seven fields).
    header = ["Event ID", "Event Date", "Event Type", "Actor Country", "Recipient Country", "Story ID", "Headline"]
    rows = [["e1", "2024-03-05", "CONSULT", "Pakistan", "Afghanistan", "s1"],
            ["e2", "2024-03-06", "SUPPORT", "CHN", "AFG", "s2", "", ""]]
    path = tmp_path / "polecat.txt"
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    result = events.ingest(ledger, [path], fmt="polecat", target="AFG")
    assert (result.rows, result.matched, list(result.problems)) == (
        2, 1, [f"{path}:2: columns: expected 7 tab-separated fields, found 6"])


def test_polecat_header_with_stray_tabs_and_a_repeated_name(ledger, tmp_path):
    header = ["Event ID", "Event Date", "Event Type", "Actor Country", "Recipient Country", "Story ID", "Story ID", "", ""]
    rows = [["e1", "2024-03-05", "CONSULT", "Pakistan", "Afghanistan", "s1", "s1", "", ""],
            ["e2", "2024-03-06", "SUPPORT", "CHN", "AFG", "s2", "s2"]]
    path = tmp_path / "polecat.txt"
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    assert formats._header("\t".join(header)) == (*header[:6], "column 7")
    result = events.ingest(ledger, [path], fmt="polecat", target="AFG")
    assert (result.rows, result.matched, result.malformed) == (2, 2, 0)


def test_a_zip_archive_of_several_files_reads_each(ledger, tmp_path):
    # POLECAT's yearly archives hold one file a month.
    header = "\t".join(["Event ID", "Event Date", "Event Type", "Actor Country", "Recipient Country", "Story ID"])
    january = "\n".join([header, "e1\t2024-01-05\tCONSULT\tPakistan\tAfghanistan\ts1"]) + "\n"
    february = "\n".join([header, "e2\t2024-02-06\tSUPPORT\tCHN\tAFG\ts2", "e3\t2024-02-30\tSUPPORT\tCHN\tAFG\ts3"]) + "\n"
    zipped = tmp_path / "ngecEventsDV-2024.txt.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("2024/", "")
        archive.writestr("2024/ngecEventsDV-2024-01.txt", january)
        archive.writestr("2024/ngecEventsDV-2024-02.txt", february)
        archive.writestr("__MACOSX/2024/._ngecEventsDV-2024-01.txt", "resource fork")
    result = events.ingest(ledger, [zipped], fmt="polecat", target="AFG")
    assert [(f.name, f.rows, f.matched, f.malformed) for f in result.files] == [
        (f"{zipped}!2024/ngecEventsDV-2024-01.txt", 1, 1, 0), (f"{zipped}!2024/ngecEventsDV-2024-02.txt", 2, 1, 1)]
    assert list(result.problems) == [
        f"{zipped}!2024/ngecEventsDV-2024-02.txt:3: Event Date: bad date '2024-02-30', expected YYYY-MM-DD"]
    assert set(monthly(ledger)) == {("PAK", "2024-01-01", "to_target"), ("CHN", "2024-02-01", "to_target")}
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("only-a-folder/", "")
    with pytest.raises(EventFormatError, match="the zip archive holds no file"):
        events.ingest(ledger, [empty], fmt="polecat", target="AFG")


def test_bad_target_and_no_files(ledger, gdelt2_file):
    with pytest.raises(PariahError, match="bad target 'Afghanistan'"):
        events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="Afghanistan")
    with pytest.raises(PariahError, match="no event files given"):
        events.ingest(ledger, [], fmt="gdelt2", target="AFG")
    with pytest.raises(EventFormatError, match="no such file"):
        events.ingest(ledger, [gdelt2_file.with_name("missing.CSV")], fmt="gdelt2", target="AFG")
    with pytest.raises(EventFormatError, match=r"a folder, not a file; give the files in it \(e\.g\. .*\*\)"):
        events.ingest(ledger, [gdelt2_file.parent], fmt="gdelt2", target="AFG")


# ---- real extracts ------------------------------------------------------------------------

@pytest.fixture
def gdelt1_extract(tmp_path) -> Path:
    """The shared GDELT 1.0 extract (an R-written CSV) laid out as GDELT exports it: tabs, no header, no NA."""
    if not GDELT_EXTRACT.is_file():
        pytest.skip("shared/data/raw GDELT 1.0 extract not present")
    out = tmp_path / "20120801.export.CSV"
    with open(GDELT_EXTRACT, newline="", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        reader = csv.reader(f)
        assert tuple(next(reader)) == codes.gdelt_columns(1)
        for row in reader:
            w.write("\t".join("" if v == "NA" else v for v in row) + "\n")
    return out


def test_real_gdelt1_extract_parses_and_matches_a_plain_count(ledger, gdelt1_extract):
    result = events.ingest(ledger, [gdelt1_extract], fmt="gdelt1", target="GEO")
    assert (result.rows, result.malformed) == (1255, 0)
    frame = pd.read_csv(gdelt1_extract, sep="\t", header=None, names=codes.gdelt_columns(1), dtype=str,
                        keep_default_na=False)
    from pariah import reference

    states = set(reference.states().index) - {"GEO"}
    to = frame[(frame["Actor2CountryCode"] == "GEO") & frame["Actor1CountryCode"].isin(states)]
    back = frame[(frame["Actor1CountryCode"] == "GEO") & frame["Actor2CountryCode"].isin(states)]
    assert result.matched == len(to) + len(back) > 0
    ledger.add_case(dataclasses.replace(ledger.case("test-case"), id="georgia", target="GEO",
                                        start=dt.date(2012, 1, 1)))
    rows = events.aggregates(ledger, "georgia")
    assert rows["events"].sum() == result.matched
    got = rows[rows["direction"] == "to_target"].groupby("state")["events"].sum().to_dict()
    assert got == to.groupby("Actor1CountryCode").size().to_dict()
    goldstein = rows[(rows["state"] == "RUS") & (rows["direction"] == "to_target")]["goldstein_sum"].sum()
    assert goldstein == pytest.approx(to[to["Actor1CountryCode"] == "RUS"]["GoldsteinScale"].astype(float).sum())


def test_real_plover_records_parse(ledger):
    if not PLOVER_GSR.is_file():
        pytest.skip("shared/data/raw PLOVER records not present")
    result = events.ingest(ledger, [PLOVER_GSR], fmt="polecat", target="USA")
    assert result.malformed == 0 and result.rows > 300 and result.matched > 0


# ---- candidates, accept, engagement ----------------------------------------------------------

def test_candidates_list_unheld_acts_and_accept_writes_a_revision(ledger, gdelt2_file, tmp_path):
    from conftest import act_row, write_csv

    events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG")
    found = events.candidates(ledger, "test-case")
    assert [(r["state"], r["act"], str(r["date"])) for r in found.to_dict("records")] == [
        ("PAK", "official_visit", "2024-03-05"),
        ("CHN", "official_visit", "2024-03-07"),
        ("PAK", "sign_agreement", "2024-03-20"),
        ("PAK", "downgrade_mission", "2024-04-01"),
    ]
    pak = found.iloc[0]
    assert (pak["id"], pak["label"], pak["code"], pak["source"]) == ("gdelt2:1", "Make a visit", "042",
                                                                    "https://example.org/u1")
    # A month held by the ledger is not a candidate; an act dated by month covers that month.
    ledger.import_files([write_csv(tmp_path / "held.csv", [act_row(actor="PAK", act="official_visit", date="2024-03")])])
    assert "official_visit" not in set(events.candidates(ledger, "test-case").query("state == 'PAK'")["act"])
    assert len(events.candidates(ledger, "test-case", since="2024-03-21")) == 1
    result = events.accept(ledger, "test-case", "gdelt2:3")
    assert result.added == 1
    act = ledger.acts("test-case").query("act == 'sign_agreement'").iloc[0]
    assert (act["actor"], act["date"], act["source"], act["confidence"]) == ("PAK", "2024-03-20",
                                                                          "https://example.org/u1", "low")
    assert "CAMEO 057, Sign formal agreement" in act["description"]
    assert "sign_agreement" not in set(events.candidates(ledger, "test-case")["act"])
    with pytest.raises(PariahError, match="already holds PAK sign_agreement in 2024-03"):
        events.accept(ledger, "test-case", "gdelt2:3")
    with pytest.raises(PariahError, match="no event 'gdelt2:999'"):
        events.accept(ledger, "test-case", "gdelt2:999")
    with pytest.raises(PariahError, match="maps to no ladder act"):
        events.accept(ledger, "test-case", "gdelt2:4")


@pytest.fixture(scope="module")
def mapped_candidates(tmp_path_factory):
    """One event per row of the act mapping, each with its own state, through ingest and candidates."""
    from pariah.ledger import Ledger
    from conftest import CASE_YAML
    from pariah import case as case_module

    folder = tmp_path_factory.mktemp("mapping")
    mapping = codes.act_mapping()
    states = ["PAK", "CHN", "RUS", "IRN", "QAT", "UZB", "TKM", "KAZ", "TUR", "IND", "ARE", "SAU", "IDN", "MYS",
              "JPN", "KOR", "BRA", "EGY", "NOR", "CHE"]
    lines, records, expected = [], [], {}
    for n, row in enumerate(mapping.to_dict("records")):
        state = states[n]
        ends = ("AFG", state) if row["direction"] == "from_target" else (state, "AFG")
        if row["scheme"] == "cameo":
            root = row["code"][:2]
            lines.append(gdelt_line(GLOBALEVENTID=str(100 + n), Actor1Code=ends[0], Actor1CountryCode=ends[0],
                                    Actor2Code=ends[1], Actor2CountryCode=ends[1], EventCode=row["code"],
                                    EventRootCode=root, QuadClass=str(codes.CAMEO_ROOT_QUAD[root]),
                                    GoldsteinScale="1.0", SOURCEURL=f"https://example.org/m{n}"))
        else:
            records.append(plover_record(f"m{n}", "2024-03-05", ends[0], ends[1], row["code"], row["mode"],
                                         f"https://example.org/m{n}"))
        expected[n] = (state, row["act"])
    ledger = Ledger(f"sqlite:///{folder / 'm.sqlite'}", bundled=False)
    case_file = folder / "case.yaml"
    case_file.write_text(CASE_YAML, encoding="utf-8")
    ledger.add_case(case_module.load(case_file))
    events.ingest(ledger, [write_gdelt(folder / "m.CSV", lines)], fmt="gdelt2", target="AFG")
    events.ingest(ledger, [write_plover_jsonl(folder / "m.jsonl", records)], fmt="polecat", target="AFG")
    found = events.candidates(ledger, "test-case")
    yield {(r["state"], r["act"]): r for r in found.to_dict("records")}, expected
    ledger.close()


@pytest.mark.parametrize("n", range(len(codes.act_mapping())))
def test_each_mapped_code_gives_its_act(mapped_candidates, n):
    found, expected = mapped_candidates
    row = codes.act_mapping().iloc[n]
    state, act = expected[n]
    assert (state, act) in found, f"{row['scheme']} {row['code']} {row['direction']} -> {act}"
    hit = found[(state, act)]
    assert hit["code"] == row["code"] and hit["direction"] == row["direction"] and hit["reason"] == row["reason"]
    if row["scheme"] == "cameo":
        assert hit["label"] == codes.labels()[row["code"]]


def test_engagement_is_goldstein_weighted_cooperation(ledger, gdelt2_file):
    events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG")
    frame = events.engagement(ledger, "test-case")
    assert list(frame.columns) == ["state", "month", "engagement"]
    values = {(r["state"], str(r["month"])): r["engagement"] for r in frame.to_dict("records")}
    assert values == pytest.approx({("CHN", "2024-03-01"): math.log1p(2.8), ("CHN", "2024-04-01"): 0.0,
                                    ("PAK", "2024-03-01"): math.log1p(9.9), ("PAK", "2024-04-01"): math.log1p(6.4)})


def test_engagement_needs_a_dataset_when_several_hold_events(ledger, gdelt2_file, tmp_path):
    events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG")
    events.ingest(ledger, [write_icews(tmp_path / "i.tab")], fmt="icews", target="AFG")
    with pytest.raises(PariahError, match=r"several datasets hold events of AFG \(gdelt2, icews\)"):
        events.engagement(ledger, "test-case")
    assert set(events.engagement(ledger, "test-case", dataset="icews")["state"]) == {"CHN", "PAK"}
    assert events.engagement(ledger, "test-case", dataset="gdelt1").empty


# ---- command line -----------------------------------------------------------------------------

@pytest.fixture
def cli(tmp_path, monkeypatch):
    import pariah.cli
    from conftest import CASE_YAML

    monkeypatch.setenv("PARIAH_DB", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    assert [g.name for g in pariah.cli.app.registered_groups].count("events") == 1
    runner = CliRunner()
    (tmp_path / "case.yaml").write_text(CASE_YAML, encoding="utf-8")

    def invoke(*args):
        return runner.invoke(pariah.cli.app, [str(a) for a in args])

    assert invoke("cases", "add", tmp_path / "case.yaml").exit_code == 0
    yield invoke


def test_cli_ingest_show_candidates_accept(cli, gdelt2_file):
    result = cli("events", "ingest", gdelt2_file, "--format", "gdelt2", "--target", "AFG")
    assert result.exit_code == 0, result.output
    assert f"{gdelt2_file}:6: columns: expected 61 tab-separated fields, found 3" in result.output
    assert "18 rows in 1 file(s) on duckdb: 6 events between AFG and a state (6 new), 7 malformed" in result.output
    shown = json.loads(cli("events", "show", "test-case", "--format", "json", "--state", "PAK").stdout)
    assert {(r["month"], r["direction"], r["events"]) for r in shown} == {
        ("2024-03-01", "to_target", 3), ("2024-04-01", "to_target", 1), ("2024-04-01", "from_target", 1)}
    csv_out = cli("events", "show", "test-case", "--by-category", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "target,dataset,state,month,direction,category,events"
    table = cli("events", "show", "test-case").stdout
    assert "PAK" in table and "gdelt2" in table
    listed = json.loads(cli("events", "candidates", "test-case", "--format", "json").stdout)
    assert {r["id"] for r in listed} == {"gdelt2:1", "gdelt2:2", "gdelt2:3", "gdelt2:5"}
    assert set(listed[0]) >= {"id", "date", "state", "act", "code", "label", "source", "reason"}
    accepted = cli("events", "candidates", "test-case", "--accept", "gdelt2:2")
    assert accepted.exit_code == 0 and "added 1" in accepted.output
    exported = cli("export", "--case", "test-case").stdout
    assert "CHN,official_visit" in exported and "https://example.org/u2" in exported


def test_cli_strict_and_errors(cli, gdelt2_file):
    strict = cli("events", "ingest", gdelt2_file, "--format", "gdelt2", "--target", "AFG", "--strict")
    assert strict.exit_code == 2 and "import rejected: 7 problem(s); nothing was written" in strict.output
    assert f"{gdelt2_file}:18: encoding: not valid UTF-8" in strict.output
    wrong = cli("events", "ingest", gdelt2_file, "--format", "gdelt1", "--target", "AFG")
    assert wrong.exit_code == 2 and "'--format gdelt2'" in wrong.output and "Traceback" not in wrong.output
    unknown = cli("events", "candidates", "test-case", "--accept", "nope")
    assert unknown.exit_code == 2 and "no event 'nope'" in unknown.output
    for command in (("events", "--help"), ("events", "ingest", "--help"), ("events", "show", "--help"),
                    ("events", "candidates", "--help")):
        assert cli(*command).exit_code == 0



COMPACT_DATES = {"20240229": True, "20230229": False, "20000229": True, "19000229": False, "20240431": False,
                 "20241301": False, "20240100": False, "20240305": True, "-0240101": False, "2024 101": False,
                 "+2024031": False, "2024030": False, "202403051": False, "00010101": False, "": False, "2024031a": False,
                 "0x989AE5": False, "2024_301": False, "20241231": True, "20241232": False, "20240631": False}
ISO_DATES = {"2024-02-29": True, "2023-02-29": False, "2024-2-29": False, "2024/02/29": False, "2024-12-31": True,
             "2024-00-10": False, "2024-06-31": False, "-024-01-01": False, "": False,
             "0x98-9A-E5": False, "2024-11-30": True}


def date_checks(engine) -> dict:
    frame = pd.DataFrame({"d": [*COMPACT_DATES, *ISO_DATES], "compact": [True] * len(COMPACT_DATES) + [False] * len(ISO_DATES)})
    t = engine.table(frame)
    t, number = normalize._parsed(t, compact=normalize._date_number(t.d, True), iso=normalize._date_number(t.d, False))
    out = engine.fetch(t.mutate(ok_compact=normalize._date_ok(t.d, True, number["compact"]),
                                ok_iso=normalize._date_ok(t.d, False, number["iso"]),
                                day_compact=normalize._day(t.d, True), day_iso=normalize._day(t.d, False)))
    return {(r["d"], r["compact"]): (bool(r["ok_compact"] if r["compact"] else r["ok_iso"]),
                                     str(r["day_compact"] if r["compact"] else r["day_iso"])[:10])
            for r in out.to_dict("records")}


def test_date_checks_accept_real_dates_only():
    from pariah.events.engines import DuckDBEngine

    with DuckDBEngine() as engine:
        got = date_checks(engine)
    for text, ok in COMPACT_DATES.items():
        assert got[(text, True)][0] == ok, text
    for text, ok in ISO_DATES.items():
        assert got[(text, False)][0] == ok, text
    assert got[("20240229", True)][1] == "2024-02-29" and got[("2024-12-31", False)][1] == "2024-12-31"
    assert got[("20230229", True)][1] in ("None", "NaT")


def test_spark_master_needs_the_spark_engine(ledger, gdelt2_file):
    with pytest.raises(PariahError, match="spark_master needs engine='spark'"):
        events.ingest(ledger, [gdelt2_file], fmt="gdelt2", target="AFG", spark_master="local[2]")


def test_duckdb_bounds_are_set_and_bad_ones_are_one_clear_error():
    from pariah.events.engines import InvalidArgument, open_engine

    with open_engine("duckdb", memory_limit="300MB", threads=1) as engine:
        threads, memory = engine.con.execute(
            "SELECT current_setting('threads'), current_setting('memory_limit')").fetchone()
    assert threads == 1 and memory.replace(" ", "") in ("300.0MB", "286.1MiB")
    for kwargs, message in (({"memory_limit": "lots"}, "bad memory limit 'lots': expected a size such as 500MB"),
                            ({"threads": 0}, "bad number of threads 0: expected 1 or more")):
        with pytest.raises(InvalidArgument, match=message):
            open_engine("duckdb", **kwargs)


def test_cli_ingest_bounded_gives_the_same_events(cli, gdelt2_file):
    bounded = cli("events", "ingest", gdelt2_file, "--format", "gdelt2", "--target", "AFG",
                  "--threads", "1", "--memory-limit", "200MB")
    assert bounded.exit_code == 0, bounded.output
    assert "18 rows in 1 file(s) on duckdb: 6 events between AFG and a state (6 new), 7 malformed" in bounded.output
    bad = cli("events", "ingest", gdelt2_file, "--format", "gdelt2", "--target", "AFG", "--memory-limit", "-1GB")
    assert bad.exit_code == 2 and "bad memory limit '-1GB'" in bad.output and "Traceback" not in bad.output
    spark = cli("events", "ingest", gdelt2_file, "--format", "gdelt2", "--target", "AFG", "--engine", "spark",
                "--threads", "2")
    assert spark.exit_code == 2 and "bound the DuckDB engine" in spark.output


def test_a_malformed_first_line_is_one_malformed_line(ledger, tmp_path):
    path = write_gdelt(tmp_path / "f.CSV", ["broken\tfirst\tline", gdelt_line(**GOOD[0]), gdelt_line(**GOOD[1])])
    result = events.ingest(ledger, [path], fmt="gdelt2", target="AFG")
    assert (result.rows, result.matched, list(result.problems)) == (
        3, 2, [f"{path}:1: columns: expected 61 tab-separated fields, found 3"])


#: Identifiers and codes that engines' number casts take but that are not digits: (fields, message).
NOT_DIGITS = [
    (dict(GLOBALEVENTID="0x1F"), "GLOBALEVENTID: expected 1 to 18 digits, found '0x1F'"),
    (dict(GLOBALEVENTID="1_2"), "GLOBALEVENTID: expected 1 to 18 digits, found '1_2'"),
    (dict(GLOBALEVENTID="+12"), "GLOBALEVENTID: expected 1 to 18 digits, found '+12'"),
    (dict(GLOBALEVENTID=" 12"), "GLOBALEVENTID: expected 1 to 18 digits, found ' 12'"),
    (dict(GLOBALEVENTID=""), "GLOBALEVENTID: expected 1 to 18 digits, found ''"),
    (dict(GLOBALEVENTID="1234567890123456789"), "GLOBALEVENTID: expected 1 to 18 digits, found '1234567890123456789'"),
    (dict(GLOBALEVENTID="21", EventRootCode="0x", EventCode="0x1"), "EventRootCode: bad CAMEO root code '0x'"),
    (dict(GLOBALEVENTID="22", EventCode="04_"), "EventCode: bad CAMEO event code '04_'"),
    (dict(GLOBALEVENTID="23", EventCode="4"), "EventCode: bad CAMEO event code '4'"),
]


def test_identifiers_and_codes_must_be_digits(ledger, tmp_path):
    lines = [gdelt_line(**GOOD[0]), gdelt_line(**{**GOOD[1], "GLOBALEVENTID": "0002"})]
    lines += [gdelt_line(**fields) for fields, _ in NOT_DIGITS]
    path = write_gdelt(tmp_path / "ids.CSV", lines)
    result = events.ingest(ledger, [path], fmt="gdelt2", target="AFG")
    assert (result.rows, result.matched, result.malformed) == (2 + len(NOT_DIGITS), 2, len(NOT_DIGITS))
    assert list(result.problems) == [f"{path}:{n}: {message}" for n, (_, message) in enumerate(NOT_DIGITS, start=3)]


def test_problems_listed_are_capped_but_all_are_counted(ledger, tmp_path, monkeypatch):
    from pariah.events import store

    monkeypatch.setattr(store, "MAX_PROBLEMS", 3)
    lines = [gdelt_line(**GOOD[0])] + [gdelt_line(GLOBALEVENTID=str(100 + i), SQLDATE="2024x305") for i in range(4)]
    lines += ["short\tline"] * 3
    path = write_gdelt(tmp_path / "f.CSV", lines)
    result = events.ingest(ledger, [path], fmt="gdelt2", target="AFG")
    assert (result.rows, result.matched, result.malformed) == (8, 1, 7)
    assert [p.split(":")[1] for p in result.problems] == ["2", "3", "4"]
    with pytest.raises(MalformedEvents) as info:
        events.ingest(ledger, [path], fmt="gdelt2", target="AFG", strict=True)
    assert info.value.problems[-1] == "... and 4 more malformed lines"


def test_files_past_the_listed_problems_are_counted_but_not_read_again(ledger, tmp_path, monkeypatch):
    from pariah.events import store
    from pariah.events.engines import DuckDBEngine

    monkeypatch.setattr(store, "MAX_PROBLEMS", 3)
    located = []
    raw = DuckDBEngine.raw

    def spy(self, layout, numbered=False):
        if numbered:
            located.append(layout.path.name)
        return raw(self, layout, numbered)

    monkeypatch.setattr(DuckDBEngine, "raw", spy)
    paths = [write_gdelt(tmp_path / f"{n}.CSV", [gdelt_line(GLOBALEVENTID=f"{n}{i}", SQLDATE="2024x305")
                                                for i in range(2)] + [gdelt_line(**GOOD[n])]) for n in range(4)]
    result = events.ingest(ledger, paths, fmt="gdelt2", target="AFG")
    assert (result.rows, result.matched, result.malformed) == (12, 4, 8)
    assert [f.malformed for f in result.files] == [2, 2, 2, 2]
    assert [p.rsplit("/", 1)[1] for p in result.problems] == [
        "0.CSV:1: SQLDATE: bad date '2024x305', expected YYYYMMDD", "0.CSV:2: SQLDATE: bad date '2024x305', "
        "expected YYYYMMDD", "1.CSV:1: SQLDATE: bad date '2024x305', expected YYYYMMDD"]
    assert located == ["0.CSV", "1.CSV"]  # the first three problems are in these two files


def test_forecast_uses_engagement_from_ingested_events(tmp_path):
    """Events ingested for the target feed the forecast's engagement covariate, lagged one month."""
    from pariah import forecast

    ledger = Ledger("sqlite://")
    lines = [gdelt_line(GLOBALEVENTID=str(i), SQLDATE=f"2023-11-{d:02d}".replace("-", ""), GoldsteinScale="7.0")
             for i, d in enumerate(range(1, 21), start=1)]
    events.ingest(ledger, [write_gdelt(tmp_path / "g.tsv", lines)], fmt="gdelt2", target="AFG")
    model = forecast.fit(ledger, as_of="2024-02-01", level="ambassadors", n_bootstrap=0, engagement=True)
    assert "engagement" in model.features
    from pariah.forecast.training import world_as_known

    world = world_as_known(ledger, ledger.case("taliban-2021"), dt.date(2024, 2, 1), engagement=True)
    pak = world.states.index("PAK")
    december = list(world.months.strftime("%Y-%m")).index("2023-12")
    assert world.engagement[december, pak] == pytest.approx(np.log1p(20 * 7.0))  # November's events
    assert world.engagement[december + 1, pak] == 0.0
    rows = forecast.forecast(ledger, "taliban-2021", as_of="2024-02-01", horizon=12, level="ambassadors", n_bootstrap=0, engagement=True)
    assert not rows.empty


# ---- checks against an independent reading of the same lines ---------------------------------

ID_VALUES = ["1", "42", "007", "1234567890", "123456789012345678", "1234567890123456789", "", "x1", "-5", "+5",
             " 5", "1_0", "0x1F", "1e3", "٣"]
ROOT_VALUES = ["04", "05", "19", "20", "01", "00", "21", "4", "ab", ""]
CODE_VALUES = ["042", "043", "057", "190", "04", "0421", "04210", "4", "0x", "05", "1313", "13a", "", "191"]
SCORE_OK = {"1.9": True, "-10": True, "10": True, "0": True, "-2.5": True, "-10.5": False, "11": False,
            "abc": False, "": False, "1,5": False}
QUAD_VALUES = ["1", "2", "3", "4", "0", "5", "", "x"]
ACTORS = ["AFG", "PAK", "CHN", "EUR", "", "TAL", "AFGGOV"]


def _digits(text: str, most: int) -> bool:
    return 0 < len(text) <= most and all(c in "0123456789" for c in text)


def _expected_problem(f: dict) -> str | None:
    """What pariah should say of a GDELT line, by rules written out here independently of its expressions."""
    root, code = f["EventRootCode"], f["EventCode"]
    checks = [
        (_digits(f["GLOBALEVENTID"], 18),
         f"GLOBALEVENTID: expected 1 to 18 digits, found '{f['GLOBALEVENTID']}'"),
        (COMPACT_DATES[f["SQLDATE"]], f"SQLDATE: bad date '{f['SQLDATE']}', expected YYYYMMDD"),
        (root in normalize.CAMEO_ROOTS, f"EventRootCode: bad CAMEO root code '{root}'"),
        (len(code) >= 2 and _digits(code, 4) and code.startswith(root), f"EventCode: bad CAMEO event code '{code}'"),
        (SCORE_OK[f["GoldsteinScale"]],
         f"GoldsteinScale: expected a score from -10 to 10, found '{f['GoldsteinScale']}'"),
        (f["QuadClass"] in ("1", "2", "3", "4"), f"QuadClass: expected 1 to 4, found '{f['QuadClass']}'"),
    ]
    return next((message for ok, message in checks if not ok), None)


def _expected_line_problem(fields: list[str], width: int, read: list[int], values) -> str | None:
    """What pariah should say of a line of ``fields`` in a format of ``width`` fields: a surplus field that is not
    empty, else a byte that is not UTF-8 in a field it reads (positions ``read``), else ``values()``."""
    if any(fields[width:]):
        return f"columns: expected {width} tab-separated fields, found {len(fields)}"
    if any("\udcff" in fields[i] for i in read):
        return "encoding: not valid UTF-8"
    return values()


def _is_dyad(f: dict, target: str, states: set[str]) -> bool:
    hit1 = target in (f["Actor1CountryCode"], f["Actor1Code"], f["Actor1KnownGroupCode"])
    hit2 = target in (f["Actor2CountryCode"], f["Actor2Code"], f["Actor2KnownGroupCode"])
    to_target = hit2 and not hit1 and f["Actor1CountryCode"] in states and f["Actor1CountryCode"] != target
    from_target = hit1 and not hit2 and f["Actor2CountryCode"] in states and f["Actor2CountryCode"] != target
    return to_target or from_target


_line_fields = st.fixed_dictionaries({
    "GLOBALEVENTID": st.sampled_from(ID_VALUES), "SQLDATE": st.sampled_from(sorted(COMPACT_DATES)),
    "EventRootCode": st.sampled_from(ROOT_VALUES), "EventCode": st.sampled_from(CODE_VALUES),
    "GoldsteinScale": st.sampled_from(sorted(SCORE_OK)), "QuadClass": st.sampled_from(QUAD_VALUES),
    **{f"Actor{n}{part}": st.sampled_from(ACTORS) for n in (1, 2) for part in ("Code", "CountryCode")},
    "Actor1KnownGroupCode": st.sampled_from(["", "TAL"]), "Actor2KnownGroupCode": st.sampled_from(["", "TAL"]),
})
# Mostly sound lines (so that dyads are many), some with one bad value, blank lines and lines of two fields.
_sound = _line_fields.map(lambda f: {**f, "GLOBALEVENTID": "1" + "".join(c for c in f["GLOBALEVENTID"] if c.isdigit()
                                                                             and c.isascii())[:5],
                                     "SQLDATE": "20240305", "EventRootCode": "04", "EventCode": "042",
                                     "GoldsteinScale": "1.9", "QuadClass": "1"})
# A byte that is not UTF-8 (written through "surrogateescape") in any one field: a malformed line when pariah
# reads that field, no matter otherwise.
_bad_byte = st.tuples(st.one_of(_sound, _line_fields), st.sampled_from(codes.gdelt_columns(2))).map(
    lambda drawn: {**drawn[0], drawn[1]: drawn[0].get(drawn[1], "") + "\udcff"})
# Surplus fields at the end of a line: ignored when empty (stray tabs), a malformed line when not.
_surplus = st.tuples(st.one_of(_sound, _line_fields, _bad_byte), st.sampled_from(["\t", "\t\t", "\tx", "\t\tx", "\tx\t"])).map(
    lambda drawn: {**drawn[0], "_tail": drawn[1]})
_entries = st.lists(st.one_of(_sound, _sound, _line_fields, _bad_byte, _surplus, st.just(""), st.just("too\tfew")),
                    min_size=1, max_size=40)


gdelt_file = st.tuples(_entries, st.sampled_from(["\n", "\r\n"]), st.booleans(), st.sampled_from(["", ".gz", ".zip"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(gdelt_file, min_size=1, max_size=3))
def test_checks_and_dyads_agree_with_an_independent_reading(tmp_path_factory, files):
    """Files of lines of every kind, read in one ingest (files of one shape in one scan), each written with
    either line ending, a byte order mark or not, plain, gzipped or zipped."""
    assert_read_as_expected("gdelt2", write_gdelt_files(tmp_path_factory.mktemp("lines"), files))


def write_gdelt_files(folder: Path, files, widths=None) -> list[tuple[Path, list[str], list[tuple[int, str]], set]]:
    """Files drawn by ``gdelt_file`` written out, each with the problems and dyads an independent reading expects.

    ``widths``: each file's number of columns, GDELT 1.0 (57 or 58) when given, else GDELT 2.0 (61).
    """
    from pariah import reference

    states = set(reference.state_codes())
    read = []
    for k, (entries, newline, bom, packed) in enumerate(files):
        width = widths[k] if widths else 61
        columns = codes.gdelt_columns(1 if widths else 2)[:width]
        used = [columns.index(c) for c in formats.GDELT_USED if c in columns]
        lines, expected, dyads = [], [], set()
        for n, entry in enumerate(entries, start=1):
            if isinstance(entry, str):
                lines.append(entry)
                if entry:
                    expected.append((n, f"columns: expected {width} tab-separated fields, found 2"))
                continue
            line = "\t".join(gdelt_line(1 if widths else 2, **entry).split("\t")[:width])
            lines.append(line + entry.get("_tail", ""))
            fields = lines[-1].split("\t")
            problem = _expected_line_problem(fields, width, used, lambda: _expected_problem(entry))
            if problem is not None:
                expected.append((n, problem))
            elif _is_dyad(entry, "AFG", states):
                dyads.add(tuple(fields[i] for i in used))  # lines of a file that pariah reads alike are one event
        # What pariah reads to tell the format: the number of fields of the first 20 lines, empty ones past the
        # most the format has (58 or 61) not counted. (In GDELT 1.0, 58 fields with the last empty may be 57 and a
        # stray tab, or 58 without a source URL: the count that most lines have decides.)
        most = 58 if widths else 61
        head = [fields[:most] if not any(fields[most:]) else fields
                for fields in (line.split("\t") for line in lines[:20] if line)]
        assume(sum(len(fields) == width for fields in head) * 2 > len(head))  # else the file is not in its format
        data = (formats.BOM if bom else b"") + (newline.join(lines) + newline).encode("utf-8", "surrogateescape")
        path = folder / f"{k}.export.CSV{packed}"
        if packed == ".gz":
            path.write_bytes(gzip.compress(data))
        elif packed == ".zip":
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr(f"{k}.export.CSV", data)
        else:
            path.write_bytes(data)
        read.append((path, lines, expected, dyads))
    return read


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(gdelt_file, st.sampled_from([57, 58])), min_size=1, max_size=2))
def test_gdelt1_checks_and_dyads_agree_with_an_independent_reading(tmp_path_factory, files):
    """GDELT 1.0 files of 57 columns (before April 2013) or 58 (with SOURCEURL), in one ingest."""
    written = write_gdelt_files(tmp_path_factory.mktemp("gdelt1"), [f for f, _ in files], [w for _, w in files])
    assert_read_as_expected("gdelt1", written)


def assert_read_as_expected(fmt: str, files: list[tuple[Path, list[str], list[tuple[int, str]], set]],
                            engine: str = "duckdb"):
    """Ingest ``files`` (path, lines, expected problems, dyads) into a fresh ledger: the problems, rows, malformed
    lines and dyads of each are as expected."""
    ledger = Ledger("sqlite://", bundled=False)
    try:
        result = events.ingest(ledger, [path for path, *_ in files], fmt=fmt, target="AFG", engine=engine,
                               spark_master="local[2]" if engine == "spark" else None)
    finally:
        ledger.close()
    assert list(result.problems) == [f"{path}:{n}: {message}" for path, _, expected, _ in files
                                     for n, message in expected]
    data = [line for _, lines, *_ in files for line in (lines if fmt.startswith("gdelt") else lines[1:])]  # past a header
    assert (result.rows, result.malformed, result.matched) == (
        sum(1 for x in data if x), sum(len(e) for *_, e, _ in files), sum(len(d) for *_, d in files))


ICEWS_COUNTRY = {"Afghanistan": "AFG", "Pakistan": "PAK", "China": "CHN"}  # the rest name no state


_icews_fields = st.fixed_dictionaries({
    "Event ID": st.sampled_from(ID_VALUES), "Event Date": st.sampled_from(sorted(ISO_DATES)),
    "CAMEO Code": st.sampled_from(CODE_VALUES), "Intensity": st.sampled_from(sorted(SCORE_OK)),
    "Source Country": st.sampled_from([*ICEWS_COUNTRY, "International", "", "None"]),
    "Target Country": st.sampled_from([*ICEWS_COUNTRY, "International", "", "None"]),
})
_icews_sound = _icews_fields.map(lambda f: {**f, "Event ID": "9", "Event Date": "2024-11-30", "CAMEO Code": "042",
                                            "Intensity": "1.9"})
_icews_odd = st.tuples(st.one_of(_icews_sound, _icews_fields), st.sampled_from(formats.ICEWS_COLUMNS),
                       st.sampled_from(["", "\t", "\t\t", "\tx"])).map(
    lambda drawn: {**drawn[0], drawn[1]: drawn[0].get(drawn[1], "") + "\udcff", "_tail": drawn[2]})
_ICEWS_READ = [formats.ICEWS_COLUMNS.index(c) for c in formats.ICEWS_USED]


def _expected_reading(entries, columns, defaults: dict, read: list[int], value_problem, countries: tuple[str, str]):
    """Lines of a file with a header (``columns``) from drawn ``entries``, with the problems and dyads an independent
    reading expects: ``value_problem(entry)`` checks values; ``countries`` name the source's and target's
    country columns (country names, ``ICEWS_COUNTRY``)."""
    lines, expected, dyads = ["\t".join(columns)], [], set()
    for n, entry in enumerate(entries, start=2):  # line 1 is the header
        if isinstance(entry, str):
            lines.append(entry)
            if entry:
                expected.append((n, f"columns: expected {len(columns)} tab-separated fields, found 2"))
            continue
        record = {**dict.fromkeys(columns, ""), **defaults, **entry}
        lines.append("\t".join(record[c] for c in columns) + entry.get("_tail", ""))
        fields = lines[-1].split("\t")
        problem = _expected_line_problem(fields, len(columns), read, lambda: value_problem(entry))
        source, target = (ICEWS_COUNTRY.get(entry[c], "") for c in countries)
        if problem is not None:
            expected.append((n, problem))
        elif (source == "AFG") != (target == "AFG") and {source, target} - {"AFG", ""}:
            dyads.add(tuple(fields[i] for i in read))
    return lines, expected, dyads


def _write_reading(path: Path, drawn, *reading) -> tuple[Path, list[str], list[tuple[int, str]], set]:
    """A file with a header written from ``drawn`` (entries, line ending, byte order mark or not), with what
    ``_expected_reading(entries, *reading)`` expects of it."""
    entries, newline, bom = drawn
    lines, expected, dyads = _expected_reading(entries, *reading)
    path.write_bytes((formats.BOM if bom else b"") + (newline.join(lines) + newline).encode("utf-8", "surrogateescape"))
    return path, lines, expected, dyads


def _expected_icews_problem(entry: dict) -> str | None:
    event_id, date, code, score = entry["Event ID"], entry["Event Date"], entry["CAMEO Code"], entry["Intensity"]
    checks = [
        (_digits(event_id, 18), f"Event ID: expected 1 to 18 digits, found '{event_id}'"),
        (ISO_DATES[date], f"Event Date: bad date '{date}', expected YYYY-MM-DD"),
        (len(code) >= 2 and _digits(code, 4) and code[:2] in normalize.CAMEO_ROOTS,
         f"CAMEO Code: bad CAMEO event code '{code}'"),
        (SCORE_OK[score], f"Intensity: expected a score from -10 to 10, found '{score}'"),
    ]
    return next((message for ok, message in checks if not ok), None)


icews_file = st.tuples(st.lists(st.one_of(_icews_sound, _icews_sound, _icews_fields, _icews_odd, st.just(""),
                                         st.just("a\tb")), max_size=30),
                       st.sampled_from(["\n", "\r\n"]), st.booleans())


def write_icews_file(folder: Path, drawn, year: int = 2024) -> tuple[Path, list[str], list[tuple[int, str]], set]:
    """An ICEWS file drawn by ``icews_file`` written out (``year`` names it), with the problems and dyads an
    independent reading expects."""
    return _write_reading(folder / f"events.{year}.tab", drawn, formats.ICEWS_COLUMNS, {"Story ID": "1"}, _ICEWS_READ,
                          _expected_icews_problem, ("Source Country", "Target Country"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(icews_file, min_size=1, max_size=3))
def test_icews_checks_and_dyads_agree_with_an_independent_reading(tmp_path_factory, files):
    """Yearly files in one ingest (files of one shape, a header each, in one scan)."""
    folder = tmp_path_factory.mktemp("icews")
    assert_read_as_expected("icews", [write_icews_file(folder, drawn, 2020 + k) for k, drawn in enumerate(files)])


_polecat_fields = st.fixed_dictionaries({
    "Event ID": st.sampled_from(["p1", "p2", "", "None"]),
    "Event Date": st.sampled_from([*sorted(ISO_DATES), "2024-11-30T08:15:00", "None"]),
    "Event Type": st.sampled_from(["consult", "AGREE", "accuse", "Sanction", "nope", "", "None"]),
    "Actor Country": st.sampled_from([*ICEWS_COUNTRY, "International", "", "None"]),
    "Recipient Country": st.sampled_from([*ICEWS_COUNTRY, "International", "", "None"]),
    "Actor Name": st.sampled_from(["Wang Yi", "None"]), "Recipient Name": st.sampled_from(["Taliban", ""]),
})
_polecat_sound = _polecat_fields.map(lambda f: {**f, "Event ID": "p9", "Event Date": "2024-11-30",
                                                "Event Type": "consult"})
_polecat_odd = st.tuples(st.one_of(_polecat_sound, _polecat_fields), st.sampled_from(POLECAT_COLUMNS),
                         st.sampled_from(["", "\t", "\tx"])).map(
    lambda drawn: {**drawn[0], drawn[1]: drawn[0].get(drawn[1], "") + "\udcff", "_tail": drawn[2]})
_POLECAT_READ = [POLECAT_COLUMNS.index(c) for c in ("Event ID", "Event Date", "Event Type", "Event Mode",
                                                    "Actor Name", "Actor Country", "Recipient Name",
                                                    "Recipient Country", "Source")]


def _expected_polecat_problem(entry: dict) -> str | None:
    event_id, date, kind = entry["Event ID"], entry["Event Date"], entry["Event Type"].upper()
    categories = set(codes.plover()["category"])
    checks = [
        (event_id != "", "Event ID: missing"),
        (ISO_DATES.get(date[:10], False), f"Event Date: bad date '{date}', expected YYYY-MM-DD"),
        (kind in categories, f"Event Type: unknown PLOVER category '{kind}'"),
    ]
    return next((message for ok, message in checks if not ok), None)


polecat_file = st.tuples(st.lists(st.one_of(_polecat_sound, _polecat_sound, _polecat_fields, _polecat_odd,
                                            st.just(""), st.just("a\tb")), max_size=30),
                         st.sampled_from(["\n", "\r\n"]), st.booleans())


def write_polecat_file(folder: Path, drawn, week: int = 1) -> tuple[Path, list[str], list[tuple[int, str]], set]:
    """A POLECAT file drawn by ``polecat_file`` written out (``week`` names it), with the problems and dyads an
    independent reading expects."""
    return _write_reading(folder / f"ngecEvents.{week:02d}.DV.txt", drawn, POLECAT_COLUMNS, {"Source": "s"},
                          _POLECAT_READ, _expected_polecat_problem, ("Actor Country", "Recipient Country"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(polecat_file, min_size=1, max_size=3))
def test_polecat_checks_and_dyads_agree_with_an_independent_reading(tmp_path_factory, files):
    """Weekly files in one ingest, each with either line ending and a byte order mark or not."""
    folder = tmp_path_factory.mktemp("polecat")
    assert_read_as_expected("polecat", [write_polecat_file(folder, drawn, k) for k, drawn in enumerate(files)])


# PLOVER JSON records: an array, or one record a line (JSON Lines). Actors are lists of coded actors (compound
# events), one actor, or "" (no coded actor); each pair of a source and a target is one event.
_plover_actor = st.fixed_dictionaries({"code": st.sampled_from(["AFG", "PAK", "CHN", "EUR", "afg", ""])},
                                      optional={"actorText": st.sampled_from(["Taliban", "Wang Yi", ""])})
_plover_actors = st.one_of(st.lists(_plover_actor, max_size=3), _plover_actor, st.just(""))
_plover_fields = st.fixed_dictionaries(
    {"id": st.sampled_from(["p1", "p2", "", None, 7, "None"]),
     "date": st.sampled_from([*sorted(ISO_DATES), "2024-11-30T08:15:00", None, 20241130]),
     "event": st.sampled_from(["consult", "AGREE", "Sanction", "nope", "", None, "DOCUMENT", "document"]),
     "source": _plover_actors, "target": _plover_actors},
    optional={"mode": st.sampled_from(["visit", "Phone", ""]),
              "url": st.sampled_from(["https://example.org/a", ""]), "publication": st.sampled_from(["Dawn", ""])})
_plover_sound = st.tuples(_plover_fields, _plover_actors, _plover_actors).map(
    lambda d: {**d[0], "id": "p9", "date": "2024-11-30", "event": "CONSULT", "source": d[1], "target": d[2]})
# A byte that is not UTF-8 in a string of the record, or in a key.
_plover_bad_byte = st.tuples(st.one_of(_plover_sound, _plover_fields), st.sampled_from(["id", "event", "url", "key"])).map(
    lambda d: {**d[0], "key\udcff": 1} if d[1] == "key" else {**d[0], d[1]: str(d[0].get(d[1]) or "") + "\udcff"})
_plover_entry = st.one_of(_plover_sound, _plover_sound, _plover_fields, _plover_bad_byte, st.just(5),
                          st.just(["a"]), st.just("x"), st.just(None))
plover_file = st.tuples(st.lists(st.one_of(_plover_entry, st.just("{oops"), st.just("")), max_size=25),
                        st.booleans(), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())


def _plover_codes(value) -> list[tuple[str, str]]:
    """The coded actors of a record's ``source`` or ``target`` (code, name) as PLOVER writes them; none: one empty."""
    actors = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [(str(a.get("code") or ""), str(a.get("actorText") or "")) for a in actors] or [("", "")]


def _expected_plover_problem(record) -> str | None:
    if not isinstance(record, dict):
        return "record: expected a JSON object"
    if "\udcff" in json.dumps(record, ensure_ascii=False):
        return "encoding: not valid UTF-8"
    text = {k: "" if record.get(k) in ("", None) else str(record[k]) for k in ("id", "date", "event")}
    categories = set(codes.plover()["category"])
    checks = [
        (text["id"] != "", "id: missing"),
        (ISO_DATES.get(text["date"][:10], False), f"date: bad date '{text['date']}', expected YYYY-MM-DD"),
        (text["event"].upper() in categories, f"event: unknown PLOVER category '{text['event'].upper()}'"),
    ]
    return next((message for ok, message in checks if not ok), None)


def write_plover_file(folder: Path, drawn, stem: str = "records") -> tuple[Path, int, list[tuple[int, str]], set]:
    """PLOVER records drawn by ``plover_file`` written out (``stem`` names the file), with the count of records,
    the problems and the dyads an independent reading expects (target AFG)."""
    from pariah import reference

    entries, lines_file, newline, bom, packed = drawn
    states = set(reference.state_codes())
    if not lines_file:  # an array holds neither lines that are not JSON nor blank lines
        entries = [e for e in entries if e not in ("{oops", "")]
    texts = [e if e in ("{oops", "") and lines_file else json.dumps(e, ensure_ascii=False) for e in entries]
    records, expected, dyads = 0, [], set()
    for n, (entry, text) in enumerate(zip(entries, texts), start=1):
        problem = _expected_plover_problem(entry)
        if text == "" or problem != "encoding: not valid UTF-8" and isinstance(entry, dict) \
                and entry.get("event") == "DOCUMENT":
            continue  # a blank line; PLOVER's documentation of a file, not an event (unless it cannot be read)
        records += 1
        if text == "{oops":
            expected.append((n, "record: not valid JSON: Expecting property name enclosed in double quotes"))
            continue
        if problem is not None:
            expected.append((n, problem))
            continue
        url = entry.get("url") or (f"{entry['publication']} (p9)" if entry.get("publication") else "")
        for source, source_name in _plover_codes(entry["source"]):
            for target, target_name in _plover_codes(entry["target"]):
                s, t = source.upper(), target.upper()
                if (s == "AFG") != (t == "AFG") and ({s, t} - {"AFG"}) <= states:
                    dyads.add(("p9", s, t, source_name or s, target_name or t, entry.get("mode", "").lower(), url))
    if lines_file:
        body = newline.join(texts) + newline
    else:  # an array: problems are told by the record's number in it
        body = "[" + newline + ("," + newline).join(texts) + newline + "]" + newline
    data = (formats.BOM if bom else b"") + body.encode("utf-8", "surrogateescape")
    path = folder / (f"{stem}.jsonl" if lines_file else f"{stem}.json")
    if packed:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path, records, expected, dyads


def assert_plover_read_as_expected(files: list[tuple[Path, int, list[tuple[int, str]], set]],
                                   engine: str = "duckdb"):
    """Ingest ``files`` (path, records, expected problems, dyads) in one call: the problems of each in turn, and the
    counts of records, malformed records and dyads, are as expected."""
    ledger = Ledger("sqlite://", bundled=False)
    try:
        result = events.ingest(ledger, [path for path, *_ in files], fmt="polecat", target="AFG", engine=engine,
                               spark_master="local[2]" if engine == "spark" else None)
    finally:
        ledger.close()
    assert list(result.problems) == [f"{path}:{n}: {message}" for path, _, expected, _ in files
                                     for n, message in expected]
    assert [(f.rows, f.malformed, f.matched) for f in result.files] == [
        (records, len(expected), len(dyads)) for _, records, expected, dyads in files]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=plover_file)
def test_plover_records_agree_with_an_independent_reading(tmp_path_factory, drawn):
    """Records as an array or JSON Lines (either line ending, a byte order mark or not, plain or gzipped): each
    record counted once, each malformed one reported once, whatever its number of actors."""
    assert_plover_read_as_expected([write_plover_file(tmp_path_factory.mktemp("plover"), drawn)])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plover=st.lists(plover_file, min_size=1, max_size=2), polecat=st.one_of(st.none(), polecat_file),
       tsv_first=st.booleans())
def test_plover_and_polecat_files_in_one_ingest(tmp_path_factory, plover, polecat, tsv_first):
    """PLOVER JSON files and a tab-separated POLECAT export in one ingest: each file reported on its own."""
    folder = tmp_path_factory.mktemp("mixed")
    files = [write_plover_file(folder, drawn, stem=f"records{k}") for k, drawn in enumerate(plover)]
    if polecat is not None:
        path, lines, expected, dyads = write_polecat_file(folder, polecat)
        tsv = (path, sum(1 for line in lines[1:] if line), expected, dyads)  # rows past the header
        files = [tsv, *files] if tsv_first else [*files, tsv]
    assert_plover_read_as_expected(files)
