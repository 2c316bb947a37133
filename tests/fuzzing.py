"""Hostile inputs and the contract they are held to, shared by ``tests/test_fuzz.py`` (bounded, in every
test run) and ``bench/fuzz.py`` (as long as asked).

Files: encodings, separators, line endings, NULs, control and zero-width characters, long fields,
columns given twice or unknown, blank lines, stray quotes; CSV and JSON Lines. Requests: paths,
query parameters and bodies of the web app, with and without the write token.

The contract: an import either succeeds, or exits with status 2 and prints only
``FILE:LINE: column: message`` lines (then ``... and N more`` and its one summary line), never a
traceback, and leaves the database as it was; what was imported exports, re-imports and re-exports
byte for byte. A request is never answered 500, always carries the security headers, and an API
error is JSON with a ``detail``; nothing but an accepted ``POST /api/acts`` changes the database.
"""
from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from pariah import case as case_module
from pariah.cli import app
from pariah.ledger import Ledger
from pariah.ledger.schema import EXCHANGE_COLUMNS

CASE_ID = "test-case"
TOKEN = "fuzz-token-0123456789abcdef"
SECURITY = {"content-security-policy", "x-content-type-options"}
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<column>[^:]+?): (?P<message>.+)$")


class Violation(AssertionError):
    """A breach of the contract; ``kind`` is one of ``bench/fuzz.py``'s counters."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


# ---- strategies ----------------------------------------------------------------------------------

HOSTILE = ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u200b", "\u200d", "\u2060", "\ufeff",
           "\u2028", "\u2029", "\u202e", "\r", "\n", "\r\n", '"', '""', ",", ";", "\t", "|", "'", "\\", "$",
           "%00", "é", "中", "\U0001f600", "\ud7ff", " ", "<script>", "=1+1"]
VALID = {
    "case": [CASE_ID],
    "date": ["2022-03-04", "2023-05", "2024", "2021-09-30"],
    "actor": ["CHN", "PAK", "RUS", "IRN", "QAT", "UN", "China", "Pakistan"],
    "act": ["official_visit", "accept_envoy", "sign_agreement", "other", "host_visit"],
    "description": ["An envoy was received.", "A delegation visited, and talked.", 'It said "no".'],
    "source": ["Outlet, https://example.org/a | Other, https://example.net/b", "Ministry, 2024-01-02"],
    "confidence": ["medium", "low", ""],
    "known_from": ["", "2024-06-01"],
    "id": ["", "fz-1", "fz-2", "fz-3"],
}

hostile_text = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=3), min_size=1, max_size=6).map("".join)


@st.composite
def value(draw, column: str) -> str:
    """Mostly a value the importer accepts, sometimes a hostile one, now and then a very long one."""
    kind = draw(st.integers(0, 9))
    if kind < 7:
        return draw(st.sampled_from(VALID[column]))
    if kind < 9:
        good = draw(st.sampled_from(VALID[column]))
        at = draw(st.integers(0, len(good)))
        return good[:at] + draw(hostile_text) + good[at:]
    return draw(st.sampled_from(["x" * 131_073, "y" * 131_072, "\u200b" * 50]))


@st.composite
def import_files(draw) -> tuple[str, bytes]:
    """``(suffix, bytes)`` of a CSV or JSON Lines file, built as a writer would, then damaged."""
    fmt = draw(st.sampled_from([".csv", ".csv", ".csv", ".jsonl"]))
    columns = list(EXCHANGE_COLUMNS)
    if draw(st.integers(0, 3)) == 0:  # a file the importer accepts, with text that is hard to write back
        return fmt, _clean_file(draw, fmt)
    change = draw(st.integers(0, 9))
    if change == 0:
        columns[draw(st.integers(0, 8))] = draw(st.sampled_from(columns))  # a column twice
    elif change == 1:
        columns.pop(draw(st.integers(0, 8)))
    elif change == 2:
        columns.append(draw(st.sampled_from(["colour", "Case", " date", "id\x00"])))
    rows = [{c: draw(value(c if c in VALID else "description")) for c in columns}
            for _ in range(draw(st.integers(0, 5)))]
    if fmt == ".jsonl":
        lines = [json.dumps(dict(zip(columns, r.values())), ensure_ascii=draw(st.booleans())) for r in rows]
        if draw(st.booleans()) and lines:
            lines[draw(st.integers(0, len(lines) - 1))] = draw(st.sampled_from(
                ['{"date": 1}', "[" * 5000, '{"description": "\\ud800"}', "null", '{"a": 1, "a": 2}', "{"]))
        body = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ",", ",", ";", "\t", "|"])),
                            lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])),
                            quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
        writer.writerow(columns)
        for r in rows:
            cells = list(r.values())
            if draw(st.integers(0, 9)) == 0 and cells:
                cells = cells[:-1] if draw(st.booleans()) else cells + ["extra"]
            writer.writerow(cells)
        body = buffer.getvalue()
        for _ in range(draw(st.integers(0, 2))):
            at = draw(st.integers(0, len(body)))
            body = body[:at] + draw(st.sampled_from(["\n", "\n\n", '"', '"abc"def', "\x00", "\r"])) + body[at:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    data = body.encode(encoding, errors="replace") if encoding != "utf-8" else body.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 19)) == 0:
        data = draw(st.sampled_from([b"", b"\n" * 1000, b"\xff\xfe\x00", b"PAR1\x00\x00", data[: len(data) // 2]]))
    return fmt, data


#: Characters an act's text may hold that a writer must still get right (quotes, separators, line separators).
BENIGN = ['"', ",", "\n", "\u2028", "\u2029", "\x85", "$", "\U0001f600", "中", "é", "'", ";", "\t", "\\"]


def _clean_file(draw, fmt: str) -> bytes:
    rows = []
    for i in range(draw(st.integers(1, 4))):
        row = {c: draw(st.sampled_from(VALID[c])) for c in EXCHANGE_COLUMNS}
        row["id"] = f"fz-{draw(st.integers(0, 30))}-{i}"
        row["description"] += "".join(draw(st.lists(st.sampled_from(BENIGN), max_size=4)))
        rows.append(row)
    if fmt == ".jsonl":
        return "".join(json.dumps(r, ensure_ascii=draw(st.booleans())) + "\n" for r in rows).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(EXCHANGE_COLUMNS), lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


PATHS = ["/", "/compare", "/cases/{c}", "/cases/{c}/states/{s}", "/api/cases", "/api/cases/{c}",
         "/api/cases/{c}/status", "/api/cases/{c}/index", "/api/cases/{c}/cohesion", "/api/cases/{c}/defections",
         "/api/cases/{c}/black-knights", "/api/cases/{c}/map", "/api/cases/{c}/acts", "/api/cases/{c}/states/{s}",
         "/api/compare", "/api/acts", "/api/docs", "/api/openapi.json", "/static/{s}", "/vendor/{s}", "/{s}"]
PARAMS = ["as_of", "known_on", "from", "to", "freq", "weights", "actor", "cases", "align", "case", "asof"]
segment = st.one_of(st.sampled_from([CASE_ID, "taliban-2021", "CHN", "chn", "..", "%00", "%ED%A0%80", "%2e%2e%2f",
                                     "a" * 300, "%FF", "app.css", "plotly.min.js"]),
                    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#"), max_size=12))
param_value = st.one_of(st.sampled_from(["2024-01-01", "2024-13", "0000", "9999-12-31", "month", "day", "equal",
                                         "population", "x" * 2000, "\x00", "CHN", f"{CASE_ID},{CASE_ID}", ""]),
                        st.text(max_size=12))
body = st.one_of(
    st.just(None),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                 max_leaves=10).map(lambda v: json.dumps(v).encode()),
    st.lists(st.fixed_dictionaries({c: value(c) for c in EXCHANGE_COLUMNS}), max_size=3).map(
        lambda rows: json.dumps(rows).encode("utf-8", "surrogatepass")),
    st.sampled_from([b"[" * 100_000, b'[{"description": "\\ud800"}]', b"\xff\xfe", b"{" * 10 + b"}" * 10,
                     b'[{"a": 1, "a": 2}]']),
    st.binary(max_size=64),
)


@st.composite
def requests(draw) -> dict:
    template = draw(st.sampled_from(PATHS))
    # a client sends a path percent-encoded (a raw control character is not a URL); what is encoded stays
    path = template.replace("{c}", quote(draw(segment), safe="%")).replace("{s}", quote(draw(segment), safe="%"))
    params = draw(st.lists(st.tuples(st.sampled_from(PARAMS), param_value), max_size=3))
    method = "POST" if template == "/api/acts" and draw(st.integers(0, 3)) else draw(st.sampled_from(["GET", "GET", "HEAD", "POST", "PUT"]))
    auth = draw(st.sampled_from([None, TOKEN, TOKEN, "wrong"]))
    return {"method": method, "path": path, "params": params, "body": draw(body) if method in ("POST", "PUT") else None,
            "auth": auth}


# ---- the contract --------------------------------------------------------------------------------


class Contract:
    """A database (the bundled cases and the test case) and the checks every hostile input must pass."""

    def __init__(self, folder: Path, case_yaml: str):
        self.folder = folder
        self.url = f"sqlite:///{folder / 'fuzz.sqlite'}"
        self.ledger = Ledger(self.url)  # the bundled cases in, as the command line would load them on first use
        self.case = case_module.loads(case_yaml)
        self.ledger.add_case(self.case)
        self.cli = CliRunner()
        self.tried = 0
        self.verdicts: Counter[str] = Counter()
        self._client = None

    def state(self) -> tuple:
        """What any write would change: the revisions (append-only) and the cases."""
        with self.ledger.engine.connect() as conn:
            acts = conn.execute(text("SELECT count(*), max(rev) FROM acts")).one()
            cases = conn.execute(text("SELECT id, definition FROM cases ORDER BY id")).all()
        return tuple(acts), tuple(map(tuple, cases))

    # -- files

    def import_file(self, suffix: str, data: bytes) -> str:
        """Import one file through the command line; ``accepted`` or ``rejected``, or a ``Violation``."""
        self.tried += 1
        path = Path(tempfile.mkstemp(dir=self.folder, suffix=suffix)[1])
        path.write_bytes(data)
        before = self.state()
        result = self.cli.invoke(app, ["--db", self.url, "import", str(path), "--case", CASE_ID])
        output = result.output
        if "Traceback" in output:
            raise Violation("tracebacks", output[-2000:])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise Violation("crashes", f"{type(result.exception).__name__}: {result.exception}")
        if result.exit_code == 0:
            self.round_trip()
            self.verdicts["accepted"] += 1
            return "accepted"
        if self.state() != before:
            raise Violation("db_changed_on_reject", output[-2000:])
        lines = output.strip().splitlines()
        if result.exit_code != 2 or not lines or not lines[-1].startswith("import rejected: "):
            raise Violation("crashes", f"exit {result.exit_code}: {output[-2000:]}")
        for line in lines[:-1]:
            if not PROBLEM.match(line) and not re.fullmatch(r"\.\.\. and \d+ more", line):
                raise Violation("crashes", f"not FILE:LINE: column: message: {line!r}")
        self.verdicts["rejected"] += 1
        return "rejected"

    def round_trip(self) -> None:
        """Export the test case, import it into a fresh ledger, export again: the same bytes."""
        for fmt in ("csv", "jsonl"):
            first = self.folder / f"first.{fmt}"
            self.ledger.export(first, case_id=CASE_ID, fmt=fmt)
            fresh = Ledger("sqlite://", bundled=False)
            fresh.add_case(self.case)
            try:
                fresh.import_files([first])
            except Exception as e:
                raise Violation("roundtrip", f"{fmt} export does not re-import: {e}") from None
            second = self.folder / f"second.{fmt}"
            fresh.export(second, case_id=CASE_ID, fmt=fmt)
            fresh.close()
            if first.read_bytes() != second.read_bytes():
                raise Violation("roundtrip", f"{fmt} export -> import -> export differs")

    # -- requests

    @property
    def client(self):
        if self._client is None:
            from fastapi.testclient import TestClient

            from pariah.web import create_app

            self._client = TestClient(create_app(self.ledger, write_token=TOKEN, cache_seconds=None),
                                      raise_server_exceptions=False)
        return self._client

    def _server_traceback(self, method: str, path: str, params: list, body: bytes | None, headers: dict) -> str:
        """The same request again, on a client that raises the server's exception: its last lines, for the report."""
        import traceback

        from fastapi.testclient import TestClient

        try:
            TestClient(self.client.app, raise_server_exceptions=True).request(method, path, params=params,
                                                                               content=body, headers=headers)
        except Exception as e:
            return "\n" + "".join(traceback.format_exception(e)[-6:])
        return " (not raised again)"

    def request(self, method: str, path: str, params: list, body: bytes | None, auth: str | None) -> int:
        self.tried += 1
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        before = self.state()
        try:
            answer = self.client.request(method, path, params=params, content=body, headers=headers)
        except Exception as e:
            raise Violation("crashes", f"{method} {path} {params!r}: {type(e).__name__}: {e}") from None
        where = f"{method} {path} {params!r} {(body or b'')[:200]!r}"
        if answer.status_code >= 500:
            raise Violation("http_500", f"{answer.status_code} on {where}: {answer.text[:300]}"
                                        f"{self._server_traceback(method, path, params, body, headers)}")
        if not SECURITY <= set(answer.headers):
            raise Violation("crashes", f"no security headers on {where}")
        if answer.status_code >= 400 and path.startswith("/api/") and method != "HEAD" and path != "/api/docs":
            if "detail" not in answer.json():
                raise Violation("crashes", f"no detail on {where}")
        accepted = method == "POST" and path == "/api/acts" and answer.status_code == 200
        if not accepted and self.state() != before:
            raise Violation("db_changed_on_reject", where)
        if accepted:
            self.round_trip()
        return answer.status_code
