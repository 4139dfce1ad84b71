"""The area rows of an ONS table: only the 43 territorial forces are loaded, told by the area code (E23*, W15*) so
that "West Midlands" the region and the force are told apart; region and national rows and British Transport Police
are counted and listed as expected rejections (see the package docstring, "Areas"). In Table C2 a row with no
Community Safety Partnership is the force total, any other row a CSP.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.forces import BTP, find_force, registry
from ncpm.io import Rejection
from ncpm.io.grids import Grid
from ncpm.io.ons.labels import label
from ncpm.io.ons.layout import CSP_DESCRIPTIVE, CSP_REQUIRED, Layout, cell
from ncpm.io.ons.unavailable import NOT_AVAILABLE, NOT_AVAILABLE_ROW
from ncpm.io.rows import RowChecks
from ncpm.io.tables import Table, grid_table

FORCE_CODE = re.compile(r"^(E23|W15)\d{6}$")
NOT_A_FORCE = "not a police force area (region/national total)"
NOT_TERRITORIAL = "not a territorial police force area (British Transport Police)"
NATIONAL_NAMES = {"england", "wales", "englandandwales"}


def region_names() -> set[str]:
    return {re.sub(r"[^a-z]", "", f.region.lower()) for f in registry() if f.region} | NATIONAL_NAMES


@dataclasses.dataclass
class AreaRows:
    """The data rows of a table with the region, national, BTP and unknown-force rows rejected."""

    table: Table
    rejected: list[Rejection]
    checks: RowChecks
    force: pd.Series
    area: pd.Series


def area_rows(lay: Layout, columns: list[str]) -> AreaRows:
    grid, required = lay.grid, lay.required
    code_col, name_col = required[:2]
    spacers = [i for i, c in enumerate(lay.header) if not c and i not in lay.key_cols]
    rows, lines, rejected = [lay.header], [grid.lines[lay.header_row]], []
    for row, line in zip(grid.rows[lay.first_data:], grid.lines[lay.first_data:], strict=True):
        stray = next((i for i in spacers if cell(row, i).strip().lower() not in ('', *NOT_AVAILABLE)), None)
        if stray is not None:
            rejected.append(Rejection(grid.file, line, f"{stray + 1} (no header)",
                                      f"a value ({cell(row, stray).strip()!r}) in a column with no header"))
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
        ((code == "") & name_key.isin(region_names())).to_numpy() | \
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
    return AreaRows(table, rejected, checks, force, area)


def mark_expected(rejected: list[Rejection]) -> list[Rejection]:
    return [dataclasses.replace(r, expected=True) if r.reason in (NOT_A_FORCE, NOT_TERRITORIAL)
            or r.reason.startswith(NOT_AVAILABLE_ROW) else r for r in rejected]
