"""Method definitions shared by the modules that compute and the modules that describe (METHODS.md, Baseline).

Named once here so that ``ncpm.measures`` (which computes the comparison), ``ncpm.narrative`` (which words it) and
``ncpm.plots`` (which footnotes it) cannot drift apart.

>>> comparison_label(4.6)
'substantially above'
>>> comparison_label(-2.4)
'below'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

Z_IN_LINE = 1.96  # two-sided 95% normal quantile: |z| below this is "in line with" (METHODS.md, Baseline)
Z_SUBSTANTIAL = 3.0  # |z| at or above this is "substantially above/below" (METHODS.md, Baseline)

BASELINE_METHODS = {  # the "3-year average" choices and how a footnote describes them
    "same_month": "mean of the same month in the previous 3 years",
    "trailing_36": "mean of the previous 36 months",
}


def comparison_label(z: float, in_line: float = Z_IN_LINE, substantial: float = Z_SUBSTANTIAL) -> str:
    """The comparison of a count with its baseline from its Poisson-scale z (a finite number)."""
    if abs(z) < in_line:
        return "in line with"
    side = "above" if z > 0 else "below"
    return f"substantially {side}" if abs(z) >= substantial else side


def disclosive(counts, threshold: int, zeros: bool = False):
    """Whether each count is one that disclosure control suppresses below force level: 1 (0 with ``zeros``) up
    to ``threshold`` - 1 (``ncpm.disclosure``). Works on a number or a numpy array.

    >>> disclosive(3, 5), disclosive(0, 5), disclosive(0, 5, zeros=True), disclosive(5, 5)
    (True, False, True, False)
    """
    return (counts >= (0 if zeros else 1)) & (counts < threshold)


def percent(fraction: float, decimals: int = 0) -> str:
    """A fraction as a percentage, halves rounded up (every percentage ncpm shows: statements, tables, charts): ``percent(0.125) == '13%'``, ``percent(0.0725, 1) == '7.3%'``."""
    value = Decimal(repr(float(fraction))) * 100
    q = Decimal(1).scaleb(-decimals)
    return f"{value.quantize(q, rounding=ROUND_HALF_UP)}%"


ABOVE_FORECAST, BELOW_FORECAST, IN_LINE_FORECAST = ("above the forecast", "below the forecast",
                                                    "in line with the forecast")


def forecast_label(actual, lo_95, hi_95):
    """An actual count against the forecast's 95% interval (METHODS.md, forecast vs actual): outside it "above" or
    "below the forecast", inside it (bounds included) "in line with the forecast". Numbers or numpy arrays.

    >>> str(forecast_label(130, 80, 120)), str(forecast_label(120, 80, 120))
    ('above the forecast', 'in line with the forecast')
    """
    return np.where(actual > hi_95, ABOVE_FORECAST, np.where(actual < lo_95, BELOW_FORECAST, IN_LINE_FORECAST))

