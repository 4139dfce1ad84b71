"""Files written all or nothing: a temporary file beside the target, flushed to disk (fsync), renamed over it.

``os.replace`` is atomic on POSIX and NTFS, so a crash or an error part-way leaves the previous file intact, never
half a file; the folder is fsynced after the rename so the new name survives a power cut. The store, the exports,
the published run's pointer and the commentary write through here.
"""

from __future__ import annotations

import errno
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk, where the platform can open a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms (Windows) cannot open a folder; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's file-creation mask: read from ``/proc/self/status`` where Linux gives it (no change to the
    process, so threads writing at once cannot see each other's value), else by setting it and putting it back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


_UMASK_LOCK = threading.Lock()


def atomic_write(path: str | Path, writer_fn: Callable[[Path], object]) -> Path:
    """Write ``path`` all or nothing: ``writer_fn(tmp_path)`` writes a temporary file beside it, which is fsynced
    and renamed over ``path``. If ``writer_fn`` raises, the temporary file is removed and ``path`` is untouched.

    The file gets the permissions an ordinary ``open()`` would give it, ``0o666`` less the umask (``-rw-r--r--``
    under the usual 022), so colleagues and a web server can read a published report; the temporary file is private
    (``mkstemp``'s 0600) until it is complete. A symbolic link at ``path`` is replaced, never written through.
    """
    path = Path(path)
    if path.is_dir() and not path.is_symlink():  # a folder where a file name was wanted (ncpm export --out FOLDER)
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer_fn(tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
            os.fchmod(f.fileno(), 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """:func:`atomic_write` of ``data``."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
