"""Which sheet of an ONS workbook holds which table, chosen by content, never by name or position (see the package
docstring, "Sheets"): the counts table (P1 or C2) has the area header, a title that speaks of neither rates nor
percentage changes, no population column and the most catalogue offence groups; the population table (P3) has a
population column. A CSV is one sheet.
"""

from __future__ import annotations

import re
from pathlib import Path

from ncpm.core.errors import InputError
from ncpm.io.grids import Grid, first_row
from ncpm.io.headers import find_header, match_columns
from ncpm.io.ons.layout import CSP_REQUIRED, REQUIRED, Layout, find_layout, offence_groups, title_of

NOT_COUNTS_TITLE = re.compile(r"\b(rates?|percentages?|compared\s+with)\b", re.I)  # P2 (change), P3 (rates)


def choose_tables(grids: list[Grid], path: Path) -> tuple[Layout | None, Layout | None]:
    """The counts table (P1 or C2) and the population table (P3) among the sheets, chosen by content."""
    layouts = [lay for g in grids if (lay := find_layout(g)) is not None]
    if not layouts:
        for grid in grids:
            for required in (CSP_REQUIRED, REQUIRED):
                row = find_header(grid, required)
                if row is not None:  # names what is missing, with a suggestion
                    match_columns(grid.rows[row], required, file=grid.file)
        grid, row = first_row(grids)
        match_columns(grid.rows[row], REQUIRED, file=grid.file)
        raise InputError("no 'Area Code, Area Name' header row", file=str(path))
    population = next((lay for lay in layouts if lay.population_col() is not None), None)
    counts = [lay for lay in layouts if lay.population_col() is None]
    if len(grids) > 1:  # a workbook: the counts table among tables of changes, rates, knife crime, ASB ...
        counts = sorted((lay for lay in counts if not NOT_COUNTS_TITLE.search(title_of(lay)) and offence_groups(lay)),
                        key=offence_groups, reverse=True)
    return (counts[0] if counts else None), population


def choice_notes(chosen: Layout, grids: list[Grid]) -> list[str]:
    """A note when more than one sheet could have been the counts table (the others are named)."""
    others = [lay.grid.file for g in grids if g is not chosen.grid and (lay := find_layout(g)) is not None
              and lay.population_col() is None and not NOT_COUNTS_TITLE.search(title_of(lay))
              and offence_groups(lay) == offence_groups(chosen)]
    return [f"read the counts from {chosen.grid.file}; {', '.join(others)} also "
            f"{'has' if len(others) == 1 else 'have'} a table of the same offence groups"] if others else []
