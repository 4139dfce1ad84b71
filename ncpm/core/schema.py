"""Column names, written once, and the canonical frames of ncpm with their validation.

One tidy long frame is the currency of ncpm. The canonical frames (issue "Foundation", METHODS.md Calendar):

- volumes:    force, area, measure, month, count           unique on (force, area, measure, month)
- outcomes:   force, area, measure, month, outcome_type, count
- survey:     force, survey, month, responses, satisfied [, dont_know]
- population: force, year, population                       (mid-year estimates)
- msg:        force, peer, version                          (Most Similar Group membership)
- quarterly:  force, measure, offence_code, quarter, count  (Home Office open data, kept quarterly)
- period_counts: force, measure, period_start, period_end, count (ONS tables: one 12-month period)

``month`` is always ``Period[M]``; counts are non-negative integers (a quarterly count may be negative: the
Home Office publishes adjustments). ``area`` is :data:`WHOLE_FORCE` for the
force as a whole, otherwise a local policing area (LPA), community safety partnership or LSOA code.

>>> import pandas as pd
>>> v = pd.DataFrame({"force": ["Warwickshire"], "area": [WHOLE_FORCE], "measure": ["knife_crime"],
...                   "month": ["2023-05"], "count": [50]})
>>> validate(v, VOLUMES).dtypes["month"]
period[M]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.core.errors import InputError
from ncpm.core.periods import parse_month_error, to_month

FORCE = "force"
AREA = "area"
MEASURE = "measure"
MONTH = "month"
COUNT = "count"
OUTCOME_TYPE = "outcome_type"
SURVEY = "survey"
RESPONSES = "responses"
SATISFIED = "satisfied"
DONT_KNOW = "dont_know"
YEAR = "year"
POPULATION = "population"
PEER = "peer"
VERSION = "version"
OFFENCE_CODE = "offence_code"
QUARTER = "quarter"
PERIOD_START = "period_start"
PERIOD_END = "period_end"

WHOLE_FORCE = "Force"  # the ``area`` value for a force as a whole
NO_LOCATION = "No location"  # the ``area`` of police.uk records with no LSOA, so that areas add up to the force

# The ``flag`` values of a table protected by disclosure control (ncpm.methods.disclosure), here so that the
# writers (ncpm.io.export) and the report's tables show a suppressed cell as the policy's marker
PRIMARY = "suppressed (primary)"
SECONDARY = "suppressed (secondary)"
ROUNDED = "rounded"
SUPPRESSED = (PRIMARY, SECONDARY)

SERIES_KEY = [FORCE, AREA, MEASURE]  # one monthly series

# Result columns: the outputs of the compute modules (measures, spc, forecast, peers, disclosure), named once
# here so that the modules that read them (narrative, plots, quarter, batch) use the same names.
ACTUAL = "actual"
BASELINE = "baseline"
BASELINE_METHOD = "baseline_method"
BASELINE_NOTE = "baseline_note"
CAUTION = "caution"
CHANGE = "change"
COMPARISON = "comparison"
CURRENT = "current"
DESCRIPTIVE_OUTLIER = "descriptive_outlier"
DIFFERENCE = "difference"
EARLIER = "earlier"
EARLIER_RANK = "earlier_rank"
FLAG = "flag"
FLAG_NOTE = "flag_note"
HI = "hi"
HI_95 = "hi_95"
LABEL = "label"
LO = "lo"
LO_95 = "lo_95"
MEAN = "mean"
METHOD = "method"
MOM_CHANGE = "mom_change"
MOM_PCT = "mom_pct"
MONTHS = "months"
MSG_AVERAGE = "msg_average"
MSG_AVERAGE_METHOD = "msg_average_method"
MSG_DIRECTION = "msg_direction"
MSG_POSITION = "msg_position"
MSG_SD = "msg_sd"
MSG_SIZE = "msg_size"
N = "n"
NOTES = "notes"
N_FORCES = "n_forces"
ORIGIN = "origin"
OUTCOMES_N = "outcomes"
OVER_100 = "over_100"
PART = "part"
PCT_CHANGE = "pct_change"
PCT_DIFFERENCE = "pct_difference"
PLACES = "places"
POPULATION_NOTE = "population_note"
POPULATION_WANTED = "population_wanted"  # the mid-year estimate's year a rate asks for (population_year: the one used)
POPULATION_YEAR = "population_year"
PREVIOUS = "previous"
RANK = "rank"
RANK_HIGH = "rank_high"
RANK_LABEL = "rank_label"
RANK_LOW = "rank_low"
RANK_NOTE = "rank_note"
RATE = "rate"
RATE_HI = "rate_hi"
RATE_LO = "rate_lo"
REASON = "reason"
RUN_DIRECTION = "run_direction"
RUN_LENGTH = "run_length"
SHARE = "share"
STATISTICAL_OUTLIER = "statistical_outlier"
TARGET = "target"
TARGET_LABEL = "target_label"
TIED = "tied"
WHOLE = "whole"
WINDOW = "window"
YOY_CHANGE = "yoy_change"
YOY_PCT = "yoy_pct"
Z = "z"
# Result columns a statement (ncpm.words.statements) reads only when its frame has them: the forecast's label
# (ncpm.methods.forecast.forecast_vs_actual gives one, forecast does not); an ONS period table's rank change (two
# periods held) and its MSG columns (a membership table held); the baseline's and the forecast's method (a frame
# built by hand may lack them). Every other result column a statement reads is always in the frame it is given.
OPTIONAL_RESULT_COLUMNS = frozenset({LABEL, EARLIER, EARLIER_RANK, PLACES, MSG_AVERAGE, DESCRIPTIVE_OUTLIER,
                                     STATISTICAL_OUTLIER, FLAG_NOTE, BASELINE_METHOD, METHOD})
# ... of the methods' volumes, outcomes, satisfaction, spc and forecast frames (issue 13: no literals in producers)
ACTION_SET = "action_set"
CAUTION_REASON = "caution_reason"
CENTRE = "centre"
END = "end"
EXTREME = "extreme"
LAST_YEAR = "last_year"
LOWER = "lower"
MOVING_RANGE = "moving_range"
N_IN_WINDOW = "n_in_window"
P_VALUE = "p_value"
RESIDUAL = "residual"
SIGNAL = "signal"
SIGNIFICANT = "significant"
TRIAL_LIMITS = "trial_limits"
UPPER = "upper"
VARIATION = "variation"
WINDOW_END = "window_end"
OUTSIDE_LIMITS, TREND, TWO_OF_THREE, SHIFT = "outside_limits", "trend", "two_of_three", "shift"  # spc rule flags
A_SUFFIX, B_SUFFIX = "_a", "_b"  # compare_windows: the columns of the windows ending at month_a and at month_b
MONTH_A, MONTH_B = MONTH + A_SUFFIX, MONTH + B_SUFFIX
MAE, MASE, SMAPE, MASE_MEDIAN = "mae", "mase", "smape", "mase_median"  # backtests
COVERAGE_80, COVERAGE_95 = "coverage_80", "coverage_95"
SERIES, FORECASTS, FALLBACK_SHARE = "series", "forecasts", "fallback_share"  # backtest summaries
FALLBACK = "fallback"  # forecasts: True where seasonal naive stands in for the model asked for (its reason in method)


@dataclass(frozen=True)
class FrameSpec:
    """A canonical frame: its name, key columns, month columns, integer columns and optional columns."""

    name: str
    key: tuple[str, ...]
    months: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    defaults: tuple[tuple[str, str], ...] = ()  # (column, value) filled in when a frame lacks the column
    signed: tuple[str, ...] = ()  # count columns that may be negative (a published adjustment)

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in (*self.key, *self.months, *self.text, *self.counts):
            seen[c] = None
        return list(seen)


VOLUMES = FrameSpec("volumes", key=(FORCE, AREA, MEASURE, MONTH), months=(MONTH,), counts=(COUNT,),
                    text=(FORCE, AREA, MEASURE))
OUTCOMES = FrameSpec("outcomes", key=(FORCE, AREA, MEASURE, MONTH, OUTCOME_TYPE), months=(MONTH,),
                     counts=(COUNT,), text=(FORCE, AREA, MEASURE, OUTCOME_TYPE))
SURVEY_RESPONSES = FrameSpec("survey", key=(FORCE, SURVEY, MONTH), months=(MONTH,),
                             counts=(RESPONSES, SATISFIED), text=(FORCE, SURVEY), optional=(DONT_KNOW,))
POPULATIONS = FrameSpec("population", key=(FORCE, YEAR), counts=(YEAR, POPULATION), text=(FORCE,))
MSG = FrameSpec("msg", key=(FORCE, PEER, VERSION), text=(FORCE, PEER, VERSION))
MSG_MAX_SIZE = 8  # HMIC Most Similar Groups: a force and at most seven most similar forces
QUARTERLY = FrameSpec("quarterly", key=(FORCE, MEASURE, OFFENCE_CODE, QUARTER), counts=(COUNT,),
                      text=(FORCE, MEASURE, OFFENCE_CODE, QUARTER), signed=(COUNT,))
PERIOD_COUNTS = FrameSpec("period_counts", key=(FORCE, AREA, MEASURE, PERIOD_START, PERIOD_END),
                          months=(PERIOD_START, PERIOD_END), counts=(COUNT,), text=(FORCE, AREA, MEASURE),
                          defaults=((AREA, WHOLE_FORCE),))

SPECS = {s.name: s for s in (VOLUMES, OUTCOMES, SURVEY_RESPONSES, POPULATIONS, MSG, QUARTERLY, PERIOD_COUNTS)}


def _months(series: pd.Series, column: str, source: str) -> pd.Series:
    if isinstance(series.dtype, pd.PeriodDtype):
        if series.dtype.freq.freqstr not in ("M", "ME"):
            raise InputError(f"periods must be monthly, not {series.dtype.freq.freqstr}", file=source, column=column)
        if series.isna().any():
            bad = int(np.flatnonzero(series.isna().to_numpy())[0])
            raise InputError("missing month", file=source, row=bad, column=column)
        return series
    codes, distinct = pd.factorize(series, use_na_sentinel=False)  # each distinct text parsed once
    parsed = []
    for j, value in enumerate(distinct):
        try:
            parsed.append(to_month(value))
        except (ValueError, TypeError):
            i = int(np.flatnonzero(codes == j)[0])
            raise parse_month_error(series.iloc[i], file=source, row=i, column=column) from None
    months = pd.PeriodIndex(parsed, freq="M")[codes] if len(series) else pd.PeriodIndex([], freq="M")
    return pd.Series(months, index=series.index, name=series.name)


def _counts(series: pd.Series, column: str, source: str, signed: bool = False) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() | ((values < 0) & (not signed)) | (values != np.floor(values))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        what = "whole number" if signed else "non-negative whole number"
        raise InputError(f"{series.tolist()[i]!r} is not a {what}", file=source, row=i, column=column)
    return values.astype("int64")


def validate(frame: pd.DataFrame, spec: FrameSpec, *, source: str = "frame") -> pd.DataFrame:
    """Check ``frame`` against a canonical spec and return it with canonical dtypes, sorted on the key.

    Raises :class:`InputError` naming the column (missing, listing what was found), or the row (0-based
    position in the frame) for an unreadable month, a negative or fractional count, or a duplicate key.
    Frames from files are validated row by row in ``ncpm.io``; this is the check at the edge of the pure
    compute modules.
    """
    for column, value in spec.defaults:
        if column not in frame.columns:
            frame = frame.assign(**{column: value})
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} for {spec.name}; found: "
                         f"{', '.join(map(str, frame.columns)) or 'none'}", file=source, column=missing[0])
    keep = spec.columns + [c for c in spec.optional if c in frame.columns]
    out = frame[keep].copy()
    for c in spec.months:
        out[c] = _months(out[c], c, source)
    for c in (*spec.counts, *(o for o in spec.optional if o in out.columns)):
        out[c] = _counts(out[c], c, source, signed=c in spec.signed)
    for c in spec.text:
        if c in spec.counts:
            continue
        if out[c].isna().any():
            i = int(np.flatnonzero(out[c].isna().to_numpy())[0])
            raise InputError("missing value", file=source, row=i, column=c)
        out[c] = out[c].astype(str)
    dup = out.duplicated(list(spec.key), keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"duplicate key {tuple(out.iloc[i][list(spec.key)])}", file=source, row=i,
                         column=", ".join(spec.key))
    if SATISFIED in out.columns and RESPONSES in out.columns:
        over = out[SATISFIED] > out[RESPONSES]
        if over.any():
            i = int(np.flatnonzero(over.to_numpy())[0])
            raise InputError("satisfied is greater than responses", file=source, row=i, column=SATISFIED)
    return out.sort_values(list(spec.key), kind="stable").reset_index(drop=True)


def canonical(frame: pd.DataFrame, spec: FrameSpec) -> pd.DataFrame:
    """The rows the checks kept as the canonical frame of ``spec``: its columns and dtypes (months ``Period[M]``,
    counts int64, text str), sorted on its key, as :func:`validate` returns them, without validating the rows
    again: the checks have rejected every row it would refuse, and ``ncpm.load`` validates the frames of a kind from
    every file together, once (issue 13: validated once at the edge)."""
    if not len(frame) and any(c not in frame.columns for c in spec.columns):
        return empty(spec)  # no rows kept, and no columns to keep
    out = frame[spec.columns + [c for c in spec.optional if c in frame.columns]].copy()
    for column in out.columns:
        if column in spec.months:
            if not isinstance(out[column].dtype, pd.PeriodDtype):
                out[column] = pd.PeriodIndex(out[column].astype(str), freq="M")
        elif column in spec.counts or column in spec.optional:
            out[column] = out[column].astype("int64")
        else:
            out[column] = out[column].astype(str)
    return out.sort_values(list(spec.key), kind="stable").reset_index(drop=True)


def empty(spec: FrameSpec) -> pd.DataFrame:
    """An empty canonical frame with the right dtypes."""
    data = {}
    for c in spec.columns:
        if c in spec.months:
            data[c] = pd.Series([], dtype="period[M]")
        elif c in spec.counts:
            data[c] = pd.Series([], dtype="int64")
        else:
            data[c] = pd.Series([], dtype=str)
    return pd.DataFrame(data)


_PANDAS_2 = int(pd.__version__.split(".")[0]) < 3


def text(values) -> pd.api.extensions.ExtensionArray:
    """A text column in which a missing value stays missing: pandas' ``str`` dtype on pandas 3; on pandas 2, where
    ``pd.array(..., dtype="str")`` is numpy's string dtype and turns None into the text "None" (which then reached
    the statements), an object column of str with NaN for missing, as pandas 3's ``str`` has.

    >>> text(["a", None, float("nan")]).isna().tolist()
    [False, True, True]
    """
    values = values if isinstance(values, np.ndarray | pd.Series | pd.Index) else list(values)
    if not _PANDAS_2:
        return pd.array(values, dtype="str")
    obj = np.asarray(values, dtype=object)
    out = obj.astype(str).astype(object)
    out[pd.isna(obj)] = np.nan
    return pd.array(out, dtype=object)


# --- Result specs: the columns of every result frame a force-quarter stores (issue 13) -----------------------------
# One spec per family of result tables (``ncpm.quarter.tables`` maps each stored table to its family), its columns in
# the order the producer gives them today; ``check_result`` is the check at the place the quarter collects them
# (``ncpm.quarter.results``). The specs document the producers, they do not reshape them.
LO_80, HI_80 = LO + "_80", HI + "_80"  # the forecast's 80% interval (LO_95, HI_95: its 95% one)


@dataclass(frozen=True)
class ResultSpec:
    """A result frame: its ``name`` (the family of tables it describes), its ``columns`` in the order its producer
    gives them, and those of them the producer gives only sometimes (``optional``; each spec says when).

    >>> spec = ResultSpec("x", (FORCE, RANK, EARLIER), optional=(EARLIER,))
    >>> spec.expected([FORCE, RANK])
    ('force', 'rank')
    """

    name: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def expected(self, present) -> tuple[str, ...]:
        """The columns a frame holding ``present`` must have, in order: every column but the optional ones absent."""
        held = set(present)
        return tuple(c for c in self.columns if c not in self.optional or c in held)


_SERIES_MONTH = (FORCE, AREA, MEASURE, MONTH)
_FORECAST_COLUMNS = (*_SERIES_MONTH, MEAN, LO_80, HI_80, LO_95, HI_95, METHOD, ORIGIN, NOTES,
                     FALLBACK)  # the default levels, 80 and 95
_RANK_CHANGE_COLUMNS = (EARLIER, EARLIER_RANK, PLACES, LABEL)
_MSG_COLUMNS = (MSG_AVERAGE, MSG_AVERAGE_METHOD, MSG_SD, MSG_POSITION, MSG_SIZE, MSG_DIRECTION, DESCRIPTIVE_OUTLIER,
                STATISTICAL_OUTLIER, FLAG_NOTE, VERSION)

VOLUMES_RESULT = ResultSpec("volumes", (*_SERIES_MONTH, COUNT))  # the force's volumes up to the month reported
BASELINE_RESULT = ResultSpec("baseline", (*_SERIES_MONTH, COUNT, BASELINE, BASELINE_METHOD, BASELINE_NOTE, DIFFERENCE,
                                          PCT_DIFFERENCE, Z, COMPARISON))  # methods.baseline.three_year_average
RANKS_RESULT = ResultSpec("ranks", (*_SERIES_MONTH, COUNT, WINDOW, N_IN_WINDOW, RANK_HIGH, RANK_LOW, TIED,
                                    RANK_LABEL))  # words.ranks.window_rank (methods.volumes.window_rank + label)
CHANGES_RESULT = ResultSpec("changes", (*_SERIES_MONTH, COUNT, PREVIOUS, MOM_CHANGE, MOM_PCT, LAST_YEAR, YOY_CHANGE,
                                        YOY_PCT))  # methods.volumes.changes
QUARTERS_RESULT = ResultSpec("quarters", (FORCE, AREA, MEASURE, QUARTER, COUNT, MONTHS))  # volumes.quarter_totals
PERIOD_RESULT = ResultSpec("period", (FORCE, AREA, MEASURE, END, MONTHS, CURRENT, PREVIOUS, CHANGE,
                                      PCT_CHANGE))  # methods.volumes.period_comparison
EXCEPTIONS_RESULT = ResultSpec("exceptions", (*_SERIES_MONTH, COUNT, BASELINE, RESIDUAL, CENTRE, MOVING_RANGE, LOWER,
                                              UPPER, TRIAL_LIMITS, OUTSIDE_LIMITS, TREND, TWO_OF_THREE, SHIFT, SIGNAL,
                                              VARIATION))  # methods.spc.spc, seasonal on the baseline
SHARES_RESULT = ResultSpec("shares", (FORCE, AREA, MONTH, MEASURE, PART, WHOLE, SHARE, N))  # methods.volumes.share
OUTCOME_RATES_RESULT = ResultSpec("outcome_rates", (*_SERIES_MONTH, OUTCOMES_N, N, RATE, LO, HI, CAUTION,
                                                    CAUTION_REASON, WINDOW, OVER_100,
                                                    ACTION_SET))  # methods.outcomes.outcome_rate
SATISFACTION_RESULT = ResultSpec("satisfaction", (FORCE, SURVEY, MONTH, SATISFIED, RESPONSES, RATE, LO, HI, TARGET,
                                                  TARGET_LABEL, RUN_LENGTH,
                                                  RUN_DIRECTION))  # methods.satisfaction.rolling_rate
FORECAST_RESULT = ResultSpec("forecast", _FORECAST_COLUMNS)  # methods.forecast.forecast, default levels
FORECAST_VS_ACTUAL_RESULT = ResultSpec("forecast_vs_actual", (*_FORECAST_COLUMNS, ACTUAL,
                                                              LABEL))  # methods.forecast.forecast_vs_actual
RATES_RESULT = ResultSpec("rates", (*_SERIES_MONTH, WINDOW, COUNT, POPULATION, POPULATION_YEAR, POPULATION_WANTED,
                                    POPULATION_NOTE, RATE, RATE_LO, RATE_HI))  # methods.rates.rates_per_1000
NATIONAL_RANK_RESULT = ResultSpec("national_rank", (FORCE, MEASURE, MONTH, RATE, RANK, N_FORCES,
                                                    RANK_NOTE))  # methods.ranks.national_rank
RANK_CHANGES_RESULT = ResultSpec("rank_changes", (FORCE, MEASURE, MONTH, EARLIER, RANK, EARLIER_RANK, N_FORCES, PLACES,
                                                  LABEL))  # words.peers.rank_change (methods.ranks + label)
MSG_MEMBERSHIP_RESULT = ResultSpec("msg_membership", (FORCE, PEER, VERSION))  # methods.msg.validate_msg
MSG_RESULT = ResultSpec("msg", (FORCE, MEASURE, MONTH, RATE, RATE_LO, RATE_HI,
                                *_MSG_COLUMNS))  # methods.msg.msg_compare
# the ONS period comparison's table with its words (methods.period.period_comparison, ncpm.words.peers); optional: the
# rank change (when the ONS tables hold an earlier period) and the MSG comparison (when a membership table is given)
PERIOD_PEERS_RESULT = ResultSpec("period_peers", (FORCE, MEASURE, PERIOD_START, PERIOD_END, COUNT, POPULATION,
                                                  POPULATION_YEAR, POPULATION_WANTED, POPULATION_NOTE, RATE, RATE_LO,
                                                  RATE_HI, RANK, RANK_LABEL, N_FORCES, RANK_NOTE,
                                                  *_RANK_CHANGE_COLUMNS, *_MSG_COLUMNS),
                                 optional=(*_RANK_CHANGE_COLUMNS, *_MSG_COLUMNS))
PRC_QUARTER_RESULT = ResultSpec("prc_quarter", (FORCE, MEASURE, QUARTER, COUNT, PREVIOUS, N, BASELINE, DIFFERENCE,
                                                PCT_DIFFERENCE, REASON, Z, COMPARISON))  # prc.same_quarter_average + z

RESULTS = {s.name: s for s in (VOLUMES_RESULT, BASELINE_RESULT, RANKS_RESULT, CHANGES_RESULT, QUARTERS_RESULT,
                               PERIOD_RESULT, EXCEPTIONS_RESULT, SHARES_RESULT, OUTCOME_RATES_RESULT,
                               SATISFACTION_RESULT, FORECAST_RESULT, FORECAST_VS_ACTUAL_RESULT, RATES_RESULT,
                               NATIONAL_RANK_RESULT, RANK_CHANGES_RESULT, MSG_MEMBERSHIP_RESULT, MSG_RESULT,
                               PERIOD_PEERS_RESULT, PRC_QUARTER_RESULT)}


def check_result(frame: pd.DataFrame, spec: ResultSpec, *, where: str) -> pd.DataFrame:
    """``frame`` as it is when its columns are ``spec``'s, in order (an optional column may be absent); else a
    RuntimeError naming ``where``, the spec and the missing, extra or misordered columns. A result frame that does not
    match its spec is ncpm's bug, not bad input: it is not an :class:`InputError`.

    >>> check_result(pd.DataFrame(columns=[FORCE, PEER]), MSG_MEMBERSHIP_RESULT, where="tables['msg_membership']")
    Traceback (most recent call last):
    ...
    RuntimeError: tables['msg_membership']: columns do not match the result spec msg_membership: missing version
    """
    got = tuple(map(str, frame.columns))
    want = spec.expected(got)
    if got == want:
        return frame
    missing = [c for c in want if c not in got]
    extra = [c for c in got if c not in spec.columns]
    problems = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"extra {', '.join(extra)}"] if extra else [])
    if not problems:
        problems = [f"out of order: {', '.join(got)}; the spec's order: {', '.join(want)}"]
    raise RuntimeError(f"{where}: columns do not match the result spec {spec.name}: {'; '.join(problems)}")
