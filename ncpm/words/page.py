"""The report's printed page: A4 portrait with 2.5 cm margins, so a 16 cm text width, which the Word report lays out
and its figures span (the pipeline draws each figure at that width, so its fonts print at the sizes ``plots.FONT``
states).

Lengths are whole numbers of EMU (English Metric Units, the unit of Office Open XML: 36,000 to the millimetre,
12,700 to the point, 914,400 to the inch), which python-docx takes as they are; written here without python-docx,
so that a module that needs only the page's size (the figure renderer) does not load the Word writer's library.

>>> round(TEXT_WIDTH.inches, 2), TEXT_WIDTH == mm(160)
(6.3, True)
"""

from __future__ import annotations

EMU_PER_MM = 36_000
EMU_PER_POINT = 12_700
EMU_PER_INCH = 914_400


class Length(int):
    """A length in EMU; :attr:`inches` for matplotlib, which sizes figures in inches."""

    @property
    def inches(self) -> float:
        return self / EMU_PER_INCH


def mm(value: float) -> Length:
    return Length(round(value * EMU_PER_MM))


def points(value: float) -> Length:
    return Length(round(value * EMU_PER_POINT))


PAGE_WIDTH, PAGE_HEIGHT = mm(210), mm(297)  # A4 portrait
MARGIN = mm(25)
TEXT_WIDTH = Length(PAGE_WIDTH - 2 * MARGIN)  # 16 cm (6.3 in)
