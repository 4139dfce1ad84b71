"""ONS police force area tables (P1): title rows, multi-line headers, thousands, notes, regions told from forces."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from fixtures_io import write_ons_p1

from ncpm.core import schema
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


# ---------------------------------------------------------------------------------------------------------------
# Workbooks in the published layouts of the 2018-2019 editions (own numbers): footnote markers glued to the title's
# two-digit year, to headers and to names; the total on a header row of its own; spacer columns; a units row; a
# force with no figures ('..'); a "Correction" sheet first; sheet names with trailing spaces; tables of changes,
# rates and knife crime beside the counts.

P1_TITLE = ("Table P1:  Police recorded crime by offence group and police force area, English regions and Wales, "
            "number of offences, year ending March 181,2,3")
P1_GROUPS = ["Violence against the person4", "Homicide", "Residential burglary6,7", "Vehicle offences",
             "Stalking and harassment 5", "", "Drug offences"]  # the blank one is a spacer column
P1_ROWS = [
    ["K04000001", "ENGLAND AND WALES8", 4000, None, 1000, 7, 300, 500, 90, None, 60],
    ["E12000005", "West Midlands9", 3000, None, 800, 5, 200, 400, 70, None, 40],
    ["E23000017", "Warwickshire", 41443, None, 11939, 11, 2106, 3100, 2473, None, 612],
    ["E23000005", "Greater Manchester8,9", "..", "..", "..", "..", "..", "..", "..", "..", ".."],
    ["E23000014", "West Midlands", 250000, None, 60000, 40, 9000, 25000, 8000, None, 4000],
    ["W15000003", "South Wales", 100000, None, 30000, "[x]", 4000, 7000, 6000, None, 3000],
    [None, "British Transport Police", 59785, None, 10803, 5, 3, 1173, 153, None, 1516],
]


def p1_sheet(title=P1_TITLE, rows=P1_ROWS):
    """Table P1 as published: title, a blank row, the geography, the total's header one row above the others,
    a units row, the data, then the source and the notes."""
    return [[title], [], ["England and Wales"],
            [None, None, "Total recorded crime (excluding fraud4)", None, "Victim-based crime", None, None, None,
             None, None, "Other crimes against society"],
            ["Area Code", "Area Name", None, None, *P1_GROUPS],
            [None, None, "Numbers"],
            *rows,
            ["Source: Police recorded crime, Home Office"],
            ["1. Police recorded crime data are not designated as National Statistics."],
            ["8. Includes British Transport Police."]]


def p3_sheet():
    """Table P3 as published: the mid-year population (rounded to 100) beside the rates per 1,000."""
    return [["Table P3:  Police recorded crime by offence group and police force area, English regions and Wales, "
             "rate of offences, year ending March 20181,2,3"], [], ["England and Wales"],
            [None, None, None, None, None, None, None, "Victim-based crime"],
            ["Area Code", "Area Name", "Population figures\n (mid-2016)4  rounded to 100",
             "Household figures\n (mid-2016)5  rounded to 100 ", None, "Total recorded crime (excluding fraud6)", None,
             "Homicide"],
            [None, None, None, None, None, "Rate per 1,000 population"],
            ["K04000001", "ENGLAND AND WALES11", 58381200, 24570500, None, 83.5, None, 0.01],
            ["E23000017", "Warwickshire", 559000, 239100, None, 74.1, None, 0.02],
            ["E23000005", "Greater Manchester10,11", "..", "..", None, "..", None, ".."],
            ["E23000034", "City of London14", 7200, 5000, None, "+", None, "+"],
            ["E23000014", "West Midlands", 2897300, 1100000, None, 86.3, None, 0.01],
            ["Source: Police recorded crime, Home Office"],
            ["4. Based on mid-2016 population estimates for England and Wales."]]


def change_sheet():
    """Table P2 (percentage change): the same header as P1, so only its title tells it apart."""
    rows = p1_sheet(title="Table P2:  Police recorded crime by offence group and police force area, percentage "
                          "change, year ending March 2017 compared with year ending March 20181,2,3")
    return [[(3 if isinstance(v, int) else v) for v in r] for r in rows]


def knife_sheet():
    return [["Table P4:  Knife and sharp instrument offences recorded by the police for selected offences, by "
             "police force area, year ending March 20181,2,3"], [],
            [None, None, "Total of selected serious offences", None, "Robbery"],
            ["Area Code", "Area Name", "Number of\n offences\n involving a\n knife5", "% involving a knife",
             "Number of\n offences\n involving a\n knife5", "% involving a knife"],
            ["E23000017", "Warwickshire", 300, 2.1, 100, 20.0]]


def write_workbook(path, sheets):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


PUBLISHED = [("Correction", [["Correction"], ["Table P1: the figures for North Wales were revised on 26 July."]]),
             ("Notes", [["Crime in England and Wales, year ending March 2018 - PFA tables"]]),
             ("Table P1 ", p1_sheet()), ("Table P2", change_sheet()), ("Table P3 ", p3_sheet()),
             ("Table P4", knife_sheet())]


def _measure(group):
    """The catalogue measure of an ONS offence group, as the reader maps it (not spelt here: the catalogue owns
    the ids)."""
    from ncpm.core.catalogue import measure_for_ons_group

    return measure_for_ons_group(group) or "ons:" + group.lower().replace(" ", "_")


def _accounting_holds(result):
    assert result.rows_in == result.rows_loaded + result.rows_rejected + result.summed
    assert result.rows_rejected == len(result.problems) + result.rows_skipped


def test_published_workbook_gives_counts_and_populations(tmp_path):
    from ncpm.io.detect import read_any

    path = write_workbook(tmp_path / "pfa.xlsx", PUBLISHED)
    counts, population = read_any(path)
    assert (counts.kind, population.kind) == ("period_counts", "population")
    assert counts.file == f"{path} [Table P1 ]" and population.file == f"{path} [Table P3 ]"
    f = counts.frame
    # "year ending March 181,2,3": March 2018, footnotes 1, 2 and 3
    assert set(f["period_start"].astype(str)) == {"2017-04"} and set(f["period_end"].astype(str)) == {"2018-03"}
    warwickshire = f[f["force"] == "Warwickshire"].set_index("measure")["count"].to_dict()
    assert warwickshire == {"ons:total_recorded_crime_excluding_fraud": 41443,  # header one row above the others
                            "ons:violence_against_the_person": 11939, _measure("Homicide"): 11,
                            _measure("Residential burglary"): 2106, _measure("Vehicle offences"): 3100,
                            "ons:stalking_and_harassment": 2473, _measure("Drug offences"): 612}
    assert not f["measure"].str.contains(r"\d").any()  # no footnote digit left in a measure id
    assert set(f["force"]) == {"Warwickshire", "West Midlands", "South Wales"}
    # South Wales: '[x]' homicide is not loaded (not as zero), its other columns are, and a note names the cell
    south_wales = f[f["force"] == "South Wales"].set_index("measure")["count"]
    assert _measure("Homicide") not in south_wales and south_wales["ons:total_recorded_crime_excluding_fraud"] == 100000
    assert any(n.startswith("South Wales, row 12:") and "'Homicide' ('[x]', not available)" in n for n in counts.notes)
    # Greater Manchester: no figure at all, so the row is skipped (expected), with its reason, and noted
    gm = [r for r in counts.rejected if r.line == 10]
    assert len(gm) == 1 and gm[0].expected and gm[0].reason.startswith("no figure available") and "'..'" in gm[0].reason
    assert any(n.startswith("Greater Manchester, row 10: no figure available ('..'") for n in counts.notes)
    assert counts.problems == []
    assert (counts.rows_in, counts.rows_loaded, counts.rows_skipped) == (7, 3, 4)  # the units row is header
    _accounting_holds(counts)

    p = population.frame
    assert p.set_index("force")["population"].to_dict() == {"Warwickshire": 559000, "City of London": 7200,
                                                             "West Midlands": 2897300}
    assert set(p["year"]) == {2016}  # "mid-2016" in the column's own header
    assert population.notes[0].startswith("mid-2016 populations as the source prints them, rounded to the nearest "
                                          "100")
    assert any(n.startswith("Greater Manchester, row 9: no population available") for n in population.notes)
    assert population.problems == [] and population.rows_in == 5
    _accounting_holds(population)


def test_sheets_are_chosen_by_content_not_by_name_or_order(tmp_path):
    from ncpm.io.ons import read_ons_population, read_ons_tables

    first = read_ons_tables(write_workbook(tmp_path / "a.xlsx", PUBLISHED))
    renamed = [(f"Sheet{i}", rows) for i, (_, rows) in enumerate(reversed(PUBLISHED))]
    again = read_ons_tables(write_workbook(tmp_path / "b.xlsx", renamed))
    for x, y in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(x.frame, y.frame)
        assert x.notes == y.notes
    assert read_ons_pfa_table(tmp_path / "b.xlsx").file.endswith("[Sheet3]")  # Table P1, wherever it stands
    assert read_ons_population(tmp_path / "b.xlsx").file.endswith("[Sheet1]")


@pytest.mark.parametrize(("title", "end"), [
    ("Table P1: ..., number of offences, year ending March 181,2,3", "2018-03"),
    ("Table P1: ..., number of offences, year ending June 181,2", "2018-06"),
    ("Table P1: ..., number of offences, year ending December 20191,2", "2019-12"),
    ("Table P1: ..., number of offences, year ending March 2019", "2019-03"),
    ("Table P1: ..., number of offences, year ending June 2025 [note 1]", "2025-06"),
    ("Table P1: ..., year ending Sept 20231", "2023-09"),
    ("Table P1: ..., year ending March 18", "2018-03"),
])
def test_period_from_the_title_with_glued_footnotes(title, end):
    from ncpm.io.ons import table_period

    start, stop = table_period([[title]], "p1.csv")
    assert str(stop) == end and stop - start == 11 * stop.freq


@pytest.mark.parametrize(("text", "expected"), [
    ("Greater Manchester8,9", "Greater Manchester"), ("ENGLAND AND WALES7,8", "ENGLAND AND WALES"),
    ("City of London14", "City of London"), ("Violence against the person4", "Violence against the person"),
    ("Stalking and harassment 5", "Stalking and harassment"), ("Residential burglary6,7", "Residential burglary"),
    ("Non-residential  burglary6,7", "Non-residential burglary"),
    ("Total recorded crime (excluding fraud4)", "Total recorded crime (excluding fraud)"),
    ("Residential burglary (households) 7,8,10", "Residential burglary (households)"),
    ("Total recorded crime\n (excluding fraud) \n[note 2]", "Total recorded crime (excluding fraud)"),
    ("Humberside [note 4]", "Humberside"), ("Metropolitan Police ", "Metropolitan Police"),
    ("Population figures\n (mid-2016)4  rounded to 100", "Population figures (mid-2016) rounded to 100"),
    ("Rate per 1,000 population", "Rate per 1,000 population"), ("Rate per 1,000", "Rate per 1,000"),
    ("Apr '17 to Mar '18", "Apr '17 to Mar '18"), ("2019", "2019"),
])
def test_footnote_markers_are_stripped_by_rule(text, expected):
    from ncpm.io.ons import label

    assert label(text) == expected


def test_csv_export_and_ods_read_like_the_workbook(tmp_path):
    from ncpm.io.detect import read_any

    book = read_any(write_workbook(tmp_path / "pfa.xlsx", PUBLISHED))
    csv_path = tmp_path / "p1.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in r] for r in p1_sheet()])
    (exported,) = read_any(csv_path)
    pd.testing.assert_frame_equal(exported.frame, book[0].frame)
    assert exported.notes == book[0].notes and exported.rows_in == book[0].rows_in
    pytest.importorskip("odf", reason="odfpy (the ODS engine) is not installed")
    ods = tmp_path / "pfa.ods"
    with pd.ExcelWriter(ods, engine="odf") as writer:
        for name, rows in PUBLISHED:
            width = max(len(r) for r in rows)
            pd.DataFrame([[*r, *[None] * (width - len(r))] for r in rows]).to_excel(
                writer, sheet_name=name, index=False, header=False)
    from_ods = read_any(ods)
    for x, y in zip(from_ods, book, strict=True):
        pd.testing.assert_frame_equal(x.frame, y.frame)
        assert (x.kind, x.notes, x.rows_in) == (y.kind, y.notes, y.rows_in)


def test_newer_edition_symbols_are_notes_not_zeros(tmp_path):
    """The [note N] editions: '[x]' (not available) and '[c]' (confidential) in a CSV export."""
    path = write_ons_p1(tmp_path / "p1.csv", rows=[
        ["E23000017", "Warwickshire", "39,348", "[x]", "412", "3,790", "[c]", "3,434"],
        ["E23000001", "Metropolitan Police ", "[x]", "[x]", "[x]", "[x]", "[x]", "[x]"],
        ["E23000012", "Humberside [note 4]", "92,817", "4", "500", "4,100", "300", "6,000"]])
    result = read_ons_pfa_table(path)
    f = result.frame
    assert set(f["force"]) == {"Warwickshire", "Humberside"}
    assert len(f[f["force"] == "Warwickshire"]) == 4 and (f["count"] > 0).all()
    assert result.notes[0] == ("Warwickshire, row 8: figure not available in 'Homicide' ('[x]', not available), "
                               "'Theft from the person' ('[c]', confidential); those cells are not loaded (not as "
                               "zero); the row's other figures are")
    assert [(r.line, r.expected) for r in result.rejected] == [(9, True)]
    assert result.rows_skipped == 1 and result.problems == []
    _accounting_holds(result)


def test_a_value_in_a_spacer_column_is_a_rejection(tmp_path):
    rows = [list(r) for r in P1_ROWS]
    rows[2][3] = 17  # Warwickshire, column D: no header above it
    path = write_workbook(tmp_path / "pfa.xlsx", [("Table P1", p1_sheet(rows=rows))])
    result = read_ons_pfa_table(path)
    assert [str(r) for r in result.problems] == [
        f"{path} [Table P1], row 9, column 4 (no header): a value ('17') in a column with no header"]
    assert "Warwickshire" not in set(result.frame["force"])
    _accounting_holds(result)


def test_a_rates_table_alone_is_read_for_its_populations(tmp_path):
    from ncpm.core.errors import InputError
    from ncpm.io.detect import read_any

    path = tmp_path / "p3.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in r] for r in p3_sheet()])
    (result,) = read_any(path)
    assert result.kind == "population" and result.frame.set_index("force").loc["Warwickshire", "year"] == 2016
    with pytest.raises(InputError, match="a table of rates with populations"):
        read_ons_pfa_table(path)


def test_population_year_must_be_stated(tmp_path):
    from ncpm.core.errors import InputError
    from ncpm.io.ons import read_ons_population

    sheet = p3_sheet()
    sheet[0] = ["Table P3: rates, year ending March 2018"]
    sheet[4] = [c.replace("(mid-2016)", "") if isinstance(c, str) else c for c in sheet[4]]
    sheet[-1] = ["4. Based on population estimates."]
    path = write_workbook(tmp_path / "p3.xlsx", [("Table P3", sheet)])
    with pytest.raises(InputError, match=r"cannot find the year of the populations .* \(expected e.g. 'mid-2016'\)"):
        read_ons_population(path)


def test_a_workbook_is_parsed_once(tmp_path, monkeypatch):
    import openpyxl

    from ncpm.io.detect import read_any

    path = write_workbook(tmp_path / "pfa.xlsx", PUBLISHED)
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or real(*a, **k))
    monkeypatch.setattr(pd, "read_excel", lambda *a, **k: pytest.fail("the workbook was read a second time"))
    assert [r.kind for r in read_any(path)] == ["period_counts", "population"]
    assert len(opened) == 1


def test_other_layouts_of_the_same_tables(tmp_path):
    """Label ends on the row below the header, a population header worded otherwise, a national total with no
    code, and a Correction sheet holding a copy of the counts (read, but noted)."""
    from ncpm.io.ons import read_ons_tables

    p1 = [["Table P1: Police recorded crime by offence group and police force area, number of offences, year "
           "ending September 2023 [note 1][note 2]"],
          ["Area code", "Area name", "Total recorded crime", "Residential", "Homicide"],
          [None, None, "(excluding fraud) [note 3]", "burglary", None],
          [None, "England and Wales (including British Transport Police)", 500, 50, 5],
          ["E23000017", "Warwickshire ", "39,000", "1,500", "[x]"]]
    p3 = [["Table P3: rates per 1,000 population, year ending September 2023"],
          ["Area code", "Area name", "Mid-2022 population estimates [note 4]", "Total recorded crime"],
          ["E23000017", "Warwickshire", 600500, 65.0]]
    path = write_workbook(tmp_path / "pfa.xlsx", [("Correction", p1), ("Table P1", p1), ("Table P3", p3)])
    counts, population = read_ons_tables(path)
    assert counts.frame.set_index("measure")["count"].to_dict() == {
        "ons:total_recorded_crime_excluding_fraud": 39000, _measure("Residential burglary"): 1500}
    assert set(counts.frame["period_end"].astype(str)) == {"2023-09"}
    assert counts.notes[0] == (f"read the counts from {path} [Correction]; {path} [Table P1] also has a table of "
                               "the same offence groups")
    assert [(r.line, r.expected, r.reason) for r in counts.rejected] == [(4, True, NOT_A_FORCE)]
    assert population.frame.to_dict("records") == [{"force": "Warwickshire", "year": 2022, "population": 600500}]


def test_a_row_rejected_for_a_bad_number_gets_no_not_available_note(tmp_path):
    path = write_ons_p1(tmp_path / "p1.csv", rows=[
        ["E23000017", "Warwickshire", "39,348", "..", "about 400", "3,790", "226", "3,434"]])
    result = read_ons_pfa_table(path)
    assert [str(r) for r in result.rejected] == [f"{path}, row 8, column Robbery: 'about 400' is not a number"]
    assert result.notes == [] and result.frame.empty
    _accounting_holds(result)


def test_population_year_from_the_notes_sheet(tmp_path):
    from ncpm.io.ons import read_ons_population

    p3 = [["Table P3: Police recorded crime by offence group and police force area, rate of offences per 1,000 "
           "population, year ending March 2022 [note 1]"],
          ["Area Code", "Area Name", "Population [note 3]", "Total recorded crime (excluding fraud) [note 2]"],
          ["E23000017", "Warwickshire", "596,800", "70.1"]]
    notes = [["Note number", "Note text"], ["note 3", "Rates are based on the mid-2020 population estimates."]]
    path = write_workbook(tmp_path / "pfa.xlsx", [("Notes", notes), ("Table_P3", p3)])
    result = read_ons_population(path)
    assert result.frame.to_dict("records") == [{"force": "Warwickshire", "year": 2020, "population": 596800}]
    assert result.notes == [f"the year of the populations (mid-2020) is taken from {path} [Notes]"]
