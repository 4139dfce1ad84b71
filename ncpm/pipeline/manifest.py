"""The manifest of a run: the files it wrote with their hashes (:class:`Outputs`), the published run as its manifest
records it (:class:`Previous`), and the checks that make the next run incremental: an unchanged request with inputs
and outputs of the recorded sizes and times is decided from the manifest alone (:func:`up_to_date`), without reading
a table or hashing a file; otherwise an input keeps its recorded hash when its size and time are those recorded
(:func:`input_fingerprints`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ncpm.io import atomic, publish, runstate, store
from ncpm.pipeline.config import Config

MANIFEST_VERSION = 2


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



def input_stats(inputs: list[Path]) -> dict[str, list[int]] | None:
    """The inputs' ``[size, mtime_ns]`` by file, taken once per run (None when an input is missing)."""
    if not all(p.exists() for p in inputs):
        return None
    try:
        return runstate.input_stats(inputs)
    except OSError:
        return None


def up_to_date(previous: dict, request: str, out_dir: Path, stats: dict | None, base: Path) -> bool:
    """Whether the published run is up to date, decided from its manifest without reading a table or hashing a
    file: the same request (configuration, scope, ncpm version), every input with the size and modification time
    recorded, and every output too. Anything else goes through the stage checks (which hash what changed)."""
    if not previous or previous.get("request") != request or stats is None:
        return False
    return runstate.relative_keys(stats, base) == previous.get("inputs", {}).get("stats") and runstate.outputs_unchanged(
        runstate.published_dir(out_dir), previous.get("output_stats", {}))


def input_fingerprints(inputs: list[Path], stats: dict[str, list[int]], base: Path,
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


def commentary_stat(cfg: Config) -> list[int] | None:
    """The commentary file's size and modification time, for the no-op check (an edited commentary is new work)."""
    path = cfg.path(cfg.report.commentary) if cfg.report.commentary else None
    try:
        return [path.stat().st_size, path.stat().st_mtime_ns] if path is not None else None
    except OSError:
        return None


def commentary_digest(cfg: Config) -> str:
    """The commentary file's hash, so that editing it renders the report again ("" when none or missing)."""
    path = cfg.path(cfg.report.commentary) if cfg.report.commentary else None
    return runstate.sha256_file(path) if path is not None and path.is_file() else ""


def current_reports(manifest: dict, out_dir: Path) -> dict:
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
