"""How ncpm writes numbers in words: percentages, counts, ordinals, shares and changes in national rank.

House rules (METHODS.md; the seed report's own usage, Appendix B, Q1 2023/24):

- every percentage ncpm shows (statements, tables, charts) comes from :func:`percent`, halves rounded up;
- counts from zero to nine in words ("one recorded during the last six months"), larger counts in figures with a
  thousands separator (:func:`count_words`);
- positions as "1st", "22nd", "43rd" (:func:`ordinal`); a position from an end as "second", "twelfth", "13th"
  (:func:`position_words`: "second highest");
- a share near a quarter, a third, a half, two thirds or three quarters in words (:func:`fraction_words`);
- a change in national rank from the two ranks: "improved two places to 12th", "fell one place to 3rd", "unchanged
  at 5th" (:func:`rank_change_label`), and after "has" in a statement "improved two places nationally to 12th"
  (:func:`rank_change_words`); 1 = the lowest rate, so a smaller rank is an improvement.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SHARE_TOLERANCE = 0.02  # a share within 2 percentage points of 1/3 is "a third"

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_POSITION_WORDS = ("", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                   "eleventh", "twelfth")  # a position from an end in words; the first is the end itself ("highest")
AREA_NOUN = "LPA"  # how statements and charts name a local area by default: the Local Policing Area
_FRACTIONS = ((1 / 4, "a quarter"), (1 / 3, "a third"), (1 / 2, "half"), (2 / 3, "two thirds"),
              (3 / 4, "three quarters"))


def percent(fraction: float, decimals: int = 0) -> str:
    """A fraction as a percentage, halves rounded up (every percentage ncpm shows: statements, tables, charts): ``percent(0.125) == '13%'``, ``percent(0.0725, 1) == '7.3%'``."""
    value = Decimal(repr(float(fraction))) * 100
    q = Decimal(1).scaleb(-decimals)
    return f"{value.quantize(q, rounding=ROUND_HALF_UP)}%"


def count_words(n: int, *, zero: str = "no") -> str:
    """A count as the report writes it: zero to nine in words, else figures ("1,402").

    >>> count_words(0), count_words(0, zero="none"), count_words(6), count_words(1402)
    ('no', 'none', 'six', '1,402')
    """
    n = int(n)
    if n == 0:
        return zero
    return _WORDS[n] if 0 < n < len(_WORDS) else f"{n:,}"


def ordinal(n: int) -> str:
    """English ordinal of a whole number: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 101st, 111th.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 22, 43)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '22nd', '43rd']
    """
    n = int(n)
    if n % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def position_words(n: int) -> str:
    """A position counted from an end in words, up to the twelfth, then as :func:`ordinal`; "" for the end itself
    (so "highest", "second highest", "13th highest").

    >>> position_words(1), position_words(2), position_words(12), position_words(13)
    ('', 'second', 'twelfth', '13th')
    """
    return _POSITION_WORDS[n - 1] if n <= len(_POSITION_WORDS) else ordinal(n)


def fraction_words(share: float, tolerance: float = SHARE_TOLERANCE) -> str:
    """A share in words when it lies within ``tolerance`` of 1/4, 1/3, 1/2, 2/3 or 3/4, else a whole percentage.

    >>> fraction_words(10 / 30), fraction_words(0.21), fraction_words(0.49)
    ('a third', '21%', 'half')
    """
    for value, words in _FRACTIONS:
        if abs(share - value) <= tolerance:
            return words
    return percent(share)


def rank_direction(rank: int, earlier_rank: int) -> str:
    """ "improved" (towards 1 = the lowest rate), "fell" or "unchanged": the direction of a change in rank."""
    places = int(earlier_rank) - int(rank)
    return "unchanged" if places == 0 else "improved" if places > 0 else "fell"


def _places(rank: int, earlier_rank: int) -> str:
    places = abs(int(earlier_rank) - int(rank))
    return f"{count_words(places)} {'place' if places == 1 else 'places'}"


def rank_change_label(rank: int, earlier_rank: int) -> str:
    """A change in national rank, as its table labels it (1 = the lowest rate).

    >>> rank_change_label(12, 14), rank_change_label(3, 2), rank_change_label(5, 5), rank_change_label(11, 1)
    ('improved two places to 12th', 'fell one place to 3rd', 'unchanged at 5th', 'fell 10 places to 11th')
    """
    direction = rank_direction(rank, earlier_rank)
    if direction == "unchanged":
        return f"unchanged at {ordinal(rank)}"
    return f"{direction} {_places(rank, earlier_rank)} to {ordinal(rank)}"


_PARTICIPLES = {"improved": "improved", "fell": "fallen"}


def rank_change_words(rank: int, earlier_rank: int) -> str:
    """A change in national rank as a statement says it after "has".

    >>> rank_change_words(12, 14), rank_change_words(3, 2), rank_change_words(5, 5)
    ('improved two places nationally to 12th', 'fallen one place nationally to 3rd', 'remained unchanged nationally at 5th')
    """
    direction = rank_direction(rank, earlier_rank)
    if direction == "unchanged":
        return f"remained unchanged nationally at {ordinal(rank)}"
    return f"{_PARTICIPLES[direction]} {_places(rank, earlier_rank)} nationally to {ordinal(rank)}"
