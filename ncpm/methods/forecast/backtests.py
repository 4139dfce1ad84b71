"""Backtests: rolling-origin evaluation of the forecasts (one forecast per origin, compared with what happened), with
MAE, MASE (Hyndman & Koehler 2006), sMAPE and interval coverage per series, and their summary across series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.periods import to_month
from ncpm.methods.forecast.grid import prepare
from ncpm.methods.forecast.options import (
    DEFAULT_ENGINE,
    DEFAULT_HORIZON,
    DEFAULT_INTERVALS,
    DEFAULT_METHOD,
    RARE_COUNT,
    SEASONAL_PERIOD,
    hi_col,
    lo_col,
)
from ncpm.methods.forecast.versus_actual import forecast_vs_actual

COVERAGE = {80: schema.COVERAGE_80, 95: schema.COVERAGE_95}  # interval level -> share of actuals inside it


def seasonal_scale(y: np.ndarray) -> float:
    """MASE scale: mean absolute 12-month difference in the training data (Hyndman & Koehler 2006)."""
    if len(y) <= SEASONAL_PERIOD:
        return np.nan
    d = np.abs(y[SEASONAL_PERIOD:] - y[:-SEASONAL_PERIOD])
    d = d[np.isfinite(d)]
    return float(d.mean()) if d.size else np.nan


def backtest(volumes: pd.DataFrame, horizon: int = DEFAULT_HORIZON, origins=None, method: str = DEFAULT_METHOD,
             engine: str = DEFAULT_ENGINE, intervals: str = DEFAULT_INTERVALS,
             rare_count: int | None = RARE_COUNT) -> pd.DataFrame:
    """Rolling-origin evaluation: one forecast per origin, compared with what happened.

    ``origins`` default: the 12 latest months from which the whole horizon is observed in the frame.
    Per series and origin: ``n`` (months compared), ``mae``, ``mase`` (MAE / in-sample mean absolute 12-month
    difference up to the origin, Hyndman & Koehler 2006), ``smape`` (mean of 2|a - f| / (|a| + |f|), a fraction in
    [0, 2]; 0 when both are 0), ``coverage_80`` and ``coverage_95`` (share of actuals inside each interval),
    the forecast ``method`` and ``fallback`` (True where seasonal naive stood in for the model asked for).

    >>> import pandas as pd, numpy as np
    >>> months = pd.period_range("2019-01", "2023-12", freq="M")
    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": months,
    ...                   "count": np.tile(np.arange(10, 22), 5)})
    >>> backtest(v, horizon=3, origins=["2023-06"], method="snaive")[["n", "mase", "coverage_95"]].values.tolist()
    [[3.0, nan, 1.0]]
    """
    frame = schema.validate(volumes, schema.VOLUMES)
    last = frame[schema.MONTH].max()
    if origins is None:
        origins = [last - horizon - k for k in range(11, -1, -1)]
    rows = []
    for o in origins:
        o = to_month(o)
        res = forecast_vs_actual(frame, o, horizon=horizon, method=method, engine=engine, intervals=intervals,
                                 rare_count=rare_count, checked=True)  # frame validated above
        scales = {s.key: seasonal_scale(s.y) for s in prepare(frame, o, needs_model=False)}  # the training grid
        for key, g in res.groupby(schema.SERIES_KEY, sort=True):
            a = g[schema.ACTUAL].to_numpy(dtype=float, na_value=np.nan)
            f = g[schema.MEAN].to_numpy(dtype=float)
            ok = np.isfinite(a) & np.isfinite(f)
            err = np.abs(a[ok] - f[ok])
            denom = np.abs(a[ok]) + np.abs(f[ok])
            mae = err.mean() if ok.any() else np.nan
            scale = scales.get(tuple(key), np.nan)
            cover = {}
            for lev in COVERAGE:
                lo, hi = g[lo_col(lev)].to_numpy(float)[ok], g[hi_col(lev)].to_numpy(float)[ok]
                cover[lev] = float(np.mean((a[ok] >= lo) & (a[ok] <= hi))) if ok.any() else np.nan
            rows.append({**dict(zip(schema.SERIES_KEY, key, strict=True)), schema.ORIGIN: o,
                         schema.METHOD: g[schema.METHOD].iloc[0], schema.FALLBACK: bool(g[schema.FALLBACK].iloc[0]),
                         schema.N: float(ok.sum()), schema.MAE: mae,
                         schema.MASE: mae / scale if scale and np.isfinite(scale) and scale > 0 else np.nan,
                         schema.SMAPE: float(np.mean(np.where(denom > 0, 2 * err / np.where(denom > 0, denom, 1), 0.0)))
                         if ok.any() else np.nan,
                         **{COVERAGE[lev]: cover[lev] for lev in COVERAGE}})
    out = pd.DataFrame(rows)
    if not rows:
        return pd.DataFrame(columns=[*schema.SERIES_KEY, schema.ORIGIN, schema.METHOD, schema.FALLBACK, schema.N,
                                     schema.MAE, schema.MASE, schema.SMAPE, *COVERAGE.values()])
    out[schema.ORIGIN] = pd.PeriodIndex(out[schema.ORIGIN], freq="M")
    return out


def backtest_summary(result: pd.DataFrame, by=None) -> pd.DataFrame:
    """Summary of a :func:`backtest` across series (``by=None``) or per group (e.g. ``by=schema.SERIES_KEY``).

    Columns: ``series``, ``forecasts``, ``mase`` (mean), ``mase_median``, ``smape`` (mean), ``coverage_80`` and
    ``coverage_95`` (share of all compared months inside the interval), ``fallback_share`` (share of forecasts
    that fell back to seasonal naive).
    """
    def summarise(g: pd.DataFrame) -> pd.Series:
        n = g[schema.N].to_numpy(float)
        weight = n.sum()
        return pd.Series({
            schema.SERIES: g[schema.SERIES_KEY].drop_duplicates().shape[0],
            schema.FORECASTS: len(g),
            schema.MASE: g[schema.MASE].mean(),
            schema.MASE_MEDIAN: g[schema.MASE].median(),
            schema.SMAPE: g[schema.SMAPE].mean(),
            **{c: float(np.nansum(g[c] * n) / weight) if weight else np.nan for c in COVERAGE.values()},
            schema.FALLBACK_SHARE: float(g[schema.FALLBACK].astype(bool).mean()),
        })

    if by is None:
        return summarise(result).to_frame().T.reset_index(drop=True)
    by = [by] if isinstance(by, str) else list(by)
    return pd.DataFrame([{**dict(zip(by, k if isinstance(k, tuple) else (k,), strict=True)), **summarise(g)}
                         for k, g in result.groupby(by, sort=True)])
