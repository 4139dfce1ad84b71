"""Warwickshire's synthetic series by local policing area (North, East, South) for every measure, with the
statements S1-S9 imposed: seasonal Poisson counts split across the LPAs, then a few months tuned with the
calibration oracle's own arithmetic (:mod:`ncpm.demo.calibrate`). SYNTHETIC: nothing here is real police data."""

from __future__ import annotations

import numpy as np

from ncpm.demo.calibrate import same_month_baseline, z_score
from ncpm.demo.shapes import apportion, component_rng, expected_counts
from ncpm.demo.targets import (
    BURGLARY_MAY,
    BURGLARY_Z,
    FIREARMS_JUNE,
    FIREARMS_Q1,
    HOMICIDE_H1_2022,
    HOMICIDE_H1_2023,
    KNIFE_MAY,
    MONTHS,
    MOTORCYCLE_NORTH_JUNE,
    ROBBERY_JUNE,
    ROBBERY_KNIFE_JUNE,
    ROBBERY_MAY,
    SUB_MEASURES,
    TFP_PICKPOCKET_SHARE_Q1,
    TFP_Q1,
    VEHICLE_JUNE,
    VEHICLE_JUNE_LAST_YEAR,
    VEHICLE_MAY,
    VEHICLE_SURGE,
    VEHICLE_SURGE_MONTHS,
    VWI_JUNE,
    VWI_JUNE_LAST_YEAR,
    VWI_MAY,
    VWI_RISE_SPLIT,
    VWI_YOY_SPLIT,
    month_index,
)

# Warwickshire (whole force) monthly level at April 2019, and the LPA shares (North, East, South).
WARWICKSHIRE_LEVEL = {"homicide": 0.45, "firearms": 4.0, "knife_crime": 27.0, "violence_with_injury": 368.0,
                      "robbery_personal": 30.0, "possession_of_weapons": 42.0, "drug_offences": 105.0,
                      "burglary_residential": 150.0, "theft_from_person": 20.0, "vehicle_crime": 316.0}
TFP_SPRING_2021 = (19, 21)  # theft from the person at most this in April and May 2021 (S7's calibrated intervals)
LPA_SHARES = {"homicide": (0.40, 0.28, 0.32), "firearms": (0.45, 0.30, 0.25),
              "knife_crime": (0.45, 0.30, 0.25), "violence_with_injury": (0.41, 0.29, 0.30),
              "robbery_personal": (0.42, 0.30, 0.28), "possession_of_weapons": (0.42, 0.30, 0.28),
              "drug_offences": (0.40, 0.30, 0.30), "burglary_residential": (0.36, 0.30, 0.34),
              "theft_from_person": (0.30, 0.25, 0.45), "vehicle_crime": (0.34, 0.34, 0.32)}


def _lpa_split(rng: np.random.Generator, totals: np.ndarray, shares) -> np.ndarray:
    """Split force totals into the three LPAs (multinomial per month): array (3, months)."""
    out = np.zeros((3, len(totals)), dtype=np.int64)
    p = np.asarray(shares, dtype=float) / np.sum(shares)
    for t, n in enumerate(totals):
        out[:, t] = rng.multinomial(int(n), p)
    return out


def _set_force(lpa: np.ndarray, t: int, total: int, split=None) -> None:
    """Set the force total of month t, split as given or in proportion to the LPAs' current counts."""
    lpa[:, t] = np.asarray(split, dtype=np.int64) if split is not None else apportion(total, lpa[:, t] + 0.5)
    assert lpa[:, t].sum() == total


def warwickshire_series(seed: int) -> dict[str, np.ndarray]:
    """Warwickshire's LPA series (3 x months) for every measure, with the S1-S9 calibration imposed."""
    out: dict[str, np.ndarray] = {}
    for i, measure in enumerate(WARWICKSHIRE_LEVEL):
        rng = component_rng(seed, 1, i)
        mean = expected_counts(WARWICKSHIRE_LEVEL[measure], measure)
        if measure == "vehicle_crime":
            # a rise from summer 2021 that eases in spring 2023
            surge = np.ones(len(MONTHS))
            surge[month_index(VEHICLE_SURGE_MONTHS[0]):month_index(VEHICLE_SURGE_MONTHS[1]) + 1] = VEHICLE_SURGE
            surge[month_index("2023-04")] = (1 + VEHICLE_SURGE) / 2
            mean = mean * surge
        totals = rng.poisson(mean)
        out[measure] = _lpa_split(rng, totals, LPA_SHARES[measure])

    # S1 homicide: none in June 2023, one in January-June 2023, two in January-June 2022.
    h = out["homicide"]
    for t in range(month_index("2022-01"), month_index("2022-06") + 1):
        h[:, t] = 0
    for t in range(month_index("2023-01"), month_index("2023-06") + 1):
        h[:, t] = 0
    h[0, month_index("2022-02")], h[2, month_index("2022-05")] = 1, HOMICIDE_H1_2022 - 1
    h[1, month_index("2023-03")] = HOMICIDE_H1_2023

    # S2 firearms: 26 in Q1 2023/24, 17 of them in June.
    f = out["firearms"]
    _set_force(f, month_index("2023-06"), FIREARMS_JUNE, apportion(FIREARMS_JUNE, LPA_SHARES["firearms"]))
    early = apportion(FIREARMS_Q1 - FIREARMS_JUNE, [f[:, month_index("2023-04")].sum() + 0.5, f[:, month_index("2023-05")].sum()])
    _set_force(f, month_index("2023-04"), int(early[0]))
    _set_force(f, month_index("2023-05"), int(early[1]))

    # S3 knife crime: 50 in May 2023, the highest of the last 12 months, substantially above the 3-year average.
    k = out["knife_crime"]
    may = month_index("2023-05")
    _set_force(k, may, KNIFE_MAY)
    for t in range(may - 11, may):
        if k[:, t].sum() >= KNIFE_MAY - 5:
            _set_force(k, t, KNIFE_MAY - 6 - t % 4)
    force = k.sum(axis=0)
    while z_score(KNIFE_MAY, same_month_baseline(force, may)) < 3.2:
        worst = max((may - 12, may - 24, may - 36), key=lambda s: force[s])
        _set_force(k, worst, int(force[worst]) - 1)
        force = k.sum(axis=0)

    # S4 violence with injury: 481 in June 2023, up 12% on June 2022 (12.6% on May), the highest in 3 years.
    v = out["violence_with_injury"]
    june, last_june = month_index("2023-06"), month_index("2022-06")
    _set_force(v, may, VWI_MAY)
    _set_force(v, june, VWI_JUNE, v[:, may] + np.array(VWI_RISE_SPLIT))
    _set_force(v, last_june, VWI_JUNE_LAST_YEAR, v[:, june] - np.array(VWI_YOY_SPLIT))
    for t in range(june - 35, june):
        if v[:, t].sum() > VWI_JUNE - 12:
            _set_force(v, t, VWI_JUNE - 12 - t % 5)
    # every summer peaks: July-September 2022 above April-June 2023 (so even a seasonal naive forecast rises)
    summer = range(last_june + 1, last_june + 4)
    short = v[:, june - 2:june + 1].sum() + 15 - sum(v[:, t].sum() for t in summer)
    for t, extra in zip(summer, apportion(max(int(short), 0), [v[:, t].sum() for t in summer]), strict=True):
        _set_force(v, t, min(int(v[:, t].sum() + extra), VWI_JUNE - 12 - t % 5))

    # S5 robbery: June 2023 30 (10 with a knife), in line with the 3-year average; May 2023 31.
    r = out["robbery_personal"]
    _set_force(r, may, ROBBERY_MAY)
    _set_force(r, june, ROBBERY_JUNE)
    force = r.sum(axis=0)
    while abs(z_score(ROBBERY_JUNE, same_month_baseline(force, june))) > 1.0:
        far = max((june - 12, june - 24, june - 36), key=lambda s: abs(force[s] - ROBBERY_JUNE))
        _set_force(r, far, int(force[far]) + (1 if force[far] < ROBBERY_JUNE else -1))
        force = r.sum(axis=0)

    # S6 burglary: June 2023 below the 3-year average (z about -2.4), the second lowest of 12 months.
    b = out["burglary_residential"]
    _set_force(b, may, BURGLARY_MAY)
    force = b.sum(axis=0)
    baseline = same_month_baseline(force, june)
    low = int(round(baseline + BURGLARY_Z * np.sqrt(baseline)))
    _set_force(b, june, low)
    _set_force(b, month_index("2023-04"), low - 4)
    for t in range(june - 11, june):
        if t != month_index("2023-04") and b[:, t].sum() <= low + 1:
            _set_force(b, t, low + 2 + t % 3)

    # S7 theft from the person: a stable, high Q1 2023/24 above the preceding six months.
    p = out["theft_from_person"]
    q1 = [month_index("2023-04"), may, june]
    for t, n in zip(q1, TFP_Q1, strict=True):
        _set_force(p, t, n)
    for t in (*range(q1[0] - 6, q1[0]), *(t - 12 for t in q1)):
        if p[:, t].sum() >= min(TFP_Q1) - 14:
            _set_force(p, t, min(TFP_Q1) - 15 - t % 3)
    # ... and a gradual recovery after the third lockdown, so that the forecasts made in 2021 were not far out
    for t, n in zip((month_index("2021-04"), month_index("2021-05")), TFP_SPRING_2021, strict=True):
        _set_force(p, t, min(int(p[:, t].sum()), n))

    # S8 vehicle crime: North up 23 to 126, East and South down; June 2022 a peak; June 2023 back in line with the
    # 3-year average.
    c = out["vehicle_crime"]
    _set_force(c, may, sum(VEHICLE_MAY), VEHICLE_MAY)
    _set_force(c, june, sum(VEHICLE_JUNE), VEHICLE_JUNE)
    _set_force(c, month_index("2023-04"), sum(VEHICLE_MAY))  # the rise eased in April: June the lowest of 12 months
    _set_force(c, last_june, VEHICLE_JUNE_LAST_YEAR)
    force = c.sum(axis=0)
    while abs(z_score(sum(VEHICLE_JUNE), same_month_baseline(force, june))) > 1.2:
        step = -1 if same_month_baseline(force, june) > sum(VEHICLE_JUNE) else 1
        t = max((june - 24, june - 36), key=lambda s: -step * force[s])
        _set_force(c, t, int(force[t]) + step)
        force = c.sum(axis=0)
    # ... "back" in line: May 2023 above its 3-year average (May 2020 and 2021 lowered, the higher first)
    while z_score(sum(VEHICLE_MAY), same_month_baseline(force, may)) < 2.2:
        t = max((may - 24, may - 36), key=lambda s: force[s])
        _set_force(c, t, int(force[t]) - 1)
        force = c.sum(axis=0)

    # Sub-measures: binomial thinning of the parent, then the calibrated months.
    for j, (sub, (parent, share)) in enumerate(SUB_MEASURES.items()):
        rng = component_rng(seed, 2, j)
        out[sub] = rng.binomial(out[parent], share)
    rk = out["robbery_personal_knife"]
    rk[:, june] = apportion(ROBBERY_KNIFE_JUNE, out["robbery_personal"][:, june])
    pp = out["theft_from_person_pickpocket"]
    rng = component_rng(seed, 3, 0)
    for t in q1:
        pp[:, t] = rng.binomial(p[:, t], TFP_PICKPOCKET_SHARE_Q1)
    for a in range(3):
        while 2 * pp[a, q1].sum() <= p[a, q1].sum() + 1:
            t = q1[int(np.argmax(p[a, q1] - pp[a, q1]))]
            pp[a, t] += 1
    mc = out["vehicle_motorcycle_theft"]
    mc[0, june] = MOTORCYCLE_NORTH_JUNE
    return out
