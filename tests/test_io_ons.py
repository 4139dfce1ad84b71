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


C2_HEADER = ["Police Force\nArea code", "Police Force\nArea name", "Community Safety\nPartnership code",
             "Community Safety\nPartnership name", "Local Authority code", "Local Authority name",
             "Total recorded crime\n (excluding fraud)", "Vehicle offences", "Theft from the person"]


def write_ons_c2(path):
    """A Table C2 in the published layout (own numbers): title rows, a multi-line header, a force total row, its
    CSPs (one a combined authority with no LA code), an unassigned row, and a second force."""
    rows = [["Table C2: Number of police recorded crimes for headline offences by Community Safety Partnership "
             "area, England and Wales, year ending June 2025 [note 1]"] + [""] * 8,
            ["Source: Police recorded crime from the Home Office"] + [""] * 8,
            C2_HEADER,
            ["E23000017", "Warwickshire", "", "", "", "", "40,000 ", "3,800 ", "230 "],
            ["E23000017", "Warwickshire", "E22000319", "North Warwickshire", "E07000218", "North Warwickshire",
             "4,000 ", "700 ", "20 "],
            ["E23000017", "Warwickshire", "E22000359", "South Warwickshire", "Combined Local Authorities", "",
             "35,990 ", "3,090 ", "210 "],
            ["E23000017", "Warwickshire", "", "Unassigned Warwickshire", "", "", "10 ", "10 ", "0 "],
            ["E23000014", "West Midlands", "", "", "", "", "300,000 ", "25,000 ", "4,000 "],
            ["E23000014", "West Midlands", "E22000001", "Birmingham [note 2]", "E08000025", "Birmingham",
             "300,000 ", "25,000 ", "4,000 "]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_c2_by_community_safety_partnership(tmp_path):
    from ncpm.io.detect import detect_format

    path = write_ons_c2(tmp_path / "c2.csv")
    assert detect_format(path) == "ons_pfa_table"
    result = read_ons_pfa_table(path)
    f = result.frame
    assert (result.rows_in, result.rows_loaded, result.rejected) == (6, 6, [])
    vehicle = f[f["measure"] == "vehicle_crime"].set_index(["force", "area"])["count"]
    assert vehicle.to_dict() == {("Warwickshire", "Force"): 3800, ("Warwickshire", "North Warwickshire"): 700,
                                 ("Warwickshire", "South Warwickshire"): 3090,
                                 ("Warwickshire", "Unassigned Warwickshire"): 10,
                                 ("West Midlands", "Birmingham"): 25000, ("West Midlands", "Force"): 25000}
    assert set(f["period_end"].astype(str)) == {"2025-06"}
    assert list(f.columns) == schema.PERIOD_COUNTS.columns  # the local authority columns are not kept


@pytest.mark.skipif(not (REAL.parent / "ons_csp_table_C2_ye_jun2025.csv").is_file(),
                    reason="shared/data/ons-pfa-tables is absent")
def test_real_c2_year_ending_june_2025():
    real = REAL.parent / "ons_csp_table_C2_ye_jun2025.csv"
    result = read_ons_pfa_table(real)
    f = result.frame
    assert f["force"].nunique() == 43
    w = f[(f["force"] == "Warwickshire") & (f["measure"] == "vehicle_crime")].set_index("area")["count"]
    assert w["Force"] == 3790 == _count(read_ons_pfa_table(REAL).frame, "Warwickshire", "vehicle_crime")
    assert w.drop("Force").sum() == w["Force"]  # North Warwickshire ... Unassigned Warwickshire add up
    assert set(w.index) == {"Force", "North Warwickshire", "Nuneaton and Bedworth", "Rugby", "South Warwickshire",
                            "Unassigned Warwickshire"}
    # one row in the published file has a Sussex code, a Surrey name and no numbers: listed, not dropped
    assert result.rows_in == result.rows_loaded + len(result.rejected) == 399
    assert [(r.line, r.reason) for r in result.rejected] == [(344, "missing value")]
