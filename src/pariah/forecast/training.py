"""What a forecast learns from: every case that had begun by a date, as known on that date, and the
hazard model fitted on them (``fit``).

Everything a forecast ``as_of`` a date uses is what was known on that date, in
every case: the model is fitted on ``Ledger.acts(known_on=as_of)`` of all
cases, so a forecast and a backtest at the same cutoff are the same thing.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from pariah.dates import DateLike, to_date
from pariah.forecast.hazard import HazardModel
from pariah.forecast.world import DEFAULT_FEATURES, FEATURES, World, build
from pariah.ladder import Level, parse_level

if TYPE_CHECKING:
    from pariah.case import Case
    from pariah.ledger import Ledger


def training_worlds(ledger: Ledger, as_of: dt.date, *, cases: list[str] | None = None,
                    engagement: bool = False) -> list[World]:
    """Every case that had begun by ``as_of``, as known on ``as_of``."""
    worlds = []
    for case in ledger.cases():
        if cases is not None and case.id not in cases:
            continue
        if case.start >= as_of:
            continue
        worlds.append(world_as_known(ledger, case, as_of, engagement=engagement))
    return worlds


def world_as_known(ledger: Ledger, case: Case, as_of: dt.date, *, engagement: bool = False) -> World:
    """One case as known on ``as_of``, up to ``as_of``."""
    return build(case, ledger.acts(case.id, known_on=as_of), until=as_of,
                 engagement=_engagement(ledger, case, as_of) if engagement else None)


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


#: The inverse penalty of the fit, chosen by rolling backtests (docs/METHODS.md).
C = 0.01


def fit(ledger: Ledger, *, as_of: DateLike = None, level: str | int | Level = "ambassadors", n_bootstrap: int = 20,
        seed: int = 0, features: tuple[str, ...] | None = None, cases: list[str] | None = None, C: float = C,
        engagement: bool = False) -> HazardModel:
    """The hazard model fitted on what was known on ``as_of`` (default: today). With ``engagement``
    the event-data engagement covariate is added (cases without event data get 0)."""
    as_of = to_date(as_of) or dt.date.today()
    features = features or (FEATURES if engagement else DEFAULT_FEATURES)
    return HazardModel(int(parse_level(level)), C=C, n_bootstrap=n_bootstrap, seed=seed, features=features).fit(
        training_worlds(ledger, as_of, cases=cases, engagement=engagement))


