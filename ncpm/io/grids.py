"""A grid: the cells of one CSV file or one spreadsheet sheet as text, each row with the 1-based line it starts on;
what every reader reads a table from (:mod:`ncpm.io.csvtext` and :mod:`ncpm.io.workbooks` make them).

A workbook's typed cell is written as the text a person reads in it:

>>> cell_text(1204.0), cell_text(dt.datetime(2023, 5, 1)), cell_text(None)
('1204', '2023-05-01', '')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.core.errors import InputError


@dataclass
class Grid:
    """The cells of one CSV file or spreadsheet sheet as text, with the 1-based line (row) each row starts on."""

    file: str
    rows: list[list[str]]
    lines: list[int]
    raw: pd.DataFrame | None = None  # a sheet's cells as the workbook typed them (a number cell is int or float)
    sheet: tuple[Path, str] | None = None  # (workbook, sheet name) of an XLSX sheet: where formulas are looked up


def cell_text(value: object) -> str:
    """A cell as text: blank for none, a whole float without ".0", a date as YYYY-MM-DD."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_blank(row: Sequence[str]) -> bool:
    """Whether every cell of ``row`` is blank."""
    return not any(str(c).strip() for c in row)


def first_row(grids: Sequence[Grid]) -> tuple[Grid, int]:
    """The first non-blank row of the first non-empty grid (what is reported as "found" when no header matches)."""
    for grid in grids:
        for i, row in enumerate(grid.rows):
            if not is_blank(row):
                return grid, i
    raise InputError("empty file", file=grids[0].file if grids else None)
