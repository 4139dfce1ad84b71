"""data.police.uk street-level crime and outcomes files: single CSVs, folders of them, and the monthly archive zip.

Formats (data.police.uk/about/#columns):

- street files ``YYYY-MM-<force>-street.csv``: Crime ID, Month, Reported by, Falls within, Longitude, Latitude,
  Location, LSOA code, LSOA name, Crime type, Last outcome category, Context. Anti-social behaviour rows have a
  blank Crime ID and rows without a location a blank LSOA; both are valid.
- outcomes files ``YYYY-MM-<force>-outcomes.csv``: Crime ID, Month, Reported by, Falls within, Longitude, Latitude,
  Location, LSOA code, LSOA name, Outcome type.

Each record is one row in ``rows_in``; the frames hold monthly counts. Street records become *volumes* by force
("Falls within"), crime type and month, with ``area`` the whole force or, with ``lsoa=True``, the LSOA code
(:data:`NO_LSOA` for records without one). The measure is the catalogue measure of the crime type
(``ncpm.catalogue.measure_for_police_uk``) or ``police_uk:<crime type slug>``. Outcome records become *outcomes*
counted by the month the outcome was recorded, ``outcome_type`` the police.uk Outcome type text; their measure is
that of the crime (matched on Crime ID to the street records read in the same call), else :data:`UNMATCHED`.

Archives are streamed member by member (``zipfile`` + ``io.TextIOWrapper``) and read in chunks, never extracted.
Line numbers in rejections are exact unless a quoted field holds a line break.

>>> results = read_police_uk("2023-06-warwickshire-street.csv")  # doctest: +SKIP
>>> results[0].frame.columns.tolist()  # doctest: +SKIP
['force', 'area', 'measure', 'month', 'count']
"""

from __future__ import annotations

import csv
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import numpy as np
import pandas as pd

from ncpm import schema
from ncpm.catalogue import measure_for_police_uk
from ncpm.errors import InputError
from ncpm.io import LoadResult, Rejection
from ncpm.io._common import (
    RowChecks,
    Table,
    decoding_error,
    header_key,
    match_columns,
    open_text,
    slug,
    unique_map,
)

log = logging.getLogger("ncpm")

FORMAT = "police_uk"
STREET_COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                  "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context")
OUTCOMES_COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                    "LSOA code", "LSOA name", "Outcome type")
STREET_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "Crime type")
OUTCOMES_REQUIRED = ("Crime ID", "Month", "Falls within", "LSOA code", "Outcome type")
FILE_NAME = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|outcomes)\.csv$", re.I)
NO_LSOA = "no LSOA"  # the area of records without a location when reading by LSOA
UNMATCHED = "police_uk:unmatched_crime"  # outcomes whose Crime ID is not among the street records read
CHUNK_ROWS = 200_000


@dataclass
class _Member:
    label: str
    kind: str | None  # "street" / "outcomes" from the file name, None for a single file given by the caller
    open: Callable[[], BinaryIO]


@dataclass
class _Tally:
    """Running totals over all files of one kind."""

    rows_in: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    counts: list[pd.Series] = field(default_factory=list)
    files: int = 0


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or bool(re.match(r"^[A-Za-z]:", name))


@contextmanager
def _members(path: Path) -> Iterator[list[_Member]]:
    """The street and outcomes files under ``path`` (a CSV, a folder, or a zip archive), street files first."""
    if path.is_dir():
        found = [_Member(str(p), m["kind"].lower(), (lambda p=p: p.open("rb")))
                 for p in sorted(path.rglob("*.csv")) if (m := FILE_NAME.match(p.name))]
        yield _check_members(found, path)
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
                if m and not info.is_dir():
                    found.append(_Member(f"{path}!{info.filename}", m["kind"].lower(),
                                         (lambda n=info.filename: archive.open(n))))
            yield _check_members(found, path)
    elif path.is_file():
        if path.suffix.lower() == ".zip":
            raise InputError("not a readable zip archive (File is not a zip file)", file=str(path))
        m = FILE_NAME.match(path.name)
        yield [_Member(str(path), m["kind"].lower() if m else None, lambda: path.open("rb"))]
    else:
        raise InputError("no such file or folder", file=str(path))


def _check_members(found: list[_Member], path: Path) -> list[_Member]:
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


def _hash(crime_ids: pd.Series) -> np.ndarray:
    """64-bit hashes of Crime IDs (collisions among millions of ids are vanishingly rare: about n^2 / 2^65)."""
    return pd.util.hash_pandas_object(crime_ids, index=False).to_numpy()


def _measure_of(crime_type: str) -> str:
    return measure_for_police_uk(crime_type) or f"police_uk:{slug(crime_type)}"


def _chunks(member: _Member, encoding: str | None, kind: str | None
            ) -> Iterator[tuple[str, Table]]:
    """Validate the header, then yield (kind, table) chunks with exact 1-based line numbers."""
    with member.open() as binary:
        stream = open_text(binary, encoding)
        try:
            first = stream.readline()
            if not first.strip():
                raise InputError("empty file", file=member.label)
            header = next(csv.reader([first]))
            keys = {header_key(c) for c in header}
            if kind is None:
                kind = "outcomes" if header_key("Outcome type") in keys else "street"
            required = STREET_REQUIRED if kind == "street" else OUTCOMES_REQUIRED
            where = match_columns(header, required, file=member.label)
            names = {name: header[i].strip() for name, i in where.items()}
            reader = pd.read_csv(stream, header=None, names=range(len(header)), dtype=str, keep_default_na=False,
                                 na_values=[], skip_blank_lines=False, chunksize=CHUNK_ROWS, engine="c")
            record = 0  # records read so far; line of a record = 2 + record + line breaks inside earlier records
            extra = 0
            for chunk in reader:
                chunk = chunk.fillna("")
                data = pd.DataFrame({name: chunk[i].str.strip() for name, i in where.items()})
                breaks = np.zeros(len(chunk), dtype=np.int64)
                for col in chunk.columns:
                    if chunk[col].str.contains("\n", regex=False).any():
                        breaks += chunk[col].str.count("\n").to_numpy()
                lines = 2 + record + np.arange(len(chunk)) + extra + np.concatenate([[0], np.cumsum(breaks)[:-1]])
                record += len(chunk)
                extra += int(breaks.sum())
                blank = (chunk == "").all(axis=1).to_numpy()
                yield kind, Table(member.label, data[~blank].reset_index(drop=True), lines[~blank], names)
            if not record:  # a header and no records: a force-month with nothing to report
                yield kind, Table(member.label, pd.DataFrame({n: pd.Series([], dtype=str) for n in where}),
                                  np.array([], dtype=np.int64), names)
        except UnicodeDecodeError as exc:
            raise decoding_error(exc, member.label, encoding) from None
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                raise InputError(f"{m[3]} fields but the header has {m[1]}", file=member.label,
                                 row=int(m[2]) + 1) from None
            raise InputError(f"malformed CSV: {exc}", file=member.label) from None


def read_police_uk(path: str | Path, *, lsoa: bool = False, progress: bool = False,
                   encoding: str | None = None) -> list[LoadResult]:
    """Read data.police.uk street and outcomes files (a CSV, a folder, or a monthly archive zip).

    Returns one :class:`LoadResult` per kind found: "volumes" (street files) then "outcomes". A record with an
    unknown force, an unreadable month or a blank crime or outcome type is rejected with its file and line;
    a blank Crime ID (anti-social behaviour) or a blank LSOA is valid (outcome records need a Crime ID).
    """
    path = Path(path)
    tallies = {"street": _Tally(), "outcomes": _Tally()}
    ids: list[tuple[np.ndarray, np.ndarray]] = []  # (hash of Crime ID, measure number) of street records
    measures: dict[str, int] = {}  # measure -> number, so that the Crime ID map costs 10 bytes a crime
    id_index: pd.Index | None = None
    id_measures = np.array([], dtype=object)
    with _members(path) as members:
        for member in members:
            before = {k: (t.rows_in, len(t.rejected)) for k, t in tallies.items()}
            read = set()
            for kind, table in _chunks(member, encoding, member.kind):
                read.add(kind)
                tally = tallies[kind]
                checks = RowChecks(table)
                force = checks.force("Falls within")
                month = checks.month("Month")
                if kind == "street":
                    measure = unique_map(checks.text("Crime type"), _measure_of)
                else:
                    outcome = checks.text("Outcome type")
                    crime_id = checks.text("Crime ID")
                    if id_index is None:
                        keys = np.concatenate([k for k, _ in ids]) if ids else np.array([], np.uint64)
                        codes = np.concatenate([c for _, c in ids]) if ids else np.array([], np.int16)
                        last = ~pd.Series(keys).duplicated(keep="last").to_numpy()
                        id_index = pd.Index(keys[last])
                        id_measures = np.array([*sorted(measures, key=measures.get), UNMATCHED],
                                               dtype=object)[codes[last]]
                    at = id_index.get_indexer(_hash(crime_id))
                    measure = pd.Series(np.append(id_measures, UNMATCHED)[at], index=table.data.index)
                area = (table.data["LSOA code"].where(table.data["LSOA code"] != "", NO_LSOA) if lsoa
                        else pd.Series(schema.WHOLE_FORCE, index=table.data.index))
                good = checks.good
                cols = {schema.FORCE: force, schema.AREA: area, schema.MEASURE: measure, schema.MONTH: month}
                if kind == "outcomes":
                    cols[schema.OUTCOME_TYPE] = outcome
                frame = pd.DataFrame(cols)[good]
                if len(frame):
                    tally.counts.append(frame.value_counts(sort=False))
                if kind == "street":
                    has = good & (table.data["Crime ID"] != "").to_numpy()
                    for m in measure[has].unique():
                        measures.setdefault(m, len(measures))
                    ids.append((_hash(table.data["Crime ID"][has]),
                                unique_map(measure[has], measures.get).to_numpy(dtype=np.int16)))
                tally.rows_in += len(table)
                tally.rejected.extend(checks.rejections())
            for kind, tally in tallies.items():
                n, r = tally.rows_in - before[kind][0], len(tally.rejected) - before[kind][1]
                if kind in read:
                    tally.files += 1
                    log.log(logging.INFO if progress else logging.DEBUG, "read %s: %d rows, %d rejected",
                            member.label, n, r)
    return [_result(path, kind, tally) for kind, tally in tallies.items() if tally.files]


def _result(path: Path, kind: str, tally: _Tally) -> LoadResult:
    spec = schema.VOLUMES if kind == "street" else schema.OUTCOMES
    if tally.counts:
        counts = pd.concat(tally.counts).groupby(level=list(range(tally.counts[0].index.nlevels))).sum()
        frame = counts.rename(schema.COUNT).reset_index()
        frame[schema.MONTH] = pd.PeriodIndex(frame[schema.MONTH], freq="M")
        frame = schema.validate(frame, spec, source=str(path))
    else:
        frame = schema.empty(spec)
    return LoadResult(str(path), FORMAT, spec.name, frame, tally.rows_in, tally.rejected)
