"""Volumes: where a month stands and how it moved (METHODS.md, Window ranks, changes and shares; Calendar).

Window ranks (the month among the last 12 or 36), changes (month on month, same month last year), financial-quarter
totals, the months ending at a month against the same months a year earlier, the quarter to a month as a whole
(for S7, a :class:`QuarterProfile`), and the share of a sub-measure in its parent. Every function takes the canonical volumes frame
(``ncpm.core.schema.VOLUMES``), validates it once at the edge and returns a long frame that keeps the key columns;
lags are actual months (``ncpm.methods.series``). Percentages are fractions (0.123); rounding is the statements' job.

>>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": ["2023-05", "2023-06"],
...                   "count": [100, 112]})
>>> float(changes(v).iloc[-1]["mom_pct"])
0.12
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.core import catalogue, periods, schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.baseline import (
    ABOVE,
    BELOW,
    IN_LINE,
    Z_IN_LINE,
    Z_SUBSTANTIAL,
    compare_to_baseline,
    comparison_label,
)
from ncpm.methods.series import (
    MONTHS_PER_YEAR,
    checked_volumes,
    lag,
    latest_origin,
    month_column,
    month_of,
    safe_ratio,
    select_rows,
    series_groups,
)

COMPARISON_MONTHS = 6  # period_comparison: the last six months against the same six a year earlier
PRECEDING_MONTHS = 3  # quarter_profile: the quarter against the three months before it (S7)

def window_rank_kernel(dense: np.ndarray, window: int) -> tuple[np.ndarray, ...]:
    """Rank of y(t) among the ``window`` months ending at t, for a dense monthly series.

    Returns n_in_window, rank_high (1 + number of months strictly higher), rank_low (1 + strictly lower) and tied
    (another month in the window has the same value); ranks are NaN unless all ``window`` months exist.
    """
    n = len(dense)
    present = ~np.isnan(dense)
    n_in = np.zeros(n)
    rank_high = np.full(n, np.nan)
    rank_low = np.full(n, np.nan)
    tied = np.zeros(n, dtype=bool)
    csum = np.r_[0, np.cumsum(present)]
    idx = np.arange(n)
    n_in[:] = csum[idx + 1] - csum[np.maximum(idx + 1 - window, 0)]
    if window <= n:
        view = np.lib.stride_tricks.sliding_window_view(dense, window)  # row j ends at month j + window - 1
        current = dense[window - 1:, None]
        complete = ~np.isnan(view).any(axis=1)
        rh = 1 + (view > current).sum(axis=1)
        rl = 1 + (view < current).sum(axis=1)
        tie = (view == current).sum(axis=1) > 1
        rank_high[window - 1:] = np.where(complete, rh, np.nan)
        rank_low[window - 1:] = np.where(complete, rl, np.nan)
        tied[window - 1:] = complete & tie
    return n_in, rank_high, rank_low, tied


def window_rank(volumes: pd.DataFrame, window: int = MONTHS_PER_YEAR, *, checked: bool = False) -> pd.DataFrame:
    """Position of each month among the last ``window`` months including it (METHODS.md, Window ranks).

    Adds ``window``, ``n_in_window`` (months present), ``rank_high`` (1 = highest), ``rank_low`` (1 = lowest) and
    ``tied``: numbers only; :func:`ncpm.words.ranks.window_rank` adds their words (``rank_label``: "highest",
    "second highest", ..., "lowest"). All ``window`` months (found by month arithmetic) must exist, else the ranks
    are NA. Ties share the
    better position: two months equal highest both have rank_high 1 and ``tied`` True.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m",
    ...                   "month": pd.period_range("2022-07", "2023-06", freq="M"), "count": range(12, 0, -1)})
    >>> last = window_rank(v).iloc[-1]
    >>> int(last["rank_high"]), int(last["rank_low"])
    (12, 1)
    """
    if int(window) < 2:
        raise ConfigError(f"window must be at least 2 months, not {window}")
    frame = checked_volumes(volumes, checked=checked)
    n = len(frame)
    cols = {c: np.full(n, np.nan) for c in ("n_in", "high", "low")}
    tied = np.zeros(n, dtype=bool)
    ords = periods.month_ordinals(frame[schema.MONTH])
    y = frame[schema.COUNT].to_numpy(dtype=float)
    for idx in series_groups(frame, schema.SERIES_KEY):
        dense, pos = periods.dense_months(ords[idx], y[idx])
        n_in, rh, rl, tie = window_rank_kernel(dense, int(window))
        cols["n_in"][idx], cols["high"][idx], cols["low"][idx], tied[idx] = n_in[pos], rh[pos], rl[pos], tie[pos]
    out = frame.copy()
    out[schema.WINDOW] = int(window)
    out[schema.N_IN_WINDOW] = cols["n_in"].astype(np.int64)
    out[schema.RANK_HIGH] = pd.array(np.where(np.isnan(cols["high"]), None, cols["high"]), dtype="Int64")
    out[schema.RANK_LOW] = pd.array(np.where(np.isnan(cols["low"]), None, cols["low"]), dtype="Int64")
    out[schema.TIED] = tied
    return out


def changes(volumes: pd.DataFrame, *, checked: bool = False) -> pd.DataFrame:
    """Month on month and same month last year, as counts and percentages (METHODS.md, Change).

    Adds ``previous`` (y(t-1)), ``mom_change``, ``mom_pct``, ``last_year`` (y(t-12)), ``yoy_change`` and
    ``yoy_pct``. Lags are actual months (NaN when that month is missing); a percentage on a base of 0 is NaN.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": ["2023-05", "2023-06"],
    ...                   "count": [100, 112]})
    >>> float(changes(v).iloc[-1]["mom_pct"])
    0.12
    """
    frame = checked_volumes(volumes, checked=checked)
    n = len(frame)
    prev, last = np.full(n, np.nan), np.full(n, np.nan)
    ords = periods.month_ordinals(frame[schema.MONTH])
    y = frame[schema.COUNT].to_numpy(dtype=float)
    for idx in series_groups(frame, schema.SERIES_KEY):
        dense, pos = periods.dense_months(ords[idx], y[idx])
        prev[idx] = lag(dense, 1)[pos]
        last[idx] = lag(dense, MONTHS_PER_YEAR)[pos]
    out = frame.copy()
    out[schema.PREVIOUS] = prev
    out[schema.MOM_CHANGE] = y - prev
    out[schema.MOM_PCT] = safe_ratio(y - prev, prev)
    out[schema.LAST_YEAR] = last
    out[schema.YOY_CHANGE] = y - last
    out[schema.YOY_PCT] = safe_ratio(y - last, last)
    return out


def quarter_totals(volumes: pd.DataFrame, *, checked: bool = False) -> pd.DataFrame:
    """Totals per financial-year quarter (METHODS.md, Calendar: Q1 = April-June, label "Q1 2023/24").

    Returns force, area, measure, ``quarter`` (label), ``count`` (sum of the months present) and ``months`` (how
    many of the quarter's three months are present: a total over fewer than 3 is incomplete), in time order.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": ["2023-04", "2023-05", "2023-06"],
    ...                   "count": [4, 5, 6]})
    >>> quarter_totals(v)[["quarter", "count", "months"]].values.tolist()
    [['Q1 2023/24', 15, 3]]
    """
    frame = checked_volumes(volumes, checked=checked)
    quarters = [periods.fy_quarter(m) for m in frame[schema.MONTH]]
    frame["_q_start"] = periods.month_ordinals(pd.Series(pd.PeriodIndex([q.first_month for q in quarters], freq="M")))
    out = (frame.groupby([*schema.SERIES_KEY, "_q_start"], sort=True)
           .agg(**{schema.COUNT: (schema.COUNT, "sum"), schema.MONTHS: (schema.MONTH, "size")}).reset_index())
    out.insert(3, schema.QUARTER, [str(periods.fy_quarter(month_of(o))) for o in out["_q_start"]])
    return out.drop(columns="_q_start")[[*schema.SERIES_KEY, schema.QUARTER, schema.COUNT, schema.MONTHS]]


def period_comparison(volumes: pd.DataFrame, end, months: int = COMPARISON_MONTHS, *,
                      checked: bool = False) -> pd.DataFrame:
    """The ``months`` months ending at ``end`` against the same months a year earlier (e.g. the last six months).

    Returns per series: force, area, measure, ``end``, ``months``, ``current`` (sum of the months ending at
    ``end``), ``previous`` (sum of the same months 12 months earlier), ``change`` and ``pct_change`` (NaN when
    previous is 0). Every month of both periods must be present, else the sum is NaN (never a partial total).

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "homicide",
    ...                   "month": pd.period_range("2022-01", "2023-06", freq="M"), "count": 0})
    >>> v.loc[[2, 5, 16], "count"] = 1
    >>> period_comparison(v, "2023-06")[["current", "previous", "pct_change"]].values.tolist()
    [[1.0, 2.0, -0.5]]
    """
    end = periods.to_month(end)
    months = int(months)
    if months < 1:
        raise ConfigError(f"months must be at least 1, not {months}")
    frame = checked_volumes(volumes, checked=checked)
    current_months = periods.months_ending(end, months)
    previous_months = periods.months_ending(end - MONTHS_PER_YEAR, months)
    rows = []
    for key, g in frame.groupby(schema.SERIES_KEY, sort=True):
        by_month = dict(zip(g[schema.MONTH], g[schema.COUNT], strict=True))

        def total(ms, by_month=by_month):
            vals = [by_month.get(m) for m in ms]
            return np.nan if any(v is None for v in vals) else float(sum(vals))

        cur, prev = total(current_months), total(previous_months)
        rows.append((*key, end, months, cur, prev))
    out = pd.DataFrame(rows, columns=[*schema.SERIES_KEY, schema.END, schema.MONTHS, schema.CURRENT, schema.PREVIOUS])
    out[schema.END] = out[schema.END].astype("period[M]")
    out[schema.CURRENT] = out[schema.CURRENT].astype(float)
    out[schema.PREVIOUS] = out[schema.PREVIOUS].astype(float)
    out[schema.CHANGE] = out[schema.CURRENT] - out[schema.PREVIOUS]
    out[schema.PCT_CHANGE] = safe_ratio(out[schema.CHANGE].to_numpy(), out[schema.PREVIOUS].to_numpy())
    return out


@dataclass(frozen=True)
class PrecedingComparison:
    """The quarter's monthly mean against the mean of the ``months`` months before it: their ``count`` (sum),
    ``z`` and comparison ``label`` ("above", "substantially above", ...)."""

    months: int
    count: int
    z: float
    label: str


@dataclass(frozen=True)
class BaselineComparison:
    """The quarter's total against ``total``, the sum of its months' 3-year averages: ``z`` and ``label``."""

    total: float
    z: float
    label: str


@dataclass(frozen=True)
class ForecastComparison:
    """The quarter's total against ``total``, the sum of the forecast means, +/- ``half_width`` (the root of the
    summed squared 95% half-widths): ``label`` "above", "below" or "in line with"."""

    total: float
    half_width: float
    label: str


@dataclass(frozen=True)
class QuarterProfile:
    """The financial quarter to a month as a whole (S7), from :func:`quarter_profile`.

    ``quarter`` (label), ``months`` (in the quarter to the month), ``complete`` (all three), ``quarter_count``,
    ``steps_z`` (each month-to-month step), ``stable``, ``overall_z`` and ``movement_label`` (last month against the
    first); each comparison None when it was not made: ``preceding`` (a month before the quarter missing),
    ``baseline`` (no baseline for a month), ``forecast`` (no forecast given).
    """

    quarter: str
    months: int
    complete: bool
    quarter_count: int
    steps_z: tuple[float, ...]
    stable: bool
    overall_z: float
    movement_label: str
    preceding: PrecedingComparison | None = None
    baseline: BaselineComparison | None = None
    forecast: ForecastComparison | None = None


def quarter_profile(baseline: pd.DataFrame, forecast: pd.DataFrame | None, force: str, measure: str, month, *,
                    area: str = schema.WHOLE_FORCE, preceding: int = PRECEDING_MONTHS, in_line: float = Z_IN_LINE,
                    substantial: float = Z_SUBSTANTIAL) -> QuarterProfile:
    """The financial quarter to ``month`` as a whole, for one series (S7): its statistics, for ``ncpm.words.statements`` to word.

    Tests, all on the Poisson scale with the baseline's thresholds (METHODS.md, Baseline):

    - stable: every month-to-month step has |y(t) - y(t-1)| / sqrt(y(t) + y(t-1)) < ``in_line``; otherwise the
      movement is the comparison label of the last month against the first, z the same way;
    - preceding: the quarter's monthly mean a/k against the mean b/m of the ``preceding`` months before it,
      z = (a/k - b/m) / sqrt(a/k^2 + b/m^2) (left out when any of those months is missing);
    - 3-year average: :func:`compare_to_baseline` of the quarter's total and the sum of its months' baselines
      (left out without a baseline);
    - forecast (made at the quarter's origin): the quarter's total against the sum of the forecast means, outside
      sum mean +/- sqrt(sum of the squared 95% half-widths) is "above"/"below" (months treated as independent).

    ``baseline``: ``three_year_average`` output; ``forecast``: ``ncpm.methods.forecast.forecast`` output (latest origin
    used) or None. Returns a :class:`QuarterProfile`, with a :class:`PrecedingComparison`,
    :class:`BaselineComparison` and :class:`ForecastComparison` for each comparison made (else None).

    >>> b = pd.DataFrame({"force": "F", "area": "Force", "measure": "theft_from_person",
    ...                   "month": pd.period_range("2023-01", "2023-06", freq="M"), "count": [40, 42, 41, 60, 62, 61],
    ...                   "baseline": 45.0})
    >>> p = quarter_profile(b, None, "F", "theft_from_person", "2023-06")
    >>> p.stable, p.preceding.label, p.baseline.label, p.quarter_count
    (True, 'substantially above', 'substantially above', 183)
    """
    month = periods.to_month(month)
    quarter = periods.fy_quarter(month)
    series = select_rows(baseline, "baseline", force=force, area=area, measure=measure).copy()
    series[schema.MONTH] = month_column(series)
    series = series.set_index(schema.MONTH).sort_index()
    months = [m for m in quarter.months() if m <= month]
    missing = [str(m) for m in months if m not in series.index]
    if missing:
        raise InputError(f"no count for {force}, {area}, {measure} in {', '.join(missing)}", file="baseline")

    def poisson_z(a: float, b: float) -> float:
        return (b - a) / np.sqrt(a + b) if a + b > 0 else 0.0

    y = series.loc[months, schema.COUNT].astype(float).to_numpy()
    steps = tuple(float(poisson_z(a, b)) for a, b in zip(y[:-1], y[1:], strict=True))
    overall = float(poisson_z(y[0], y[-1]))
    before_quarter = None
    before = list(pd.period_range(quarter.first_month - preceding, periods=preceding, freq="M"))
    if all(m in series.index for m in before):
        b = series.loc[before, schema.COUNT].astype(float).to_numpy()
        se = np.sqrt(y.mean() / len(y) + b.mean() / len(b))
        z = float((y.mean() - b.mean()) / se) if se > 0 else 0.0
        before_quarter = PrecedingComparison(preceding, int(b.sum()), z, comparison_label(z, in_line, substantial))
    against_baseline = None
    base = series.loc[months, schema.BASELINE].astype(float).to_numpy()
    if np.isfinite(base).all():
        (z,), (label,) = compare_to_baseline(y.sum(), base.sum(), in_line, substantial)
        against_baseline = BaselineComparison(float(base.sum()), float(z), label)
    against_forecast = None
    if forecast is not None:
        rows = latest_origin(select_rows(forecast, "forecast", force=force, area=area, measure=measure))
        rows = rows[month_column(rows).isin(months).to_numpy()]
        if len(rows) != len(months):
            raise InputError(f"the forecast does not cover {quarter} to {month}", file="forecast")
        mean = float(rows[schema.MEAN].astype(float).sum())
        half = float(np.sqrt((((rows[schema.HI_95].astype(float) - rows[schema.LO_95].astype(float)) / 2) ** 2).sum()))
        total = y.sum()
        against_forecast = ForecastComparison(mean, half, ABOVE if total > mean + half else BELOW
                                              if total < mean - half else IN_LINE)
    return QuarterProfile(
        quarter=str(quarter), months=len(months), complete=len(months) == len(quarter.months()),
        quarter_count=int(y.sum()), steps_z=steps, stable=all(abs(z) < in_line for z in steps), overall_z=overall,
        movement_label=comparison_label(overall, in_line, substantial), preceding=before_quarter,
        baseline=against_baseline, forecast=against_forecast)


def share(volumes: pd.DataFrame, part: str, whole: str | None = None, *, checked: bool = False) -> pd.DataFrame:
    """Share of a sub-measure in its parent: part / whole, with n (METHODS.md, Share).

    ``part`` and ``whole`` are measure ids; ``whole`` defaults to the part's parent in the catalogue (e.g.
    robbery_personal for robbery_personal_knife). Returns force, area, month, ``measure`` (the part), ``part``
    and ``whole`` (counts), ``share`` (NaN when whole is 0) and ``n`` (the part count), for the months where both
    are present. A part larger than its whole is an error naming the force, area and month.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": ["robbery_personal", "robbery_personal_knife"],
    ...                   "month": "2023-06", "count": [30, 10]})
    >>> share(v, "robbery_personal_knife")[["share", "n"]].values.tolist()
    [[0.3333333333333333, 10.0]]
    """
    if whole is None:
        whole = catalogue.measure(part).parent
        if whole is None:
            raise ConfigError(f"measure {part!r} has no parent in the catalogue; name the whole")
    frame = checked_volumes(volumes, checked=checked)
    keys = [schema.FORCE, schema.AREA, schema.MONTH]
    p = frame.loc[frame[schema.MEASURE] == part, [*keys, schema.COUNT]].rename(columns={schema.COUNT: schema.PART})
    w = frame.loc[frame[schema.MEASURE] == whole, [*keys, schema.COUNT]].rename(columns={schema.COUNT: schema.WHOLE})
    out = p.merge(w, on=keys, how="inner").sort_values(keys, kind="stable").reset_index(drop=True)
    over = out[schema.PART] > out[schema.WHOLE]
    if over.any():
        r = out[over].iloc[0]
        raise InputError(f"{part} ({r[schema.PART]}) is greater than {whole} ({r[schema.WHOLE]}) for {r[schema.FORCE]}, "
                         f"{r[schema.AREA]}, {r[schema.MONTH]}", file="volumes", column=schema.COUNT)
    out.insert(3, schema.MEASURE, part)
    out[schema.SHARE] = safe_ratio(out[schema.PART].to_numpy(), out[schema.WHOLE].to_numpy())
    out[schema.N] = out[schema.PART]
    return out[[schema.FORCE, schema.AREA, schema.MONTH, schema.MEASURE, schema.PART, schema.WHOLE, schema.SHARE, schema.N]]
