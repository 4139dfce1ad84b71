"""One quarter for one force, in memory: every measure, forecast and peer comparison, the statements in the
report's wording, and the figures. Pure: canonical frames in, results out; ``ncpm.batch`` does the files.

This is the seed report's Appendix B as a plan (:data:`STATEMENT_PLAN`): which kinds of statement each NCPM measure
gets. The plan names statement kinds, never numbers, so the same code describes any force and any quarter.

Choices this module makes, each a named option (see :class:`QuarterOptions`):

- outcome ("action taken") rates are reported for the month before the latest (``outcome_lag=1``): outcomes
  recorded for the latest month are still incomplete when the report is written, as in the seed report;
- a measure's headline month is the latest month, except where the plan says "notable": the quarter's month
  furthest from its 3-year average (largest |z|), as the seed report does for knife crime;
- the national rank is compared with the window ending one quarter earlier (``rank_lag=3`` months);
- forecasts are made for force-level series; the quarter's forecast is made at its origin (the month before it
  starts) and the forward look from the latest month.

>>> opts = QuarterOptions(outcome_lag=1)
>>> opts.forecast_engine
'statsmodels'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ncpm import forecast as fc
from ncpm import measures, narrative, peers, plots, schema, spc
from ncpm.catalogue import label as catalogue_label
from ncpm.catalogue import measure as catalogue_measure
from ncpm.catalogue import measures as catalogue_measures
from ncpm.catalogue import priorities
from ncpm.definitions import Z_IN_LINE, Z_SUBSTANTIAL, percent
from ncpm.disclosure import DEFAULT_THRESHOLD, FLAG, DisclosurePolicy, protect
from ncpm.engine import map_series
from ncpm.errors import InputError, NcpmError
from ncpm.forces import canonical_force
from ncpm.frames import select_rows
from ncpm.periods import FyQuarter, fy_quarter, parse_quarter, to_month

SUB_MEASURE_SHARES = "shares"

# Which statements each measure gets (the seed report's Appendix B). Kinds are built by the functions in
# _BUILDERS below; a measure absent from the data is left out with a note.
STATEMENT_PLAN: dict[str, tuple[str, ...]] = {
    "homicide": ("period_change",),
    "firearms": ("quarter_total",),
    "knife_crime": ("volume_notable",),
    "violence_with_injury": ("change_year", "outcome_rate", "forecast_direction"),
    "robbery_personal": ("volume", "share:robbery_personal_knife", "outcome_rate"),
    "burglary_residential": ("volume_ranked", "outcome_rate"),
    "theft_from_person": ("quarter_profile", "lpa_share:theft_from_person_pickpocket"),
    "vehicle_crime": ("volume_forecast", "lpa_change", "share_lpa:vehicle_motorcycle_theft", "outcome_rate", "peers"),
    "da_satisfaction": ("satisfaction",),
}
LPA_FIGURES = ("theft_from_person", "vehicle_crime")  # measures whose LPA breakdown is drawn
PEER_FIGURES = ("vehicle_crime",)  # measures drawn against their Most Similar Group


def _statement_threshold(cfg) -> int:
    """The disclosure threshold statements follow: the configured ``[disclosure] threshold``."""
    section = getattr(cfg, "disclosure", None)
    return DEFAULT_THRESHOLD if section is None else int(section.threshold)


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

    @classmethod
    def from_config(cls, cfg, *, source: str = "") -> QuarterOptions:
        """Options from a :class:`ncpm.config.Config`; ``source`` names the data in figure footnotes."""
        return cls(source=source,
            baseline_method=cfg.baseline.method, exclude=cfg.baseline.exclude, in_line=cfg.baseline.in_line,
            substantial=cfg.baseline.substantial, forecast_method=cfg.forecast.method,
            forecast_engine=cfg.forecast.engine, horizon=cfg.forecast.horizon,
            include_diversionary=cfg.outcomes.include_diversionary, min_n=cfg.outcomes.min_n,
            max_width=cfg.outcomes.max_width, survey=cfg.satisfaction.survey,
            satisfaction_window=cfg.satisfaction.window, target=cfg.satisfaction.target,
            msg_average=cfg.peers.average, k=cfg.peers.k, msg_version=cfg.peers.msg_version or None,
            exclude_city_of_london=cfg.peers.exclude_city_of_london, run_length=cfg.spc.run_length,
            improvement=cfg.spc.improvement, suppress_below=_statement_threshold(cfg),
        )

    def describe(self) -> dict[str, str]:
        """The methods section of the report: each choice in words."""
        return {
            "3-year average": f"{self.baseline_method.replace('_', ' ')} (METHODS.md Baseline)"
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
                             + f"; change against the window ending {self.rank_lag} months earlier",
            "Exceptions": f"XmR (NHS Making Data Count) on residuals from the 3-year average, runs of "
                          f"{self.run_length}, improvement = {self.improvement}",
            "Statements by LPA": (f"no LPA count from 1 to {self.suppress_below - 1} is given (disclosure control): "
                                  "such a change and count is left out, such a share is not stated"
                                  if self.suppress_below > 1 else "counts as recorded (no disclosure control)"),
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
PEER_TABLES = ("rates", "national_rank", "rank_changes", "msg_membership", "msg")


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

    ``engine`` (an :class:`ncpm.engine.Engine` or None for this process) runs the per-series baselines.
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
        for window in (1, 12):
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

    ``engine`` (an :class:`ncpm.engine.Engine` or None for this process) runs the per-series fits; the results are
    the same wherever they run.
    """
    opts, whole = res.options, _whole_force(res.tables["volumes"])
    res.tables["forecast_quarter"] = map_series(fc.forecast_vs_actual, whole, engine, origin=res.quarter.origin,
                                                horizon=3, method=opts.forecast_method, engine=opts.forecast_engine)
    res.tables["forecast_ahead"] = map_series(fc.forecast, whole, engine, horizon=opts.horizon, origin=res.month,
                                              method=opts.forecast_method, engine=opts.forecast_engine)


def compute_peers(res: QuarterResults, frames: Mapping[str, pd.DataFrame]) -> None:
    """Rates per 1,000 for every force, national ranks and their change, and the MSG comparison."""
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


def compute_quarter(frames: Mapping[str, pd.DataFrame], force: str = "Warwickshire", *, month=None, quarter=None,
                    options: QuarterOptions | None = None) -> QuarterResults:
    """Every result the quarterly report needs for ``force``, from canonical frames keyed by kind
    ("volumes", "outcomes", "survey", "population", "msg"; all but volumes optional), and its statements.

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
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


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
    ch = res.tables["changes"]
    rows = ch[(ch[schema.MEASURE] == measure) & (ch[schema.AREA] != schema.WHOLE_FORCE)
              & (ch[schema.MONTH] == res.month) & ch["mom_change"].notna()]
    if rows.empty:
        return None
    return rows.loc[rows["mom_change"].abs().idxmax(), schema.AREA]


def _outcome_month(res: QuarterResults) -> pd.Period:
    return res.month - res.options.outcome_lag


def _build(kind: str, res: QuarterResults, measure: str) -> list[narrative.Statement]:
    t, f, m = res.tables, res.force, res.month
    name, _, part = kind.partition(":")
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
        return [narrative.volume_statement(t["baseline"], None, f, measure, m, forecast=t["forecast_quarter"])]
    if name == "change_year":
        return [narrative.change_statement(t["changes"], t["ranks_36"], f, measure, m, basis="year")]
    if name == "forecast_direction":
        return [narrative.forecast_direction_statement(t["forecast_ahead"], t["volumes"], f, measure)]
    if name == "outcome_rate":
        if "outcome_rates_1" not in t:
            return []
        return [narrative.outcome_rate_statement(t["outcome_rates_1"], f, measure, _outcome_month(res))]
    if name == "share":
        return [narrative.share_statement(t[SUB_MEASURE_SHARES], f, part, measure, m)]
    if name == "share_lpa":
        area = _lpa_singled_out(res, measure)
        return [] if area is None else [narrative.share_statement(
            t[SUB_MEASURE_SHARES], f, part, measure, m, area=area, suppress_below=res.options.suppress_below)]
    if name == "lpa_share":
        return [narrative.lpa_share_statement(t[SUB_MEASURE_SHARES], f, part, measure, m,
                                              suppress_below=res.options.suppress_below)]
    if name == "lpa_change":
        return [narrative.lpa_change_statement(t["changes"], f, measure, m, suppress_below=res.options.suppress_below)]
    if name == "quarter_profile":
        profile = measures.quarter_profile(t["baseline"], t["forecast_quarter"], f, measure, m,
                                           in_line=res.options.in_line, substantial=res.options.substantial)
        return [narrative.quarter_profile_statement(profile, f, measure, m)]
    if name == "peers":
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
    """The statements of :data:`STATEMENT_PLAN` for every planned measure in the data, in priority order.

    A statement whose data are missing is left out and the reason added to ``res.notes``; nothing is invented.
    """
    present = set(res.tables["volumes"][schema.MEASURE])
    if "satisfaction" in res.tables:
        present.add("da_satisfaction")
    out: list[narrative.Statement] = []
    for measure, kinds in sorted(STATEMENT_PLAN.items(), key=lambda kv: catalogue_measure(kv[0]).priority):
        if measure not in present:
            res.notes.append(f"no {catalogue_measure(measure).label} data: its statements are left out")
            continue
        for kind in kinds:
            try:
                out.extend(_build(kind, res, measure))
            except NcpmError as exc:
                res.notes.append(f"{measure} {kind}: not stated ({exc})")
    return out


# --- figures --------------------------------------------------------------------------------------------------


def published_lpa_volumes(volumes: pd.DataFrame, force: str, measure: str,
                          policy: DisclosurePolicy) -> tuple[pd.DataFrame, str]:
    """The force's and its LPAs' monthly counts of ``measure`` as a published chart may show them: after
    disclosure control (:func:`ncpm.disclosure.protect`: suppressed counts become missing, so a line has a gap;
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


def quarter_figures(res: QuarterResults, policy: DisclosurePolicy | None = None) -> dict[str, tuple[str, Callable]]:
    """The report's figures as ``{name: (caption, draw)}``; ``draw(ax)`` draws on a given Axes; names start with
    the measure id.

    ``policy``: disclosure control for published figures (the batch passes the configured policy): the charts by
    LPA then show counts as :func:`published_lpa_volumes` gives them. None (notebooks, analysts' own use): the
    counts as recorded.

    Drawing is left to the caller (the batch makes one Figure per chart and writes it; a notebook shows it).
    """
    t, f, m = res.tables, res.force, res.month
    present = set(t["volumes"][schema.MEASURE])
    figs: dict[str, tuple[str, Callable]] = {}
    for measure in STATEMENT_PLAN:
        if measure not in present:
            continue
        label = catalogue_label(measure, capital=True)
        marked = _notable_month(res, measure) if "volume_notable" in STATEMENT_PLAN[measure] else m
        figs[f"{measure}_volumes"] = (f"{label} Volumes", lambda ax, measure=measure, marked=marked: plots.volume_chart(
            t["baseline"], t["forecast_quarter"], force=f, measure=measure, month=m, highlight=marked,
            source=res.options.source, ax=ax))
        lpas = t["volumes"][(t["volumes"][schema.MEASURE] == measure) & (t["volumes"][schema.AREA] != schema.WHOLE_FORCE)]
        if measure in LPA_FIGURES and not lpas.empty:
            shown, note = (t["volumes"], "") if policy is None else published_lpa_volumes(t["volumes"], f, measure,
                                                                                          policy)
            figs[f"{measure}_lpa"] = (f"{label} by Local Policing Area",
                                      lambda ax, measure=measure, shown=shown, note=note: plots.lpa_chart(
                                          shown, f, measure, month=m, source=res.options.source, note=note, ax=ax))
        if measure in PEER_FIGURES and "msg" in t:
            figs[f"{measure}_msg"] = (f"{label} per 1,000 population: Most Similar Group",
                                      lambda ax, measure=measure: plots.msg_chart(
                                          t["msg"], t["rates"], f, measure, m, msg=t.get("msg_membership"),
                                          source=res.options.source, ax=ax))
    if "satisfaction" in t:
        figs["da_satisfaction_rate"] = ("Domestic abuse victim satisfaction, rolling 6 months",
                                        lambda ax: plots.rate_chart(t["satisfaction"], res.options.target, force=f,
                                                                    survey=res.options.survey, month=m,
                                                                    source=res.options.source, ax=ax))
    return figs


def summary_table(res: QuarterResults) -> pd.DataFrame:
    """One row per measure for the quarter: priority, measure, latest month's count, 3-year average, comparison,
    rank in 12 months, quarter total, and the action-taken rate for the outcome month."""
    t = res.tables
    b = t["baseline"]
    latest = b[(b[schema.AREA] == schema.WHOLE_FORCE) & (b[schema.MONTH] == res.month)]
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
    out = pd.DataFrame(rows)
    if not len(out):
        return out
    order = {catalogue_label(m.id, capital=True): i for i, m in enumerate(catalogue_measures())}
    return out.sort_values(["Priority", "Measure"], key=lambda c: c.map(order) if c.name == "Measure" else c,
                           kind="stable").reset_index(drop=True)


__all__ = ["QuarterOptions", "QuarterResults", "compute_quarter", "start_quarter", "compute_measures",
           "compute_forecasts", "compute_peers", "quarter_statements", "quarter_figures", "summary_table",
           "STATEMENT_PLAN"]
