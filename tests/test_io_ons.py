"""ONS police force area tables (P1): title rows, multi-line headers, thousands, notes, regions told from forces."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from fixtures_io import write_ons_p1

from ncpm import schema
from ncpm.io.ons import NOT_A_FORCE, NOT_TERRITORIAL, read_ons_pfa_table

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ons-pfa-tables" / \
    "ons_pfa_table_P1_ye_jun2025.csv"


def _count(frame, force, measure):
    return frame[(frame.force == force) & (frame.measure == measure)]["count"].item()


def test_p1_fixture(tmp_path):
    path = write_ons_p1(tmp_path / "p1.csv")
    result = read_ons_pfa_table(path)
    frame = result.frame
    assert (result.kind, result.format) == ("period_counts", "ons_pfa_table")
    assert list(frame.columns) == schema.PERIOD_COUNTS.columns
    assert set(frame["force"]) == {"Warwickshire", "West Midlands", "Metropolitan Police", "Humberside",
                                   "South Wales"}
    assert (frame["period_start"].astype(str).unique().tolist(), frame["period_end"].astype(str).unique().tolist()) \
        == (["2024-07"], ["2025-06"])
    assert _count(frame, "Warwickshire", "vehicle_crime") == 3790  # "3,790 " with a trailing space
    assert _count(frame, "Warwickshire", "theft_from_person") == 226
    assert _count(frame, "Warwickshire", "ons:total_recorded_crime_excluding_fraud") == 39348  # multi-line header
    assert _count(frame, "Warwickshire", "ons:shoplifting") == 3434
    # West Midlands: the region row (E12000005) is rejected, the force row (E23000014) loaded
    assert _count(frame, "West Midlands", "vehicle_crime") == 25000
    assert _count(frame, "Humberside", "homicide") == 4  # "Humberside [note 4]"
    # the header starts on line 5 and its multi-line cell ends on line 7, so the data rows start on line 8
    assert [(r.line, r.column, r.reason) for r in result.rejected] == [
        (8, "Area Code", NOT_A_FORCE), (9, "Area Code", NOT_A_FORCE), (10, "Area Code", NOT_A_FORCE),
        (13, "Area Code", NOT_A_FORCE), (16, "Area Code", NOT_A_FORCE), (18, "Area Name", NOT_TERRITORIAL)]
    assert (result.rows_in, result.rows_loaded, len(frame)) == (11, 5, 5 * 6)


def test_p1_as_a_workbook_sheet(tmp_path):
    csv_path = write_ons_p1(tmp_path / "p1.csv")
    with csv_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    path = tmp_path / "p1.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame([["Contents"]]).to_excel(writer, sheet_name="Cover", index=False, header=False)
        pd.DataFrame(rows).to_excel(writer, sheet_name="Table P1", index=False, header=False)
    result = read_ons_pfa_table(path)
    pd.testing.assert_frame_equal(result.frame, read_ons_pfa_table(csv_path).frame)
    assert result.rejected[0].file == f"{path} [Table P1]"


@pytest.mark.skipif(not REAL.is_file(), reason="shared/data/ons-pfa-tables is absent")
def test_real_p1_year_ending_june_2025():
    result = read_ons_pfa_table(REAL)
    frame = result.frame
    assert _count(frame, "Warwickshire", "vehicle_crime") == 3790
    assert _count(frame, "Warwickshire", "theft_from_person") == 226
    assert str(frame["period_start"].iloc[0]) == "2024-07" and str(frame["period_end"].iloc[0]) == "2025-06"
    assert frame["force"].nunique() == 43
    assert _count(frame, "West Midlands", "vehicle_crime") != _count(frame, "West Midlands", "homicide")
    # 12 region and national rows (K04, E92, nine E12, W92) and BTP: rejected by design, counted in rows_in
    reasons = pd.Series([r.reason for r in result.rejected]).value_counts().to_dict()
    assert reasons == {NOT_A_FORCE: 12, NOT_TERRITORIAL: 1}
    assert (result.rows_in, result.rows_loaded) == (56, 43)
