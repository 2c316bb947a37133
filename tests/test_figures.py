"""The publication figures: the same image from the same data (compared with the images under
tests/baseline/), no legend over the data, every label at the point it names, no title when asked,
a y axis fitted to the data, and each file format as a journal takes it.

The data here are small and fixed (not the bundled ledger, which grows), so that an image changes
only when the drawing does. To redraw the baselines after a deliberate change of the figures:

    PARIAH_UPDATE_BASELINES=1 python -m pytest tests/test_figures.py
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.testing.compare import compare_images
from matplotlib.text import Annotation, Text

from pariah.present import maps
from pariah.report import figures

BASELINE = Path(__file__).resolve().parent / "baseline"
#: RMS difference allowed between a drawing and its baseline (0-255 grey levels): room for a
#: rasterizer's rounding, far below a moved line, label or legend.
TOLERANCE = 1.0
TEST_DPI = 80   # the baselines' resolution: small files; the 300 dpi of real figures is tested apart

CASE = SimpleNamespace(id="fixed-case", name="A fixed case for figure tests", coalition_leader="USA", target="AFG")
MONTHS = pd.date_range("2021-09-01", periods=40, freq="MS")


def _index_frame() -> pd.DataFrame:
    steps = np.r_[np.linspace(0.99, 0.95, 10), np.full(12, 0.95), np.linspace(0.95, 0.90, 6), np.full(12, 0.965)]
    return pd.DataFrame({"date": MONTHS.date, "index": steps, "low": steps - np.linspace(0.02, 0.12, 40),
                         "high": np.minimum(1.0, steps + 0.02), "scheme": "equal"})


def _acts() -> pd.DataFrame:
    rows = [("2022-03-10", "CHN", "accept_ambassador"), ("2022-04-02", "CHN", "appoint_ambassador"),
            ("2023-02-15", "RUS", "recognize"), ("2023-03-01", "RUS", "accept_ambassador"),
            ("2024-06-20", "USA", "expel_envoy"), ("2022-08-01", "PAK", "official_visit")]
    frame = pd.DataFrame(rows, columns=["day", "actor", "act"])
    frame["day"] = [dt.date.fromisoformat(d) for d in frame["day"]]
    return frame


def _cohesion_frame() -> pd.DataFrame:
    holding = np.r_[np.full(5, 1.0), np.full(10, 0.9), np.full(10, 0.82), np.full(15, 0.78)]
    knights = np.r_[np.full(8, 2), np.full(12, 4), np.full(20, 6)]
    consensus = np.r_[np.full(8, 1.0), np.full(17, 0.7), np.full(15, 0.55)]
    core = pd.DataFrame({"date": MONTHS.date, "tier": "core", "cohesion": holding, "black_knights": knights})
    return pd.concat([core, core.assign(tier="consensus", cohesion=consensus)], ignore_index=True)


def _defections() -> pd.DataFrame:
    # the four core defections are labelled; the consensus one is not
    return pd.DataFrame({"state": ["TUR", "QAT", "CHN", "RUS", "IRN"], "tier": ["core"] * 4 + ["consensus"],
                         "date": [dt.date(2022, 1, 20), dt.date(2022, 2, 1), dt.date(2022, 10, 5), dt.date(2023, 12, 1),
                                  dt.date(2023, 3, 1)]})


def _compare_frame() -> pd.DataFrame:
    parts = []
    for i, (case_id, start, drift) in enumerate([("alpha-2001", 0.97, -0.10), ("beta-2011", 0.30, 0.08),
                                                 ("gamma-2021", 0.75, -0.02)]):
        months = np.arange(30 + 5 * i)
        index = start + drift * (1 - np.exp(-months / 8))
        parts.append(pd.DataFrame({"case": case_id, "date": pd.date_range("2001-01-01", periods=len(months), freq="MS").date,
                                   "index": index, "low": index - 0.05, "high": np.minimum(1, index + 0.04),
                                   "month": months}))
    return pd.concat(parts, ignore_index=True)


FIGURES = {
    "index": lambda: figures.index_figure(_index_frame(), CASE, _acts()),
    "cohesion": lambda: figures.cohesion_figure(_cohesion_frame(), CASE, _defections()),
    "compare": lambda: figures.compare_figure(_compare_frame()),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_matches_its_baseline(name, tmp_path):
    actual = tmp_path / f"{name}.png"
    figures.save(FIGURES[name](), actual, dpi=TEST_DPI)
    expected = BASELINE / f"{name}.png"
    if os.environ.get("PARIAH_UPDATE_BASELINES"):
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), f"no baseline {expected}; draw it with PARIAH_UPDATE_BASELINES=1 (see this module)"
    difference = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert difference is None, difference


def test_the_comparison_sees_a_changed_drawing(tmp_path):
    moved = _index_frame()
    moved["index"] = moved["index"] - 0.01   # a line 0.01 lower: what a reader would notice
    actual = tmp_path / "index.png"
    figures.save(figures.index_figure(moved, CASE, _acts()), actual, dpi=TEST_DPI)
    assert compare_images(str(BASELINE / "index.png"), str(actual), tol=TOLERANCE) is not None


def _drawn(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


ALL = {**FIGURES,
       "leverage": lambda: figures.leverage_figure(pd.DataFrame({
           "date": MONTHS.date, "withheld": np.linspace(0.6, 0.45, 40), "supplied": np.linspace(0.05, 0.3, 40),
           "leverage": np.linspace(0.57, 0.31, 40)}), CASE),
       "leverage-compare": lambda: figures.leverage_compare_figure(
           _compare_frame().rename(columns={"index": "leverage"}))}


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_legend_covers_any_plotted_point(name):
    fig = ALL[name]()
    renderer = _drawn(fig)
    legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    assert legends, "a figure with several series has a legend"
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), f"{name}: the legend is inside an axes"
            for line in ax.lines:
                points = ax.transData.transform(np.column_stack([ax.convert_xunits(line.get_xdata()),
                                                                 np.asarray(line.get_ydata(), dtype=float)]))
                assert not box.count_contains(points), f"{name}: the legend covers points of {line.get_label()!r}"
            for collection in ax.collections:   # the bands
                for path in collection.get_paths():
                    assert not box.count_contains(ax.transData.transform(path.vertices)), f"{name}: the legend covers a band"
    figures._pyplot().close(fig)


@pytest.mark.parametrize("name,line", [("index", 1), ("cohesion", 0)])
def test_each_label_sits_at_the_point_it_names(name, line):
    fig = FIGURES[name]()
    renderer = _drawn(fig)
    ax = fig.axes[0]
    drawn = ax.lines[line]
    x = np.asarray(ax.convert_xunits(drawn.get_xdata()), dtype=float)
    y = np.asarray(drawn.get_ydata(), dtype=float)
    notes = [t for t in ax.texts if isinstance(t, Annotation)]
    # CHN twice, RUS twice and the USA (PAK's visit is no key act); the four defections
    assert len(notes) == {"index": 5, "cohesion": 4}[name]
    dots = np.vstack([np.column_stack([ax.convert_xunits(d.get_xdata()), d.get_ydata()])
                      for d in ax.lines if d.get_marker() == "o"])
    boxes = []
    for note in notes:
        px, py = float(ax.convert_xunits(note.xy[0])), float(note.xy[1])
        assert note.xycoords == "data" and note.anncoords == "offset points"
        assert py == pytest.approx(float(np.interp(px, x, y)))                 # the point is on the line
        assert np.isclose(dots, (px, py)).all(axis=1).any()                    # and marked there
        dx, dy = note.xyann                                                     # the text a few points away
        assert abs(dx) <= 4 and figures.LABEL_OFFSET <= abs(dy) <= figures.LABEL_OFFSET + 5 * figures.LABEL_STEP
        box = Text.get_window_extent(note, renderer)                           # the text, without its leader line
        anchor_x, anchor_y = ax.transData.transform((px, py)) + np.array([dx, dy]) * fig.dpi / 72
        assert (box.x0 if note.get_ha() == "left" else box.x1) == pytest.approx(anchor_x, abs=1.5)
        assert (box.y0 if note.get_va() == "bottom" else box.y1) == pytest.approx(anchor_y, abs=1.5)
        assert note.arrow_patch is not None                                     # a leader line to the point
        boxes.append(box)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), "two labels overlap"
    figures._pyplot().close(fig)


def test_no_title_leaves_the_title_out_and_keeps_the_source():
    with_title, without = figures.index_figure(_index_frame(), CASE, _acts()), \
        figures.index_figure(_index_frame(), CASE, _acts(), title=False)
    assert with_title.axes[0].get_title(loc="left") == "Isolation index: A fixed case for figure tests"
    assert all(ax.get_title(loc=loc) == "" for ax in without.axes for loc in ("left", "center", "right"))
    assert any(t.get_text().startswith(figures.SOURCE) for t in without.texts)
    for fig in (with_title, without):
        figures._pyplot().close(fig)


def test_the_y_axis_fits_the_data_and_says_so():
    fig = figures.index_figure(_index_frame(), CASE)
    top, change = fig.axes[:2]
    frame = _index_frame()
    low, high = top.get_ylim()
    assert frame["low"].min() - 0.03 < low < frame["low"].min() and high == 1.0
    assert f"(axis {low:.2f} to 1.00 of 0 to 1)" in top.get_ylabel()
    first = frame["index"].iloc[0]
    assert change.get_ylim()[0] < (frame["index"] - first).min() and change.get_ylim()[1] > 0
    assert list(change.lines[-1].get_ydata()) == pytest.approx(list(frame["index"] - first))
    frame = _compare_frame()
    frame.loc[frame["case"] == "beta-2011", "low"] = 0.0
    whole = figures.compare_figure(frame)
    assert whole.axes[0].get_ylim() == (0, 1) and whole.axes[0].get_ylabel() == "isolation index"   # not cut: nothing said
    for f in (fig, whole):
        figures._pyplot().close(f)


def test_files_png_at_300_dpi_svg_and_pdf_the_same_every_time(tmp_path):
    from PIL import Image

    paths = figures.save(FIGURES["compare"](), tmp_path / "fig")
    (tmp_path / "again").mkdir()
    assert [p.name for p in paths] == ["fig.png", "fig.svg", "fig.pdf"]
    with Image.open(tmp_path / "fig.png") as image:
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert image.size == (round(figures.SIZE[0] * 300), round((figures.SIZE[1] + 1.3) * 300))
    pdf = (tmp_path / "fig.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Subtype /Type3" not in pdf   # TrueType embedded, as journals ask
    svg = (tmp_path / "fig.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "isolation index" in svg   # text kept as text, for an editor
    again = figures.save(FIGURES["compare"](), tmp_path / "again" / "fig")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "fig.pdf", "fig.png", "fig.svg"]


def test_save_makes_the_folder_and_says_when_it_cannot_write(tmp_path):
    from pariah.exceptions import InvalidFile

    assert figures.save(FIGURES["compare"](), tmp_path / "new" / "deeper" / "fig.svg")[0].exists()
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(InvalidFile, match=r"file/fig.png: cannot write the figure: "):
        figures.save(FIGURES["compare"](), tmp_path / "file" / "fig.png")


@pytest.mark.parametrize("path,names", [("a.png", ["a.png"]), ("a.PDF", ["a.PDF"]), ("a", ["a.png", "a.svg", "a.pdf"])])
def test_figure_paths(path, names):
    assert [p.name for p in figures.figure_paths(path)] == names


def test_figure_paths_refuses_another_suffix():
    from pariah.exceptions import InvalidArgument

    with pytest.raises(InvalidArgument, match=r"figure file a.gif: expected a .png, .svg or .pdf suffix"):
        figures.figure_paths("a.gif")


def test_the_map_figure_draws_every_state_of_the_svg_map(tmp_path):
    bounds, shapes = maps.outline_shapes()
    assert [s.state for s in shapes] == maps.state_codes()
    # the states the SVG map draws (those of the package's map that are drawn in its top-level groups)
    assert {s.state for s in shapes if s.paths or s.circles} == {iso3 for iso3, inner in maps._outlines()[1] if inner}
    levels = {"CHN": 4, "RUS": 5, "USA": 1, "DEU": 0, "PAK": 3}
    fig = figures.map_figure(levels, hostile={"USA"}, target="AFG", title="Levels", note="fixed data")
    ax = fig.axes[0]
    fills = {tuple(np.round(p.get_facecolor()[:3], 3)) for p in ax.patches}
    import matplotlib.colors as mcolors

    for colour in (*(maps.LEVEL_COLOURS[v] for v in levels.values()), maps.TARGET_COLOUR, maps.OUTSIDE_COLOUR):
        assert tuple(np.round(mcolors.to_rgb(colour), 3)) in fills
    outlined = [p for p in ax.patches if tuple(np.round(p.get_edgecolor()[:3], 3)) ==
                tuple(np.round(mcolors.to_rgb(maps.HOSTILE_STROKE), 3))]
    assert len(outlined) == 1   # the United States: hostile flag at level 1
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:6] == ["recognized (1)", "ambassadors (1)", "missions (1)", "engaged (0)", "none (1)", "hostile (1)"]
    renderer = _drawn(fig)
    assert not ax.get_legend().get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    paths = figures.save(fig, tmp_path / "map", formats=["png", "pdf"])
    assert [p.read_bytes()[:4] for p in paths] == [b"\x89PNG", b"%PDF"]
