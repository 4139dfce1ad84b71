"""The parquet store: round trips with Period months, one file per kind, atomic writes."""

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fixtures_io import EXTRACTS, write_extract, write_home_office, write_ons_p1, write_police_uk_zip

from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.io.atomic import atomic_write, atomic_write_bytes
from ncpm.io.detect import read_any
from ncpm.io.store import read_store, write_store


@pytest.fixture
def results(tmp_path):
    write_police_uk_zip(tmp_path / "archive.zip")
    out = read_any(tmp_path / "archive.zip")
    out += read_any(write_home_office(tmp_path / "ho.csv"))
    out += read_any(write_ons_p1(tmp_path / "p1.csv"))
    for kind in ("survey", "population", "msg"):
        out += read_any(write_extract(tmp_path / f"{kind}.csv", EXTRACTS[kind]))
    return out


def test_round_trip_of_every_kind(tmp_path, results):
    written = write_store(results, tmp_path / "store")
    assert sorted(written) == sorted(schema.SPECS)
    for result in results:
        back = read_store(tmp_path / "store", result.kind)
        pd.testing.assert_frame_equal(back, result.frame)
        for column in schema.SPECS[result.kind].months:
            assert str(back[column].dtype) == "period[M]"
    assert written["volumes"] == tmp_path / "store" / "volumes.parquet"
    # months are stored as portable "YYYY-MM" text
    assert str(pq.read_schema(written["volumes"]).field("month").type) in ("string", "large_string")
    assert pq.read_table(written["volumes"]).column("month")[0].as_py() == "2023-04"


def test_frames_of_one_kind_are_concatenated_and_keys_checked(tmp_path):
    a = pd.DataFrame({"force": ["Kent"], "area": ["Force"], "measure": ["homicide"], "month": ["2023-05"],
                      "count": [1]})
    b = a.assign(month="2023-06", count=2)
    write_store([("volumes", a), ("volumes", b)], tmp_path)
    assert read_store(tmp_path, "volumes")["count"].tolist() == [1, 2]
    with pytest.raises(InputError, match="duplicate key"):
        write_store([("volumes", a), ("volumes", a)], tmp_path)
    assert read_store(tmp_path, "volumes")["count"].tolist() == [1, 2]  # the failed write changed nothing


def test_a_mapping_of_frames_and_empty_frames(tmp_path):
    written = write_store({"msg": schema.empty(schema.MSG)}, tmp_path)
    assert list(written) == ["msg"]
    assert len(read_store(tmp_path, "msg")) == 0


def test_read_store_errors(tmp_path):
    with pytest.raises(InputError, match="no volumes in the store"):
        read_store(tmp_path, "volumes")
    with pytest.raises(InputError, match="unknown kind 'crimes'"):
        read_store(tmp_path, "crimes")


def test_atomic_write_keeps_the_old_file_when_the_writer_fails_midway(tmp_path):
    target = tmp_path / "volumes.parquet"
    atomic_write_bytes(target, b"old contents")

    def failing(tmp):
        tmp.write_bytes(b"half of the new")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, failing)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["volumes.parquet"]  # no temporary file left behind


def test_atomic_write_replaces_and_creates_folders(tmp_path):
    target = tmp_path / "a" / "b" / "x.txt"
    atomic_write_bytes(target, b"one")
    atomic_write(target, lambda tmp: tmp.write_text("two"))
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["x.txt"]


def test_write_store_failure_midway_leaves_previous_store(tmp_path, results, monkeypatch):
    write_store(results, tmp_path)
    before = (tmp_path / "volumes.parquet").read_bytes()

    def broken(self, path, **kwargs):
        open(path, "wb").write(b"PAR1 partial")
        raise RuntimeError("crash while writing")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(RuntimeError, match="crash while writing"):
        write_store(results, tmp_path)
    assert (tmp_path / "volumes.parquet").read_bytes() == before
    monkeypatch.undo()
    assert len(read_store(tmp_path, "volumes")) > 0


def test_a_fact_published_in_two_files_is_kept_once_and_a_contradiction_is_an_error(tmp_path):
    # two ONS editions both carry the mid-2018 population: the same fact, not a duplicate key
    june = pd.DataFrame({"force": ["Kent", "Essex"], "year": [2018, 2018], "population": [1_846_500, 1_477_800]})
    december = june.iloc[:1].copy()
    written = write_store([("population", june), ("population", december)], tmp_path)
    assert sorted(read_store(tmp_path, "population")["force"]) == ["Essex", "Kent"]
    assert written["population"].exists()
    revised = december.assign(population=[1_850_000])
    with pytest.raises(InputError, match="Kent"):
        write_store([("population", june), ("population", revised)], tmp_path / "other")
