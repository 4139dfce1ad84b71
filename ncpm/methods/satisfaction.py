"""Victim satisfaction: the rolling k-month satisfaction rate, pooled not averaged, with its Wilson interval, its
target label and its run of falls or rises; the highest or lowest rate in a window; and whether the change between
two pooled windows is significant (METHODS.md, Victim satisfaction).

Every function takes the canonical survey frame (``ncpm.core.schema.SURVEY_RESPONSES``), validated once at the edge,
or the rolling rates computed from it.

>>> s = pd.DataFrame({"force": "F", "survey": "s", "month": pd.period_range("2023-01", "2023-06", freq="M"),
...                   "responses": 100, "satisfied": 80})
>>> float(rolling_rate(s).iloc[0]["rate"])
0.8
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import periods, schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.intervals import two_proportion_z, wilson_interval
from ncpm.methods.series import MONTHS_PER_YEAR, checked_frame, rolling_sum, safe_ratio, series_groups

SATISFACTION_WINDOW = 6  # rolling k-month satisfaction rate, k = 6 by default (METHODS.md)
SIGNIFICANCE = 0.05  # a change is significant when the two-proportion z-test gives p < 0.05


def _survey(survey: pd.DataFrame, checked: bool = False) -> pd.DataFrame:
    """The canonical survey frame plus ``_valid`` (responses - dont_know; dont_know absent or missing = 0). A row
    with satisfied + dont_know > responses is an :class:`InputError` naming the row (0-based, as
    ``schema.validate``) and the column ``dont_know``."""
    if schema.DONT_KNOW in survey.columns and survey[schema.DONT_KNOW].isna().any():
        survey = survey.assign(**{schema.DONT_KNOW: survey[schema.DONT_KNOW].fillna(0)})
    frame = checked_frame(survey, schema.SURVEY_RESPONSES, source="survey", checked=checked)
    if schema.DONT_KNOW not in frame.columns:
        return frame.assign(_valid=frame[schema.RESPONSES])
    counts = {c: pd.to_numeric(survey[c]).to_numpy(dtype=np.int64)  # whole numbers: validated above
              for c in (schema.RESPONSES, schema.SATISFIED, schema.DONT_KNOW)}
    over = counts[schema.SATISFIED] + counts[schema.DONT_KNOW] > counts[schema.RESPONSES]
    if over.any():
        i = int(np.flatnonzero(over)[0])
        s, d, r = (int(counts[c][i]) for c in (schema.SATISFIED, schema.DONT_KNOW, schema.RESPONSES))
        raise InputError(f"satisfied ({s}) + dont_know ({d}) is greater than responses ({r})", file="survey",
                         row=i, column=schema.DONT_KNOW)
    return frame.assign(_valid=frame[schema.RESPONSES] - frame[schema.DONT_KNOW])


def run_kernel(rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive months the value has fallen (-1) or risen (+1) up to each month, for a dense series.

    An unchanged or missing value breaks the run (length 0, direction 0).

    >>> run_kernel(np.array([0.83, 0.82, 0.80, 0.80, 0.79]))
    (array([0, 1, 2, 0, 1]), array([ 0, -1, -1,  0, -1]))
    """
    d = np.zeros(len(rates), dtype=np.int64)
    if len(rates) > 1:
        diff = np.diff(rates)
        d[1:] = np.where(np.isnan(diff), 0, np.sign(np.nan_to_num(diff))).astype(np.int64)
    run = np.zeros(len(rates), dtype=np.int64)
    for i in range(1, len(rates)):
        if d[i] != 0:
            run[i] = run[i - 1] + 1 if d[i] == d[i - 1] else 1
    return run, d


def rolling_rate(survey: pd.DataFrame, window: int = SATISFACTION_WINDOW, target: float | None = None, *,
                 checked: bool = False) -> pd.DataFrame:
    """Rolling k-month satisfaction rate, pooled not averaged (METHODS.md, Victim satisfaction).

    p(t) = sum(satisfied) / sum(responses - dont_know) over the ``window`` months ending at t; every month of the
    window must be present. ``responses`` in the canonical survey frame counts every response, "don't know"
    included; ``dont_know`` (optional, absent = 0) is the number of those that answered "don't know", which
    leave the denominator (METHODS.md: "'Don't know' and missing answers leave the denominator"): valid responses
    = responses - dont_know. The Wilson interval and n are on the valid responses; a window with none has rate,
    ``lo`` and ``hi`` NaN (no division by zero). A row with satisfied + dont_know > responses is an
    :class:`InputError` naming its row and the column ``dont_know``. Returns force, survey, month,
    ``satisfied``, ``responses`` (pooled valid responses: the n of the rate), ``rate``, ``lo``, ``hi`` (Wilson
    95%), ``target``,
    ``target_label`` ("above" when lo > target, "below" when hi < target, else "within the interval of"; NA without
    a target), ``run_length`` and ``run_direction`` ("falling", "rising" or NA): consecutive months the rolling rate
    has moved the same way (an unchanged value breaks the run). Months without a complete window are left out.

    >>> s = pd.DataFrame({"force": "F", "survey": "s", "month": pd.period_range("2023-01", "2023-06", freq="M"),
    ...                   "responses": 100, "satisfied": 80})
    >>> rolling_rate(s, target=0.8)[["rate", "target_label"]].values.tolist()
    [[0.8, 'within the interval of']]

    100 responses a month, 10 of them "don't know", 72 satisfied: 72 / 90 = 80%, not 72%.

    >>> s = s.assign(responses=100, satisfied=72, dont_know=10)
    >>> r = rolling_rate(s).iloc[0]
    >>> int(r["satisfied"]), int(r["responses"]), float(r["rate"])
    (432, 540, 0.8)
    """
    window = int(window)
    if window < 1:
        raise ConfigError(f"window must be at least 1 month, not {window}")
    if target is not None and not 0 <= target <= 1:
        raise ConfigError(f"target must be a fraction between 0 and 1 (0.8 for 80%), not {target}")
    frame = _survey(survey, checked)
    key = [schema.FORCE, schema.SURVEY]
    parts = []
    for idx in series_groups(frame, key):
        g = frame.iloc[idx]
        ords = periods.month_ordinals(g[schema.MONTH])
        ds, _ = periods.dense_months(ords, g[schema.SATISFIED].to_numpy(dtype=float))
        dn, _ = periods.dense_months(ords, g["_valid"].to_numpy(dtype=float))  # valid responses
        s_roll, n_roll = rolling_sum(ds, window), rolling_sum(dn, window)
        rate = safe_ratio(s_roll, n_roll)
        run, direction = run_kernel(rate)
        start = int(ords.min())
        keep = ~np.isnan(n_roll)
        months = pd.PeriodIndex.from_ordinals(start + np.flatnonzero(keep), freq="M")
        parts.append(pd.DataFrame({schema.FORCE: g[schema.FORCE].iloc[0], schema.SURVEY: g[schema.SURVEY].iloc[0],
                                   schema.MONTH: months, schema.SATISFIED: s_roll[keep].astype(np.int64),
                                   schema.RESPONSES: n_roll[keep].astype(np.int64), schema.RATE: rate[keep],
                                   "_run": run[keep], "_dir": direction[keep]}))
    columns = [schema.FORCE, schema.SURVEY, schema.MONTH, schema.SATISFIED, schema.RESPONSES, schema.RATE]
    out = (pd.concat(parts, ignore_index=True) if parts else
           pd.DataFrame({c: pd.Series([], dtype=float) for c in [*columns, "_run", "_dir"]}))
    lo, hi = wilson_interval(out[schema.SATISFIED].to_numpy(dtype=float), out[schema.RESPONSES].to_numpy(dtype=float))
    out[schema.LO], out[schema.HI] = lo, hi
    out[schema.TARGET] = np.nan if target is None else float(target)
    if target is None:
        labels = [None] * len(out)
    else:
        labels = [None if np.isnan(a) else "above" if a > target else "below" if b < target
                  else "within the interval of" for a, b in zip(lo, hi, strict=True)]
    out[schema.TARGET_LABEL] = schema.text(labels)
    out[schema.RUN_LENGTH] = out.pop("_run").astype(np.int64)
    out[schema.RUN_DIRECTION] = schema.text([{-1: "falling", 1: "rising"}.get(int(d)) for d in out.pop("_dir")])
    return out[[*columns, schema.LO, schema.HI, schema.TARGET, schema.TARGET_LABEL, schema.RUN_LENGTH,
                schema.RUN_DIRECTION]]


def window_extreme(rolling: pd.DataFrame, month, window: int = MONTHS_PER_YEAR, which: str = "high") -> pd.DataFrame:
    """The highest (or lowest) rolling rate in the ``window`` months ending at ``month``, with its month.

    ``rolling`` is the output of :func:`rolling_rate`. Returns one row per force and survey (the rolling row of the
    extreme month; on a tie the most recent month), plus ``extreme`` ("high"/"low") and ``window_end``.
    "falling from a high of 83% in December 2022" reads the rate and month of this row.
    """
    if which not in ("high", "low"):
        raise ConfigError(f"which must be 'high' or 'low', not {which!r}")
    month = periods.to_month(month)
    span = periods.months_ending(month, int(window))
    inside = rolling[rolling[schema.MONTH].isin(span) & rolling[schema.RATE].notna()]
    rows = []
    for _, g in inside.groupby([schema.FORCE, schema.SURVEY], sort=True):
        rates = g[schema.RATE].to_numpy()
        target = rates.max() if which == "high" else rates.min()
        rows.append(g.iloc[int(np.flatnonzero(rates == target)[-1])])
    out = pd.DataFrame(rows).reset_index(drop=True) if rows else rolling.iloc[0:0].copy()
    out[schema.EXTREME] = which
    out[schema.WINDOW_END] = pd.Series([month] * len(out), dtype="period[M]")
    return out


def compare_windows(survey: pd.DataFrame, month_a, month_b, window: int = SATISFACTION_WINDOW) -> pd.DataFrame:
    """Is the change between two pooled windows significant? (METHODS.md, Victim satisfaction)

    Pools the ``window`` months ending at ``month_a`` and at ``month_b`` (the windows must not overlap) and applies
    the two-proportion z-test (pooled standard error, two-sided p). Returns force, survey, ``month_a``,
    ``month_b``, ``satisfied_a``, ``responses_a``, ``rate_a``, ``satisfied_b``, ``responses_b``, ``rate_b``,
    ``z`` (positive when b is higher), ``p_value`` and ``significant`` (p < 0.05). Series without complete windows
    are left out.
    """
    a, b = periods.to_month(month_a), periods.to_month(month_b)
    if abs((b - a).n) < int(window):
        raise ConfigError(f"the {window}-month windows ending {a} and {b} overlap: the test needs separate samples")
    rolling = rolling_rate(survey, window=window)
    key = [schema.FORCE, schema.SURVEY]
    cols = [*key, schema.SATISFIED, schema.RESPONSES, schema.RATE]
    ra = rolling.loc[rolling[schema.MONTH] == a, cols]
    rb = rolling.loc[rolling[schema.MONTH] == b, cols]
    out = ra.merge(rb, on=key, suffixes=(schema.A_SUFFIX, schema.B_SUFFIX), how="inner")
    out.insert(2, schema.MONTH_A, pd.Series([a] * len(out), dtype="period[M]"))
    out.insert(3, schema.MONTH_B, pd.Series([b] * len(out), dtype="period[M]"))
    a_, b_ = schema.A_SUFFIX, schema.B_SUFFIX
    z, p = two_proportion_z(out[schema.SATISFIED + a_], out[schema.RESPONSES + a_], out[schema.SATISFIED + b_],
                            out[schema.RESPONSES + b_])
    out[schema.Z] = z
    out[schema.P_VALUE] = p
    out[schema.SIGNIFICANT] = p < SIGNIFICANCE
    return out
