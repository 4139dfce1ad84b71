"""One quarter for one force, in memory: every measure, forecast and peer comparison, the statements in the
report's wording, and the figures. Pure: canonical frames in, results out; ``ncpm.pipeline.batch`` does the files.

This is the seed report's Appendix B as a plan (:data:`STATEMENT_PLAN`): which kinds of statement each NCPM measure
gets. The plan names statement kinds, never numbers, so the same code describes any force and any quarter.

Choices this module makes, each a named option (see :class:`QuarterOptions`):

- outcome ("action taken") rates are reported for the month before the latest (``outcome_lag=1``): outcomes
  recorded for the latest month are still incomplete when the report is written, as in the seed report;
- a measure's headline month is the latest month, except where the plan says "notable": the quarter's month
  furthest from its 3-year average (largest |z|), as the seed report does for knife crime;
- the national rank is compared with the window ending one quarter earlier (``rank_lag=3`` months);
- forecasts are made for force-level series; the quarter's forecast is made at its origin (the month before it
  starts) and the forward look from the latest month;
- every NCPM measure in the data is reported: the seed's measures with their plan, the others (police.uk
  burglary and robbery, drugs, weapons) with :data:`DEFAULT_PLAN`; a measure the catalogue does not know (police.uk
  anti-social behaviour, other theft, ...) is never stated: it is listed as outside the NCPM set, its counts kept
  in the tables;
- what the data cannot support is listed once, with the reason, by :func:`coverage` (:class:`Omission`): the
  report's "Not in this report" section, the manifest's ``not_in_report``, the summary table and the sections all
  follow that list, so none of them contradicts another.

>>> opts = QuarterOptions(outcome_lag=1)
>>> opts.forecast_engine
'statsmodels'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import label as catalogue_label
from ncpm.core.catalogue import measure as catalogue_measure
from ncpm.core.catalogue import measures as catalogue_measures
from ncpm.core.catalogue import priorities
from ncpm.core.errors import InputError, NcpmError
from ncpm.core.forces import canonical_force
from ncpm.core.periods import FyQuarter, fy_quarter, month_label, parse_quarter, to_month
from ncpm.methods import forecast as fc
from ncpm.methods import measures, peers, prc, spc
from ncpm.methods.baseline import Z_IN_LINE, Z_SUBSTANTIAL
from ncpm.methods.disclosure import DEFAULT_THRESHOLD, FLAG, DisclosurePolicy, protect
from ncpm.methods.series import NO_LOCATION, select_rows
from ncpm.quarter.engine import map_series
from ncpm.words import plots
from ncpm.words import statements as narrative
from ncpm.words.style import percent

SUB_MEASURE_SHARES = "shares"
SATISFACTION_MEASURE = "da_satisfaction"  # the plan's measure for the rolling satisfaction rate

# Which statements each measure gets (the seed report's Appendix B). Kinds are built by the functions in
# _BUILDERS below; a measure absent from the data is left out with a note.
STATEMENT_PLAN: dict[str, tuple[str, ...]] = {
    "homicide": ("period_change", "msg_outlier"),
    "firearms": ("quarter_total",),
    "knife_crime": ("volume_notable",),
    "violence_with_injury": ("change_year", "outcome_rate", "forecast_direction"),
    "robbery_personal": ("volume", "share:robbery_personal_knife", "outcome_rate"),
    "burglary_residential": ("volume_ranked", "outcome_rate"),
    "theft_from_person": ("quarter_profile", "lpa_profile", "lpa_share:theft_from_person_pickpocket"),
    "vehicle_crime": ("volume_forecast", "lpa_change", "share_lpa:vehicle_motorcycle_theft", "outcome_rate", "peers"),
    "da_satisfaction": ("satisfaction",),
}
# Every other NCPM measure in the data (police.uk burglary, robbery, drugs, weapons; ...) gets these: its count
# against the 3-year average, its rank in 12 months and the forecast; the forward look; the 'action taken' rate.
DEFAULT_PLAN: tuple[str, ...] = ("volume_full", "forecast_direction", "outcome_rate")
LPA_FIGURES = ("theft_from_person", "vehicle_crime")  # measures whose LPA breakdown is drawn
PEER_FIGURES = ("vehicle_crime",)  # measures drawn against their Most Similar Group
OUTSIDE_NCPM = "outside the NCPM measures: its counts are in the tables, not in the report"
_KIND_WORDS = {  # statement kinds as the "Not in this report" list names them
    "period_change": "change on the same period last year", "quarter_total": "quarter total",
    "volume_notable": "count against the 3-year average", "volume": "count against the 3-year average",
    "volume_ranked": "count against the 3-year average", "volume_forecast": "count against the forecast",
    "volume_full": "count against the 3-year average", "change_year": "change on the same month last year",
    "forecast_direction": "forecast for the next quarter", "outcome_rate": "'action taken' outcome rate",
    "share": "share", "share_lpa": "share by local policing area", "lpa_share": "share by local policing area",
    "lpa_change": "change by local policing area", "quarter_profile": "quarter profile",
    "peers": "Most Similar Group comparison", "satisfaction": "rolling satisfaction rate",
    "msg_outlier": "Most Similar Group outlier flag", "lpa_profile": "quarter profile by local policing area",
}


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


def _statement_threshold(cfg) -> int:
    """The disclosure threshold statements follow: the configured ``[disclosure] threshold``."""
    section = getattr(cfg, "disclosure", None)
    return DEFAULT_THRESHOLD if section is None else int(section.threshold)


def _report_options(cfg) -> dict[str, object]:
    """The figure options of ``[report]`` (its defaults when the configuration has no such section)."""
    section = getattr(cfg, "report", None)
    if section is None:
        return {}
    return {"figures": tuple(section.figures), "other_figures": section.other_figures,
            "notable_direction": section.notable_direction}


@dataclass(frozen=True)
class QuarterOptions:
    """Every method choice of a quarterly run, with METHODS.md's defaults."""

    baseline_method: str = "same_month"
    exclude: tuple[str, ...] = ()
    in_line: float = Z_IN_LINE
    substantial: float = Z_SUBSTANTIAL
    forecast_method: str = "auto"
    forecast_engine: str = "statsmodels"
    horizon: int = 3
    include_diversionary: bool = False
    min_n: int = measures.MIN_N
    max_width: float = measures.MAX_WIDTH
    outcome_lag: int = 1
    survey: str = "da_whole_experience"
    satisfaction_window: int = measures.SATISFACTION_WINDOW
    target: float = 0.80
    msg_average: str = "simple"
    k: float = 1.0
    msg_version: str | None = None
    exclude_city_of_london: bool = False
    rank_lag: int = 3
    run_length: int = 7
    improvement: str = "decrease"
    source: str = ""  # the data source named in figure footnotes; "" = each measure's source in the catalogue
    suppress_below: int = DEFAULT_THRESHOLD  # statements never publish an LPA count from 1 to this - 1; 0 = no control
    area_noun: str = "LPA"  # how statements and charts name a local area; "" = by its name alone (districts)
    figures: tuple[str, ...] = ("notable",)  # figures with their sections: "notable", "all", or ids (see quarter_figures)
    other_figures: str = "appendix"  # the other figures: "appendix" (at the end of the report) or "none"
    notable_direction: str = "concern"  # departures that make a statement notable: "concern" or "both" (Notability)

    @classmethod
    def from_config(cls, cfg, *, source: str = "") -> QuarterOptions:
        """Options from a :class:`ncpm.pipeline.config.Config`; ``source`` names the data in figure footnotes."""
        return cls(source=source,
            baseline_method=cfg.baseline.method, exclude=cfg.baseline.exclude, in_line=cfg.baseline.in_line,
            substantial=cfg.baseline.substantial, forecast_method=cfg.forecast.method,
            forecast_engine=cfg.forecast.engine, horizon=cfg.forecast.horizon,
            include_diversionary=cfg.outcomes.include_diversionary, min_n=cfg.outcomes.min_n,
            max_width=cfg.outcomes.max_width, survey=cfg.satisfaction.survey,
            satisfaction_window=cfg.satisfaction.window, target=cfg.satisfaction.target,
            msg_average=cfg.peers.average, k=cfg.peers.k, msg_version=cfg.peers.msg_version or None,
            exclude_city_of_london=cfg.peers.exclude_city_of_london, run_length=cfg.spc.run_length,
            improvement=cfg.spc.improvement, suppress_below=_statement_threshold(cfg), **_report_options(cfg),
        )

    def _figures_words(self) -> str:
        """Which figures go with the statements (:func:`quarter_figures`), in words for the methods section."""
        if "all" in self.figures:
            return "every chart with its measure's section"
        rule = ("the main chart of each measure whose statements are notable (substantially above or below the "
                f"3-year average, |z| >= {self.substantial:g}; outside the forecast's 95% interval; an SPC exception; "
                + ("rises or falls" if self.notable_direction == "both" else
                   f"departures of concern only, improvement = {self.improvement}") + ")")
        named = [n for n in self.figures if n != "notable"]
        chosen = (rule if "notable" in self.figures else "") + (
            ("; and " if "notable" in self.figures else "the charts named: ") + ", ".join(named) if named else "")
        return (f"with its measure's section, {chosen}; "
                + ("the others in an appendix" if self.other_figures == "appendix" else "the others left out"))

    def describe(self) -> dict[str, str]:
        """The methods section of the report: each choice in words."""
        return {
            "3-year average": f"{self.baseline_method.replace('_', ' ')} (docs/methods.md, the 3-year average)"
                              + (f", excluding {', '.join(self.exclude)}" if self.exclude else ""),
            "Comparison": f"Poisson z = (y - B) / sqrt(B): 'in line with' when |z| < {self.in_line}, "
                          f"'substantially' when |z| >= {self.substantial}",
            "Forecast": f"{self.forecast_method} ({self.forecast_engine} engine), horizon {self.horizon} months, "
                        "80% and 95% prediction intervals; seasonal naive fallback under 24 months",
            "Outcome rate": "action-taken outcomes recorded in the month / offences recorded in the month "
                            f"(outcomes set {measures.OUTCOMES_VERSION}; outcome 22 "
                            f"{'included' if self.include_diversionary else 'excluded'}), Wilson 95% interval; "
                            f"caution under {self.min_n} offences or wider than {self.max_width:.0%}; reported "
                            f"{self.outcome_lag} month(s) behind the latest",
            "Satisfaction": f"rolling {self.satisfaction_window}-month pooled rate, Wilson 95% interval, "
                            f"target {self.target:.0%}",
            "Most Similar Group": f"{self.msg_average} average of rates per 1,000; descriptive flag outside "
                                  f"mean +/- {self.k:g} SD; statistical flag when the exact Poisson 95% interval "
                                  "excludes the MSG average",
            "National rank": "1 = lowest rate per 1,000 over 12 months among the 43 territorial forces"
                             + (" less City of London" if self.exclude_city_of_london else "")
                             + f"; change against the window ending {self.rank_lag} months earlier. Without monthly "
                             "counts of every force: from ONS police force area tables (Table P1) over their own "
                             "12-month period, with the mid-year population ONS pairs with it (Table P3's year), "
                             "the change against the previous ONS period held",
            "Home Office PRC quarter": "for measures the monthly data lack: the quarter's count against the mean "
                                       "of the same quarter in the previous three years (Poisson z, as the 3-year "
                                       "average)",
            "Exceptions": f"XmR (NHS Making Data Count) on residuals from the 3-year average, runs of "
                          f"{self.run_length}, improvement = {self.improvement}",
            "Statements by LPA": (f"no LPA count from 1 to {self.suppress_below - 1} is given (disclosure control): "
                                  "such a change and count is left out, such a share is not stated"
                                  if self.suppress_below > 1 else "counts as recorded (no disclosure control)"),
            "Figures": self._figures_words(),
        }


@dataclass
class QuarterResults:
    force: str
    month: pd.Period
    quarter: FyQuarter
    options: QuarterOptions
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    statements: list[narrative.Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    all_volumes: pd.DataFrame | None = field(default=None, repr=False)  # every force, validated once
    reported: list[str] | None = None  # the NCPM measures the report covers, in catalogue order (see coverage)
    omitted: list[Omission] = field(default_factory=list)  # what it does not give, and why (see coverage)

    def statement_texts(self, measure: str | None = None) -> list[str]:
        return [s.text for s in self.statements if measure is None or s.measure == measure]


def _series_months(volumes: pd.DataFrame) -> pd.Period:
    return volumes[schema.MONTH].max()


def _resolve_month(volumes: pd.DataFrame, month, quarter) -> tuple[pd.Period, FyQuarter]:
    latest = _series_months(volumes)
    if quarter is not None:
        q = parse_quarter(quarter)
        month = min(q.last_month, latest) if month is None else to_month(month)
        if month < q.first_month:
            raise InputError(f"no data in {q}: the data end in {latest}", file="volumes", column=schema.MONTH)
        return month, q
    month = latest if month is None else to_month(month)
    return month, fy_quarter(month)


def _whole_force(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame[schema.AREA] == schema.WHOLE_FORCE].reset_index(drop=True)


MEASURE_TABLES = ("baseline", "ranks_12", "ranks_36", "changes", "quarters", "period_6", "exceptions",
                  SUB_MEASURE_SHARES, "outcome_rates_1", "outcome_rates_12", "satisfaction")
FORECAST_TABLES = ("forecast_quarter", "forecast_ahead")
PERIOD_TABLES = ("period_peers", "prc_quarter")  # from ONS period tables and Home Office PRC quarters
PEER_TABLES = ("rates", "national_rank", "rank_changes", "msg_membership", "msg") + PERIOD_TABLES


def start_quarter(frames: Mapping[str, pd.DataFrame], force: str = "Warwickshire", *, month=None, quarter=None,
                  options: QuarterOptions | None = None) -> QuarterResults:
    """The force's volumes up to the reported month, and the month and quarter resolved (no computation yet)."""
    force = canonical_force(force)
    all_volumes = schema.validate(frames["volumes"], schema.VOLUMES, source="volumes")
    ours = all_volumes[all_volumes[schema.FORCE] == force].reset_index(drop=True)
    if ours.empty:
        raise InputError(f"no volumes for {force}", file="volumes", column=schema.FORCE)
    month, q = _resolve_month(ours, month, quarter)
    res = QuarterResults(force=force, month=month, quarter=q, options=options or QuarterOptions(),
                         all_volumes=all_volumes)
    res.tables["volumes"] = ours[ours[schema.MONTH] <= month].reset_index(drop=True)
    return res


def compute_measures(res: QuarterResults, frames: Mapping[str, pd.DataFrame], *, engine=None) -> None:
    """Baselines, ranks, changes, quarter totals, exceptions, shares, outcome rates and rolling satisfaction.

    ``engine`` (an :class:`ncpm.quarter.engine.Engine` or None for this process) runs the per-series baselines.
    """
    opts, t, ours, month, force = res.options, res.tables, res.tables["volumes"], res.month, res.force
    t["baseline"] = map_series(measures.three_year_average, ours, engine, method=opts.baseline_method,
                               exclude=list(opts.exclude) or None, in_line=opts.in_line, substantial=opts.substantial)
    t["ranks_12"] = measures.window_rank(ours, window=12)
    t["ranks_36"] = measures.window_rank(ours, window=36)
    t["changes"] = measures.changes(ours)
    t["quarters"] = measures.quarter_totals(ours)
    t["period_6"] = measures.period_comparison(ours, month, months=6)
    t["exceptions"] = spc.spc(_whole_force(t["baseline"]), run_length=opts.run_length,
                              improvement=opts.improvement, seasonal=True)
    t[SUB_MEASURE_SHARES] = _shares(ours)
    if frames.get("outcomes") is not None and len(frames["outcomes"]):
        outcomes = schema.validate(frames["outcomes"], schema.OUTCOMES, source="outcomes")
        outcomes = outcomes[(outcomes[schema.FORCE] == force) & (outcomes[schema.MONTH] <= month)]
        for window in (1, 12) if len(outcomes) else ():  # none for this force: coverage() says so
            t[f"outcome_rates_{window}"] = measures.outcome_rate(
                outcomes, ours, window=window, include_diversionary=opts.include_diversionary,
                min_n=opts.min_n, max_width=opts.max_width)
    if frames.get("survey") is not None and len(frames["survey"]):
        survey = schema.validate(frames["survey"], schema.SURVEY_RESPONSES, source="survey")
        survey = survey[(survey[schema.FORCE] == force) & (survey[schema.MONTH] <= month)]
        if len(survey):
            t["satisfaction"] = measures.rolling_rate(survey, window=opts.satisfaction_window, target=opts.target)


def compute_forecasts(res: QuarterResults, *, engine=None) -> None:
    """The quarter's forecast made at its origin (against what happened) and the forward look from the latest month.

    ``engine`` (an :class:`ncpm.quarter.engine.Engine` or None for this process) runs the per-series fits; the results are
    the same wherever they run.
    """
    opts, whole = res.options, _whole_force(res.tables["volumes"])
    res.tables["forecast_quarter"] = map_series(fc.forecast_vs_actual, whole, engine, origin=res.quarter.origin,
                                                horizon=3, method=opts.forecast_method, engine=opts.forecast_engine)
    res.tables["forecast_ahead"] = map_series(fc.forecast, whole, engine, horizon=opts.horizon, origin=res.month,
                                              method=opts.forecast_method, engine=opts.forecast_engine)


def compute_peers(res: QuarterResults, frames: Mapping[str, pd.DataFrame]) -> None:
    """Rates per 1,000 for every force, national ranks and their change, and the MSG comparison; then the same
    from ONS period tables and the Home Office PRC quarter (:func:`compute_period_tables`)."""
    compute_period_tables(res, frames)
    if frames.get("population") is None or not len(frames["population"]):
        res.notes.append("no population data: rates per 1,000, MSG comparisons and national ranks are left out")
        return
    opts, t = res.options, res.tables
    all_volumes = res.all_volumes if res.all_volumes is not None else \
        schema.validate(frames["volumes"], schema.VOLUMES, source="volumes")
    population = schema.validate(frames["population"], schema.POPULATIONS, source="population")
    whole = all_volumes[(all_volumes[schema.AREA] == schema.WHOLE_FORCE) & (all_volumes[schema.MONTH] <= res.month)]
    rates = peers.rates_per_1000(whole, population)
    t["rates"] = rates
    ranks = peers.national_rank(rates, exclude_city_of_london=opts.exclude_city_of_london)
    t["national_rank"] = ranks
    t["rank_changes"] = peers.rank_change(ranks, res.month, res.month - opts.rank_lag)
    if frames.get("msg") is not None and len(frames["msg"]):
        t["msg_membership"] = peers.validate_msg(frames["msg"], version=opts.msg_version)
        t["msg"] = peers.msg_compare(rates, t["msg_membership"], average=opts.msg_average, k=opts.k)


# --- period tables: ONS 12-month tables (national rank, MSG) and Home Office PRC quarters ------------------------
# Precedence (METHODS.md, MSG and national rank; README): the national rank and MSG comparison come from the monthly
# counts when every force of the comparison set has a 12-month rate at the report's month (the same months as the
# rest of the report); otherwise from the ONS period tables, which name their own period ("year ending December
# 2019"). The PRC quarter is stated only for measures the force's monthly data lack (police.uk has no homicide,
# violence with injury, personal robbery or residential burglary category).


def compute_period_tables(res: QuarterResults, frames: Mapping[str, pd.DataFrame]) -> None:
    """The national rank, rank change and MSG comparison from ONS period tables (kind ``period_counts``, with a
    ``population`` frame: ``peers.period_comparison``, the publisher's population year) into
    ``tables["period_peers"]``, and the report's quarter against the same quarter of the previous three years from
    Home Office PRC counts (kind ``quarterly``: ``prc.same_quarter_average`` with the report's comparison rule,
    ``measures.compare_to_baseline``) into ``tables["prc_quarter"]``. What cannot be computed goes to ``notes``."""
    opts, t = res.options, res.tables
    counts = frames.get("period_counts")
    if counts is not None and len(counts):
        population = frames.get("population")
        if population is None or not len(population):
            res.notes.append("ONS period tables but no population data: no national rank or MSG comparison from them")
        else:
            msg = frames.get("msg")
            compared = peers.period_comparison(
                counts, population, res.month, msg=msg if msg is not None and len(msg) else None,
                exclude_city_of_london=opts.exclude_city_of_london, average=opts.msg_average, k=opts.k,
                msg_version=opts.msg_version)
            res.notes.extend(compared.notes)
            if compared.period is not None:
                t["period_peers"] = compared.table
    quarterly = frames.get("quarterly")
    if quarterly is not None and len(quarterly):
        ours = schema.validate(quarterly, schema.QUARTERLY, source="quarterly")
        ours = ours[ours[schema.FORCE] == res.force]
        if ours.empty:
            res.notes.append(f"the Home Office PRC tables hold no counts for {res.force}")
            return
        table = prc.same_quarter_average(ours, res.quarter)
        z, labels = measures.compare_to_baseline(table[schema.COUNT].astype("Float64").to_numpy(float, na_value=math.nan),
                                                 table[schema.BASELINE].to_numpy(float), in_line=opts.in_line,
                                                 substantial=opts.substantial)
        table[schema.Z] = z
        table[schema.COMPARISON] = schema.text(labels)
        t["prc_quarter"] = table


def _monthly_ranks_complete(res: QuarterResults, measure: str) -> bool:
    """True when the monthly national rank of ``measure`` at the report's month covers every force of the
    comparison set (its ``rank_note`` is empty) and ranks this force: the monthly data then take precedence."""
    ranks = res.tables.get("national_rank")
    if ranks is None or ranks.empty:
        return False
    rows = ranks[(ranks[schema.FORCE] == res.force) & (ranks[schema.MEASURE] == measure)
                 & (ranks[schema.MONTH] == res.month)]
    return bool(len(rows)) and not pd.isna(rows[schema.RANK].iloc[0]) and pd.isna(rows[schema.RANK_NOTE].iloc[0])


PERIOD_TABLE_NOTES = ("ONS table", "no ONS", "ONS period", "one ONS")  # notes of compute_period_tables


def period_peer_statements(res: QuarterResults, measure: str) -> list[narrative.Statement]:
    """The national rank, its change and the MSG comparison of ``measure`` from the ONS period tables, when the
    monthly data of the other forces are absent (:class:`InputError` saying what is needed when there are none)."""
    table = res.tables.get("period_peers")
    if table is None or table.empty:
        why = [n for n in res.notes if n.startswith(PERIOD_TABLE_NOTES)]  # the ONS tables held and why unused
        raise InputError("needs monthly counts of every force, or ONS police force area tables (Table P1) with "
                         "mid-year populations" + "".join(f"; {n}" for n in why[:1]))
    return [narrative.period_peer_statement(table, res.force, measure)]


PRC_MONTHLY_GAP = "needs monthly counts (a force extract): the Home Office PRC tables give quarters only"


def prc_statements(res: QuarterResults) -> list[narrative.Statement]:
    """The quarter against the same quarter of the previous three years, from Home Office PRC counts, for every
    catalogue measure the PRC tables hold and the force's monthly data lack. A quarter the table does not hold
    is listed in ``omitted`` (and ``notes``) with the quarters it does hold."""
    table = res.tables.get("prc_quarter")
    if table is None or table.empty:
        return []
    vols = res.tables["volumes"]
    monthly = set(vols.loc[vols[schema.AREA] == schema.WHOLE_FORCE, schema.MEASURE].astype(str))
    known = {c.id: c for c in catalogue_measures() if c.kind == "volume"}
    wanted = [m for m in known if m in set(table[schema.MEASURE]) and m not in monthly]
    out: list[narrative.Statement] = []
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


def compute_quarter(frames: Mapping[str, pd.DataFrame], force: str = "Warwickshire", *, month=None, quarter=None,
                    options: QuarterOptions | None = None) -> QuarterResults:
    """Every result the quarterly report needs for ``force``, from canonical frames keyed by kind
    ("volumes", "outcomes", "survey", "population", "msg", "period_counts", "quarterly"; all but volumes optional),
    and its statements.

    ``month`` is the latest month reported (default: the latest in the data, capped at the quarter's end when
    ``quarter`` is given, e.g. "Q1 2023/24").
    """
    res = start_quarter(frames, force, month=month, quarter=quarter, options=options)
    compute_measures(res, frames)
    compute_forecasts(res)
    compute_peers(res, frames)
    res.statements = quarter_statements(res)
    return res


def _shares(volumes: pd.DataFrame) -> pd.DataFrame:
    present = set(volumes[schema.MEASURE])
    parts = [measures.share(volumes, m.id, m.parent) for m in catalogue_measures()
             if m.parent and m.id in present and m.parent in present]
    if not parts:  # no sub-measure in the data (police.uk): the share table's columns, no rows
        parts = [measures.share(volumes.iloc[:0], m.id, m.parent) for m in catalogue_measures() if m.parent][:1]
    return pd.concat(parts, ignore_index=True)


# --- statements -----------------------------------------------------------------------------------------------


def _notable_month(res: QuarterResults, measure: str) -> pd.Period:
    b = res.tables["baseline"]
    rows = b[(b[schema.AREA] == schema.WHOLE_FORCE) & (b[schema.MEASURE] == measure)
             & b[schema.MONTH].isin(list(res.quarter.months())) & (b[schema.MONTH] <= res.month)]
    rows = rows[rows["z"].notna()]
    if rows.empty:
        return res.month
    return rows.loc[rows["z"].abs().idxmax(), schema.MONTH]


def _lpa_singled_out(res: QuarterResults, measure: str) -> str | None:
    """The local area whose change stood out (the largest absolute month-on-month change)."""
    ch = _located(res.tables["changes"])
    rows = ch[(ch[schema.MEASURE] == measure) & (ch[schema.AREA] != schema.WHOLE_FORCE)
              & (ch[schema.MONTH] == res.month) & ch["mom_change"].notna()]
    if rows.empty:
        return None
    return rows.loc[rows["mom_change"].abs().idxmax(), schema.AREA]


def _outcome_month(res: QuarterResults) -> pd.Period:
    return res.month - res.options.outcome_lag


def _force_row(frame: pd.DataFrame | None, measure: str, month: pd.Period, column: str) -> object:
    """``column`` of the force-level row of ``measure`` at ``month`` (None when there is no such row)."""
    if frame is None or frame.empty or column not in frame.columns:
        return None
    rows = frame[(frame[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy()
                 & (frame[schema.MEASURE].astype(str) == measure).to_numpy()
                 & (frame[schema.MONTH] == month).to_numpy()]
    return None if rows.empty else rows.iloc[0][column]


def _located(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a real area: police.uk records without a location (area "No location") are counted in the force
    and in the tables but never named as an area in a statement."""
    if schema.AREA not in frame.columns:
        return frame
    return frame[(frame[schema.AREA].astype(str) != NO_LOCATION).to_numpy()]


def _has_forecast(frame: pd.DataFrame | None, measure: str) -> bool:
    if frame is None or frame.empty:
        return False
    rows = frame[(frame[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy()
                 & (frame[schema.MEASURE].astype(str) == measure).to_numpy()]
    return bool(len(rows)) and bool(rows[schema.MEAN].notna().all())


def _has_outcome_rate(res: QuarterResults, measure: str) -> bool:
    rate = _force_row(res.tables.get("outcome_rates_1"), measure, _outcome_month(res), schema.RATE)
    return rate is not None and not pd.isna(rate)


def _has_msg_average(res: QuarterResults, measure: str) -> bool:
    msg = res.tables.get("msg")
    if msg is None:
        return False
    ours = msg[(msg[schema.FORCE].astype(str) == res.force).to_numpy()].assign(**{schema.AREA: schema.WHOLE_FORCE})
    value = _force_row(ours, measure, res.month, schema.MSG_AVERAGE)
    return value is not None and not pd.isna(value)


def _has_rows(frame: pd.DataFrame, measure: str, area: str) -> bool:
    return bool(((frame[schema.MEASURE].astype(str) == measure) & (frame[schema.AREA].astype(str) == area)).any())


def _has_lpas(res: QuarterResults, measure: str) -> bool:
    """Whether the measure has rows of a real area (not the force, not police.uk's "No location")."""
    v = _located(res.tables["volumes"])
    return bool(((v[schema.MEASURE].astype(str) == measure) & (v[schema.AREA].astype(str) != schema.WHOLE_FORCE)).any())


def _months_before(res: QuarterResults, measure: str, month: pd.Period) -> int:
    v = res.tables["volumes"]
    rows = v[(v[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy()
             & (v[schema.MEASURE].astype(str) == measure).to_numpy() & (v[schema.MONTH] < month).to_numpy()]
    return int(rows[schema.MONTH].nunique())


def _plan(measure: str) -> tuple[str, ...]:
    return STATEMENT_PLAN.get(measure, DEFAULT_PLAN)


def _uses(measure: str, *kinds: str) -> bool:
    return any(k.partition(":")[0] in kinds for k in _plan(measure))


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
    missing = {}
    for m in volume_measures:
        value = _force_row(t.get("baseline"), m, month, schema.BASELINE)
        if value is None or pd.isna(value):
            n = _months_before(res, m, month)
            need = 3 * measures.MONTHS_PER_YEAR
            missing[m] = (f"needs {need} months before {month_label(month)}, the month reported: {n} supplied"
                          if n < need else f"months it needs before {month_label(month)} are missing or excluded")
    out += _gaps("3-year average", "3-year average", missing, volume_measures)
    for window, kinds in ((12, ("volume_notable", "volume_ranked", "volume_full")), (36, ("change_year",))):
        among = [m for m in volume_measures if _uses(m, *kinds)]
        missing = {}
        for m in among:
            if pd.isna(_force_row(t.get(f"ranks_{window}"), m, month, schema.RANK_HIGH)):
                n = _months_before(res, m, month) + 1
                missing[m] = f"needs {window} months to {month_label(month)}: {min(n, window)} supplied"
        out += _gaps(f"rank_{window}", f"rank in the last {narrative.window_phrase(window)}", missing, among)
    for table, kinds, origin, what in (
            ("forecast_quarter", ("volume_forecast", "volume_full", "quarter_profile"), res.quarter.origin,
             f"forecast for {res.quarter}"),
            ("forecast_ahead", ("forecast_direction",), month, "forecast for the next quarter")):
        among = [m for m in volume_measures if _uses(m, *kinds)]
        missing = {}
        for m in among:
            if not _has_forecast(t.get(table), m):
                n = _months_before(res, m, origin + 1)
                missing[m] = (f"needs {measures.MONTHS_PER_YEAR} months to its origin, {month_label(origin)}: "
                              f"{n} supplied" if n < measures.MONTHS_PER_YEAR else "the model could not be fitted")
        out += _gaps(table, what, missing, among)
    among = [m for m in volume_measures if _uses(m, "outcome_rate")]
    if among and "outcome_rates_1" not in t:
        out.append(Omission("'action taken' outcome rates", "needs outcomes files: police.uk outcomes files or a "
                            "force extract", method="outcome_rate"))
    elif among:
        om = _outcome_month(res)
        offences = {m: _force_row(t["volumes"], m, om, schema.COUNT) for m in among}
        out += _gaps("outcome_rate", "'action taken' outcome rate",
                     {m: (f"no outcomes recorded for it in {month_label(om)}" if offences[m] else
                          f"no offences recorded in {month_label(om)}") for m in among
                      if not _has_outcome_rate(res, m)}, among)
    # without monthly ranks of every force, the peers statement comes from the ONS period tables or says what
    # it needs (period_peer_statements); these are the gaps of the monthly path
    among = [m for m in volume_measures if _uses(m, "peers") and _monthly_ranks_complete(res, m)]
    if among and "msg" not in t:
        out.append(Omission("Most Similar Group comparison", "needs an MSG membership file", method="peers"))
    elif among and not _has_msg_average(res, among[0]):
        ours = t["msg"][(t["msg"][schema.FORCE].astype(str) == res.force).to_numpy()]
        note = _force_row(ours.assign(**{schema.AREA: schema.WHOLE_FORCE}), among[0], month, schema.FLAG_NOTE)
        out.append(Omission("Most Similar Group comparison", note if isinstance(note, str) and note
                            else f"no Most Similar Group for {res.force}", method="peers"))
    among = [m for m in volume_measures if _uses(m, "lpa_change", "lpa_share", "share_lpa", "lpa_profile")
             or m in LPA_FIGURES]
    out += _gaps("LPA", "breakdown by local policing area",
                 {m: "the data count the force as a whole only" for m in among if not _has_lpas(res, m)}, among)
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


def coverage(res: QuarterResults) -> tuple[list[str], list[Omission]]:
    """The NCPM measures the report covers (catalogue order, sub-measures left to their parent's section) and what
    it does not give, and why (:class:`Omission`): every catalogue measure not in the data (with the source it
    needs), every measure the catalogue does not know (outside the NCPM set, e.g. police.uk anti-social behaviour),
    and every method the data cannot support (a 3-year average without 36 earlier months, ranks, forecasts,
    'action taken' rates without outcomes, peers without populations, breakdowns without areas).

    The summary table, the sections, the figures and the statements cover exactly ``reported``.
    """
    vols = res.tables["volumes"]
    present = set(vols.loc[(vols[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy(), schema.MEASURE]
                  .astype(str))
    if "satisfaction" in res.tables:
        present.add(SATISFACTION_MEASURE)
    known = {c.id: c for c in catalogue_measures()}
    reported, omitted = [], []
    for c in catalogue_measures():
        if c.id in present:
            if c.parent is None:
                reported.append(c.id)
        else:
            omitted.append(Omission(c.label, _needs(c), measure=c.id))
    omitted += [Omission(_outside_label(m), OUTSIDE_NCPM, measure=m, outside=True) for m in sorted(present - set(known))]
    omitted += _method_gaps(res, [m for m in reported if known[m].kind == "volume"])
    return reported, omitted


def report_measures(res: QuarterResults) -> list[str]:
    """The measures the report has a section for, in priority and catalogue order: those :func:`coverage` reports
    and any other with a statement (from another source, such as the Home Office PRC quarter)."""
    order = {c.id: i for i, c in enumerate(catalogue_measures())}
    chosen = set(_ensure_coverage(res)) | {s.measure for s in res.statements if s.measure in order}
    return sorted(chosen, key=lambda m: (catalogue_measure(m).priority, order[m]))


def omission_lines(res: QuarterResults) -> list[str]:
    """The report's "Not in this report" list, from ``res.omitted``: each NCPM measure not in the data with what
    it needs, each method the data cannot support with why, and the measures outside the NCPM set in one line."""
    _ensure_coverage(res)
    lines = [o.text for o in res.omitted if not o.outside]
    outside = [o.label for o in res.omitted if o.outside]
    if outside:
        lines.append(f"{', '.join(outside)} ({OUTSIDE_NCPM})")
    return lines


def measure_omissions(res: QuarterResults, measure: str) -> list[Omission]:
    """What the section of ``measure`` does not give: its methods the data cannot support and its sub-measures
    not in the data (motorcycle theft within vehicle crime)."""
    _ensure_coverage(res)
    parts = {c.id for c in catalogue_measures() if c.parent == measure}
    return [o for o in res.omitted if (o.measure == measure and o.method) or (o.whole_measure and o.measure in parts)]


def priority_omissions(res: QuarterResults) -> dict[int, tuple[str, ...]]:
    """Per NCPM priority, its measures left out of the report with what each needs ("knife crime (needs a force
    extract)"), for the priority's section."""
    _ensure_coverage(res)
    out: dict[int, list[str]] = {}
    for o in res.omitted:
        if o.whole_measure and not o.outside:
            info = catalogue_measure(o.measure)
            if info.parent is None:
                out.setdefault(info.priority, []).append(o.text)
    return {k: tuple(v) for k, v in out.items()}


def _ensure_coverage(res: QuarterResults) -> list[str]:
    if res.reported is None:
        res.reported, res.omitted = coverage(res)
    return res.reported


def _build(kind: str, res: QuarterResults, measure: str) -> list[narrative.Statement]:
    """The statements of one planned kind; [] when :func:`coverage` lists why the data cannot support it."""
    t, f, m = res.tables, res.force, res.month
    name, _, part = kind.partition(":")
    present = set(t["volumes"][schema.MEASURE].astype(str))
    if name in ("change_year", "share_lpa", "lpa_share", "lpa_change"):  # areas compared: not "No location"
        t = {**t, **{k: _located(t[k]) for k in ("changes", SUB_MEASURE_SHARES) if k in t}}
    quarter_forecast = t.get("forecast_quarter") if _has_forecast(t.get("forecast_quarter"), measure) else None
    if name in ("share", "share_lpa", "lpa_share") and part not in present:
        return []
    if name in ("share_lpa", "lpa_share", "lpa_change", "lpa_profile") and not _has_lpas(res, measure):
        return []
    if name == "period_change":
        return [narrative.period_change_statement(t["volumes"], t["period_6"], f, measure, m)]
    if name == "quarter_total":
        return [narrative.quarter_statement(t["quarters"], t["volumes"], f, measure, m)]
    if name == "volume_notable":
        return [narrative.volume_statement(t["baseline"], t["ranks_12"], f, measure, _notable_month(res, measure))]
    if name == "volume":
        return [narrative.volume_statement(t["baseline"], None, f, measure, m)]
    if name == "volume_ranked":
        return [narrative.volume_statement(t["baseline"], t["ranks_12"], f, measure, m)]
    if name == "volume_forecast":
        return [narrative.volume_statement(t["baseline"], None, f, measure, m, forecast=quarter_forecast)]
    if name == "volume_full":
        return [narrative.volume_statement(t["baseline"], t["ranks_12"], f, measure, m, forecast=quarter_forecast)]
    if name == "change_year":
        return [narrative.change_statement(t["changes"], t["ranks_36"], f, measure, m, basis="year",
                                           noun=res.options.area_noun)]
    if name == "forecast_direction":
        if not _has_forecast(t.get("forecast_ahead"), measure):
            return []
        return [narrative.forecast_direction_statement(t["forecast_ahead"], t["volumes"], f, measure)]
    if name == "outcome_rate":
        if not _has_outcome_rate(res, measure):
            return []
        return [narrative.outcome_rate_statement(t["outcome_rates_1"], f, measure, _outcome_month(res))]
    if name == "share":
        return [narrative.share_statement(t[SUB_MEASURE_SHARES], f, part, measure, m, against="month")]
    if name == "share_lpa":
        area = _lpa_singled_out(res, measure)
        return [] if area is None else [narrative.share_statement(
            t[SUB_MEASURE_SHARES], f, part, measure, m, area=area, suppress_below=res.options.suppress_below,
            noun=res.options.area_noun)]
    if name == "lpa_share":
        return [narrative.lpa_share_statement(t[SUB_MEASURE_SHARES], f, part, measure, m,
                                              suppress_below=res.options.suppress_below, noun=res.options.area_noun)]
    if name == "lpa_change":
        return [narrative.lpa_change_statement(t["changes"], f, measure, m, suppress_below=res.options.suppress_below,
                                               noun=res.options.area_noun)]
    if name == "quarter_profile":
        profile = measures.quarter_profile(t["baseline"], quarter_forecast, f, measure, m,
                                           in_line=res.options.in_line, substantial=res.options.substantial)
        return [narrative.quarter_profile_statement(profile, f, measure, m)]
    if name == "lpa_profile":
        opts = res.options
        whole = measures.quarter_profile(t["baseline"], None, f, measure, m, in_line=opts.in_line,
                                         substantial=opts.substantial)
        areas = sorted(set(_located(t["baseline"])[schema.AREA].astype(str)) - {schema.WHOLE_FORCE})
        lpas = {a: measures.quarter_profile(t["baseline"], None, f, measure, m, area=a, in_line=opts.in_line,
                                            substantial=opts.substantial)
                for a in areas if _has_rows(t["baseline"], measure, a)}
        return [narrative.lpa_profile_statement(whole, lpas, f, measure, m, noun=opts.area_noun)]
    if name == "msg_outlier":  # only where the MSG comparison exists: no group, no statement and nothing missing
        if "msg" not in t or not _has_msg_average(res, measure):
            return []
        return [narrative.msg_outlier_statement(t["msg"], f, measure, m)]
    if name == "peers":
        if not _monthly_ranks_complete(res, measure):
            return period_peer_statements(res, measure)
        if "msg" not in t:
            return []
        return [narrative.peer_statement(t["msg"], t["rank_changes"], f, measure, m)]
    if name == "satisfaction":
        if "satisfaction" not in t:
            return []
        return [narrative.satisfaction_statement(t["satisfaction"], f, res.options.survey, m,
                                                 window=res.options.satisfaction_window)]
    raise ValueError(f"unknown statement kind {kind!r}")


def quarter_statements(res: QuarterResults) -> list[narrative.Statement]:
    """The statements for every NCPM measure the report covers (:func:`coverage`), in priority order: the seed's
    plan (:data:`STATEMENT_PLAN`) for its measures, :data:`DEFAULT_PLAN` for the others.

    What the data cannot support is left out and listed, with the reason, in ``res.omitted`` (a statement whose
    builder fails is listed there too, and its reason added to ``res.notes``); nothing is invented.
    """
    res.reported, res.omitted = coverage(res)
    out: list[narrative.Statement] = []
    for measure in sorted(res.reported, key=lambda m: catalogue_measure(m).priority):
        for kind in _plan(measure):
            try:
                out.extend(_build(kind, res, measure))
            except NcpmError as exc:
                res.notes.append(f"{measure} {kind}: not stated ({exc})")
                res.omitted.append(Omission(f"{_KIND_WORDS.get(kind.partition(':')[0], kind)} of "
                                            f"{catalogue_label(measure)}", str(exc), measure=measure, method=kind))
    out.extend(prc_statements(res))
    return out


# --- figures --------------------------------------------------------------------------------------------------


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


NOTABLE_KINDS = ("volume", "quarter_profile")  # statements that compare a month (or the quarter) with expectations
_SUBSTANTIAL = ("substantially above", "substantially below")


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
    "improvement") is a departure that ``options.notable_direction`` counts."""
    if not isinstance(label, str) or not label or label.startswith("in line") or label == "common cause":
        return False
    if options.notable_direction == "both":
        return True
    if label in ("concern", "improvement"):
        return label == "concern"
    worse = "above" if options.improvement == "decrease" else "below"
    return label.split(" the ")[0].split()[-1] == worse


def _spc_reasons(res: QuarterResults, measure: str, months: list[pd.Period]) -> list[str]:
    e = res.tables.get("exceptions")
    if e is None or e.empty:
        return []
    rows = e[(e[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy()
             & (e[schema.MEASURE].astype(str) == measure).to_numpy() & e[schema.MONTH].isin(months).to_numpy()]
    out = []
    for month, signal, variation in zip(rows[schema.MONTH], rows["signal"], rows["variation"], strict=True):
        if isinstance(signal, str) and signal and _direction_counts(variation, res.options):
            out.append(f"an SPC exception ({signal.replace('_', ' ')}, {variation}) in {month_label(month)}")
    return out[:1]  # the first is enough to single the measure out


def _statement_reasons(res: QuarterResults, s: narrative.Statement) -> list[str]:
    """What makes one statement notable (:class:`Notability`), from its facts and the SPC table."""
    o, f, out = res.options, s.facts, []
    if s.kind == "volume":
        when = month_label(s.month)
        if f.get("comparison") in _SUBSTANTIAL and _direction_counts(f["comparison"], o):
            out.append(f"{f['comparison']} the 3-year average in {when}")
        label = f.get("forecast_label")
        if isinstance(label, str) and label.endswith(" the forecast") and _direction_counts(label, o):
            out.append(f"{label} in {when}")
        out += _spc_reasons(res, s.measure, [s.month])
    elif s.kind == "quarter_profile":
        when = str(f.get("quarter", res.quarter))
        if f.get("baseline_label") in _SUBSTANTIAL and _direction_counts(f["baseline_label"], o):
            out.append(f"{f['baseline_label']} the 3-year average in {when}")
        label = f.get("forecast_label")
        if label in ("above", "below", *_SUBSTANTIAL) and _direction_counts(label, o):
            out.append(f"{label.split()[-1]} the forecast in {when}")
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

    def add(name: str, measure: str, caption: str, draw: Callable, main: bool) -> None:
        n = flags.get(measure, Notability(measure, False))
        drawn.append((QuarterFigure(narrative.title_case(caption), draw, name=name, measure=measure,
                                    notable=n.notable, reason=n.reason), main))

    for measure in report_measures(res):
        info = catalogue_measure(measure)
        label = catalogue_label(measure, capital=True)
        if info.kind == "survey":
            if measure == SATISFACTION_MEASURE and "satisfaction" in t:
                window = res.options.satisfaction_window
                add(f"{measure}_rate", measure, f"{label}, rolling {window} months",
                    lambda ax, label=label, window=window: plots.rate_chart(
                        t["satisfaction"], res.options.target, force=f, survey=res.options.survey, month=m,
                        window=window, label=label, source=res.options.source, ax=ax), True)
            continue
        if info.kind != "volume" or measure not in _ensure_coverage(res):
            continue
        marked = _notable_month(res, measure) if "volume_notable" in _plan(measure) else m
        ahead = t.get("forecast_quarter") if _has_forecast(t.get("forecast_quarter"), measure) else None
        add(f"{measure}_volumes", measure, f"{label} volumes",
            lambda ax, measure=measure, marked=marked, ahead=ahead: plots.volume_chart(
                t["baseline"], ahead, force=f, measure=measure, month=m, highlight=marked,
                source=res.options.source, ax=ax), True)
        located = _located(t["volumes"])  # a chart by area needs a real area, not only "No location"
        lpas = located[(located[schema.MEASURE] == measure) & (located[schema.AREA] != schema.WHOLE_FORCE)]
        if measure in LPA_FIGURES and not lpas.empty:
            shown, note = (t["volumes"], "") if policy is None else published_lpa_volumes(t["volumes"], f, measure,
                                                                                          policy)
            add(f"{measure}_lpa", measure,
                f"{label} by {'Local Policing Area' if res.options.area_noun == 'LPA' else 'area'}",
                lambda ax, measure=measure, shown=shown, note=note: plots.lpa_chart(
                    shown, f, measure, month=m, source=res.options.source, note=note, noun=res.options.area_noun,
                    ax=ax), False)
        if measure in PEER_FIGURES and _has_msg_average(res, measure):
            add(f"{measure}_msg", measure, f"{label} per 1,000 population: Most Similar Group",
                lambda ax, measure=measure: plots.msg_chart(
                    t["msg"], t["rates"], f, measure, m, msg=t.get("msg_membership"), source=res.options.source,
                    ax=ax), False)
    body = [fig for fig, main in drawn if _in_body(fig, res.options, main)]
    rest = [fig for fig, main in drawn if not _in_body(fig, res.options, main)]
    if res.options.other_figures == "none":
        rest = []
    placed = [fig.placed("report", i) for i, fig in enumerate(body, 1)]
    placed += [fig.placed("appendix", i) for i, fig in enumerate(rest, len(body) + 1)]
    return {fig.name: fig for fig in placed}


def _survey_rows(res: QuarterResults) -> list[dict[str, object]]:
    """The summary rows of the survey measures the report covers: the rolling rate at the latest month (whole
    percentage) and how it stands against the target ("below the 80% target")."""
    rolling = res.tables.get("satisfaction")
    if rolling is None or SATISFACTION_MEASURE not in _ensure_coverage(res):
        return []
    rows = rolling[(rolling[schema.FORCE].astype(str) == res.force).to_numpy()
                   & (rolling[schema.SURVEY].astype(str) == res.options.survey).to_numpy()
                   & (rolling[schema.MONTH] == res.month).to_numpy()]
    if rows.empty or pd.isna(rows[schema.RATE].iloc[0]):
        return []
    r = rows.iloc[0]
    info = catalogue_measure(SATISFACTION_MEASURE)
    target, label = r.get(schema.TARGET), r.get(schema.TARGET_LABEL)
    against = "" if pd.isna(target) or not isinstance(label, str) else (
        f"{label} the {percent(float(target))} target" if label in ("above", "below")
        else f"within the interval of the {percent(float(target))} target")
    return [{"Priority": info.priority, "NCPM priority": priorities()[info.priority],
             "Measure": catalogue_label(SATISFACTION_MEASURE, capital=True),
             f"Rolling {res.options.satisfaction_window}-month rate, {res.month.strftime('%b %Y')}":
                 percent(float(r[schema.RATE])),
             "Against the target": against}]


def summary_table(res: QuarterResults) -> pd.DataFrame:
    """One row per measure for the quarter: priority, measure, latest month's count, 3-year average, comparison,
    rank in 12 months, quarter total, and the action-taken rate for the outcome month; a survey measure (domestic
    abuse victim satisfaction) gives its rolling rate and its standing against the target instead."""
    t = res.tables
    b = t["baseline"]
    latest = b[(b[schema.AREA] == schema.WHOLE_FORCE) & (b[schema.MONTH] == res.month)
               & b[schema.MEASURE].isin(_ensure_coverage(res))]  # the measures the report covers, no other
    ranks = t["ranks_12"]
    ranks = ranks[(ranks[schema.AREA] == schema.WHOLE_FORCE) & (ranks[schema.MONTH] == res.month)]
    quarters = t["quarters"]
    quarters = quarters[(quarters[schema.AREA] == schema.WHOLE_FORCE) & (quarters["quarter"] == str(res.quarter))]
    rows = []
    for _, r in latest.iterrows():
        info = catalogue_measure(r[schema.MEASURE])
        rank = ranks.loc[ranks[schema.MEASURE] == r[schema.MEASURE], "rank_label"]
        qt = quarters.loc[quarters[schema.MEASURE] == r[schema.MEASURE], schema.COUNT]
        row = {"Priority": info.priority, "NCPM priority": priorities()[info.priority],
               "Measure": catalogue_label(r[schema.MEASURE], capital=True), str(res.month.strftime("%b %Y")): int(r[schema.COUNT]),
               "3-year average": None if pd.isna(r["baseline"]) else round(float(r["baseline"]), 1),
               "Compared with the 3-year average": r["comparison"] if isinstance(r["comparison"], str) else "",
               "In the last 12 months": rank.iloc[0] if len(rank) and isinstance(rank.iloc[0], str) else "",
               str(res.quarter): int(qt.iloc[0]) if len(qt) else None}
        if "outcome_rates_1" in t:
            o = t["outcome_rates_1"]
            o = o[(o[schema.AREA] == schema.WHOLE_FORCE) & (o[schema.MEASURE] == r[schema.MEASURE])
                  & (o[schema.MONTH] == _outcome_month(res))]
            rate = o["rate"].iloc[0] if len(o) else math.nan
            row[f"Action taken, {_outcome_month(res).strftime('%b %Y')}"] = (
                "" if pd.isna(rate) else percent(rate, 1))
        rows.append(row)
    rows += _survey_rows(res)
    out = pd.DataFrame(rows)
    if not len(out):
        return out
    counts = (str(res.month.strftime("%b %Y")), str(res.quarter))
    for column in out.columns:
        if column in counts:  # whole numbers, blank for a survey measure
            out[column] = out[column].astype("Float64").round().astype("Int64")
        elif column not in ("Priority", "3-year average"):
            out[column] = out[column].fillna("")  # text cells a row does not have are blank
    order = {catalogue_label(m.id, capital=True): i for i, m in enumerate(catalogue_measures())}
    return out.sort_values(["Priority", "Measure"], key=lambda c: c.map(order) if c.name == "Measure" else c,
                           kind="stable").reset_index(drop=True)


__all__ = ["QuarterOptions", "QuarterResults", "Omission", "coverage", "report_measures",
           "omission_lines", "priority_omissions", "measure_omissions", "compute_quarter", "start_quarter", "compute_measures",
           "compute_forecasts", "compute_peers", "quarter_statements", "quarter_figures", "summary_table",
           "Notability", "notability", "QuarterFigure",
           "STATEMENT_PLAN"]
