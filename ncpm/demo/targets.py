"""The demo dataset's frame and the seed's statements S1-S9 as the numbers the demo must reproduce.

SYNTHETIC. The calendar (April 2019 to June 2023), the force and local policing areas (LPAs) the statements speak
of, the outcome types that count as "action taken", the sub-measures and their parents, and the calibration
targets of the Warwickshire PCC's National Crime and Policing Measures report for Q1 2023/24 (September 2023,
Appendix B). These are the only place those numbers are written: the library computes them from the data. The
generator (:mod:`ncpm.demo.generate`) imposes them; the oracle (:mod:`ncpm.demo.calibrate`) checks them.
"""

from __future__ import annotations

import pandas as pd

FIRST_MONTH = "2019-04"
LAST_MONTH = "2023-06"
MONTHS = pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M")
MONTH_LABELS = [str(m) for m in MONTHS]
WARWICKSHIRE = "Warwickshire"
LPAS = ("North", "East", "South")

# Home Office outcome types (ncpm/data/outcomes.toml). The action-taken set is charge/summons (1, 1A), youth
# cautions (2, 2A), adult caution (3), taken into consideration (4), penalty notice (6), cannabis/khat warning (7)
# and community resolution (8); 22 (diversionary) is opt-in; the rest are no further action.
ACTION_TAKEN = ("1", "1A", "2", "2A", "3", "4", "6", "7", "8")
# Sub-measure: (parent, share of the parent's offences).
SUB_MEASURES = {"robbery_personal_knife": ("robbery_personal", 0.24),
                "theft_from_person_pickpocket": ("theft_from_person", 0.40),
                "vehicle_motorcycle_theft": ("vehicle_crime", 0.12)}
# Domestic abuse whole-experience satisfaction: survey.csv's ``responses`` counts every response, "don't know"
# included: valid responses = responses - dont_know.
SURVEY_RESPONSES = (200, 260)  # valid responses a month

# --- calibration targets: the seed's statements S1-S9 (Appendix B, data to June 2023) -------------------------
HOMICIDE_H1_2023 = 1                 # S1: one in January-June 2023, none in June
HOMICIDE_H1_2022 = 2                 # S1: two in January-June 2022 (a 50% reduction)
FIREARMS_Q1 = 26                     # S2: Q1 2023/24
FIREARMS_JUNE = 17                   # S2: June 2023
KNIFE_MAY = 50                       # S3: May 2023, highest in 12 months, substantially above the 3-year average
VWI_JUNE = 481                       # S4: June 2023
VWI_JUNE_LAST_YEAR = 430             # S4: "up 12%" on June 2022 (481 / 430 = +11.9%)
VWI_MAY = 427                        # S4: May 2023 (481 / 427 = +12.6%; 31 / 427 = 7.3%)
# No May count gives both a month-on-month rise rounding to 12% (May 428-431) and a 7.3% action-taken rate
# (31/428..31/431 round to 7.2%, 32/428..32/431 to 7.4%), so "up 12%" is calibrated on June 2022.
VWI_ACTION_MAY = 31                  # S4: action-taken rate 7.3%
VWI_RISE_SPLIT = (30, 13, 11)        # S4: May -> June rise by LPA, most of it in the North
VWI_YOY_SPLIT = (28, 12, 11)         # S4: June 2022 -> June 2023 rise by LPA, most of it in the North
ROBBERY_JUNE = 30                    # S5: in line with the 3-year average
ROBBERY_KNIFE_JUNE = 10              # S5: a third (n = 10)
ROBBERY_MAY = 31                     # S5: 1 / 31 = 3.2%
ROBBERY_ACTION_MAY = 1
BURGLARY_MAY = 93                    # S6: 4 / 93 = 4.3%
BURGLARY_ACTION_MAY = 4
BURGLARY_Z = -2.4                    # S6: "below" the 3-year average (-3 < z <= -1.96)
TFP_Q1 = (41, 44, 42)                # S7: stable, above the preceding months, the 3-year average and the forecast
TFP_PICKPOCKET_SHARE_Q1 = 0.62       # S7: over half pickpocketing in each LPA
VEHICLE_MAY = (103, 125, 112)        # S8: North, East, South May 2023 (340 in all; 5 / 340 = 1.5%)
VEHICLE_JUNE = (126, 108, 95)        # S8: North up 23 to 126, East and South down (329 in all)
VEHICLE_JUNE_LAST_YEAR = 450         # S8: the June 2022 peak that the seasonal forecasts carry forward
VEHICLE_SURGE = 1.22                 # S8: the rise that the forecasts carry forward, July 2021 to March 2023,
VEHICLE_SURGE_MONTHS = ("2021-07", "2023-03")  # long enough that the forecasts made a year before foresaw it (the
#                                      calibrated intervals learn from those forecasts' errors)
VEHICLE_ACTION_MAY = 5
MOTORCYCLE_NORTH_JUNE = 26           # S8: 26 / 126 = 21%
VEHICLE_RANK_JUNE = 36               # S8: national rank (1 = lowest rate), 12 months to June 2023
VEHICLE_RANK_MARCH = 38              # S8: 12 months to March 2023 ("improved two places to 36th")
SATISFACTION_HIGH = 0.83             # S9: rolling 6-month rate at December 2022, the high
SATISFACTION_JUNE = 0.77             # S9: rolling 6-month rate at June 2023, below the 80% target
SATISFACTION_TARGET = 0.80


def month_index(label: str) -> int:
    """Position of a month ("2023-06") in :data:`MONTHS`."""
    return MONTH_LABELS.index(label)
