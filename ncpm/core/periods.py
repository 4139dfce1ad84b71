"""Months, financial years and quarters on the UK public-sector calendar.

Definitions (METHODS.md, Calendar): a month is a ``pandas.Period`` with freq "M", never a day-level timestamp.
The financial year runs April to March, so 2023/24 = 2023-04 .. 2024-03. Quarters: Q1 = Apr-Jun, Q2 = Jul-Sep,
Q3 = Oct-Dec, Q4 = Jan-Mar, labelled "Q1 2023/24".

>>> fy_quarter(pd.Period("2023-06", "M"))
FyQuarter(start_year=2023, quarter=1)
>>> str(parse_quarter("2023-24-Q1"))
'Q1 2023/24'
>>> [str(m) for m in parse_quarter("Q1 2023/24").months()]
['2023-04', '2023-05', '2023-06']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.core.errors import InputError

FY_START_MONTH = 4  # April: the UK government financial year

_FY = r"(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})"
_Q = r"Q(?P<q>[1-4])"
_QUARTER_PATTERNS = [
    re.compile(rf"^{_Q}\s+{_FY}$", re.I),          # Q1 2023/24
    re.compile(rf"^{_FY}\s+{_Q}$", re.I),          # 2023/24 Q1
    re.compile(rf"^{_FY}\s*-\s*{_Q}$", re.I),      # 2023-24-Q1
]
_FY_PATTERN = re.compile(rf"^(?:FY\s*)?{_FY}$", re.I)
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def to_month(value: object) -> pd.Period:
    """A month as ``Period[M]`` from "2023-06", "2023-06-01", "June 2023", "Jun 2023", "2023 Jun" or a Period.

    Raises ``ValueError`` for anything else (readers turn it into an :class:`InputError` with the row).
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if isinstance(value, pd.Timestamp):
        return value.to_period("M")
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{1,2}", text):
        year, month = text.split("-")
        if not 1 <= int(month) <= 12:
            raise ValueError(f"not a month: {value!r}")
        return pd.Period(year=int(year), month=int(month), freq="M")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", text):
        return pd.Period(text[:7], freq="M")
    m = re.fullmatch(r"([A-Za-z]{3,9})\.?\s+(\d{4})|(\d{4})\s+([A-Za-z]{3,9})", text)
    if m:
        name, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        key = name[:3].title()
        if key in _MONTH_NAMES and (len(name) == 3 or name.title().startswith(key)):
            return pd.Period(year=int(year), month=_MONTH_NAMES.index(key) + 1, freq="M")
    raise ValueError(f"not a month: {value!r} (expected YYYY-MM)")


def month_label(month: pd.Period) -> str:
    """The report's wording for a month: "June 2023"."""
    return month.strftime("%B %Y")


def year_ending_label(end: object) -> str:
    """A 12-month period by its last month, as ONS names it (a method's note names its period with it too).

    >>> year_ending_label("2019-12")
    'year ending December 2019'
    """
    return f"year ending {month_label(to_month(end))}"


def financial_year(month: pd.Period) -> int:
    """Start year of the financial year holding ``month`` (2023 for 2023-04 .. 2024-03)."""
    return month.year if month.month >= FY_START_MONTH else month.year - 1


def fy_label(start_year: int) -> str:
    """ "2023/24" for the year starting April 2023."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass(frozen=True, order=True)
class FyQuarter:
    """A quarter of a financial year, e.g. ``FyQuarter(2023, 1)`` = Q1 2023/24 = April-June 2023."""

    start_year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1-4, not {self.quarter}")

    def __str__(self) -> str:
        return f"Q{self.quarter} {fy_label(self.start_year)}"

    @property
    def first_month(self) -> pd.Period:
        return pd.Period(year=self.start_year, month=FY_START_MONTH, freq="M") + 3 * (self.quarter - 1)

    @property
    def last_month(self) -> pd.Period:
        return self.first_month + 2

    def months(self) -> pd.PeriodIndex:
        """The three months of the quarter."""
        return pd.period_range(self.first_month, self.last_month, freq="M")

    def shift(self, quarters: int) -> FyQuarter:
        """The quarter ``quarters`` later (negative for earlier)."""
        return fy_quarter(self.first_month + 3 * quarters)

    @property
    def origin(self) -> pd.Period:
        """The forecast origin for this quarter: the month before it starts (2023-03 for Q1 2023/24)."""
        return self.first_month - 1


def fy_quarter(month: pd.Period) -> FyQuarter:
    """The financial-year quarter holding ``month``."""
    month = to_month(month)
    return FyQuarter(financial_year(month), (month.month - FY_START_MONTH) % 12 // 3 + 1)


def _start_year(y1: str, y2: str) -> int:
    start = int(y1)
    end = int(y2) if len(y2) == 4 else (start // 100) * 100 + int(y2)
    if len(y2) == 2 and end < start:
        end += 100
    if end != start + 1:
        raise ValueError(f"financial year {y1}/{y2} does not span consecutive years")
    return start


def parse_quarter(text: str | FyQuarter) -> FyQuarter:
    """Parse "Q1 2023/24", "2023/24 Q1" or "2023-24-Q1" (case and spacing tolerant)."""
    if isinstance(text, FyQuarter):
        return text
    s = str(text).strip()
    for pattern in _QUARTER_PATTERNS:
        m = pattern.match(s)
        if m:
            return FyQuarter(_start_year(m["y1"], m["y2"]), int(m["q"]))
    raise ValueError(f"not a financial quarter: {text!r} (expected e.g. 'Q1 2023/24')")


def parse_financial_year(text: str) -> int:
    """Start year from "2023/24", "2023-24", "FY 2023/24" or "2023/2024"."""
    m = _FY_PATTERN.match(str(text).strip())
    if not m:
        raise ValueError(f"not a financial year: {text!r} (expected e.g. '2023/24')")
    return _start_year(m["y1"], m["y2"])


def months_ending(month: pd.Period, n: int) -> pd.PeriodIndex:
    """The ``n`` months ending at (and including) ``month``."""
    month = to_month(month)
    return pd.period_range(month - (n - 1), month, freq="M")


def parse_month_error(value: object, *, file: str | None, row: int | None, column: str) -> InputError:
    """The standard error for an unparseable month."""
    return InputError(f"cannot read month {value!r} (expected YYYY-MM)", file=file, row=row, column=column)


def month_ordinals(months: pd.Series) -> np.ndarray:
    """Month ordinals (months since 1970-01) of a ``Period[M]`` column: lags are integer subtraction."""
    return np.asarray(months.array.asi8, dtype=np.int64)


def dense_months(ordinals: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One series on a complete monthly grid from its first to its last month (missing months NaN), and each
    input row's position on the grid.

    >>> dense_months(np.array([600, 603]), np.array([5.0, 7.0]))[0].tolist()
    [5.0, nan, nan, 7.0]
    """
    start = int(ordinals.min())
    pos = (ordinals - start).astype(np.int64)
    dense = np.full(int(ordinals.max()) - start + 1, np.nan)
    dense[pos] = values
    return dense, pos

