"""One force-quarter's results in memory (:class:`QuarterResults`): the month and quarter reported, the options, the
result tables by name (``ncpm.quarter.tables``), the statements, the notes, and what the report covers and leaves
out (``ncpm.quarter.coverage``).

The result tables are collected in :class:`ResultTables`, which checks each table's columns against its result spec
(``ncpm.quarter.tables.RESULT_SPECS``, ``ncpm.core.schema.check_result``) as it is put in: every stage of the quarter
(and the pipeline, storing or reusing them) puts its tables there, so a table that drifts from its spec fails where it
is made, not in the statement that reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ncpm.core import schema
from ncpm.core.periods import FyQuarter
from ncpm.quarter.options import QuarterOptions
from ncpm.quarter.tables import RESULT_SPECS
from ncpm.words.statements import Statement

if TYPE_CHECKING:
    from ncpm.quarter.coverage import Omission


class ResultTables(dict[str, pd.DataFrame]):
    """The result tables by name: a table of a name with a result spec is checked as it is put in (a RuntimeError
    naming the table and the missing, extra or misordered columns: ncpm's bug); a table of another name (the
    pipeline's own, such as its copy of the volumes used) is kept as it is."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()
        self.update(*args, **kwargs)

    def __setitem__(self, name: str, table: pd.DataFrame) -> None:
        spec = RESULT_SPECS.get(name)
        if spec is not None:
            schema.check_result(table, spec, where=f"tables[{name!r}]")
        super().__setitem__(name, table)

    def update(self, *args, **kwargs) -> None:
        for name, table in dict(*args, **kwargs).items():
            self[name] = table

    def setdefault(self, name: str, table: pd.DataFrame | None = None) -> pd.DataFrame:
        if name not in self:
            self[name] = table
        return self[name]

    def __ior__(self, other) -> ResultTables:
        self.update(other)
        return self


@dataclass
class QuarterResults:
    force: str
    month: pd.Period
    quarter: FyQuarter
    options: QuarterOptions
    # checked as they are put in; a plain dict given here is kept as it is (ncpm.load_run reads back the tables of
    # a finished run, which may be an earlier version's)
    tables: dict[str, pd.DataFrame] = field(default_factory=ResultTables)
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
