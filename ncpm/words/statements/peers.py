"""Statements on the force among its peers: its place in its Most Similar Group (MSG) and its change in national
rank (S8), whether it is an MSG outlier (S1), and both from ONS 12-month period tables when the other forces'
monthly data are not held.

Built from the numbers of ``ncpm.methods.peers`` (``msg_compare``, ``rank_change``, ``period_comparison``); the
rank and its change are worded by ``ncpm.words.style``. METHODS.md, "Most Similar Groups (MSG) and national rank".
"""

from __future__ import annotations

import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.core.periods import month_label, to_month
from ncpm.core.schema import (
    DESCRIPTIVE_OUTLIER,
    EARLIER_RANK,
    FLAG_NOTE,
    MSG_AVERAGE,
    MSG_SIZE,
    PLACES,
    RANK,
    RATE,
    STATISTICAL_OUTLIER,
)
from ncpm.methods.msg import INCOMPLETE_GROUP, NO_GROUP_REASON
from ncpm.methods.series import one_row, select_rows
from ncpm.words.statements.phrases import measure_label, offences_noun, window_phrase, year_ending
from ncpm.words.statements.statement import Statement, is_missing, make_statement, optional
from ncpm.words.style import ordinal, rank_change_label, rank_change_words


def outlier_words(descriptive: bool, statistical: bool) -> str | None:
    if descriptive and statistical:
        return "an outlier"
    if statistical:
        return "a statistical outlier"
    if descriptive:
        return "a descriptive outlier"
    return None


def peer_statement(msg_result: pd.DataFrame, rank_changes: pd.DataFrame | None, force: str, measure: str,
                   month: object, *, window: int = 12, id: str | None = None) -> Statement:
    """The force against its Most Similar Group (MSG) and its change in national rank (S8).

    ``msg_result``: ``peers.msg_compare`` output (``rate``, ``msg_average``, ``descriptive_outlier``,
    ``statistical_outlier``); "remains" when the previous month was flagged too, "is no longer" when it was and
    is not now. Both flags: "an outlier"; one: "a statistical outlier" or "a descriptive outlier" (METHODS.md,
    MSG). ``rank_changes``: ``peers.rank_change`` output (``rank``, ``earlier_rank``, ``places``). ``window`` names the rate window.

    Example: "Warwickshire remains an outlier in its Most Similar Group (MSG) for vehicle crime (11.2 offences per
    1,000 population in the 12 months to June 2023, against an MSG average of 7.9) and has improved two places
    nationally to 20th."
    """
    month = to_month(month)
    row = one_row(msg_result, "MSG comparison", force=force, measure=measure, month=month)

    def flags(r: pd.Series) -> tuple[bool, bool]:
        return tuple(bool(r[c]) if not is_missing(r[c]) else False
                     for c in (DESCRIPTIVE_OUTLIER, STATISTICAL_OUTLIER))

    if is_missing(row[MSG_AVERAGE]):  # no group (City of London): the rank alone, the reason as given
        note = "" if is_missing(row[FLAG_NOTE]) else str(row[FLAG_NOTE])
        text = f"{force} has no Most Similar Group (MSG) to compare with" + (f" ({_no_comparison_reason(row, note)})"
                                                                          if note else "")
        facts: dict[str, object] = {"rate": float(row[RATE]), "msg_average": None, "outlier": None,
                                    "flag_note": note or None}
        if rank_changes is not None:
            words, rank_facts = _rank_change(rank_changes, force, measure, month)
            text += f"; for {measure_label(measure)} it has {words}"
            facts.update(rank_facts)
        return make_statement("peers", force, measure, month, text + ".", facts, id=id)
    now = outlier_words(*flags(row))
    before_rows = select_rows(msg_result, "MSG comparison", force=force, measure=measure, month=month - 1)
    before = outlier_words(*flags(before_rows.iloc[0])) if not before_rows.empty else None
    if now:
        status = f"{'remains' if before else 'is'} {now}"
    else:
        status = "is no longer an outlier" if before else "is not an outlier"
    rate, average = float(row[RATE]), float(row[MSG_AVERAGE])
    text = (f"{force} {status} in its Most Similar Group (MSG) for {measure_label(measure)} ({rate:,.1f} offences "
            f"per 1,000 population in the {window_phrase(window)} to {month_label(month)}, against an MSG "
            f"average of {average:,.1f})")
    facts: dict[str, object] = {"rate": rate, "msg_average": average, "outlier": now, "previous_outlier": before}
    if rank_changes is not None:
        words, rank_facts = _rank_change(rank_changes, force, measure, month)
        text += f" and has {words}"
        facts.update(rank_facts)
    return make_statement("peers", force, measure, month, text + ".", facts, id=id)


def _no_comparison_reason(row: pd.Series, note: str) -> str:
    """Why a force has no MSG comparison, from the numbers: a group lacking a peer's rate (it has an ``msg_size``),
    the reason ``ncpm.methods.msg`` gives for a force with no group (City of London), else its ``flag_note``."""
    if MSG_SIZE in row.index and not is_missing(row[MSG_SIZE]):
        return INCOMPLETE_GROUP
    return NO_GROUP_REASON.get(str(row[schema.FORCE]), note)


def _rank_change(rank_changes: pd.DataFrame, force: str, measure: str, month: object) -> tuple[str, dict]:
    """The national rank change in words ("improved two places nationally to 12th") and as facts."""
    rc = one_row(rank_changes, "rank change", force=force, measure=measure, month=month)
    rank, earlier = int(rc[RANK]), int(rc[EARLIER_RANK])
    return rank_change_words(rank, earlier), {"rank": rank, "earlier_rank": earlier, "places": int(rc[PLACES]),
                                              "rank_label": rank_change_label(rank, earlier)}


def msg_outlier_statement(msg_result: pd.DataFrame, force: str, measure: str, month: object, *,
                          id: str | None = None) -> Statement:
    """Whether the force is an outlier in its Most Similar Group (MSG) for ``measure`` (S1: "The force are not
    considered by the HO to be an 'outlier'"), from the flags of ``peers.msg_compare`` at ``month`` (both flags:
    "an outlier"; one: "a statistical outlier" or "a descriptive outlier"; none: "not an outlier"; METHODS.md,
    MSG). :class:`InputError` when the month has no MSG comparison (no MSG average: the reason in ``flag_note``).

    Example: "Warwickshire is not an outlier in its Most Similar Group (MSG) for homicide."
    """
    month = to_month(month)
    row = one_row(msg_result, "MSG comparison", force=force, measure=measure, month=month)
    if is_missing(row[MSG_AVERAGE]):
        note = "" if is_missing(row[FLAG_NOTE]) else f": {row[FLAG_NOTE]}"
        raise InputError(f"no MSG comparison for {force}, {measure}, {month}{note}", file="MSG comparison")
    flags = [bool(row[c]) if not is_missing(row[c]) else False
             for c in (DESCRIPTIVE_OUTLIER, STATISTICAL_OUTLIER)]
    now = outlier_words(*flags)
    text = f"{force} is {now or 'not an outlier'} in its Most Similar Group (MSG) for {measure_label(measure)}."
    facts = {"outlier": now, "descriptive": flags[0], "statistical": flags[1], "rate": float(row[RATE]),
             "msg_average": float(row[MSG_AVERAGE])}
    return make_statement("msg_outlier", force, measure, month, text, facts, id=id)


ONS_PERIOD_SOURCE = "ONS police force area tables"  # how a statement from ONS Table P1 names its source


def population_used(year: int, wanted: int) -> str:
    """The mid-year population a rate used, and why when it is not the year wanted (``population_year`` and
    ``population_wanted`` of ``ncpm.methods.rates``: the nearest earlier estimate stands in for a missing one).

    >>> population_used(2018, 2018), population_used(2016, 2017)
    ('mid-2018 population', 'mid-2016 population: no mid-2017 estimate (nearest earlier year)')
    """
    used = f"mid-{year} population"
    return used if year == wanted else f"{used}: no mid-{wanted} estimate (nearest earlier year)"


def period_peer_statement(table: pd.DataFrame, force: str, measure: str, *, source: str = ONS_PERIOD_SOURCE,
                          id: str | None = None) -> Statement:
    """The force's national rank, its change and its Most Similar Group (MSG) position from ONS 12-month period
    tables (the S8 statement when no monthly data of the other forces are held).

    ``table``: ``peers.period_comparison(...).table`` (one row per force and measure: period_start, period_end,
    population_year, rate, rank, n_forces, rank_note; earlier, earlier_rank, places when two periods are held; the
    MSG columns when a membership table is). The ONS period ("year ending December 2019") and the mid-year population
    used ("mid-2018") are named, as is the earlier period of the rank change; rank 1 = the lowest rate.

    Example: "In the year ending December 2019 (ONS police force area tables; mid-2018 population), Leicestershire
    recorded 5.1 vehicle crime offences per 1,000 population, ranking 20th of 42 forces nationally (1 = lowest
    rate; ranked among 42 of 43 forces; no rate for Greater Manchester) and has improved two places nationally to
    20th since the year ending June 2019. Leicestershire is not an outlier in its Most Similar Group (MSG), against an
    MSG average of 5.9 per 1,000."
    """
    row = one_row(table, "ONS period comparison", force=force, measure=measure)
    period = to_month(row[schema.PERIOD_END])
    if is_missing(row[RATE]):
        raise InputError(f"no rate for {force} in the {year_ending(period)}: "
                         f"{row[schema.POPULATION_NOTE] if not is_missing(row[schema.POPULATION_NOTE]) else 'no count'}",
                         file="ONS period comparison")
    year = int(row[schema.POPULATION_YEAR])
    population = population_used(year, int(row[schema.POPULATION_WANTED]))
    rate = float(row[RATE])
    text = (f"In the {year_ending(period)} ({source}; {population}), {force} recorded {rate:,.1f} "
            f"{offences_noun(measure)} per 1,000 population")
    facts: dict[str, object] = {"period_start": str(row[schema.PERIOD_START]), "period_end": str(period),
                                "period": year_ending(period), "population_year": year, "rate": rate,
                                "source": source}
    if not is_missing(row[schema.RANK]):
        n = int(row[schema.N_FORCES])
        rank_note = row[schema.RANK_NOTE]
        text += (f", ranking {ordinal(row[RANK])} of {n:,} forces nationally (1 = lowest rate"
                 + ("" if is_missing(rank_note) else f"; {rank_note}") + ")")
        facts.update({"rank": int(row[schema.RANK]), "n_forces": n, "rank_note": None if is_missing(rank_note)
                      else str(rank_note)})
        if optional(row, EARLIER_RANK) is not None:  # two periods held
            earlier, rank, earlier_rank = to_month(row[schema.EARLIER]), int(row[RANK]), int(row[EARLIER_RANK])
            text += f" and has {rank_change_words(rank, earlier_rank)} since the {year_ending(earlier)}"
            facts.update({"earlier_period": year_ending(earlier), "earlier_rank": earlier_rank,
                          "places": int(row[PLACES]), "rank_label": rank_change_label(rank, earlier_rank)})
    text += "."
    if optional(row, MSG_AVERAGE) is not None:  # a membership table held
        flags = [bool(row[c]) if not is_missing(row[c]) else False for c in (DESCRIPTIVE_OUTLIER, STATISTICAL_OUTLIER)]
        now = outlier_words(*flags)
        average = float(row[MSG_AVERAGE])
        text += (f" {force} is {now or 'not an outlier'} in its Most Similar Group (MSG), against an MSG average "
                 f"of {average:,.1f} per 1,000.")
        facts.update({"msg_average": average, "outlier": now})
    elif optional(row, FLAG_NOTE) is not None:
        facts["msg_note"] = str(row[schema.FLAG_NOTE])
    return make_statement("period_peers", force, measure, period, text, facts, id=id)
