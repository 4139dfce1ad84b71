"""Force extracts (tidy CSV/XLSX), kind detection, encodings, and format detection for every reader."""

import pandas as pd
import pytest
from fixtures_io import (
    EXTRACTS,
    csv_text,
    write_extract,
    write_home_office,
    write_ons_p1,
    write_police_uk_folder,
    write_police_uk_zip,
)

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.io.detect import detect_format, read_any
from ncpm.io.extracts import read_extract


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(EXTRACTS))
def test_each_kind_is_detected_and_loaded(tmp_path, kind, suffix):
    rows = EXTRACTS[kind]
    result = read_extract(write_extract(tmp_path / f"{kind}.{suffix}", rows))
    assert (result.kind, result.format) == (kind, "extract")
    assert (result.rows_in, result.rows_loaded, result.rejected) == (len(rows) - 1, len(rows) - 1, [])
    pd.testing.assert_frame_equal(result.frame, schema.validate(result.frame, schema.SPECS[kind]))


def test_volumes_months_and_force_spellings(tmp_path):
    frame = read_extract(write_extract(tmp_path / "v.csv", EXTRACTS["volumes"])).frame
    got = {(r.force, r.area, r.measure, str(r.month)): r.count for r in frame.itertuples()}
    assert got == {("Warwickshire", "Force", "knife_crime", "2023-04"): 41,
                   ("Warwickshire", "Force", "knife_crime", "2023-05"): 50,
                   ("Warwickshire", "North", "knife_crime", "2023-05"): 20,
                   ("Warwickshire", "Force", "homicide", "2023-05"): 0}


def test_xlsx_date_cells_are_months(tmp_path):
    path = tmp_path / "v.xlsx"
    pd.DataFrame({"Force": ["Warwickshire"], "Area": ["South"], "Measure": ["vehicle_crime"],
                  "Month": [pd.Timestamp("2023-06-01")], "Count": [126]}).to_excel(path, index=False)
    frame = read_extract(path).frame
    assert (str(frame["month"].item()), frame["count"].item()) == ("2023-06", 126)


def test_population_and_msg_values(tmp_path):
    pop = read_extract(write_extract(tmp_path / "p.csv", EXTRACTS["population"])).frame
    assert dict(zip(pop.force, pop.population, strict=True)) == {"Warwickshire": 606800, "West Mercia": 1300000}
    msg = read_extract(write_extract(tmp_path / "m.csv", EXTRACTS["msg"])).frame
    assert msg["peer"].tolist() == ["West Mercia", "Wiltshire"]


def test_explicit_kind_and_unknown_kind(tmp_path):
    path = write_extract(tmp_path / "o.csv", EXTRACTS["outcomes"])
    assert read_extract(path, kind="outcomes").kind == "outcomes"
    with pytest.raises(ConfigError, match="unknown extract kind 'crimes'"):
        read_extract(path, kind="crimes")


def test_cp1252_needs_to_be_asked_for(tmp_path):
    path = tmp_path / "v.csv"
    text = csv_text([["force", "area", "measure", "month", "count"],
                     ["Warwickshire", "Nuneaton – Bedworth", "knife_crime", "2023-05", "3"]])
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(Exception, match="not UTF-8 text"):
        read_extract(path)
    frame = read_extract(path, encoding="cp1252").frame
    assert frame["area"].item() == "Nuneaton – Bedworth"


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(csv_text(EXTRACTS["volumes"]).encode("utf-8-sig"))
    assert read_extract(path).rows_loaded == 4


def test_detect_format_and_read_any(tmp_path):
    write_police_uk_zip(tmp_path / "archive.zip")
    write_police_uk_folder(tmp_path / "unzipped")
    renamed = tmp_path / "street-may.csv"
    renamed.write_bytes((tmp_path / "unzipped" / "2023-05" / "2023-05-warwickshire-street.csv").read_bytes())
    cases = {
        tmp_path / "archive.zip": ("police_uk", ["volumes", "outcomes"]),
        tmp_path / "unzipped": ("police_uk", ["volumes", "outcomes"]),
        tmp_path / "unzipped" / "2023-05" / "2023-05-warwickshire-outcomes.csv": ("police_uk", ["outcomes"]),
        renamed: ("police_uk", ["volumes"]),
        write_home_office(tmp_path / "ho.xlsx"): ("home_office", ["quarterly"]),
        write_home_office(tmp_path / "ho.ods"): ("home_office", ["quarterly"]),
        write_ons_p1(tmp_path / "p1.csv"): ("ons_pfa_table", ["period_counts"]),
        write_extract(tmp_path / "s.csv", EXTRACTS["survey"]): ("extract", ["survey"]),
        write_extract(tmp_path / "m.xlsx", EXTRACTS["msg"]): ("extract", ["msg"]),
    }
    for path, (fmt, kinds) in cases.items():
        assert detect_format(path) == fmt, path
        assert [r.kind for r in read_any(path)] == kinds, path


@pytest.mark.parametrize("column, value, reason", [
    ("dont_know", "-1", "negative count '-1'"),
    ("dont_know", "1.5", "'1.5' is not a whole number"),
    ("dont_know", "x", "'x' is not a number"),
    ("responses", "-3", "negative count '-3'"),
    ("satisfied", "2.5", "'2.5' is not a whole number"),
    ("satisfied", "41", "satisfied (41) is greater than responses (38)"),
    # responses counts every response, "don't know" included: satisfied + dont_know may not exceed it
    ("dont_know", "10", "satisfied (29) + dont_know (10) is greater than responses (38)"),
])
def test_bad_survey_counts_are_rejected_with_file_line_and_column(tmp_path, column, value, reason):
    rows = [list(r) for r in EXTRACTS["survey"]]
    rows[2][rows[0].index(column)] = value  # the second data row: line 3 of the file
    path = write_extract(tmp_path / "s.csv", rows)
    result = read_extract(path)
    assert (result.rows_in, result.rows_loaded) == (2, 1)
    assert [(r.file, r.line, r.column, r.reason) for r in result.rejected] == [(str(path), 3, column, reason)]


@pytest.mark.parametrize("responses, satisfied, dont_know, reason", [
    ("38", "29", "9", None),  # 29 + 9 = 38: every response is satisfied or "don't know"
    ("38", "0", "38", None),  # all "don't know": no valid response, still a row
    ("38", "29", "10", "satisfied (29) + dont_know (10) is greater than responses (38)"),
    ("38", "37", "2", "satisfied (37) + dont_know (2) is greater than responses (38)"),
    ("30", "29", "2", "satisfied (29) + dont_know (2) is greater than responses (30)"),
    ("0", "0", "1", "satisfied (0) + dont_know (1) is greater than responses (0)"),
    ("1,000", "990", "11", "satisfied (990) + dont_know (11) is greater than responses (1000)"),
    ("38", "39", "0", "satisfied (39) is greater than responses (38)"),  # named on satisfied, as before
])
def test_satisfied_plus_dont_know_may_not_exceed_responses(tmp_path, responses, satisfied, dont_know, reason):
    """``responses`` counts every response, "don't know" included (valid responses = responses - dont_know)."""
    rows = [list(r) for r in EXTRACTS["survey"]]
    header = rows[0]
    for column, value in (("responses", responses), ("satisfied", satisfied), ("dont_know", dont_know)):
        rows[2][header.index(column)] = value  # the second data row: line 3 of the file
    path = write_extract(tmp_path / "s.csv", rows)
    result = read_extract(path)
    if reason is None:
        assert (result.rows_loaded, result.rejected) == (2, [])
    else:
        column = "satisfied" if "+" not in reason else "dont_know"
        assert result.rows_loaded == 1
        assert [(r.file, r.line, r.column, r.reason) for r in result.rejected] == [(str(path), 3, column, reason)]


def _write_volumes_workbook(path):
    rows = EXTRACTS["volumes"]
    engine = "odf" if path.suffix == ".ods" else "openpyxl"
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False, engine=engine)
    return path


@pytest.mark.parametrize("write", [_write_volumes_workbook, write_home_office], ids=["extract", "home_office"])
@pytest.mark.parametrize("suffix", ["ods", "xlsx"])
def test_a_workbook_is_parsed_once_when_its_format_is_told_and_it_is_read(tmp_path, monkeypatch, write, suffix):
    # issue 17: read_any's detection and the reader share one parse of the workbook (an ODS by pandas' odf
    # engine; an XLSX opened once by openpyxl, its first rows streamed, the rest read from the same workbook)
    import openpyxl

    path = write(tmp_path / f"table.{suffix}")
    (expected,) = read_any(path)
    parses = []
    module, name = (pd, "read_excel") if suffix == "ods" else (openpyxl, "load_workbook")
    real = getattr(module, name)

    def counted(*args, **kwargs):
        parses.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    (result,) = read_any(path)
    assert len(parses) == 1
    pd.testing.assert_frame_equal(result.frame, expected.frame)
    assert (result.rows_in, result.rejected, result.notes) == (expected.rows_in, expected.rejected, expected.notes)
