"""CSV/XLSX exports (issue "Safe publishing"): OWASP CSV-injection neutralising, read back with the csv module and
openpyxl; months as YYYY-MM; disclosure applied before writing; atomic writes."""

import csv

import pandas as pd
import pytest
from openpyxl import load_workbook

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.io import export
from ncpm.io.export import export_table, neutralise_cell
from ncpm.methods.disclosure import DisclosurePolicy, protect

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+9)*cmd|' /C calc'!A0", "'@SUM(1+9)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
    ("North", "North"),
    ("Stratford-upon-Avon", "Stratford-upon-Avon"),  # a dash inside text is harmless
    (" =1", " =1"),
    ("", ""),
    ("'=already", "'=already"),
    (-3, -3),  # numbers stay numbers
    (-0.5, -0.5),
    (None, None),
])
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def hostile():
    return pd.DataFrame({
        "force": ["Warwickshire"] * 6,
        "area": ["=cmd|'/C calc'!A0", "+North", "-East", "@South", "\tWest", "\rCentral"],
        "measure": ["knife_crime"] * 6,
        "month": pd.period_range("2023-01", periods=6, freq="M"),
        "count": [5, 6, 7, 8, 9, 10],
        "change": [-3, -1.5, 0, 2, -7.25, 1],
        "=header": ["ok", "=x", "y", "z", "w", "v"],
    })


def read_csv_cells(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_csv_has_no_dangerous_cell_and_months_are_yyyy_mm(tmp_path):
    path = tmp_path / "out.csv"
    result = export_table(hostile(), path)
    assert result.rows == 6 and result.format == "csv"
    rows = read_csv_cells(path)
    assert rows[0] == ["force", "area", "measure", "month", "count", "change", "'=header"]
    for row in rows:
        for cell in row:
            if cell.startswith(DANGEROUS):
                assert is_number(cell), repr(cell)  # only real numbers, e.g. -3, may start with "-"
    assert [r[1] for r in rows[1:]] == ["'=cmd|'/C calc'!A0", "'+North", "'-East", "'@South", "'\tWest", "'\rCentral"]
    assert [r[3] for r in rows[1:]] == ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]
    assert [r[5] for r in rows[1:3]] == ["-3.0", "-1.5"]


def test_xlsx_has_no_dangerous_or_formula_cell(tmp_path):
    path = tmp_path / "out.xlsx"
    export_table(hostile(), path, sheet="knife crime")
    ws = load_workbook(path)["knife crime"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f"
            if isinstance(c.value, str):
                assert not c.value.startswith(DANGEROUS), repr(c.value)
    assert values[0][-1] == "'=header"
    assert values[1][1] == "'=cmd|'/C calc'!A0"
    assert values[1][3] == "2023-01"
    assert values[1][5] == -3 and isinstance(values[2][5], float)  # numbers written as numbers


def protected_frame():
    return pd.DataFrame({"force": "Warwickshire", "area": [schema.WHOLE_FORCE, "North", "East", "South"],
                         "measure": "robbery_personal", "month": "2023-05", "count": [30, 3, 12, 15]})


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_policy_is_applied_first_and_suppressed_cells_show_the_marker(tmp_path, suffix):
    path = tmp_path / f"lpa.{suffix}"
    result = export_table(protected_frame(), path, policy=DisclosurePolicy())
    assert result.protected is not None and len(result.protected.log) == 2
    if suffix == "csv":
        rows = read_csv_cells(path)
    else:
        rows = [["" if c is None else str(c) for c in r] for r in load_workbook(path).active.iter_rows(values_only=True)]
    assert rows[0] == ["force", "area", "measure", "month", "count", "flag"]
    assert [r[4] for r in rows[1:]] == ["30", "[c]", "[c]", "15"]
    assert [r[5] for r in rows[1:]] == ["", "suppressed (primary)", "suppressed (secondary)", ""]
    assert "3" not in [r[4] for r in rows] and "12" not in [r[4] for r in rows]


def test_a_protected_table_can_be_exported_directly_and_a_dangerous_marker_is_neutralised(tmp_path):
    t = protect(protected_frame(), DisclosurePolicy(marker="-"))
    export_table(t, tmp_path / "t.csv")
    assert [r[4] for r in read_csv_cells(tmp_path / "t.csv")[1:]] == ["30", "'-", "'-", "15"]
    with pytest.raises(ConfigError, match="already protected"):
        export_table(t, tmp_path / "t.csv", policy=DisclosurePolicy())


def test_masked_columns_show_the_marker_on_suppressed_rows(tmp_path):
    v = protected_frame().assign(difference=[2, -7, 2, 5])
    export_table(v, tmp_path / "d.csv", policy=DisclosurePolicy())
    assert [r[5] for r in read_csv_cells(tmp_path / "d.csv")[1:]] == ["2", "[c]", "[c]", "5"]


def test_missing_values_are_empty_cells(tmp_path):
    v = pd.DataFrame({"a": [1.0, float("nan"), 2.0], "b": pd.array([1, None, 2], dtype="Int64"), "c": ["x", None, "y"]})
    export_table(v, tmp_path / "m.csv")
    assert read_csv_cells(tmp_path / "m.csv")[2] == ["", "", ""]
    export_table(v, tmp_path / "m.xlsx")
    assert list(load_workbook(tmp_path / "m.xlsx").active.iter_rows(values_only=True))[2] == (None, None, None)


def test_unicode_survives_and_illegal_xml_characters_do_not_break_xlsx(tmp_path):
    v = pd.DataFrame({"area": ["Ynys Môn", "bad\x01char"]})
    export_table(v, tmp_path / "u.csv")
    assert read_csv_cells(tmp_path / "u.csv")[1] == ["Ynys Môn"]
    export_table(v, tmp_path / "u.xlsx")
    assert [r[0] for r in load_workbook(tmp_path / "u.xlsx").active.iter_rows(values_only=True)] == [
        "area", "Ynys Môn", "bad\ufffdchar"]


@pytest.mark.parametrize("name, kwargs, message", [
    ("t.txt", {}, "format must be one of csv, xlsx"),
    ("t.csv", {"format": "ods"}, "format must be one of"),
    ("t.xlsx", {"sheet": "a/b"}, "sheet name"),
    ("t.xlsx", {"sheet": "x" * 32}, "sheet name"),
])
def test_bad_options(tmp_path, name, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        export_table(protected_frame(), tmp_path / name, **kwargs)


def test_a_table_too_long_for_excel_is_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 4)
    with pytest.raises(ConfigError, match="do not fit on an Excel sheet"):
        export_table(protected_frame(), tmp_path / "big.xlsx")
    assert not any(tmp_path.iterdir())
    export_table(protected_frame().head(3), tmp_path / "ok.xlsx")


def test_format_overrides_suffix(tmp_path):
    export_table(protected_frame(), tmp_path / "t.dat", format="CSV")
    assert read_csv_cells(tmp_path / "t.dat")[0][0] == "force"


def test_write_is_atomic_a_failure_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")

    def boom(*args):
        tmp = args[-1]
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "_write_csv", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        export_table(protected_frame(), path)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_export_creates_the_folder_and_replaces_an_existing_file(tmp_path):
    path = tmp_path / "new" / "out.csv"
    export_table(protected_frame(), path)
    export_table(protected_frame().head(2), path)
    assert len(read_csv_cells(path)) == 3
    assert sorted(p.name for p in path.parent.iterdir()) == ["out.csv"]
