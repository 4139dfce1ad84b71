"""data.police.uk reader: archive zip, folders and single files, streamed; every record accounted for; areas by
local authority district adding up to the force; outcome texts as Home Office outcome types."""

import logging
import re
import zipfile
from collections import Counter

import pandas as pd
import pytest
from fixtures_io import (
    OUTCOMES_HEADER,
    STREET_HEADER,
    csv_text,
    expected_volumes,
    police_uk_files,
    write_police_uk_folder,
    write_police_uk_zip,
)

from ncpm.core import schema
from ncpm.core.catalogue import measure_for_police_uk, outcome_table
from ncpm.core.errors import InputError
from ncpm.core.forces import canonical_force
from ncpm.io.policeuk import NO_LSOA, UNMATCHED, read_police_uk, reader, records
from ncpm.methods.outcomes import outcome_rate


def _measure(crime_type):
    return measure_for_police_uk(crime_type) or "police_uk:" + crime_type.lower().replace("-", "_").replace(" ", "_")


def _as_counter(frame):
    return Counter({(r.force, r.area, r.measure, str(r.month)): r.count for r in frame.itertuples()})


def _district(lsoa_name):
    """The district as the test reads an LSOA name: drop the last word when it is an LSOA code (NNNL)."""
    words = lsoa_name.split()
    if not words:
        return "No location"
    return " ".join(words[:-1]) if re.fullmatch(r"\d{3}[A-Z]", words[-1]) else " ".join(words)


def _expected(files, lsoa=False):
    """Counts straight from the fixture rows: by LSOA code (``lsoa``), else the force and each district."""
    if lsoa:
        return Counter({(canonical_force(f), a, _measure(t), m): n
                        for (f, a, t, m), n in expected_volumes(files, lsoa=True).items()})
    out = Counter()
    for name, rows in files.items():
        if name.endswith("-street.csv"):
            for r in rows:
                for area in ("Force", _district(r[8])):
                    out[(canonical_force(r[3]), area, _measure(r[9]), r[1])] += 1
    return out


def test_archive_of_three_months_and_two_forces(tmp_path):
    files = write_police_uk_zip(tmp_path / "archive.zip")
    volumes, outcomes = read_police_uk(tmp_path / "archive.zip")
    assert (volumes.kind, outcomes.kind) == ("volumes", "outcomes")
    assert volumes.format == "police_uk"
    assert _as_counter(volumes.frame) == _expected(files)
    street_rows = sum(len(r) for n, r in files.items() if n.endswith("-street.csv"))
    outcome_rows = sum(len(r) for n, r in files.items() if n.endswith("-outcomes.csv"))
    assert (volumes.rows_in, volumes.rows_loaded, volumes.rejected) == (street_rows, street_rows, [])
    assert (outcomes.rows_in, outcomes.rows_loaded) == (outcome_rows, outcome_rows)
    assert sorted(volumes.frame["month"].astype(str).unique()) == ["2023-04", "2023-05", "2023-06"]
    assert set(volumes.frame["force"]) == {"Warwickshire", "West Mercia"}
    asb = volumes.frame.query("measure == 'police_uk:anti_social_behaviour' and force == 'Warwickshire' "
                              "and area == 'Force'")
    assert asb["count"].tolist() == [2, 2, 2]  # blank Crime IDs are valid records
    assert str(volumes.frame["month"].dtype) == "period[M]"
    schema.validate(volumes.frame, schema.VOLUMES)


def test_outcomes_take_the_measure_of_their_crime(tmp_path):
    files = write_police_uk_zip(tmp_path / "archive.zip")
    _, outcomes = read_police_uk(tmp_path / "archive.zip")
    frame = outcomes.frame
    june = frame[(frame.force == "Warwickshire") & (frame.month.astype(str) == "2023-06")]
    june = june[june.area == "Force"]
    got = {(r.measure, r.outcome_type): r.count for r in june.itertuples()}
    street = files["2023-06/2023-06-warwickshire-street.csv"]
    vehicle = sum(r[9] == "Vehicle crime" for r in street)
    # Home Office outcome types: 18 investigation complete, no suspect identified; 3 a caution
    assert got == {("vehicle_crime", "18"): vehicle, ("burglary", "18"): 1, (UNMATCHED, "3"): 1}


def test_lsoa_areas_keep_records_without_a_location(tmp_path):
    files = write_police_uk_zip(tmp_path / "archive.zip")
    volumes, _ = read_police_uk(tmp_path / "archive.zip", lsoa=True)
    assert _as_counter(volumes.frame) == _expected(files, lsoa=True)
    assert set(volumes.frame["area"]) == {"E01031062", "E01032001", NO_LSOA}
    assert volumes.frame["count"].sum() == volumes.rows_in


def test_folder_and_single_files_read_the_same(tmp_path):
    files = write_police_uk_folder(tmp_path / "unzipped")
    folder = read_police_uk(tmp_path / "unzipped")
    assert _as_counter(folder[0].frame) == _expected(files)
    single = read_police_uk(tmp_path / "unzipped" / "2023-05" / "2023-05-west-mercia-street.csv")
    assert [r.kind for r in single] == ["volumes"]
    one = {k: v for k, v in files.items() if k == "2023-05/2023-05-west-mercia-street.csv"}
    assert _as_counter(single[0].frame) == _expected(one)
    outcomes = read_police_uk(tmp_path / "unzipped" / "2023-05" / "2023-05-west-mercia-outcomes.csv")
    assert [r.kind for r in outcomes] == ["outcomes"]
    assert set(outcomes[0].frame["measure"]) == {UNMATCHED}  # no street records read in the same call


def test_archive_is_streamed_not_extracted(tmp_path, monkeypatch):
    write_police_uk_zip(tmp_path / "archive.zip")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    monkeypatch.setattr(zipfile.ZipFile, "extract", lambda *a, **k: pytest.fail("extracted to disk"))
    monkeypatch.setattr(zipfile.ZipFile, "extractall", lambda *a, **k: pytest.fail("extracted to disk"))
    monkeypatch.setattr(records, "CHUNK_ROWS", 4)  # many chunks per member
    files = police_uk_files()
    volumes, _ = read_police_uk(tmp_path / "archive.zip")
    assert _as_counter(volumes.frame) == _expected(files)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_line_numbers_are_exact_across_chunks_and_quoted_line_breaks(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "CHUNK_ROWS", 3)
    good = ["", "2023-05", "Warwickshire Police", "Warwickshire Police", "", "", "On or near\nHigh Street", "", "",
            "Anti-social behaviour", "", ""]
    bad = [*good[:3], "Narnia Police", *good[4:6], "On or near Park", *good[7:]]
    path = tmp_path / "2023-05-warwickshire-street.csv"
    path.write_text(csv_text([STREET_HEADER, good, good, good, good, bad, good]), encoding="utf-8")
    (volumes,) = read_police_uk(path)
    # header = line 1; each good record spans two lines: records start on lines 2, 4, 6, 8, then the bad one on 10
    assert [str(r) for r in volumes.rejected] == [f"{path}, row 10, column Falls within: unknown force 'Narnia Police'"]
    assert (volumes.rows_in, volumes.rows_loaded) == (6, 5)


def test_blank_lines_are_not_rows(tmp_path):
    row = ["abc", "2023-05", "Warwickshire Police", "Warwickshire Police", "", "", "", "", "", "Drugs", "", ""]
    path = tmp_path / "2023-05-warwickshire-street.csv"
    path.write_text(csv_text([STREET_HEADER, row]) + "\r\n" + csv_text([row]), encoding="utf-8")
    (volumes,) = read_police_uk(path)
    assert volumes.rows_in == 2
    assert volumes.frame[["area", "measure", "count"]].values.tolist() == [["Force", "drug_offences", 2],
                                                                            ["No location", "drug_offences", 2]]


def test_the_same_month_and_force_twice_is_refused(tmp_path):
    files = police_uk_files(months=("2023-04",), forces=("warwickshire",))
    write_police_uk_folder(tmp_path / "a", files)
    write_police_uk_folder(tmp_path / "a" / "copy", files)
    with pytest.raises(InputError, match="the same month, force and kind appear twice"):
        read_police_uk(tmp_path / "a")


def test_progress_is_logged_per_member(tmp_path, caplog):
    write_police_uk_zip(tmp_path / "archive.zip")
    with caplog.at_level(logging.INFO, logger="ncpm"):
        read_police_uk(tmp_path / "archive.zip", progress=True)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 12
    assert any("2023-06/2023-06-west-mercia-outcomes.csv: 9 rows, 0 rejected" in m for m in messages)


def test_outcomes_header_only_file_is_zero_rows(tmp_path):
    path = tmp_path / "2023-05-warwickshire-outcomes.csv"
    path.write_text(csv_text([OUTCOMES_HEADER]), encoding="utf-8")
    (outcomes,) = read_police_uk(path)
    assert (outcomes.kind, outcomes.rows_in, len(outcomes.frame)) == ("outcomes", 0, 0)


def test_renamed_header_only_file_is_still_recognised(tmp_path):
    path = tmp_path / "may-outcomes-export.csv"
    path.write_text(csv_text([OUTCOMES_HEADER]), encoding="utf-8")
    assert [(r.kind, r.rows_in) for r in read_police_uk(path)] == [("outcomes", 0)]


# ---------------------------------------------------------------------------------------------- districts

def _street(crime_id, lsoa_name, crime_type="Burglary", month="2023-05", last="Under investigation",
            force="Warwickshire Police"):
    lsoa = "E01031062" if lsoa_name.strip() else ""
    return [crime_id, month, force, force, "", "", "On or near X", lsoa, lsoa_name, crime_type, last, ""]


ODD_NAMES = ["Rugby 004C", "  Rugby   004C ", "Nuneaton and  Bedworth 012A", "Stratford-on-Avon 001A",
             "Stratford-on-Avon 001A", "Coventry 030B", "", "Somewhere"]


@pytest.fixture(params=["fast", "exact"])
def path_kind(request, monkeypatch):
    """Each test runs on the pyarrow path and on the exact (pandas) path, which must agree."""
    if request.param == "exact":
        monkeypatch.setattr(reader.Reader, "prepare", lambda self, member: None)
    return request.param


def test_districts_add_up_to_the_force_and_keep_records_without_a_location(tmp_path, path_kind):
    rows = [_street(f"id{i}", name, "Vehicle crime" if i % 2 else "Burglary") for i, name in enumerate(ODD_NAMES)]
    rows.append(_street("", "Warwick 002B", "Anti-social behaviour", last=""))
    path = tmp_path / "2023-05-warwickshire-street.csv"
    path.write_text(csv_text([STREET_HEADER, *rows]), encoding="utf-8")
    (volumes,) = read_police_uk(path)
    frame = volumes.frame
    by_area = frame.groupby("area")["count"].sum().to_dict()
    assert by_area == {"Force": 9, "Rugby": 2, "Nuneaton and Bedworth": 1, "Stratford-on-Avon": 2, "Coventry": 1,
                       "No location": 1, "Somewhere": 1, "Warwick": 1}
    districts = frame[frame.area != "Force"].groupby(["force", "measure", "month"])["count"].sum()
    whole = frame[frame.area == "Force"].set_index(["force", "measure", "month"])["count"]
    pd.testing.assert_series_equal(districts, whole, check_names=False)
    assert (volumes.rows_in, volumes.rows_loaded) == (9, 9)
    assert volumes.notes == ["1 LSOA name(s) without a trailing LSOA code, each kept whole as its area: 'Somewhere'"]
    pd.testing.assert_frame_equal(frame, schema.validate(frame, schema.VOLUMES))


def test_a_file_without_lsoa_names_is_a_clear_error(tmp_path):
    header = [c for c in STREET_HEADER if c != "LSOA name"]
    path = tmp_path / "2023-05-warwickshire-street.csv"
    path.write_text(csv_text([header, ["a", "2023-05", "W", "Warwickshire Police", "", "", "", "", "Drugs", "", ""]]),
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"^.*2023-05-warwickshire-street.csv, column LSOA name: missing column "
                                         r"'LSOA name'; found: Crime ID, "):
        read_police_uk(path)


# ---------------------------------------------------------------------------------------------- outcomes

OUTCOME_TEXTS = {  # police.uk Outcome type -> the outcome_type the reader gives (outcomes.toml [police_uk])
    "Suspect charged": "1", "Offender given a caution": "3", "Local resolution": "8",
    "Offender given penalty notice": "6", "Offender given a drugs possession warning": "7",
    "Suspect charged as part of another case": "4", "Unable to prosecute suspect": "16",
    "Investigation complete; no suspect identified": "18", "Further action is not in the public interest": "22",
    "Under investigation": "Under investigation", "Offender sent to prison": "Offender sent to prison",
    "Offender given a youth caution": "Offender given a youth caution",  # not in the table: kept, with a note
}


def _outcomes_folder(folder):
    """Street records of May 2023 (20 burglaries in Rugby) and one outcome record for each text above."""
    folder.mkdir()
    street = [_street(f"c{i}", "Rugby 004C") for i in range(20)]
    (folder / "2023-05-warwickshire-street.csv").write_text(csv_text([STREET_HEADER, *street]), encoding="utf-8")
    outcomes = [[f"c{i}", "2023-05", "Warwickshire Police", "Warwickshire Police", "", "", "On or near X",
                 "E01031062", "Rugby 004C", text] for i, text in enumerate(OUTCOME_TEXTS)]
    (folder / "2023-05-warwickshire-outcomes.csv").write_text(csv_text([OUTCOMES_HEADER, *outcomes]),
                                                             encoding="utf-8")


def test_outcome_texts_become_home_office_outcome_types(tmp_path, path_kind):
    _outcomes_folder(tmp_path / "in")
    volumes, outcomes = read_police_uk(tmp_path / "in")
    whole = outcomes.frame[outcomes.frame.area == "Force"]
    assert Counter(dict(zip(whole.outcome_type, whole["count"], strict=True))) == Counter(OUTCOME_TEXTS.values())
    assert set(outcomes.frame.area) == {"Force", "Rugby"} and set(outcomes.frame.measure) == {"burglary"}
    assert outcomes.rows_in == outcomes.rows_loaded == len(OUTCOME_TEXTS)
    assert outcomes.notes == [f"outcome text 'Offender given a youth caution' is not in the police.uk outcome table "
                              f"(outcomes.toml {outcome_table().version}): 1 record(s) kept with that outcome_type, "
                              "in no action-taken set"]
    rate = outcome_rate(outcomes.frame, volumes.frame).set_index("area")
    # action taken: charged (1), caution (3), community resolution (8), penalty notice (6), drugs warning (7), TIC (4)
    assert rate.loc["Force", "outcomes"] == rate.loc["Rugby", "outcomes"] == 6
    assert rate.loc["Force", "n"] == 20 and rate.loc["Force", "rate"] == pytest.approx(0.3)


def test_outcome_rate_reads_police_uk_texts_too():
    """A frame that kept police.uk texts (an older store, an extract) gives the same rate."""
    v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05", "count": [10]})
    o = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": "2023-05",
                      "outcome_type": ["Local resolution", "Suspect charged", "Offender fined", "18"],
                      "count": [1, 2, 4, 3]})
    assert outcome_rate(o, v).loc[0, "outcomes"] == 3  # a court result in an outcomes frame follows its charge


def test_last_outcome_category_gives_outcomes_only_when_asked(tmp_path, path_kind):
    rows = [_street("a", "Rugby 004C", last="Offender fined"), _street("b", "Rugby 004C", last="Local resolution"),
            _street("c", "Rugby 004C", last="Awaiting court outcome"), _street("d", "", last="Under investigation"),
            _street("", "Rugby 004C", "Anti-social behaviour", last="")]
    path = tmp_path / "2023-05-warwickshire-street.csv"
    path.write_text(csv_text([STREET_HEADER, *rows]), encoding="utf-8")
    assert [r.kind for r in read_police_uk(path)] == ["volumes"]
    volumes, outcomes = read_police_uk(path, last_outcomes=True)
    whole = outcomes.frame[outcomes.frame.area == "Force"]
    # a court text as a crime's last outcome stands for its charge (type 1)
    assert dict(zip(whole.outcome_type, whole["count"], strict=True)) == {"1": 2, "8": 1, "Under investigation": 1}
    assert (outcomes.rows_in, volumes.rows_in) == (4, 5)
    assert "1 street record(s) with none" in outcomes.notes[0]
    assert outcome_rate(outcomes.frame, volumes.frame).set_index("area").loc["Force", "outcomes"] == 3


def test_last_outcomes_alongside_outcomes_files_is_refused(tmp_path):
    _outcomes_folder(tmp_path / "in")
    with pytest.raises(InputError, match="both would count outcomes twice"):
        read_police_uk(tmp_path / "in", last_outcomes=True)


# ---------------------------------------------------------------------------------------------- map_areas

WARWICKSHIRE_LPAS = {"North": ["North Warwickshire", "Nuneaton and Bedworth"], "East": ["Rugby"],
                     "South": ["Stratford-on-Avon", "Warwick"]}


def _district_frame():
    rows = [(d, n) for d, n in [("North Warwickshire", 4), ("Nuneaton and Bedworth", 6), ("Rugby", 5),
                                ("Stratford-on-Avon", 3), ("Warwick", 7), ("Coventry", 1), ("No location", 2)]]
    frame = pd.DataFrame({"force": "Warwickshire", "area": [a for a, _ in rows], "measure": "burglary",
                          "month": pd.Period("2023-05", "M"), "count": [n for _, n in rows]})
    whole = frame.iloc[:1].assign(area="Force", count=int(frame["count"].sum()))
    return schema.validate(pd.concat([frame, whole]), schema.VOLUMES)


def test_map_areas_groups_districts_into_local_policing_areas():
    from ncpm.methods.series import map_areas

    out = map_areas(_district_frame(), WARWICKSHIRE_LPAS)
    assert dict(zip(out.area, out["count"], strict=True)) == {"Coventry": 1, "East": 5, "Force": 28,
                                                              "No location": 2, "North": 10, "South": 10}
    assert out[out.area != "Force"]["count"].sum() == 28
    pd.testing.assert_frame_equal(out, schema.validate(out, schema.VOLUMES))


@pytest.mark.parametrize("mapping, message", [
    ({"East": ["Rugbi"]}, r"area 'East' lists 'Rugbi', which is not in the data \(did you mean 'Rugby'\?\); "
                          r"areas seen: Coventry, North Warwickshire, Nuneaton and Bedworth, Rugby, "),
    ({"East": ["Rugby"], "South": ["Rugby"]}, r"'Rugby' is listed in both 'East' and 'South'"),
    ({"East": "Rugby"}, r"list the districts it is made of"),
    ({"Force": ["Rugby"]}, r"area 'Force' cannot be mapped to"),
    ({"East": ["No location"]}, r"lists 'No location', which is kept as it is"),
])
def test_map_areas_refuses_a_mapping_that_does_not_fit_the_data(mapping, message):
    from ncpm.methods.series import map_areas

    with pytest.raises(InputError, match=message):
        map_areas(_district_frame(), mapping)


_ODD_TEXT = [STREET_HEADER,
             ["a1", "2023-06", "x", "Avon and Somerset Constabulary", "-2.5", "51.4", "On or near A", "E01014485",
              "Bristol, City of 001A", " Burglary ", "Under investigation", ""],
             ["", "2023-06", "x", "Avon and Somerset Constabulary", "", "", "No location", "", "",
              "Anti-social behaviour", "", ""]]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("blank_line", [False, True])
def test_the_fast_path_reads_quotes_crlf_and_blank_lines_as_the_exact_path(tmp_path, monkeypatch, newline, blank_line):
    """A quoted comma, CRLF line ends and a trailing blank line stay on the fast path (the exact path is never
    called) and give what the exact path gives, with the same accounting."""
    text = csv_text(_ODD_TEXT).replace("\r\n", "\n").replace("\n", newline) + (newline if blank_line else "")
    path = tmp_path / "2023-06-avon-and-somerset-street.csv"
    path.write_text(text, newline="")
    exact_calls = []
    real_exact = reader.Reader.exact
    monkeypatch.setattr(reader.Reader, "exact", lambda self, member: exact_calls.append(member) or real_exact(self, member))
    (fast,) = read_police_uk(path)
    assert exact_calls == []
    monkeypatch.setattr(reader.Reader, "prepare", lambda self, member: None)
    (exact,) = read_police_uk(path)
    pd.testing.assert_frame_equal(fast.frame, exact.frame)
    assert (fast.rows_in, fast.rows_loaded) == (exact.rows_in, exact.rows_loaded) == (2, 2)
    assert "Bristol, City of" in set(fast.frame["area"])


def test_a_row_of_blank_cells_reads_as_a_blank_line(tmp_path):
    """A row of twelve blank cells (a spreadsheet's saved empty row) holds no record: it is read like a blank line,
    not counted in rows_in, and the other records are read as without it."""
    path = tmp_path / "2023-06-avon-and-somerset-street.csv"
    path.write_text(csv_text([*_ODD_TEXT[:2], [""] * 12, *_ODD_TEXT[2:]]), newline="")
    (with_blank,) = read_police_uk(path)
    path.write_text(csv_text(_ODD_TEXT), newline="")
    (without,) = read_police_uk(path)
    pd.testing.assert_frame_equal(with_blank.frame, without.frame)
    assert (with_blank.rows_in, with_blank.rows_loaded, len(with_blank.rejected)) == (2, 2, 0)


@pytest.mark.parametrize("extra", ["", "x"])
def test_a_record_with_one_field_too_many_is_refused_even_when_it_is_blank(tmp_path, extra):
    """A record with a field past the header's, even a blank one (a trailing comma), goes the exact path, which
    refuses it with its line."""
    rows = csv_text(_ODD_TEXT[:2]).splitlines() + [csv_text([_ODD_TEXT[2]]).strip() + "," + extra]
    path = tmp_path / "2023-06-avon-and-somerset-street.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError, match=r"row 3: 13 fields but the header has 12"):
        read_police_uk(path)
