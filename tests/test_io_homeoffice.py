"""Home Office open data tables: CSV, XLSX and ODS read alike; counts stay quarterly; codes expand to measures."""

import pandas as pd
import pytest
from fixtures_io import HO_HEADER, csv_text, ho_rows, write_home_office

from ncpm import schema
from ncpm.io.homeoffice import read_home_office


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ho")
    return {suffix: read_home_office(write_home_office(folder / f"prc-pfa.{suffix}")) for suffix in
            ("csv", "xlsx", "ods")}


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "ods"])
def test_every_format_gives_the_same_frame(tables, suffix):
    result = tables[suffix]
    assert (result.kind, result.format) == ("quarterly", "home_office")
    assert (result.rows_in, result.rows_loaded, result.rejected) == (16, 16, [])
    pd.testing.assert_frame_equal(result.frame, tables["csv"].frame)


def test_quarters_stay_quarters_and_codes_expand_to_measures(tables):
    frame = tables["csv"].frame
    assert list(frame.columns) == schema.QUARTERLY.columns
    assert sorted(frame["quarter"].unique()) == ["Q1 2023/24", "Q2 2023/24"]
    warwickshire_q1 = frame[(frame.force == "Warwickshire") & (frame.quarter == "Q1 2023/24")]
    got = {(r.measure, r.offence_code): r.count for r in warwickshire_q1.itertuples()}
    # from ho_rows(): count = 10 * (code position + 1) + quarter + force position
    assert got == {("burglary_residential", "28E"): 11, ("burglary", "28E"): 11, ("theft_from_person", "39"): 21,
                   ("vehicle_crime", "37.2"): 31, ("ho:8M", "8M"): 41}
    # each table row appears once per measure: 28E twice, the others once
    assert len(frame) == 16 + 4


def test_header_tolerates_case_spaces_underscores_and_title_rows(tmp_path):
    header = ["financial_year", "FINANCIAL QUARTER", " Force  Name", "Offence_Description", "offence group",
              "Offence Subgroup", "OffenceCode", "number_of_offences"]
    path = tmp_path / "ho.csv"
    path.write_text(csv_text([["Police recorded crime open data table"], [], header, *ho_rows()]), encoding="utf-8")
    result = read_home_office(path)
    assert (result.rows_in, result.rows_loaded) == (16, 16)
    assert result.frame["count"].sum() == read_home_office(write_home_office(tmp_path / "b.csv")).frame[
        "count"].sum()


def test_quarter_forms_and_force_spellings(tmp_path):
    rows = [["2022-23", "Q4", "Avon & Somerset Constabulary", "", "", "", "39", "7"],
            ["2022/2023", "3", "Metropolitan Police Service", "", "", "", "39", "1,204"]]
    result = read_home_office(write_home_office(tmp_path / "ho.csv", rows))
    got = {(r.force, r.quarter): r.count for r in result.frame.itertuples()}
    assert got == {("Avon and Somerset", "Q4 2022/23"): 7, ("Metropolitan Police", "Q3 2022/23"): 1204}


def test_sheets_of_a_workbook_are_read_together(tmp_path):
    path = tmp_path / "ho.xlsx"
    rows = ho_rows()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame([["Police recorded crime by force area"]]).to_excel(writer, sheet_name="Introduction",
                                                                         index=False, header=False)
        pd.DataFrame(rows[:8], columns=HO_HEADER).to_excel(writer, sheet_name="2023-24 Q1", index=False)
        pd.DataFrame(rows[8:], columns=HO_HEADER).to_excel(writer, sheet_name="2023-24 Q2", index=False)
    result = read_home_office(path)
    assert (result.rows_in, result.rows_loaded) == (16, 16)
    assert sorted(result.frame["quarter"].unique()) == ["Q1 2023/24", "Q2 2023/24"]


def test_duplicate_across_sheets_names_the_sheet(tmp_path):
    path = tmp_path / "ho.xlsx"
    rows = ho_rows()[:2]
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame(rows, columns=HO_HEADER).to_excel(writer, sheet_name="A", index=False)
        pd.DataFrame(rows[:1], columns=HO_HEADER).to_excel(writer, sheet_name="B", index=False)
    result = read_home_office(path)
    assert [str(r) for r in result.rejected] == [f"{path} [B], row 2: duplicate of row 2 of {path} [A]"]
    assert (result.rows_in, result.rows_loaded) == (3, 2)
