"""What a forecast learns from: every case that had begun by a date, as known on that date, and the
hazard model fitted on them (``fit``), kept in a cache of fitted models.

Everything a forecast ``as_of`` a date uses is what was known on that date, in
every case: the model is fitted on ``Ledger.acts(known_on=as_of)`` of all
cases, so a forecast and a backtest at the same cutoff are the same thing.

A fitted model is stored under the user's cache directory (``$PARIAH_CACHE``
when set), in a file named by a digest of everything the fit depends on: the
ledger's content (``Ledger.digest``), every case definition, the knowledge
date, the level, the settings and the model's code. A revision of any act
changes the ledger's digest, so a model fitted before it is never served
again. Files hold plain arrays (``numpy.savez``, no pickles).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pariah.dates import DateLike, to_date
from pariah.forecast.alignment import Alignment
from pariah.forecast.hazard import HazardModel
from pariah.forecast.world import CROSS_FEATURES, DEFAULT_FEATURES, FEATURES, World, build
from pariah.ladder import Level, parse_level

if TYPE_CHECKING:
    from pariah.case import Case
    from pariah.ledger import Ledger


def training_worlds(ledger: Ledger, as_of: dt.date, *, cases: list[str] | None = None,
                    engagement: bool = False) -> list[World]:
    """Every case that had begun by ``as_of``, as known on ``as_of``."""
    everything = ledger.acts(known_on=as_of)
    worlds = []
    for case in ledger.cases():
        if cases is not None and case.id not in cases:
            continue
        if case.start >= as_of:
            continue
        acts = everything[everything["case_id"] == case.id].reset_index(drop=True)
        worlds.append(build(case, acts, until=as_of,
                            engagement=_engagement(ledger, case, as_of) if engagement else None))
    return worlds


def world_as_known(ledger: Ledger, case: Case, as_of: dt.date, *, engagement: bool = False) -> World:
    """One case as known on ``as_of``, up to ``as_of``."""
    return build(case, ledger.acts(case.id, known_on=as_of), until=as_of,
                 engagement=_engagement(ledger, case, as_of) if engagement else None)


def align(worlds: list[World], level: int, features: tuple[str, ...]) -> Alignment | None:
    """Attach the revealed alignment of ``worlds`` at ``level`` to each of them when ``features``
    need it (``CROSS_FEATURES``); returns it (or None)."""
    if not set(features) & set(CROSS_FEATURES):
        return None
    alignment = Alignment(worlds, level)
    for w in worlds:
        w.alignment = alignment
    return alignment


#: When several event datasets hold a target's events, the engagement covariate uses the first of
#: these (they overlap in time and would count the same events twice).
DATASET_PREFERENCE = ("gdelt2", "gdelt1", "icews", "polecat")


def _engagement(ledger, case, as_of: dt.date) -> pd.DataFrame | None:
    """Event-data engagement of a case's states up to ``as_of``, or None where no event data are loaded."""
    from pariah.events import engagement, store

    held = store.datasets(ledger, case.target)
    if not held:
        return None
    dataset = next((d for d in DATASET_PREFERENCE if d in held), held[0])
    frame = engagement(ledger, case.id, dataset=dataset, end=as_of)
    return frame[[m < as_of.replace(day=1) for m in frame["month"]]] if len(frame) else frame


#: The inverse penalty of the fit, chosen by the leave-one-case-out yardstick (docs/METHODS.md).
C = 0.03


@functools.cache
def model_version() -> str:
    """A digest of the forecasting code: a cached model fitted by other code is never served."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in ("world.py", "alignment.py", "hazard.py", "training.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Where fitted models are kept: ``$PARIAH_CACHE``, else the user's cache directory."""
    folder = os.environ.get("PARIAH_CACHE")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_cache_dir("pariah", appauthor=False)) / "models"


#: Fitted models kept in the cache; the oldest beyond this many are removed.
CACHE_SIZE = 64


def cache_key(ledger: Ledger, as_of: dt.date, settings: dict) -> str:
    """The digest that names a fitted model: the ledger's content, every case definition, the
    knowledge date, the settings and the code."""
    text = json.dumps({"ledger": ledger.digest(), "cases": [c.to_json() for c in ledger.cases()],
                       "as_of": as_of.isoformat(), "settings": settings, "code": model_version()}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load(path: Path) -> tuple[HazardModel, Alignment | None] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, KeyError):
        return None
    model = HazardModel.from_arrays({k[6:]: v for k, v in arrays.items() if k.startswith("model_")})
    alignment = (Alignment.from_arrays({k[10:]: v for k, v in arrays.items() if k.startswith("alignment_")})
                 if "alignment_reach" in arrays else None)
    return model, alignment


def _store(path: Path, model: HazardModel, alignment: Alignment | None) -> None:
    arrays = {f"model_{k}": v for k, v in model.to_arrays().items()}
    if alignment is not None:
        arrays.update({f"alignment_{k}": v for k, v in alignment.to_arrays().items()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
        kept = sorted(path.parent.glob("*.npz"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-CACHE_SIZE]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs time


def fitted(ledger: Ledger, *, as_of: dt.date, level: int, n_bootstrap: int = 20, seed: int = 0,
           features: tuple[str, ...] = DEFAULT_FEATURES, C: float = C, engagement: bool = False,
           cache: bool = True) -> tuple[HazardModel, Alignment | None, list[World] | None]:
    """The model fitted on what was known on ``as_of``, its alignment, and the worlds it was fitted on
    (None when it came from the cache). Engagement fits are not cached (the event data are not in
    the ledger's digest)."""
    settings = {"level": level, "n_bootstrap": n_bootstrap, "seed": seed, "features": list(features), "C": C}
    path = cache_dir() / f"{cache_key(ledger, as_of, settings)}.npz" if cache and not engagement else None
    if path is not None and path.exists():
        found = _load(path)
        if found is not None:
            return found[0], found[1], None
    worlds = training_worlds(ledger, as_of, engagement=engagement)
    alignment = align(worlds, level, features)
    model = HazardModel(level, C=C, n_bootstrap=n_bootstrap, seed=seed, features=features).fit(worlds)
    if path is not None:
        _store(path, model, alignment)
    return model, alignment, worlds


def fit(ledger: Ledger, *, as_of: DateLike = None, level: str | int | Level = "ambassadors", n_bootstrap: int = 20,
        seed: int = 0, features: tuple[str, ...] | None = None, cases: list[str] | None = None, C: float = C,
        engagement: bool = False, cache: bool = True) -> HazardModel:
    """The hazard model fitted on what was known on ``as_of`` (default: today). With ``engagement``
    the event-data engagement covariate is added (cases without event data get 0). ``cases``
    narrows the training cases (never cached)."""
    as_of = to_date(as_of) or dt.date.today()
    features = features or (DEFAULT_FEATURES + ("engagement",) if engagement else DEFAULT_FEATURES)
    target = int(parse_level(level))
    if cases is not None:
        worlds = training_worlds(ledger, as_of, cases=cases, engagement=engagement)
        align(worlds, target, features)
        return HazardModel(target, C=C, n_bootstrap=n_bootstrap, seed=seed, features=features).fit(worlds)
    return fitted(ledger, as_of=as_of, level=target, n_bootstrap=n_bootstrap, seed=seed, features=features, C=C,
                  engagement=engagement, cache=cache)[0]
