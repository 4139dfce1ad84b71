"""Reading one force-quarter's result tables: a measure's whole-force rows, one value, whether a forecast or a
breakdown by area exists, and which measures the data hold, each by one rule that compute, coverage, statements,
figures and the summary table share. Rows are picked with :func:`ncpm.methods.series.select_rows`.

>>> import pandas as pd
>>> v = pd.DataFrame({"area": ["Force", "Rugby", "No location"], "measure": "burglary", "count": [3, 2, 1]})
>>> sorted(present_measures(v)), len(located(v))
(['burglary'], 2)
"""

from __future__ import annotations

import pandas as pd

from ncpm.core import schema
from ncpm.methods.series import NO_LOCATION, select_rows


def force_rows(frame: pd.DataFrame, measure: str, month: object = None) -> pd.DataFrame:
    """The whole-force rows of ``measure`` (at ``month`` when given)."""
    return select_rows(frame, "results", area=schema.WHOLE_FORCE, measure=measure, month=month)


def force_value(frame: pd.DataFrame | None, measure: str, month: pd.Period, column: str) -> object:
    """``column`` of the force-level row of ``measure`` at ``month`` (None when there is no such row)."""
    if frame is None or frame.empty or column not in frame.columns:
        return None
    rows = force_rows(frame, measure, month)
    return None if rows.empty else rows.iloc[0][column]


def present_measures(volumes: pd.DataFrame) -> set[str]:
    """The measures the data hold: those with a whole-force count (the rule coverage and the statements share)."""
    whole = (volumes[schema.AREA].astype(str) == schema.WHOLE_FORCE).to_numpy()
    return set(volumes.loc[whole, schema.MEASURE].astype(str))


def located(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a real area: police.uk records without a location (area "No location") are counted in the force
    and in the tables but never named as an area in a statement."""
    if schema.AREA not in frame.columns:
        return frame
    return frame[(frame[schema.AREA].astype(str) != NO_LOCATION).to_numpy()]


def area_rows(frame: pd.DataFrame, measure: str, month: object = None) -> pd.DataFrame:
    """The rows of ``measure`` by real area (not the force, not police.uk's "No location"), at ``month`` if given."""
    rows = located(select_rows(frame, "results", measure=measure, month=month))
    return rows[(rows[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()]


def has_lpas(volumes: pd.DataFrame, measure: str) -> bool:
    """Whether the measure has rows of a real area (not the force, not police.uk's "No location")."""
    return not area_rows(volumes, measure).empty


def has_forecast(frame: pd.DataFrame | None, measure: str) -> bool:
    """Whether ``frame`` (a forecast table) has a whole-force forecast of ``measure`` for every month it covers."""
    if frame is None or frame.empty:
        return False
    rows = force_rows(frame, measure)
    return bool(len(rows)) and bool(rows[schema.MEAN].notna().all())


def months_before(volumes: pd.DataFrame, measure: str, month: pd.Period) -> int:
    """How many months of whole-force counts of ``measure`` the data hold before ``month``."""
    rows = force_rows(volumes, measure)
    return int(rows.loc[(rows[schema.MONTH] < month).to_numpy(), schema.MONTH].nunique())
