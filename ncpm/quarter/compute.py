"""One force-quarter computed in memory: the force's volumes up to the month reported (:func:`start_quarter`), then
every measure (:func:`compute_measures`), forecast (:func:`compute_forecasts`) and peer comparison
(:func:`compute_peers`), each into ``QuarterResults.tables`` under the names of ``ncpm.quarter.tables``; and
:func:`compute_quarter`, which runs them all and states the results. Pure: canonical frames in, results out.

Validated once at the edge: :func:`compute_quarter` checks each input frame once
(:func:`validated_inputs`, ``ncpm.core.schema.validate``) and runs the stages with ``checked=True``; the stages
call the methods with ``checked=True`` on those frames, rows taken out of them and the methods' own tables built
on them, so nothing is validated again down the call chain. A stage called with ``checked=False`` (the default)
validates the kinds it reads itself.

Choices made here, each a named option (:class:`ncpm.quarter.options.QuarterOptions`): the national rank is compared
with the window ending ``rank_lag`` months earlier; forecasts are made for force-level series, the quarter's at its
origin (the month before it starts, for the quarter's months) and the forward look from the latest month (for
``horizon`` months).

Precedence for peers (METHODS.md, MSG and national rank; README): the national rank and MSG comparison come from
the monthly counts when every force of the comparison set has a 12-month rate at the report's month (the same months
as the rest of the report); otherwise from the ONS period tables, which name their own period ("year ending December
2019"). The PRC quarter is stated only for measures the force's monthly data lack (police.uk has no homicide,
violence with injury, personal robbery or residential burglary category).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import measures as catalogue_measures
from ncpm.core.errors import InputError
from ncpm.core.forces import canonical_force
from ncpm.core.periods import FyQuarter, fy_quarter, parse_quarter, to_month
from ncpm.methods import forecast as fc
from ncpm.methods import peers, prc, spc
from ncpm.methods import volumes as vol
from ncpm.methods.baseline import compare_to_baseline, three_year_average
from ncpm.methods.outcomes import outcome_rate
from ncpm.methods.satisfaction import rolling_rate
from ncpm.quarter import tables as T
from ncpm.quarter.engine import map_series
from ncpm.quarter.lookup import present_measures
from ncpm.quarter.options import QuarterOptions
from ncpm.quarter.results import QuarterResults
from ncpm.quarter.statements import quarter_statements
from ncpm.words import peers as peer_words  # the peer tables' words beside the numbers of methods.peers
from ncpm.words import ranks  # the window-rank tables as published: the numbers with their words


def validated_inputs(frames: Mapping[str, pd.DataFrame], kinds: tuple[str, ...] = tuple(schema.SPECS)
                     ) -> dict[str, pd.DataFrame]:
    """``frames`` with the frame of each kind in ``kinds`` (default: every canonical kind) validated once
    (``schema.validate``, the error naming the kind); a kind not given, None or empty is left as it is."""
    return {kind: schema.validate(frame, schema.SPECS[kind], source=kind)
            if kind in kinds and frame is not None and len(frame) else frame for kind, frame in frames.items()}


def _given(frames: Mapping[str, pd.DataFrame], kind: str) -> pd.DataFrame | None:
    """The frame of ``kind`` when given with rows, else None."""
    frame = frames.get(kind)
    return frame if frame is not None and len(frame) else None


def _resolve_month(volumes: pd.DataFrame, month, quarter) -> tuple[pd.Period, FyQuarter]:
    latest = volumes[schema.MONTH].max()
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


def start_quarter(frames: Mapping[str, pd.DataFrame], force: str = "Warwickshire", *, month=None, quarter=None,
                  options: QuarterOptions | None = None, checked: bool = False) -> QuarterResults:
    """The force's volumes up to the reported month, and the month and quarter resolved (no computation yet).
    ``checked``: the frames are validated already (:func:`validated_inputs`, or ``ncpm.pipeline.ingest``)."""
    force = canonical_force(force)
    all_volumes = frames["volumes"] if checked else schema.validate(frames["volumes"], schema.VOLUMES,
                                                                    source="volumes")
    ours = all_volumes[all_volumes[schema.FORCE] == force].reset_index(drop=True)
    if ours.empty:
        raise InputError(f"no volumes for {force}", file="volumes", column=schema.FORCE)
    month, q = _resolve_month(ours, month, quarter)
    res = QuarterResults(force=force, month=month, quarter=q, options=options or QuarterOptions(),
                         all_volumes=all_volumes)
    res.tables[T.VOLUMES] = ours[ours[schema.MONTH] <= month].reset_index(drop=True)
    return res


def _shares(volumes: pd.DataFrame) -> pd.DataFrame:
    """Each sub-measure's share of its parent, for the sub-measures the data hold with their parent (``volumes``
    validated)."""
    present = present_measures(volumes)
    parts = [vol.share(volumes, m.id, m.parent, checked=True) for m in catalogue_measures()
             if m.parent and m.id in present and m.parent in present]
    if not parts:  # no sub-measure in the data (police.uk): the share table's columns, no rows
        parts = [vol.share(volumes.iloc[:0], m.id, m.parent, checked=True) for m in catalogue_measures()
                 if m.parent][:1]
    return pd.concat(parts, ignore_index=True)


def compute_measures(res: QuarterResults, frames: Mapping[str, pd.DataFrame], *, engine=None,
                     checked: bool = False) -> None:
    """Baselines, ranks, changes, quarter totals, exceptions, shares, outcome rates and rolling satisfaction.

    ``engine`` (an :class:`ncpm.quarter.engine.Engine` or None for this process) runs the per-series baselines.
    ``checked``: the frames are validated already (:func:`validated_inputs`); the force's volumes are (rows of the
    volumes :func:`start_quarter` validated).
    """
    opts, t, ours, month, force = res.options, res.tables, res.tables[T.VOLUMES], res.month, res.force
    if not checked:
        frames = validated_inputs(frames, ("outcomes", "survey"))
    t[T.BASELINE] = map_series(three_year_average, ours, engine, method=opts.baseline_method,
                               exclude=list(opts.exclude) or None, in_line=opts.in_line, substantial=opts.substantial,
                               checked=True)
    for key in T.RANK_WINDOWS:
        t[key.name] = ranks.window_rank(ours, window=key.parameter, checked=True)
    t[T.CHANGES] = vol.changes(ours, checked=True)
    t[T.QUARTERS] = vol.quarter_totals(ours, checked=True)
    t[T.PERIOD_CHANGE.name] = vol.period_comparison(ours, month, months=T.PERIOD_CHANGE.parameter, checked=True)
    t[T.EXCEPTIONS] = spc.spc(_whole_force(t[T.BASELINE]), run_length=opts.run_length,  # the baselines: ours, sorted
                              improvement=opts.improvement, seasonal=True, checked=True)
    t[T.SHARES] = _shares(ours)
    outcomes = _given(frames, "outcomes")
    if outcomes is not None:
        outcomes = outcomes[(outcomes[schema.FORCE] == force) & (outcomes[schema.MONTH] <= month)]
        for key in T.OUTCOME_WINDOWS if len(outcomes) else ():  # none for this force: coverage() says so
            t[key.name] = outcome_rate(
                outcomes, ours, window=key.parameter, include_diversionary=opts.include_diversionary,
                min_n=opts.min_n, max_width=opts.max_width, checked=True)
    survey = _given(frames, "survey")
    if survey is not None:
        survey = survey[(survey[schema.FORCE] == force) & (survey[schema.MONTH] <= month)]
        if len(survey):
            t[T.SATISFACTION] = rolling_rate(survey, window=opts.satisfaction_window, target=opts.target,
                                             checked=True)


def compute_forecasts(res: QuarterResults, *, engine=None) -> None:
    """The quarter's forecast made at its origin, for the quarter's months (against what happened), and the
    forward look from the latest month for ``options.horizon`` months.

    ``engine`` (an :class:`ncpm.quarter.engine.Engine` or None for this process) runs the per-series fits; the
    results are the same wherever they run. The force's volumes are rows of those :func:`start_quarter`
    validated: the forecasts take them as they are (``checked=True``).
    """
    opts, whole = res.options, _whole_force(res.tables[T.VOLUMES])
    res.tables[T.FORECAST_QUARTER] = map_series(fc.forecast_vs_actual, whole, engine, origin=res.quarter.origin,
                                                horizon=len(res.quarter.months()), method=opts.forecast_method,
                                                engine=opts.forecast_engine, checked=True)
    res.tables[T.FORECAST_AHEAD] = map_series(fc.forecast, whole, engine, horizon=opts.horizon, origin=res.month,
                                              method=opts.forecast_method, engine=opts.forecast_engine, checked=True)


PEER_KINDS = ("population", "msg", "period_counts", "quarterly")  # the inputs of the peer stage besides volumes


def compute_peers(res: QuarterResults, frames: Mapping[str, pd.DataFrame], *, checked: bool = False) -> None:
    """Rates per 1,000 for every force, national ranks and their change, and the MSG comparison; then the same
    from ONS period tables and the Home Office PRC quarter (:func:`compute_period_tables`). ``checked``: the
    frames are validated already (:func:`validated_inputs`)."""
    if not checked:
        frames = validated_inputs(frames, PEER_KINDS)
    compute_period_tables(res, frames, checked=True)
    population = _given(frames, "population")
    if population is None:
        res.notes.append("no population data: rates per 1,000, MSG comparisons and national ranks are left out")
        return
    opts, t = res.options, res.tables
    all_volumes = res.all_volumes if res.all_volumes is not None else \
        schema.validate(frames["volumes"], schema.VOLUMES, source="volumes")
    whole = all_volumes[(all_volumes[schema.AREA] == schema.WHOLE_FORCE) & (all_volumes[schema.MONTH] <= res.month)]
    rates = peers.rates_per_1000(whole, population, checked=True)
    t[T.RATES] = rates
    national = peers.national_rank(rates, exclude_city_of_london=opts.exclude_city_of_london)
    t[T.NATIONAL_RANK] = national
    changes = peers.rank_change(national, res.month, res.month - opts.rank_lag)
    t[T.RANK_CHANGES] = peer_words.with_rank_change_label(changes)  # the report's table: the numbers and their words
    msg = _given(frames, "msg")
    if msg is not None:
        t[T.MSG_MEMBERSHIP] = peers.validate_msg(msg, version=opts.msg_version, checked=True)
        t[T.MSG] = peers.msg_compare(rates, t[T.MSG_MEMBERSHIP], average=opts.msg_average, k=opts.k, checked=True)


def compute_period_tables(res: QuarterResults, frames: Mapping[str, pd.DataFrame], *, checked: bool = False) -> None:
    """The national rank, rank change and MSG comparison from ONS period tables (kind ``period_counts``, with a
    ``population`` frame: ``peers.period_comparison``, the publisher's population year) into
    ``tables["period_peers"]``, and the report's quarter against the same quarter of the previous three years from
    Home Office PRC counts (kind ``quarterly``: ``prc.same_quarter_average`` with the report's comparison rule,
    ``baseline.compare_to_baseline``) into ``tables["prc_quarter"]``. What cannot be computed goes to ``notes`` (and,
    for the ONS period tables, to ``period_notes`` too: the statements say why the tables were not used).
    ``checked``: the frames are validated already (:func:`validated_inputs`)."""
    opts, t = res.options, res.tables
    if not checked:
        frames = validated_inputs(frames, PEER_KINDS)
    counts = _given(frames, "period_counts")
    if counts is not None:
        population = _given(frames, "population")
        if population is None:
            res.period_notes.append("ONS period tables but no population data: no national rank or MSG comparison "
                                    "from them")
        else:
            msg = _given(frames, "msg")
            compared = peers.period_comparison(
                counts, population, res.month,
                msg=None if msg is None else peers.validate_msg(msg, version=opts.msg_version, checked=True),
                exclude_city_of_london=opts.exclude_city_of_london, average=opts.msg_average, k=opts.k,
                msg_version=opts.msg_version, checked=True)
            res.period_notes.extend(compared.notes)
            if compared.period is not None:
                t[T.PERIOD_PEERS] = peer_words.period_table(compared.table)
        res.notes.extend(res.period_notes)
    quarterly = _given(frames, "quarterly")
    if quarterly is not None:
        ours = quarterly[quarterly[schema.FORCE] == res.force]
        if ours.empty:
            res.notes.append(f"the Home Office PRC tables hold no counts for {res.force}")
            return
        table = prc.same_quarter_average(ours, res.quarter, checked=True)
        z, labels = compare_to_baseline(table[schema.COUNT].astype("Float64").to_numpy(float, na_value=math.nan),
                                                 table[schema.BASELINE].to_numpy(float), in_line=opts.in_line,
                                                 substantial=opts.substantial)
        table[schema.Z] = z
        table[schema.COMPARISON] = schema.text(labels)
        t[T.PRC_QUARTER] = table


def compute_quarter(frames: Mapping[str, pd.DataFrame], force: str = "Warwickshire", *, month=None, quarter=None,
                    options: QuarterOptions | None = None) -> QuarterResults:
    """Every result the quarterly report needs for ``force``, from canonical frames keyed by kind
    ("volumes", "outcomes", "survey", "population", "msg", "period_counts", "quarterly"; all but volumes optional),
    and its statements.

    ``month`` is the latest month reported (default: the latest in the data, capped at the quarter's end when
    ``quarter`` is given, e.g. "Q1 2023/24").
    """
    frames = validated_inputs(frames)  # once, here at the edge: the stages and methods trust them
    res = start_quarter(frames, force, month=month, quarter=quarter, options=options, checked=True)
    compute_measures(res, frames, checked=True)
    compute_forecasts(res)
    compute_peers(res, frames, checked=True)
    res.statements = quarter_statements(res)
    return res
