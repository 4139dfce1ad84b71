"""The statement plan: which kinds of statement each NCPM measure gets (the seed report's Appendix B).

The plan names statement kinds, never numbers, so the same code describes any force and any quarter. Each entry is
a :class:`Planned` statement: its kind ("share") and, for a share, the sub-measure ("robbery_personal_knife");
``ncpm.quarter.statements`` builds each kind with one function of its dispatch table. The kinds are one vocabulary
(the constants below, the keys of :data:`KIND_NEEDS`): a plan entry or a :func:`uses` question with any other kind
raises ValueError, and ``ncpm.quarter.coverage`` finds the measures whose statements need a table (a rank, a
forecast, outcomes, the Most Similar Group, local areas) from :data:`KIND_NEEDS`, not from lists of its own.

>>> plan("robbery_personal")[1]
Planned(kind='share', part='robbery_personal_knife')
>>> plan("robbery_personal")[1].name
'share:robbery_personal_knife'
>>> uses("vehicle_crime", "peers"), uses("homicide", "peers")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from ncpm.core.catalogue import SATISFACTION_MEASURE

# --- the statement kinds: the one vocabulary of the plan, the builders (ncpm.quarter.statements.KINDS) and coverage
PERIOD_CHANGE, QUARTER_TOTAL, MSG_OUTLIER = "period_change", "quarter_total", "msg_outlier"
VOLUME, VOLUME_NOTABLE, VOLUME_RANKED, VOLUME_FORECAST, VOLUME_FULL = (
    "volume", "volume_notable", "volume_ranked", "volume_forecast", "volume_full")
CHANGE_YEAR, FORECAST_DIRECTION, OUTCOME_RATE = "change_year", "forecast_direction", "outcome_rate"
SHARE, SHARE_LPA, LPA_SHARE, LPA_CHANGE = "share", "share_lpa", "lpa_share", "lpa_change"
QUARTER_PROFILE, LPA_PROFILE, PEERS, SATISFACTION = "quarter_profile", "lpa_profile", "peers", "satisfaction"

# --- what each kind needs beyond the month's counts: the table or data whose gaps ncpm.quarter.coverage lists
RANK_YEAR = "rank in 12 months"  # ncpm.quarter.tables.RANKS_YEAR
RANK_3_YEARS = "rank in 3 years"  # ncpm.quarter.tables.RANKS_3_YEARS
QUARTER_FORECAST = "forecast of the quarter"  # ncpm.quarter.tables.FORECAST_QUARTER
AHEAD_FORECAST = "forecast of the next quarter"  # ncpm.quarter.tables.FORECAST_AHEAD
OUTCOMES = "outcomes"  # ncpm.quarter.tables.OUTCOMES_MONTH
MSG = "Most Similar Group"  # ncpm.quarter.tables.MSG (the monthly path of the peers statement)
AREAS = "local areas"  # the measure counted by local area (nothing stated for a force counted as a whole)

KIND_NEEDS: dict[str, frozenset[str]] = {
    PERIOD_CHANGE: frozenset(),
    QUARTER_TOTAL: frozenset(),
    VOLUME_NOTABLE: frozenset({RANK_YEAR}),
    VOLUME: frozenset(),
    VOLUME_RANKED: frozenset({RANK_YEAR}),
    VOLUME_FORECAST: frozenset({QUARTER_FORECAST}),
    VOLUME_FULL: frozenset({RANK_YEAR, QUARTER_FORECAST}),
    CHANGE_YEAR: frozenset({RANK_3_YEARS}),
    FORECAST_DIRECTION: frozenset({AHEAD_FORECAST}),
    OUTCOME_RATE: frozenset({OUTCOMES}),
    SHARE: frozenset(),
    SHARE_LPA: frozenset({AREAS}),
    LPA_SHARE: frozenset({AREAS}),
    LPA_CHANGE: frozenset({AREAS}),
    QUARTER_PROFILE: frozenset({QUARTER_FORECAST}),
    LPA_PROFILE: frozenset({AREAS}),
    MSG_OUTLIER: frozenset(),
    PEERS: frozenset({MSG}),
    SATISFACTION: frozenset(),
}
"""Every statement kind and what it needs beyond the month's counts (the keys are the kinds)."""


def kinds_needing(need: str) -> tuple[str, ...]:
    """The statement kinds that need ``need`` (one of the needs of :data:`KIND_NEEDS`).

    >>> kinds_needing(RANK_3_YEARS)
    ('change_year',)
    """
    if not any(need in needs for needs in KIND_NEEDS.values()):
        raise ValueError(f"no statement kind needs {need!r}")
    return tuple(kind for kind, needs in KIND_NEEDS.items() if need in needs)


def _known(kind: str) -> str:
    if kind not in KIND_NEEDS:
        raise ValueError(f"unknown statement kind {kind!r}: one of {', '.join(KIND_NEEDS)}")
    return kind


@dataclass(frozen=True)
class Planned:
    """One planned statement of a measure: its ``kind`` (a key of :data:`KIND_NEEDS`; any other raises
    ValueError) and, for a share, the sub-measure ``part``."""

    kind: str
    part: str | None = None

    def __post_init__(self) -> None:
        _known(self.kind)

    @property
    def name(self) -> str:
        """The entry as notes and the manifest name it: "outcome_rate", "share:robbery_personal_knife"."""
        return self.kind if self.part is None else f"{self.kind}:{self.part}"


STATEMENT_PLAN: dict[str, tuple[Planned, ...]] = {
    "homicide": (Planned(PERIOD_CHANGE), Planned(MSG_OUTLIER)),
    "firearms": (Planned(QUARTER_TOTAL),),
    "knife_crime": (Planned(VOLUME_NOTABLE),),
    "violence_with_injury": (Planned(CHANGE_YEAR), Planned(OUTCOME_RATE), Planned(FORECAST_DIRECTION)),
    "robbery_personal": (Planned(VOLUME), Planned(SHARE, "robbery_personal_knife"), Planned(OUTCOME_RATE)),
    "burglary_residential": (Planned(VOLUME_RANKED), Planned(OUTCOME_RATE)),
    "theft_from_person": (Planned(QUARTER_PROFILE), Planned(LPA_PROFILE),
                          Planned(LPA_SHARE, "theft_from_person_pickpocket")),
    "vehicle_crime": (Planned(VOLUME_FORECAST), Planned(LPA_CHANGE),
                      Planned(SHARE_LPA, "vehicle_motorcycle_theft"), Planned(OUTCOME_RATE), Planned(PEERS)),
    SATISFACTION_MEASURE: (Planned(SATISFACTION),),
}
# Every other NCPM measure in the data (police.uk burglary, robbery, drugs, weapons; ...) gets these: its count
# against the 3-year average, its rank in 12 months and the forecast; the forward look; the 'action taken' rate.
DEFAULT_PLAN: tuple[Planned, ...] = (Planned(VOLUME_FULL), Planned(FORECAST_DIRECTION), Planned(OUTCOME_RATE))


def plan(measure: str) -> tuple[Planned, ...]:
    """The statements planned for ``measure``: the seed's plan, or :data:`DEFAULT_PLAN`."""
    return STATEMENT_PLAN.get(measure, DEFAULT_PLAN)


def uses(measure: str, *kinds: str) -> bool:
    """Whether the plan of ``measure`` has a statement of any of ``kinds`` (ValueError for a kind not in
    :data:`KIND_NEEDS`, so a misspelt kind cannot read as "not planned")."""
    wanted = {_known(kind) for kind in kinds}
    return any(p.kind in wanted for p in plan(measure))


def needs(measure: str, need: str) -> bool:
    """Whether the plan of ``measure`` has a statement that needs ``need`` (see :data:`KIND_NEEDS`)."""
    return uses(measure, *kinds_needing(need))
