"""Home Office police recorded crime open data tables by police force area (CSV, XLSX or ODS), 2012/13 to date.

Columns (Home Office, "Police recorded crime open data tables", force area level, and its user guide): Financial
Year ("2017/18"), Financial Quarter (1-4 or "Q1"-"Q4"), Force Name, Offence Description, Offence Group, Offence
Subgroup, Offence Code, Number of Offences. Editions differ in the spelling of the header (matched ignoring case,
spaces and underscores; "Force", "Quarter", "Year" and the like, :data:`SPELLINGS`, stand for the first three when
those are absent), in which descriptive columns they have, in title rows above the header and in their sheets (one
per year or year range, read together).

The counts stay quarterly: one row per force, offence code and financial-year quarter ("Q1 2023/24"), never spread
into months. As published:

- **Repeated keys are additive.** The tables give one row per underlying offence, so one force, quarter and code
  can appear several times (homicide: four rows under the combined code "1/4.1/4.10/4.2", murder, manslaughter,
  corporate manslaughter and infanticide). Rows with the same key in one sheet are summed, counted in
  ``LoadResult.summed`` and noted ("N rows summed into M"), even when two are identical (two offences with the
  same count). The same key in two sheets of a workbook is a duplicate (rejected when the sheets agree, an error
  when they differ).
- **Numbers** may be padded with spaces or carry thousands separators (" 66,776 "); workbook cells may be numbers.
- **Negative counts** are published adjustments: they are loaded as published and noted with their number.
- **Bodies that are not police force areas**: British Transport Police and the national fraud reporting bodies
  (Action Fraud, CIFAS, UK Finance, Financial Fraud Action UK: ``ncpm.core.forces.national_body``) are skipped by
  design (rejections with ``expected=True``), not input problems.
- **Offence codes** are text ("4.10", "28E", "1/4.1/4.10/4.2"). A code typed as a number in a workbook cell has
  lost its trailing zeros (4.10 reads 4.1, 8 may read 8.00): it is noted with its sheet, row and column, and
  normalised where unambiguous ("8.00" -> "8"; 4.1 -> "4.10" when that row's Offence Description goes with "4.10"
  elsewhere in the table). A typed number that could be two codes counting towards different measures is rejected.

Each code row is repeated for every catalogue measure it counts towards (``ncpm.core.catalogue.measures_for_ho_code``:
28E residential burglary counts in both ``burglary_residential`` and ``burglary``). A combined code ("1/4.1/4.10/4.2")
counts towards a measure when every one of its parts does; a code that maps to no measure is kept under
``ho:<code>`` so nothing is dropped. ``rows_in`` counts the table's rows, not the expanded ones:
``rows_in == rows_loaded + rows_rejected + summed``.

>>> result = read_home_office("prc-pfa-mar2013-onwards-tables.ods")  # doctest: +SKIP
>>> result.frame.columns.tolist()  # doctest: +SKIP
['force', 'measure', 'offence_code', 'quarter', 'count']
>>> _measures("1/4.1/4.10/4.2"), _measures("28E/30C"), _measures("8M")
(['homicide'], ['burglary'], ['ho:8M'])
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import measures, measures_for_ho_code
from ncpm.core.errors import InputError
from ncpm.core.forces import BTP, national_body
from ncpm.core.periods import FyQuarter, parse_financial_year
from ncpm.io import LoadResult
from ncpm.io.grids import Grid
from ncpm.io.headers import clean_label, find_header, header_key, match_columns
from ncpm.io.limits import HEADER_SCAN_ROWS, PRC_TABLE_BYTES
from ncpm.io.ons import NOT_TERRITORIAL
from ncpm.io.rows import RowChecks, accounting, unique_map
from ncpm.io.tables import Table, read_grids, read_table
from ncpm.io.workbooks import SHEET_LABEL

FORMAT = "home_office"
REQUIRED = ("Financial Year", "Financial Quarter", "Force Name", "Offence Code", "Number of Offences")
OPTIONAL = ("Offence Description", "Offence Group", "Offence Subgroup")
CODE, COUNT, DESCRIPTION = "Offence Code", "Number of Offences", "Offence Description"
NOT_A_FORCE_AREA = "not a police force area ({}: a national fraud reporting body)"
LISTED = 5  # rows named in a note before "..."
#: other names editions and hand-made copies give the identifying columns (matched like the header: case, spaces
#: and underscores ignored); used only when the usual name is absent from the header
SPELLINGS = {"Force Name": ("Force", "Police Force", "Police Force Area", "PFA", "PFA Name", "Force Area"),
             "Financial Year": ("Year", "Fin Year", "FY"),
             "Financial Quarter": ("Quarter", "Fin Quarter", "Qtr")}

_QUARTER = re.compile(r"(?:Q|Qtr|Quarter)?\s*([1-4])(?:\s*\(.*\))?", re.I)
_WHOLE_DECIMAL = re.compile(r"(\d+)\.0+")  # "8.00": a number cell formatted with decimals, written out as text


def _quarter_number(text: str) -> int:
    """1-4 from "1", "Q1", "Quarter 1" or "Q1 (Apr-Jun)"."""
    m = _QUARTER.fullmatch(text.strip())
    if not m:
        raise ValueError(text)
    return int(m[1])


@cache
def _catalogue_codes() -> frozenset[str]:
    return frozenset(c.upper() for m in measures() for c in m.ho_codes)


@cache
def _measures(code: str) -> list[str]:
    """The measures a code counts towards; a combined code ("1/4.1/4.10/4.2") counts towards a measure when every
    part does (so "28E/30C" is burglary, not residential burglary)."""
    parts = code.split("/")
    found = [m for m in measures_for_ho_code(parts[0]) if all(m in measures_for_ho_code(p) for p in parts[1:])]
    return found or [f"ho:{code}"]


def _rows(lines: Sequence[int]) -> str:
    """ "row 8", "rows 2, 3, 4, 5, 6 and 12 more"."""
    shown = ", ".join(str(n) for n in lines[:LISTED])
    return ("row " if len(lines) == 1 else "rows ") + shown + \
        (f" and {len(lines) - LISTED:,} more" if len(lines) > LISTED else "")


def _respell(grids: list[Grid]) -> dict[str, str]:
    """Rename a header's other spellings of a column (:data:`SPELLINGS`) to the usual name, in place; returns the
    usual name -> the spelling found (so that messages name the column as the file does)."""
    found: dict[str, str] = {}
    names = {header_key(n): n for n in REQUIRED} | {header_key(o): n for n, os in SPELLINGS.items() for o in os}
    for grid in grids:
        scores = [len({names[k] for k in map(header_key, row) if k in names})
                  for row in grid.rows[:HEADER_SCAN_ROWS]]
        if not scores or max(scores) * 2 < len(REQUIRED):
            continue
        header = grid.rows[scores.index(max(scores))]
        keys = {header_key(c) for c in header}
        for name, others in SPELLINGS.items():
            if header_key(name) in keys:
                continue
            wanted = {header_key(o) for o in others}
            for i, cell in enumerate(header):
                if header_key(cell) in wanted:
                    found.setdefault(name, clean_label(cell))
                    header[i] = name
                    break
    return found


def _typed_codes(grids: list[Grid]) -> dict[tuple[str, int], int | float]:
    """The Offence Code cells a workbook holds as numbers, by (sheet label, row)."""
    out: dict[tuple[str, int], int | float] = {}
    for grid in grids:
        if grid.raw is None:
            continue
        row = find_header(grid, REQUIRED)
        if row is None:
            continue
        col = match_columns(grid.rows[row], REQUIRED, OPTIONAL, file=grid.file)[CODE]
        values = grid.raw.iloc[row + 1:, col].to_numpy(dtype=object)
        for line, v in zip(grid.lines[row + 1:], values, strict=True):
            if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_) \
                    and not pd.isna(v):
                out[(grid.file, line)] = v
    return out


@dataclasses.dataclass
class _Codes:
    """Offence codes read as text, with what was noticed on the way (for notes and rejections)."""

    codes: np.ndarray
    notes: list[str]
    ambiguous: np.ndarray  # rows whose typed number could be codes of different measures
    reasons: np.ndarray


def _read_codes(table: Table, raw: pd.Series, typed: dict[tuple[str, int], int | float]) -> _Codes:
    """Normalise the Offence Code column: upper case, no spaces around "/", and numbers typed into cells turned back
    into the code they stood for where that is unambiguous."""
    codes = unique_map(raw, _tidy_code).to_numpy(dtype=object).copy()
    notes: list[str] = []
    n = len(table)
    ambiguous = np.zeros(n, dtype=bool)
    reasons = np.full(n, "", dtype=object)
    column = table.names.get(CODE, CODE)
    where = [(table.label(p), int(table.lines[p])) for p in range(n)] if typed else []
    is_typed = np.array([w in typed for w in where], dtype=bool) if typed else np.zeros(n, dtype=bool)

    # text such as "8.00" (a number cell written out with decimals): no Home Office code ends in ".0"
    decimal_text = unique_map(pd.Series(codes, dtype=object), lambda c: bool(_WHOLE_DECIMAL.fullmatch(c))) \
        .to_numpy(dtype=bool) & ~is_typed
    if decimal_text.any():
        pos = np.flatnonzero(decimal_text)
        seen = sorted({codes[p] for p in pos})
        for p in pos:
            codes[p] = _WHOLE_DECIMAL.fullmatch(codes[p])[1]
        notes.append(f"{column}: {_n(len(pos), 'code')} written as decimal numbers ({', '.join(seen[:LISTED])}) read "
                     f"as whole codes ({', '.join(sorted({codes[p] for p in pos})[:LISTED])}): "
                     f"{_rows([int(table.lines[p]) for p in pos])}" + _sheets(table, pos))
    if not is_typed.any():
        return _Codes(codes, notes, ambiguous, reasons)

    # what the table itself writes as text: the codes, and the codes each description goes with
    text_rows = ~is_typed
    known = set(_catalogue_codes())
    for c in codes[text_rows]:
        known.update(str(c).split("/"))
    by_description: dict[str, set[str]] = {}
    if DESCRIPTION in table.data.columns:
        desc = table.data[DESCRIPTION].str.strip().str.lower().to_numpy(dtype=object)
        for d, c in zip(desc[text_rows], codes[text_rows], strict=True):
            by_description.setdefault(d, set()).add(c)
    else:
        desc = np.full(n, "", dtype=object)

    whole: list[int] = []
    decimal: dict[str, list[int]] = {}  # how each typed decimal was read -> its rows
    for p in np.flatnonzero(is_typed):
        value = typed[where[p]]
        text = codes[p]
        if float(value).is_integer():
            whole.append(p)  # 8 or 8.0 -> "8": the code is the same number
            continue
        candidates = [text + "0" * k for k in range(3)]  # 4.1 may have been 4.10 (or 4.100)
        by_desc = [c for c in candidates if c in by_description.get(desc[p], ())]
        listed = [c for c in candidates if c in known]
        if len(by_desc) == 1:
            codes[p], how = by_desc[0], "by the code its Offence Description has elsewhere in the table"
        elif len(listed) > 1 and len({tuple(_measures(c)) for c in listed}) > 1:
            ambiguous[p] = True
            reasons[p] = (f"offence code typed as the number {value!r} could be {' or '.join(listed)}, which count "
                          "towards different measures; store the code as text")
            continue
        elif len(listed) > 1:
            how = (f"as written, though it could be {' or '.join(listed)} (a lost trailing zero): either counts "
                   "towards the same measures")
        elif len(listed) == 1:
            codes[p], how = listed[0], "as the only known code it can be"
        else:
            how = "as written (no known code matches)"
        decimal.setdefault(how, []).append(p)

    def said(group: list[int]) -> str:
        return _rows([int(table.lines[p]) for p in group]) + _sheets(table, np.array(group))

    if whole:
        read = sorted({codes[p] for p in whole}, key=_code_order)
        notes.append(f"{column}: {_n(len(whole), 'cell')} holding a number, not text, read as the "
                     f"code{'s' if len(read) > 1 else ''} {', '.join(read[:LISTED])}: {said(whole)}")
    for how, group in decimal.items():
        pairs = sorted({f"{typed[where[p]]!r} -> {codes[p]}" for p in group})
        notes.append(f"{column}: {_n(len(group), 'cell')} holding a decimal number, not text ({', '.join(pairs[:LISTED])}), "
                     f"read {how}: {said(group)}; store offence codes as text")
    return _Codes(codes, notes, ambiguous, reasons)


def _tidy_code(code: str) -> str:
    """Upper case, no spaces around the "/" of a combined code: " 1 / 4.1/4.10/4.2" -> "1/4.1/4.10/4.2"."""
    return re.sub(r"\s+", " ", re.sub(r"\s*/\s*", "/", code.strip().upper()))


def _code_order(code: str) -> tuple[int, str]:
    m = re.match(r"\d+", code)
    return (int(m[0]) if m else 10**6, code)




def _sheets(table: Table, pos: np.ndarray) -> str:
    """" of sheet '2017-18'" for rows of a workbook ("" for a CSV file: its notes are printed under its name)."""
    labels = [table.file] if table.labels is None else list(dict.fromkeys(str(table.labels[p]) for p in pos))
    names = [m[1] for m in map(SHEET_LABEL.search, labels) if m]
    if not names:
        return ""
    return f" of sheet{'s' if len(names) > 1 else ''} " + ", ".join(repr(n) for n in names[:LISTED]) + \
        (" ..." if len(names) > LISTED else "")


def _n(count: int, noun: str) -> str:
    """ "1 row", "2 rows", "1,204 rows"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _overlapping_sheets(frame: pd.DataFrame, table: Table, checks: RowChecks, keys: list[str]) -> None:
    """A key in two sheets of a workbook: the later sheet's rows are duplicates when its total agrees, else the
    workbook contradicts itself (:class:`InputError`)."""
    first = frame.groupby(keys, sort=False)["sheet"].transform("first")
    later = frame[frame["sheet"] != first]
    if later.empty:
        return
    totals = frame.groupby([*keys, "sheet"], sort=False)["count"].sum()
    first_pos = frame.groupby([*keys, "sheet"], sort=False)["pos"].first()
    mask = np.zeros(len(table), dtype=bool)
    reasons = np.full(len(table), "", dtype=object)
    for group, rows in later.groupby([*keys, "sheet"], sort=False)["pos"]:
        *key, sheet = group
        origin = first.loc[rows.index[0]]
        f = int(first_pos.loc[(*key, origin)])
        of = f"row {table.lines[f]} of {origin}"
        here, there = totals.loc[(*key, sheet)], totals.loc[(*key, origin)]
        if here != there:
            p = int(rows.iloc[0])
            named = ", ".join(f"{k} {v}" for k, v in zip(keys, key, strict=True))
            raise InputError(f"same key as {of} ({named}) but Number of Offences {here} differs from {there} "
                             "(the sheets overlap)", file=sheet, row=int(table.lines[p]),
                             column=table.names.get(COUNT, COUNT))
        mask[rows.to_numpy()] = True
        reasons[rows.to_numpy()] = f"duplicate of {of}"
    checks.reject(mask, None, reasons)


def read_home_office(path: str | Path, *, encoding: str | None = None,
                     grids: list[Grid] | None = None) -> LoadResult:
    """Read a Home Office police recorded crime open data table into the canonical *quarterly* frame.

    Columns out: force, measure, offence_code, quarter ("Q1 2023/24"), count (may be negative: a published
    adjustment). Rows with the same force, quarter and code in one sheet are summed (see the module docstring);
    British Transport Police and the national fraud bodies are skipped by design; rows with an unknown force, an
    unreadable year, quarter or count, or a fractional count are rejected with their file, row and column.
    ``grids``: a workbook's sheets when the caller has read them already (``read_any``, to parse it once).
    """
    path = Path(path)
    if grids is None:
        grids = read_grids(path, encoding=encoding, limit=PRC_TABLE_BYTES, limit_name="PRC_TABLE_BYTES")
    spelt = _respell(grids)
    typed = _typed_codes(grids)
    table, rejected = read_table(path, REQUIRED, OPTIONAL, grids=grids)
    table.names.update(spelt)
    del grids
    checks = RowChecks(table)
    names = checks.text("Force Name")
    body = unique_map(names, national_body)
    if body.notna().any():
        checks.reject(body.notna().to_numpy(), "Force Name",
                      unique_map(body.fillna(""), NOT_A_FORCE_AREA.format).to_numpy(dtype=object))
    force = checks.force("Force Name")
    checks.reject((force == BTP).to_numpy(), "Force Name", NOT_TERRITORIAL)
    skipped = (body.notna() | (force == BTP)).to_numpy()
    start = checks.parsed("Financial Year", parse_financial_year, "financial year", "e.g. 2023/24")
    number = checks.parsed("Financial Quarter", _quarter_number, "quarter", "1-4")
    read = _read_codes(table, checks.text(CODE), typed)
    checks.reject(read.ambiguous, CODE, read.reasons)
    count = checks.count(COUNT, signed=True)
    good = checks.good
    # as floats first: a column with no readable value is all None (object), which fillna would downcast (pandas 2.2)
    pair = pd.Series(start.astype(float).fillna(0).astype(int).to_numpy() * 10
                     + number.astype(float).fillna(1).astype(int).to_numpy())
    quarter = np.where(good, unique_map(pair, lambda v: str(FyQuarter(v // 10, v % 10))).to_numpy(dtype=object), "")
    keys = [schema.FORCE, schema.OFFENCE_CODE, schema.QUARTER]
    rows = pd.DataFrame({schema.FORCE: force.to_numpy(dtype=object), schema.OFFENCE_CODE: read.codes,
                         schema.QUARTER: quarter, "count": count, "pos": np.arange(len(table)),
                         "sheet": table.labels if table.labels is not None else table.file})
    if table.labels is not None:
        _overlapping_sheets(rows[good], table, checks, keys)
        good = checks.good
    rows = rows[good]
    notes = list(read.notes)
    frame = rows.groupby(keys, sort=False).agg(count=("count", "sum"), n=("pos", "size"), pos=("pos", "first"))
    summed = int(len(rows) - len(frame))
    if summed:
        repeated = frame[frame["n"] > 1]
        example = repeated.index[0]
        same = np.logical_and.reduce([rows[k].to_numpy() == v for k, v in zip(keys, example, strict=True)])
        at = rows["pos"].to_numpy()[same]
        identical = int(table.data.iloc[rows["pos"].to_numpy()].duplicated().sum())
        notes.append(f"{_n(int(repeated['n'].sum()), 'row')} with a repeated force, quarter and offence code summed into "
                     f"{len(repeated):,} (the table gives one row per underlying offence; e.g. {example[0]}, "
                     f"{example[2]}, code {example[1]}: {_rows([int(table.lines[p]) for p in at])}"
                     f"{_sheets(table, at)})" + (f"; {identical:,} of them repeat an earlier row exactly"
                                                 if identical else ""))
    negative = rows["count"].to_numpy() < 0
    if negative.any():
        at = rows["pos"].to_numpy()[negative]
        still = int((frame["count"] < 0).sum())
        notes.append(f"{_n(int(negative.sum()), 'row')} with a negative Number of Offences (published adjustments), "
                     f"loaded as published: {_rows([int(table.lines[p]) for p in at])}{_sheets(table, at)}"
                     + (f"; negative after summing: {_n(still, 'quarterly count')}" if still else ""))
    out = frame.reset_index()[[*keys, "count"]].rename(columns={"count": schema.COUNT})
    out[schema.MEASURE] = out[schema.OFFENCE_CODE].map(_measures)
    out = out.explode(schema.MEASURE, ignore_index=True)
    out = schema.canonical(out, schema.QUARTERLY)
    rows_in, rejected = accounting(table, rejected, checks)
    skip = {(table.label(p), int(table.lines[p])) for p in np.flatnonzero(skipped)}
    rejected = [dataclasses.replace(r, expected=True) if (r.file, r.line) in skip else r for r in rejected]
    return LoadResult(str(path), FORMAT, schema.QUARTERLY.name, out, rows_in, rejected, summed=summed, notes=notes)
