"""What the data support: the NCPM measures the report covers and what it does not give, and why.

:func:`coverage` lists once, with the reason, each catalogue measure not in the data (with the source it needs),
each measure the catalogue does not know (outside the NCPM set, e.g. police.uk anti-social behaviour), each measure
``[scope] measures`` leaves out, and each method the data cannot support (:class:`Omission`). The report's "Not in
this report" section (:func:`omission_lines`), the manifest's ``not_in_report``, the summary table and the sections
all follow that list, so none of them contradicts another.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import SATISFACTION_MEASURE
from ncpm.core.catalogue import label as catalogue_label
from ncpm.core.catalogue import measure as catalogue_measure
from ncpm.core.catalogue import measures as catalogue_measures
from ncpm.core.periods import month_label
from ncpm.methods.baseline import BASELINE_YEARS
from ncpm.methods.series import MONTHS_PER_YEAR, select_rows
from ncpm.quarter import plan as P
from ncpm.quarter import tables as T
from ncpm.quarter.lookup import force_value, has_forecast, has_lpas, months_before, present_measures
from ncpm.quarter.results import QuarterResults
from ncpm.words import statements as narrative

OUTSIDE_NCPM = "outside the NCPM measures: its counts are in the tables, not in the report"
OUT_OF_SCOPE = "not in [scope] measures"
LPA_FIGURES = ("theft_from_person", "vehicle_crime")  # measures whose LPA breakdown is drawn
PEER_FIGURES = ("vehicle_crime",)  # measures drawn against their Most Similar Group


@dataclass(frozen=True)
class Omission:
    """Something the report does not give, and why: the one list that the report's "Not in this report" section,
    the manifest (``not_in_report``), the summary table and the report's sections all follow.

    ``measure``: the measure concerned (None: every measure); ``method``: the method or statement left out
    ("3-year average", "outcome_rate"; None: the measure itself is not in the report); ``outside``: a measure the
    NCPM catalogue does not know (a police.uk crime type such as anti-social behaviour).

    >>> Omission("knife crime", "needs a force extract", measure="knife_crime").text
    'knife crime (needs a force extract)'
    """

    label: str
    reason: str
    measure: str | None = None
    method: str | None = None
    outside: bool = False

    @property
    def text(self) -> str:
        return f"{self.label} ({self.reason})"

    @property
    def whole_measure(self) -> bool:
        """True when the measure itself is left out (no section, no statement, no row in the summary table)."""
        return self.measure is not None and self.method is None

    def as_record(self) -> dict[str, object]:
        return {"measure": self.measure, "method": self.method, "label": self.label, "reason": self.reason,
                "outside_ncpm": self.outside}


def has_outcome_rate(res: QuarterResults, measure: str) -> bool:
    rate = force_value(res.tables.get(T.OUTCOMES_MONTH.name), measure, res.outcome_month, schema.RATE)
    return rate is not None and not pd.isna(rate)


def msg_value(res: QuarterResults, measure: str, column: str) -> object:
    """``column`` (of :data:`ncpm.core.schema.MSG_RESULT`) of the force's MSG comparison of ``measure`` at the report's
    month (None when there is none)."""
    msg = res.tables.get(T.MSG)
    if msg is None or msg.empty:
        return None
    rows = select_rows(msg, "msg", force=res.force, measure=measure, month=res.month)
    return None if rows.empty else rows.iloc[0][column]


def has_msg_average(res: QuarterResults, measure: str) -> bool:
    value = msg_value(res, measure, schema.MSG_AVERAGE)
    return value is not None and not pd.isna(value)


def monthly_ranks_complete(res: QuarterResults, measure: str) -> bool:
    """True when the monthly national rank of ``measure`` at the report's month covers every force of the
    comparison set (its ``rank_note`` is empty) and ranks this force: the monthly data then take precedence."""
    ranks = res.tables.get(T.NATIONAL_RANK)
    if ranks is None or ranks.empty:
        return False
    rows = select_rows(ranks, "national rank", force=res.force, measure=measure, month=res.month)
    return bool(len(rows)) and not pd.isna(rows[schema.RANK].iloc[0]) and pd.isna(rows[schema.RANK_NOTE].iloc[0])


def _gaps(method: str, label: str, missing: dict[str, str], among: list[str]) -> list[Omission]:
    """One omission for every measure when all of ``among`` lack ``method`` for the same reason, else one per
    measure (``missing``: measure -> reason)."""
    if not missing:
        return []
    reasons = set(missing.values())
    if len(missing) == len(among) and len(reasons) == 1 and len(among) > 1:
        return [Omission(label, reasons.pop(), method=method)]
    return [Omission(f"{label} of {catalogue_label(m)}", why, measure=m, method=method) for m, why in missing.items()]


def _method_gaps(res: QuarterResults, volume_measures: list[str]) -> list[Omission]:
    """The methods the data cannot support for the measures reported: each with the months it needs."""
    t, month, out = res.tables, res.month, []
    volumes = t[T.VOLUMES]
    missing = {}
    for m in volume_measures:
        value = force_value(t.get(T.BASELINE), m, month, schema.BASELINE)
        if value is None or pd.isna(value):
            n = months_before(volumes, m, month)
            need = BASELINE_YEARS * MONTHS_PER_YEAR
            missing[m] = (f"needs {need} months before {month_label(month)}, the month reported: {n} supplied"
                          if n < need else f"months it needs before {month_label(month)} are missing or excluded")
    out += _gaps("3-year average", "3-year average", missing, volume_measures)
    for key, need in ((T.RANKS_YEAR, P.RANK_YEAR), (T.RANKS_3_YEARS, P.RANK_3_YEARS)):
        window = key.parameter
        among = [m for m in volume_measures if P.needs(m, need)]
        missing = {}
        for m in among:
            if pd.isna(force_value(t.get(key.name), m, month, schema.RANK_HIGH)):
                n = months_before(volumes, m, month) + 1
                missing[m] = f"needs {window} months to {month_label(month)}: {min(n, window)} supplied"
        out += _gaps(f"rank_{window}", f"rank in the last {narrative.window_phrase(window)}", missing, among)
    for table, need, origin, what in (
            (T.FORECAST_QUARTER, P.QUARTER_FORECAST, res.quarter.origin, f"forecast for {res.quarter}"),
            (T.FORECAST_AHEAD, P.AHEAD_FORECAST, month, "forecast for the next quarter")):
        among = [m for m in volume_measures if P.needs(m, need)]
        missing = {}
        for m in among:
            if not has_forecast(t.get(table), m):
                n = months_before(volumes, m, origin + 1)
                missing[m] = (f"needs {MONTHS_PER_YEAR} months to its origin, {month_label(origin)}: "
                              f"{n} supplied" if n < MONTHS_PER_YEAR else "the model could not be fitted")
        out += _gaps(table, what, missing, among)
    among = [m for m in volume_measures if P.needs(m, P.OUTCOMES)]
    if among and T.OUTCOMES_MONTH.name not in t:
        out.append(Omission("'action taken' outcome rates", "needs outcomes files: police.uk outcomes files or a "
                            "force extract", method=P.OUTCOME_RATE))
    elif among:
        om = res.outcome_month
        offences = {m: force_value(volumes, m, om, schema.COUNT) for m in among}
        out += _gaps(P.OUTCOME_RATE, "'action taken' outcome rate",
                     {m: (f"no outcomes recorded for it in {month_label(om)}" if offences[m] else
                          f"no offences recorded in {month_label(om)}") for m in among
                      if not has_outcome_rate(res, m)}, among)
    # without monthly ranks of every force, the peers statement comes from the ONS period tables or says what
    # it needs (period_peer_statements); these are the gaps of the monthly path
    among = [m for m in volume_measures if P.needs(m, P.MSG) and monthly_ranks_complete(res, m)]
    if among and T.MSG not in t:
        out.append(Omission("Most Similar Group comparison", "needs an MSG membership file", method=P.PEERS))
    elif among and not has_msg_average(res, among[0]):
        note = msg_value(res, among[0], schema.FLAG_NOTE)
        out.append(Omission("Most Similar Group comparison", note if isinstance(note, str) and note
                            else f"no Most Similar Group for {res.force}", method=P.PEERS))
    among = [m for m in volume_measures if P.needs(m, P.AREAS) or m in LPA_FIGURES]
    out += _gaps("LPA", "breakdown by local policing area",
                 {m: "the data count the force as a whole only" for m in among if not has_lpas(volumes, m)}, among)
    return out


def _needs(m) -> str:
    """What a catalogue measure absent from the data would need: the sources the catalogue builds it from.

    >>> _needs(catalogue_measure("knife_crime")), _needs(catalogue_measure("homicide"))
    ('needs a force extract', 'needs Home Office recorded crime data or a force extract')
    """
    sources = (["police.uk street files"] if m.police_uk else []) + (
        ["Home Office recorded crime data"] if m.ho_codes else []) + ["a force extract"]
    return "needs " + (", ".join(sources[:-1]) + " or " + sources[-1] if len(sources) > 1 else sources[0])


def _outside_label(measure: str) -> str:
    """A measure outside the catalogue by its source's name: "police.uk 'anti social behaviour'"."""
    source, sep, name = measure.partition(":")
    return f"{source.replace('_', '.')} '{name.replace('_', ' ')}'" if sep else catalogue_label(measure)


def present(res: QuarterResults) -> set[str]:
    """The measures this force-quarter's data hold: volumes with a whole-force count, and the rolling
    satisfaction rate when there are survey responses."""
    out = present_measures(res.tables[T.VOLUMES])
    if T.SATISFACTION in res.tables:
        out.add(SATISFACTION_MEASURE)
    return out


def coverage(res: QuarterResults) -> tuple[list[str], list[Omission]]:
    """The NCPM measures the report covers (catalogue order, sub-measures left to their parent's section) and what
    it does not give, and why (:class:`Omission`): every catalogue measure not in the data (with the source it
    needs), every measure the catalogue does not know (outside the NCPM set, e.g. police.uk anti-social behaviour),
    every measure ``options.measures`` (``[scope] measures``) leaves out, and every method the data cannot support
    (a 3-year average without 36 earlier months, ranks, forecasts, 'action taken' rates without outcomes, peers
    without populations, breakdowns without areas).

    The summary table, the sections, the figures and the statements cover exactly ``reported``.
    """
    held = present(res)
    known = {c.id: c for c in catalogue_measures()}
    reported, omitted = [], []
    for c in catalogue_measures():
        if not res.options.in_scope(c.id, c.parent):
            if c.parent is None:
                omitted.append(Omission(c.label, OUT_OF_SCOPE, measure=c.id))
        elif c.id in held:
            if c.parent is None:
                reported.append(c.id)
        else:
            omitted.append(Omission(c.label, _needs(c), measure=c.id))
    omitted += [Omission(_outside_label(m), OUTSIDE_NCPM, measure=m, outside=True) for m in sorted(held - set(known))]
    omitted += _method_gaps(res, [m for m in reported if known[m].kind == "volume"])
    return reported, omitted


def ensure_coverage(res: QuarterResults) -> list[str]:
    """The measures the report covers (:func:`coverage`, computed once and kept in ``res``)."""
    if res.reported is None:
        res.reported, res.omitted = coverage(res)
    return res.reported


def report_measures(res: QuarterResults) -> list[str]:
    """The measures the report has a section for, in priority and catalogue order: those :func:`coverage` reports
    and any other with a statement (from another source, such as the Home Office PRC quarter)."""
    order = {c.id: i for i, c in enumerate(catalogue_measures())}
    chosen = set(ensure_coverage(res)) | {s.measure for s in res.statements if s.measure in order}
    return sorted(chosen, key=lambda m: (catalogue_measure(m).priority, order[m]))


def omission_lines(res: QuarterResults) -> list[str]:
    """The report's "Not in this report" list, from ``res.omitted``: each NCPM measure not in the data with what
    it needs, each method the data cannot support with why, and the measures outside the NCPM set in one line."""
    ensure_coverage(res)
    lines = [o.text for o in res.omitted if not o.outside]
    outside = [o.label for o in res.omitted if o.outside]
    if outside:
        lines.append(f"{', '.join(outside)} ({OUTSIDE_NCPM})")
    return lines


def measure_omissions(res: QuarterResults, measure: str) -> list[Omission]:
    """What the section of ``measure`` does not give: its methods the data cannot support and its sub-measures
    not in the data (motorcycle theft within vehicle crime)."""
    ensure_coverage(res)
    parts = {c.id for c in catalogue_measures() if c.parent == measure}
    return [o for o in res.omitted if (o.measure == measure and o.method) or (o.whole_measure and o.measure in parts)]


def priority_omissions(res: QuarterResults) -> dict[int, tuple[str, ...]]:
    """Per NCPM priority, its measures left out of the report with what each needs ("knife crime (needs a force
    extract)"), for the priority's section."""
    ensure_coverage(res)
    out: dict[int, list[str]] = {}
    for o in res.omitted:
        if o.whole_measure and not o.outside:
            info = catalogue_measure(o.measure)
            if info.parent is None:
                out.setdefault(info.priority, []).append(o.text)
    return {k: tuple(v) for k, v in out.items()}
