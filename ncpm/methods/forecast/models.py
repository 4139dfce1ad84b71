"""The simple forecast models, one series each (numpy in, numpy out): seasonal naive, the benchmark and fallback, and
the Poisson count model for rare series (METHODS.md, "Seasonal forecasts"). scipy is imported when a model runs."""

from __future__ import annotations

import numpy as np

from ncpm.methods.forecast.intervals import normal_quantiles
from ncpm.methods.forecast.options import DEFAULT_LEVELS, RARE_COUNT, SEASONAL_PERIOD

RARE_WINDOW = 24  # two whole years, so every calendar month weighs the same in the rare-count rate
JEFFREYS = 0.5  # Gamma(1/2, 0) prior on a Poisson rate (Jeffreys): the predictive is negative binomial


def seasonal_naive(y: np.ndarray, horizon: int, levels=DEFAULT_LEVELS):
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
    for lev, z in normal_quantiles(levels).items():
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


def rare_counts(y: np.ndarray, horizon: int, levels=DEFAULT_LEVELS):
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
    from scipy.stats import nbinom

    lo, hi = {}, {}
    for lev in levels:
        tail = (1 - lev / 100) / 2
        lo[lev] = np.full(horizon, float(nbinom.ppf(tail, r, p)))
        hi[lev] = np.full(horizon, float(nbinom.ppf(1 - tail, r, p)))
    return mean, lo, hi
