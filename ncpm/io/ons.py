"""ONS "Police force area data tables": recorded crime by offence group for one 12-month period, by force (Table
P1) or by Community Safety Partnership within each force (Table C2).

Layout (ONS, Crime in England and Wales: police force area data tables; one sheet exported as CSV, or the
workbook itself): title and note rows, then a header whose cells may hold line breaks and "[note N]" suffixes,
then one row per area. Numbers carry thousands separators ("14,500") and trailing spaces; names carry "[note N]"
suffixes and trailing spaces.

- Table P1: ``Area Code, Area Name, <offence group> ...``; every loaded row is a force (``area`` "Force").
- Table C2: ``Police Force Area code, Police Force Area name, Community Safety Partnership code, Community Safety
  Partnership name, Local Authority code, Local Authority name, <offence group> ...``; a row with no CSP code or
  name is the force total (``area`` "Force"), any other row a CSP (``area`` its name, e.g. "North Warwickshire",
  "South Warwickshire" for a combined authority, "Unassigned Warwickshire"). The local authority columns are
  descriptive and not kept.

Only the 43 territorial force rows are loaded (area codes E23*, W15*); the force is decided by the area code, so
"West Midlands" the region (E12000005) and the force (E23000014) are told apart. Region and national rows (E12,
E92, W92, K04 ...) and British Transport Police are counted in ``rows_in`` and reported as rejections "not a
police force area ...", so the accounting is explicit. The period is parsed from the title ("year ending June
2025" -> 2024-07 .. 2025-06). Each offence-group column becomes a measure: the catalogue measure of that group
(``ncpm.catalogue.measure_for_ons_group``) or ``ons:<column slug>``.

>>> result = read_ons_pfa_table("ons_pfa_table_P1_ye_jun2025.csv")  # doctest: +SKIP
>>> result.frame.query("force == 'Warwickshire' and measure == 'vehicle_crime'")["count"].item()  # doctest: +SKIP
3790
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm import schema
from ncpm.catalogue import measure_for_ons_group
from ncpm.errors import InputError
from ncpm.forces import BTP, find_force, registry
from ncpm.io import LoadResult
from ncpm.io._common import (
    RowChecks,
    accounting,
    clean_label,
    find_header,
    first_row,
    grid_table,
    header_key,
    match_columns,
    read_grids,
    slug,
)

FORMAT = "ons_pfa_table"
REQUIRED = ("Area Code", "Area Name")  # Table P1
CSP_REQUIRED = ("Police Force Area code", "Police Force Area name", "Community Safety Partnership code",
                "Community Safety Partnership name")  # Table C2
CSP_DESCRIPTIVE = ("Local Authority code", "Local Authority name")
FORCE_CODE = re.compile(r"^(E23|W15)\d{6}$")
TITLE_PERIOD = re.compile(r"year ending\s+([A-Za-z]+)\s+(\d{4})", re.I)
NOT_A_FORCE = "not a police force area (region/national total)"
NOT_TERRITORIAL = "not a territorial police force area (British Transport Police)"
NATIONAL_NAMES = {"england", "wales", "englandandwales"}


def table_period(title_rows: list[list[str]], file: str) -> tuple[pd.Period, pd.Period]:
    """The 12 months named in the title ("year ending June 2025" -> 2024-07, 2025-06)."""
    for row in title_rows:
        for cell in row:
            m = TITLE_PERIOD.search(str(cell))
            if m:
                try:
                    end = pd.Period(f"{m[1][:3].title()} {m[2]}", freq="M")
                except ValueError:
                    continue
                return end - 11, end
    raise InputError("cannot find the period in the title rows (expected e.g. 'year ending June 2025')", file=file)


def _region_names() -> set[str]:
    return {re.sub(r"[^a-z]", "", f.region.lower()) for f in registry() if f.region} | NATIONAL_NAMES


def _header(grids: list, path: Path) -> tuple[object, int, tuple[str, ...]]:
    """The grid and row of the table's header, and the required columns of its layout (C2, else P1)."""
    csp = {header_key(n) for n in CSP_REQUIRED}
    found = [(g, r) for g in grids if (r := find_header(g, CSP_REQUIRED)) is not None
             and len(csp & {header_key(c) for c in g.rows[r]}) >= 3]  # one misspelt: match_columns says which
    if found:
        return (*found[0], CSP_REQUIRED)
    found = [(g, r) for g in grids if (r := find_header(g, REQUIRED)) is not None]
    if found:
        return (*found[0], REQUIRED)
    grid, row = first_row(grids)
    match_columns(grid.rows[row], REQUIRED, file=grid.file)
    raise InputError("no 'Area Code, Area Name' header row", file=str(path))


def read_ons_pfa_table(path: str | Path, *, encoding: str | None = None) -> LoadResult:
    """Read an ONS police force area table (Table P1, by force, or Table C2, by Community Safety Partnership) into
    the canonical *period_counts* frame.

    Columns out: force, area ("Force", or the CSP's name in Table C2), measure, period_start, period_end
    (Period[M]), count. One rejection per region, national or BTP row (by design) and per row with an unreadable
    number (naming the first bad column).
    """
    path = Path(path)
    grids = read_grids(path, encoding=encoding)
    grid, header_row, required = _header(grids, path)
    code_col, name_col = required[:2]
    start, end = table_period(grid.rows[:header_row], grid.file)
    header = grid.rows[header_row]
    where = match_columns(header, required, optional=CSP_DESCRIPTIVE if required == CSP_REQUIRED else (),
                          file=grid.file)
    value_cols = [i for i, c in enumerate(header) if clean_label(c) and i not in where.values()]
    if not value_cols:
        raise InputError(f"no offence group columns after {', '.join(where)}", file=grid.file)
    table, rejected = grid_table(grid, header_row, required, extra=value_cols,
                                 optional=CSP_DESCRIPTIVE if required == CSP_REQUIRED else ())
    groups = [clean_label(header[i]) for i in value_cols]
    measures = [measure_for_ons_group(g) or f"ons:{slug(g)}" for g in groups]
    twice = pd.Series(measures)[pd.Series(measures).duplicated()]
    if len(twice):
        raise InputError(f"two columns map to the measure {twice.iloc[0]!r}", file=grid.file)
    data = table.data
    code = data[code_col].str.upper()
    by_name = data[name_col].map(find_force)
    is_force_code = code.str.match(FORCE_CODE).to_numpy()
    # a row with no numbers and no force in it is a note or footer ("Source: ..."), not a data row
    note = (data[groups] == "").all(axis=1).to_numpy() & ~is_force_code & by_name.isna().to_numpy()
    table.data, table.lines = data[~note].reset_index(drop=True), table.lines[~note]
    data, code, by_name, is_force_code = table.data, code[~note].reset_index(drop=True), \
        by_name[~note].reset_index(drop=True), is_force_code[~note]

    checks = RowChecks(table)
    name_key = data[name_col].map(lambda n: re.sub(r"[^a-z]", "", clean_label(n).lower()))
    region = ((code != "") & ~code.str.match(FORCE_CODE)).to_numpy() | \
        ((code == "") & name_key.isin(_region_names())).to_numpy()
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
        csp = data[required[3]].map(clean_label)
        no_csp = ((data[required[2]] == "") & (csp == "")).to_numpy()
        area = pd.Series(np.where(no_csp, schema.WHOLE_FORCE, csp), index=data.index, dtype=object)
    else:
        area = pd.Series(schema.WHOLE_FORCE, index=data.index, dtype=object)
    counts = {g: checks.count(g) for g in groups}
    checks.dedupe({schema.FORCE: force} | ({schema.AREA: area} if required == CSP_REQUIRED else {}), counts)
    good = checks.good
    frame = pd.DataFrame({
        schema.FORCE: np.repeat(force.to_numpy(dtype=object)[good], len(groups)),
        schema.AREA: np.repeat(area.to_numpy(dtype=object)[good], len(groups)),
        schema.MEASURE: np.tile(np.array(measures, dtype=object), int(good.sum())),
        schema.COUNT: np.column_stack([counts[g][good] for g in groups]).ravel() if good.any() else
        np.array([], dtype=np.int64),
    })
    frame[schema.PERIOD_START] = pd.PeriodIndex([start] * len(frame), freq="M")
    frame[schema.PERIOD_END] = pd.PeriodIndex([end] * len(frame), freq="M")
    frame = schema.validate(frame, schema.PERIOD_COUNTS, source=str(path)) if len(frame) else schema.empty(
        schema.PERIOD_COUNTS)
    rows_in, rejected = accounting(table, rejected, checks)
    rejected = [dataclasses.replace(r, expected=True) if r.reason in (NOT_A_FORCE, NOT_TERRITORIAL) else r
                for r in rejected]
    return LoadResult(str(path), FORMAT, schema.PERIOD_COUNTS.name, frame, rows_in, rejected)
