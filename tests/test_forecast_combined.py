"""The "combined" forecast method (the equal-weight mean of the candidate ETS models), the non-seasonal ETS models
the fast engine can fit, and the ``fallback`` column a forecast carries (issues 13 and 14; METHODS.md, "Seasonal
forecasts")."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from ncpm.core import schema
from ncpm.methods.forecast import (
    RARE_METHOD,
    backtest,
    backtest_summary,
    combined_method,
    forecast,
    parse_method,
)
from ncpm.methods.forecast import ets_fast as _ets_fast


def _series(values, measure="m", start="2018-04") -> pd.DataFrame:
    months = pd.period_range(start, periods=len(values), freq="M")
    return pd.DataFrame({schema.FORCE: "Testshire", schema.AREA: schema.WHOLE_FORCE, schema.MEASURE: measure,
                         schema.MONTH: months, schema.COUNT: np.asarray(values, dtype=int)})


def _frame(n_series=4, months=60, seed=3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    parts = [_series(rng.poisson(rng.uniform(40, 400) * (1 + 0.2 * np.sin(2 * np.pi * (t + i) / 12))), f"m{i}")
             for i in range(n_series)]
    return pd.concat(parts, ignore_index=True)


def _matrix(v: pd.DataFrame) -> np.ndarray:
    return np.stack([g[schema.COUNT].to_numpy(float) for _, g in v.groupby(schema.MEASURE, sort=True)])


def test_combined_is_the_mean_of_the_candidates_forecasts_and_sds():
    v = _frame()
    Y = _matrix(v)
    fits = [_ets_fast.fit(Y, spec, 3) for spec in _ets_fast.CANDIDATES]  # every row strictly positive
    mean = np.mean([f.mean for f in fits], axis=0)
    sd = np.mean([np.sqrt(f.var) for f in fits], axis=0)
    got = forecast(v, horizon=3, method="combined", engine="fast", intervals="model")
    np.testing.assert_allclose(got["mean"].to_numpy().reshape(Y.shape[0], 3), mean, rtol=1e-12)
    half = (got["hi_95"] - got["mean"]).to_numpy().reshape(Y.shape[0], 3)
    np.testing.assert_allclose(half, 1.959963984540054 * sd, rtol=1e-9)
    assert got["method"].unique().tolist() == [combined_method(6)] == ["ETS combination (mean of 6 models)"]
    assert not got[schema.FALLBACK].any()


def test_combined_leaves_out_multiplicative_models_for_a_series_with_a_zero():
    v = _frame(1)
    v.loc[5, schema.COUNT] = 0
    got = forecast(v, horizon=2, method="combined", engine="fast")
    Y = _matrix(v)
    mean = np.mean([_ets_fast.fit(Y, spec, 2).mean for spec in _ets_fast.CANDIDATES if not spec.mul], axis=0)
    np.testing.assert_allclose(got["mean"].to_numpy(), mean[0], rtol=1e-12)
    assert got["method"].iloc[0] == "ETS combination (mean of 3 models)"


@pytest.mark.parametrize("intervals", ["model", "calibrated"])
def test_combined_engines_agree(intervals):
    v = _frame(2, months=72, seed=8)
    fast = forecast(v, horizon=3, method="combined", engine="fast", intervals=intervals)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = forecast(v, horizon=3, method="combined", engine="statsmodels", intervals=intervals)
    assert fast["method"].tolist() == ref["method"].tolist()
    half = (ref["hi_95"] - ref["mean"]).to_numpy()
    assert np.max(np.abs(fast["mean"] - ref["mean"]).to_numpy() / half) < 0.2
    np.testing.assert_allclose((fast["hi_95"] - fast["mean"]).to_numpy(), half, rtol=0.15)


def test_combined_keeps_the_rare_count_model_and_the_fallbacks():
    rare = _series([0, 1, 0, 0, 2, 0] * 8, "homicide")
    short = _series(range(1, 21), "short")
    got = forecast(pd.concat([rare, short, _frame(1)], ignore_index=True), horizon=2, method="combined",
                   engine="fast")
    method = got.groupby(schema.MEASURE)["method"].first()
    assert method["homicide"] == RARE_METHOD
    assert method["short"] == "seasonal naive (fallback: 20 months < 24)"
    assert got.groupby(schema.MEASURE)[schema.FALLBACK].first().to_dict() == {"homicide": False, "m0": False,
                                                                              "short": True}


def test_combined_is_a_method_name():
    assert parse_method("combined") == parse_method("Combined") == "combined"
    assert parse_method("combined", "fast") == "combined"


@pytest.mark.parametrize("engine", ["fast", "statsmodels"])
def test_fallback_column_is_data(engine):
    v = pd.concat([_frame(1), _series([5] * 30, "constant"), _series(range(1, 21), "short")], ignore_index=True)
    got = forecast(v, horizon=2, engine=engine)
    assert got[schema.FALLBACK].dtype == bool
    by = got.groupby(schema.MEASURE)
    assert by[schema.FALLBACK].first().to_dict() == {"constant": True, "m0": False, "short": True}
    assert by["method"].first()[by[schema.FALLBACK].first()].str.contains("(fallback: ", regex=False).all()
    snaive = forecast(v, horizon=2, engine=engine, method="snaive")  # asked for: not a fallback
    assert not snaive[schema.FALLBACK].any()


def test_backtest_counts_fallbacks_from_the_column_not_the_words():
    v = pd.concat([_frame(1), _series(np.arange(1, 28) % 7 + 3, "short", start="2021-01")], ignore_index=True)
    result = backtest(v, horizon=3, origins=["2022-09"], engine="fast")
    assert result.set_index(schema.MEASURE)[schema.FALLBACK].to_dict() == {"m0": False, "short": True}
    assert backtest_summary(result).loc[0, schema.FALLBACK_SHARE] == 0.5
    reworded = result.assign(**{schema.METHOD: "seasonal naive"})  # the share does not read the method text
    assert backtest_summary(reworded).loc[0, schema.FALLBACK_SHARE] == 0.5


@pytest.mark.parametrize("name", ["ETS(A,N,N)", "ETS(A,A,N)", "ETS(A,Ad,N)"])
def test_non_seasonal_models_match_statsmodels(name):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    spec = _ets_fast.parse_spec(name)
    assert spec is not None and not spec.seasonal and spec.name == name and spec not in _ets_fast.CANDIDATES
    Y = _matrix(_frame(3, months=84, seed=4))
    f = _ets_fast.fit(Y, spec, 3)
    for y, sse, aicc in zip(Y, f.sse, f.aicc, strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = ETSModel(y, error="add", trend="add" if spec.trend else None, damped_trend=spec.damped).fit(
                disp=False)
        assert sse <= ref.sse * 1.01
        assert abs(aicc - ref.aicc) < 2 + abs(np.log(sse / ref.sse)) * len(y)
    got = forecast(_frame(1, months=84, seed=4), horizon=2, method=name, engine="fast")
    assert got["method"].iloc[0] == name
