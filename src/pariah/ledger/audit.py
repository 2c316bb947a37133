"""The checks a curator runs before publishing (``pariah audit``), and the ones an import enforces.

Each check looks at acts as the ledger holds them (or as an import is about to
write them) and names what is wrong, with a severity:

| check | severity | an act is flagged when |
|---|---|---|
| ``single_source`` | error | it moves the ladder, is ``high``, and cites one source that is not a primary one |
| ``future`` | error | its date begins after today |
| ``outside_case`` | error | its date ends before the case's start or begins after its end |
| ``self_act`` | error | its actor is the case's target |
| ``known_before_date`` | error | ``known_from`` ends before its date begins |
| ``mirror_source`` | warning | every domain it cites is a known reprint site (``reference/mirrors.csv``) |
| ``source_dated_after`` | warning | its earliest dated source is more than 60 days after the act |
| ``shared_source`` | warning | one URL is the only source of more than 5 acts of the case |
| ``duplicate_event`` | warning | the same actor has another act of the same family within 7 days |

Sources are the parts of ``source`` separated by `` | ``; a part's date is the
first ``YYYY-MM-DD`` (or ``YYYY-MM``) it holds, its domain that of its URL. A
primary source is the acting government's or the UN's own page: a domain in
``reference/primary_sources.csv``, or a government domain (``.gov``, ``.gov.xx``,
``.gouv.xx``, ``.gob.xx``, ``.mil``). An import refuses every act that an error
check flags; warnings are for the curator.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from importlib import resources
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from pariah.acts import BY_NAME, LADDER_ACTS
from pariah.dates import date_bounds

if TYPE_CHECKING:
    from pariah.case import Case

COLUMNS = ["case", "id", "date", "actor", "act", "check", "severity", "message"]
ERRORS = ("single_source", "future", "outside_case", "self_act", "known_before_date")
#: The exchange-format column each error check is about (for ``FILE:LINE: column: message``).
COLUMN_OF = {"single_source": "source", "future": "date", "outside_case": "date", "self_act": "actor",
             "known_before_date": "known_from"}
LATE_SOURCE_DAYS = 60
SHARED_SOURCE_ACTS = 5
DUPLICATE_DAYS = 7

_URL = re.compile(r"https?://[^\s|,;<>\"']+")
_DAY = re.compile(r"(?<![0-9])([0-9]{4}-[0-9]{2}(?:-[0-9]{2})?)(?![0-9])")
_GOVERNMENT = re.compile(r"(^|\.)(gov|mil)(\.[a-z]{2})?$|(^|\.)(gov|gouv|gob|go)\.[a-z]{2}$")


@functools.cache
def _domains(name: str) -> dict[str, str]:
    path = resources.files("pariah.reference").joinpath(name)
    with path.open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    return dict(zip(table["domain"].str.lower(), table["reason"]))


def mirror_domains() -> dict[str, str]:
    """Reprint sites, aggregators and content farms: domain -> why it is not a reporting outlet."""
    return _domains("mirrors.csv")


def primary_domains() -> dict[str, str]:
    """Domains of governments and the UN that count as a primary source: domain -> whose it is."""
    return _domains("primary_sources.csv")


def citations(source: str) -> list[str]:
    """The citations of a ``source`` field (separated by ``|`` with spaces around it)."""
    return [part.strip() for part in re.split(r"\s\|\s", source or "") if part.strip()]


def domain(citation: str) -> str | None:
    """The host of a citation's URL without ``www.``, lower case; None without a URL."""
    match = _URL.search(citation)
    if not match:
        return None
    host = (urlsplit(match.group(0)).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _within(host: str, table: dict[str, str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in table)


def is_primary(citation: str) -> bool:
    host = domain(citation)
    return host is not None and (_within(host, primary_domains()) or bool(_GOVERNMENT.search(host)))


def is_mirror(citation: str) -> bool:
    host = domain(citation)
    return host is not None and _within(host, mirror_domains())


def citation_date(citation: str) -> dt.date | None:
    """The first ``YYYY-MM-DD`` or ``YYYY-MM`` outside the citation's URL, as its first day."""
    text = _URL.sub(" ", citation)
    for match in _DAY.finditer(text):
        try:
            return date_bounds(match.group(1))[0]
        except Exception:  # noqa: BLE001 - a number that only looks like a date
            continue
    return None


def row_errors(frame: pd.DataFrame, cases: dict[str, "Case"], today: dt.date | None = None) -> list[tuple[int, str, str]]:
    """The error checks, row by row: ``(position, check, message)`` for every act that fails one.

    ``frame`` has the ledger's columns (``case_id, date, actor, act, source, confidence, known_from``);
    ``cases`` maps case ids to their definitions. Each check is one vectorized test over the frame, and
    every distinct date or source is parsed once (an import of a million rows runs them all).
    """
    today = today or dt.date.today()
    if frame.empty:
        return []
    bounds = {d: date_bounds(d) for d in pd.unique(frame["date"])}
    first = frame["date"].map({d: b[0] for d, b in bounds.items()})
    last = frame["date"].map({d: b[1] for d, b in bounds.items()})
    out: list[tuple[int, str, str]] = []

    def flag(mask: pd.Series, check: str, message) -> None:
        for i in mask.to_numpy().nonzero()[0]:
            out.append((int(i), check, message(i)))

    # rated high, moving the ladder, with no second citation: only these rows' sources are read further
    alone = (frame["act"].isin(LADDER_ACTS) & (frame["confidence"] == "high")
             & ~frame["source"].str.contains(" | ", regex=False))
    sources = frame["source"].to_numpy()
    for i in np.flatnonzero(alone.to_numpy()):
        cited = citations(sources[i])
        alone.iat[i] = len(cited) == 1 and not is_primary(cited[0])
    flag(alone, "single_source",
         lambda i: "a ladder-moving act rated high cites one source; add a second, independent report "
                   "(' | ' between them), or rate it medium")
    flag(first > today, "future",
         lambda i: f"{frame['date'].iat[i]} is after today ({today}); an act is recorded once it took effect")
    known_cases = frame["case_id"].isin(list(cases))
    starts = frame["case_id"].map({c: case.start for c, case in cases.items()}).where(known_cases, dt.date.min)
    ends = frame["case_id"].map({c: case.end or dt.date.max for c, case in cases.items()}).where(known_cases, dt.date.max)
    def outside(i: int) -> str:
        case = cases[frame["case_id"].iat[i]]
        return f"{frame['date'].iat[i]} is outside the case {case.id} ({case.start} to {case.end or 'today'})"

    flag((last < starts) | (first > ends), "outside_case", outside)
    targets = frame["case_id"].map({c: case.target for c, case in cases.items()})
    flag(frame["actor"] == targets, "self_act",
         lambda i: f"the actor {frame['actor'].iat[i]} is the case's target; record what others do toward it")
    known = frame["known_from"].where(frame["known_from"].notna(), "").astype(str)
    known_last = {k: date_bounds(k)[1] if k else dt.date.max for k in pd.unique(known)}
    early = known.map(known_last) < first
    flag(early, "known_before_date",
         lambda i: f"known_from {known.iat[i]} is before the date {frame['date'].iat[i]}; "
                   "an act cannot be public before it happens")
    return sorted(out, key=lambda e: (e[0], ERRORS.index(e[1])))


def audit(case: "Case", acts: pd.DataFrame, *, today: dt.date | None = None) -> pd.DataFrame:
    """Every check on one case's current acts (``Ledger.acts(case.id)``): rows ``case, id, date, actor,
    act, check, severity, message``, errors first."""
    acts = acts.reset_index(drop=True)
    rows = []

    def flag(i: int, check: str, message: str) -> None:
        r = acts.iloc[i]
        rows.append({"case": case.id, "id": r["act_id"], "date": r["date"], "actor": r["actor"], "act": r["act"],
                     "check": check, "severity": "error" if check in ERRORS else "warning", "message": message})

    for i, check, message in row_errors(acts, {case.id: case}, today):
        flag(i, check, message)
    only_source: dict[str, list[int]] = {}
    for i, r in enumerate(acts.itertuples(index=False)):
        cited = citations(r.source)
        if cited and all(is_mirror(c) for c in cited):
            flag(i, "mirror_source", f"every source is a reprint site ({', '.join(sorted({domain(c) or '' for c in cited}))}); "
                                     "cite the reporting outlet")
        dated = [d for d in (citation_date(c) for c in cited) if d is not None]
        start = date_bounds(r.date)[0]
        if dated and (min(dated) - start).days > LATE_SOURCE_DAYS:
            flag(i, "source_dated_after", f"the earliest dated source ({min(dated)}) is {(min(dated) - start).days} days "
                                          "after the act; cite a report from the time")
        urls = {m.group(0).rstrip(".") for c in cited for m in [_URL.search(c)] if m}
        if len(urls) == 1:
            only_source.setdefault(urls.pop(), []).append(i)
    for url, positions in only_source.items():
        if len(positions) > SHARED_SOURCE_ACTS:
            for i in positions:
                flag(i, "shared_source", f"{url} is the only source of {len(positions)} acts; check each against a "
                                         "second report")
    for i, j in _same_event(acts):
        other = acts.iloc[j]
        flag(i, "duplicate_event", f"{acts.iloc[i]['actor']} also has {other['act']} on {other['date']} "
                                   f"({other['act_id']}); one event told twice?")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    order = {"error": 0, "warning": 1}
    return frame.sort_values(["severity", "date", "id", "check"], key=lambda s: s.map(order) if s.name == "severity" else s,
                             kind="stable").reset_index(drop=True)


def _same_event(acts: pd.DataFrame) -> Iterable[tuple[int, int]]:
    """Pairs (later act, earlier act) of one actor and one family of act types within ``DUPLICATE_DAYS``."""
    family = acts["act"].map(lambda a: BY_NAME[a].family)
    days = pd.to_datetime(acts["day"])
    skip = {"other", "consensus", "contact"}
    for (_, fam), group in acts.assign(family=family, _day=days).groupby(["actor", "family"], sort=False):
        if fam in skip or len(group) < 2:
            continue
        group = group.sort_values("_day", kind="stable")
        positions, stamps = list(group.index), list(group["_day"])
        for k in range(1, len(positions)):
            if (stamps[k] - stamps[k - 1]).days <= DUPLICATE_DAYS:
                yield positions[k], positions[k - 1]


def audit_ledger(ledger, case_ids: list[str] | None = None, *, today: dt.date | None = None) -> pd.DataFrame:
    """``audit`` over several cases of a ledger (all by default)."""
    ids = case_ids or [c.id for c in ledger.cases()]
    frames = [audit(ledger.case(i), ledger.acts(i), today=today) for i in ids]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
