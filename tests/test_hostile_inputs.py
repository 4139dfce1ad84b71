"""Hostile inputs (issue 15), one row each, through the real entry point (``python -m ncpm``), as an analyst runs it:
the exit code of ``ncpm validate`` and of ``ncpm ingest``, the message fragments (file, line, column), and the row
accounting (rows in = loaded + rejected + skipped, counted in the records the file holds). Every input is generated
here and small; a zip bomb's peak memory is measured against the size it would inflate to.
"""

import io
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from fixtures_io import STREET_HEADER, csv_text

from ncpm.io import extracts
from ncpm.methods import peers

ROOT = Path(__file__).resolve().parents[1]
STREET = "2023-05-warwickshire-street.csv"
GOOD = ["ab12", "2023-05", "Warwickshire Police", "Warwickshire Police", "-1.5", "52.2", "On or near Park",
        "E01031062", "Warwick 001A", "Vehicle crime", "Under investigation", ""]
VOLUMES = ["force", "area", "measure", "month", "count"]
MSG = ["force", "peer", "version"]


def with_(row, i, value):
    out = list(row)
    out[i] = value
    return out


def write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")


def volumes(*rows):
    return csv_text([VOLUMES, *rows])


def vrow(month="2023-05", count="3", area="Force", measure="knife_crime"):
    return ["Warwickshire", area, measure, month, count]


def raw_zip(name: str, data: bytes, crc: int, size: int, declared: int | None = None) -> bytes:
    """A one-member zip of an already deflated ``data`` (``size`` bytes inflated, ``declared`` in the headers)."""
    declared = size if declared is None else declared
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), declared, len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), declared,
                          len(encoded), 0, 0, 0, 0, 0, 0)
    offset = len(local) + len(encoded) + len(data)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(encoded), offset, 0)
    return local + encoded + data + central + encoded + end


def bomb(inflated: int, *, declared: int | None = None, name: str = "2023-05/2023-05-warwickshire-street.csv"):
    """A police.uk-named member inflating to ``inflated`` bytes (a header, then one record repeated), built from
    one independently deflated 1 MiB segment repeated (a full flush resets the history), so it costs seconds to
    make however large it inflates."""
    head = (",".join(STREET_HEADER) + "\r\n").encode()
    record = (",".join(GOOD) + "\r\n").encode()
    block = (record * ((1 << 20) // len(record) + 1))[:1 << 20]
    blocks = (inflated - len(head)) // len(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    segment = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    data = first + segment * blocks + comp.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    return raw_zip(name, data, crc, len(head) + blocks * len(block), declared)


def nested_zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("2023-06-warwickshire-street.csv", csv_text([STREET_HEADER, with_(GOOD, 1, "2023-06")]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("2023-05/2023-05-warwickshire-street.csv", csv_text([STREET_HEADER, GOOD]))
        z.writestr("2023-06.zip", inner.getvalue())
    return out.getvalue()


def unbalanced_quote() -> str:
    lines = csv_text([STREET_HEADER] + [GOOD] * 11).split("\r\n")
    lines[4] = lines[4].replace("On or near Park", '"On or near Park', 1)  # record 4, line 5: the quote never closes
    return "\r\n".join(lines)


def formula_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(VOLUMES)
    book.active.append(["Warwickshire", "Force", "knife_crime", "2023-05", "=1+2"])  # no cached value: never computed
    book.save(path)


def workbook_bomb(path: Path) -> None:
    """An XLSX whose sheet XML would inflate to 64 MiB at about 1,000 to 1."""
    formula_workbook(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/padding.xml", b" " * (64 << 20))


@dataclass
class Case:
    files: dict  # relative path -> text, bytes, or a callable writing the path
    given: str  # the path given to ncpm (relative)
    code: int  # exit code of ncpm validate
    says: list[str]  # fragments of the output ({dir} = the folder the files are in)
    rows: tuple[int, int, int] | None = None  # rows in, loaded, rejected (None: the file is refused whole)
    ingest_code: int | None = None  # of ncpm ingest, when it differs from validate's
    args: list[str] = field(default_factory=list)


POLICE = f"{{dir}}/p/{STREET}"
CASES = {
    # --- crashes before: now one clear message
    "police.uk field over 128 KiB": Case({f"p/{STREET}": csv_text([STREET_HEADER, GOOD, with_(GOOD, 6, "x" * 200_000),
                                                                   GOOD])}, "p", 1,
                                         [f"{POLICE}, row 3: a field longer than 131,072 characters (FIELD_LIMIT)"]),
    "police.uk header field over 128 KiB": Case({f"p/{STREET}": csv_text([with_(STREET_HEADER, 11, "x" * 200_000),
                                                                          GOOD])}, "p", 1,
                                                [f"{POLICE}, row 1: a field longer than 131,072 characters"]),
    "extract line over 1 MiB": Case({"v.csv": volumes(vrow()) + "x" * (2 << 20)}, "v.csv", 1,
                                    ["{dir}/v.csv, row 3: a line longer than 1,048,576 bytes (LINE_LIMIT)"]),
    "zip bomb, honest sizes": Case({"bomb.zip": bomb(64 << 20)}, "bomb.zip", 1,
                                   ["{dir}/bomb.zip: member '2023-05/2023-05-warwickshire-street.csv' would inflate",
                                    "over the limit of 100 (MAX_RATIO): refusing a possible zip bomb"]),
    "zip bomb, size understated": Case({"bomb.zip": bomb(64 << 20, declared=1 << 20)}, "bomb.zip", 1,
                                       ["{dir}/bomb.zip: member '2023-05/2023-05-warwickshire-street.csv' is corrupt "
                                        "(CRC or size does not match)"]),
    "zip member declared over 1 GiB": Case({"big.zip": bomb(2 << 20, declared=3 << 30)}, "big.zip", 1,
                                           ["would inflate to 3,221,225,472 bytes, over the limit of 1,073,741,824 "
                                            "(MAX_MEMBER_BYTES)"]),
    "workbook bomb": Case({"w.xlsx": workbook_bomb}, "w.xlsx", 1,
                          ["{dir}/w.xlsx: member 'xl/padding.xml' would inflate", "(MAX_RATIO)"]),
    # --- silently accepted or dropped before
    "unbalanced quote": Case({f"p/{STREET}": unbalanced_quote()}, "p", 1,
                             [f"{POLICE}, row 5: a quote opened on this line is not closed: the field runs to line "
                              "12, taking in 7 line(s) that read as records"]),
    "quote open at the end of the file": Case({f"p/{STREET}": csv_text([STREET_HEADER, GOOD, GOOD]) + '"x,y\r\n'},
                                              "p", 1, [f"{POLICE}, row 4: a quote opened on this line is not closed: "
                                                       "the field runs to the end of the file"]),
    "zip inside the archive": Case({"a.zip": nested_zip()}, "a.zip", 1,
                                   ["{dir}/a.zip: member '2023-06.zip' is itself a zip archive"]),
    "zip inside a police.uk folder": Case({f"p/{STREET}": csv_text([STREET_HEADER, GOOD]), "p/2023-06.zip": nested_zip()},
                                          "p", 1, ["{dir}/p: 2023-06.zip is a zip archive inside the folder"]),
    "empty folder": Case({"empty/.keep": ""}, "empty", 1, ["{dir}/empty: no data"]),
    "folder holding only a readme": Case({"docs/README.txt": "hello"}, "docs", 1, ["{dir}/docs: no data"]),
    "file named for another month and force": Case(
        {"p/2016-08-kent-street.csv": csv_text([STREET_HEADER, with_(with_(GOOD, 1, "2016-07"), 3,
                                                                     "West Yorkshire Police")])}, "p", 0,
        ["note: {dir}/p/2016-08-kent-street.csv: the file name says 2016-08 Kent but its records are of 2016-07; "
         "West Yorkshire"], (1, 1, 0)),
    "msg own peer": Case({"m.csv": csv_text([MSG, ["Warwickshire", "Warwickshire", "v1"], ["Warwickshire", "Kent", "v1"]])},
                         "m.csv", 1, ["{dir}/m.csv, row 2, column peer: Warwickshire is listed as its own peer"],
                         (2, 1, 1)),
    "msg more than 7 peers": Case({"m.csv": csv_text([MSG] + [["Kent", p, "v1"] for p in (
        "Essex", "Suffolk", "Norfolk", "Sussex", "Surrey", "Hampshire", "Dorset", "Devon and Cornwall")])}, "m.csv", 1,
        ["{dir}/m.csv, row 9, column peer: Kent has 8 peers in version v1: a Most Similar Group has at most 7"],
        (8, 0, 8)),
    "msg unknown peer": Case({"m.csv": csv_text([MSG, ["Kent", "Narnia", "v1"]])}, "m.csv", 1,
                             ["{dir}/m.csv, row 2, column peer: unknown force 'Narnia'"], (1, 0, 1)),
    "unknown measure": Case({"v.csv": volumes(vrow(measure="knif_crime"), vrow(month="2023-06"))}, "v.csv", 1,
                            ["{dir}/v.csv, row 2, column measure: unknown measure 'knif_crime' (did you mean "
                             "'knife_crime'?)"], (2, 1, 1)),
    "areas differing in case or spaces": Case(
        {"v.csv": volumes(vrow(area="East"), vrow(area=" east ", month="2023-06"), vrow(area="EAST", month="2023-07"))},
        "v.csv", 0, ["note: area 'East' is also written 'east', 'EAST' (case or spacing): read as 'East'"], (3, 3, 0)),
    "impossible date": Case({"v.csv": volumes(vrow(month="2023-02-30"), vrow())}, "v.csv", 1,
                            ["{dir}/v.csv, row 2, column month: '2023-02-30' is not a date (no such day)"], (2, 1, 1)),
    "month far in the future": Case({"v.csv": volumes(vrow(month="2099-12"), vrow())}, "v.csv", 1,
                                    ["{dir}/v.csv, row 2, column month: month '2099-12' is in the future"], (2, 1, 1)),
    "count of 2**53 + 1": Case({"v.csv": volumes(vrow(count=str(2**53 + 1)), vrow(month="2023-06"))}, "v.csv", 1,
                               ["{dir}/v.csv, row 2, column count: '9007199254740993' is larger than the largest count "
                                "read (1,000,000,000)"], (2, 1, 1)),
    "NUL byte in a name": Case({"v.csv": volumes(vrow(area="Ea\x00st"), vrow())}, "v.csv", 1,
                               ["{dir}/v.csv, row 2, column area: control character U+0000"], (2, 1, 1)),
    # --- vague or wrong messages before
    "tab-delimited": Case({"t.csv": "\t".join(VOLUMES) + "\r\n" + "\t".join(vrow()) + "\r\n"}, "t.csv", 1,
                          ["{dir}/t.csv: tab-delimited text", "save it as 'CSV (Comma delimited)'"]),
    "cp1252 bytes": Case({"c.csv": volumes(vrow(), vrow(area="North \u2013 East")).encode("cp1252")}, "c.csv", 1,
                         ["{dir}/c.csv, row 3: not UTF-8 text (byte 0x96 at character 20)", "--encoding cp1252"]),
    "cp1252 with --encoding": Case({"c.csv": volumes(vrow(), vrow(area="North \u2013 East")).encode("cp1252")},
                                   "c.csv", 0, ["clean"], (2, 2, 0), args=["--encoding", "cp1252"]),
    "UTF-16 with its BOM": Case({"u.csv": volumes(vrow()).encode("utf-16")}, "u.csv", 0, ["clean"], (1, 1, 0)),
    "count of 1e20": Case({"v.csv": volumes(*[vrow(month=f"2022-{m:02d}", count="1e20" if m == 10 else "3")
                                              for m in range(1, 13)])}, "v.csv", 1,
                          ["{dir}/v.csv, row 11, column count: '1e20' is larger than the largest count read"],
                          (12, 11, 1)),
    "formula with no saved value": Case({"f.xlsx": formula_workbook}, "f.xlsx", 1,
                                        ["{dir}/f.xlsx [Sheet], row 2, column count: a formula (=1+2) with no saved "
                                         "value: open the workbook in Excel and save it"], (1, 0, 1)),
}
ACCOUNT = re.compile(r"(\d+) rows in, (\d+) loaded, (\d+) rejected(?:, (\d+) skipped)?")


def ncpm(*args):
    return subprocess.run([sys.executable, "-m", "ncpm", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def _make(folder: Path, case: Case) -> Path:
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content(path) if callable(content) else write(path, content)
    return folder / case.given


def test_peer_limit_matches_peers():
    assert extracts.MSG_MAX_PEERS == peers.MSG_MAX_SIZE - 1


@pytest.mark.parametrize("command", ["validate", "ingest"])
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(tmp_path, name, command):
    case = CASES[name]
    given = _make(tmp_path / "in", case)
    out = ["--out", tmp_path / "out"] if command == "ingest" else []
    done = ncpm(command, "--quiet", given, *case.args, *out)
    said = done.stdout + done.stderr
    expected = case.code if command == "validate" or case.ingest_code is None else case.ingest_code
    assert done.returncode == expected, said
    for fragment in case.says:
        if fragment == "clean" and command == "ingest":
            continue
        assert fragment.format(dir=tmp_path / "in") in said
    assert "Traceback" not in said and "internal error" not in said and "Warning" not in done.stderr
    accounts = ACCOUNT.findall(done.stdout)
    if case.rows is None:
        assert not accounts, said
    else:
        (rows_in, loaded, rejected, skipped), = accounts
        assert (int(rows_in), int(loaded), int(rejected)) == case.rows
        assert int(rows_in) == int(loaded) + int(rejected) + int(skipped or 0)


PEAK = ("import resource, sys\nfrom ncpm.cli import main\ncode = main(sys.argv[1:])\n"
        "print('PEAK_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)")


def _peak(*args) -> tuple[subprocess.CompletedProcess, int]:
    done = subprocess.run([sys.executable, "-c", PEAK, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    return done, int(re.search(r"PEAK_KIB (\d+)", done.stderr)[1]) << 10


@pytest.mark.parametrize("declared", [None, 1 << 20], ids=["honest sizes", "size understated"])
def test_a_zip_bomb_is_refused_in_memory_far_below_its_inflated_size(tmp_path, declared):
    """A member inflating to 1 GiB (a 4 MiB file) is refused, and validate's peak memory stays a fraction of it:
    whatever the headers say, no reader inflates more than a member declares, nor a member over the limits."""
    inflated = 1 << 30
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb(inflated, declared=declared))
    assert path.stat().st_size < inflated // 200
    _, base = _peak("validate", "--quiet", ROOT / "data" / "raw" / "demo" / "msg.csv")  # the interpreter and libraries
    for command in (["validate"], ["ingest", "--out", tmp_path / "out"]):
        done, peak = _peak(*command, "--quiet", path)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "bomb.zip: member" in done.stdout + done.stderr
        assert peak < base + (64 << 20), f"peak {peak >> 20} MiB, {base >> 20} MiB reading a small file"


def test_a_long_single_line_extract_is_refused_in_bounded_memory(tmp_path):
    """A 30 MiB extract with no line break: refused at the first 1 MiB, never held whole."""
    path = tmp_path / "v.csv"
    path.write_bytes(b"force,area,measure,month,count" + b"x" * (30 << 20))
    done, peak = _peak("validate", "--quiet", path)
    assert done.returncode == 1 and "row 1: a line longer than 1,048,576 bytes" in done.stdout
    _, base_peak = _peak("validate", "--quiet", ROOT / "data" / "raw" / "demo" / "msg.csv")
    assert peak < base_peak + (20 << 20), f"peak {peak >> 20} MiB, {base_peak >> 20} MiB reading a small file"
