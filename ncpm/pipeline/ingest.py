"""Reading the inputs: files, folders and archives of any supported format into the canonical frames by kind, every
row accounted for, validated once here at the edge (``ncpm.core.schema.validate``: a key loaded from two files is
an error naming both).

:func:`load` is the public call for notebooks and scripts; :func:`ingest` also writes the canonical parquet store
(``ncpm ingest``). The readers are :func:`ncpm.io.detect.read_any`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ncpm.core import schema
from ncpm.io import LoadResult
from ncpm.io.detect import read_any
from ncpm.io.policeuk import FILE_NAME
from ncpm.io.runstate import is_data_file
from ncpm.io.store import concat_sources, write_store

log = logging.getLogger("ncpm")

LISTED = 100  # rejected and skipped rows (and notes) kept per file in the accounting records


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` read: ``frames``, the canonical frame of each kind (volumes, outcomes, survey, population,
    msg, ...), validated; ``results``, one :class:`ncpm.io.LoadResult` per file (or sheet) read, with its row
    accounting (rows in, loaded, rejected with file, row and column, skipped by design)."""

    frames: dict[str, pd.DataFrame]
    results: tuple[LoadResult, ...]

    @property
    def kinds(self) -> list[str]:
        return sorted(self.frames)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected as input problems (rows skipped by design, such as ONS region totals, not counted)."""
        return sum(len(r.problems) for r in self.results)

    def accounting(self) -> list[dict]:
        """One record per file read, as the run's manifest keeps it: file, format, kind, rows in, loaded, rejected,
        skipped and summed, the first notes, rejections and rows skipped by design."""
        return [{"file": r.file, "format": r.format, "kind": r.kind, "rows_in": r.rows_in,
                 "loaded": r.rows_loaded, "rejected": len(r.problems),
                 "skipped": r.rows_skipped, "summed": r.summed, "notes": r.notes[:LISTED],
                 "rejections": [str(x) for x in r.problems[:LISTED]],
                 "skipped_rows": [str(x) for x in r.rejected if x.expected][:LISTED]} for r in self.results]


@dataclass
class IngestReport:
    """What ``ingest`` did: one LoadResult per file read, and the store files written (kind -> path)."""

    results: list[LoadResult] = field(default_factory=list)
    written: dict[str, Path] = field(default_factory=dict)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected as input problems (rows skipped by design, such as ONS region totals, not counted)."""
        return sum(len(r.problems) for r in self.results)


def load(paths: str | Path | Iterable[str | Path], *, lsoa: bool = False, encoding: str | None = None,
         last_outcomes: bool = False, progress: bool = False) -> Loaded:
    """Read files, folders or archives (police.uk, Home Office, ONS tables, force extracts: the format of each is
    detected) into the canonical frames by kind, validated once, with the row accounting of every file.

    A file that cannot be read at all (a missing column, an unreadable month) is an :class:`ncpm.InputError` naming
    the file, row and column; rows rejected one by one do not stop the load, they are in each result's
    ``problems``. ``lsoa``: police.uk records counted by LSOA code; ``last_outcomes``: police.uk street files' last
    outcomes read as outcomes; ``encoding``: of text files (default UTF-8).

    Example, in a notebook::

        inputs = ncpm.load(["data/raw/2023-06-warwickshire-street.csv", "data/raw/population.xlsx"])
        inputs.kinds                       # ['population', 'volumes']
        inputs.rows_rejected               # 0
        res = ncpm.compute_quarter(inputs.frames, "Warwickshire", quarter="Q1 2023/24")
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    results = read_inputs(paths, progress=progress, lsoa=lsoa, encoding=encoding, last_outcomes=last_outcomes)
    return Loaded(frames=validated_frames(results), results=tuple(results))


def validated_frames(results: Iterable[LoadResult]) -> dict[str, pd.DataFrame]:
    """The frames of each kind from every file, concatenated (:func:`ncpm.io.store.concat_sources`) and validated
    once, naming the files of the kind in an error; a kind whose files hold no row is its empty canonical frame."""
    grouped: dict[str, list[LoadResult]] = {}
    for r in results:
        grouped.setdefault(r.kind, []).append(r)
    out = {}
    for kind, mine in grouped.items():
        spec = schema.SPECS[kind]
        parts = [r.frame for r in mine if len(r.frame)]
        source = ", ".join(dict.fromkeys(r.file for r in mine))
        out[kind] = schema.validate(concat_sources(kind, parts), spec, source=source) if parts else schema.empty(spec)
    return out


def frames_by_kind(results: Iterable[LoadResult]) -> dict[str, pd.DataFrame]:
    """The loaded frames, concatenated per kind (volumes, outcomes, survey, population, msg, ...), as read (not
    validated again: :func:`validated_frames` is the check)."""
    grouped: dict[str, list[pd.DataFrame]] = {}
    for r in results:
        grouped.setdefault(r.kind, []).append(r.frame)
    return {kind: concat_sources(kind, parts) for kind, parts in grouped.items()}


def read_inputs(paths: Iterable[str | Path], *, progress: bool = False, lsoa: bool = False,
                encoding: str | None = None, last_outcomes: bool = False) -> list[LoadResult]:
    """Read every path (file, folder or archive) with the reader its format needs; ``lsoa``: police.uk records
    by LSOA, ``last_outcomes``: police.uk street files' last outcomes as outcomes (see
    :func:`ncpm.io.policeuk.read_police_uk`); ``encoding``: of text files (``[inputs] encoding``)."""
    results: list[LoadResult] = []
    for path in paths:
        path = Path(path)
        if path.is_dir() and not _is_police_uk_folder(path):
            files = sorted(p for p in path.iterdir() if p.is_file() and is_data_file(p.name))
        else:
            files = [path]
        for file in files:
            results.extend(read_any(file, progress=progress, lsoa=lsoa, encoding=encoding,
                                    last_outcomes=last_outcomes))
    return results


def _is_police_uk_folder(path: Path) -> bool:
    """The rule of ``detect_format`` and the police.uk reader: a file named like YYYY-MM-<force>-street.csv."""
    return any(FILE_NAME.match(p.name) for p in path.rglob("*.csv"))


def ingest(paths: Iterable[str | Path], out_dir: str | Path, *, progress: bool = False, lsoa: bool = False,
           encoding: str | None = None) -> IngestReport:
    """Read ``paths`` and write the canonical parquet store under ``out_dir`` (each file atomically); ``lsoa``:
    police.uk records counted by LSOA code, for LSOA-level work (``ncpm.quarter.engine.map_series``);
    ``encoding``: of text files. The frames are written as :func:`load` validated them, not validated again."""
    loaded = load(paths, progress=progress, lsoa=lsoa, encoding=encoding)
    written = write_store(loaded.frames, Path(out_dir), checked=True)
    for kind, path in written.items():
        log.info("wrote %s (%s)", path, kind)
    return IngestReport(results=list(loaded.results), written=written)
