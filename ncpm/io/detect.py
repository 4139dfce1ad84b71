"""Tell which reader a file needs from its name and first lines, and read it.

========================  ==============================================================================
police_uk                 a zip archive, a folder of ``*-street.csv`` / ``*-outcomes.csv``, a file so named,
                          or a CSV whose header has "Falls within" and "Crime type" or "Outcome type"
home_office               a header with "Offence Code" and "Number of Offences"
ons_pfa_table             a header starting "Area Code", "Area Name" (Tables P1, P3) or "Police Force Area code",
                          ..., "Community Safety Partnership name" (Table C2) below title rows; a workbook gives
                          its counts (P1 or C2) and its populations (P3)
extract                   the canonical columns of a force extract (volumes, outcomes, survey, population, msg)
========================  ==============================================================================

>>> detect_format("2023-06-warwickshire-street.csv")  # doctest: +SKIP
'police_uk'
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from ncpm.core.errors import InputError
from ncpm.io import LoadResult
from ncpm.io.csvtext import text_encoding
from ncpm.io.extracts import detect_kind, read_extract
from ncpm.io.grids import Grid
from ncpm.io.headers import clean_label, header_key
from ncpm.io.homeoffice import read_home_office
from ncpm.io.limits import HEADER_SCAN_ROWS
from ncpm.io.ons import read_ons_tables
from ncpm.io.policeuk import FILE_NAME, read_police_uk
from ncpm.io.workbooks import EXCEL_SUFFIXES, Workbook

FORMATS = ("police_uk", "home_office", "ons_pfa_table", "extract")
SNIFF_BYTES = 64 * 1024


def _first_rows(path: Path, encoding: str | None = None) -> tuple[list[list[str]], Workbook | None]:
    """The first rows of a CSV (or of each sheet of a workbook, with the workbook's :class:`Workbook`), read
    leniently: only for telling formats apart (UTF-16 told by its BOM, as the readers do)."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        book = Workbook(path)
        return book.first, book
    with path.open("rb") as f:
        raw = f.read(SNIFF_BYTES)
    head = raw.decode(text_encoding(raw[:4], encoding), errors="replace")
    try:
        return [row for _, row in zip(range(HEADER_SCAN_ROWS), csv.reader(io.StringIO(head, newline="")),
                                      strict=False)], None
    except csv.Error:
        return [], None


def detect_format(path: str | Path) -> str:
    """One of :data:`FORMATS` for ``path``; :class:`InputError` when no reader fits."""
    fmt, book = _detect(Path(path))
    if book is not None:
        book.close()
    return fmt


def _detect(path: Path, encoding: str | None = None) -> tuple[str, Workbook | None]:
    """The format, and for a workbook its book as read to tell the format (the caller closes them)."""
    if path.is_dir():
        if any(FILE_NAME.match(p.name) for p in path.rglob("*.csv")):
            return "police_uk", None
        raise InputError("folder holds no police.uk street or outcomes files", file=str(path))
    if not path.is_file():
        raise InputError("no such file or folder", file=str(path))
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path) and path.suffix.lower() not in EXCEL_SUFFIXES:
        return "police_uk", None
    if FILE_NAME.match(path.name):
        return "police_uk", None
    rows, book = _first_rows(path, encoding)
    try:
        return _tell(path, rows), book
    except InputError:
        if book is not None:
            book.close()
        raise


def _tell(path: Path, rows: list[list[str]]) -> str:
    """The format the first rows show (see the module docstring)."""
    for row in rows:
        keys = {header_key(c) for c in row}
        if "fallswithin" in keys and ({"crimetype", "outcometype"} & keys):
            return "police_uk"
        if {"offencecode", "numberofoffences"} <= keys:
            return "home_office"
        if {"areacode", "areaname"} <= keys or {"policeforceareacode", "communitysafetypartnershipname"} <= keys:
            return "ons_pfa_table"
    if detect_kind([Grid(str(path), rows, list(range(1, len(rows) + 1)))]) is not None:
        return "extract"
    if not any(c.strip() for row in rows for c in row):
        raise InputError("empty file", file=str(path))
    first = next((r for r in rows if any(c.strip() for c in r)), [])
    if len(first) == 1 and first[0].count("\t") >= 1:
        raise InputError("tab-delimited text (the first line holds tabs, no commas: "
                         f"{first[0].strip()!r}); ncpm reads comma-separated CSV: save it as 'CSV (Comma "
                         "delimited)' or 'CSV UTF-8'", file=str(path))
    raise InputError("cannot tell the format (police.uk, Home Office, ONS table or force extract) from the first "
                     f"rows; the first reads: {', '.join(clean_label(c) for c in first if clean_label(c))}",
                     file=str(path))


def read_any(path: str | Path, *, progress: bool = False, encoding: str | None = None,
             lsoa: bool = False, last_outcomes: bool = False) -> list[LoadResult]:
    """Read ``path`` with the reader its format needs (see :func:`detect_format`). ``lsoa``: police.uk records
    counted by LSOA (``area`` the LSOA code) instead of by force; ``last_outcomes``: police.uk street files' last
    outcome category read as outcomes; other formats ignore both.
    ``encoding``: of text files (``[inputs] encoding``, ``--encoding``; default UTF-8, or UTF-16 by its BOM)."""
    fmt, book = _detect(Path(path), encoding)
    try:
        if fmt == "police_uk":
            return read_police_uk(path, progress=progress, encoding=encoding, lsoa=lsoa, last_outcomes=last_outcomes)
        if fmt == "ons_pfa_table":  # a workbook's counts (P1 or C2) and populations (P3), from the one reading
            return read_ons_tables(path, encoding=encoding, grids=book.grids() if book else None)
        grids = book.typed_grids() if book else None  # a workbook: its book from the reading that told it
        if fmt == "home_office":
            return [read_home_office(path, encoding=encoding, grids=grids)]
        return [read_extract(path, encoding=encoding, grids=grids)]
    finally:
        if book is not None:
            book.close()
