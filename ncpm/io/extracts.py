"""Force extracts: tidy CSV or XLSX files with the canonical column names of ncpm (see ``ncpm.core.schema``).

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
spelling of the registry. Rows are checked as in every reader (``ncpm.io.rows``); in addition a survey row with
more satisfied than responses is rejected (column ``satisfied``), and so is one with satisfied + dont_know greater
than responses (column ``dont_know``): ``responses`` counts every response, "don't know" included, and the valid
responses (the satisfaction rate's denominator, METHODS.md) are responses - dont_know.

Also rejected, each naming its row and column: a ``measure`` that is neither a catalogue id (``ncpm.core.catalogue``)
nor a source's own category written ``source:name`` (as ``police_uk:other_crime``), with the closest id suggested;
in an MSG table, a force listed as its own peer, and every row of a group with more than :data:`MSG_MAX_PEERS`
peers (no seven can be chosen for it). Areas that differ only in case or spacing ("East", " east ", "EAST") are
one area: read in the spelling met first ("Force" for the whole force), with a note naming the others.

>>> result = read_extract("data/raw/demo/volumes.csv")  # doctest: +SKIP
>>> result.kind  # doctest: +SKIP
'volumes'
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import measures
from ncpm.core.errors import ConfigError, InputError
from ncpm.io import LoadResult
from ncpm.io.grids import Grid, first_row
from ncpm.io.headers import clean_label, header_key
from ncpm.io.limits import HEADER_SCAN_ROWS
from ncpm.io.rows import RowChecks, accounting, unique_map
from ncpm.io.tables import read_grids, read_table

FORMAT = "extract"
KINDS = ("outcomes", "volumes", "survey", "population", "msg")  # most specific first: outcomes has volumes' columns
_TEXT = (schema.AREA, schema.MEASURE, schema.OUTCOME_TYPE, schema.SURVEY, schema.VERSION)
_COUNTS = (schema.COUNT, schema.RESPONSES, schema.SATISFIED, schema.DONT_KNOW, schema.POPULATION)
MSG_MAX_PEERS = schema.MSG_MAX_SIZE - 1  # a force and up to seven peers (ncpm.core.schema.MSG_MAX_SIZE)


def _year(text: str) -> int:
    year = int(float(text))
    if not 1900 <= year <= 2100 or float(text) != year:
        raise ValueError(text)
    return year


def _measure_problem(measure: str) -> str:
    """Why a measure id is not read ("" when it is): unknown to the catalogue and not ``source:name``."""
    known = [m.id for m in measures()]
    if measure in known or ":" in measure.strip(":"):
        return ""
    close = difflib.get_close_matches(measure, known, n=1, cutoff=0.6)
    return f"unknown measure {measure!r}" + (f" (did you mean {close[0]!r}?)" if close else "") + \
        "; measures are the catalogue's ids, or a source's category written source:name"


def _one_spelling(areas: pd.Series) -> tuple[pd.Series, list[str]]:
    """Areas that differ only in case or spacing as one spelling (the first met; "Force" for the whole force), and
    a note for each area written more than one way."""
    key = unique_map(areas, lambda v: " ".join(str(v).split()).casefold())
    first: dict[str, str] = {schema.WHOLE_FORCE.casefold(): schema.WHOLE_FORCE}
    for k, v in zip(key, areas, strict=True):
        first.setdefault(k, " ".join(str(v).split()))
    spelled = areas.groupby(key, sort=False).unique()
    notes = [f"area {first[k]!r} is also written {', '.join(repr(v) for v in ways if v != first[k])} (case or "
             f"spacing): read as {first[k]!r}" for k, ways in spelled.items() if k and len(ways) > 1]
    return key.map(first).fillna(""), notes


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


def read_extract(path: str | Path, kind: str | None = None, *, encoding: str | None = None,
                 grids: list[Grid] | None = None) -> LoadResult:
    """Read a force extract into the canonical frame of its kind (detected from the columns when not given).
    ``grids``: a workbook's sheets when the caller has read them already (``read_any``, to parse it once)."""
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise ConfigError(f"unknown extract kind {kind!r}; known: {', '.join(KINDS)}")
    grids = read_grids(path, encoding=encoding) if grids is None else grids
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
    notes = []
    if schema.AREA in values:
        values[schema.AREA], notes = _one_spelling(values[schema.AREA])
    if schema.MEASURE in values:
        why = unique_map(values[schema.MEASURE], lambda v: _measure_problem(v) if v else "")
        checks.reject((why != "").to_numpy(), schema.MEASURE, why.to_numpy(dtype=object))
    if kind == "msg":
        _msg_rules(checks, values)
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
    frame = schema.canonical(pd.DataFrame({c: np.asarray(v, dtype=object)[good] for c, v in values.items()}), spec)
    rows_in, rejected = accounting(table, rejected, checks)
    return LoadResult(str(path), FORMAT, kind, frame, rows_in, rejected, notes=notes)


def _msg_rules(checks: RowChecks, values: dict[str, pd.Series]) -> None:
    """The rules of an MSG table (``ncpm.methods.peers.validate_msg``, checked here too so that ``ncpm validate`` and
    ``ncpm ingest`` report them with their rows): a force is not its own peer; a group has at most
    :data:`MSG_MAX_PEERS` peers, else each of its rows is rejected."""
    force, peer, version = values[schema.FORCE], values[schema.PEER], values[schema.VERSION]
    own = (force == peer).to_numpy() & force.notna().to_numpy()
    checks.reject(own, schema.PEER, np.array([f"{f} is listed as its own peer" for f in force], dtype=object))
    good = checks.good
    group = pd.DataFrame({"f": force, "v": version, "p": peer})[good]
    sizes = np.zeros(len(force), dtype=np.int64)
    sizes[good] = group.groupby(["f", "v"])["p"].transform("nunique").to_numpy()
    checks.reject(sizes > MSG_MAX_PEERS, schema.PEER, np.array(
        [f"{f} has {n} peers in version {v}: a Most Similar Group has at most {MSG_MAX_PEERS}, so the whole group "
         "is rejected" for f, v, n in zip(force, version, sizes, strict=True)], dtype=object))
