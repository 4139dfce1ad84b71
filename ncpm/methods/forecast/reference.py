"""The statsmodels kernels, one series each: ETS chosen by AICc (``ETSModel``, the reference the fast engine is
checked against) and the airline SARIMA(0,1,1)(0,1,1)12 (METHODS.md, "Seasonal forecasts"). statsmodels is imported
when a model is fitted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.methods.forecast import ets_fast
from ncpm.methods.forecast.intervals import (
    CALIBRATION_HORIZON,
    calibration_cuts,
    calibration_scale,
    gaussian_interval,
    normal_quantiles,
)
from ncpm.methods.forecast.labels import SHORT_FOR_CALIBRATION, combined_method
from ncpm.methods.forecast.options import DEFAULT_INTERVALS, DEFAULT_LEVELS, SEASONAL_PERIOD

SARIMA_ORDER = (0, 1, 1)
SARIMA_SEASONAL_ORDER = (0, 1, 1, SEASONAL_PERIOD)  # the "airline" model, Box & Jenkins
SIMULATION_SEED = 20230331  # statsmodels simulated intervals (multiplicative seasonality) are reproducible
SIMULATION_REPETITIONS = 1000  # statsmodels' default


def warning_notes(caught) -> list[str]:
    seen: dict[str, None] = {}
    for w in caught:
        text = str(w.message).strip().splitlines()[0] if str(w.message).strip() else ""
        seen[f"{w.category.__name__}: {text}"] = None
    return list(seen)


def _sm_ets(y: pd.Series, spec: ets_fast.EtsSpec):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = ("mul" if spec.mul else "add") if spec.seasonal else None
    return ETSModel(y, error="add", trend="add" if spec.trend else None, damped_trend=spec.damped,
                    seasonal=seasonal, seasonal_periods=SEASONAL_PERIOD if seasonal else None).fit(disp=False)


def _sm_predict(res, n: int, horizon: int):
    return res.get_prediction(start=n, end=n + horizon - 1, simulate_repetitions=SIMULATION_REPETITIONS,
                              rng=np.random.default_rng(SIMULATION_SEED))


def ets_statsmodels(y: pd.Series, horizon: int, levels=DEFAULT_LEVELS, specs=ets_fast.CANDIDATES,
                    intervals: str = DEFAULT_INTERVALS):
    """Reference ETS kernel for one series (``pd.Series`` with a monthly ``PeriodIndex``): fit each candidate with
    statsmodels ``ETSModel`` (error additive, period 12), keep the minimum AICc, predict with intervals
    (``intervals``: "model", statsmodels' own, or "calibrated", see :func:`calibration_scale`).

    Returns (mean, {level: lo}, {level: hi}, model name, notes). Raises ``ValueError`` when no candidate fits.
    """
    fits, notes = _sm_fits(y, specs)
    fits = [(spec, res) for spec, res in fits if np.isfinite(res.aicc)]
    if not fits:
        raise ValueError("; ".join(notes) or "no candidate model could be fitted")
    best_spec, best = min(fits, key=lambda fit: fit[1].aicc)  # the first of equal AICc, in candidate order
    n = len(y)
    pred = _sm_predict(best, n, horizon)
    mean = np.asarray(pred.predicted_mean, dtype=float)
    lo, hi = {}, {}
    scale = _sm_calibration(y, horizon, _one_model(best_spec)) if intervals == "calibrated" else None
    if scale is None:
        for lev in levels:
            frame = pred.summary_frame(alpha=1 - lev / 100)
            lo[lev], hi[lev] = frame["pi_lower"].to_numpy(float), frame["pi_upper"].to_numpy(float)
        if intervals == "calibrated":
            notes.append(SHORT_FOR_CALIBRATION)
    else:
        lo, hi = gaussian_interval(mean, np.sqrt(np.asarray(pred.var_pred_mean, dtype=float)), scale,
                                   normal_quantiles(levels))
    if not (np.isfinite(mean).all() and all(np.isfinite(v).all() for v in (*lo.values(), *hi.values()))):
        raise ValueError(f"{best_spec.name} gave a non-finite forecast")
    return mean, lo, hi, best_spec.name, notes


def _sm_fits(y: pd.Series, specs) -> tuple[list, list[str]]:
    """(spec, statsmodels result) of every candidate statsmodels fits to ``y`` (a multiplicative one only when ``y``
    is positive), and notes naming those that failed."""
    positive = bool((y > 0).all())
    fits, notes = [], []
    for spec in specs:
        if spec.mul and not positive:
            continue
        try:
            fits.append((spec, _sm_ets(y, spec)))
        except Exception as exc:  # noqa: BLE001 - statsmodels raises many types; the reason goes into notes
            notes.append(f"{spec.name} failed: {exc}")
    return fits, notes


def _one_model(spec: ets_fast.EtsSpec):
    """The forecast (mean, sd) of ``spec`` refitted to a training window, for :func:`_sm_calibration`."""
    def forecast_at(train: pd.Series, steps: int):
        if spec.mul and not (train > 0).all():
            raise ValueError(f"{spec.name} needs positive counts")
        pred = _sm_predict(_sm_ets(train, spec), len(train), steps)
        return np.asarray(pred.predicted_mean, float), np.sqrt(np.asarray(pred.var_pred_mean, float))
    return forecast_at


def _sm_calibration(y: pd.Series, horizon: int, forecast_at) -> float | None:
    """:func:`calibration_scale` for the statsmodels engine: ``forecast_at(train, steps)`` (mean, sd) made again at
    the earlier origins (:func:`calibration_cuts`); an origin that cannot be fitted gives no errors."""
    z, steps = [], min(horizon, CALIBRATION_HORIZON)
    for cut in calibration_cuts(len(y)):
        try:
            mean, sd = forecast_at(y.iloc[:cut], steps)
        except Exception:  # noqa: BLE001 - statsmodels raises many types
            continue
        z.append((y.to_numpy(float)[cut:cut + steps] - mean) / sd)
    return calibration_scale(np.concatenate(z)) if z else None


def _sm_combination(y: pd.Series, specs, horizon: int):
    """(mean, sd, models combined, notes): the equal-weight mean of every candidate's forecast that statsmodels
    fits, the sd the mean of theirs (as :func:`ets_fast.combine`)."""
    fits, notes = _sm_fits(y, specs)
    means, sds = [], []
    for spec, res in fits:
        try:
            pred = _sm_predict(res, len(y), horizon)
        except Exception as exc:  # noqa: BLE001 - statsmodels raises many types; the reason goes into notes
            notes.append(f"{spec.name} failed: {exc}")
            continue
        mean = np.asarray(pred.predicted_mean, dtype=float)
        sd = np.sqrt(np.asarray(pred.var_pred_mean, dtype=float))
        if np.isfinite(res.aicc) and np.isfinite(mean).all() and np.isfinite(sd).all():
            means.append(mean)
            sds.append(sd)
    if not means:
        raise ValueError("; ".join(notes) or "no candidate model could be fitted")
    return np.mean(means, axis=0), np.mean(sds, axis=0), len(means), notes


def ets_combined_statsmodels(y: pd.Series, horizon: int, levels=DEFAULT_LEVELS, specs=ets_fast.CANDIDATES,
                             intervals: str = DEFAULT_INTERVALS):
    """Reference kernel of method "combined" for one series: the equal-weight mean of the candidates' statsmodels
    forecasts, Gaussian intervals with the mean of their standard deviations (rescaled as in
    :func:`calibration_scale` when ``intervals`` is "calibrated"). Returns (mean, {level: lo}, {level: hi}, method
    text, notes); ``ValueError`` when no candidate fits."""
    mean, sd, models, notes = _sm_combination(y, specs, horizon)
    scale = None
    if intervals == "calibrated":
        scale = _sm_calibration(y, horizon, lambda train, steps: _sm_combination(train, specs, steps)[:2])
        if scale is None:
            notes.append(SHORT_FOR_CALIBRATION)
    lo, hi = gaussian_interval(mean, sd, 1.0 if scale is None else scale, normal_quantiles(levels))
    return mean, lo, hi, combined_method(models), notes


def sarima_statsmodels(y: pd.Series, horizon: int, levels=DEFAULT_LEVELS):
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
