"""One statement of the report, :class:`Statement`: its text and the facts it was built from (measure, month,
numbers, labels), so that a report can print the text and a test can check the facts; :func:`to_frame` is the
table of statements a run stores. Every builder of :mod:`ncpm.words.statements` returns one, through
:func:`make_statement`, which gives it the seed report's id (S1-S9) and its measure's NCPM priority.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from ncpm.core import catalogue, schema
from ncpm.core.errors import ConfigError

# The seed report's statements S1-S9 (METHODS.md) by the measure they describe; other measures keep their id.
SEED_IDS = {
    "homicide": "S1", "firearms": "S2", "knife_crime": "S3", "violence_with_injury": "S4",
    "robbery_personal": "S5", "burglary_residential": "S6", "theft_from_person": "S7", "vehicle_crime": "S8",
    "da_satisfaction": "S9",
}

# The facts read back once a statement is built (ncpm.quarter.figures picks the report's figures from them), named
# once so that the builders and their readers use the same keys; every other fact is for the reader and the tests.
FACT_QUARTER = "quarter"  # the quarter's label ("Q1 2023/24"): quarter totals, profiles, forecasts, PRC quarters
FACT_COMPARISON = "comparison"  # against the 3-year average ("substantially above"): a month's volume, a PRC quarter
FACT_BASELINE_LABEL = "baseline_label"  # the quarter against the sum of its 3-year averages: quarter profiles
FACT_FORECAST_LABEL = "forecast_label"  # against the forecast: volume statements ("above the forecast"), profiles


@dataclass(frozen=True)
class Statement:
    """One statement of the report: its text and the facts it was built from.

    ``id`` is the seed report's statement ("S3") for the measure, else the measure id; ``kind`` names the builder
    ("volume", "change", ...); ``facts`` maps each number or label used to its value (read-only).
    """

    id: str
    priority: int
    measure: str
    month: pd.Period
    text: str
    kind: str
    force: str
    area: str = schema.WHOLE_FORCE
    facts: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))

    def as_record(self) -> dict[str, object]:
        """A flat dict: the fields, then the facts prefixed with ``fact_``."""
        out: dict[str, object] = {"id": self.id, "priority": self.priority, "kind": self.kind,
                                  schema.FORCE: self.force, schema.AREA: self.area, schema.MEASURE: self.measure,
                                  schema.MONTH: self.month, "text": self.text}
        out.update({f"fact_{k}": v for k, v in self.facts.items()})
        return out


def to_frame(statements: Iterable[Statement]) -> pd.DataFrame:
    """One row per statement: id, priority, kind, force, area, measure, month, text (facts stay on the objects)."""
    cols = ["id", "priority", "kind", schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH, "text"]
    rows = [{c: s.as_record()[c] for c in cols} for s in statements]
    return pd.DataFrame(rows, columns=cols)


def _priority(measure: str) -> int:
    try:
        return catalogue.measure(measure).priority
    except ConfigError:
        return 0


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA (and False for anything that is not a scalar missing value)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def optional(row: pd.Series, column: str) -> object | None:
    """The value of one of the optional result columns (:data:`ncpm.core.schema.OPTIONAL_RESULT_COLUMNS`) in a
    row: None when the frame has no such column or the value is missing. Any other column is read directly."""
    if column not in schema.OPTIONAL_RESULT_COLUMNS:
        raise KeyError(f"{column!r} is not an optional result column (ncpm.core.schema.OPTIONAL_RESULT_COLUMNS)")
    return None if column not in row.index or is_missing(row[column]) else row[column]


def as_number(value: object) -> float:
    """A value as a float, NaN when missing."""
    return float("nan") if is_missing(value) else float(value)


def make_statement(kind: str, force: str, measure: str, month: pd.Period, text: str, facts: dict,
                   *, area: str = schema.WHOLE_FORCE, id: str | None = None, priority: int | None = None) -> Statement:
    """A :class:`Statement` of ``kind``, with the seed report's id for its measure (else the measure id) and the
    measure's NCPM priority (0 for a measure the catalogue does not know), unless given."""
    return Statement(id=id or SEED_IDS.get(measure, measure), priority=_priority(measure) if priority is None
                     else priority, measure=measure, month=month, text=text, kind=kind, force=force, area=area,
                     facts=facts)
