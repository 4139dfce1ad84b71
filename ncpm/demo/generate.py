"""The embedded synthetic demo dataset: a deterministic, seeded generator of illustrative police data.

SYNTHETIC. Nothing here is real police data. The generator draws seasonal Poisson series for the 43 territorial
forces of England and Wales (April 2019 to June 2023, force level, magnitudes scaled by population), and for
Warwickshire also by local policing area (LPA: North, East, South), with "action taken" outcomes, a domestic abuse
victim satisfaction survey, mid-year populations and an illustrative Most Similar Group (MSG) for every force.

It is calibrated so that the methods of METHODS.md, computed from it, regenerate the statements S1-S9 of the
Warwickshire PCC's National Crime and Policing Measures report for Q1 2023/24 (September 2023, Appendix B).
The calibration targets (:mod:`ncpm.demo.targets`) are the only place those numbers are written: the library
computes them from the data. The generator imposes them, tuning a few months with the calibration oracle's own
arithmetic (:mod:`ncpm.demo.calibrate`, which re-implements the methods independently), and :func:`generate_demo`
re-checks every target (:func:`~ncpm.demo.calibrate.calibration_failures`) and raises when one fails, so a bad seed
or a careless edit cannot ship. The MSG groups are illustrative, not the Home Office's groups.

Files (canonical frames of ``ncpm.core.schema``): volumes.csv, outcomes.csv, survey.csv, population.csv, msg.csv.

>>> frames = generate_demo()
>>> sorted(frames)
['msg', 'outcomes', 'population', 'survey', 'volumes']
>>> v = frames["volumes"]
>>> int(v[(v.force == "Warwickshire") & (v.area == "Force") & (v.measure == "knife_crime")
...       & (v.month == "2023-05")]["count"].iloc[0])
50

Regenerate the committed files byte for byte: ``python -m ncpm.demo.generate data/raw/demo`` (or ``ncpm demo-data``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.forces import CITY_OF_LONDON, territorial_forces
from ncpm.demo.calibrate import calibration_failures, same_month_baseline, z_score
from ncpm.demo.targets import (
    ACTION_TAKEN,
    BURGLARY_ACTION_MAY,
    BURGLARY_MAY,
    BURGLARY_Z,
    FIREARMS_JUNE,
    FIREARMS_Q1,
    HOMICIDE_H1_2022,
    HOMICIDE_H1_2023,
    KNIFE_MAY,
    LPAS,
    MONTH_LABELS,
    MONTHS,
    MOTORCYCLE_NORTH_JUNE,
    ROBBERY_ACTION_MAY,
    ROBBERY_JUNE,
    ROBBERY_KNIFE_JUNE,
    ROBBERY_MAY,
    SATISFACTION_HIGH,
    SATISFACTION_JUNE,
    SUB_MEASURES,
    SURVEY_RESPONSES,
    TFP_PICKPOCKET_SHARE_Q1,
    TFP_Q1,
    VEHICLE_ACTION_MAY,
    VEHICLE_JUNE,
    VEHICLE_JUNE_LAST_YEAR,
    VEHICLE_MAY,
    VEHICLE_SURGE,
    VEHICLE_SURGE_MONTHS,
    VWI_ACTION_MAY,
    VWI_JUNE,
    VWI_JUNE_LAST_YEAR,
    VWI_MAY,
    VWI_RISE_SPLIT,
    VWI_YOY_SPLIT,
    WARWICKSHIRE,
    month_index,
)

DEMO_SEED = 20230930
SURVEY_ID = "da_whole_experience"
MSG_VERSION = "illustrative-2023"
POPULATION_YEARS = tuple(range(2018, 2024))
FILES = ("volumes", "outcomes", "survey", "population", "msg")

# Home Office outcome types drawn: the action-taken set (ncpm.demo.targets), 22 (diversionary, opt-in) and the
# no-further-action types.
OUTCOME_TYPES = (*ACTION_TAKEN, "22", "10", "14", "15", "16", "18")

NATIONAL_MEASURES = ("homicide", "violence_with_injury", "robbery_personal", "burglary_residential",
                     "theft_from_person", "vehicle_crime", "possession_of_weapons", "drug_offences")
WARWICKSHIRE_MEASURES = (*NATIONAL_MEASURES, "firearms", "knife_crime", "robbery_personal_knife",
                         "theft_from_person_pickpocket", "vehicle_motorcycle_theft")
OUTCOME_MEASURES = ("violence_with_injury", "robbery_personal", "burglary_residential", "vehicle_crime",
                    "theft_from_person", "possession_of_weapons", "drug_offences")

# Illustrative MSG for Warwickshire (plausible shire forces; NOT the Home Office's group).
WARWICKSHIRE_PEERS = ("Bedfordshire", "Cambridgeshire", "Hertfordshire", "Leicestershire", "Northamptonshire",
                      "Staffordshire", "West Mercia")
# Forces whose vehicle crime rate is above Warwickshire's in both 12-month windows, and those that pass it.
VEHICLE_ALWAYS_ABOVE = (CITY_OF_LONDON, "Metropolitan Police", "West Midlands", "Greater Manchester",
                        "West Yorkshire")
VEHICLE_OVERTAKING = ("Cleveland", "Nottinghamshire")

# --- realistic magnitudes ------------------------------------------------------------------------------------
# Mid-2020 resident population in thousands (rounded, approximate; synthetic but of the right size) and an
# urban index in [0, 1] that scales urban-concentrated crime and places forces for the illustrative MSGs.
FORCE_PROFILE = {
    "Avon and Somerset": (1720, 0.50), "Bedfordshire": (680, 0.55), "Cambridgeshire": (860, 0.40),
    "Cheshire": (1070, 0.40), CITY_OF_LONDON: (10, 1.00), "Cleveland": (570, 0.60), "Cumbria": (500, 0.15),
    "Derbyshire": (1060, 0.40), "Devon and Cornwall": (1790, 0.30), "Dorset": (775, 0.35), "Durham": (640, 0.35),
    "Dyfed-Powys": (520, 0.10), "Essex": (1860, 0.45), "Gloucestershire": (640, 0.35),
    "Greater Manchester": (2850, 0.85), "Gwent": (600, 0.40), "Hampshire": (2010, 0.45),
    "Hertfordshire": (1190, 0.50), "Humberside": (935, 0.45), "Kent": (1870, 0.45), "Lancashire": (1510, 0.50),
    "Leicestershire": (1110, 0.50), "Lincolnshire": (770, 0.25), "Merseyside": (1430, 0.80),
    "Metropolitan Police": (8960, 1.00), "Norfolk": (910, 0.30), "North Wales": (700, 0.20),
    "North Yorkshire": (830, 0.20), "Northamptonshire": (760, 0.45), "Northumbria": (1470, 0.65),
    "Nottinghamshire": (1160, 0.55), "South Wales": (1340, 0.55), "South Yorkshire": (1410, 0.65),
    "Staffordshire": (1140, 0.40), "Suffolk": (760, 0.30), "Surrey": (1200, 0.45), "Sussex": (1720, 0.45),
    "Thames Valley": (2430, 0.50), WARWICKSHIRE: (584, 0.40), "West Mercia": (1300, 0.30),
    "West Midlands": (2940, 0.90), "West Yorkshire": (2330, 0.75), "Wiltshire": (730, 0.30),
}
# England and Wales recorded crime per 1,000 population a year (pre-pandemic, approximate), and how strongly each
# measure concentrates in urban forces (rate multiplier exp(k * (urban - 0.4))).
NATIONAL_RATE = {"homicide": 0.009, "violence_with_injury": 8.6, "robbery_personal": 0.75,
                 "burglary_residential": 3.4, "theft_from_person": 1.0, "vehicle_crime": 6.5,
                 "possession_of_weapons": 0.75, "drug_offences": 2.9}
URBAN_GRADIENT = {"homicide": 0.8, "violence_with_injury": 0.25, "robbery_personal": 2.2,
                  "burglary_residential": 0.6, "theft_from_person": 2.4, "vehicle_crime": 0.8,
                  "possession_of_weapons": 0.7, "drug_offences": 0.5}
# City of London: a tiny resident population with a large daytime one; monthly levels set directly.
CITY_MONTHLY = {"homicide": 0.03, "violence_with_injury": 38.0, "robbery_personal": 7.0,
                "burglary_residential": 1.5, "theft_from_person": 55.0, "vehicle_crime": 16.0,
                "possession_of_weapons": 4.0, "drug_offences": 45.0}

# Seasonal multipliers, January to December (mean about 1).
SEASONS = {
    "flat": (1.0,) * 12,
    "summer": (0.90, 0.86, 0.95, 0.97, 1.03, 1.06, 1.13, 1.09, 1.02, 1.01, 0.97, 1.01),
    "mild_summer": (0.95, 0.92, 0.97, 0.99, 1.02, 1.04, 1.07, 1.05, 1.01, 1.0, 0.98, 1.0),
    "winter": (1.10, 1.00, 0.98, 0.92, 0.90, 0.87, 0.90, 0.92, 0.95, 1.08, 1.18, 1.20),
    "vehicle": (1.05, 0.95, 0.98, 0.94, 0.96, 0.97, 0.98, 1.00, 1.00, 1.05, 1.10, 1.07),
    "robbery": (1.02, 0.92, 0.95, 0.93, 0.96, 0.95, 0.97, 0.98, 1.00, 1.07, 1.12, 1.13),
    "christmas": (1.00, 0.90, 0.95, 0.95, 1.00, 1.00, 1.02, 1.02, 0.98, 1.00, 1.08, 1.10),
}
# The pandemic: restrictions April 2020 to March 2021 (deepest in the first and third lockdowns).
PANDEMIC = {"2020-04": 0.62, "2020-05": 0.70, "2020-06": 0.80, "2020-07": 0.88, "2020-08": 0.92,
            "2020-09": 0.92, "2020-10": 0.90, "2020-11": 0.80, "2020-12": 0.88, "2021-01": 0.72,
            "2021-02": 0.74, "2021-03": 0.84}
# Per measure: season, sensitivity to the pandemic (exponent; negative = rose, as proactive drug and weapon
# policing did), yearly growth.
SHAPE = {
    "homicide": ("flat", 0.3, 0.0), "firearms": ("mild_summer", 0.5, 0.0),
    "knife_crime": ("mild_summer", 0.6, 0.03), "violence_with_injury": ("summer", 0.8, 0.02),
    "robbery_personal": ("robbery", 1.2, 0.0), "possession_of_weapons": ("flat", -0.3, 0.02),
    "drug_offences": ("flat", -0.8, -0.03), "burglary_residential": ("winter", 1.0, -0.08),
    "theft_from_person": ("christmas", 2.0, -0.02), "vehicle_crime": ("vehicle", 0.1, 0.0),
}
# Warwickshire (whole force) monthly level at April 2019, and the LPA shares (North, East, South).
WARWICKSHIRE_LEVEL = {"homicide": 0.45, "firearms": 4.0, "knife_crime": 27.0, "violence_with_injury": 368.0,
                      "robbery_personal": 30.0, "possession_of_weapons": 42.0, "drug_offences": 105.0,
                      "burglary_residential": 150.0, "theft_from_person": 20.0, "vehicle_crime": 316.0}
LPA_SHARES = {"homicide": (0.40, 0.28, 0.32), "firearms": (0.45, 0.30, 0.25),
              "knife_crime": (0.45, 0.30, 0.25), "violence_with_injury": (0.41, 0.29, 0.30),
              "robbery_personal": (0.42, 0.30, 0.28), "possession_of_weapons": (0.42, 0.30, 0.28),
              "drug_offences": (0.40, 0.30, 0.30), "burglary_residential": (0.36, 0.30, 0.34),
              "theft_from_person": (0.30, 0.25, 0.45), "vehicle_crime": (0.34, 0.34, 0.32)}
# Outcome-type probabilities per measure (share of offences getting each outcome in a month).
OUTCOME_MIX = {
    "violence_with_injury": {"1": 0.045, "1A": 0.004, "2": 0.004, "2A": 0.001, "3": 0.008, "4": 0.0005,
                             "6": 0.0005, "7": 0.0, "8": 0.011, "22": 0.003, "10": 0.01, "14": 0.06,
                             "15": 0.20, "16": 0.42, "18": 0.09},
    "robbery_personal": {"1": 0.035, "1A": 0.003, "2": 0.004, "2A": 0.001, "3": 0.001, "4": 0.001, "6": 0.0,
                         "7": 0.0, "8": 0.004, "22": 0.001, "10": 0.005, "14": 0.12, "15": 0.15, "16": 0.18,
                         "18": 0.42},
    "burglary_residential": {"1": 0.03, "1A": 0.002, "2": 0.002, "2A": 0.0, "3": 0.002, "4": 0.006, "6": 0.0,
                             "7": 0.0, "8": 0.003, "22": 0.001, "10": 0.004, "14": 0.10, "15": 0.10,
                             "16": 0.06, "18": 0.60},
    "vehicle_crime": {"1": 0.010, "1A": 0.001, "2": 0.001, "2A": 0.0, "3": 0.001, "4": 0.002, "6": 0.0, "7": 0.0,
                      "8": 0.001, "22": 0.0005, "10": 0.002, "14": 0.09, "15": 0.03, "16": 0.03, "18": 0.76},
    "theft_from_person": {"1": 0.025, "1A": 0.002, "2": 0.002, "2A": 0.0, "3": 0.003, "4": 0.002, "6": 0.0,
                          "7": 0.0, "8": 0.005, "22": 0.001, "10": 0.003, "14": 0.12, "15": 0.08, "16": 0.08,
                          "18": 0.62},
    "possession_of_weapons": {"1": 0.48, "1A": 0.01, "2": 0.04, "2A": 0.01, "3": 0.08, "4": 0.0, "6": 0.0,
                              "7": 0.0, "8": 0.05, "22": 0.02, "10": 0.03, "14": 0.01, "15": 0.12, "16": 0.01,
                              "18": 0.01},
    "drug_offences": {"1": 0.30, "1A": 0.01, "2": 0.03, "2A": 0.01, "3": 0.05, "4": 0.0, "6": 0.02, "7": 0.18,
                      "8": 0.14, "22": 0.06, "10": 0.04, "14": 0.0, "15": 0.05, "16": 0.0, "18": 0.0},
}
SURVEY_DONT_KNOW = 0.03  # share of the domestic abuse survey's responses that are "don't know"


def _rng(seed: int, *key: int) -> np.random.Generator:
    """An independent generator per component, so that tuning one series does not reshuffle the others."""
    return np.random.default_rng([seed, *key])


def _apportion(total: int, weights) -> np.ndarray:
    """Split a whole number by weights (largest remainder; ties to the earlier part): integers summing to total."""
    w = np.asarray(weights, dtype=float)
    w = np.ones_like(w) if w.sum() <= 0 else w
    exact = total * w / w.sum()
    out = np.floor(exact).astype(np.int64)
    rest = int(total - out.sum())
    order = np.argsort(-(exact - out), kind="stable")
    out[order[:rest]] += 1
    return out


def _expected(level: float, measure: str) -> np.ndarray:
    """Monthly expected counts: level x growth x season x pandemic."""
    season, sensitivity, growth = SHAPE[measure]
    years = np.arange(len(MONTHS)) / 12.0
    seasonal = np.array([SEASONS[season][m.month - 1] for m in MONTHS])
    pandemic = np.array([PANDEMIC.get(label, 1.0) for label in MONTH_LABELS]) ** sensitivity
    return level * (1.0 + growth) ** years * seasonal * pandemic


def _lpa_split(rng: np.random.Generator, totals: np.ndarray, shares) -> np.ndarray:
    """Split force totals into the three LPAs (multinomial per month): array (3, months)."""
    out = np.zeros((3, len(totals)), dtype=np.int64)
    p = np.asarray(shares, dtype=float) / np.sum(shares)
    for t, n in enumerate(totals):
        out[:, t] = rng.multinomial(int(n), p)
    return out


def _set_force(lpa: np.ndarray, t: int, total: int, split=None) -> None:
    """Set the force total of month t, split as given or in proportion to the LPAs' current counts."""
    lpa[:, t] = np.asarray(split, dtype=np.int64) if split is not None else _apportion(total, lpa[:, t] + 0.5)
    assert lpa[:, t].sum() == total


def _warwickshire(seed: int) -> dict[str, np.ndarray]:
    """Warwickshire's LPA series (3 x months) for every measure, with the S1-S9 calibration imposed."""
    out: dict[str, np.ndarray] = {}
    for i, measure in enumerate(WARWICKSHIRE_LEVEL):
        rng = _rng(seed, 1, i)
        mean = _expected(WARWICKSHIRE_LEVEL[measure], measure)
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
    _set_force(f, month_index("2023-06"), FIREARMS_JUNE, _apportion(FIREARMS_JUNE, LPA_SHARES["firearms"]))
    early = _apportion(FIREARMS_Q1 - FIREARMS_JUNE, [f[:, month_index("2023-04")].sum() + 0.5, f[:, month_index("2023-05")].sum()])
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
    for t, extra in zip(summer, _apportion(max(int(short), 0), [v[:, t].sum() for t in summer]), strict=True):
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
        rng = _rng(seed, 2, j)
        out[sub] = rng.binomial(out[parent], share)
    rk = out["robbery_personal_knife"]
    rk[:, june] = _apportion(ROBBERY_KNIFE_JUNE, out["robbery_personal"][:, june])
    pp = out["theft_from_person_pickpocket"]
    rng = _rng(seed, 3, 0)
    for t in q1:
        pp[:, t] = rng.binomial(p[:, t], TFP_PICKPOCKET_SHARE_Q1)
    for a in range(3):
        while 2 * pp[a, q1].sum() <= p[a, q1].sum() + 1:
            t = q1[int(np.argmax(p[a, q1] - pp[a, q1]))]
            pp[a, t] += 1
    mc = out["vehicle_motorcycle_theft"]
    mc[0, june] = MOTORCYCLE_NORTH_JUNE
    return out


def _populations(seed: int) -> dict[str, dict[int, int]]:
    """Mid-year populations 2018-2023 per force: the mid-2020 size with a steady yearly growth."""
    rng = _rng(seed, 4, 0)
    out = {}
    for name in territorial_forces():
        base, _ = FORCE_PROFILE[name]
        growth = 0.0035 + 0.006 * rng.random()
        out[name] = {year: int(round(base * 1000 * (1 + growth) ** (year - 2020) / 10) * 10)
                     for year in POPULATION_YEARS}
    out[CITY_OF_LONDON] = {year: 8600 + 150 * (year - 2018) for year in POPULATION_YEARS}
    return out


def _window_total(series: np.ndarray, end: int) -> int:
    return int(series[end - 11:end + 1].sum())


def _national(seed: int, populations: dict[str, dict[int, int]],
              warwickshire_vehicle: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Force-level series for every other force; vehicle crime placed around Warwickshire's rate (S8)."""
    june, march = month_index("2023-06"), month_index("2023-03")
    w_june = _window_total(warwickshire_vehicle, june) / populations[WARWICKSHIRE][2023]
    w_march = _window_total(warwickshire_vehicle, march) / populations[WARWICKSHIRE][2023]
    others = [f for f in territorial_forces() if f != WARWICKSHIRE]
    below = [f for f in others if f not in VEHICLE_ALWAYS_ABOVE and f not in VEHICLE_OVERTAKING]
    rng = _rng(seed, 5, 0)
    # vehicle crime rate relative to Warwickshire's (12 months to June 2023): clearly below, above, or overtaking
    factors = {f: 0.42 + 0.42 * FORCE_PROFILE[f][1] + 0.06 * rng.random() for f in below}
    factors.update({f: min(0.86, x) for f, x in factors.items()})
    factors.update({f: 1.15 + 0.35 * rng.random() for f in VEHICLE_ALWAYS_ABOVE})
    factors[CITY_OF_LONDON] = 2.5  # a tiny resident population: very high rates per 1,000 residents
    out: dict[str, dict[str, np.ndarray]] = {}
    for i, force in enumerate(others):
        rng = _rng(seed, 6, i)
        population, urban = populations[force][2020], FORCE_PROFILE[force][1]
        series = {}
        for measure in NATIONAL_MEASURES:
            if force == CITY_OF_LONDON:
                level = CITY_MONTHLY[measure]
            else:
                rate = NATIONAL_RATE[measure] * np.exp(URBAN_GRADIENT[measure] * (urban - 0.4))
                level = rate * population / 1000 / 12 * float(np.exp(0.15 * rng.standard_normal()))
            mean = _expected(level, measure)
            if measure == "vehicle_crime" and force not in VEHICLE_OVERTAKING:
                target = factors[force] * w_june * populations[force][2023]
                mean = mean * target / _window_total(mean, june)
            series[measure] = rng.poisson(mean)
        if force in VEHICLE_OVERTAKING:
            margin = 0.025 + 0.02 * VEHICLE_OVERTAKING.index(force)
            series["vehicle_crime"] = _overtaking(series["vehicle_crime"], populations[force][2023],
                                                  w_june, w_march, margin, rng)
        out[force] = series
    return out


def _overtaking(series: np.ndarray, population: int, w_june: float, w_march: float, margin: float,
                rng: np.random.Generator) -> np.ndarray:
    """Rescale a force's vehicle crime to sit just below Warwickshire's rate to March 2023 and above it to June."""
    june, march = month_index("2023-06"), month_index("2023-03")
    mid = np.sqrt(w_june * w_march)
    scaled = rng.poisson(series * mid * population / max(_window_total(series, june), 1))
    spring_22 = slice(march - 11, march - 8)    # April-June 2022: only in the window to March 2023
    spring_23 = slice(june - 2, june + 1)       # April-June 2023: only in the window to June 2023
    shared = int(scaled[march - 8:march + 1].sum())
    want_march = int(round(w_march * (1 - margin) * population)) - shared
    want_june = int(round(w_june * (1 + margin) * population)) - shared
    scaled[spring_22] = _apportion(want_march, scaled[spring_22])
    scaled[spring_23] = _apportion(want_june, scaled[spring_23])
    return scaled


def _outcomes(seed: int, war: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outcome counts per measure: array (3 LPAs, months, outcome types), action-taken May 2023 calibrated."""
    targets = {"violence_with_injury": VWI_ACTION_MAY, "robbery_personal": ROBBERY_ACTION_MAY,
               "burglary_residential": BURGLARY_ACTION_MAY, "vehicle_crime": VEHICLE_ACTION_MAY}
    action = np.array([o in ACTION_TAKEN for o in OUTCOME_TYPES])
    may = month_index("2023-05")
    out = {}
    for i, measure in enumerate(OUTCOME_MEASURES):
        rng = _rng(seed, 7, i)
        probs = np.array([OUTCOME_MIX[measure][o] for o in OUTCOME_TYPES])
        probs = np.append(probs, max(0.0, 1.0 - probs.sum()))  # still under investigation: not counted
        counts = np.zeros((3, len(MONTHS), len(OUTCOME_TYPES)), dtype=np.int64)
        for a in range(3):
            for t in range(len(MONTHS)):
                counts[a, t] = rng.multinomial(int(war[measure][a, t]), probs)[:-1]
        if measure in targets:
            # move outcomes, one LPA at a time, between charge/summons and the commonest no-further-action type
            for a in range(3 * 1000):
                missing = targets[measure] - counts[:, may][:, action].sum()
                if missing == 0:
                    break
                row = counts[a % 3, may]
                other = int(np.argmax(np.where(action, -1, row)))
                source = other if missing > 0 else int(np.argmax(np.where(action, row, -1)))
                target = OUTCOME_TYPES.index("1") if missing > 0 else other
                if row[source] > 0:
                    row[source] -= 1
                    row[target] += 1
            else:
                raise ValueError(f"cannot calibrate the action-taken outcomes of {measure}")
        out[measure] = counts
    return out


def _survey(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly responses (valid + don't know), satisfied and don't-know counts (S9 calibrated on the pooled 6-month
    rates of satisfied / valid responses)."""
    rng = _rng(seed, 8, 0)
    n = len(MONTHS)
    valid = rng.integers(SURVEY_RESPONSES[0] + 10, SURVEY_RESPONSES[1] - 10, size=n, endpoint=True)
    dont_know = rng.binomial(valid, SURVEY_DONT_KNOW)
    rate = 0.80 + 0.012 * rng.standard_normal(n)
    rate[month_index("2022-01"):month_index("2022-06") + 1] = 0.785 + 0.006 * rng.standard_normal(6)
    rate[month_index("2022-07"):month_index("2022-12") + 1] = np.linspace(0.826, 0.836, 6) + 0.003 * rng.standard_normal(6)
    rate[month_index("2023-01"):month_index("2023-06") + 1] = np.linspace(0.776, 0.764, 6)
    satisfied = np.round(rate * valid).astype(np.int64)
    for end, target in ((month_index("2022-12"), SATISFACTION_HIGH + 0.001), (month_index("2023-06"), SATISFACTION_JUNE - 0.001)):
        window = slice(end - 5, end + 1)
        want = int(round(target * valid[window].sum()))
        satisfied[window] = _apportion(want, satisfied[window])
    return valid + dont_know, satisfied, dont_know


def _msg(populations: dict[str, dict[int, int]]) -> list[tuple[str, str]]:
    """Illustrative MSGs: Warwickshire's named peers; for other forces the 7 nearest in urban index and size."""
    rows = [(WARWICKSHIRE, peer) for peer in WARWICKSHIRE_PEERS]
    candidates = [f for f in territorial_forces() if f != CITY_OF_LONDON]
    for force in territorial_forces():
        if force in (WARWICKSHIRE, CITY_OF_LONDON):
            continue
        u, size = FORCE_PROFILE[force][1], np.log10(populations[force][2020])
        distance = {f: np.hypot(FORCE_PROFILE[f][1] - u, 0.5 * (np.log10(populations[f][2020]) - size))
                    for f in candidates if f != force}
        rows.extend((force, peer) for peer in sorted(distance, key=lambda f: (distance[f], f))[:7])
    return rows


def generate_demo(seed: int = DEMO_SEED, *, check: bool = True) -> dict[str, pd.DataFrame]:
    """The synthetic demo dataset as canonical frames: volumes, outcomes, survey, population, msg.

    Deterministic for a given ``seed`` (numpy ``default_rng``). With ``check`` (the default) every calibration
    target of S1-S9 is re-computed from the frames and a ``ValueError`` lists any that fail.
    """
    war = _warwickshire(seed)
    populations = _populations(seed)
    national = _national(seed, populations, war["vehicle_crime"].sum(axis=0))

    rows = []
    for force, series in national.items():
        for measure, counts in series.items():
            rows.append(pd.DataFrame({schema.FORCE: force, schema.AREA: schema.WHOLE_FORCE,
                                      schema.MEASURE: measure, schema.MONTH: MONTH_LABELS, schema.COUNT: counts}))
    for measure, lpa in war.items():
        for area, counts in zip((schema.WHOLE_FORCE, *LPAS), (lpa.sum(axis=0), *lpa), strict=True):
            rows.append(pd.DataFrame({schema.FORCE: WARWICKSHIRE, schema.AREA: area, schema.MEASURE: measure,
                                      schema.MONTH: MONTH_LABELS, schema.COUNT: counts}))
    volumes = _tidy(pd.concat(rows, ignore_index=True), schema.VOLUMES)

    rows = []
    for measure, counts in _outcomes(seed, war).items():
        for area, block in zip((schema.WHOLE_FORCE, *LPAS), (counts.sum(axis=0), *counts), strict=True):
            rows.append(pd.DataFrame({schema.FORCE: WARWICKSHIRE, schema.AREA: area, schema.MEASURE: measure,
                                      schema.MONTH: np.repeat(MONTH_LABELS, len(OUTCOME_TYPES)),
                                      schema.OUTCOME_TYPE: np.tile(OUTCOME_TYPES, len(MONTHS)),
                                      schema.COUNT: block.reshape(-1)}))
    outcomes = _tidy(pd.concat(rows, ignore_index=True), schema.OUTCOMES)

    responses, satisfied, dont_know = _survey(seed)
    survey = pd.DataFrame({schema.FORCE: WARWICKSHIRE, schema.SURVEY: SURVEY_ID, schema.MONTH: MONTH_LABELS,
                           schema.RESPONSES: responses, schema.SATISFIED: satisfied, schema.DONT_KNOW: dont_know})
    population = pd.DataFrame([(f, y, p) for f, years in populations.items() for y, p in years.items()],
                              columns=[schema.FORCE, schema.YEAR, schema.POPULATION])
    msg = pd.DataFrame([(f, p, MSG_VERSION) for f, p in _msg(populations)],
                       columns=[schema.FORCE, schema.PEER, schema.VERSION])
    frames = {"volumes": volumes, "outcomes": outcomes,
              "survey": _tidy(survey, schema.SURVEY_RESPONSES),
              "population": _tidy(population, schema.POPULATIONS), "msg": _tidy(msg, schema.MSG)}
    if check:
        failures = calibration_failures(frames)
        if failures:
            raise ValueError("demo data misses calibration target(s): " + "; ".join(failures))
    return frames


def _tidy(frame: pd.DataFrame, spec: schema.FrameSpec) -> pd.DataFrame:
    """Sorted on the key, integer counts, text columns as str (months stay "YYYY-MM" text)."""
    out = frame.sort_values(list(spec.key), kind="stable").reset_index(drop=True)
    for c in out.columns:
        out[c] = out[c].astype("int64") if c in (*spec.counts, *spec.optional) else out[c].astype(str)
    return out


def write_demo(out_dir: str | Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write the demo CSVs into ``out_dir`` (created if needed), byte for byte the same for a given seed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    frames = generate_demo(seed)
    for name in FILES:
        path = out_dir / f"{name}.csv"
        frames[name].to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """``python -m ncpm.demo.generate OUT_DIR``: write the demo CSVs into OUT_DIR."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ncpm.demo.generate OUT_DIR", file=sys.stderr)
        return 2
    for path in write_demo(args[0]):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
