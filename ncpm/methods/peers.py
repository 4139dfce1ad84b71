"""The force among its peers (METHODS.md, "Most Similar Groups (MSG) and national rank"): the public surface of the
peer comparison, one module per idea.

- :mod:`ncpm.methods.rates`: :func:`rates_per_1000` (crimes over the 12 months ending at each month per 1,000
  residents, with the exact Poisson 95% interval, ``ncpm.methods.intervals.poisson_interval``) and
  :func:`rates_for_period` (over an ONS table's own 12-month period).
- :mod:`ncpm.methods.msg`: :func:`validate_msg` and :func:`msg_compare` (MSG average, SD, position and the
  descriptive and statistical flags).
- :mod:`ncpm.methods.ranks`: :func:`national_rank` and :func:`rank_change` (1 = lowest rate, ties share the better
  rank, against a configurable comparison set, default the 43 territorial forces of England and Wales).
- :mod:`ncpm.methods.period`: :func:`period_comparison`, all three from ONS 12-month period tables.

Numbers only: ranks and places moved are worded by ``ncpm.words.style`` (``ordinal``, ``rank_change_label``) and the
tables as published carry those words (``ncpm.words.peers``).

>>> import pandas as pd
>>> v = pd.DataFrame({"force": "Warwickshire", "area": "Force", "measure": "burglary",
...                   "month": pd.period_range("2022-07", "2023-06", freq="M").astype(str), "count": 50})
>>> pop = pd.DataFrame({"force": ["Warwickshire"] * 2, "year": [2022, 2023], "population": [599000, 600000]})
>>> float(rates_per_1000(v, pop).iloc[-1]["rate"])
1.0
"""

from __future__ import annotations

from ncpm.core.schema import MSG_MAX_SIZE
from ncpm.methods.intervals import poisson_interval
from ncpm.methods.msg import (
    ABOVE,
    AVERAGES,
    BELOW,
    DEFAULT_AVERAGE,
    DIRECTIONS,
    EQUAL,
    INCOMPLETE_GROUP,
    K_SD,
    NO_GROUP_REASON,
    msg_compare,
    validate_msg,
)
from ncpm.methods.period import PeriodComparison, period_comparison
from ncpm.methods.ranks import national_rank, rank_change
from ncpm.methods.rates import (
    DEFAULT_POPULATION_YEAR,
    MID_YEAR_MONTH,
    PER_POPULATION,
    PERIOD_TABLE_POPULATION_YEAR,
    POPULATION_YEARS,
    PUBLICATION_LAG_MONTHS,
    RATE_COLUMNS,
    WINDOW_MONTHS,
    published_population_year,
    rates_for_period,
    rates_per_1000,
)
from ncpm.methods.series import rolling_sum as window_sum  # the 12-month total of rates_per_1000

__all__ = ["ABOVE", "AVERAGES", "BELOW", "DEFAULT_AVERAGE", "DEFAULT_POPULATION_YEAR", "DIRECTIONS", "EQUAL",
           "INCOMPLETE_GROUP", "K_SD", "MID_YEAR_MONTH", "MSG_MAX_SIZE", "NO_GROUP_REASON",
           "PERIOD_TABLE_POPULATION_YEAR", "PER_POPULATION", "POPULATION_YEARS",
           "PUBLICATION_LAG_MONTHS", "RATE_COLUMNS", "WINDOW_MONTHS", "PeriodComparison", "msg_compare",
           "national_rank", "period_comparison", "poisson_interval", "published_population_year", "rank_change",
           "rates_for_period", "rates_per_1000", "validate_msg", "window_sum"]
