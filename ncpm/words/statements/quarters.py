"""Statements on a financial quarter: its total so far (S2), how it moved and stood against the preceding months,
the 3-year average and the forecast (S7), whether its trend is seen in each local policing area (S7), and the
quarter against the same quarter of the previous three years from the Home Office PRC tables.

Built from ``ncpm.methods.volumes`` (``quarter_totals``, ``quarter_profile``) and ``ncpm.methods.prc``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.core.periods import fy_quarter, month_label, parse_quarter, to_month
from ncpm.core.schema import BASELINE, COMPARISON, MONTHS, PREVIOUS
from ncpm.methods import prc
from ncpm.methods.baseline import ABOVE, BELOW, COMPARISON_SIDES, IN_LINE
from ncpm.methods.series import one_row
from ncpm.methods.volumes import QuarterProfile
from ncpm.words.statements.phrases import (
    LPA,
    area_phrase,
    counted_areas,
    join_words,
    measure_label,
    named_areas,
    offences_noun,
)
from ncpm.words.statements.statement import (
    FACT_BASELINE_LABEL,
    FACT_COMPARISON,
    FACT_FORECAST_LABEL,
    FACT_QUARTER,
    Statement,
    is_missing,
    make_statement,
)
from ncpm.words.statements.volumes import count_at
from ncpm.words.style import count_words


def quarter_statement(quarters: pd.DataFrame, volumes: pd.DataFrame, force: str, measure: str, month: object,
                      *, area: str = schema.WHOLE_FORCE, id: str | None = None) -> Statement:
    """The financial quarter's total and the latest month's count (S2).

    ``quarters``: ``volumes.quarter_totals(volumes)`` (``quarter`` label, ``count``, ``months``); the quarter is
    the one holding ``month``. A quarter with fewer than three months of data is said to be "to date".

    Example: "In Q1 2023/24, there were 26 firearms offences recorded, with 17 in June 2023."
    """
    month = to_month(month)
    quarter = fy_quarter(month)
    row = one_row(quarters, "quarter totals", force=force, area=area, measure=measure, quarter=str(quarter))
    total, present = int(row[schema.COUNT]), int(row[MONTHS])
    count = count_at(volumes, force, area, measure, month)
    when = f"{quarter}" if present >= len(quarter.months()) else f"{quarter} to date"
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    text = (f"In {when}, there {'was' if total == 1 else 'were'} {count_words(total)} "
            f"{offences_noun(measure, total)} recorded{where}, with {count_words(count, zero='none')} in "
            f"{month_label(month)}.")
    facts = {FACT_QUARTER: str(quarter), "quarter_count": total, "months_present": present, "count": count}
    return make_statement("quarter", force, measure, month, text, facts, area=area, id=id)


def _profile_facts(profile: QuarterProfile) -> dict[str, object]:
    """A quarter profile's facts, each comparison's only when it was made (the keys statements.json keeps)."""
    facts: dict[str, object] = {
        FACT_QUARTER: profile.quarter, "months": profile.months, "quarter_count": profile.quarter_count,
        "steps_z": list(profile.steps_z), "stable": profile.stable, "overall_z": profile.overall_z,
        "movement_label": profile.movement_label}
    if profile.preceding is not None:
        facts.update({"preceding_count": profile.preceding.count, "preceding_z": profile.preceding.z,
                      "preceding_label": profile.preceding.label})
    if profile.baseline is not None:
        facts.update({"baseline_total": profile.baseline.total, "baseline_z": profile.baseline.z,
                      FACT_BASELINE_LABEL: profile.baseline.label})
    if profile.forecast is not None:
        facts.update({"forecast_total": profile.forecast.total, "forecast_half_width": profile.forecast.half_width,
                      FACT_FORECAST_LABEL: profile.forecast.label})
    return facts


def quarter_profile_statement(profile: QuarterProfile, force: str, measure: str, month: object, *,
                              area: str = schema.WHOLE_FORCE, id: str | None = None) -> Statement:
    """The quarter to ``month`` as a whole, worded from ``volumes.quarter_profile`` (S7): stable or how it moved
    month to month, then each comparison made (the preceding months, the 3-year average, the forecast), grouped
    by label.

    Example: "In Q1 2023/24, theft from the person volumes remained stable month to month but were above the
    preceding three months, the 3-year average and the forecast."
    """
    month = to_month(month)
    if profile.stable:
        movement = "remained stable month to month"
    else:
        movement = {"above": "rose during the quarter", "substantially above": "rose during the quarter",
                    "below": "fell during the quarter", "substantially below": "fell during the quarter"}.get(
            profile.movement_label, "varied month to month")
    made = ((profile.preceding, lambda c: f"the preceding {count_words(c.months)} months"),
            (profile.baseline, lambda c: "the 3-year average"), (profile.forecast, lambda c: "the forecast"))
    comparisons = [(c.label, what(c)) for c, what in made if c is not None]
    grouped: dict[str, list[str]] = {}
    for label, what in comparisons:
        grouped.setdefault(label, []).append(what)
    phrases = [f"{label} {join_words(whats)}" for label, whats in grouped.items()]
    if len(phrases) > 1 and any(len(whats) > 1 for whats in grouped.values()):
        against = ", ".join(phrases[:-1]) + ", and " + phrases[-1]  # "X and Y, and above Z" reads unambiguously
    else:
        against = join_words(phrases)
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    when = profile.quarter + ("" if profile.complete else " to date")
    text = f"In {when}, {measure_label(measure)} volumes{where} {movement}"
    if against:
        notable = profile.stable and any(label != "in line with" for label, _ in comparisons)
        text += f" {'but' if notable else 'and'} were {against}"
    facts = _profile_facts(profile)
    facts["movement"] = movement
    return make_statement("quarter_profile", force, measure, month, text + ".", facts, area=area, id=id)


def _trend(profile: QuarterProfile) -> tuple[str, str]:
    """A quarter profile's trend: its movement month to month and its standing against the preceding months
    ("substantially" dropped: "above" and "substantially above" are one trend, the side the label is on)."""
    movement = "stable" if profile.stable else _side(profile.movement_label)
    return movement, _side("" if profile.preceding is None else profile.preceding.label)


def _side(label: object) -> str:
    """The side of a baseline comparison label (:data:`ncpm.methods.baseline.COMPARISON_SIDES`): "above", "below" or
    "in line with"; any other text as it is."""
    side = COMPARISON_SIDES.get(label) if isinstance(label, str) else None
    return str(label) if side is None else {1: ABOVE, 0: IN_LINE, -1: BELOW}[side]


def lpa_profile_statement(force_profile: QuarterProfile, lpa_profiles: Mapping[str, QuarterProfile],
                          force: str, measure: str, month: object, *, noun: str = LPA,
                          id: str | None = None) -> Statement:
    """Whether the force's quarter trend is seen in each LPA (S7: "This trend is observed in all three Local PAs").

    ``force_profile`` and ``lpa_profiles`` (area -> profile): ``volumes.quarter_profile`` for the force and for
    each LPA. The trend is the movement month to month ("stable", "above"/"below" for a rise or fall) and the
    standing against the preceding months ("above", "in line with", "below"; "substantially" counts as the same
    direction): the same trend in every LPA is "observed in all three LPAs", in some "in two of the three LPAs
    (East and South)", in none "in none of the three LPAs". No count is given, so no count needs disclosure control.

    Example: "This trend is observed in all three LPAs."
    """
    month = to_month(month)
    if not lpa_profiles:
        raise InputError(f"no LPA quarter profiles for {force}, {measure}, {month}", file="quarter profile")
    trend = _trend(force_profile)
    same = sorted(a for a, prof in lpa_profiles.items() if _trend(prof) == trend)
    k = len(lpa_profiles)
    areas = counted_areas(k, noun)
    if len(same) == k:
        where = f"in all {areas}" if k > 2 else f"in both {areas}" if k == 2 else f"in {named_areas(same, noun)}"
    elif not same:
        where = f"in none of the {areas}"
    else:
        where = f"in {count_words(len(same))} of the {areas} ({join_words(same)})"
    text = f"This trend is observed {where}{'' if force_profile.complete else ' so far'}."
    facts = {FACT_QUARTER: force_profile.quarter, "trend": trend, "same": same,
             "different": sorted(set(lpa_profiles) - set(same)), "areas": k,
             "trends": {a: _trend(prof) for a, prof in lpa_profiles.items()}}
    return make_statement("lpa_profile", force, measure, month, text, facts, id=id)


PRC_SOURCE = "Home Office police recorded crime, PRC"  # how a statement from the PRC quarterly tables names it


def prc_quarter_statement(comparison: pd.DataFrame, force: str, measure: str, *, source: str = PRC_SOURCE,
                          id: str | None = None) -> Statement:
    """The quarter's count against the mean of the same quarter in the previous three years, from the Home Office
    PRC quarterly tables (for a measure the force's monthly data lack: homicide, violence with injury, residential
    burglary in police.uk).

    ``comparison``: ``prc.same_quarter_average`` output with the report's comparison label (``comparison``: "in
    line with", "above", "substantially below" ...; ``ncpm.methods.baseline.compare_to_baseline``). A quarter missing from
    the table, or an earlier quarter missing, raises :class:`InputError` with the table's ``reason``.

    Example: "In Q1 2023/24, Warwickshire recorded 260 residential burglary offences (Home Office police recorded
    crime, PRC), in line with the 3-year average for the quarter (254.3, the mean of Q1 2020/21, Q1 2021/22 and
    Q1 2022/23)."
    """
    row = one_row(comparison, "PRC quarter comparison", force=force, measure=measure)
    quarter = str(row[schema.QUARTER])
    if not is_missing(row[schema.REASON]) or is_missing(row[COMPARISON]):
        raise InputError(str(row[schema.REASON]) if not is_missing(row[schema.REASON])
                         else f"no comparison for {quarter}", file="PRC quarter comparison")
    n, baseline = int(row[schema.COUNT]), float(row[BASELINE])
    earlier = [str(q) for q in prc.earlier_quarters(quarter, years=int(row[schema.N]))]  # all there: no reason
    text = (f"In {quarter}, {force} recorded {count_words(n)} {offences_noun(measure, n)} ({source}), "
            f"{row[COMPARISON]} the 3-year average for the quarter ({baseline:,.1f}, the mean of "
            f"{join_words(earlier)}).")
    facts = {FACT_QUARTER: quarter, "count": n, "baseline": baseline, FACT_COMPARISON: str(row[COMPARISON]),
             "previous": str(row[PREVIOUS]), "source": source}
    month = parse_quarter(quarter).last_month
    return make_statement("prc_quarter", force, measure, month, text, facts, id=id)
