"""Seasonal forecasts of monthly crime volumes, with prediction intervals, forecast-vs-actual labels and backtests.

Definitions (METHODS.md, "Seasonal forecasts"):

- Default method ``"auto"``: additive-error exponential smoothing (ETS, Hyndman et al. 2008, *Forecasting with
  Exponential Smoothing*), period 12, candidates trend {none, additive, additive damped} x seasonality {additive,
  multiplicative (only when the series is strictly positive)}, chosen per series by minimum AICc. An explicit model
  may be named, e.g. ``method="ETS(A,Ad,M)"`` (or a non-seasonal one, ``"ETS(A,N,N)"``, ``"ETS(A,Ad,N)"``, which
  are not candidates). ``"sarima"`` fits the airline model SARIMA(0,1,1)(0,1,1)12; ``"snaive"`` is the seasonal
  naive benchmark.
- ``"combined"``: the equal-weight mean of the point forecasts of every candidate that applies to the series
  (multiplicative seasonality only when strictly positive), with the mean of their standard deviations (exact when
  the models' errors are perfectly correlated, an upper bound otherwise) and Gaussian intervals; a forecast
  combination (Bates & Granger 1969; Clemen 1989; Hyndman & Athanasopoulos, FPP3, 13.4). Chosen among AICc choice,
  AICc weights and plain means of six or nine models on NSW origins 2013-12 .. 2018-12, apart from the scored
  backtest (``benchmarks/bench_backtest.py --variants``); not the default: it does not beat AutoETS on every
  window of the scored backtest.
- Seasonal naive: the forecast for month t is the value 12 months (or a whole number of years) earlier; the h-step
  standard deviation is sigma * sqrt(k + 1), k = floor((h - 1) / 12), sigma the root mean square of the
  12-month differences (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., 5.5).
- Fallback, always named in ``method`` (never silent): seasonal naive when fewer than 24 months are available at the
  origin, when the series is constant (including all zero), when a gap (a month missing from the frame) falls in
  the last 24 months, or when every model fit fails; the ``fallback`` column is True then. A gap earlier than that
  is handled by fitting on the months after it, stated in ``notes``.
- ``origin``: the last month used; nothing after it is read. The Q1 2023/24 forecast is made at 2023-03.
- Intervals (80% and 95% by default) and the mean are clipped at 0: counts cannot be negative.
- Intervals, ``intervals=``: ``"model"`` (the ETS model's own, Hyndman et al. 2008 ch. 6) or ``"calibrated"``: the
  model's standard deviation at every horizon multiplied by k = sqrt((2 + sum z^2) / (2 + count)), z the series'
  own standardised errors (actual - forecast) / model sd of the forecasts its chosen model makes when refitted at
  the origins 12 and 24 months earlier, up to the horizon asked for (at most 12 months), with Gaussian quantiles:
  a rolling-origin recalibration of the interval's scale (Hyndman & Athanasopoulos, FPP3, 5.8 and 5.10, evaluation
  on a rolling forecasting origin; the normalised-residual idea of split conformal prediction, Lei et al. 2018,
  *Distribution-free predictive inference for regression*, JASA 113). The prior weight 2 pulls k towards 1 when
  there are few errors; it and the Gaussian quantiles were chosen on NSW origins 2013-12 .. 2018-12, apart from
  the scored backtest (``benchmarks/bench_backtest.py``). A series under 36 months keeps the model's interval
  (stated in ``notes``). SARIMA and seasonal naive intervals are always the model's. ``DEFAULT_INTERVALS`` is
  "calibrated", in both engines (README, "Forecasts"); "model" is kept by name.
- Rare counts: with method ``"auto"`` or ``"combined"``, a series with at least half of its last 24 months at or
  below ``rare_count`` (default 2, ``RARE_COUNT``; None turns the rule off) gets a Poisson count model instead of
  ETS (:func:`rare_counts`: the Poisson-gamma predictive of the last 24 months' rate, exact whole-count intervals);
  ``method`` says so (``RARE_METHOD``). A named model is fitted as asked.
- Warnings raised by statsmodels are captured per series into ``notes``, not printed.

Two engines: ``"statsmodels"`` (the reference: ``ETSModel`` fitted per series, exact intervals for the linear
models and 1,000 seeded simulations for multiplicative seasonality) and ``"fast"`` (:mod:`ncpm.methods.forecast.ets_fast`, the same
models fitted to all series at once with numpy; exact Gaussian intervals up to 12 months ahead). Tolerance of the
fast engine against the reference, checked in ``tests/test_forecast.py`` on seeded series with the same model:
point forecast within 0.35 x the reference's 95% half-width at every horizon (median within 0.1), model 95%
half-width within 10%, in-sample sum of squared errors within 0.1% of statsmodels' optimum or below for most
fits (on the NSW backtest 3% of fits end more than 1% above it, and some far below it). The two engines usually
but not always choose the same model by AICc (87% of the NSW backtest's cases).

The package, one module a step: ``options`` (the choices and their defaults, checked once), ``grid`` (series cut at
the origin, fallbacks), ``models`` (seasonal naive, rare counts), ``reference`` (the statsmodels kernels),
``ets_fast`` (the fast engine's numpy kernels), ``engines`` (both engines over many series), ``intervals`` (Gaussian
intervals and their calibration), ``predict`` (:func:`forecast`), ``versus_actual`` (:func:`forecast_vs_actual`),
``backtests`` (:func:`backtest`, :func:`backtest_summary`) and ``labels`` (the words a result carries).

>>> import pandas as pd, numpy as np
>>> months = pd.period_range("2019-04", "2023-03", freq="M")
>>> counts = (100 + 20 * np.sin(np.arange(48) * np.pi / 6)).round().astype(int)
>>> v = pd.DataFrame({"force": "Warwickshire", "area": "Force", "measure": "burglary", "month": months,
...                   "count": counts})
>>> f = forecast(v, horizon=3, method="snaive")
>>> [str(m) for m in f["month"]], f["mean"].tolist(), f["method"].iloc[0]
(['2023-04', '2023-05', '2023-06'], [100.0, 110.0, 117.0], 'seasonal naive')
"""

from __future__ import annotations

from ncpm.methods.forecast import ets_fast
from ncpm.methods.forecast.backtests import backtest, backtest_summary, seasonal_scale
from ncpm.methods.forecast.intervals import (
    CALIBRATION_HORIZON,
    CALIBRATION_ORIGINS,
    CALIBRATION_PRIOR,
    calibration_scale,
    gaussian_interval,
    normal_quantiles,
)
from ncpm.methods.forecast.labels import (
    ABOVE,
    ABOVE_FORECAST,
    BELOW,
    BELOW_FORECAST,
    COMBINED,
    FALLBACK,
    IN_LINE,
    IN_LINE_FORECAST,
    POSITIVE_ONLY,
    RARE_METHOD,
    SHORT_FOR_CALIBRATION,
    SNAIVE,
    combined_method,
    forecast_label,
)
from ncpm.methods.forecast.models import JEFFREYS, RARE_WINDOW, is_rare, rare_counts, seasonal_naive
from ncpm.methods.forecast.options import (
    DEFAULT_INTERVALS,
    ENGINES,
    INTERVALS,
    MIN_MONTHS,
    RARE_COUNT,
    SEASONAL_PERIOD,
    Options,
    check_options,
    hi_col,
    lo_col,
    parse_method,
)
from ncpm.methods.forecast.predict import forecast
from ncpm.methods.forecast.reference import (
    SARIMA_ORDER,
    SARIMA_SEASONAL_ORDER,
    SIMULATION_REPETITIONS,
    SIMULATION_SEED,
    ets_combined_statsmodels,
    ets_statsmodels,
    sarima_statsmodels,
)
from ncpm.methods.forecast.versus_actual import forecast_vs_actual

__all__ = [
    "ABOVE", "ABOVE_FORECAST", "BELOW", "BELOW_FORECAST", "CALIBRATION_HORIZON", "COMBINED", "CALIBRATION_ORIGINS",
    "CALIBRATION_PRIOR", "DEFAULT_INTERVALS", "ENGINES", "FALLBACK", "INTERVALS", "IN_LINE", "IN_LINE_FORECAST", "JEFFREYS",
    "MIN_MONTHS", "POSITIVE_ONLY", "RARE_COUNT", "RARE_METHOD", "RARE_WINDOW", "SARIMA_ORDER", "SARIMA_SEASONAL_ORDER",
    "SEASONAL_PERIOD", "SHORT_FOR_CALIBRATION", "SIMULATION_REPETITIONS", "SIMULATION_SEED", "SNAIVE", "Options",
    "backtest", "backtest_summary", "calibration_scale", "check_options", "ets_combined_statsmodels", "ets_fast", "ets_statsmodels", "forecast",
    "combined_method", "forecast_label", "forecast_vs_actual", "gaussian_interval", "hi_col", "is_rare", "lo_col", "normal_quantiles",
    "parse_method", "rare_counts", "sarima_statsmodels", "seasonal_naive", "seasonal_scale",
]
