"""The report's figures and the rule that picks where each goes: a measure is notable (:class:`Notability`) when its
statements single it out, and a notable measure's main figure goes with its section (:func:`quarter_figures`);
charts by LPA of a published report show counts after disclosure control (:func:`published_lpa_volumes`).

Figures are named ``<measure id>_<suffix>`` (:data:`FIGURE_SUFFIXES`), the names ``[report] figures`` may list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import SATISFACTION_MEASURE
from ncpm.core.catalogue import label as catalogue_label
from ncpm.core.catalogue import measure as catalogue_measure
from ncpm.core.periods import month_label
from ncpm.methods.baseline import ABOVE, BELOW, COMPARISON_SIDES, SUBSTANTIAL
from ncpm.methods.disclosure import FLAG, DisclosurePolicy, protect
from ncpm.methods.forecast.labels import FORECAST_SIDES
from ncpm.methods.series import select_rows
from ncpm.methods.spc import COMMON_CAUSE, CONCERN, IMPROVED, SPECIAL_CAUSE
from ncpm.quarter import tables as T
from ncpm.quarter.coverage import LPA_FIGURES, PEER_FIGURES, ensure_coverage, has_msg_average, report_measures
from ncpm.quarter.lookup import force_rows, has_forecast, has_lpas
from ncpm.quarter.options import QuarterOptions
from ncpm.quarter.plan import VOLUME_NOTABLE, uses
from ncpm.quarter.results import QuarterResults
from ncpm.quarter.statements import notable_month
from ncpm.words import plots
from ncpm.words import statements as narrative
from ncpm.words.statements import (
    FACT_BASELINE_LABEL,
    FACT_COMPARISON,
    FACT_FORECAST_LABEL,
    FACT_QUARTER,
    Statement,
)
from ncpm.words.style import AREA_NOUN

VOLUMES_FIGURE, LPA_FIGURE, MSG_FIGURE, RATE_FIGURE = FIGURE_SUFFIXES = ("volumes", "lpa", "msg", "rate")
NOTABLE_KINDS = ("volume", "quarter_profile")  # statements that compare a month (or the quarter) with expectations
_SUBSTANTIAL = SUBSTANTIAL
_SIDES = {**COMPARISON_SIDES, **FORECAST_SIDES}
_SPC_VARIATION = (CONCERN, IMPROVED, COMMON_CAUSE, SPECIAL_CAUSE)


def published_lpa_volumes(volumes: pd.DataFrame, force: str, measure: str,
                          policy: DisclosurePolicy) -> tuple[pd.DataFrame, str]:
    """The force's and its LPAs' monthly counts of ``measure`` as a published chart may show them: after
    disclosure control (:func:`ncpm.methods.disclosure.protect`: suppressed counts become missing, so a line has a gap;
    rounded counts are drawn rounded), and the chart's note saying so ("" when nothing was changed)."""
    rows = select_rows(volumes, "volumes", force=force, measure=measure)
    cells = rows[[schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH, schema.COUNT]].reset_index(drop=True)
    protected = protect(cells, policy, derived=())
    shown = protected.frame.drop(columns=[FLAG])
    shown[schema.COUNT] = shown[schema.COUNT].astype("Float64").astype(float)
    lpa = (shown[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()
    flags = protected.frame[FLAG].astype(str).to_numpy()
    if policy.method == "round":
        note = f"LPA counts rounded to the nearest {policy.base} (disclosure control)." if lpa.any() else ""
    else:
        gaps = int((lpa & (flags != "")).sum())
        note = (f"Gaps: {gaps} LPA monthly {'count' if gaps == 1 else 'counts'} not shown (disclosure control: "
                f"counts {'0' if policy.suppress_zeros else '1'} to {policy.threshold - 1}, and counts that would "
                f"reveal them, are suppressed).") if gaps else ""
    return shown, note


@dataclass(frozen=True)
class Notability:
    """Whether a measure's statements single it out, and why: the rule that picks the report's figures.

    A measure is notable when one of its statements that compares a month or the quarter with what was expected
    (:data:`NOTABLE_KINDS`: the month against the 3-year average and the forecast; the quarter's profile) says that
    it was *substantially* above or below the 3-year average (|z| >= ``substantial``), outside the forecast's 95%
    interval ("above the forecast"), or an SPC exception (:func:`ncpm.methods.spc.spc` on residuals from the 3-year
    average, any rule) in a month the statement describes; or when ``[report] figures`` names it. With
    ``notable_direction="concern"`` (the default) only departures in the direction opposite to ``improvement``
    count (rises, for crime): the seed report's two figures illustrate its concerns (knife crime substantially above
    the 3-year average; theft from the person above it and the forecast), not the fall of vehicle crime below its
    forecast. A statement that compares nothing (a quarter total, a change on last year) makes its measure notable
    only when configured, as do survey measures (their statement always compares with the target).

    >>> Notability("knife_crime", True, ("substantially above the 3-year average in May 2023",)).reason
    'substantially above the 3-year average in May 2023'
    """

    measure: str
    notable: bool
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _direction_counts(label: object, options: QuarterOptions) -> bool:
    """Whether a comparison label ("substantially above", "below the forecast") or an SPC variation ("concern",
    "improvement") is a departure that ``options.notable_direction`` counts. The labels' sides are looked up in the
    methods' own tables (:data:`~ncpm.methods.baseline.COMPARISON_SIDES`, :data:`~ncpm.methods.forecast.labels.FORECAST_SIDES`),
    never read from the words."""
    if label in _SPC_VARIATION:
        return label == CONCERN if options.notable_direction != "both" else label != COMMON_CAUSE
    side = _SIDES.get(label, 0) if isinstance(label, str) else 0
    if side == 0:
        return False
    if options.notable_direction == "both":
        return True
    return side == (1 if options.improvement == "decrease" else -1)


def _spc_reasons(res: QuarterResults, measure: str, months: list[pd.Period]) -> list[str]:
    e = res.tables.get(T.EXCEPTIONS)
    if e is None or e.empty:
        return []
    rows = force_rows(e, measure)
    rows = rows[rows[schema.MONTH].isin(months).to_numpy()]
    out = []
    for month, signal, variation in zip(rows[schema.MONTH], rows[schema.SIGNAL], rows[schema.VARIATION], strict=True):
        if isinstance(signal, str) and signal and _direction_counts(variation, res.options):
            out.append(f"an SPC exception ({signal.replace('_', ' ')}, {variation}) in {month_label(month)}")
    return out[:1]  # the first is enough to single the measure out


def _statement_reasons(res: QuarterResults, s: Statement) -> list[str]:
    """What makes one statement notable (:class:`Notability`), from its facts and the SPC table."""
    o, f, out = res.options, s.facts, []
    if s.kind == "volume":
        when = month_label(s.month)
        if f.get(FACT_COMPARISON) in _SUBSTANTIAL and _direction_counts(f[FACT_COMPARISON], o):
            out.append(f"{f[FACT_COMPARISON]} the 3-year average in {when}")
        label = f.get(FACT_FORECAST_LABEL)  # only when the statement compared the month with a forecast
        if FORECAST_SIDES.get(label, 0) and _direction_counts(label, o):
            out.append(f"{label} in {when}")
        out += _spc_reasons(res, s.measure, [s.month])
    elif s.kind == "quarter_profile":
        when = str(f[FACT_QUARTER])
        if f.get(FACT_BASELINE_LABEL) in _SUBSTANTIAL and _direction_counts(f[FACT_BASELINE_LABEL], o):
            out.append(f"{f[FACT_BASELINE_LABEL]} the 3-year average in {when}")
        label = f.get(FACT_FORECAST_LABEL)  # each comparison's facts only when it was made
        if COMPARISON_SIDES.get(label, 0) and _direction_counts(label, o):
            side = ABOVE if COMPARISON_SIDES[label] > 0 else BELOW
            out.append(f"{side} the forecast in {when}")
        out += _spc_reasons(res, s.measure, [m for m in res.quarter.months() if m <= res.month])
    return out


def _named_figures(options: QuarterOptions) -> set[str]:
    return {n for n in options.figures if n not in ("notable", "all")}


def notability(res: QuarterResults) -> dict[str, Notability]:
    """Per measure the report covers, whether it is notable and why (:class:`Notability`), from its statements
    (``res.statements``) and the SPC table; derived from the computed comparisons, never from measure ids."""
    named = _named_figures(res.options)  # measure ids (and figure names, placed by quarter_figures)
    out = {}
    for measure in report_measures(res):
        reasons: list[str] = []
        for s in res.statements:
            if s.measure == measure:
                reasons += [r for r in _statement_reasons(res, s) if r not in reasons]
        if measure in named:
            reasons.append("named in [report] figures")
        out[measure] = Notability(measure, bool(reasons), tuple(reasons))
    return out


class QuarterFigure(tuple):
    """One figure of the report: a ``(caption, draw)`` pair, with where it goes and why.

    ``draw(ax)`` draws on a given Axes; ``caption`` is in title case (:func:`ncpm.words.statements.title_case`;
    the report adds "Figure N - "); ``measure``; ``notable`` and ``reason`` (:class:`Notability`); ``placement``:
    "report" (with its measure's section) or "appendix" (the figures section at the end); ``number``: its figure
    number in report order (the report's figures first, then the appendix's).
    """

    def __new__(cls, caption: str, draw: Callable, *, name: str, measure: str, notable: bool, reason: str,
                placement: str = "report", number: int = 0) -> QuarterFigure:
        self = super().__new__(cls, (caption, draw))
        self.__dict__.update(name=name, measure=measure, notable=notable, reason=reason, placement=placement,
                             number=number)
        return self

    caption = property(lambda self: self[0])
    draw = property(lambda self: self[1])

    def placed(self, placement: str, number: int) -> QuarterFigure:
        return QuarterFigure(self.caption, self.draw, name=self.name, measure=self.measure, notable=self.notable,
                             reason=self.reason, placement=placement, number=number)


def _in_body(fig: QuarterFigure, options: QuarterOptions, main: bool) -> bool:
    """Whether a figure goes with its measure's section: every figure with ``figures = "all"``; else a measure's
    main figure (its volumes chart, or its rate chart) when the measure is notable (``"notable"`` in the list) or
    named, and any figure named itself ("vehicle_crime_msg")."""
    if "all" in options.figures:
        return True
    named = _named_figures(options)
    if fig.name in named:
        return True
    return main and (fig.measure in named or ("notable" in options.figures and fig.notable))


def quarter_figures(res: QuarterResults, policy: DisclosurePolicy | None = None) -> dict[str, QuarterFigure]:
    """The report's figures as ``{name: QuarterFigure}`` (each a ``(caption, draw)`` pair, with its placement and
    number); names start with the measure id, in report order: the figures that go with their measures' sections
    first, then the appendix's.

    Which figures go with the sections follows ``options.figures`` (``[report] figures``): by default the main
    figure of each notable measure (:func:`notability`), as the seed report charts knife crime and theft from the
    person only; the others go to an appendix (``other_figures="appendix"``) or are left out (``"none"``).

    ``policy``: disclosure control for published figures (the batch passes the configured policy): the charts by
    LPA then show counts as :func:`published_lpa_volumes` gives them. None (notebooks, analysts' own use): the
    counts as recorded.

    Drawing is left to the caller (the batch makes one Figure per chart and writes it; a notebook shows it).
    """
    t, f, m = res.tables, res.force, res.month
    flags = notability(res)
    drawn: list[tuple[QuarterFigure, bool]] = []

    def add(measure: str, suffix: str, caption: str, draw: Callable, main: bool) -> None:
        n = flags.get(measure, Notability(measure, False))
        drawn.append((QuarterFigure(narrative.title_case(caption), draw, name=f"{measure}_{suffix}", measure=measure,
                                    notable=n.notable, reason=n.reason), main))

    for measure in report_measures(res):
        info = catalogue_measure(measure)
        label = catalogue_label(measure, capital=True)
        if info.kind == "survey":
            if measure == SATISFACTION_MEASURE and T.SATISFACTION in t:
                window = res.options.satisfaction_window
                add(measure, RATE_FIGURE, f"{label}, rolling {window} months",
                    lambda ax, label=label, window=window: plots.rate_chart(
                        t[T.SATISFACTION], res.options.target, force=f, survey=res.options.survey, month=m,
                        window=window, label=label, source=res.options.source, ax=ax), True)
            continue
        if info.kind != "volume" or measure not in ensure_coverage(res):
            continue
        marked = notable_month(res, measure) if uses(measure, VOLUME_NOTABLE) else m
        ahead = t.get(T.FORECAST_QUARTER) if has_forecast(t.get(T.FORECAST_QUARTER), measure) else None
        add(measure, VOLUMES_FIGURE, f"{label} volumes",
            lambda ax, measure=measure, marked=marked, ahead=ahead: plots.volume_chart(
                t[T.BASELINE], ahead, force=f, measure=measure, month=m, highlight=marked,
                source=res.options.source, ax=ax), True)
        if measure in LPA_FIGURES and has_lpas(t[T.VOLUMES], measure):  # a real area, not only "No location"
            shown, note = (t[T.VOLUMES], "") if policy is None else published_lpa_volumes(t[T.VOLUMES], f, measure,
                                                                                          policy)
            add(measure, LPA_FIGURE,
                f"{label} by {'Local Policing Area' if res.options.area_noun == AREA_NOUN else 'area'}",
                lambda ax, measure=measure, shown=shown, note=note: plots.lpa_chart(
                    shown, f, measure, month=m, source=res.options.source, note=note, noun=res.options.area_noun,
                    ax=ax), False)
        if measure in PEER_FIGURES and has_msg_average(res, measure):
            add(measure, MSG_FIGURE, f"{label} per 1,000 population: Most Similar Group",
                lambda ax, measure=measure: plots.msg_chart(
                    t[T.MSG], t[T.RATES], f, measure, m, msg=t.get(T.MSG_MEMBERSHIP), source=res.options.source,
                    ax=ax), False)
    body = [fig for fig, main in drawn if _in_body(fig, res.options, main)]
    rest = [fig for fig, main in drawn if not _in_body(fig, res.options, main)]
    if res.options.other_figures == "none":
        rest = []
    placed = [fig.placed("report", i) for i, fig in enumerate(body, 1)]
    placed += [fig.placed("appendix", i) for i, fig in enumerate(rest, len(body) + 1)]
    return {fig.name: fig for fig in placed}
