"""Rates per 1,000 population (METHODS.md, "Most Similar Groups (MSG) and national rank"): crimes over the 12 months
ending at each month (:func:`rates_per_1000`), or over an ONS table's own 12-month period (:func:`rates_for_period`),
per 1,000 residents of a mid-year (30 June) population estimate, with the exact Poisson (Garwood) 95% interval of the
rate (``ncpm.methods.intervals.poisson_interval``).

>>> import pandas as pd
>>> v = pd.DataFrame({"force": "Warwickshire", "area": "Force", "measure": "vehicle_crime",
...                   "month": pd.period_range("2022-07", "2023-06", freq="M").astype(str), "count": 300})
>>> pop = pd.DataFrame({"force": ["Warwickshire"], "year": [2022], "population": [600000]})
>>> r = rates_per_1000(v, pop)
>>> last = r.iloc[-1]
>>> int(last["count"]), int(last["population_year"]), float(last["rate"])
(3600, 2022, 6.0)
>>> r.iloc[-1]["population_note"]
'mid-2022 population used: no mid-2023 estimate (nearest earlier year)'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.periods import dense_months, month_ordinals, to_month
from ncpm.core.schema import (
    POPULATION_NOTE,
    POPULATION_WANTED,
    POPULATION_YEAR,
    RATE,
    RATE_HI,
    RATE_LO,
    WINDOW,
)
from ncpm.methods.intervals import poisson_interval
from ncpm.methods.series import checked_frame, checked_volumes, rolling_sum, series_groups

PER_POPULATION = 1000  # rates "per 1,000 population", as in ONS and HMICFRS tables
WINDOW_MONTHS = 12  # "12 months ending" (ONS year-ending tables)
POPULATION_YEARS = ("end", "centre", "published")
# "published": the mid-year estimate the publisher pairs with a period (ONS Table P3's own year). ONS publishes a
# mid-year estimate (reference date 30 June) about 12 months after that date, and a police force area table uses
# the latest estimate published by the end of its period: year ending March 2018 -> mid-2016, March 2019 -> mid-2017,
# June 2019 and December 2019 -> mid-2018 (the years printed in those editions' Table P3).
MID_YEAR_MONTH = 6  # mid-year population estimates refer to 30 June
PUBLICATION_LAG_MONTHS = 12  # ONS mid-year estimates appear about a year after their reference date
PERIOD_TABLE_POPULATION_YEAR = "published"  # the rule ncpm uses for ONS period tables in a run (publisher's pairing)
DEFAULT_POPULATION_YEAR = "end"  # the mid-year estimate of the calendar year of the window's end (rates_per_1000)

RATE_COLUMNS = [schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH, WINDOW, schema.COUNT, schema.POPULATION,
                POPULATION_YEAR, POPULATION_WANTED, POPULATION_NOTE, RATE, RATE_LO, RATE_HI]


def _check_window(window: int) -> int:
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise ConfigError(f"window must be a whole number of months >= 1, not {window!r}")
    return int(window)


def _check_population_year(population_year: str) -> str:
    if population_year not in POPULATION_YEARS:
        raise ConfigError(f"population_year must be one of {', '.join(POPULATION_YEARS)}, not {population_year!r}")
    return population_year


def published_population_year(end_year: np.ndarray | int, end_month: np.ndarray | int) -> np.ndarray:
    """The mid-year estimate a publisher pairs with a period ending in ``end_year``-``end_month`` (rule "published").

    The latest year Y whose mid-year estimate (30 June Y) is at least :data:`PUBLICATION_LAG_MONTHS` old at the
    period's end, i.e. was published by then: Y = floor((12 * end_year + end_month - 1 - 5 - 12) / 12). This is
    the year ONS prints in Table P3 of its police force area tables (see :data:`POPULATION_YEARS`).

    >>> published_population_year(np.array([2018, 2019, 2019, 2019]), np.array([3, 3, 6, 12])).tolist()
    [2016, 2017, 2018, 2018]
    """
    ordinal = np.asarray(end_year, dtype=np.int64) * 12 + np.asarray(end_month, dtype=np.int64) - 1
    return (ordinal - (MID_YEAR_MONTH - 1) - PUBLICATION_LAG_MONTHS) // 12


def _wanted_year(end: pd.Series, window: pd.Series, population_year: str) -> pd.Series:
    """Calendar year of the mid-year estimate wanted for a window ending at ``end`` (Period[M] series)."""
    if population_year == "end":
        return end.dt.year.astype("int64")
    if population_year == "published":
        return pd.Series(published_population_year(end.dt.year.to_numpy(), end.dt.month.to_numpy()),
                         index=end.index, dtype="int64")
    # the month holding the window's midpoint: the window starts at end - (window - 1) and its midpoint lies
    # window // 2 months later (12 months to June 2023: January 2023; 12 months to March 2023: October 2022)
    months = window.to_numpy()
    centre = end.dt.year.to_numpy() * 12 + end.dt.month.to_numpy() - 1 - (months - 1) + months // 2
    return pd.Series(centre // 12, index=end.index, dtype="int64")


def _attach_population(frame: pd.DataFrame, population: pd.DataFrame, population_year: str,
                       per: float, checked: bool = False) -> pd.DataFrame:
    """Add population, population_year (the estimate used), population_wanted (the one the rule asks for),
    population_note, rate and its interval to frame (needs count, month, window)."""
    pop = checked_frame(population, schema.POPULATIONS, source="population", checked=checked)
    out = frame.copy()
    wanted = _wanted_year(out[schema.MONTH], out[WINDOW], population_year)
    out["_wanted"] = wanted.to_numpy()
    out["_row"] = np.arange(len(out))
    right = pop.rename(columns={schema.YEAR: "_year"})[[schema.FORCE, "_year", schema.POPULATION]]
    right = right.sort_values("_year", kind="stable")
    left = out[[schema.FORCE, "_wanted", "_row"]].sort_values("_wanted", kind="stable")
    matched = pd.merge_asof(left, right, left_on="_wanted", right_on="_year", by=schema.FORCE, direction="backward")
    matched = matched.set_index("_row").reindex(out["_row"])
    whole = (out[schema.AREA] == schema.WHOLE_FORCE).to_numpy()
    year = matched["_year"].to_numpy(dtype=float, na_value=np.nan, copy=True)
    people = matched[schema.POPULATION].to_numpy(dtype=float, na_value=np.nan, copy=True)
    year[~whole] = np.nan
    people[~whole] = np.nan

    notes = np.full(len(out), None, dtype=object)
    wanted_v = out["_wanted"].to_numpy()
    forces = out[schema.FORCE].to_numpy()
    for i in range(len(out)):
        if not whole[i]:
            notes[i] = "population is held for the whole force only: no rate for an area"
        elif np.isnan(year[i]):
            notes[i] = f"no mid-year population for {forces[i]} in or before {wanted_v[i]}"
        elif people[i] == 0:
            notes[i] = f"mid-{int(year[i])} population is zero: no rate"
        elif year[i] < wanted_v[i]:
            notes[i] = (f"mid-{int(year[i])} population used: no mid-{wanted_v[i]} estimate "
                        f"(nearest earlier year)")
    usable = people > 0
    count = out[schema.COUNT].to_numpy(dtype=float, na_value=np.nan)
    denominator = np.where(usable, people, np.nan)
    lo, hi = poisson_interval(count)
    out[schema.POPULATION] = pd.array(np.where(np.isnan(people), None, people), dtype="Int64")
    out[POPULATION_YEAR] = pd.array(np.where(np.isnan(year), None, year), dtype="Int64")
    out[POPULATION_WANTED] = pd.array(np.where(whole, wanted_v, None), dtype="Int64")
    out[POPULATION_NOTE] = schema.text(notes)
    out[RATE] = count / denominator * per
    out[RATE_LO] = lo / denominator * per
    out[RATE_HI] = hi / denominator * per
    return out.drop(columns=["_wanted", "_row"])


def rates_per_1000(volumes: pd.DataFrame, population: pd.DataFrame, window: int = WINDOW_MONTHS, *,
                   population_year: str = DEFAULT_POPULATION_YEAR, per: float = PER_POPULATION,
                   checked: bool = False) -> pd.DataFrame:
    """Crimes per 1,000 population over the ``window`` months ending at each month (METHODS.md, MSG section).

    ``count`` is the total of the ``window`` months ending at ``month`` (missing where any of those months is
    absent: never a partial total); ``rate = count / population * 1000``. The population is the mid-year (30 June)
    estimate of the calendar year of the window's end month (``population_year="end"``, the default: the 12 months to
    June 2023 use mid-2023), or of the month holding the window's midpoint (``"centre"``: 12 months to June 2023 ->
    mid-2023, 12 months to March 2023 -> mid-2022), or the estimate the publisher pairs with the window
    (``"published"``, ONS Table P3's year: :func:`published_population_year`). When that year is missing the nearest earlier year is used;
    ``population_year`` records the year used, ``population_wanted`` the year the rule asks for, and
    ``population_note`` says why they differ (NA when they do not).
    Populations are per force, so only whole-force rows (area "Force") get a rate; other areas keep their 12-month
    count with a note. ``rate_lo``/``rate_hi`` are the exact Poisson (Garwood) 95% interval of the count, divided
    the same way (:func:`poisson_interval`).

    A ``period_counts`` frame (ONS year-ending tables: force, measure, period_start, period_end, count) is detected
    by its ``period_start`` column and passed to :func:`rates_for_period`, which uses each row's own period.

    Output columns: force, area, measure, month, window, count, population, population_year, population_wanted,
    population_note, rate, rate_lo, rate_hi (one row per input row; population_wanted NA for an area's rows).

    >>> v = pd.DataFrame({"force": "Warwickshire", "area": "Force", "measure": "burglary",
    ...                   "month": pd.period_range("2022-07", "2023-06", freq="M").astype(str), "count": 50})
    >>> pop = pd.DataFrame({"force": ["Warwickshire"] * 2, "year": [2022, 2023], "population": [599000, 600000]})
    >>> r = rates_per_1000(v, pop).iloc[-1]
    >>> int(r["count"]), int(r["population_year"]), float(r["rate"])
    (600, 2023, 1.0)
    """
    if schema.PERIOD_START in volumes.columns:
        return rates_for_period(volumes, population, population_year=population_year, per=per, checked=checked)
    window = _check_window(window)
    _check_population_year(population_year)
    v = checked_volumes(volumes, checked=checked)
    totals = np.full(len(v), np.nan)
    ordinals = month_ordinals(v[schema.MONTH])
    counts = v[schema.COUNT].to_numpy()
    for idx in series_groups(v):
        grid, position = dense_months(ordinals[idx], counts[idx])  # months on a consecutive grid; gaps stay NaN
        totals[idx] = rolling_sum(grid, window)[position]
    out = v[[schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH]].copy()
    out[WINDOW] = window
    out[schema.COUNT] = pd.array(np.where(np.isnan(totals), None, totals), dtype="Int64")
    out = _attach_population(out, population, population_year, per, checked)
    return out[RATE_COLUMNS]


def rates_for_period(period_counts: pd.DataFrame, population: pd.DataFrame, *,
                     population_year: str = DEFAULT_POPULATION_YEAR,
                     per: float = PER_POPULATION, checked: bool = False) -> pd.DataFrame:
    """Rates per 1,000 for counts over a table's own period (ONS police force area tables: "year ending June 2025").

    Same definition and output columns as :func:`rates_per_1000`; ``month`` is the period's last month, ``window``
    its length in months; ``area`` as given ("Force" when the frame has none; a sub-force area such as a
    Community Safety Partnership keeps its count with no rate, as populations are per force). With ``population_year="end"`` the year ending June 2025 wants
    mid-2025 and falls back to the nearest earlier estimate available (recorded in ``population_year`` and
    ``population_note``).

    >>> pc = pd.DataFrame({"force": ["Warwickshire"], "measure": ["vehicle_crime"], "period_start": ["2024-07"],
    ...                    "period_end": ["2025-06"], "count": [3000]})
    >>> pop = pd.DataFrame({"force": ["Warwickshire"], "year": [2020], "population": [600000]})
    >>> r = rates_for_period(pc, pop).iloc[0]
    >>> float(r["rate"]), int(r["window"]), int(r["population_year"])
    (5.0, 12, 2020)
    """
    _check_population_year(population_year)
    pc = checked_frame(period_counts, schema.PERIOD_COUNTS, source="period_counts", checked=checked)
    lengths = np.array([(e - s).n + 1 for s, e in zip(pc[schema.PERIOD_START], pc[schema.PERIOD_END],
                                                       strict=True)], dtype=int)
    if (lengths < 1).any():
        i = int(np.flatnonzero(lengths < 1)[0])
        raise InputError("period_end is before period_start", file="period_counts", row=i,
                         column=schema.PERIOD_END)
    out = pd.DataFrame({
        schema.FORCE: pc[schema.FORCE],
        schema.AREA: pc[schema.AREA],
        schema.MEASURE: pc[schema.MEASURE],
        schema.MONTH: pc[schema.PERIOD_END],
        WINDOW: lengths,
        schema.COUNT: pd.array(pc[schema.COUNT], dtype="Int64"),
    })
    out = _attach_population(out, population, population_year, per, checked)
    return out[RATE_COLUMNS].sort_values([schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH], kind="stable",
                                         ignore_index=True)



def force_rates(rates: pd.DataFrame, required: list[str], source: str) -> pd.DataFrame:
    """Whole-force rows of a rates frame, one per (force, measure, month)."""
    missing = [c for c in required if c not in rates.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} for rates; found: "
                         f"{', '.join(map(str, rates.columns))}", file=source, column=missing[0])
    out = rates
    if schema.AREA in out.columns:
        out = out[out[schema.AREA] == schema.WHOLE_FORCE]
    out = out[required].copy()
    if not isinstance(out[schema.MONTH].dtype, pd.PeriodDtype):
        out[schema.MONTH] = pd.PeriodIndex([to_month(m) for m in out[schema.MONTH]], freq="M")
    out[RATE] = pd.to_numeric(out[RATE], errors="coerce").astype(float)
    dup = out.duplicated([schema.FORCE, schema.MEASURE, schema.MONTH], keep=False)
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError("more than one rate for the same force, measure and month", file=source, row=row,
                         column=", ".join([schema.FORCE, schema.MEASURE, schema.MONTH]))
    return out.reset_index(drop=True)

