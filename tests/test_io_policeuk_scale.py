"""data.police.uk at national scale (issue 8): the pyarrow streaming path against an independent pandas count."""

import importlib.util
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ncpm.core.catalogue import measure_for_police_uk
from ncpm.core.errors import InputError
from ncpm.core.forces import canonical_force
from ncpm.io.policeuk import NO_LSOA, read_police_uk, reader, records, tally
from ncpm.io.policeuk import archive as police_archive

_GEN = Path(__file__).resolve().parents[1] / "benchmarks" / "gen_police_archive.py"
_spec = importlib.util.spec_from_file_location("gen_police_archive", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """3 months x 3 forces, about 2,000 records a force-month."""
    return gen.generate(tmp_path_factory.mktemp("police") / "archive.zip", rows=18_000, months=3, n_forces=3,
                        seed=7, compresslevel=1)


def _members(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _expected(path, lsoa=False):
    """(force, area, measure, month) -> records, by pandas over each member (independent of the reader); areas
    the LSOA code (``lsoa``), else the whole force and each district (the LSOA name without its code)."""
    frames = [pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False) for data in _members(path).values()]
    df = pd.concat(frames, ignore_index=True)
    if lsoa:
        areas = [df["LSOA code"].where(df["LSOA code"] != "", NO_LSOA)]
    else:
        areas = [pd.Series("Force", index=df.index),
                 df["LSOA name"].str.replace(r"\s+\d{3}[A-Z]$", "", regex=True).replace("", "No location")]
    keys = pd.concat([pd.DataFrame({"force": df["Falls within"].map(canonical_force), "area": area,
                                    "measure": df["Crime type"].map(lambda t: measure_for_police_uk(t) or "police_uk:"
                                                                    + t.lower().replace("-", "_").replace(" ", "_")),
                                    "month": df["Month"]}) for area in areas])
    return keys.value_counts().to_dict(), len(df)


def _got(result):
    return {(r.force, r.area, r.measure, str(r.month)): r.count for r in result.frame.itertuples()}


@pytest.fixture
def no_exact(monkeypatch):
    """Fail if any member goes the exact (slow) path."""
    monkeypatch.setattr(reader.Reader, "exact", lambda self, m: pytest.fail(f"exact path for {m.label}"))


@pytest.mark.parametrize("lsoa", [False, True])
def test_counts_match_pandas(archive, lsoa, no_exact):
    expected, rows = _expected(archive, lsoa=lsoa)
    (volumes,) = read_police_uk(archive, lsoa=lsoa)
    assert _got(volumes) == expected
    assert (volumes.rows_in, volumes.rows_loaded, volumes.rejected) == (rows, rows, [])
    assert volumes.frame["count"].sum() == rows * (1 if lsoa else 2)  # each record in its force and its district
    assert volumes.frame["force"].nunique() == 3 and volumes.frame["month"].nunique() == 3


def test_many_small_batches_give_the_same_counts(archive, monkeypatch, no_exact):
    (whole,) = read_police_uk(archive, lsoa=True)
    monkeypatch.setattr(records, "BLOCK_BYTES", 8 << 10)  # ~30 records a block: dozens of blocks per member
    monkeypatch.setattr(tally, "WORKERS", 1)
    monkeypatch.setattr(tally, "_CONSOLIDATE", 500)  # and partial counts summed many times over
    (small,) = read_police_uk(archive, lsoa=True)
    pd.testing.assert_frame_equal(small.frame, whole.frame)


def test_a_member_over_the_size_limit_goes_the_chunked_exact_path(archive, monkeypatch):
    (fast,) = read_police_uk(archive, lsoa=True)
    exact = []
    slow = reader.Reader.exact
    monkeypatch.setattr(reader.Reader, "exact", lambda self, m: exact.append(m.label) or slow(self, m))
    monkeypatch.setattr(police_archive, "MEMBER_BYTES", 1 << 10)
    (chunked,) = read_police_uk(archive, lsoa=True)
    assert len(exact) == 9
    pd.testing.assert_frame_equal(chunked.frame, fast.frame)
    assert chunked.rows_in == fast.rows_in


def test_zip_and_extracted_folder_agree(archive, tmp_path, no_exact):
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "x")
    (a,), (b,) = read_police_uk(archive), read_police_uk(tmp_path / "x")
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.rows_in == b.rows_in


def _corrupt(archive, tmp_path, change):
    members = _members(archive)
    name = sorted(n for n in members if n.endswith("-street.csv"))[1]
    lines = members[name].decode().split("\n")
    lines = change(lines)
    members[name] = "\n".join(lines).encode()
    out = tmp_path / "corrupt.zip"
    with zipfile.ZipFile(out, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    return out, name


def test_a_corrupted_row_mid_file_is_rejected_with_its_line(archive, tmp_path, monkeypatch):
    """Aggregate first, check the distinct keys after: only the member with an invalid key is re-read exactly."""
    monkeypatch.setattr(records, "BLOCK_BYTES", 64 << 10)  # the bad rows are in later batches
    exact = []
    slow = reader.Reader.exact
    monkeypatch.setattr(reader.Reader, "exact", lambda self, m: exact.append(m.label) or slow(self, m))

    def change(lines):
        for i in (1234, 1500):
            cells = lines[i].split(",")
            cells[3] = "Narnia Police" if i == 1234 else cells[3]
            cells[1] = "2024-13" if i == 1500 else cells[1]
            lines[i] = ",".join(cells)
        return lines

    out, name = _corrupt(archive, tmp_path, change)
    (volumes,) = read_police_uk(out)
    _, rows = _expected(archive)
    assert [str(r) for r in volumes.rejected] == [
        f"{out}!{name}, row 1235, column Falls within: unknown force 'Narnia Police'",
        f"{out}!{name}, row 1501, column Month: cannot read month '2024-13' (expected YYYY-MM)"]
    assert (volumes.rows_in, volumes.rows_loaded) == (rows, rows - 2)
    assert exact == [f"{out}!{name}"]
    expected, _ = _expected(archive)
    got = _got(volumes)
    assert sum(expected.values()) - sum(got.values()) == 2 * 2  # each record in its force and its district


def test_bad_utf8_in_a_column_not_read_is_still_refused(archive, tmp_path):
    """pyarrow reads only the key columns; the stream it reads is still checked to be UTF-8 as a whole."""
    def change(lines):
        cells = lines[700].split(",")
        cells[6] = "On or near Caf\udce9"  # a lone 0xe9 byte once encoded with surrogateescape
        lines[700] = ",".join(cells)
        return lines

    members = _members(archive)
    name = sorted(n for n in members if n.endswith("-street.csv"))[0]
    lines = change(members[name].decode().split("\n"))
    members[name] = "\n".join(lines).encode("utf-8", "surrogateescape")
    out = tmp_path / "latin.zip"
    with zipfile.ZipFile(out, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    with pytest.raises(InputError, match=r"row 701: not UTF-8 text \(byte 0xe9 at character 170\)"):
        read_police_uk(out)


def test_quoted_line_break_keeps_exact_lines(archive, tmp_path):
    def change(lines):
        cells = lines[10].split(",")
        cells[6] = '"On or near\nHigh Street"'
        lines[10] = ",".join(cells)
        cells = lines[20].split(",")
        cells[9] = ""
        lines[20] = ",".join(cells)
        return lines

    out, name = _corrupt(archive, tmp_path, change)
    (volumes,) = read_police_uk(out)
    # record 20 (0-based line index 20) starts on line 22 because record 10 spans two lines
    assert [str(r) for r in volumes.rejected] == [f"{out}!{name}, row 22, column Crime type: missing value"]


@pytest.mark.parametrize("member", ["../2024-01-kent-street.csv", "/etc/2024-01-kent-street.csv",
                                    "2024-01/../../2024-01-kent-street.csv"])
def test_members_escaping_the_archive_are_refused(tmp_path, member):
    out = tmp_path / "evil.zip"
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("2024-01/2024-01-kent-street.csv", ",".join(gen.COLUMNS) + "\n")
        z.writestr(member, ",".join(gen.COLUMNS) + "\n")
    with pytest.raises(InputError, match=r"unsafe member path .* refusing to read it"):
        read_police_uk(out)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.zip"]


def test_a_corrupt_archive_member_is_a_clear_error(tmp_path):
    import zipfile as _zipfile

    from ncpm.core.errors import InputError
    from ncpm.io.policeuk import read_police_uk

    body = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type," \
           "Last outcome category,Context\n" + "".join(
               f"{i:064x},2023-06,Warwickshire Police,Warwickshire Police,-1.5,52.3,On or near X,E01000001,A 001A,"
               f"Vehicle crime,Under investigation,\n" for i in range(2000))
    archive = tmp_path / "police.zip"
    with _zipfile.ZipFile(archive, "w", _zipfile.ZIP_DEFLATED) as z:
        z.writestr("2023-06/2023-06-warwickshire-street.csv", body)
    assert read_police_uk(archive)[0].frame.query("area == 'Force'")["count"].sum() == 2000
    data = bytearray(archive.read_bytes())
    data[200] ^= 0xFF  # inside the member's compressed bytes
    archive.write_bytes(bytes(data))
    with pytest.raises(InputError, match="2023-06-warwickshire-street.csv' is corrupt"):
        read_police_uk(archive)


@pytest.mark.parametrize("lsoa", [False, True])
def test_frames_are_canonical_by_construction(archive, tmp_path, lsoa):
    """The reader builds its frames sorted and unique from the group keys instead of calling ``schema.validate``
    on millions of rows: the frames are exactly what validate would give, outcomes and exact-path members too."""
    from ncpm.core import schema

    members = _members(archive)
    street = sorted(n for n in members if n.endswith("-street.csv"))
    rows = members[street[0]].decode().split("\n")
    ids = [r.split(",")[0] for r in rows[1:40] if r and r.split(",")[0]]
    header = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
    outcomes = header + "".join(f"{i},2023-02,Kent Police,Kent Police,,,,,,"
                                f"{'Unable to prosecute suspect' if k % 3 else 'Suspect charged'}\n"
                                for k, i in enumerate(ids + ["not-a-crime-read"]))
    lines = members[street[1]].decode().split("\n")
    cells = lines[5].split(",")
    cells[6] = '"On or near\nHigh Street"'  # a quoted line break: this member goes the exact path
    lines[5] = ",".join(cells)
    members[street[1]] = "\n".join(lines).encode()
    out = tmp_path / "mixed.zip"
    with zipfile.ZipFile(out, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
        z.writestr("2023-02/2023-02-kent-outcomes.csv", outcomes)
    volumes, outcome_counts = read_police_uk(out, lsoa=lsoa)
    assert outcome_counts.frame["count"].sum() == (len(ids) + 1) * (1 if lsoa else 2)
    assert "police_uk:unmatched_crime" in set(outcome_counts.frame["measure"])
    for result, spec in ((volumes, schema.VOLUMES), (outcome_counts, schema.OUTCOMES)):
        pd.testing.assert_frame_equal(result.frame, schema.validate(result.frame, spec))
        assert result.frame.dtypes.tolist() == schema.empty(spec).dtypes.tolist()
