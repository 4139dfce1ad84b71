"""A month's position in its window, in words: "highest", "second highest", ..., "second lowest", "lowest"
(METHODS.md, Window ranks: the nearer end wins; ties share the better position).

The method (:func:`ncpm.methods.volumes.window_rank`) gives the numbers (``rank_high``, ``rank_low``, ``tied``); this
module words them, as :mod:`ncpm.words.peers` words a national rank change, with the ordinals of
:mod:`ncpm.words.style`. :func:`window_rank` is the table as published: the numbers and their ``rank_label``.

>>> rank_label(1, 12), rank_label(11, 2), rank_label(15, 20)
('highest', 'second lowest', '15th highest')
"""

from __future__ import annotations

import pandas as pd

from ncpm.core import schema
from ncpm.methods import volumes
from ncpm.methods.series import MONTHS_PER_YEAR
from ncpm.words.style import position_words


def rank_label(rank_high: int, rank_low: int) -> str:
    """The position counted from the nearer end of the window, high on a tie between the ends; in words up to the
    twelfth, as the report does ("the second highest in 12 months")."""
    high = rank_high <= rank_low
    r = rank_high if high else rank_low
    return f"{position_words(r)} {'highest' if high else 'lowest'}".strip()


def window_rank(frame: pd.DataFrame, window: int = MONTHS_PER_YEAR, *, checked: bool = False) -> pd.DataFrame:
    """:func:`ncpm.methods.volumes.window_rank` with ``rank_label`` added (NA where the ranks are NA).

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m",
    ...                   "month": pd.period_range("2022-07", "2023-06", freq="M"), "count": range(12, 0, -1)})
    >>> window_rank(v).iloc[-1]["rank_label"]
    'lowest'
    """
    out = volumes.window_rank(frame, window, checked=checked)
    high, low = out[schema.RANK_HIGH], out[schema.RANK_LOW]
    labels = [None if pd.isna(h) else rank_label(int(h), int(lo)) for h, lo in zip(high, low, strict=True)]
    out[schema.RANK_LABEL] = schema.text(labels)
    return out
