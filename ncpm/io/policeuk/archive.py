"""The files of a data.police.uk download: a single CSV, a folder of them, or the national archive zip, as members.

Month discovery: a member is a street or outcomes file by its name, ``YYYY-MM-<force>-street.csv`` or
``-outcomes.csv`` (:data:`FILE_NAME`), in any folder of the archive (the download holds ``YYYY-MM/`` folders); the
same month, force and kind twice is refused. Archives are read member by member straight from the zip, never
extracted: a deflated member of at most :data:`MEMBER_BYTES` is read raw and inflated whole by ISA-L
(python-isal, about twice zlib's speed; the CRC-32 and size checked as ``zipfile`` would), a larger one streamed
through ``zipfile``. Limits (issue 15): an absolute member path or one with ``..``, a zip inside the archive or the
folder, a member over ``ncpm.io.limits.MAX_MEMBER_BYTES`` or ``MAX_RATIO`` (``check_member``), and a member
inflating past what it declares (never inflated further: :func:`_inflate`) are refused with the file.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

try:
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - isal is a dependency
    _isal = None

from ncpm.core.errors import InputError
from ncpm.io.limits import check_member

FILE_NAME = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|outcomes)\.csv$", re.I)
MEMBER_BYTES = 128 << 20  # larger files (never a police.uk member: a few MB) go the exact path, streamed


@dataclass
class Member:
    """One street or outcomes file: where it is, its kind by name and its size; ``data()`` reads it whole."""

    label: str
    kind: str | None  # "street" / "outcomes" from the file name, None for a single file given by the caller
    open: Callable[[], BinaryIO]
    size: int  # bytes, uncompressed
    read: Callable[[], bytes] | None = None  # the whole member at once, when that is cheaper than ``open``

    def data(self) -> bytes:
        if self.read is not None:
            return self.read()
        with self.open() as binary:
            return binary.read()

    @property
    def whole(self) -> bool:
        """Whether the member is read whole in memory (at most :data:`MEMBER_BYTES`), not streamed."""
        return self.size <= MEMBER_BYTES


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or bool(re.match(r"^[A-Za-z]:", name))


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip member's local file header (PKWARE APPNOTE 4.3.7)


def _inflate(raw: bytes, size: int) -> bytes:
    """Inflate a raw deflate stream declared to hold ``size`` bytes: ISA-L (python-isal, about twice zlib's speed)
    when installed, else zlib. At most ``size + 1`` bytes are inflated, whatever the stream holds, so a member whose
    header understates its size (a zip bomb) costs no more memory than it declares; the one byte over tells the
    caller the size does not match."""
    inflater = (zlib if _isal is None else _isal).decompressobj(-15)
    return inflater.decompress(raw, size + 1)


def _crc32(data: bytes) -> int:
    return zlib.crc32(data) if _isal is None else _isal.crc32(data)  # ISA-L's: about 8x zlib's


def _zip_bytes(path: Path, info: zipfile.ZipInfo) -> bytes:
    """One deflated archive member's bytes, read raw and inflated here instead of through ``zipfile`` (the inflate
    is the cost of reading a national archive); the CRC-32 and size are checked as ``zipfile`` would."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = _LOCAL_HEADER.unpack(fh.read(_LOCAL_HEADER.size))
        if header[0] != b"PK\x03\x04":
            raise InputError(f"bad local header for member {info.filename!r}", file=str(path))
        fh.seek(info.header_offset + _LOCAL_HEADER.size + header[-2] + header[-1])
        try:
            data = _inflate(fh.read(info.compress_size), info.file_size)
        except Exception as exc:  # zlib.error or isal_zlib.error: a damaged deflate stream
            raise InputError(f"member {info.filename!r} is corrupt ({exc})", file=str(path)) from None
    if len(data) != info.file_size or _crc32(data) != info.CRC:
        raise InputError(f"member {info.filename!r} is corrupt (CRC or size does not match)", file=str(path))
    return data


def _zip_member(path: Path, info: zipfile.ZipInfo, kind: str) -> Member:
    """A member read whole by ``_zip_bytes`` when it is deflated, unencrypted and at most :data:`MEMBER_BYTES`;
    otherwise streamed through ``zipfile`` (the exact path reads a very large member in chunks)."""
    label = f"{path}!{info.filename}"
    whole = (info.file_size <= MEMBER_BYTES and info.compress_type == zipfile.ZIP_DEFLATED
             and not info.flag_bits & 0x1)
    if whole:
        return Member(label, kind, lambda: io.BytesIO(_zip_bytes(path, info)), info.file_size,
                      lambda: _zip_bytes(path, info))
    return Member(label, kind, lambda: zipfile.ZipFile(path).open(info), info.file_size)


@contextmanager
def members(path: Path) -> Iterator[list[Member]]:
    """The street and outcomes files under ``path`` (a CSV, a folder, or a zip archive), street files first."""
    if path.is_dir():
        found = [Member(str(p), m["kind"].lower(), (lambda p=p: p.open("rb")), p.stat().st_size)
                 for p in sorted(path.rglob("*.csv")) if (m := FILE_NAME.match(p.name))]
        nested = next((p for p in sorted(path.rglob("*")) if p.suffix.lower() == ".zip" and p.is_file()), None)
        if nested is not None:
            raise InputError(f"{nested.relative_to(path)} is a zip archive inside the folder: give it to ncpm "
                             "separately (or extract it in place of the archive), so that no month is read "
                             "twice or left out", file=str(path))
        yield _checked(found, path)
    elif zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"not a readable zip archive ({exc})", file=str(path)) from None
        with archive:
            found = []
            for info in archive.infolist():
                if _unsafe(info.filename):
                    raise InputError(f"unsafe member path {info.filename!r} in the archive (absolute or "
                                     "containing '..'); refusing to read it", file=str(path))
                m = FILE_NAME.match(PurePosixPath(info.filename).name)
                if info.filename.lower().endswith(".zip") and not info.is_dir():
                    raise InputError(f"member {info.filename!r} is itself a zip archive: ncpm does not read "
                                     "archives inside archives; extract it and give it to ncpm on its own",
                                     file=str(path))
                if m and not info.is_dir():
                    check_member(info, str(path))
                    found.append(_zip_member(path, info, m["kind"].lower()))
            yield _checked(found, path)
    elif path.is_file():
        if path.suffix.lower() == ".zip":
            raise InputError("not a readable zip archive (File is not a zip file)", file=str(path))
        m = FILE_NAME.match(path.name)
        yield [Member(str(path), m["kind"].lower() if m else None, lambda: path.open("rb"), path.stat().st_size)]
    else:
        raise InputError("no such file or folder", file=str(path))


def _checked(found: list[Member], path: Path) -> list[Member]:
    """The members found, street files first; none, or one month, force and kind twice, is refused."""
    if not found:
        raise InputError("no police.uk street or outcomes files (YYYY-MM-<force>-street.csv or "
                         "-outcomes.csv) found", file=str(path))
    seen: dict[str, str] = {}
    for m in found:
        name = PurePosixPath(m.label.replace("\\", "/")).name.lower()
        if name in seen:
            raise InputError(f"the same month, force and kind appear twice: {seen[name]} and {m.label}",
                             file=str(path))
        seen[name] = m.label
    return sorted(found, key=lambda m: (m.kind != "street", m.label))
