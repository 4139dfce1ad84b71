"""Picking rows out of result frames: the one place that knows how a month, a series or a forecast origin is
selected, shared by the modules that read results (``ncpm.narrative``, ``ncpm.plots``).

>>> import pandas as pd
>>> f = pd.DataFrame({"force": ["W", "W"], "month": ["2023-05", "2023-06"], "count": [1, 2]})
>>> int(one_row(f, "volumes", force="W", month="2023-06")["count"])
2
"""

from __future__ import annotations

import pandas as pd

from ncpm import schema
from ncpm.errors import InputError
from ncpm.periods import to_month


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
