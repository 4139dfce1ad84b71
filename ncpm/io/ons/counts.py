"""The counts of an ONS table (P1 by force, C2 by Community Safety Partnership) as a *period_counts* frame: each
offence-group column becomes a measure (``ncpm.core.catalogue.measure_for_ons_group``, else ``ons:<column slug>``),
over the 12 months of the title.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import measure_for_ons_group
from ncpm.core.errors import InputError
from ncpm.io import LoadResult
from ncpm.io.grids import Grid
from ncpm.io.headers import slug
from ncpm.io.ons.areas import area_rows, mark_expected
from ncpm.io.ons.layout import CSP_REQUIRED, FORMAT, Layout
from ncpm.io.ons.period import table_period
from ncpm.io.ons.sheets import choice_notes
from ncpm.io.ons.unavailable import find_not_available
from ncpm.io.rows import accounting


def read_counts(lay: Layout) -> LoadResult:
    groups = lay.labels
    if not groups:
        raise InputError(f"no offence group columns after {', '.join(lay.required[:2])}", file=lay.grid.file)
    start, end = table_period(lay.title_rows, lay.grid.file)
    measures = [measure_for_ons_group(g) or f"ons:{slug(g)}" for g in groups]
    twice = pd.Series(measures)[pd.Series(measures).duplicated()]
    if len(twice):
        raise InputError(f"two columns map to the measure {twice.iloc[0]!r}", file=lay.grid.file)
    rows = area_rows(lay, groups)
    unavailable = find_not_available(rows, groups, "figure")
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
    frame = schema.canonical(frame, schema.PERIOD_COUNTS)
    rows_in, rejected = accounting(rows.table, rows.rejected, checks)
    return LoadResult(lay.grid.file, FORMAT, schema.PERIOD_COUNTS.name, frame, rows_in, mark_expected(rejected),
                      notes=notes)


def counts_result(lay: Layout, grids: list[Grid]) -> LoadResult:
    result = read_counts(lay)
    result.notes[:0] = choice_notes(lay, grids) if len(grids) > 1 else []
    return result
