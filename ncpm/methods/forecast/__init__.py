"""Seasonal forecasts of monthly crime volumes, with prediction intervals, forecast-vs-actual labels and backtests.

Definitions (METHODS.md, "Seasonal forecasts"):

- Default method ``"auto"``: additive-error exponential smoothing (ETS, Hyndman et al. 2008, *Forecasting with
  Exponential Smoothing*), period 12, candidates trend {none, additive, additive damped} x seasonality {additive,
  multiplicative (only when the series is strictly positive)}, chosen per series by minimum AICc. An explicit model
  may be named, e.g. ``method="ETS(A,Ad,M)"``. ``"sarima"`` fits the airline model SARIMA(0,1,1)(0,1,1)12;
  ``"snaive"`` is the seasonal naive benchmark.
- Seasonal naive: the forecast for month t is the value 12 months (or a whole number of years) earlier; the h-step
  standard deviation is sigma * sqrt(k + 1), k = floor((h - 1) / 12), sigma the root mean square of the
  12-month differences (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., 5.5).
- Fallback, always named in ``method`` (never silent): seasonal naive when fewer than 24 months are available at the
  origin, when the series is constant (including all zero), when a gap (a month missing from the frame) falls in
  the last 24 months, or when every model fit fails. A gap earlier than that is handled by fitting on the
  months after it, stated in ``notes``.
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
  "model" for now: calibrated intervals change the demo's S7 and S8 statements (README, "Forecasts").
- Rare counts: with method ``"auto"``, a series with at least half of its last 24 months at or below
  ``rare_count`` (default 2, ``RARE_COUNT``; None turns the rule off) gets a Poisson count model instead of ETS
  (:func:`rare_counts`: the Poisson-gamma predictive of the last 24 months' rate, exact whole-count intervals);
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

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.core.periods import month_ordinals, to_month
from ncpm.methods.forecast import ets_fast as _ets_fast

ABOVE_FORECAST, BELOW_FORECAST, IN_LINE_FORECAST = ("above the forecast", "below the forecast",
                                                    "in line with the forecast")


def forecast_label(actual, lo_95, hi_95):
    """An actual count against the forecast's 95% interval (METHODS.md, forecast vs actual): outside it "above" or
    "below the forecast", inside it (bounds included) "in line with the forecast". Numbers or numpy arrays.

    >>> str(forecast_label(130, 80, 120)), str(forecast_label(120, 80, 120))
    ('above the forecast', 'in line with the forecast')
    """
    return np.where(actual > hi_95, ABOVE_FORECAST, np.where(actual < lo_95, BELOW_FORECAST, IN_LINE_FORECAST))


def _norm():
    """scipy's normal distribution, imported when a forecast needs it: ``ncpm run`` deciding that nothing changed
    (it checks the configuration with :func:`parse_method`) never loads scipy.stats."""
    from scipy.stats import norm

    return norm


def _nbinom():
    from scipy.stats import nbinom

    return nbinom

SEASONAL_PERIOD = 12  # monthly data
MIN_MONTHS = 24  # METHODS.md: seasonal naive for series shorter than two years
SARIMA_ORDER = (0, 1, 1)
SARIMA_SEASONAL_ORDER = (0, 1, 1, SEASONAL_PERIOD)  # the "airline" model, Box & Jenkins
SIMULATION_SEED = 20230331  # statsmodels simulated intervals (multiplicative seasonality) are reproducible
SIMULATION_REPETITIONS = 1000  # statsmodels' default
ENGINES = ("statsmodels", "fast")
INTERVALS = ("calibrated", "model")
# "model" until the demo is recalibrated: calibrated intervals turn S7 and S8 "in line" (README, Forecasts)
DEFAULT_INTERVALS = "model"
RARE_COUNT = 2  # a series is "rare" when at least half of its last RARE_WINDOW months count at most this (homicide)
RARE_WINDOW = 24  # two whole years, so every calendar month weighs the same in the rare-count rate
CALIBRATION_ORIGINS = 2  # calibrated intervals: the forecasts made 12 and 24 months before the origin
CALIBRATION_HORIZON = 12  # ... up to the horizon asked for, at most 12 months: up to 24 errors per series
CALIBRATION_PRIOR = 2.0  # pseudo-errors of the model's own size that k is shrunk with (chosen on NSW, 2013-2018)
JEFFREYS = 0.5  # Gamma(1/2, 0) prior on a Poisson rate (Jeffreys): the predictive is negative binomial

from ncpm.core.schema import (  # noqa: E402  result columns are named once, in schema.py
    ACTUAL,
    LABEL,
    MEAN,
    METHOD,
    NOTES,
    ORIGIN,
)

ABOVE, BELOW, IN_LINE = ABOVE_FORECAST, BELOW_FORECAST, IN_LINE_FORECAST
SNAIVE = "seasonal naive"
POSITIVE_ONLY = "multiplicative seasonality needs a strictly positive series"
SHORT_FOR_CALIBRATION = f"model-based intervals: under {MIN_MONTHS + CALIBRATION_HORIZON} months, too short to " \
                        f"calibrate on earlier forecasts"
RARE_METHOD = f"Poisson count model (rare counts: the rate of the last {RARE_WINDOW} months)"


def lo_col(level: int) -> str:
    return f"lo_{level}"


def hi_col(level: int) -> str:
    return f"hi_{level}"


@dataclass(frozen=True)
class Options:
    """Validated forecast options."""

    horizon: int
    origin: pd.Period | None
    method: str  # "auto", "sarima", "snaive" or an ETS model name
    levels: tuple[int, ...]
    engine: str
    intervals: str = DEFAULT_INTERVALS
    rare_count: int | None = RARE_COUNT

    @property
    def specs(self) -> tuple[_ets_fast.EtsSpec, ...]:
        if self.method == "auto":
            return _ets_fast.CANDIDATES
        spec = _ets_fast.parse_spec(self.method)
        return (spec,) if spec else ()


def parse_method(method: str, engine: str = "statsmodels") -> str:
    """The canonical name of a forecast method: "auto" ("ets" too), "sarima", "snaive" or an ETS model name such
    as "ETS(A,Ad,A)"; :class:`ConfigError` for any other, or "sarima" with the fast engine (the configuration's
    ``[forecast] method`` is checked with this)."""
    text = str(method)
    spec = _ets_fast.parse_spec(text)
    if spec is not None:
        text = spec.name
    elif text.lower() in ("auto", "ets"):
        text = "auto"
    elif text.lower() in ("sarima", "snaive"):
        text = text.lower()
    else:
        names = ", ".join(s.name for s in _ets_fast.CANDIDATES)
        raise ConfigError(f"method must be 'auto', 'sarima', 'snaive' or one of {names}; not {method!r}")
    if engine == "fast" and text == "sarima":
        raise ConfigError("engine='fast' fits exponential smoothing only; use engine='statsmodels' for 'sarima'")
    return text


def _options(horizon, origin, method, level, engine, intervals=DEFAULT_INTERVALS, rare_count=RARE_COUNT) -> Options:
    if not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ConfigError(f"horizon must be a positive whole number of months, not {horizon!r}")
    levels = tuple(int(x) for x in level)
    if not levels or any(not 0 < x < 100 for x in levels):
        raise ConfigError(f"level must be percentages between 0 and 100, not {level!r}")
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if intervals not in INTERVALS:
        raise ConfigError(f"intervals must be one of {', '.join(INTERVALS)}, not {intervals!r}")
    if rare_count is not None and (isinstance(rare_count, bool) or not isinstance(rare_count, (int, np.integer))
                                   or rare_count < 0):
        raise ConfigError(f"rare_count must be a whole number of crimes (or None to turn it off), not {rare_count!r}")
    text = parse_method(method, engine)
    try:
        month = None if origin is None else to_month(origin)
    except ValueError as exc:
        raise ConfigError(f"origin: {exc}") from None
    return Options(int(horizon), month, text, levels, engine, intervals,
                   None if rare_count is None else int(rare_count))


@dataclass
class _Series:
    """One series cut at its origin, on a complete monthly grid (NaN where a month is missing)."""

    key: tuple[str, str, str]
    origin: pd.Period
    y: np.ndarray  # values up to the origin, NaN for missing months
    fallback: str | None = None  # reason for the seasonal naive fallback
    fit_from: int = 0  # first index used by a model (after the last gap)
    notes: list[str] = field(default_factory=list)
    mean: np.ndarray | None = None
    lo: dict[int, np.ndarray] = field(default_factory=dict)
    hi: dict[int, np.ndarray] = field(default_factory=dict)
    method: str = ""


def _prepare(frame: pd.DataFrame, origin: pd.Period | None, needs_model: bool) -> list[_Series]:
    """Cut every series at its origin onto a complete monthly grid (``frame`` validated: sorted on the key)."""
    out = []
    if frame.empty:
        return out
    ordinal = month_ordinals(frame[schema.MONTH])  # months since 1970-01
    counts = frame[schema.COUNT].to_numpy(dtype=float)
    codes = frame.groupby(schema.SERIES_KEY, sort=True).ngroup().to_numpy()
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    stops = np.r_[starts[1:], len(codes)]
    keys = frame[schema.SERIES_KEY].iloc[starts].to_numpy()
    for key, lo, hi in zip(keys, starts, stops, strict=True):
        months = ordinal[lo:hi]
        end = int(months[-1]) if origin is None else origin.ordinal
        keep = months <= end
        months = months[keep]
        n = end - int(months[0]) + 1 if months.size else 0
        y = np.full(n, np.nan)
        if n:
            y[months - months[0]] = counts[lo:hi][keep]
        end = pd.Period(ordinal=end, freq="M")
        first = end - (n - 1)
        s = _Series(tuple(key), end, y)
        missing = np.flatnonzero(np.isnan(y))
        if n == 0:
            s.fallback = f"no data up to {end}"
        elif missing.size:
            last_gap = int(missing[-1])
            s.fit_from = last_gap + 1
            if n - s.fit_from < MIN_MONTHS:
                s.fallback = f"{missing.size} missing month{'s' if missing.size > 1 else ''}, " \
                             f"latest {first + last_gap}, in the last {MIN_MONTHS}"
            elif needs_model:
                s.notes.append(f"fitted on the {n - s.fit_from} months from {first + s.fit_from}, after "
                               f"{missing.size} missing month{'s' if missing.size > 1 else ''}")
        elif n < MIN_MONTHS:
            s.fallback = f"{n} months < {MIN_MONTHS}"
        if s.fallback is None and needs_model and np.nanmin(y[s.fit_from:]) == np.nanmax(y[s.fit_from:]):
            s.fallback = "constant series"
        out.append(s)
    return out


def seasonal_naive(y: np.ndarray, horizon: int, levels=(80, 95)):
    """Seasonal naive kernel: (mean, {level: lo}, {level: hi}) for the months after ``y`` (NaN = missing month).

    The forecast for month n + h is the latest observed value a whole number of years earlier.

    >>> mean, lo, hi = seasonal_naive(np.arange(24.0), 2)
    >>> mean.tolist()
    [12.0, 13.0]
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    mean = np.full(horizon, np.nan)
    for h in range(1, horizon + 1):
        t = n - 1 + h - SEASONAL_PERIOD
        while t >= n:
            t -= SEASONAL_PERIOD
        while t >= 0 and np.isnan(y[t]):
            t -= SEASONAL_PERIOD
        if t >= 0:
            mean[h - 1] = y[t]
    diffs = y[SEASONAL_PERIOD:] - y[:-SEASONAL_PERIOD] if n > SEASONAL_PERIOD else np.array([])
    diffs = diffs[np.isfinite(diffs)]
    sigma = np.sqrt(np.mean(diffs ** 2)) if diffs.size else np.nan
    sd = sigma * np.sqrt(np.arange(horizon) // SEASONAL_PERIOD + 1)
    lo, hi = {}, {}
    for lev in levels:
        z = _norm().ppf(0.5 + lev / 200)
        lo[lev], hi[lev] = mean - z * sd, mean + z * sd
    return mean, lo, hi


def is_rare(y: np.ndarray, rare_count: int | None = RARE_COUNT) -> bool:
    """True when at least half of the last ``RARE_WINDOW`` observed months count at most ``rare_count``.

    >>> is_rare(np.array([0, 1, 0, 2, 0, 0] * 4)), is_rare(np.array([0, 3, 4, 5] * 6))
    (True, False)
    """
    if rare_count is None:
        return False
    recent = np.asarray(y, dtype=float)
    recent = recent[np.isfinite(recent)][-RARE_WINDOW:]
    return bool(recent.size) and bool(np.mean(recent <= rare_count) >= 0.5)


def rare_counts(y: np.ndarray, horizon: int, levels=(80, 95)):
    """Count-model kernel for rare series: (mean, {level: lo}, {level: hi}) for the months after ``y``.

    The monthly count is Poisson with one rate for every month (a rare series cannot support a seasonal estimate);
    the rate has the Jeffreys prior Gamma(1/2, 0) and the last ``RARE_WINDOW`` observed months (S crimes in n
    months) give the posterior Gamma(S + 1/2, n). A future month's count is then negative binomial with
    r = S + 1/2, p = n / (n + 1): mean (S + 1/2) / n, and the interval is its exact equal-tailed quantiles, whole
    counts covering at least the level (Gelman et al., *Bayesian Data Analysis*, 3rd ed., 2.6, the Poisson-gamma
    predictive; Jeffreys 1946).

    >>> mean, lo, hi = rare_counts(np.array([0, 1, 0, 0, 2, 0] * 4), 2)
    >>> round(float(mean[0]), 3), lo[95].tolist(), hi[95].tolist()
    (0.521, [0.0, 0.0], [2.0, 2.0])
    """
    recent = np.asarray(y, dtype=float)
    recent = recent[np.isfinite(recent)][-RARE_WINDOW:]
    n, total = recent.size, recent.sum()
    r, p = total + JEFFREYS, n / (n + 1.0)
    mean = np.full(horizon, r / n)
    lo, hi = {}, {}
    for lev in levels:
        tail = (1 - lev / 100) / 2
        lo[lev] = np.full(horizon, float(_nbinom().ppf(tail, r, p)))
        hi[lev] = np.full(horizon, float(_nbinom().ppf(1 - tail, r, p)))
    return mean, lo, hi


def _warning_notes(caught) -> list[str]:
    seen: dict[str, None] = {}
    for w in caught:
        text = str(w.message).strip().splitlines()[0] if str(w.message).strip() else ""
        seen[f"{w.category.__name__}: {text}"] = None
    return list(seen)


def _sm_ets(y: pd.Series, spec: _ets_fast.EtsSpec):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(y, error="add", trend="add" if spec.trend else None, damped_trend=spec.damped,
                    seasonal="mul" if spec.mul else "add", seasonal_periods=SEASONAL_PERIOD).fit(disp=False)


def _sm_predict(res, n: int, horizon: int):
    return res.get_prediction(start=n, end=n + horizon - 1, simulate_repetitions=SIMULATION_REPETITIONS,
                              rng=np.random.default_rng(SIMULATION_SEED))


def ets_statsmodels(y: pd.Series, horizon: int, levels=(80, 95), specs=_ets_fast.CANDIDATES,
                    intervals: str = "model"):
    """Reference ETS kernel for one series (``pd.Series`` with a monthly ``PeriodIndex``): fit each candidate with
    statsmodels ``ETSModel`` (error additive, period 12), keep the minimum AICc, predict with intervals
    (``intervals``: "model", statsmodels' own, or "calibrated", see :func:`calibration_scale`).

    Returns (mean, {level: lo}, {level: hi}, model name, notes). Raises ``ValueError`` when no candidate fits.
    """
    positive = bool((y > 0).all())
    best, best_spec, notes = None, None, []
    for spec in specs:
        if spec.mul and not positive:
            continue
        try:
            res = _sm_ets(y, spec)
        except Exception as exc:  # noqa: BLE001 - statsmodels raises many types; the reason goes into notes
            notes.append(f"{spec.name} failed: {exc}")
            continue
        if np.isfinite(res.aicc) and (best is None or res.aicc < best.aicc):
            best, best_spec = res, spec
    if best is None:
        raise ValueError("; ".join(notes) or "no candidate model could be fitted")
    n = len(y)
    pred = _sm_predict(best, n, horizon)
    mean = np.asarray(pred.predicted_mean, dtype=float)
    lo, hi = {}, {}
    scale = _sm_calibration(y, best_spec, horizon) if intervals == "calibrated" else None
    if scale is None:
        for lev in levels:
            frame = pred.summary_frame(alpha=1 - lev / 100)
            lo[lev], hi[lev] = frame["pi_lower"].to_numpy(float), frame["pi_upper"].to_numpy(float)
        if intervals == "calibrated":
            notes.append(SHORT_FOR_CALIBRATION)
    else:
        lo, hi = _calibrated(mean, np.sqrt(np.asarray(pred.var_pred_mean, dtype=float)), scale, levels)
    if not (np.isfinite(mean).all() and all(np.isfinite(v).all() for v in (*lo.values(), *hi.values()))):
        raise ValueError(f"{best_spec.name} gave a non-finite forecast")
    return mean, lo, hi, best_spec.name, notes


def _sm_calibration(y: pd.Series, spec: _ets_fast.EtsSpec, horizon: int) -> float | None:
    """:func:`calibration_scale` for the statsmodels engine: ``spec`` refitted at the earlier origins."""
    z, steps = [], min(horizon, CALIBRATION_HORIZON)
    for cut in _calibration_cuts(len(y)):
        train = y.iloc[:cut]
        if spec.mul and not (train > 0).all():
            continue
        try:
            pred = _sm_predict(_sm_ets(train, spec), cut, steps)
        except Exception:  # noqa: BLE001 - an earlier origin that cannot be fitted gives no errors
            continue
        actual = y.to_numpy(float)[cut:cut + steps]
        z.append((actual - np.asarray(pred.predicted_mean, float)) / np.sqrt(np.asarray(pred.var_pred_mean, float)))
    return calibration_scale(np.concatenate(z)) if z else None


def _calibration_cuts(n: int) -> list[int]:
    """Lengths of the training data at the earlier origins (12, 24, ... months back) that can be fitted."""
    return [n - CALIBRATION_HORIZON * j for j in range(1, CALIBRATION_ORIGINS + 1)
            if n - CALIBRATION_HORIZON * j >= MIN_MONTHS]


def calibration_scale(z: np.ndarray) -> float | None:
    """The factor k by which a series' calibrated intervals widen (or narrow) the model's standard deviation.

    ``z``: the series' standardised errors (actual - forecast) / model standard deviation of the forecasts made at
    the earlier origins, up to ``CALIBRATION_HORIZON`` months ahead. k = sqrt((c + sum z^2) / (c + count)), c =
    ``CALIBRATION_PRIOR`` pseudo-errors of the model's own size, so that a few errors move k only part of the way.
    None when no error is finite.

    >>> calibration_scale(np.array([2.0, -2.0, 2.0, -2.0])), calibration_scale(np.array([np.nan]))
    (1.7320508075688772, None)
    """
    z = np.asarray(z, dtype=float)
    z = z[np.isfinite(z)]
    if not z.size:
        return None
    return float(np.sqrt((CALIBRATION_PRIOR + np.sum(z * z)) / (CALIBRATION_PRIOR + z.size)))


def _calibrated(mean: np.ndarray, sd: np.ndarray, scale: float, levels):
    """Gaussian interval of standard deviation ``scale`` x ``sd`` about ``mean``."""
    lo, hi = {}, {}
    for lev in levels:
        half = _norm().ppf(0.5 + lev / 200) * scale * sd
        lo[lev], hi[lev] = mean - half, mean + half
    return lo, hi


def sarima_statsmodels(y: pd.Series, horizon: int, levels=(80, 95)):
    """SARIMA(0,1,1)(0,1,1)12 kernel for one series: (mean, {level: lo}, {level: hi}, name, notes)."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    res = SARIMAX(y, order=SARIMA_ORDER, seasonal_order=SARIMA_SEASONAL_ORDER).fit(disp=False)
    fc = res.get_forecast(horizon)
    lo, hi = {}, {}
    for lev in levels:
        ci = np.asarray(fc.conf_int(alpha=1 - lev / 100), dtype=float)
        lo[lev], hi[lev] = ci[:, 0], ci[:, 1]
    mean = np.asarray(fc.predicted_mean, dtype=float)
    if not np.isfinite(mean).all():
        raise ValueError("SARIMA gave a non-finite forecast")
    p, d, q = SARIMA_ORDER
    P, D, Q, m = SARIMA_SEASONAL_ORDER
    return mean, lo, hi, f"SARIMA({p},{d},{q})({P},{D},{Q}){m}", []


def _set_fallback(s: _Series, opts: Options, reason: str | None) -> None:
    s.mean, s.lo, s.hi = seasonal_naive(s.y, opts.horizon, opts.levels)
    s.method = SNAIVE if reason is None else f"{SNAIVE} (fallback: {reason})"
    if np.isnan(s.mean).any():
        s.notes.append("no value a whole number of years earlier for some months")


def _set_rare(s: _Series, opts: Options) -> bool:
    """The rare-count model for a rare series when the method is "auto" (a named model is fitted as asked)."""
    y = s.y[s.fit_from:]
    if opts.method != "auto" or not is_rare(y, opts.rare_count):
        return False
    s.mean, s.lo, s.hi = rare_counts(y, opts.horizon, opts.levels)
    s.method = RARE_METHOD
    return True


def _needs_positive(y: np.ndarray, opts: Options) -> bool:
    """True when only multiplicative-seasonal models were asked for and the series is not strictly positive."""
    return opts.method not in ("sarima", "snaive") and all(sp.mul for sp in opts.specs) and not (y > 0).all()


def _run_statsmodels(items: list[_Series], opts: Options) -> None:
    for s in items:
        if s.fallback is not None or opts.method == "snaive":
            _set_fallback(s, opts, None if opts.method == "snaive" else s.fallback)
            continue
        y = s.y[s.fit_from:]
        if _needs_positive(y, opts):
            _set_fallback(s, opts, POSITIVE_ONLY)
            continue
        if _set_rare(s, opts):
            continue
        index = pd.period_range(end=s.origin, periods=len(y), freq="M")
        series = pd.Series(y, index=index)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if opts.method == "sarima":
                    result = sarima_statsmodels(series, opts.horizon, opts.levels)
                else:
                    result = ets_statsmodels(series, opts.horizon, opts.levels, opts.specs, opts.intervals)
            except Exception as exc:  # noqa: BLE001 - any failure becomes a recorded fallback
                result = None
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        s.notes.extend(_warning_notes(caught))
        if result is None:
            s.notes.append(f"fit failed: {reason}")
            _set_fallback(s, opts, "fit failed")
        else:
            s.mean, s.lo, s.hi, s.method, extra = result
            s.notes.extend(extra)


def _run_fast(items: list[_Series], opts: Options) -> None:
    todo = []
    for s in items:
        if s.fallback is not None or opts.method == "snaive":
            _set_fallback(s, opts, None if opts.method == "snaive" else s.fallback)
        elif _needs_positive(s.y[s.fit_from:], opts):
            _set_fallback(s, opts, POSITIVE_ONLY)
        elif not _set_rare(s, opts):
            todo.append(s)
    by_length: dict[int, list[_Series]] = {}
    for s in todo:
        by_length.setdefault(len(s.y) - s.fit_from, []).append(s)
    for group in by_length.values():
        Y = np.stack([s.y[s.fit_from:] for s in group])
        choice, mean, var, _ = _ets_fast.select(Y, opts.horizon, opts.specs)
        scales = _fast_calibration(Y, choice, opts) if opts.intervals == "calibrated" else [None] * len(group)
        for i, s in enumerate(group):
            if not np.isfinite(mean[i]).all():
                s.notes.append("fit failed: non-finite forecast")
                _set_fallback(s, opts, "fit failed")
                continue
            s.mean = mean[i]
            sd = np.sqrt(var[i])
            if scales[i] is None and opts.intervals == "calibrated":
                s.notes.append(SHORT_FOR_CALIBRATION)
            s.lo, s.hi = _calibrated(mean[i], sd, 1.0 if scales[i] is None else scales[i], opts.levels)
            s.method = opts.specs[choice[i]].name


def _fast_calibration(Y: np.ndarray, choice: np.ndarray, opts: Options) -> list[float | None]:
    """:func:`calibration_scale` per row of ``Y`` for the fast engine: each row's chosen model refitted (all rows
    with the same model at once) at the earlier origins."""
    z, steps = [[] for _ in range(len(Y))], min(opts.horizon, CALIBRATION_HORIZON)
    for cut in _calibration_cuts(Y.shape[1]):
        train, actual = Y[:, :cut], Y[:, cut:cut + steps]
        for c in np.unique(choice):
            spec = opts.specs[c]
            rows = np.flatnonzero((choice == c) & ((train > 0).all(axis=1) if spec.mul else True))
            if not rows.size:
                continue
            f = _ets_fast.fit(train[rows], spec, steps)
            with np.errstate(all="ignore"):
                err = (actual[rows] - f.mean) / np.sqrt(f.var)
            for r, e in zip(rows, err, strict=True):
                z[r].append(e)
    return [calibration_scale(np.concatenate(e)) if e else None for e in z]


def _assemble(items: list[_Series], opts: Options) -> pd.DataFrame:
    H = opts.horizon
    cols: dict[str, list] = {c: [] for c in (*schema.SERIES_KEY, schema.MONTH)}
    values = {MEAN: [], **{c: [] for lev in opts.levels for c in (lo_col(lev), hi_col(lev))}}
    method, origin, notes = [], [], []
    for s in items:
        for c, k in zip(schema.SERIES_KEY, s.key, strict=True):
            cols[c].extend([k] * H)
        cols[schema.MONTH].extend(s.origin + h for h in range(1, H + 1))
        values[MEAN].append(s.mean)
        for lev in opts.levels:
            values[lo_col(lev)].append(s.lo[lev])
            values[hi_col(lev)].append(s.hi[lev])
        method.extend([s.method] * H)
        origin.extend([s.origin] * H)
        notes.extend(["; ".join(s.notes)] * H)
    out = pd.DataFrame({c: pd.Series(v, dtype=str) for c, v in cols.items() if c != schema.MONTH})
    out[schema.MONTH] = pd.PeriodIndex(cols[schema.MONTH], freq="M") if items else \
        pd.PeriodIndex([], freq="M")
    for c, arrays in values.items():
        data = np.concatenate(arrays) if arrays else np.array([], dtype=float)
        out[c] = np.clip(data, 0.0, None)  # counts cannot go below 0 (METHODS.md); NaN stays NaN
    out[METHOD] = pd.Series(method, dtype=str)
    out[ORIGIN] = pd.PeriodIndex(origin, freq="M") if items else pd.PeriodIndex([], freq="M")
    out[NOTES] = pd.Series(notes, dtype=str)
    return out


def forecast(volumes: pd.DataFrame, horizon: int = 3, origin=None, method: str = "auto",
             level=(80, 95), engine: str = "statsmodels", intervals: str = DEFAULT_INTERVALS,
             rare_count: int | None = RARE_COUNT) -> pd.DataFrame:
    """Forecast every series (force, area, measure) of a volumes frame ``horizon`` months past ``origin``.

    ``origin`` (a month, e.g. "2023-03") is the last month used; ``None`` means each series' last month.
    ``method``: "auto" (ETS chosen by AICc), an ETS model name such as "ETS(A,Ad,A)", "sarima" or "snaive".
    ``engine``: "statsmodels" (reference, per series) or "fast" (batched numpy, ETS and seasonal naive only).
    ``intervals``: "calibrated" (ETS intervals rescaled by the series' own errors at earlier origins) or "model"
    (the model's own). ``rare_count``: with method "auto", a series with at least half of its last 24 months at or
    below this count gets the Poisson count model (None: never).

    Returns force, area, measure, month, mean, lo_80, hi_80, lo_95, hi_95 (one pair per ``level``), method (the
    model, or "seasonal naive (fallback: <reason>)"), origin, notes (captured warnings and data notes).
    See the module docstring for definitions and an example.
    """
    opts = _options(horizon, origin, method, level, engine, intervals, rare_count)
    frame = schema.validate(volumes, schema.VOLUMES)
    items = _prepare(frame, opts.origin, needs_model=opts.method != "snaive")
    (_run_fast if opts.engine == "fast" else _run_statsmodels)(items, opts)
    return _assemble(items, opts)


def forecast_vs_actual(volumes: pd.DataFrame, origin, horizon: int = 3, method: str = "auto",
                       engine: str = "statsmodels", level=(80, 95), intervals: str = DEFAULT_INTERVALS,
                       rare_count: int | None = RARE_COUNT) -> pd.DataFrame:
    """Each month after ``origin`` against the forecast made at ``origin`` (METHODS.md, forecast vs actual).

    ``label`` is "above the forecast" / "below the forecast" when the actual lies outside the 95% interval,
    "in line with the forecast" inside it (bounds included), NA when the month has no actual count.

    >>> import pandas as pd, numpy as np
    >>> months = pd.period_range("2020-04", "2023-06", freq="M")
    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": months,
    ...                   "count": [100] * 36 + [100, 100, 400]})
    >>> forecast_vs_actual(v, "2023-03", method="snaive")["label"].tolist()
    ['in line with the forecast', 'in line with the forecast', 'above the forecast']
    """
    levels = tuple(int(x) for x in level)
    if 95 not in levels:
        levels = (*levels, 95)
    frame = schema.validate(volumes, schema.VOLUMES)
    fc = forecast(frame, horizon=horizon, origin=origin, method=method, level=levels, engine=engine,
                  intervals=intervals, rare_count=rare_count)
    actual = frame.rename(columns={schema.COUNT: ACTUAL})[[*schema.SERIES_KEY, schema.MONTH, ACTUAL]]
    out = fc.merge(actual, on=[*schema.SERIES_KEY, schema.MONTH], how="left")
    out[ACTUAL] = out[ACTUAL].astype("Float64")
    a = out[ACTUAL].to_numpy(dtype=float, na_value=np.nan)
    lo, hi = out[lo_col(95)].to_numpy(float), out[hi_col(95)].to_numpy(float)
    label = forecast_label(a, lo, hi)
    missing = np.isnan(a) | np.isnan(hi) | np.isnan(lo)
    out[LABEL] = pd.Series(np.where(missing, None, label), dtype="str")
    return out


def _seasonal_scale(y: np.ndarray) -> float:
    """MASE scale: mean absolute 12-month difference in the training data (Hyndman & Koehler 2006)."""
    if len(y) <= SEASONAL_PERIOD:
        return np.nan
    d = np.abs(y[SEASONAL_PERIOD:] - y[:-SEASONAL_PERIOD])
    d = d[np.isfinite(d)]
    return float(d.mean()) if d.size else np.nan


def backtest(volumes: pd.DataFrame, horizon: int = 3, origins=None, method: str = "auto",
             engine: str = "statsmodels", intervals: str = DEFAULT_INTERVALS,
             rare_count: int | None = RARE_COUNT) -> pd.DataFrame:
    """Rolling-origin evaluation: one forecast per origin, compared with what happened.

    ``origins`` default: the 12 latest months from which the whole horizon is observed in the frame.
    Per series and origin: ``n`` (months compared), ``mae``, ``mase`` (MAE / in-sample mean absolute 12-month
    difference up to the origin, Hyndman & Koehler 2006), ``smape`` (mean of 2|a - f| / (|a| + |f|), a fraction in
    [0, 2]; 0 when both are 0), ``coverage_80`` and ``coverage_95`` (share of actuals inside each interval),
    and the forecast ``method``.

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
                                 rare_count=rare_count)
        scales = {s.key: _seasonal_scale(s.y) for s in _prepare(frame, o, needs_model=False)}  # the training grid
        for key, g in res.groupby(schema.SERIES_KEY, sort=True):
            a = g[ACTUAL].to_numpy(dtype=float, na_value=np.nan)
            f = g[MEAN].to_numpy(dtype=float)
            ok = np.isfinite(a) & np.isfinite(f)
            err = np.abs(a[ok] - f[ok])
            denom = np.abs(a[ok]) + np.abs(f[ok])
            mae = err.mean() if ok.any() else np.nan
            scale = scales.get(tuple(key), np.nan)
            cover = {}
            for lev in (80, 95):
                lo, hi = g[lo_col(lev)].to_numpy(float)[ok], g[hi_col(lev)].to_numpy(float)[ok]
                cover[lev] = float(np.mean((a[ok] >= lo) & (a[ok] <= hi))) if ok.any() else np.nan
            rows.append({**dict(zip(schema.SERIES_KEY, key, strict=True)), ORIGIN: o,
                         METHOD: g[METHOD].iloc[0], "n": float(ok.sum()), "mae": mae,
                         "mase": mae / scale if scale and np.isfinite(scale) and scale > 0 else np.nan,
                         "smape": float(np.mean(np.where(denom > 0, 2 * err / np.where(denom > 0, denom, 1), 0.0)))
                         if ok.any() else np.nan,
                         "coverage_80": cover[80], "coverage_95": cover[95]})
    out = pd.DataFrame(rows)
    if not rows:
        return pd.DataFrame(columns=[*schema.SERIES_KEY, ORIGIN, METHOD, "n", "mae", "mase", "smape",
                                     "coverage_80", "coverage_95"])
    out[ORIGIN] = pd.PeriodIndex(out[ORIGIN], freq="M")
    return out


def backtest_summary(result: pd.DataFrame, by=None) -> pd.DataFrame:
    """Summary of a :func:`backtest` across series (``by=None``) or per group (e.g. ``by=schema.SERIES_KEY``).

    Columns: ``series``, ``forecasts``, ``mase`` (mean), ``mase_median``, ``smape`` (mean), ``coverage_80`` and
    ``coverage_95`` (share of all compared months inside the interval), ``fallback_share`` (share of forecasts
    that fell back to seasonal naive).
    """
    def summarise(g: pd.DataFrame) -> pd.Series:
        n = g["n"].to_numpy(float)
        weight = n.sum()
        return pd.Series({
            "series": g[schema.SERIES_KEY].drop_duplicates().shape[0],
            "forecasts": len(g),
            "mase": g["mase"].mean(),
            "mase_median": g["mase"].median(),
            "smape": g["smape"].mean(),
            "coverage_80": float(np.nansum(g["coverage_80"] * n) / weight) if weight else np.nan,
            "coverage_95": float(np.nansum(g["coverage_95"] * n) / weight) if weight else np.nan,
            "fallback_share": float(g[METHOD].str.contains("fallback", regex=False).mean()),
        })

    if by is None:
        return summarise(result).to_frame().T.reset_index(drop=True)
    by = [by] if isinstance(by, str) else list(by)
    return pd.DataFrame([{**dict(zip(by, k if isinstance(k, tuple) else (k,), strict=True)), **summarise(g)}
                         for k, g in result.groupby(by, sort=True)])
