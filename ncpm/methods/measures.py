"""Pure measures: 3-year baselines and comparisons, window ranks, changes, quarter totals, shares, outcome
("action taken") rates and rolling victim-satisfaction rates.

Every function takes canonical frames (``ncpm.core.schema``), validates them once at the edge and returns a long frame
that keeps the key columns. Definitions are those of METHODS.md (sections Baseline, Window ranks, changes and
shares, Outcome rate, Victim satisfaction). Months are ``Period[M]``; lags are taken by month arithmetic, so t-12 is
the actual month twelve months earlier even when months are missing inside a series. Percentages are fractions
(0.123); rounding is the narrative's job. No function opens a data file, reads the clock or prints; the outcome
types and the action-taken set are the catalogue's (``ncpm.core.catalogue.outcome_table``: ``ncpm/data/outcomes.toml``).

Each measure has two levels: a numpy kernel for one series (dense monthly array in, arrays out) and a wrapper that
applies it over the series of a long frame (``schema.SERIES_KEY``).

>>> import pandas as pd
>>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "knife_crime",
...                   "month": pd.period_range("2020-01", "2023-01", freq="M").astype(str), "count": 10})
>>> v.loc[v["month"] == "2023-01", "count"] = 20
>>> r = three_year_average(v)
>>> last = r.iloc[-1]
>>> float(last["baseline"]), round(float(last["z"]), 2), last["comparison"]
(10.0, 3.16, 'substantially above')
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ncpm.core import catalogue, periods, schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.baseline import BASELINE_METHODS, Z_IN_LINE, Z_SUBSTANTIAL, comparison_label
from ncpm.methods.series import latest_origin, month_column, select_rows

# Comparison with the 3-year average on the Poisson scale (METHODS.md, Baseline).
BASELINE_YEARS = 3  # the "3-year average"
MONTHS_PER_YEAR = 12
TRAILING_MONTHS = 36  # trailing_36: y(t-1) .. y(t-36)

# Outcome rate (METHODS.md, Outcome rate): "Caution: small numbers" thresholds.
MIN_N = 50  # denominator under 50 offences
MAX_WIDTH = 0.10  # Wilson interval wider than 10 percentage points
CONFIDENCE = 0.95  # every rate carries a Wilson 95% interval
SIGNIFICANCE = 0.05  # a change is significant when the two-proportion z-test gives p < 0.05

SATISFACTION_WINDOW = 6  # rolling k-month satisfaction rate, k = 6 by default (METHODS.md)

_ORDINAL_WORDS = ["", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                  "eleventh", "twelfth"]

# Output columns (api.md). Defined once here so that callers can refer to them.
from ncpm.core.schema import (  # noqa: E402  result columns are named once, in schema.py
    BASELINE,
    BASELINE_METHOD,
    BASELINE_NOTE,
    CHANGE,
    COMPARISON,
    CURRENT,
    DIFFERENCE,
    HI,
    HI_95,
    LO,
    LO_95,
    MEAN,
    PCT_CHANGE,
    PCT_DIFFERENCE,
    PREVIOUS,
    RATE,
    Z,
)

# --------------------------------------------------------------------------------------------------- helpers

def _volumes(volumes: pd.DataFrame) -> pd.DataFrame:
    return schema.validate(volumes, schema.VOLUMES, source="volumes")


def _month(ordinal: int) -> pd.Period:
    return pd.Period(ordinal=int(ordinal), freq="M")


def _lag(dense: np.ndarray, k: int) -> np.ndarray:
    """y(t-k) on the dense grid (NaN before the series starts)."""
    out = np.full(dense.shape, np.nan)
    if k < len(dense):
        out[k:] = dense[: len(dense) - k]
    return out


def _rolling_sum(dense: np.ndarray, window: int) -> np.ndarray:
    """Sum over the ``window`` months ending at t; NaN unless every month of the window is present."""
    out = np.full(dense.shape, np.nan)
    if window <= len(dense):
        view = np.lib.stride_tricks.sliding_window_view(dense, window)
        out[window - 1:] = view.sum(axis=1)  # NaN propagates: no partial sums
    return out


def _groups(frame: pd.DataFrame, key: list[str]) -> Iterable[np.ndarray]:
    """Row positions of each series (``frame`` is sorted on its key, so each series is in month order)."""
    if frame.empty:
        return []
    return frame.groupby(key, sort=False).indices.values()


def _text(values: Iterable) -> pd.api.extensions.ExtensionArray:
    """A text column with missing values as NA (``str`` dtype on pandas 3, even when all are missing): schema.text."""
    return schema.text(values)


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 or missing (a percentage on a base of 0 is undefined)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    ok = np.isfinite(den) & (den != 0)
    np.divide(num, den, out=out, where=ok)
    return out


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


# --------------------------------------------------------------------------------------------------- baseline

def baseline_kernel(ordinals: np.ndarray, values: np.ndarray, method: str = "same_month",
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
        lags = np.stack([_lag(dense, MONTHS_PER_YEAR * k) for k in range(1, years_back + 1)])  # k x T
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
                    notes[i] = (f"{', '.join(str(_month(m)) for m in skipped)} excluded, used "
                                f"{', '.join(str(_month(m)) for m in replacements)}")
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
                                f"used {_month(first)}..{_month(last)}")
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


def three_year_average(volumes: pd.DataFrame, method: str = "same_month", exclude=None,
                       in_line: float = Z_IN_LINE, substantial: float = Z_SUBSTANTIAL) -> pd.DataFrame:
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
    frame = _volumes(volumes)
    excluded = excluded_months(exclude)
    n = len(frame)
    base = np.full(n, np.nan)
    notes = np.full(n, None, dtype=object)
    ords = periods.month_ordinals(frame[schema.MONTH])
    y = frame[schema.COUNT].to_numpy(dtype=float)
    for idx in _groups(frame, schema.SERIES_KEY):
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
    out[BASELINE] = base
    out[BASELINE_METHOD] = method
    out[BASELINE_NOTE] = _text(notes)
    out[DIFFERENCE] = y - base
    out[PCT_DIFFERENCE] = _safe_ratio(y - base, base)
    out[Z] = z
    out[COMPARISON] = _text(labels)
    return out


# --------------------------------------------------------------------------------------------------- window rank

def rank_label(rank_high: int, rank_low: int) -> str:
    """ "highest", "second highest", ..., "second lowest", "lowest": the nearer end wins (high on a tie).

    >>> rank_label(1, 12), rank_label(11, 2), rank_label(15, 20)
    ('highest', 'second lowest', '15th highest')
    """
    high = rank_high <= rank_low
    r = rank_high if high else rank_low
    word = _ORDINAL_WORDS[r - 1] if r <= len(_ORDINAL_WORDS) else _ordinal_number(r)
    end = "highest" if high else "lowest"
    return f"{word} {end}".strip()


def _ordinal_number(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


def window_rank(volumes: pd.DataFrame, window: int = MONTHS_PER_YEAR) -> pd.DataFrame:
    """Position of each month among the last ``window`` months including it (METHODS.md, Window ranks).

    Adds ``window``, ``n_in_window`` (months present), ``rank_high`` (1 = highest), ``rank_low`` (1 = lowest),
    ``tied`` and ``rank_label`` ("highest", "second highest", ..., "second lowest", "lowest"; the nearer end wins).
    All ``window`` months (found by month arithmetic) must exist, else the ranks and label are NA. Ties share the
    better position: two months equal highest both have rank_high 1 and ``tied`` True.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m",
    ...                   "month": pd.period_range("2022-07", "2023-06", freq="M"), "count": range(12, 0, -1)})
    >>> window_rank(v).iloc[-1]["rank_label"]
    'lowest'
    """
    if int(window) < 2:
        raise ConfigError(f"window must be at least 2 months, not {window}")
    frame = _volumes(volumes)
    n = len(frame)
    cols = {c: np.full(n, np.nan) for c in ("n_in", "high", "low")}
    tied = np.zeros(n, dtype=bool)
    ords = periods.month_ordinals(frame[schema.MONTH])
    y = frame[schema.COUNT].to_numpy(dtype=float)
    for idx in _groups(frame, schema.SERIES_KEY):
        dense, pos = periods.dense_months(ords[idx], y[idx])
        n_in, rh, rl, tie = window_rank_kernel(dense, int(window))
        cols["n_in"][idx], cols["high"][idx], cols["low"][idx], tied[idx] = n_in[pos], rh[pos], rl[pos], tie[pos]
    out = frame.copy()
    out["window"] = int(window)
    out["n_in_window"] = cols["n_in"].astype(np.int64)
    out["rank_high"] = pd.array(np.where(np.isnan(cols["high"]), None, cols["high"]), dtype="Int64")
    out["rank_low"] = pd.array(np.where(np.isnan(cols["low"]), None, cols["low"]), dtype="Int64")
    out["tied"] = tied
    labels = [None if np.isnan(h) else rank_label(int(h), int(lo)) for h, lo in zip(cols["high"], cols["low"],
                                                                                   strict=True)]
    out["rank_label"] = _text(labels)
    return out


# --------------------------------------------------------------------------------------------------- changes

def changes(volumes: pd.DataFrame) -> pd.DataFrame:
    """Month on month and same month last year, as counts and percentages (METHODS.md, Change).

    Adds ``previous`` (y(t-1)), ``mom_change``, ``mom_pct``, ``last_year`` (y(t-12)), ``yoy_change`` and
    ``yoy_pct``. Lags are actual months (NaN when that month is missing); a percentage on a base of 0 is NaN.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": ["2023-05", "2023-06"],
    ...                   "count": [100, 112]})
    >>> float(changes(v).iloc[-1]["mom_pct"])
    0.12
    """
    frame = _volumes(volumes)
    n = len(frame)
    prev, last = np.full(n, np.nan), np.full(n, np.nan)
    ords = periods.month_ordinals(frame[schema.MONTH])
    y = frame[schema.COUNT].to_numpy(dtype=float)
    for idx in _groups(frame, schema.SERIES_KEY):
        dense, pos = periods.dense_months(ords[idx], y[idx])
        prev[idx] = _lag(dense, 1)[pos]
        last[idx] = _lag(dense, MONTHS_PER_YEAR)[pos]
    out = frame.copy()
    out["previous"] = prev
    out["mom_change"] = y - prev
    out["mom_pct"] = _safe_ratio(y - prev, prev)
    out["last_year"] = last
    out["yoy_change"] = y - last
    out["yoy_pct"] = _safe_ratio(y - last, last)
    return out


def quarter_totals(volumes: pd.DataFrame) -> pd.DataFrame:
    """Totals per financial-year quarter (METHODS.md, Calendar: Q1 = April-June, label "Q1 2023/24").

    Returns force, area, measure, ``quarter`` (label), ``count`` (sum of the months present) and ``months`` (how
    many of the quarter's three months are present: a total over fewer than 3 is incomplete), in time order.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": ["2023-04", "2023-05", "2023-06"],
    ...                   "count": [4, 5, 6]})
    >>> quarter_totals(v)[["quarter", "count", "months"]].values.tolist()
    [['Q1 2023/24', 15, 3]]
    """
    frame = _volumes(volumes)
    quarters = [periods.fy_quarter(m) for m in frame[schema.MONTH]]
    frame["_q_start"] = periods.month_ordinals(pd.Series(pd.PeriodIndex([q.first_month for q in quarters], freq="M")))
    out = (frame.groupby([*schema.SERIES_KEY, "_q_start"], sort=True)
           .agg(**{schema.COUNT: (schema.COUNT, "sum"), "months": (schema.MONTH, "size")}).reset_index())
    out.insert(3, schema.QUARTER, [str(periods.fy_quarter(_month(o))) for o in out["_q_start"]])
    return out.drop(columns="_q_start")[[*schema.SERIES_KEY, schema.QUARTER, schema.COUNT, "months"]]


def period_comparison(volumes: pd.DataFrame, end, months: int = 6) -> pd.DataFrame:
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
    frame = _volumes(volumes)
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
    out = pd.DataFrame(rows, columns=[*schema.SERIES_KEY, "end", "months", CURRENT, PREVIOUS])
    out["end"] = out["end"].astype("period[M]")
    out[CURRENT] = out[CURRENT].astype(float)
    out[PREVIOUS] = out[PREVIOUS].astype(float)
    out[CHANGE] = out[CURRENT] - out[PREVIOUS]
    out[PCT_CHANGE] = _safe_ratio(out[CHANGE].to_numpy(), out[PREVIOUS].to_numpy())
    return out


def quarter_profile(baseline: pd.DataFrame, forecast: pd.DataFrame | None, force: str, measure: str, month, *,
                    area: str = schema.WHOLE_FORCE, preceding: int = 3, in_line: float = Z_IN_LINE,
                    substantial: float = Z_SUBSTANTIAL) -> dict[str, object]:
    """The financial quarter to ``month`` as a whole, for one series (S7): its statistics, for ``narrative`` to word.

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
    used) or None. Returns a dict: quarter, months (in the quarter to ``month``), complete, quarter_count,
    steps_z, stable, overall_z, movement_label, and per comparison made ``preceding_count/_z/_label``,
    ``baseline_total/_z/_label``, ``forecast_total/_half_width/_label``.

    >>> b = pd.DataFrame({"force": "F", "area": "Force", "measure": "theft_from_person",
    ...                   "month": pd.period_range("2023-01", "2023-06", freq="M"), "count": [40, 42, 41, 60, 62, 61],
    ...                   "baseline": 45.0})
    >>> p = quarter_profile(b, None, "F", "theft_from_person", "2023-06")
    >>> p["stable"], p["preceding_label"], p["baseline_label"], p["quarter_count"]
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
    steps = [float(poisson_z(a, b)) for a, b in zip(y[:-1], y[1:], strict=True)]
    overall = float(poisson_z(y[0], y[-1]))
    out: dict[str, object] = {
        "quarter": str(quarter), "months": len(months), "complete": len(months) == len(quarter.months()),
        "quarter_count": int(y.sum()), "steps_z": steps, "stable": all(abs(z) < in_line for z in steps),
        "overall_z": overall, "movement_label": comparison_label(overall, in_line, substantial),
        "preceding": preceding}
    before = list(pd.period_range(quarter.first_month - preceding, periods=preceding, freq="M"))
    if all(m in series.index for m in before):
        b = series.loc[before, schema.COUNT].astype(float).to_numpy()
        se = np.sqrt(y.mean() / len(y) + b.mean() / len(b))
        z = float((y.mean() - b.mean()) / se) if se > 0 else 0.0
        out.update({"preceding_count": int(b.sum()), "preceding_z": z,
                    "preceding_label": comparison_label(z, in_line, substantial)})
    base = series.loc[months, BASELINE].astype(float).to_numpy()
    if np.isfinite(base).all():
        (z,), (label,) = compare_to_baseline(y.sum(), base.sum(), in_line, substantial)
        out.update({"baseline_total": float(base.sum()), "baseline_z": float(z), "baseline_label": label})
    if forecast is not None:
        rows = latest_origin(select_rows(forecast, "forecast", force=force, area=area, measure=measure))
        rows = rows[month_column(rows).isin(months).to_numpy()]
        if len(rows) != len(months):
            raise InputError(f"the forecast does not cover {quarter} to {month}", file="forecast")
        mean = float(rows[MEAN].astype(float).sum())
        half = float(np.sqrt((((rows[HI_95].astype(float) - rows[LO_95].astype(float)) / 2) ** 2).sum()))
        total = y.sum()
        out.update({"forecast_total": mean, "forecast_half_width": half,
                    "forecast_label": "above" if total > mean + half else "below" if total < mean - half
                    else "in line with"})
    return out


# --------------------------------------------------------------------------------------------------- shares

def share(volumes: pd.DataFrame, part: str, whole: str | None = None) -> pd.DataFrame:
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
    frame = _volumes(volumes)
    keys = [schema.FORCE, schema.AREA, schema.MONTH]
    p = frame.loc[frame[schema.MEASURE] == part, [*keys, schema.COUNT]].rename(columns={schema.COUNT: "part"})
    w = frame.loc[frame[schema.MEASURE] == whole, [*keys, schema.COUNT]].rename(columns={schema.COUNT: "whole"})
    out = p.merge(w, on=keys, how="inner").sort_values(keys, kind="stable").reset_index(drop=True)
    over = out["part"] > out["whole"]
    if over.any():
        r = out[over].iloc[0]
        raise InputError(f"{part} ({r['part']}) is greater than {whole} ({r['whole']}) for {r[schema.FORCE]}, "
                         f"{r[schema.AREA]}, {r[schema.MONTH]}", file="volumes", column=schema.COUNT)
    out.insert(3, schema.MEASURE, part)
    out["share"] = _safe_ratio(out["part"].to_numpy(), out["whole"].to_numpy())
    out["n"] = out["part"]
    return out[[schema.FORCE, schema.AREA, schema.MONTH, schema.MEASURE, "part", "whole", "share", "n"]]


# --------------------------------------------------------------------------------------------------- Wilson

def wilson_interval(k, n, level: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion k / n (Wilson 1927; as statsmodels ``proportion_confint``).

    centre = (p + z^2 / 2n) / (1 + z^2 / n), half-width = z / (1 + z^2 / n) * sqrt(p(1 - p) / n + z^2 / 4n^2),
    clipped to [0, 1] (exactly 0 when k = 0, exactly 1 when k = n). NaN where n = 0 or k > n (no proportion).

    >>> lo, hi = wilson_interval(np.array([10]), np.array([30]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.1923, 0.5122)
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


# --------------------------------------------------------------------------------------------------- outcomes

OUTCOME_TYPES: dict[str, str] = catalogue.outcome_table().types  # Home Office outcome number -> name
ACTION_TAKEN: tuple[str, ...] = catalogue.outcome_table().action_taken  # the default action-taken set
DIVERSIONARY: tuple[str, ...] = catalogue.outcome_table().opt_in  # outcome 22, opt-in
OUTCOMES_VERSION: str = catalogue.outcome_table().version


def _normalise_code(code: object) -> str:
    text = str(code).strip().upper()
    return text[:-2] if text.endswith(".0") else text


def _outcome_code(value: object) -> str:
    """The Home Office outcome type of an ``outcome_type`` value: the code itself ("1"; 1.0 read as "1"), or the
    type a data.police.uk outcome text stands for in an outcomes file ("Local resolution" -> "8",
    ``catalogue.police_uk_outcome``); a text with no type (pending, a court result, unknown) is kept as it is and
    is in no action-taken set."""
    code = _normalise_code(value)
    return code if code in OUTCOME_TYPES else catalogue.police_uk_outcome(str(value).strip()).outcome_type


def action_set(action_taken: Iterable[str] | None = None, include_diversionary: bool = False) -> tuple[str, ...]:
    """The action-taken outcome codes in use: ``action_taken`` (default: the configured set) plus 22 if opted in.

    >>> action_set(include_diversionary=True)[-1]
    '22'
    """
    codes = ACTION_TAKEN if action_taken is None else tuple(_normalise_code(c) for c in action_taken)
    unknown = [c for c in codes if c not in OUTCOME_TYPES]
    if unknown:
        raise ConfigError(f"action_taken: unknown Home Office outcome type(s) {', '.join(unknown)}; known: "
                          f"{', '.join(OUTCOME_TYPES)}")
    if include_diversionary:
        codes = codes + tuple(c for c in DIVERSIONARY if c not in codes)
    return codes


def outcome_rate(outcomes: pd.DataFrame, volumes: pd.DataFrame, action_taken: Iterable[str] | None = None,
                 window: int = 1, include_diversionary: bool = False, min_n: int = MIN_N,
                 max_width: float = MAX_WIDTH) -> pd.DataFrame:
    """Action-taken rate: outcomes in the action-taken set recorded in the period / offences recorded in the period
    (METHODS.md, Outcome rate). The outcomes need not attach to the same crimes, so the rate can exceed 1.

    ``action_taken`` is a list of Home Office outcome numbers (default :data:`ACTION_TAKEN` from the versioned
    ``ncpm/data/outcomes.toml``: 1, 1A, 2, 2A, 3, 4, 6, 7, 8); outcome 22 is added by ``include_diversionary``.
    ``outcome_type`` holds Home Office outcome numbers; a data.police.uk outcome text counts as the type it stands for
    in an outcomes file (``catalogue.police_uk_outcome``: "Local resolution" is 8); a text with none (under
    investigation, a court result, an unknown text) is in no set, so it counts in no numerator.
    ``window`` 1 is the monthly view; 12 pools the 12 months ending at t (numerator and denominator summed, every
    month must be present in both frames). Rows are the series-months present in both frames (a month with
    outcome rows but none in the set has 0 outcomes). Returns force, area, measure, month, ``outcomes``, ``n``
    (offences), ``rate``, ``lo``, ``hi`` (Wilson 95%), ``caution`` ("Caution: small numbers": n < ``min_n`` or
    interval wider than ``max_width``), ``caution_reason``, ``window``, ``over_100`` (outcomes > offences: the
    rate is reported, its interval is NaN) and ``action_set`` (the codes used, with the config version).

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05", "count": [200]})
    >>> o = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05",
    ...                   "outcome_type": ["1", "18"], "count": [14, 90]})
    >>> r = outcome_rate(o, v).iloc[0]
    >>> int(r["outcomes"]), int(r["n"]), float(r["rate"])
    (14, 200, 0.07)
    """
    codes = action_set(action_taken, include_diversionary)
    window = int(window)
    if window < 1:
        raise ConfigError(f"window must be at least 1 month, not {window}")
    vol = _volumes(volumes)
    out_f = schema.validate(outcomes, schema.OUTCOMES, source="outcomes")
    types = out_f[schema.OUTCOME_TYPE]
    out_f[schema.OUTCOME_TYPE] = types.map({v: _outcome_code(v) for v in pd.unique(types.to_numpy(dtype=object))})
    keys = [*schema.SERIES_KEY, schema.MONTH]
    in_set = out_f[schema.OUTCOME_TYPE].isin(codes)
    num = (out_f.assign(_k=np.where(in_set, out_f[schema.COUNT], 0))
           .groupby(keys, sort=True, observed=True)["_k"].sum().rename("outcomes").reset_index())
    table = num.merge(vol.rename(columns={schema.COUNT: "n"}), on=keys, how="inner")
    table = table.sort_values(keys, kind="stable").reset_index(drop=True)
    k_all = table["outcomes"].to_numpy(dtype=float)
    n_all = table["n"].to_numpy(dtype=float)
    if window > 1:
        ords = periods.month_ordinals(table[schema.MONTH])
        k_roll, n_roll = np.full(len(table), np.nan), np.full(len(table), np.nan)
        for idx in _groups(table, schema.SERIES_KEY):
            dk, pos = periods.dense_months(ords[idx], k_all[idx])
            dn, _ = periods.dense_months(ords[idx], n_all[idx])
            k_roll[idx] = _rolling_sum(dk, window)[pos]
            n_roll[idx] = _rolling_sum(dn, window)[pos]
        keep = ~np.isnan(n_roll)
        table = table[keep].reset_index(drop=True)
        k_all, n_all = k_roll[keep], n_roll[keep]
    k_int, n_int = k_all.astype(np.int64), n_all.astype(np.int64)
    rate = _safe_ratio(k_all, n_all)
    lo, hi = wilson_interval(k_all, n_all)
    over = k_all > n_all
    width = hi - lo
    reasons = []
    for n_i, w_i, over_i in zip(n_int, width, over, strict=True):
        r = []
        if n_i == 0:
            r.append("no offences")
        elif n_i < min_n:
            r.append(f"n = {n_i} < {min_n}")
        if over_i:
            r.append("outcomes exceed offences")
        elif np.isfinite(w_i) and w_i > max_width:
            r.append(f"interval wider than {max_width * 100:g} percentage points")
        reasons.append("; ".join(r) if r else None)
    result = table[keys].copy()
    result["outcomes"] = k_int
    result["n"] = n_int
    result[RATE] = rate
    result[LO] = lo
    result[HI] = hi
    result["caution"] = np.array([r is not None for r in reasons], dtype=bool)
    result["caution_reason"] = _text(reasons)
    result["window"] = window
    result["over_100"] = over
    result["action_set"] = f"outcomes.toml {OUTCOMES_VERSION}: {', '.join(codes)}"
    return result


# --------------------------------------------------------------------------------------------------- satisfaction

def _survey(survey: pd.DataFrame) -> pd.DataFrame:
    """The canonical survey frame plus ``_valid`` (responses - dont_know; dont_know absent or missing = 0). A row
    with satisfied + dont_know > responses is an :class:`InputError` naming the row (0-based, as
    ``schema.validate``) and the column ``dont_know``."""
    if schema.DONT_KNOW in survey.columns and survey[schema.DONT_KNOW].isna().any():
        survey = survey.assign(**{schema.DONT_KNOW: survey[schema.DONT_KNOW].fillna(0)})
    frame = schema.validate(survey, schema.SURVEY_RESPONSES, source="survey")
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


def rolling_rate(survey: pd.DataFrame, window: int = SATISFACTION_WINDOW, target: float | None = None) -> pd.DataFrame:
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
    frame = _survey(survey)
    key = [schema.FORCE, schema.SURVEY]
    parts = []
    for idx in _groups(frame, key):
        g = frame.iloc[idx]
        ords = periods.month_ordinals(g[schema.MONTH])
        ds, _ = periods.dense_months(ords, g[schema.SATISFIED].to_numpy(dtype=float))
        dn, _ = periods.dense_months(ords, g["_valid"].to_numpy(dtype=float))  # valid responses
        s_roll, n_roll = _rolling_sum(ds, window), _rolling_sum(dn, window)
        rate = _safe_ratio(s_roll, n_roll)
        run, direction = run_kernel(rate)
        start = int(ords.min())
        keep = ~np.isnan(n_roll)
        months = pd.PeriodIndex.from_ordinals(start + np.flatnonzero(keep), freq="M")
        parts.append(pd.DataFrame({schema.FORCE: g[schema.FORCE].iloc[0], schema.SURVEY: g[schema.SURVEY].iloc[0],
                                   schema.MONTH: months, schema.SATISFIED: s_roll[keep].astype(np.int64),
                                   schema.RESPONSES: n_roll[keep].astype(np.int64), RATE: rate[keep],
                                   "_run": run[keep], "_dir": direction[keep]}))
    columns = [schema.FORCE, schema.SURVEY, schema.MONTH, schema.SATISFIED, schema.RESPONSES, RATE]
    out = (pd.concat(parts, ignore_index=True) if parts else
           pd.DataFrame({c: pd.Series([], dtype=float) for c in [*columns, "_run", "_dir"]}))
    lo, hi = wilson_interval(out[schema.SATISFIED].to_numpy(dtype=float), out[schema.RESPONSES].to_numpy(dtype=float))
    out[LO], out[HI] = lo, hi
    out["target"] = np.nan if target is None else float(target)
    if target is None:
        labels = [None] * len(out)
    else:
        labels = [None if np.isnan(a) else "above" if a > target else "below" if b < target
                  else "within the interval of" for a, b in zip(lo, hi, strict=True)]
    out["target_label"] = _text(labels)
    out["run_length"] = out.pop("_run").astype(np.int64)
    out["run_direction"] = _text([{-1: "falling", 1: "rising"}.get(int(d)) for d in out.pop("_dir")])
    return out[[*columns, LO, HI, "target", "target_label", "run_length", "run_direction"]]


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
    inside = rolling[rolling[schema.MONTH].isin(span) & rolling[RATE].notna()]
    rows = []
    for _, g in inside.groupby([schema.FORCE, schema.SURVEY], sort=True):
        rates = g[RATE].to_numpy()
        target = rates.max() if which == "high" else rates.min()
        rows.append(g.iloc[int(np.flatnonzero(rates == target)[-1])])
    out = pd.DataFrame(rows).reset_index(drop=True) if rows else rolling.iloc[0:0].copy()
    out["extreme"] = which
    out["window_end"] = pd.Series([month] * len(out), dtype="period[M]")
    return out


def two_proportion_z(x1, n1, x2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Two-proportion z-test with pooled standard error; z = (p2 - p1) / se, two-sided p from the normal.

    se = sqrt(p(1 - p)(1/n1 + 1/n2)) with p = (x1 + x2) / (n1 + n2). Same as statsmodels ``proportions_ztest``
    (with the sign of p2 - p1).
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    pooled = _safe_ratio(x1 + x2, n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (_safe_ratio(1.0, n1) + _safe_ratio(1.0, n2)))
    z = _safe_ratio(_safe_ratio(x2, n2) - _safe_ratio(x1, n1), se)
    from scipy import stats

    p = 2 * stats.norm.sf(np.abs(z))
    return z, p


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
    cols = [*key, schema.SATISFIED, schema.RESPONSES, RATE]
    ra = rolling.loc[rolling[schema.MONTH] == a, cols]
    rb = rolling.loc[rolling[schema.MONTH] == b, cols]
    out = ra.merge(rb, on=key, suffixes=("_a", "_b"), how="inner")
    out.insert(2, "month_a", pd.Series([a] * len(out), dtype="period[M]"))
    out.insert(3, "month_b", pd.Series([b] * len(out), dtype="period[M]"))
    z, p = two_proportion_z(out["satisfied_a"], out["responses_a"], out["satisfied_b"], out["responses_b"])
    out["z"] = z
    out["p_value"] = p
    out["significant"] = p < SIGNIFICANCE
    return out
