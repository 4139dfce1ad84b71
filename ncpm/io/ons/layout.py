"""The header of an ONS police force area table, read over its rows (see the package docstring, "Headers over
several rows"): the matched header row (Tables P1 and P3: ``Area Code, Area Name``; Table C2: the Police Force Area
and Community Safety Partnership codes and names), the rows just above it that label a value column, the rows
between it and the first area row (units, label ends); a column with no label at all is a spacer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ncpm.core.catalogue import measure_for_ons_group
from ncpm.io.grids import Grid
from ncpm.io.headers import clean_label, find_header, header_key
from ncpm.io.ons.labels import label

FORMAT = "ons_pfa_table"
REQUIRED = ("Area Code", "Area Name")  # Tables P1 and P3
CSP_REQUIRED = ("Police Force Area code", "Police Force Area name", "Community Safety Partnership code",
                "Community Safety Partnership name")  # Table C2
CSP_DESCRIPTIVE = ("Local Authority code", "Local Authority name")
POPULATION_HEADER = re.compile(r"\bpopulation\b", re.I)
RATE_HEADER = re.compile(r"\b(rates?|per)\b", re.I)
_NUMBER = re.compile(r"^-?[\d,]*\d(\.\d+)?$")


def cell(row: Sequence[str], i: int) -> str:
    return str(row[i]) if i < len(row) else ""


@dataclasses.dataclass
class Layout:
    """One table in a grid: its header row, required columns, the header as combined over its rows, the value
    columns and where the data rows start."""

    grid: Grid
    header_row: int
    required: tuple[str, ...]
    header: list[str]
    key_cols: set[int]
    value_cols: list[int]
    first_data: int

    @property
    def title_rows(self) -> list[list[str]]:
        return self.grid.rows[:self.header_row]

    @property
    def labels(self) -> list[str]:
        return [self.header[i] for i in self.value_cols]

    def population_col(self) -> int | None:
        """The column of mid-year populations ("Population figures (mid-2016) rounded to 100"), not of rates."""
        return next((i for i in self.value_cols if POPULATION_HEADER.search(self.header[i])
                     and not RATE_HEADER.search(self.header[i])), None)


def _continues(text: str) -> bool:
    """A header cell that carries on the label above it: "(excluding fraud)", "burglary"."""
    return text[:1].islower() or text[:1] == "("


def combine_header(grid: Grid, header_row: int, required: tuple[str, ...]) -> Layout:
    """Combine the header rows of the table whose matched header is ``header_row`` (see the module docstring)."""
    header = grid.rows[header_row]
    keys = {header_key(n) for n in (*required, *(CSP_DESCRIPTIVE if required == CSP_REQUIRED else ()))}
    key_cols = {i for i, c in enumerate(header) if header_key(c) in keys}
    above = []  # header rows above the matched one, nearest first
    for row in reversed(grid.rows[:header_row]):
        if not any(str(c).strip() for i, c in enumerate(row) if i not in key_cols):
            break
        above.append(row)
    first = header_row + 1  # rows below it with no area and no number: units ("Numbers") or label ends
    while first < len(grid.rows) and not any(cell(grid.rows[first], i).strip() for i in key_cols) and \
            not any(_NUMBER.match(str(c).strip()) for c in grid.rows[first]):
        first += 1
    below = grid.rows[header_row + 1:first]
    width = max(len(r) for r in (header, *above, *below))
    combined = []
    for i in range(width):
        if i in key_cols:
            combined.append(cell(header, i))
            continue
        text = label(cell(header, i))
        upper = next((t for r in above if (t := label(cell(r, i)))), "")
        if not text or (upper and _continues(text)):
            text = f"{upper} {text}".strip()
        for r in below:
            more = label(cell(r, i))
            if text and more and _continues(more):
                text = f"{text} {more}"
        combined.append(text)
    value_cols = [i for i, c in enumerate(combined) if c and i not in key_cols]
    return Layout(grid, header_row, required, combined, key_cols, value_cols, first)


def find_layout(grid: Grid) -> Layout | None:
    """The table of ``grid`` if its header names the columns of Table C2 (all but one may be misspelt: the
    reader then says which) or both columns of Tables P1/P3."""
    for required, least in ((CSP_REQUIRED, len(CSP_REQUIRED) - 1), (REQUIRED, len(REQUIRED))):
        row = find_header(grid, required)
        if row is not None and len({header_key(n) for n in required}
                                   & {header_key(c) for c in grid.rows[row]}) >= least:
            return combine_header(grid, row, required)
    return None


def title_of(lay: Layout) -> str:
    """The table's title: the first non-blank row of the sheet (notes and header rows below it are not read)."""
    return next((" ".join(t for c in r if (t := clean_label(c))) for r in lay.title_rows
                 if any(str(c).strip() for c in r)), "")


def offence_groups(lay: Layout) -> int:
    """How many of the table's columns are catalogue offence groups."""
    return sum(measure_for_ons_group(t) is not None for t in lay.labels)
