"""Home Office police recorded crime open data tables by police force area (CSV, XLSX or ODS).

Columns (Home Office, "Police recorded crime open data tables", force area level): Financial Year ("2023/24"),
Financial Quarter (1-4), Force Name, Offence Description, Offence Group, Offence Subgroup, Offence Code,
Number of Offences. Header matching ignores case, spaces and underscores; title rows above the header and several
sheets (one per year range) are allowed.

The counts stay quarterly: one row per force, offence code and financial-year quarter ("Q1 2023/24"), never spread
into months. Each offence-code row is repeated for every catalogue measure the code counts towards
(``ncpm.catalogue.measures_for_ho_code``: 28E residential burglary counts in both ``burglary_residential`` and
``burglary``); a code that maps to no measure is kept under ``ho:<code>`` so nothing is dropped. ``rows_in`` counts
the table's rows, not the expanded ones.

Offence codes are read as text: keep them as text cells in a workbook ("4.10" stored as a number reads as 4.1).

>>> result = read_home_office("prc-pfa-mar2013-onwards-tables.ods")  # doctest: +SKIP
>>> result.frame.columns.tolist()  # doctest: +SKIP
['force', 'measure', 'offence_code', 'quarter', 'count']
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm import schema
from ncpm.catalogue import measures_for_ho_code
from ncpm.io import LoadResult
from ncpm.io._common import RowChecks, accounting, read_table
from ncpm.periods import FyQuarter, parse_financial_year

FORMAT = "home_office"
REQUIRED = ("Financial Year", "Financial Quarter", "Force Name", "Offence Code", "Number of Offences")
OPTIONAL = ("Offence Description", "Offence Group", "Offence Subgroup")


def _quarter_number(text: str) -> int:
    m = re.fullmatch(r"(?:Q\s*)?([1-4])", text.strip(), re.I)
    if not m:
        raise ValueError(text)
    return int(m[1])


def _measures(code: str) -> list[str]:
    return measures_for_ho_code(code) or [f"ho:{code}"]


def read_home_office(path: str | Path, *, encoding: str | None = None) -> LoadResult:
    """Read a Home Office open data table into the canonical *quarterly* frame.

    Columns out: force, measure, offence_code, quarter ("Q1 2023/24"), count. Rows with an unknown force (e.g.
    "Action Fraud"), an unreadable year or quarter, or a negative or fractional count are rejected with their line.
    """
    path = Path(path)
    table, rejected = read_table(path, REQUIRED, OPTIONAL, encoding=encoding)
    checks = RowChecks(table)
    start = checks.parsed("Financial Year", parse_financial_year, "financial year", "e.g. 2023/24")
    number = checks.parsed("Financial Quarter", _quarter_number, "quarter", "1-4")
    force = checks.force("Force Name")
    code = checks.text("Offence Code").str.upper()
    count = checks.count("Number of Offences")
    good = checks.good
    quarter = np.array([str(FyQuarter(int(s), int(q))) if ok else "" for s, q, ok in
                        zip(start.fillna(0), number.fillna(1), good, strict=True)], dtype=object)
    checks.dedupe({schema.FORCE: force, schema.OFFENCE_CODE: code, schema.QUARTER: quarter},
                  {"Number of Offences": count})
    good = checks.good
    frame = pd.DataFrame({schema.FORCE: force.to_numpy(dtype=object)[good],
                          schema.OFFENCE_CODE: code.to_numpy(dtype=object)[good],
                          schema.QUARTER: quarter[good], schema.COUNT: count[good]})
    frame[schema.MEASURE] = frame[schema.OFFENCE_CODE].map(_measures)
    frame = frame.explode(schema.MEASURE, ignore_index=True)
    frame = schema.validate(frame, schema.QUARTERLY, source=str(path)) if len(frame) else schema.empty(
        schema.QUARTERLY)
    rows_in, rejected = accounting(table, rejected, checks)
    return LoadResult(str(path), FORMAT, schema.QUARTERLY.name, frame, rows_in, rejected)
