"""The run's records: what :func:`ncpm.pipeline.run.run` returns (:class:`RunSummary`), what it reports
(:class:`Scope`), the inputs every force's stages read (:class:`RunData`), what it has done so far
(:class:`Ledger`), what a force's stages need (:class:`RunContext`) and one force's outcome for the manifest
(:class:`ForceReport`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ncpm import quarter as q
from ncpm.pipeline.config import Config
from ncpm.pipeline.manifest import Outputs, Previous
from ncpm.pipeline.progress import Progress
from ncpm.quarter.engine import Engine


@dataclass
class RunSummary:
    """What ``run`` did: the exit code, the output folder, the manifest and what was skipped."""

    exit_code: int
    out_dir: Path
    manifest: dict
    recomputed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    nothing_changed: bool = False

    def up_to_date_message(self) -> str:
        """What a rerun with nothing to do says: ``ncpm: up to date (nothing changed since the run of 2026-12-01
        10:12; outputs in data/processed)``."""
        when = str(self.manifest.get("finished", ""))[:16]
        since = f"the run of {when}" if when else "the last run"
        return f"ncpm: up to date (nothing changed since {since}; outputs in {self.out_dir})"


@dataclass(frozen=True)
class Scope:
    """What the run reports: the forces, and the month or quarter asked for (None: the latest in the data)."""

    forces: tuple[str, ...]
    as_of: str | None
    quarter: str | None


@dataclass
class RunData:
    """The run's inputs as every force's stages read them: the canonical frames (areas mapped), the "Data sources"
    entries, the store's file hash per kind (the stages' keys) and whether the areas are police.uk districts."""

    frames: dict[str, pd.DataFrame]
    sources: dict[str, dict]
    digests: dict[str, str]
    districts: bool


@dataclass
class Ledger:
    """What the run has done so far: the files written or kept, the stage keys, timings, the summary and the
    progress counter."""

    outputs: Outputs
    summary: RunSummary
    bar: Progress
    stages: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class RunContext:
    """What a force's stages need: the configuration and options, the data, the published run and the ledger."""

    cfg: Config
    options: q.QuarterOptions
    policy: object
    scope: Scope
    data: RunData
    previous: Previous
    ledger: Ledger
    engine: Engine | None = None  # a running ncpm.quarter.engine.Engine, or None for this process


@dataclass
class ForceReport:
    """One force's outcome, for the manifest: its report files, the MSG version used, the report's "Not in this
    report" records, the month, quarter, options and notes (``ncpm.load_run``) and the report's provenance."""

    files: list[Path]
    msg_version: str | None
    omitted: list[dict]
    results: dict
    provenance: dict
