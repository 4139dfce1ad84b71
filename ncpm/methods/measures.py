"""TEMP-SHIM issue 13: the measures now live one method family to a module (``baseline``, ``volumes``, ``outcomes``,
``satisfaction``, ``intervals``, helpers in ``series``); these re-exports keep the other packages' imports working
until the lead rewrites them. The outcome configuration's names are looked up when asked for, not at import."""

from __future__ import annotations

from ncpm.core import catalogue  # TEMP-SHIM issue 13
from ncpm.methods.baseline import (  # TEMP-SHIM issue 13
    BASELINE_YEARS,
    baseline_kernel,
    compare_to_baseline,
    excluded_months,
    three_year_average,
)
from ncpm.methods.intervals import CONFIDENCE, two_proportion_z, wilson_interval  # TEMP-SHIM issue 13
from ncpm.methods.outcomes import MAX_WIDTH, MIN_N, action_set, outcome_rate  # TEMP-SHIM issue 13
from ncpm.methods.satisfaction import (  # TEMP-SHIM issue 13
    SATISFACTION_WINDOW,
    SIGNIFICANCE,
    compare_windows,
    rolling_rate,
    run_kernel,
    window_extreme,
)
from ncpm.methods.series import MONTHS_PER_YEAR  # TEMP-SHIM issue 13
from ncpm.methods.volumes import (  # TEMP-SHIM issue 13
    changes,
    period_comparison,
    quarter_profile,
    quarter_totals,
    rank_label,
    share,
    window_rank,
    window_rank_kernel,
)

__all__ = ["BASELINE_YEARS", "CONFIDENCE", "MAX_WIDTH", "MIN_N", "MONTHS_PER_YEAR", "SATISFACTION_WINDOW",
           "SIGNIFICANCE", "action_set", "baseline_kernel", "changes", "compare_to_baseline", "compare_windows",
           "excluded_months", "outcome_rate", "period_comparison", "quarter_profile", "quarter_totals", "rank_label",
           "rolling_rate", "run_kernel", "share", "three_year_average", "two_proportion_z", "wilson_interval",
           "window_extreme", "window_rank", "window_rank_kernel"]

_OUTCOME_TABLE = {"OUTCOME_TYPES": "types", "ACTION_TAKEN": "action_taken", "DIVERSIONARY": "opt_in",
                  "OUTCOMES_VERSION": "version"}  # TEMP-SHIM issue 13: now catalogue.outcome_table().<field>


def __getattr__(name: str):
    if name in _OUTCOME_TABLE:
        return getattr(catalogue.outcome_table(), _OUTCOME_TABLE[name])
    raise AttributeError(f"module 'ncpm.methods.measures' has no attribute {name!r}")
