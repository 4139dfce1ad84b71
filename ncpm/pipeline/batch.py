"""The only place that joins file input/output with computation: load, compute, write atomically.

``ingest`` reads raw files of any supported format into the canonical parquet store and accounts for every row.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ncpm.core.schema import SERIES_KEY
from ncpm.io import LoadResult
from ncpm.io.store import concat_sources
from ncpm.quarter.engine import Engine, EngineOptions, canonical_order, series_chunks

log = logging.getLogger("ncpm")

DEMO_DIR_NAME = Path("data") / "raw" / "demo"
DEMO_SOURCE = "ncpm demo dataset (synthetic)"  # how figures and reports name the demo data


@dataclass
class IngestReport:
    """What ``ingest`` did: one LoadResult per file read, and the store files written (kind -> path)."""

    results: list[LoadResult] = field(default_factory=list)
    written: dict[str, Path] = field(default_factory=dict)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected as input problems (rows skipped by design, such as ONS region totals, not counted)."""
        return sum(len(r.problems) for r in self.results)


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
    return {kind: concat_sources(kind, parts) for kind, parts in grouped.items()}


def load_demo() -> dict[str, pd.DataFrame]:
    """The embedded synthetic demo dataset as canonical frames keyed by kind.

    >>> sorted(load_demo())
    ['msg', 'outcomes', 'population', 'survey', 'volumes']
    """
    return frames_by_kind(read_inputs([demo_dir()]))


DEMO_ENGINE = "fast"  # the demo's forecast engine: on the demo data its statements are the reference engine's


def demo_config(engine: str = DEMO_ENGINE):
    """The configuration of the main job on the demo data: Warwickshire, Q1 2023/24, every default but the forecast
    engine: the fast one (seconds; on the demo data the report's statements are word for word those of the
    statsmodels reference engine, which takes minutes: ``engine="statsmodels"``)."""
    from ncpm.pipeline.config import load_config_text

    return load_config_text(f'[scope]\nforces = ["Warwickshire"]\nquarter = "Q1 2023/24"\n[forecast]\nengine = "{engine}"\n',
                            base_dir=project_root())


NOTEBOOKS = ("knife_crime", "theft_from_person", "vehicle_crime", "ncpm_quarter")


def render_notebooks(out_dir: Path, *, source: str | Path | None = None, names: Iterable[str] = NOTEBOOKS,
                     timeout: int = 900, run: str | Path | None = None, workers: int = 2) -> list[Path]:
    """Execute the notebooks, each in a fresh kernel, and write each as HTML, atomically.

    ``run``: the output folder of the run whose results the notebooks read (given to them as their ``RUN``
    parameter, the papermill way: a cell tagged "injected-parameters" after the "parameters" one); None: their
    default, ``data/processed``. They read the run's tables and statements, so they show the report's figures and
    take seconds. ``workers``: how many notebooks run at once (each kernel is a process). ``source``: the folder
    holding ``<name>.ipynb`` (default: ``notebooks/`` of the project); a notebook that is not there is skipped.
    Returns the HTML files written, in the order of ``names``.
    """
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbconvert import HTMLExporter
    except ImportError:
        log.warning("notebooks not rendered: install the extra with  pip install 'ncpm[notebooks]'")
        return []
    from concurrent.futures import ThreadPoolExecutor

    from ncpm.io.store import atomic_write_bytes

    source = Path(source) if source is not None else project_root() / "notebooks"
    folder = Path(out_dir)
    if folder.is_symlink():  # never written through: a link planted in the output folder could point anywhere
        log.warning("replaced the symbolic link %s with a folder before writing the notebooks", folder)
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)

    def render(path: Path) -> Path:
        nb = nbformat.read(path, as_version=4)
        if run is not None:
            at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
            cell = nbformat.v4.new_code_cell(f"RUN = {str(Path(run).resolve())!r}")
            cell.metadata["tags"] = ["injected-parameters"]
            nb.cells.insert(at + 1, cell)
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(source)}}).execute()
        html, _ = HTMLExporter().from_notebook_node(nb)
        out = folder / f"{path.stem}.html"
        atomic_write_bytes(out, html.encode("utf-8"))
        return out

    paths = [source / f"{name}.ipynb" for name in names if (source / f"{name}.ipynb").exists()]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(render, paths))


def read_inputs(paths: Iterable[str | Path], *, progress: bool = False, lsoa: bool = False,
                encoding: str | None = None, last_outcomes: bool = False) -> list[LoadResult]:
    """Read every path (file, folder or archive) with the reader its format needs; ``lsoa``: police.uk records
    by LSOA, ``last_outcomes``: police.uk street files' last outcomes as outcomes (see
    :func:`ncpm.io.policeuk.read_police_uk`); ``encoding``: of text files (``[inputs] encoding``)."""
    from ncpm.io.detect import read_any
    from ncpm.io.runstate import is_data_file

    results: list[LoadResult] = []
    for path in paths:
        path = Path(path)
        if path.is_dir() and not _is_police_uk_folder(path):
            for child in sorted(p for p in path.iterdir() if p.is_file() and is_data_file(p.name)):
                results.extend(read_any(child, progress=progress, lsoa=lsoa, encoding=encoding,
                                        last_outcomes=last_outcomes))
        else:
            results.extend(read_any(path, progress=progress, lsoa=lsoa, encoding=encoding,
                                    last_outcomes=last_outcomes))
    return results


def _is_police_uk_folder(path: Path) -> bool:
    """The rule of ``detect_format`` and the police.uk reader: a file named like YYYY-MM-<force>-street.csv."""
    from ncpm.io.policeuk import FILE_NAME

    return any(FILE_NAME.match(p.name) for p in path.rglob("*.csv"))


def ingest(paths: Iterable[str | Path], out_dir: str | Path, *, progress: bool = False,
           lsoa: bool = False) -> IngestReport:
    """Read ``paths`` and write the canonical parquet store under ``out_dir`` (each file atomically); ``lsoa``:
    police.uk records counted by LSOA code, for LSOA-level work (``ncpm.quarter.engine.map_series``)."""
    from ncpm.io.store import write_store

    results = read_inputs(paths, progress=progress, lsoa=lsoa)
    written = write_store(results, Path(out_dir))
    for kind, path in written.items():
        log.info("wrote %s (%s)", path, kind)
    return IngestReport(results=results, written=written)


# --- the scheduled run -----------------------------------------------------------------------------------------

STORE = "store"
MANIFEST_VERSION = 2
KINDS = ("volumes", "outcomes", "survey", "population", "msg", "period_counts", "quarterly")
SOURCE_NAMES = {  # how the report's "Data sources" list names each kind of input
    "volumes": "Police recorded crime, monthly counts by force and local policing area",
    "outcomes": "Crime outcomes (Home Office outcome types), monthly",
    "survey": "Victim satisfaction survey responses, monthly",
    "population": "Mid-year population estimates (ONS)",
    "msg": "Most Similar Groups membership",
    "quarterly": "Police recorded crime, quarterly",
    "period_counts": "Counts over periods",
}


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


BAR_WIDTH = 20  # characters of the per-series bar within a stage


class _Progress:
    """A stage counter: ``[3/5] Warwickshire: forecasts (computing)``, rewritten in place on a terminal, one log line
    per stage otherwise (so a scheduler's log stays readable)."""

    def __init__(self, total: int, stream=None) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.label = ""

    def step(self, label: str) -> None:
        from ncpm.io.publish import kill_point

        kill_point(f"step:{self.done + 1}")  # test hook: every stage before this one is complete
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


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


class _Outputs:
    """Files written by a run into its generation folder (``ncpm.io.publish``): each atomically, each hashed for the
    manifest; a file kept from the previous run is carried over (hard link or copy) by ``generation``."""

    def __init__(self, out_dir: Path, generation=None) -> None:
        self.out_dir = out_dir
        self.generation = generation
        self.files: dict[str, str] = {}

    def record(self, path: Path) -> None:
        from ncpm.io.publish import kill_point
        from ncpm.io.runstate import sha256_file

        self.files[Path(path).relative_to(self.out_dir).as_posix()] = sha256_file(path)
        kill_point(f"outputs:{len(self.files)}")  # test hook: after the n-th file written

    def table(self, frame: pd.DataFrame, path: Path) -> None:
        from ncpm.io.store import write_table

        path.parent.mkdir(parents=True, exist_ok=True)
        write_table(frame, path)
        self.record(path)

    def data(self, data: bytes, path: Path) -> None:
        from ncpm.io.store import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        self.record(path)

    def keep(self, relative: str, digest: str) -> None:
        if self.generation is not None:
            self.generation.reuse(relative)
        self.files[relative] = digest


def _outputs_intact(out_dir: Path, files: dict[str, str], prefix: str, exclude: str | None = None) -> bool:
    """Every previous output under ``prefix`` (less those under ``exclude``) still has the hash the manifest gives."""
    from ncpm.io.runstate import sha256_file

    chosen = {k: v for k, v in files.items() if k.startswith(prefix) and not (exclude and k.startswith(exclude))}
    try:
        return bool(chosen) and all(sha256_file(out_dir / k) == v for k, v in chosen.items())
    except OSError:
        return False


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


def _up_to_date(previous: dict, request: str, out_dir: Path, inputs: list[Path], base: Path) -> bool:
    """Whether the published run is up to date, decided from its manifest without reading a table or hashing a
    file: the same request (configuration, scope, ncpm version), every input with the size and modification time
    recorded, and every output too. Anything else goes through the stage checks (which hash what changed)."""
    from ncpm.io.runstate import input_stats, outputs_unchanged, published_dir, relative_keys

    if not previous or previous.get("request") != request or not all(p.exists() for p in inputs):
        return False
    try:
        stats = relative_keys(input_stats(inputs), base)
    except OSError:
        return False
    return stats == previous.get("inputs", {}).get("stats") and outputs_unchanged(
        published_dir(out_dir), previous.get("output_stats", {}))


def _fingerprints(inputs: list[Path], base: Path, previous: dict) -> tuple[dict[str, str], dict[str, list[int]]]:
    """The inputs' content hashes and ``[size, mtime_ns]``, keyed as the manifest keys them (relative to the configuration's folder);
    a file with the size and time the previous manifest recorded keeps its hash unread."""
    from ncpm.io.runstate import fingerprint_inputs, input_stats, relative_keys

    stats = input_stats(inputs)
    names = relative_keys({name: name for name in stats}, base)  # manifest key -> file
    before = previous.get("inputs", {})
    old_stats, old_hashes = before.get("stats", {}), before.get("fingerprints", {})
    known = {name: (old_stats[key], old_hashes[key]) for key, name in names.items()
             if key in old_stats and key in old_hashes}
    return (relative_keys(fingerprint_inputs(inputs, known, stats), base), relative_keys(stats, base))


def _update_store(results, store: Path, write_store, previous: Path | None = None) -> list[Path]:
    """Write the canonical store into the new generation's ``store`` (each file atomically, fsynced); a kind whose
    content equals the previous run's file (in ``previous``) is that file, hard-linked (so that a changed survey
    file leaves ``volumes.parquet`` untouched: same file, same time)."""
    import os

    from ncpm.io.runstate import sha256_file

    paths = []
    for kind, path in write_store(results, store).items():
        old = previous / f"{kind}.parquet" if previous is not None else None
        if old is not None and old.is_file() and not old.is_symlink() and sha256_file(old) == sha256_file(path):
            tmp = path.with_name(f".{path.name}.link.tmp")
            tmp.unlink(missing_ok=True)
            try:
                os.link(old, tmp)
                os.replace(tmp, path)
            except OSError:
                tmp.unlink(missing_ok=True)
        paths.append(path)
    return paths


SCREEN_DPI = 140  # the HTML's and figures folder's PNGs: 882 px at the print width, as wide as before (8 in at 110)
PRINT_DPI = 300  # the Word report's PNGs: print resolution at the 16 cm text width


def render_figure(draw, formats: Iterable[str] = ("png",)) -> dict[str, bytes]:
    """One figure drawn once, at the Word report's text width (``report_docx.FIGURE_WIDTH``, 16 cm, in the aspect
    of ``plots.FIGSIZE``) so that its fonts print at the sizes ``plots.FONT`` states, then saved in each format:
    "png" at ``SCREEN_DPI`` (the HTML and the figures folder), "svg", and "print", a PNG at ``PRINT_DPI`` for Word.

    Drawing (the plotting code) runs once; each format is a save of the same figure. No date or software metadata:
    the same figure gives the same bytes.
    """
    import io as _io

    from matplotlib.figure import Figure

    from ncpm.words.plots import FIGSIZE
    from ncpm.words.report_docx import FIGURE_WIDTH

    width = FIGURE_WIDTH.inches
    fig = Figure(figsize=(width, width * FIGSIZE[1] / FIGSIZE[0]), dpi=SCREEN_DPI)
    ax = fig.add_subplot()
    draw(ax)
    fig.tight_layout()
    out = {}
    for fmt in dict.fromkeys([*formats, "print"]):
        buf = _io.BytesIO()
        kind = "png" if fmt == "print" else fmt
        fig.savefig(buf, format=kind, dpi=PRINT_DPI if fmt == "print" else SCREEN_DPI,
                    metadata={"Software": None} if kind == "png" else {"Date": None})
        out[fmt] = buf.getvalue()
    return out


def render_figures(res, policy=None, formats: Iterable[str] = ("png",)) -> dict[str, tuple[object, dict[str, bytes]]]:
    """The quarter's figures (``quarter.quarter_figures``, in report order) rendered: name -> (the
    ``QuarterFigure``: caption, measure, placement; format -> bytes)."""
    from ncpm import quarter as q

    return {name: (fig, render_figure(fig[1], formats)) for name, fig in q.quarter_figures(res, policy).items()}


PUBLISHERS = {  # who publishes each reader's format, for the report's "Data sources"
    "police_uk": "data.police.uk (Home Office)",
    "home_office": "Home Office",
    "ons_pfa_table": "Office for National Statistics",
    "extract": "the force (extract)",
}


def data_sources(frames: dict[str, pd.DataFrame], accounting: list[dict]) -> dict[str, dict]:
    """Each kind of input with its files, publishers, rows loaded and the period it covers (first and last month, or
    year for population; the versions for MSG membership), for the manifest and the report's "Data sources".

    Files are named by their names (an archive's member with its archive's): never by a local path, which the
    report would publish, and the same wherever the project folder is.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "homicide",
    ...                   "month": pd.PeriodIndex(["2023-01", "2023-06"], freq="M"), "count": [1, 0]})
    >>> data_sources({"volumes": v}, [])["volumes"]["last"]
    '2023-06'
    """
    from ncpm.core import schema

    out: dict[str, dict] = {}
    for kind, frame in sorted(frames.items()):
        spec = schema.SPECS.get(kind)
        mine = [a for a in accounting if a["kind"] == kind]
        files = [_file_name(a["file"]) for a in mine]
        publishers = list(dict.fromkeys(PUBLISHERS.get(a.get("format", ""), a.get("format", "")) for a in mine))
        entry: dict = {"name": SOURCE_NAMES.get(kind, kind), "files": files,
                       "publishers": [p for p in publishers if p], "rows": len(frame)}
        if spec is not None and spec.months and len(frame):
            months = pd.PeriodIndex(frame[spec.months[0]], freq="M")
            entry |= {"first": str(months.min()), "last": str(months.max())}
        elif kind == "population" and len(frame):
            entry |= {"first": str(int(frame[schema.YEAR].min())), "last": str(int(frame[schema.YEAR].max()))}
        if kind == "msg" and len(frame):
            entry["versions"] = sorted(map(str, frame[schema.VERSION].unique()))
        out[kind] = entry
    return out


def _file_name(file: str) -> str:
    """A data file as the report names it: its name (an archive member "<archive>.zip/<member>" keeps both).

    >>> _file_name("/home/analyst/ncpm/raw/volumes.csv"), _file_name("/data/police-uk.zip/2023-06/x-street.csv")
    ('volumes.csv', 'police-uk.zip/2023-06/x-street.csv')
    """
    path = Path(file)
    parts = path.parts
    archive = next((i for i, part in enumerate(parts) if part.lower().endswith(".zip")), None)
    return "/".join(parts[archive:]) if archive is not None else path.name


def _source_lines(sources: dict[str, dict], msg_version: str | None, demo: bool = False) -> tuple[str, ...]:
    """The report's "Data sources" list: one line per kind of input, its period, its files (by name, never a local
    path) and who publishes them (the demo's: ncpm's synthetic dataset)."""
    lines = []
    for entry in sources.values():
        period = ""
        if "first" in entry:
            period = f", {entry['first']} to {entry['last']}" if entry["first"] != entry["last"] else f", {entry['first']}"
        if entry.get("versions"):
            period += f", version {msg_version or ', '.join(entry['versions'])}"
        files = "; ".join(_file_name(f) for f in entry["files"])
        publishers = [DEMO_SOURCE] if demo else entry.get("publishers", [])
        by = f"; published by {', '.join(publishers)}" if publishers else ""
        lines.append(f"{entry['name']}{period} ({entry['rows']:,} rows{': ' + files if files else ''}{by})")
    return tuple(lines)


def config_hash(cfg) -> str:
    """sha256 of the configuration as the manifest records it (``Config.as_dict``, keys sorted), for provenance."""
    import hashlib

    text = json.dumps(cfg.as_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_commentary(cfg):
    """The OPCC commentary file ``[report] commentary`` names (relative to the configuration file), parsed
    (:func:`ncpm.words.commentary.parse_commentary`; its warnings name the file and line); None when none is configured.
    A configured file that is missing or unreadable is an :class:`InputError` naming the key and the file."""
    from ncpm.core.errors import InputError
    from ncpm.words.commentary import parse_commentary

    if not cfg.report.commentary:
        return None
    path = cfg.path(cfg.report.commentary)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{cfg.source}: report.commentary: no such file {path} (write one with  ncpm commentary "
                         f"--out {cfg.report.commentary})", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8",
                         file=str(path)) from None
    return parse_commentary(text, cfg.report.commentary)


def commentary_template(cfg, *, quarter: str, force: str | None = None, run_dir: str | Path | None = None) -> str:
    """The OPCC commentary template for ``force`` and ``quarter`` (:func:`ncpm.words.commentary.template`): the quarter's
    statements quoted under their headings. They are the finished run's in ``run_dir`` (default ``output.dir``)
    when it reported this force and quarter, else this function runs first (``run``, incremental) and takes them
    from the run it made."""
    from ncpm.core.errors import ConfigError
    from ncpm.core.forces import canonical_force
    from ncpm.core.periods import parse_quarter
    from ncpm.io.runstate import published_dir, read_manifest
    from ncpm.words.commentary import template

    forces = [force] if force else list(cfg.scope.forces)
    if len(forces) != 1:
        raise ConfigError(f"{cfg.source}: scope.forces lists {len(forces)} forces: choose one with --force")
    chosen = canonical_force(forces[0])
    wanted = str(parse_quarter(quarter))
    run_dir = Path(run_dir) if run_dir is not None else cfg.path(cfg.output.dir)

    def cached():  # the manifest and the statements of one published run (never through the shortcuts)
        published = published_dir(run_dir)
        manifest = read_manifest(published)
        entry = manifest.get("results", {}).get(chosen, {})
        path = published / _slug(chosen) / "statements.json"
        if entry.get("quarter") != wanted or f"{_slug(chosen)}/statements.json" not in manifest.get("outputs", {}):
            return None
        return entry, json.loads(path.read_text(encoding="utf-8"))

    found = cached()
    if found is None:
        log.info("no run for %s, %s in %s: running first", chosen, wanted, run_dir)
        bare = dataclasses.replace(cfg, report=dataclasses.replace(cfg.report, commentary=""))
        run(bare, quarter=wanted, forces=[chosen], out=run_dir)
        found = cached()
        if found is None:
            raise ConfigError(f"the run in {run_dir} did not report {chosen} for {wanted}")
    entry, records = found
    as_of = pd.Period(entry["month"], freq="M").strftime("%B %Y")
    return template(chosen, wanted, as_of, [(r["measure"], r["text"]) for r in records])


def _commentary_stat(cfg) -> list[int] | None:
    """The commentary file's size and modification time, for the no-op check (an edited commentary is new work)."""
    path = cfg.path(cfg.report.commentary) if cfg.report.commentary else None
    try:
        return [path.stat().st_size, path.stat().st_mtime_ns] if path is not None else None
    except OSError:
        return None


def _commentary_digest(cfg) -> str:
    """The commentary file's hash, so that editing it renders the report again ("" when none or missing)."""
    from ncpm.io.runstate import sha256_file

    path = cfg.path(cfg.report.commentary) if cfg.report.commentary else None
    return sha256_file(path) if path is not None and path.is_file() else ""


def run(config=None, *, full: bool = False, as_of: str | None = None, quarter: str | None = None,
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
    import time

    from ncpm import __version__
    from ncpm.core.errors import InputError
    from ncpm.io.publish import Generation, kill_point, tidy
    from ncpm.io.runstate import MANIFEST_NAME, RunLock, combine, output_stats, read_manifest
    from ncpm.io.store import atomic_write_bytes, read_store, read_table, write_store
    from ncpm.pipeline.config import load_config

    cfg = config if config is not None else load_config(None)
    out_dir = Path(out) if out is not None else cfg.path(cfg.output.dir)
    scope_forces = tuple(forces) if forces else cfg.scope.forces
    from ncpm.pipeline.config import check_scope

    check_scope(as_of or cfg.scope.as_of, quarter or cfg.scope.quarter,  # a ConfigError (exit 2) before anything runs
                as_of_name="--as-of" if as_of else "scope.as_of", quarter_name="--quarter" if quarter else "scope.quarter")
    as_of = as_of or cfg.scope.as_of or None
    quarter = quarter or cfg.scope.quarter or None
    summary = RunSummary(exit_code=0, out_dir=out_dir, manifest={})
    timings: dict[str, float] = {}
    bar = _Progress(1 + 4 * len(scope_forces), progress)
    with RunLock(out_dir) as lock, _Unpublished() as unpublished:
        if lock.cleared_stale:
            log.warning(lock.cleared_stale)
            summary.warnings.append(lock.cleared_stale)
        removed = _remove_temporary_files(out_dir)
        if removed:
            log.warning("removed %d temporary file(s) left by an interrupted run", removed)
        tidy(out_dir, keep=cfg.output.previous_runs)  # shortcuts and pruning a run killed after its switch left
        previous = {} if full else read_manifest(out_dir)
        # the project folder too: the report names its input files, so a moved project renders it again
        request = combine(__version__, cfg.as_dict(), scope_forces, as_of, quarter, _commentary_stat(cfg),
                          str(Path(cfg.base_dir).resolve()))
        if _up_to_date(previous, request, out_dir, [cfg.path(p) for p in cfg.inputs.paths], Path(cfg.base_dir)):
            # decided from the manifest alone: no table read, no file hashed, nothing written
            summary.nothing_changed, summary.manifest = True, previous
            summary.reused = list(previous.get("stages", {}))
            summary.problems = list(previous.get("problems", []))
            summary.exit_code = 1 if summary.problems else 0
            return summary
        # statsmodels and matplotlib are loaded only now: a run with nothing to do never needs them
        from ncpm.quarter import QuarterOptions

        # this run's files go into a new generation folder, published as a whole at the end (ncpm.io.publish)
        generation = unpublished.generation = Generation(out_dir, keep=cfg.output.previous_runs)
        prev_dir = generation.previous  # the published run: what a reused output is read from and linked to
        outputs = _Outputs(generation.dir, generation)
        options = QuarterOptions.from_config(cfg, source=_source_label(cfg))
        policy = disclosure_policy(cfg)
        inputs = [cfg.path(p) for p in cfg.inputs.paths]
        missing = [str(p) for p in inputs if not p.exists()]
        if missing:
            raise InputError(f"input not found: {', '.join(missing)}", file=str(missing[0]))

        started = time.perf_counter()
        fingerprints, input_stat = _fingerprints(inputs, Path(cfg.base_dir), previous)
        ingest_key = combine(__version__, fingerprints, dataclasses.asdict(cfg.inputs))
        prev_stages = previous.get("stages", {})
        store = generation.dir / STORE
        reuse = prev_stages.get("ingest") == ingest_key and _outputs_intact(prev_dir, previous.get("outputs", {}),
                                                                            STORE + "/")
        bar.step(f"ingest ({'reused' if reuse else 'reading ' + str(len(fingerprints)) + ' file(s)'})")
        if reuse:
            accounting = previous.get("inputs", {}).get("accounting", [])
            kinds = sorted({p.split("/")[-1].removesuffix(".parquet") for p in previous["outputs"]
                            if p.startswith(STORE + "/")})
            frames = {kind: read_store(prev_dir / STORE, kind) for kind in kinds}
            for k, v in previous["outputs"].items():
                if k.startswith(STORE + "/"):
                    outputs.keep(k, v)
            summary.reused.append("ingest")
        else:
            results = read_inputs(inputs, progress=False, encoding=cfg.inputs.encoding or None,
                                  last_outcomes=cfg.inputs.police_uk_last_outcomes)
            for path in _update_store(results, store, write_store, None if full else prev_dir / STORE):
                outputs.record(path)
            frames = frames_by_kind(results)
            accounting = [{"file": r.file, "format": r.format, "kind": r.kind, "rows_in": r.rows_in,
                           "loaded": r.rows_loaded, "rejected": len(r.problems),
                           "skipped": r.rows_skipped, "summed": r.summed, "notes": r.notes[:100],
                           "rejections": [str(x) for x in r.problems[:100]],
                           "skipped_rows": [str(x) for x in r.rejected if x.expected][:100]} for r in results]
            summary.recomputed.append("ingest")
        if "volumes" not in frames or not len(frames["volumes"]):
            raise InputError("no crime volumes among the inputs: nothing to report "
                             f"(read: {', '.join(a['file'] for a in accounting) or 'no files'})",
                             file=str(inputs[0]) if inputs else None)
        for a in accounting:
            if a["rejected"]:
                summary.problems.append(f"{a['file']}: {a['rejected']} row(s) rejected")
                summary.problems.extend(f"  {x}" for x in a["rejections"][:20])
                if a["rejected"] > 20:
                    summary.problems.append(f"  ... and {a['rejected'] - 20} more")
        timings["ingest"] = time.perf_counter() - started
        frames = apply_areas(frames, cfg, scope_forces)
        check_survey(frames, cfg)
        options = dataclasses.replace(options, source=_source_label(cfg, accounting))
        data_hash = {kind: outputs.files.get(f"{STORE}/{kind}.parquet", "") for kind in KINDS}
        sources = data_sources(frames, accounting)

        stages = {"ingest": ingest_key}
        report_paths = {}
        msg_versions: dict[str, str] = {}
        not_in_report: dict[str, list[dict]] = {}
        context = _RunContext(frames, options, policy, sources, as_of, quarter, cfg, generation.dir, outputs,
                              previous, data_hash, stages, summary, timings, read_table, bar)
        context.prev_dir = prev_dir
        context.districts = any(a["kind"] == "volumes" and a["format"] == "police_uk" for a in accounting)
        with _engine(cfg) as context.engine:
            for force in scope_forces:
                paths, msg_version = _run_force(force, context)
                report_paths[force] = paths
                if msg_version:
                    msg_versions[force] = msg_version
                not_in_report[force] = context.omitted.get(force, [])
        bar.close()
        methods = options.describe()
        if msg_versions:
            methods["MSG version"] = ", ".join(sorted(set(msg_versions.values())))
        manifest = {
            "manifest_version": MANIFEST_VERSION, "ncpm_version": __version__, "config": cfg.as_dict(),
            "inputs": {"fingerprints": fingerprints, "stats": input_stat, "accounting": accounting},
            "sources": sources, "msg_version": msg_versions,
            "methods": methods, "disclosure": dataclasses.asdict(policy), "stages": stages,
            "outputs": dict(sorted(outputs.files.items())),
            "reports": {f: [str(generation.user_path(p)) for p in v] for f, v in report_paths.items()},
            "not_in_report": not_in_report,  # per force: what the report does not give and why (quarter.coverage)
            "problems": summary.problems, "warnings": summary.warnings,
            "results": context.results,  # per force: the month, quarter, options and notes (ncpm.load_run)
            "provenance": context.provenance,  # per force: the report's generation date, version, config hash
            "request": request,  # the configuration, scope and ncpm version: with the stats, the no-op check
        }
        unchanged = (previous and previous.get("stages") == stages and previous.get("outputs") == manifest["outputs"]
                     and "results" in previous  # (ncpm.load_run reads it: a manifest without it is written anew)
                     and (prev_dir / MANIFEST_NAME).exists()
                     # a stage rebuilt a missing or altered file: publish the repair
                     and (not summary.recomputed or _outputs_intact(prev_dir, manifest["outputs"], "")))
        if unchanged:
            generation.discard()  # nothing to publish: the published run stays, not one file rewritten
            summary.nothing_changed = True
            summary.manifest = previous
            stats = {"request": request, "output_stats": output_stats(prev_dir, previous["outputs"])}
            if any(previous.get(k) != v for k, v in stats.items()) or previous["inputs"].get("stats") != input_stat:
                # the same content (touched files, another spelling of the configuration): only the sizes and
                # times the next no-op check compares are brought up to date, in the published manifest
                updated = previous | stats | {"inputs": previous["inputs"] | {"stats": input_stat}}
                atomic_write_bytes(prev_dir / MANIFEST_NAME,
                                   (json.dumps(updated, indent=2, default=str) + "\n").encode())
                summary.manifest = updated
        else:
            manifest["timings_seconds"] = {k: round(v, 3) for k, v in timings.items()}
            manifest["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")  # local time, as "up to date" says it
            manifest["output_stats"] = output_stats(generation.dir, manifest["outputs"])
            atomic_write_bytes(generation.dir / MANIFEST_NAME,
                               (json.dumps(manifest, indent=2, default=str) + "\n").encode())
            kill_point("publish:manifest")  # test hook: the new run complete, not yet published
            generation.publish()  # the one switch: readers now see this run, all of it
            summary.manifest = manifest
    summary.exit_code = 1 if summary.problems else 0
    return summary


def disclosure_policy(cfg=None):
    """The disclosure policy for published tables: ``cfg.disclosure`` when the configuration has that section,
    otherwise :class:`ncpm.methods.disclosure.DisclosurePolicy` defaults (counts 1 to 4 below force level suppressed), with
    the local areas named "LPA" in the report's sentences."""
    from ncpm.methods.disclosure import DisclosurePolicy

    section = getattr(cfg, "disclosure", None)
    if section is None:
        return DisclosurePolicy(area_level="LPA")
    known = {f.name for f in dataclasses.fields(DisclosurePolicy)}
    values = {k: v for k, v in dataclasses.asdict(section).items() if k in known}
    return DisclosurePolicy(**({"area_level": "LPA"} | values))


FORMAT_SOURCES = {  # how figure footnotes name the source of the monthly volumes, by reader format
    "police_uk": "data.police.uk street-level crime",
    "extract": "force extract",
    "home_office": "Home Office police recorded crime open data",
    "ons_pfa_table": "ONS police force area tables",
}


def source_label(results: Iterable) -> str:
    """The source figure footnotes name for the monthly volumes read (``LoadResult`` objects or the manifest's
    accounting records): "data.police.uk street-level crime", "force extract", or both joined; "" when none.

    >>> source_label([{"kind": "volumes", "format": "police_uk"}])
    'data.police.uk street-level crime'
    """
    formats = []
    for r in results:
        kind, fmt = (r["kind"], r["format"]) if isinstance(r, dict) else (r.kind, r.format)
        if kind == "volumes" and fmt not in formats:
            formats.append(fmt)
    return " and ".join(FORMAT_SOURCES.get(f, f) for f in formats)


def _source_label(cfg, accounting: Iterable = ()) -> str:
    """The data source for figure footnotes: the demo's label, else the readers' sources of the volumes
    (:func:`source_label`)."""
    demo = demo_dir().resolve()
    if any(cfg.path(p).resolve() == demo for p in cfg.inputs.paths):
        return DEMO_SOURCE
    return source_label(accounting)


def apply_areas(frames: dict[str, pd.DataFrame], cfg, forces: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The configured local policing areas (``[areas.<force>]``) applied to each force's volumes and outcomes
    (:func:`ncpm.methods.series.map_areas`), after checking that every district listed is in the data
    (:func:`ncpm.pipeline.config.check_areas`, a ConfigError naming the file and key). Forces without a table keep their
    areas (police.uk: districts)."""
    from ncpm.core import schema
    from ncpm.core.errors import ConfigError, InputError
    from ncpm.core.forces import canonical_force
    from ncpm.methods.series import map_areas
    from ncpm.pipeline.config import check_areas

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
        out[kind] = frame
    return out


def check_survey(frames: dict[str, pd.DataFrame], cfg) -> None:
    """``[satisfaction] survey`` names a survey the data hold (when they hold any): else a ConfigError naming the
    key, the surveys there are and the closest."""
    import difflib

    from ncpm.core import schema
    from ncpm.core.errors import ConfigError

    survey = frames.get("survey")
    if survey is None or not len(survey) or schema.SURVEY not in survey.columns:
        return
    names = sorted(set(survey[schema.SURVEY].astype(str)))
    wanted = cfg.satisfaction.survey
    if wanted not in names:
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
        raise ConfigError(f"{cfg.source}: satisfaction.survey: no survey {wanted!r} in the survey data (they hold: "
                          f"{', '.join(names)})" + (f"; close matches: {', '.join(close)}" if close else ""))


def _engine(cfg):
    """Where per-series work runs (config ``[engine]``): this process, local processes or a Dask cluster."""
    import contextlib

    from ncpm.quarter.engine import EngineOptions, start_engine

    if cfg.engine.kind == "single":
        return contextlib.nullcontext(None)
    return start_engine(EngineOptions(cfg.engine.kind, cfg.engine.workers or None, cfg.engine.address or None))


@dataclass
class _RunContext:
    frames: dict
    options: object
    policy: object
    sources: dict
    as_of: str | None
    quarter: str | None
    cfg: object
    out_dir: Path
    outputs: _Outputs
    previous: dict
    data_hash: dict
    stages: dict
    summary: RunSummary
    timings: dict
    read_table: object
    bar: _Progress
    engine: object = None  # a running ncpm.quarter.engine.Engine, or None for this process
    prev_dir: Path | None = None  # the published run's folder: reused outputs are read and carried over from it
    omitted: dict = field(default_factory=dict)  # force -> the report's "Not in this report" records
    districts: bool = False  # the volumes' areas are police.uk districts (named alone unless [areas] maps them)
    results: dict = field(default_factory=dict)  # force -> month, quarter, options and notes, for the manifest
    provenance: dict = field(default_factory=dict)  # force -> what its report says made it (report_model)


def _counted(c: _RunContext, res, calls: int):
    """The engine for a stage's per-series work: on a terminal, in this process, one that counts the series done
    on the progress bar (:class:`_CountingEngine`); otherwise the run's engine as it is (a log gets one line per
    stage, and worker processes keep their chunks)."""
    if c.bar.stream is None or c.engine is not None:
        return c.engine
    from ncpm.core import schema

    volumes = res.tables["volumes"]
    whole = volumes[volumes[schema.AREA] == schema.WHOLE_FORCE]
    n = len(whole.drop_duplicates(schema.SERIES_KEY))
    # the statsmodels engine fits series one at a time anyway; the fast one fits a batch at once: ten steps
    size = 1 if res.options.forecast_engine == "statsmodels" else max(1, -(-n // 10))
    return _CountingEngine(c.bar, calls * n, size)


class _CountingEngine(Engine):
    """This process, chunk by chunk of whole series (series are independent: the same result), moving the progress
    bar on after each chunk."""

    def __init__(self, bar: _Progress, total: int, size: int) -> None:
        super().__init__(EngineOptions("single"))
        self.bar, self.total, self.size, self.done = bar, total, size, 0

    def map(self, func, frame, *, key=SERIES_KEY, **kwargs):
        key = list(key)
        parts = []
        for chunk in series_chunks(frame, self.size, key) if len(frame) else [frame]:
            parts.append(func(chunk, **kwargs))
            self.done += len(chunk.drop_duplicates(key))
            self.bar.items(min(self.done, self.total), self.total)
        return canonical_order(pd.concat(parts, ignore_index=True), key)


RUN_VOLUMES = ("volumes_used",)  # the force's volumes as the measures read them (areas mapped), for ncpm.load_run


def _compute_measures(res, frames, engine) -> None:
    """The measures stage: :func:`ncpm.quarter.compute_measures`, and the force's volumes it read kept as a table."""
    from ncpm import quarter as q

    q.compute_measures(res, frames, engine=engine)
    res.tables[RUN_VOLUMES[0]] = res.tables["volumes"]


def _run_force(force: str, c: _RunContext) -> tuple[list[Path], str | None]:
    """One force's stages: measures, forecasts, peers (each reused when its inputs are unchanged), then the
    statements, figures and report (rendered again whenever a stage before them changed). Returns the report files
    and the MSG version used."""
    import time

    from ncpm import __version__
    from ncpm import quarter as q
    from ncpm.io.runstate import combine

    frames, out_dir, outputs, summary = c.frames, c.out_dir, c.outputs, c.summary
    options = c.options
    if c.districts and not c.cfg.area_mapping(force):
        options = dataclasses.replace(options, area_noun="")  # "in Rugby", not "in the Rugby LPA"
    res = q.start_quarter(frames, force, month=c.as_of, quarter=c.quarter, options=options)
    folder = out_dir / _slug(res.force)
    prefix = f"{folder.name}/"
    prev_stages = c.previous.get("stages", {})
    prev_outputs = c.previous.get("outputs", {})
    opts = dataclasses.asdict(res.options)
    common = (__version__, res.force, str(res.month), str(res.quarter), c.cfg.area_mapping(res.force))
    data_hash = c.data_hash
    plan = {
        "measures": (combine(common, opts, data_hash["volumes"], data_hash["outcomes"], data_hash["survey"],
                             RUN_VOLUMES),
                     q.MEASURE_TABLES + RUN_VOLUMES, lambda: _compute_measures(res, frames, c.engine)),
        "forecasts": (combine(common, opts["forecast_method"], opts["forecast_engine"], opts["horizon"],
                              data_hash["volumes"]), q.FORECAST_TABLES,
                      lambda: q.compute_forecasts(res, engine=_counted(c, res, calls=len(q.FORECAST_TABLES)))),
        "peers": (combine(common, opts, data_hash["volumes"], data_hash["population"], data_hash["msg"],
                          data_hash["period_counts"], data_hash["quarterly"]),
                  q.PEER_TABLES, lambda: q.compute_peers(res, frames)),
    }
    any_changed = False
    for stage, (key, tables, compute) in plan.items():
        name = f"{stage}:{res.force}"
        started = time.perf_counter()
        stage_prefix = f"{prefix}tables/{stage}/"
        reuse = prev_stages.get(name) == key and _outputs_intact(c.prev_dir, prev_outputs, stage_prefix)
        c.bar.step(f"{res.force}: {stage} ({'reused' if reuse else 'computing'})")
        if reuse:
            for rel, digest in prev_outputs.items():
                if rel.startswith(stage_prefix):
                    res.tables[Path(rel).stem] = c.read_table(c.prev_dir / rel)
                    outputs.keep(rel, digest)
            summary.reused.append(name)
        else:
            compute()
            for table in tables:
                if table in res.tables:
                    outputs.table(res.tables[table], folder / "tables" / stage / f"{table}.parquet")
            summary.recomputed.append(name)
            any_changed = True
        c.stages[name] = key
        c.timings[name] = time.perf_counter() - started
    membership = res.tables.get("msg_membership")
    msg_version = (", ".join(sorted(map(str, membership["version"].unique())))
                   if membership is not None and len(membership) else None)
    report_key = combine([c.stages[f"{s}:{res.force}"] for s in plan], c.cfg.output.figure_formats,
                         c.cfg.output.markdown, dataclasses.asdict(c.policy), c.sources, msg_version,
                         config_hash(c.cfg), _commentary_digest(c.cfg))
    name = f"report:{res.force}"
    c.stages[name] = report_key
    report_html = folder / f"report-{_slug(str(res.quarter))}.html"
    report_files = [report_html, report_html.with_suffix(".docx")]  # the .docx: the same report for Word
    report_files += [report_html.with_suffix(".md")] if c.cfg.output.markdown else []
    reuse = (not any_changed and prev_stages.get(name) == report_key
             and all(f.relative_to(out_dir).as_posix() in prev_outputs for f in report_files)
             and _outputs_intact(c.prev_dir, prev_outputs, prefix, exclude=f"{prefix}tables/"))
    c.bar.step(f"{res.force}: statements, figures and report ({'reused' if reuse else 'rendering'})")
    if reuse:
        for rel, digest in prev_outputs.items():
            if rel.startswith(prefix) and not rel.startswith(f"{prefix}tables/"):
                outputs.keep(rel, digest)
        c.omitted[res.force] = c.previous.get("not_in_report", {}).get(res.force, [])
        c.results[res.force] = c.previous.get("results", {}).get(res.force) or _results_entry(res)
        c.provenance[res.force] = c.previous.get("provenance", {}).get(res.force, {})
        summary.reused.append(name)
        return report_files, msg_version
    started = time.perf_counter()
    res.statements = q.quarter_statements(res)
    summary.warnings.extend(f"{res.force}: {n}" for n in res.notes)
    c.omitted[res.force] = [o.as_record() for o in res.omitted]
    c.results[res.force] = _results_entry(res)
    written = _write_presentation(res, c, folder, msg_version)
    summary.recomputed.append(name)
    c.timings[name] = time.perf_counter() - started
    return written, msg_version


def _results_entry(res) -> dict:
    """What ``ncpm.load_run`` needs beside the tables and statements: the month and quarter reported, the options
    and the run's notes for the force."""
    return {"month": str(res.month), "quarter": str(res.quarter), "options": dataclasses.asdict(res.options),
            "notes": list(res.notes)}


def _write_presentation(res, c: _RunContext, folder: Path, msg_version: str | None) -> list[Path]:
    """Statements (JSON and parquet), figures, the summary table and the quarterly report (HTML and DOCX, optionally
    Markdown), from :func:`report_model`; the report's data tables by LPA go through disclosure control first."""
    import datetime

    from ncpm import __version__
    from ncpm import quarter as q
    from ncpm.words import report, report_docx
    from ncpm.words import statements as narrative

    cfg, outputs = c.cfg, c.outputs
    records = [{**{k: (str(v) if isinstance(v, pd.Period) else v) for k, v in s.as_record().items()
                   if not k.startswith("fact_")}, "facts": {k: _jsonable(v) for k, v in s.facts.items()}}
               for s in res.statements]
    outputs.data((json.dumps(records, indent=2, default=str) + "\n").encode(), folder / "statements.json")
    outputs.table(narrative.to_frame(res.statements), folder / "statements.parquet")
    summary_table = q.summary_table(res)
    outputs.table(summary_table, folder / "summary.parquet")
    rendered = render_figures(res, c.policy, cfg.output.figure_formats)
    figure_paths: dict[str, str] = {}
    for name, (fig, files) in rendered.items():
        caption = fig[0]
        for fmt in cfg.output.figure_formats:
            outputs.data(files[fmt], folder / "figures" / f"{name}.{fmt}")
        shown = next((f for f in cfg.output.figure_formats if f in ("png", "svg")), None)
        if shown:
            figure_paths.setdefault(caption, f"figures/{name}.{shown}")
    commentary = read_commentary(cfg)
    if commentary is not None:
        c.summary.warnings.extend(commentary.warnings)
    doc = report_model(res, cfg, figures=rendered, sources=c.sources, msg_version=msg_version, policy=c.policy,
                       commentary=commentary, generated_on=datetime.date.today().isoformat(),
                       summary_table=summary_table)
    c.provenance[res.force] = {"generated": doc.generated_on, "ncpm_version": __version__,
                               "data_to": str(res.month), "config_hash": doc.config_hash,
                               "final": doc.final, "commentary": cfg.report.commentary or None}
    html_path = folder / f"report-{_slug(str(res.quarter))}.html"
    outputs.data(report.render_html(doc).encode("utf-8"), html_path)
    docx_path = html_path.with_suffix(".docx")  # the same report, editable in Word (Police and Crime Panel papers)
    outputs.data(report_docx.render_docx(doc), docx_path)
    written = [html_path, docx_path]
    if cfg.output.markdown:
        md_path = html_path.with_suffix(".md")
        outputs.data(report.render_markdown(doc, figure_paths).encode("utf-8"), md_path)
        written.append(md_path)
    return written


def report_model(res, cfg, *, figures: dict | None = None, sources: dict | None = None,
                 msg_version: str | None = None, policy=None, commentary=None, generated_on: str = "",
                 summary_table: pd.DataFrame | None = None):
    """The quarterly report's model (:class:`ncpm.words.report.QuarterlyReport`) for one force's computed quarter
    (``res``, its statements made), ready for ``render_html``, ``render_markdown`` and ``render_docx``.

    ``figures``: :func:`render_figures`'s output (default: rendered here, PNG); ``sources``: :func:`data_sources`;
    ``policy``: disclosure control (default: ``cfg``'s); ``commentary``: :func:`read_commentary`'s (default: read
    from ``cfg``); ``generated_on``: the ISO date the report states it was generated. ``cfg.report`` gives the
    proxy measures and whether the report is final.

    >>> doc = report_model(res, demo_config(), generated_on="2026-12-01")  # doctest: +SKIP
    >>> render_docx(dataclasses.replace(doc, final=True))  # doctest: +SKIP
    """
    from ncpm import __version__
    from ncpm import quarter as q
    from ncpm.core.catalogue import label as catalogue_label
    from ncpm.core.catalogue import measure as catalogue_measure
    from ncpm.core.catalogue import proxy_measures
    from ncpm.words import report

    policy = policy if policy is not None else disclosure_policy(cfg)
    figures = figures if figures is not None else render_figures(res, policy)
    commentary = commentary if commentary is not None else read_commentary(cfg)
    summary_table = summary_table if summary_table is not None else q.summary_table(res)
    by_measure: dict[str, list[str]] = {}
    for s in res.statements:
        by_measure.setdefault(s.measure, []).append(s.text)
    tables, disclosure_sentences = measure_tables(res, policy)
    if any(name.endswith("_lpa") for name in figures):
        disclosure_sentences.append("The charts by Local Policing Area apply the same control: "
                                    + ("their LPA counts are rounded." if policy.method == "round" else
                                       "a suppressed month is a gap in its line, counted in the chart's note."))
    shown = next((f for f in cfg.output.figure_formats if f in ("png", "svg")), "png")

    def model_figure(fig, files) -> report.Figure:
        fmt = shown if shown in files else "png"
        return report.Figure(fig[0], files.get(fmt) or render_figure(fig[1])["png"], fmt,
                             print_data=files.get("print"))

    def placement(name: str, fig) -> tuple[str, str]:
        return getattr(fig, "measure", name.rsplit("_", 1)[0]), getattr(fig, "placement", "report")

    items = []
    for measure in q.report_measures(res):  # every measure with a row in the summary table or a statement
        figs = tuple(model_figure(fig, files) for name, (fig, files) in figures.items()
                     if placement(name, fig) == (measure, "report"))
        notes = tuple(f"Not in this report: {o.text}." for o in q.measure_omissions(res, measure))
        items.append(report.ReportItem(priority=catalogue_measure(measure).priority,
                                       title=catalogue_label(measure, capital=True), measure=measure,
                                       statements=tuple(by_measure.get(measure, ())), figures=figs,
                                       table=tables.get(measure), notes=notes))
    methods = res.options.describe()
    if msg_version:
        methods["MSG version"] = msg_version
    synthetic = any("demo" in str(s) for s in cfg.inputs.paths)
    return report.QuarterlyReport(
        force=res.force, quarter=str(res.quarter), as_of=res.month.strftime("%B %Y"), items=tuple(items),
        methods=methods, sources=_source_lines(sources or {}, msg_version, demo=synthetic),
        disclosure=tuple(disclosure_sentences), synthetic=synthetic, overview=summary_table,
        not_included=tuple(q.omission_lines(res)), priority_notes=q.priority_omissions(res),
        proxy_measures=proxy_measures(cfg.report.proxy_measures), commentary=commentary, final=cfg.report.final,
        generated_on=generated_on, ncpm_version=__version__, config_hash=config_hash(cfg),
        appendix=tuple(model_figure(fig, files) for name, (fig, files) in figures.items()
                       if placement(name, fig)[1] == "appendix"))


TABLE_MONTHS = 6  # the report's short data tables: the last six months


def measure_tables(res, policy) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The report's short data tables: for each measure, the last six months' counts by area (force first), after
    disclosure control (:func:`ncpm.methods.disclosure.protect`; suppressed cells shown as the policy's marker), and the
    sentences saying what was suppressed and why.

    The counts of every measure are protected together (cells are grouped by force, measure and month), so the
    sentences cover every table in the report.
    """
    from ncpm.core import schema
    from ncpm.methods.disclosure import FLAG, protect

    b = res.tables.get("baseline")
    if b is None or b.empty:
        return {}, []
    cells = b.loc[b[schema.MONTH] > res.month - TABLE_MONTHS,
                  [schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH, schema.COUNT]].reset_index(drop=True)
    if cells.empty:
        return {}, []
    protected = protect(cells, policy, derived=())
    shown = protected.frame
    text = shown[schema.COUNT].astype("object").where(shown[schema.COUNT].notna(), policy.marker)
    text = text.where(~shown[FLAG].astype(str).str.startswith("suppressed"), policy.marker)
    shown = shown.assign(**{schema.COUNT: text.map(lambda v: v if isinstance(v, str) else int(v))})
    tables = {}
    for measure, rows in shown.groupby(schema.MEASURE, sort=False):
        wide = rows.pivot(index=schema.AREA, columns=schema.MONTH, values=schema.COUNT)
        wide = wide[sorted(wide.columns)]
        wide.columns = [m.strftime("%b %Y") for m in wide.columns]
        order = [schema.WHOLE_FORCE] + sorted(a for a in wide.index if a != schema.WHOLE_FORCE)
        wide = wide.reindex([a for a in order if a in wide.index]).fillna("")
        tables[measure] = wide.reset_index().rename(columns={schema.AREA: "Area"})
    return tables, protected.summary()


# --- exports ---------------------------------------------------------------------------------------------------


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
    from ncpm.core.errors import ConfigError
    from ncpm.core.forces import canonical_force
    from ncpm.io.runstate import published_dir, read_manifest

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
    prefix = _slug(chosen) + "/"
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
    from ncpm.core import schema
    from ncpm.core.errors import ConfigError
    from ncpm.io.export import export_table
    from ncpm.io.store import read_table

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
