"""Forecast options: the methods, engines and interval kinds a forecast may be asked for, their defaults, and the
check that turns what a caller (or the configuration's ``[forecast]``) gives into frozen :class:`Options`
(METHODS.md, "Seasonal forecasts"). Defaults are named once here; the configuration refers to them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.core.periods import to_month
from ncpm.methods.forecast import ets_fast

SEASONAL_PERIOD = 12  # monthly data
MIN_MONTHS = 24  # METHODS.md: seasonal naive for series shorter than two years
ENGINES = ("statsmodels", "fast")
DEFAULT_HORIZON = 3  # months of the forward look from the latest month (METHODS.md, Seasonal forecasts)
DEFAULT_METHOD = "auto"  # ETS chosen by AICc among the candidates (METHODS.md, Seasonal forecasts)
DEFAULT_ENGINE = "statsmodels"  # the reference engine; "fast" gives the same models with batched kernels
DEFAULT_LEVELS = (80, 95)  # the 80% and 95% prediction intervals (METHODS.md, Seasonal forecasts)
INTERVALS = ("calibrated", "model")
# calibrated: the model sd rescaled by the series' own earlier errors (intervals.py); "model" is kept by name
DEFAULT_INTERVALS = "calibrated"
RARE_COUNT = 2  # a series is "rare" when at least half of its last RARE_WINDOW months count at most this (homicide)


def lo_col(level: int) -> str:
    """The column of the lower bound of the ``level``% interval: "lo_80", "lo_95"."""
    return f"{schema.LO}_{level}"


def hi_col(level: int) -> str:
    """The column of the upper bound of the ``level``% interval: "hi_80", "hi_95"."""
    return f"{schema.HI}_{level}"


@dataclass(frozen=True)
class Options:
    """Validated forecast options."""

    horizon: int
    origin: pd.Period | None
    method: str  # "auto", "sarima", "snaive" or an ETS model name
    levels: tuple[int, ...]
    engine: str
    intervals: str = DEFAULT_INTERVALS
    rare_count: int | None = RARE_COUNT

    @property
    def specs(self) -> tuple[ets_fast.EtsSpec, ...]:
        if self.method in ("auto", "combined"):  # "combined": the mean of the candidates' forecasts (ets_fast.combine)
            return ets_fast.CANDIDATES
        spec = ets_fast.parse_spec(self.method)
        return (spec,) if spec else ()


def parse_method(method: str, engine: str = DEFAULT_ENGINE) -> str:
    """The canonical name of a forecast method: "auto" ("ets" too), "sarima", "snaive" or an ETS model name such
    as "ETS(A,Ad,A)"; :class:`ConfigError` for any other, or "sarima" with the fast engine (the configuration's
    ``[forecast] method`` is checked with this)."""
    text = str(method)
    spec = ets_fast.parse_spec(text)
    if spec is not None:
        text = spec.name
    elif text.lower() in ("auto", "ets"):
        text = "auto"
    elif text.lower() in ("sarima", "snaive", "combined"):
        text = text.lower()
    else:
        names = ", ".join(s.name for s in ets_fast.CANDIDATES)
        raise ConfigError(f"method must be 'auto', 'sarima', 'snaive', 'combined' or one of {names}; "
                          f"not {method!r}")
    if engine == "fast" and text == "sarima":
        raise ConfigError("engine='fast' fits exponential smoothing only; use engine='statsmodels' for 'sarima'")
    return text


def parse_horizon(value, *, name: str = "horizon") -> int:
    """The forward look in months: a whole number, at least 1; else a :class:`ConfigError` naming the option as the
    caller calls it (the configuration's ``[forecast] horizon`` is checked with this, as "forecast.horizon").

    >>> parse_horizon(0, name="forecast.horizon")
    Traceback (most recent call last):
    ...
    ncpm.core.errors.ConfigError: forecast.horizon must be at least 1 (months of the forward look), not 0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    if value < 1:
        raise ConfigError(f"{name} must be at least 1 (months of the forward look), not {value!r}")
    return int(value)


def check_options(horizon, origin, method, level, engine, intervals=DEFAULT_INTERVALS,
                  rare_count=RARE_COUNT) -> Options:
    """The validated :class:`Options` of a forecast; :class:`ConfigError` naming the first option that is wrong."""
    horizon = parse_horizon(horizon)
    levels = tuple(int(x) for x in level)
    if not levels or any(not 0 < x < 100 for x in levels):
        raise ConfigError(f"level must be percentages between 0 and 100, not {level!r}")
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if intervals not in INTERVALS:
        raise ConfigError(f"intervals must be one of {', '.join(INTERVALS)}, not {intervals!r}")
    if rare_count is not None and (isinstance(rare_count, bool) or not isinstance(rare_count, (int, np.integer))
                                   or rare_count < 0):
        raise ConfigError(f"rare_count must be a whole number of crimes (or None to turn it off), not {rare_count!r}")
    text = parse_method(method, engine)
    try:
        month = None if origin is None else to_month(origin)
    except ValueError as exc:
        raise ConfigError(f"origin: {exc}") from None
    return Options(horizon, month, text, levels, engine, intervals,
                   None if rare_count is None else int(rare_count))
