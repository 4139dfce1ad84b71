"""The 12 months an ONS police force area table covers, read from its title: "year ending June 2025" is 2024-07 ..
2025-06. Footnote markers glued to the year are read as such ("year ending March 181,2,3" is March 2018 with notes
1, 2, 3; "year ending December 20191,2" December 2019).
"""

from __future__ import annotations

import re

import pandas as pd

from ncpm.core.errors import InputError
from ncpm.io.headers import clean_label

TITLE_PERIOD = re.compile(r"year\s+ending\s+([A-Za-z]+)\.?\s+(\d{2,})((?:\s?,\s?\d{1,2})*)", re.I)


def _title_year(digits: str, glued: str) -> int | None:
    """The year in "year ending March <digits><glued>": a four-digit year (19xx, 20xx) or a two-digit one (20yy),
    whichever leaves footnote markers that read as notes (one or two digits each, rising: "1,2,3") after it."""
    readings = [(int(digits[:4]), digits[4:])] if len(digits) >= 4 and digits[:2] in ("19", "20") else []
    readings.append((2000 + int(digits[:2]), digits[2:]))
    for year, rest in readings:
        notes = [int(n) for n in re.split(r"\s?,\s?", rest + glued) if n]
        if all(n < 100 for n in notes) and notes == sorted(set(notes)):
            return year
    return None


def table_period(title_rows: list[list[str]], file: str) -> tuple[pd.Period, pd.Period]:
    """The 12 months named in the title: "year ending June 2025" -> (2024-07, 2025-06); footnote markers glued to
    the year are read as such ("March 181,2,3" is March 2018, "December 20191,2" December 2019).

    >>> table_period([["Table P1: ..., year ending March 181,2,3"]], "p1.csv")
    (Period('2017-04', 'M'), Period('2018-03', 'M'))
    """
    for row in title_rows:
        for cell in row:
            for m in TITLE_PERIOD.finditer(clean_label(cell)):
                year = _title_year(m[2], m[3])
                if year is None:
                    continue
                try:
                    end = pd.Period(f"{m[1][:3].title()} {year}", freq="M")
                except ValueError:
                    continue
                return end - 11, end
    raise InputError("cannot find the period in the title rows (expected e.g. 'year ending June 2025')", file=file)
