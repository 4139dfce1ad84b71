"""Home Office open data tables: CSV, XLSX and ODS read alike; counts stay quarterly; codes expand to measures; the
tables as published (repeated additive keys, padded numbers, fraud bodies, adjustments, typed codes) load whole."""

import openpyxl
import pandas as pd
import pytest
from fixtures_io import HO_HEADER, csv_text, ho_rows, write_home_office
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli_ingest import ncpm

from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.core.forces import find_force
from ncpm.io.homeoffice import read_home_office
from ncpm.io.store import read_store


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


# ---------------------------------------------------------------------------------------------------- as published
# The layout of the Home Office "Police recorded crime open data tables" (PFA level): a combined homicide code with one
# row per underlying offence, every Number of Offences padded with spaces, the Home Office's force spellings, the
# national fraud bodies and British Transport Police in the Force Name column, and negative adjustments.
HOMICIDE = [("Murder", " 3 "), ("Manslaughter", " 1 "), ("Corporate manslaughter", " 0 "), ("Infanticide", " 0 ")]
PUBLISHED_FORCES = ["Avon & Somerset", "London, City of", "Metropolitan Police", "Devon & Cornwall", "Dyfed-Powys",
                    "Gwent"]
FRAUD_BODIES = ["Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK"]


def published_rows(year="2017/18", quarters=("1", "Q2")) -> list[list[str]]:
    rows = []
    for q in quarters:
        for force in PUBLISHED_FORCES:
            for desc, n in HOMICIDE:
                rows.append([year, q, force, desc, "Violence against the person", "Homicide", "1/4.1/4.10/4.2", n])
            rows.append([year, q, force, "Theft from the person", "Theft offences", "Theft from the person", "39",
                         " 66,776 " if force == "Metropolitan Police" else " 12 "])
            rows.append([year, q, force, "Burglary - residential", "Burglary", "Residential burglary", "28E",
                         " -2 " if force == "Gwent" else " 40 "])
        for body in FRAUD_BODIES:
            rows.append([year, q, body, f"Fraud: {body}", "Fraud offences", f"Fraud: {body}", "53A", " 20000 "])
        rows.append([year, q, "British Transport Police", "Theft from the person", "Theft offences",
                     "Theft from the person", "39", " 5 "])
    return rows


@pytest.fixture
def published(tmp_path):
    return write_home_office(tmp_path / "prc-pfa-mar2013-onwards-tables.csv", published_rows())


def test_a_published_table_loads_whole(published):
    result = read_home_office(published)
    rows = published_rows()
    # per quarter: 6 forces x (4 homicide + 2) rows, 4 fraud bodies, BTP; the 4 homicide rows of a force sum to 1
    assert result.rows_in == len(rows) == 2 * (6 * 6 + 4 + 1)
    assert result.problems == []
    assert result.rows_skipped == 2 * 5 and result.summed == 2 * 6 * 3
    assert result.rows_in == result.rows_loaded + result.rows_rejected + result.summed
    assert result.rows_loaded == 2 * 6 * 3
    assert sorted(result.frame["force"].unique()) == ["Avon and Somerset", "City of London", "Devon and Cornwall",
                                                      "Dyfed-Powys", "Gwent", "Metropolitan Police"]


def test_repeated_combined_code_rows_are_summed_into_the_homicide_measure(published):
    frame = read_home_office(published).frame.set_index(["force", "measure", "quarter"])
    assert frame.loc[("Avon and Somerset", "homicide", "Q1 2017/18"), "count"] == 3 + 1 + 0 + 0
    assert frame.loc[("Avon and Somerset", "homicide", "Q2 2017/18"), "offence_code"] == "1/4.1/4.10/4.2"
    assert frame.loc[("Metropolitan Police", "theft_from_person", "Q1 2017/18"), "count"] == 66776


def test_what_was_summed_skipped_and_negative_is_said(published):
    result = read_home_office(published)
    summed, negative = result.notes
    assert summed.startswith("48 rows with a repeated force, quarter and offence code summed into 12 ")
    assert "e.g. Avon and Somerset, Q1 2017/18, code 1/4.1/4.10/4.2: rows 2, 3, 4, 5)" in summed
    assert negative.startswith("2 rows with a negative Number of Offences (published adjustments), loaded as "
                               "published: rows ")
    gwent = result.frame.query("force == 'Gwent' and offence_code == '28E'")
    assert set(gwent["count"]) == {-2} and set(gwent["measure"]) == {"burglary", "burglary_residential"}
    skipped = {r.reason for r in result.rejected}
    assert all(r.expected and r.column == "Force Name" for r in result.rejected)
    assert skipped == {f"not a police force area ({b}: a national fraud reporting body)" for b in FRAUD_BODIES} | {
        "not a territorial police force area (British Transport Police)"}


@pytest.mark.parametrize("code, measures", [
    ("1/4.1/4.10/4.2", ["homicide"]),        # every part is homicide
    ("28E/28F", ["burglary_residential", "burglary"]),
    ("28E/30C", ["burglary"]),               # 30C is not residential, so the combination counts only in burglary
    ("39/8M", ["ho:39/8M"]),                 # 8M counts in no measure: the combination is kept under its code
])
def test_a_combined_code_counts_towards_the_measures_of_all_its_parts(tmp_path, code, measures):
    rows = [["2023/24", "1", "Kent", "", "", "", f" {code.replace('/', ' / ')} ", "4"]]
    frame = read_home_office(write_home_office(tmp_path / "ho.csv", rows)).frame
    assert sorted(frame["measure"]) == sorted(measures) and set(frame["offence_code"]) == {code}


def test_identical_rows_in_one_sheet_are_summed_too(tmp_path):
    """Two underlying offences can have the same description and count: in one sheet a repeated key is additive."""
    rows = [["2017/18", "1", "Kent", "Homicide", "", "", "1/4.1/4.10/4.2", "0"],
            ["2017/18", "1", "Kent", "Homicide", "", "", "1/4.1/4.10/4.2", "2"],
            ["2017/18", "1", "Kent", "Homicide", "", "", "1/4.1/4.10/4.2", "2"]]
    result = read_home_office(write_home_office(tmp_path / "ho.csv", rows))
    assert (result.rows_in, result.rows_loaded, result.summed, result.rejected) == (3, 1, 2, [])
    assert result.frame["count"].tolist() == [4]
    assert result.notes[0].endswith("; 1 of them repeat an earlier row exactly")


def test_decimal_text_codes_are_whole_codes(tmp_path):
    rows = [["2023/24", "1", "Kent", "", "", "", "39.00", "4"], ["2023/24", "1", "Kent", "", "", "", "37.2", "1"]]
    result = read_home_office(write_home_office(tmp_path / "ho.csv", rows))
    assert sorted(result.frame["offence_code"]) == ["37.2", "39"]
    assert result.notes == ["Offence Code: 1 code written as decimal numbers (39.00) read as whole codes (39): row 2"]


def _typed_workbook(path):
    """A workbook as saved by hand: some offence codes typed as numbers (4.10 became 4.1; 39 and 8.0 numbers)."""
    wb = openpyxl.Workbook()
    wb.active.title = "Introduction"
    wb.active.append(["Police recorded crime open data tables, police force area"])
    sheet = wb.create_sheet("2017-18")
    sheet.append(HO_HEADER)
    for row in (["2017/18", 1, "Kent", "Corporate manslaughter", "", "Homicide", "4.10", 1],
                ["2017/18", 1, "Surrey", "Corporate manslaughter", "", "Homicide", 4.1, 2],  # by its description
                ["2017/18", 1, "Surrey", "Manslaughter", "", "Homicide", 4.1, 3],  # 4.1 or 4.10: homicide either way
                ["2017/18", 1, "Surrey", "Theft from the person", "", "", 39, 66776.0],
                ["2017/18", 1, "Surrey", "Aggravated vehicle taking", "", "", 37.2, 5],
                ["2017/18", 1, "Kent", "Harassment", "", "", 8.0, 7]):
        sheet.append(row)
    wb.save(path)
    return path


def test_offence_codes_typed_as_numbers_are_noticed_and_read_back(tmp_path):
    path = _typed_workbook(tmp_path / "ho.xlsx")
    result = read_home_office(path)
    assert (result.rows_in, result.rows_loaded, result.rejected) == (6, 6, [])
    got = {(r.force, r.offence_code): r.count for r in result.frame.itertuples() if r.measure != "burglary"}
    assert got == {("Kent", "4.10"): 1, ("Surrey", "4.10"): 2, ("Surrey", "4.1"): 3, ("Surrey", "39"): 66776,
                   ("Surrey", "37.2"): 5, ("Kent", "8"): 7}
    notes = "\n".join(result.notes)
    assert "Offence Code: 2 cells holding a number, not text, read as the codes 8, 39: rows 5, 7 of sheet '2017-18'" \
        in notes
    assert ("Offence Code: 1 cell holding a decimal number, not text (4.1 -> 4.10), read by the code its Offence "
            "Description has elsewhere in the table: row 3 of sheet '2017-18'") in notes
    assert "(4.1 -> 4.1), read as written, though it could be 4.1 or 4.10" in notes
    assert "(37.2 -> 37.2), read as the only known code it can be: row 6 of sheet '2017-18'" in notes


def test_a_typed_number_that_could_be_codes_of_different_measures_is_rejected(tmp_path):
    path = tmp_path / "ho.xlsx"
    rows = [["2023/24", 1, "Kent", "a", "", "", "5.10", 1], ["2023/24", 1, "Kent", "b", "", "", "5.1", 1],
            ["2023/24", 1, "Surrey", "c", "", "", 5.1, 1]]
    pd.DataFrame(rows, columns=HO_HEADER, dtype=object).to_excel(path, index=False, sheet_name="Data")
    result = read_home_office(path)
    assert [str(r) for r in result.problems] == [
        f"{path} [Data], row 4, column Offence Code: offence code typed as the number 5.1 could be 5.1 or 5.10, "
        "which count towards different measures; store the code as text"]
    assert result.rows_in == result.rows_loaded + result.rows_rejected + result.summed


def test_an_ods_table_with_numeric_cells_reads_like_the_csv(tmp_path, published):
    rows = [[*r[:7], int(r[7].replace(",", ""))] for r in published_rows()]
    rows[0][1] = 1  # the quarter as a number cell
    path = write_home_office(tmp_path / "prc.ods", rows)
    ods, csv = read_home_office(path), read_home_office(published)
    pd.testing.assert_frame_equal(ods.frame, csv.frame)
    assert (ods.rows_in, ods.rows_loaded, ods.summed, ods.rows_skipped) == (csv.rows_in, csv.rows_loaded,
                                                                             csv.summed, csv.rows_skipped)


def test_ods_offence_code_typed_as_a_number(tmp_path):
    rows = [["2017/18", "1", "Kent", "Corporate manslaughter", "", "", "4.10", 1],
            ["2017/18", "2", "Kent", "Corporate manslaughter", "", "", 4.1, 2]]
    result = read_home_office(write_home_office(tmp_path / "ho.ods", pd.DataFrame(rows, dtype=object).values.tolist()))
    assert result.frame.set_index("quarter")["offence_code"].to_dict() == {"Q1 2017/18": "4.10", "Q2 2017/18": "4.10"}
    assert any("(4.1 -> 4.10)" in n and "row 3 of sheet 'Data'" in n for n in result.notes)


def test_sheets_that_disagree_on_a_key_are_an_error(tmp_path):
    path = tmp_path / "ho.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame(ho_rows()[:2], columns=HO_HEADER).to_excel(writer, sheet_name="A", index=False)
        pd.DataFrame([[*ho_rows()[0][:7], 99]], columns=HO_HEADER).to_excel(writer, sheet_name="B", index=False)
    with pytest.raises(InputError, match=r"\[B\], row 2, column Number of Offences: same key as row 2 of .*\[A\]"):
        read_home_office(path)


@pytest.mark.parametrize("text, number", [("1", 1), ("Q4", 4), ("q 2", 2), ("Quarter 3", 3), ("Q1 (Apr-Jun)", 1)])
def test_quarter_forms(tmp_path, text, number):
    rows = [["2017/18", text, "Kent", "", "", "", "39", "1"]]
    frame = read_home_office(write_home_office(tmp_path / "ho.csv", rows)).frame
    assert frame["quarter"].tolist() == [f"Q{number} 2017/18"]


def test_ingest_and_validate_a_published_table_exit_0(published, tmp_path):
    done = ncpm("ingest", published, "--out", tmp_path / "store", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (f"{published} [home_office, quarterly]: 82 rows in, 36 loaded, 0 rejected, 10 skipped (by design), "
            "36 summed into rows with the same key") in done.stdout
    assert "note: 48 rows with a repeated force, quarter and offence code summed into 12" in done.stdout
    assert "note: 2 rows with a negative Number of Offences (published adjustments)" in done.stdout
    assert f"skipped: {published}, row 38, column Force Name: not a police force area (Action Fraud: a national " \
           "fraud reporting body)" in done.stdout
    assert "traceback" not in (done.stdout + done.stderr).lower()
    store = read_store(tmp_path / "store", "quarterly")
    assert store["count"].min() == -2 and len(store) == len(read_home_office(published).frame)
    done = ncpm("validate", published)
    assert done.returncode == 0 and done.stdout.strip().endswith("clean"), done.stdout


def test_other_spellings_of_the_identifying_columns(tmp_path):
    header = ["Year", "Quarter", "Force", "Offence Description", "Offence Code", "Number of offences"]
    rows = [["2017/18", "Q1", "London, City of", "Theft from the person", "39", " 7 "],
            ["2017/18", "Q1", "Gotham", "Theft from the person", "39", " 7 "]]
    result = read_home_office(write_home_office(tmp_path / "ho.csv", rows, header=header))
    assert result.frame[["force", "quarter", "count"]].values.tolist() == [["City of London", "Q1 2017/18", 7]]
    assert [str(r) for r in result.rejected] == [f"{tmp_path / 'ho.csv'}, row 3, column Force: unknown force 'Gotham'"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(published_rows()))), drop=st.sets(st.integers(0, 81), max_size=20))
def test_rows_in_is_loaded_plus_rejected_plus_summed_in_any_order(tmp_path, order, drop):
    rows = [published_rows()[i] for i in order if i not in drop]
    result = read_home_office(write_home_office(tmp_path / "ho.csv", rows))
    assert result.rows_in == len(rows) == result.rows_loaded + result.rows_rejected + result.summed
    assert result.rows_loaded == len(result.frame.drop_duplicates(["force", "offence_code", "quarter"]))
    expected = {}
    for r in rows:  # the frame's counts are the sums of the table's rows, whatever their order
        force = find_force(r[2])
        if force and force != "British Transport Police":
            key = (force, r[6], f"Q{r[1][-1]} {r[0]}")
            expected[key] = expected.get(key, 0) + int(r[7].strip().replace(",", ""))
    got = result.frame.drop_duplicates(["force", "offence_code", "quarter"]).set_index(
        ["force", "offence_code", "quarter"])["count"].to_dict()
    assert got == expected


def test_a_home_office_csv_has_its_own_size_limit_above_an_extracts(tmp_path, monkeypatch):
    # every year since 2012/13 in one CSV is about 40 MiB: over TABLE_BYTES, so the Home Office reader has its own
    from ncpm.io import homeoffice, limits

    assert homeoffice.PRC_TABLE_BYTES > limits.TABLE_BYTES
    path = write_home_office(tmp_path / "prc.csv")
    assert read_home_office(path).rows_in == len(ho_rows())
    monkeypatch.setattr(homeoffice, "PRC_TABLE_BYTES", 100)
    with pytest.raises(InputError, match=r"over the 100 read whole .*PRC_TABLE_BYTES"):
        read_home_office(path)
