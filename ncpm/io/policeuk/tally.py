"""Counting police.uk records at national scale: one packed int64 key a record, summed by sorting; threads ahead.

Issue 8, "check each distinct text once, count integer keys": each record becomes one int64 key packing its five
codes (force, area, measure, month, outcome type; :data:`BITS` each, in the frames' key order, so keys sort as the
frames do); the codes are assigned once per distinct text (:class:`Codes`). The keys are summed by sorting
(``numpy``) every :data:`_CONSOLIDATE` records (:class:`Tally`), so memory is bounded by the distinct groups, not by
the records. Up to :data:`WORKERS` threads read, inflate and parse :data:`AHEAD` members ahead (file reads, ISA-L and
pyarrow release the GIL) while the calling thread assigns the codes (:func:`read_ahead`); at most :data:`AHEAD`
members and :data:`AHEAD_BYTES` inflated bytes are in flight, whatever the archive holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ncpm.core.errors import InputError
from ncpm.io import Rejection
from ncpm.io.policeuk.archive import Member

WORKERS = 3  # threads reading, inflating and parsing members (3 measured best on 2 cores)
AHEAD = 8  # members in flight: parsed ahead of the thread assigning the codes, so the workers never wait for it
AHEAD_BYTES = 256 << 20  # inflated bytes of the members in flight: bounds the workers' memory with AHEAD
_CONSOLIDATE = 4_000_000  # group keys of records held (32 MB) before they are summed together

DIMS = ("force", "area", "measure", "month", "outcome")
# Bits of each dimension's code in a packed int64 group key, most significant first, in the order of the frames'
# key (force, area, measure, month, outcome type): 63 bits, so keys are non-negative and sort as the codes do.
BITS = {"force": 7, "area": 24, "measure": 10, "month": 12, "outcome": 10}
SHIFT = {d: sum(BITS[e] for e in DIMS[i + 1:]) for i, d in enumerate(DIMS)}


def pack(force: np.ndarray, area: np.ndarray | int, measure: np.ndarray, month: np.ndarray,
          outcome: np.ndarray | int) -> np.ndarray:
    """One int64 key a record from its five dimension codes (each below 2**bits, checked in ``Codes.code``)."""
    key = force.astype(np.int64) << SHIFT["force"]
    for dim, codes in (("area", area), ("measure", measure), ("month", month), ("outcome", outcome)):
        key |= np.asarray(codes, dtype=np.int64) << SHIFT[dim]
    return key


def unpack(keys: np.ndarray) -> dict[str, np.ndarray]:
    """The five dimension codes of each packed key."""
    return {d: (keys >> SHIFT[d]) & ((1 << BITS[d]) - 1) for d in DIMS}


def sum_keys(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` (sorted) and the sum of ``counts`` over each: a sort, then a segmented sum."""
    if not len(keys):
        return keys, counts
    order = np.argsort(keys, kind="stable")  # timsort: runs already sorted (earlier sums) merge in linear time
    keys, counts = keys[order], counts[order]
    start = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[start], np.add.reduceat(counts, start)


class Codes:
    """Integer codes of the group values met so far, one list per dimension (force, area, measure, month,
    outcome type), and the cached result of each check on a distinct text (so a check runs once per value)."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {d: [] for d in DIMS}
        self.index: dict[str, dict[str, int]] = {d: {} for d in DIMS}
        self.cache: dict[str, dict[str, int]] = {}
        self.seen: dict[str, tuple[pa.Array, np.ndarray]] = {}  # per check: texts met so far and their codes

    def code(self, dim: str, value: str) -> int:
        index = self.index[dim]
        found = index.get(value)
        if found is None:
            found = len(self.values[dim])
            if found >> BITS[dim]:
                raise InputError(f"more than {(1 << BITS[dim]) - 1:,} distinct {dim} values: not police.uk data")
            index[value] = found
            self.values[dim].append(value)
        return found

    def lut(self, check: str, dictionary: pa.Array, fn: Callable[[str], int]) -> np.ndarray:
        """Codes of a batch dictionary's (stripped) values under ``check`` (-1 blank, -2 invalid)."""
        cache = self.cache.setdefault(check, {})
        values = dictionary.to_pylist()
        out = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            c = cache.get(v)
            if c is None:
                v2 = v.strip()
                c = cache[v] = -1 if v2 == "" else fn(v2)
            out[i] = c
        return out

    def mapped(self, check: str, dictionary: pa.Array, fn: Callable[[str], int]) -> np.ndarray:
        """Codes of a batch dictionary of many distinct texts (stripped) under ``check``, looked up in C++: an LSOA
        dictionary holds thousands of codes or names a batch, so only the texts not met before go through
        ``fn`` in Python, once each (about 35,000 in a national archive)."""
        seen, codes = self.seen.get(check) or (pa.array([], pa.string()), np.zeros(0, dtype=np.int64))
        values = pc.utf8_trim_whitespace(dictionary)
        at = pc.index_in(values, value_set=seen)
        if at.null_count:
            fresh = pc.unique(values.filter(at.is_null())).to_pylist()
            codes = np.concatenate([codes, np.array([fn(v) for v in fresh], dtype=np.int64)])
            seen = pa.concat_arrays([seen, pa.array(fresh, pa.string())])
            self.seen[check] = (seen, codes)
            at = pc.index_in(values, value_set=seen)
        return codes[at.to_numpy(zero_copy_only=False).astype(np.int64)]


@dataclass
class Part:
    """What one member contributed: accounted for only when the member has been read to its end."""

    kind: str
    rows_in: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    keys: list[np.ndarray] = field(default_factory=list)  # a packed group key a record counted
    ids: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    last: Part | None = None  # street records' Last outcome category as outcomes (``last_outcomes=True``)
    no_outcome: int = 0  # street records with a blank Last outcome category (anti-social behaviour)


@dataclass
class Tally:
    """Running totals over all files of one kind: the keys of the records held, summed every so often into
    (distinct key, count) pairs."""

    rows_in: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    held: list[np.ndarray] = field(default_factory=list)
    n_held: int = 0
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # distinct, sorted
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    files: int = 0

    def add(self, part: Part) -> None:
        self.rows_in += part.rows_in
        self.rejected.extend(part.rejected)
        self.held.extend(part.keys)
        self.n_held += sum(len(k) for k in part.keys)
        self.files += 1
        if self.n_held > max(_CONSOLIDATE, len(self.keys)):  # amortised: memory stays within a few times the groups
            self.reduce()

    def reduce(self) -> None:
        if self.held:
            keys, counts = np.unique(np.concatenate(self.held), return_counts=True)
            self.keys, self.counts = sum_keys(np.concatenate([self.keys, keys]), np.concatenate([self.counts, counts]))
            self.held, self.n_held = [], 0


T = TypeVar("T")


def read_ahead(members: Sequence[Member], prepare: Callable[[Member], T],
               take: Callable[[Member, T], None]) -> None:
    """``take(member, prepare(member))`` for each member in order, up to :data:`WORKERS` members prepared ahead in
    threads (file reads, inflating and pyarrow release the GIL) while ``take`` runs here, one member at a time. At
    most :data:`AHEAD` members, and :data:`AHEAD_BYTES` inflated (one member may exceed it alone), are in flight."""
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ncpm-police-uk")
    ahead: deque[tuple[Member, Future]] = deque()
    held = 0  # inflated bytes of the members in flight (those streamed, not read whole, are not counted)

    def take_first() -> None:
        member, future = ahead.popleft()
        take(member, future.result())

    try:
        for member in members:
            size = member.size if member.whole else 0
            while ahead and (len(ahead) > max(AHEAD, WORKERS) or held + size > AHEAD_BYTES):
                done, _ = ahead[0]
                held -= done.size if done.whole else 0
                take_first()
            ahead.append((member, pool.submit(prepare, member)))
            held += size
        while ahead:
            take_first()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
