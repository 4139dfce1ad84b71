"""The two forecast engines over a list of cut series (``grid.CutSeries``): ``"statsmodels"``, the reference, fitted
series by series (``reference``), and ``"fast"``, the same ETS models fitted to all series of one length at once
with numpy (``ets_fast``), its calibrated intervals refitted the same way. Each fills in every series' mean, intervals,
method and notes; warnings raised by statsmodels go into the notes, not to the screen."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ncpm.methods.forecast import ets_fast
from ncpm.methods.forecast.grid import CutSeries, needs_positive, set_fallback, set_rare
from ncpm.methods.forecast.intervals import (
    CALIBRATION_HORIZON,
    calibration_cuts,
    calibration_scale,
    gaussian_interval,
    normal_quantiles,
)
from ncpm.methods.forecast.labels import COMBINED, POSITIVE_ONLY, SHORT_FOR_CALIBRATION, combined_method
from ncpm.methods.forecast.options import Options
from ncpm.methods.forecast.reference import (
    ets_combined_statsmodels,
    ets_statsmodels,
    sarima_statsmodels,
    warning_notes,
)


def run_statsmodels(items: list[CutSeries], opts: Options) -> None:
    for s in items:
        if s.fallback is not None or opts.method == "snaive":
            set_fallback(s, opts, None if opts.method == "snaive" else s.fallback)
            continue
        y = s.y[s.fit_from:]
        if needs_positive(y, opts):
            set_fallback(s, opts, POSITIVE_ONLY)
            continue
        if set_rare(s, opts):
            continue
        index = pd.period_range(end=s.origin, periods=len(y), freq="M")
        series = pd.Series(y, index=index)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if opts.method == "sarima":
                    result = sarima_statsmodels(series, opts.horizon, opts.levels)
                elif opts.method == COMBINED:
                    result = ets_combined_statsmodels(series, opts.horizon, opts.levels, opts.specs, opts.intervals)
                else:
                    result = ets_statsmodels(series, opts.horizon, opts.levels, opts.specs, opts.intervals)
            except Exception as exc:  # noqa: BLE001 - any failure becomes a recorded fallback
                result = None
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        s.notes.extend(warning_notes(caught))
        if result is None:
            s.notes.append(f"fit failed: {reason}")
            set_fallback(s, opts, "fit failed")
        else:
            s.mean, s.lo, s.hi, s.method, extra = result
            s.notes.extend(extra)


def run_fast(items: list[CutSeries], opts: Options) -> None:
    todo = []
    for s in items:
        if s.fallback is not None or opts.method == "snaive":
            set_fallback(s, opts, None if opts.method == "snaive" else s.fallback)
        elif needs_positive(s.y[s.fit_from:], opts):
            set_fallback(s, opts, POSITIVE_ONLY)
        elif not set_rare(s, opts):
            todo.append(s)
    by_length: dict[int, list[CutSeries]] = {}
    for s in todo:
        by_length.setdefault(len(s.y) - s.fit_from, []).append(s)
    quantiles = normal_quantiles(opts.levels) if by_length else {}  # once per call, not per series
    for group in by_length.values():
        Y = np.stack([s.y[s.fit_from:] for s in group])
        if opts.method == COMBINED:
            mean, var, models = ets_fast.combine(Y, opts.horizon, opts.specs)
            names = [combined_method(k) for k in models]
            choice = None
        else:
            choice, mean, var, _ = ets_fast.select(Y, opts.horizon, opts.specs)
            names = [opts.specs[c].name for c in choice]
        scales = _fast_calibration(Y, choice, opts) if opts.intervals == "calibrated" else [None] * len(group)
        for i, s in enumerate(group):
            if not np.isfinite(mean[i]).all():
                s.notes.append("fit failed: non-finite forecast")
                set_fallback(s, opts, "fit failed")
                continue
            s.mean = mean[i]
            sd = np.sqrt(var[i])
            if scales[i] is None and opts.intervals == "calibrated":
                s.notes.append(SHORT_FOR_CALIBRATION)
            s.lo, s.hi = gaussian_interval(mean[i], sd, 1.0 if scales[i] is None else scales[i], quantiles)
            s.method = names[i]


def _fast_calibration(Y: np.ndarray, choice: np.ndarray | None, opts: Options) -> list[float | None]:
    """:func:`calibration_scale` per row of ``Y`` for the fast engine: each row's chosen model refitted (all rows
    with the same model at once) at the earlier origins; the whole combination when ``choice`` is None."""
    z, steps = [[] for _ in range(len(Y))], min(opts.horizon, CALIBRATION_HORIZON)
    for cut in calibration_cuts(Y.shape[1]):
        train, actual = Y[:, :cut], Y[:, cut:cut + steps]
        if choice is None:
            mean, var, _ = ets_fast.combine(train, steps, opts.specs)
            with np.errstate(all="ignore"):
                err = (actual - mean) / np.sqrt(var)
            for r, e in enumerate(err):
                z[r].append(e)
            continue
        for c in np.unique(choice):
            spec = opts.specs[c]
            rows = np.flatnonzero((choice == c) & ((train > 0).all(axis=1) if spec.mul else True))
            if not rows.size:
                continue
            f = ets_fast.fit(train[rows], spec, steps)
            with np.errstate(all="ignore"):
                err = (actual[rows] - f.mean) / np.sqrt(f.var)
            for r, e in zip(rows, err, strict=True):
                z[r].append(e)
    return [calibration_scale(np.concatenate(e)) if e else None for e in z]
