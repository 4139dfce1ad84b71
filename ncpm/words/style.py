"""How ncpm writes numbers in words: percentages (and, as they move here, counts, ordinals and rank changes).

Every percentage ncpm shows (statements, tables, charts) comes from :func:`percent`, so they cannot disagree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent(fraction: float, decimals: int = 0) -> str:
    """A fraction as a percentage, halves rounded up (every percentage ncpm shows: statements, tables, charts): ``percent(0.125) == '13%'``, ``percent(0.0725, 1) == '7.3%'``."""
    value = Decimal(repr(float(fraction))) * 100
    q = Decimal(1).scaleb(-decimals)
    return f"{value.quantize(q, rounding=ROUND_HALF_UP)}%"
