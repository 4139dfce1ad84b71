"""Benchmark: do the fast engine's ETS fits agree with statsmodels' ``ETSModel``? (issue 14, item 2)

    python benchmarks/bench_fit_agreement.py [--origins backtest|calibration] [--refresh] [--worst 15]

Cases (``--origins backtest``, the default): the NSW backtest of ``bench_backtest`` (21 offence series x origins
2019-12, 2021-12, 2022-12 x training from 1995-01, 2012-01, 2017-01), every candidate of ``ets_fast.CANDIDATES``
(the multiplicative ones only on positive series). These are the cases the fast engine's starts were chosen on, so
agreement on them is in-sample.

``--origins calibration`` is the held-out check: origins 2014-12, 2016-12 and 2018-12 (a subset of
``bench_backtest``'s calibration origins 2013-12 .. 2018-12, which keeps statsmodels' part to a few minutes),
each trained on ``bench_backtest``'s calibration windows: from 1995-01 ("full"), the last 8 years ("8y") and the
last 3 years ("3y"). None of these cases was used to choose the starts.

The statsmodels fits are slow (minutes) and are computed once and cached, with their SSE, AICc and parameters, in
``benchmarks/out/fit_agreement/statsmodels_fits.json`` (``statsmodels_fits_calibration.json`` for the calibration
origins; ``--refresh`` recomputes them); the fast fits are scored against the cache in seconds.

Printed per training window: the share of fits more than 1% above statsmodels' SSE (``gap = sse_fast / sse_sm -
1``), the worst gap, and the share of cases where the AICc choice is the same; then a diagnosis of every case where
the choices differ, and the worst fits with the parameters of both.

Diagnosis of a differing choice: take for each candidate the better of the two fits (the lower SSE) and choose by
AICc again. If that choice is statsmodels' the fast engine under-fitted (a bug it can fix by fitting better); if it
is the fast engine's, statsmodels stopped short of the optimum (the same-model goal cannot be reached by fitting
better); otherwise neither engine's choice is the best-fit choice.

AICc of both engines is computed from the SSE by ``ets_fast.aicc`` (the engine's own: statsmodels' formula and
parameter count), so the choices are comparable.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_backtest import ORIGINS, _nsw, _windows  # noqa: E402

from ncpm.core import schema  # noqa: E402
from ncpm.methods.forecast import ets_fast  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "fit_agreement"
TOLERANCE = 0.01  # the goal: every fast fit within 1% of statsmodels' SSE, or better
CASE = ["window", "origin", "measure"]


def calibration_windows(o: pd.Period) -> list[tuple[str, str]]:
    """``bench_backtest``'s calibration training windows for origin ``o``: from 1995-01, the last 8 and 3 years."""
    return [("full", "1995-01"), ("8y", str(o - 95)), ("3y", str(o - 35))]


# name -> (origins, training windows (None: bench_backtest's WINDOWS), statsmodels cache file)
CASE_SETS = {
    "backtest": (ORIGINS, None, OUT / "statsmodels_fits.json"),
    "calibration": (("2014-12", "2016-12", "2018-12"), calibration_windows, OUT / "statsmodels_fits_calibration.json"),
}


def cases(case_set: str = "backtest", v=None):
    """(window, origin, measure keys, Y (B, n)) for each window and origin of ``case_set``: the training series."""
    origins, windows, _ = CASE_SETS[case_set]
    v = _nsw() if v is None else v
    for label, o, w in _windows(v, origins, windows):
        w = w[w[schema.MONTH] <= o]
        keys = sorted(w[schema.MEASURE].unique())
        Y = np.stack([w.loc[w[schema.MEASURE] == k, schema.COUNT].to_numpy(float) for k in keys])
        yield label, str(o), keys, Y


def _statsmodels_fit(y: np.ndarray, spec: ets_fast.EtsSpec) -> dict:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ETSModel(y, error="add", trend="add" if spec.trend else None, damped_trend=spec.damped,
                       seasonal="mul" if spec.mul else "add", seasonal_periods=ets_fast.PERIOD).fit(disp=False)
    names = list(res.model.param_names)
    return {"sse": float(res.sse), "aicc_statsmodels": float(res.aicc),
            "params": {k: float(x) for k, x in zip(names, np.asarray(res.params), strict=True)}}


def statsmodels_fits(case_set: str = "backtest", refresh: bool = False) -> pd.DataFrame:
    """statsmodels' fit of every candidate in every case of ``case_set``, from its cache (computed when absent)."""
    cache = CASE_SETS[case_set][2]
    if cache.exists() and not refresh:
        return pd.DataFrame(json.loads(cache.read_text()))
    rows, t0 = [], time.perf_counter()
    for label, origin, keys, Y in cases(case_set):
        for spec in ets_fast.CANDIDATES:
            for k, y in zip(keys, Y, strict=True):
                if spec.mul and not (y > 0).all():
                    continue
                rows.append({"window": label, "origin": origin, "measure": k, "model": spec.name, "n": len(y),
                             **_statsmodels_fit(y, spec)})
        print(f"  statsmodels {label} {origin}: {len(rows)} fits, {time.perf_counter() - t0:.0f} s", flush=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(rows))
    return pd.DataFrame(rows)


def fast_params(u: np.ndarray, spec: ets_fast.EtsSpec) -> list[dict]:
    """alpha, beta, gamma, phi of fast fits (unit-cube ``u`` (B, d)) on statsmodels' scale, one dict a series."""
    par = ets_fast._params(u, spec)
    return [{k: float(par[k][i]) for k in ("alpha", "beta", "gamma", "phi")} for i in range(len(u))]


def fast_fits(case_set: str = "backtest") -> tuple[pd.DataFrame, float]:
    """Every candidate fitted by the fast engine in every case of ``case_set``, and the CPU seconds the fits took."""
    rows, cpu = [], 0.0
    for label, origin, keys, Y in cases(case_set):
        for spec in ets_fast.CANDIDATES:
            ok = (Y > 0).all(axis=1) if spec.mul else np.ones(len(Y), bool)
            c0 = time.process_time()
            fit = ets_fast.fit(Y[ok], spec, 1)
            cpu += time.process_time() - c0
            for k, sse, par in zip(np.array(keys)[ok], fit.sse, fast_params(fit.params, spec), strict=True):
                rows.append({"window": label, "origin": origin, "measure": k, "model": spec.name,
                             "fast_sse": float(sse), "fast_params": par})
    return pd.DataFrame(rows), cpu


def joined(ref: pd.DataFrame, fast: pd.DataFrame) -> pd.DataFrame:
    """One row per (case, model): both SSEs, the gap, and AICc of both fits and of the better one."""
    r = ref.merge(fast, on=CASE + ["model"], how="inner", validate="one_to_one")
    specs = {s.name: s for s in ets_fast.CANDIDATES}
    r["multiplicative"] = r["model"].map(lambda m: specs[m].mul)
    r["gap"] = r["fast_sse"] / r["sse"] - 1
    for col, sse in (("aicc_sm", r["sse"]), ("aicc_fast", r["fast_sse"]),
                     ("aicc_best", np.minimum(r["sse"], r["fast_sse"]))):
        r[col] = [float(ets_fast.aicc(s, n, specs[m])) for s, n, m in zip(sse, r["n"], r["model"], strict=True)]
    return r


def choices(r: pd.DataFrame) -> pd.DataFrame:
    """Per case: the model chosen by AICc from statsmodels' fits, from the fast fits, and from the better of each."""
    out = {}
    for col, name in (("aicc_sm", "sm"), ("aicc_fast", "fast"), ("aicc_best", "best")):
        out[name] = r.loc[r.groupby(CASE)[col].idxmin()].set_index(CASE)["model"]
    c = pd.DataFrame(out)
    c["diagnosis"] = np.select(
        [c.fast == c.sm, c.best == c.sm, c.best == c.fast],
        ["same", "fast under-fits (fixable)", "statsmodels stopped early"], "neither is the best-fit choice")
    return c


def summary(r: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """The table of issue 14 item 2, per training window."""
    rows = []
    for window, g in r.groupby("window", sort=False):
        cw = c.xs(window, level="window")
        row = {"window": window, "fits": len(g)}
        for kind, part in (("add", g[~g["multiplicative"]]), ("mul", g[g["multiplicative"]])):
            row[f"{kind} >1%"] = f"{100 * (part.gap > TOLERANCE).mean():.1f}%"
            row[f"{kind} worst"] = f"{100 * part.gap.max():+.1f}%"
            row[f"{kind} median"] = f"{100 * part.gap.median():+.2f}%"
        row["same model"] = f"{(cw.diagnosis == 'same').sum()} of {len(cw)} ({100 * (cw.diagnosis == 'same').mean():.1f}%)"
        row["fixable"] = int((cw.diagnosis == "fast under-fits (fixable)").sum())
        row["sm early"] = int((cw.diagnosis == "statsmodels stopped early").sum())
        row["neither"] = int((cw.diagnosis == "neither is the best-fit choice").sum())
        rows.append(row)
    return pd.DataFrame(rows).set_index("window")


def _short(params: dict) -> str:
    names = {"smoothing_level": "a", "smoothing_trend": "b", "smoothing_seasonal": "g", "damping_trend": "phi",
             "alpha": "a", "beta": "b", "gamma": "g", "phi": "phi"}
    return " ".join(f"{names[k]}={x:.4g}" for k, x in params.items() if k in names)


def report(r: pd.DataFrame, c: pd.DataFrame, worst: int) -> str:
    lines = [summary(r, c).to_string(), "", "Cases where the AICc choices differ (sm: statsmodels' fits; fast; best: "
             "the better fit of each model):"]
    for key, row in c[c.diagnosis != "same"].iterrows():
        g = r.set_index(CASE).loc[key]
        gaps = ", ".join(f"{m} {100 * x:+.1f}%" for m, x in zip(g.model, g.gap, strict=True)
                         if m in (row.sm, row.fast))
        lines.append(f"  {' '.join(key)}: sm {row.sm}, fast {row.fast}, best {row.best} -> {row.diagnosis} "
                     f"(SSE gaps {gaps})")
    lines += ["", f"Worst {worst} fits (gap = fast SSE / statsmodels SSE - 1):"]
    for _, x in r.sort_values("gap", ascending=False).head(worst).iterrows():
        fp = {k: v for k, v in x.fast_params.items() if not (k == "phi" and v in (0.0, 1.0))}
        lines.append(f"  {x.window} {x.origin} {x.measure} {x.model}: {100 * x.gap:+.2f}% ({x.fast_sse:.6g} vs "
                     f"{x.sse:.6g}); fast {_short(fp)}; statsmodels {_short(x.params)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--origins", choices=tuple(CASE_SETS), default="backtest",
                    help="backtest: the cases the starts were chosen on; calibration: held-out origins 2014/16/18-12")
    ap.add_argument("--refresh", action="store_true", help="recompute statsmodels' fits (minutes)")
    ap.add_argument("--worst", type=int, default=15, help="how many of the worst fits to list")
    args = ap.parse_args(argv)
    ref = statsmodels_fits(args.origins, args.refresh)
    fast, cpu = fast_fits(args.origins)
    r = joined(ref, fast)
    c = choices(r)
    print(f"Fast fits against statsmodels ETSModel, {args.origins} origins: {len(r)} fits, {len(c)} cases; "
          f"fast fitting {cpu:.2f} CPU s")
    print(report(r, c, args.worst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
