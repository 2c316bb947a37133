"""The coverage section of docs/DATA.md: per bundled case, acts by type and by year, confidence, the share
of ladder-moving acts sourced twice (two citations from different domains, or one primary source), and
the audit summary. ``python -m pariah.ledger.coverage`` prints it; a test fails when docs/DATA.md differs."""
from __future__ import annotations

import pandas as pd

from pariah.acts import LADDER_ACTS
from pariah.ledger.audit import audit, citations, domain, is_primary


def sourced_twice(source: str) -> bool:
    """Two citations from different outlets (by domain, or by name without a URL), or one primary source."""
    cited = citations(source)
    if any(is_primary(c) for c in cited):
        return True
    outlets = {domain(c) or c.split(",")[0].strip().lower() for c in cited}
    return len(outlets) >= 2


def coverage_markdown() -> str:
    from pariah.cases import bundled_files
    from pariah.ledger import Ledger

    ledger = Ledger("sqlite://")
    parts = []
    for yaml_path, _ in bundled_files():
        case = ledger.case(yaml_path.stem)
        frame = ledger.acts(case.id)
        year = frame["date"].str[:4]
        moving = frame[frame["act"].isin(LADDER_ACTS)]
        twice = int(moving["source"].map(sourced_twice).sum())
        share = f"{twice} of {len(moving)} ({100 * twice / len(moving):.0f}%)" if len(moving) else "none"
        checks = audit(case, frame)
        summary = checks.groupby(["severity", "check"]).size()
        found = ", ".join(f"{n} {check} ({severity})" for (severity, check), n in summary.items()) or "nothing"
        parts.append(f"### {case.id}\n\n{len(frame)} acts by {frame['actor'].nunique()} actors, "
                     f"{year.min()} to {year.max()}; confidence: "
                     + ", ".join(f"{frame['confidence'].eq(c).sum()} {c}" for c in ("high", "medium", "low")) + ".\n"
                     f"Ladder-moving acts sourced twice: {share}. Audit: {found}.\n")
        by_type = frame["act"].value_counts().sort_index()
        parts.append("| act | acts |\n|---|---|\n" + "".join(f"| `{k}` | {v} |\n" for k, v in by_type.items()))
        by_year = year.value_counts().sort_index()
        parts.append("\n| year | " + " | ".join(by_year.index) + " |\n|---|" + "---|" * len(by_year)
                     + "\n| acts | " + " | ".join(str(v) for v in by_year.values) + " |\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(coverage_markdown(), end="")
