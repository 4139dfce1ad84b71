"""data.police.uk street-level crime and outcomes files: single CSVs, folders of them, and the national archive zip.

Formats (data.police.uk/about/#columns):

- street files ``YYYY-MM-<force>-street.csv``: Crime ID, Month, Reported by, Falls within, Longitude, Latitude,
  Location, LSOA code, LSOA name, Crime type, Last outcome category, Context. Anti-social behaviour rows have a
  blank Crime ID and rows without a location a blank LSOA; both are valid.
- outcomes files ``YYYY-MM-<force>-outcomes.csv``: Crime ID, Month, Reported by, Falls within, Longitude, Latitude,
  Location, LSOA code, LSOA name, Outcome type.

Each record is one row in ``rows_in``; the frames hold monthly counts. Street records become *volumes* by force
("Falls within"), area, crime type and month. Areas: each record counts in its force's whole-force row ("Force") and
in its local authority district's row, the LSOA name without its trailing LSOA code ("Rugby 004C" -> "Rugby",
:func:`district`; :data:`NO_LOCATION` for a record without an LSOA), so a force's districts add up to its "Force"
row exactly (the frame's counts sum to twice the records). The districts are where police.uk places the records,
so a force's data hold a few records in neighbouring districts (Coventry in Warwickshire's): they stay named
(``ncpm.methods.series.map_areas`` groups districts into a force's local policing areas). With ``lsoa=True`` the area is
the LSOA code instead (:data:`NO_LSOA` for records without one), with no "Force" row. The measure is the catalogue
measure of the crime type (``ncpm.core.catalogue.measure_for_police_uk``) or ``police_uk:<crime type slug>``.

Outcome records become *outcomes* counted by the month the outcome was recorded, with the same areas; their measure
is that of the crime (matched on Crime ID to the street records read in the same call), else :data:`UNMATCHED`.
``outcome_type`` is the Home Office outcome type the Outcome type text stands for (``ncpm.core.catalogue.
police_uk_outcome``, the versioned table in ``ncpm/data/outcomes.toml``: "Local resolution" is 8), so
``ncpm.methods.outcomes.outcome_rate`` gives "action taken" rates; a text with no type (under investigation, a court result
after the charge, a text not in the table) is kept as it is, counted, and in no action-taken set; the notes name
each text not in the table with its count. Street files' "Last outcome category" gives outcomes only when asked
(``last_outcomes=True``), and then never alongside outcomes files (it would count outcomes twice): each crime's
latest outcome as of the download, counted in the month the crime was recorded (a court text stands for the charge),
which is a cohort view that changes with each download, not the outcomes recorded in a month.

National scale (issue 8): "check each distinct text once, count integer keys", in four modules:

- :mod:`~ncpm.io.policeuk.archive`: the members of a CSV, a folder or the archive zip (never extracted: each
  deflated member inflated whole by ISA-L, CRC-32 checked), found by their names (month, force, kind), and the
  limits of hostile input (issue 15): an unsafe member path, a zip inside the archive or the folder, a member over
  ``ncpm.io.limits.MAX_MEMBER_BYTES`` or ``MAX_RATIO`` or inflating past what it declares;
- :mod:`~ncpm.io.policeuk.records`: one file's records, parsed by pyarrow (C++, the key columns dictionary-encoded)
  on the fast path, or by the exact path (``ncpm.io.csvtext.csv_records``, streamed), which gives each rejected row
  with its exact 1-based line; a member with an invalid record (rare in real data), one pyarrow cannot read as one
  record a line, one not UTF-8, one with no records or a line of ``FIELD_LIMIT`` bytes or more, and a file over
  ``archive.MEMBER_BYTES`` go the exact path. ``rows_in`` is the sum of the counts; rows of blank cells are
  skipped, not counted, on both paths;
- :mod:`~ncpm.io.policeuk.tally`: one int64 key a record packing its five codes (force, area, measure, month,
  outcome type), summed by sorting; worker threads read, inflate and parse members ahead of the thread assigning
  the codes, with the members and bytes in flight bounded, so memory is bounded by a few members, the keys held and
  the distinct groups, not by the archive size;
- :mod:`~ncpm.io.policeuk.reader`: one call's state: the codes of the distinct texts (each checked once per call),
  the Crime ID map that gives outcomes their measure (10 bytes a crime, built only when the input holds outcomes
  files: the one structure that grows with the archive), the whole-force rows (the district keys summed again with
  the area masked out, at the end) and the frames, built sorted and unique from the distinct keys (what
  ``schema.validate`` would give, without re-sorting millions of rows). A file whose records are of another month
  or force than its name says is read by its records, with a note naming it.

>>> results = read_police_uk("2023-06-warwickshire-street.csv")  # doctest: +SKIP
>>> results[0].frame.columns.tolist()  # doctest: +SKIP
['force', 'area', 'measure', 'month', 'count']
"""

from __future__ import annotations

from pathlib import Path

from ncpm.core.errors import InputError
from ncpm.io import LoadResult
from ncpm.io.policeuk.archive import FILE_NAME, members
from ncpm.io.policeuk.reader import FORMAT, Reader
from ncpm.io.policeuk.records import LAST_OUTCOME, NO_LSOA, UNMATCHED, district

__all__ = ["FILE_NAME", "FORMAT", "LAST_OUTCOME", "NO_LSOA", "UNMATCHED", "district", "read_police_uk"]


def read_police_uk(path: str | Path, *, lsoa: bool = False, last_outcomes: bool = False, progress: bool = False,
                   encoding: str | None = None) -> list[LoadResult]:
    """Read data.police.uk street and outcomes files (a CSV, a folder, or the national archive zip).

    Returns one :class:`LoadResult` per kind found: "volumes" (street files) then "outcomes". Areas are the whole
    force ("Force") and its records' local authority districts, which add up to it (``lsoa=True``: LSOA codes);
    outcome types are Home Office outcome types (module docstring). ``last_outcomes=True``: the outcomes are the
    street files' Last outcome category instead (refused when the input holds outcomes files). A record with an
    unknown force, an unreadable month or a blank crime or outcome type is rejected with its file and line;
    a blank Crime ID (anti-social behaviour) or a blank LSOA is valid (outcome records need a Crime ID).
    Archive members with an absolute path or ``..`` are refused (:class:`InputError`); nothing is written to disk.
    Member by member, in memory bounded by a few members and the number of count groups (module docstring).
    """
    path = Path(path)
    with members(path) as found:
        outcome_files = [m.label for m in found if m.kind == "outcomes"]
        if last_outcomes and outcome_files:
            raise InputError(f"outcomes from street files' {LAST_OUTCOME!r} were asked for, but the input holds "
                             f"outcomes files ({outcome_files[0]}, ...): read the outcomes files (without "
                             "last_outcomes), or street files only; both would count outcomes twice", file=str(path))
        reader = Reader(lsoa, encoding, need_ids=bool(outcome_files), last_outcomes=last_outcomes)
        reader.read(found, progress)
    return [reader.result(path, kind) for kind, tally in reader.tallies.items() if tally.files]
