"""Text files: the codec a file is read in, a strict text stream whose lines are bounded, CSV records streamed
with the line each starts on (a quote left open refused, naming its line), and a CSV table read whole as a grid.
The limits are :mod:`ncpm.io.limits`'; the policy is the readers' (a bad byte is an error naming its line).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from ncpm.core.errors import ConfigError, InputError
from ncpm.io.grids import Grid
from ncpm.io.limits import FIELD_LIMIT, LINE_LIMIT, TABLE_BYTES

DEFAULT_ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark Excel writes


def text_encoding(head: bytes, encoding: str | None, file: str | None = None) -> str:
    """The codec to read a file whose first bytes are ``head``: ``encoding`` when given (:class:`ConfigError` when
    Python knows no such codec: a usage error); else UTF-16 or UTF-32 when ``head`` starts with its byte-order
    mark (Excel's "Unicode text"), else UTF-8 with or without its BOM.

    >>> text_encoding(codecs.BOM_UTF16_LE + b"f", None), text_encoding(b"force", None)
    ('utf-16', 'utf-8-sig')
    """
    if encoding:
        try:
            return codecs.lookup(encoding).name
        except LookupError:
            raise ConfigError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1, utf-16)") from None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return DEFAULT_ENCODING


class _LineLimit(io.RawIOBase):
    """A binary stream that refuses a line over :data:`LINE_LIMIT` bytes as it is read (:class:`InputError` naming
    the line), so neither the text decoder nor the CSV parser ever holds more than one such line of it. Reads are
    at most ``LINE_LIMIT`` bytes, so a long line is one that spans reads without a line break."""

    def __init__(self, raw: BinaryIO, file: str) -> None:
        self.raw, self.file, self.line, self.run = raw, file, 1, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")[:LINE_LIMIT]
        data = self.raw.read(len(view))
        n = len(data)
        view[:n] = data
        first = data.find(b"\n")
        if first < 0:
            self.run += n
        else:
            if self.run + first > LINE_LIMIT:
                self._refuse()
            self.line += data.count(b"\n")
            self.run = n - data.rfind(b"\n") - 1
        if self.run > LINE_LIMIT:
            self._refuse()
        return n

    def _refuse(self) -> None:
        raise InputError(f"a line longer than {LINE_LIMIT:,} bytes (LINE_LIMIT): not a table of records (binary "
                         "data, or no line breaks)", file=self.file, row=self.line)


def open_text(binary: BinaryIO, encoding: str | None, file: str = "input") -> io.TextIOWrapper:
    """A strict text stream over ``binary`` (:func:`text_encoding` picks the codec from its first bytes), lines
    limited to :data:`LINE_LIMIT` bytes."""
    buffered = io.BufferedReader(_LineLimit(binary, file), buffer_size=1 << 16)
    return io.TextIOWrapper(buffered, encoding=text_encoding(buffered.peek(4)[:4], encoding, file),
                            errors="strict", newline="")


def bad_byte_line(opener: Callable[[], BinaryIO], encoding: str) -> tuple[int, int] | None:
    """The 1-based line and character of the first byte that does not decode under ``encoding`` (re-read line by
    line, in bounded memory), or None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with opener() as raw:
        for number, line in enumerate(io.BufferedReader(_LineLimit(raw, "input")), 1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                return number, len(line[:exc.start].decode(encoding, errors="replace")) + 1
    return None


def decoding_error(exc: UnicodeDecodeError, file: str, encoding: str | None,
                   opener: Callable[[], BinaryIO] | None = None) -> InputError:
    """The error for a file that is not in the expected encoding, naming the line of the first bad byte (when
    ``opener`` can re-read the file), with the remedy."""
    byte = exc.object[exc.start:exc.start + 1].hex()
    where = bad_byte_line(opener, exc.encoding) if opener is not None else None
    row, at = (where[0], f" at character {where[1]}") if where else (None, "")
    if encoding:
        return InputError(f"cannot decode the text as {encoding} (byte 0x{byte}{at})", file=file, row=row)
    return InputError(f"not UTF-8 text (byte 0x{byte}{at}); save it as UTF-8 (Excel: Save As 'CSV UTF-8'), or "
                      "give its encoding (--encoding cp1252 on the command line, encoding='cp1252' in Python, if "
                      "Excel on Windows saved it)", file=file, row=row)


def csv_records(opener: Callable[[], BinaryIO], file: str, encoding: str | None = None
                ) -> Iterator[tuple[int, list[str]]]:
    """Stream the records of a CSV file as (1-based line the record starts on, fields), in memory bounded by
    :data:`LINE_LIMIT` and :data:`FIELD_LIMIT`. Blank lines come as empty records.

    :class:`InputError` (naming file and line) for: a line or field over the limits; text that does not decode
    (the line of the first bad byte); a quote left open, told by a quoted field running over line breaks into
    lines that read as records (at least as many commas as the widest record before, and two) -- the quote's
    line is named, because the parser would otherwise merge those records into one and the counts would be
    wrong; or by a quoted field that runs to the end of the file. A quoted line break in a short text (an
    address, a header cell) is read as it is.

    >>> import io as _io
    >>> list(csv_records(lambda: _io.BytesIO(b'a,b\\n"x\\ny",2\\n'), "t.csv"))
    [(1, ['a', 'b']), (2, ['x\\ny', '2'])]
    """
    last = 0
    try:
        with opener() as binary:
            reader = csv.reader(open_text(binary, encoding, file))
            widest, start, record = 2, 0, []
            for record in reader:
                start = last + 1
                last = reader.line_num
                if last > start:
                    _open_quote(record, start, last, widest, file)
                widest = max(widest, len(record) - 1)
                yield start, record
            if any(f.endswith("\n") for f in record):  # the last record: the file ended inside a quoted field
                raise InputError(f"a quote opened on this line is not closed: the field runs to the end of the file "
                                 f"(line {last}); close the quote or remove it", file=file, row=start)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(f"a field longer than {FIELD_LIMIT:,} characters (FIELD_LIMIT) in the record from "
                             "this line: a quote left open, or not a table", file=file, row=last + 1) from None
        raise InputError(f"malformed CSV: {exc}", file=file, row=last + 1) from None
    except UnicodeDecodeError as exc:
        raise decoding_error(exc, file, encoding, opener) from None


def _open_quote(record: list[str], start: int, end: int, widest: int, file: str) -> None:
    for field_ in record:
        if "\n" not in field_:
            continue
        swallowed = [line for line in field_.split("\n")[1:] if line.count(",") >= widest]
        if swallowed:
            raise InputError(f"a quote opened on this line is not closed: the field runs to line {end}, taking in "
                             f"{len(swallowed)} line(s) that read as records; close the quote or remove it",
                             file=file, row=start)


def csv_grid(path: Path, *, encoding: str | None = None, label: str | None = None,
             limit: int = TABLE_BYTES, limit_name: str = "TABLE_BYTES") -> Grid:
    """Read a CSV table whole into a grid, with exact line numbers even across quoted line breaks; streamed
    (:func:`csv_records`), and refused over ``limit`` bytes (:data:`~ncpm.io.limits.TABLE_BYTES`, or
    :data:`~ncpm.io.limits.PRC_TABLE_BYTES` for a Home Office table: its cells are held as text)."""
    label = label or str(path)
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{size:,} bytes, over the {limit:,} read whole for a table of this kind ({limit_name}): "
                         "split it (e.g. by year)", file=label)
    rows, lines = [], []
    for line, record in csv_records(lambda: path.open("rb"), label, encoding):
        rows.append(record)
        lines.append(line)
    if not any(c.strip() for row in rows for c in row):
        raise InputError("empty file", file=label)
    return Grid(label, rows, lines)
