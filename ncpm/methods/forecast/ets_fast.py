"""Batched additive-error exponential smoothing (ETS) over many monthly series at once: the fast engine.

The models are the additive-error ETS family of Hyndman, Koehler, Ord and Snyder (2008), *Forecasting with
Exponential Smoothing: the State Space Approach*, with the same recursions, parameter bounds and parameter
count as statsmodels' ``ETSModel`` (the reference engine), so that AICc values are comparable:

- ETS(A,N,A), ETS(A,A,A), ETS(A,Ad,A): mu = l + phi*b + s;  l' = l + phi*b + alpha*e;  b' = phi*b + beta*e;
  s' = s + gamma*e, with beta = alpha*beta_star and gamma = (1 - alpha)*gamma_star.
- ETS(A,N,M), ETS(A,A,M), ETS(A,Ad,M): mu = (l + phi*b)*s;  l' = l + phi*b + alpha*e/s;  b' = phi*b + beta*e/s;
  s' = s + gamma_star*(y/l' - s)  (statsmodels' Holt-Winters form of the seasonal update).
- ETS(A,N,N), ETS(A,A,N), ETS(A,Ad,N) (``NON_SEASONAL``, fitted when named, not candidates): the A-seasonal
  recursions with every s = 0 and gamma = 0, no seasonal states estimated or counted.

Bounds as statsmodels: alpha, beta_star, gamma_star in [1e-4, 1 - 1e-4], phi in [0.8, 0.98].

Everything is vectorised over series (axis ``B``) and over candidate parameter sets (axis ``K``); the loop over
time runs compiled (``ets_kernels``: numba, the same floating-point operations as the numpy form). Fitting
maximises the Gaussian likelihood (equivalently minimises the sum of squared one-step errors) by (1) a coarse grid
over the smoothing parameters, (2) Gauss-Newton steps on the initial states (exact in one step for the linear
A-seasonal models), (3) a per-series compass (pattern) search over the smoothing parameters, repeated once, (4) a
joint Levenberg-Marquardt polish of the smoothing parameters (logit of the unit cube, so the bounds hold) and the
initial states together (Marquardt 1963; Nocedal & Wright, *Numerical Optimization*, 10.3), finite-difference
Jacobians for all series at once; then (5) more polishes from the starts in ``_STARTS`` (near the bounds where
statsmodels' optimum often lies, statsmodels' own start, an interior damping) and, for the series whose fit ended
at a bound, ``_BOUND_STARTS``, each series keeping its lowest SSE (``fit``). Without (4) the alternating steps
stopped well short of the joint optimum for multiplicative seasonality (NSW "Abduction and kidnapping" to 2019-12,
ETS(A,A,M): SSE 17,009 against statsmodels' 12,957); with (4) and (5) 1 fit of the 1,068 of the NSW backtest
ends more than 1% above statsmodels' SSE (+1.02%; ``benchmarks/bench_fit_agreement.py``), 6 of 1,092 on held-out
origins.
Prediction-interval variances:

- ETS(A,*,A), class 1 (Hyndman et al. 2008, ch. 6, Table 6.1): v_h = sigma^2 * (1 + sum_{j=1}^{h-1} c_j^2),
  c_j = alpha + beta*phi_j + gamma*[j mod m = 0], phi_j = phi + ... + phi^j (j when undamped).
- ETS(A,*,M): the seasonal factors used in the first m steps are known at the origin, so for h <= m the forecast
  error is exactly a linear combination of future errors: coefficient of e_{n+i} is
  s_h*(alpha + beta*phi_{h-i})/s_i; beyond m a first-order (delta-method) term gamma*L_h/L_i is added every m steps.
  Exact (and Gaussian) for h <= 12; an approximation beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ncpm.methods.forecast import ets_kernels

PERIOD = 12
_LO, _HI = 1e-4, 1 - 1e-4  # statsmodels ETSModel bounds for alpha, beta_star, gamma_star
PHI_BOUNDS = (0.8, 0.98)  # statsmodels ETSModel bounds for the damping parameter
POLISH_ITERATIONS = 24  # at most, joint Levenberg-Marquardt steps that finish a fit (a third for additive seasonality)
_GRID = {
    "alpha": (0.05, 0.2, 0.45, 0.8),
    "beta": (0.01, 0.1, 0.4),
    "gamma": (0.01, 0.1, 0.4),
    "phi": (0.15, 0.55, 0.9),  # in the unit interval mapped onto PHI_BOUNDS
}


_STARTS = (  # unit-cube points where the extra Levenberg-Marquardt starts begin, the best SSE kept ("additive": also
    # for A-seasonal models; on their NSW backtest fits in bench_fit_agreement.py the other two added nothing)
    {"alpha": 0.1, "beta": 0.1, "gamma": 0.011, "phi": 0.5, "additive": False},  # statsmodels' own (alpha 0.1,
    # beta 0.01, gamma 0.01) but phi 0.89 between its bounds
    {"alpha": 1e-4, "beta": 1e-4, "gamma": 1e-4, "phi": 0.5, "additive": True},  # the lower bounds: a fixed level,
    # trend and season (a regression on time and month), where statsmodels often ends
    {"alpha": 1 - 1e-4, "beta": 1 - 1e-4, "gamma": 1e-4, "phi": 0.0, "additive": False},  # a random walk in level
    # and trend, strongly damped
    {"alpha": 0.5, "beta": 0.5, "gamma": 1e-4, "phi": 1.0, "additive": True},  # a moving level and trend, a fixed
    # season
    {"alpha": 0.2, "beta": 0.1, "gamma": 1e-4, "phi": 0.6, "additive": True, "damped": True},  # damped models only:
    # phi 0.908 inside its bounds, where statsmodels' phi lies on held-out NSW fits that ended at phi 0.8 or 0.98
)

_BOUND_STARTS = (  # starts tried only for the series whose best fit so far ended at a bound (_polish_at_bounds)
    {"alpha": 0.3, "beta": 0.05, "gamma": 0.05, "phi": 0.5, "additive": False},  # moderate alpha and gamma for short
    # multiplicative series that ran to alpha = gamma = 0.9999 (NSW 3y Prostitution to 2014-12: +31% -> +0%)
)


@dataclass(frozen=True)
class EtsSpec:
    """One additive-error ETS model: trend none / additive / additive damped; seasonality additive or multiplicative,
    or none (``seasonal=False``: the seasonal states stay 0, gamma is 0)."""

    trend: bool
    damped: bool
    mul: bool
    seasonal: bool = True

    @property
    def name(self) -> str:
        trend = "Ad" if self.damped else ("A" if self.trend else "N")
        return f"ETS(A,{trend},{('M' if self.mul else 'A') if self.seasonal else 'N'})"

    @property
    def dims(self) -> tuple[str, ...]:
        return ("alpha",) + (("beta",) if self.trend else ()) + (("gamma",) if self.seasonal else ()) \
            + (("phi",) if self.damped else ())

    @property
    def n_seasonal(self) -> int:
        """Free initial seasonal states (the last is held, as statsmodels does); 0 without seasonality."""
        return PERIOD - 1 if self.seasonal else 0

    @property
    def df(self) -> int:
        """Parameters counted as statsmodels does: smoothing + initial states (1 + trend + m) + the variance."""
        return len(self.dims) + 1 + int(self.trend) + (PERIOD if self.seasonal else 0) + 1


_TRENDS = ((False, False), (True, False), (True, True))  # none, additive, additive damped
CANDIDATES = tuple(EtsSpec(t, d, m) for m in (False, True) for t, d in _TRENDS)  # METHODS.md's six
NON_SEASONAL = tuple(EtsSpec(t, d, False, seasonal=False) for t, d in _TRENDS)  # ETS(A,N,N), (A,A,N), (A,Ad,N)
WIDE = CANDIDATES + NON_SEASONAL  # the nine additive-error models, as in AutoETS's additive-error part


def parse_spec(text: str) -> EtsSpec | None:
    """``EtsSpec`` from "ETS(A,Ad,M)" or "ETS(A,N,N)" (case-insensitive), else None."""
    for spec in WIDE:
        if spec.name.lower() == text.replace(" ", "").lower():
            return spec
    return None


def _params(u: np.ndarray, spec: EtsSpec) -> dict[str, np.ndarray]:
    """Map the unit cube (..., d) to alpha, beta, gamma(_star), phi arrays of shape (...)."""
    p = {}
    for k, name in enumerate(spec.dims):
        p[name] = PHI_BOUNDS[0] + u[..., k] * (PHI_BOUNDS[1] - PHI_BOUNDS[0]) if name == "phi" \
            else _LO + u[..., k] * (_HI - _LO)
    a = p["alpha"]
    out = {"alpha": a, "phi": p.get("phi", np.ones_like(a) if spec.trend else np.zeros_like(a))}
    out["beta"] = a * p["beta"] if spec.trend else np.zeros_like(a)
    if not spec.seasonal:
        out["gamma"] = np.zeros_like(a)
    else:
        out["gamma"] = p["gamma"] if spec.mul else (1 - a) * p["gamma"]
    return out


def _filter(y: np.ndarray, par: dict[str, np.ndarray], l0: np.ndarray, b0: np.ndarray, s0: np.ndarray,
            spec: EtsSpec, keep: bool = False):
    """Run the recursions. y (B, n); par and l0, b0 (K, B); s0 (K, B, m) with s0[..., j] used at time j.

    Returns sse (K, B) (inf where not finite), final level, trend, seasonal buffer, and errors (n, K, B) when
    ``keep``. The loop over time is compiled (``ets_kernels.filter_states``: the same operations in the same order as
    the vectorised numpy form, bit for bit).
    """
    sse, level, trend, seas, errors = ets_kernels.filter_states(
        y, par["alpha"], par["beta"], par["gamma"], par["phi"], l0, b0, s0, PERIOD, spec.trend, spec.mul, keep)
    sse[~np.isfinite(sse)] = np.inf
    return sse, level, trend, np.moveaxis(seas, 0, -1), errors if keep else None


def _initial_states(y: np.ndarray, spec: EtsSpec):
    """statsmodels' "simple" initialisation: level = first-year mean, trend from the first two years."""
    first = y[:, :PERIOD].mean(axis=1)
    trend = (y[:, PERIOD:2 * PERIOD].mean(axis=1) - first) / PERIOD if spec.trend else np.zeros_like(first)
    seas = y[:, :PERIOD] / first[:, None] if spec.mul else y[:, :PERIOD] - first[:, None]
    if not spec.seasonal:
        seas = np.zeros_like(seas)
    return first, trend, seas


def _take(par: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    cols = np.arange(idx.shape[0])
    return {k: v[idx, cols] for k, v in par.items()}


def _gauss_newton(y, u, x0, spec, iterations):
    """Refine the initial states (level, trend, m - 1 seasonal; the last seasonal is held, as statsmodels does)."""
    l0, b0, s0 = x0
    B = y.shape[0]
    par = {k: v[None, :] for k, v in _params(u, spec).items()}
    n_free = 1 + int(spec.trend) + spec.n_seasonal
    scale = np.maximum(np.abs(y).mean(axis=1), 1.0)
    for _ in range(iterations):
        delta = 1e-4 * scale if spec.mul else scale
        L = np.repeat(l0[None], n_free + 1, axis=0)
        Bt = np.repeat(b0[None], n_free + 1, axis=0)
        S = np.repeat(s0[None], n_free + 1, axis=0)
        L[1] += delta
        k = 2
        if spec.trend:
            Bt[2] += delta / PERIOD
            k = 3
        step_s = delta / scale if spec.mul else delta
        for j in range(spec.n_seasonal):
            S[k + j, :, j] += step_s
        sse, *_, errors = _filter(y, par, L, Bt, S, spec, keep=True)
        base = errors[:, 0, :]  # (n, B)
        if not np.isfinite(base).all():
            bad = ~np.isfinite(base).all(axis=0)
            errors[:, :, bad] = 0.0
            base = errors[:, 0, :]
        denom = [delta] + ([delta / PERIOD] if spec.trend else []) + [step_s] * spec.n_seasonal
        JtJ, Jte = ets_kernels.normal_equations(errors, np.stack(denom))  # J per unit perturbation, (n, p, B)
        ridge = 1e-9 * np.trace(JtJ, axis1=1, axis2=2)[:, None, None] * np.eye(n_free)[None] + 1e-12 * np.eye(n_free)
        try:
            step = -np.linalg.solve(JtJ + ridge, Jte[..., None])[..., 0]  # (B, p)
        except np.linalg.LinAlgError:
            return x0
        cand_l = l0 + step[:, 0]
        cand_b = b0 + step[:, 1] if spec.trend else b0
        cand_s = s0.copy()
        cand_s[:, :spec.n_seasonal] += step[:, 1 + int(spec.trend):]
        new_sse, *_ = _filter(y, par, cand_l[None], cand_b[None], cand_s[None], spec)
        better = new_sse[0] < sse[0]
        l0 = np.where(better, cand_l, l0)
        b0 = np.where(better, cand_b, b0)
        s0 = np.where(better[:, None], cand_s, s0)
        if B and not better.any():
            break
    return l0, b0, s0


def _objective(y, u, x0, spec):
    """SSE for candidate parameter sets u (K, B, d) with shared initial states x0 (each (B,...))."""
    l0, b0, s0 = x0
    K = u.shape[0]
    par = _params(u, spec)
    sse, *_ = _filter(y, par, np.broadcast_to(l0, (K, *l0.shape)), np.broadcast_to(b0, (K, *b0.shape)),
                      np.broadcast_to(s0, (K, *s0.shape)), spec)
    return sse


def _grid(y, x0, spec):
    axes = [np.asarray(_GRID[d]) for d in spec.dims]
    mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(axes))  # (K, d)
    u = np.repeat(mesh[:, None, :], y.shape[0], axis=1)
    sse = _objective(y, u, x0, spec)
    best = sse.argmin(axis=0)
    return u[best, np.arange(y.shape[0])], sse[best, np.arange(y.shape[0])]


def _compass(y, u, sse, x0, spec, step, iterations):
    """Per-series compass search: try +/- step along each axis, move to the best, halve the step when stuck."""
    B, d = u.shape
    step = np.full(B, step)
    eye = np.eye(d)
    for _ in range(iterations):
        moves = np.concatenate([eye, -eye])[:, None, :] * step[None, :, None]  # (2d, B, d)
        cand = np.clip(u[None] + moves, 0.0, 1.0)
        cand_sse = _objective(y, cand, x0, spec)
        k = cand_sse.argmin(axis=0)
        best = cand_sse[k, np.arange(B)]
        better = best < sse
        u = np.where(better[:, None], cand[k, np.arange(B)], u)
        sse = np.where(better, best, sse)
        step = np.where(better, step, step / 2)
    return u, sse


def _levenberg_marquardt(y, u, x0, spec, iterations):
    """Joint Levenberg-Marquardt steps on the smoothing parameters (logit of the unit cube) and the initial states
    (level, trend, m - 1 seasonal), all series at once; a step is kept only where it lowers the SSE."""
    l0, b0, s0 = (np.array(x, dtype=float) for x in x0)
    B, d = u.shape
    n_states = 1 + int(spec.trend) + spec.n_seasonal
    P = d + n_states
    scale = np.maximum(np.abs(y).mean(axis=1), 1.0)
    w = np.log(np.clip(u, 1e-6, 1 - 1e-6)) - np.log1p(-np.clip(u, 1e-6, 1 - 1e-6))
    s_unit = np.ones(B) if spec.mul else scale
    delta = np.concatenate([np.full((d, B), 1e-5), (1e-6 * scale)[None],
                            *([(1e-6 * scale / PERIOD)[None]] if spec.trend else []),
                            np.repeat((1e-6 * s_unit)[None], spec.n_seasonal, axis=0)])  # (P, B)
    lam = np.full(B, 1e-2)

    def unpack(W, L, Bt, S):
        return _params(1 / (1 + np.exp(-np.clip(W, -30, 30))), spec), L, Bt, S

    sse = _filter(y, *unpack(w[None], l0[None], b0[None], s0[None]), spec)[0][0]
    active = np.isfinite(sse)
    first = 1 + d + 1 + int(spec.trend)
    for _ in range(iterations):
        a = np.flatnonzero(active)  # series still moving: the others have converged and cost nothing more
        if not a.size:
            break
        ya, wa, la, ba, sa, da = y[a], w[a], l0[a], b0[a], s0[a], delta[:, a]
        W = np.repeat(wa[None], P + 1, axis=0)
        L = np.repeat(la[None], P + 1, axis=0)
        Bt = np.repeat(ba[None], P + 1, axis=0)
        S = np.repeat(sa[None], P + 1, axis=0)
        for k in range(d):
            W[1 + k, :, k] += da[k]
        L[1 + d] += da[d]
        if spec.trend:
            Bt[2 + d] += da[d + 1]
        for j in range(spec.n_seasonal):
            S[first + j, :, j] += da[first - 1 + j]
        _, *_, errors = _filter(ya, *unpack(W, L, Bt, S), spec, keep=True)
        JtJ, Jte = ets_kernels.normal_equations(errors, da)  # J (n, P, B) and the errors, non-finite read as 0
        diag = np.einsum("bkk->bk", JtJ)
        A = JtJ + (lam[a, None] * diag + 1e-12 * (1 + diag.max(axis=1, keepdims=True)))[:, :, None] \
            * np.eye(P)[None]
        try:
            step = -np.linalg.solve(A, Jte[..., None])[..., 0]  # (B, P)
        except np.linalg.LinAlgError:
            break
        step = np.nan_to_num(step, nan=0.0, posinf=0.0, neginf=0.0)
        cw = wa + step[:, :d]
        cl = la + step[:, d]
        cb = ba + step[:, d + 1] if spec.trend else ba
        cs = sa.copy()
        cs[:, :spec.n_seasonal] += step[:, first - 1:]
        new = _filter(ya, *unpack(cw[None], cl[None], cb[None], cs[None]), spec)[0][0]
        better = new < sse[a]
        gain = np.where(better, (sse[a] - new) / np.maximum(sse[a], 1e-300), 0.0)
        w[a] = np.where(better[:, None], cw, wa)
        l0[a], b0[a] = np.where(better, cl, la), np.where(better, cb, ba)
        s0[a] = np.where(better[:, None], cs, sa)
        sse[a] = np.where(better, new, sse[a])
        lam[a] = np.where(better, lam[a] / 3, lam[a] * 4)
        active[a] = (lam[a] < 1e6) & ~(better & (gain < 1e-10))
    return 1 / (1 + np.exp(-np.clip(w, -30, 30))), (l0, b0, s0), sse


@dataclass
class Fit:
    """Fitted model for B series: sse, aicc, forecast mean and variance (B, H)."""

    spec: EtsSpec
    sse: np.ndarray
    aicc: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    params: np.ndarray


def fit(y: np.ndarray, spec: EtsSpec, horizon: int) -> Fit:
    """Fit ``spec`` to every row of ``y`` (B, n) and forecast ``horizon`` steps ahead with variances.

    The fit is the lowest SSE per series of (1) grid, Gauss-Newton, compass searches and the Levenberg-Marquardt
    polish (module docstring) and (2) a Levenberg-Marquardt polish from each point of ``_STARTS`` that applies
    (:func:`_polish_from`), then one more Gauss-Newton step on the initial states at the chosen parameters. The
    starts at the bounds are where statsmodels' optimum often lies (alpha, gamma at 1e-4; alpha and beta at 1 for
    NSW "Other offences"), which a single descent from the grid did not reach: on the NSW backtest of
    ``benchmarks/bench_fit_agreement.py`` the worst fit went from +86% to +1.0% of statsmodels' SSE. Damped models
    also start at an interior phi; series whose fit ended at a bound (:func:`_at_bound`) get one more polish from
    ``_BOUND_STARTS``. On the held-out calibration origins (``--origins calibration``) these two took the fits more
    than 1% above statsmodels from 17 of 1092 to 6, for about 10% more CPU time of a fast forecast.
    """
    y = np.asarray(y, dtype=float)
    n = y.shape[1]
    x0 = _initial_states(y, spec)
    u, sse = _grid(y, x0, spec)
    x0 = _gauss_newton(y, u, x0, spec, 1 if not spec.mul else 3)
    u, sse = _compass(y, u, _objective(y, u[None], x0, spec)[0], x0, spec, 0.1, 10)
    x0 = _gauss_newton(y, u, x0, spec, 1 if not spec.mul else 2)
    u, sse = _compass(y, u, _objective(y, u[None], x0, spec)[0], x0, spec, 0.03, 8)
    u, x0, sse = _levenberg_marquardt(y, u, x0, spec, POLISH_ITERATIONS if spec.mul else POLISH_ITERATIONS // 3)
    for start in _STARTS:
        if _applies(start, spec):
            u, x0, sse = _keep_better((u, x0, sse), _polish_from(y, start, spec, POLISH_ITERATIONS))
    for start in _BOUND_STARTS:
        if _applies(start, spec):
            u, x0, sse = _polish_at_bounds(y, start, spec, (u, x0, sse))
    x0 = _gauss_newton(y, u, x0, spec, 2 if spec.mul else 1)  # the best initial states for the parameters found
    par = _params(u, spec)
    sse, level, trend, seas, _ = _filter(y, {k: v[None] for k, v in par.items()}, x0[0][None], x0[1][None],
                                         x0[2][None], spec)
    sse, level, trend, seas = sse[0], level[0], trend[0], seas[0]
    sigma2 = sse / n
    mean, var = _predict(par, level, trend, seas, sigma2, n, spec, horizon)
    return Fit(spec, sse, aicc(sse, n, spec), mean, var, u)


def aicc(sse: np.ndarray, n: int, spec: EtsSpec) -> np.ndarray:
    """AICc of additive-error ETS fits of ``n`` months from their SSE: the Gaussian likelihood concentrated on
    sigma^2 = SSE / n, k = ``spec.df`` parameters counted as statsmodels counts them (Hyndman et al. 2008, 7.1), so
    that it equals ``ETSModel``'s aicc; inf where it is not finite or n - k - 1 <= 0."""
    k = spec.df
    with np.errstate(all="ignore"):
        llf = -n / 2 * (np.log(2 * np.pi * np.asarray(sse, dtype=float) / n) + 1)
        value = -2 * llf + 2 * k + (2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else np.inf)
    return np.where(np.isfinite(value), value, np.inf)


def _polish_from(y: np.ndarray, start: dict[str, float], spec: EtsSpec, iterations: int):
    """Levenberg-Marquardt from one point of the unit cube (``_STARTS``) for every series, the initial states first
    set as statsmodels' "simple" ones and refined by Gauss-Newton steps (one, exact, for the A-seasonal models;
    four for M-seasonal, without which a start at a corner of the cube stalls 10% above statsmodels' optimum):
    (u, initial states, sse)."""
    u = np.repeat(np.array([start[d] for d in spec.dims])[None], y.shape[0], axis=0)
    x0 = _gauss_newton(y, u, _initial_states(y, spec), spec, 4 if spec.mul else 1)
    return _levenberg_marquardt(y, u, x0, spec, iterations)


def _applies(start: dict, spec: EtsSpec) -> bool:
    """Whether a start of ``_STARTS`` is tried for ``spec``: M-seasonal models get every start, A-seasonal ones those
    marked "additive"; a start marked "damped" only for damped models."""
    return (spec.mul or start["additive"]) and (spec.damped or not start.get("damped", False))


def _at_bound(u: np.ndarray, spec: EtsSpec) -> np.ndarray:
    """Per series, whether the fit ended with alpha or gamma at its upper bound or phi at either bound (within 1e-3
    of the unit cube's edge), where the held-out fits of ``benchmarks/bench_fit_agreement.py`` stopped short."""
    hit = np.zeros(u.shape[0], dtype=bool)
    for k, name in enumerate(spec.dims):
        if name == "phi":
            hit |= (u[:, k] < 1e-3) | (u[:, k] > 1 - 1e-3)
        elif name in ("alpha", "gamma"):
            hit |= u[:, k] > 1 - 1e-3
    return hit


def _polish_at_bounds(y: np.ndarray, start: dict, spec: EtsSpec, best):
    """Levenberg-Marquardt from ``start`` only for the series whose best fit so far ended at a bound
    (:func:`_at_bound`), the lower SSE kept: (u, initial states, sse)."""
    u, x0, sse = best
    idx = np.flatnonzero(_at_bound(u, spec))
    if idx.size == 0:
        return best
    sub = _keep_better((u[idx], tuple(a[idx] for a in x0), sse[idx]), _polish_from(y[idx], start, spec,
                                                                                   POLISH_ITERATIONS))
    u, x0, sse = u.copy(), tuple(a.copy() for a in x0), sse.copy()
    u[idx], sse[idx] = sub[0], sub[2]
    for a, a2 in zip(x0, sub[1], strict=True):
        a[idx] = a2
    return u, x0, sse


def _keep_better(fit_a, fit_b):
    """Per series, the (u, initial states, sse) of whichever of two fits has the lower SSE (``fit_a`` on ties)."""
    (u, x0, sse), (u2, x2, sse2) = fit_a, fit_b
    better = sse2 < sse
    x = tuple(np.where(better.reshape((-1,) + (1,) * (a.ndim - 1)), a2, a) for a, a2 in zip(x0, x2, strict=True))
    return np.where(better[:, None], u2, u), x, np.where(better, sse2, sse)


def _predict(par, level, trend, seas, sigma2, n, spec, horizon):
    a, bt, g, phi = par["alpha"], par["beta"], par["gamma"], par["phi"]
    H = horizon
    # phi_h = phi + ... + phi^h (h when undamped, 0 without trend); index 0 -> 0
    powers = phi[:, None] ** np.arange(1, H + 1)[None, :]
    phi_cum = np.concatenate([np.zeros((len(a), 1)), np.cumsum(powers, axis=1)], axis=1)  # (B, H+1)
    s_h = seas[:, (n + np.arange(H)) % PERIOD]  # seasonal used at horizon h = 1..H
    L_h = level[:, None] + phi_cum[:, 1:] * trend[:, None]  # expected l + phi*b at horizon h
    mean = L_h * s_h if spec.mul else L_h + s_h
    var = np.ones((len(a), H))
    with np.errstate(all="ignore"):
        for h in range(1, H + 1):
            for i in range(1, h):
                if spec.mul:
                    c = s_h[:, h - 1] * (a + bt * phi_cum[:, h - i]) / s_h[:, i - 1]
                    if (h - i) % PERIOD == 0:
                        c = c + g * L_h[:, h - 1] / L_h[:, i - 1]
                else:
                    c = a + bt * phi_cum[:, h - i] + (g if (h - i) % PERIOD == 0 else 0.0)
                var[:, h - 1] += c * c
    return mean, var * sigma2[:, None]


def fit_all(y: np.ndarray, horizon: int, candidates=CANDIDATES):
    """Fit every candidate to every row of ``y``: (aicc (C, B), mean (C, B, H), variance (C, B, H)).

    Multiplicative-seasonal candidates are fitted to strictly positive rows only; a candidate that does not apply
    to a row, or gives a non-finite forecast there, has AICc inf and NaN forecasts.
    """
    y = np.asarray(y, dtype=float)
    positive = (y > 0).all(axis=1)
    C, B = len(candidates), len(y)
    aicc, mean, var = np.full((C, B), np.inf), np.full((C, B, horizon), np.nan), np.full((C, B, horizon), np.nan)
    for c, spec in enumerate(candidates):
        if spec.mul and not positive.any():
            continue
        rows = positive if spec.mul else np.ones(B, dtype=bool)
        f = fit(y[rows], spec, horizon)
        aicc[c, rows], mean[c, rows], var[c, rows] = f.aicc, f.mean, f.var
    finite = np.isfinite(mean).all(axis=2) & np.isfinite(var).all(axis=2)
    aicc = np.where(finite, aicc, np.inf)
    mean[~finite], var[~finite] = np.nan, np.nan
    return aicc, mean, var


def select(y: np.ndarray, horizon: int, candidates=CANDIDATES):
    """Fit every candidate to every row of ``y`` and pick the minimum AICc per row.

    Multiplicative-seasonal candidates are only considered for strictly positive rows. Returns
    (index of the chosen candidate per row, mean (B, H), variance (B, H), aicc table (C, B)).
    """
    aicc, means, variances = fit_all(y, horizon, candidates)
    choice = aicc.argmin(axis=0)
    cols = np.arange(aicc.shape[1])
    mean, var = means[choice, cols], variances[choice, cols]
    ok = np.isfinite(aicc.min(axis=0))
    mean[~ok], var[~ok] = np.nan, np.nan
    return choice, mean, var, aicc


def combine(y: np.ndarray, horizon: int, candidates=CANDIDATES):
    """The equal-weight combination of the candidates' forecasts for every row of ``y``: (mean (B, H), variance
    (B, H), number of models combined (B,)).

    The mean is the plain average of the point forecasts of every candidate that applies to the row (the
    multiplicative-seasonal ones only for strictly positive rows); the standard deviation is the average of theirs,
    the combination's when the models' errors are perfectly correlated, an upper bound otherwise (forecast
    combinations: Bates & Granger 1969, Clemen 1989; Hyndman & Athanasopoulos, FPP3, 13.4, which also notes that an
    equal-weight average is hard to beat with estimated weights).
    """
    aicc, means, variances = fit_all(y, horizon, candidates)
    used = np.isfinite(aicc)  # (C, B)
    k = used.sum(axis=0)
    with np.errstate(all="ignore"):
        mean = np.where(used[..., None], means, 0.0).sum(axis=0) / k[:, None]
        sd = np.where(used[..., None], np.sqrt(variances), 0.0).sum(axis=0) / k[:, None]
    mean[k == 0], sd[k == 0] = np.nan, np.nan
    return mean, sd * sd, k
