"""Statistical process control: XmR limits, the four rules, and seasonal exceptions (METHODS.md, Exceptions).

The rule set is NHS England "Making Data Count" (MDC) with its 2023 revision of the two-sigma rule. An XmR chart
with centre = mean, moving range MR(t) = |y(t) - y(t-1)|, process limits = mean +/- 2.66 x mean(MR), moving ranges
at or above 3.267 x mean(MR) screened out before the limits (on by default); "2 sigma" is two thirds of the way
from the centre to a process limit. Rules, in this order (a point that several rules flag is labelled by the first):

1. ``outside_limits``: a point strictly above the upper or below the lower limit;
2. ``trend``: a run of ``run_length`` (7, or 6) points each higher (or each lower) than the one before; an equal
   value breaks the run; every point of the run is flagged; a point shared by a rising and a falling run takes the
   direction of the later run;
3. ``two_of_three``: three consecutive points all on the same side of the mean (a point on the mean breaks the
   window), at least two of them beyond 2 sigma on that side, a point beyond a process limit counting as beyond
   2 sigma; the points beyond 2 sigma are flagged, the third point is not;
4. ``shift``: ``run_length`` or more consecutive points on the same side of the mean; a point on the mean breaks
   the run; every point of the run is flagged.

Sources. The limits, screening, the order of the rules and the outside-limits, trend and shift rules are those of
NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots, ``R/ptd_spc_standard.R`` and
``R/ptd_calculate_point_type.R``, as at commit 050b07d, September 2025); ``tests/test_spc.py`` ports its unit
tests and limit snapshots. The two-of-three rule is MDC's 2023 revision as the MDC team set it out in
NHSRplotthedots issue #194 (6 November 2023): all points beyond 2 sigma count, including those beyond a process
limit; all three points must lie on the same side of the mean (as in NHSRplotthedots, whose tests have
``ptd_two_in_three(c(1, 0, 1), c(1, -1, 1))`` = 0); only the points beyond 2 sigma are highlighted.
Where ncpm differs from NHSRplotthedots, and why:

- two of three: NHSRplotthedots (at 050b07d) still counts only points between 2 and 3 sigma, so a point beyond a
  limit followed by one between 2 and 3 sigma on the same side flags the second point here (MDC 2023), not there;
- ``run_length=6`` is allowed for trend and shift (METHODS.md makes it a parameter; NHSRplotthedots fixes 7, the
  default here, and its issue #202 asks for 6 as MDC's Excel tool offers);
- a missing month breaks moving ranges, runs and two-of-three windows (NHSRplotthedots charts the rows it is given);
- a value within 1e-9 (relative) of the mean is on the mean, so floating-point residuals do not pick a side.

Fewer than 12 points: the limits are trial limits. ``improvement="decrease"`` (crime) makes low signals
"improvement" and high ones "concern". With ``seasonal=True`` the chart is drawn on residuals y - B, B the 3-year
average (pass the output of :func:`ncpm.methods.baseline.three_year_average`, which carries a ``baseline`` column) or a
forecast (``expected="mean"``), so a summer peak that every year has is not an exception.

>>> lim = xmr_limits(np.array([10.0, 12, 11, 13, 12]))
>>> lim.centre, round(lim.mean_mr, 2), round(lim.upper, 2)
(11.6, 1.5, 15.59)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.periods import dense_months, month_ordinals
from ncpm.methods.series import checked_volumes, series_groups

D2 = 1.128  # bias-correction constant d2 for moving ranges of two points (NHS Making Data Count)
XMR_SCALE = 2.66  # 3 / d2, d2 = 1.128: process limits = mean +/- 2.66 x mean(MR)
SCREEN_SCALE = 3.267  # D4 for n = 2: moving ranges >= 3.267 x mean(MR) are screened out
NEAR_LIMIT = 2 / 3  # "2 sigma" is two thirds of the way from the centre to a process limit
TRIAL_POINTS = 12  # fewer points than this: limits are trial limits (Making Data Count)
RUN_LENGTHS = (6, 7)  # trend and shift: 7 points by default, 6 allowed
RUN_LENGTH = 7  # the default of RUN_LENGTHS (METHODS.md, Exceptions; NHS Making Data Count)
RULES = (schema.OUTSIDE_LIMITS, schema.TREND, schema.TWO_OF_THREE, schema.SHIFT)  # in METHODS.md order
IMPROVEMENT = ("decrease", "increase", None)
DEFAULT_IMPROVEMENT = "decrease"  # fewer crimes is better (METHODS.md, Exceptions)
_TOLERANCE = 1e-9  # relative: a value within this of the mean is on the mean (floating-point residuals)


@dataclass(frozen=True)
class XmrLimits:
    """Centre line, mean moving range and process limits of one series."""

    centre: float
    mean_mr: float
    lower: float
    upper: float
    n: int  # points used
    screened: int  # moving ranges screened out

    @property
    def sigma(self) -> float:
        return self.mean_mr / D2

    @property
    def trial(self) -> bool:
        return self.n < TRIAL_POINTS


#: the variation an XmR point shows (NHS England, "Making data count"): no rule fired; a rule fired, in the direction
#: that is better, worse, or with no better direction given
COMMON_CAUSE, IMPROVED, CONCERN, SPECIAL_CAUSE = "common cause", "improvement", "concern", "special cause"


def moving_ranges(values: np.ndarray) -> np.ndarray:
    """MR(t) = |y(t) - y(t-1)| on a dense monthly series (NaN for the first point and next to a gap)."""
    values = np.asarray(values, dtype=float)
    mr = np.full(values.shape, np.nan)
    if len(values) > 1:
        mr[1:] = np.abs(np.diff(values))
    return mr


def xmr_limits(values, screen: bool = True) -> XmrLimits:
    """XmR limits of one series (NHS Making Data Count): mean +/- 2.66 x mean(MR).

    ``values`` is a dense monthly array (NaN marks a missing month: no moving range is taken across it). With
    ``screen``, moving ranges >= 3.267 x mean(MR) are removed and mean(MR) recomputed once before the limits (not
    when mean(MR) is 0, where every range would go). Fewer than two moving ranges: limits NaN.

    >>> xmr_limits([5, 5, 5, 5]).upper
    5.0
    """
    values = np.asarray(values, dtype=float)
    present = values[~np.isnan(values)]
    centre = float(present.mean()) if len(present) else np.nan
    mr = moving_ranges(values)
    mr = mr[~np.isnan(mr)]
    mean_mr = float(mr.mean()) if len(mr) else np.nan
    screened = 0
    if screen and len(mr) and mean_mr > 0:
        keep = mr < SCREEN_SCALE * mean_mr
        screened = int((~keep).sum())
        mean_mr = float(mr[keep].mean())
    return XmrLimits(centre=centre, mean_mr=mean_mr, lower=centre - XMR_SCALE * mean_mr,
                     upper=centre + XMR_SCALE * mean_mr, n=int(len(present)), screened=screened)


def _runs(signs: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero values: (start, end inclusive, sign)."""
    out = []
    i, n = 0, len(signs)
    while i < n:
        j = i
        while j + 1 < n and signs[j + 1] == signs[i]:
            j += 1
        if signs[i] != 0:
            out.append((i, j, int(signs[i])))
        i = j + 1
    return out


def xmr_rules(values, limits: XmrLimits, run_length: int = RUN_LENGTH) -> dict[str, np.ndarray]:
    """The four rules on a dense series: for each rule a direction per point (+1 high, -1 low, 0 not flagged).

    >>> r = xmr_rules(np.array([1.0, 2, 3, 4, 5, 6, 7]), xmr_limits(np.array([1.0, 2, 3, 4, 5, 6, 7])))
    >>> r["trend"].tolist()
    [1, 1, 1, 1, 1, 1, 1]
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    tol = _TOLERANCE * max(1.0, abs(limits.centre)) if np.isfinite(limits.centre) else 0.0
    dev = np.nan_to_num(y - limits.centre)
    side = np.where(dev > tol, 1, np.where(dev < -tol, -1, 0))
    out = {rule: np.zeros(n, dtype=np.int64) for rule in RULES}
    if not np.isfinite(limits.upper):
        return out
    high = np.nan_to_num(y, nan=-np.inf) > limits.upper + tol
    low = np.nan_to_num(y, nan=np.inf) < limits.lower - tol
    out[schema.OUTSIDE_LIMITS] = np.where(high, 1, np.where(low, -1, 0))
    # trend: run_length points in a row, each strictly above (below) the one before: run_length - 1 steps
    steps = np.zeros(n, dtype=np.int64)
    if n > 1:
        diff = np.diff(y)
        steps[1:] = np.where(np.isnan(diff), 0, np.sign(np.nan_to_num(diff))).astype(np.int64)
    for start, end, sign in _runs(steps):
        if end - start + 1 >= run_length - 1:
            # the point before the first step starts the run; a later run overwrites a shared turning point
            out[schema.TREND][start - 1:end + 1] = sign
    # two of three: all three on one side of the mean, two or more of them beyond 2 sigma (a limit included)
    near = NEAR_LIMIT * XMR_SCALE * limits.mean_mr
    beyond = np.where(dev > near + tol, 1, np.where(dev < -near - tol, -1, 0))
    for i in range(n - 2):
        sign = side[i]
        if sign == 0 or not (side[i:i + 3] == sign).all():
            continue
        hit = beyond[i:i + 3] == sign
        if hit.sum() >= 2:
            window = out[schema.TWO_OF_THREE][i:i + 3]
            window[hit] = sign
    # shift: run_length or more points on the same side of the mean
    for start, end, sign in _runs(side):
        if end - start + 1 >= run_length:
            out[schema.SHIFT][start:end + 1] = sign
    return out


def _check(run_length: int, improvement: str | None, rules: Sequence[str]) -> None:
    if run_length not in RUN_LENGTHS:
        raise ConfigError(f"run_length must be 6 or 7 (Making Data Count), not {run_length}")
    if improvement not in IMPROVEMENT:
        raise ConfigError(f"improvement must be 'decrease', 'increase' or None, not {improvement!r}")
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ConfigError(f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(RULES)}")


def _with_expected(frame: pd.DataFrame, expected: str, checked: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """The validated volumes and, aligned with them, the expected values (baseline or forecast) for the residuals
    (``checked``: ``frame`` is sorted and valid already, a method's table built on validated volumes)."""
    if expected not in frame.columns:
        raise InputError(f"seasonal=True needs a column {expected!r} with the expected value of each month: pass the "
                         "output of ncpm.methods.baseline.three_year_average, or name a forecast column with expected=",
                         file="volumes", column=expected)
    validated = checked_volumes(frame, checked=checked)
    original = frame.reset_index(drop=True)
    order = np.arange(len(original))  # validated row i is original row order[i]
    if not checked:
        order = schema.validate(original.assign(**{schema.COUNT: order}), schema.VOLUMES,
                                source="volumes")[schema.COUNT].to_numpy()
    values = pd.to_numeric(original[expected], errors="coerce")
    bad = values.isna() & original[expected].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{original[expected].iloc[i]!r} is not a number", file="volumes", row=i, column=expected)
    return validated, values.to_numpy(dtype=float)[order]


def spc(volumes: pd.DataFrame, run_length: int = RUN_LENGTH, improvement: str | None = DEFAULT_IMPROVEMENT,
        seasonal: bool = False,
        screen: bool = True, rules: Sequence[str] = RULES, expected: str = schema.BASELINE, *,
        checked: bool = False) -> pd.DataFrame:
    """XmR chart and rule flags per series (METHODS.md, Exceptions; NHS Making Data Count).

    Adds ``centre``, ``moving_range``, ``lower``, ``upper``, ``trial_limits`` (fewer than 12 points),
    ``outside_limits``, ``trend``, ``two_of_three``, ``shift`` (booleans, the rules in METHODS.md order; a rule not
    in ``rules`` is never flagged), ``signal`` (the first rule that fires, or NA) and ``variation``
    ("improvement", "concern", or "common cause"; "special cause" when ``improvement`` is None): the direction of
    the first rule that fires decides it. Limits use all points of the series; missing months break moving ranges
    and runs. With ``seasonal=True`` the chart is on residuals y - B, B taken from the column ``expected`` of
    ``volumes`` ("baseline" from :func:`ncpm.methods.baseline.three_year_average`, or a forecast column); the output
    then has ``expected`` and ``residual`` columns, and months without B are not charted (flags False, signal and
    variation NA).

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m",
    ...                   "month": pd.period_range("2022-01", "2022-12", freq="M"),
    ...                   "count": [20, 22, 19, 21, 20, 22, 21, 19, 20, 22, 21, 40]})
    >>> spc(v).iloc[-1][["signal", "variation"]].tolist()
    ['outside_limits', 'concern']
    """
    run_length = int(run_length)
    _check(run_length, improvement, rules)
    if seasonal:
        frame, b = _with_expected(volumes, expected, checked)
        frame[expected] = b
        frame[schema.RESIDUAL] = frame[schema.COUNT] - b
        value_column = schema.RESIDUAL
    else:
        frame = checked_volumes(volumes, checked=checked)
        value_column = schema.COUNT
    n = len(frame)
    cols = {c: np.full(n, np.nan) for c in (schema.CENTRE, schema.MOVING_RANGE, schema.LOWER, schema.UPPER)}
    trial = np.zeros(n, dtype=bool)
    flags = {r: np.zeros(n, dtype=np.int64) for r in RULES}
    ords = month_ordinals(frame[schema.MONTH])
    y = frame[value_column].to_numpy(dtype=float)
    for idx in series_groups(frame):
        charted = ~np.isnan(y[idx])
        if not charted.any():
            continue
        dense, pos = dense_months(ords[idx], y[idx])
        lim = xmr_limits(dense, screen=screen)
        found = xmr_rules(dense, lim, run_length)
        cols[schema.CENTRE][idx], cols[schema.LOWER][idx], cols[schema.UPPER][idx] = lim.centre, lim.lower, lim.upper
        cols[schema.MOVING_RANGE][idx] = moving_ranges(dense)[pos]
        trial[idx] = lim.trial
        for r in rules:
            flags[r][idx] = found[r][pos]
    out = frame.copy()
    for c, values in cols.items():
        out[c] = values
    out[schema.TRIAL_LIMITS] = trial
    for r in RULES:
        out[r] = flags[r] != 0
    signal: list[str | None] = []
    variation: list[str | None] = []
    for i in range(n):
        first = next((r for r in RULES if flags[r][i] != 0), None)
        signal.append(first)
        if np.isnan(y[i]):
            variation.append(None)
        elif first is None:
            variation.append(COMMON_CAUSE)
        elif improvement is None:
            variation.append(SPECIAL_CAUSE)
        else:
            good = -1 if improvement == "decrease" else 1
            variation.append(IMPROVED if flags[first][i] == good else CONCERN)
    out[schema.SIGNAL] = schema.text(signal)
    out[schema.VARIATION] = schema.text(variation)
    return out
