"""Fixture writers for the reader tests: small files in the real published layouts, written at test time.

The column layouts are written out here literally (not imported from ncpm.io) so that the tests check the readers
against the documented formats, not against themselves.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd

STREET_HEADER = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                 "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
OUTCOMES_HEADER = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                   "LSOA code", "LSOA name", "Outcome type"]
HO_HEADER = ["Financial Year", "Financial Quarter", "Force Name", "Offence Description", "Offence Group",
             "Offence Subgroup", "Offence Code", "Number of Offences"]

FORCES = {"warwickshire": ("Warwickshire Police", "E01031062", "Warwick 001A"),
          "west-mercia": ("West Mercia Police", "E01032001", "Worcester 005B")}
MONTHS = ("2023-04", "2023-05", "2023-06")
# crime type -> records per month for force 0; force 1 has one more of each; month i adds i vehicle crimes
BASE_MIX = {"Anti-social behaviour": 2, "Vehicle crime": 3, "Burglary": 1, "Theft from the person": 2,
            "Violence and sexual offences": 1, "Robbery": 1}


def csv_text(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _crime_id(force: str, month: str, n: int) -> str:
    """A 64-hex-digit id like police.uk's (deterministic: a SHA-256 of force, month and number)."""
    return hashlib.sha256(f"{force}/{month}/{n}".encode()).hexdigest()


def street_records(force: str, month: str, month_index: int, force_index: int) -> list[list[str]]:
    """Street records of one force and month: ASB rows have a blank Crime ID; the last record has no LSOA."""
    label, lsoa, lsoa_name = FORCES[force]
    rows = []
    n = 0
    for crime_type, base in BASE_MIX.items():
        k = base + force_index + (month_index if crime_type == "Vehicle crime" else 0)
        for _ in range(k):
            n += 1
            crime_id = "" if crime_type == "Anti-social behaviour" else _crime_id(force, month, n)
            rows.append([crime_id, month, label, label, "-1.512", "52.281", "On or near High Street", lsoa,
                         lsoa_name, crime_type, "" if not crime_id else "Under investigation", ""])
    rows[-1][4:9] = ["", "", "No Location", "", ""]
    return rows


def outcome_records(force: str, month: str, street: list[list[str]]) -> list[list[str]]:
    """Outcomes of this month's vehicle crimes and burglaries, and one for a crime not in any street file."""
    label, lsoa, lsoa_name = FORCES[force]
    rows = []
    for r in street:
        if r[9] in ("Vehicle crime", "Burglary") and r[0]:
            rows.append([r[0], month, label, label, r[4], r[5], r[6], r[7], r[8],
                         "Investigation complete; no suspect identified"])
    rows.append(["f" * 64, month, label, label, "", "", "No Location", "", "", "Offender given a caution"])
    return rows


def police_uk_files(months=MONTHS, forces=tuple(FORCES)) -> dict[str, list[list[str]]]:
    """member path -> data rows (without header), in the archive layout ``YYYY-MM/YYYY-MM-<force>-<kind>.csv``."""
    files = {}
    for mi, month in enumerate(months):
        for fi, force in enumerate(forces):
            street = street_records(force, month, mi, fi)
            files[f"{month}/{month}-{force}-street.csv"] = street
            files[f"{month}/{month}-{force}-outcomes.csv"] = outcome_records(force, month, street)
    return files


def write_police_uk_zip(path: Path, files: dict[str, list[list[str]]] | None = None, *,
                        extra: dict[str, bytes] | None = None) -> dict[str, list[list[str]]]:
    """The monthly archive: folders ``YYYY-MM/`` with street and outcomes files (plus a stop-and-search file)."""
    files = police_uk_files() if files is None else files
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, rows in files.items():
            header = STREET_HEADER if name.endswith("-street.csv") else OUTCOMES_HEADER
            z.writestr(name, csv_text([header, *rows]).encode("utf-8"))
        month = next(iter(files)).split("/")[0]
        z.writestr(f"{month}/{month}-warwickshire-stop-and-search.csv", b"Type,Date\r\nPerson search,2023-04-01\r\n")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return files


def write_police_uk_folder(folder: Path, files: dict[str, list[list[str]]] | None = None) -> dict:
    files = police_uk_files() if files is None else files
    for name, rows in files.items():
        header = STREET_HEADER if name.endswith("-street.csv") else OUTCOMES_HEADER
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(csv_text([header, *rows]), encoding="utf-8")
    return files


def expected_volumes(files: dict[str, list[list[str]]], *, lsoa: bool = False) -> Counter:
    """(falls within label, area, crime type, month) -> records, counted straight from the fixture rows."""
    out: Counter = Counter()
    for name, rows in files.items():
        if name.endswith("-street.csv"):
            for r in rows:
                out[(r[3], (r[7] or "no LSOA") if lsoa else "Force", r[9], r[1])] += 1
    return out


def ho_rows() -> list[list[object]]:
    """Two forces, two quarters of 2023/24, four offence codes (28E counts in two measures; 8M in none)."""
    rows = []
    codes = [("Burglary - residential", "Burglary", "Domestic burglary", "28E"),
             ("Theft from the person", "Theft offences", "Theft from the person", "39"),
             ("Aggravated vehicle taking", "Theft offences", "Vehicle offences", "37.2"),
             ("Harassment", "Violence against the person", "Stalking and harassment", "8M")]
    for q in (1, 2):
        for fi, force in enumerate(("Warwickshire", "West Mercia")):
            for ci, (desc, group, sub, code) in enumerate(codes):
                rows.append(["2023/24", q, force, desc, group, sub, code, 10 * (ci + 1) + q + fi])
    return rows


def write_home_office(path: Path, rows: list[list[object]] | None = None, *, header=HO_HEADER) -> Path:
    """A Home Office open data table as CSV, XLSX or ODS (by the suffix of ``path``)."""
    rows = ho_rows() if rows is None else rows
    if path.suffix == ".csv":
        path.write_text(csv_text([header, *rows]), encoding="utf-8")
        return path
    frame = pd.DataFrame(rows, columns=header)
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="Data", engine="openpyxl")
    else:
        frame.to_excel(path, index=False, sheet_name="Data", engine="odf")
    return path


ONS_GROUPS = ["Total recorded crime\n (excluding fraud) \n[note 2]", "Homicide", "Robbery",
              "Vehicle offences", "Theft from the person", "Shoplifting"]


def ons_rows() -> list[list[str]]:
    return [
        ["K04000001", "ENGLAND AND WALES [note 3]", "5,287,312 ", "518", "80,297", "334,489", "145,860", "529,994"],
        ["E92000001", "ENGLAND ", "4,947,379", "482", "77,348", "321,963", "130,878", "501,497"],
        ["E12000005", "West Midlands ", "510,312", "60", "12,345", "40,001", "9,876", "50,123"],
        ["E23000017", "Warwickshire", "39,348 ", "8 ", "412", "3,790 ", "226 ", "3,434"],
        ["E23000014", "West Midlands", "303,343", "32", "8,500", "25,000", "7,000", "30,000"],
        ["E12000007", "London", "949,420", "101", "30,000", "80,000", "70,000", "60,000"],
        ["E23000001", "Metropolitan Police ", "940,619", "101", "29,900", "79,500", "69,800", "59,700"],
        ["E23000012", "Humberside [note 4]", "92,817", "4", "500", "4,100", "300", "6,000"],
        ["W92000004", "WALES", "256,770", "29", "1,227", "10,855", "1,264", "24,000"],
        ["W15000003", "South Wales", "109,798", "18", "588", "6,366", "791", "12,578"],
        ["", "British Transport Police", "83,163", "7", "1,722", "1,671", "13,718", "4,503"],
    ]


def write_ons_p1(path: Path, rows: list[list[str]] | None = None, *,
                 title: str = "Table P1:  Police recorded crime by offence group and police force area, England and "
                              "Wales, number of offences, year ending June 2025 [note 1]",
                 groups: list[str] | None = None) -> Path:
    """An ONS Table P1-like CSV: title and note rows, a header cell with line breaks, quoted thousands."""
    groups = ONS_GROUPS if groups is None else groups
    width = 2 + len(groups)
    pad = [""] * (width - 1)
    lines = [[title, *pad],
             ["This worksheet contains one table. Some cells refer to notes which can be found on the notes "
              "worksheet.", *pad],
             ["Link to Notes page", *pad],
             ["Source: Police recorded crime from the Home Office", *pad],
             ["Area Code", "Area Name", *groups],
             *(ons_rows() if rows is None else rows)]
    path.write_text(csv_text(lines), encoding="utf-8")
    return path


EXTRACTS = {
    "volumes": [["force", "area", "measure", "month", "count"],
                ["Warwickshire", "Force", "knife_crime", "2023-04", "41"],
                ["Warwickshire", "Force", "knife_crime", "2023-05", "50"],
                ["Warwickshire Police", "North", "knife_crime", "2023-05-01", "20"],
                ["warwickshire", "Force", "homicide", "May 2023", "0"]],
    "outcomes": [["force", "area", "measure", "month", "outcome_type", "count"],
                 ["Warwickshire", "Force", "robbery_personal", "2023-05", "1", "2"],
                 ["Warwickshire", "Force", "robbery_personal", "2023-05", "3", "4"]],
    "survey": [["force", "survey", "month", "responses", "satisfied", "dont_know"],
               ["Warwickshire", "da_whole_experience", "2023-05", "40", "31", "2"],
               ["Warwickshire", "da_whole_experience", "2023-06", "38", "29", "0"]],
    "population": [["force", "year", "population"],
                   ["Warwickshire", "2022", "606,800"],
                   ["West Mercia", "2022", "1,300,000"]],
    "msg": [["force", "peer", "version"],
            ["Warwickshire", "West Mercia", "illustrative-2023"],
            ["Warwickshire", "Wiltshire Police", "illustrative-2023"]],
}


def write_extract(path: Path, rows: list[list[object]]) -> Path:
    """A tidy extract as CSV or XLSX (by suffix)."""
    if path.suffix == ".xlsx":
        pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False, engine="openpyxl")
    else:
        path.write_text(csv_text(rows), encoding="utf-8")
    return path
