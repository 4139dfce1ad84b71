"""The synthetic domestic abuse victim satisfaction survey (S9): monthly responses (don't knows included),
satisfied and don't-know counts, calibrated on the pooled 6-month rates of satisfied / valid responses. SYNTHETIC."""

from __future__ import annotations

import numpy as np

from ncpm.demo.shapes import apportion, component_rng
from ncpm.demo.targets import (
    MONTHS,
    SATISFACTION_HIGH,
    SATISFACTION_JUNE,
    SURVEY_RESPONSES,
    month_index,
)

SURVEY_ID = "da_whole_experience"
SURVEY_DONT_KNOW = 0.03  # share of the domestic abuse survey's responses that are "don't know"


def survey_counts(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly responses (valid + don't know), satisfied and don't-know counts (S9 calibrated on the pooled 6-month
    rates of satisfied / valid responses)."""
    rng = component_rng(seed, 8, 0)
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
        satisfied[window] = apportion(want, satisfied[window])
    return valid + dont_know, satisfied, dont_know
