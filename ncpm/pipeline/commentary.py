"""The OPCC commentary template for a force's quarter (``ncpm commentary``): the quarter's statements quoted under
their headings (:func:`ncpm.words.commentary.template`), from the finished run that reported them, running first
when there is none."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import pandas as pd

from ncpm.core.errors import ConfigError
from ncpm.core.forces import canonical_force
from ncpm.core.periods import parse_quarter
from ncpm.io.runstate import published_dir, read_manifest
from ncpm.pipeline.config import Config
from ncpm.pipeline.layout import slug
from ncpm.pipeline.run import run
from ncpm.words.commentary import template

log = logging.getLogger("ncpm")


def commentary_template(cfg: Config, *, quarter: str, force: str | None = None,
                        run_dir: str | Path | None = None) -> str:
    """The OPCC commentary template for ``force`` and ``quarter`` (:func:`ncpm.words.commentary.template`): the quarter's
    statements quoted under their headings. They are the finished run's in ``run_dir`` (default ``output.dir``)
    when it reported this force and quarter, else this function runs first (``run``, incremental) and takes them
    from the run it made."""
    forces = [force] if force else list(cfg.scope.forces)
    if len(forces) != 1:
        raise ConfigError(f"{cfg.source}: scope.forces lists {len(forces)} forces: choose one with --force")
    chosen = canonical_force(forces[0])
    wanted = str(parse_quarter(quarter))
    run_dir = Path(run_dir) if run_dir is not None else cfg.path(cfg.output.dir)
    found = _published_statements(run_dir, chosen, wanted)
    if found is None:
        log.info("no run for %s, %s in %s: running first", chosen, wanted, run_dir)
        bare = dataclasses.replace(cfg, report=dataclasses.replace(cfg.report, commentary=""))
        run(bare, quarter=wanted, forces=[chosen], out=run_dir)
        found = _published_statements(run_dir, chosen, wanted)
        if found is None:
            raise ConfigError(f"the run in {run_dir} did not report {chosen} for {wanted}")
    entry, records = found
    as_of = pd.Period(entry["month"], freq="M").strftime("%B %Y")
    return template(chosen, wanted, as_of, [(r["measure"], r["text"]) for r in records])


def _published_statements(run_dir: Path, force: str, quarter: str) -> tuple[dict, list[dict]] | None:
    """The manifest's entry for ``force`` and its statements, from the published run (never through the shortcuts),
    when that run reported ``quarter``; else None."""
    published = published_dir(run_dir)
    manifest = read_manifest(published)
    entry = manifest.get("results", {}).get(force, {})
    if entry.get("quarter") != quarter or f"{slug(force)}/statements.json" not in manifest.get("outputs", {}):
        return None
    return entry, json.loads((published / slug(force) / "statements.json").read_text(encoding="utf-8"))
