"""Tables: the rows of a file under its matched header, as canonical column name -> text, each row with its line
(and its sheet, when a workbook's sheets are read as one table). A row wider than its header is rejected, a
narrower one padded with blanks (the row checks of :mod:`ncpm.io.rows` then reject blank required values).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.core.errors import InputError
from ncpm.io import Rejection
from ncpm.io.csvtext import csv_grid
from ncpm.io.grids import Grid, first_row, is_blank
from ncpm.io.headers import clean_label, find_header, match_columns
from ncpm.io.limits import TABLE_BYTES
from ncpm.io.workbooks import EXCEL_SUFFIXES, excel_grids, sheet_formulas


def read_grids(path: Path, *, encoding: str | None = None, limit: int = TABLE_BYTES,
               limit_name: str = "TABLE_BYTES") -> list[Grid]:
    """A CSV file (one grid, at most ``limit`` bytes: the refusal names ``limit_name``) or a workbook (one grid per
    sheet)."""
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return excel_grids(path)
    return [csv_grid(path, encoding=encoding, limit=limit, limit_name=limit_name)]


@dataclass
class Table:
    """Data rows under a matched header: canonical column name -> text values (stripped, blank = "")."""

    file: str
    data: pd.DataFrame
    lines: np.ndarray
    names: dict[str, str]  # canonical name -> the header cell as written in the file (for messages)
    labels: np.ndarray | None = None  # per-row file label when rows come from several sheets
    #: (row position, canonical column) -> the formula of a blank cell: a formula Excel never computed and saved
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.data)

    def label(self, pos: int) -> str:
        return self.file if self.labels is None else str(self.labels[pos])


def grid_table(grid: Grid, header_row: int, required: Sequence[str], optional: Sequence[str] = (),
               extra: Sequence[int] = ()) -> tuple[Table, list[Rejection]]:
    """The data rows of ``grid`` below ``header_row`` as a :class:`Table` of the matched (and ``extra``) columns.

    Rows with more non-blank cells than the header are rejected; rows with fewer are padded with blanks (the
    checks then reject blank required values). Blank rows are skipped.
    """
    header = grid.rows[header_row]
    where = match_columns(header, required, optional, file=grid.file)
    for i in extra:
        where.setdefault(clean_label(header[i]), i)
    width = max((i for i, c in enumerate(header) if str(c).strip()), default=-1) + 1
    kept, lines, rejected = [], [], []
    for row, line in zip(grid.rows[header_row + 1:], grid.lines[header_row + 1:], strict=True):
        if is_blank(row):
            continue
        if any(str(c).strip() for c in row[width:]):
            n = max(i for i, c in enumerate(row) if str(c).strip()) + 1
            rejected.append(Rejection(grid.file, line, None, f"{n} fields but the header has {width}"))
            continue
        kept.append(row)
        lines.append(line)
    data = {name: [str(r[i]).strip() if i < len(r) else "" for r in kept] for name, i in where.items()}
    frame = pd.DataFrame(data, columns=list(where), dtype=object)
    names = {name: clean_label(header[i]) for name, i in where.items()}
    formulas = {}
    if grid.sheet is not None and any("" in v for v in data.values()):
        found = sheet_formulas(*grid.sheet, grid.sheet[0].stat().st_mtime_ns)
        formulas = {(pos, name): found[(line, i + 1)] for name, i in where.items()
                    for pos, (line, v) in enumerate(zip(lines, data[name], strict=True))
                    if v == "" and (line, i + 1) in found}
    return Table(grid.file, frame, np.asarray(lines, dtype=np.int64), names, formulas=formulas), rejected


def concat_tables(tables: Sequence[Table], file: str) -> Table:
    """One table from several (the sheets of a workbook), remembering each row's sheet for messages."""
    if len(tables) == 1:
        return tables[0]
    offsets = np.cumsum([0, *(len(t) for t in tables)])
    formulas = {(pos + int(o), name): f for t, o in zip(tables, offsets, strict=False)
                for (pos, name), f in t.formulas.items()}
    return Table(file, pd.concat([t.data for t in tables], ignore_index=True),
                 np.concatenate([t.lines for t in tables]), dict(tables[0].names),
                 np.concatenate([np.full(len(t), t.file, dtype=object) for t in tables]), formulas)


def read_table(path: Path, required: Sequence[str], optional: Sequence[str] = (), *, encoding: str | None = None,
               grids: list[Grid] | None = None) -> tuple[Table, list[Rejection]]:
    """The rows of a tidy table (CSV, or every sheet of a workbook whose header matches) under one header.

    The header may sit below title rows. When no sheet has a matching header the missing-column error names the
    columns of the first non-blank row. A header with no data rows below it is an error.
    """
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    tables, rejected = [], []
    for grid in grids:
        row = find_header(grid, required)
        if row is not None:
            table, bad = grid_table(grid, row, required, optional)
            tables.append(table)
            rejected.extend(bad)
    if not tables:
        grid, row = first_row(grids)
        match_columns(grid.rows[row], required, optional, file=grid.file)
        raise InputError(f"no header row with the columns {', '.join(required)}", file=str(path))
    if not sum(len(t) for t in tables) and not rejected:
        raise InputError("no data rows below the header", file=str(path))
    return concat_tables(tables, str(path)), rejected
