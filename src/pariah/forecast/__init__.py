"""Forecasting normalization: a pooled hazard model, forecasts with intervals, backtests, and cascade scenarios.

The model (``hazard``), its data (``world``, ``training``), forecasts (``predict``), scores
(``scoring``), backtests (``backtest``) and scenarios (``scenario``, ``cascade``) each have a module;
the model, covariates and protocol are in docs/METHODS.md.

>>> import pariah
>>> from pariah import forecast
>>> ledger = pariah.Ledger("sqlite://")
>>> forecast.forecast(ledger, "taliban-2021", as_of="2024-02-01", horizon=24).head()   # doctest: +SKIP
"""
from pariah.forecast.backtest import backtest, leave_one_out
from pariah.forecast.hazard import HazardModel
from pariah.forecast.predict import forecast
from pariah.forecast.record import check_recordable, record, recorded, scorecard
from pariah.forecast.scenario import parse_assumption, scenario
from pariah.forecast.scoring import score
from pariah.forecast.training import fit, training_worlds

__all__ = ["HazardModel", "backtest", "check_recordable", "leave_one_out", "record", "recorded", "scorecard", "fit", "forecast", "parse_assumption", "scenario", "score", "training_worlds"]
