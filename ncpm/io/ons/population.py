"""The mid-year population by force that ONS Table P3 prints beside its rates per 1,000, as a *population* frame;
the year is the "mid-YYYY" of the population column's header, else of the title, of the notes under the table, or of
another sheet that names one year only. Rates are not read: ncpm computes its own.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.io import LoadResult
from ncpm.io.grids import Grid
from ncpm.io.headers import clean_label
from ncpm.io.ons.areas import area_rows, mark_expected
from ncpm.io.ons.labels import label
from ncpm.io.ons.layout import FORMAT, Layout, cell
from ncpm.io.ons.unavailable import find_not_available
from ncpm.io.rows import accounting

POPULATION_YEAR = re.compile(r"\bmid[-\s]?(\d{4})", re.I)
ROUNDED_TO = re.compile(r"rounded\s+to\s+(?:the\s+nearest\s+)?(\d[\d,]*)", re.I)


def population_year(lay: Layout, col: int, grids: list[Grid]) -> tuple[int, str | None]:
    """The "mid-YYYY" of the populations: in the column's header cells, else the title, else the notes under the
    table, else the one year named in the workbook's other sheets (a Notes sheet: "[note 3] ... mid-2021
    population estimates"), which the returned text names."""
    grid = lay.grid
    own = [lay.header[col], *(cell(r, col) for r in grid.rows[:lay.header_row]),
           *(c for r in lay.title_rows for c in r), *(cell(r, 0) for r in grid.rows[lay.first_data:])]
    for text in own:
        if m := POPULATION_YEAR.search(clean_label(text)):
            return int(m[1]), None
    found = {int(m[1]): g.file for g in grids if g is not grid for r in g.rows for c in r
             if (m := POPULATION_YEAR.search(str(c)))}
    if len(found) == 1:
        year, where = next(iter(found.items()))
        return year, f"the year of the populations (mid-{year}) is taken from {where}"
    seen = f"; the other sheets name {', '.join(f'mid-{y}' for y in sorted(found))}" if found else ""
    raise InputError(f"cannot find the year of the populations in column {clean_label(lay.header[col])!r} or the "
                     f"title (expected e.g. 'mid-2016'){seen}", file=grid.file, column=clean_label(lay.header[col]))


def read_population(lay: Layout, grids: list[Grid]) -> LoadResult:
    col = lay.population_col()
    name = lay.header[col]
    raw = clean_label(lay.grid.rows[lay.header_row][col]) if col < len(lay.grid.rows[lay.header_row]) else name
    year, where = population_year(lay, col, grids)
    rows = area_rows(lay, [name])
    unavailable = find_not_available(rows, [name], "population")
    checks = rows.checks
    values = checks.count(name)
    checks.dedupe({schema.FORCE: rows.force}, {schema.POPULATION: values})
    notes = unavailable.notes(rows, "population")
    keep = checks.good
    frame = pd.DataFrame({schema.FORCE: rows.force.to_numpy(dtype=object)[keep],
                          schema.YEAR: np.full(int(keep.sum()), year, dtype=np.int64),
                          schema.POPULATION: values[keep]})
    frame = schema.canonical(frame, schema.POPULATIONS)
    texts = [raw, *(c for r in lay.grid.rows for c in r[:1])]
    rounded = next((m[1] for t in texts if (m := ROUNDED_TO.search(clean_label(t)))), None)
    if rounded:
        notes.insert(0, f"mid-{year} populations as the source prints them, rounded to the nearest {rounded} "
                        f"(column {label(raw)!r})")
    notes[:0] = [where] if where else []
    rows_in, rejected = accounting(rows.table, rows.rejected, checks)
    return LoadResult(lay.grid.file, FORMAT, schema.POPULATIONS.name, frame, rows_in, mark_expected(rejected),
                      notes=notes)
