"""The quarter's statements: the plan (``ncpm.quarter.plan``) carried out for every measure the report covers, each
planned kind built by one function of the dispatch table :data:`KINDS`, in the report's wording
(``ncpm.words.statements``).

A measure's headline month is the latest month, except where the plan says "notable" (``volume_notable``): the
quarter's month furthest from its 3-year average (largest |z|), as the seed report does for knife crime. Outcome
('action taken') rates are stated for ``options.outcome_lag`` months behind the latest: outcomes recorded for the
latest month are still incomplete when the report is written, as in the seed report. What the data cannot support
is left out and listed with the reason (``ncpm.quarter.coverage``); nothing is invented.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import label as catalogue_label
from ncpm.core.catalogue import measure as catalogue_measure
from ncpm.core.catalogue import measures as catalogue_measures
from ncpm.core.errors import InputError, NcpmError
from ncpm.methods.volumes import quarter_profile
from ncpm.quarter import tables as T
from ncpm.quarter.coverage import (
    Omission,
    coverage,
    has_msg_average,
    has_outcome_rate,
    monthly_ranks_complete,
)
from ncpm.quarter.lookup import area_rows, force_rows, has_forecast, has_lpas, located, present_measures
from ncpm.quarter.plan import Planned, plan
from ncpm.quarter.results import QuarterResults
from ncpm.words import statements as narrative
from ncpm.words.statements import Statement

Tables = Mapping[str, pd.DataFrame]
Builder = Callable[[QuarterResults, str, "str | None", Tables], list[Statement]]


def notable_month(res: QuarterResults, measure: str) -> pd.Period:
    """The quarter's month (to the latest) furthest from its 3-year average (largest |z|); the latest without one."""
    rows = force_rows(res.tables[T.BASELINE], measure)
    rows = rows[(rows[schema.MONTH].isin(list(res.quarter.months())) & (rows[schema.MONTH] <= res.month)).to_numpy()]
    rows = rows[rows[schema.Z].notna()]
    if rows.empty:
        return res.month
    return rows.loc[rows[schema.Z].abs().idxmax(), schema.MONTH]


def _lpa_singled_out(res: QuarterResults, measure: str) -> str | None:
    """The local area whose change stood out (the largest absolute month-on-month change)."""
    rows = area_rows(res.tables[T.CHANGES], measure, res.month)
    rows = rows[rows[schema.MOM_CHANGE].notna()]
    if rows.empty:
        return None
    return rows.loc[rows[schema.MOM_CHANGE].abs().idxmax(), schema.AREA]


def _quarter_forecast(t: Tables, measure: str) -> pd.DataFrame | None:
    return t.get(T.FORECAST_QUARTER) if has_forecast(t.get(T.FORECAST_QUARTER), measure) else None


def period_peer_statements(res: QuarterResults, measure: str) -> list[Statement]:
    """The national rank, its change and the MSG comparison of ``measure`` from the ONS period tables, when the
    monthly data of the other forces are absent (:class:`InputError` saying what is needed when there are none)."""
    table = res.tables.get(T.PERIOD_PEERS)
    if table is None or table.empty:
        raise InputError("needs monthly counts of every force, or ONS police force area tables (Table P1) with "
                         "mid-year populations" + "".join(f"; {n}" for n in res.period_notes[:1]))  # why unused
    return [narrative.period_peer_statement(table, res.force, measure)]


# --- the builders: one per statement kind ---------------------------------------------------------------------
# Each takes the results, the measure, the planned sub-measure (shares) and the tables (areas compared: without
# "No location"), and returns its statements, or [] when coverage() lists why the data cannot support them.


def _period_change(res, measure, part, t):
    return [narrative.period_change_statement(t[T.VOLUMES], t[T.PERIOD_CHANGE.name], res.force, measure, res.month,
                                              months=T.PERIOD_CHANGE.parameter)]


def _quarter_total(res, measure, part, t):
    return [narrative.quarter_statement(t[T.QUARTERS], t[T.VOLUMES], res.force, measure, res.month)]


def _volume(ranked: bool, forecast: bool, notable: bool = False) -> Builder:
    """A volume statement: the month against the 3-year average, with its rank in 12 months (``ranked``) and the
    quarter's forecast (``forecast``); the quarter's notable month instead of the latest (``notable``)."""
    def build(res, measure, part, t):
        month = notable_month(res, measure) if notable else res.month
        return [narrative.volume_statement(t[T.BASELINE], t[T.RANKS_YEAR.name] if ranked else None, res.force,
                                           measure, month, **({"forecast": _quarter_forecast(t, measure)}
                                                              if forecast else {}))]
    return build


def _change_year(res, measure, part, t):
    return [narrative.change_statement(t[T.CHANGES], t[T.RANKS_3_YEARS.name], res.force, measure, res.month,
                                       basis="year", noun=res.options.area_noun)]


def _forecast_direction(res, measure, part, t):
    if not has_forecast(t.get(T.FORECAST_AHEAD), measure):
        return []
    return [narrative.forecast_direction_statement(t[T.FORECAST_AHEAD], t[T.VOLUMES], res.force, measure)]


def _outcome_rate(res, measure, part, t):
    if not has_outcome_rate(res, measure):
        return []
    return [narrative.outcome_rate_statement(t[T.OUTCOMES_MONTH.name], res.force, measure, res.outcome_month)]


def _share(res, measure, part, t):
    return [narrative.share_statement(t[T.SHARES], res.force, part, measure, res.month, against="month")]


def _share_lpa(res, measure, part, t):
    area = _lpa_singled_out(res, measure)
    return [] if area is None else [narrative.share_statement(
        t[T.SHARES], res.force, part, measure, res.month, area=area, suppress_below=res.options.suppress_below,
        noun=res.options.area_noun)]


def _lpa_share(res, measure, part, t):
    return [narrative.lpa_share_statement(t[T.SHARES], res.force, part, measure, res.month,
                                          suppress_below=res.options.suppress_below, noun=res.options.area_noun)]


def _lpa_change(res, measure, part, t):
    return [narrative.lpa_change_statement(t[T.CHANGES], res.force, measure, res.month,
                                           suppress_below=res.options.suppress_below, noun=res.options.area_noun)]


def _profile(res, t, measure, forecast, area=schema.WHOLE_FORCE):
    return quarter_profile(t[T.BASELINE], forecast, res.force, measure, res.month, area=area,
                           in_line=res.options.in_line, substantial=res.options.substantial)


def _quarter_profile(res, measure, part, t):
    profile = _profile(res, t, measure, _quarter_forecast(t, measure))
    return [narrative.quarter_profile_statement(profile, res.force, measure, res.month)]


def _lpa_profile(res, measure, part, t):
    areas = sorted(set(area_rows(t[T.BASELINE], measure)[schema.AREA].astype(str)))
    lpas = {a: _profile(res, t, measure, None, area=a) for a in areas}
    return [narrative.lpa_profile_statement(_profile(res, t, measure, None), lpas, res.force, measure, res.month,
                                            noun=res.options.area_noun)]


def _msg_outlier(res, measure, part, t):  # only where the MSG comparison exists: no group, nothing missing
    if T.MSG not in t or not has_msg_average(res, measure):
        return []
    return [narrative.msg_outlier_statement(t[T.MSG], res.force, measure, res.month)]


def _peers(res, measure, part, t):
    if not monthly_ranks_complete(res, measure):
        return period_peer_statements(res, measure)
    if T.MSG not in t:
        return []
    return [narrative.peer_statement(t[T.MSG], t[T.RANK_CHANGES], res.force, measure, res.month)]


def _satisfaction(res, measure, part, t):
    if T.SATISFACTION not in t:
        return []
    return [narrative.satisfaction_statement(t[T.SATISFACTION], res.force, res.options.survey, res.month,
                                             window=res.options.satisfaction_window)]


@dataclass(frozen=True)
class StatementKind:
    """How one kind of planned statement is built: ``build`` (see the builders above); ``words``: the kind as the
    "Not in this report" list names it; ``by_area``: it compares local areas (police.uk's "No location" left out);
    ``needs_part``: it is about the planned sub-measure (nothing stated when the data lack it); ``needs_areas``: it
    needs the measure by local area (nothing stated for a force counted as a whole)."""

    build: Builder
    words: str
    by_area: bool = False
    needs_part: bool = False
    needs_areas: bool = False


KINDS: dict[str, StatementKind] = {
    "period_change": StatementKind(_period_change, "change on the same period last year"),
    "quarter_total": StatementKind(_quarter_total, "quarter total"),
    "volume_notable": StatementKind(_volume(ranked=True, forecast=False, notable=True),
                                    "count against the 3-year average"),
    "volume": StatementKind(_volume(ranked=False, forecast=False), "count against the 3-year average"),
    "volume_ranked": StatementKind(_volume(ranked=True, forecast=False), "count against the 3-year average"),
    "volume_forecast": StatementKind(_volume(ranked=False, forecast=True), "count against the forecast"),
    "volume_full": StatementKind(_volume(ranked=True, forecast=True), "count against the 3-year average"),
    "change_year": StatementKind(_change_year, "change on the same month last year", by_area=True),
    "forecast_direction": StatementKind(_forecast_direction, "forecast for the next quarter"),
    "outcome_rate": StatementKind(_outcome_rate, "'action taken' outcome rate"),
    "share": StatementKind(_share, "share", needs_part=True),
    "share_lpa": StatementKind(_share_lpa, "share by local policing area", by_area=True, needs_part=True,
                               needs_areas=True),
    "lpa_share": StatementKind(_lpa_share, "share by local policing area", by_area=True, needs_part=True,
                               needs_areas=True),
    "lpa_change": StatementKind(_lpa_change, "change by local policing area", by_area=True, needs_areas=True),
    "quarter_profile": StatementKind(_quarter_profile, "quarter profile"),
    "lpa_profile": StatementKind(_lpa_profile, "quarter profile by local policing area", needs_areas=True),
    "msg_outlier": StatementKind(_msg_outlier, "Most Similar Group outlier flag"),
    "peers": StatementKind(_peers, "Most Similar Group comparison"),
    "satisfaction": StatementKind(_satisfaction, "rolling satisfaction rate"),
}
BY_AREA_TABLES = (T.CHANGES, T.SHARES)  # the tables a statement comparing areas reads without "No location"


def build(planned: Planned, res: QuarterResults, measure: str) -> list[Statement]:
    """The statements of one planned entry; [] when :func:`ncpm.quarter.coverage.coverage` lists why the data
    cannot support it."""
    kind = KINDS.get(planned.kind)
    if kind is None:
        raise ValueError(f"unknown statement kind {planned.kind!r}")
    t: Tables = res.tables
    if kind.by_area:
        t = {**t, **{k: located(t[k]) for k in BY_AREA_TABLES if k in t}}
    if kind.needs_part and planned.part not in present_measures(t[T.VOLUMES]):
        return []
    if kind.needs_areas and not has_lpas(t[T.VOLUMES], measure):
        return []
    return kind.build(res, measure, planned.part, t)


PRC_MONTHLY_GAP = "needs monthly counts (a force extract): the Home Office PRC tables give quarters only"


def prc_statements(res: QuarterResults) -> list[Statement]:
    """The quarter against the same quarter of the previous three years, from Home Office PRC counts, for every
    catalogue measure the PRC tables hold and the force's monthly data lack. A quarter the table does not hold
    is listed in ``omitted`` (and ``notes``) with the quarters it does hold."""
    table = res.tables.get(T.PRC_QUARTER)
    if table is None or table.empty:
        return []
    monthly = present_measures(res.tables[T.VOLUMES])
    known = {c.id: c for c in catalogue_measures() if c.kind == "volume" and res.options.in_scope(c.id, c.parent)}
    wanted = [m for m in known if m in set(table[schema.MEASURE]) and m not in monthly]
    out: list[Statement] = []
    for measure in wanted:
        label = catalogue_label(measure)
        try:
            out.append(narrative.prc_quarter_statement(table, res.force, measure))
        except NcpmError as exc:
            res.notes.append(f"{measure} prc_quarter: not stated ({exc})")
            res.omitted.append(Omission(f"{res.quarter} against the 3-year average of {label} (Home Office PRC)",
                                        getattr(exc, "message", str(exc)), measure=measure, method="prc_quarter"))
        # the measure is in the PRC data: what is missing is its months (and, when not stated, its quarter)
        res.omitted = [o if not (o.whole_measure and o.measure == measure) else
                       Omission(f"monthly figures of {label}", PRC_MONTHLY_GAP, measure=measure, method="monthly")
                       for o in res.omitted]
    return sorted(out, key=lambda st: st.priority)


def quarter_statements(res: QuarterResults) -> list[Statement]:
    """The statements for every NCPM measure the report covers (:func:`ncpm.quarter.coverage.coverage`), in
    priority order: the seed's plan (:data:`ncpm.quarter.plan.STATEMENT_PLAN`) for its measures,
    :data:`ncpm.quarter.plan.DEFAULT_PLAN` for the others.

    What the data cannot support is left out and listed, with the reason, in ``res.omitted`` (a statement whose
    builder fails is listed there too, and its reason added to ``res.notes``); nothing is invented.
    """
    res.reported, res.omitted = coverage(res)
    out: list[Statement] = []
    for measure in sorted(res.reported, key=lambda m: catalogue_measure(m).priority):
        for planned in plan(measure):
            try:
                out.extend(build(planned, res, measure))
            except NcpmError as exc:
                res.notes.append(f"{measure} {planned.name}: not stated ({exc})")
                words = KINDS[planned.kind].words
                res.omitted.append(Omission(f"{words} of {catalogue_label(measure)}", str(exc), measure=measure,
                                            method=planned.name))
    out.extend(prc_statements(res))
    return out
