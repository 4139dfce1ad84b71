"""``forecast``: every series of a volumes frame forecast past its origin. The options are checked once, the series
cut at the origin (``grid``), the engine run (``engines``) and the result assembled into one long frame, means and
bounds clipped at 0 (counts cannot be negative; METHODS.md, "Seasonal forecasts")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.methods.forecast.engines import run_fast, run_statsmodels
from ncpm.methods.forecast.grid import CutSeries, prepare
from ncpm.methods.forecast.options import (
    DEFAULT_ENGINE,
    DEFAULT_HORIZON,
    DEFAULT_INTERVALS,
    DEFAULT_LEVELS,
    DEFAULT_METHOD,
    RARE_COUNT,
    Options,
    check_options,
    hi_col,
    lo_col,
)
from ncpm.methods.series import checked_frame


def _assemble(items: list[CutSeries], opts: Options) -> pd.DataFrame:
    H = opts.horizon
    cols: dict[str, list] = {c: [] for c in (*schema.SERIES_KEY, schema.MONTH)}
    values = {schema.MEAN: [], **{c: [] for lev in opts.levels for c in (lo_col(lev), hi_col(lev))}}
    method, origin, notes, fell_back = [], [], [], []
    for s in items:
        for c, k in zip(schema.SERIES_KEY, s.key, strict=True):
            cols[c].extend([k] * H)
        cols[schema.MONTH].extend(s.origin + h for h in range(1, H + 1))
        values[schema.MEAN].append(s.mean)
        for lev in opts.levels:
            values[lo_col(lev)].append(s.lo[lev])
            values[hi_col(lev)].append(s.hi[lev])
        method.extend([s.method] * H)
        fell_back.extend([s.fell_back] * H)
        origin.extend([s.origin] * H)
        notes.extend(["; ".join(s.notes)] * H)
    out = pd.DataFrame({c: pd.Series(v, dtype=str) for c, v in cols.items() if c != schema.MONTH})
    out[schema.MONTH] = pd.PeriodIndex(cols[schema.MONTH], freq="M") if items else \
        pd.PeriodIndex([], freq="M")
    for c, arrays in values.items():
        data = np.concatenate(arrays) if arrays else np.array([], dtype=float)
        out[c] = np.clip(data, 0.0, None)  # counts cannot go below 0 (METHODS.md); NaN stays NaN
    out[schema.METHOD] = pd.Series(method, dtype=str)
    out[schema.ORIGIN] = pd.PeriodIndex(origin, freq="M") if items else pd.PeriodIndex([], freq="M")
    out[schema.NOTES] = pd.Series(notes, dtype=str)
    out[schema.FALLBACK] = pd.Series(fell_back, dtype=bool)
    return out


def forecast(volumes: pd.DataFrame, horizon: int = DEFAULT_HORIZON, origin=None, method: str = DEFAULT_METHOD,
             level=DEFAULT_LEVELS, engine: str = DEFAULT_ENGINE, intervals: str = DEFAULT_INTERVALS,
             rare_count: int | None = RARE_COUNT, *, checked: bool = False) -> pd.DataFrame:
    """Forecast every series (force, area, measure) of a volumes frame ``horizon`` months past ``origin``.

    ``origin`` (a month, e.g. "2023-03") is the last month used; ``None`` means each series' last month.
    ``method``: "auto" (ETS chosen by AICc), an ETS model name such as "ETS(A,Ad,A)", "sarima" or "snaive".
    ``engine``: "statsmodels" (reference, per series) or "fast" (batched numpy, ETS and seasonal naive only).
    ``intervals``: "calibrated" (ETS intervals rescaled by the series' own errors at earlier origins) or "model"
    (the model's own). ``rare_count``: with method "auto", a series with at least half of its last 24 months at or
    below this count gets the Poisson count model (None: never).

    Returns force, area, measure, month, mean, lo_80, hi_80, lo_95, hi_95 (one pair per ``level``), method (the
    model, or "seasonal naive (fallback: <reason>)"), origin, notes (captured warnings and data notes), fallback
    (True where seasonal naive stands in for the model asked for, the reason in ``method``).
    See the module docstring for definitions and an example.
    """
    opts = check_options(horizon, origin, method, level, engine, intervals, rare_count)
    frame = checked_frame(volumes, schema.VOLUMES, checked=checked)
    items = prepare(frame, opts.origin, needs_model=opts.method != "snaive")
    (run_fast if opts.engine == "fast" else run_statsmodels)(items, opts)
    return _assemble(items, opts)
