"""Rates per 1,000 population, Most Similar Group (MSG) comparisons and national ranks (METHODS.md, "Most Similar
Groups (MSG) and national rank").

- :func:`rates_per_1000`: crimes over the 12 months ending at each month (or over an ONS table's own 12-month period,
  see :func:`rates_for_period`) per 1,000 residents, using a mid-year population estimate, with the exact Poisson
  (Garwood) 95% interval of the rate.
- :func:`validate_msg` and :func:`msg_compare`: the MSG average (``simple`` = mean of the group's rates, the HMIC
  comparator; ``weighted`` = sum of crimes / sum of population, the HMICFRS value-for-money profile), the sample SD
  of the group's rates, the force's position in its group (1 = lowest) and two flags, named apart on purpose: the
  *descriptive* flag (rate outside MSG average +/- k SD; a description of spread, not a test) and the *statistical*
  flag (the exact Poisson 95% interval of the force's rate excludes the MSG average).
- :func:`national_rank` and :func:`rank_change`: 1 = lowest rate, ties share the better rank, against a configurable
  comparison set (default the 43 territorial forces of England and Wales).

Numbers only: ranks and places moved are worded by ``ncpm.words.style`` (``ordinal``, ``rank_change_label``) and the
tables as published carry those words (``ncpm.words.peers``).

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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.forces import CITY_OF_LONDON, canonical_force, find_force, territorial_forces
from ncpm.core.periods import to_month

# Output columns of this module, named in ncpm.core.schema.
from ncpm.core.schema import (  # noqa: E402  result columns are named once, in schema.py
    DESCRIPTIVE_OUTLIER,
    EARLIER,
    EARLIER_RANK,
    FLAG_NOTE,
    MSG_AVERAGE,
    MSG_AVERAGE_METHOD,
    MSG_DIRECTION,
    MSG_MAX_SIZE,
    MSG_POSITION,
    MSG_SD,
    MSG_SIZE,
    N_FORCES,
    PLACES,
    POPULATION_NOTE,
    POPULATION_YEAR,
    RANK,
    RANK_NOTE,
    RATE,
    RATE_HI,
    RATE_LO,
    STATISTICAL_OUTLIER,
    WINDOW,
)
from ncpm.methods.series import checked_frame, checked_volumes

PER_POPULATION = 1000  # rates "per 1,000 population", as in ONS and HMICFRS tables
WINDOW_MONTHS = 12  # "12 months ending" (ONS year-ending tables)
POISSON_LEVEL = 0.95  # exact Poisson (Garwood 1936) confidence interval
POPULATION_YEARS = ("end", "centre", "published")
# "published": the mid-year estimate the publisher pairs with a period (ONS Table P3's own year). ONS publishes a
# mid-year estimate (reference date 30 June) about 12 months after that date, and a police force area table uses
# the latest estimate published by the end of its period: year ending March 2018 -> mid-2016, March 2019 -> mid-2017,
# June 2019 and December 2019 -> mid-2018 (the years printed in those editions' Table P3).
MID_YEAR_MONTH = 6  # mid-year population estimates refer to 30 June
PUBLICATION_LAG_MONTHS = 12  # ONS mid-year estimates appear about a year after their reference date
PERIOD_TABLE_POPULATION_YEAR = "published"  # the rule ncpm uses for ONS period tables in a run (publisher's pairing)
AVERAGES = ("simple", "weighted")
DEFAULT_AVERAGE = "simple"  # the MSG average: the simple mean, as HMIC's comparator (METHODS.md, MSG section)
K_SD = 1.0  # descriptive outlier band: the MSG mean +/- 1 SD (METHODS.md, MSG section)
DEFAULT_POPULATION_YEAR = "end"  # the mid-year estimate of the calendar year of the window's end (rates_per_1000)
_NO_GROUP_REASON = {
    CITY_OF_LONDON: "its resident population is too small and unusual for a most similar group",
}

RATE_COLUMNS = [schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH, WINDOW, schema.COUNT, schema.POPULATION,
                POPULATION_YEAR, POPULATION_NOTE, RATE, RATE_LO, RATE_HI]


# ---------------------------------------------------------------------------------------------------------------
# kernels: numpy in, numpy out


def poisson_interval(k: np.ndarray | float, level: float = POISSON_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval for the mean of a Poisson count ``k``.

    lo = chi2.ppf(a/2, 2k) / 2 (0 when k = 0), hi = chi2.ppf(1 - a/2, 2k + 2) / 2, with a = 1 - level
    (Garwood 1936; the interval used by ONS and Public Health England for counts). Computed here with the equivalent
    gamma quantiles, Gamma(k, 1).ppf(a/2) and Gamma(k + 1, 1).ppf(1 - a/2). NaN counts give NaN limits.

    >>> lo, hi = poisson_interval(np.array([0, 10]))
    >>> [round(float(x), 3) for x in lo], [round(float(x), 3) for x in hi]
    ([0.0, 4.795], [3.689, 18.39])
    """
    from scipy import stats  # scipy is heavy: loaded when an interval is wanted, not when ncpm is imported

    k = np.asarray(k, dtype=float)
    if not 0 < level < 1:
        raise ConfigError(f"level must be between 0 and 1, not {level}")
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(k > 0, stats.gamma.ppf(alpha / 2, np.where(k > 0, k, 1.0)), 0.0)
        hi = stats.gamma.ppf(1 - alpha / 2, k + 1.0)
    lo = np.where(np.isnan(k), np.nan, lo)
    return lo, hi


def window_sum(counts: np.ndarray, window: int = WINDOW_MONTHS) -> np.ndarray:
    """Sum of the ``window`` values ending at each position of a consecutive monthly series.

    NaN where fewer than ``window`` values are available or any of them is missing (never a partial total).

    >>> window_sum(np.array([1, 2, 3, 4.0]), 3).tolist()
    [nan, nan, 6.0, 9.0]
    """
    counts = np.asarray(counts, dtype=float)
    out = np.full(counts.shape, np.nan)
    if len(counts) >= window:
        out[window - 1:] = np.lib.stride_tricks.sliding_window_view(counts, window).sum(axis=1)
    return out


# ---------------------------------------------------------------------------------------------------------------
# rates per 1,000


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
    """Add population, population_year, population_note, rate and its interval to frame (needs count, month, window)."""
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
    ``population_year`` records the year used and ``population_note`` says why it differs (NA when it does not).
    Populations are per force, so only whole-force rows (area "Force") get a rate; other areas keep their 12-month
    count with a note. ``rate_lo``/``rate_hi`` are the exact Poisson (Garwood) 95% interval of the count, divided
    the same way (:func:`poisson_interval`).

    A ``period_counts`` frame (ONS year-ending tables: force, measure, period_start, period_end, count) is detected
    by its ``period_start`` column and passed to :func:`rates_for_period`, which uses each row's own period.

    Output columns: force, area, measure, month, window, count, population, population_year, population_note,
    rate, rate_lo, rate_hi (one row per input row).

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
    ordinal_month = (v[schema.MONTH].dt.year * 12 + v[schema.MONTH].dt.month).to_numpy()
    counts = v[schema.COUNT].to_numpy()
    for idx in v.groupby(schema.SERIES_KEY, sort=False).indices.values():
        position = ordinal_month[idx] - ordinal_month[idx].min()  # months on a consecutive grid; gaps stay NaN
        grid = np.full(position.max() + 1, np.nan)
        grid[position] = counts[idx]
        totals[idx] = window_sum(grid, window)[position]
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


# ---------------------------------------------------------------------------------------------------------------
# Most Similar Groups


def validate_msg(msg: pd.DataFrame, forces: list[str] | None = None, *, version: str | None = None,
                 source: str = "msg", checked: bool = False) -> pd.DataFrame:
    """Check an MSG membership table (force, peer, version) and return it with canonical force names.

    Membership is data (METHODS.md): a force and up to seven peers, groups need not be symmetric. Refused, with an
    error naming the row (0-based position in the frame) or the force: an unknown force or peer name (any spelling
    that :func:`ncpm.core.forces.find_force` knows is accepted), a name outside ``forces`` when given, a force listed as
    its own peer, the same peer twice, more than seven peers, and a table mixing versions when no ``version=`` is
    chosen (:class:`ConfigError` listing the versions). Returns force, peer, version sorted, one version only.

    >>> m = pd.DataFrame({"force": ["warwickshire", "Warwickshire"], "peer": ["Wiltshire", "West Mercia Police"],
    ...                   "version": "illustrative"})
    >>> validate_msg(m)["peer"].tolist()
    ['West Mercia', 'Wiltshire']
    """
    if not checked:  # checked: the caller ran schema.validate already
        schema.validate(msg, schema.MSG, source=source)  # columns present, no missing values, no duplicate rows
    raw = msg[[schema.FORCE, schema.PEER, schema.VERSION]].reset_index(drop=True)
    allowed = None if forces is None else {canonical_force(f) for f in forces}
    names: dict[str, list[str]] = {schema.FORCE: [], schema.PEER: []}
    for column in (schema.FORCE, schema.PEER):
        for row, value in enumerate(raw[column].tolist()):
            found = find_force(value)
            if found is None:
                raise InputError(f"unknown force {str(value)!r}", file=source, row=row, column=column)
            if allowed is not None and found not in allowed:
                raise InputError(f"{found} is not in the comparison set of forces", file=source, row=row,
                                 column=column)
            names[column].append(found)
    out = pd.DataFrame({schema.FORCE: names[schema.FORCE], schema.PEER: names[schema.PEER],
                        schema.VERSION: raw[schema.VERSION].astype(str).str.strip()})
    versions = sorted(out[schema.VERSION].unique())
    if version is not None:
        if str(version) not in versions:
            raise ConfigError(f"MSG version {version!r} not in the table; versions: {', '.join(versions)}")
        out = out[out[schema.VERSION] == str(version)]
    elif len(versions) > 1:
        raise ConfigError(f"the MSG table mixes versions {', '.join(versions)}: choose one with version=")
    self_peer = out[schema.FORCE] == out[schema.PEER]
    if self_peer.any():
        row = int(out.index[self_peer][0])
        raise InputError(f"{out.loc[row, schema.FORCE]} is listed as its own peer", file=source, row=row,
                         column=schema.PEER)
    dup = out.duplicated([schema.FORCE, schema.PEER])
    if dup.any():
        row = int(out.index[dup][0])
        raise InputError(f"{out.loc[row, schema.PEER]} is listed twice as a peer of {out.loc[row, schema.FORCE]}",
                         file=source, row=row, column=schema.PEER)
    sizes = out.groupby(schema.FORCE).size()
    too_big = sizes[sizes > MSG_MAX_SIZE - 1]
    if len(too_big):
        force = too_big.index[0]
        raise InputError(f"{force} has {too_big.iloc[0]} peers; a Most Similar Group has at most "
                         f"{MSG_MAX_SIZE - 1}", file=source, column=schema.PEER)
    return out.sort_values([schema.FORCE, schema.PEER], ignore_index=True)


def _force_rates(rates: pd.DataFrame, required: list[str], source: str) -> pd.DataFrame:
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


def msg_compare(rates: pd.DataFrame, msg: pd.DataFrame, average: str = DEFAULT_AVERAGE, k: float = K_SD, *,
                version: str | None = None, per: float = PER_POPULATION,
                checked: bool = False) -> pd.DataFrame:
    """Each force's rate against its Most Similar Group, per measure and month (METHODS.md, MSG section).

    The group is the force and its peers (from ``msg``, checked by :func:`validate_msg`; groups may be asymmetric).
    - ``msg_average``: ``simple`` = mean of the group's rates (HMIC comparator), ``weighted`` = sum of the group's
      counts / sum of its populations x 1,000 (HMICFRS value-for-money); ``per`` must match the rates.
    - ``msg_sd``: sample SD (ddof = 1) of the group's rates, the force included.
    - ``msg_position``: rank of the force's rate in its group, 1 = lowest, ties share the better position;
      ``msg_size`` = number of forces in the group.
    - ``descriptive_outlier``: rate < average - k SD or rate > average + k SD (k = 1 by default). Describes where the
      force sits in the spread of its group; it is not a significance test.
    - ``statistical_outlier``: the exact Poisson 95% interval of the force's rate (``rate_lo``, ``rate_hi``)
      excludes the MSG average.
    - ``msg_direction``: "above", "below" or "equal to" the MSG average.
    A force with no group (City of London), or whose group lacks a rate for a peer, gets NA flags and the reason in
    ``flag_note``. Only whole-force rows (area "Force") are compared.

    Output columns: force, measure, month, rate, rate_lo, rate_hi, msg_average, msg_average_method, msg_sd,
    msg_position, msg_size, msg_direction, descriptive_outlier, statistical_outlier, flag_note, version.

    >>> r = pd.DataFrame({"force": ["Warwickshire", "Wiltshire", "West Mercia"], "measure": "burglary",
    ...                   "month": "2023-06", "count": [10, 20, 30], "population": [1000, 1000, 1000]})
    >>> r["rate"] = r["count"] / r["population"] * 1000
    >>> r["rate_lo"], r["rate_hi"] = r["rate"] - 1, r["rate"] + 1
    >>> m = pd.DataFrame({"force": "Warwickshire", "peer": ["Wiltshire", "West Mercia"], "version": "v1"})
    >>> out = msg_compare(r, m).iloc[0]
    >>> float(out["msg_average"]), float(out["msg_sd"]), int(out["msg_position"]), bool(out["descriptive_outlier"])
    (20.0, 10.0, 1, False)
    """
    if average not in AVERAGES:
        raise ConfigError(f"average must be one of {', '.join(AVERAGES)}, not {average!r}")
    if not np.isfinite(k) or k < 0:
        raise ConfigError(f"k must be a non-negative number of standard deviations, not {k!r}")
    groups = msg if checked else validate_msg(msg, version=version)  # checked: validate_msg's table already
    group_version = groups[schema.VERSION].iloc[0] if len(groups) else None
    r = _force_rates(rates, [schema.FORCE, schema.MEASURE, schema.MONTH, schema.COUNT, schema.POPULATION, RATE,
                             RATE_LO, RATE_HI], "rates")

    members = pd.concat([
        groups[[schema.FORCE]].drop_duplicates().assign(member=lambda f: f[schema.FORCE]),
        groups[[schema.FORCE, schema.PEER]].rename(columns={schema.PEER: "member"}),
    ], ignore_index=True)
    size = members.groupby(schema.FORCE).size().rename(MSG_SIZE)
    keyed = r[[schema.FORCE, schema.MEASURE, schema.MONTH, RATE]].rename(columns={RATE: "_own"})
    values = r[[schema.FORCE, schema.MEASURE, schema.MONTH, schema.COUNT, schema.POPULATION, RATE]].rename(
        columns={schema.FORCE: "member", RATE: "_rate"})
    long = keyed.merge(members, on=schema.FORCE).merge(values, on=["member", schema.MEASURE, schema.MONTH],
                                                       how="left")
    long["_count"] = pd.to_numeric(long[schema.COUNT], errors="coerce").astype(float)
    long["_pop"] = pd.to_numeric(long[schema.POPULATION], errors="coerce").astype(float)
    long["_below"] = (long["_rate"] < long["_own"]).astype(int)
    long["_present"] = long["_rate"].notna().astype(int)
    key = [schema.FORCE, schema.MEASURE, schema.MONTH]
    agg = long.groupby(key, sort=False).agg(
        _mean=("_rate", "mean"), _sd=("_rate", "std"), _sum_count=("_count", "sum"),  # std: ddof = 1
        _sum_pop=("_pop", "sum"), _below=("_below", "sum"), _present=("_present", "sum"),
    ).reset_index()
    gaps = long[long["_rate"].isna()].groupby(key, sort=False)["member"].agg(lambda s: ", ".join(sorted(s)))
    agg = agg.merge(gaps.rename("_absent"), left_on=key, right_index=True, how="left")

    out = r.merge(agg, on=key, how="left").merge(size, left_on=schema.FORCE, right_index=True, how="left")
    has_group = out[MSG_SIZE].notna().to_numpy()
    complete = has_group & (out["_present"].to_numpy() == out[MSG_SIZE].fillna(0).to_numpy())
    if average == "simple":
        centre = out["_mean"].to_numpy(dtype=float)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            centre = out["_sum_count"].to_numpy(dtype=float) / out["_sum_pop"].to_numpy(dtype=float) * per
    centre = np.where(complete, centre, np.nan)
    sd = np.where(complete, out["_sd"].to_numpy(dtype=float), np.nan)
    rate = out[RATE].to_numpy(dtype=float)
    lo = pd.to_numeric(out[RATE_LO], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(out[RATE_HI], errors="coerce").to_numpy(dtype=float)
    valid = complete & ~np.isnan(centre) & ~np.isnan(sd)
    descriptive = (rate < centre - k * sd) | (rate > centre + k * sd)
    statistical = (hi < centre) | (lo > centre)

    notes = []
    forces = out[schema.FORCE].tolist()
    absent = out["_absent"].tolist()
    for i, force in enumerate(forces):
        if not has_group[i]:
            reason = _NO_GROUP_REASON.get(force)
            notes.append(f"{force} has no Most Similar Group" + (f": {reason}" if reason else
                         f" in MSG version {group_version}" if group_version else ""))
        elif not complete[i]:
            notes.append(f"no rate for {absent[i]} in the group: no MSG comparison")
        else:
            notes.append(f"{average} average of {int(out[MSG_SIZE].iloc[i])} forces (MSG version {group_version}); "
                         f"descriptive band average +/- {k:g} SD; statistical: exact Poisson 95% interval")
    direction = np.select([rate > centre, rate < centre, rate == centre], ["above", "below", "equal to"], "")

    result = out[[schema.FORCE, schema.MEASURE, schema.MONTH, RATE, RATE_LO, RATE_HI]].copy()
    result[MSG_AVERAGE] = centre
    result[MSG_AVERAGE_METHOD] = average
    result[MSG_SD] = sd
    result[MSG_POSITION] = pd.array(np.where(valid, out["_below"].fillna(0).to_numpy() + 1, None), dtype="Int64")
    result[MSG_SIZE] = pd.array(out[MSG_SIZE], dtype="Int64")
    result[MSG_DIRECTION] = schema.text(np.where(valid & (direction != ""), direction, None))
    result[DESCRIPTIVE_OUTLIER] = pd.array(np.where(valid & ~np.isnan(rate), descriptive, None), dtype="boolean")
    result[STATISTICAL_OUTLIER] = pd.array(np.where(valid & ~np.isnan(lo) & ~np.isnan(hi), statistical, None),
                                           dtype="boolean")
    result[FLAG_NOTE] = schema.text(notes)
    result[schema.VERSION] = group_version
    return result.sort_values(key, kind="stable", ignore_index=True)


# ---------------------------------------------------------------------------------------------------------------
# national rank


def _comparison_set(forces: list[str] | None, exclude_city_of_london: bool) -> list[str]:
    chosen = territorial_forces() if forces is None else [canonical_force(f) for f in forces]
    if exclude_city_of_london:
        chosen = [f for f in chosen if f != CITY_OF_LONDON]
    if not chosen:
        raise ConfigError("the comparison set of forces is empty")
    return list(dict.fromkeys(chosen))


def national_rank(rates: pd.DataFrame, forces: list[str] | None = None,
                  exclude_city_of_london: bool = False) -> pd.DataFrame:
    """Each force's national rank by rate, per measure and month (METHODS.md, "national rank").

    1 = lowest rate; ties share the better (lower) rank ("min" ranking). The comparison set is ``forces`` (default the
    43 territorial forces of England and Wales; any spelling the force registry knows), less City of London when
    ``exclude_city_of_london``. Forces outside the set are left out; ``n_forces`` counts the forces of the set that
    have a rate, and ``rank_note`` names those that have none. Only whole-force rows (area "Force") are ranked.

    Output columns: force, measure, month, rate, rank, n_forces, rank_note.

    >>> r = pd.DataFrame({"force": ["Warwickshire", "Wiltshire", "Kent"], "measure": "burglary", "month": "2023-06",
    ...                   "rate": [2.0, 1.0, 2.0]})
    >>> national_rank(r, forces=["Warwickshire", "Wiltshire", "Kent"])[["force", "rank"]].values.tolist()
    [['Kent', 2], ['Warwickshire', 2], ['Wiltshire', 1]]
    """
    chosen = _comparison_set(forces, exclude_city_of_london)
    r = _force_rates(rates, [schema.FORCE, schema.MEASURE, schema.MONTH, RATE], "rates")
    r = r[r[schema.FORCE].isin(chosen)].copy()
    groups = r.groupby([schema.MEASURE, schema.MONTH], sort=False)[RATE]
    r[RANK] = pd.array(groups.rank(method="min", ascending=True), dtype="Int64")
    r[N_FORCES] = pd.array(groups.transform("count"), dtype="Int64")
    notes = {}
    for (measure, month), frame in r.groupby([schema.MEASURE, schema.MONTH], sort=False):
        missing = sorted(set(chosen) - set(frame.loc[frame[RATE].notna(), schema.FORCE]))
        if missing:
            notes[(measure, month)] = (f"ranked among {len(chosen) - len(missing)} of {len(chosen)} forces; "
                                       f"no rate for {', '.join(missing)}")
    r[RANK_NOTE] = schema.text([notes.get((m, t)) for m, t in zip(r[schema.MEASURE], r[schema.MONTH], strict=True)])
    return r.sort_values([schema.MEASURE, schema.MONTH, schema.FORCE], kind="stable", ignore_index=True)


def rank_change(ranks: pd.DataFrame, month: object, earlier: object) -> pd.DataFrame:
    """Change in national rank between the window ending ``earlier`` and the window ending ``month``.

    ``places = earlier_rank - rank``, positive = improved (moved towards 1 = lowest rate); NA when either rank is
    missing. ``ranks`` is the output of :func:`national_rank`. The words ("improved two places to 12th") are
    ``ncpm.words.style.rank_change_label``.

    Output columns: force, measure, month, earlier, rank, earlier_rank, n_forces, places.

    >>> r = pd.DataFrame({"force": ["Kent", "Kent"], "measure": "burglary", "month": ["2023-03", "2023-06"],
    ...                   "rank": [14, 12], "n_forces": 43})
    >>> rank_change(r, "2023-06", "2023-03")[["rank", "earlier_rank", "places"]].values.tolist()
    [[12, 14, 2]]
    """
    month, earlier = to_month(month), to_month(earlier)
    missing = [c for c in (schema.FORCE, schema.MEASURE, schema.MONTH, RANK) if c not in ranks.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} for ranks; found: "
                         f"{', '.join(map(str, ranks.columns))}", file="ranks", column=missing[0])
    r = ranks.copy()
    if N_FORCES not in r.columns:
        r[N_FORCES] = pd.array([None] * len(r), dtype="Int64")
    if not isinstance(r[schema.MONTH].dtype, pd.PeriodDtype):
        r[schema.MONTH] = pd.PeriodIndex([to_month(m) for m in r[schema.MONTH]], freq="M")
    now = r.loc[r[schema.MONTH] == month, [schema.FORCE, schema.MEASURE, schema.MONTH, RANK, N_FORCES]]
    then = r.loc[r[schema.MONTH] == earlier, [schema.FORCE, schema.MEASURE, RANK]].rename(columns={RANK: EARLIER_RANK})
    if now.empty:
        raise InputError(f"no ranks for {month}", file="ranks", column=schema.MONTH)
    for frame, when in ((now, month), (then, earlier)):
        if frame.duplicated([schema.FORCE, schema.MEASURE]).any():
            raise InputError(f"more than one rank for the same force and measure in {when}", file="ranks",
                             column=", ".join([schema.FORCE, schema.MEASURE]))
    out = now.merge(then, on=[schema.FORCE, schema.MEASURE], how="left")
    out[EARLIER] = pd.Series([earlier] * len(out), dtype="period[M]")
    out[RANK] = pd.array(out[RANK], dtype="Int64")
    out[EARLIER_RANK] = pd.array(out[EARLIER_RANK], dtype="Int64")
    out[N_FORCES] = pd.array(out[N_FORCES], dtype="Int64")
    out[PLACES] = out[EARLIER_RANK] - out[RANK]
    columns = [schema.FORCE, schema.MEASURE, schema.MONTH, EARLIER, RANK, EARLIER_RANK, N_FORCES, PLACES]
    return out[columns].sort_values([schema.MEASURE, schema.FORCE], kind="stable", ignore_index=True)


# ---------------------------------------------------------------------------------------------------------------
# national rank, rank change and MSG comparison from ONS period tables


@dataclass(frozen=True)
class PeriodComparison:
    """The national rank, its change and the MSG comparison from ONS period tables (:func:`period_comparison`).

    ``period`` and ``earlier``: the last months of the 12-month periods used ("year ending December 2019") and
    compared with (None when the tables hold no such period). ``table``: one row per force and measure of
    ``period`` with period_start, period_end, count, population, population_year, rate, rank, n_forces, rank_note,
    the rank change (earlier, earlier_rank, places) and the MSG columns (numbers: the words are added by
    ``ncpm.words.peers.period_comparison``). ``rates``,
    ``ranks`` and ``msg``: the :func:`rates_for_period`, :func:`national_rank` and :func:`msg_compare` outputs for
    both periods (``msg`` None without a membership table). ``notes``: what was left out and why.
    """

    period: pd.Period | None
    earlier: pd.Period | None
    table: pd.DataFrame
    rates: pd.DataFrame
    ranks: pd.DataFrame
    msg: pd.DataFrame | None
    notes: tuple[str, ...] = ()


def _period_words(end: pd.Period) -> str:
    return f"year ending {end.strftime('%B %Y')}"


def period_comparison(period_counts: pd.DataFrame, population: pd.DataFrame, month: object = None, *,
                      msg: pd.DataFrame | None = None, forces: list[str] | None = None,
                      exclude_city_of_london: bool = False, average: str = DEFAULT_AVERAGE, k: float = K_SD,
                      msg_version: str | None = None,
                      population_year: str = PERIOD_TABLE_POPULATION_YEAR,
                      checked: bool = False) -> PeriodComparison:
    """National rank, rank change and MSG comparison from ONS 12-month period tables (Table P1, area "Force").

    - The period used is the latest 12-month period in ``period_counts`` ending no later than ``month`` (the
      report's latest month; None = the latest period): a table for a later period describes months after the
      report and is left out with a note. The rank change is against the latest earlier 12-month period in the
      tables (the previous edition held, e.g. year ending March 2018 for year ending March 2019), named in
      ``earlier``; none when the tables hold one period only.
    - Rates per 1,000 population by :func:`rates_for_period`, with the population year of ``population_year``
      (default ``"published"``: the mid-year estimate ONS pairs with the period in its own Table P3, see
      :func:`published_population_year`; the nearest earlier year when that one is missing, noted).
    - Ranks by :func:`national_rank`: 1 = lowest rate, ties share the better rank, among ``forces`` (default the 43
      territorial forces), a force without a count or a population left out and named in ``rank_note``.
    - MSG by :func:`msg_compare` (``average``, ``k``, ``msg_version``) when ``msg`` is given.

    Numbers only; the wording is ``ncpm.words.statements.period_peer_statement``.

    >>> pc = pd.DataFrame({"force": ["Kent", "Essex", "Kent", "Essex"], "measure": "vehicle_crime",
    ...                    "period_start": ["2017-04", "2017-04", "2018-04", "2018-04"],
    ...                    "period_end": ["2018-03", "2018-03", "2019-03", "2019-03"], "count": [900, 800, 700, 800]})
    >>> pop = pd.DataFrame({"force": ["Kent", "Essex"] * 2, "year": [2016, 2016, 2017, 2017],
    ...                     "population": [100000] * 4})
    >>> c = period_comparison(pc, pop, "2019-06", forces=["Kent", "Essex"])
    >>> str(c.period), str(c.earlier)
    ('2019-03', '2018-03')
    >>> kent = c.table.set_index("force").loc["Kent"]
    >>> int(kent["population_year"]), int(kent["rank"]), int(kent["earlier_rank"]), int(kent["places"])
    (2017, 1, 2, 1)
    """
    pc = checked_frame(period_counts, schema.PERIOD_COUNTS, source="period_counts", checked=checked)
    pc = pc[pc[schema.AREA] == schema.WHOLE_FORCE]
    length = np.array([(e - s).n + 1 for s, e in zip(pc[schema.PERIOD_START], pc[schema.PERIOD_END], strict=True)],
                      dtype=int)
    pc = pc[length == WINDOW_MONTHS]
    notes: list[str] = []
    ends = sorted(set(pc[schema.PERIOD_END]))
    if month is not None:
        month = to_month(month)
        later = [e for e in ends if e > month]
        if later:
            names = [e.strftime("%B %Y") for e in later]
            listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
            notes.append(f"ONS table{'s' if len(later) > 1 else ''} for the year{'s' if len(later) > 1 else ''} "
                         f"ending {listed} left out: {'they end' if len(later) > 1 else 'it ends'} after "
                         f"{month.strftime('%B %Y')}, the report's latest month")
        ends = [e for e in ends if e <= month]
    empty = pd.DataFrame()
    if not ends:
        notes.append("no ONS 12-month period table ending by the report's latest month: no national rank or MSG "
                     "comparison from ONS tables")
        return PeriodComparison(None, None, empty, empty, empty, None, tuple(notes))
    period = ends[-1]
    earlier = ends[-2] if len(ends) > 1 else None
    used = pc[pc[schema.PERIOD_END].isin([e for e in (period, earlier) if e is not None])]
    population = checked_frame(population, schema.POPULATIONS, source="population", checked=checked)
    rates = rates_for_period(used, population, population_year=population_year, checked=True)
    ranks = national_rank(rates, forces=forces, exclude_city_of_london=exclude_city_of_london)
    table = rates[rates[schema.MONTH] == period].drop(columns=[schema.AREA])
    table = table.merge(ranks[[schema.FORCE, schema.MEASURE, schema.MONTH, RANK, N_FORCES, RANK_NOTE]],
                        on=[schema.FORCE, schema.MEASURE, schema.MONTH], how="left")
    if earlier is not None:
        change = rank_change(ranks, period, earlier)
        table = table.merge(change[[schema.FORCE, schema.MEASURE, EARLIER, EARLIER_RANK, PLACES]],
                            on=[schema.FORCE, schema.MEASURE], how="left")
    else:
        notes.append(f"one ONS period only ({_period_words(period)}): no change in national rank")
    compared = None
    if msg is not None and len(msg):
        compared = msg_compare(rates, msg, average=average, k=k, version=msg_version, checked=checked)
        keep = [c for c in compared.columns if c not in (RATE, RATE_LO, RATE_HI)]
        table = table.merge(compared[keep], on=[schema.FORCE, schema.MEASURE, schema.MONTH], how="left")
    table.insert(table.columns.get_loc(schema.MONTH), schema.PERIOD_START,
                 pd.PeriodIndex([m - (int(w) - 1) for m, w in zip(table[schema.MONTH], table[WINDOW], strict=True)],
                                freq="M"))
    table = table.rename(columns={schema.MONTH: schema.PERIOD_END}).drop(columns=[WINDOW])
    table = table.sort_values([schema.MEASURE, schema.FORCE], kind="stable", ignore_index=True)
    return PeriodComparison(period, earlier, table, rates, ranks, compared, tuple(notes))
