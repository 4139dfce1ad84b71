"""Intervals and tests: the Wilson score interval for a proportion (every rate's 95% interval), the two-proportion
z-test (is a change between two pooled windows significant?), METHODS.md, Outcome rate and Victim satisfaction; and
the exact Poisson (Garwood) interval for a count (rates per 1,000 population, METHODS.md, MSG and national rank).

scipy is imported when an interval is computed, not with this module: checking the configuration needs none of it.

>>> lo, hi = wilson_interval(np.array([10]), np.array([30]))
>>> round(float(lo[0]), 4), round(float(hi[0]), 4)
(0.1923, 0.5122)
"""

from __future__ import annotations

import numpy as np

from ncpm.core.errors import ConfigError
from ncpm.methods.series import safe_ratio

CONFIDENCE = 0.95  # every rate carries a Wilson 95% interval


def wilson_interval(k, n, level: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion k / n (Wilson 1927; as statsmodels ``proportion_confint``).

    centre = (p + z^2 / 2n) / (1 + z^2 / n), half-width = z / (1 + z^2 / n) * sqrt(p(1 - p) / n + z^2 / 4n^2),
    clipped to [0, 1] (exactly 0 when k = 0, exactly 1 when k = n). NaN where n = 0 or k > n (no proportion).

    >>> lo, hi = wilson_interval(np.array([0, 5]), np.array([20, 5]))
    >>> float(lo[0]), float(hi[1])
    (0.0, 1.0)
    """
    if not 0 < level < 1:
        raise ConfigError(f"level must be between 0 and 1, not {level}")
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    from scipy import stats  # imported when used: checking the configuration needs none of it

    z = stats.norm.isf((1 - level) / 2)
    valid = (n > 0) & (k >= 0) & (k <= n)
    nn = np.where(valid, n, 1.0)
    p = np.where(valid, k, 0.0) / nn
    z2 = z * z
    denom = 1 + z2 / nn
    centre = (p + z2 / (2 * nn)) / denom
    half = z * np.sqrt(p * (1 - p) / nn + z2 / (4 * nn ** 2)) / denom
    lo = np.where(valid, np.clip(centre - half, 0, 1), np.nan)
    hi = np.where(valid, np.clip(centre + half, 0, 1), np.nan)
    lo[valid & (k == 0)] = 0.0  # exact ends: rounding leaves ~1e-21 where the interval touches 0 or 1
    hi[valid & (k == n)] = 1.0
    return lo, hi


def two_proportion_z(x1, n1, x2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Two-proportion z-test with pooled standard error; z = (p2 - p1) / se, two-sided p from the normal.

    se = sqrt(p(1 - p)(1/n1 + 1/n2)) with p = (x1 + x2) / (n1 + n2). Same as statsmodels ``proportions_ztest``
    (with the sign of p2 - p1).

    >>> z, p = two_proportion_z(40, 100, 60, 100)
    >>> round(float(z), 3), round(float(p), 4)
    (2.828, 0.0047)
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    pooled = safe_ratio(x1 + x2, n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (safe_ratio(1.0, n1) + safe_ratio(1.0, n2)))
    z = safe_ratio(safe_ratio(x2, n2) - safe_ratio(x1, n1), se)
    from scipy import stats

    p = 2 * stats.norm.sf(np.abs(z))
    return z, p


def poisson_interval(k: np.ndarray | float, level: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval for the mean of a Poisson count ``k``.

    lo = chi2.ppf(a/2, 2k) / 2 (0 when k = 0), hi = chi2.ppf(1 - a/2, 2k + 2) / 2, with a = 1 - level
    (Garwood 1936; the interval used by ONS and Public Health England for counts). Computed here with the equivalent
    gamma quantiles, Gamma(k, 1).ppf(a/2) and Gamma(k + 1, 1).ppf(1 - a/2). NaN counts give NaN limits.

    >>> lo, hi = poisson_interval(np.array([0, 10]))
    >>> [round(float(x), 3) for x in lo], [round(float(x), 3) for x in hi]
    ([0.0, 4.795], [3.689, 18.39])
    """
    from scipy import stats  # scipy is heavy: loaded when an interval is wanted, not when ncpm is imported

    k = np.asarray(k, dtype=float)
    if not 0 < level < 1:
        raise ConfigError(f"level must be between 0 and 1, not {level}")
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(k > 0, stats.gamma.ppf(alpha / 2, np.where(k > 0, k, 1.0)), 0.0)
        hi = stats.gamma.ppf(1 - alpha / 2, k + 1.0)
    lo = np.where(np.isnan(k), np.nan, lo)
    return lo, hi
