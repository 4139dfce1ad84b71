"""Series helpers, written once for every method: the series of a long frame (``series_groups``), a series on its
dense monthly grid (``lag``, ``rolling_sum``), ratios that are undefined on a base of 0 (``safe_ratio``); picking rows
out of result frames: the one place that knows how a month, a series or a forecast origin is selected, shared by the
methods and the modules that read results (``ncpm.words.statements``, ``ncpm.words.plots``); and re-aggregating a
frame's areas (``map_areas``: local authority districts into a force's local policing areas).

Dense grids: ``ncpm.core.periods.dense_months`` puts a series on consecutive months (NaN where a month is missing), so
that a lag of k is the actual month k months earlier even when months are missing inside a series.

>>> import pandas as pd
>>> f = pd.DataFrame({"force": ["W", "W"], "month": ["2023-05", "2023-06"], "count": [1, 2]})
>>> int(one_row(f, "volumes", force="W", month="2023-06")["count"])
2
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.core.periods import to_month

#: the area of data.police.uk records without a location (blank LSOA) when records are counted by local authority
#: district, so that a force's districts add up to its whole-force row
NO_LOCATION = schema.NO_LOCATION

MONTHS_PER_YEAR = 12  # y(t-12) is the same month last year
CLOSE_MATCHES = 3  # at most this many close matches suggested for a district name not in the data
CLOSE_CUTOFF = 0.6  # difflib's default similarity for a close match


def checked_frame(frame: pd.DataFrame, spec: schema.FrameSpec, *, source: str = "frame",
                  checked: bool = False) -> pd.DataFrame:
    """``frame`` as ``schema.validate`` returns it. With ``checked`` the caller has validated it already (a frame
    ``schema.validate`` returned, rows taken out of one, or a method's table built on one, still sorted on the key):
    its canonical columns on a fresh index, a copy, not checked again (validated once at the edge)."""
    if not checked:
        return schema.validate(frame, spec, source=source)
    return frame[spec.columns + [c for c in spec.optional if c in frame.columns]].reset_index(drop=True)


def checked_volumes(volumes: pd.DataFrame, *, checked: bool = False) -> pd.DataFrame:
    """The canonical volumes frame (``schema.validate``; sorted on the series key, so each series is in month order);
    ``checked``: already validated by the caller (:func:`checked_frame`)."""
    return checked_frame(volumes, schema.VOLUMES, source="volumes", checked=checked)


def series_groups(frame: pd.DataFrame, key: Sequence[str] = tuple(schema.SERIES_KEY)) -> Iterable[np.ndarray]:
    """Row positions of each series (``frame`` is sorted on its key, so each series is in month order)."""
    if frame.empty:
        return []
    return frame.groupby(list(key), sort=False).indices.values()


def month_of(ordinal: int) -> pd.Period:
    """The month of a month ordinal (months since 1970-01, ``ncpm.core.periods.month_ordinals``)."""
    return pd.Period(ordinal=int(ordinal), freq="M")


def lag(dense: np.ndarray, k: int) -> np.ndarray:
    """y(t-k) on the dense grid (NaN before the series starts).

    >>> lag(np.array([1.0, 2.0, 3.0]), 1).tolist()
    [nan, 1.0, 2.0]
    """
    out = np.full(dense.shape, np.nan)
    if k < len(dense):
        out[k:] = dense[: len(dense) - k]
    return out


def rolling_sum(dense: np.ndarray, window: int) -> np.ndarray:
    """Sum over the ``window`` months ending at t; NaN unless every month of the window is present.

    >>> rolling_sum(np.array([1.0, 2.0, np.nan, 4.0, 5.0]), 2).tolist()
    [nan, 3.0, nan, nan, 9.0]
    """
    out = np.full(dense.shape, np.nan)
    if window <= len(dense):
        view = np.lib.stride_tricks.sliding_window_view(dense, window)
        out[window - 1:] = view.sum(axis=1)  # NaN propagates: no partial sums
    return out


def safe_ratio(num, den) -> np.ndarray:
    """num / den, NaN where den is 0 or missing (a percentage on a base of 0 is undefined)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    ok = np.isfinite(den) & (den != 0)
    np.divide(num, den, out=out, where=ok)
    return out


def month_column(frame: pd.DataFrame) -> pd.Series:
    """The frame's ``month`` column as Period[M] (strings such as "2023-06" are read)."""
    col = frame[schema.MONTH]
    if isinstance(col.dtype, pd.PeriodDtype):
        return col
    return col.map(to_month)


def select_rows(frame: pd.DataFrame, what: str, **filters: object) -> pd.DataFrame:
    """Rows of ``frame`` matching every filter whose column the frame has (month compared as Period[M])."""
    mask = pd.Series(True, index=frame.index)
    for col, value in filters.items():
        if value is None or col not in frame.columns:
            continue
        if col == schema.MONTH:
            mask &= (month_column(frame) == to_month(value)).to_numpy()
        else:
            mask &= (frame[col].astype(str) == str(value)).to_numpy()
    return frame[mask.to_numpy()]


def one_row(frame: pd.DataFrame, what: str, **filters: object) -> pd.Series:
    """The single row matching ``filters``; :class:`InputError` (naming ``what``) when there is none or several."""
    rows = select_rows(frame, what, **filters)
    shown = ", ".join(f"{k}={v}" for k, v in filters.items() if v is not None and k in frame.columns)
    if rows.empty:
        raise InputError(f"no row for {shown}", file=what)
    if len(rows) > 1:
        raise InputError(f"{len(rows)} rows for {shown}; filter the frame to one series first", file=what)
    return rows.iloc[0]


def latest_origin(rows: pd.DataFrame) -> pd.DataFrame:
    """Forecast rows of the latest ``origin`` only (all rows when the frame has one origin or no such column)."""
    if schema.ORIGIN in rows.columns and rows[schema.ORIGIN].nunique() > 1:
        origins = rows[schema.ORIGIN].map(to_month)
        rows = rows[(origins == origins.max()).to_numpy()]
    return rows


def unknown_districts(listed: Iterable[str], seen: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The names in ``listed`` (an area's districts, as an area mapping lists them) that are not in ``seen`` (the
    districts the data hold), each with its close matches among ``seen``, best first (up to CLOSE_MATCHES; difflib's
    similarity of at least CLOSE_CUTOFF), in the order listed: what :func:`map_areas` and the configuration's
    ``[areas]`` check (``ncpm.pipeline.config.check_areas``) word as their errors.

    >>> unknown_districts(["Rugbi", "Warwick", "Nowhere"], {"Rugby", "Warwick"})
    {'Rugbi': ('Rugby',), 'Nowhere': ()}
    """
    known = sorted(set(seen))
    return {name: tuple(difflib.get_close_matches(name, known, n=CLOSE_MATCHES, cutoff=CLOSE_CUTOFF))
            for name in dict.fromkeys(listed) if name not in known}


def map_areas(frame: pd.DataFrame, mapping: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Re-aggregate a frame's areas: each key of ``mapping`` becomes an area, the sum of the areas it lists (e.g. a
    force's local policing areas from the local authority districts of ``ncpm.io.policeuk.read_police_uk``).

    Areas no key lists keep their name and counts (out-of-force districts, :data:`NO_LOCATION`, and the whole-force
    row ``"Force"``, which is never re-aggregated), so the areas still add up to the force. ``frame`` is any frame
    with ``area`` and ``count`` columns (volumes, outcomes); every other column is a key. Pure: the frame is not
    changed. :class:`InputError` when a listed area is not in the data (naming the areas seen and the closest
    match), when an area is listed twice, or when a key or a listed name is "Force" or "No location".

    >>> v = pd.DataFrame({"force": "Warwickshire", "month": "2023-06",
    ...                   "area": ["Force", "Rugby", "Warwick", "Stratford-on-Avon", "Coventry", "No location"],
    ...                   "count": [30, 10, 9, 6, 2, 3]})
    >>> out = map_areas(v, {"East": ["Rugby"], "South": ["Stratford-on-Avon", "Warwick"]})
    >>> out[["area", "count"]].values.tolist()
    [['Coventry', 2], ['East', 10], ['Force', 30], ['No location', 3], ['South', 15]]
    """
    reserved = {schema.WHOLE_FORCE, NO_LOCATION}
    seen = sorted({str(a) for a in frame[schema.AREA].unique()} - reserved)
    target: dict[str, str] = {}
    for name, parts in mapping.items():
        if isinstance(parts, str):
            raise InputError(f"area {name!r}: list the districts it is made of, not a single text ({parts!r})",
                             file="area mapping")
        if name in reserved:
            raise InputError(f"area {name!r} cannot be mapped to: it is kept as it is", file="area mapping")
        unknown = unknown_districts(parts, seen)
        for part in parts:
            if part in reserved:
                raise InputError(f"area {name!r} lists {part!r}, which is kept as it is", file="area mapping")
            if part in target:
                raise InputError(f"{part!r} is listed in both {target[part]!r} and {name!r}", file="area mapping")
            if part in unknown:
                close = unknown[part]
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise InputError(f"area {name!r} lists {part!r}, which is not in the data{hint}; areas seen: "
                                 f"{', '.join(seen) or 'none'}", file="area mapping")
            target[part] = name
    keys = [c for c in frame.columns if c != schema.COUNT]
    out = frame.assign(**{schema.AREA: frame[schema.AREA].astype(str).map(lambda a: target.get(a, a))})
    out = out.groupby(keys, sort=True, observed=True, dropna=False)[schema.COUNT].sum().reset_index()
    return out[list(frame.columns)]
