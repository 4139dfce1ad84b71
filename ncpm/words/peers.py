"""The peer comparison tables in words: each table of :mod:`ncpm.methods.peers` (numbers only: rank, earlier_rank,
places) gains the words beside its numbers, from :mod:`ncpm.words.style`: ``label`` ("improved two places to 20th",
``rank_change_label``) after ``places``, and in an ONS period table ``rank_label`` ("20th", ``ordinal``) after
``rank``.

:func:`with_rank_change_label`, :func:`with_rank_label` and :func:`period_table` word a table the method gave;
:func:`rank_change` and :func:`period_comparison` are the method's call and its table as the report publishes it,
for a caller that wants both at once. The numbers themselves are ``ncpm.methods.peers``'s.

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
from ncpm.methods import peers
from ncpm.words.style import ordinal, rank_change_label

__all__ = ["period_comparison", "period_table", "rank_change", "with_rank_change_label", "with_rank_label"]


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


def period_table(table: pd.DataFrame) -> pd.DataFrame:
    """An ONS period comparison's table (``ncpm.methods.peers.period_comparison(...).table``) with ``rank_label``
    after ``rank`` and, when two periods are held (``places``), the rank change's ``label`` after ``places``."""
    if RANK in table.columns:
        table = with_rank_label(table)
    if PLACES in table.columns:
        table = with_rank_change_label(table)
    return table


def rank_change(ranks: pd.DataFrame, month: object, earlier: object) -> pd.DataFrame:
    """:func:`ncpm.methods.peers.rank_change` with its ``label``.

    Output columns: force, measure, month, earlier, rank, earlier_rank, n_forces, places, label.
    """
    return with_rank_change_label(peers.rank_change(ranks, month, earlier))


def period_comparison(period_counts: pd.DataFrame, population: pd.DataFrame, month: object = None,
                      **options: object) -> peers.PeriodComparison:
    """:func:`ncpm.methods.peers.period_comparison` (same arguments) with the table's ``rank_label`` and, when
    two periods are held, the rank change's ``label``."""
    compared = peers.period_comparison(period_counts, population, month, **options)
    return dataclasses.replace(compared, table=period_table(compared.table))
