"""The report's small tables as cells: one rule for how a value appears, which the HTML and the Word renderings
(``report``, ``report_docx``) both draw.

A column heading is a heading cell (``<th>`` in HTML, bold in Word). A number has thousands separators and aligns
right; a missing value is blank; a short bracketed symbol such as disclosure control's marker "[c]" (the Government
Analysis Function's "Symbols in tables": [c] confidential) stands in for a number, so it aligns as one; anything else
is text, aligned left.

>>> cell(1250), cell("[c]")
(Cell(text='1,250', numeric=True, heading=False), Cell(text='[c]', numeric=True, heading=False))
>>> cell(float("nan")).text, cell("North").numeric
('', False)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

SYMBOL_LENGTH = 5  # a bracketed text this short ("[c]", "[x]", "[low]") is a symbol standing in for a number


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False  # aligned as a number (right)
    heading: bool = False  # a column heading


def missing(value: object) -> bool:
    """None, NaN, NA or NaT (a text is never missing, even when empty)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def cell(value: object) -> Cell:
    """A body cell for ``value``, by the rules above."""
    if missing(value):
        return Cell("")
    if isinstance(value, numbers.Number) and not isinstance(value, bool | np.bool_):
        return Cell(f"{value:,}", numeric=True)
    if isinstance(value, str) and len(value) <= SYMBOL_LENGTH and value.startswith("[") and value.endswith("]"):
        return Cell(value, numeric=True)
    return Cell(str(value))


def header(frame: pd.DataFrame) -> tuple[Cell, ...]:
    """The frame's column headings."""
    return tuple(Cell(str(c), heading=True) for c in frame.columns)


def rows(frame: pd.DataFrame) -> tuple[tuple[Cell, ...], ...]:
    """The frame's rows as body cells, in order (the index is not shown)."""
    return tuple(tuple(cell(v) for v in values) for values in frame.itertuples(index=False))
