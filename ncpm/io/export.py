"""Exports for analysts who use Excel: CSV and XLSX, safe against formula injection and written atomically.

CSV injection (OWASP, "CSV Injection"): a spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return as a formula, so a crafted area or offence name such as ``=HYPERLINK(...)`` could run when
an analyst opens the file. Every *text* cell, column headers included, that starts with one of these characters
(or their full-width forms, which some Excel input locales turn into formulas) gets a single quote in front, as
OWASP recommends. Numbers stored as numbers are left alone: ``-3`` in a numeric column is a number, not a formula.

Other rules: months are written as "YYYY-MM"; when a disclosure policy is given it is applied first (see
:mod:`ncpm.methods.disclosure`) and suppressed cells are written as its marker ("[c]"); the file appears complete or not
at all (:func:`ncpm.io.atomic.atomic_write`: a temporary file in the same folder, moved into place with
``os.replace``). CSV files are UTF-8 with a byte-order mark so that Excel reads accented place names correctly.

>>> import tempfile, pandas as pd
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "table.csv"
>>> _ = export_table(pd.DataFrame({"area": ["=1+1"], "count": [-3]}), path)
>>> path.read_text(encoding="utf-8-sig").splitlines()
['area,count', "'=1+1,-3"]
"""

from __future__ import annotations

import csv
import datetime as dt
import numbers
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.io.atomic import atomic_write

# OWASP "CSV Injection": the leading characters that make a spreadsheet evaluate a cell
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20), treated alike as a precaution
FULL_WIDTH_TRIGGERS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
ESCAPE = "'"
FORMATS = ("csv", "xlsx")
CSV_ENCODING = "utf-8-sig"  # the byte-order mark tells Excel the file is UTF-8
EXCEL_MAX_ROWS = 1_048_576  # Excel's worksheet limit, header row included
EXCEL_MAX_COLUMNS = 16_384


def neutralise_cell(value: Any) -> Any:
    """The value, with a single quote in front if it is text that a spreadsheet would run as a formula.

    >>> [neutralise_cell(v) for v in ["=SUM(A1)", "+44", "-x", "@cmd", "North", -3]]
    ["'=SUM(A1)", "'+44", "'-x", "'@cmd", 'North', -3]
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS + FULL_WIDTH_TRIGGERS):
        return ESCAPE + value
    return value


@dataclass(frozen=True)
class Export:
    """What :func:`export_table` wrote: the file, its format, rows and columns, and the disclosure result (or None)."""

    path: Path
    format: str
    rows: int
    columns: int
    protected: Any = None  # ncpm.methods.disclosure.ProtectedTable when a policy was applied


def _plain(value: Any) -> Any:
    """One cell as a plain Python value for a writer: None for missing, text for months and dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Period):
        return value.strftime("%Y-%m") if value.freqstr in ("M", "ME") else str(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return None if np.isnan(value) else float(value)
    return neutralise_cell(value if isinstance(value, str) else str(value))


def _column(values: pd.Series) -> list[Any]:
    """One column as plain Python values, converted a column at a time (fast paths for the common dtypes)."""
    dtype = values.dtype
    missing = values.isna().to_numpy()
    if isinstance(dtype, pd.PeriodDtype) and dtype.freq.freqstr in ("M", "ME"):
        out = values.dt.strftime("%Y-%m").tolist()
    elif pd.api.types.is_bool_dtype(dtype):
        out = [bool(v) if not m else None for v, m in zip(values.tolist(), missing, strict=True)]
    elif pd.api.types.is_integer_dtype(dtype):
        out = values.astype("float64").fillna(0).astype("int64").tolist()
    elif pd.api.types.is_float_dtype(dtype):
        out = values.astype("float64").tolist()
    elif isinstance(dtype, pd.StringDtype):  # text: neutralise the whole column at once
        text = values.fillna("")
        risky = text.str.startswith(FORMULA_TRIGGERS + FULL_WIDTH_TRIGGERS).to_numpy()
        out = (ESCAPE + text).where(risky, text).tolist() if risky.any() else text.tolist()
    else:
        return [_plain(v) for v in values.tolist()]
    return [None if m else v for v, m in zip(out, missing, strict=True)]


def _cells(frame: pd.DataFrame, marker: str | None, masked: tuple[str, ...]) -> tuple[list[Any], list[list[Any]]]:
    """The header and the columns as plain values, suppressed cells (policy flags) written as the marker."""
    header = [neutralise_cell(str(c)) for c in frame.columns]
    columns = [_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    if marker is not None and schema.FLAG in frame.columns:
        secret = frame[schema.FLAG].astype(str).isin(schema.SUPPRESSED).to_numpy()
        safe_marker = neutralise_cell(marker)
        for i, c in enumerate(frame.columns):
            if c in (schema.COUNT, *masked):
                columns[i] = [safe_marker if s and v is None else v for v, s in zip(columns[i], secret, strict=True)]
    return header, columns


def _write_csv(header: list[Any], columns: list[list[Any]], tmp: Path) -> None:
    with open(tmp, "w", encoding=CSV_ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(["" if c is None else c for c in row] for row in zip(*columns, strict=True))


# ------------------------------------------------------------------------------------------------------------ XLSX
# A workbook of one sheet, written as the Office Open XML parts it needs (ECMA-376 Part 1, SpreadsheetML: the
# content types, the package and workbook relationships, the workbook, one worksheet, minimal styles). Text is
# written as inline strings, so no shared-string table is kept in memory. Measured on 232k rows x 8 columns against
# openpyxl's write-only mode and XlsxWriter's constant-memory mode in one run: those take 1.4-1.7x less time than
# each other but about 10x more than this column-at-a-time writer (benchmarks/README.md).
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 cannot hold these
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'),
}
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _column_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": a spreadsheet's column name (bijective base 26 over A-Z)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, len(string.ascii_uppercase))
        letters = string.ascii_uppercase[rem] + letters
    return letters


def _xml_cells(values: list[Any], letter: str, first_row: int) -> list[str]:
    """One column's cells as SpreadsheetML ``<c>`` elements (numbers as values, text inline, missing as nothing)."""
    out = []
    for row, v in enumerate(values, start=first_row):
        if v is None:
            out.append("")
        elif isinstance(v, bool):
            out.append(f'<c r="{letter}{row}" t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, int | float):
            out.append(f'<c r="{letter}{row}"><v>{v!r}</v></c>' if v == v and abs(v) != float("inf")
                       else f'<c r="{letter}{row}" t="e"><v>#NUM!</v></c>')
        else:
            text = _ILLEGAL_XML.sub("\ufffd", str(v)).translate(_XML_ESCAPE)
            out.append(f'<c r="{letter}{row}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    return out


def _write_xlsx(header: list[Any], columns: list[list[Any]], tmp: Path, sheet: str) -> None:
    """Write the header and columns as an XLSX workbook with one sheet named ``sheet``, streamed into the zip."""
    import zipfile

    letters = [_column_letters(i) for i in range(len(header))]
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, xml in _PARTS.items():
            book.writestr(name, _XML_HEAD + xml)
        book.writestr("xl/workbook.xml", _XML_HEAD + (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            f'<sheet name="{sheet.translate(_XML_ESCAPE)}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((_XML_HEAD + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        '<sheetData>').encode())
            part.write(('<row r="1">' + "".join(_xml_cells([h], L, 1)[0] for h, L in zip(header, letters,
                                                                                        strict=True)) + "</row>").encode())
            chunk = 20_000  # rows per write: bounded memory whatever the table's length
            n = len(columns[0]) if columns else 0
            for start in range(0, n, chunk):
                cells = [_xml_cells(col[start:start + chunk], L, start + 2) for col, L in zip(columns, letters,
                                                                                               strict=True)]
                rows = (f'<row r="{start + 2 + i}">' + "".join(r) + "</row>" for i, r in enumerate(zip(*cells, strict=True)))
                part.write("".join(rows).encode())
            part.write(b"</sheetData></worksheet>")


def export_table(frame: Any, path: str | Path, *, format: str | None = None, policy: Any = None,
                 sheet: str = "data") -> Export:
    """Write a table to CSV or XLSX for publication: disclosure control, formula neutralising, atomic write.

    ``frame``: a DataFrame, or a protected table from :func:`ncpm.methods.disclosure.protect` (anything with ``frame`` and
    ``policy``). ``format``: "csv" or "xlsx"; by default from the file suffix. ``policy``: a
    :class:`ncpm.methods.disclosure.DisclosurePolicy` (anything with a ``protect(frame)`` method) applied before writing.
    ``sheet``: the XLSX sheet name. Returns an :class:`Export` with the path, rows and the protected table.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ConfigError(f"cannot export {path.name}: format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if len(sheet) > 31 or any(ch in sheet for ch in "[]:*?/\\") or not sheet:
        raise ConfigError(f"sheet name {sheet!r} is not allowed in Excel (1 to 31 characters, none of []:*?/\\)")
    protected = None
    if hasattr(frame, "frame") and hasattr(frame, "policy"):
        if policy is not None:
            raise ConfigError("the table is already protected: pass either a protected table or a policy, not both")
        protected = frame
    elif policy is not None:
        protected = policy.protect(frame)
    table = frame if protected is None else protected.frame
    marker = None if protected is None else protected.policy.marker
    masked = () if protected is None else tuple(protected.masked)
    if fmt == "xlsx" and (len(table) + 1 > EXCEL_MAX_ROWS or table.shape[1] > EXCEL_MAX_COLUMNS):
        raise ConfigError(f"{len(table):,} rows x {table.shape[1]:,} columns do not fit on an Excel sheet "
                          f"({EXCEL_MAX_ROWS - 1:,} rows below the header, {EXCEL_MAX_COLUMNS:,} columns): "
                          f"export to CSV, or filter the table first")
    header, columns = _cells(table, marker, masked)
    if fmt == "csv":
        atomic_write(path, lambda tmp: _write_csv(header, columns, tmp))
    else:
        atomic_write(path, lambda tmp: _write_xlsx(header, columns, tmp, sheet))
    return Export(path=path, format=fmt, rows=len(table), columns=table.shape[1], protected=protected)
