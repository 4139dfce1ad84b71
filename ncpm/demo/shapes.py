"""The shapes the synthetic demo series are drawn from: seasonal multipliers, the pandemic's dip, each measure's
sensitivity to it and yearly growth, and the small helpers every part of the generator uses (an independent random
generator per component, whole-number apportioning). SYNTHETIC: illustrative magnitudes, not police data."""

from __future__ import annotations

import numpy as np

from ncpm.demo.targets import MONTH_LABELS, MONTHS

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


def component_rng(seed: int, *key: int) -> np.random.Generator:
    """An independent generator per component, so that tuning one series does not reshuffle the others."""
    return np.random.default_rng([seed, *key])


def apportion(total: int, weights) -> np.ndarray:
    """Split a whole number by weights (largest remainder; ties to the earlier part): integers summing to total."""
    w = np.asarray(weights, dtype=float)
    w = np.ones_like(w) if w.sum() <= 0 else w
    exact = total * w / w.sum()
    out = np.floor(exact).astype(np.int64)
    rest = int(total - out.sum())
    order = np.argsort(-(exact - out), kind="stable")
    out[order[:rest]] += 1
    return out


def expected_counts(level: float, measure: str) -> np.ndarray:
    """Monthly expected counts: level x growth x season x pandemic."""
    season, sensitivity, growth = SHAPE[measure]
    years = np.arange(len(MONTHS)) / 12.0
    seasonal = np.array([SEASONS[season][m.month - 1] for m in MONTHS])
    pandemic = np.array([PANDEMIC.get(label, 1.0) for label in MONTH_LABELS]) ** sensitivity
    return level * (1.0 + growth) ** years * seasonal * pandemic
