"""The only place that joins file input/output with computation: load, compute, write atomically.

``ingest`` reads raw files of any supported format into the canonical parquet store and accounts for every row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ncpm.io import LoadResult

log = logging.getLogger("ncpm")

DEMO_DIR_NAME = Path("data") / "raw" / "demo"


@dataclass
class IngestReport:
    """What ``ingest`` did: one LoadResult per file read, and the store files written (kind -> path)."""

    results: list[LoadResult] = field(default_factory=list)
    written: dict[str, Path] = field(default_factory=dict)

    @property
    def rows_rejected(self) -> int:
        return sum(r.rows_rejected for r in self.results)


def project_root() -> Path:
    """The folder holding ``data/`` (the working directory when it has one, else the source checkout)."""
    cwd = Path.cwd()
    if (cwd / DEMO_DIR_NAME).is_dir():
        return cwd
    return Path(__file__).resolve().parents[1]


def demo_dir() -> Path:
    """Where the embedded synthetic demo dataset lives."""
    return project_root() / DEMO_DIR_NAME


def frames_by_kind(results: Iterable[LoadResult]) -> dict[str, pd.DataFrame]:
    """The loaded frames, concatenated per kind (volumes, outcomes, survey, population, msg, ...)."""
    grouped: dict[str, list[pd.DataFrame]] = {}
    for r in results:
        grouped.setdefault(r.kind, []).append(r.frame)
    return {kind: pd.concat(parts, ignore_index=True) for kind, parts in grouped.items()}


def load_demo() -> dict[str, pd.DataFrame]:
    """The embedded synthetic demo dataset as canonical frames keyed by kind.

    >>> sorted(load_demo())
    ['msg', 'outcomes', 'population', 'survey', 'volumes']
    """
    return frames_by_kind(read_inputs([demo_dir()]))


def read_inputs(paths: Iterable[str | Path], *, progress: bool = False) -> list[LoadResult]:
    """Read every path (file, folder or archive) with the reader its format needs."""
    from ncpm.io.detect import read_any

    results: list[LoadResult] = []
    for path in paths:
        path = Path(path)
        if path.is_dir() and not _is_police_uk_folder(path):
            for child in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "README"))):
                results.extend(read_any(child, progress=progress))
        else:
            results.extend(read_any(path, progress=progress))
    return results


def _is_police_uk_folder(path: Path) -> bool:
    return any(path.rglob("*-street.csv")) or any(path.rglob("*-outcomes.csv"))


def ingest(paths: Iterable[str | Path], out_dir: str | Path, *, progress: bool = False) -> IngestReport:
    """Read ``paths`` and write the canonical parquet store under ``out_dir`` (each file atomically)."""
    from ncpm.io.store import write_store

    results = read_inputs(paths, progress=progress)
    written = write_store(results, Path(out_dir))
    for kind, path in written.items():
        log.info("wrote %s (%s)", path, kind)
    return IngestReport(results=results, written=written)
