"""Row checks: the row-level half of the readers' policy (:mod:`ncpm.io.limits`). Each check rejects the rows it
fails, naming file, line and column (only a row's first failure counts), and loading goes on: an unknown force, an
unreadable or future month, a negative, fractional or too large count, a blank required value, a control
character, an exact duplicate. Two rows with one key and different values are an error (the file contradicts
itself). :func:`accounting` gives ``rows_in`` and every rejection in file and line order; the readers then type the
rows kept as the canonical frame with :func:`ncpm.core.schema.canonical`, not validated again (``ncpm.load``
validates each kind once, at the edge).

>>> parse_counts(pd.Series(["1,204", " 7 ", "-3"]))[0].tolist()
[1204, 7, 0]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ncpm.core.errors import InputError
from ncpm.core.forces import find_force
from ncpm.core.periods import to_month
from ncpm.io import Rejection
from ncpm.io.limits import MAX_COUNT, MONTHS_AHEAD
from ncpm.io.tables import Table

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters no name holds (tab and
#   line breaks are the cells' own business: a quoted line break is legal CSV)
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def unique_map(values: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """Apply ``fn`` once per distinct value (files repeat a few forces and months many times)."""
    uniques = pd.unique(values.to_numpy(dtype=object))
    return values.map(dict(zip(uniques, (fn(u) for u in uniques), strict=True)))


def latest_month() -> pd.Period:
    """The latest month an input may hold: the current month (the clock read here, in io) + :data:`MONTHS_AHEAD`."""
    return pd.Period(dt.date.today(), freq="M") + MONTHS_AHEAD


def month_problem(value: str) -> str | None:
    """Why ``value`` is not a month ncpm reads, or None: unreadable, a date that does not exist ("2023-02-30"), or
    later than :func:`latest_month` (a typed year: "2099-12")."""
    try:
        month = to_month(value)
    except (ValueError, TypeError):
        return f"cannot read month {value!r} (expected YYYY-MM)"
    day = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})( 00:00:00)?", value.strip())
    if day:
        try:
            dt.date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            return f"{value!r} is not a date (no such day)"
    if month > latest_month():
        return f"month {value!r} is in the future (after {latest_month()})"
    return None


def month_text(value: str) -> str | None:
    """``value`` as "YYYY-MM" when it is a month ncpm reads (:func:`month_problem`), else None."""
    return None if month_problem(value) else str(to_month(value))


def parse_counts(values: pd.Series, *, signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative whole numbers from text (thousands separators and surrounding spaces allowed); ``signed``
    also accepts negative ones (a published adjustment). A value over :data:`MAX_COUNT` in size is rejected
    ("1e20", 2**53 + 1): below it every whole number is exact as a float, so the value is read exactly.

    Returns the int64 values (0 where bad) and an object array of reasons ("" where good).

    >>> parse_counts(pd.Series(["1,204", "1e20", "9007199254740993"]))[1].tolist()[1]
    "'1e20' is larger than the largest count read (1,000,000,000)"
    """
    text = values.astype(object).fillna("").map(str).str.strip()
    plain = text.where(~text.str.match(_THOUSANDS), text.str.replace(",", "", regex=False))
    number = pd.to_numeric(plain.where(plain != "", np.nan), errors="coerce").to_numpy(dtype=float)
    reasons = np.full(len(text), "", dtype=object)
    t = text.to_numpy(dtype=object)
    blank = t == ""
    nan = np.isnan(number) | ~np.isfinite(np.where(np.isnan(number), 0.0, number))
    negative = ~nan & (number < 0) & (not signed)
    fraction = ~nan & ~negative & (number != np.floor(np.where(nan, 0.0, number)))
    large = ~nan & ~negative & (np.abs(np.where(nan, 0.0, number)) > MAX_COUNT)
    for mask, make in ((nan & ~blank, lambda v: f"{v!r} is not a number"),
                       (negative, lambda v: f"negative count {v!r}"),
                       (fraction, lambda v: f"{v!r} is not a whole number"),
                       (large, lambda v: f"{v!r} is larger than the largest count read ({MAX_COUNT:,})")):
        for i in np.flatnonzero(mask):
            reasons[i] = make(t[i])
    reasons[blank] = "missing value"
    good = reasons == ""
    return np.where(good, number, 0.0).astype(np.int64), reasons


@dataclass
class RowChecks:
    """The row-level rejection loop: each check rejects the rows it fails (only the first failure per row counts).

    >>> t = Table("x.csv", pd.DataFrame({"force": ["Warwickshire", "Narnia"], "count": ["3", "-1"]}),
    ...           np.array([2, 3]), {"force": "Force", "count": "Count"})
    >>> c = RowChecks(t); _ = c.force("force"); _ = c.count("count")
    >>> [str(r) for r in c.rejections()]
    ["x.csv, row 3, column Force: unknown force 'Narnia'"]
    """

    table: Table
    bad: np.ndarray = field(init=False)
    _found: list[tuple[np.ndarray, str | None, np.ndarray]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.bad = np.zeros(len(self.table), dtype=bool)

    @property
    def good(self) -> np.ndarray:
        return ~self.bad

    def reject(self, mask: np.ndarray, column: str | None, reasons: str | np.ndarray) -> None:
        """Reject the rows in ``mask`` not already rejected; ``reasons`` is one text or one per row."""
        mask = np.asarray(mask, dtype=bool) & ~self.bad
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        why = np.full(len(pos), reasons, dtype=object) if isinstance(reasons, str) else \
            np.asarray(reasons, dtype=object)[pos]
        if self.table.formulas and column is not None:
            for k, p in enumerate(pos):
                formula = self.table.formulas.get((int(p), column))
                if formula is not None and why[k] == "missing value":
                    why[k] = (f"a formula ({formula}) with no saved value: open the workbook in Excel and save it, "
                              "so that its values are stored")
        self._found.append((pos, None if column is None else self.table.names.get(column, column), why))
        self.bad |= mask

    def text(self, column: str) -> pd.Series:
        """A required text value: blank is rejected as "missing value", one holding a control character (a NUL
        byte: binary data or a broken export) naming it."""
        values = self.table.data[column]
        self.reject((values == "").to_numpy(), column, "missing value")
        if _CONTROL.search("".join(pd.unique(values.to_numpy(dtype=object)))):  # each distinct text once
            control = values.str.contains(_CONTROL).to_numpy(dtype=bool)
            self.reject(control, column, np.array(
                [f"control character U+{ord(m[0]):04X} in {v!r}" if (m := _CONTROL.search(v)) else ""
                 for v in values], dtype=object))
        return values

    def force(self, column: str) -> pd.Series:
        """A force name (any registry spelling) to its canonical name; unknown or blank names are rejected."""
        values = self.text(column)
        canonical = unique_map(values, find_force)
        unknown = canonical.isna().to_numpy() & (values != "").to_numpy()
        self.reject(unknown, column, np.array([f"unknown force {v!r}" for v in values], dtype=object)
                    if unknown.any() else "")
        return canonical

    def month(self, column: str) -> pd.Series:
        """A month ("2023-05", "2023-05-01", "May 2023" ...) as "YYYY-MM" text; unreadable months, days that do
        not exist and months in the future are rejected (:func:`month_problem`)."""
        values = self.text(column)
        months = unique_map(values, month_text)
        bad = months.isna().to_numpy() & (values != "").to_numpy()
        if bad.any():
            why = unique_map(values, lambda v: month_problem(v) or "")
            self.reject(bad, column, why.to_numpy(dtype=object))
        return months

    def count(self, column: str, *, signed: bool = False) -> np.ndarray:
        """A non-negative whole number; blank, negative (unless ``signed``), fractional or non-numeric values are
        rejected."""
        values, reasons = parse_counts(self.table.data[column], signed=signed)
        self.reject(reasons != "", column, reasons)
        return values

    def parsed(self, column: str, fn: Callable[[str], object], what: str, expected: str = "") -> pd.Series:
        """A value read by ``fn`` (raising ValueError when unreadable): "cannot read <what> 'x' (expected ...)"."""
        values = self.text(column)

        def safe(v: str) -> object:
            try:
                return fn(v) if v else None
            except (ValueError, TypeError):
                return None

        out = unique_map(values, safe)
        bad = out.isna().to_numpy() & (values != "").to_numpy()
        if bad.any():
            hint = f" (expected {expected})" if expected else ""
            self.reject(bad, column, np.array([f"cannot read {what} {v!r}{hint}" for v in values], dtype=object))
        return out

    def dedupe(self, keys: dict[str, Iterable], values: dict[str, Iterable]) -> None:
        """Among the rows still good: an exact repeat of a key is rejected ("duplicate of row N"); a repeat with
        different values raises :class:`InputError` (the file contradicts itself, so no value can be trusted).
        """
        frame = pd.DataFrame({**{f"k{i}": list(v) for i, v in enumerate(keys.values())},
                              **{f"v{i}": list(v) for i, v in enumerate(values.values())}})
        frame["pos"] = np.arange(len(frame))
        frame = frame[self.good]
        kcols = [f"k{i}" for i in range(len(keys))]
        dup = frame.duplicated(kcols, keep="first").to_numpy()
        if not dup.any():
            return
        first = frame.groupby(kcols, sort=False, dropna=False)["pos"].transform("first").to_numpy()
        reasons = np.full(len(self.table), "", dtype=object)
        mask = np.zeros(len(self.table), dtype=bool)
        value_names = list(values)
        vals = frame[[f"v{i}" for i in range(len(values))]].to_numpy(dtype=object)
        rowpos = frame["pos"].to_numpy()
        index_of = {p: i for i, p in enumerate(rowpos)}
        for i in np.flatnonzero(dup):
            p, f = rowpos[i], first[i]
            j = index_of[f]
            where = self.table.label(f)
            of = f"row {self.table.lines[f]}" + ("" if where == self.table.label(p) else f" of {where}")
            differ = [k for k, (a, b) in enumerate(zip(vals[i], vals[j], strict=True)) if a != b]
            if differ:
                k = differ[0]
                key = ", ".join(f"{name} {v}" for name, v in zip(keys, frame.iloc[i][kcols], strict=True))
                raise InputError(f"same key as {of} ({key}) but {value_names[k]} {vals[i][k]} differs from "
                                 f"{vals[j][k]}", file=self.table.label(p), row=int(self.table.lines[p]),
                                 column=self.table.names.get(value_names[k], value_names[k]))
            reasons[p] = f"duplicate of {of}"
            mask[p] = True
        self.reject(mask, None, reasons)

    def rejections(self) -> list[Rejection]:
        """Every rejection, in file and line order."""
        out = []
        for pos, column, reasons in self._found:
            for p, why in zip(pos, reasons, strict=True):
                out.append(Rejection(self.table.label(p), int(self.table.lines[p]), column, str(why)))
        return sorted(out, key=lambda r: (r.file, r.line or 0))


def accounting(table: Table, grid_rejected: list[Rejection], checks: RowChecks) -> tuple[int, list[Rejection]]:
    """``rows_in`` and every rejection (ragged rows found while reading, then the checks'), in file/line order."""
    rejected = sorted([*grid_rejected, *checks.rejections()], key=lambda r: (r.file, r.line or 0))
    return len(table) + len(grid_rejected), rejected
