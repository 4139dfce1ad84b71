"""Workbooks (XLSX, ODS): every sheet as a grid labelled ``"<file> [<sheet>]"``, the zip parts checked against the
limits first (:func:`~ncpm.io.limits.check_member`), and an XLSX sheet's formulas when a cell the readers need is
blank. :class:`Workbook` opens one once: its first rows tell the format (``ncpm.io.detect``) and the reader takes
its grids from the same parse (issue 17: every workbook parsed once).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from functools import cache
from pathlib import Path

import pandas as pd

from ncpm.core.errors import InputError
from ncpm.io.grids import Grid, cell_text
from ncpm.io.limits import HEADER_SCAN_ROWS, check_member

EXCEL_SUFFIXES = {".xlsx": "openpyxl", ".xlsm": "openpyxl", ".ods": "odf"}
SHEET_LABEL = re.compile(r" \[([^\]]*)\]$")  # "<file> [<sheet>]": how a workbook sheet's grid is labelled


def sheet_label(path: object, sheet: str) -> str:
    """The label of one sheet's grid and results: ``"<file> [<sheet>]"`` (:data:`SHEET_LABEL` reads it back)."""
    return f"{path} [{sheet}]"


def check_workbook(path: Path) -> None:
    """:func:`check_member` for every part of an XLSX or ODS workbook (both are zip archives)."""
    try:
        with zipfile.ZipFile(path) as book:
            for info in book.infolist():
                check_member(info, str(path))
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the engine says what is wrong with it


def excel_grids(path: Path, book: object = None) -> list[Grid]:
    """Every sheet of an XLSX or ODS workbook as a grid (line = spreadsheet row number). ``book``: the XLSX as
    openpyxl opened it already (its parts checked: :class:`Workbook`), read from there instead of opened again."""
    engine = EXCEL_SUFFIXES[path.suffix.lower()]
    if book is None:
        check_workbook(path)
    try:
        sheets = pd.read_excel(path if book is None else book, sheet_name=None, header=None, dtype=object,
                               engine=engine)
    except ImportError as exc:
        raise InputError(f"reading {path.suffix} files needs an extra package ({exc}); "
                         "for ODS: pip install 'ncpm[ods]'", file=str(path)) from None
    except Exception as exc:  # a corrupt workbook: zipfile, XML and engine errors all land here
        raise InputError(f"cannot read the workbook ({type(exc).__name__}: {exc})", file=str(path)) from None
    grids = []
    for name, frame in sheets.items():
        cells = frame.map(cell_text).to_numpy().tolist() if len(frame) else []
        grids.append(Grid(sheet_label(path, name), cells, list(range(1, len(cells) + 1)), raw=frame,
                          sheet=(path, str(name)) if engine == "openpyxl" else None))
    if not any(any(c.strip() for c in row) for g in grids for row in g.rows):
        raise InputError("empty file (no cells in any sheet)", file=str(path))
    return grids


@cache
def sheet_formulas(path: Path, sheet: str, modified: int) -> dict[tuple[int, int], str]:
    """(row, column) -> formula of each formula cell of an XLSX sheet (1-based), read only when a cell the readers
    need is blank: a workbook written by a program (not Excel) stores formulas without their values. ``modified``
    (the file's mtime) keys the cache, so an edited workbook is read again."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        return {(c.row, c.column): c.value for row in book[sheet].iter_rows() for c in row
                if isinstance(getattr(c, "value", None), str) and c.value.startswith("=")}
    finally:
        book.close()


class Workbook:
    """A workbook opened once, to tell its format from its first rows and then to read it: an XLSX is streamed
    (openpyxl, read-only) and only the first :data:`~ncpm.io.limits.HEADER_SCAN_ROWS` rows of each sheet are read
    until a reader asks for more; an ODS is parsed whole by its engine anyway. A reader takes the rest from this
    same reading, so no workbook is parsed twice:

    - :meth:`grids`: the cells as text, an XLSX's rows streamed on from the first ones (the ONS reader's);
    - :meth:`typed_grids`: every sheet as :func:`excel_grids` reads it, typed cells kept (the extract and Home
      Office readers'), an XLSX from the workbook already open.
    """

    def __init__(self, path: Path) -> None:
        self.path, self.book, self.sheets = path, None, []
        self.parsed: list[Grid] | None = None  # excel_grids' reading (an ODS's at once)
        self.streamed: list[Grid] | None = None  # an XLSX's cells as text, streamed on from the first rows
        if EXCEL_SUFFIXES[path.suffix.lower()] != "openpyxl":
            self.parsed = self.streamed = excel_grids(path)
            self.first = [row for g in self.parsed for row in g.rows[:HEADER_SCAN_ROWS]]
            return
        import openpyxl

        check_workbook(path)
        try:
            self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for sheet in self.book.worksheets:
                sheet.reset_dimensions()  # trust the cells, not the size the file declares
                rows = sheet.iter_rows(values_only=True)
                head = [[cell_text(v) for v in r] for r in itertools.islice(rows, HEADER_SCAN_ROWS)]
                self.sheets.append((sheet.title, rows, head))
        except Exception as exc:  # a corrupt workbook: zipfile, XML and engine errors all land here
            self.close()
            raise InputError(f"cannot read the workbook ({type(exc).__name__}: {exc})", file=str(path)) from None
        self.first = [row for _, _, head in self.sheets for row in head]

    def grids(self) -> list[Grid]:
        """Every sheet's cells as text, an XLSX's streamed on from its first rows (trailing blank rows dropped)."""
        if self.streamed is None:
            self.streamed = []
            try:
                for title, rows, head in self.sheets:
                    cells = head + [[cell_text(v) for v in r] for r in rows]
                    while cells and not any(c.strip() for c in cells[-1]):
                        cells.pop()
                    self.streamed.append(Grid(sheet_label(self.path, title), cells,
                                              list(range(1, len(cells) + 1))))
            except Exception as exc:
                raise InputError(f"cannot read the workbook ({type(exc).__name__}: {exc})",
                                 file=str(self.path)) from None
            finally:
                self.close()
        return self.streamed

    def typed_grids(self) -> list[Grid]:
        """Every sheet as :func:`excel_grids` reads it; an XLSX from the workbook open since its first rows."""
        if self.parsed is None:
            try:
                self.parsed = excel_grids(self.path, book=self.book)
            finally:
                self.close()
        return self.parsed

    def close(self) -> None:
        if self.book is not None:
            self.book.close()
            self.book = None
