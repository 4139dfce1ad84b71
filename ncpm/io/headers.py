"""Headers: finding the header row of a table and matching its cells to the column names a reader wants, tolerant
of case, spacing, line breaks, underscores and "[note N]" suffixes; a missing column is named with the closest cell.

>>> header_key("Financial_Year ")
'financialyear'
>>> clean_label("Total recorded crime\\n (excluding fraud) \\n[note 2]")
'Total recorded crime (excluding fraud)'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from ncpm.core.errors import InputError
from ncpm.io.grids import Grid
from ncpm.io.limits import HEADER_SCAN_ROWS

_NOTE = re.compile(r"\s*\[\s*note[^\]]*\]", re.I)
_SPACE = re.compile(r"\s+")


def clean_label(text: object) -> str:
    """A header or name cell without "[note N]" suffixes, line breaks or repeated spaces."""
    return _SPACE.sub(" ", _NOTE.sub("", str(text))).strip()


def header_key(text: object) -> str:
    """The key two header cells are compared on: case, spaces and underscores ignored."""
    return re.sub(r"[\s_]+", "", clean_label(text).lower())


def slug(text: str) -> str:
    """ "Anti-social behaviour" -> "anti_social_behaviour"."""
    return re.sub(r"[^a-z0-9]+", "_", clean_label(text).lower()).strip("_")


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
