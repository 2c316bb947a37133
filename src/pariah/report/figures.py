"""Publication figures (matplotlib, imported lazily): the index with its band, cohesion, comparisons,
leverage and the world map, as PNG (300 dpi), SVG and PDF.

Each ``*_figure`` function returns a matplotlib ``Figure``; ``save`` writes it, and ``plot_*`` does
both. What every figure keeps to, for a journal:

- the legend stands outside the axes (to their right), so it never covers data;
- each labelled act is annotated at its point on the line (``xy``: the act's date and the line's value
  there, marked by a dot), the label a few points away with a leader line to the point;
- the y axis is fitted to the data (band included) instead of a fixed 0-1 axis, so that the movement
  shows; the axis label says when the axis is cut (``axis 0.62 to 0.98 of 0 to 1``);
- ``title=False`` leaves the title out, for a caption set by the journal; the source line stays;
- one fixed style (DejaVu Sans, which matplotlib ships; fixed sizes and colours) and no dates in the
  files, so the same data give the same image on any machine.

``save(fig, "fig.png")`` writes one file by its suffix: ``.png`` (300 dpi), ``.svg`` (text kept as
text) or ``.pdf`` (TrueType fonts embedded); ``save(fig, "fig")``, without a suffix, writes
``fig.png``, ``fig.svg`` and ``fig.pdf``. Each file is written beside its destination and moved into
place when complete; a missing folder is created.

>>> import pariah
>>> from pariah import measure
>>> from pariah.report import figures
>>> ledger = pariah.Ledger("sqlite://")
>>> case, acts = ledger.case("taliban-2021"), ledger.acts("taliban-2021")
>>> fig = figures.index_figure(measure.isolation_index(case, acts), case, acts)
>>> figures.save(fig, "taliban-index")                   # doctest: +SKIP
[PosixPath('taliban-index.png'), PosixPath('taliban-index.svg'), PosixPath('taliban-index.pdf')]
>>> figures.figure_paths("figs/index.pdf")
[PosixPath('figs/index.pdf')]
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from pariah import reference
from pariah.exceptions import InvalidArgument, InvalidFile

KEY_ACTS = {"recognize": "recognizes", "withdraw_recognition": "withdraws recognition",
            "accept_ambassador": "accepts ambassador", "appoint_ambassador": "sends ambassador",
            "expel_envoy": "expels envoy", "suspend_membership": "suspends", "readmit_membership": "readmits"}
SOURCE = "Source: pariah ledger of sourced diplomatic acts"

#: The file formats ``save`` writes, in this order when a path has no suffix.
FORMATS = ("png", "svg", "pdf")
DPI = 300
SIZE = (8.0, 4.5)   # inches: the figure's size in every format

#: Colours that stay apart for readers with colour-blindness (Okabe and Ito), for several cases on one axis.
CYCLE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

#: The one style of every figure, set while it is built and while it is written.
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 10, "axes.labelsize": 8,
    "xtick.labelsize": 7, "ytick.labelsize": 7, "legend.fontsize": 7, "legend.frameon": False,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6, "axes.axisbelow": True, "lines.solid_capstyle": "butt",
    "figure.facecolor": "white", "savefig.facecolor": "white",
    "svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42,
}   # and the colour cycle CYCLE (set in _style)
#: Points between a label and the point it names: the first step, and the step between rows of labels.
LABEL_OFFSET, LABEL_STEP = 14.0, 10.0


# ---- files ---------------------------------------------------------------------------------------


def figure_paths(path: str | Path) -> list[Path]:
    """The files ``save`` writes for ``path``: the path itself for a ``.png``, ``.svg`` or ``.pdf``
    suffix, the three of them for a path without a suffix."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return [path]
    if not path.suffix:
        return [path.with_name(f"{path.name}.{fmt}") for fmt in FORMATS]
    raise InvalidArgument(f"figure file {path}: expected a .png, .svg or .pdf suffix, or none for all three "
                          f"({path.with_suffix('')}.png, .svg and .pdf)")


def save(fig, path: str | Path, *, formats: Iterable[str] | None = None, dpi: int = DPI) -> list[Path]:
    """Write ``fig`` to ``path`` (see ``figure_paths``), or to ``path`` with each of ``formats``
    as suffix; close it; return the files written. ``dpi``: the PNG's resolution."""
    if formats is not None:
        chosen = [f.lower() for f in formats]
        bad = [f for f in chosen if f not in FORMATS]
        if bad:
            raise InvalidArgument(f"figure format {bad[0]!r}: expected {', '.join(FORMATS)}")
        paths = [Path(f"{path}.{fmt}") for fmt in dict.fromkeys(chosen)]
    else:
        paths = figure_paths(path)
    plt = _pyplot()
    try:
        with _style():
            for target in paths:
                _save_one(fig, target, dpi)
    finally:
        plt.close(fig)
    return paths


def _save_one(fig, path: Path, dpi: int) -> None:
    import matplotlib

    fmt = path.suffix.lower().lstrip(".")
    # no date in any file: the same figure gives the same bytes
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    tmp = path.with_name(f".{path.name}.partial")
    salt = matplotlib.rcParams["svg.hashsalt"] or path.stem   # ids unique per file, the same every run
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with matplotlib.rc_context({"svg.hashsalt": salt}):
            fig.savefig(tmp, format=fmt, dpi=dpi if fmt == "png" else "figure", metadata=metadata)
        tmp.replace(path)
    except OSError as e:
        raise InvalidFile(f"{path}: cannot write the figure: {e.strerror or e}; choose a folder you can write to") from None
    finally:
        with contextlib.suppress(OSError):   # nothing left, or no folder to leave it in
            tmp.unlink()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@contextlib.contextmanager
def _style():
    import matplotlib
    from cycler import cycler

    with matplotlib.rc_context({**STYLE, "axes.prop_cycle": cycler(color=list(CYCLE))}):
        yield


def _figure(size: tuple[float, float] = SIZE, *, change_panel: bool = False):
    """A figure and its axes, the layout leaving room for the legend outside the axes and the source
    line below; with ``change_panel``, a second, lower axes on the same x axis for the change since start."""
    plt = _pyplot()
    if not change_panel:
        fig = plt.figure(figsize=size, layout="constrained")
        return fig, [fig.add_subplot()]
    fig = plt.figure(figsize=(size[0], size[1] + 1.3), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 1.25)})
    top.tick_params(labelbottom=False)
    return fig, [top, bottom]


def _finish(fig, ax, *, title: str | None, notes: Sequence[str], handles: Sequence | None = None) -> Any:
    """Title (unless left out), the legend outside the axes, the source line (wrapped) below."""
    import textwrap

    if title:
        ax.set_title(plain_text(title), loc="left")
    handles = list(handles) if handles is not None else ax.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside right upper")
    text = textwrap.fill("; ".join(n.rstrip(".") for n in notes) + ".", width=165)
    lines = text.count("\n") + 1
    height = fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, (0.06 + 0.12 * lines) / height, 1, 1 - (0.06 + 0.12 * lines) / height))
    fig.text(0.01, 0.04 / height, text, fontsize=6.5, color="#555555", ha="left", va="bottom")
    return fig


def _change_panel(ax, x, values: pd.Series, color: str) -> None:
    """Change since the first value, in the series' own units, on the lower panel."""
    change = values.to_numpy(dtype=float) - float(values.iloc[0])
    ax.axhline(0, color="#999999", lw=0.6)
    ax.plot(x, change, color=color, lw=1.4, label="_change")


# ---- axes that show the movement, and labels at their points ------------------------------------


def fit_axis(ax, values: Iterable[float], label: str, *, bounds: tuple[float, float] = (0.0, 1.0),
             pad: float = 0.08, min_span: float = 0.05, say_cut: bool = True) -> tuple[float, float]:
    """Set the y axis to the data's range (padded, within ``bounds``) and, with ``say_cut``, say in the
    label when that cuts the full scale. Returns the limits."""
    data = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    lo_b, hi_b = bounds
    if data.size == 0:
        low, high = lo_b, hi_b
    else:
        low, high = float(data.min()), float(data.max())
        span = max(high - low, min_span)
        middle = (low + high) / 2
        low = max(lo_b, middle - span / 2 - pad * span)
        high = min(hi_b, middle + span / 2 + pad * span)
    ax.set_ylim(low, high)
    cut = low > lo_b + 1e-9 or high < hi_b - 1e-9
    ax.set_ylabel(f"{label}\n(axis {low:.2f} to {high:.2f} of {lo_b:g} to {hi_b:g})" if cut and say_cut else label)
    return low, high


def _value_at(dates: pd.Series, values: pd.Series, when: pd.Timestamp) -> float:
    """The drawn line's value at ``when`` (linear between its points, as the line is drawn)."""
    x = dates.map(pd.Timestamp.toordinal).to_numpy(dtype=float)
    return float(np.interp(when.toordinal(), x, values.to_numpy(dtype=float)))


def annotate_points(fig, ax, points: list[tuple[Any, float, str]], *, color: str = "#333333"):
    """Label each ``(x, y, text)`` at its point: a dot at ``(x, y)`` in data coordinates, the text a few
    points away with a leader line to the point. Each label takes the first place, nearest first, that
    stays inside the axes and overlaps no label placed before it. Returns the annotations."""
    if not points:
        return []
    ax.plot([x for x, _, _ in points], [y for _, y, _ in points], ls="none", marker="o", ms=3.2, color=color,
            zorder=5, label="_labelled points")
    notes = [ax.annotate(text, xy=(x, y), xycoords="data", xytext=(0, LABEL_OFFSET), textcoords="offset points",
                         fontsize=6.5, color=color, zorder=6, annotation_clip=False,
                         arrowprops=dict(arrowstyle="-", lw=0.5, color="#777777", shrinkA=0, shrinkB=2.5))
             for x, y, text in points]
    _place_labels(fig, ax, notes)
    return notes


def _place_labels(fig, ax, notes) -> None:
    """Try places nearest first: free of other labels and of the drawn lines; failing that, free of
    other labels; failing that, the nearest place on the side away from the nearer edge."""
    from matplotlib.text import Text

    fig.canvas.draw()   # the layout, so that sizes in points are final
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    lines = _line_points(fig, ax)
    placed: list = []
    for note in notes:
        px, py = ax.transData.transform((ax.convert_xunits(note.xy[0]), note.xy[1]))
        prefer_up = (py - frame.y0) / (frame.height or 1) < 0.55
        prefer_right = (px - frame.x0) / (frame.width or 1) < 0.75
        candidates = [((4 if right else -4, (LABEL_OFFSET + LABEL_STEP * (rank // 2)) *
                        (1 if (rank % 2 == 0) == prefer_up else -1)), right)
                      for rank in range(12) for right in (prefer_right, not prefer_right)]
        best = None
        for avoid_lines in (True, False):
            for offset, right in candidates:
                note.xyann = offset
                note.set_ha("left" if right else "right")
                note.set_va("bottom" if offset[1] > 0 else "top")
                box = Text.get_window_extent(note, renderer).padded(1.5)   # the text alone, not its leader line
                inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                if inside and not any(box.overlaps(other) for other in placed) and \
                        not (avoid_lines and len(lines) and box.count_contains(lines)):
                    best = (note.xyann, note.get_ha(), note.get_va())
                    break
            if best:
                break
        if best is None:
            best = ((4 if prefer_right else -4, LABEL_OFFSET if prefer_up else -LABEL_OFFSET),
                    "left" if prefer_right else "right", "bottom" if prefer_up else "top")
        note.xyann, ha, va = best
        note.set_ha(ha)
        note.set_va(va)
        placed.append(Text.get_window_extent(note, renderer))


def _line_points(fig, ax) -> np.ndarray:
    """Points along every line drawn in ``ax`` and its twins, in display coordinates (steps as drawn)."""
    from matplotlib.cbook import STEP_LOOKUP_MAP

    out = []
    for other in fig.axes:
        if other.get_position().bounds != ax.get_position().bounds:
            continue
        for line in other.lines:
            if line.get_linestyle() in ("None", "none", " ", "") or len(line.get_xdata()) < 2:
                continue
            x = np.asarray(other.convert_xunits(line.get_xdata()), dtype=float)
            y = np.asarray(line.get_ydata(), dtype=float)
            x, y = STEP_LOOKUP_MAP[line.get_drawstyle()](x, y)
            points = other.transData.transform(np.column_stack([x, y]))
            steps = np.linspace(0, 1, 12)[:-1, None, None]
            dense = points[:-1][None] + steps * (points[1:] - points[:-1])[None]
            out.append(np.vstack([dense.reshape(-1, 2), points[-1:]]))
    return np.vstack(out) if out else np.empty((0, 2))


# ---- the figures ---------------------------------------------------------------------------------


def plain_text(text: str) -> str:
    """``text`` as matplotlib shows it literally: a ``$`` escaped, so that a name such as
    ``$\\frac{1}{$`` is drawn as written instead of being parsed (and failing) as mathtext."""
    return str(text).replace("$", r"\$")


def key_acts(case, acts: pd.DataFrame, limit: int = 6) -> pd.DataFrame:
    """The acts worth a label: recognition and ambassador moves by the P5, the coalition leader and organizations."""
    big = set(reference.bloc_members("P5")) | {case.coalition_leader}
    if acts.empty:
        return acts
    chosen = acts[acts["act"].isin(KEY_ACTS) & (acts["actor"].isin(big) | acts["actor"].map(reference.is_organization))]
    chosen = chosen.drop_duplicates(subset=["actor", "act"], keep="first")
    return chosen.sort_values("day").head(limit)


def index_figure(index: pd.DataFrame, case, acts: pd.DataFrame | None = None, *, title: bool = True):
    """The isolation index over time with its sensitivity band shaded and key acts labelled at the line;
    below, the index's change since the case start."""
    with _style():
        fig, (ax, low) = _figure(change_panel=True)
        dates = pd.to_datetime(index["date"])
        ax.fill_between(dates, index["low"], index["high"], color="#9ecae1", alpha=0.5, lw=0, label="sensitivity band")
        ax.plot(dates, index["index"], color="#08519c", lw=1.8, label=f"index ({index['scheme'].iloc[0]} weights)")
        fit_axis(ax, [*index["index"], *index["low"], *index["high"]], "isolation index\n(1 = no relations above 'none')")
        if len(index):
            _change_panel(low, dates, index["index"], "#08519c")
            fit_axis(low, index["index"] - index["index"].iloc[0], "change since start", bounds=(-1, 1),
                     min_span=0.02, say_cut=False)
        low.set_xlabel("date")
        points = []
        if acts is not None and len(dates):
            for row in key_acts(case, acts).itertuples():
                when = pd.Timestamp(row.day)
                if dates.min() <= when <= dates.max():
                    points.append((when, _value_at(dates, index["index"], when), f"{row.actor} {KEY_ACTS[row.act]}"))
        notes = [f"{SOURCE} (case {case.id})", "band: min-max over weighting schemes and score mappings",
                 "lower panel: the index minus its value at the start"]
        _finish(fig, ax, title=f"Isolation index: {case.name}" if title else None,
                notes=notes + (["labels: key acts, at the index on their date"] if points else []))
        annotate_points(fig, ax, points)
    return fig


def cohesion_figure(cohesion: pd.DataFrame, case, defections: pd.DataFrame | None = None, *, title: bool = True):
    """Coalition cohesion over time (the core, and the consensus dashed) with each defection from the
    core labelled at the line, and the black knights."""
    tiers = dict(tuple(cohesion.groupby("tier", sort=False))) if "tier" in cohesion else {"core": cohesion}
    consensus = tiers.get("consensus")
    cohesion = tiers["core"]
    if defections is not None and "tier" in defections:
        defections = defections[defections["tier"] == "core"]
    with _style():
        fig, (ax,) = _figure()
        dates = pd.to_datetime(cohesion["date"])
        line, = ax.plot(dates, cohesion["cohesion"], color="#a50f15", lw=1.8, label="core coalition (left axis)")
        lines = [line]
        if consensus is not None:
            dashed, = ax.plot(pd.to_datetime(consensus["date"]), consensus["cohesion"], color="#a50f15", lw=1.1, ls="--",
                              label="consensus (left axis)")
            lines.append(dashed)
        fit_axis(ax, [*cohesion["cohesion"], *([] if consensus is None else consensus["cohesion"])],
                 "weighted share of members holding")
        ax.set_xlabel("date")
        ax2 = ax.twinx()
        ax2.spines["right"].set_visible(True)
        ax2.grid(False)
        step, = ax2.step(dates, cohesion["black_knights"], where="post", color="#555555", lw=1,
                         label="black knights (right axis)")
        most = int(cohesion["black_knights"].max()) if len(cohesion) else 0
        ax2.set_ylim(0, max(1, most) * 1.15 + 0.5)
        ax2.yaxis.get_major_locator().set_params(integer=True)
        ax2.set_ylabel("black knights (states)")
        points = []
        if defections is not None and len(dates):
            for row in defections.itertuples():
                when = pd.Timestamp(row.date)
                if dates.min() <= when <= dates.max():
                    points.append((when, _value_at(dates, cohesion["cohesion"], when), str(row.state)))
        _finish(fig, ax, title=f"Coalition cohesion: {case.name}" if title else None, handles=[*lines, step],
                notes=[f"{SOURCE} (case {case.id})", "labels: core members, at cohesion on the date they defected"])
        annotate_points(fig, ax, points, color="#a50f15")
    return fig


def compare_figure(frame: pd.DataFrame, *, align: str = "start", title: bool = True):
    """Several cases' indices on one axis, each with its band; below, each index's change since its start."""
    with _style():
        fig, (ax, low) = _figure(change_panel=True)
        changes = []
        for case_id, part in frame.groupby("case", sort=False):
            x = part["month"] if align == "start" else pd.to_datetime(part["date"])
            kind = f" ({part['kind'].iat[0]})" if "kind" in part else ""
            line, = ax.plot(x, part["index"], lw=1.6, label=f"{case_id}{kind}")
            ax.fill_between(x, part["low"], part["high"], color=line.get_color(), alpha=0.15, lw=0)
            _change_panel(low, x, part["index"], line.get_color())
            changes.extend(part["index"] - part["index"].iloc[0])
        fit_axis(ax, [*frame["index"], *frame["low"], *frame["high"]], "isolation index")
        fit_axis(low, changes, "change since start", bounds=(-1, 1), min_span=0.02, say_cut=False)
        low.set_xlabel("months since case start" if align == "start" else "date")
        _finish(fig, ax, title="Isolation index compared" if title else None,
                notes=[SOURCE, "shaded: sensitivity band of each case", "lower panel: each index minus its value at its start"])
    return fig


def leverage_figure(frame: pd.DataFrame, case, *, title: bool = True):
    """Withheld value, supplied value and leverage over time."""
    with _style():
        fig, (ax,) = _figure()
        dates = pd.to_datetime(frame["date"])
        ax.plot(dates, frame["withheld"], color="#2171b5", lw=1.4, label="withheld by the coalition")
        ax.plot(dates, frame["supplied"], color="#cb181d", lw=1.4, label="supplied by black knights")
        ax.plot(dates, frame["leverage"], color="black", lw=2.0, label="leverage")
        fit_axis(ax, frame[["withheld", "supplied", "leverage"]].to_numpy().ravel(), "share of the value of relations")
        ax.set_xlabel("date")
        _finish(fig, ax, title=f"Leverage of nonrecognition: {case.name}" if title else None,
                notes=[f"{SOURCE} (case {case.id})", "leverage = withheld x (1 - supplied) x credibility"])
    return fig


def leverage_compare_figure(frame: pd.DataFrame, *, title: bool = True):
    """Several cases' leverage at matched months since their start."""
    with _style():
        fig, (ax,) = _figure()
        for case_id, part in frame.groupby("case", sort=False):
            ax.plot(part["month"], part["leverage"], lw=1.6, label=str(case_id))
        fit_axis(ax, frame["leverage"], "leverage (withheld x (1 - supplied))")
        ax.set_xlabel("months since case start")
        _finish(fig, ax, title="Leverage of the coalition, months since case start" if title else None,
                notes=[SOURCE, "default values of relations, credibility not applied"])
    return fig


def map_figure(levels: dict[str, int], *, hostile: frozenset[str] | set[str] = frozenset(), target: str | None = None,
               title: str = "", note: str = ""):
    """The world map of ladder levels (the drawing of ``pariah.present.maps.map_svg``): each state in
    ``levels`` filled by its level, hostile states outlined, the target highlighted, the legend with
    counts below the map."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Circle, Patch, PathPatch
    from matplotlib.path import Path as MplPath

    from pariah.present import maps

    (x0, y0, width, height), shapes = maps.outline_shapes()
    with _style():
        plt = _pyplot()
        fig = plt.figure(figsize=(SIZE[0], SIZE[0] * height / width + (1.0 if title else 0.75)), layout="constrained")
        fig.get_layout_engine().set(rect=(0, 0.2 / fig.get_figheight(), 1, 1 - 0.2 / fig.get_figheight()))
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_aspect("equal")
        by_style: dict[tuple[str, bool], tuple[list, list]] = {}   # one compound path per fill and outline
        for shape in shapes:
            fill = maps.state_fill(shape.state, levels, target)
            edge = shape.state in hostile and shape.state in levels
            paths, circles = by_style.setdefault((fill, edge), ([], []))
            paths.extend(MplPath(vertices, codes) for vertices, codes in shape.paths)
            circles.extend(Circle((cx, cy), r) for cx, cy, r in shape.circles)
        for (fill, edge), (paths, circles) in by_style.items():
            style: dict[str, Any] = dict(facecolor=fill, edgecolor=maps.HOSTILE_STROKE if edge else "#ffffff",
                                         linewidth=0.6 if edge else 0.2, zorder=3 if edge else 2)
            if paths:
                ax.add_patch(PathPatch(MplPath.make_compound_path(*paths), **style))
            if circles:
                ax.add_collection(PatchCollection(circles, **style))
        ax.set_xlim(x0, x0 + width)
        ax.set_ylim(y0 + height, y0)   # SVG's y axis points down
        legend = [Patch(facecolor=colour, edgecolor="#888888", lw=0.5, label=text)
                  for colour, text in maps.legend_entries(levels)]
        legend.append(Patch(facecolor="none", edgecolor=maps.HOSTILE_STROKE, lw=1.2, label="outline: hostile flag"))
        ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=5)
        if title:
            ax.set_title(plain_text(title), loc="left")
        fig.text(0.01, 0.04 / fig.get_figheight(), (note + "; " if note else "") + maps.SOURCE, fontsize=6.5,
                 color="#555555", ha="left", va="bottom")
    return fig


# ---- build and write -----------------------------------------------------------------------------


def plot_index(index: pd.DataFrame, case, path: str | Path, acts: pd.DataFrame | None = None, *,
               title: bool = True) -> list[Path]:
    """Write ``index_figure`` to ``path`` (see ``save``)."""
    return save(index_figure(index, case, acts, title=title), path)


def plot_cohesion(cohesion: pd.DataFrame, case, path: str | Path, defections: pd.DataFrame | None = None, *,
                  title: bool = True) -> list[Path]:
    """Write ``cohesion_figure`` to ``path`` (see ``save``)."""
    return save(cohesion_figure(cohesion, case, defections, title=title), path)


def plot_compare(frame: pd.DataFrame, path: str | Path, align: str = "start", *, title: bool = True) -> list[Path]:
    """Write ``compare_figure`` to ``path`` (see ``save``)."""
    return save(compare_figure(frame, align=align, title=title), path)


def plot_leverage(frame: pd.DataFrame, case, path: str | Path, *, title: bool = True) -> list[Path]:
    """Write ``leverage_figure`` to ``path`` (see ``save``)."""
    return save(leverage_figure(frame, case, title=title), path)


def plot_leverage_compare(frame: pd.DataFrame, path: str | Path, *, title: bool = True) -> list[Path]:
    """Write ``leverage_compare_figure`` to ``path`` (see ``save``)."""
    return save(leverage_compare_figure(frame, title=title), path)
