"""Outcome ("action taken") rates: outcomes in the action-taken set recorded in a period over the offences recorded
in it, with Wilson intervals and the "Caution: small numbers" rule (METHODS.md, Outcome rate).

The outcome types and the action-taken set are reference data, read by ``ncpm.core.catalogue.outcome_table``
(``ncpm/data/outcomes.toml``); the functions here take that table (``outcome_table``, by default the catalogue's, looked up
when a rate is computed, never at import) and read no file.

>>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05", "count": [200]})
>>> o = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05",
...                   "outcome_type": ["1", "18"], "count": [14, 90]})
>>> float(outcome_rate(o, v).iloc[0]["rate"])
0.07
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ncpm.core import catalogue, periods, schema
from ncpm.core.catalogue import OutcomeTable
from ncpm.core.errors import ConfigError
from ncpm.methods.intervals import wilson_interval
from ncpm.methods.series import checked_frame, checked_volumes, rolling_sum, safe_ratio, series_groups

# "Caution: small numbers" thresholds (METHODS.md, Outcome rate)
MIN_N = 50  # denominator under 50 offences
MAX_WIDTH = 0.10  # Wilson interval wider than 10 percentage points
OUTCOME_WINDOW = 1  # months pooled in one rate: the month on its own (METHODS.md, Outcome rate)


def _normalise_code(code: object) -> str:
    text = str(code).strip().upper()
    return text[:-2] if text.endswith(".0") else text


def _outcome_code(value: object, ref: OutcomeTable) -> str:
    """The Home Office outcome type of an ``outcome_type`` value: the code itself ("1"; 1.0 read as "1"), or the
    type a data.police.uk outcome text stands for in an outcomes file ("Local resolution" -> "8",
    ``catalogue.police_uk_outcome``); a text with no type (pending, a court result, unknown) is kept as it is and
    is in no action-taken set."""
    code = _normalise_code(value)
    return code if code in ref.types else catalogue.police_uk_outcome(str(value).strip()).outcome_type


def action_set(action_taken: Iterable[str] | None = None, include_diversionary: bool = False,
               outcome_table: OutcomeTable | None = None) -> tuple[str, ...]:
    """The action-taken outcome codes in use: ``action_taken`` (default: the configured set of ``outcome_table``,
    by default the catalogue's) plus 22 if opted in.

    >>> action_set(include_diversionary=True)[-1]
    '22'
    """
    ref = catalogue.outcome_table() if outcome_table is None else outcome_table
    codes = ref.action_taken if action_taken is None else tuple(_normalise_code(c) for c in action_taken)
    unknown = [c for c in codes if c not in ref.types]
    if unknown:
        raise ConfigError(f"action_taken: unknown Home Office outcome type(s) {', '.join(unknown)}; known: "
                          f"{', '.join(ref.types)}")
    if include_diversionary:
        codes = codes + tuple(c for c in ref.opt_in if c not in codes)
    return codes


def outcome_rate(outcomes: pd.DataFrame, volumes: pd.DataFrame, action_taken: Iterable[str] | None = None,
                 window: int = OUTCOME_WINDOW, include_diversionary: bool = False, min_n: int = MIN_N,
                 max_width: float = MAX_WIDTH, outcome_table: OutcomeTable | None = None, *,
                 checked: bool = False) -> pd.DataFrame:
    """Action-taken rate: outcomes in the action-taken set recorded in the period / offences recorded in the period
    (METHODS.md, Outcome rate). The outcomes need not attach to the same crimes, so the rate can exceed 1.

    ``action_taken`` is a list of Home Office outcome numbers (default: the action-taken set of ``outcome_table``, the
    catalogue's versioned ``ncpm/data/outcomes.toml``: 1, 1A, 2, 2A, 3, 4, 6, 7, 8); outcome 22 is added by ``include_diversionary``.
    ``outcome_type`` holds Home Office outcome numbers; a data.police.uk outcome text counts as the type it stands for
    in an outcomes file (``catalogue.police_uk_outcome``: "Local resolution" is 8); a text with none (under
    investigation, a court result, an unknown text) is in no set, so it counts in no numerator.
    ``window`` 1 is the monthly view; 12 pools the 12 months ending at t (numerator and denominator summed, every
    month must be present in both frames). Rows are the series-months present in both frames (a month with
    outcome rows but none in the set has 0 outcomes). Returns force, area, measure, month, ``outcomes``, ``n``
    (offences), ``rate``, ``lo``, ``hi`` (Wilson 95%), ``caution`` ("Caution: small numbers": n < ``min_n`` or
    interval wider than ``max_width``), ``caution_reason``, ``window``, ``over_100`` (outcomes > offences: the
    rate is reported, its interval is NaN) and ``action_set`` (the codes used, with the config version).

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05", "count": [200]})
    >>> o = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05",
    ...                   "outcome_type": ["1", "18"], "count": [14, 90]})
    >>> r = outcome_rate(o, v).iloc[0]
    >>> int(r["outcomes"]), int(r["n"]), float(r["rate"])
    (14, 200, 0.07)
    """
    ref = catalogue.outcome_table() if outcome_table is None else outcome_table
    codes = action_set(action_taken, include_diversionary, ref)
    window = int(window)
    if window < 1:
        raise ConfigError(f"window must be at least 1 month, not {window}")
    vol = checked_volumes(volumes, checked=checked)
    out_f = checked_frame(outcomes, schema.OUTCOMES, source="outcomes", checked=checked)
    types = out_f[schema.OUTCOME_TYPE]
    out_f[schema.OUTCOME_TYPE] = types.map({v: _outcome_code(v, ref) for v in pd.unique(types.to_numpy(dtype=object))})
    keys = [*schema.SERIES_KEY, schema.MONTH]
    in_set = out_f[schema.OUTCOME_TYPE].isin(codes)
    num = (out_f.assign(_k=np.where(in_set, out_f[schema.COUNT], 0))
           .groupby(keys, sort=True, observed=True)["_k"].sum().rename(schema.OUTCOMES_N).reset_index())
    table = num.merge(vol.rename(columns={schema.COUNT: schema.N}), on=keys, how="inner")
    table = table.sort_values(keys, kind="stable").reset_index(drop=True)
    k_all = table[schema.OUTCOMES_N].to_numpy(dtype=float)
    n_all = table[schema.N].to_numpy(dtype=float)
    if window > 1:
        ords = periods.month_ordinals(table[schema.MONTH])
        k_roll, n_roll = np.full(len(table), np.nan), np.full(len(table), np.nan)
        for idx in series_groups(table, schema.SERIES_KEY):
            dk, pos = periods.dense_months(ords[idx], k_all[idx])
            dn, _ = periods.dense_months(ords[idx], n_all[idx])
            k_roll[idx] = rolling_sum(dk, window)[pos]
            n_roll[idx] = rolling_sum(dn, window)[pos]
        keep = ~np.isnan(n_roll)
        table = table[keep].reset_index(drop=True)
        k_all, n_all = k_roll[keep], n_roll[keep]
    k_int, n_int = k_all.astype(np.int64), n_all.astype(np.int64)
    rate = safe_ratio(k_all, n_all)
    lo, hi = wilson_interval(k_all, n_all)
    over = k_all > n_all
    width = hi - lo
    reasons = []
    for n_i, w_i, over_i in zip(n_int, width, over, strict=True):
        r = []
        if n_i == 0:
            r.append("no offences")
        elif n_i < min_n:
            r.append(f"n = {n_i} < {min_n}")
        if over_i:
            r.append("outcomes exceed offences")
        elif np.isfinite(w_i) and w_i > max_width:
            r.append(f"interval wider than {max_width * 100:g} percentage points")
        reasons.append("; ".join(r) if r else None)
    result = table[keys].copy()
    result[schema.OUTCOMES_N] = k_int
    result[schema.N] = n_int
    result[schema.RATE] = rate
    result[schema.LO] = lo
    result[schema.HI] = hi
    result[schema.CAUTION] = np.array([r is not None for r in reasons], dtype=bool)
    result[schema.CAUTION_REASON] = schema.text(reasons)
    result[schema.WINDOW] = window
    result[schema.OVER_100] = over
    result[schema.ACTION_SET] = f"outcomes.toml {ref.version}: {', '.join(codes)}"
    return result
