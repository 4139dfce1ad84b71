"""State of a scheduled run on disk: the run lock, input fingerprints and the run manifest.

A scheduled job must be safe to run unattended and to rerun (issue "Scheduled batch recomputation"):
- one run at a time: :class:`RunLock` creates ``.ncpm.lock`` exclusively (``O_CREAT | O_EXCL``) holding the pid and
  host; a second run is refused with a clear message; a lock left by a dead process on this host is cleared;
- inputs are fingerprinted by size and modification time first and by content (SHA-256) only when those changed,
  so a rerun with nothing changed does no work and reads no data file (:func:`fingerprint_inputs`);
- the manifest (JSON) is written last and atomically: it only ever describes complete outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ncpm.core.errors import NcpmError
from ncpm.io import publish

LOCK_NAME = ".ncpm.lock"
MANIFEST_NAME = "manifest.json"
_CHUNK = 1 << 20
#: an empty or unreadable lock older than this (seconds) was left by a run killed between creating and writing it
UNREADABLE_LOCK_AGE = 10.0


class RunLocked(NcpmError):
    """Another run holds the lock on this output folder."""


def sha256_file(path: Path) -> str:
    """Content hash of one file (SHA-256, hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_data_file(name: str) -> bool:
    """Whether a file in an input folder is data: not hidden and not a README (any case)."""
    return not name.startswith(".") and not name.upper().startswith("README")


def input_files(paths: list[Path]) -> list[Path]:
    """Every data file under the given files and folders, sorted (hidden folders, hidden files and READMEs left
    out: :func:`is_data_file`)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and is_data_file(f.name) and not any(
                part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


def file_stat(path: Path) -> list[int]:
    """``[size, modification time in ns]`` of one file: what a rerun compares before hashing anything."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


def input_stats(paths: list[Path]) -> dict[str, list[int]]:
    """``{file: [size, mtime_ns]}`` for every input file (:func:`input_files`): no file is read."""
    return {str(f): file_stat(f) for f in input_files(paths)}


def fingerprint_inputs(paths: list[Path], known: dict[str, tuple[list[int], str]] | None = None,
                       stats: dict[str, list[int]] | None = None) -> dict[str, str]:
    """``{file: sha256}`` for every input file.

    ``known``: ``{file: ([size, mtime_ns], sha256)}`` from the previous run's manifest; a file whose size and
    modification time are unchanged keeps its hash unread, so only new or touched files are hashed (a touched file
    with the same content gets the same hash, and the run stays a no-op). ``stats``: this run's
    :func:`input_stats`, when already taken.
    """
    known = known or {}
    stats = stats if stats is not None else input_stats(paths)
    out = {}
    for name, stat in stats.items():
        before = known.get(name)
        out[name] = before[1] if before is not None and list(before[0]) == list(stat) else sha256_file(Path(name))
    return out


def relative_keys(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Input files under the configuration's folder keyed relative to it, so a project folder can be moved or
    copied without its inputs counting as changed."""
    base = base.resolve()
    out = {}
    for name, value in values.items():
        path = Path(name).resolve()
        out[path.relative_to(base).as_posix() if path.is_relative_to(base) else name] = value
    return out


def output_stats(folder: Path, files: Iterable[str]) -> dict[str, list[int]]:
    """``{relative path: [size, mtime_ns]}`` of a run's outputs, recorded in its manifest."""
    return {rel: file_stat(Path(folder) / rel) for rel in files}


def outputs_unchanged(folder: Path, recorded: dict[str, list[int]]) -> bool:
    """Every output the manifest lists still has the size and modification time it recorded (no file read)."""
    try:
        return bool(recorded) and all(file_stat(Path(folder) / rel) == list(stat) for rel, stat in recorded.items())
    except OSError:
        return False


def combine(*parts: Any) -> str:
    """One hash over JSON-serialisable parts (config sections, upstream fingerprints)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """An exclusive lock on an output folder for the length of a run (a context manager).

    >>> import tempfile
    >>> with RunLock(Path(tempfile.mkdtemp())) as lock:
    ...     lock.path.exists()
    True
    """

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_NAME
        self.cleared_stale: str | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder and holder.get("host") == socket.gethostname() and not _pid_alive(holder["pid"]):
                    self.cleared_stale = f"cleared a stale lock left by process {holder['pid']}, which is no longer running"
                    self.path.unlink(missing_ok=True)
                    continue
                if holder is None and self._age() > UNREADABLE_LOCK_AGE:
                    self.cleared_stale = (f"cleared an unreadable lock file {self.path.name} (a run killed as it started "
                                          "leaves one)")
                    self.path.unlink(missing_ok=True)
                    continue
                who = f"process {holder['pid']} on {holder['host']}" if holder else "an unreadable lock file"
                raise RunLocked(f"another ncpm run is using {self.path.parent} ({who}); "
                                f"wait for it to finish, or delete {self.path} if you are sure it is not running") from None
            with os.fdopen(fd, "w") as fh:
                json.dump({"pid": os.getpid(), "host": socket.gethostname()}, fh)
            return self
        raise RunLocked(f"could not take the lock {self.path}")

    def _holder(self) -> dict | None:
        """The lock's holder ``{"pid": int, "host": str}``, or None when the file is empty or not of that form."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("pid"), int) or isinstance(data.get("pid"), bool) \
                or not isinstance(data.get("host"), str):
            return None
        return data

    def _age(self) -> float:
        try:
            return time.time() - self.path.stat().st_mtime
        except OSError:
            return 0.0

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def published_dir(out_dir: str | Path) -> Path:
    """The folder holding the current complete run of the output folder ``out_dir`` (``out_dir/runs/<n>``, as its
    pointer names it: see :mod:`ncpm.io.publish`), or ``out_dir`` itself when it has no pointer (a folder written
    before runs were published as generations, or a generation folder given directly). Resolve it once and read
    every file of a run from it: a run published meanwhile does not change what it holds.
    """
    return publish.published_dir(out_dir)


def read_manifest(folder: Path) -> dict:
    """The manifest of the last complete run in ``folder`` ({} when there is none or it is unreadable): the
    published run's (:func:`published_dir`)."""
    try:
        return json.loads((published_dir(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
