"""Shared machinery of the readers: opening text, finding and matching headers, and the row-level rejection loop.

Every reader follows one policy (issue "Readers"):

- a *file-level* problem raises :class:`~ncpm.errors.InputError` naming the file: a missing or misspelt required
  column (the message lists the columns found and suggests the closest), an empty file, text that is not UTF-8, two
  rows with the same key and different values;
- a *row-level* problem (unknown force, unreadable month, a negative or fractional count, a blank required value, an
  exact duplicate) becomes a :class:`~ncpm.io.Rejection` naming file, 1-based line and column, and loading goes on.

So ``rows_in == rows_loaded + rows_rejected`` always holds. Rows whose every cell is blank carry no data: they are
skipped and not counted.

Header names are matched tolerant of case, spacing, line breaks, underscores and "[note N]" suffixes:

>>> header_key("Financial_Year ")
'financialyear'
>>> clean_label("Total recorded crime\\n (excluding fraud) \\n[note 2]")
'Total recorded crime (excluding fraud)'
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from ncpm.errors import InputError
from ncpm.forces import find_force
from ncpm.io import Rejection
from ncpm.periods import to_month

DEFAULT_ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark Excel writes
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

def open_text(binary: BinaryIO, encoding: str | None) -> io.TextIOWrapper:
    """A strict text stream over ``binary``: UTF-8 (with or without BOM) unless ``encoding`` is given."""
    return io.TextIOWrapper(binary, encoding=encoding or DEFAULT_ENCODING, errors="strict", newline="")


def decoding_error(exc: UnicodeDecodeError, file: str, encoding: str | None) -> InputError:
    """The error for a file that is not in the expected encoding, with the remedy."""
    byte = exc.object[exc.start:exc.start + 1].hex()
    if encoding:
        return InputError(f"cannot decode the file as {encoding} (byte 0x{byte})", file=file)
    return InputError(f"not UTF-8 text (byte 0x{byte}); save it as UTF-8, or pass "
                      "encoding='cp1252' if it was saved by Excel on Windows", file=file)


def decode(data: bytes, file: str, encoding: str | None) -> str:
    """Bytes to text under the encoding policy (UTF-8 or UTF-8 with BOM; another codec only when asked)."""
    try:
        return data.decode(encoding or DEFAULT_ENCODING)
    except UnicodeDecodeError as exc:
        raise decoding_error(exc, file, encoding) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", file=file) from None


# ---------------------------------------------------------------------------------------------------- grids

@dataclass
class Grid:
    """The cells of one CSV file or spreadsheet sheet as text, with the 1-based line (row) each row starts on."""

    file: str
    rows: list[list[str]]
    lines: list[int]
    raw: pd.DataFrame | None = None  # a sheet's cells as the workbook typed them (a number cell is int or float)


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


def csv_grid(path: Path, *, encoding: str | None = None, label: str | None = None) -> Grid:
    """Read a (small or medium) CSV file whole into a grid, with exact line numbers even across quoted line breaks."""
    label = label or str(path)
    text = decode(path.read_bytes(), label, encoding)
    if not text.strip():
        raise InputError("empty file", file=label)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, lines = [], []
    last = 0
    try:
        for record in reader:
            rows.append(record)
            lines.append(last + 1)
            last = reader.line_num
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=label, row=last + 1) from None
    return Grid(label, rows, lines)


def excel_grids(path: Path) -> list[Grid]:
    """Every sheet of an XLSX or ODS workbook as a grid (line = spreadsheet row number)."""
    engine = EXCEL_SUFFIXES[path.suffix.lower()]
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
        grids.append(Grid(f"{path} [{name}]", cells, list(range(1, len(cells) + 1)), raw=frame))
    if not any(any(c.strip() for c in row) for g in grids for row in g.rows):
        raise InputError("empty file (no cells in any sheet)", file=str(path))
    return grids


def read_grids(path: Path, *, encoding: str | None = None) -> list[Grid]:
    """A CSV file (one grid) or a workbook (one grid per sheet)."""
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return excel_grids(path)
    return [csv_grid(path, encoding=encoding)]


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
    return Table(grid.file, frame, np.asarray(lines, dtype=np.int64), names), rejected


def concat_tables(tables: Sequence[Table], file: str) -> Table:
    """One table from several (the sheets of a workbook), remembering each row's sheet for messages."""
    if len(tables) == 1:
        return tables[0]
    return Table(file, pd.concat([t.data for t in tables], ignore_index=True),
                 np.concatenate([t.lines for t in tables]), dict(tables[0].names),
                 np.concatenate([np.full(len(t), t.file, dtype=object) for t in tables]))


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


def _month_text(value: str) -> str | None:
    try:
        return str(to_month(value))
    except (ValueError, TypeError):
        return None


def parse_counts(values: pd.Series, *, signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative whole numbers from text (thousands separators and surrounding spaces allowed); ``signed``
    also accepts negative ones (a published adjustment).

    Returns the int64 values (0 where bad) and an object array of reasons ("" where good).
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
    for mask, make in ((nan & ~blank, lambda v: f"{v!r} is not a number"),
                       (negative, lambda v: f"negative count {v!r}"),
                       (fraction, lambda v: f"{v!r} is not a whole number")):
        for i in np.flatnonzero(mask):
            reasons[i] = make(t[i])
    reasons[blank] = "missing value"
    good = reasons == ""
    return np.where(good, np.nan_to_num(number), 0).astype(np.int64), reasons


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
        self._found.append((pos, None if column is None else self.table.names.get(column, column), why))
        self.bad |= mask

    def text(self, column: str) -> pd.Series:
        """A required text value: blank is rejected as "missing value"."""
        values = self.table.data[column]
        self.reject((values == "").to_numpy(), column, "missing value")
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
        """A month ("2023-05", "2023-05-01", "May 2023" ...) as "YYYY-MM" text; unreadable months are rejected."""
        values = self.text(column)
        months = unique_map(values, _month_text)
        bad = months.isna().to_numpy() & (values != "").to_numpy()
        if bad.any():
            self.reject(bad, column, np.array([f"cannot read month {v!r} (expected YYYY-MM)" for v in values],
                                              dtype=object))
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
