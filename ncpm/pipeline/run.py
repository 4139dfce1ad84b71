"""The scheduled run: the configured inputs read once, each force's quarter computed in stages (measures, forecasts,
peers, then statements, figures and report: :mod:`ncpm.pipeline.stages`), every output written atomically into a
new generation folder and published as a whole (:mod:`ncpm.io.publish`), with a manifest, written last, that makes
the next run incremental (:mod:`ncpm.pipeline.manifest`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path

from ncpm import __version__
from ncpm import quarter as q
from ncpm.core.errors import InputError
from ncpm.io import atomic, publish, runstate
from ncpm.pipeline import assemble
from ncpm.pipeline.config import Config, check_scope, load_config
from ncpm.pipeline.manifest import (
    MANIFEST_VERSION,
    Outputs,
    Previous,
    commentary_stat,
    current_reports,
    input_stats,
    up_to_date,
)
from ncpm.pipeline.progress import Progress
from ncpm.pipeline.project import reads_demo
from ncpm.pipeline.records import ForceReport, Ledger, RunContext, RunSummary, Scope
from ncpm.pipeline.stages import ingest_stage, run_force
from ncpm.quarter.engine import EngineOptions, start_engine

log = logging.getLogger("ncpm")


def run(config: Config | None = None, *, full: bool = False, as_of: str | None = None, quarter: str | None = None,
        forces: Iterable[str] | None = None, out: str | Path | None = None, progress=None) -> RunSummary:
    """Ingest the configured inputs, compute every measure, forecast and peer comparison for each force, and write
    tables, figures, statements, the quarterly report and a manifest under the output folder.

    Safe to schedule: one run at a time (a lock; a stale lock from a dead process is cleared), every file written
    atomically, the manifest written last, temporary files left by a killed run removed. A rerun with unchanged
    inputs and configuration does no work and changes no file; a changed input recomputes only the stages that read
    it (measures: volumes, outcomes, survey; forecasts: volumes; peers: volumes, population, MSG); ``full=True``
    recomputes everything. Rejected input rows do not stop the run: it completes with the rows loaded and
    ``exit_code`` is 1, the rejections listed in ``problems``. ``progress``: a text stream (a terminal) for a stage
    counter rewritten in place, or None for one log line per stage.

    >>> summary = run(demo_config(), out="/tmp/ncpm-demo")  # doctest: +SKIP
    >>> summary.exit_code, summary.recomputed[:1]  # doctest: +SKIP
    (0, ['ingest'])
    """
    cfg = config if config is not None else load_config(None)
    out_dir = Path(out) if out is not None else cfg.path(cfg.output.dir)
    scope_forces = tuple(forces) if forces else cfg.scope.forces
    check_scope(as_of or cfg.scope.as_of, quarter or cfg.scope.quarter,  # a ConfigError (exit 2) before anything runs
                as_of_name="--as-of" if as_of else "scope.as_of", quarter_name="--quarter" if quarter else "scope.quarter")
    scope = Scope(scope_forces, as_of or cfg.scope.as_of or None, quarter or cfg.scope.quarter or None)
    summary = RunSummary(exit_code=0, out_dir=out_dir, manifest={})
    base = Path(cfg.base_dir)
    with runstate.RunLock(out_dir) as lock, _Unpublished() as unpublished:
        if lock.cleared_stale:
            log.warning(lock.cleared_stale)
            summary.warnings.append(lock.cleared_stale)
        removed = _remove_temporary_files(out_dir)
        if removed:
            log.warning("removed %d temporary file(s) left by an interrupted run", removed)
        manifest = {} if full else runstate.read_manifest(out_dir)
        # not the project's folder: the report names its input files by name, so a moved project is the same request
        request = runstate.combine(__version__, cfg.as_dict(), scope_forces, scope.as_of, scope.quarter,
                                   commentary_stat(cfg), reads_demo(cfg))
        inputs = [cfg.path(p) for p in cfg.inputs.paths]
        stats = input_stats(inputs)  # taken once: the no-op check and the fingerprints
        if up_to_date(manifest, request, out_dir, stats, base):
            # decided from the manifest alone: no table read, no file hashed, nothing written
            publish.tidy(out_dir, keep=cfg.output.previous_runs)  # shortcuts and pruning a run killed after its switch left
            reports = current_reports(manifest, out_dir)
            summary.nothing_changed = True
            summary.manifest = manifest if reports == manifest.get("reports", {}) else manifest | {"reports": reports}
            summary.reused = list(manifest.get("stages", {}))
            summary.problems = list(manifest.get("problems", []))
            summary.exit_code = 1 if summary.problems else 0
            return summary
        # this run's files go into a new generation folder, published as a whole at the end (ncpm.io.publish);
        # making it finishes what a run killed after its switch left (publish.tidy)
        generation = unpublished.generation = publish.Generation(out_dir, keep=cfg.output.previous_runs)
        previous = Previous(manifest, generation.previous)
        options = q.QuarterOptions.from_config(cfg, source="")  # its checks before anything is read
        policy = assemble.disclosure_policy(cfg)
        missing = [str(p) for p in inputs if not p.exists()]
        if missing:
            raise InputError(f"input not found: {', '.join(missing)}", file=str(missing[0]))
        ledger = Ledger(Outputs(generation.dir, generation), summary, Progress(1 + 4 * len(scope_forces), progress))
        data, ingest_key, inputs_record = ingest_stage(cfg, scope_forces, inputs, stats or runstate.input_stats(inputs),
                                                  previous, ledger, full)
        options = dataclasses.replace(options, source=assemble.run_source_label(cfg, inputs_record["accounting"]))
        context = RunContext(cfg, options, policy, scope, data, previous, ledger)
        ledger.stages["ingest"] = ingest_key
        reports: dict[str, ForceReport] = {}
        with _engine(cfg) as context.engine:
            for force in scope_forces:
                reports[force] = run_force(force, context)
        ledger.bar.close()
        _finish(context, generation, request, inputs_record, reports)
    summary.exit_code = 1 if summary.problems else 0
    return summary



def _finish(c: RunContext, generation, request: str, inputs_record: dict, reports: dict[str, ForceReport]) -> None:
    """The manifest written last and the generation published; or, when every stage's key and file is the
    published run's, the generation discarded and at most the published manifest's sizes and times updated."""
    cfg, previous, ledger, summary = c.cfg, c.previous, c.ledger, c.ledger.summary
    outputs = ledger.outputs
    msg_versions = {force: r.msg_version for force, r in reports.items() if r.msg_version}
    methods = c.options.describe()
    if msg_versions:
        methods["MSG version"] = ", ".join(sorted(set(msg_versions.values())))
    manifest = {
        "manifest_version": MANIFEST_VERSION, "ncpm_version": __version__, "config": cfg.as_dict(),
        "inputs": inputs_record, "sources": c.data.sources, "msg_version": msg_versions,
        "methods": methods, "disclosure": dataclasses.asdict(c.policy), "stages": ledger.stages,
        "outputs": dict(sorted(outputs.files.items())),
        "reports": {f: [str(generation.user_path(p)) for p in r.files] for f, r in reports.items()},
        "not_in_report": {f: r.omitted for f, r in reports.items()},  # what the report does not give and why
        "problems": summary.problems, "warnings": summary.warnings,
        "results": {f: r.results for f, r in reports.items()},  # the month, quarter, options, notes (ncpm.load_run)
        "provenance": {f: r.provenance for f, r in reports.items()},  # the report's generation date, version, hash
        "request": request,  # the configuration, scope and ncpm version: with the stats, the no-op check
    }
    prev_dir = previous.dir
    unchanged = (previous.manifest and previous.stages == ledger.stages and previous.outputs == manifest["outputs"]
                 and "results" in previous.manifest  # (ncpm.load_run reads it: a manifest without it is written anew)
                 and (prev_dir / runstate.MANIFEST_NAME).exists()
                 # a stage rebuilt a missing or altered file: publish the repair
                 and (not summary.recomputed or previous.intact("", files=manifest["outputs"])))
    if unchanged:
        generation.discard()  # nothing to publish: the published run stays, not one file rewritten
        summary.nothing_changed = True
        summary.manifest = previous.manifest
        input_stat = inputs_record["stats"]
        stats = {"request": request, "output_stats": runstate.output_stats(prev_dir, previous.outputs)}
        if (any(previous.get(k) != v for k, v in stats.items())
                or previous.manifest["inputs"].get("stats") != input_stat):
            # the same content (touched files, another spelling of the configuration): only the sizes and
            # times the next no-op check compares are brought up to date, in the published manifest
            updated = previous.manifest | stats | {"inputs": previous.manifest["inputs"] | {"stats": input_stat}}
            atomic.atomic_write_bytes(prev_dir / runstate.MANIFEST_NAME,
                                     (json.dumps(updated, indent=2, default=str) + "\n").encode())
            summary.manifest = updated
        return
    manifest["timings_seconds"] = {k: round(v, 3) for k, v in ledger.timings.items()}
    manifest["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")  # local time, as "up to date" says it
    manifest["output_stats"] = runstate.output_stats(generation.dir, manifest["outputs"])
    atomic.atomic_write_bytes(generation.dir / runstate.MANIFEST_NAME,
                             (json.dumps(manifest, indent=2, default=str) + "\n").encode())
    publish.kill_point("publish:manifest")  # test hook: the new run complete, not yet published
    generation.publish()  # the one switch: readers now see this run, all of it
    summary.manifest = manifest



def _remove_temporary_files(out_dir: Path) -> int:
    """Delete the temporary files a killed run left behind (``.<name>.<random>.tmp``, see ``atomic_write``).

    Called with the lock held, so no other run is writing them.
    """
    removed = 0
    for tmp in out_dir.rglob(".*.tmp"):
        if tmp.is_file() or tmp.is_symlink():  # a symbolic link: a pointer or shortcut a kill left half made
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


class _Unpublished:
    """Removes the run's unpublished generation folder when the run stops with an error (a kill leaves it to the
    next run, which removes it)."""

    generation = None

    def __enter__(self) -> _Unpublished:
        return self

    def __exit__(self, exc_type, *exc: object) -> None:
        if exc_type is not None and self.generation is not None and self.generation.dir.exists():
            self.generation.discard()



def _engine(cfg: Config):
    """Where per-series work runs (config ``[engine]``): this process, local processes or a Dask cluster."""
    if cfg.engine.kind == "single":
        return contextlib.nullcontext(None)
    return start_engine(EngineOptions(cfg.engine.kind, cfg.engine.workers or None, cfg.engine.address or None))
