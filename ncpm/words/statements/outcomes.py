"""Statements on rates: the 'action taken' outcome rate with its caution for small numbers (S4), and the rolling
victim satisfaction rate against its target with its run (S9).

Built from ``ncpm.methods.outcomes.outcome_rate`` and ``ncpm.methods.satisfaction.rolling_rate``; METHODS.md, "Outcome
('action taken') rate" and "Victim satisfaction: rolling k-month rate".
"""

from __future__ import annotations

import math

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import SATISFACTION_MEASURE
from ncpm.core.errors import InputError
from ncpm.core.periods import month_label, to_month
from ncpm.core.schema import (
    CAUTION,
    HI,
    LO,
    OUTCOMES_N,
    OVER_100,
    RATE,
    RUN_DIRECTION,
    RUN_LENGTH,
    TARGET,
    TARGET_LABEL,
    WINDOW,
    N,
)
from ncpm.methods.satisfaction import SATISFACTION_WINDOW
from ncpm.methods.series import month_column, one_row, select_rows
from ncpm.words.statements.phrases import area_phrase, measure_label
from ncpm.words.statements.statement import Statement, as_number, is_missing, make_statement
from ncpm.words.style import count_words, percent


def outcome_rate_statement(rates: pd.DataFrame, force: str, measure: str, month: object, *,
                           area: str = schema.WHOLE_FORCE, id: str | None = None) -> Statement:
    """The 'action taken' outcome rate, to one decimal place, with a caution when ``caution`` is set.

    ``rates``: ``outcomes.outcome_rate`` output (``outcomes``, ``n``, ``rate``, ``lo``, ``hi`` Wilson 95%,
    ``caution``, ``window``, ``over_100``). METHODS.md, Outcome rate: caution for small numbers.

    The rate is compared with the month before, as rounded (one decimal place): the same rounded rate "remains at"
    it ("remains at 4.3%, as in April 2023"), else the earlier rate is given ("was 7.3%, up from 6.9% in April
    2023"); no comparison when the month before has no rate.

    Example: "In May 2023, the 'action taken' outcome rate for Violence with Injury was 7.3%, up from 6.9% in April
    2023."
    """
    month = to_month(month)
    row = one_row(rates, "outcome rates", force=force, area=area, measure=measure, month=month)
    rate, n = float(row[RATE]), int(row[N])
    window = int(row[WINDOW]) if not is_missing(row[WINDOW]) else 1
    rolling = f"rolling {window}-month " if window > 1 else ""
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    before = select_rows(rates, "outcome rates", force=force, area=area, measure=measure, month=month - 1)
    before = before[(before[WINDOW].astype(float) == window).to_numpy()]
    previous = as_number(before.iloc[0][RATE]) if len(before) == 1 else float("nan")
    head = f"In {month_label(month)}, the {rolling}'action taken' outcome rate for {measure_label(measure)}{where}"
    if not math.isfinite(previous):
        movement = None
        text = f"{head} was {percent(rate, 1)}"
    elif percent(previous, 1) == percent(rate, 1):
        movement = "unchanged"
        text = f"{head} remains at {percent(rate, 1)}, as in {month_label(month - 1)}"
    else:
        movement = "up" if rate > previous else "down"
        text = f"{head} was {percent(rate, 1)}, {movement} from {percent(previous, 1)} in {month_label(month - 1)}"
    caution = bool(row[CAUTION]) if not is_missing(row[CAUTION]) else False
    if caution:
        text += (f", although caution is advised: with n={n:,} offences, its 95% interval runs from "
                 f"{percent(float(row[LO]), 1)} to {percent(float(row[HI]), 1)}")
    text += "."
    over = bool(row[OVER_100]) if not is_missing(row[OVER_100]) else False
    if over:
        text += " More outcomes than offences were recorded, as outcomes can relate to offences recorded earlier."
    facts = {"rate": rate, "n": n, "outcomes": int(row[OUTCOMES_N]),
             "lo": float(row[LO]), "hi": float(row[HI]), "caution": caution, "window": window, "over_100": over,
             "previous_rate": previous, "movement": movement}
    return make_statement("outcome_rate", force, measure, month, text, facts, area=area, id=id)


def satisfaction_statement(rolling: pd.DataFrame, force: str, survey: str, month: object, *, window: int = SATISFACTION_WINDOW,
                           label: str | None = None, min_run: int = 3, measure: str = SATISFACTION_MEASURE,
                           id: str | None = None) -> Statement:
    """The rolling ``window``-month satisfaction rate (whole percentage) against its target, and its run (S9).

    ``rolling``: ``satisfaction.rolling_rate(survey, window, target)`` (``rate``, ``lo``, ``hi``, ``target``,
    ``target_label``, ``run_length``, ``run_direction``). A run of at least ``min_run`` months is described from
    the rolling rate ``run_length`` months earlier ("from a high of ..." for a fall, "from a low of ..." for a
    rise). ``label`` defaults to the survey id without a "da_" prefix ("whole experience satisfaction").

    Example: "In June 2023, the rolling 6-month 'whole experience satisfaction' rate stood at 77%, below the
    target of 80%. It has fallen for the last six months, from a high of 83% in December 2022."
    """
    month = to_month(month)
    series = select_rows(rolling, "rolling rate", force=force, survey=survey).copy()
    series[schema.MONTH] = month_column(series)
    series = series.set_index(schema.MONTH).sort_index()
    if month not in series.index:
        raise InputError(f"no rolling rate for {force}, {survey}, {month}", file="rolling rate")
    row = series.loc[month]
    label = label or survey.removeprefix("da_").replace("_", " ") + " satisfaction"
    rate = float(row[RATE])
    target = as_number(row[TARGET])
    decimals = 0  # one or two decimals where the whole percentages of the rate and the target would read the same
    while (decimals < 2 and math.isfinite(target) and rate != target
           and percent(rate, decimals) == percent(target, decimals)):
        decimals += 1
    text = f"In {month_label(month)}, the rolling {window}-month '{label}' rate stood at {percent(rate, decimals)}"
    target_label = None if is_missing(row[TARGET_LABEL]) else str(row[TARGET_LABEL])
    if math.isfinite(target) and target_label:
        if target_label in ("above", "below"):
            text += f", {target_label} the target of {percent(target)}"
        else:
            side = "below" if rate < target else "above" if rate > target else "at"
            text += (f", {side} the target of {percent(target)} but not significantly so (its 95% interval, "
                     f"{percent(float(row[LO]))} to {percent(float(row[HI]))}, includes the target)")
    text += "."
    run = int(row[RUN_LENGTH]) if not is_missing(row[RUN_LENGTH]) else 0
    direction = None if is_missing(row[RUN_DIRECTION]) else str(row[RUN_DIRECTION])
    facts: dict[str, object] = {"rate": rate, "lo": float(row[LO]), "hi": float(row[HI]), "target": target,
                                "target_label": target_label, "run_length": run, "run_direction": direction,
                                "responses": int(row["responses"])}
    if direction in ("falling", "rising") and run >= min_run:
        verb = "fallen" if direction == "falling" else "risen"
        text += f" It has {verb} for the last {count_words(run)} months"
        start = month - run
        if start in series.index:
            start_rate = float(series.loc[start, RATE])
            text += (f", from a {'high' if direction == 'falling' else 'low'} of {percent(start_rate)} in "
                     f"{month_label(start)}")
            facts.update({"run_start": start, "run_start_rate": start_rate})
        text += "."
    return make_statement("satisfaction", force, measure, month, text, facts, id=id)
