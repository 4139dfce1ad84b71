"""The calibration oracle: the methods of METHODS.md re-implemented independently, to calibrate the demo data.

SYNTHETIC data, checked. This module re-implements the methods (the 3-year average and its z-score, a seasonal
naive forecast, the Wilson and exact Poisson intervals, action-taken rates, national ranks and the Most Similar
Group comparison) in plain numpy and pandas arithmetic, independently of ``ncpm.methods``, so that the generator
(:mod:`ncpm.demo.generate`) can choose its parameters and :func:`calibration_failures` can show that the demo data
reproduce METHODS.md's statements S1-S9 (the targets in :mod:`ncpm.demo.targets`) without trusting the code under
test. The library's own methods, run on the same data, must agree: the tests and the demo run check that they do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.forces import territorial_forces
from ncpm.demo.targets import (
    ACTION_TAKEN,
    FIREARMS_JUNE,
    FIREARMS_Q1,
    HOMICIDE_H1_2022,
    HOMICIDE_H1_2023,
    KNIFE_MAY,
    LPAS,
    MONTH_LABELS,
    ROBBERY_JUNE,
    ROBBERY_KNIFE_JUNE,
    SATISFACTION_TARGET,
    SUB_MEASURES,
    SURVEY_RESPONSES,
    VEHICLE_RANK_JUNE,
    VEHICLE_RANK_MARCH,
    VWI_JUNE,
    WARWICKSHIRE,
    month_index,
)


def z_score(y: float, baseline: float) -> float:
    """METHODS.md: (y - baseline) / sqrt(baseline), the Poisson z-score against a baseline."""
    return (y - baseline) / np.sqrt(baseline) if baseline > 0 else np.inf


def same_month_baseline(series: np.ndarray, t: int) -> float:
    """METHODS.md "3-year average" (same_month): mean of y(t-12), y(t-24), y(t-36)."""
    return float(np.mean([series[t - 12], series[t - 24], series[t - 36]]))


def seasonal_naive_bounds(series: np.ndarray, origin: int, h: int, z: float = 1.96) -> tuple[float, float]:
    """Seasonal naive forecast for origin + h (h <= 12) and its 95% interval, residual SD from the fit data."""
    fit = series[:origin + 1].astype(float)
    sigma = float(np.sqrt(np.mean((fit[12:] - fit[:-12]) ** 2)))
    mean = float(fit[origin + h - 12])
    return mean - z * sigma, mean + z * sigma


def _series(volumes: pd.DataFrame, measure: str, area: str = schema.WHOLE_FORCE,
            force: str = WARWICKSHIRE) -> pd.Series:
    rows = volumes[(volumes[schema.FORCE] == force) & (volumes[schema.AREA] == area)
                   & (volumes[schema.MEASURE] == measure)]
    return rows.set_index(schema.MONTH)[schema.COUNT].reindex(MONTH_LABELS).astype("int64")


def _action_rate(frames: dict[str, pd.DataFrame], measure: str, month: str) -> float:
    o = frames["outcomes"]
    rows = o[(o[schema.FORCE] == WARWICKSHIRE) & (o[schema.AREA] == schema.WHOLE_FORCE)
             & (o[schema.MEASURE] == measure) & (o[schema.MONTH] == month)
             & o[schema.OUTCOME_TYPE].isin(ACTION_TAKEN)]
    return 100 * rows[schema.COUNT].sum() / _series(frames["volumes"], measure)[month]


def _wilson_upper(k: int, n: int, z: float = 1.96) -> float:
    """The upper limit of the Wilson score interval of k / n."""
    p = k / n
    return (p + z * z / (2 * n) + z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)


def _vehicle_rates(frames: dict[str, pd.DataFrame], end: str, year: int) -> pd.Series:
    v, pop = frames["volumes"], frames["population"]
    rows = v[(v[schema.AREA] == schema.WHOLE_FORCE) & (v[schema.MEASURE] == "vehicle_crime")]
    months = [str(m) for m in pd.period_range(pd.Period(end, "M") - 11, pd.Period(end, "M"), freq="M")]
    totals = rows[rows[schema.MONTH].isin(months)].groupby(schema.FORCE)[schema.COUNT].sum()
    people = pop[pop[schema.YEAR] == year].set_index(schema.FORCE)[schema.POPULATION]
    return 1000 * totals / people.reindex(totals.index)


def calibration_failures(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Every S1-S9 calibration target that the frames miss (empty when all hold).

    The forecast parts of S4, S7 and S8 are checked here with the seasonal naive method only (numpy); the tests
    check them with statsmodels exponential smoothing as well.
    """
    fails: list[str] = []
    v = frames["volumes"]

    def need(ok: bool, what: str) -> None:
        if not ok:
            fails.append(what)

    # structure: Warwickshire's force rows are the sum of its LPAs; sub-measures within their parents
    war = v[v[schema.FORCE] == WARWICKSHIRE]
    parts = war[war[schema.AREA] != schema.WHOLE_FORCE].groupby([schema.MEASURE, schema.MONTH])[schema.COUNT].sum()
    whole = war[war[schema.AREA] == schema.WHOLE_FORCE].set_index([schema.MEASURE, schema.MONTH])[schema.COUNT]
    need(parts.sort_index().equals(whole.sort_index()), "Warwickshire force rows = sum of LPAs")
    for sub, (parent, _) in SUB_MEASURES.items():
        for area in (schema.WHOLE_FORCE, *LPAS):
            need(bool((_series(v, sub, area) <= _series(v, parent, area)).all()), f"{sub} <= {parent} in {area}")
    need(set(v[schema.FORCE]) == set(territorial_forces()), "all 43 forces present")

    # S1
    h = _series(v, "homicide")
    need(h["2023-06"] == 0 and h["2023-01":"2023-06"].sum() == HOMICIDE_H1_2023
         and h["2022-01":"2022-06"].sum() == HOMICIDE_H1_2022, "S1 homicide")
    # S2
    f = _series(v, "firearms")
    need(f["2023-04":"2023-06"].sum() == FIREARMS_Q1 and f["2023-06"] == FIREARMS_JUNE, "S2 firearms")
    # S3
    k = _series(v, "knife_crime").to_numpy()
    may, june = month_index("2023-05"), month_index("2023-06")
    need(k[may] == KNIFE_MAY and (k[may - 11:may] < KNIFE_MAY).all()
         and z_score(k[may], same_month_baseline(k, may)) >= 3, "S3 knife crime")
    # S4
    s = _series(v, "violence_with_injury").to_numpy()
    need(s[june] == VWI_JUNE and round(100 * (s[june] - s[june - 12]) / s[june - 12]) == 12
         and int(100 * (s[june] - s[may]) / s[may]) == 12, "S4 violence with injury: 481, up 12%")
    need(bool((s[june - 35:june] < s[june]).all()), "S4 highest in 3 years")
    rises = [_series(v, "violence_with_injury", a).to_numpy() for a in LPAS]
    rise = [x[june] - x[may] for x in rises]
    need(rise[0] == max(rise) and 2 * rise[0] > s[june] - s[may], "S4 most of the rise in the North")
    need(round(_action_rate(frames, "violence_with_injury", "2023-05"), 1) == 7.3, "S4 action taken 7.3%")
    need(s[june - 11:june - 8].sum() > s[june - 2:june + 1].sum(), "S4 Q2 seasonal rise (seasonal naive)")
    # S5
    r = _series(v, "robbery_personal").to_numpy()
    rk = _series(v, "robbery_personal_knife").to_numpy()
    need(r[june] == ROBBERY_JUNE and rk[june] == ROBBERY_KNIFE_JUNE
         and abs(z_score(r[june], same_month_baseline(r, june))) < 1.96, "S5 robbery")
    need(round(_action_rate(frames, "robbery_personal", "2023-05"), 1) == 3.2, "S5 action taken 3.2%")
    # S6
    b = _series(v, "burglary_residential").to_numpy()
    window = np.sort(b[june - 11:june + 1])
    zb = z_score(b[june], same_month_baseline(b, june))
    need(window[1] == b[june] and window[0] < b[june] < window[2] and -3 < zb <= -1.96, "S6 burglary")
    need(round(_action_rate(frames, "burglary_residential", "2023-05"), 1) == 4.3, "S6 action taken 4.3%")
    # S7
    p = _series(v, "theft_from_person").to_numpy()
    q1 = p[june - 2:june + 1]
    need(bool((abs(q1 - q1.mean()) <= 0.1 * q1.mean()).all() and (q1.min() > p[june - 8:june - 2]).all()),
         "S7 theft from the person stable and above the preceding months")
    need(all(z_score(p[t], same_month_baseline(p, t)) >= 1.96 for t in range(june - 2, june + 1)),
         "S7 above the 3-year average")
    need(all(p[t] > seasonal_naive_bounds(p, month_index("2023-03"), h)[1] for h, t in enumerate(range(june - 2, june + 1), 1)),
         "S7 above the seasonal naive forecast")
    for a in LPAS:
        part = _series(v, "theft_from_person_pickpocket", a)["2023-04":"2023-06"].sum()
        need(part / _series(v, "theft_from_person", a)["2023-04":"2023-06"].sum() > 0.5, f"S7 pickpocketing {a}")
    # S8
    c = _series(v, "vehicle_crime").to_numpy()
    need(abs(z_score(c[june], same_month_baseline(c, june))) < 1.96, "S8 vehicle crime in line with the 3-year average")
    need(z_score(c[may], same_month_baseline(c, may)) >= 1.96, "S8 back in line: May 2023 above the 3-year average")
    need(c[june] < seasonal_naive_bounds(c, month_index("2023-03"), 3)[0], "S8 below the seasonal naive forecast")
    lpa = {a: _series(v, "vehicle_crime", a) for a in LPAS}
    need(lpa["East"]["2023-06"] < lpa["East"]["2023-05"] and lpa["South"]["2023-06"] < lpa["South"]["2023-05"]
         and lpa["North"]["2023-06"] - lpa["North"]["2023-05"] == 23 and lpa["North"]["2023-06"] == 126,
         "S8 LPA changes")
    motorcycle = _series(v, "vehicle_motorcycle_theft", "North")["2023-06"]
    need(round(100 * motorcycle / lpa["North"]["2023-06"]) == 21, "S8 motorcycle theft 21% in the North")
    need(round(_action_rate(frames, "vehicle_crime", "2023-05"), 1) == 1.5, "S8 action taken 1.5%")
    peers = [WARWICKSHIRE, *frames["msg"][frames["msg"][schema.FORCE] == WARWICKSHIRE][schema.PEER]]
    for year in (2022, 2023):
        for end, rank in (("2023-06", VEHICLE_RANK_JUNE), ("2023-03", VEHICLE_RANK_MARCH)):
            rates = _vehicle_rates(frames, end, year)
            ordered = rates.sort_values()
            position = int(np.flatnonzero(ordered.index == WARWICKSHIRE)[0]) + 1
            gaps = np.diff(ordered.to_numpy())
            need(position == rank and gaps.min() > 0 and gaps[position - 2:position].min() > 0.01 * rates[WARWICKSHIRE],
                 f"S8 national rank {rank} to {end} (population {year})")
        rates = _vehicle_rates(frames, "2023-06", year)
        group = rates[peers]
        total = frames["volumes"].pipe(_series, "vehicle_crime")["2022-07":"2023-06"].sum()
        lo = _poisson_lower(total) * 1000 / frames["population"].set_index([schema.FORCE, schema.YEAR]).loc[
            (WARWICKSHIRE, year), schema.POPULATION]
        need(rates[WARWICKSHIRE] > group.mean() + group.std(ddof=1) and lo > group.mean(),
             f"S8 MSG outlier (population {year})")
    # S9
    sv = frames["survey"].set_index(schema.MONTH)
    valid = sv[schema.RESPONSES] - sv.get(schema.DONT_KNOW, 0)  # "don't know" leaves the denominator
    sat = sv[schema.SATISFIED].rolling(6).sum()
    resp = valid.rolling(6).sum()
    roll = sat / resp
    need(round(100 * roll["2023-06"]) == 77 and _wilson_upper(sat["2023-06"], resp["2023-06"]) < SATISFACTION_TARGET,
         "S9 77% and below the target")
    falls = roll["2022-12":"2023-06"].to_numpy()
    need(bool((np.diff(falls) < 0).all()), "S9 six consecutive falls")
    need(round(100 * roll["2022-12"]) == 83 and roll["2022-07":"2023-06"].idxmax() == "2022-12", "S9 high in December")
    need(bool(valid.between(*SURVEY_RESPONSES).all()), "S9 valid responses 200-260 a month")
    return fails


def _poisson_lower(k: int, level: float = 0.95) -> float:
    """Exact (Garwood) lower limit of a Poisson count, by bisection on the Poisson CDF (no scipy needed here)."""
    alpha = (1 - level) / 2
    lo, hi = 0.0, float(k)
    for _ in range(100):
        mid = (lo + hi) / 2
        terms = np.exp(-mid + np.arange(k) * np.log(mid) - np.cumsum(np.log(np.maximum(np.arange(k), 1)))) \
            if mid > 0 else np.zeros(k)
        # P(X >= k | mid) = 1 - P(X <= k - 1)
        if 1 - terms.sum() < alpha:
            lo = mid
        else:
            hi = mid
    return lo
