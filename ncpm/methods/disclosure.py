"""Disclosure control for published tables: small counts below force level are suppressed or rounded.

Why (issue "Safe publishing"): a count of one or two crimes in a small area, in one month, can point to a victim or
an offender that people locally can recognise. Before a table leaves the force (report table, CSV or XLSX export),
counts at sub-force geography (any ``area`` other than :data:`ncpm.core.schema.WHOLE_FORCE`) are protected:

- **suppress** (the default): a sub-force cell with ``0 < count < threshold`` is *primary* suppressed. Zero is not
  treated as disclosive by default (it reveals that nothing was recorded, not who was involved), following ONS
  practice of protecting small non-zero counts; ``suppress_zeros=True`` suppresses zeros too.
  *Secondary* suppression then stops a suppressed cell being worked out by subtraction. Within each
  (force, measure, month) group the force total is the sum of its areas (when areas cover the force; the
  additivity is checked and reported), so if the total is known and exactly one area is suppressed, that area
  equals the total minus the published areas. The next smallest published area in the group is then also
  suppressed (ties broken by area name), leaving every group with 0 or at least 2 suppressed areas. When no other
  area is left to suppress (a single area below force level), the force total itself is suppressed. A group without
  a force-level row is treated as if its total were known, because force totals are published elsewhere
  (police.uk, Home Office open data); a force-level row that is itself suppressed counts as unknown.
- **round**: every sub-force count is rounded to the nearest ``base`` (halves round up). Force totals are computed
  from unrounded data and are left exact (or, with ``apply_to_force_level=True``, rounded independently), so
  rounded areas need not add up to the published total.

Suppressed cells keep their row (rows in = rows out) with the count set to NA and a ``flag``; writers show them as
the ``marker`` "[c]", the symbol for "confidential" in the Government Analysis Function guidance on symbols in
tables. Other numeric columns on a protected row (e.g. a difference from the baseline, which would give the count
back) are blanked as well unless listed as safe.

Not covered (say so when publishing): differencing across tables (e.g. a quarter total next to two published
months), across nested measures (robbery of personal property involving a knife within personal robbery), or
across two levels of geography in one table (LSOAs within LPAs); protect each published table on its own terms.

>>> import pandas as pd
>>> v = pd.DataFrame({"force": "Warwickshire", "area": ["Force", "North", "East", "South"],
...                   "measure": "robbery_personal", "month": "2023-05", "count": [30, 3, 12, 15]})
>>> t = protect(v)
>>> t.frame["count"].tolist()
[30, <NA>, <NA>, 15]
>>> t.frame["flag"].tolist()
['', 'suppressed (primary)', 'suppressed (secondary)', '']
>>> t.summary()[0]
'1 cell with a count below 5 at sub-force level was suppressed.'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.schema import (  # noqa: E402  result columns and flag values are named once, in schema.py
    FLAG,
    PRIMARY,
    REASON,
    ROUNDED,
    SECONDARY,
)
from ncpm.methods.disclosure_defaults import (  # the policy's choices and defaults, named there
    CONFIDENTIAL,
    DEFAULT_BASE,
    DEFAULT_METHOD,
    DEFAULT_THRESHOLD,
    METHODS,
)


def disclosive(counts, threshold: int, zeros: bool = False):
    """Whether each count is one that disclosure control suppresses below force level: 1 (0 with ``zeros``) up
    to ``threshold`` - 1. Works on a number or a numpy array.

    >>> disclosive(3, 5), disclosive(0, 5), disclosive(0, 5, zeros=True), disclosive(5, 5)
    (True, False, True, False)
    """
    return (counts >= (0 if zeros else 1)) & (counts < threshold)


def any_disclosive(counts: Iterable[float], threshold: int) -> bool:
    """Whether any of ``counts`` is one that disclosure control suppresses below force level (:func:`disclosive`;
    zeros are not disclosive); ``threshold=0``: no control. What a statement below force level checks before it
    gives a count, a share (its part, the rest and the whole) or a change (the count and the one before it).

    >>> any_disclosive((10, 3, 13), 5), any_disclosive((10, 0, 10), 5), any_disclosive((1, 2), 0)
    (True, False, False)
    """
    return bool(disclosive(np.asarray(list(counts), dtype=float), threshold).any())


@dataclass(frozen=True)
class DisclosurePolicy:
    """How small counts are protected before publishing (see the module docstring for the rules).

    ``threshold``: sub-force counts below it (and above zero, unless ``suppress_zeros``) are suppressed.
    ``method``: "suppress" or "round" (to the nearest ``base``). ``apply_to_force_level``: protect force-level cells
    too (off by default: force totals are published by the Home Office anyway). ``marker``: text shown for a
    suppressed cell. ``area_level``: how the sentences of :meth:`ProtectedTable.summary` name the geography
    (e.g. "LPA").

    >>> DisclosurePolicy(method="round", base=10).base
    10
    """

    threshold: int = DEFAULT_THRESHOLD
    method: str = DEFAULT_METHOD
    base: int = DEFAULT_BASE
    apply_to_force_level: bool = False
    marker: str = CONFIDENTIAL
    suppress_zeros: bool = False
    area_level: str = "sub-force"

    def __post_init__(self) -> None:
        # the one check of the [disclosure] options: the configuration constructs a policy to check its section
        if self.method not in METHODS:
            raise ConfigError(f"disclosure.method must be one of {', '.join(sorted(METHODS))}; not {self.method!r}")
        for key in ("threshold", "base"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ConfigError(f"disclosure.threshold and disclosure.base must be at least 1 (whole numbers); "
                                  f"{key} is {value!r}")
        if not isinstance(self.marker, str) or not self.marker.strip():
            raise ConfigError(f"disclosure.marker must be non-empty text, not {self.marker!r}")

    def protect(self, frame: pd.DataFrame, **kwargs) -> ProtectedTable:
        """``protect(frame, self, **kwargs)``: lets writers apply a policy without importing this module."""
        return protect(frame, self, **kwargs)


@dataclass
class ProtectedTable:
    """A table after disclosure control.

    ``frame``: the input rows in the input order, ``count`` as nullable Int64 (NA where suppressed, rounded values in
    round mode) and a ``flag`` column ("", "suppressed (primary)", "suppressed (secondary)", "rounded").
    ``log``: one row per suppressed cell (group columns, area, flag, reason); it holds no counts, so it is safe to
    publish. ``masked``: other numeric columns blanked on protected rows. ``non_additive``: groups whose force
    total is not the sum of their areas (group columns and ``relation``). ``unprotected``: groups where one
    suppressed area could still be derived (a single area and no force-level row to suppress).
    """

    frame: pd.DataFrame
    log: pd.DataFrame
    policy: DisclosurePolicy
    by: tuple[str, ...]
    masked: tuple[str, ...] = ()
    non_additive: pd.DataFrame = field(default_factory=pd.DataFrame)
    unprotected: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_rounded: int = 0
    n_force_rounded: int = 0

    @property
    def marker(self) -> str:
        return self.policy.marker

    def summary(self) -> list[str]:
        """Plain-English sentences for the report's "what was suppressed and why" section.

        >>> import pandas as pd
        >>> v = pd.DataFrame({"force": "F", "area": ["North", "East"], "measure": "homicide",
        ...                   "month": "2023-05", "count": [2, 40]})
        >>> protect(v, DisclosurePolicy(area_level="LPA")).summary()[1]
        '1 further cell was suppressed so that it could not be worked out from the force total.'
        """
        p = self.policy
        level = p.area_level
        below = f"below {p.threshold}" + (" (including zero)" if p.suppress_zeros else "")
        if p.method == "round":
            out = [f"{_cells(self.n_rounded)} at {level} level {_were(self.n_rounded)} rounded to the nearest "
                   f"{p.base} to protect confidentiality."]
            if p.apply_to_force_level:
                out.append(f"{_cells(self.n_force_rounded, 'force total')} {_were(self.n_force_rounded)} rounded to "
                           f"the nearest {p.base} separately, from unrounded figures, so the areas may not add up to "
                           f"the total shown.")
            else:
                out.append("Force totals were calculated from unrounded figures and are shown exactly, so the "
                           "rounded areas may not add up to the total shown.")
            return out + self._masked_sentence()
        flags = self.log[FLAG].to_numpy(dtype=object)
        force_rows = (self.log[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy()
        n_primary = int(((flags == PRIMARY) & ~force_rows).sum())
        n_force_primary = int(((flags == PRIMARY) & force_rows).sum())
        n_secondary = int(((flags == SECONDARY) & ~force_rows).sum())
        n_force_secondary = int(((flags == SECONDARY) & force_rows).sum())
        if n_primary + n_force_primary == 0:
            out = [f"No cells needed to be suppressed: no count at {level} level was {below}."]
        else:
            out = [f"{_cells(n_primary)} with a count {below} at {level} level {_were(n_primary)} suppressed."]
        if n_force_primary:
            out.append(f"{_cells(n_force_primary)} with a force total {below} {_were(n_force_primary)} suppressed.")
        if n_secondary:
            it = "it" if n_secondary == 1 else "they"
            out.append(f"{_cells(n_secondary, 'further cell')} {_were(n_secondary)} suppressed so that {it} could "
                       f"not be worked out from the force total.")
        if n_force_secondary:
            out.append(f"{_cells(n_force_secondary, 'force total')} {_were(n_force_secondary)} suppressed because "
                       f"the only area below it was suppressed.")
        if n_primary + n_force_primary + n_secondary + n_force_secondary:
            out.append(f'Suppressed cells are shown as "{p.marker}" (confidential).')
        if len(self.non_additive):
            n = len(self.non_additive)
            out.append(f"For {_cells(n, 'force total')} the areas do not add up to the total (for example, crimes "
                       f"with no recorded area); suppression was applied as if they did.")
        if len(self.unprotected):
            n = len(self.unprotected)
            out.append(f"Warning: in {n:,} {'case' if n == 1 else 'cases'} a suppressed cell is the only area shown "
                       f"and may be worked out from the force total published elsewhere.")
        return out + self._masked_sentence()

    def _masked_sentence(self) -> list[str]:
        if not self.masked:
            return []
        rows = "suppressed" if self.policy.method == "suppress" else "rounded"
        return [f"The columns {', '.join(self.masked)} were left blank on {rows} rows, as they could reveal the count."]


def _cells(n: int, noun: str = "cell") -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def default_by(frame: pd.DataFrame) -> tuple[str, ...]:
    """The group columns of a table: (force, measure, month), or (force, measure, quarter) for quarter tables."""
    for period in (schema.MONTH, schema.QUARTER):
        if period in frame.columns:
            return tuple(c for c in (schema.FORCE, schema.MEASURE, period) if c in frame.columns)
    raise InputError(f"cannot tell the period of the table: no {schema.MONTH} or {schema.QUARTER} column; found: "
                     f"{', '.join(map(str, frame.columns)) or 'none'}", column=schema.MONTH)


def _check(frame: pd.DataFrame, by: tuple[str, ...], count: str) -> np.ndarray:
    missing = [c for c in (*by, schema.AREA, count) if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} for disclosure control; found: "
                         f"{', '.join(map(str, frame.columns)) or 'none'}", column=missing[0])
    if FLAG in frame.columns:
        raise InputError(f"the table already has a {FLAG!r} column: was it protected twice?", column=FLAG)
    values = pd.to_numeric(frame[count], errors="coerce").astype("float64").to_numpy()
    bad = np.isnan(values) | (values < 0) | (values != np.floor(values))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{frame[count].iloc[i]!r} is not a non-negative whole number", row=i, column=count)
    key = [*by, schema.AREA]
    dup = frame.duplicated(key, keep=False).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"duplicate cell {tuple(frame.iloc[i][key])}", row=i, column=", ".join(key))
    return values.astype("int64")


def round_to_base(values: np.ndarray, base: int) -> np.ndarray:
    """Round whole numbers to the nearest multiple of ``base``, halves up (kernel).

    >>> round_to_base(np.array([0, 2, 3, 7, 8, 12, 13]), 5).tolist()
    [0, 0, 5, 5, 10, 10, 15]
    """
    values = np.asarray(values, dtype="int64")
    return (values + base // 2) // base * base


def secondary_cells(group: np.ndarray, is_total: np.ndarray, counts: np.ndarray, areas: np.ndarray,
                    suppressed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Secondary suppression over groups (kernel): which further cells to suppress, and which groups stay exposed.

    ``group`` holds a group number per cell, ``is_total`` marks force-level cells, ``suppressed`` the primary
    suppressions. Returns (extra, exposed): ``extra`` marks the cells to suppress as well; ``exposed`` the groups
    (by number) where a single suppressed area could not be protected. Rules (module docstring): a group whose
    total is known and that has exactly one suppressed area gets its smallest published area suppressed (ties:
    first area by name), or its force total when there is none; a group whose total is suppressed but all of whose
    areas are published gets its smallest area suppressed, as the total would be their sum.
    """
    n = len(group)
    extra = np.zeros(n, dtype=bool)
    if n == 0:
        return extra, np.array([], dtype="int64")
    n_groups = int(group.max()) + 1
    sub = ~is_total
    n_sub = np.bincount(group, weights=sub, minlength=n_groups)
    n_sub_supp = np.bincount(group, weights=sub & suppressed, minlength=n_groups)
    has_total = np.bincount(group, weights=is_total, minlength=n_groups) > 0
    total_supp = np.bincount(group, weights=is_total & suppressed, minlength=n_groups) > 0
    need = (~total_supp & (n_sub_supp == 1)) | (total_supp & (n_sub_supp == 0) & (n_sub > 0))
    if not need.any():
        return extra, np.array([], dtype="int64")
    candidate = sub & ~suppressed & need[group]
    idx = np.flatnonzero(candidate)
    order = np.lexsort((areas[idx].astype(str), counts[idx], group[idx]))
    idx = idx[order]
    first = np.unique(group[idx], return_index=True)[1]
    chosen = idx[first]
    extra[chosen] = True
    covered = np.zeros(n_groups, dtype=bool)
    covered[group[chosen]] = True
    left = need & ~covered  # one suppressed area and no other area: the total is the only complement
    extra |= is_total & ~suppressed & left[group]
    exposed = np.flatnonzero(left & ~has_total)
    return extra, exposed


def protect(frame: pd.DataFrame, policy: DisclosurePolicy | None = None, *, by: Iterable[str] | None = None,
            count: str = schema.COUNT, derived: Iterable[str] | None = None) -> ProtectedTable:
    """Apply disclosure control to a volumes-like table (force, area, measure, month, count).

    ``by``: the columns that, with ``area``, identify a cell and within which the force total is the sum of the
    areas; default (force, measure, month), or (force, measure, quarter) for a quarter table. ``derived``: the other
    numeric columns to blank on protected rows; default every numeric column other than ``count`` (pass ``()``
    when they are known to be safe). Rows, their order and all other columns are kept.

    >>> import pandas as pd
    >>> v = pd.DataFrame({"force": "F", "area": ["Force", "North", "East"], "measure": "homicide",
    ...                   "month": "2023-05", "count": [13, 3, 10]})
    >>> protect(v, DisclosurePolicy(method="round")).frame["count"].tolist()
    [13, 5, 10]
    """
    policy = DisclosurePolicy() if policy is None else policy
    by = default_by(frame) if by is None else tuple(by)
    counts = _check(frame, by, count)
    out = frame.reset_index(drop=True).copy()
    is_total = (out[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy()
    numeric = [c for c in out.columns if c not in (*by, schema.AREA, count)
               and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])]
    masked = tuple(numeric if derived is None else derived)
    unknown = [c for c in masked if c not in out.columns or c in (*by, schema.AREA, count)]
    if unknown:
        raise InputError(f"cannot blank column(s) {', '.join(map(str, unknown))}: not in the table, or a key or the "
                         f"count", column=str(unknown[0]))

    flag = np.full(len(out), "", dtype=object)
    group = out.groupby(list(by), sort=False, dropna=False).ngroup().to_numpy()
    empty = pd.DataFrame(columns=list(by))
    non_additive = _non_additive(out, by, counts, is_total, group)
    if policy.method == "round":
        protected = ~is_total | policy.apply_to_force_level
        new = np.where(protected, round_to_base(counts, policy.base), counts)
        flag[protected] = ROUNDED
        out[count] = pd.array(new, dtype="Int64")
        _blank(out, masked, protected)
        out[FLAG] = pd.array(flag, dtype=str)
        return ProtectedTable(out, _log(out, by, flag, {}), policy, by, masked, non_additive, empty,
                              n_rounded=int((protected & ~is_total).sum()),
                              n_force_rounded=int((protected & is_total).sum()))

    primary = disclosive(counts, policy.threshold, policy.suppress_zeros) & (~is_total | policy.apply_to_force_level)
    areas = out[schema.AREA].astype(str).to_numpy()
    extra, exposed = secondary_cells(group, is_total, counts, areas, primary)
    flag[primary] = PRIMARY
    flag[extra] = SECONDARY
    suppressed = primary | extra
    reasons = _reasons(policy, group, is_total, areas, primary, extra)
    published = pd.array(counts, dtype="Int64")
    published[suppressed] = pd.NA
    out[count] = published
    _blank(out, masked, suppressed)
    out[FLAG] = pd.array(flag, dtype=str)
    unprotected = out.loc[np.isin(group, exposed) & primary, [*by, schema.AREA]].reset_index(drop=True)
    return ProtectedTable(out, _log(out, by, flag, reasons), policy, by, masked, non_additive, unprotected)


def _blank(out: pd.DataFrame, columns: tuple[str, ...], rows: np.ndarray) -> None:
    for c in columns:
        if rows.any():
            if pd.api.types.is_integer_dtype(out[c]):
                out[c] = out[c].astype("Int64")
            out.loc[rows, c] = pd.NA if str(out[c].dtype) == "Int64" else np.nan


def _reasons(policy: DisclosurePolicy, group: np.ndarray, is_total: np.ndarray, areas: np.ndarray,
             primary: np.ndarray, extra: np.ndarray) -> dict[int, str]:
    below = f"below {policy.threshold}" + (" (zero included)" if policy.suppress_zeros else "")
    reasons: dict[int, str] = {}
    for i in np.flatnonzero(primary):
        reasons[int(i)] = f"force total {below}" if is_total[i] else f"count {below} at {policy.area_level} level"
    protected_areas: dict[int, list[str]] = {}
    for j in np.flatnonzero(primary & ~is_total & np.isin(group, group[extra])):
        protected_areas.setdefault(int(group[j]), []).append(str(areas[j]))
    for i in np.flatnonzero(extra):
        mates = protected_areas.get(int(group[i]), [])
        if is_total[i]:
            reasons[int(i)] = f"the only area below force level ({', '.join(mates)}) was suppressed"
        elif mates:
            reasons[int(i)] = (f"protects {', '.join(mates)}: otherwise the force total minus the published areas "
                               f"would give it")
        else:
            reasons[int(i)] = "protects the suppressed force total: otherwise the areas would add up to it"
    return reasons


def _log(out: pd.DataFrame, by: tuple[str, ...], flag: np.ndarray, reasons: dict[int, str]) -> pd.DataFrame:
    rows = np.array(sorted(reasons), dtype="int64")
    log = out.loc[rows, [*by, schema.AREA]].reset_index(drop=True)
    log[FLAG] = pd.array(flag[rows] if len(rows) else [], dtype=str)
    log[REASON] = pd.array([reasons[int(i)] for i in rows], dtype=str)
    return log


def _non_additive(out: pd.DataFrame, by: tuple[str, ...], counts: np.ndarray, is_total: np.ndarray,
                  group: np.ndarray) -> pd.DataFrame:
    if len(out) == 0:
        return pd.DataFrame(columns=[*by, "relation"])
    n_groups = int(group.max()) + 1
    areas_sum = np.bincount(group, weights=np.where(is_total, 0, counts), minlength=n_groups)
    n_sub = np.bincount(group, weights=~is_total, minlength=n_groups)
    total = np.bincount(group, weights=np.where(is_total, counts, 0), minlength=n_groups)
    has_total = np.bincount(group, weights=is_total, minlength=n_groups) > 0
    off = has_total & (n_sub > 0) & (areas_sum != total)
    first = out.loc[is_total & off[group], [*by]].copy()
    relation = np.where(areas_sum < total, "areas sum to less than the total", "areas sum to more than the total")
    first["relation"] = pd.array(relation[group[is_total & off[group]]], dtype=str)
    return first.reset_index(drop=True)
