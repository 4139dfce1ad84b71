"""The baseline comparison's definitions (METHODS.md, Baseline): the z thresholds, the "3-year average" choices and
the label a comparison gets. Named once here so that the measures that compute the comparison, the statements that
word it and the charts that footnote it cannot drift apart.

>>> comparison_label(4.6)
'substantially above'
>>> comparison_label(-2.4)
'below'
"""

from __future__ import annotations

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
