"""One ``read_police_uk`` call's state: the codes of the distinct texts met, the Crime ID map, the tallies by kind.

The calling thread assigns codes to the records the worker threads parsed (``records.parse``): only the distinct
texts of a batch go through Python (the force through ``find_force``, the month parsed, a blank crime type refused,
an outcome text looked up in ``ncpm.core.catalogue.police_uk_outcome``), each once per call; LSOA names (or codes)
are matched in C++ and only unseen ones go through Python (a name's district computed once). A member with an
invalid record is read again by the exact path (``records.exact_tables``), which gives each rejected row with its
line. The frames are built sorted and unique from the distinct keys (what ``schema.validate`` would give).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ncpm.core import schema
from ncpm.core.catalogue import outcome_table, police_uk_outcome
from ncpm.core.forces import find_force
from ncpm.core.schema import NO_LOCATION
from ncpm.io import LoadResult
from ncpm.io.policeuk import records
from ncpm.io.policeuk.archive import FILE_NAME, Member
from ncpm.io.policeuk.records import (
    LAST_OUTCOME,
    NO_LSOA,
    OUTCOMES_REQUIRED,
    STREET_REQUIRED,
    UNMATCHED,
    Parsed,
    crime_id_hashes,
    district,
    exact_tables,
    measure_of,
)
from ncpm.io.policeuk.tally import BITS, DIMS, SHIFT, Codes, Part, Tally, pack, read_ahead, sum_keys, unpack
from ncpm.io.rows import RowChecks, month_text, unique_map

log = logging.getLogger("ncpm")

FORMAT = "police_uk"


def _month_code(codes: Codes) -> Callable[[str], int]:
    """The check of a Month text: its month's code, -2 when unreadable."""
    def fn(value: str) -> int:
        month = month_text(value)
        return -2 if month is None else codes.code("month", month)
    return fn


class Reader:
    """State of one ``read_police_uk`` call: codes, the Crime ID map and the per-kind tallies."""

    def __init__(self, lsoa: bool, encoding: str | None, need_ids: bool, last_outcomes: bool = False) -> None:
        self.lsoa, self.encoding, self.need_ids, self.last_outcomes = lsoa, encoding, need_ids, last_outcomes
        self.codes = Codes()
        self.codes.code("area", schema.WHOLE_FORCE)  # code 0: the whole-force rows added in ``result``
        self.codes.code("outcome", "")
        self.area_column = "LSOA code" if lsoa else "LSOA name"
        self.odd_names: set[str] = set()  # LSOA names without a trailing LSOA code (kept whole as their district)
        self.unknown: set[str] = set()  # outcome types that are police.uk texts not in the outcome table
        self.name_notes: dict[str, list[str]] = {"street": [], "outcomes": []}  # files named for another month
        self.no_outcome = 0
        self.tallies = {"street": Tally(), "outcomes": Tally()}
        self.ids: list[tuple[np.ndarray, np.ndarray]] = []  # (hash of Crime ID, measure code) of street records
        self.id_index: pd.Index | None = None
        self.id_codes = np.array([], dtype=np.int64)

    # ---- the codes of distinct texts
    def required(self, kind: str) -> tuple[str, ...]:
        """The columns a file of ``kind`` must have."""
        if kind == "street":
            return STREET_REQUIRED + ((LAST_OUTCOME,) if self.last_outcomes else ())
        return OUTCOMES_REQUIRED

    def area_code(self, value: str) -> int:
        """The area code of a stripped LSOA code (``lsoa=True``) or LSOA name (its district)."""
        if self.lsoa:
            return self.codes.code("area", value or NO_LSOA)
        name = district(value)
        if name != NO_LOCATION and name == " ".join(value.split()):
            self.odd_names.add(value)
        if name == schema.WHOLE_FORCE:  # never merged into the whole-force row
            name = f"{name} (LSOA name)"
        return self.codes.code("area", name)

    def outcome_code(self, text: str, last: bool = False) -> int:
        """The outcome code of an Outcome type (or, ``last``, a Last outcome category) text: its Home Office type,
        else the text itself (kept; the notes name a text not in the table)."""
        found = police_uk_outcome(text, last=last)
        if found.kind == "unknown":
            self.unknown.add(found.outcome_type)
        return self.codes.code("outcome", found.outcome_type)

    # ---- outcomes: the measure of the crime
    def measure_codes(self, hashes: np.ndarray) -> np.ndarray:
        if self.id_index is None:
            keys = np.concatenate([k for k, _ in self.ids]) if self.ids else np.array([], np.uint64)
            codes = np.concatenate([c for _, c in self.ids]) if self.ids else np.array([], np.int16)
            last = ~pd.Series(keys).duplicated(keep="last").to_numpy()
            self.id_index = pd.Index(keys[last])
            self.id_codes = codes[last].astype(np.int64)
            self.ids = []
        unmatched = self.codes.code("measure", UNMATCHED)
        at = self.id_index.get_indexer(hashes)
        return np.where(at >= 0, self.id_codes[np.maximum(at, 0)] if len(self.id_codes) else unmatched, unmatched)

    # ---- the fast path
    def wanted(self, kind: str) -> list[str]:
        """The columns the fast path reads of a file of ``kind``, police.uk names in order."""
        what = "Crime type" if kind == "street" else "Outcome type"
        wanted = ["Falls within", "Month", what, self.area_column]
        if kind == "street" and self.last_outcomes:
            wanted.append(LAST_OUTCOME)
        if kind == "outcomes" or self.need_ids:
            wanted.append("Crime ID")
        return wanted

    def prepare(self, member: Member) -> Parsed | None:
        """One member parsed by pyarrow in a worker thread (``records.parse``: touches no shared state); None when
        it must go the exact path."""
        return records.parse(member, self.encoding, self.required, self.wanted)

    def finish(self, parsed: Parsed) -> Part | None:
        """The group keys of a parsed member's records; None when a record is invalid (an unknown force, an
        unreadable month, a blank crime or outcome type, an outcome without a Crime ID; perhaps a row of blank
        cells): the exact path then reads the member and reports the rows."""
        part = Part(parsed.kind)
        for batch in parsed.table.to_batches():
            if batch.num_rows and not self._batch(batch, part, parsed.wanted):
                return None
        return part

    def _batch(self, batch: pa.RecordBatch, part: Part, wanted: list[str]) -> bool:
        codes, street = self.codes, part.kind == "street"
        cols = dict(zip(wanted, batch.columns, strict=True))

        def coded(name: str, check: str, fn: Callable[[str], int]) -> np.ndarray:
            col = cols[name]
            return codes.lut(check, col.dictionary, fn)[col.indices.to_numpy(zero_copy_only=False)]

        force = coded("Falls within", "force",
                      lambda v: -2 if (f := find_force(v)) is None else codes.code("force", f))
        month = coded("Month", "month", _month_code(codes))
        if street:
            kind_code = coded("Crime type", "crime_type", lambda v: codes.code("measure", measure_of(v)))
        else:
            kind_code = coded("Outcome type", "outcome", self.outcome_code)
        bad = (force < 0) | (month < 0) | (kind_code < 0)
        ids = no_id = None
        if "Crime ID" in cols:
            ids = pc.utf8_trim_whitespace(cols["Crime ID"])
            no_id = pc.equal(ids, "").to_numpy(zero_copy_only=False)
            if not street:
                bad |= no_id
        if bad.any():
            return False
        col = cols[self.area_column]
        area = codes.mapped(self.area_column, col.dictionary, self.area_code)[col.indices.to_numpy(zero_copy_only=False)]
        if street:
            measure, outcome = kind_code, 0
            if self.last_outcomes:
                last = coded(LAST_OUTCOME, "last outcome", lambda v: self.outcome_code(v, last=True))
                self._last(part, force, area, measure, month, last)
            if ids is not None:
                has = ~no_id
                part.ids.append((crime_id_hashes(pd.Series(ids.filter(pa.array(has)).to_pylist(), dtype=object)),
                                 measure[has].astype(np.int16)))
        else:
            outcome = kind_code
            measure = self.measure_codes(crime_id_hashes(pd.Series(ids.to_pylist(), dtype=object)))
        part.keys.append(pack(force, area, measure, month, outcome))
        part.rows_in += batch.num_rows
        return True

    @staticmethod
    def _last(part: Part, force: np.ndarray, area: np.ndarray, measure: np.ndarray, month: np.ndarray,
              last: np.ndarray) -> None:
        """Street records with a Last outcome category as outcome records (``last_outcomes=True``); a blank one
        (anti-social behaviour, a crime with no outcome yet published) is no outcome, counted in the notes."""
        has = last >= 0
        part.last = part.last or Part("outcomes")
        part.last.keys.append(pack(force[has], area[has], measure[has], month[has], last[has]))
        part.last.rows_in += int(has.sum())
        part.no_outcome += int((~has).sum())

    # ---- the exact path
    def exact(self, member: Member) -> Part:
        """Read one member with the csv-aware pandas reader (exact line numbers whatever the quoting)."""
        part: Part | None = None
        for kind, table in exact_tables(member, self.encoding, member.kind, self.required):
            part = part or Part(kind)
            checks = RowChecks(table)
            force = checks.force("Falls within")
            month = checks.month("Month")
            if kind == "street":
                measure = unique_map(checks.text("Crime type"), measure_of)
                outcome = pd.Series("", index=table.data.index)
            else:
                outcome = checks.text("Outcome type")
                crime_id = checks.text("Crime ID")
                measure = None
            good = checks.good
            n = len(table)
            code = np.zeros((n, 5), dtype=np.int64)
            for j, values in ((0, force), (3, month)):
                code[good, j] = unique_map(values[good], lambda v, d=DIMS[j]: self.codes.code(d, v)).to_numpy()
            if kind == "outcomes":
                code[good, 4] = unique_map(outcome[good], self.outcome_code).to_numpy()
            code[good, 1] = unique_map(table.data[self.area_column][good], self.area_code).to_numpy()
            if kind == "street":
                code[good, 2] = unique_map(measure[good], lambda v: self.codes.code("measure", v)).to_numpy()
                if self.last_outcomes:
                    texts = table.data[LAST_OUTCOME][good]
                    last = unique_map(texts, lambda v: self.outcome_code(v, last=True) if v else -1).to_numpy()
                    self._last(part, *code[good][:, :4].T, last.astype(np.int64))
                if self.need_ids:
                    has = good & (table.data["Crime ID"] != "").to_numpy()
                    part.ids.append((crime_id_hashes(table.data["Crime ID"][has]), code[has, 2].astype(np.int16)))
            elif good.any():
                code[good, 2] = self.measure_codes(crime_id_hashes(crime_id[good]))
            part.keys.append(pack(*code[good].T))
            part.rows_in += n
            part.rejected.extend(checks.rejections())
        assert part is not None  # exact_tables yields at least one (possibly empty) table
        return part

    def read(self, members: list[Member], progress: bool) -> None:
        """Read the members in order, parsed ahead in threads while the codes are assigned here
        (``tally.read_ahead``)."""
        read_ahead(members, self.prepare, lambda member, parsed: self._take(member, parsed, progress))

    def _take(self, member: Member, parsed: Parsed | None, progress: bool) -> None:
        part = (self.finish(parsed) if parsed is not None else None) or self.exact(member)
        self.ids.extend(part.ids)
        self._check_name(member, part)
        self.tallies[part.kind].add(part)
        if self.last_outcomes and part.kind == "street":
            self.tallies["outcomes"].add(part.last or Part("outcomes"))
            self.no_outcome += part.no_outcome
        log.log(logging.INFO if progress else logging.DEBUG, "read %s: %d rows, %d rejected",
                member.label, part.rows_in, len(part.rejected))

    def _check_name(self, member: Member, part: Part) -> None:
        """A note when a file's records are of another month or force than its name says (a renamed or mislabelled
        download): they are counted by their own Month and Falls within, which police.uk defines, and the note
        names the file, so that a month read twice, or missing, is seen."""
        named = FILE_NAME.match(PurePosixPath(member.label.replace("\\", "/")).name)
        if named is None or not part.keys:
            return
        found = {d: [self.codes.values[d][c] for c in np.flatnonzero(sum(
                     np.bincount((k >> SHIFT[d]) & ((1 << BITS[d]) - 1), minlength=1 << BITS[d])
                     for k in part.keys))] for d in ("month", "force")}
        force = find_force(named["force"].replace("-", " "))
        said, held = [], []
        if found["month"] != [named["month"]]:
            said.append(named["month"])
            held.append(", ".join(found["month"]))
        if force is not None and found["force"] != [force]:
            said.append(force)
            held.append(", ".join(found["force"]))
        if said:
            self.name_notes[part.kind].append(
                f"{member.label}: the file name says {' '.join(said)} but its records are of {'; '.join(held)}: "
                "counted by the records' own Month and Falls within")

    def result(self, path: Path, kind: str) -> LoadResult:
        """The canonical frame of one kind, built from the distinct keys already in key order (values ranked per
        dimension), so it is sorted and unique by construction; ``schema.validate`` would give the same frame
        (a test checks) at the cost of re-sorting and re-checking millions of rows."""
        tally = self.tallies[kind]
        spec = schema.VOLUMES if kind == "street" else schema.OUTCOMES
        tally.reduce()
        notes = self.notes(kind, tally)
        if not len(tally.keys):
            return LoadResult(str(path), FORMAT, spec.name, schema.empty(spec), tally.rows_in, tally.rejected,
                              notes=notes)
        keys, counts = tally.keys, tally.counts
        if not self.lsoa:  # each district's records again in the whole-force row (area code 0)
            whole = keys & ~np.int64(((1 << BITS["area"]) - 1) << SHIFT["area"])
            keys, counts = sum_keys(np.concatenate([keys, whole]), np.concatenate([counts, counts]))
        fields = unpack(keys)
        rank = {}
        for d in DIMS:
            values = self.codes.values[d] or [""]
            rank[d] = np.empty(len(values), dtype=np.int64)
            rank[d][sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
        order = np.argsort(pack(*(rank[d][fields[d]] for d in DIMS)))
        fields = {d: f[order] for d, f in fields.items()}

        def text(dim: str) -> pd.Series:
            return pa.array(self.codes.values[dim] or [""], pa.string()).take(fields[dim]).to_pandas()

        cols = {schema.FORCE: text("force"), schema.AREA: text("area"), schema.MEASURE: text("measure"),
                schema.MONTH: pd.Series(pd.PeriodIndex(self.codes.values["month"], freq="M")[fields["month"]])}
        if kind == "outcomes":
            cols[schema.OUTCOME_TYPE] = text("outcome")
        frame = pd.DataFrame(cols)
        frame[schema.COUNT] = counts[order].astype(np.int64)
        return LoadResult(str(path), FORMAT, spec.name, frame, tally.rows_in, tally.rejected, notes=notes)

    def notes(self, kind: str, tally: Tally) -> list[str]:
        """What the reader says about the records it loaded: LSOA names without a code, outcome texts not in the
        outcome table (with their records), street records with no Last outcome category."""
        out = list(self.name_notes[kind][:10])
        if len(self.name_notes[kind]) > 10:
            out.append(f"... and {len(self.name_notes[kind]) - 10} more files whose name says another month or force")
        if kind == "street" and self.odd_names:
            names = sorted(self.odd_names)
            out.append(f"{len(names)} LSOA name(s) without a trailing LSOA code, each kept whole as its area: "
                       + ", ".join(repr(n) for n in names[:10]) + (", ..." if len(names) > 10 else ""))
        if kind == "outcomes" and self.unknown and len(tally.keys):
            outcome = unpack(tally.keys)["outcome"]
            table = outcome_table()
            for text in sorted(self.unknown):
                n = int(tally.counts[outcome == self.codes.index["outcome"][text]].sum())
                out.append(f"outcome text {text!r} is not in the police.uk outcome table (outcomes.toml "
                           f"{table.version}): {n:,} record(s) kept with that outcome_type, in no action-taken set")
        if kind == "outcomes" and self.last_outcomes:
            out.append(f"outcomes from street files' {LAST_OUTCOME!r} (each crime's latest outcome, counted in "
                       f"the month the crime was recorded); {self.no_outcome:,} street record(s) with none "
                       "(anti-social behaviour, no outcome yet) give no outcome")
        return out

