"""The run's stages and their cache decisions: the ingest stage (the inputs read and validated once, the canonical
store written) and each force's measures, forecasts and peers, then its statements, figures and report.

Each stage has a key: a hash of what it reads (the store's file hashes, the options, the scope). A stage whose key
and files are those of the published run is reused (its files kept); any other is computed and its tables written
(:class:`ncpm.pipeline.manifest.Outputs`). The report is rendered again whenever a stage before it changed.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ncpm import __version__
from ncpm import quarter as q
from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.io import runstate, store
from ncpm.pipeline import assemble
from ncpm.pipeline.areas import apply_areas, check_survey
from ncpm.pipeline.config import Config
from ncpm.pipeline.ingest import Loaded, load
from ncpm.pipeline.layout import RUN_VOLUMES, STORE, report_name, slug
from ncpm.pipeline.manifest import Previous, commentary_digest, input_fingerprints
from ncpm.pipeline.progress import CountingEngine
from ncpm.pipeline.records import ForceReport, Ledger, RunContext, RunData
from ncpm.words import report, report_docx
from ncpm.words import statements as narrative

KINDS = ("volumes", "outcomes", "survey", "population", "msg", "period_counts", "quarterly")
LISTED_PROBLEMS = 20  # rejected rows listed per file in the run's problems; the rest are counted


def ingest_stage(cfg: Config, forces: Iterable[str], inputs: list[Path], stats: dict, previous: Previous, ledger: Ledger,
            full: bool) -> tuple[RunData, str, dict]:
    """The ingest stage: the inputs read and validated once (:func:`ncpm.pipeline.ingest.load`) and the store
    written, or, when no input changed, the published run's store reused. Returns the data the forces' stages read,
    the stage's key and the manifest's "inputs" record."""
    started = time.perf_counter()
    fingerprints, input_stat = input_fingerprints(inputs, stats, Path(cfg.base_dir), previous.manifest)
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



def _counted(c: RunContext, res, calls: int):
    """The engine for a stage's per-series work: on a terminal, in this process, one that counts the series done
    on the progress bar (:class:`CountingEngine`); otherwise the run's engine as it is (a log gets one line per
    stage, and worker processes keep their chunks)."""
    bar = c.ledger.bar
    if bar.stream is None or c.engine is not None:
        return c.engine
    volumes = res.tables["volumes"]
    whole = volumes[volumes[schema.AREA] == schema.WHOLE_FORCE]
    n = len(whole.drop_duplicates(schema.SERIES_KEY))
    # the statsmodels engine fits series one at a time anyway; the fast one fits a batch at once: ten steps
    size = 1 if res.options.forecast_engine == "statsmodels" else max(1, -(-n // 10))
    return CountingEngine(bar, calls * n, size)



def _compute_measures(res, frames, engine) -> None:
    """The measures stage: :func:`ncpm.quarter.compute_measures`, and the force's volumes it read kept as a table."""
    q.compute_measures(res, frames, engine=engine, checked=True)
    res.tables[RUN_VOLUMES[0]] = res.tables["volumes"]


def run_force(force: str, c: RunContext) -> ForceReport:
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
                                  assemble.config_hash(c.cfg), commentary_digest(c.cfg))
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


def _write_presentation(res, c: RunContext, folder: Path, msg_version: str | None) -> tuple[list[Path], dict]:
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
