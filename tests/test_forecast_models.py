"""The yardstick's model candidates: the gradient-boosted hazard and the calibration across cases."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import pariah
from pariah import forecast
from pariah.exceptions import InvalidArgument
from pariah.forecast import calibration
from pariah.forecast.world import FEATURES, MONOTONE_FEATURES

D = dt.date


#: A small ledger: three recognition cases with enough moves to be scored, and one that only teaches.
SMALL = ("gdr-1949", "prc-1949", "kosovo-2008", "abkhazia-2008")


@pytest.fixture(scope="module")
def ledger():
    from pariah import case as case_module
    from pariah import cases

    files = [(y, c) for y, c in cases.bundled_files() if y.stem in SMALL]
    small = pariah.Ledger("sqlite://", bundled=False)
    small.import_files([c for _, c in files], extra_cases=[case_module.load(y) for y, _ in files])
    return small


# ---- the gradient-boosted hazard ---------------------------------------------------------------

def _rows(seed: int, n: int = 6000):
    """Rows where the outcome falls as ``peer_region`` (monotone) and ``border`` (free) rise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(FEATURES)))
    logits = -1.5 - 1.2 * X[:, FEATURES.index("peer_region")] - 1.0 * X[:, FEATURES.index("border")]
    y = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    return X, y


def test_boosted_hazard_never_falls_as_a_monotone_covariate_rises():
    pytest.importorskip("sklearn")
    from pariah.forecast.boosted import BoostedHazardModel

    X, y = _rows(3)
    model = BoostedHazardModel(level=4, features=FEATURES, max_iter=60).fit_rows(X, y, None, np.ones(len(y)))
    assert "peer_region" in MONOTONE_FEATURES and "border" not in MONOTONE_FEATURES
    grid = np.linspace(-3, 3, 25)
    probe = np.random.default_rng(4).normal(size=(40, len(FEATURES)))
    for feature in ("peer_region", "level", "peer_world"):
        k = FEATURES.index(feature)
        sweep = np.repeat(probe[:, None, :], len(grid), axis=1)
        sweep[:, :, k] = grid
        h = model.predict_hazard(sweep.reshape(-1, len(FEATURES))).reshape(len(probe), len(grid))
        assert (np.diff(h, axis=1) >= -1e-12).all(), feature
    # the data say "lower" for both; only the unconstrained covariate is free to follow them
    k = FEATURES.index("border")
    low, high = probe.copy(), probe.copy()
    low[:, k], high[:, k] = -2.0, 2.0
    assert (model.predict_hazard(high) < model.predict_hazard(low)).mean() > 0.9


def test_boosted_hazard_is_reproducible_and_serves_the_forecast_interface():
    pytest.importorskip("sklearn")
    from pariah.forecast.boosted import BoostedHazardModel

    X, y = _rows(5, 3000)
    a = BoostedHazardModel(level=4, features=FEATURES[:6], max_iter=60).fit_rows(X[:, :6], y, None, np.ones(len(y)))
    b = BoostedHazardModel(level=4, features=FEATURES[:6], max_iter=60).fit_rows(X[:, :6], y, None, np.ones(len(y)))
    np.testing.assert_array_equal(a.predict_hazard(X), b.predict_hazard(X))  # full FEATURES columns are cut
    samples = a.predict_hazard_samples(X[:10])
    assert samples.shape == (1, 10) and np.allclose(samples[0], a.predict_hazard(X[:10]))
    assert a.base_rate_ == pytest.approx(y.mean())


def test_leave_one_out_with_the_boosted_model(ledger):
    pytest.importorskip("sklearn")
    logistic = forecast.leave_one_out(ledger, horizon=12, every=120, resamples=20)
    boosted = forecast.leave_one_out(ledger, horizon=12, every=120, resamples=20, model="boosted")
    a, b = pd.DataFrame(logistic["windows"]), pd.DataFrame(boosted["windows"])
    assert boosted["settings"]["model"] == "boosted"
    # the same windows and outcomes, other forecasts
    pd.testing.assert_frame_equal(a[["case", "cutoff", "state", "outcome"]], b[["case", "cutoff", "state", "outcome"]])
    assert b["p"].between(0, 1).all() and not np.allclose(a["p"], b["p"])
    with pytest.raises(InvalidArgument, match="model 'forest'"):
        forecast.leave_one_out(ledger, every=120, model="forest")


# ---- calibration across cases ------------------------------------------------------------------

def test_platt_recovers_a_known_miscalibration():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 0.6, 50_000)
    logit = np.log(p / (1 - p))
    y = (rng.random(len(p)) < 1 / (1 + np.exp(-(-0.7 + 0.6 * logit)))).astype(float)
    fitted = calibration.platt(p, y)
    x = np.array([0.05, 0.2, 0.5])
    truth = 1 / (1 + np.exp(-(-0.7 + 0.6 * np.log(x / (1 - x)))))
    np.testing.assert_allclose(fitted(x), truth, atol=0.01)


def test_isotonic_is_the_pooled_adjacent_violators_fit():
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    y = np.array([0.0, 1.0, 0.0, 0.0, 1.0])
    fitted = calibration.isotonic(p, y)
    # by hand: 0 | (1, 0, 0) pooled to 1/3 | 1
    np.testing.assert_allclose(fitted(p), [0, 1 / 3, 1 / 3, 1 / 3, 1])
    assert fitted(np.array([0.0, 0.9])).tolist() == [0.0, 1.0]  # flat beyond the forecasts seen


def _results():
    """Case A (scored at 2000-01) and two other cases with windows closing before and after it."""
    rng = np.random.default_rng(1)

    def result(case, cutoff, n=400):
        p = rng.uniform(0.0, 0.5, n)  # over-confident: moves come 0.4 times as often as forecast
        return {"case": case, "cutoff": cutoff, "p": p, "y": (rng.random(n) < 0.4 * p).astype(float)}

    return [result("A", D(1990, 1, 1)), result("A", D(2000, 1, 1)), result("B", D(1995, 1, 1)),
            result("B", D(1999, 6, 1)), result("C", D(1990, 6, 1))]


def _calibrated_a(results, method):
    asked = []

    def outcome_known(r, day):
        asked.append((r["case"], r["cutoff"], day))
        return r["y"]

    out = calibration.nested(results, method, 12, outcome_known)
    return out[1]["p"], asked


@pytest.mark.parametrize("method", calibration.METHODS)
def test_calibration_of_a_case_never_sees_its_own_outcomes_nor_windows_open_at_its_cutoff(method):
    results = _results()
    p_a, asked = _calibrated_a(results, method)
    out = calibration.nested(results, method, 12, lambda r, day: r["y"])
    assert out[1]["calibrated"] and not np.allclose(p_a, results[1]["p"])
    np.testing.assert_array_equal(out[1]["p_raw"], results[1]["p"])
    # the map of A at 2000-01 asks only for other cases' windows closed by then, as known on 2000-01
    mine = {(c, cut) for c, cut, day in asked if day == D(2000, 1, 1)}
    assert mine == {("B", D(1995, 1, 1)), ("C", D(1990, 6, 1))}
    # flipping A's own outcomes, or those of B's window still open on 2000-01, changes nothing ...
    flipped = [dict(r) for r in results]
    for i in (0, 1, 3):
        flipped[i]["y"] = 1 - flipped[i]["y"]
    np.testing.assert_array_equal(_calibrated_a(flipped, method)[0], p_a)
    # ... while flipping a closed window of another case does change it
    other = [dict(r) for r in results]
    other[2]["y"] = 1 - other[2]["y"]
    assert not np.allclose(_calibrated_a(other, method)[0], p_a)


def test_a_case_with_too_few_closed_windows_elsewhere_stays_uncalibrated():
    results = _results()
    out = calibration.nested(results, "platt", 12, lambda r, day: r["y"])
    first = out[0]  # A at 1990-01: no other case's window has closed
    assert not first["calibrated"]
    np.testing.assert_array_equal(first["p"], results[0]["p"])
    with pytest.raises(InvalidArgument, match="calibration 'beta'"):
        calibration.nested(results, "beta", 12, lambda r, day: r["y"])


def test_leave_one_out_calibrates_on_other_cases_only(ledger):
    plain = forecast.leave_one_out(ledger, horizon=12, every=120, resamples=20)
    platt = forecast.leave_one_out(ledger, horizon=12, every=120, resamples=20, calibration="platt")
    a, b = pd.DataFrame(plain["windows"]), pd.DataFrame(platt["windows"])
    pd.testing.assert_frame_equal(a[["case", "cutoff", "state", "outcome"]], b[["case", "cutoff", "state", "outcome"]])
    assert platt["settings"]["calibration"] == "platt" and not np.allclose(a["p"], b["p"])
    # the earliest cutoff of all has no closed window of another case behind it: left as it is
    first = a["cutoff"] == a["cutoff"].min()
    np.testing.assert_array_equal(a.loc[first, "p"], b.loc[first, "p"])
