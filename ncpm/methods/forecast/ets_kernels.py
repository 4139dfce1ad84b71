"""Compiled loops of the fast ETS engine (``ets_fast``): the recursions over time, and the Gauss-Newton normal
equations of their one-step errors.

Each kernel does exactly the floating-point operations of the numpy code it replaces, in the same order, so the
results are bit-identical (``tests/test_ets_kernels.py`` checks it against the vectorised numpy form): the
functions are compiled by numba (Lam, Pitrou & Seibert 2015, "Numba: a LLVM-based Python JIT compiler") without
``fastmath`` (no reassociation, no fused multiply-add) and with numpy's error model (a division by zero gives inf
or nan, as numpy's does, instead of raising). Only the loop order changes: numpy steps every series and parameter
set (axes K, B) one month at a time; the kernels run each (k, b) through all months in registers, which gives the
same numbers because the (k, b) recursions are independent.

numba is imported, and the kernels compiled (or loaded from numba's on-disk cache), on first use, so that importing
the forecast package stays cheap.
"""

from __future__ import annotations

import types
from functools import cache

import numpy as np


def _filter_loop(y, alpha, beta, gamma, phi, l0, b0, s0, period, trend, mul, keep):
    """The ETS recursions of ``ets_fast._filter`` for every (k, b): y (B, n); alpha, beta, gamma, phi, l0, b0 (K, B);
    s0 (K, B, period). Returns sse (K, B), final level and trend (K, B), seasonal states (period, K, B), and the
    one-step errors (n, K, B) when ``keep`` (else an empty array).

    The innermost loop runs over the series b (independent recursions, contiguous in memory), so the compiler
    vectorises it and the divisions of one month overlap; a loop over months innermost would wait on each one."""
    K, B = l0.shape
    n = y.shape[1]
    sse = np.zeros((K, B))
    level = np.empty((K, B))
    slope = np.empty((K, B))
    seas = np.empty((period, K, B))
    errors = np.empty((n if keep else 0, K, B))
    yt = np.empty(B)
    for k in range(K):
        for b in range(B):
            level[k, b], slope[k, b] = l0[k, b], b0[k, b]
            for j in range(period):
                seas[j, k, b] = s0[k, b, j]
        lv, tr, total, a, bt, g, ph = level[k], slope[k], sse[k], alpha[k], beta[k], gamma[k], phi[k]
        for t in range(n):
            s = seas[t % period, k]
            for b in range(B):
                yt[b] = y[b, t]
            if mul:
                _multiplicative_step(yt, lv, tr, s, total, a, bt, g, ph, trend)
            else:
                _additive_step(yt, lv, tr, s, total, a, bt, g, ph, trend)
            if keep:
                for b in range(B):
                    errors[t, k, b] = yt[b]
    return sse, level, slope, seas, errors


def _multiplicative_step(yt, lv, tr, s, total, a, bt, g, ph, trend):
    """One month of ETS(A,*,M) for every series, in place: yt (B,) becomes the one-step errors e.
    mu = (l + phi*b)*s;  l' = l + phi*b + alpha*e/s;  s' = s + gamma*(y/l' - s);  b' = phi*b + beta*e/s, every
    update from the states of the month before (statsmodels' ``_ets_smooth_add_mul``: b' = beta_star*(l' - l) +
    (1 - beta_star)*phi*b, the same with beta = alpha*beta_star)."""
    for b in range(yt.shape[0]):
        lp = lv[b] + ph[b] * tr[b] if trend else lv[b]
        sj = s[b]
        e = yt[b] - lp * sj
        lv[b] = lp + a[b] * e / sj
        s[b] = sj + g[b] * (yt[b] / lv[b] - sj)
        if trend:
            tr[b] = ph[b] * tr[b] + bt[b] * e / sj
        total[b] += e * e
        yt[b] = e


def _additive_step(yt, lv, tr, s, total, a, bt, g, ph, trend):
    """One month of ETS(A,*,A) (and, with s = gamma = 0, ETS(A,*,N)) for every series, in place: yt (B,) becomes the
    one-step errors e.  mu = l + phi*b + s;  l' = l + phi*b + alpha*e;  s' = s + gamma*e;  b' = phi*b + beta*e."""
    for b in range(yt.shape[0]):
        lp = lv[b] + ph[b] * tr[b] if trend else lv[b]
        sj = s[b]
        e = yt[b] - lp - sj
        lv[b] = lp + a[b] * e
        s[b] = sj + g[b] * e
        if trend:
            tr[b] = ph[b] * tr[b] + bt[b] * e
        total[b] += e * e
        yt[b] = e


def _normal_equations_loop(errors, delta):
    """Gauss-Newton normal equations from finite differences: errors (n, P + 1, B), the one-step errors at the
    parameters (row 0) and with parameter p moved by delta[p] (row 1 + p); delta (P, B). With the Jacobian
    J[t, p] = (errors[t, 1 + p] - errors[t, 0]) / delta[p] and the residual r = errors[:, 0], each with non-finite
    values read as 0, returns J'J as (P, P, B) and J'r as (P, B): every sum is taken over t in increasing order, from
    0, as ``np.einsum("tkb,tjb->bkj", J, J)`` and ``np.einsum("tkb,tb->bk", J, r)`` take it, whose results are laid
    out so in memory (J'J[k, j] = J'J[j, k] exactly: the products commute)."""
    n, rows, B = errors.shape
    P = rows - 1
    JtJ = np.zeros((P, P, B))
    Jtr = np.zeros((P, B))
    J = np.empty((P, B))
    r = np.empty(B)
    for t in range(n):
        for b in range(B):
            base = errors[t, 0, b]
            r[b] = base if np.isfinite(base) else 0.0
        for p in range(P):
            for b in range(B):
                x = (errors[t, 1 + p, b] - errors[t, 0, b]) / delta[p, b]
                J[p, b] = x if np.isfinite(x) else 0.0
        for k in range(P):
            for j in range(k, P):
                for b in range(B):
                    JtJ[k, j, b] += J[k, b] * J[j, b]
            for b in range(B):
                Jtr[k, b] += J[k, b] * r[b]
    for k in range(P):
        for j in range(k + 1, P):
            for b in range(B):
                JtJ[j, k, b] = JtJ[k, j, b]
    return JtJ, Jtr


_CALLS = {"_filter_loop": ("_multiplicative_step", "_additive_step")}  # the kernels each kernel calls


@cache
def _compiled(name: str):
    """The numba-compiled form of the kernel ``name`` of this module, compiled once a process (and cached on disk
    by numba: ``cache=True`` writes beside this file, or to numba's user cache folder where that is read-only; with
    neither writable it is compiled in each process).

    The kernels it calls are compiled first and bound, in a copy of the module's namespace, to the names the kernel
    calls them by: compiled code can only call compiled code, and the module's own functions stay plain Python."""
    import numba

    namespace = dict(globals())
    for callee in _CALLS.get(name, ()):
        namespace[callee] = _compiled(callee)
    f = globals()[name]
    f = types.FunctionType(f.__code__, namespace, f.__name__, f.__defaults__, f.__closure__)
    try:
        return numba.njit(cache=True, error_model="numpy")(f)
    except RuntimeError:  # "no locator available": nowhere writable to cache; compile for this process only
        return numba.njit(error_model="numpy")(f)


def filter_states(y, alpha, beta, gamma, phi, l0, b0, s0, period: int, trend: bool, mul: bool, keep: bool):
    """Run :func:`_filter_loop` compiled; every array argument is made a C-contiguous float64 array of the shape it
    documents (parameters and states broadcast to (K, B)), so that one compiled signature serves every call."""
    K, B = np.broadcast_shapes(np.shape(alpha), np.shape(l0), np.shape(b0), np.shape(s0)[:-1])
    pars = [_full(x, (K, B)) for x in (alpha, beta, gamma, phi, l0, b0)]
    return _compiled("_filter_loop")(_full(y, np.shape(y)), *pars, _full(s0, (K, B, period)), period, trend, mul,
                                     keep)


def _full(x, shape):
    """``x`` as a C-contiguous float64 array of ``shape`` (broadcast and copied only when it is not one already)."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape != shape:
        x = np.broadcast_to(x, shape)
    return np.ascontiguousarray(x)


def normal_equations(errors, delta):
    """:func:`_normal_equations_loop` compiled, for errors (n, P + 1, B) and delta (P, B): J'J (B, P, P) and J'r
    (B, P), as views with the memory layout of the ``np.einsum`` results they replace (a reduction over them, such
    as a trace, then sums in the same order)."""
    JtJ, Jtr = _compiled("_normal_equations_loop")(np.ascontiguousarray(errors, dtype=np.float64),
                                                   np.ascontiguousarray(delta, dtype=np.float64))
    return JtJ.transpose(2, 0, 1), Jtr.T
