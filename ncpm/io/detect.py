"""Tell which reader a file needs from its name and first lines, and read it.

========================  ==============================================================================
police_uk                 a zip archive, a folder of ``*-street.csv`` / ``*-outcomes.csv``, a file so named,
                          or a CSV whose header has "Falls within" and "Crime type" or "Outcome type"
home_office               a header with "Offence Code" and "Number of Offences"
ons_pfa_table             a header starting "Area Code", "Area Name" (Table P1) or "Police Force Area code", ...,
                          "Community Safety Partnership name" (Table C2) below title rows
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

import pandas as pd

from ncpm.errors import InputError
from ncpm.io import LoadResult
from ncpm.io._common import EXCEL_SUFFIXES, HEADER_SCAN_ROWS, Grid, clean_label, header_key
from ncpm.io.extracts import detect_kind, read_extract
from ncpm.io.homeoffice import read_home_office
from ncpm.io.ons import read_ons_pfa_table
from ncpm.io.policeuk import FILE_NAME, read_police_uk

FORMATS = ("police_uk", "home_office", "ons_pfa_table", "extract")
SNIFF_BYTES = 64 * 1024


def _first_rows(path: Path) -> list[list[str]]:
    """The first rows of a CSV (or of each sheet of a workbook), read leniently: only for telling formats apart."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, nrows=HEADER_SCAN_ROWS,
                                   engine=EXCEL_SUFFIXES[path.suffix.lower()])
        except Exception as exc:
            raise InputError(f"cannot read the workbook ({type(exc).__name__}: {exc})", file=str(path)) from None
        return [[("" if pd.isna(c) else str(c)) for c in row] for f in sheets.values()
                for row in f.itertuples(index=False)]
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    try:
        return [row for _, row in zip(range(HEADER_SCAN_ROWS), csv.reader(io.StringIO(head, newline="")),
                                      strict=False)]
    except csv.Error:
        return []


def detect_format(path: str | Path) -> str:
    """One of :data:`FORMATS` for ``path``; :class:`InputError` when no reader fits."""
    path = Path(path)
    if path.is_dir():
        if any(FILE_NAME.match(p.name) for p in path.rglob("*.csv")):
            return "police_uk"
        raise InputError("folder holds no police.uk street or outcomes files", file=str(path))
    if not path.is_file():
        raise InputError("no such file or folder", file=str(path))
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path) and path.suffix.lower() not in EXCEL_SUFFIXES:
        return "police_uk"
    if FILE_NAME.match(path.name):
        return "police_uk"
    rows = _first_rows(path)
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
    raise InputError("cannot tell the format (police.uk, Home Office, ONS table or force extract) from the first "
                     f"rows; the first reads: {', '.join(clean_label(c) for c in first if clean_label(c))}",
                     file=str(path))


def read_any(path: str | Path, *, progress: bool = False, encoding: str | None = None,
             lsoa: bool = False) -> list[LoadResult]:
    """Read ``path`` with the reader its format needs (see :func:`detect_format`). ``lsoa``: police.uk records
    counted by LSOA (``area`` the LSOA code) instead of by force; other formats have no LSOA and ignore it."""
    fmt = detect_format(path)
    if fmt == "police_uk":
        return read_police_uk(path, progress=progress, encoding=encoding, lsoa=lsoa)
    if fmt == "home_office":
        return [read_home_office(path, encoding=encoding)]
    if fmt == "ons_pfa_table":
        return [read_ons_pfa_table(path, encoding=encoding)]
    return [read_extract(path, encoding=encoding)]
