"""Forecast intervals: Gaussian intervals about a forecast's mean, and their calibration on a rolling origin (the
series' own standardised errors at the origins 12 and 24 months earlier; METHODS.md, "Seasonal forecasts",
intervals=; the default, ``DEFAULT_INTERVALS = "calibrated"``, in both engines). scipy's normal quantiles are computed once per call, for the levels asked for, and scipy is imported
only then: ``ncpm run`` deciding that nothing changed (it checks the configuration) never loads scipy.stats."""

from __future__ import annotations

import numpy as np

from ncpm.methods.forecast.options import MIN_MONTHS

CALIBRATION_ORIGINS = 2  # calibrated intervals: the forecasts made 12 and 24 months before the origin
CALIBRATION_HORIZON = 12  # ... up to the horizon asked for, at most 12 months: up to 24 errors per series
CALIBRATION_PRIOR = 2.0  # pseudo-errors of the model's own size that k is shrunk with (chosen on NSW, 2013-2018)


def normal_quantiles(levels) -> dict[int, float]:
    """z of each two-sided ``level``% interval of the normal distribution: {80: 1.28..., 95: 1.95...}.

    >>> round(float(normal_quantiles((95,))[95]), 3)
    1.96
    """
    from scipy.stats import norm

    return {lev: norm.ppf(0.5 + lev / 200) for lev in levels}


def calibration_cuts(n: int) -> list[int]:
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


def gaussian_interval(mean: np.ndarray, sd: np.ndarray, scale: float, quantiles: dict[int, float]):
    """Gaussian interval of standard deviation ``scale`` x ``sd`` about ``mean``, one per level of ``quantiles``
    (:func:`normal_quantiles`): ({level: lo}, {level: hi})."""
    lo, hi = {}, {}
    for lev, z in quantiles.items():
        half = z * scale * sd
        lo[lev], hi[lev] = mean - half, mean + half
    return lo, hi
