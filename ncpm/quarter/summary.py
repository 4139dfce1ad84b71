"""The report's summary table: one row per measure the report covers (``ncpm.quarter.coverage``), with the latest
month's count, the 3-year average and the comparison, the rank in 12 months, the quarter's total and the 'action
taken' rate; a survey measure gives its rolling rate against the target instead."""

from __future__ import annotations

import math

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import SATISFACTION_MEASURE, priorities
from ncpm.core.catalogue import label as catalogue_label
from ncpm.core.catalogue import measure as catalogue_measure
from ncpm.core.catalogue import measures as catalogue_measures
from ncpm.methods.series import select_rows
from ncpm.quarter import tables as T
from ncpm.quarter.coverage import ensure_coverage
from ncpm.quarter.lookup import force_value
from ncpm.quarter.results import QuarterResults
from ncpm.words.style import percent


def _survey_rows(res: QuarterResults) -> list[dict[str, object]]:
    """The summary rows of the survey measures the report covers: the rolling rate at the latest month (whole
    percentage) and how it stands against the target ("below the 80% target")."""
    rolling = res.tables.get(T.SATISFACTION)
    if rolling is None or SATISFACTION_MEASURE not in ensure_coverage(res):
        return []
    rows = select_rows(rolling, "satisfaction", force=res.force, survey=res.options.survey, month=res.month)
    if rows.empty or pd.isna(rows[schema.RATE].iloc[0]):
        return []
    r = rows.iloc[0]
    info = catalogue_measure(SATISFACTION_MEASURE)
    target, label = r[schema.TARGET], r[schema.TARGET_LABEL]
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
    latest = select_rows(t[T.BASELINE], "baseline", area=schema.WHOLE_FORCE, month=res.month)
    latest = latest[latest[schema.MEASURE].isin(ensure_coverage(res)).to_numpy()]  # the measures covered, no other
    ranks = select_rows(t[T.RANKS_YEAR.name], "ranks", area=schema.WHOLE_FORCE, month=res.month)
    quarters = select_rows(t[T.QUARTERS], "quarters", area=schema.WHOLE_FORCE, quarter=str(res.quarter))
    outcome_month = res.outcome_month
    rows = []
    for _, r in latest.iterrows():
        info = catalogue_measure(r[schema.MEASURE])
        rank = ranks.loc[ranks[schema.MEASURE] == r[schema.MEASURE], schema.RANK_LABEL]
        qt = quarters.loc[quarters[schema.MEASURE] == r[schema.MEASURE], schema.COUNT]
        row = {"Priority": info.priority, "NCPM priority": priorities()[info.priority],
               "Measure": catalogue_label(r[schema.MEASURE], capital=True),
               str(res.month.strftime("%b %Y")): int(r[schema.COUNT]),
               "3-year average": None if pd.isna(r[schema.BASELINE]) else round(float(r[schema.BASELINE]), 1),
               "Compared with the 3-year average": r[schema.COMPARISON] if isinstance(r[schema.COMPARISON], str) else "",
               "In the last 12 months": rank.iloc[0] if len(rank) and isinstance(rank.iloc[0], str) else "",
               str(res.quarter): int(qt.iloc[0]) if len(qt) else None}
        if T.OUTCOMES_MONTH.name in t:
            rate = force_value(t[T.OUTCOMES_MONTH.name], r[schema.MEASURE], outcome_month, schema.RATE)
            rate = math.nan if rate is None else rate
            row[f"Action taken, {outcome_month.strftime('%b %Y')}"] = "" if pd.isna(rate) else percent(rate, 1)
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
