"""Statements on a month's volume: against the 3-year average, its rank in a window and the forecast (S3, S5,
S6, S8), its change on the month before or the year before (S4), the last months against the same months a year
earlier (S1), and which local policing areas rose and which fell (S8).

Built from the result frames of ``ncpm.methods`` and ``ncpm.methods.forecast``; METHODS.md, "Baseline:
the 3-year average" and "Window ranks, changes and shares".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.periods import month_label, to_month
from ncpm.core.schema import (
    BASELINE,
    BASELINE_METHOD,
    COMPARISON,
    CURRENT,
    HI_95,
    LABEL,
    LO_95,
    MEAN,
    METHOD,
    MOM_CHANGE,
    MOM_PCT,
    PCT_CHANGE,
    PREVIOUS,
    RANK_HIGH,
    RANK_LABEL,
    RANK_LOW,
    TIED,
    WINDOW,
    YOY_CHANGE,
    YOY_PCT,
    Z,
)
from ncpm.methods.disclosure import any_disclosive
from ncpm.methods.forecast import forecast_label
from ncpm.methods.series import latest_origin, one_row, select_rows
from ncpm.methods.volumes import COMPARISON_MONTHS
from ncpm.words.statements.phrases import (
    LPA,
    area_phrase,
    counted_areas,
    join_words,
    named_areas,
    offences_noun,
    window_phrase,
)
from ncpm.words.statements.statement import (
    FACT_COMPARISON,
    FACT_FORECAST_LABEL,
    Statement,
    as_number,
    is_missing,
    make_statement,
    optional,
)
from ncpm.words.style import count_words, percent


def count_at(volumes: pd.DataFrame, force: str, area: str, measure: str, month: pd.Period) -> int:
    """The count of one month of one series in canonical volumes (:class:`InputError` when not exactly one row)."""
    return int(one_row(volumes, "volumes", force=force, area=area, measure=measure, month=month)[schema.COUNT])


def period_change_statement(volumes: pd.DataFrame, comparison: pd.DataFrame, force: str, measure: str,
                            month: object, *, area: str = schema.WHOLE_FORCE, months: int = COMPARISON_MONTHS,
                            id: str | None = None) -> Statement:
    """The month's count and the last ``months`` months against the same months a year earlier (S1).

    ``volumes``: canonical volumes; ``comparison``: ``volumes.period_comparison(volumes, end=month, months=months)``
    (``current``, ``previous``, ``change``, ``pct_change``). The change is an "increase", a "reduction" or "no
    change"; with none a year earlier the percentage is undefined and the sentence says "up from none".

    Example: "There were no recorded homicide offences in June 2023, with one recorded during the last six months,
    a 50% reduction on the same period last year."
    """
    month = to_month(month)
    count = count_at(volumes, force, area, measure, month)
    row = one_row(comparison, "period comparison", force=force, area=area, measure=measure, end=month,
                  months=months)
    if is_missing(row[CURRENT]) or is_missing(row[PREVIOUS]):
        raise InputError(f"incomplete {months}-month periods for {force}, {area}, {measure} to {month}",
                         file="period comparison")
    current, previous = int(row[CURRENT]), int(row[PREVIOUS])
    pct = as_number(row[PCT_CHANGE])
    verb = "was" if count == 1 else "were"
    text = f"There {verb} {count_words(count)} recorded {offences_noun(measure, count)} in {month_label(month)}"
    if area != schema.WHOLE_FORCE:
        text += f" in {area_phrase(area)}"
    text += f", with {count_words(current, zero='none')} recorded during the last {count_words(months)} months"
    if current == previous:
        text += ", no change on the same period last year."
        direction = "no change"
    elif previous == 0 or not math.isfinite(pct):
        text += ", up from none in the same period last year."
        direction = "increase"
    else:
        direction = "increase" if current > previous else "reduction"
        text += f", a {percent(abs(pct))} {direction} on the same period last year."
    facts = {"count": count, "current": current, "previous": previous, "change": current - previous,
             "pct_change": pct, "months": months, "direction": direction}
    return make_statement("period_change", force, measure, month, text, facts, area=area, id=id)


def _rank_phrase(ranks: pd.DataFrame | None, force: str, area: str, measure: str, month: pd.Period,
                 window: int | None, rank_top: int, noun: str) -> tuple[str | None, dict]:
    if ranks is None:
        return None, {}
    row = one_row(ranks, "window ranks", force=force, area=area, measure=measure, month=month, window=window)
    label = row[RANK_LABEL]
    facts = {"rank_label": None if is_missing(label) else str(label), "rank_window": int(row[WINDOW]),
             "rank_high": as_number(row[RANK_HIGH]), "rank_low": as_number(row[RANK_LOW]),
             "tied": bool(row[TIED]) if not is_missing(row[TIED]) else False}
    if is_missing(label) or min(facts["rank_high"], facts["rank_low"]) > rank_top:
        return None, facts
    joint = "joint " if facts["tied"] else ""
    return f"the {joint}{label} {noun} in the last {window_phrase(facts['rank_window'])}", facts


def _forecast_label(forecast: pd.DataFrame, force: str, area: str, measure: str, month: pd.Period,
                    actual: int) -> tuple[str, dict]:
    rows = latest_origin(select_rows(forecast, "forecast", force=force, area=area, measure=measure, month=month))
    if rows.empty:
        raise InputError(f"no forecast for {force}, {area}, {measure}, {month}", file="forecast")
    row = rows.iloc[0]
    if optional(row, LABEL) is not None:  # forecast_vs_actual's own label
        label = str(row[LABEL])
    else:
        label = str(forecast_label(actual, float(row[LO_95]), float(row[HI_95])))
    facts = {FACT_FORECAST_LABEL: label, "forecast_mean": float(row[MEAN]), "forecast_lo_95": float(row[LO_95]),
             "forecast_hi_95": float(row[HI_95])}
    if optional(row, METHOD) is not None:
        facts["forecast_method"] = str(row[METHOD])
    return label, facts


def volume_statement(baseline: pd.DataFrame, ranks: pd.DataFrame | None, force: str, measure: str, month: object,
                     *, area: str = schema.WHOLE_FORCE, forecast: pd.DataFrame | None = None,
                     window: int | None = None, rank_top: int = 3, id: str | None = None) -> Statement:
    """The month's count, its rank in the window, its comparison with the 3-year average and the forecast (S3,
    S5, S6, S8).

    ``baseline``: ``baseline.three_year_average`` output (``count``, ``baseline``, ``comparison``); ``ranks``:
    ``ncpm.words.ranks.window_rank`` output, named only when the month is within ``rank_top`` of either end of the window;
    ``forecast``: ``forecast.forecast`` (the month outside the 95% interval is "above/below the forecast") or
    ``forecast.forecast_vs_actual`` (its ``label``). "back in line with" when the previous month was not.

    Example: "In May 2023, there were 50 knife crime offences recorded, the highest figure in the last 12 months
    and substantially above the 3-year average."
    """
    month = to_month(month)
    row = one_row(baseline, "baseline", force=force, area=area, measure=measure, month=month)
    count = int(row[schema.COUNT])
    rank, facts = _rank_phrase(ranks, force, area, measure, month, window, rank_top, "figure")
    phrases = [rank] if rank else []
    comparison = None if is_missing(row[COMPARISON]) else str(row[COMPARISON])
    back = False
    if comparison:
        before = select_rows(baseline, "baseline", force=force, area=area, measure=measure, month=month - 1)
        if comparison == "in line with" and not before.empty and not is_missing(before.iloc[0][COMPARISON]):
            back = str(before.iloc[0][COMPARISON]) != "in line with"
        phrases.append(f"{'back ' if back else ''}{comparison} the 3-year average")
    if forecast is not None:
        label, more = _forecast_label(forecast, force, area, measure, month, count)
        if comparison and not back and label == f"{comparison} the forecast":
            phrases[-1] = f"{comparison} the 3-year average and the forecast"  # "in line with ... and the forecast"
        else:
            phrases.append(label)
        facts.update(more)
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    text = (f"In {month_label(month)}, there {'was' if count == 1 else 'were'} {count_words(count)} "
            f"{offences_noun(measure, count)} recorded{where}")
    text += (", " + join_words(phrases) if phrases else "") + "."
    method = optional(row, BASELINE_METHOD)
    facts.update({"count": count, FACT_COMPARISON: comparison, "back_in_line": back, "baseline": as_number(row[BASELINE]),
                  "z": as_number(row[Z]),
                  "baseline_method": None if method is None else str(method)})
    return make_statement("volume", force, measure, month, text, facts, area=area, id=id)


def change_columns(basis: str) -> tuple[str, str]:
    if basis == "month":
        return MOM_CHANGE, MOM_PCT
    if basis == "year":
        return YOY_CHANGE, YOY_PCT
    raise ConfigError(f"basis must be 'month' or 'year', not {basis!r}")


def change_statement(changes: pd.DataFrame, ranks: pd.DataFrame | None, force: str, measure: str, month: object,
                     *, basis: str = "month", window: int | None = None, rank_top: int = 3,
                     noun: str = LPA, id: str | None = None) -> Statement:
    """The force's change on the previous month (``basis="month"``) or the same month last year (``"year"``), its
    rank in the window, and the local policing area (LPA) that moved most in the same direction (S4).

    ``changes``: ``volumes.changes(volumes)`` over the force and its LPAs (rows with ``area`` other than "Force");
    ``ranks``: ``ncpm.words.ranks.window_rank(volumes, window=36)`` for "in the last 3 years".

    Example: "In June 2023, Violence with Injury offences increased by 12% (n=481), the highest total in the last
    3 years, most notably in the North Local Policing Area (LPA)."
    """
    month = to_month(month)
    change_col, pct_col = change_columns(basis)
    row = one_row(changes, "changes", force=force, area=schema.WHOLE_FORCE, measure=measure, month=month)
    count, change, pct = int(row[schema.COUNT]), as_number(row[change_col]), as_number(row[pct_col])
    if not math.isfinite(change):
        raise InputError(f"no {change_col} for {force}, {measure}, {month}", file="changes", column=change_col)
    if change == 0:
        moved = "were unchanged"
    else:
        verb = "increased" if change > 0 else "decreased"
        size = percent(abs(pct)) if math.isfinite(pct) else f"{count_words(abs(change))} offences"
        moved = f"{verb} by {size}"
    since = "" if basis == "month" else f" on {month_label(month - 12)}"
    text = f"In {month_label(month)}, {offences_noun(measure)} {moved}{since} (n={count:,})"
    rank, facts = _rank_phrase(ranks, force, schema.WHOLE_FORCE, measure, month, window, rank_top, "total")
    if rank:
        text += f", {rank}"
    lpas = select_rows(changes, "changes", force=force, measure=measure, month=month)
    lpas = lpas[(lpas[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()]
    lpa, lpa_change = None, float("nan")
    if change != 0 and not lpas.empty:
        moves = lpas[change_col].astype(float).to_numpy() * np.sign(change)
        if np.nanmax(moves) > 0:
            best = int(np.nanargmax(moves))
            lpa, lpa_change = str(lpas.iloc[best][schema.AREA]), float(lpas.iloc[best][change_col])
            text += f", most notably in {area_phrase(lpa, long=True, noun=noun)}"
    facts.update({"count": count, "change": change, "pct": pct, "basis": basis, "lpa": lpa,
                  "lpa_change": lpa_change})
    return make_statement("change", force, measure, month, text + ".", facts, id=id)


def lpa_change_statement(changes: pd.DataFrame, force: str, measure: str, month: object, *, basis: str = "month",
                         suppress_below: int = 0, noun: str = LPA, id: str | None = None) -> Statement:
    """Which LPAs rose and which fell; a direction seen in one LPA only is given with its change and count (S8).

    ``changes``: ``volumes.changes(volumes)`` rows for the force's LPAs. The direction with more LPAs is said
    first (decreases first on a tie). ``suppress_below``: the change and count are left out when the count or the
    one before it is from 1 to ``suppress_below`` - 1 (disclosure control; 0 = none).

    Example: "In June 2023, vehicle crime offences decreased in the East and South LPAs but increased in the North
    LPA by 23 offences (n=126)."
    """
    month = to_month(month)
    change_col, _ = change_columns(basis)
    rows = select_rows(changes, "changes", force=force, measure=measure, month=month)
    rows = rows[(rows[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()].sort_values(schema.AREA)
    rows = rows[rows[change_col].notna().to_numpy()]
    if rows.empty:
        raise InputError(f"no LPA changes for {force}, {measure}, {month}", file="changes")
    groups: dict[str, list[tuple[str, int, int]]] = {"decreased": [], "increased": [], "were unchanged": []}
    for r in rows.itertuples(index=False):
        c = int(getattr(r, change_col))
        key = "decreased" if c < 0 else "increased" if c > 0 else "were unchanged"
        groups[key].append((str(getattr(r, schema.AREA)), c, int(getattr(r, schema.COUNT))))
    moving = sorted([k for k in ("decreased", "increased") if groups[k]], key=lambda k: -len(groups[k]))
    withheld: list[str] = []

    def clause(verb: str) -> str:
        members = groups[verb]
        if len(members) == len(rows) and len(members) > 1:
            return f"{verb} in all {counted_areas(len(members), noun)}"
        text = f"{verb} in {named_areas((a for a, _, _ in members), noun)}"
        if len(members) == 1 and verb != "were unchanged":
            area, c, n = members[0]
            if any_disclosive((n, n - c), suppress_below):
                withheld.append(area)
            else:
                text += f" by {count_words(abs(c))} {'offence' if abs(c) == 1 else 'offences'} (n={n:,})"
        return text

    parts = [clause(v) for v in moving]
    text = f"In {month_label(month)}, {offences_noun(measure)} " + " but ".join(parts)
    if groups["were unchanged"]:
        text += (", and " if parts else "") + clause("were unchanged")
    facts = {k: {a: c for a, c, _ in v} for k, v in groups.items()}
    facts["counts"] = {a: n for v in groups.values() for a, _, n in v}
    facts["basis"] = basis
    facts["withheld"] = withheld  # LPAs whose change and count were left out (disclosure control)
    return make_statement("lpa_change", force, measure, month, text + ".", facts, id=id)
