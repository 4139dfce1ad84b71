"""One data.police.uk street or outcomes file as records: its columns checked and parsed, two ways.

Formats (data.police.uk/about/#columns): street files hold Crime ID, Month, Reported by, Falls within, Longitude,
Latitude, Location, LSOA code, LSOA name, Crime type, Last outcome category, Context; outcomes files the same up to
LSOA name, then Outcome type. A blank Crime ID (anti-social behaviour) and a blank LSOA are valid.

- The fast path (:func:`parse`): the member checked to be UTF-8 (``bytes.isascii``, else a decode; transcoded from
  another encoding given), then parsed by ``pyarrow.csv.read_csv`` (C++) reading only the key columns,
  dictionary-encoded, in batches of :data:`BLOCK_BYTES`: a batch holds a few distinct texts and an int32 index a
  record. None when the member must go the exact path: not UTF-8, a line of ``FIELD_LIMIT`` bytes or more, ragged
  rows or a quoted line break, no records, or larger than ``archive.MEMBER_BYTES``.
- The exact path (:func:`exact_tables`): streamed by ``ncpm.io._common.csv_records`` in chunks of
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
import polars as pl

from ncpm.core.catalogue import measure_for_police_uk
from ncpm.core.errors import InputError
from ncpm.core.schema import NO_LOCATION
from ncpm.io._common import FIELD_LIMIT, Table, csv_records, header_key, match_columns, slug, text_encoding
from ncpm.io.policeuk.archive import Member

STREET_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "LSOA name", "Crime type")
OUTCOMES_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "LSOA name", "Outcome type")
LAST_OUTCOME = "Last outcome category"  # street files: required with ``last_outcomes=True``
NO_LSOA = "no LSOA"  # the area of records without a location when reading by LSOA
_LSOA_CODE = re.compile(r"\s*\d{3}[A-Za-z]$")  # the trailing code of an LSOA name: "Rugby 004C"
UNMATCHED = "police_uk:unmatched_crime"  # outcomes whose Crime ID is not among the street records read
CHUNK_ROWS = 200_000  # records per chunk on the exact path
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


Texts = tuple[list[str], np.ndarray]  # a column's distinct texts, and which of them each row holds


def _texts(groups: pl.DataFrame, keys: list[str]) -> dict[str, Texts]:
    """The key columns of ``groups`` as their distinct texts, sorted, and the rank of each row's text among them
    (so each text is checked once, in Python)."""
    distinct = groups.select(pl.col(k).unique().sort().implode() for k in keys).row(0)
    at = groups.select(pl.col(k).rank("dense").cast(pl.Int64) - 1 for k in keys)
    return {k: (values, at[k].to_numpy()) for k, values in zip(keys, distinct, strict=True)}


@dataclass
class Parsed:
    """A member parsed by polars: its kind, its records' count and their distinct groups: for each key column
    (police.uk names, blank cells as "") its texts (:data:`Texts`) a group, and the records of each group
    (``counts``); and, when asked, the Crime ID and crime type of each street record with a Crime ID, in order."""

    kind: str
    rows: int
    texts: dict[str, Texts]
    counts: np.ndarray
    ids: tuple[list[str], Texts] | None = None


def _one_record_a_line(data: bytes, records: int) -> bool:
    """Whether each line after the header holds one record: always without a quote character; with one, when the
    records parsed are as many as those lines (a quoted line break, or a quote left open, joins lines)."""
    if data.find(b'"') < 0:
        return True
    return records == data.count(b"\n") - data.endswith(b"\n")


def parse(member: Member, encoding: str | None, required: Callable[[str], tuple[str, ...]],
          wanted: Callable[[str], list[str]], ids: Callable[[str], bool]) -> Parsed | None:
    """Read and parse one member with polars (thread-safe: touches no shared state) and group its records by the
    ``wanted(kind)`` columns of those ``required(kind)`` (``ids(kind)``: the Crime IDs kept, not grouped); None
    when it must go the exact path (not UTF-8, a lone CR, ragged rows, a quoted line break, no records: see the
    module docstring)."""
    if not member.whole:
        return None  # a very large single file: the exact path streams it in chunks (bounded memory)
    data = _as_utf8(member.data(), encoding)
    if data is None:
        return None  # not UTF-8 (or not the encoding given): the exact path reports the byte
    if not _short_lines(data):
        return None  # a line of FIELD_LIMIT bytes or more: the exact path applies the limits
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    if data.find(b"\r") >= 0 and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a lone CR (a line break to the exact path, a character to polars): the exact path decides
    first = line.decode("utf-8").rstrip("\r")
    if not first.strip():
        raise InputError("empty file", file=member.label)
    header = next(csv.reader([first]))
    kind = member.kind or ("outcomes" if header_key("Outcome type") in {header_key(c) for c in header}
                           else "street")
    where = match_columns(header, required(kind), file=member.label)
    if end < 0 or not data[end + 1:end + 4096].strip():
        return None  # no records (or only blank lines): the exact path gives the empty table
    columns = [f"c{i}" for i in range(len(header))]
    try:  # every column read (as text), so that polars refuses a record with more fields than the header
        table = pl.read_csv(data, has_header=True, new_columns=columns, infer_schema_length=0)
    except pl.exceptions.PolarsError:
        return None  # ragged rows, a quote left open: the exact path reports them as before
    if not _one_record_a_line(data, table.height):
        return None  # a quoted line break: the exact path gives each record its line
    query = table.lazy()
    if table[columns[where["Falls within"]]].null_count():  # perhaps a row of blank cells: not a record
        query = query.filter(~pl.all_horizontal(pl.all().is_null()))
    keys, kept = wanted(kind), ids(kind)
    read = dict.fromkeys([*keys, *(("Crime ID", "Crime type") if kept else ())])
    table = query.select(_text(columns[where[w]], w) for w in read).collect()
    if not table.height:
        return None
    groups = table.group_by(keys).len("n")
    crimes = None
    if kept:
        crimes = table.select("Crime ID", "Crime type").filter(pl.col("Crime ID") != "")
        crimes = crimes["Crime ID"].to_list(), _texts(crimes, ["Crime type"])["Crime type"]
    return Parsed(kind, table.height, _texts(groups, keys), groups["n"].to_numpy(), crimes)


def _text(column: str, name: str) -> pl.Expr:
    """A column's texts as ``name``, a blank cell as "", a Crime ID stripped (the other texts are stripped once
    each distinct value, by the reader)."""
    text = pl.col(column).fill_null("")
    return (text.str.strip_chars() if name == "Crime ID" else text).alias(name)
