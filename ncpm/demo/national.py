"""The other 42 forces' synthetic force-level series, every force's mid-year population and the illustrative Most
Similar Groups (MSGs): magnitudes scaled by population and an urban index, vehicle crime placed around
Warwickshire's rate so that its national rank and MSG statements (S8) hold. SYNTHETIC: the MSGs are not the Home
Office's groups."""

from __future__ import annotations

import numpy as np

from ncpm.core.forces import CITY_OF_LONDON, territorial_forces
from ncpm.demo.shapes import apportion, component_rng, expected_counts
from ncpm.demo.targets import (
    WARWICKSHIRE,
    month_index,
)

MSG_VERSION = "illustrative-2023"
POPULATION_YEARS = tuple(range(2018, 2024))
NATIONAL_MEASURES = ("homicide", "violence_with_injury", "robbery_personal", "burglary_residential",
                     "theft_from_person", "vehicle_crime", "possession_of_weapons", "drug_offences")

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



def force_populations(seed: int) -> dict[str, dict[int, int]]:
    """Mid-year populations 2018-2023 per force: the mid-2020 size with a steady yearly growth."""
    rng = component_rng(seed, 4, 0)
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


def national_series(seed: int, populations: dict[str, dict[int, int]],
              warwickshire_vehicle: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Force-level series for every other force; vehicle crime placed around Warwickshire's rate (S8)."""
    june, march = month_index("2023-06"), month_index("2023-03")
    w_june = _window_total(warwickshire_vehicle, june) / populations[WARWICKSHIRE][2023]
    w_march = _window_total(warwickshire_vehicle, march) / populations[WARWICKSHIRE][2023]
    others = [f for f in territorial_forces() if f != WARWICKSHIRE]
    below = [f for f in others if f not in VEHICLE_ALWAYS_ABOVE and f not in VEHICLE_OVERTAKING]
    rng = component_rng(seed, 5, 0)
    # vehicle crime rate relative to Warwickshire's (12 months to June 2023): clearly below, above, or overtaking
    factors = {f: 0.42 + 0.42 * FORCE_PROFILE[f][1] + 0.06 * rng.random() for f in below}
    factors.update({f: min(0.86, x) for f, x in factors.items()})
    factors.update({f: 1.15 + 0.35 * rng.random() for f in VEHICLE_ALWAYS_ABOVE})
    factors[CITY_OF_LONDON] = 2.5  # a tiny resident population: very high rates per 1,000 residents
    out: dict[str, dict[str, np.ndarray]] = {}
    for i, force in enumerate(others):
        rng = component_rng(seed, 6, i)
        population, urban = populations[force][2020], FORCE_PROFILE[force][1]
        series = {}
        for measure in NATIONAL_MEASURES:
            if force == CITY_OF_LONDON:
                level = CITY_MONTHLY[measure]
            else:
                rate = NATIONAL_RATE[measure] * np.exp(URBAN_GRADIENT[measure] * (urban - 0.4))
                level = rate * population / 1000 / 12 * float(np.exp(0.15 * rng.standard_normal()))
            mean = expected_counts(level, measure)
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
    scaled[spring_22] = apportion(want_march, scaled[spring_22])
    scaled[spring_23] = apportion(want_june, scaled[spring_23])
    return scaled



def msg_groups(populations: dict[str, dict[int, int]]) -> list[tuple[str, str]]:
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
