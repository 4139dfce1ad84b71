"""How a statement names things: measures and their offences, areas (local policing areas, districts), rank
windows, ONS periods, lists ("A, B and C") and captions in title case (the seed report's usage, Appendix B)."""

from __future__ import annotations

from collections.abc import Iterable

from ncpm.core import catalogue
from ncpm.core.periods import year_ending_label
from ncpm.words.style import count_words

LPA = "LPA"  # a local policing area, short; area_phrase(..., long=True) spells it out
_LPA_LONG = "Local Policing Area (LPA)"


def join_words(items: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


measure_label = catalogue.label  # the catalogue's label for a measure (its id with spaces when it is not known)


# Words a title leaves in lower case unless they begin it (or a part after a colon): articles, coordinating
# conjunctions and short prepositions, as in the seed report's captions ("Theft from the Person Volumes").
MINOR_WORDS = frozenset({"a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in",
                         "into", "of", "off", "on", "onto", "per", "to", "up", "via", "from", "with", "vs"})


def title_case(text: str) -> str:
    """A caption in title case by rule: every word capitalised except :data:`MINOR_WORDS` (unless first, or first
    after a colon); each part of a hyphenated word capitalised; words with a capital or a digit already ("MSG",
    "LPA", "1,000", "6") kept as written; a bracketed word follows the same rule.

    >>> title_case("knife crime volumes"), title_case("Theft from the person Volumes")
    ('Knife Crime Volumes', 'Theft from the Person Volumes')
    >>> title_case("vehicle crime per 1,000 population: the MSG"), title_case("knife-enabled personal robbery")
    ('Vehicle Crime per 1,000 Population: The MSG', 'Knife-Enabled Personal Robbery')
    """
    out, first = [], True
    for word in text.split(" "):
        lead = len(word) - len(word.lstrip("('\"‘“"))
        head, core = word[:lead], word[lead:]
        bare = core.rstrip(",:;.)'\"’”")
        if not core:
            out.append(word)
            continue
        if any(ch.isupper() or ch.isdigit() for ch in core):
            done = core
        elif not first and bare.lower() in MINOR_WORDS:
            done = core.lower()
        else:
            done = "-".join(part[:1].upper() + part[1:] for part in core.split("-"))
        out.append(head + done)
        first = core.endswith(":")
    return " ".join(out)


def offences_noun(measure: str, n: int = 2) -> str:
    """ "knife crime offences", "firearms offences" (no doubling), singular for n == 1."""
    label = measure_label(measure)
    plural = label if label.endswith("offences") else f"{label} offences"
    return plural[:-1] if n == 1 else plural


def area_phrase(area: str, *, long: bool = False, noun: str = LPA) -> str:
    """ "the North LPA" (or "the North Local Policing Area (LPA)"); with ``noun=""`` the area's name alone, as for
    a local authority district ("Rugby").

    >>> area_phrase("North"), area_phrase("Rugby", long=True, noun="")
    ('the North LPA', 'Rugby')
    """
    if not noun:
        return area
    return f"the {area} {_LPA_LONG if long and noun == LPA else noun}"


def named_areas(names: Iterable[str], noun: str = LPA) -> str:
    """ "the East and South LPAs"; with ``noun=""`` the names alone ("Rugby and Warwick")."""
    names = list(names)
    joined = join_words(names)
    return f"the {joined} {noun}{'' if len(names) == 1 else 's'}" if noun else joined


def counted_areas(k: int, noun: str = LPA) -> str:
    """ "three LPAs"; "three areas" with ``noun=""``."""
    return f"{count_words(k)} {noun + 's' if noun else 'areas'}"


def window_phrase(window: int) -> str:
    """ "12 months", "3 years" for a rank window in months."""
    window = int(window)
    if window > 12 and window % 12 == 0:
        return f"{window // 12} years"
    return f"{window} months"


year_ending = year_ending_label  # an ONS 12-month period by its last month: "year ending December 2019"
