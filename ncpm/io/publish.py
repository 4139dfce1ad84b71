"""Publishing a run as a whole: each run writes a new generation folder and switches one pointer to it.

Readers of an output folder see either the previous complete run or the new complete run, never a mix, whenever a
run is killed (issue 15). The layout::

    <out>/runs/<n>/              one complete run ("generation"): store/, <force>/..., manifest.json
    <out>/runs/.partial-<n>/     the run being written (never read; removed by the next run if a kill left it)
    <out>/current -> runs/<n>    the pointer: a relative symbolic link, replaced atomically (os.replace)
    <out>/manifest.json -> current/manifest.json, <out>/store -> current/store, <out>/<force> -> current/<force>
                                 stable shortcuts through the pointer: the paths users know keep working

A run builds everything under ``runs/.partial-<n>`` (reused files are hard links to the previous generation's, or
copies where the file system has no hard links), writes the manifest there last, renames the folder to
``runs/<n>`` (so every ``runs/<n>`` is complete) and then replaces the pointer. Until that one rename of the
pointer, readers see the previous run; after it, the new one. Generations older than the current one and the
``keep`` before it (``[output] previous_runs``, default 1) are pruned, so a reader that resolved the pointer just
before a switch can finish reading.

Where symbolic links cannot be made (Windows without Developer Mode or the privilege), the pointer is a small text
file ``<out>/current.txt`` holding ``runs/<n>``, written atomically (a file rename, atomic on NTFS); there are no
shortcuts then, and readers go through :func:`published_dir` (``ncpm report`` and the manifest's ``reports`` print
the generation's paths).

Nothing is written through a symbolic link inside the output folder: a run writes only into the partial folder it
has just created, replaces the shortcuts and the pointer (never follows them), and refuses (a ConfigError, exit 2)
a ``runs`` folder that is a symbolic link.

Test hook: with ``NCPM_TEST_KILL_AT`` set (only the kill test sets it) the process kills itself with SIGKILL at the
named point (:func:`kill_point`), so the test can stop a run at exact moments without timing races.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

from ncpm.core.errors import ConfigError
from ncpm.io.atomic import atomic_write_bytes, fsync_dir

RUNS = "runs"
CURRENT = "current"
POINTER_FILE = "current.txt"
PARTIAL_PREFIX = ".partial-"
STAGING = ".staging"  # where earlier versions staged the store; removed (never followed) if left behind
KILL_ENV = "NCPM_TEST_KILL_AT"
_GENERATION = re.compile(r"^\d+$")


def kill_point(name: str) -> None:
    """Test hook: SIGKILL this process when ``NCPM_TEST_KILL_AT`` names this point (see the module docstring)."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _pointer_target(out_dir: Path) -> str | None:
    """``runs/<n>`` as the pointer gives it (symbolic link first, then the pointer file), or None."""
    link = out_dir / CURRENT
    target = None
    if link.is_symlink():
        target = os.readlink(link)
    else:
        try:
            target = (out_dir / POINTER_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
    parts = Path(target).as_posix().split("/")
    if len(parts) == 2 and parts[0] == RUNS and _GENERATION.match(parts[1]):
        return f"{RUNS}/{parts[1]}"
    return None  # a pointer we did not write (absolute, outside runs/): not trusted


def published_dir(out_dir: str | Path) -> Path:
    """The folder holding the current complete run of output folder ``out_dir``: ``out_dir/runs/<n>`` as the pointer
    names it, resolved once, so a reader that opens its files from it sees one run even if a new one is published
    meanwhile. ``out_dir`` itself when it has no pointer (a folder written by ncpm before generations, or a
    generation folder given directly).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> published_dir(folder) == folder
    True
    """
    out_dir = Path(out_dir)
    target = _pointer_target(out_dir)
    if target is None:
        return out_dir
    folder = out_dir / target
    return folder if folder.is_dir() else out_dir


def _generations(runs: Path) -> list[int]:
    try:
        return sorted(int(p.name) for p in runs.iterdir() if _GENERATION.match(p.name) and p.is_dir()
                      and not p.is_symlink())
    except FileNotFoundError:
        return []


def _remove(path: Path) -> None:
    """Remove a file, a symbolic link (not what it points to) or a folder tree."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def symlinks_supported(folder: Path) -> bool:
    """Whether symbolic links can be made in ``folder`` (not on Windows without the privilege)."""
    probe = folder / ".ncpm-symlink-probe"
    try:
        probe.unlink(missing_ok=True)
        os.symlink(RUNS, probe, target_is_directory=True)
    except (OSError, NotImplementedError):
        return False
    probe.unlink(missing_ok=True)
    return True


def tidy(out_dir: str | Path, *, keep: int = 1) -> None:
    """Finish the publication a run killed just after its switch left undone: the shortcuts to the published run
    (where the pointer is a symbolic link) and the pruning of old generations. Writes nothing when there is nothing
    to do, so a run with nothing to do can call it (under the lock)."""
    out_dir = Path(out_dir)
    if _pointer_target(out_dir) is None or (published := published_dir(out_dir)) == out_dir:
        return
    run = Generation.__new__(Generation)
    run.out, run.keep, run.runs = out_dir, max(0, int(keep)), out_dir / RUNS
    if (out_dir / CURRENT).is_symlink():
        names = [p.name for p in published.iterdir()]
        if any(not ((out_dir / n).is_symlink() and os.readlink(out_dir / n) == f"{CURRENT}/{n}") for n in names):
            run._shortcuts(published)
    if len([n for n in _generations(run.runs) if n < int(published.name)]) > run.keep:
        run._prune(int(published.name))


class Generation:
    """One run's generation folder, from its creation to its publication (or its removal)."""

    def __init__(self, out_dir: str | Path, *, keep: int = 1) -> None:
        self.out = Path(out_dir)
        self.keep = max(0, int(keep))
        self.runs = self.out / RUNS
        if self.runs.is_symlink() or (self.runs.exists() and not self.runs.is_dir()):
            raise ConfigError(f"{self.runs} is a symbolic link or a file: ncpm writes its runs there and does not "
                              "follow links inside the output folder; remove it")
        self.runs.mkdir(parents=True, exist_ok=True)
        _remove(self.out / STAGING)
        for left in self.runs.glob(PARTIAL_PREFIX + "*"):  # a run killed before publishing
            _remove(left)
        tidy(self.out, keep=self.keep)  # finish what a run killed after its switch left
        self.previous: Path = published_dir(self.out)
        self.links = symlinks_supported(self.out)
        numbers = _generations(self.runs)
        self.number = (numbers[-1] if numbers else 0) + 1
        self.final = self.runs / str(self.number)
        self.dir = self.runs / f"{PARTIAL_PREFIX}{self.number}"
        self.dir.mkdir()

    def user_path(self, path: Path) -> Path:
        """Where users find ``path`` (a file under :attr:`dir`) once published: under the shortcut through the
        pointer (``<out>/<force>/...``) where links work, else in the generation folder."""
        rel = Path(path).relative_to(self.dir)
        return self.out / rel if self.links else self.final / rel

    def reuse(self, rel: str) -> None:
        """Carry ``rel`` over from the previous run: a hard link to its file (no copy, same content and time), or
        a copy where hard links are not possible."""
        source, target = self.previous / rel, self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, target, follow_symlinks=False)

    def discard(self) -> None:
        """Nothing to publish (the outputs are up to date): remove the partial folder."""
        _remove(self.dir)

    def publish(self) -> Path:
        """Make this generation the published run: rename it complete, switch the pointer, update the shortcuts,
        prune old generations. Returns the published folder."""
        os.replace(self.dir, self.final)
        fsync_dir(self.runs)
        kill_point("publish:renamed")
        target = f"{RUNS}/{self.final.name}"
        if self.links:
            tmp = self.out / f".{CURRENT}.{os.getpid()}.tmp"
            tmp.unlink(missing_ok=True)
            os.symlink(target, tmp, target_is_directory=True)
            pointer = self.out / CURRENT
            if pointer.is_dir() and not pointer.is_symlink():  # a copy of the folder that followed the links
                aside = self.out / f".{CURRENT}.old-{self.number}"
                _remove(aside)
                os.replace(pointer, aside)
                _remove(aside)
            os.replace(tmp, pointer)  # the one atomic switch
            (self.out / POINTER_FILE).unlink(missing_ok=True)
        else:
            _remove(self.out / CURRENT)
            atomic_write_bytes(self.out / POINTER_FILE, (target + "\n").encode("utf-8"))
        fsync_dir(self.out)
        kill_point("publish:pointer")
        if self.links:
            self._shortcuts(self.final)
        else:  # no shortcuts: what the layout before generations left at these names is out of date, remove it
            names = sorted((p.name for p in self.final.iterdir()), key=lambda n: n != "manifest.json")
            for name in names:
                _remove(self.out / name)
        self._prune(self.number)
        return self.final

    def _shortcuts(self, published: Path) -> None:
        """``<out>/<name> -> current/<name>`` for each top-level entry of the published run (the manifest last);
        shortcuts to entries the run no longer has are removed. A folder or file of the pre-generation layout at
        such a name is moved aside and removed (its files were carried over into the generation)."""
        names = sorted(p.name for p in published.iterdir())
        names.sort(key=lambda n: n == "manifest.json")
        for name in names:
            link, target = self.out / name, f"{CURRENT}/{name}"
            if link.is_symlink() and os.readlink(link) == target:
                continue
            tmp = self.out / f".{name}.{os.getpid()}.link.tmp"
            tmp.unlink(missing_ok=True)
            os.symlink(target, tmp, target_is_directory=(published / name).is_dir())
            aside = None
            if link.is_dir() and not link.is_symlink():
                aside = self.out / f".{name}.old-{published.name}"
                _remove(aside)
                os.replace(link, aside)
            os.replace(tmp, link)
            if aside is not None:
                _remove(aside)
        for entry in self.out.iterdir():
            if entry.is_symlink() and entry.name not in names and os.readlink(entry).startswith(f"{CURRENT}/"):
                entry.unlink(missing_ok=True)
        fsync_dir(self.out)

    def _prune(self, number: int) -> None:
        """Remove the generations before ``number`` (the published one) less the ``keep`` newest of them."""
        older = [n for n in _generations(self.runs) if n < number]
        for n in older[:len(older) - self.keep] if self.keep else older:
            _remove(self.runs / str(n))
