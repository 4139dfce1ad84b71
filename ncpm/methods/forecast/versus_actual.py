"""Forecast vs actual: each month after an origin against the forecast made at that origin, labelled by the 95%
interval (METHODS.md, forecast vs actual)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.methods.forecast.labels import forecast_label
from ncpm.methods.forecast.options import (
    DEFAULT_ENGINE,
    DEFAULT_HORIZON,
    DEFAULT_INTERVALS,
    DEFAULT_LEVELS,
    DEFAULT_METHOD,
    RARE_COUNT,
    hi_col,
    lo_col,
)
from ncpm.methods.forecast.predict import forecast
from ncpm.methods.series import checked_frame


def forecast_vs_actual(volumes: pd.DataFrame, origin, horizon: int = DEFAULT_HORIZON, method: str = DEFAULT_METHOD,
                       engine: str = DEFAULT_ENGINE, level=DEFAULT_LEVELS, intervals: str = DEFAULT_INTERVALS,
                       rare_count: int | None = RARE_COUNT, *, checked: bool = False) -> pd.DataFrame:
    """Each month after ``origin`` against the forecast made at ``origin`` (METHODS.md, forecast vs actual).

    ``label`` is "above the forecast" / "below the forecast" when the actual lies outside the 95% interval,
    "in line with the forecast" inside it (bounds included), NA when the month has no actual count.

    >>> import pandas as pd, numpy as np
    >>> months = pd.period_range("2020-04", "2023-06", freq="M")
    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": months,
    ...                   "count": [100] * 36 + [100, 100, 400]})
    >>> forecast_vs_actual(v, "2023-03", method="snaive")["label"].tolist()
    ['in line with the forecast', 'in line with the forecast', 'above the forecast']
    """
    levels = tuple(int(x) for x in level)
    if 95 not in levels:
        levels = (*levels, 95)
    frame = checked_frame(volumes, schema.VOLUMES, checked=checked)
    fc = forecast(frame, horizon=horizon, origin=origin, method=method, level=levels, engine=engine,
                  intervals=intervals, rare_count=rare_count, checked=True)
    actual = frame.rename(columns={schema.COUNT: schema.ACTUAL})[[*schema.SERIES_KEY, schema.MONTH, schema.ACTUAL]]
    out = fc.merge(actual, on=[*schema.SERIES_KEY, schema.MONTH], how="left")
    out[schema.ACTUAL] = out[schema.ACTUAL].astype("Float64")
    a = out[schema.ACTUAL].to_numpy(dtype=float, na_value=np.nan)
    lo, hi = out[lo_col(95)].to_numpy(float), out[hi_col(95)].to_numpy(float)
    label = forecast_label(a, lo, hi)
    missing = np.isnan(a) | np.isnan(hi) | np.isnan(lo)
    out[schema.LABEL] = pd.Series(np.where(missing, None, label), dtype="str")
    return out
