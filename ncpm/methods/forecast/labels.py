"""The words a forecast result carries: an actual count against the forecast's 95% interval (METHODS.md, forecast
vs actual), and the method names and notes that say which model made a forecast and why (a fallback is never
silent)."""

from __future__ import annotations

import numpy as np

from ncpm.methods.forecast.intervals import CALIBRATION_HORIZON
from ncpm.methods.forecast.models import RARE_WINDOW
from ncpm.methods.forecast.options import MIN_MONTHS

ABOVE_FORECAST, BELOW_FORECAST, IN_LINE_FORECAST = ("above the forecast", "below the forecast",
                                                    "in line with the forecast")
ABOVE, BELOW, IN_LINE = ABOVE_FORECAST, BELOW_FORECAST, IN_LINE_FORECAST
#: the side of the forecast interval each label is on (+1 above, -1 below, 0 inside it)
FORECAST_SIDES = {ABOVE_FORECAST: 1, IN_LINE_FORECAST: 0, BELOW_FORECAST: -1}
SNAIVE = "seasonal naive"
FALLBACK = "fallback"  # a seasonal naive forecast made in place of the model asked for: "seasonal naive (fallback: ...)"
POSITIVE_ONLY = "multiplicative seasonality needs a strictly positive series"
SHORT_FOR_CALIBRATION = f"model-based intervals: under {MIN_MONTHS + CALIBRATION_HORIZON} months, too short to " \
                        f"calibrate on earlier forecasts"
COMBINED = "combined"  # the method: the equal-weight mean of the candidate ETS models' forecasts


def combined_method(models: int) -> str:
    """The method text of a combined forecast: "ETS combination (mean of 6 models)"."""
    return f"ETS combination (mean of {models} models)"


RARE_METHOD = f"Poisson count model (rare counts: the rate of the last {RARE_WINDOW} months)"


def forecast_label(actual, lo_95, hi_95):
    """An actual count against the forecast's 95% interval (METHODS.md, forecast vs actual): outside it "above" or
    "below the forecast", inside it (bounds included) "in line with the forecast". Numbers or numpy arrays.

    >>> str(forecast_label(130, 80, 120)), str(forecast_label(120, 80, 120))
    ('above the forecast', 'in line with the forecast')
    """
    return np.where(actual > hi_95, ABOVE_FORECAST, np.where(actual < lo_95, BELOW_FORECAST, IN_LINE_FORECAST))
