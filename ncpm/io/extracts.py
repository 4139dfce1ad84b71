"""Force extracts: tidy CSV or XLSX files with the canonical column names of ncpm (see ``ncpm.schema``).

One file holds one kind, told from its columns when ``kind`` is not given:

==========  ==========================================================
volumes     force, area, measure, month, count
outcomes    force, area, measure, month, outcome_type, count
survey      force, survey, month, responses, satisfied [, dont_know]
population  force, year, population
msg         force, peer, version
==========  ==========================================================

Header matching ignores case, spaces and underscores ("Outcome Type" = "outcome_type"). ``month`` may be written
"2023-05", as a date ("2023-05-01", or a date cell in a workbook) or "May 2023"; forces (and MSG peers) in any
spelling of the registry. Rows are checked as in every reader (``ncpm.io._common``); in addition a survey row with
more satisfied than responses is rejected (column ``satisfied``), and so is one with satisfied + dont_know greater
than responses (column ``dont_know``): ``responses`` counts every response, "don't know" included, and the valid
responses (the satisfaction rate's denominator, METHODS.md) are responses - dont_know.

>>> result = read_extract("data/raw/demo/volumes.csv")  # doctest: +SKIP
>>> result.kind  # doctest: +SKIP
'volumes'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ncpm import schema
from ncpm.errors import ConfigError, InputError
from ncpm.io import LoadResult
from ncpm.io._common import (
    HEADER_SCAN_ROWS,
    Grid,
    RowChecks,
    accounting,
    clean_label,
    first_row,
    header_key,
    read_grids,
    read_table,
)

FORMAT = "extract"
KINDS = ("outcomes", "volumes", "survey", "population", "msg")  # most specific first: outcomes has volumes' columns
_TEXT = (schema.AREA, schema.MEASURE, schema.OUTCOME_TYPE, schema.SURVEY, schema.VERSION)
_COUNTS = (schema.COUNT, schema.RESPONSES, schema.SATISFIED, schema.DONT_KNOW, schema.POPULATION)


def _year(text: str) -> int:
    year = int(float(text))
    if not 1900 <= year <= 2100 or float(text) != year:
        raise ValueError(text)
    return year


def detect_kind(grids: list[Grid]) -> str | None:
    """The extract kind whose columns best match a header row (all of them, or at least half), else None."""
    best, best_score = None, (0.0, 0)
    for grid in grids:
        for row in grid.rows[:HEADER_SCAN_ROWS]:
            keys = {header_key(c) for c in row}
            for kind in KINDS:
                columns = schema.SPECS[kind].columns
                hit = sum(header_key(c) in keys for c in columns)
                score = (hit / len(columns), hit)
                if score > best_score:
                    best, best_score = kind, score
    return best if best_score[0] >= 0.5 else None


def read_extract(path: str | Path, kind: str | None = None, *, encoding: str | None = None) -> LoadResult:
    """Read a force extract into the canonical frame of its kind (detected from the columns when not given)."""
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise ConfigError(f"unknown extract kind {kind!r}; known: {', '.join(KINDS)}")
    grids = read_grids(path, encoding=encoding)
    kind = kind or detect_kind(grids)
    if kind is None:
        grid, row = first_row(grids)
        found = ", ".join(clean_label(c) for c in grid.rows[row] if clean_label(c)) or "none"
        expected = "; ".join(f"{k} ({', '.join(schema.SPECS[k].columns)})" for k in KINDS)
        raise InputError(f"cannot tell what kind of extract this is from its columns (found: {found}); "
                         f"expected the columns of one of: {expected}", file=str(path))
    spec = schema.SPECS[kind]
    table, rejected = read_table(path, spec.columns, spec.optional, grids=grids)
    checks = RowChecks(table)
    values: dict[str, object] = {}
    for column in spec.columns + [c for c in spec.optional if c in table.data.columns]:
        if column in (schema.FORCE, schema.PEER):
            values[column] = checks.force(column)
        elif column in spec.months:
            values[column] = checks.month(column)
        elif column == schema.YEAR:
            values[column] = checks.parsed(column, _year, "year", "YYYY")
        elif column in _COUNTS:
            values[column] = checks.count(column)
        elif column in _TEXT:
            values[column] = checks.text(column)
        else:  # pragma: no cover - every canonical column is handled above
            raise AssertionError(column)
    if schema.SATISFIED in values:
        satisfied, responses = values[schema.SATISFIED], values[schema.RESPONSES]
        checks.reject(satisfied > responses, schema.SATISFIED,
                      np.array([f"satisfied ({s}) is greater than responses ({r})"
                                for s, r in zip(satisfied, responses, strict=True)], dtype=object))
        if schema.DONT_KNOW in values:
            dont_know = values[schema.DONT_KNOW]
            checks.reject(satisfied + dont_know > responses, schema.DONT_KNOW,
                          np.array([f"satisfied ({s}) + dont_know ({d}) is greater than responses ({r})"
                                    for s, d, r in zip(satisfied, dont_know, responses, strict=True)], dtype=object))
    checks.dedupe({c: values[c] for c in spec.key}, {c: values[c] for c in values if c not in spec.key})
    good = checks.good
    frame = pd.DataFrame({c: np.asarray(v, dtype=object)[good] for c, v in values.items()})
    for column in spec.months:
        frame[column] = pd.PeriodIndex(frame[column].astype(str), freq="M")
    frame = schema.validate(frame, spec, source=str(path)) if len(frame) else schema.empty(spec)
    rows_in, rejected = accounting(table, rejected, checks)
    return LoadResult(str(path), FORMAT, kind, frame, rows_in, rejected)
