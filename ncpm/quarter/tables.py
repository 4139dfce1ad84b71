"""The result tables of one force-quarter, by the names they are stored under (``tables/<stage>/<name>.parquet``).

A table computed with a parameter (a rank window, a period, an outcome window) is named from a typed key
(:class:`TableKey`) here, in one place, so the name a table is stored under and the parameter it was computed with
cannot drift apart: ``RANKS_YEAR.name == "ranks_12"`` and ``window_rank(..., window=RANKS_YEAR.parameter)``.
Each name has the result spec of its columns (:data:`RESULT_SPECS`, ``ncpm.core.schema.ResultSpec``): the tables of one
family ("ranks_12", "ranks_36") share one.

>>> RANKS_YEAR.name, PERIOD_CHANGE.parameter, RESULT_SPECS[RANKS_YEAR.name].name
('ranks_12', 6, 'ranks')
"""

from __future__ import annotations

from dataclasses import dataclass

from ncpm.core import schema
from ncpm.methods.baseline import BASELINE_YEARS
from ncpm.methods.series import MONTHS_PER_YEAR


@dataclass(frozen=True)
class TableKey:
    """A result table computed with one parameter: ``family`` ("ranks") and ``parameter`` (12); ``name`` is the
    name it is stored under ("ranks_12")."""

    family: str
    parameter: int

    @property
    def name(self) -> str:
        return f"{self.family}_{self.parameter}"


PERIOD_MONTHS = 6  # S1's period: "the last six months" against the same months a year earlier (docs/methods.md)

VOLUMES = "volumes"  # the force's volumes up to the month reported
BASELINE = "baseline"
RANKS_YEAR = TableKey("ranks", MONTHS_PER_YEAR)  # the month's rank in the last 12 months
RANKS_3_YEARS = TableKey("ranks", BASELINE_YEARS * MONTHS_PER_YEAR)  # ... in the last 3 years
CHANGES = "changes"
QUARTERS = "quarters"
PERIOD_CHANGE = TableKey("period", PERIOD_MONTHS)
EXCEPTIONS = "exceptions"
SHARES = "shares"  # sub-measures' shares of their parent measure
OUTCOMES_MONTH = TableKey("outcome_rates", 1)  # 'action taken' rates of one month (the statements')
OUTCOMES_YEAR = TableKey("outcome_rates", MONTHS_PER_YEAR)  # ... over 12 months
SATISFACTION = "satisfaction"
FORECAST_QUARTER = "forecast_quarter"  # made at the quarter's origin, against what happened
FORECAST_AHEAD = "forecast_ahead"  # the forward look from the latest month
RATES = "rates"
NATIONAL_RANK = "national_rank"
RANK_CHANGES = "rank_changes"
MSG_MEMBERSHIP = "msg_membership"
MSG = "msg"
PERIOD_PEERS = "period_peers"  # from ONS period tables
PRC_QUARTER = "prc_quarter"  # from Home Office PRC quarters

RANK_WINDOWS = (RANKS_YEAR, RANKS_3_YEARS)
OUTCOME_WINDOWS = (OUTCOMES_MONTH, OUTCOMES_YEAR)

# the tables of each stage, in the order they are written
MEASURE_TABLES = (BASELINE, *(k.name for k in RANK_WINDOWS), CHANGES, QUARTERS, PERIOD_CHANGE.name, EXCEPTIONS,
                  SHARES, *(k.name for k in OUTCOME_WINDOWS), SATISFACTION)
FORECAST_TABLES = (FORECAST_QUARTER, FORECAST_AHEAD)
PERIOD_TABLES = (PERIOD_PEERS, PRC_QUARTER)
PEER_TABLES = (RATES, NATIONAL_RANK, RANK_CHANGES, MSG_MEMBERSHIP, MSG) + PERIOD_TABLES

# the result spec of each table (``ncpm.core.schema``): its columns, checked as the quarter collects it
RESULT_SPECS: dict[str, schema.ResultSpec] = {
    VOLUMES: schema.VOLUMES_RESULT, BASELINE: schema.BASELINE_RESULT,
    **{key.name: schema.RANKS_RESULT for key in RANK_WINDOWS},
    CHANGES: schema.CHANGES_RESULT, QUARTERS: schema.QUARTERS_RESULT, PERIOD_CHANGE.name: schema.PERIOD_RESULT,
    EXCEPTIONS: schema.EXCEPTIONS_RESULT, SHARES: schema.SHARES_RESULT,
    **{key.name: schema.OUTCOME_RATES_RESULT for key in OUTCOME_WINDOWS},
    SATISFACTION: schema.SATISFACTION_RESULT,
    FORECAST_QUARTER: schema.FORECAST_VS_ACTUAL_RESULT, FORECAST_AHEAD: schema.FORECAST_RESULT,
    RATES: schema.RATES_RESULT, NATIONAL_RANK: schema.NATIONAL_RANK_RESULT, RANK_CHANGES: schema.RANK_CHANGES_RESULT,
    MSG_MEMBERSHIP: schema.MSG_MEMBERSHIP_RESULT, MSG: schema.MSG_RESULT,
    PERIOD_PEERS: schema.PERIOD_PEERS_RESULT, PRC_QUARTER: schema.PRC_QUARTER_RESULT,
}
