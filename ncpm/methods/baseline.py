"""The 3-year average and each month's comparison with it (METHODS.md, Baseline): the z thresholds, the "3-year
average" choices, the label a comparison gets, the baseline of one series (a numpy kernel) and of every series of a
volumes frame. Named once here so that the measures that compute the comparison, the statements that word it and the
charts that footnote it cannot drift apart.

The comparison is on the Poisson scale: z = (y - B) / sqrt(B). Months are ``Period[M]``; lags are taken by month
arithmetic, so t-12 is the actual month twelve months earlier even when months are missing inside a series.

>>> comparison_label(4.6)
'substantially above'
>>> comparison_label(-2.4)
'below'
>>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "knife_crime",
...                   "month": pd.period_range("2020-01", "2023-01", freq="M").astype(str), "count": 10})
>>> v.loc[v["month"] == "2023-01", "count"] = 20
>>> last = three_year_average(v).iloc[-1]
>>> float(last["baseline"]), round(float(last["z"]), 2), last["comparison"]
(10.0, 3.16, 'substantially above')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import periods, schema
from ncpm.core.errors import ConfigError
from ncpm.methods.series import MONTHS_PER_YEAR, checked_volumes, lag, month_of, safe_ratio, series_groups

Z_IN_LINE = 1.96  # two-sided 95% normal quantile: |z| below this is "in line with" (METHODS.md, Baseline)
Z_SUBSTANTIAL = 3.0  # |z| at or above this is "substantially above/below" (METHODS.md, Baseline)

BASELINE_METHODS = {  # the "3-year average" choices and how a footnote describes them
    "same_month": "mean of the same month in the previous 3 years",
    "trailing_36": "mean of the previous 36 months",
}
DEFAULT_BASELINE = "same_month"  # METHODS.md, Baseline: the same calendar month in each of the previous 3 years
BASELINE_YEARS = 3  # the "3-year average"
TRAILING_MONTHS = 36  # trailing_36: y(t-1) .. y(t-36)


#: the comparison labels (METHODS.md, Baseline), and the side of the baseline each is on (+1 above, -1 below, 0 in
#: line), so that a reader of the labels (which departures are notable) looks its direction up instead of parsing words
IN_LINE, ABOVE, BELOW = "in line with", "above", "below"
SUBSTANTIALLY_ABOVE, SUBSTANTIALLY_BELOW = "substantially above", "substantially below"
SUBSTANTIAL = (SUBSTANTIALLY_ABOVE, SUBSTANTIALLY_BELOW)
COMPARISON_SIDES = {SUBSTANTIALLY_ABOVE: 1, ABOVE: 1, IN_LINE: 0, BELOW: -1, SUBSTANTIALLY_BELOW: -1}


def comparison_label(z: float, in_line: float = Z_IN_LINE, substantial: float = Z_SUBSTANTIAL) -> str:
    """The comparison of a count with its baseline from its Poisson-scale z (a finite number)."""
    if abs(z) < in_line:
        return IN_LINE
    if abs(z) >= substantial:
        return SUBSTANTIALLY_ABOVE if z > 0 else SUBSTANTIALLY_BELOW
    return ABOVE if z > 0 else BELOW


def excluded_months(exclude) -> np.ndarray:
    """Month ordinals to leave out of a baseline; :class:`ConfigError` for an unreadable month or a range that
    ends before it starts (the configuration's ``[baseline] exclude`` is checked with this).

    ``exclude`` is None, a month ("2020-05"), a range as a pair ("2020-04", "2021-03") or a string
    "2020-04..2021-03", or a list of those.
    """
    if exclude is None:
        return np.array([], dtype=np.int64)
    if isinstance(exclude, str | pd.Period) or (isinstance(exclude, tuple) and len(exclude) == 2
                                                and not isinstance(exclude[0], tuple | list)):
        exclude = [exclude]
    out: set[int] = set()
    for item in exclude:
        given = item
        try:
            if isinstance(item, str) and ".." in item:
                item = tuple(item.split(".."))
            if isinstance(item, tuple | list):
                if len(item) != 2:
                    raise ValueError(f"a range is (first, last), not {item!r}")
                first, last = periods.to_month(item[0]), periods.to_month(item[1])
                if last < first:
                    raise ValueError(f"{given!r} ends before it starts")
                out.update(range(first.ordinal, last.ordinal + 1))
            else:
                out.add(periods.to_month(item).ordinal)
        except ValueError as err:
            raise ConfigError(f"exclude: {err}") from None
    return np.array(sorted(out), dtype=np.int64)


def baseline_kernel(ordinals: np.ndarray, values: np.ndarray, method: str = DEFAULT_BASELINE,
                    excluded: np.ndarray | None = None) -> tuple[np.ndarray, list[str | None]]:
    """The 3-year average B(t) of one series (METHODS.md, Baseline), with a note per month where exclusions applied.

    ``same_month``: mean of y(t-12), y(t-24), y(t-36); an excluded month is replaced by the same month one year
    earlier again (t-48, ...). ``trailing_36``: mean of the 36 most recent months before t that are not excluded.
    Every month used must exist, else NaN: never a partial mean.

    >>> o = np.arange(48); y = np.r_[np.full(36, 10.0), np.full(12, 20.0)]
    >>> float(baseline_kernel(o, y)[0][-1]), round(float(baseline_kernel(o, y, "trailing_36")[0][-1]), 2)
    (10.0, 13.06)
    """
    ordinals = np.asarray(ordinals, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    excluded = np.array([], dtype=np.int64) if excluded is None else np.asarray(excluded, dtype=np.int64)
    dense, pos = periods.dense_months(ordinals, values)
    start = int(ordinals.min())
    grid = start + np.arange(len(dense))
    notes: list[str | None] = [None] * len(ordinals)
    if method == "same_month":
        years_back = len(dense) // MONTHS_PER_YEAR + 1
        lags = np.stack([lag(dense, MONTHS_PER_YEAR * k) for k in range(1, years_back + 1)])  # k x T
        lag_months = grid[None, :] - MONTHS_PER_YEAR * np.arange(1, years_back + 1)[:, None]
        is_excl = np.isin(lag_months, excluded)
        used = ~is_excl & (np.cumsum(~is_excl, axis=0) <= BASELINE_YEARS)
        enough = used.sum(axis=0) == BASELINE_YEARS
        total = np.where(used, lags, 0.0).sum(axis=0)  # a missing year used gives NaN: never a partial mean
        base = np.where(enough, total / BASELINE_YEARS, np.nan)
        if len(excluded):
            last_used = np.where(enough, years_back - np.argmax(used[::-1], axis=0), 0)  # 1-based k of 3rd year
            for i, p in enumerate(pos):
                k_last = int(last_used[p])
                skipped = [int(m) for k, m in enumerate(lag_months[:k_last, p]) if is_excl[k, p]]
                if skipped:
                    replacements = [int(m) for k, m in enumerate(lag_months[:k_last, p])
                                    if used[k, p] and k >= BASELINE_YEARS]
                    notes[i] = (f"{', '.join(str(month_of(m)) for m in skipped)} excluded, used "
                                f"{', '.join(str(month_of(m)) for m in replacements)}")
        return base[pos], notes
    if method == "trailing_36":
        keep = ~np.isin(grid, excluded)
        kept_values, kept_months = dense[keep], grid[keep]
        csum = np.r_[0.0, np.cumsum(np.nan_to_num(kept_values))]
        cmiss = np.r_[0, np.cumsum(np.isnan(kept_values))]
        before = np.searchsorted(kept_months, grid)  # kept months strictly before t
        ok = before >= TRAILING_MONTHS
        lo = np.where(ok, before - TRAILING_MONTHS, 0)
        complete = ok & (cmiss[before] - cmiss[lo] == 0)
        base = np.where(complete, (csum[before] - csum[lo]) / TRAILING_MONTHS, np.nan)
        if len(excluded):
            for i, p in enumerate(pos):
                if complete[p] and kept_months[lo[p]] != grid[p] - TRAILING_MONTHS:
                    first, last = kept_months[lo[p]], kept_months[before[p] - 1]
                    n_skipped = int(last - first + 1 - TRAILING_MONTHS)
                    notes[i] = (f"{n_skipped} excluded month{'s' if n_skipped != 1 else ''} skipped, "
                                f"used {month_of(first)}..{month_of(last)}")
        return base[pos], notes
    raise ConfigError(f"unknown baseline method {method!r}; known: {', '.join(BASELINE_METHODS)}")


def compare_to_baseline(y: np.ndarray, baseline: np.ndarray, in_line: float = Z_IN_LINE,
                        substantial: float = Z_SUBSTANTIAL) -> tuple[np.ndarray, list[str | None]]:
    """z = (y - B) / sqrt(B) on the Poisson scale and the comparison label (METHODS.md, Baseline).

    |z| < ``in_line``: "in line with"; ``in_line`` <= |z| < ``substantial``: "above"/"below"; otherwise
    "substantially above"/"substantially below". B = 0 (no division by zero): y = 0 gives z = 0, "in line with";
    y > 0 gives z = NaN and "above" (any count is above a baseline of none). B missing: z NaN, label None.
    Also for a period as a whole: pass the period's total and the sum of its months' baselines.

    >>> compare_to_baseline(np.array([50.0, 0.0, 3.0]), np.array([30.0, 0.0, 0.0]))[1]
    ['substantially above', 'in line with', 'above']
    """
    y = np.atleast_1d(np.asarray(y, dtype=float))
    b = np.atleast_1d(np.asarray(baseline, dtype=float))
    if not 0 < in_line <= substantial:
        raise ConfigError(f"thresholds must satisfy 0 < in_line <= substantial, not {in_line}, {substantial}")
    z = np.full(y.shape, np.nan)
    positive = b > 0
    np.divide(y - b, np.sqrt(np.where(positive, b, 1.0)), out=z, where=positive)
    zero = (b == 0) & (y == 0)
    z[zero] = 0.0
    labels: list[str | None] = []
    for zi, bi, yi in zip(z, b, y, strict=True):
        if np.isnan(bi) or np.isnan(yi):
            labels.append(None)
        elif bi == 0 and yi > 0:
            labels.append("above")
        else:
            labels.append(comparison_label(zi, in_line, substantial))
    return z, labels


def three_year_average(volumes: pd.DataFrame, method: str = DEFAULT_BASELINE, exclude=None,
                       in_line: float = Z_IN_LINE, substantial: float = Z_SUBSTANTIAL, *,
                       checked: bool = False) -> pd.DataFrame:
    """Each month against its 3-year average (METHODS.md, Baseline: the "3-year average").

    Adds ``baseline`` (B), ``baseline_method``, ``baseline_note`` (which months replaced excluded ones, or why the
    comparison is special), ``difference`` (y - B), ``pct_difference`` ((y - B) / B, NaN when B = 0), ``z``
    ((y - B) / sqrt(B)) and ``comparison`` ("in line with", "above", "below", "substantially above",
    "substantially below"; NA where B is missing). ``method`` is "same_month" (mean of y(t-12), y(t-24), y(t-36),
    all three must exist) or "trailing_36" (mean of the 36 months before t, all must exist). ``exclude`` lists
    months or ranges left out, e.g. ``[("2020-04", "2021-03")]``; with same_month an excluded year is replaced by
    the next earlier year. With B = 0: z = 0 and "in line with" when y = 0; otherwise z is NaN and the label is
    "above", with a note.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m",
    ...                   "month": pd.period_range("2020-05", "2023-05", freq="M"), "count": 10})
    >>> bool(np.isnan(three_year_average(v, exclude="2020-05").iloc[-1]["baseline"]))  # 2019-05 is not there
    True
    """
    frame = checked_volumes(volumes, checked=checked)
    excluded = excluded_months(exclude)
    n = len(frame)
    base = np.full(n, np.nan)
    notes = np.full(n, None, dtype=object)
    ords = periods.month_ordinals(frame[schema.MONTH])
    y = frame[schema.COUNT].to_numpy(dtype=float)
    for idx in series_groups(frame, schema.SERIES_KEY):
        b, note = baseline_kernel(ords[idx], y[idx], method, excluded)
        base[idx] = b
        notes[idx] = note
    if method not in BASELINE_METHODS:  # an empty frame never reaches the kernel
        raise ConfigError(f"unknown baseline method {method!r}; known: {', '.join(BASELINE_METHODS)}")
    z, labels = compare_to_baseline(y, base, in_line, substantial)
    special = (base == 0) & (y > 0)
    for i in np.flatnonzero(special):
        extra = "baseline is 0: any count is above it (z undefined)"
        notes[i] = extra if notes[i] is None else f"{notes[i]}; {extra}"
    out = frame.copy()
    out[schema.BASELINE] = base
    out[schema.BASELINE_METHOD] = method
    out[schema.BASELINE_NOTE] = schema.text(notes)
    out[schema.DIFFERENCE] = y - base
    out[schema.PCT_DIFFERENCE] = safe_ratio(y - base, base)
    out[schema.Z] = z
    out[schema.COMPARISON] = schema.text(labels)
    return out
