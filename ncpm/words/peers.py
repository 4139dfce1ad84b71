"""The peer comparison tables as the report publishes them: the numbers of :mod:`ncpm.methods.peers` with their
ranks and rank changes in words (:mod:`ncpm.words.style`).

``ncpm.methods.peers`` computes numbers only (rank, earlier_rank, places); here each table gains the words beside
its numbers: ``label`` ("improved two places to 20th", :func:`ncpm.words.style.rank_change_label`) after
``places``, and in an ONS period table ``rank_label`` ("20th", :func:`ncpm.words.style.ordinal`) after ``rank``.
The numbers API is re-exported, so a caller that wants the tables as published (the quarter, a notebook) uses one
name, ``peers``.

>>> import pandas as pd
>>> r = pd.DataFrame({"force": ["Kent", "Kent"], "measure": "burglary", "month": ["2023-03", "2023-06"],
...                   "rank": [14, 12], "n_forces": 43})
>>> rank_change(r, "2023-06", "2023-03")["label"].tolist()
['improved two places to 12th']
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ncpm.core import schema
from ncpm.core.schema import EARLIER_RANK, LABEL, PLACES, RANK, RANK_LABEL
from ncpm.methods import peers as _numbers
from ncpm.methods.peers import (  # the numbers, re-exported: the peers API as published
    AVERAGES,
    MSG_MAX_SIZE,
    PER_POPULATION,
    RATE_COLUMNS,
    WINDOW_MONTHS,
    PeriodComparison,
    msg_compare,
    national_rank,
    poisson_interval,
    published_population_year,
    rates_for_period,
    rates_per_1000,
    validate_msg,
    window_sum,
)
from ncpm.words.style import ordinal, rank_change_label

__all__ = ["AVERAGES", "MSG_MAX_SIZE", "PER_POPULATION", "RATE_COLUMNS", "WINDOW_MONTHS", "PeriodComparison",
           "msg_compare", "national_rank", "ordinal", "period_comparison", "poisson_interval",
           "published_population_year", "rank_change", "rates_for_period", "rates_per_1000", "validate_msg",
           "window_sum", "with_rank_change_label", "with_rank_label"]


def _after(frame: pd.DataFrame, column: str, name: str, values) -> pd.DataFrame:
    out = frame.copy()
    out.insert(out.columns.get_loc(column) + 1, name, values)
    return out


def with_rank_change_label(changes: pd.DataFrame) -> pd.DataFrame:
    """``changes`` (``rank``, ``earlier_rank``, ``places``) with ``label`` after ``places``: the change in words,
    NA where either rank is missing."""
    labels = [None if pd.isna(now) or pd.isna(then) else rank_change_label(int(now), int(then))
              for now, then in zip(changes[RANK], changes[EARLIER_RANK], strict=True)]
    return _after(changes, PLACES, LABEL, schema.text(labels))


def with_rank_label(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``rank_label`` ("20th") after ``rank``, NA where there is no rank."""
    return _after(table, RANK, RANK_LABEL, schema.text([None if pd.isna(r) else ordinal(r) for r in table[RANK]]))


def rank_change(ranks: pd.DataFrame, month: object, earlier: object) -> pd.DataFrame:
    """:func:`ncpm.methods.peers.rank_change` with its ``label``.

    Output columns: force, measure, month, earlier, rank, earlier_rank, n_forces, places, label.
    """
    return with_rank_change_label(_numbers.rank_change(ranks, month, earlier))


def period_comparison(period_counts: pd.DataFrame, population: pd.DataFrame, month: object = None,
                      **options: object) -> PeriodComparison:
    """:func:`ncpm.methods.peers.period_comparison` (same arguments) with the table's ``rank_label`` and, when
    two periods are held, the rank change's ``label``."""
    compared = _numbers.period_comparison(period_counts, population, month, **options)
    table = compared.table
    if RANK in table.columns:
        table = with_rank_label(table)
    if PLACES in table.columns:
        table = with_rank_change_label(table)
    return dataclasses.replace(compared, table=table)
