"""How to cite a view of pariah's data: the version, the ledger digest, the date accessed, the URL (or
the parameters) of the view. Built once here; ``pariah cite``, the case page and the report all use it.

The digest (``Ledger.digest``) is the SHA-256 of the case's canonical CSV export: the same ledger
gives the same digest on any machine, and any added or corrected act changes it, so a reader can
check that the data they hold are the data cited.

>>> import datetime as dt
>>> c = Citation("taliban-2021", "The Taliban's Islamic Emirate since 2021", "0.1.0", "sha256:" + "0" * 64, 309,
...              dt.date(2026, 1, 5), url="http://127.0.0.1:8000/cases/taliban-2021?as_of=2024-02-01")
>>> print(c.text())
pariah 0.1.0, "The Taliban's Islamic Emirate since 2021" (case taliban-2021, 309 acts), ledger digest sha256:0000000000000000000000000000000000000000000000000000000000000000, http://127.0.0.1:8000/cases/taliban-2021?as_of=2024-02-01, accessed 2026-01-05.
>>> c.csl_json()[0]["accessed"]
{'date-parts': [[2026, 1, 5]]}
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

#: Who the software is credited to (as in CITATION.cff).
AUTHOR = "pariah contributors"
FORMATS = ("text", "bibtex", "csl-json")


@dataclasses.dataclass(frozen=True)
class Citation:
    """One citation of one case's data as pariah shows them."""

    case_id: str
    case_name: str
    version: str
    digest: str
    acts: int
    accessed: dt.date
    url: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def view(self) -> str:
        """Where the cited view is: its URL, else its parameters (``as_of=2025-12-31``), else nothing."""
        if self.url:
            return self.url
        return ", ".join(f"{k}={v}" for k, v in self.parameters)

    @property
    def title(self) -> str:
        return f"{self.case_name} (case {self.case_id})"

    def text(self) -> str:
        """One line, for a footnote or a reference list."""
        view = f", {self.view}" if self.view else ""
        return (f'pariah {self.version}, "{self.case_name}" (case {self.case_id}, {self.acts} acts), '
                f"ledger digest {self.digest}{view}, accessed {self.accessed.isoformat()}.")

    def bibtex(self) -> str:
        """A BibTeX ``@misc`` entry (biblatex reads ``urldate`` and ``version``)."""
        key = re.sub(r"[^A-Za-z0-9]+", "-", f"pariah-{self.case_id}-{self.accessed.isoformat()}")
        fields = [("title", self.title), ("author", "{" + AUTHOR + "}"), ("year", str(self.accessed.year)),
                  ("version", self.version), ("note", f"pariah {self.version}; ledger digest {self.digest}; "
                                                      f"{self.acts} acts" + (f"; {self.view}" if self.view and not self.url else ""))]
        if self.url:
            fields += [("howpublished", "\\url{" + self.url + "}"), ("url", self.url)]
        fields.append(("urldate", self.accessed.isoformat()))
        body = ",\n".join(f"  {name} = {{{value if name in ('author', 'howpublished', 'url') else _tex(value)}}}"
                          for name, value in fields)
        return f"@misc{{{key},\n{body}\n}}"

    def csl_json(self) -> list[dict[str, Any]]:
        """A CSL-JSON list of one ``dataset`` item (what Zotero, Pandoc and citeproc read)."""
        item: dict[str, Any] = {
            "id": f"pariah-{self.case_id}-{self.accessed.isoformat()}", "type": "dataset", "title": self.title,
            "author": [{"literal": AUTHOR}], "version": self.version, "publisher": "pariah",
            "issued": {"date-parts": [[self.accessed.year]]},
            "accessed": {"date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]},
            "note": f"ledger digest {self.digest}; {self.acts} acts" + (f"; {self.view}" if self.view and not self.url else ""),
        }
        if self.url:
            item["URL"] = self.url
        return [item]

    def render(self, fmt: str) -> str:
        """The citation as ``text``, ``bibtex`` or ``csl-json``."""
        if fmt == "bibtex":
            return self.bibtex()
        if fmt == "csl-json":
            from pariah.present.tables import to_json

            return to_json(self.csl_json(), indent=2)
        return self.text()


def _tex(text: str) -> str:
    """Escape BibTeX's special characters in a field."""
    return re.sub(r"([&%$#_{}])", r"\\\1", text).replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def citation(case, digest: str, acts: int, *, url: str | None = None, parameters: dict[str, Any] | None = None,
             accessed: dt.date | None = None) -> Citation:
    """The citation of a case's data (a ``Case``, its ledger digest and number of acts) as seen at ``url``
    or with ``parameters`` (those that are set), accessed on ``accessed`` (default: today, UTC)."""
    import pariah

    shown = tuple((k, str(v)) for k, v in (parameters or {}).items() if v not in (None, ""))
    return Citation(case.id, case.name, pariah.__version__, digest, int(acts),
                    accessed or dt.datetime.now(dt.timezone.utc).date(), url, shown)


def cite(ledger, case_id: str, *, url: str | None = None, parameters: dict[str, Any] | None = None,
         accessed: dt.date | None = None) -> Citation:
    """The citation of one case of a ledger (``Ledger.digest`` of its current acts)."""
    case = ledger.case(case_id)
    counts = ledger.act_counts()
    return citation(case, ledger.digest(case_id), counts.get(case_id, 0), url=url, parameters=parameters,
                    accessed=accessed)
