"""Malformed inputs, one row each: the exact error (file-level problems) or the exact rejection (row-level ones).
And the accounting invariant, as a property: rows in = rows loaded + rows rejected, whatever the mix of rows.
"""

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fixtures_io import (
    EXTRACTS,
    HO_HEADER,
    STREET_HEADER,
    csv_text,
    police_uk_files,
    write_extract,
    write_ons_p1,
    write_police_uk_zip,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ncpm.core.errors import InputError
from ncpm.io.detect import read_any
from ncpm.io.extracts import read_extract
from ncpm.io.homeoffice import read_home_office
from ncpm.io.ons import read_ons_pfa_table
from ncpm.io.policeuk import read_police_uk

STREET = "2023-05-warwickshire-street.csv"
GOOD_STREET = ["ab12", "2023-05", "Warwickshire Police", "Warwickshire Police", "-1.5", "52.2", "On or near Park",
               "E01031062", "Warwick 001A", "Vehicle crime", "Under investigation", ""]
VOLUMES_HEADER = EXTRACTS["volumes"][0]
GOOD_VOLUME = ["Warwickshire", "Force", "knife_crime", "2023-05", "50"]
HO_GOOD = ["2023/24", "1", "Warwickshire", "Theft from the person", "Theft offences", "Theft from the person", "39",
           "21"]


@dataclass
class Err:
    """The reader raises InputError with exactly this text ({file} = the file written)."""

    text: str


@dataclass
class Rej:
    """The reader loads the file and rejects exactly these rows ("row N, column C: reason", file prefixed)."""

    rows: list[str]


def street(*rows, header=STREET_HEADER):
    return csv_text([header, *rows])


def with_(row, i, value):
    out = list(row)
    out[i] = value
    return out


def ho(*rows, header=HO_HEADER):
    return csv_text([header, *rows])


def ho_sheets(path, *sheets):
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, rows in zip("ABCDEF", sheets, strict=False):
            pd.DataFrame(rows, columns=HO_HEADER).to_excel(writer, sheet_name=name, index=False)


def volumes(*rows, header=VOLUMES_HEADER):
    return csv_text([header, *rows])


def _zip(members):
    def make(path):
        with zipfile.ZipFile(path, "w") as z:
            for name, text in members.items():
                z.writestr(name, text)
    return make


CASES = {
    # --- data.police.uk
    "police_uk misspelt column": (STREET, street(GOOD_STREET, header=with_(STREET_HEADER, 9, "Crime typ")),
                                  read_police_uk,
                                  Err("{file}, column Crime type: missing column 'Crime type' (did you mean "
                                      "'Crime typ'?); found: Crime ID, Month, Reported by, Falls within, Longitude, "
                                      "Latitude, Location, LSOA code, LSOA name, Crime typ, Last outcome category, "
                                      "Context")),
    "police_uk unknown force": (STREET, street(GOOD_STREET, with_(GOOD_STREET, 3, "Narnia Police")), read_police_uk,
                                Rej(["row 3, column Falls within: unknown force 'Narnia Police'"])),
    "police_uk unparseable month": (STREET, street(with_(GOOD_STREET, 1, "2023-13"), GOOD_STREET), read_police_uk,
                                    Rej(["row 2, column Month: cannot read month '2023-13' (expected YYYY-MM)"])),
    "police_uk blank crime type": (STREET, street(GOOD_STREET, GOOD_STREET, with_(GOOD_STREET, 9, " ")),
                                   read_police_uk, Rej(["row 4, column Crime type: missing value"])),
    "police_uk outcome without crime id": ("2023-05-warwickshire-outcomes.csv",
                                           csv_text([[*STREET_HEADER[:9], "Outcome type"],
                                                     ["", *GOOD_STREET[1:9], "Offender given a caution"]]),
                                           read_police_uk, Rej(["row 2, column Crime ID: missing value"])),
    "police_uk too many fields": (STREET, street(GOOD_STREET, [*GOOD_STREET, "extra"]), read_police_uk,
                                  Err("{file}, row 3: 13 fields but the header has 12")),
    "police_uk empty file": (STREET, "", read_police_uk, Err("{file}: empty file")),
    "police_uk wrong encoding": (STREET, street(with_(GOOD_STREET, 6, "On or near Café")).encode("cp1252"),
                                 read_police_uk,
                                 Err("{file}, row 2: not UTF-8 text (byte 0xe9 at character 78); save it as "
                                     "UTF-8 (Excel: Save As 'CSV UTF-8'), or give its encoding (--encoding cp1252 "
                                     "on the command line, encoding='cp1252' in Python, if Excel on Windows saved "
                                     "it)")),
    "police_uk zip slip": ("archive.zip", _zip({"../2023-05-warwickshire-street.csv": street(GOOD_STREET)}),
                           read_police_uk,
                           Err("{file}: unsafe member path '../2023-05-warwickshire-street.csv' in the archive "
                               "(absolute or containing '..'); refusing to read it")),
    "police_uk absolute member": ("archive.zip", _zip({"/tmp/2023-05-warwickshire-street.csv": street(GOOD_STREET)}),
                                  read_police_uk,
                                  Err("{file}: unsafe member path '/tmp/2023-05-warwickshire-street.csv' in the "
                                      "archive (absolute or containing '..'); refusing to read it")),
    "police_uk corrupt zip": ("archive.zip", b"PK\x03\x04 this is not really a zip", read_police_uk,
                              Err("{file}: not a readable zip archive (File is not a zip file)")),
    "police_uk zip without police files": ("archive.zip", _zip({"readme.txt": "hello"}), read_police_uk,
                                           Err("{file}: no police.uk street or outcomes files "
                                               "(YYYY-MM-<force>-street.csv or -outcomes.csv) found")),
    # --- Home Office
    "home office misspelt column": ("ho.csv", ho(HO_GOOD, header=with_(HO_HEADER, 7, "Number of Ofences")),
                                    read_home_office,
                                    Err("{file}, column Number of Offences: missing column 'Number of Offences' "
                                        "(did you mean 'Number of Ofences'?); found: Financial Year, Financial "
                                        "Quarter, Force Name, Offence Description, Offence Group, Offence "
                                        "Subgroup, Offence Code, Number of Ofences")),
    "home office two columns missing": ("ho.csv", ho(HO_GOOD[:6], header=HO_HEADER[:6]), read_home_office,
                                        Err("{file}, column Offence Code: missing columns 'Offence Code', 'Number "
                                            "of Offences'; found: Financial Year, Financial Quarter, Force Name, "
                                            "Offence Description, Offence Group, Offence Subgroup")),
    "home office negative fractional count": ("ho.csv", ho(with_(HO_GOOD, 7, "-2.5")), read_home_office,
                                              Rej(["row 2, column Number of Offences: '-2.5' is not a whole "
                                                   "number"])),
    "home office fractional count": ("ho.csv", ho(with_(HO_GOOD, 7, "2.5")), read_home_office,
                                     Rej(["row 2, column Number of Offences: '2.5' is not a whole number"])),
    "home office text count": ("ho.csv", ho(HO_GOOD, with_(HO_GOOD, 2, "West Mercia"),
                                            with_(with_(HO_GOOD, 2, "Kent"), 7, "n/a")), read_home_office,
                               Rej(["row 4, column Number of Offences: 'n/a' is not a number"])),
    "home office unknown force": ("ho.csv", ho(with_(HO_GOOD, 2, "Gotham")), read_home_office,
                                  Rej(["row 2, column Force Name: unknown force 'Gotham'"])),
    "home office bad quarter": ("ho.csv", ho(with_(HO_GOOD, 1, "5")), read_home_office,
                                Rej(["row 2, column Financial Quarter: cannot read quarter '5' (expected 1-4)"])),
    "home office bad financial year": ("ho.csv", ho(with_(HO_GOOD, 0, "2023")), read_home_office,
                                       Rej(["row 2, column Financial Year: cannot read financial year '2023' "
                                            "(expected e.g. 2023/24)"])),
    # a key repeated in one sheet is additive (summed, tests/test_io_homeoffice.py); in two sheets it contradicts
    "home office sheets disagree": ("ho.xlsx", lambda p: ho_sheets(p, [HO_GOOD], [with_(HO_GOOD, 7, "22")]),
                                    read_home_office,
                                    Err("{file} [B], row 2, column Number of Offences: same key as row 2 of {file} [A] "
                                        "(force Warwickshire, offence_code 39, quarter Q1 2023/24) but Number of "
                                        "Offences 22 differs from 21 (the sheets overlap)")),
    "home office header only": ("ho.csv", ho(), read_home_office, Err("{file}: no data rows below the header")),
    "home office empty xlsx": ("ho.xlsx", lambda p: openpyxl.Workbook().save(p), read_home_office,
                               Err("{file}: empty file (no cells in any sheet)")),
    # --- ONS tables
    "ons no period in title": ("p1.csv", lambda p: write_ons_p1(p, title="Table P1: recorded crime"),
                               read_ons_pfa_table,
                               Err("{file}: cannot find the period in the title rows (expected e.g. 'year ending "
                                   "June 2025')")),
    "ons misspelt area name": ("p1.csv", lambda p: p.write_text(csv_text([["Table P1, year ending June 2025"],
                                                                          ["Area Code", "Area Nme", "Homicide"],
                                                                          ["E23000017", "Warwickshire", "8"]])),
                               read_ons_pfa_table,
                               Err("{file}, column Area Name: missing column 'Area Name' (did you mean 'Area Nme'?); "
                                   "found: Area Code, Area Nme, Homicide")),
    # an ONS "not available" symbol ("[x]", "..") is a note, not a rejection: tests/test_io_ons.py
    "ons unreadable value": ("p1.csv", lambda p: write_ons_p1(p, rows=[["E23000017", "Warwickshire", "39,348", "8 or 9",
                                                                        "412", "3,790", "226", "3,434"]]),
                             read_ons_pfa_table, Rej(["row 8, column Homicide: '8 or 9' is not a number"])),
    "ons unknown force code": ("p1.csv", lambda p: write_ons_p1(p, rows=[["E23000099", "Narnia", "1", "1", "1", "1",
                                                                          "1", "1"]]),
                               read_ons_pfa_table, Rej(["row 8, column Area Code: unknown force 'E23000099'"])),
    "ons conflicting force rows": ("p1.csv", lambda p: write_ons_p1(p, rows=[
        ["E23000017", "Warwickshire", "10", "1", "1", "1", "1", "1"],
        ["E23000017", "Warwickshire", "10", "2", "1", "1", "1", "1"]]), read_ons_pfa_table,
        Err("{file}, row 9, column Homicide: same key as row 8 (force Warwickshire) but Homicide 2 differs from 1")),
    # --- force extracts
    "extract misspelt column": ("v.csv", volumes(GOOD_VOLUME, header=with_(VOLUMES_HEADER, 2, "mesure")),
                                read_extract,
                                Err("{file}, column measure: missing column 'measure' (did you mean 'mesure'?); "
                                    "found: force, area, mesure, month, count")),
    "extract unknown kind": ("x.csv", csv_text([["name", "value"], ["a", "1"]]), read_extract,
                             Err("{file}: cannot tell what kind of extract this is from its columns (found: name, "
                                 "value); expected the columns of one of: outcomes (force, area, measure, month, "
                                 "outcome_type, count); volumes (force, area, measure, month, count); survey "
                                 "(force, survey, month, responses, satisfied); population (force, year, "
                                 "population); msg (force, peer, version)")),
    "extract bad month": ("v.csv", volumes(GOOD_VOLUME, with_(GOOD_VOLUME, 3, "23/05/2023")), read_extract,
                          Rej(["row 3, column month: cannot read month '23/05/2023' (expected YYYY-MM)"])),
    "extract negative count": ("v.csv", volumes(with_(GOOD_VOLUME, 4, "-1"), with_(GOOD_VOLUME, 3, "2023-06")),
                               read_extract, Rej(["row 2, column count: negative count '-1'"])),
    "extract unknown force": ("v.csv", volumes(with_(GOOD_VOLUME, 0, "Gotham City Police")), read_extract,
                              Rej(["row 2, column force: unknown force 'Gotham City Police'"])),
    "extract satisfied over responses": ("s.csv", csv_text([EXTRACTS["survey"][0],
                                                            ["Warwickshire", "da", "2023-05", "10", "12", "0"]]),
                                         read_extract,
                                         Rej(["row 2, column satisfied: satisfied (12) is greater than responses "
                                              "(10)"])),
    "extract extra field": ("v.csv", volumes(GOOD_VOLUME, [*with_(GOOD_VOLUME, 3, "2023-06"), "oops"]),
                            read_extract, Rej(["row 3: 6 fields but the header has 5"])),
    "extract column twice": ("v.csv", volumes(GOOD_VOLUME + ["2023-05"], header=[*VOLUMES_HEADER, "Month"]),
                             read_extract, Err("{file}, column Month: column 'Month' appears twice (columns 4 and 6)")),
    "extract blank file": ("v.csv", " \r\n\r\n", read_extract, Err("{file}: empty file")),
    "extract conflicting duplicate": ("v.csv", volumes(GOOD_VOLUME, with_(GOOD_VOLUME, 4, "51")), read_extract,
                                      Err("{file}, row 3, column count: same key as row 2 (force Warwickshire, area "
                                          "Force, measure knife_crime, month 2023-05) but count 51 differs from 50")),
    "extract bad year": ("p.csv", csv_text([["force", "year", "population"], ["Warwickshire", "20222", "5"]]),
                         read_extract, Rej(["row 2, column year: cannot read year '20222' (expected YYYY)"])),
    "read_any unknown format": ("notes.csv", "just,some\ntext,here\n", read_any,
                                Err("{file}: cannot tell the format (police.uk, Home Office, ONS table or force "
                                    "extract) from the first rows; the first reads: just, some")),
}


def _write(path: Path, content) -> None:
    if callable(content):
        content(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")


def test_there_are_at_least_twenty_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_input(tmp_path, case):
    name, content, reader, expected = CASES[case]
    path = tmp_path / name
    _write(path, content)
    if isinstance(expected, Err):
        with pytest.raises(InputError) as info:
            reader(path)
        assert str(info.value) == expected.text.format(file=path)
    else:
        result = reader(path)
        results = result if isinstance(result, list) else [result]
        rejected = [str(r) for r in results[0].rejected]
        assert rejected == [f"{path}, {row}" for row in expected.rows]
        assert results[0].rows_in == results[0].rows_loaded + len(expected.rows)


def test_rejection_inside_an_archive_names_the_member(tmp_path):
    files = police_uk_files(months=("2023-05",), forces=("warwickshire",))
    files["2023-05/2023-05-warwickshire-street.csv"][2][1] = "May"
    write_police_uk_zip(tmp_path / "a.zip", files)
    volumes, _ = read_police_uk(tmp_path / "a.zip")
    assert [str(r) for r in volumes.rejected] == [
        f"{tmp_path / 'a.zip'}!2023-05/2023-05-warwickshire-street.csv, row 4, column Month: cannot read month 'May' "
        "(expected YYYY-MM)"]


# ---------------------------------------------------------------------------------------------------- property

BAD_VOLUME = {
    "unknown force": lambda r: with_(r, 0, "Narnia"),
    "bad month": lambda r: with_(r, 3, "2023-14"),
    "negative": lambda r: with_(r, 4, "-2"),
    "fraction": lambda r: with_(r, 4, "0.5"),
    "blank area": lambda r: with_(r, 1, ""),
    "too many fields": lambda r: [*r, "x"],
}
BAD_STREET = {
    "unknown force": lambda r: with_(r, 3, "Narnia"),
    "bad month": lambda r: with_(r, 1, "2023/05"),
    "blank type": lambda r: with_(r, 9, ""),
}
rows_strategy = st.lists(st.tuples(st.sampled_from(["good", "dup", *BAD_VOLUME]), st.integers(0, 40)),
                         min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy)
def test_rows_in_equals_loaded_plus_rejected_for_extracts(rows):
    lines, good_total, expected_bad = [], 0, 0
    for i, (kind, n) in enumerate(rows):
        row = with_(with_(GOOD_VOLUME, 3, str(pd.Period("2020-01", "M") + i)), 4, str(n))
        if kind == "good":
            lines.append(row)
            good_total += n
        elif kind == "dup":  # an exact copy of a good row is rejected as a duplicate
            lines.extend([row, row])
            good_total += n
            expected_bad += 1
        else:
            lines.append(BAD_VOLUME[kind](row))
            expected_bad += 1
    with tempfile.TemporaryDirectory() as folder:
        path = write_extract(Path(folder) / "v.csv", [VOLUMES_HEADER, *lines])
        result = read_extract(path)
    assert result.rows_in == len(lines) == result.rows_loaded + result.rows_rejected
    assert result.rows_rejected == expected_bad
    assert result.frame["count"].sum() == good_total


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(st.sampled_from(["good", "asb", "no lsoa", *BAD_STREET]), min_size=1, max_size=30))
def test_rows_in_equals_loaded_plus_rejected_for_police_uk(kinds):
    rows = []
    for kind in kinds:
        if kind == "asb":
            rows.append(with_(with_(GOOD_STREET, 0, ""), 9, "Anti-social behaviour"))
        elif kind == "no lsoa":
            rows.append(with_(GOOD_STREET, 7, ""))
        elif kind == "good":
            rows.append(GOOD_STREET)
        else:
            rows.append(BAD_STREET[kind](GOOD_STREET))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / STREET
        path.write_text(street(*rows), encoding="utf-8")
        (result,) = read_police_uk(path, lsoa=True)
    bad = sum(k in BAD_STREET for k in kinds)
    assert result.rows_in == len(rows) == result.rows_loaded + result.rows_rejected
    assert result.rows_rejected == bad
    assert result.frame["count"].sum() == len(rows) - bad
    assert sorted(r.line for r in result.rejected) == [i + 2 for i, k in enumerate(kinds) if k in BAD_STREET]
