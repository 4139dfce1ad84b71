"""A priority's measure lists as a PCC's NCPM appendix writes them (Warwickshire PCC, Police and Crime Panel,
21 September 2023, Appendix B): "The Govt. measures are:" then "The force's proxy measures are:", each entry lettered
("a) Knife crime."). The lists come from the catalogue (``ncpm.core.catalogue.government_measures``,
``proxy_measures``, ``proxy_label``) unless a report is given its own; the report's HTML, Markdown and Word renderings
print them as this module words them, and the commentary reads a measure heading written in the same lettering
(:data:`LETTER_MARK`).

>>> measure_lists(4, proxies={4: ("vehicle_crime", "Shoplifting prevention")})[1]
("The force's proxy measures are:", ('a) Vehicle crime.', 'b) Shoplifting prevention.'))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ncpm.core.catalogue import government_measures, proxy_label, proxy_measures

LETTERS = "abcdefghijklmnopqrstuvwxyz"  # the seed letters a priority's measures: a), b), c)
LETTER_MARK = re.compile(rf"^[{LETTERS}]\)\s+")  # the letter before an entry, "b) "
GOVERNMENT_INTRO = "The Govt. measures are:"
PROXY_INTRO = "The force's proxy measures are:"


def lettered(entries: Iterable[str]) -> tuple[str, ...]:
    """Entries as a list letters them: "a) Knife crime.", "b) ..." (after z, the letters start again)."""
    return tuple(f"{LETTERS[i % len(LETTERS)]}) {text}." for i, text in enumerate(entries))


def measure_lists(number: int, government: Mapping[int, tuple[str, ...]] | None = None,
                  proxies: Mapping[int, tuple[str, ...]] | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Priority ``number``'s lists, each an introduction and its lettered entries: the Government's measures, then the
    force's proxy measures (ids by their labels, the force's own words as written); ``government`` and ``proxies``
    per priority, None for the catalogue's. A list with no entry is left out."""
    national = (government if government is not None else government_measures()).get(number, ())
    chosen = (proxies if proxies is not None else proxy_measures()).get(number, ())
    return tuple((intro, lettered(entries))
                 for intro, entries in ((GOVERNMENT_INTRO, national), (PROXY_INTRO, [proxy_label(p) for p in chosen]))
                 if entries)
