"""Shared machinery of the readers: opening text, finding and matching headers, and the row-level rejection loop.

Every reader follows one policy (issue "Readers"):

- a *file-level* problem raises :class:`~ncpm.core.errors.InputError` naming the file: a missing or misspelt required
  column (the message lists the columns found and suggests the closest), an empty file, text that is not UTF-8
  (naming the line of the first bad byte), two rows with the same key and different values, a quote left open
  (naming the line it opens on), a field or line over the limits below, a zip member over the limits below;
- a *row-level* problem (unknown force, unreadable month, a negative or fractional count, a blank required value, an
  exact duplicate) becomes a :class:`~ncpm.io.Rejection` naming file, 1-based line and column, and loading goes on.

So ``rows_in == rows_loaded + rows_rejected`` always holds, counted in records as the file holds them (a quote
left open would merge records, so it is refused, not read as one). Rows whose every cell is blank carry no data:
they are skipped and not counted.

Limits (every input is read in memory bounded by them, not by its size; each refusal names the limit):

- :data:`FIELD_LIMIT` characters in one field, :data:`LINE_LIMIT` bytes in one line: records are streamed, so
  these bound what one record holds; no real table comes near (police.uk records are about 200 bytes);
- :data:`TABLE_BYTES` for a CSV read whole (force extracts and ONS tables: their cells are held as text),
  :data:`PRC_TABLE_BYTES` for a Home Office table (all years in one CSV are about 40 MiB); a police.uk file of any
  size is streamed instead;
- zip members (police.uk archives, XLSX and ODS workbooks): at most :data:`MAX_MEMBER_BYTES` inflated and, above
  :data:`RATIO_FLOOR`, a compression ratio of at most :data:`MAX_RATIO`, both as declared and as inflated;
- text: UTF-8 (with or without BOM) or UTF-16 with its BOM (Excel's "Unicode text"), else the encoding given
  (``encoding=`` of every reader, ``--encoding`` on the command line);
- counts: whole numbers up to :data:`MAX_COUNT`, read exactly; months: real dates, no later than
  :data:`MONTHS_AHEAD` month(s) after the current month; text values: no control characters (a NUL byte).

Header names are matched tolerant of case, spacing, line breaks, underscores and "[note N]" suffixes:

>>> header_key("Financial_Year ")
'financialyear'
>>> clean_label("Total recorded crime\\n (excluding fraud) \\n[note 2]")
'Total recorded crime (excluding fraud)'
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from ncpm.core.errors import ConfigError, InputError
from ncpm.core.forces import find_force
from ncpm.core.periods import to_month
from ncpm.io import Rejection

DEFAULT_ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark Excel writes
FIELD_LIMIT = csv.field_size_limit()  # 131,072 characters, Python csv's own limit: a field this long is a quote
#   left open or not a table
LINE_LIMIT = 1 << 20  # 1 MiB in one line: no table's record is near; a longer line is binary data or one huge field
TABLE_BYTES = 32 << 20  # a CSV table read whole (extracts, ONS: a few MB): its cells, held as text,
#   take about 25 times its size (a 32 MiB extract of 700,000 rows peaks near 0.9 GiB)
PRC_TABLE_BYTES = 80 << 20  # a Home Office PRC table as one CSV: every year since 2012/13 is about 40 MiB and
#   peaks near 0.7 GiB (16 times its size: its rows are wider than an extract's), so 80 MiB stays under 1.5 GiB
MAX_MEMBER_BYTES = 1 << 30  # 1 GiB inflated in one zip member (a national police.uk member is a few MB)
MAX_RATIO = 100  # inflated / compressed size: CSV and workbook XML deflate 4-20 times; a zip bomb about 1,000
RATIO_FLOOR = 16 << 20  # members inflating to less than 16 MiB are not checked for ratio (small repetitive files)
MAX_COUNT = 10**9  # the largest count read: over ten times the UK population, and exact in float arithmetic
MONTHS_AHEAD = 1  # months after the current one a month may be (a clock a few days out, a file dated ahead)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters no name holds (tab and
#   line breaks are the cells' own business: a quoted line break is legal CSV)
EXCEL_SUFFIXES = {".xlsx": "openpyxl", ".xlsm": "openpyxl", ".ods": "odf"}
HEADER_SCAN_ROWS = 30  # title and note rows allowed above a header (ONS tables have 6 or 7)

_NOTE = re.compile(r"\s*\[\s*note[^\]]*\]", re.I)
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def clean_label(text: object) -> str:
    """A header or name cell without "[note N]" suffixes, line breaks or repeated spaces."""
    return _SPACE.sub(" ", _NOTE.sub("", str(text))).strip()


def header_key(text: object) -> str:
    """The key two header cells are compared on: case, spaces and underscores ignored."""
    return re.sub(r"[\s_]+", "", clean_label(text).lower())


def slug(text: str) -> str:
    """ "Anti-social behaviour" -> "anti_social_behaviour"."""
    return re.sub(r"[^a-z0-9]+", "_", clean_label(text).lower()).strip("_")


# ---------------------------------------------------------------------------------------------------- text files

def text_encoding(head: bytes, encoding: str | None, file: str | None = None) -> str:
    """The codec to read a file whose first bytes are ``head``: ``encoding`` when given (:class:`ConfigError` when
    Python knows no such codec: a usage error); else UTF-16 or UTF-32 when ``head`` starts with its byte-order
    mark (Excel's "Unicode text"), else UTF-8 with or without its BOM.

    >>> text_encoding(codecs.BOM_UTF16_LE + b"f", None), text_encoding(b"force", None)
    ('utf-16', 'utf-8-sig')
    """
    if encoding:
        try:
            return codecs.lookup(encoding).name
        except LookupError:
            raise ConfigError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1, utf-16)") from None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return DEFAULT_ENCODING


class _LineLimit(io.RawIOBase):
    """A binary stream that refuses a line over :data:`LINE_LIMIT` bytes as it is read (:class:`InputError` naming
    the line), so neither the text decoder nor the CSV parser ever holds more than one such line of it. Reads are
    at most ``LINE_LIMIT`` bytes, so a long line is one that spans reads without a line break."""

    def __init__(self, raw: BinaryIO, file: str) -> None:
        self.raw, self.file, self.line, self.run = raw, file, 1, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")[:LINE_LIMIT]
        data = self.raw.read(len(view))
        n = len(data)
        view[:n] = data
        first = data.find(b"\n")
        if first < 0:
            self.run += n
        else:
            if self.run + first > LINE_LIMIT:
                self._refuse()
            self.line += data.count(b"\n")
            self.run = n - data.rfind(b"\n") - 1
        if self.run > LINE_LIMIT:
            self._refuse()
        return n

    def _refuse(self) -> None:
        raise InputError(f"a line longer than {LINE_LIMIT:,} bytes (LINE_LIMIT): not a table of records (binary "
                         "data, or no line breaks)", file=self.file, row=self.line)


def open_text(binary: BinaryIO, encoding: str | None, file: str = "input") -> io.TextIOWrapper:
    """A strict text stream over ``binary`` (:func:`text_encoding` picks the codec from its first bytes), lines
    limited to :data:`LINE_LIMIT` bytes."""
    buffered = io.BufferedReader(_LineLimit(binary, file), buffer_size=1 << 16)
    return io.TextIOWrapper(buffered, encoding=text_encoding(buffered.peek(4)[:4], encoding, file),
                            errors="strict", newline="")


def bad_byte_line(opener: Callable[[], BinaryIO], encoding: str) -> tuple[int, int] | None:
    """The 1-based line and character of the first byte that does not decode under ``encoding`` (re-read line by
    line, in bounded memory), or None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with opener() as raw:
        for number, line in enumerate(io.BufferedReader(_LineLimit(raw, "input")), 1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                return number, len(line[:exc.start].decode(encoding, errors="replace")) + 1
    return None


def decoding_error(exc: UnicodeDecodeError, file: str, encoding: str | None,
                   opener: Callable[[], BinaryIO] | None = None) -> InputError:
    """The error for a file that is not in the expected encoding, naming the line of the first bad byte (when
    ``opener`` can re-read the file), with the remedy."""
    byte = exc.object[exc.start:exc.start + 1].hex()
    where = bad_byte_line(opener, exc.encoding) if opener is not None else None
    row, at = (where[0], f" at character {where[1]}") if where else (None, "")
    if encoding:
        return InputError(f"cannot decode the text as {encoding} (byte 0x{byte}{at})", file=file, row=row)
    return InputError(f"not UTF-8 text (byte 0x{byte}{at}); save it as UTF-8 (Excel: Save As 'CSV UTF-8'), or "
                      "give its encoding (--encoding cp1252 on the command line, encoding='cp1252' in Python, if "
                      "Excel on Windows saved it)", file=file, row=row)


def csv_records(opener: Callable[[], BinaryIO], file: str, encoding: str | None = None
                ) -> Iterator[tuple[int, list[str]]]:
    """Stream the records of a CSV file as (1-based line the record starts on, fields), in memory bounded by
    :data:`LINE_LIMIT` and :data:`FIELD_LIMIT`. Blank lines come as empty records.

    :class:`InputError` (naming file and line) for: a line or field over the limits; text that does not decode
    (the line of the first bad byte); a quote left open, told by a quoted field running over line breaks into
    lines that read as records (at least as many commas as the widest record before, and two) -- the quote's
    line is named, because the parser would otherwise merge those records into one and the counts would be
    wrong; or by a quoted field that runs to the end of the file. A quoted line break in a short text (an
    address, a header cell) is read as it is.

    >>> import io as _io
    >>> list(csv_records(lambda: _io.BytesIO(b'a,b\\n"x\\ny",2\\n'), "t.csv"))
    [(1, ['a', 'b']), (2, ['x\\ny', '2'])]
    """
    last = 0
    try:
        with opener() as binary:
            reader = csv.reader(open_text(binary, encoding, file))
            widest, start, record = 2, 0, []
            for record in reader:
                start = last + 1
                last = reader.line_num
                if last > start:
                    _open_quote(record, start, last, widest, file)
                widest = max(widest, len(record) - 1)
                yield start, record
            if any(f.endswith("\n") for f in record):  # the last record: the file ended inside a quoted field
                raise InputError(f"a quote opened on this line is not closed: the field runs to the end of the file "
                                 f"(line {last}); close the quote or remove it", file=file, row=start)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(f"a field longer than {FIELD_LIMIT:,} characters (FIELD_LIMIT) in the record from "
                             "this line: a quote left open, or not a table", file=file, row=last + 1) from None
        raise InputError(f"malformed CSV: {exc}", file=file, row=last + 1) from None
    except UnicodeDecodeError as exc:
        raise decoding_error(exc, file, encoding, opener) from None


def _open_quote(record: list[str], start: int, end: int, widest: int, file: str) -> None:
    for field_ in record:
        if "\n" not in field_:
            continue
        swallowed = [line for line in field_.split("\n")[1:] if line.count(",") >= widest]
        if swallowed:
            raise InputError(f"a quote opened on this line is not closed: the field runs to line {end}, taking in "
                             f"{len(swallowed)} line(s) that read as records; close the quote or remove it",
                             file=file, row=start)


# ---------------------------------------------------------------------------------------------------- grids

@dataclass
class Grid:
    """The cells of one CSV file or spreadsheet sheet as text, with the 1-based line (row) each row starts on."""

    file: str
    rows: list[list[str]]
    lines: list[int]
    raw: pd.DataFrame | None = None  # a sheet's cells as the workbook typed them (a number cell is int or float)
    sheet: tuple[Path, str] | None = None  # (workbook, sheet name) of an XLSX sheet: where formulas are looked up


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


SHEET_LABEL = re.compile(r" \[([^\]]*)\]$")  # "<file> [<sheet>]": how a workbook sheet's grid is labelled


def sheet_label(path: object, sheet: str) -> str:
    """The label of one sheet's grid and results: ``"<file> [<sheet>]"`` (:data:`SHEET_LABEL` reads it back)."""
    return f"{path} [{sheet}]"


def csv_grid(path: Path, *, encoding: str | None = None, label: str | None = None,
             limit: int = TABLE_BYTES, limit_name: str = "TABLE_BYTES") -> Grid:
    """Read a CSV table whole into a grid, with exact line numbers even across quoted line breaks; streamed
    (:func:`csv_records`), and refused over ``limit`` bytes (:data:`TABLE_BYTES`, or :data:`PRC_TABLE_BYTES` for
    a Home Office table: its cells are held as text)."""
    label = label or str(path)
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{size:,} bytes, over the {limit:,} read whole for a table of this kind ({limit_name}): "
                         "split it (e.g. by year)", file=label)
    rows, lines = [], []
    for line, record in csv_records(lambda: path.open("rb"), label, encoding):
        rows.append(record)
        lines.append(line)
    if not any(c.strip() for row in rows for c in row):
        raise InputError("empty file", file=label)
    return Grid(label, rows, lines)


def check_member(info: zipfile.ZipInfo, file: str) -> None:
    """Refuse a zip member whose header declares more than :data:`MAX_MEMBER_BYTES` inflated, or (above
    :data:`RATIO_FLOOR`) a ratio over :data:`MAX_RATIO`: a zip bomb is a small file that would fill memory. A
    member that inflates past what it declares is refused as corrupt when read: every reader stops at the declared
    size (``zipfile`` checks the CRC there; the police.uk reader inflates at most that many bytes)."""
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > MAX_MEMBER_BYTES:
        raise InputError(f"member {info.filename!r} would inflate to {size:,} bytes, over the limit of "
                         f"{MAX_MEMBER_BYTES:,} (MAX_MEMBER_BYTES)", file=file)
    if size > RATIO_FLOOR and size > MAX_RATIO * packed:
        raise InputError(f"member {info.filename!r} would inflate {size // packed:,} times ({packed:,} to {size:,} "
                         f"bytes), over the limit of {MAX_RATIO} (MAX_RATIO): refusing a possible zip bomb", file=file)


def check_workbook(path: Path) -> None:
    """:func:`check_member` for every part of an XLSX or ODS workbook (both are zip archives)."""
    try:
        with zipfile.ZipFile(path) as book:
            for info in book.infolist():
                check_member(info, str(path))
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the engine says what is wrong with it


def excel_grids(path: Path) -> list[Grid]:
    """Every sheet of an XLSX or ODS workbook as a grid (line = spreadsheet row number)."""
    engine = EXCEL_SUFFIXES[path.suffix.lower()]
    check_workbook(path)
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine=engine)
    except ImportError as exc:
        raise InputError(f"reading {path.suffix} files needs an extra package ({exc}); "
                         "for ODS: pip install 'ncpm[ods]'", file=str(path)) from None
    except Exception as exc:  # a corrupt workbook: zipfile, XML and engine errors all land here
        raise InputError(f"cannot read the workbook ({type(exc).__name__}: {exc})", file=str(path)) from None
    grids = []
    for name, frame in sheets.items():
        cells = frame.map(_cell).to_numpy().tolist() if len(frame) else []
        grids.append(Grid(sheet_label(path, name), cells, list(range(1, len(cells) + 1)), raw=frame,
                          sheet=(path, str(name)) if engine == "openpyxl" else None))
    if not any(any(c.strip() for c in row) for g in grids for row in g.rows):
        raise InputError("empty file (no cells in any sheet)", file=str(path))
    return grids


def read_grids(path: Path, *, encoding: str | None = None, limit: int = TABLE_BYTES,
               limit_name: str = "TABLE_BYTES") -> list[Grid]:
    """A CSV file (one grid, at most ``limit`` bytes: the refusal names ``limit_name``) or a workbook (one grid per
    sheet)."""
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return excel_grids(path)
    return [csv_grid(path, encoding=encoding, limit=limit, limit_name=limit_name)]


def _blank(row: Sequence[str]) -> bool:
    return not any(str(c).strip() for c in row)


# ---------------------------------------------------------------------------------------------------- headers

def match_columns(header: Sequence[str], required: Sequence[str], optional: Sequence[str] = (), *,
                  file: str) -> dict[str, int]:
    """Map each required (and present optional) column name to its position in ``header``.

    Raises :class:`InputError` for a missing required column: the message suggests the closest header cell
    (difflib) and lists the columns found; or for a column that appears twice.
    """
    keys: dict[str, int] = {}
    for i, cell in enumerate(header):
        k = header_key(cell)
        if not k:
            continue
        if k in keys and any(k == header_key(n) for n in (*required, *optional)):
            raise InputError(f"column {clean_label(cell)!r} appears twice (columns {keys[k] + 1} and {i + 1})",
                             file=file, column=clean_label(cell))
        keys.setdefault(k, i)
    found = [clean_label(c) for c in header if clean_label(c)]
    missing = [name for name in required if header_key(name) not in keys]
    if missing:
        wanted = {header_key(n) for n in (*required, *optional)}
        spare = {header_key(c): clean_label(c) for c in header if clean_label(c) and header_key(c) not in wanted}
        parts = []
        for name in missing:
            close = difflib.get_close_matches(header_key(name), list(spare), n=1, cutoff=0.6)
            parts.append(f"{name!r}" + (f" (did you mean {spare[close[0]]!r}?)" if close else ""))
        noun = "column" if len(missing) == 1 else "columns"
        raise InputError(f"missing {noun} {', '.join(parts)}; found: {', '.join(found) or 'none'}",
                         file=file, column=missing[0])
    return {name: keys[header_key(name)] for name in (*required, *optional) if header_key(name) in keys}


def find_header(grid: Grid, required: Sequence[str]) -> int | None:
    """Index of the row (among the first rows) matching most required names, if it matches at least half."""
    wanted = {header_key(n) for n in required}
    best, best_score = None, 0
    for i, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        score = len(wanted & {header_key(c) for c in row})
        if score > best_score:
            best, best_score = i, score
    return best if best_score * 2 >= len(wanted) else None


def first_row(grids: Sequence[Grid]) -> tuple[Grid, int]:
    """The first non-blank row of the first non-empty grid (what is reported as "found" when no header matches)."""
    for grid in grids:
        for i, row in enumerate(grid.rows):
            if not _blank(row):
                return grid, i
    raise InputError("empty file", file=grids[0].file if grids else None)


# ---------------------------------------------------------------------------------------------------- tables

@dataclass
class Table:
    """Data rows under a matched header: canonical column name -> text values (stripped, blank = "")."""

    file: str
    data: pd.DataFrame
    lines: np.ndarray
    names: dict[str, str]  # canonical name -> the header cell as written in the file (for messages)
    labels: np.ndarray | None = None  # per-row file label when rows come from several sheets
    #: (row position, canonical column) -> the formula of a blank cell: a formula Excel never computed and saved
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.data)

    def label(self, pos: int) -> str:
        return self.file if self.labels is None else str(self.labels[pos])


def grid_table(grid: Grid, header_row: int, required: Sequence[str], optional: Sequence[str] = (),
               extra: Sequence[int] = ()) -> tuple[Table, list[Rejection]]:
    """The data rows of ``grid`` below ``header_row`` as a :class:`Table` of the matched (and ``extra``) columns.

    Rows with more non-blank cells than the header are rejected; rows with fewer are padded with blanks (the
    checks then reject blank required values). Blank rows are skipped.
    """
    header = grid.rows[header_row]
    where = match_columns(header, required, optional, file=grid.file)
    for i in extra:
        where.setdefault(clean_label(header[i]), i)
    width = max((i for i, c in enumerate(header) if str(c).strip()), default=-1) + 1
    kept, lines, rejected = [], [], []
    for row, line in zip(grid.rows[header_row + 1:], grid.lines[header_row + 1:], strict=True):
        if _blank(row):
            continue
        if any(str(c).strip() for c in row[width:]):
            n = max(i for i, c in enumerate(row) if str(c).strip()) + 1
            rejected.append(Rejection(grid.file, line, None, f"{n} fields but the header has {width}"))
            continue
        kept.append(row)
        lines.append(line)
    data = {name: [str(r[i]).strip() if i < len(r) else "" for r in kept] for name, i in where.items()}
    frame = pd.DataFrame(data, columns=list(where), dtype=object)
    names = {name: clean_label(header[i]) for name, i in where.items()}
    formulas = {}
    if grid.sheet is not None and any("" in v for v in data.values()):
        found = sheet_formulas(*grid.sheet, grid.sheet[0].stat().st_mtime_ns)
        formulas = {(pos, name): found[(line, i + 1)] for name, i in where.items()
                    for pos, (line, v) in enumerate(zip(lines, data[name], strict=True))
                    if v == "" and (line, i + 1) in found}
    return Table(grid.file, frame, np.asarray(lines, dtype=np.int64), names, formulas=formulas), rejected


@cache
def sheet_formulas(path: Path, sheet: str, modified: int) -> dict[tuple[int, int], str]:
    """(row, column) -> formula of each formula cell of an XLSX sheet (1-based), read only when a cell the readers
    need is blank: a workbook written by a program (not Excel) stores formulas without their values. ``modified``
    (the file's mtime) keys the cache, so an edited workbook is read again."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        return {(c.row, c.column): c.value for row in book[sheet].iter_rows() for c in row
                if isinstance(getattr(c, "value", None), str) and c.value.startswith("=")}
    finally:
        book.close()


def concat_tables(tables: Sequence[Table], file: str) -> Table:
    """One table from several (the sheets of a workbook), remembering each row's sheet for messages."""
    if len(tables) == 1:
        return tables[0]
    offsets = np.cumsum([0, *(len(t) for t in tables)])
    formulas = {(pos + int(o), name): f for t, o in zip(tables, offsets, strict=False)
                for (pos, name), f in t.formulas.items()}
    return Table(file, pd.concat([t.data for t in tables], ignore_index=True),
                 np.concatenate([t.lines for t in tables]), dict(tables[0].names),
                 np.concatenate([np.full(len(t), t.file, dtype=object) for t in tables]), formulas)


def read_table(path: Path, required: Sequence[str], optional: Sequence[str] = (), *, encoding: str | None = None,
               grids: list[Grid] | None = None) -> tuple[Table, list[Rejection]]:
    """The rows of a tidy table (CSV, or every sheet of a workbook whose header matches) under one header.

    The header may sit below title rows. When no sheet has a matching header the missing-column error names the
    columns of the first non-blank row. A header with no data rows below it is an error.
    """
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    tables, rejected = [], []
    for grid in grids:
        row = find_header(grid, required)
        if row is not None:
            table, bad = grid_table(grid, row, required, optional)
            tables.append(table)
            rejected.extend(bad)
    if not tables:
        grid, row = first_row(grids)
        match_columns(grid.rows[row], required, optional, file=grid.file)
        raise InputError(f"no header row with the columns {', '.join(required)}", file=str(path))
    if not sum(len(t) for t in tables) and not rejected:
        raise InputError("no data rows below the header", file=str(path))
    return concat_tables(tables, str(path)), rejected


# ---------------------------------------------------------------------------------------------------- row checks

def unique_map(values: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """Apply ``fn`` once per distinct value (files repeat a few forces and months many times)."""
    uniques = pd.unique(values.to_numpy(dtype=object))
    return values.map(dict(zip(uniques, (fn(u) for u in uniques), strict=True)))


def latest_month() -> pd.Period:
    """The latest month an input may hold: the current month (the clock read here, in io) + :data:`MONTHS_AHEAD`."""
    return pd.Period(dt.date.today(), freq="M") + MONTHS_AHEAD


def month_problem(value: str) -> str | None:
    """Why ``value`` is not a month ncpm reads, or None: unreadable, a date that does not exist ("2023-02-30"), or
    later than :func:`latest_month` (a typed year: "2099-12")."""
    try:
        month = to_month(value)
    except (ValueError, TypeError):
        return f"cannot read month {value!r} (expected YYYY-MM)"
    day = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})( 00:00:00)?", value.strip())
    if day:
        try:
            dt.date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            return f"{value!r} is not a date (no such day)"
    if month > latest_month():
        return f"month {value!r} is in the future (after {latest_month()})"
    return None


def _month_text(value: str) -> str | None:
    """``value`` as "YYYY-MM" when it is a month ncpm reads (:func:`month_problem`), else None."""
    return None if month_problem(value) else str(to_month(value))


def parse_counts(values: pd.Series, *, signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative whole numbers from text (thousands separators and surrounding spaces allowed); ``signed``
    also accepts negative ones (a published adjustment). A value over :data:`MAX_COUNT` in size is rejected
    ("1e20", 2**53 + 1): below it every whole number is exact as a float, so the value is read exactly.

    Returns the int64 values (0 where bad) and an object array of reasons ("" where good).

    >>> parse_counts(pd.Series(["1,204", "1e20", "9007199254740993"]))[1].tolist()[1]
    "'1e20' is larger than the largest count read (1,000,000,000)"
    """
    text = values.astype(object).fillna("").map(str).str.strip()
    plain = text.where(~text.str.match(_THOUSANDS), text.str.replace(",", "", regex=False))
    number = pd.to_numeric(plain.where(plain != "", np.nan), errors="coerce").to_numpy(dtype=float)
    reasons = np.full(len(text), "", dtype=object)
    t = text.to_numpy(dtype=object)
    blank = t == ""
    nan = np.isnan(number) | ~np.isfinite(np.where(np.isnan(number), 0.0, number))
    negative = ~nan & (number < 0) & (not signed)
    fraction = ~nan & ~negative & (number != np.floor(np.where(nan, 0.0, number)))
    large = ~nan & ~negative & (np.abs(np.where(nan, 0.0, number)) > MAX_COUNT)
    for mask, make in ((nan & ~blank, lambda v: f"{v!r} is not a number"),
                       (negative, lambda v: f"negative count {v!r}"),
                       (fraction, lambda v: f"{v!r} is not a whole number"),
                       (large, lambda v: f"{v!r} is larger than the largest count read ({MAX_COUNT:,})")):
        for i in np.flatnonzero(mask):
            reasons[i] = make(t[i])
    reasons[blank] = "missing value"
    good = reasons == ""
    return np.where(good, number, 0.0).astype(np.int64), reasons


@dataclass
class RowChecks:
    """The row-level rejection loop: each check rejects the rows it fails (only the first failure per row counts).

    >>> t = Table("x.csv", pd.DataFrame({"force": ["Warwickshire", "Narnia"], "count": ["3", "-1"]}),
    ...           np.array([2, 3]), {"force": "Force", "count": "Count"})
    >>> c = RowChecks(t); _ = c.force("force"); _ = c.count("count")
    >>> [str(r) for r in c.rejections()]
    ["x.csv, row 3, column Force: unknown force 'Narnia'"]
    """

    table: Table
    bad: np.ndarray = field(init=False)
    _found: list[tuple[np.ndarray, str | None, np.ndarray]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.bad = np.zeros(len(self.table), dtype=bool)

    @property
    def good(self) -> np.ndarray:
        return ~self.bad

    def reject(self, mask: np.ndarray, column: str | None, reasons: str | np.ndarray) -> None:
        """Reject the rows in ``mask`` not already rejected; ``reasons`` is one text or one per row."""
        mask = np.asarray(mask, dtype=bool) & ~self.bad
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        why = np.full(len(pos), reasons, dtype=object) if isinstance(reasons, str) else \
            np.asarray(reasons, dtype=object)[pos]
        if self.table.formulas and column is not None:
            for k, p in enumerate(pos):
                formula = self.table.formulas.get((int(p), column))
                if formula is not None and why[k] == "missing value":
                    why[k] = (f"a formula ({formula}) with no saved value: open the workbook in Excel and save it, "
                              "so that its values are stored")
        self._found.append((pos, None if column is None else self.table.names.get(column, column), why))
        self.bad |= mask

    def text(self, column: str) -> pd.Series:
        """A required text value: blank is rejected as "missing value", one holding a control character (a NUL
        byte: binary data or a broken export) naming it."""
        values = self.table.data[column]
        self.reject((values == "").to_numpy(), column, "missing value")
        if _CONTROL.search("".join(pd.unique(values.to_numpy(dtype=object)))):  # each distinct text once
            control = values.str.contains(_CONTROL).to_numpy(dtype=bool)
            self.reject(control, column, np.array(
                [f"control character U+{ord(m[0]):04X} in {v!r}" if (m := _CONTROL.search(v)) else ""
                 for v in values], dtype=object))
        return values

    def force(self, column: str) -> pd.Series:
        """A force name (any registry spelling) to its canonical name; unknown or blank names are rejected."""
        values = self.text(column)
        canonical = unique_map(values, find_force)
        unknown = canonical.isna().to_numpy() & (values != "").to_numpy()
        self.reject(unknown, column, np.array([f"unknown force {v!r}" for v in values], dtype=object)
                    if unknown.any() else "")
        return canonical

    def month(self, column: str) -> pd.Series:
        """A month ("2023-05", "2023-05-01", "May 2023" ...) as "YYYY-MM" text; unreadable months, days that do
        not exist and months in the future are rejected (:func:`month_problem`)."""
        values = self.text(column)
        months = unique_map(values, _month_text)
        bad = months.isna().to_numpy() & (values != "").to_numpy()
        if bad.any():
            why = unique_map(values, lambda v: month_problem(v) or "")
            self.reject(bad, column, why.to_numpy(dtype=object))
        return months

    def count(self, column: str, *, signed: bool = False) -> np.ndarray:
        """A non-negative whole number; blank, negative (unless ``signed``), fractional or non-numeric values are
        rejected."""
        values, reasons = parse_counts(self.table.data[column], signed=signed)
        self.reject(reasons != "", column, reasons)
        return values

    def parsed(self, column: str, fn: Callable[[str], object], what: str, expected: str = "") -> pd.Series:
        """A value read by ``fn`` (raising ValueError when unreadable): "cannot read <what> 'x' (expected ...)"."""
        values = self.text(column)

        def safe(v: str) -> object:
            try:
                return fn(v) if v else None
            except (ValueError, TypeError):
                return None

        out = unique_map(values, safe)
        bad = out.isna().to_numpy() & (values != "").to_numpy()
        if bad.any():
            hint = f" (expected {expected})" if expected else ""
            self.reject(bad, column, np.array([f"cannot read {what} {v!r}{hint}" for v in values], dtype=object))
        return out

    def dedupe(self, keys: dict[str, Iterable], values: dict[str, Iterable]) -> None:
        """Among the rows still good: an exact repeat of a key is rejected ("duplicate of row N"); a repeat with
        different values raises :class:`InputError` (the file contradicts itself, so no value can be trusted).
        """
        frame = pd.DataFrame({**{f"k{i}": list(v) for i, v in enumerate(keys.values())},
                              **{f"v{i}": list(v) for i, v in enumerate(values.values())}})
        frame["pos"] = np.arange(len(frame))
        frame = frame[self.good]
        kcols = [f"k{i}" for i in range(len(keys))]
        dup = frame.duplicated(kcols, keep="first").to_numpy()
        if not dup.any():
            return
        first = frame.groupby(kcols, sort=False, dropna=False)["pos"].transform("first").to_numpy()
        reasons = np.full(len(self.table), "", dtype=object)
        mask = np.zeros(len(self.table), dtype=bool)
        value_names = list(values)
        vals = frame[[f"v{i}" for i in range(len(values))]].to_numpy(dtype=object)
        rowpos = frame["pos"].to_numpy()
        index_of = {p: i for i, p in enumerate(rowpos)}
        for i in np.flatnonzero(dup):
            p, f = rowpos[i], first[i]
            j = index_of[f]
            where = self.table.label(f)
            of = f"row {self.table.lines[f]}" + ("" if where == self.table.label(p) else f" of {where}")
            differ = [k for k, (a, b) in enumerate(zip(vals[i], vals[j], strict=True)) if a != b]
            if differ:
                k = differ[0]
                key = ", ".join(f"{name} {v}" for name, v in zip(keys, frame.iloc[i][kcols], strict=True))
                raise InputError(f"same key as {of} ({key}) but {value_names[k]} {vals[i][k]} differs from "
                                 f"{vals[j][k]}", file=self.table.label(p), row=int(self.table.lines[p]),
                                 column=self.table.names.get(value_names[k], value_names[k]))
            reasons[p] = f"duplicate of {of}"
            mask[p] = True
        self.reject(mask, None, reasons)

    def rejections(self) -> list[Rejection]:
        """Every rejection, in file and line order."""
        out = []
        for pos, column, reasons in self._found:
            for p, why in zip(pos, reasons, strict=True):
                out.append(Rejection(self.table.label(p), int(self.table.lines[p]), column, str(why)))
        return sorted(out, key=lambda r: (r.file, r.line or 0))


def accounting(table: Table, grid_rejected: list[Rejection], checks: RowChecks) -> tuple[int, list[Rejection]]:
    """``rows_in`` and every rejection (ragged rows found while reading, then the checks'), in file/line order."""
    rejected = sorted([*grid_rejected, *checks.rejections()], key=lambda r: (r.file, r.line or 0))
    return len(table) + len(grid_rejected), rejected
