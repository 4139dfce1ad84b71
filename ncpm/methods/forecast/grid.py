"""A forecast's series, each cut at its origin onto a complete monthly grid (NaN where a month is missing), with the
reason it falls back to seasonal naive (too short, a recent gap, constant) and the steps every engine takes on one
series before fitting: the fallback itself, the rare-count model, and the strictly-positive check
(METHODS.md, "Seasonal forecasts": fallbacks are always named, never silent)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.periods import month_ordinals
from ncpm.methods.forecast.labels import COMBINED, FALLBACK, RARE_METHOD, SNAIVE
from ncpm.methods.forecast.models import is_rare, rare_counts, seasonal_naive
from ncpm.methods.forecast.options import MIN_MONTHS, Options


@dataclass
class CutSeries:
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
    fell_back: bool = False  # seasonal naive in place of the model asked for (the reason is in ``method``)


def prepare(frame: pd.DataFrame, origin: pd.Period | None, needs_model: bool) -> list[CutSeries]:
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
        s = CutSeries(tuple(key), end, y)
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


def set_fallback(s: CutSeries, opts: Options, reason: str | None) -> None:
    s.mean, s.lo, s.hi = seasonal_naive(s.y, opts.horizon, opts.levels)
    s.method = SNAIVE if reason is None else f"{SNAIVE} ({FALLBACK}: {reason})"
    s.fell_back = reason is not None
    if np.isnan(s.mean).any():
        s.notes.append("no value a whole number of years earlier for some months")


def set_rare(s: CutSeries, opts: Options) -> bool:
    """The rare-count model for a rare series when the method is "auto" or "combined" (a named model is fitted as
    asked)."""
    y = s.y[s.fit_from:]
    if opts.method not in ("auto", COMBINED) or not is_rare(y, opts.rare_count):
        return False
    s.mean, s.lo, s.hi = rare_counts(y, opts.horizon, opts.levels)
    s.method = RARE_METHOD
    return True


def needs_positive(y: np.ndarray, opts: Options) -> bool:
    """True when only multiplicative-seasonal models were asked for and the series is not strictly positive."""
    return opts.method not in ("sarima", "snaive") and all(sp.mul for sp in opts.specs) and not (y > 0).all()
