"""The pipeline's export step: one result table of a finished run, found through its manifest, to CSV or XLSX for
publication, with disclosure control on counts below force level. :mod:`ncpm.io.export` writes the file."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.core.forces import canonical_force
from ncpm.io.export import export_table
from ncpm.io.runstate import published_dir, read_manifest
from ncpm.io.store import read_table
from ncpm.pipeline.assemble import disclosure_policy
from ncpm.pipeline.layout import slug


@dataclass
class ExportResult:
    """What :func:`export_result` wrote: the export (path, rows, protected table) and notes for the user."""

    export: object
    table: str
    source: Path
    notes: list[str] = field(default_factory=list)

    @property
    def disclosure(self) -> list[str]:
        protected = getattr(self.export, "protected", None)
        return protected.summary() if protected is not None else []


def run_tables(run_dir: str | Path, force: str | None = None) -> dict[str, Path]:
    """The result tables of a finished run in ``run_dir`` (from its manifest): table name -> parquet file.

    ``force``: whose tables (default: the only force in the run). Raises ConfigError when there is no finished run
    or the force is ambiguous or absent.
    """
    run_dir = Path(run_dir)
    published = published_dir(run_dir)  # the published run (ncpm.io.publish): its manifest and files, resolved once
    manifest = read_manifest(published)
    if not manifest.get("outputs"):
        raise ConfigError(f"no finished run in {run_dir} (no readable manifest.json): run  ncpm run --out {run_dir}")
    forces = list(manifest.get("reports", {}))
    if force is None:
        if len(forces) != 1:
            raise ConfigError(f"the run in {run_dir} has {len(forces)} forces ({', '.join(forces)}): choose one "
                              "with --force")
        chosen = forces[0]
    else:
        chosen = canonical_force(force)
        if chosen not in forces:
            raise ConfigError(f"the run in {run_dir} has no results for {chosen} (it has: {', '.join(forces)})")
    prefix = slug(chosen) + "/"
    return {Path(rel).stem: published / rel for rel in manifest["outputs"]
            if rel.startswith(prefix) and rel.endswith(".parquet")}


def export_result(table: str, out: str | Path, *, run_dir: str | Path, force: str | None = None,
                  threshold: int | None = None, method: str | None = None, config=None) -> ExportResult:
    """Export one result table of a finished run to CSV or XLSX (by the file's suffix) for publication.

    Disclosure control (:mod:`ncpm.methods.disclosure`) is applied to tables with counts by area: sub-force (LPA) counts
    below ``threshold`` are suppressed (or, with ``method="round"``, rounded), other numbers on those rows blanked.
    Sub-force rows of a table with numbers but no ``count`` column (rates, shares) cannot be protected cell by cell
    and are left out, with a note. Text cells that a spreadsheet would run as formulas are neutralised
    (:func:`ncpm.io.export.export_table`), and the file is written atomically.

    >>> r = export_result("baseline", "baseline.csv", run_dir="data/processed")  # doctest: +SKIP
    >>> r.disclosure[0]  # doctest: +SKIP
    '12 cells with a count below 5 at LPA level were suppressed.'
    """
    available = run_tables(run_dir, force)
    if table not in available:
        raise ConfigError(f"no table {table!r} in the run in {run_dir}; available: {', '.join(sorted(available))}")
    policy = disclosure_policy(config)
    changes = {k: v for k, v in (("threshold", threshold), ("method", method)) if v is not None}
    if changes.get("method") == "round" and threshold is not None:
        changes["base"] = threshold
    policy = dataclasses.replace(policy, **changes)
    frame = read_table(available[table])
    notes: list[str] = []
    apply_policy = None
    if schema.AREA in frame.columns:
        sub_force = frame[schema.AREA].astype(str) != schema.WHOLE_FORCE
        numeric = [col for col in frame.columns if pd.api.types.is_numeric_dtype(frame[col])
                   and not pd.api.types.is_bool_dtype(frame[col])]
        if schema.COUNT in frame.columns and sub_force.any():
            apply_policy = policy
        elif numeric and sub_force.any():
            frame = frame[~sub_force].reset_index(drop=True)
            notes.append(f"{int(sub_force.sum()):,} sub-force row(s) left out: the table has no count column, so "
                         "disclosure control cannot be applied to them cell by cell")
    exported = export_table(frame, out, policy=apply_policy, sheet=table[:31])
    return ExportResult(export=exported, table=table, source=available[table], notes=notes)
