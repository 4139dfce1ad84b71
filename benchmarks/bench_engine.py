"""Benchmark: LSOA-level forecasts for one region on one process, local processes and a local Dask cluster.

    python benchmarks/bench_engine.py [--series 3000] [--months 60] [--sm-series 120] [--workers 2]

One region's LSOA series (seeded synthetic: ``--series`` series, ``--months`` months of low Poisson counts with a
yearly cycle, as LSOA-level crime counts are) are forecast 3 months ahead with 80% and 95% intervals through
:func:`ncpm.quarter.engine.map_series` on each engine kind:

- ``single``: one process; ``processes``: ``ProcessPoolExecutor`` with ``--workers`` processes; ``dask``: a
  ``LocalCluster`` of ``--workers`` single-threaded worker processes (loopback only, no dashboard).
- workloads: the fast engine (``engine="fast"``) on every series, and the statsmodels reference engine with
  method "auto" (six ETS models by AICc per series, the expensive per-series work) on a seeded subset of
  ``--sm-series`` series.

Each result is checked to be identical to the single-process one. Printed: engine start-up seconds, compute
seconds, speed-up and parallel efficiency (speed-up / workers) against one process, per-series cost (wall and CPU
seconds of the single process), CPU seconds of all the engine's processes (parallel overhead that the other
users' load hardly changes), the load average while each ran, and the estimate for a national LSOA run
(about 35,000 LSOAs x 14 measures = 490,000 series) on an N-core cluster, from these measured figures.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core per worker on every engine (Dask's nannies do the same)

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pandas.testing import assert_frame_equal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ncpm.core import schema  # noqa: E402
from ncpm.methods.forecast import forecast  # noqa: E402
from ncpm.quarter.engine import EngineOptions, start_engine  # noqa: E402

SEED = 20240808
NATIONAL_LSOAS = 35_000  # LSOAs (2021) in England and Wales: 33,755 + 1,917, rounded
NATIONAL_MEASURES = 14  # NCPM crime-type series per LSOA
NATIONAL_SERIES = NATIONAL_LSOAS * NATIONAL_MEASURES
MEASURES = ("burglary_residential", "vehicle_crime", "violence_with_injury")
CLUSTER_CORES = (2, 16, 64, 256)


def lsoa_region(n_series: int, months: int, seed: int = SEED) -> pd.DataFrame:
    """Seeded LSOA-level volumes: low Poisson counts (monthly mean 0.5 to 15) with a yearly cycle and drift."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = np.exp(rng.uniform(np.log(0.5), np.log(15), n_series))[:, None]
    phase = rng.integers(0, 12, n_series)[:, None]
    amp = rng.uniform(0, 0.35, n_series)[:, None]
    drift = rng.normal(0, 0.004, n_series)[:, None]
    mu = level * np.exp(drift * t) * (1 + amp * np.sin(2 * np.pi * (t + phase) / 12))
    counts = rng.poisson(mu)
    lsoa = [f"E0100{i // len(MEASURES) + 1:04d}" for i in range(n_series)]
    measure = [MEASURES[i % len(MEASURES)] for i in range(n_series)]
    return pd.DataFrame({
        schema.FORCE: "West Midlands",
        schema.AREA: np.repeat(lsoa, months),
        schema.MEASURE: np.repeat(measure, months),
        schema.MONTH: np.tile(pd.period_range("2019-04", periods=months, freq="M"), n_series),
        schema.COUNT: counts.ravel(),
    })


def load() -> float:
    return os.getloadavg()[0]


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and every live child: pool workers, Dask nannies and workers.

    Unlike wall time, this hardly depends on what other users of the machine are running, so the parallel
    overhead (serialising chunks, scheduling, idle polling) shows as extra CPU against one process.
    """
    import psutil  # installed with dask[distributed]

    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return total


def run_kind(kind: str, workers: int, workloads: dict[str, tuple[pd.DataFrame, dict]]) -> dict:
    options = EngineOptions(kind, workers=None if kind == "single" else workers)
    out: dict = {"kind": kind, "load_before": load()}
    t0 = time.perf_counter()
    with start_engine(options) as engine:
        # workers start (and import pandas, statsmodels, ncpm) on their first task: count that as start-up
        warm = workloads["fast"][0]
        warm = warm[warm[schema.AREA].isin(warm[schema.AREA].drop_duplicates()[: 2 * workers])]
        engine.map(forecast, warm, horizon=3, engine="statsmodels", method="ETS(A,N,A)")
        out["start"] = time.perf_counter() - t0
        out["workers"] = engine.workers
        for name, (frame, kwargs) in workloads.items():
            w0, c0 = time.perf_counter(), cpu_seconds()
            result = engine.map(forecast, frame, **kwargs)
            out[name] = time.perf_counter() - w0
            out[f"{name}_cpu"] = cpu_seconds() - c0
            out[f"{name}_result"] = result
            out[f"{name}_load"] = load()
        t1 = time.perf_counter()
    out["stop"] = time.perf_counter() - t1
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=3000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--sm-series", type=int, default=120, help="seeded subset for the statsmodels engine")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")

    frame = lsoa_region(args.series, args.months)
    keys = frame[schema.SERIES_KEY].drop_duplicates()
    pick = keys.sample(n=min(args.sm_series, len(keys)), random_state=SEED)
    subset = frame.merge(pick, on=schema.SERIES_KEY)
    workloads = {
        "fast": (frame, {"horizon": 3, "engine": "fast"}),
        "statsmodels": (subset, {"horizon": 3, "engine": "statsmodels", "method": "auto"}),
    }
    n = {"fast": args.series, "statsmodels": len(pick)}
    forecast(frame[frame[schema.AREA] == "E01000001"], 3, engine="fast")  # import warm-up

    print(f"{args.series:,} LSOA series x {args.months} months ({frame.memory_usage(deep=True).sum() / 2**20:.1f} "
          f"MiB in memory); statsmodels subset {len(pick)} series; {os.cpu_count()} CPUs; load average "
          f"(1 min) at start {load():.2f}", flush=True)
    runs = []
    for kind in ("single", "processes", "dask"):
        runs.append(run_kind(kind, args.workers, workloads))
        r = runs[-1]
        print(f"  {kind:<9} start {r['start']:6.2f} s  fast {r['fast']:7.2f} s  statsmodels {r['statsmodels']:7.2f} s"
              f"  stop {r['stop']:5.2f} s  load {r['load_before']:.2f} -> {r['statsmodels_load']:.2f}", flush=True)
    single = runs[0]
    for r in runs[1:]:
        for name in workloads:
            assert_frame_equal(r[f"{name}_result"], single[f"{name}_result"], check_exact=True)
    print("  every engine's result is identical to the single-process result (assert_frame_equal, exact)\n")

    print("| engine | workers | start-up s (incl. warm-up) | fast: s | speed-up | fast: CPU s | statsmodels: s "
          "| speed-up | wall efficiency | statsmodels: CPU s | CPU efficiency |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    cpu_eff = {}
    for r in runs:
        sp_fast = single["fast"] / r["fast"]
        sp_sm = single["statsmodels"] / r["statsmodels"]
        cpu_eff[r["kind"]] = single["statsmodels_cpu"] / r["statsmodels_cpu"]
        print(f"| {r['kind']} | {r['workers']} | {r['start']:.2f} | {r['fast']:.2f} | {sp_fast:.2f}x | "
              f"{r['fast_cpu']:.2f} | {r['statsmodels']:.2f} | {sp_sm:.2f}x | {sp_sm / r['workers']:.0%} | "
              f"{r['statsmodels_cpu']:.2f} | {cpu_eff[r['kind']]:.0%} |")
    cost = {name: single[name] / n[name] for name in workloads}
    cpu = {name: single[f"{name}_cpu"] / n[name] for name in workloads}
    print("\nwall efficiency = speed-up / workers (depends on the other users' load); CPU efficiency = CPU seconds "
          "of one process / CPU seconds of all processes of the engine (the parallel overhead)")
    print(f"per-series cost, one process: fast {cost['fast'] * 1e3:.2f} ms wall ({cpu['fast'] * 1e3:.2f} ms CPU); "
          f"statsmodels auto {cost['statsmodels'] * 1e3:.0f} ms wall ({cpu['statsmodels'] * 1e3:.0f} ms CPU)")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")

    e = min(1.0, cpu_eff["dask"])  # above 100% is measurement noise: never project better than linear
    e_fast = min(1.0, single["fast_cpu"] / runs[-1]["fast_cpu"])
    sm_cpu_h = cpu["statsmodels"] * NATIONAL_SERIES / 3600
    fast_cpu_min = cpu["fast"] * NATIONAL_SERIES / 60
    print(f"National LSOA run: {NATIONAL_LSOAS:,} LSOAs x {NATIONAL_MEASURES} measures = {NATIONAL_SERIES:,} series.")
    print(f"statsmodels auto: {cpu['statsmodels'] * 1e3:.0f} ms CPU per series x {NATIONAL_SERIES:,} = "
          f"{sm_cpu_h:.1f} CPU-hours; fast engine: {cpu['fast'] * 1e3:.2f} ms x {NATIONAL_SERIES:,} = "
          f"{fast_cpu_min:.1f} CPU-minutes.")
    print(f"Wall time on N dedicated cores at the measured Dask CPU efficiency (statsmodels {e:.0%}, "
          f"fast {e_fast:.0%}), start-up not included:")
    print("| cores | statsmodels auto | fast engine |")
    print("|---:|---:|---:|")
    for cores in CLUSTER_CORES:
        sm = sm_cpu_h / (cores * e)
        fa = fast_cpu_min / (cores * e_fast)
        print(f"| {cores} | {sm:.1f} h ({sm * 60:.0f} min) | {fa:.1f} min |")
    frame_mib = frame.memory_usage(deep=True).sum() / 2**20 * NATIONAL_SERIES / args.series
    print(f"National input frame in the client's memory: about {frame_mib / 1024:.1f} GiB at {args.months} months.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
