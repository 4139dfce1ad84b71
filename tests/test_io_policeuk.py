"""data.police.uk reader: archive zip, folders and single files, streamed; every record accounted for."""

import logging
import zipfile
from collections import Counter

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

from ncpm import schema
from ncpm.catalogue import measure_for_police_uk
from ncpm.errors import InputError
from ncpm.forces import canonical_force
from ncpm.io import policeuk
from ncpm.io.policeuk import NO_LSOA, UNMATCHED, read_police_uk


def _measure(crime_type):
    return measure_for_police_uk(crime_type) or "police_uk:" + crime_type.lower().replace("-", "_").replace(" ", "_")


def _as_counter(frame):
    return Counter({(r.force, r.area, r.measure, str(r.month)): r.count for r in frame.itertuples()})


def _expected(files, lsoa=False):
    return Counter({(canonical_force(f), a, _measure(t), m): n
                    for (f, a, t, m), n in expected_volumes(files, lsoa=lsoa).items()})


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
    asb = volumes.frame.query("measure == 'police_uk:anti_social_behaviour' and force == 'Warwickshire'")
    assert asb["count"].tolist() == [2, 2, 2]  # blank Crime IDs are valid records
    assert str(volumes.frame["month"].dtype) == "period[M]"
    schema.validate(volumes.frame, schema.VOLUMES)


def test_outcomes_take_the_measure_of_their_crime(tmp_path):
    files = write_police_uk_zip(tmp_path / "archive.zip")
    _, outcomes = read_police_uk(tmp_path / "archive.zip")
    frame = outcomes.frame
    june = frame[(frame.force == "Warwickshire") & (frame.month.astype(str) == "2023-06")]
    got = {(r.measure, r.outcome_type): r.count for r in june.itertuples()}
    street = files["2023-06/2023-06-warwickshire-street.csv"]
    vehicle = sum(r[9] == "Vehicle crime" for r in street)
    assert got == {("vehicle_crime", "Investigation complete; no suspect identified"): vehicle,
                   ("burglary", "Investigation complete; no suspect identified"): 1,
                   (UNMATCHED, "Offender given a caution"): 1}


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
    monkeypatch.setattr(policeuk, "CHUNK_ROWS", 4)  # many chunks per member
    files = police_uk_files()
    volumes, _ = read_police_uk(tmp_path / "archive.zip")
    assert _as_counter(volumes.frame) == _expected(files)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_line_numbers_are_exact_across_chunks_and_quoted_line_breaks(tmp_path, monkeypatch):
    monkeypatch.setattr(policeuk, "CHUNK_ROWS", 3)
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
    assert volumes.frame[["measure", "count"]].values.tolist() == [["drug_offences", 2]]


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
