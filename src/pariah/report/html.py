"""The full case report: one self-contained HTML file, and the figures as files.

The report holds, for one case: the world map of ladder levels at chosen dates,
the isolation index with its sensitivity band, coalition cohesion with the
defections and the black knights, the status of every state above ``none`` (or
hostile) with its source, the acts with their sources, and a summary of the
methods. Everything is inline (the maps and charts are SVG, the style a
``<style>`` block): the file opens offline and runs no script at all; its own
Content-Security-Policy forbids scripts and every outside load.

>>> import pariah
>>> from pariah.report import html
>>> ledger = pariah.Ledger("sqlite://")
>>> case = ledger.case("taliban-2021")
>>> report = html.build(case, ledger.acts(case.id), map_dates=["2021-08-15", "2023-09-01"])
>>> report.write_html("taliban.html")                       # doctest: +SKIP
>>> report.write_figures("figures/")             # index, cohesion, maps: .png, .svg, .pdf   # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from pariah import ladder, measure, reference
from pariah.dates import to_date
from pariah.panels import default_as_of
from pariah.exceptions import InvalidArgument, InvalidDate

#: The report's own policy: styles inline, images as data, nothing else (no script, no outside load).
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
FIGURE_FORMATS = ("png", "svg", "pdf")   # pariah.report.figures.FORMATS, without importing matplotlib


@dataclasses.dataclass
class Report:
    """Everything one report shows, computed once; write it as HTML, as figure files, or both."""

    case: Any
    acts: pd.DataFrame | None
    as_of: dt.date
    known_on: dt.date | None
    status: list[dict[str, Any]]
    map_dates: list[dt.date]
    generated: dt.datetime
    forecast: list[dict[str, Any]] | None = None
    digest: str | None = None

    # ---- computed parts (the library's answers, as records) -----------------------------

    @property
    def full(self) -> bool:
        """False for a status-only report (made without the acts)."""
        return self.acts is not None

    @property
    def counts(self) -> dict[str, int]:
        counts = {name: 0 for name in ladder.LEVEL_NAMES}
        for row in self.status:
            counts[row["level_name"]] += 1
        return counts

    def index_frame(self) -> pd.DataFrame:
        return measure.isolation_index(self.case, self.acts, end=self.as_of, freq="month")

    def cohesion_frame(self) -> pd.DataFrame:
        return measure.cohesion(self.case, self.acts, end=self.as_of, freq="month")

    def defections(self) -> list[dict[str, Any]]:
        from pariah.present import records

        return records.defection_records(self.case, self.acts, self.as_of)

    def knights(self) -> list[dict[str, Any]]:
        from pariah.present import records

        return records.knight_records(self.case, self.acts, self.as_of)

    def map_levels(self) -> list[tuple[str, dict[str, int], frozenset[str]]]:
        """For each chosen date: ``(date, level of each state, hostile states)``."""
        from pariah.present import records

        frames = records.map_frames(self.case, self.acts, self.map_dates)
        out = []
        for i, date in enumerate(frames.dates):
            levels, hostile = frames.at(i)
            out.append((date, levels, frozenset(hostile)))
        return out

    def maps(self) -> list[dict[str, Any]]:
        """One coloured map per chosen date: ``date``, ``svg``, ``counts``."""
        from pariah.present import maps

        out = []
        for date, levels, hostile in self.map_levels():
            names = {s: reference.name(s) for s in levels}
            counts = {name: 0 for name in ladder.LEVEL_NAMES}
            for level in levels.values():
                counts[ladder.LEVEL_NAMES[level]] += 1
            svg = maps.map_svg(levels, hostile=hostile, target=self.case.target, names=names,
                               title=self._map_title(date), note=self._map_note())
            out.append({"date": date, "svg": svg, "counts": counts})
        return out

    def _map_title(self, date: str) -> str:
        return f"{self.case.name}: ladder levels on {date}"

    def _map_note(self) -> str:
        return f"pariah ledger, case {self.case.id}" + (f", known on {self.known_on}" if self.known_on else "")

    def brief_html(self) -> str:
        """The brief on the report's date (``pariah.brief.brief_of``) as HTML."""
        from pariah.brief import brief_of
        from pariah.present import brief as words

        return words.html_fragment(brief_of(self.case, self.acts, as_of=self.as_of, known_on=self.known_on,
                                            digest=self.digest))

    def citation(self):
        """How to cite the report (``pariah.present.citation``): None for a status-only report."""
        from pariah.present.citation import citation

        if self.digest is None or self.acts is None:
            return None
        return citation(self.case, self.digest, len(self.acts), accessed=self.generated.date(),
                        parameters={"as_of": self.as_of, "known_on": self.known_on})

    # ---- output ----------------------------------------------------------------------

    def write_html(self, path: str | Path) -> Path:
        """Write the report as one HTML file (moved into place only when complete)."""
        from markupsafe import Markup

        from pariah.present import pages, records

        context: dict[str, Any] = dict(
            root=None, case=records.case_info(self.case), as_of=self.as_of.isoformat(),
            known_on=self.known_on.isoformat() if self.known_on else "", generated=self.generated.strftime("%Y-%m-%d %H:%M UTC"),
            status=[r for r in self.status if r["level"] >= 2 or r["hostile"]], status_total=len(self.status),
            counts=self.counts, full=self.full, csp=REPORT_CSP, css=Markup(pages.static_text("pariah.css")),
            citation=self.citation(),
        )
        if self.full:
            index = self.index_frame()
            cohesion = self.cohesion_frame()
            defections = self.defections()
            context.update(
                maps=[dict(m, svg=Markup(m["svg"])) for m in self.maps()],
                index_svg=Markup(self._chart("index", index)), cohesion_svg=Markup(self._chart("cohesion", cohesion, defections)),
                now=records.records(index.tail(1))[0], first=records.records(index.head(1))[0],
                cohesion_now={row["tier"]: row for row in records.records(cohesion[cohesion["date"] == cohesion["date"].max()])}, defections=defections, knights=self.knights(),
                acts=records.act_records(self.acts), forecast=self.forecast, brief=Markup(self.brief_html()),
            )
        page = pages.render("report.html", **context)
        return write_text(Path(path), page)

    def write_figures(self, folder: str | Path, formats: str | Iterable[str] = FIGURE_FORMATS, *,
                      title: bool = True) -> list[Path]:
        """Write ``index``, ``cohesion`` and one ``map-DATE`` per chosen date into ``folder`` (created if
        needed), each in every one of ``formats`` (``png`` at 300 dpi, ``svg``, ``pdf``; default all
        three), drawn by ``pariah.report.figures``; ``title=False`` leaves the titles out."""
        from pariah.report import figures

        chosen = [formats] if isinstance(formats, str) else list(formats)
        bad = [f for f in chosen if f not in FIGURE_FORMATS]
        if bad or not chosen:
            raise InvalidArgument(f"figure format {bad[0] if bad else ''!r}: expected {', '.join(FIGURE_FORMATS)}")
        if not self.full:
            raise InvalidArgument("figures need the case's acts; build the report with them")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = figures.save(figures.index_figure(self.index_frame(), self.case, self.acts, title=title),
                             folder / "index", formats=chosen)
        paths += figures.save(figures.cohesion_figure(self.cohesion_frame(), self.case,
                                                      measure.defections(self.case, self.acts, as_of=self.as_of),
                                                      title=title), folder / "cohesion", formats=chosen)
        for date, levels, hostile in self.map_levels():
            fig = figures.map_figure(levels, hostile=hostile, target=self.case.target,
                                     title=self._map_title(date) if title else "", note=self._map_note())
            paths += figures.save(fig, folder / f"map-{date}", formats=chosen)
        return paths

    def _chart(self, kind: str, frame: pd.DataFrame, defections: list[dict[str, Any]] | None = None) -> str:
        """A figure of ``pariah.report.figures`` as inline SVG markup (text kept as text)."""
        import matplotlib

        from pariah.report import figures

        with tempfile.TemporaryDirectory() as tmp, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": kind}):
            path = Path(tmp) / f"{kind}.svg"
            if kind == "index":
                fig = figures.index_figure(frame, self.case, self.acts)
            else:
                fig = figures.cohesion_figure(frame, self.case, pd.DataFrame(defections or [], columns=["state", "tier", "date"]))
            figures.save(fig, path)
            text = path.read_text(encoding="utf-8")
        return text[text.index("<svg"):]


def build(case, acts: pd.DataFrame | None, *, as_of: str | dt.date | None = None, known_on: str | dt.date | None = None,
          map_dates: Iterable[str | dt.date] | None = None, status: pd.DataFrame | None = None,
          forecast: list[dict] | None = None, digest: str | None = None) -> Report:
    """Gather a case's report.

    ``acts``: the case's current acts (``Ledger.acts``); None gives a status-only report.
    ``as_of``: the report's date (default: today or the case end). ``known_on``: only acts public by
    then, for every part of the report. ``map_dates``: the dates of the maps (default: the start,
    the middle of the period and ``as_of``). ``status``: a status frame already computed for ``as_of``.
    ``digest``: the ledger digest the citation quotes (default: ``Ledger.digest`` of ``acts``).
    """
    from pariah.ledger.store import acts_digest
    from pariah.present import records

    as_of_d = _date(as_of, "as_of") or default_as_of(case)
    known = _date(known_on, "known_on")
    if digest is None and acts is not None:
        digest = acts_digest(acts)  # of the ledger's acts, before any knowledge-date cut
    if acts is not None and known is not None:
        acts = acts[np.array([k <= known for k in acts["known_on"]], dtype=bool)].reset_index(drop=True)
    if map_dates:
        dates = sorted({d for d in (_date(x, "map date") for x in map_dates) if d is not None})
        outside = [d for d in dates if d < case.start or d > as_of_d]
        if outside:
            raise InvalidArgument(f"map date {outside[0]}: outside the case period {case.start} to {as_of_d}; "
                              "choose dates in it")
    else:
        middle = case.start + (as_of_d - case.start) / 2
        dates = sorted({case.start, middle.replace(day=1) if middle.replace(day=1) > case.start else middle, as_of_d})
    if status is not None:
        rows = records.records(status)
        for row in rows:
            row.setdefault("as_of", as_of_d.isoformat())
    elif acts is not None:
        rows = records.status_records(case, acts, as_of_d)
    else:
        raise InvalidArgument("a report needs the case's acts or its status")
    return Report(case, acts, as_of_d, known, rows, dates, dt.datetime.now(dt.timezone.utc), forecast, digest)


def case_report(case, acts: pd.DataFrame, path: str | Path, **options) -> Path:
    """Write the full report of a case to ``path`` (see ``build`` for the options)."""
    return build(case, acts, **options).write_html(path)


def status_report(case, status: pd.DataFrame, as_of: dt.date, path: str | Path,
                  acts: pd.DataFrame | None = None) -> Path:
    """The report for ``pariah demo``: with ``acts``, the full report; without, its status-only form
    (the status table with sources, the case and the methods). Prefer ``case_report``."""
    return build(case, acts, as_of=as_of, status=status).write_html(path)


def _date(value, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return to_date(value)
    except InvalidDate as e:
        raise InvalidArgument(f"{name}: {e}") from None


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` next to ``path`` and move it in place: never half a file."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path
