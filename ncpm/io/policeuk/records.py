"""One data.police.uk street or outcomes file as records: its columns checked and parsed, two ways.

Formats (data.police.uk/about/#columns): street files hold Crime ID, Month, Reported by, Falls within, Longitude,
Latitude, Location, LSOA code, LSOA name, Crime type, Last outcome category, Context; outcomes files the same up to
LSOA name, then Outcome type. A blank Crime ID (anti-social behaviour) and a blank LSOA are valid.

- The fast path (:func:`parse`): the member checked to be UTF-8 (``bytes.isascii``, else a decode; transcoded from
  another encoding given), then parsed by ``pyarrow.csv.read_csv`` (C++) reading only the key columns,
  dictionary-encoded, in batches of :data:`BLOCK_BYTES`: a batch holds a few distinct texts and an int32 index a
  record. None when the member must go the exact path: not UTF-8, a line of ``FIELD_LIMIT`` bytes or more, ragged
  rows or a quoted line break, no records, or larger than ``archive.MEMBER_BYTES``.
- The exact path (:func:`exact_tables`): streamed by ``ncpm.io.csvtext.csv_records`` in chunks of
  :data:`CHUNK_ROWS` records, each with its exact 1-based line (lines and fields limited, a quote left open refused
  with its line, a bad byte named with its line); rows of blank cells are skipped, not counted.

What a record's texts stand for: the crime type's measure (:func:`measure_of`), the LSOA name's local authority
district (:func:`district`), a Crime ID's 64-bit hash (:func:`crime_id_hashes`) to give an outcome its crime's
measure (:data:`UNMATCHED` when the crime is not among the street records read).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ncpm.core.catalogue import measure_for_police_uk
from ncpm.core.errors import InputError
from ncpm.core.schema import NO_LOCATION
from ncpm.io.csvtext import csv_records, text_encoding
from ncpm.io.headers import header_key, match_columns, slug
from ncpm.io.limits import FIELD_LIMIT
from ncpm.io.policeuk.archive import Member
from ncpm.io.tables import Table

STREET_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "LSOA name", "Crime type")
OUTCOMES_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "LSOA name", "Outcome type")
LAST_OUTCOME = "Last outcome category"  # street files: required with ``last_outcomes=True``
NO_LSOA = "no LSOA"  # the area of records without a location when reading by LSOA
_LSOA_CODE = re.compile(r"\s*\d{3}[A-Za-z]$")  # the trailing code of an LSOA name: "Rugby 004C"
UNMATCHED = "police_uk:unmatched_crime"  # outcomes whose Crime ID is not among the street records read
CHUNK_ROWS = 200_000  # records per chunk on the exact path
BLOCK_BYTES = 16 << 20  # bytes per record batch on the fast path (pyarrow parses blocks in parallel)
_BOM = codecs.BOM_UTF8


def crime_id_hashes(crime_ids: pd.Series) -> np.ndarray:
    """64-bit hashes of Crime IDs (collisions among millions of ids are vanishingly rare: about n^2 / 2^65)."""
    return pd.util.hash_pandas_object(crime_ids, index=False).to_numpy()


def measure_of(crime_type: str) -> str:
    """The measure of a police.uk crime type: its catalogue measure, else ``police_uk:<crime type slug>``."""
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


def exact_tables(member: Member, encoding: str | None, kind: str | None,
                 required_of: Callable[[str], tuple[str, ...]]) -> Iterator[tuple[str, Table]]:
    """The exact (slow) path: validate the header, then yield (kind, table) chunks of :data:`CHUNK_ROWS` records,
    each with the 1-based line it starts on, streamed by :func:`~ncpm.io.csvtext.csv_records` (lines and fields
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
    """Whether no line of ``data`` reaches :data:`~ncpm.io.limits.FIELD_LIMIT` bytes, told from a line break in
    every window of half that (a line that long spans a whole window). A longer line goes the exact path, which
    refuses a field over the limit with its line, as pyarrow (no field limit) would not."""
    step = FIELD_LIMIT // 2
    return all(data.find(b"\n", i, i + step) >= 0 for i in range(0, len(data) - step, step))


def _as_utf8(data: bytes, encoding: str | None) -> bytes | None:
    """The bytes of a member as UTF-8 without a byte-order mark (transcoded from ``encoding`` when another is
    asked for, or UTF-16 told by its BOM: :func:`~ncpm.io.csvtext.text_encoding`), or None when they do not decode
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
class Parsed:
    """A member parsed by pyarrow: its kind, the columns read (police.uk names, in order) and its records, the
    key columns dictionary-encoded (each batch holds a few distinct texts and an int32 index a record)."""

    kind: str
    wanted: list[str]
    table: pa.Table


def parse(member: Member, encoding: str | None, required: Callable[[str], tuple[str, ...]],
          wanted: Callable[[str], list[str]]) -> Parsed | None:
    """Read and parse one member with pyarrow (thread-safe: touches no shared state), the ``wanted(kind)`` columns
    of those ``required(kind)``; None when it must go the exact path (not UTF-8, ragged rows, a quoted line break,
    no records: see the module docstring)."""
    if not member.whole:
        return None  # a very large single file: the exact path streams it in chunks (bounded memory)
    data = _as_utf8(member.data(), encoding)
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
    where = match_columns(header, required(kind), file=member.label)
    if end < 0 or not data[end + 1:end + 4096].strip():
        return None  # no records (or only blank lines): the exact path gives the empty table
    wanted_columns = wanted(kind)
    columns = [f"c{i}" for i in range(len(header))]
    text = pa.dictionary(pa.int32(), pa.string())  # few distinct texts a batch: decoded once each
    convert = pacsv.ConvertOptions(
        include_columns=[columns[where[w]] for w in wanted_columns],
        column_types={columns[where[w]]: pa.string() if w == "Crime ID" else text for w in wanted_columns},
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
    return Parsed(kind, wanted_columns, table)

