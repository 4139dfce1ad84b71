"""The scheduled run: the configured inputs read once, each force's quarter computed in stages (measures, forecasts,
peers, then statements, figures and report), every output written atomically into a new generation folder and
published as a whole (:mod:`ncpm.io.publish`), with a manifest that makes the next run incremental.

Each stage has a key: a hash of what it reads (the store's file hashes, the options, the scope). A stage whose key
and files are those of the published run is reused (its files hard-linked); a run whose request and input and
output sizes and times are unchanged is decided from the manifest alone, without reading a table or hashing a file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import difflib
import json
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ncpm import __version__
from ncpm import quarter as q
from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.forces import canonical_force
from ncpm.io import atomic, publish, runstate, store
from ncpm.methods.series import map_areas
from ncpm.pipeline import assemble
from ncpm.pipeline.config import Config, check_areas, check_scope, load_config
from ncpm.pipeline.ingest import Loaded, load
from ncpm.pipeline.layout import RUN_VOLUMES, STORE, report_name, slug
from ncpm.pipeline.project import reads_demo
from ncpm.quarter.engine import Engine, EngineOptions, canonical_order, series_chunks, start_engine
from ncpm.words import report, report_docx
from ncpm.words import statements as narrative

log = logging.getLogger("ncpm")

MANIFEST_VERSION = 2
KINDS = ("volumes", "outcomes", "survey", "population", "msg", "period_counts", "quarterly")
BAR_WIDTH = 20  # characters of the per-series bar within a stage
LISTED_PROBLEMS = 20  # rejected rows listed per file in the run's problems; the rest are counted


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


class Progress:
    """A stage counter: ``[3/5] Warwickshire: forecasts (computing)``, rewritten in place on a terminal, one log line
    per stage otherwise (so a scheduler's log stays readable)."""

    def __init__(self, total: int, stream=None) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.label = ""

    def step(self, label: str) -> None:
        publish.kill_point(f"step:{self.done + 1}")  # test hook: every stage before this one is complete
        self.done += 1
        self.label = label
        if self.stream is not None:
            self.stream.write(f"\r\033[K[{self.done}/{self.total}] {label}")
            self.stream.flush()
        else:
            log.info("[%d/%d] %s", self.done, self.total, label)

    def items(self, done: int, total: int, noun: str = "series") -> None:
        """Within the current stage, on a terminal only: ``[3/5] Warwickshire: forecasts (computing) [#####.....]
        37/120 series``; a log gets its one line per stage."""
        if self.stream is None or total <= 0:
            return
        filled = round(BAR_WIDTH * done / total)
        self.stream.write(f"\r\033[K[{self.done}/{self.total}] {self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}]"
                          f" {done}/{total} {noun}")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.done:
            self.stream.write("\n")
            self.stream.flush()


class Outputs:
    """Files written by a run into its generation folder (``ncpm.io.publish``): each atomically, each hashed once for
    the manifest; a file kept from the previous run is carried over (hard link or copy) by ``generation``."""

    def __init__(self, out_dir: Path, generation=None) -> None:
        self.out_dir = out_dir
        self.generation = generation
        self.files: dict[str, str] = {}

    def record(self, path: Path, digest: str | None = None) -> None:
        """``path`` written, with its hash (``digest`` when the caller has just taken it)."""
        self.files[Path(path).relative_to(self.out_dir).as_posix()] = digest or runstate.sha256_file(path)
        publish.kill_point(f"outputs:{len(self.files)}")  # test hook: after the n-th file written

    def table(self, frame: pd.DataFrame, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        store.write_table(frame, path)
        self.record(path)

    def data(self, data: bytes, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.atomic_write_bytes(path, data)
        self.record(path)

    def keep(self, relative: str, digest: str) -> None:
        if self.generation is not None:
            self.generation.reuse(relative)
        self.files[relative] = digest


class Previous:
    """The published run as its manifest records it (empty for a first or ``full`` run), and whether its files are
    still those the manifest hashed: each file is hashed at most once per run, however many checks ask."""

    def __init__(self, manifest: dict, folder: Path | None) -> None:
        self.manifest, self.dir = manifest, folder
        self.stages: dict = manifest.get("stages", {})
        self.outputs: dict[str, str] = manifest.get("outputs", {})
        self._checked: dict[str, bool] = {}

    def get(self, key: str, default=None):
        return self.manifest.get(key, default)

    def intact(self, prefix: str, exclude: str | None = None, files: dict[str, str] | None = None) -> bool:
        """Every file under ``prefix`` (less those under ``exclude``) of ``files`` (default: the published run's)
        still has the hash given; False when there is none."""
        files = self.outputs if files is None else files
        chosen = {k: v for k, v in files.items() if k.startswith(prefix) and not (exclude and k.startswith(exclude))}
        return bool(chosen) and self.dir is not None and all(self._same(k, v) for k, v in chosen.items())

    def _same(self, relative: str, digest: str) -> bool:
        key = f"{relative}\0{digest}"
        if key not in self._checked:
            try:
                self._checked[key] = runstate.sha256_file(self.dir / relative) == digest
            except OSError:
                self._checked[key] = False
        return self._checked[key]


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
class _RunContext:
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


def _input_stats(inputs: list[Path]) -> dict[str, list[int]] | None:
    """The inputs' ``[size, mtime_ns]`` by file, taken once per run (None when an input is missing)."""
    if not all(p.exists() for p in inputs):
        return None
    try:
        return runstate.input_stats(inputs)
    except OSError:
        return None


def _up_to_date(previous: dict, request: str, out_dir: Path, stats: dict | None, base: Path) -> bool:
    """Whether the published run is up to date, decided from its manifest without reading a table or hashing a
    file: the same request (configuration, scope, ncpm version), every input with the size and modification time
    recorded, and every output too. Anything else goes through the stage checks (which hash what changed)."""
    if not previous or previous.get("request") != request or stats is None:
        return False
    return runstate.relative_keys(stats, base) == previous.get("inputs", {}).get("stats") and runstate.outputs_unchanged(
        runstate.published_dir(out_dir), previous.get("output_stats", {}))


def _fingerprints(inputs: list[Path], stats: dict[str, list[int]], base: Path,
                  previous: dict) -> tuple[dict[str, str], dict[str, list[int]]]:
    """The inputs' content hashes and ``[size, mtime_ns]``, keyed as the manifest keys them (relative to the
    configuration's folder); a file with the size and time the previous manifest recorded keeps its hash unread."""
    names = runstate.relative_keys({name: name for name in stats}, base)  # manifest key -> file
    before = previous.get("inputs", {})
    old_stats, old_hashes = before.get("stats", {}), before.get("fingerprints", {})
    known = {name: (old_stats[key], old_hashes[key]) for key, name in names.items()
             if key in old_stats and key in old_hashes}
    hashes = runstate.fingerprint_inputs(inputs, known, stats)
    return runstate.relative_keys(hashes, base), runstate.relative_keys(stats, base)


def _update_store(frames: dict[str, pd.DataFrame], folder: Path, previous: Path | None) -> dict[Path, str]:
    """Write the canonical store into the new generation's ``store`` (each file atomically, fsynced), returning each
    file's hash; a kind whose content equals the previous run's file (in ``previous``) is that file, hard-linked (so
    that a changed survey file leaves ``volumes.parquet`` untouched: same file, same time)."""
    written = {}
    for kind, path in store.write_store(frames, folder, checked=True).items():  # validated by ingest
        digest = runstate.sha256_file(path)
        old = previous / f"{kind}.parquet" if previous is not None else None
        if old is not None and old.is_file() and not old.is_symlink() and runstate.sha256_file(old) == digest:
            tmp = path.with_name(f".{path.name}.link.tmp")
            tmp.unlink(missing_ok=True)
            try:
                os.link(old, tmp)
                os.replace(tmp, path)
            except OSError:
                tmp.unlink(missing_ok=True)
        written[path] = digest
    return written


def _commentary_stat(cfg: Config) -> list[int] | None:
    """The commentary file's size and modification time, for the no-op check (an edited commentary is new work)."""
    path = cfg.path(cfg.report.commentary) if cfg.report.commentary else None
    try:
        return [path.stat().st_size, path.stat().st_mtime_ns] if path is not None else None
    except OSError:
        return None


def _commentary_digest(cfg: Config) -> str:
    """The commentary file's hash, so that editing it renders the report again ("" when none or missing)."""
    path = cfg.path(cfg.report.commentary) if cfg.report.commentary else None
    return runstate.sha256_file(path) if path is not None and path.is_file() else ""


def _current_reports(manifest: dict, out_dir: Path) -> dict:
    """The manifest's report files where they are now: a project folder moved since the run keeps its outputs
    under its output folder, so a file not where the manifest recorded it is looked for there."""
    published = runstate.published_dir(out_dir)
    moved = {}
    for force, paths in manifest.get("reports", {}).items():
        found = []
        for p in paths:
            rel = Path(*Path(p).parts[-2:])
            found.append(p if Path(p).exists() else str(out_dir / rel if (out_dir / rel).exists() else published / rel))
        moved[force] = found
    return moved


def _ingest_problems(accounting: list[dict]) -> list[str]:
    """The run's input problems: each file with rejected rows, its first rejections, and how many more."""
    problems = []
    for a in accounting:
        if a["rejected"]:
            problems.append(f"{a['file']}: {a['rejected']} row(s) rejected")
            problems.extend(f"  {x}" for x in a["rejections"][:LISTED_PROBLEMS])
            if a["rejected"] > LISTED_PROBLEMS:
                problems.append(f"  ... and {a['rejected'] - LISTED_PROBLEMS} more")
    return problems


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
                                   _commentary_stat(cfg), reads_demo(cfg))
        inputs = [cfg.path(p) for p in cfg.inputs.paths]
        stats = _input_stats(inputs)  # taken once: the no-op check and the fingerprints
        if _up_to_date(manifest, request, out_dir, stats, base):
            # decided from the manifest alone: no table read, no file hashed, nothing written
            publish.tidy(out_dir, keep=cfg.output.previous_runs)  # shortcuts and pruning a run killed after its switch left
            reports = _current_reports(manifest, out_dir)
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
        data, ingest_key, inputs_record = _ingest(cfg, scope_forces, inputs, stats or runstate.input_stats(inputs),
                                                  previous, ledger, full)
        options = dataclasses.replace(options, source=assemble.run_source_label(cfg, inputs_record["accounting"]))
        context = _RunContext(cfg, options, policy, scope, data, previous, ledger)
        ledger.stages["ingest"] = ingest_key
        reports: dict[str, ForceReport] = {}
        with _engine(cfg) as context.engine:
            for force in scope_forces:
                reports[force] = _run_force(force, context)
        ledger.bar.close()
        _finish(context, generation, request, inputs_record, reports)
    summary.exit_code = 1 if summary.problems else 0
    return summary


def _ingest(cfg: Config, forces: Iterable[str], inputs: list[Path], stats: dict, previous: Previous, ledger: Ledger,
            full: bool) -> tuple[RunData, str, dict]:
    """The ingest stage: the inputs read and validated once (:func:`ncpm.pipeline.ingest.load`) and the store
    written, or, when no input changed, the published run's store reused. Returns the data the forces' stages read,
    the stage's key and the manifest's "inputs" record."""
    started = time.perf_counter()
    fingerprints, input_stat = _fingerprints(inputs, stats, Path(cfg.base_dir), previous.manifest)
    ingest_key = runstate.combine(__version__, fingerprints, dataclasses.asdict(cfg.inputs))
    outputs, summary = ledger.outputs, ledger.summary
    reuse = previous.stages.get("ingest") == ingest_key and previous.intact(STORE + "/")
    ledger.bar.step(f"ingest ({'reused' if reuse else 'reading ' + str(len(fingerprints)) + ' file(s)'})")
    if reuse:
        accounting = previous.get("inputs", {}).get("accounting", [])
        kinds = sorted({p.split("/")[-1].removesuffix(".parquet") for p in previous.outputs
                        if p.startswith(STORE + "/")})
        frames = {kind: store.read_store(previous.dir / STORE, kind) for kind in kinds}
        for k, v in previous.outputs.items():
            if k.startswith(STORE + "/"):
                outputs.keep(k, v)
        summary.reused.append("ingest")
    else:
        loaded: Loaded = load(inputs, encoding=cfg.inputs.encoding or None,
                              last_outcomes=cfg.inputs.police_uk_last_outcomes)
        for path, digest in _update_store(loaded.frames, outputs.out_dir / STORE,
                                          None if full else previous.dir / STORE).items():
            outputs.record(path, digest)
        frames, accounting = loaded.frames, loaded.accounting()
        summary.recomputed.append("ingest")
    if "volumes" not in frames or not len(frames["volumes"]):
        raise InputError("no crime volumes among the inputs: nothing to report "
                         f"(read: {', '.join(a['file'] for a in accounting) or 'no files'})",
                         file=str(inputs[0]) if inputs else None)
    summary.problems.extend(_ingest_problems(accounting))
    ledger.timings["ingest"] = time.perf_counter() - started
    frames = apply_areas(frames, cfg, forces)
    check_survey(frames, cfg)
    data = RunData(frames=frames, sources=assemble.data_sources(frames, accounting),
                   digests={kind: outputs.files.get(f"{STORE}/{kind}.parquet", "") for kind in KINDS},
                   districts=any(a["kind"] == "volumes" and a["format"] == "police_uk" for a in accounting))
    return data, ingest_key, {"fingerprints": fingerprints, "stats": input_stat, "accounting": accounting}


def _finish(c: _RunContext, generation, request: str, inputs_record: dict, reports: dict[str, ForceReport]) -> None:
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


def apply_areas(frames: dict[str, pd.DataFrame], cfg: Config, forces: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The configured local policing areas (``[areas.<force>]``) applied to each force's volumes and outcomes
    (:func:`ncpm.methods.series.map_areas`), after checking that every district listed is in the data
    (:func:`ncpm.pipeline.config.check_areas`, a ConfigError naming the file and key). Forces without a table keep their
    areas (police.uk: districts)."""
    chosen = {canonical_force(f): cfg.area_mapping(f) for f in forces}
    chosen = {f: m for f, m in chosen.items() if m}
    if not chosen:
        return frames
    out = dict(frames)
    for kind in ("volumes", "outcomes"):
        frame = out.get(kind)
        if frame is None or schema.AREA not in frame.columns or not len(frame):
            continue
        names = frame[schema.FORCE].astype(str)
        for force, mapping in chosen.items():
            mine = (names == force).to_numpy()
            if kind == "volumes":
                check_areas(cfg, force, set(frame.loc[mine, schema.AREA].astype(str)) - {schema.WHOLE_FORCE})
            seen = set(frame.loc[mine, schema.AREA].astype(str))
            parts = {k: [d for d in v if kind == "volumes" or d in seen] for k, v in mapping.items()}
            try:  # outcomes: an area with no outcome in a district maps the districts it has
                mapped = map_areas(frame[mine], {k: v for k, v in parts.items() if v})
            except InputError as exc:
                raise ConfigError(f"{cfg.source}: [areas.{force}]: {exc.message}") from None
            frame = pd.concat([frame[~mine], mapped], ignore_index=True)
            names = frame[schema.FORCE].astype(str)
        out[kind] = schema.validate(frame, schema.SPECS[kind], source=kind)  # a table built here: validated here
    return out


def check_survey(frames: dict[str, pd.DataFrame], cfg: Config) -> None:
    """``[satisfaction] survey`` names a survey the data hold (when they hold any): else a ConfigError naming the
    key, the surveys there are and the closest."""
    survey = frames.get("survey")
    if survey is None or not len(survey) or schema.SURVEY not in survey.columns:
        return
    names = sorted(set(survey[schema.SURVEY].astype(str)))
    wanted = cfg.satisfaction.survey
    if wanted not in names:
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
        raise ConfigError(f"{cfg.source}: satisfaction.survey: no survey {wanted!r} in the survey data (they hold: "
                          f"{', '.join(names)})" + (f"; close matches: {', '.join(close)}" if close else ""))


def _engine(cfg: Config):
    """Where per-series work runs (config ``[engine]``): this process, local processes or a Dask cluster."""
    if cfg.engine.kind == "single":
        return contextlib.nullcontext(None)
    return start_engine(EngineOptions(cfg.engine.kind, cfg.engine.workers or None, cfg.engine.address or None))


def _counted(c: _RunContext, res, calls: int):
    """The engine for a stage's per-series work: on a terminal, in this process, one that counts the series done
    on the progress bar (:class:`_CountingEngine`); otherwise the run's engine as it is (a log gets one line per
    stage, and worker processes keep their chunks)."""
    bar = c.ledger.bar
    if bar.stream is None or c.engine is not None:
        return c.engine
    volumes = res.tables["volumes"]
    whole = volumes[volumes[schema.AREA] == schema.WHOLE_FORCE]
    n = len(whole.drop_duplicates(schema.SERIES_KEY))
    # the statsmodels engine fits series one at a time anyway; the fast one fits a batch at once: ten steps
    size = 1 if res.options.forecast_engine == "statsmodels" else max(1, -(-n // 10))
    return _CountingEngine(bar, calls * n, size)


class _CountingEngine(Engine):
    """This process, chunk by chunk of whole series (series are independent: the same result), moving the progress
    bar on after each chunk."""

    def __init__(self, bar: Progress, total: int, size: int) -> None:
        super().__init__(EngineOptions("single"))
        self.bar, self.total, self.size, self.done = bar, total, size, 0

    def map(self, func, frame, *, key=schema.SERIES_KEY, **kwargs):
        key = list(key)
        parts = []
        for chunk in series_chunks(frame, self.size, key) if len(frame) else [frame]:
            parts.append(func(chunk, **kwargs))
            self.done += len(chunk.drop_duplicates(key))
            self.bar.items(min(self.done, self.total), self.total)
        return canonical_order(pd.concat(parts, ignore_index=True), key)


def _compute_measures(res, frames, engine) -> None:
    """The measures stage: :func:`ncpm.quarter.compute_measures`, and the force's volumes it read kept as a table."""
    q.compute_measures(res, frames, engine=engine, checked=True)
    res.tables[RUN_VOLUMES[0]] = res.tables["volumes"]


def _run_force(force: str, c: _RunContext) -> ForceReport:
    """One force's stages: measures, forecasts, peers (each reused when its inputs are unchanged), then the
    statements, figures and report (rendered again whenever a stage before them changed)."""
    frames, digests, previous, ledger = c.data.frames, c.data.digests, c.previous, c.ledger
    outputs, summary = ledger.outputs, ledger.summary
    options = c.options
    if c.data.districts and not c.cfg.area_mapping(force):
        options = dataclasses.replace(options, area_noun="")  # "in Rugby", not "in the Rugby LPA"
    res = q.start_quarter(frames, force, month=c.scope.as_of, quarter=c.scope.quarter, options=options,
                          checked=True)  # the frames ingest validated (or the store's, validated on reading)
    folder = outputs.out_dir / slug(res.force)
    prefix = f"{folder.name}/"
    opts = dataclasses.asdict(res.options)
    common = (__version__, res.force, str(res.month), str(res.quarter), c.cfg.area_mapping(res.force))
    plan = {
        "measures": (runstate.combine(common, opts, digests["volumes"], digests["outcomes"], digests["survey"],
                                      RUN_VOLUMES),
                     q.MEASURE_TABLES + RUN_VOLUMES, lambda: _compute_measures(res, frames, c.engine)),
        "forecasts": (runstate.combine(common, opts["forecast_method"], opts["forecast_engine"], opts["horizon"],
                                       digests["volumes"]), q.FORECAST_TABLES,
                      lambda: q.compute_forecasts(res, engine=_counted(c, res, calls=len(q.FORECAST_TABLES)))),
        "peers": (runstate.combine(common, opts, digests["volumes"], digests["population"], digests["msg"],
                                   digests["period_counts"], digests["quarterly"]),
                  q.PEER_TABLES, lambda: q.compute_peers(res, frames, checked=True)),
    }
    any_changed = False
    for stage, (key, tables, compute) in plan.items():
        name = f"{stage}:{res.force}"
        started = time.perf_counter()
        stage_prefix = f"{prefix}tables/{stage}/"
        reuse = previous.stages.get(name) == key and previous.intact(stage_prefix)
        ledger.bar.step(f"{res.force}: {stage} ({'reused' if reuse else 'computing'})")
        if reuse:
            for rel, digest in previous.outputs.items():
                if rel.startswith(stage_prefix):
                    res.tables[Path(rel).stem] = store.read_table(previous.dir / rel)
                    outputs.keep(rel, digest)
            summary.reused.append(name)
        else:
            compute()
            for table in tables:
                if table in res.tables:
                    outputs.table(res.tables[table], folder / "tables" / stage / f"{table}.parquet")
            summary.recomputed.append(name)
            any_changed = True
        ledger.stages[name] = key
        ledger.timings[name] = time.perf_counter() - started
    membership = res.tables.get("msg_membership")
    msg_version = (", ".join(sorted(map(str, membership["version"].unique())))
                   if membership is not None and len(membership) else None)
    report_key = runstate.combine([ledger.stages[f"{s}:{res.force}"] for s in plan], c.cfg.output.figure_formats,
                                  c.cfg.output.markdown, dataclasses.asdict(c.policy), c.data.sources, msg_version,
                                  assemble.config_hash(c.cfg), _commentary_digest(c.cfg))
    name = f"report:{res.force}"
    ledger.stages[name] = report_key
    report_html = folder / f"{report_name(res.quarter)}.html"
    report_files = [report_html, report_html.with_suffix(".docx")]  # the .docx: the same report for Word
    report_files += [report_html.with_suffix(".md")] if c.cfg.output.markdown else []
    reuse = (not any_changed and previous.stages.get(name) == report_key
             and all(f.relative_to(outputs.out_dir).as_posix() in previous.outputs for f in report_files)
             and previous.intact(prefix, exclude=f"{prefix}tables/"))
    ledger.bar.step(f"{res.force}: statements, figures and report ({'reused' if reuse else 'rendering'})")
    if reuse:
        for rel, digest in previous.outputs.items():
            if rel.startswith(prefix) and not rel.startswith(f"{prefix}tables/"):
                outputs.keep(rel, digest)
        summary.reused.append(name)
        return ForceReport(report_files, msg_version, previous.get("not_in_report", {}).get(res.force, []),
                           previous.get("results", {}).get(res.force) or _results_entry(res),
                           previous.get("provenance", {}).get(res.force, {}))
    started = time.perf_counter()
    res.statements = q.quarter_statements(res)
    summary.warnings.extend(f"{res.force}: {n}" for n in res.notes)
    written, provenance = _write_presentation(res, c, folder, msg_version)
    summary.recomputed.append(name)
    ledger.timings[name] = time.perf_counter() - started
    return ForceReport(written, msg_version, [o.as_record() for o in res.omitted], _results_entry(res), provenance)


def _results_entry(res) -> dict:
    """What ``ncpm.load_run`` needs beside the tables and statements: the month and quarter reported, the options
    and the run's notes for the force."""
    return {"month": str(res.month), "quarter": str(res.quarter), "options": dataclasses.asdict(res.options),
            "notes": list(res.notes)}


def _write_presentation(res, c: _RunContext, folder: Path, msg_version: str | None) -> tuple[list[Path], dict]:
    """Statements (JSON and parquet), figures, the summary table and the quarterly report (HTML and DOCX, optionally
    Markdown), from :func:`ncpm.pipeline.assemble.report_model`; the report's data tables by LPA go through
    disclosure control first. Returns the report files and the report's provenance."""
    cfg, outputs = c.cfg, c.ledger.outputs
    records = assemble.statement_records(res.statements)
    outputs.data((json.dumps(records, indent=2, default=str) + "\n").encode(), folder / "statements.json")
    outputs.table(narrative.to_frame(res.statements), folder / "statements.parquet")
    summary_table = q.summary_table(res)
    outputs.table(summary_table, folder / "summary.parquet")
    rendered = assemble.render_figures(res, c.policy, cfg.output.figure_formats)
    figure_paths: dict[str, str] = {}
    for name, (fig, files) in rendered.items():
        caption = fig[0]
        for fmt in cfg.output.figure_formats:
            outputs.data(files[fmt], folder / "figures" / f"{name}.{fmt}")
        shown = next((f for f in cfg.output.figure_formats if f in ("png", "svg")), None)
        if shown:
            figure_paths.setdefault(caption, f"figures/{name}.{shown}")
    commentary = assemble.read_commentary(cfg)
    if commentary is not None:
        c.ledger.summary.warnings.extend(commentary.warnings)
    doc = assemble.report_model(res, cfg, figures=rendered, sources=c.data.sources, msg_version=msg_version,
                                policy=c.policy, commentary=commentary,
                                generated_on=datetime.date.today().isoformat(), summary_table=summary_table)
    provenance = {"generated": doc.generated_on, "ncpm_version": __version__, "data_to": str(res.month),
                  "config_hash": doc.config_hash, "final": doc.final, "commentary": cfg.report.commentary or None}
    html_path = folder / f"{report_name(res.quarter)}.html"
    outputs.data(report.render_html(doc).encode("utf-8"), html_path)
    docx_path = html_path.with_suffix(".docx")  # the same report, editable in Word (Police and Crime Panel papers)
    outputs.data(report_docx.render_docx(doc), docx_path)
    written = [html_path, docx_path]
    if cfg.output.markdown:
        md_path = html_path.with_suffix(".md")
        outputs.data(report.render_markdown(doc, figure_paths).encode("utf-8"), md_path)
        written.append(md_path)
    return written, provenance
