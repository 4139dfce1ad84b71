"""``ncpm.load`` (issue 13): files and folders of any supported format read into the canonical frames by kind,
validated once, with every row accounted for; a file that cannot be read is an error naming it."""

from pathlib import Path

import pandas as pd
import pytest

import ncpm
from ncpm.pipeline.ingest import Loaded

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo"
HEADER = "force,area,measure,month,count\n"


def test_the_demo_folder_gives_a_frame_per_kind_and_every_row_accounted_for():
    loaded = ncpm.load(DEMO)
    assert isinstance(loaded, Loaded)
    assert loaded.kinds == ["msg", "outcomes", "population", "survey", "volumes"]
    assert loaded.rows_rejected == 0
    for r in loaded.results:  # rows in = rows loaded + rows rejected + rows skipped by design
        assert r.rows_in == r.rows_loaded + len(r.problems) + r.rows_skipped, r.file
    loaded_rows = {kind: sum(r.rows_loaded for r in loaded.results if r.kind == kind) for kind in loaded.kinds}
    assert loaded_rows == {kind: len(frame) for kind, frame in loaded.frames.items()}
    assert {Path(r.file).name for r in loaded.results} == {"msg.csv", "outcomes.csv", "population.csv",
                                                           "survey.csv", "volumes.csv"}  # the README is not read


def test_frames_are_canonical_and_validated():
    volumes = ncpm.load([DEMO / "volumes.csv"]).frames["volumes"]
    assert list(volumes.columns) == ["force", "area", "measure", "month", "count"]
    assert isinstance(volumes["month"].dtype, pd.PeriodDtype)
    assert (volumes["count"] >= 0).all()
    assert not volumes.duplicated(["force", "area", "measure", "month"]).any()
    assert volumes.equals(ncpm.validate(volumes, ncpm.core.schema.VOLUMES))  # already what validate returns


def test_a_rejected_row_is_counted_and_named_and_the_rest_loaded(tmp_path):
    path = tmp_path / "volumes.csv"
    path.write_text(HEADER + "Warwickshire,Force,knife_crime,2023-01,5\nWarwickshire,Force,knife_crime,2023-02,-1\n",
                    encoding="utf-8")
    loaded = ncpm.load(path)
    assert loaded.kinds == ["volumes"] and len(loaded.frames["volumes"]) == 1
    assert loaded.rows_rejected == 1
    (record,) = loaded.accounting()
    assert (record["rows_in"], record["loaded"], record["rejected"]) == (2, 1, 1)
    assert "volumes.csv, row 3, column count: negative count '-1'" in record["rejections"][0]


def test_a_file_that_cannot_be_read_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "colours.csv"
    bad.write_text("colour,size\nred,3\n", encoding="utf-8")
    with pytest.raises(ncpm.InputError) as caught:
        ncpm.load([DEMO / "volumes.csv", bad])
    assert caught.value.file == str(bad)
    assert "colours.csv: cannot tell the format" in str(caught.value)


def test_a_count_given_by_two_files_is_an_error_naming_both(tmp_path):
    for name, count in (("a.csv", 5), ("b.csv", 6)):
        (tmp_path / name).write_text(HEADER + f"Warwickshire,Force,knife_crime,2023-01,{count}\n", encoding="utf-8")
    with pytest.raises(ncpm.InputError, match="duplicate key") as caught:
        ncpm.load(tmp_path)
    assert "a.csv" in caught.value.file and "b.csv" in caught.value.file


def test_load_is_public_and_what_load_demo_reads():
    assert "load" in ncpm.__all__
    demo = ncpm.load_demo()
    assert sorted(demo) == ncpm.load(DEMO).kinds
