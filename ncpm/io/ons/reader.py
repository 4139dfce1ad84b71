"""Reading an ONS police force area file (one sheet as CSV, or the XLSX / ODS workbook): its counts (Table P1 or
C2) and its populations (Table P3), each table found by content (:mod:`ncpm.io.ons.sheets`).
"""

from __future__ import annotations

from pathlib import Path

from ncpm.core.errors import InputError
from ncpm.io import LoadResult
from ncpm.io.grids import Grid
from ncpm.io.ons.counts import counts_result
from ncpm.io.ons.population import read_population
from ncpm.io.ons.sheets import choose_tables
from ncpm.io.tables import read_grids


def read_ons_tables(path: str | Path, *, encoding: str | None = None,
                    grids: list[Grid] | None = None) -> list[LoadResult]:
    """Every table ncpm reads from an ONS police force area file: the counts (Table P1 or C2, *period_counts*)
    and, when present, the mid-year populations of Table P3 (*population*), in that order.

    ``grids``: the file's sheets when the caller has read them already (``read_any`` does, to read a workbook
    once). Sheets are chosen by content (see the module docstring).
    """
    path = Path(path)
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    counts, population = choose_tables(grids, path)
    if counts is None and population is None:
        raise InputError("no table of counts by police force area (Table P1 or C2) or of populations (Table P3)",
                         file=str(path))
    return [*([counts_result(counts, grids)] if counts else []),
            *([read_population(population, grids)] if population else [])]


def read_ons_pfa_table(path: str | Path, *, encoding: str | None = None,
                       grids: list[Grid] | None = None) -> LoadResult:
    """Read an ONS police force area table (Table P1, by force, or Table C2, by Community Safety Partnership) into
    the canonical *period_counts* frame.

    Columns out: force, area ("Force", or the CSP's name in Table C2), measure, period_start, period_end
    (Period[M]), count. One expected rejection per region, national or BTP row and per row with no figure
    available; one rejection per row with an unreadable number (naming the first bad column). Figures not
    available are named in ``notes``. From a workbook, the counts sheet is chosen by content.
    """
    path = Path(path)
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    counts, population = choose_tables(grids, path)
    if counts is None:
        if population is not None:
            raise InputError("this is a table of rates with populations (Table P3), not of counts; its populations "
                             "are read by read_ons_population", file=population.grid.file)
        raise InputError("no sheet holds a table of counts by police force area (Table P1 or C2)", file=str(path))
    return counts_result(counts, grids)


def read_ons_population(path: str | Path, *, encoding: str | None = None,
                        grids: list[Grid] | None = None) -> LoadResult:
    """The mid-year population by force printed in ONS Table P3 (rates per 1,000) as a *population* frame
    (force, year, population).

    The year is the "mid-YYYY" in the population column's header ("Population figures (mid-2016) rounded to 100")
    or in the title; the source rounds the populations to 100, and a note says so. Rates are not read: ncpm
    computes its own (``ncpm.methods.peers.rates_per_1000``).
    """
    path = Path(path)
    grids = read_grids(path, encoding=encoding) if grids is None else grids
    _, population = choose_tables(grids, path)
    if population is None:
        raise InputError("no table with a population column by police force area (Table P3)", file=str(path))
    return read_population(population, grids)
