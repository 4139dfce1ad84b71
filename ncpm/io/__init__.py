"""Readers and writers: the only package in ncpm that touches files.

Every reader returns a :class:`LoadResult`: the canonical frame, the rows it rejected (each naming file, line and
column) and the row accounting ``rows_in == rows_loaded + rows_rejected + rows_skipped + rows_summed``. Nothing is
dropped silently: a skipped row (a region total, a non-force body) is listed like a rejection, and a row summed into
another (a Home Office table's repeated key) is counted.
For police.uk files a "row" is one crime record; the frame holds their monthly counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: importing ncpm.io (the run lock, the manifest) does not load pandas
    import pandas as pd


@dataclass(frozen=True)
class Rejection:
    """One input row that was not loaded, and why. ``line`` is the 1-based line in the file (header = 1).

    ``expected`` marks a row the format holds by design and ncpm does not load (an ONS table's region and national
    totals, British Transport Police): it is reported and counted like any rejection, but it is not an input problem.
    """

    file: str
    line: int | None
    column: str | None
    reason: str
    expected: bool = False

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"row {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"


@dataclass
class LoadResult:
    """What a reader made of one file (or one archive member set): frame, rejections and row accounting."""

    file: str
    format: str
    kind: str  # a name in ncpm.core.schema.SPECS: volumes, outcomes, survey, population, msg, quarterly, period_counts
    frame: pd.DataFrame
    rows_in: int
    rejected: list[Rejection] = field(default_factory=list)
    #: input rows added into another loaded row with the same key ("4 rows summed into 1" counts 3 here)
    summed: int = 0
    #: what a reader says about rows it loaded: published adjustments, cells not available, typed codes
    notes: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """Every row not loaded: the problems and the rows skipped by design (``expected``)."""
        return len(self.rejected)

    @property
    def rows_skipped(self) -> int:
        """Rows the format holds by design and ncpm does not load (region totals, non-force bodies)."""
        return len(self.rejected) - len(self.problems)

    @property
    def problems(self) -> list[Rejection]:
        """The rejections that are input problems (every rejection but the ``expected`` ones)."""
        return [r for r in self.rejected if not r.expected]

    @property
    def rows_loaded(self) -> int:
        """Rows that became (or were summed into) a row of the frame: ``rows_in - rows_rejected - rows_summed``."""
        return self.rows_in - len(self.rejected) - self.summed
