"""ONS "Police force area data tables": recorded crime by offence group for one 12-month period, by force (Table
P1) or by Community Safety Partnership within each force (Table C2), and the mid-year population by force that
Table P3 prints beside its rates per 1,000.

Layout (ONS, Crime in England and Wales: police force area data tables, every edition from 2018; one sheet
exported as CSV, or the XLSX / ODS workbook itself): title and note rows, then a header, then one row per area.

- Table P1: ``Area Code, Area Name, <offence group> ...``; every loaded row is a force (``area`` "Force").
- Table C2: ``Police Force Area code, Police Force Area name, Community Safety Partnership code, Community Safety
  Partnership name, Local Authority code, Local Authority name, <offence group> ...``; a row with no CSP code or
  name is the force total (``area`` "Force"), any other row a CSP (``area`` its name, e.g. "North Warwickshire",
  "South Warwickshire" for a combined authority, "Unassigned Warwickshire"). The local authority columns are
  descriptive and not kept.
- Table P3: ``Area Code, Area Name, Population figures (mid-2016) rounded to 100, Household figures ..., <rates>``;
  only the population column is read (the rates are ncpm's to compute), into a *population* frame whose year is
  the "mid-YYYY" of that column's header (else of the title, of the notes under the table, or of a Notes sheet
  that names one year only). A note says that the source rounds the populations (to 100) when its text says so.

Every edition is read by the same rules, never by file or sheet name or position:

- **Sheets.** In a workbook, the counts table is the sheet with the ``Area Code, Area Name`` (or C2) header whose
  title (its first row) speaks of neither rates nor percentage changes, which has no population column and at least
  one column that is a catalogue offence group (so the knife crime and anti-social behaviour tables are not taken
  for it; of several, the one with the most, and a note names the others if they tie). The population table is the
  sheet with that header and a population column ("Population figures (mid-2016) ...", "Mid-2022 population
  estimates"; not a rate). Other sheets (notes, contents, a "Correction" notice, the percentage-change table) are
  ignored, whatever they are called ("Table P1 " with a trailing space) and wherever they stand.
- **Footnote markers.** The published text glues footnote numbers to names, headers and titles
  ("Greater Manchester8,9", "Violence against the person4", "Total recorded crime (excluding fraud4)",
  "Stalking and harassment 5"). :func:`label` strips one or two-digit numbers (and lists of them) that end a label
  after a letter or a closing bracket, or that sit between a letter and a closing bracket or between a closing
  bracket and a space ("(mid-2016)4 rounded"); "[note N]" suffixes go too. A number of three digits or more ("Rate per 1,000") is kept. Titles are read apart (:func:`table_period`):
  "year ending March 181,2,3" is March 2018 with notes 1, 2, 3, "year ending December 20191,2" December 2019.
- **Headers over several rows.** The rows just above the matched header that have a cell over a value column
  belong to the header, and so do the rows between it and the first area row (no area code or name, no number:
  units such as "Numbers", or label ends). A column whose header-row cell is blank takes the nearest label above it
  (the published "Total recorded crime (excluding fraud)" sits one row higher than "Area Code"); a cell that
  starts in lower case or with "(" continues the label above it ("Total recorded crime" over "(excluding fraud)").
  A spanning group label ("Victim-based crime") over a labelled column is not part of that column's name, and a
  units cell never makes a label. A column with no label at all is a spacer and is ignored; a value in one (other
  than a not-available symbol) is a rejection, not silently dropped.
- **Areas.** Only the 43 territorial force rows are loaded (area codes E23*, W15*); the force is decided by the
  area code, so "West Midlands" the region (E12000005) and the force (E23000014) are told apart. Region and
  national rows (E12, E92, W92, K04 ...) and British Transport Police are counted in ``rows_in`` and listed as
  expected rejections ("skipped"), so the accounting is explicit. The England and Wales totals include British
  Transport Police (and, in the year ending December 2019 edition, leave Greater Manchester out): they are never
  loaded, so nothing is double counted.
- **Not available.** ONS symbols for a figure not given (:data:`NOT_AVAILABLE`: ``..``, ``:``, ``x``, ``[x]``,
  ``[c]``, ``[z]``, ``+`` ...) are neither zero nor a reading error. Accounting: a row with some figures available
  is *loaded* (its other columns become rows of the frame) and each missing figure is named, per force and column,
  in ``LoadResult.notes``; a row with no figure available is *skipped* (an expected rejection whose reason names
  the symbol) and noted too. Cells are not rows, so ``rows_in == rows_loaded + rows_rejected + rows_summed`` holds
  (skipped rows are among the rejected).

The period is parsed from the title ("year ending June 2025" -> 2024-07 .. 2025-06). Each offence-group column
becomes a measure: the catalogue measure of that group (``ncpm.core.catalogue.measure_for_ons_group``) or
``ons:<column slug>`` ("ons:total_recorded_crime_excluding_fraud").

>>> result = read_ons_pfa_table("ons_pfa_table_P1_ye_jun2025.csv")  # doctest: +SKIP
>>> result.frame.query("force == 'Warwickshire' and measure == 'vehicle_crime'")["count"].item()  # doctest: +SKIP
3790
>>> [r.kind for r in read_ons_tables("pfatablesdec19.xlsx")]  # doctest: +SKIP
['period_counts', 'population']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import measure_for_ons_group
from ncpm.core.errors import InputError
from ncpm.core.forces import BTP, find_force, registry
from ncpm.io import LoadResult, Rejection
from ncpm.io.grids import Grid, first_row
from ncpm.io.headers import clean_label, find_header, header_key, match_columns, slug
from ncpm.io.rows import RowChecks, accounting
from ncpm.io.tables import Table, grid_table, read_grids

FORMAT = "ons_pfa_table"
REQUIRED = ("Area Code", "Area Name")  # Tables P1 and P3
CSP_REQUIRED = ("Police Force Area code", "Police Force Area name", "Community Safety Partnership code",
                "Community Safety Partnership name")  # Table C2
CSP_DESCRIPTIVE = ("Local Authority code", "Local Authority name")
FORCE_CODE = re.compile(r"^(E23|W15)\d{6}$")
TITLE_PERIOD = re.compile(r"year\s+ending\s+([A-Za-z]+)\.?\s+(\d{2,})((?:\s?,\s?\d{1,2})*)", re.I)
POPULATION_YEAR = re.compile(r"\bmid[-\s]?(\d{4})", re.I)
POPULATION_HEADER = re.compile(r"\bpopulation\b", re.I)
RATE_HEADER = re.compile(r"\b(rates?|per)\b", re.I)
ROUNDED_TO = re.compile(r"rounded\s+to\s+(?:the\s+nearest\s+)?(\d[\d,]*)", re.I)
NOT_COUNTS_TITLE = re.compile(r"\b(rates?|percentages?|compared\s+with)\b", re.I)  # P2 (change), P3 (rates)
NOT_A_FORCE = "not a police force area (region/national total)"
NOT_TERRITORIAL = "not a territorial police force area (British Transport Police)"
NOT_AVAILABLE_ROW = "no figure available"  # the start of the reason of a row skipped for want of any figure
NATIONAL_NAMES = {"england", "wales", "englandandwales"}

#: ONS symbols for a figure that is not given (the tables' notes and the ONS symbols convention), by meaning
NOT_AVAILABLE = {"..": "not available", "...": "not available", ":": "not available", "x": "not available",
                 "[x]": "not available", "n/a": "not available", "[c]": "confidential", "[z]": "not applicable",
                 "+": "suppressed", "*": "suppressed"}

# footnote markers: one or two-digit numbers ending a label after a letter or ")" / "]", between a letter and ")",
# or between ")" and a space ("(mid-2016)4 rounded to 100")
_FOOTNOTE_END = re.compile(r"(?:(?<=[^\W\d_])|(?<=[)\]]))\s?\d{1,2}(?:\s?,\s?\d{1,2})*$")
_FOOTNOTE_INSIDE = re.compile(r"(?:(?<=[^\W\d_])\d{1,2}(?:,\d{1,2})*(?=\)))|(?:(?<=\))\d{1,2}(?:,\d{1,2})*(?=\s))")
_NUMBER = re.compile(r"^-?[\d,]*\d(\.\d+)?$")


def label(text: object) -> str:
    """A header or area name as ONS means it: no "[note N]", line breaks or glued footnote markers.

    >>> label("Greater Manchester8,9"), label("Violence against the person4"), label("Stalking and harassment 5")
    ('Greater Manchester', 'Violence against the person', 'Stalking and harassment')
    >>> label("Total recorded crime (excluding fraud4)"), label("Humberside [note 4]"), label("Rate per 1,000")
    ('Total recorded crime (excluding fraud)', 'Humberside', 'Rate per 1,000')
    """
    text = _FOOTNOTE_INSIDE.sub("", clean_label(text))
    return _FOOTNOTE_END.sub("", text).strip()


def _title_year(digits: str, glued: str) -> int | None:
    """The year in "year ending March <digits><glued>": a four-digit year (19xx, 20xx) or a two-digit one (20yy),
    whichever leaves footnote markers that read as notes (one or two digits each, rising: "1,2,3") after it."""
    readings = [(int(digits[:4]), digits[4:])] if len(digits) >= 4 and digits[:2] in ("19", "20") else []
    readings.append((2000 + int(digits[:2]), digits[2:]))
    for year, rest in readings:
        notes = [int(n) for n in re.split(r"\s?,\s?", rest + glued) if n]
        if all(n < 100 for n in notes) and notes == sorted(set(notes)):
            return year
    return None


def table_period(title_rows: list[list[str]], file: str) -> tuple[pd.Period, pd.Period]:
    """The 12 months named in the title: "year ending June 2025" -> (2024-07, 2025-06); footnote markers glued to
    the year are read as such ("March 181,2,3" is March 2018, "December 20191,2" December 2019).

    >>> table_period([["Table P1: ..., year ending March 181,2,3"]], "p1.csv")
    (Period('2017-04', 'M'), Period('2018-03', 'M'))
    """
    for row in title_rows:
        for cell in row:
            for m in TITLE_PERIOD.finditer(clean_label(cell)):
                year = _title_year(m[2], m[3])
                if year is None:
                    continue
                try:
                    end = pd.Period(f"{m[1][:3].title()} {year}", freq="M")
                except ValueError:
                    continue
                return end - 11, end
    raise InputError("cannot find the period in the title rows (expected e.g. 'year ending June 2025')", file=file)


def _region_names() -> set[str]:
    return {re.sub(r"[^a-z]", "", f.region.lower()) for f in registry() if f.region} | NATIONAL_NAMES


def _cell(row: Sequence[str], i: int) -> str:
    return str(row[i]) if i < len(row) else ""


# ---------------------------------------------------------------------------------------------------- layout

@dataclasses.dataclass
class _Layout:
    """One table in a grid: its header row, required columns, the header as combined over its rows, the value
    columns and where the data rows start."""

    grid: Grid
    header_row: int
    required: tuple[str, ...]
    header: list[str]
    key_cols: set[int]
    value_cols: list[int]
    first_data: int

    @property
    def title_rows(self) -> list[list[str]]:
        return self.grid.rows[:self.header_row]

    @property
    def labels(self) -> list[str]:
        return [self.header[i] for i in self.value_cols]

    def population_col(self) -> int | None:
        """The column of mid-year populations ("Population figures (mid-2016) rounded to 100"), not of rates."""
        return next((i for i in self.value_cols if POPULATION_HEADER.search(self.header[i])
                     and not RATE_HEADER.search(self.header[i])), None)


def _continues(text: str) -> bool:
    """A header cell that carries on the label above it: "(excluding fraud)", "burglary"."""
    return text[:1].islower() or text[:1] == "("


def _layout(grid: Grid, header_row: int, required: tuple[str, ...]) -> _Layout:
    """Combine the header rows of the table whose matched header is ``header_row`` (see the module docstring)."""
    header = grid.rows[header_row]
    keys = {header_key(n) for n in (*required, *(CSP_DESCRIPTIVE if required == CSP_REQUIRED else ()))}
    key_cols = {i for i, c in enumerate(header) if header_key(c) in keys}
    above = []  # header rows above the matched one, nearest first
    for row in reversed(grid.rows[:header_row]):
        if not any(str(c).strip() for i, c in enumerate(row) if i not in key_cols):
            break
        above.append(row)
    first = header_row + 1  # rows below it with no area and no number: units ("Numbers") or label ends
    while first < len(grid.rows) and not any(_cell(grid.rows[first], i).strip() for i in key_cols) and \
            not any(_NUMBER.match(str(c).strip()) for c in grid.rows[first]):
        first += 1
    below = grid.rows[header_row + 1:first]
    width = max(len(r) for r in (header, *above, *below))
    combined = []
    for i in range(width):
        if i in key_cols:
            combined.append(_cell(header, i))
            continue
        text = label(_cell(header, i))
        upper = next((t for r in above if (t := label(_cell(r, i)))), "")
        if not text or (upper and _continues(text)):
            text = f"{upper} {text}".strip()
        for r in below:
            more = label(_cell(r, i))
            if text and more and _continues(more):
                text = f"{text} {more}"
        combined.append(text)
    value_cols = [i for i, c in enumerate(combined) if c and i not in key_cols]
    return _Layout(grid, header_row, required, combined, key_cols, value_cols, first)


def _find_layout(grid: Grid) -> _Layout | None:
    """The table of ``grid`` if its header names the columns of Table C2 (all but one may be misspelt: the
    reader then says which) or both columns of Tables P1/P3."""
    for required, least in ((CSP_REQUIRED, len(CSP_REQUIRED) - 1), (REQUIRED, len(REQUIRED))):
        row = find_header(grid, required)
        if row is not None and len({header_key(n) for n in required}
                                   & {header_key(c) for c in grid.rows[row]}) >= least:
            return _layout(grid, row, required)
    return None


def _title(lay: _Layout) -> str:
    """The table's title: the first non-blank row of the sheet (notes and header rows below it are not read)."""
    return next((" ".join(t for c in r if (t := clean_label(c))) for r in lay.title_rows
                 if any(str(c).strip() for c in r)), "")


def _groups(lay: _Layout) -> int:
    """How many of the table's columns are catalogue offence groups."""
    return sum(measure_for_ons_group(t) is not None for t in lay.labels)


def _tables(grids: list[Grid], path: Path) -> tuple[_Layout | None, _Layout | None]:
    """The counts table (P1 or C2) and the population table (P3) among the sheets, chosen by content."""
    layouts = [lay for g in grids if (lay := _find_layout(g)) is not None]
    if not layouts:
        for grid in grids:
            for required in (CSP_REQUIRED, REQUIRED):
                row = find_header(grid, required)
                if row is not None:  # names what is missing, with a suggestion
                    match_columns(grid.rows[row], required, file=grid.file)
        grid, row = first_row(grids)
        match_columns(grid.rows[row], REQUIRED, file=grid.file)
        raise InputError("no 'Area Code, Area Name' header row", file=str(path))
    population = next((lay for lay in layouts if lay.population_col() is not None), None)
    counts = [lay for lay in layouts if lay.population_col() is None]
    if len(grids) > 1:  # a workbook: the counts table among tables of changes, rates, knife crime, ASB ...
        counts = sorted((lay for lay in counts if not NOT_COUNTS_TITLE.search(_title(lay)) and _groups(lay)),
                        key=_groups, reverse=True)
    return (counts[0] if counts else None), population


def _choice(chosen: _Layout, grids: list[Grid]) -> list[str]:
    """A note when more than one sheet could have been the counts table (the others are named)."""
    others = [lay.grid.file for g in grids if g is not chosen.grid and (lay := _find_layout(g)) is not None
              and lay.population_col() is None and not NOT_COUNTS_TITLE.search(_title(lay))
              and _groups(lay) == _groups(chosen)]
    return [f"read the counts from {chosen.grid.file}; {', '.join(others)} also "
            f"{'has' if len(others) == 1 else 'have'} a table of the same offence groups"] if others else []


# ---------------------------------------------------------------------------------------------------- rows

@dataclasses.dataclass
class _Rows:
    """The data rows of a table with the region, national, BTP and unknown-force rows rejected."""

    table: Table
    rejected: list[Rejection]
    checks: RowChecks
    force: pd.Series
    area: pd.Series


def _rows(lay: _Layout, columns: list[str]) -> _Rows:
    grid, required = lay.grid, lay.required
    code_col, name_col = required[:2]
    spacers = [i for i, c in enumerate(lay.header) if not c and i not in lay.key_cols]
    rows, lines, rejected = [lay.header], [grid.lines[lay.header_row]], []
    for row, line in zip(grid.rows[lay.first_data:], grid.lines[lay.first_data:], strict=True):
        stray = next((i for i in spacers if _cell(row, i).strip().lower() not in ('', *NOT_AVAILABLE)), None)
        if stray is not None:
            rejected.append(Rejection(grid.file, line, f"{stray + 1} (no header)",
                                      f"a value ({_cell(row, stray).strip()!r}) in a column with no header"))
            continue
        rows.append(row)
        lines.append(line)
    optional = CSP_DESCRIPTIVE if required == CSP_REQUIRED else ()
    extra = [i for i in lay.value_cols if lay.header[i] in columns]
    table, bad = grid_table(Grid(grid.file, rows, lines), 0, required, optional=optional, extra=extra)
    rejected.extend(bad)
    data = table.data
    code = data[code_col].str.upper()
    names = data[name_col].map(label)
    by_name = names.map(find_force)
    is_force_code = code.str.match(FORCE_CODE).to_numpy()
    # a row with no figures and no force in it is a note or footer ("Source: ..."), not a data row
    note = (data[columns] == "").all(axis=1).to_numpy() & ~is_force_code & by_name.isna().to_numpy()
    table.data, table.lines = data[~note].reset_index(drop=True), table.lines[~note]
    data, code, names, by_name, is_force_code = table.data, code[~note].reset_index(drop=True), \
        names[~note].reset_index(drop=True), by_name[~note].reset_index(drop=True), is_force_code[~note]

    checks = RowChecks(table)
    name_key = names.map(lambda n: re.sub(r"[^a-z]", "", n.lower()))
    region = ((code != "") & ~code.str.match(FORCE_CODE)).to_numpy() | \
        ((code == "") & name_key.isin(_region_names())).to_numpy() | \
        ((code == "") & by_name.isna() & name_key.str.startswith(tuple(NATIONAL_NAMES))).to_numpy()
    checks.reject(region, code_col, NOT_A_FORCE)
    checks.reject(((code == "") & (by_name == BTP)).to_numpy(), name_col, NOT_TERRITORIAL)
    force = pd.Series(np.where(is_force_code, code.map(find_force), by_name), index=data.index, dtype=object)
    unknown = force.isna().to_numpy()
    checks.reject(unknown & is_force_code, code_col,
                  np.array([f"unknown force {v!r}" for v in code], dtype=object))
    name = data[name_col].to_numpy(dtype=object)
    checks.reject(unknown & (name != ""), name_col, np.array([f"unknown force {v!r}" for v in name], dtype=object))
    checks.reject(unknown, name_col, "missing value")
    if required == CSP_REQUIRED:  # the force total has no CSP; every other row is one CSP of the force
        csp = data[required[3]].map(label)
        no_csp = ((data[required[2]] == "") & (csp == "")).to_numpy()
        area = pd.Series(np.where(no_csp, schema.WHOLE_FORCE, csp), index=data.index, dtype=object)
    else:
        area = pd.Series(schema.WHOLE_FORCE, index=data.index, dtype=object)
    return _Rows(table, rejected, checks, force, area)


@dataclasses.dataclass
class _Unavailable:
    """The cells of a table's value columns holding an ONS "not available" symbol."""

    columns: list[str]
    symbols: np.ndarray  # rows x columns, the cell text in lower case
    na: np.ndarray  # rows x columns, True where the cell is a symbol
    noted: np.ndarray  # rows that were not rejected before (regions, BTP, unknown forces are not noted)

    def notes(self, rows: _Rows, what: str) -> list[str]:
        """One note per force: the columns whose figure is not available, or that it has none (row skipped).
        Rows rejected for another reason (an unreadable number) are listed as rejections, not noted."""
        out = []
        for p in np.flatnonzero(self.na.any(axis=1) & self.noted):
            force, line, area = rows.force.iloc[p], int(rows.table.lines[p]), rows.area.iloc[p]
            where = force if area == schema.WHOLE_FORCE else f"{force} ({area})"
            if self.na[p].all():
                s = self.symbols[p, 0]
                out.append(f"{where}, row {line}: no {what} available ({s!r}, {NOT_AVAILABLE[s]}); the row is "
                           "skipped, not loaded as zero")
            elif rows.checks.good[p]:
                cells = [f"{c!r} ({self.symbols[p, j]!r}, {NOT_AVAILABLE[self.symbols[p, j]]})"
                         for j, c in enumerate(self.columns) if self.na[p, j]]
                out.append(f"{where}, row {line}: {what} not available in {', '.join(cells)}; those cells are not "
                           "loaded (not as zero); the row's other figures are")
        return out


def _not_available(rows: _Rows, columns: list[str], what: str) -> _Unavailable:
    """Find the "not available" cells; skip the rows with no figure at all (an expected rejection naming the
    symbol). The symbols are replaced by "0" for the number check only: the frame never holds those cells."""
    data, checks = rows.table.data, rows.checks
    symbols = np.column_stack([data[c].str.strip().str.lower().to_numpy(dtype=object) for c in columns])
    na = np.isin(symbols, list(NOT_AVAILABLE))
    found = _Unavailable(columns, symbols, na, ~checks.bad)
    checks.reject(na.all(axis=1), None, np.array([f"{NOT_AVAILABLE_ROW}: every {what} is {s!r} "
                                                  f"({NOT_AVAILABLE.get(s, '')})" for s in symbols[:, 0]],
                                                 dtype=object))
    for j, c in enumerate(columns):
        data[c] = data[c].where(~na[:, j], "0")
    return found


def _expected(rejected: list[Rejection]) -> list[Rejection]:
    return [dataclasses.replace(r, expected=True) if r.reason in (NOT_A_FORCE, NOT_TERRITORIAL)
            or r.reason.startswith(NOT_AVAILABLE_ROW) else r for r in rejected]


# ---------------------------------------------------------------------------------------------------- readers

def _read_counts(lay: _Layout) -> LoadResult:
    groups = lay.labels
    if not groups:
        raise InputError(f"no offence group columns after {', '.join(lay.required[:2])}", file=lay.grid.file)
    start, end = table_period(lay.title_rows, lay.grid.file)
    measures = [measure_for_ons_group(g) or f"ons:{slug(g)}" for g in groups]
    twice = pd.Series(measures)[pd.Series(measures).duplicated()]
    if len(twice):
        raise InputError(f"two columns map to the measure {twice.iloc[0]!r}", file=lay.grid.file)
    rows = _rows(lay, groups)
    unavailable = _not_available(rows, groups, "figure")
    checks = rows.checks
    counts = {g: checks.count(g) for g in groups}
    checks.dedupe({schema.FORCE: rows.force} | ({schema.AREA: rows.area} if lay.required == CSP_REQUIRED else {}),
                  counts)
    notes = unavailable.notes(rows, "figure")
    keep = (checks.good[:, None] & ~unavailable.na).ravel()
    n = len(rows.table)
    frame = pd.DataFrame({
        schema.FORCE: np.repeat(rows.force.to_numpy(dtype=object), len(groups))[keep],
        schema.AREA: np.repeat(rows.area.to_numpy(dtype=object), len(groups))[keep],
        schema.MEASURE: np.tile(np.array(measures, dtype=object), n)[keep],
        schema.COUNT: (np.column_stack([counts[g] for g in groups]).ravel() if n else
                       np.array([], dtype=np.int64))[keep],
    })
    frame[schema.PERIOD_START] = pd.PeriodIndex([start] * len(frame), freq="M")
    frame[schema.PERIOD_END] = pd.PeriodIndex([end] * len(frame), freq="M")
    frame = schema.validate(frame, schema.PERIOD_COUNTS, source=lay.grid.file) if len(frame) else schema.empty(
        schema.PERIOD_COUNTS)
    rows_in, rejected = accounting(rows.table, rows.rejected, checks)
    return LoadResult(lay.grid.file, FORMAT, schema.PERIOD_COUNTS.name, frame, rows_in, _expected(rejected),
                      notes=notes)


def _population_year(lay: _Layout, col: int, grids: list[Grid]) -> tuple[int, str | None]:
    """The "mid-YYYY" of the populations: in the column's header cells, else the title, else the notes under the
    table, else the one year named in the workbook's other sheets (a Notes sheet: "[note 3] ... mid-2021
    population estimates"), which the returned text names."""
    grid = lay.grid
    own = [lay.header[col], *(_cell(r, col) for r in grid.rows[:lay.header_row]),
           *(c for r in lay.title_rows for c in r), *(_cell(r, 0) for r in grid.rows[lay.first_data:])]
    for text in own:
        if m := POPULATION_YEAR.search(clean_label(text)):
            return int(m[1]), None
    found = {int(m[1]): g.file for g in grids if g is not grid for r in g.rows for c in r
             if (m := POPULATION_YEAR.search(str(c)))}
    if len(found) == 1:
        year, where = next(iter(found.items()))
        return year, f"the year of the populations (mid-{year}) is taken from {where}"
    seen = f"; the other sheets name {', '.join(f'mid-{y}' for y in sorted(found))}" if found else ""
    raise InputError(f"cannot find the year of the populations in column {clean_label(lay.header[col])!r} or the "
                     f"title (expected e.g. 'mid-2016'){seen}", file=grid.file, column=clean_label(lay.header[col]))


def _read_population(lay: _Layout, grids: list[Grid]) -> LoadResult:
    col = lay.population_col()
    name = lay.header[col]
    raw = clean_label(lay.grid.rows[lay.header_row][col]) if col < len(lay.grid.rows[lay.header_row]) else name
    year, where = _population_year(lay, col, grids)
    rows = _rows(lay, [name])
    unavailable = _not_available(rows, [name], "population")
    checks = rows.checks
    values = checks.count(name)
    checks.dedupe({schema.FORCE: rows.force}, {schema.POPULATION: values})
    notes = unavailable.notes(rows, "population")
    keep = checks.good
    frame = pd.DataFrame({schema.FORCE: rows.force.to_numpy(dtype=object)[keep],
                          schema.YEAR: np.full(int(keep.sum()), year, dtype=np.int64),
                          schema.POPULATION: values[keep]})
    frame = schema.validate(frame, schema.POPULATIONS, source=lay.grid.file) if len(frame) else schema.empty(
        schema.POPULATIONS)
    texts = [raw, *(c for r in lay.grid.rows for c in r[:1])]
    rounded = next((m[1] for t in texts if (m := ROUNDED_TO.search(clean_label(t)))), None)
    if rounded:
        notes.insert(0, f"mid-{year} populations as the source prints them, rounded to the nearest {rounded} "
                        f"(column {label(raw)!r})")
    notes[:0] = [where] if where else []
    rows_in, rejected = accounting(rows.table, rows.rejected, checks)
    return LoadResult(lay.grid.file, FORMAT, schema.POPULATIONS.name, frame, rows_in, _expected(rejected),
                      notes=notes)


def _counts_result(lay: _Layout, grids: list[Grid]) -> LoadResult:
    result = _read_counts(lay)
    result.notes[:0] = _choice(lay, grids) if len(grids) > 1 else []
    return result


def read_ons_tables(path: str | Path, *, encoding: str | None = None,
                    grids: list[Grid] | None = None) -> list[LoadResult]:
    """Every table ncpm reads from an ONS police force area file: the counts (Table P1 or C2, *period_counts*)
    and, when present, the mid-year populations of Table P3 (*population*), in that order.

    ``grids``: the file's sheets when the caller has read them already (``read_any`` does, to read a workbook
    once). Sheets are chosen by content (see the module docstring).
    """
    path = Path(path)
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    counts, population = _tables(grids, path)
    if counts is None and population is None:
        raise InputError("no table of counts by police force area (Table P1 or C2) or of populations (Table P3)",
                         file=str(path))
    return [*([_counts_result(counts, grids)] if counts else []),
            *([_read_population(population, grids)] if population else [])]


def read_ons_pfa_table(path: str | Path, *, encoding: str | None = None,
                       grids: list[Grid] | None = None) -> LoadResult:
    """Read an ONS police force area table (Table P1, by force, or Table C2, by Community Safety Partnership) into
    the canonical *period_counts* frame.

    Columns out: force, area ("Force", or the CSP's name in Table C2), measure, period_start, period_end
    (Period[M]), count. One expected rejection per region, national or BTP row and per row with no figure
    available; one rejection per row with an unreadable number (naming the first bad column). Figures not
    available are named in ``notes``. From a workbook, the counts sheet is chosen by content.
    """
    path = Path(path)
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    counts, population = _tables(grids, path)
    if counts is None:
        if population is not None:
            raise InputError("this is a table of rates with populations (Table P3), not of counts; its populations "
                             "are read by read_ons_population", file=population.grid.file)
        raise InputError("no sheet holds a table of counts by police force area (Table P1 or C2)", file=str(path))
    return _counts_result(counts, grids)


def read_ons_population(path: str | Path, *, encoding: str | None = None,
                        grids: list[Grid] | None = None) -> LoadResult:
    """The mid-year population by force printed in ONS Table P3 (rates per 1,000) as a *population* frame
    (force, year, population).

    The year is the "mid-YYYY" in the population column's header ("Population figures (mid-2016) rounded to 100")
    or in the title; the source rounds the populations to 100, and a note says so. Rates are not read: ncpm
    computes its own (``ncpm.methods.peers.rates_per_1000``).
    """
    path = Path(path)
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    _, population = _tables(grids, path)
    if population is None:
        raise InputError("no table with a population column by police force area (Table P3)", file=str(path))
    return _read_population(population, grids)
