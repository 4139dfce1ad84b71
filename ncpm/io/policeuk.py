"""data.police.uk street-level crime and outcomes files: single CSVs, folders of them, and the national archive zip.

Formats (data.police.uk/about/#columns):

- street files ``YYYY-MM-<force>-street.csv``: Crime ID, Month, Reported by, Falls within, Longitude, Latitude,
  Location, LSOA code, LSOA name, Crime type, Last outcome category, Context. Anti-social behaviour rows have a
  blank Crime ID and rows without a location a blank LSOA; both are valid.
- outcomes files ``YYYY-MM-<force>-outcomes.csv``: Crime ID, Month, Reported by, Falls within, Longitude, Latitude,
  Location, LSOA code, LSOA name, Outcome type.

Each record is one row in ``rows_in``; the frames hold monthly counts. Street records become *volumes* by force
("Falls within"), area, crime type and month. Areas: each record counts in its force's whole-force row ("Force") and
in its local authority district's row, the LSOA name without its trailing LSOA code ("Rugby 004C" -> "Rugby",
:func:`district`; :data:`NO_LOCATION` for a record without an LSOA), so a force's districts add up to its "Force"
row exactly (the frame's counts sum to twice the records). The districts are where police.uk places the records,
so a force's data hold a few records in neighbouring districts (Coventry in Warwickshire's): they stay named
(``ncpm.methods.series.map_areas`` groups districts into a force's local policing areas). With ``lsoa=True`` the area is
the LSOA code instead (:data:`NO_LSOA` for records without one), with no "Force" row. The measure is the catalogue
measure of the crime type (``ncpm.core.catalogue.measure_for_police_uk``) or ``police_uk:<crime type slug>``.

Outcome records become *outcomes* counted by the month the outcome was recorded, with the same areas; their measure
is that of the crime (matched on Crime ID to the street records read in the same call), else :data:`UNMATCHED`.
``outcome_type`` is the Home Office outcome type the Outcome type text stands for (``ncpm.core.catalogue.
police_uk_outcome``, the versioned table in ``ncpm/data/outcomes.toml``: "Local resolution" is 8), so
``ncpm.methods.measures.outcome_rate`` gives "action taken" rates; a text with no type (under investigation, a court result
after the charge, a text not in the table) is kept as it is, counted, and in no action-taken set; the notes name
each text not in the table with its count. Street files' "Last outcome category" gives outcomes only when asked
(``last_outcomes=True``), and then never alongside outcomes files (it would count outcomes twice): each crime's
latest outcome as of the download, counted in the month the crime was recorded (a court text stands for the charge),
which is a cohort view that changes with each download, not the outcomes recorded in a month.

National scale (issue 8): "check each distinct text once, count integer keys". Archives are read member by member
straight from the zip (never extracted): each deflated member is read raw and inflated whole by ISA-L (a national
member is a few MB; CRC-32 checked). Each member is checked to be UTF-8 (``bytes.isascii``, else a decode) and
parsed by ``pyarrow.csv.read_csv`` (C++) reading only the key columns, dictionary-encoded: a batch holds a few
distinct texts and an int32 index a record. Only the distinct texts go through Python (the force through
``find_force``, the month parsed, a blank crime type refused, an outcome text looked up), each once per call; LSOA
names (or codes), thousands a batch, are matched in C++ (``pyarrow.compute.index_in``) and only unseen ones go
through Python (a name's district computed once). Each record becomes one int64 key packing its five codes (force,
area, measure, month, outcome type); the keys are summed by sorting (``numpy``) every :data:`_CONSOLIDATE` records,
and the whole-force rows are the district keys summed again with the area masked out, at the end (a few thousand
groups, not the records). Up to :data:`WORKERS` threads read, inflate and parse
:data:`AHEAD` members ahead (file reads, ISA-L and pyarrow release the GIL) while the calling thread assigns the
codes. Memory is bounded by a few members, the keys held and the distinct (force, area, measure, month) groups,
not by the archive size; the one structure that grows with the archive is the Crime ID map used to give outcomes
their measure (10 bytes a crime), built only when the input holds outcomes files. The frames are built sorted
and unique from the distinct keys (what ``schema.validate`` would give, without re-sorting millions of rows).

A member with any invalid record (an unknown force, an unreadable month, a blank crime or outcome type, an outcome
without a Crime ID: rare in real data) is re-read by the exact path (``ncpm.io._common.csv_records``, streamed, in
chunks of :data:`CHUNK_ROWS` records), which gives each rejected row with its exact 1-based line; so is a member
pyarrow cannot read as one record a line (ragged rows, a quoted line break), one that is not UTF-8 (so those errors
name the line of the bad byte), one with no records, one with a line of ``FIELD_LIMIT`` bytes or more, and a file
over :data:`MEMBER_BYTES`. ``rows_in`` is the sum of the counts; rows of blank cells are skipped, not counted, on
both paths.

Hostile input (issue 15; the limits are in ``ncpm.io._common``): a field over ``FIELD_LIMIT`` characters, a line over
``LINE_LIMIT`` bytes, a quote left open (named by the line it opens on: it would merge records), an archive member
declaring more than ``MAX_MEMBER_BYTES`` or a ratio over ``MAX_RATIO``, a member inflating past what it declares
(never inflated further: :func:`_inflate`), and a zip inside the archive or the folder are refused with the file
and line. At most :data:`AHEAD` members and :data:`AHEAD_BYTES` are in flight, so memory is bounded whatever the
archive holds. A file whose records are of another month or force than its name says is read by its records, with a
note naming it.

>>> results = read_police_uk("2023-06-warwickshire-street.csv")  # doctest: +SKIP
>>> results[0].frame.columns.tolist()  # doctest: +SKIP
['force', 'area', 'measure', 'month', 'count']
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

try:
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - isal is a dependency
    _isal = None

from ncpm.core import schema
from ncpm.core.catalogue import measure_for_police_uk, outcome_table, police_uk_outcome
from ncpm.core.errors import InputError
from ncpm.core.forces import find_force
from ncpm.core.schema import NO_LOCATION
from ncpm.io import LoadResult, Rejection
from ncpm.io._common import (
    FIELD_LIMIT,
    RowChecks,
    Table,
    _month_text,
    check_member,
    csv_records,
    header_key,
    match_columns,
    slug,
    text_encoding,
    unique_map,
)

log = logging.getLogger("ncpm")

FORMAT = "police_uk"
STREET_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "LSOA name", "Crime type")
OUTCOMES_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "LSOA name", "Outcome type")
LAST_OUTCOME = "Last outcome category"  # street files: required with ``last_outcomes=True``
FILE_NAME = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|outcomes)\.csv$", re.I)
NO_LSOA = "no LSOA"  # the area of records without a location when reading by LSOA
_LSOA_CODE = re.compile(r"\s*\d{3}[A-Za-z]$")  # the trailing code of an LSOA name: "Rugby 004C"
UNMATCHED = "police_uk:unmatched_crime"  # outcomes whose Crime ID is not among the street records read
CHUNK_ROWS = 200_000  # records per chunk on the exact path
BLOCK_BYTES = 16 << 20  # bytes per record batch on the fast path (pyarrow parses blocks in parallel)
WORKERS = 3  # threads reading, inflating and parsing members (3 measured best on 2 cores)
AHEAD = 8  # members in flight: parsed ahead of the thread assigning the codes, so the workers never wait for it
MEMBER_BYTES = 128 << 20  # larger files (never a police.uk member: a few MB) go the exact path, streamed
AHEAD_BYTES = 256 << 20  # inflated bytes of the members in flight: bounds the workers' memory with AHEAD
_CONSOLIDATE = 4_000_000  # group keys of records held (32 MB) before they are summed together
_BOM = codecs.BOM_UTF8
@dataclass
class _Member:
    label: str
    kind: str | None  # "street" / "outcomes" from the file name, None for a single file given by the caller
    open: Callable[[], BinaryIO]
    size: int  # bytes, uncompressed
    read: Callable[[], bytes] | None = None  # the whole member at once, when that is cheaper than ``open``

    def data(self) -> bytes:
        if self.read is not None:
            return self.read()
        with self.open() as binary:
            return binary.read()


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or bool(re.match(r"^[A-Za-z]:", name))


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip member's local file header (PKWARE APPNOTE 4.3.7)


def _inflate(raw: bytes, size: int) -> bytes:
    """Inflate a raw deflate stream declared to hold ``size`` bytes: ISA-L (python-isal, about twice zlib's speed)
    when installed, else zlib. At most ``size + 1`` bytes are inflated, whatever the stream holds, so a member whose
    header understates its size (a zip bomb) costs no more memory than it declares; the one byte over tells the
    caller the size does not match."""
    inflater = (zlib if _isal is None else _isal).decompressobj(-15)
    return inflater.decompress(raw, size + 1)


def _crc32(data: bytes) -> int:
    return zlib.crc32(data) if _isal is None else _isal.crc32(data)  # ISA-L's: about 8x zlib's


def _zip_bytes(path: Path, info: zipfile.ZipInfo) -> bytes:
    """One deflated archive member's bytes, read raw and inflated here instead of through ``zipfile`` (the inflate
    is the cost of reading a national archive); the CRC-32 and size are checked as ``zipfile`` would."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = _LOCAL_HEADER.unpack(fh.read(_LOCAL_HEADER.size))
        if header[0] != b"PK\x03\x04":
            raise InputError(f"bad local header for member {info.filename!r}", file=str(path))
        fh.seek(info.header_offset + _LOCAL_HEADER.size + header[-2] + header[-1])
        try:
            data = _inflate(fh.read(info.compress_size), info.file_size)
        except Exception as exc:  # zlib.error or isal_zlib.error: a damaged deflate stream
            raise InputError(f"member {info.filename!r} is corrupt ({exc})", file=str(path)) from None
    if len(data) != info.file_size or _crc32(data) != info.CRC:
        raise InputError(f"member {info.filename!r} is corrupt (CRC or size does not match)", file=str(path))
    return data


def _zip_member(path: Path, info: zipfile.ZipInfo, kind: str) -> _Member:
    """A member read whole by ``_zip_bytes`` when it is deflated, unencrypted and at most :data:`MEMBER_BYTES`;
    otherwise streamed through ``zipfile`` (the exact path reads a very large member in chunks)."""
    label = f"{path}!{info.filename}"
    whole = (info.file_size <= MEMBER_BYTES and info.compress_type == zipfile.ZIP_DEFLATED
             and not info.flag_bits & 0x1)
    if whole:
        return _Member(label, kind, lambda: io.BytesIO(_zip_bytes(path, info)), info.file_size,
                       lambda: _zip_bytes(path, info))
    return _Member(label, kind, lambda: zipfile.ZipFile(path).open(info), info.file_size)


@contextmanager
def _members(path: Path) -> Iterator[list[_Member]]:
    """The street and outcomes files under ``path`` (a CSV, a folder, or a zip archive), street files first."""
    if path.is_dir():
        found = [_Member(str(p), m["kind"].lower(), (lambda p=p: p.open("rb")), p.stat().st_size)
                 for p in sorted(path.rglob("*.csv")) if (m := FILE_NAME.match(p.name))]
        nested = next((p for p in sorted(path.rglob("*")) if p.suffix.lower() == ".zip" and p.is_file()), None)
        if nested is not None:
            raise InputError(f"{nested.relative_to(path)} is a zip archive inside the folder: give it to ncpm "
                             "separately (or extract it in place of the archive), so that no month is read "
                             "twice or left out", file=str(path))
        yield _check_members(found, path)
    elif zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"not a readable zip archive ({exc})", file=str(path)) from None
        with archive:
            found = []
            for info in archive.infolist():
                if _unsafe(info.filename):
                    raise InputError(f"unsafe member path {info.filename!r} in the archive (absolute or "
                                     "containing '..'); refusing to read it", file=str(path))
                m = FILE_NAME.match(PurePosixPath(info.filename).name)
                if info.filename.lower().endswith(".zip") and not info.is_dir():
                    raise InputError(f"member {info.filename!r} is itself a zip archive: ncpm does not read "
                                     "archives inside archives; extract it and give it to ncpm on its own",
                                     file=str(path))
                if m and not info.is_dir():
                    check_member(info, str(path))
                    found.append(_zip_member(path, info, m["kind"].lower()))
            yield _check_members(found, path)
    elif path.is_file():
        if path.suffix.lower() == ".zip":
            raise InputError("not a readable zip archive (File is not a zip file)", file=str(path))
        m = FILE_NAME.match(path.name)
        yield [_Member(str(path), m["kind"].lower() if m else None, lambda: path.open("rb"), path.stat().st_size)]
    else:
        raise InputError("no such file or folder", file=str(path))


def _check_members(found: list[_Member], path: Path) -> list[_Member]:
    if not found:
        raise InputError("no police.uk street or outcomes files (YYYY-MM-<force>-street.csv or "
                         "-outcomes.csv) found", file=str(path))
    seen: dict[str, str] = {}
    for m in found:
        name = PurePosixPath(m.label.replace("\\", "/")).name.lower()
        if name in seen:
            raise InputError(f"the same month, force and kind appear twice: {seen[name]} and {m.label}",
                             file=str(path))
        seen[name] = m.label
    return sorted(found, key=lambda m: (m.kind != "street", m.label))


def _hash(crime_ids: pd.Series) -> np.ndarray:
    """64-bit hashes of Crime IDs (collisions among millions of ids are vanishingly rare: about n^2 / 2^65)."""
    return pd.util.hash_pandas_object(crime_ids, index=False).to_numpy()


def _measure_of(crime_type: str) -> str:
    return measure_for_police_uk(crime_type) or f"police_uk:{slug(crime_type)}"


def district(lsoa_name: str) -> str:
    """The local authority district of a police.uk LSOA name, "<local authority> <LSOA code>": the name without its
    trailing code (three digits and a letter), runs of spaces read as one; :data:`ncpm.core.schema.NO_LOCATION` when
    blank. A name without a trailing code is kept whole (the reader's notes name it).

    >>> district("Nuneaton and Bedworth 012A"), district("  Stratford-on-Avon   001A "), district("")
    ('Nuneaton and Bedworth', 'Stratford-on-Avon', 'No location')
    """
    name = " ".join(lsoa_name.split())
    if not name:
        return NO_LOCATION
    return _LSOA_CODE.sub("", name) or name


def _exact_tables(member: _Member, encoding: str | None, kind: str | None,
                  required_of: Callable[[str], tuple[str, ...]]) -> Iterator[tuple[str, Table]]:
    """The exact (slow) path: validate the header, then yield (kind, table) chunks of :data:`CHUNK_ROWS` records,
    each with the 1-based line it starts on, streamed by :func:`~ncpm.io._common.csv_records` (lines and fields
    limited, a quote left open refused with its line, a bad byte named with its line)."""
    records = csv_records(member.open, member.label, encoding)
    first = next(records, None)
    if first is None or not "".join(first[1]).strip():
        raise InputError("empty file", file=member.label)
    header = first[1]
    if kind is None:
        kind = "outcomes" if header_key("Outcome type") in {header_key(c) for c in header} else "street"
    where = match_columns(header, required_of(kind), file=member.label)
    names = {name: header[i].strip() for name, i in where.items()}
    width = len(header)

    def table(rows: list[list[str]], lines: list[int]) -> Table:
        data = pd.DataFrame({name: pd.Series([r[i].strip() if i < len(r) else "" for r in rows], dtype=object)
                             for name, i in where.items()})
        return Table(member.label, data, np.asarray(lines, dtype=np.int64), names)

    rows, lines, yielded = [], [], False
    for line, record in records:
        if len(record) > width:
            raise InputError(f"{len(record)} fields but the header has {width}", file=member.label, row=line)
        if not any(record):
            continue  # a blank line, or a row of empty cells: no data, not counted
        rows.append(record)
        lines.append(line)
        if len(rows) == CHUNK_ROWS:
            yield kind, table(rows, lines)
            rows, lines, yielded = [], [], True
    if rows or not yielded:  # the last chunk; or a header and no records: a force-month with nothing to report
        yield kind, table(rows, lines)


def _short_lines(data: bytes) -> bool:
    """Whether no line of ``data`` reaches :data:`~ncpm.io._common.FIELD_LIMIT` bytes, told from a line break in
    every window of half that (a line that long spans a whole window). A longer line goes the exact path, which
    refuses a field over the limit with its line, as pyarrow (no field limit) would not."""
    step = FIELD_LIMIT // 2
    return all(data.find(b"\n", i, i + step) >= 0 for i in range(0, len(data) - step, step))


def _as_utf8(data: bytes, encoding: str | None) -> bytes | None:
    """The bytes of a member as UTF-8 without a byte-order mark (transcoded from ``encoding`` when another is
    asked for, or UTF-16 told by its BOM: :func:`~ncpm.io._common.text_encoding`), or None when they do not decode
    (the exact path then reports the byte and its line)."""
    name = codecs.lookup(text_encoding(data[:4], encoding)).name
    try:
        if name not in ("utf-8", "utf-8-sig"):
            data = data.decode(name).encode("utf-8")
        elif not data.isascii():
            data.decode("utf-8")  # validation only
    except UnicodeDecodeError:
        return None
    if name == "utf-8-sig" and data.startswith(_BOM):
        data = data[len(_BOM):]
    return data


@dataclass
class _Parsed:
    """A member parsed by pyarrow: its kind, the columns read (police.uk names, in order) and its records, the
    key columns dictionary-encoded (each batch holds a few distinct texts and an int32 index a record)."""

    kind: str
    wanted: list[str]
    table: pa.Table


_DIMS = ("force", "area", "measure", "month", "outcome")
# Bits of each dimension's code in a packed int64 group key, most significant first, in the order of the frames'
# key (force, area, measure, month, outcome type): 63 bits, so keys are non-negative and sort as the codes do.
_BITS = {"force": 7, "area": 24, "measure": 10, "month": 12, "outcome": 10}
_SHIFT = {d: sum(_BITS[e] for e in _DIMS[i + 1:]) for i, d in enumerate(_DIMS)}


def _pack(force: np.ndarray, area: np.ndarray | int, measure: np.ndarray, month: np.ndarray,
          outcome: np.ndarray | int) -> np.ndarray:
    """One int64 key a record from its five dimension codes (each below 2**bits, checked in ``_Codes.code``)."""
    key = force.astype(np.int64) << _SHIFT["force"]
    for dim, codes in (("area", area), ("measure", measure), ("month", month), ("outcome", outcome)):
        key |= np.asarray(codes, dtype=np.int64) << _SHIFT[dim]
    return key


def _unpack(keys: np.ndarray) -> dict[str, np.ndarray]:
    return {d: (keys >> _SHIFT[d]) & ((1 << _BITS[d]) - 1) for d in _DIMS}


def _sum(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` (sorted) and the sum of ``counts`` over each: a sort, then a segmented sum."""
    if not len(keys):
        return keys, counts
    order = np.argsort(keys, kind="stable")  # timsort: runs already sorted (earlier sums) merge in linear time
    keys, counts = keys[order], counts[order]
    start = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[start], np.add.reduceat(counts, start)


class _Codes:
    """Integer codes of the group values met so far, one list per dimension (force, area, measure, month,
    outcome type), and the cached result of each check on a distinct text (so a check runs once per value)."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {d: [] for d in _DIMS}
        self.index: dict[str, dict[str, int]] = {d: {} for d in _DIMS}
        self.cache: dict[str, dict[str, int]] = {}
        self.seen: dict[str, tuple[pa.Array, np.ndarray]] = {}  # per check: texts met so far and their codes

    def code(self, dim: str, value: str) -> int:
        index = self.index[dim]
        found = index.get(value)
        if found is None:
            found = len(self.values[dim])
            if found >> _BITS[dim]:
                raise InputError(f"more than {(1 << _BITS[dim]) - 1:,} distinct {dim} values: not police.uk data")
            index[value] = found
            self.values[dim].append(value)
        return found

    def lut(self, check: str, dictionary: pa.Array, fn: Callable[[str], int]) -> np.ndarray:
        """Codes of a batch dictionary's (stripped) values under ``check`` (-1 blank, -2 invalid)."""
        cache = self.cache.setdefault(check, {})
        values = dictionary.to_pylist()
        out = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            c = cache.get(v)
            if c is None:
                v2 = v.strip()
                c = cache[v] = -1 if v2 == "" else fn(v2)
            out[i] = c
        return out

    def mapped(self, check: str, dictionary: pa.Array, fn: Callable[[str], int]) -> np.ndarray:
        """Codes of a batch dictionary of many distinct texts (stripped) under ``check``, looked up in C++: an LSOA
        dictionary holds thousands of codes or names a batch, so only the texts not met before go through
        ``fn`` in Python, once each (about 35,000 in a national archive)."""
        seen, codes = self.seen.get(check) or (pa.array([], pa.string()), np.zeros(0, dtype=np.int64))
        values = pc.utf8_trim_whitespace(dictionary)
        at = pc.index_in(values, value_set=seen)
        if at.null_count:
            fresh = pc.unique(values.filter(at.is_null())).to_pylist()
            codes = np.concatenate([codes, np.array([fn(v) for v in fresh], dtype=np.int64)])
            seen = pa.concat_arrays([seen, pa.array(fresh, pa.string())])
            self.seen[check] = (seen, codes)
            at = pc.index_in(values, value_set=seen)
        return codes[at.to_numpy(zero_copy_only=False).astype(np.int64)]


def _month_code(codes: _Codes) -> Callable[[str], int]:
    def fn(value: str) -> int:
        month = _month_text(value)
        return -2 if month is None else codes.code("month", month)
    return fn


@dataclass
class _Part:
    """What one member contributed: accounted for only when the member has been read to its end."""

    kind: str
    rows_in: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    keys: list[np.ndarray] = field(default_factory=list)  # a packed group key a record counted
    ids: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    last: _Part | None = None  # street records' Last outcome category as outcomes (``last_outcomes=True``)
    no_outcome: int = 0  # street records with a blank Last outcome category (anti-social behaviour)


@dataclass
class _Tally:
    """Running totals over all files of one kind: the keys of the records held, summed every so often into
    (distinct key, count) pairs."""

    rows_in: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    held: list[np.ndarray] = field(default_factory=list)
    n_held: int = 0
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # distinct, sorted
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    files: int = 0

    def add(self, part: _Part) -> None:
        self.rows_in += part.rows_in
        self.rejected.extend(part.rejected)
        self.held.extend(part.keys)
        self.n_held += sum(len(k) for k in part.keys)
        self.files += 1
        if self.n_held > max(_CONSOLIDATE, len(self.keys)):  # amortised: memory stays within a few times the groups
            self.reduce()

    def reduce(self) -> None:
        if self.held:
            keys, counts = np.unique(np.concatenate(self.held), return_counts=True)
            self.keys, self.counts = _sum(np.concatenate([self.keys, keys]), np.concatenate([self.counts, counts]))
            self.held, self.n_held = [], 0


class _Reader:
    """State of one ``read_police_uk`` call: codes, the Crime ID map and the per-kind tallies."""

    def __init__(self, lsoa: bool, encoding: str | None, need_ids: bool, last_outcomes: bool = False) -> None:
        self.lsoa, self.encoding, self.need_ids, self.last_outcomes = lsoa, encoding, need_ids, last_outcomes
        self.codes = _Codes()
        self.codes.code("area", schema.WHOLE_FORCE)  # code 0: the whole-force rows added in ``result``
        self.codes.code("outcome", "")
        self.area_column = "LSOA code" if lsoa else "LSOA name"
        self.odd_names: set[str] = set()  # LSOA names without a trailing LSOA code (kept whole as their district)
        self.unknown: set[str] = set()  # outcome types that are police.uk texts not in the outcome table
        self.name_notes: dict[str, list[str]] = {"street": [], "outcomes": []}  # files named for another month
        self.no_outcome = 0
        self.tallies = {"street": _Tally(), "outcomes": _Tally()}
        self.ids: list[tuple[np.ndarray, np.ndarray]] = []  # (hash of Crime ID, measure code) of street records
        self.id_index: pd.Index | None = None
        self.id_codes = np.array([], dtype=np.int64)

    # ---- the codes of distinct texts
    def required(self, kind: str) -> tuple[str, ...]:
        if kind == "street":
            return STREET_REQUIRED + ((LAST_OUTCOME,) if self.last_outcomes else ())
        return OUTCOMES_REQUIRED

    def area_code(self, value: str) -> int:
        """The area code of a stripped LSOA code (``lsoa=True``) or LSOA name (its district)."""
        if self.lsoa:
            return self.codes.code("area", value or NO_LSOA)
        name = district(value)
        if name != NO_LOCATION and name == " ".join(value.split()):
            self.odd_names.add(value)
        if name == schema.WHOLE_FORCE:  # never merged into the whole-force row
            name = f"{name} (LSOA name)"
        return self.codes.code("area", name)

    def outcome_code(self, text: str, last: bool = False) -> int:
        """The outcome code of an Outcome type (or, ``last``, a Last outcome category) text: its Home Office type,
        else the text itself (kept; the notes name a text not in the table)."""
        found = police_uk_outcome(text, last=last)
        if found.kind == "unknown":
            self.unknown.add(found.outcome_type)
        return self.codes.code("outcome", found.outcome_type)

    # ---- outcomes: the measure of the crime
    def measure_codes(self, hashes: np.ndarray) -> np.ndarray:
        if self.id_index is None:
            keys = np.concatenate([k for k, _ in self.ids]) if self.ids else np.array([], np.uint64)
            codes = np.concatenate([c for _, c in self.ids]) if self.ids else np.array([], np.int16)
            last = ~pd.Series(keys).duplicated(keep="last").to_numpy()
            self.id_index = pd.Index(keys[last])
            self.id_codes = codes[last].astype(np.int64)
            self.ids = []
        unmatched = self.codes.code("measure", UNMATCHED)
        at = self.id_index.get_indexer(hashes)
        return np.where(at >= 0, self.id_codes[np.maximum(at, 0)] if len(self.id_codes) else unmatched, unmatched)

    # ---- the fast path
    def prepare(self, member: _Member) -> _Parsed | None:
        """Read and parse one member with pyarrow (thread-safe: touches no shared state); None when it must go
        the exact path (not UTF-8, ragged rows, a quoted line break, no records: see the module docstring)."""
        if member.size > MEMBER_BYTES:
            return None  # a very large single file: the exact path streams it in chunks (bounded memory)
        data = _as_utf8(member.data(), self.encoding)
        if data is None:
            return None  # not UTF-8 (or not the encoding given): the exact path reports the byte
        if not _short_lines(data):
            return None  # a line of FIELD_LIMIT bytes or more: the exact path applies the limits
        end = data.find(b"\n")
        line = data if end < 0 else data[:end]
        if b"\r" in line.rstrip(b"\r"):
            return None  # a lone CR: the exact path decides
        first = line.decode("utf-8").rstrip("\r")
        if not first.strip():
            raise InputError("empty file", file=member.label)
        header = next(csv.reader([first]))
        kind = member.kind or ("outcomes" if header_key("Outcome type") in {header_key(c) for c in header}
                               else "street")
        where = match_columns(header, self.required(kind), file=member.label)
        if end < 0 or not data[end + 1:end + 4096].strip():
            return None  # no records (or only blank lines): the exact path gives the empty table
        what = "Crime type" if kind == "street" else "Outcome type"
        wanted = ["Falls within", "Month", what, self.area_column]
        if kind == "street" and self.last_outcomes:
            wanted.append(LAST_OUTCOME)
        if kind == "outcomes" or self.need_ids:
            wanted.append("Crime ID")
        columns = [f"c{i}" for i in range(len(header))]
        text = pa.dictionary(pa.int32(), pa.string())  # few distinct texts a batch: decoded once each
        convert = pacsv.ConvertOptions(
            include_columns=[columns[where[w]] for w in wanted],
            column_types={columns[where[w]]: pa.string() if w == "Crime ID" else text for w in wanted},
            strings_can_be_null=False, quoted_strings_can_be_null=False)
        try:
            table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(data).slice(end + 1)),
                                   read_options=pacsv.ReadOptions(column_names=columns, use_threads=True,
                                                                  block_size=BLOCK_BYTES),
                                   parse_options=pacsv.ParseOptions(newlines_in_values=False),
                                   convert_options=convert)
        except pa.ArrowException:
            return None  # ragged rows, a quoted line break: the exact path reports them as before
        if not table.num_rows:
            return None
        return _Parsed(kind, wanted, table)

    def finish(self, parsed: _Parsed) -> _Part | None:
        """The group keys of a parsed member's records; None when a record is invalid (an unknown force, an
        unreadable month, a blank crime or outcome type, an outcome without a Crime ID; perhaps a row of blank
        cells): the exact path then reads the member and reports the rows."""
        part = _Part(parsed.kind)
        for batch in parsed.table.to_batches():
            if batch.num_rows and not self._batch(batch, part, parsed.wanted):
                return None
        return part

    def _batch(self, batch: pa.RecordBatch, part: _Part, wanted: list[str]) -> bool:
        codes, street = self.codes, part.kind == "street"
        cols = dict(zip(wanted, batch.columns, strict=True))

        def coded(name: str, check: str, fn: Callable[[str], int]) -> np.ndarray:
            col = cols[name]
            return codes.lut(check, col.dictionary, fn)[col.indices.to_numpy(zero_copy_only=False)]

        force = coded("Falls within", "force",
                      lambda v: -2 if (f := find_force(v)) is None else codes.code("force", f))
        month = coded("Month", "month", _month_code(codes))
        if street:
            kind_code = coded("Crime type", "crime_type", lambda v: codes.code("measure", _measure_of(v)))
        else:
            kind_code = coded("Outcome type", "outcome", self.outcome_code)
        bad = (force < 0) | (month < 0) | (kind_code < 0)
        ids = no_id = None
        if "Crime ID" in cols:
            ids = pc.utf8_trim_whitespace(cols["Crime ID"])
            no_id = pc.equal(ids, "").to_numpy(zero_copy_only=False)
            if not street:
                bad |= no_id
        if bad.any():
            return False
        col = cols[self.area_column]
        area = codes.mapped(self.area_column, col.dictionary, self.area_code)[col.indices.to_numpy(zero_copy_only=False)]
        if street:
            measure, outcome = kind_code, 0
            if self.last_outcomes:
                last = coded(LAST_OUTCOME, "last outcome", lambda v: self.outcome_code(v, last=True))
                self._last(part, force, area, measure, month, last)
            if ids is not None:
                has = ~no_id
                part.ids.append((_hash(pd.Series(ids.filter(pa.array(has)).to_pylist(), dtype=object)),
                                 measure[has].astype(np.int16)))
        else:
            outcome = kind_code
            measure = self.measure_codes(_hash(pd.Series(ids.to_pylist(), dtype=object)))
        part.keys.append(_pack(force, area, measure, month, outcome))
        part.rows_in += batch.num_rows
        return True

    @staticmethod
    def _last(part: _Part, force: np.ndarray, area: np.ndarray, measure: np.ndarray, month: np.ndarray,
              last: np.ndarray) -> None:
        """Street records with a Last outcome category as outcome records (``last_outcomes=True``); a blank one
        (anti-social behaviour, a crime with no outcome yet published) is no outcome, counted in the notes."""
        has = last >= 0
        part.last = part.last or _Part("outcomes")
        part.last.keys.append(_pack(force[has], area[has], measure[has], month[has], last[has]))
        part.last.rows_in += int(has.sum())
        part.no_outcome += int((~has).sum())

    # ---- the exact path
    def exact(self, member: _Member) -> _Part:
        """Read one member with the csv-aware pandas reader (exact line numbers whatever the quoting)."""
        part: _Part | None = None
        for kind, table in _exact_tables(member, self.encoding, member.kind, self.required):
            part = part or _Part(kind)
            checks = RowChecks(table)
            force = checks.force("Falls within")
            month = checks.month("Month")
            if kind == "street":
                measure = unique_map(checks.text("Crime type"), _measure_of)
                outcome = pd.Series("", index=table.data.index)
            else:
                outcome = checks.text("Outcome type")
                crime_id = checks.text("Crime ID")
                measure = None
            good = checks.good
            n = len(table)
            code = np.zeros((n, 5), dtype=np.int64)
            for j, values in ((0, force), (3, month)):
                code[good, j] = unique_map(values[good], lambda v, d=_DIMS[j]: self.codes.code(d, v)).to_numpy()
            if kind == "outcomes":
                code[good, 4] = unique_map(outcome[good], self.outcome_code).to_numpy()
            code[good, 1] = unique_map(table.data[self.area_column][good], self.area_code).to_numpy()
            if kind == "street":
                code[good, 2] = unique_map(measure[good], lambda v: self.codes.code("measure", v)).to_numpy()
                if self.last_outcomes:
                    texts = table.data[LAST_OUTCOME][good]
                    last = unique_map(texts, lambda v: self.outcome_code(v, last=True) if v else -1).to_numpy()
                    self._last(part, *code[good][:, :4].T, last.astype(np.int64))
                if self.need_ids:
                    has = good & (table.data["Crime ID"] != "").to_numpy()
                    part.ids.append((_hash(table.data["Crime ID"][has]), code[has, 2].astype(np.int16)))
            elif good.any():
                code[good, 2] = self.measure_codes(_hash(crime_id[good]))
            part.keys.append(_pack(*code[good].T))
            part.rows_in += n
            part.rejected.extend(checks.rejections())
        assert part is not None  # _exact_tables yields at least one (possibly empty) table
        return part

    def read(self, members: list[_Member], progress: bool) -> None:
        """Read the members in order; up to :data:`WORKERS` are read and parsed ahead in threads (file reads,
        inflating and pyarrow release the GIL), while the codes are assigned here, one member at a time. At most
        :data:`AHEAD` members, and :data:`AHEAD_BYTES` inflated (one member may exceed it alone), are in flight."""
        pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ncpm-police-uk")
        ahead: deque[tuple[_Member, Future]] = deque()
        held = 0  # inflated bytes of the members in flight (those over MEMBER_BYTES are streamed: not counted)
        try:
            for member in members:
                size = member.size if member.size <= MEMBER_BYTES else 0
                while ahead and (len(ahead) > max(AHEAD, WORKERS) or held + size > AHEAD_BYTES):
                    done, _ = ahead[0]
                    held -= done.size if done.size <= MEMBER_BYTES else 0
                    self._take(*ahead.popleft(), progress)
                ahead.append((member, pool.submit(self.prepare, member)))
                held += size
            while ahead:
                self._take(*ahead.popleft(), progress)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _take(self, member: _Member, future: Future, progress: bool) -> None:
        parsed = future.result()
        part = (self.finish(parsed) if parsed is not None else None) or self.exact(member)
        self.ids.extend(part.ids)
        self._check_name(member, part)
        self.tallies[part.kind].add(part)
        if self.last_outcomes and part.kind == "street":
            self.tallies["outcomes"].add(part.last or _Part("outcomes"))
            self.no_outcome += part.no_outcome
        log.log(logging.INFO if progress else logging.DEBUG, "read %s: %d rows, %d rejected",
                member.label, part.rows_in, len(part.rejected))

    def _check_name(self, member: _Member, part: _Part) -> None:
        """A note when a file's records are of another month or force than its name says (a renamed or mislabelled
        download): they are counted by their own Month and Falls within, which police.uk defines, and the note
        names the file, so that a month read twice, or missing, is seen."""
        named = FILE_NAME.match(PurePosixPath(member.label.replace("\\", "/")).name)
        if named is None or not part.keys:
            return
        found = {d: [self.codes.values[d][c] for c in np.flatnonzero(sum(
                     np.bincount((k >> _SHIFT[d]) & ((1 << _BITS[d]) - 1), minlength=1 << _BITS[d])
                     for k in part.keys))] for d in ("month", "force")}
        force = find_force(named["force"].replace("-", " "))
        said, held = [], []
        if found["month"] != [named["month"]]:
            said.append(named["month"])
            held.append(", ".join(found["month"]))
        if force is not None and found["force"] != [force]:
            said.append(force)
            held.append(", ".join(found["force"]))
        if said:
            self.name_notes[part.kind].append(
                f"{member.label}: the file name says {' '.join(said)} but its records are of {'; '.join(held)}: "
                "counted by the records' own Month and Falls within")

    def result(self, path: Path, kind: str) -> LoadResult:
        """The canonical frame of one kind, built from the distinct keys already in key order (values ranked per
        dimension), so it is sorted and unique by construction; ``schema.validate`` would give the same frame
        (a test checks) at the cost of re-sorting and re-checking millions of rows."""
        tally = self.tallies[kind]
        spec = schema.VOLUMES if kind == "street" else schema.OUTCOMES
        tally.reduce()
        notes = self.notes(kind, tally)
        if not len(tally.keys):
            return LoadResult(str(path), FORMAT, spec.name, schema.empty(spec), tally.rows_in, tally.rejected,
                              notes=notes)
        keys, counts = tally.keys, tally.counts
        if not self.lsoa:  # each district's records again in the whole-force row (area code 0)
            whole = keys & ~np.int64(((1 << _BITS["area"]) - 1) << _SHIFT["area"])
            keys, counts = _sum(np.concatenate([keys, whole]), np.concatenate([counts, counts]))
        fields = _unpack(keys)
        rank = {}
        for d in _DIMS:
            values = self.codes.values[d] or [""]
            rank[d] = np.empty(len(values), dtype=np.int64)
            rank[d][sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
        order = np.argsort(_pack(*(rank[d][fields[d]] for d in _DIMS)))
        fields = {d: f[order] for d, f in fields.items()}

        def text(dim: str) -> pd.Series:
            return pa.array(self.codes.values[dim] or [""], pa.string()).take(fields[dim]).to_pandas()

        cols = {schema.FORCE: text("force"), schema.AREA: text("area"), schema.MEASURE: text("measure"),
                schema.MONTH: pd.Series(pd.PeriodIndex(self.codes.values["month"], freq="M")[fields["month"]])}
        if kind == "outcomes":
            cols[schema.OUTCOME_TYPE] = text("outcome")
        frame = pd.DataFrame(cols)
        frame[schema.COUNT] = counts[order].astype(np.int64)
        return LoadResult(str(path), FORMAT, spec.name, frame, tally.rows_in, tally.rejected, notes=notes)

    def notes(self, kind: str, tally: _Tally) -> list[str]:
        """What the reader says about the records it loaded: LSOA names without a code, outcome texts not in the
        outcome table (with their records), street records with no Last outcome category."""
        out = list(self.name_notes[kind][:10])
        if len(self.name_notes[kind]) > 10:
            out.append(f"... and {len(self.name_notes[kind]) - 10} more files whose name says another month or force")
        if kind == "street" and self.odd_names:
            names = sorted(self.odd_names)
            out.append(f"{len(names)} LSOA name(s) without a trailing LSOA code, each kept whole as its area: "
                       + ", ".join(repr(n) for n in names[:10]) + (", ..." if len(names) > 10 else ""))
        if kind == "outcomes" and self.unknown and len(tally.keys):
            outcome = _unpack(tally.keys)["outcome"]
            table = outcome_table()
            for text in sorted(self.unknown):
                n = int(tally.counts[outcome == self.codes.index["outcome"][text]].sum())
                out.append(f"outcome text {text!r} is not in the police.uk outcome table (outcomes.toml "
                           f"{table.version}): {n:,} record(s) kept with that outcome_type, in no action-taken set")
        if kind == "outcomes" and self.last_outcomes:
            out.append(f"outcomes from street files' {LAST_OUTCOME!r} (each crime's latest outcome, counted in "
                       f"the month the crime was recorded); {self.no_outcome:,} street record(s) with none "
                       "(anti-social behaviour, no outcome yet) give no outcome")
        return out


def read_police_uk(path: str | Path, *, lsoa: bool = False, last_outcomes: bool = False, progress: bool = False,
                   encoding: str | None = None) -> list[LoadResult]:
    """Read data.police.uk street and outcomes files (a CSV, a folder, or the national archive zip).

    Returns one :class:`LoadResult` per kind found: "volumes" (street files) then "outcomes". Areas are the whole
    force ("Force") and its records' local authority districts, which add up to it (``lsoa=True``: LSOA codes);
    outcome types are Home Office outcome types (module docstring). ``last_outcomes=True``: the outcomes are the
    street files' Last outcome category instead (refused when the input holds outcomes files). A record with an
    unknown force, an unreadable month or a blank crime or outcome type is rejected with its file and line;
    a blank Crime ID (anti-social behaviour) or a blank LSOA is valid (outcome records need a Crime ID).
    Archive members with an absolute path or ``..`` are refused (:class:`InputError`); nothing is written to disk.
    Member by member, in memory bounded by a few members and the number of count groups (module docstring).
    """
    path = Path(path)
    with _members(path) as members:
        outcome_files = [m.label for m in members if m.kind == "outcomes"]
        if last_outcomes and outcome_files:
            raise InputError(f"outcomes from street files' {LAST_OUTCOME!r} were asked for, but the input holds "
                             f"outcomes files ({outcome_files[0]}, ...): read the outcomes files (without "
                             "last_outcomes), or street files only; both would count outcomes twice", file=str(path))
        reader = _Reader(lsoa, encoding, need_ids=bool(outcome_files), last_outcomes=last_outcomes)
        reader.read(members, progress)
    return [reader.result(path, kind) for kind, tally in reader.tallies.items() if tally.files]
