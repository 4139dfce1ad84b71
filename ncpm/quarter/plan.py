"""The statement plan: which kinds of statement each NCPM measure gets (the seed report's Appendix B).

The plan names statement kinds, never numbers, so the same code describes any force and any quarter. Each entry is
a :class:`Planned` statement: its kind ("share") and, for a share, the sub-measure ("robbery_personal_knife");
``ncpm.quarter.statements`` builds each kind with one function of its dispatch table.

>>> plan("robbery_personal")[1]
Planned(kind='share', part='robbery_personal_knife')
>>> plan("robbery_personal")[1].name
'share:robbery_personal_knife'
>>> uses("vehicle_crime", "peers"), uses("homicide", "peers")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Planned:
    """One planned statement of a measure: its ``kind`` and, for a share, the sub-measure ``part``."""

    kind: str
    part: str | None = None

    @property
    def name(self) -> str:
        """The entry as notes and the manifest name it: "outcome_rate", "share:robbery_personal_knife"."""
        return self.kind if self.part is None else f"{self.kind}:{self.part}"


SATISFACTION_MEASURE = "da_satisfaction"  # the plan's measure for the rolling satisfaction rate

STATEMENT_PLAN: dict[str, tuple[Planned, ...]] = {
    "homicide": (Planned("period_change"), Planned("msg_outlier")),
    "firearms": (Planned("quarter_total"),),
    "knife_crime": (Planned("volume_notable"),),
    "violence_with_injury": (Planned("change_year"), Planned("outcome_rate"), Planned("forecast_direction")),
    "robbery_personal": (Planned("volume"), Planned("share", "robbery_personal_knife"), Planned("outcome_rate")),
    "burglary_residential": (Planned("volume_ranked"), Planned("outcome_rate")),
    "theft_from_person": (Planned("quarter_profile"), Planned("lpa_profile"),
                          Planned("lpa_share", "theft_from_person_pickpocket")),
    "vehicle_crime": (Planned("volume_forecast"), Planned("lpa_change"),
                      Planned("share_lpa", "vehicle_motorcycle_theft"), Planned("outcome_rate"), Planned("peers")),
    SATISFACTION_MEASURE: (Planned("satisfaction"),),
}
# Every other NCPM measure in the data (police.uk burglary, robbery, drugs, weapons; ...) gets these: its count
# against the 3-year average, its rank in 12 months and the forecast; the forward look; the 'action taken' rate.
DEFAULT_PLAN: tuple[Planned, ...] = (Planned("volume_full"), Planned("forecast_direction"), Planned("outcome_rate"))


def plan(measure: str) -> tuple[Planned, ...]:
    """The statements planned for ``measure``: the seed's plan, or :data:`DEFAULT_PLAN`."""
    return STATEMENT_PLAN.get(measure, DEFAULT_PLAN)


def uses(measure: str, *kinds: str) -> bool:
    """Whether the plan of ``measure`` has a statement of any of ``kinds``."""
    return any(p.kind in kinds for p in plan(measure))
