"""Warwickshire's synthetic Home Office outcomes per measure, LPA and month (multinomial shares of the month's
offences), with the May 2023 "action taken" counts of S4-S8 calibrated. SYNTHETIC."""

from __future__ import annotations

import numpy as np

from ncpm.demo.shapes import component_rng
from ncpm.demo.targets import (
    ACTION_TAKEN,
    BURGLARY_ACTION_MAY,
    MONTHS,
    ROBBERY_ACTION_MAY,
    VEHICLE_ACTION_MAY,
    VWI_ACTION_MAY,
    month_index,
)

# Home Office outcome types drawn: the action-taken set (ncpm.demo.targets), 22 (diversionary, opt-in) and the
# no-further-action types.
OUTCOME_TYPES = (*ACTION_TAKEN, "22", "10", "14", "15", "16", "18")
OUTCOME_MEASURES = ("violence_with_injury", "robbery_personal", "burglary_residential", "vehicle_crime",
                    "theft_from_person", "possession_of_weapons", "drug_offences")
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


def outcome_counts(seed: int, war: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outcome counts per measure: array (3 LPAs, months, outcome types), action-taken May 2023 calibrated."""
    targets = {"violence_with_injury": VWI_ACTION_MAY, "robbery_personal": ROBBERY_ACTION_MAY,
               "burglary_residential": BURGLARY_ACTION_MAY, "vehicle_crime": VEHICLE_ACTION_MAY}
    action = np.array([o in ACTION_TAKEN for o in OUTCOME_TYPES])
    may = month_index("2023-05")
    out = {}
    for i, measure in enumerate(OUTCOME_MEASURES):
        rng = component_rng(seed, 7, i)
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
