"""The brief as words: sentences an analyst can paste, every figure linked to the acts behind it.

``sections(brief)`` turns ``pariah.brief.brief``'s dictionary into headed lists of sentences; a
sentence is a list of fragments, each a text or a ``Link(text, url)``. ``markdown``, ``text`` and
``html`` write those same sentences, so the three formats never say different things.
"""
from __future__ import annotations

import dataclasses
import html as _html
import re
from typing import Any, Iterable, Union

_URL = re.compile(r"https?://[^\s|,;<>\"']+")


@dataclasses.dataclass(frozen=True)
class Link:
    text: str
    url: str


Fragment = Union[str, Link]
Sentence = list[Fragment]


def first_url(source: str) -> str:
    """The first http(s) URL of a source text ('' when it names none)."""
    match = _URL.search(source or "")
    return match.group(0) if match else ""


def _state(member: dict[str, Any], detail: str = "") -> Fragment:
    label = f"{member['name']}{detail}"
    url = first_url(member.get("source", ""))
    return Link(label, url) if url else label


def _join(items: list[Fragment]) -> Sentence:
    """``a, b and c`` with the fragments kept."""
    out: Sentence = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out.append(item)
    return out


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def _of(names: list[str], total: int, what: str) -> str:
    return f"{len(names)} of the {total} {what}" + (f" ({', '.join(names)})" if names else "")


def sections(b: dict[str, Any]) -> list[tuple[str, list[Sentence]]]:
    """Headed lists of sentences, in the order a brief reads."""
    case, idx = b["case"], b["index"]
    out: list[tuple[str, list[Sentence]]] = []

    headline: list[Sentence] = [[
        f"On {b['as_of']} the isolation index of {case['name']} stands at {idx['index']:.3f} "
        f"({idx['scheme']} weights; {idx['low']:.3f} to {idx['high']:.3f} across score mappings, "
        f"{idx['all_low']:.3f} to {idx['all_high']:.3f} across every weighting), "
        f"{_signed(idx['change_start'])} since the start of the case ({idx['at_start']:.3f} on {case['start']})"
        + (f" and {_signed(idx['change_12m'])} over the last 12 months." if idx["change_12m"] is not None
           else "; the case is less than a year old."),
    ]]
    out.append(("Headline", headline))

    levels: list[Sentence] = []
    for row in reversed(b["levels"]):
        if not row["at_or_above"]:
            levels.append([f"No state is at {row['level_name']} or above."])
            continue
        shown = row["members"][:12]
        names: list[Fragment] = [_state(m, f" ({m['level_name']} since {m['since']})") for m in shown]
        if len(row["members"]) > len(shown):
            names.append(f"{len(row['members']) - len(shown)} more")
        share = "" if row["population_share"] is None else f", {100 * row['population_share']:.0f}% of their population"
        levels.append([
            f"{row['at_or_above']} of {row['counted']} states {'is' if row['at_or_above'] == 1 else 'are'} "
            f"at {row['level_name']} or above "
            f"({100 * row['share_of_states']:.0f}% of the states counted{share}; "
            f"{_of(row['p5'], row['p5_of'], 'P5')}, {_of(row['g20'], row['g20_of'], 'G20')}, "
            f"{_of(row['neighbours'], row['neighbours_of'], 'neighbours')}, "
            f"{_of(row['region'], row['region_of'], 'other states of ' + str(row['region_name']))}): ",
            *_join(names), ".",
        ])
    out.append(("Where states stand", levels))

    moved: list[Sentence] = []
    for m in b["moved"]:
        url = first_url(m["source"])
        act = Link(m["act"], url) if url else m["act"]
        moved.append([f"{m['date']}: {m['name']} moved from {m['from_level_name']} to {m['level_name']} (", act, ")."])
    if not moved:
        moved.append(["No act changed a state's level in the 12 months to this date."])
    out.append(("What moved in the last 12 months", moved))

    tiers: list[Sentence] = []
    for tier, label in (("core", "the core coalition"), ("consensus", "the consensus")):
        rows = b["defections"][tier]
        c = b["cohesion"][tier]
        intro = (f"Cohesion of {label}: {100 * c['cohesion']:.0f}% ({c['holding']} of {c['members']} members holding, "
                 f"{c['defected']} defected).")
        if rows:
            tiers.append([intro, f" {len(rows)} defection{'s' if len(rows) != 1 else ''} from {label}: ",
                          *_join([_state(r, f" ({r['date']}, {r['act']} to {r['level_name']})") for r in rows]), "."])
        else:
            tiers.append([intro, f" No member of {label} has defected."])
    knights = b["black_knights"]
    if knights:
        tiers.append([f"{len(knights)} black knight{'s' if len(knights) != 1 else ''} (states outside the core at missions or "
                      "above; * marks a member of the consensus): ",
                      *_join([f"{k['name']}{' *' if k['consensus'] else ''} ({k['level_name']})" for k in knights]), "."])
    else:
        tiers.append(["No state outside the core supplies what it withholds."])
    out.append(("Who broke ranks", tiers))

    lev = b["leverage"]
    if lev["leverage"] is None:
        out.append(("Leverage", [[f"Leverage cannot be computed: {lev['note']}."]]))
    else:
        out.append(("Leverage", [[
            f"The core withholds {lev['withheld']:.3f} of the value of relations, black knights supply "
            f"{lev['supplied']:.3f}, credibility {lev['credibility']:.3f}: leverage {lev['leverage']:.3f}"
            + (f" ({lev['note']})." if lev["note"] else "."),
        ]]))

    if b["next"]:
        out.append(("Most likely to move next", [[
            f"Within 12 months, to {case['level']}: ",
            *_join([f"{r['name']} {100 * r['p']:.0f}% ({100 * r['p_low']:.0f} to {100 * r['p_high']:.0f})"
                    for r in b["next"]]), ".",
        ]]))
    digest = f"Ledger {case['ledger_digest']}; every" if case.get("ledger_digest") else "Every"
    out.append(("About these figures", [[n] for n in b["notes"]] + [[
        f"{digest} figure is computed by pariah from the acts it links to."]]))
    return out


def _render(fragments: Iterable[Fragment], link, plain) -> str:
    return "".join(link(f) if isinstance(f, Link) else plain(f) for f in fragments)


def markdown(b: dict[str, Any]) -> str:
    """A one-page brief in Markdown, every state named linked to the source of its act."""
    def esc(text: str) -> str:
        return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)

    lines = [f"# {esc(b['case']['name'])}: brief on {b['as_of']}", ""]
    for heading, sentences in sections(b):
        lines += [f"## {heading}", ""]
        lines += ["- " + _render(s, lambda f: f"[{esc(f.text)}](<{f.url}>)", esc) for s in sentences]
        lines.append("")
    return "\n".join(lines)


def text(b: dict[str, Any]) -> str:
    """The brief as plain text (the terminal's table format)."""
    lines = [f"{b['case']['name']}: brief on {b['as_of']}", ""]
    for heading, sentences in sections(b):
        lines += [heading, *("  " + _render(s, lambda f: f.text, str) for s in sentences), ""]
    return "\n".join(lines)


def html_fragment(b: dict[str, Any]) -> str:
    """The brief's sections as HTML (escaped, links with ``rel="noopener noreferrer"``)."""
    def link(f: Link) -> str:
        return f'<a href="{_html.escape(f.url)}" rel="noopener noreferrer">{_html.escape(f.text)}</a>'

    parts = [f'<h2>Brief on {_html.escape(b["as_of"])}</h2>']
    for heading, sentences in sections(b):
        parts.append(f"<h3>{_html.escape(heading)}</h3><ul>")
        parts += [f"<li>{_render(s, link, _html.escape)}</li>" for s in sentences]
        parts.append("</ul>")
    return "\n".join(parts)


def html_page(b: dict[str, Any]) -> str:
    """A self-contained one-page brief: the fragment with the stylesheet inlined."""
    from pariah.present import pages

    title = _html.escape(f"{b['case']['name']}: brief on {b['as_of']}")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
            f"<style>{pages.static_text('pariah.css')}</style></head><body><main><h1>{title}</h1>\n"
            f'<section class="brief" id="brief">{html_fragment(b)}</section>\n</main></body></html>\n')
