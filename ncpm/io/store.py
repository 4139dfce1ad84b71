"""The canonical parquet store: one file per kind (volumes.parquet, outcomes.parquet, ...), each written atomically.

Writing goes to a temporary file in the same folder, is flushed to disk (fsync) and then renamed over the old file
(``os.replace``), so a crash or an error part-way leaves the previous file intact, never half a file.

Months are stored as "YYYY-MM" text, not as pandas' Period extension type: the text is readable by any parquet
reader (R arrow, DuckDB, Power BI), while the extension type round-trips only through pandas. :func:`read_store`
turns them back into ``Period[M]``.

>>> written = write_store(results, "data/processed")  # doctest: +SKIP
>>> read_store("data/processed", "volumes").dtypes["month"]  # doctest: +SKIP
period[M]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.io import LoadResult
from ncpm.io.atomic import atomic_write


def _frames_by_kind(items: Iterable[LoadResult] | Mapping[str, pd.DataFrame]) -> dict[str, list[tuple[str,
                                                                                                  pd.DataFrame]]]:
    pairs: Iterable[tuple[str, str, pd.DataFrame]]
    if isinstance(items, Mapping):
        pairs = ((kind, kind, frame) for kind, frame in items.items())
    else:
        pairs = []
        for item in items:
            if isinstance(item, LoadResult):
                pairs.append((item.kind, item.file, item.frame))
            else:
                kind, frame = item
                pairs.append((kind, kind, frame))
    out: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for kind, source, frame in pairs:
        if kind not in schema.SPECS:
            raise InputError(f"unknown kind {kind!r}; known: {', '.join(schema.SPECS)}", file=source)
        out.setdefault(kind, []).append((source, frame))
    return out


#: kinds of reference data that publishers repeat from edition to edition: a row repeated exactly is one fact
REPEATED_FACTS = ("population",)


def concat_sources(kind: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of one kind from several files as one frame.

    The same reference fact is often published twice: consecutive ONS workbook editions carry the same mid-year
    population (the June and December 2019 editions both give mid-2018). For the kinds in :data:`REPEATED_FACTS`
    a row repeated exactly in a later file is kept once; a key whose values differ between files is still an error
    (``schema.validate``). Counts (volumes, outcomes, ...) repeated across files stay an error: the same file given
    twice would otherwise double nothing silently, and two sources of one count should be chosen between.

    >>> a = pd.DataFrame({"force": ["Kent"], "year": [2018], "population": [1_846_500]})
    >>> len(concat_sources("population", [a, a.copy()])), len(concat_sources("msg", [a, a.copy()]))
    (1, 2)
    """
    frame = pd.concat(frames, ignore_index=True)
    if kind in REPEATED_FACTS and len(frames) > 1:
        frame = frame[~frame.duplicated(keep="first")].reset_index(drop=True)
    return frame


def write_store(results_or_frames: Iterable[LoadResult] | Iterable[tuple[str, pd.DataFrame]]
                | Mapping[str, pd.DataFrame], out_dir: str | Path, *, checked: bool = False) -> dict[str, Path]:
    """Concatenate the frames of each kind, validate them (``schema.validate``: a key loaded from two files is an
    error naming the files), and write ``<kind>.parquet`` under ``out_dir`` atomically. Returns kind -> path.

    ``checked``: every frame given is validated already (``ncpm.pipeline.ingest.validated_frames``): a kind given
    as one frame is written as it is, not validated again (the frames of a kind from several sources are still
    concatenated and validated together).
    """
    out_dir = Path(out_dir)
    written: dict[str, Path] = {}
    for kind, parts in _frames_by_kind(results_or_frames).items():
        spec = schema.SPECS[kind]
        sources = ", ".join(dict.fromkeys(s for s, _ in parts))
        frames = [f.copy() if checked else schema.validate(f, spec, source=s) for s, f in parts if len(f)]
        if len(frames) > 1:  # a key in two files with other values is an error naming them; one frame is validated
            frame = schema.validate(concat_sources(kind, frames), spec, source=sources)
        else:
            frame = frames[0] if frames else schema.empty(spec)
        for column in spec.months:
            frame[column] = frame[column].astype(str)
        written[kind] = atomic_write(out_dir / f"{kind}.parquet",
                                     lambda tmp, frame=frame: frame.to_parquet(tmp, index=False))
    return written


def read_store(out_dir: str | Path, kind: str) -> pd.DataFrame:
    """The canonical frame of ``kind`` from the store, months restored to ``Period[M]`` and validated."""
    if kind not in schema.SPECS:
        raise InputError(f"unknown kind {kind!r}; known: {', '.join(schema.SPECS)}")
    path = Path(out_dir) / f"{kind}.parquet"
    if not path.is_file():
        raise InputError(f"no {kind} in the store (run ncpm ingest first)", file=str(path))
    frame = pd.read_parquet(path)
    spec = schema.SPECS[kind]
    if not len(frame):
        return schema.empty(spec)
    return schema.validate(frame, spec, source=str(path))


PERIOD_COLUMNS = (schema.MONTH, schema.ORIGIN, schema.END, schema.EARLIER, schema.WINDOW_END, schema.PERIOD_START,
                  schema.PERIOD_END)


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a result table to parquet atomically, Period columns as "YYYY-MM" text (see the module docstring)."""
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.PeriodDtype):
            out[c] = out[c].astype(str).where(out[c].notna(), None)
    return atomic_write(path, lambda tmp: out.to_parquet(tmp, index=False))


def read_table(path: str | Path) -> pd.DataFrame:
    """A result table written by :func:`write_table`, its month-like columns back as ``Period[M]``."""
    frame = pd.read_parquet(path)
    for c in PERIOD_COLUMNS:
        if c in frame.columns and not isinstance(frame[c].dtype, pd.PeriodDtype):
            frame[c] = pd.PeriodIndex(frame[c], freq="M")
    return frame
