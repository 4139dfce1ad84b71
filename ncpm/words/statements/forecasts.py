"""The forecast statement: whether volumes are predicted to rise, fall or remain broadly stable in the next
quarter (S4), from ``ncpm.methods.forecast.forecast``; METHODS.md, "Seasonal forecasts"."""

from __future__ import annotations

import math

import pandas as pd

from ncpm.core import catalogue, schema
from ncpm.core.errors import InputError
from ncpm.core.periods import fy_quarter, to_month
from ncpm.core.schema import MEAN, METHOD, ORIGIN
from ncpm.methods.series import latest_origin, month_column, select_rows
from ncpm.words.statements.phrases import area_phrase
from ncpm.words.statements.statement import FACT_QUARTER, Statement, make_statement
from ncpm.words.statements.volumes import count_at
from ncpm.words.style import count_words


def forecast_direction_statement(forecast: pd.DataFrame, volumes: pd.DataFrame, force: str, measure: str, *,
                                 area: str = schema.WHOLE_FORCE, stable_within: float = 0.05,
                                 id: str | None = None) -> Statement:
    """Whether volumes are predicted to rise or fall in the next quarter: the sum of the forecast means over the
    quarter after the origin against the last complete quarter's actual total; within ``stable_within``
    (relative) they are "predicted to remain broadly stable" (S4).

    ``forecast``: ``forecast.forecast(volumes, horizon=3, origin=...)``; the latest origin is used. The statement's
    month is the origin.

    Example: "Violence with Injury volumes are predicted to rise during Q2 2023/24 (a forecast of 1,520 offences,
    against 1,390 in Q1 2023/24)."
    """
    rows = latest_origin(select_rows(forecast, "forecast", force=force, area=area, measure=measure))
    if rows.empty:
        raise InputError(f"no forecast for {force}, {area}, {measure}", file="forecast")
    months = month_column(rows)
    origin = to_month(rows.iloc[0][ORIGIN])
    quarter = fy_quarter(origin + 1)
    ahead = rows[months.isin(quarter.months()).to_numpy()]
    predicted = float(ahead[MEAN].astype(float).sum())
    last = quarter.shift(-1)
    actual = sum(count_at(volumes, force, area, measure, m) for m in last.months())
    ratio = predicted / actual - 1 if actual > 0 else (math.inf if predicted > 0 else 0.0)
    direction = "rise" if ratio > stable_within else "fall" if ratio < -stable_within else "remain broadly stable"
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    span = str(quarter)
    if len(ahead) < len(quarter.months()):
        span = (f"the first month of {quarter}" if len(ahead) == 1
                else f"the first {count_words(len(ahead))} months of {quarter}")
    text = (f"{catalogue.label(measure, capital=True)} volumes{where} are predicted to {direction} during {span} "
            f"(a forecast of {predicted:,.0f} offences, against {actual:,} in {last}).")
    facts = {FACT_QUARTER: str(quarter), "forecast_total": predicted, "last_quarter": str(last),
             "last_quarter_count": actual, "direction": direction, "ratio": ratio,
             "method": str(ahead.iloc[0][METHOD]) if not ahead.empty else None}
    return make_statement("forecast_direction", force, measure, origin, text, facts, area=area, id=id)
