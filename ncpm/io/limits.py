"""The limits every reader keeps, and the reading policy they belong to (issue "Readers").

Every reader follows one policy:

- a *file-level* problem raises :class:`~ncpm.core.errors.InputError` naming the file: a missing or misspelt required
  column (the message lists the columns found and suggests the closest), an empty file, text that is not UTF-8
  (naming the line of the first bad byte), two rows with the same key and different values, a quote left open
  (naming the line it opens on), a field or line over the limits below, a zip member over the limits below;
- a *row-level* problem (unknown force, unreadable month, a negative or fractional count, a blank required value, an
  exact duplicate) becomes a :class:`~ncpm.io.Rejection` naming file, 1-based line and column, and loading goes on
  (:mod:`ncpm.io.rows`).

So ``rows_in == rows_loaded + rows_rejected`` always holds, counted in records as the file holds them (a quote
left open would merge records, so it is refused, not read as one). Rows whose every cell is blank carry no data:
they are skipped and not counted.

Limits (every input is read in memory bounded by them, not by its size; each refusal names the limit):

- :data:`FIELD_LIMIT` characters in one field, :data:`LINE_LIMIT` bytes in one line: records are streamed, so
  these bound what one record holds; no real table comes near (police.uk records are about 200 bytes);
- :data:`TABLE_BYTES` for a CSV read whole (force extracts and ONS tables: their cells are held as text),
  :data:`PRC_TABLE_BYTES` for a Home Office table (all years in one CSV are about 40 MiB); a police.uk file of any
  size is streamed instead;
- zip members (police.uk archives, XLSX and ODS workbooks): at most :data:`MAX_MEMBER_BYTES` inflated and, above
  :data:`RATIO_FLOOR`, a compression ratio of at most :data:`MAX_RATIO`, both as declared and as inflated
  (:func:`check_member`);
- text: UTF-8 (with or without BOM) or UTF-16 with its BOM (Excel's "Unicode text"), else the encoding given
  (``encoding=`` of every reader, ``--encoding`` on the command line: :mod:`ncpm.io.csvtext`);
- counts: whole numbers up to :data:`MAX_COUNT`, read exactly; months: real dates, no later than
  :data:`MONTHS_AHEAD` month(s) after the current month; text values: no control characters (a NUL byte);
- headers: at most :data:`HEADER_SCAN_ROWS` title and note rows above them.
"""

from __future__ import annotations

import csv
import zipfile

from ncpm.core.errors import InputError

FIELD_LIMIT = csv.field_size_limit()  # 131,072 characters, Python csv's own limit: a field this long is a quote
#   left open or not a table
LINE_LIMIT = 1 << 20  # 1 MiB in one line: no table's record is near; a longer line is binary data or one huge field
TABLE_BYTES = 32 << 20  # a CSV table read whole (extracts, ONS: a few MB): its cells, held as text,
#   take about 25 times its size (a 32 MiB extract of 700,000 rows peaks near 0.9 GiB)
PRC_TABLE_BYTES = 80 << 20  # a Home Office PRC table as one CSV: every year since 2012/13 is about 40 MiB and
#   peaks near 0.7 GiB (16 times its size: its rows are wider than an extract's), so 80 MiB stays under 1.5 GiB
MAX_MEMBER_BYTES = 1 << 30  # 1 GiB inflated in one zip member (a national police.uk member is a few MB)
MAX_RATIO = 100  # inflated / compressed size: CSV and workbook XML deflate 4-20 times; a zip bomb about 1,000
RATIO_FLOOR = 16 << 20  # members inflating to less than 16 MiB are not checked for ratio (small repetitive files)
MAX_COUNT = 10**9  # the largest count read: over ten times the UK population, and exact in float arithmetic
MONTHS_AHEAD = 1  # months after the current one a month may be (a clock a few days out, a file dated ahead)
HEADER_SCAN_ROWS = 30  # title and note rows allowed above a header (ONS tables have 6 or 7)


def check_member(info: zipfile.ZipInfo, file: str) -> None:
    """Refuse a zip member whose header declares more than :data:`MAX_MEMBER_BYTES` inflated, or (above
    :data:`RATIO_FLOOR`) a ratio over :data:`MAX_RATIO`: a zip bomb is a small file that would fill memory. A
    member that inflates past what it declares is refused as corrupt when read: every reader stops at the declared
    size (``zipfile`` checks the CRC there; the police.uk reader inflates at most that many bytes)."""
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > MAX_MEMBER_BYTES:
        raise InputError(f"member {info.filename!r} would inflate to {size:,} bytes, over the limit of "
                         f"{MAX_MEMBER_BYTES:,} (MAX_MEMBER_BYTES)", file=file)
    if size > RATIO_FLOOR and size > MAX_RATIO * packed:
        raise InputError(f"member {info.filename!r} would inflate {size // packed:,} times ({packed:,} to {size:,} "
                         f"bytes), over the limit of {MAX_RATIO} (MAX_RATIO): refusing a possible zip bomb", file=file)
