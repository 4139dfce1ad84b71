"""The only place that joins file input/output with computation: load, compute, write atomically.

``ingest`` reads raw files of any supported format into the canonical parquet store and accounts for every row.
"""

from __future__ import annotations

import json
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


def demo_config():
    """The configuration of the main job on the demo data: Warwickshire, Q1 2023/24, every default."""
    from ncpm.config import load_config_text

    return load_config_text('[scope]\nforces = ["Warwickshire"]\nquarter = "Q1 2023/24"\n', base_dir=project_root())


NOTEBOOKS = ("knife_crime", "theft_from_person", "vehicle_crime", "ncpm_quarter")


def render_notebooks(out_dir: Path, *, timeout: int = 900) -> list[Path]:
    """Execute the notebooks in a fresh kernel (their defaults: the demo data) and write each as HTML, atomically."""
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbconvert import HTMLExporter
    except ImportError:
        log.warning("notebooks not rendered: install the extra with  pip install 'ncpm[notebooks]'")
        return []
    from ncpm.io.store import atomic_write_bytes

    source = project_root() / "notebooks"
    written = []
    for name in NOTEBOOKS:
        path = source / f"{name}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(source)}}).execute()
        html, _ = HTMLExporter().from_notebook_node(nb)
        out = Path(out_dir) / f"{name}.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out, html.encode("utf-8"))
        written.append(out)
    return written


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


# --- the scheduled run -----------------------------------------------------------------------------------------

STORE = "store"
MANIFEST_VERSION = 1


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


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


class _Outputs:
    """Files written by a run: each atomically, each hashed for the manifest."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.files: dict[str, str] = {}

    def _record(self, path: Path) -> None:
        from ncpm.io.runstate import sha256_file

        self.files[str(path.relative_to(self.out_dir))] = sha256_file(path)

    def table(self, frame: pd.DataFrame, path: Path) -> None:
        from ncpm.io.store import write_table

        path.parent.mkdir(parents=True, exist_ok=True)
        write_table(frame, path)
        self._record(path)

    def data(self, data: bytes, path: Path) -> None:
        from ncpm.io.store import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        self._record(path)

    def keep(self, relative: str, digest: str) -> None:
        self.files[relative] = digest


def _outputs_intact(out_dir: Path, files: dict[str, str], prefix: str) -> bool:
    from ncpm.io.runstate import sha256_file

    chosen = {k: v for k, v in files.items() if k.startswith(prefix)}
    try:
        return bool(chosen) and all(sha256_file(out_dir / k) == v for k, v in chosen.items())
    except OSError:
        return False


def _figure_bytes(draw, fmt: str) -> bytes:
    import io as _io

    from matplotlib.figure import Figure

    from ncpm.plots import FIGSIZE

    fig = Figure(figsize=FIGSIZE, dpi=110)
    ax = fig.add_subplot()
    draw(ax)
    fig.tight_layout()
    buf = _io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Software": None} if fmt == "png" else {"Date": None})
    return buf.getvalue()


def run(config=None, *, full: bool = False, as_of: str | None = None, quarter: str | None = None,
        forces: Iterable[str] | None = None, out: str | Path | None = None) -> RunSummary:
    """Ingest the configured inputs, compute every measure, forecast and peer comparison for each force, and write
    tables, figures, statements, the quarterly report and a manifest under the output folder.

    Safe to schedule: one run at a time (a lock), every file written atomically, the manifest written last. A rerun
    with unchanged inputs and configuration does no work and changes no file; a changed input recomputes only the
    stages that read it (measures: volumes, outcomes, survey; forecasts: volumes; peers: volumes, population, MSG).
    """
    import time

    from ncpm import __version__
    from ncpm.config import load_config
    from ncpm.io.runstate import MANIFEST_NAME, RunLock, combine, fingerprint_inputs, read_manifest
    from ncpm.io.store import atomic_write_bytes, read_store, read_table, write_store
    from ncpm.quarter import QuarterOptions

    cfg = config if config is not None else load_config(None)
    out_dir = Path(out) if out is not None else cfg.path(cfg.output.dir)
    scope_forces = tuple(forces) if forces else cfg.scope.forces
    as_of = as_of or cfg.scope.as_of or None
    quarter = quarter or cfg.scope.quarter or None
    summary = RunSummary(exit_code=0, out_dir=out_dir, manifest={})
    timings: dict[str, float] = {}
    with RunLock(out_dir) as lock:
        if lock.cleared_stale:
            log.warning(lock.cleared_stale)
            summary.warnings.append(lock.cleared_stale)
        previous = {} if full else read_manifest(out_dir)
        outputs = _Outputs(out_dir)
        options = QuarterOptions.from_config(cfg)
        inputs = [cfg.path(p) for p in cfg.inputs.paths]
        missing = [str(p) for p in inputs if not p.exists()]
        if missing:
            from ncpm.errors import InputError

            raise InputError(f"input not found: {', '.join(missing)}", file=str(missing[0]))

        started = time.perf_counter()
        fingerprints = fingerprint_inputs(inputs)
        ingest_key = combine(__version__, fingerprints)
        prev_stages = previous.get("stages", {})
        store = out_dir / STORE
        if prev_stages.get("ingest") == ingest_key and _outputs_intact(out_dir, previous.get("outputs", {}), STORE):
            accounting = previous.get("inputs", {}).get("accounting", [])
            kinds = sorted({p.split("/")[-1].removesuffix(".parquet") for p in previous["outputs"]
                            if p.startswith(STORE + "/")})
            frames = {kind: read_store(store, kind) for kind in kinds}
            for k, v in previous["outputs"].items():
                if k.startswith(STORE + "/"):
                    outputs.keep(k, v)
            summary.reused.append("ingest")
        else:
            results = read_inputs(inputs, progress=False)
            written = write_store(results, store)
            for path in written.values():
                outputs._record(Path(path))
            frames = frames_by_kind(results)
            accounting = [{"file": r.file, "format": r.format, "kind": r.kind, "rows_in": r.rows_in,
                           "loaded": r.rows_loaded, "rejected": r.rows_rejected,
                           "rejections": [str(x) for x in r.rejected[:100]]} for r in results]
            summary.recomputed.append("ingest")
        for a in accounting:
            if a["rejected"]:
                summary.problems.append(f"{a['file']}: {a['rejected']} row(s) rejected")
                summary.problems.extend(f"  {x}" for x in a["rejections"][:20])
        timings["ingest"] = time.perf_counter() - started
        data_hash = {kind: outputs.files.get(f"{STORE}/{kind}.parquet", "") for kind in
                     ("volumes", "outcomes", "survey", "population", "msg")}

        stages = {"ingest": ingest_key}
        report_paths = {}
        for force in scope_forces:
            paths = _run_force(force, frames, options, as_of, quarter, cfg, out_dir, outputs, previous, data_hash,
                               stages, summary, timings, read_table)
            report_paths[force] = paths
        manifest = {
            "manifest_version": MANIFEST_VERSION, "ncpm_version": __version__, "config": cfg.as_dict(),
            "inputs": {"fingerprints": fingerprints, "accounting": accounting},
            "methods": options.describe(), "stages": stages, "outputs": dict(sorted(outputs.files.items())),
            "reports": {f: [str(p) for p in v] for f, v in report_paths.items()},
            "problems": summary.problems, "warnings": summary.warnings,
        }
        unchanged = (previous and previous.get("stages") == stages and previous.get("outputs") == manifest["outputs"]
                     and (out_dir / MANIFEST_NAME).exists())
        if unchanged:
            summary.nothing_changed = True
            summary.manifest = previous
        else:
            manifest["timings_seconds"] = {k: round(v, 3) for k, v in timings.items()}
            atomic_write_bytes(out_dir / MANIFEST_NAME, (json.dumps(manifest, indent=2, default=str) + "\n").encode())
            summary.manifest = manifest
    summary.exit_code = 1 if summary.problems else 0
    return summary


def _run_force(force, frames, options, as_of, quarter, cfg, out_dir, outputs, previous, data_hash, stages, summary,
               timings, read_table) -> list[Path]:
    """One force's stages: measures, forecasts, peers (each reused when its inputs are unchanged), then the
    statements, figures and report (rendered again whenever a stage before them changed)."""
    import dataclasses
    import time

    from ncpm import __version__
    from ncpm import quarter as q
    from ncpm.io.runstate import combine

    res = q.start_quarter(frames, force, month=as_of, quarter=quarter, options=options)
    folder = out_dir / _slug(res.force)
    prefix = f"{folder.name}/"
    prev_stages = previous.get("stages", {})
    prev_outputs = previous.get("outputs", {})
    opts = dataclasses.asdict(options)
    common = (__version__, res.force, str(res.month), str(res.quarter))
    plan = {
        "measures": (combine(common, opts, data_hash["volumes"], data_hash["outcomes"], data_hash["survey"]),
                     q.MEASURE_TABLES, lambda: q.compute_measures(res, frames)),
        "forecasts": (combine(common, opts["forecast_method"], opts["forecast_engine"], opts["horizon"],
                              data_hash["volumes"]), q.FORECAST_TABLES, lambda: q.compute_forecasts(res)),
        "peers": (combine(common, opts, data_hash["volumes"], data_hash["population"], data_hash["msg"]),
                  q.PEER_TABLES, lambda: q.compute_peers(res, frames)),
    }
    any_changed = False
    for stage, (key, tables, compute) in plan.items():
        name = f"{stage}:{res.force}"
        started = time.perf_counter()
        stage_prefix = f"{prefix}tables/{stage}/"
        if prev_stages.get(name) == key and _outputs_intact(out_dir, prev_outputs, stage_prefix):
            for rel, digest in prev_outputs.items():
                if rel.startswith(stage_prefix):
                    res.tables[Path(rel).stem] = read_table(out_dir / rel)
                    outputs.keep(rel, digest)
            summary.reused.append(name)
        else:
            log.info("%s: computing %s", res.force, stage)
            compute()
            for table in tables:
                if table in res.tables:
                    outputs.table(res.tables[table], folder / "tables" / stage / f"{table}.parquet")
            summary.recomputed.append(name)
            any_changed = True
        stages[name] = key
        timings[name] = time.perf_counter() - started
    report_key = combine([stages[f"{s}:{res.force}"] for s in plan], cfg.output.figure_formats, cfg.output.markdown)
    name = f"report:{res.force}"
    stages[name] = report_key
    report_html = folder / f"report-{_slug(str(res.quarter))}.html"
    if not any_changed and prev_stages.get(name) == report_key and _outputs_intact(
            out_dir, prev_outputs, f"{prefix}report"):
        for rel, digest in prev_outputs.items():
            if rel.startswith(prefix) and not rel.startswith(f"{prefix}tables/"):
                outputs.keep(rel, digest)
        summary.reused.append(name)
        return [report_html]
    started = time.perf_counter()
    res.statements = q.quarter_statements(res)
    summary.warnings.extend(f"{res.force}: {n}" for n in res.notes)
    written = _write_presentation(res, cfg, folder, outputs)
    summary.recomputed.append(name)
    timings[name] = time.perf_counter() - started
    return written


def _write_presentation(res, cfg, folder: Path, outputs: _Outputs) -> list[Path]:
    """Statements (JSON), figures, the summary table and the quarterly report (HTML, optionally Markdown)."""
    from ncpm import narrative, report
    from ncpm import quarter as q

    records = [{**{k: (str(v) if isinstance(v, pd.Period) else v) for k, v in s.as_record().items()
                   if not k.startswith("fact_")}, "facts": {k: _jsonable(v) for k, v in s.facts.items()}}
               for s in res.statements]
    outputs.data((json.dumps(records, indent=2, default=str) + "\n").encode(), folder / "statements.json")
    outputs.table(narrative.to_frame(res.statements), folder / "statements.parquet")
    summary_table = q.summary_table(res)
    outputs.table(summary_table, folder / "summary.parquet")
    figures: dict[str, list[report.Figure]] = {}
    figure_paths: dict[str, str] = {}
    for name, (caption, draw) in q.quarter_figures(res).items():
        for fmt in cfg.output.figure_formats:
            data = _figure_bytes(draw, fmt)
            path = folder / "figures" / f"{name}.{fmt}"
            outputs.data(data, path)
            if fmt in ("png", "svg") and name not in figure_paths:
                figures.setdefault(name, []).append(report.Figure(caption, data, fmt))
                figure_paths[caption] = f"figures/{name}.{fmt}"
    items = []
    by_measure: dict[str, list[str]] = {}
    for s in res.statements:
        by_measure.setdefault(s.measure, []).append(s.text)
    from ncpm.catalogue import measure as catalogue_measure

    for measure in q.STATEMENT_PLAN:
        texts = by_measure.get(measure)
        figs = tuple(f for name, fs in figures.items() if name.startswith(measure + "_") for f in fs)
        if not texts and not figs:
            continue
        info = catalogue_measure(measure)
        items.append(report.ReportItem(priority=info.priority, title=info.label[0].upper() + info.label[1:],
                                       statements=tuple(texts or ()), figures=figs,
                                       table=_measure_table(res, measure)))
    sources = [f"{a}" for a in cfg.inputs.paths]
    doc = report.QuarterlyReport(
        force=res.force, quarter=str(res.quarter), as_of=res.month.strftime("%B %Y"), items=tuple(items),
        methods=res.options.describe(), sources=tuple(f"Input: {s}" for s in sources),
        synthetic=any("demo" in str(s) for s in cfg.inputs.paths), overview=summary_table)
    html_path = folder / f"report-{_slug(str(res.quarter))}.html"
    outputs.data(report.render_html(doc).encode("utf-8"), html_path)
    written = [html_path]
    if cfg.output.markdown:
        md_path = html_path.with_suffix(".md")
        outputs.data(report.render_markdown(doc, figure_paths).encode("utf-8"), md_path)
        written.append(md_path)
    return written


def _measure_table(res, measure: str) -> pd.DataFrame | None:
    """The last six months of a measure by area: count, 3-year average and comparison (a short data table)."""
    from ncpm import schema

    b = res.tables.get("baseline")
    if b is None:
        return None
    rows = b[(b[schema.MEASURE] == measure) & (b[schema.MONTH] > res.month - 6)]
    if rows.empty:
        return None
    wide = rows.pivot_table(index=schema.AREA, columns=schema.MONTH, values=schema.COUNT, aggfunc="sum")
    wide.columns = [m.strftime("%b %Y") for m in wide.columns]
    order = [schema.WHOLE_FORCE] + sorted(a for a in wide.index if a != schema.WHOLE_FORCE)
    wide = wide.reindex([a for a in order if a in wide.index]).reset_index().rename(columns={schema.AREA: "Area"})
    return wide


def _jsonable(value):
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value
