"""One force-quarter's results in memory (:class:`QuarterResults`): the month and quarter reported, the options, the
result tables by name (``ncpm.quarter.tables``), the statements, the notes, and what the report covers and leaves
out (``ncpm.quarter.coverage``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ncpm.core.periods import FyQuarter
from ncpm.quarter.options import QuarterOptions
from ncpm.words.statements import Statement

if TYPE_CHECKING:
    from ncpm.quarter.coverage import Omission


@dataclass
class QuarterResults:
    force: str
    month: pd.Period
    quarter: FyQuarter
    options: QuarterOptions
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    period_notes: list[str] = field(default_factory=list)  # those of ``notes`` on the ONS period tables, in order
    all_volumes: pd.DataFrame | None = field(default=None, repr=False)  # every force, validated once
    reported: list[str] | None = None  # the NCPM measures the report covers, in catalogue order (see coverage)
    omitted: list[Omission] = field(default_factory=list)  # what it does not give, and why (see coverage)

    def statement_texts(self, measure: str | None = None) -> list[str]:
        return [s.text for s in self.statements if measure is None or s.measure == measure]

    @property
    def outcome_month(self) -> pd.Period:
        """The month 'action taken' rates are reported for: ``options.outcome_lag`` months behind the latest."""
        return self.month - self.options.outcome_lag
