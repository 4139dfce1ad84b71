"""Figures an ONS table does not give: the ONS symbols (``..``, ``:``, ``x``, ``[x]``, ``[c]``, ``[z]``, ``+`` ...)
are neither zero nor a reading error (see the package docstring, "Not available"). A row with some figures is loaded
and each missing figure noted, per force and column; a row with none is skipped (an expected rejection naming the
symbol) and noted too.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from ncpm.core import schema

if TYPE_CHECKING:  # annotations only: the area rows are read by ncpm.io.ons.areas, which uses NOT_AVAILABLE
    from ncpm.io.ons.areas import AreaRows

NOT_AVAILABLE_ROW = "no figure available"  # the start of the reason of a row skipped for want of any figure

#: ONS symbols for a figure that is not given (the tables' notes and the ONS symbols convention), by meaning
NOT_AVAILABLE = {"..": "not available", "...": "not available", ":": "not available", "x": "not available",
                 "[x]": "not available", "n/a": "not available", "[c]": "confidential", "[z]": "not applicable",
                 "+": "suppressed", "*": "suppressed"}


@dataclasses.dataclass
class Unavailable:
    """The cells of a table's value columns holding an ONS "not available" symbol."""

    columns: list[str]
    symbols: np.ndarray  # rows x columns, the cell text in lower case
    na: np.ndarray  # rows x columns, True where the cell is a symbol
    noted: np.ndarray  # rows that were not rejected before (regions, BTP, unknown forces are not noted)

    def notes(self, rows: AreaRows, what: str) -> list[str]:
        """One note per force: the columns whose figure is not available, or that it has none (row skipped).
        Rows rejected for another reason (an unreadable number) are listed as rejections, not noted."""
        out = []
        for p in np.flatnonzero(self.na.any(axis=1) & self.noted):
            force, line, area = rows.force.iloc[p], int(rows.table.lines[p]), rows.area.iloc[p]
            where = force if area == schema.WHOLE_FORCE else f"{force} ({area})"
            if self.na[p].all():
                s = self.symbols[p, 0]
                out.append(f"{where}, row {line}: no {what} available ({s!r}, {NOT_AVAILABLE[s]}); the row is "
                           "skipped, not loaded as zero")
            elif rows.checks.good[p]:
                cells = [f"{c!r} ({self.symbols[p, j]!r}, {NOT_AVAILABLE[self.symbols[p, j]]})"
                         for j, c in enumerate(self.columns) if self.na[p, j]]
                out.append(f"{where}, row {line}: {what} not available in {', '.join(cells)}; those cells are not "
                           "loaded (not as zero); the row's other figures are")
        return out


def find_not_available(rows: AreaRows, columns: list[str], what: str) -> Unavailable:
    """Find the "not available" cells; skip the rows with no figure at all (an expected rejection naming the
    symbol). The symbols are replaced by "0" for the number check only: the frame never holds those cells."""
    data, checks = rows.table.data, rows.checks
    symbols = np.column_stack([data[c].str.strip().str.lower().to_numpy(dtype=object) for c in columns])
    na = np.isin(symbols, list(NOT_AVAILABLE))
    found = Unavailable(columns, symbols, na, ~checks.bad)
    checks.reject(na.all(axis=1), None, np.array([f"{NOT_AVAILABLE_ROW}: every {what} is {s!r} "
                                                  f"({NOT_AVAILABLE.get(s, '')})" for s in symbols[:, 0]],
                                                 dtype=object))
    for j, c in enumerate(columns):
        data[c] = data[c].where(~na[:, j], "0")
    return found
