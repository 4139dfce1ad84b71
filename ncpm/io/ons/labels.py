"""How ONS writes a label: footnote numbers glued to names, headers and titles ("Greater Manchester8,9",
"Violence against the person4", "(mid-2016)4 rounded to 100"), "[note N]" suffixes and line breaks. One or two-digit
numbers (and lists of them) that end a label after a letter or a closing bracket, or that sit between a letter and a
closing bracket or between a closing bracket and a space, are footnote markers; a number of three digits or more
("Rate per 1,000") is kept.
"""

from __future__ import annotations

import re

from ncpm.io.headers import clean_label

# footnote markers: one or two-digit numbers ending a label after a letter or ")" / "]", between a letter and ")",
# or between ")" and a space ("(mid-2016)4 rounded to 100")
_FOOTNOTE_END = re.compile(r"(?:(?<=[^\W\d_])|(?<=[)\]]))\s?\d{1,2}(?:\s?,\s?\d{1,2})*$")
_FOOTNOTE_INSIDE = re.compile(r"(?:(?<=[^\W\d_])\d{1,2}(?:,\d{1,2})*(?=\)))|(?:(?<=\))\d{1,2}(?:,\d{1,2})*(?=\s))")


def label(text: object) -> str:
    """A header or area name as ONS means it: no "[note N]", line breaks or glued footnote markers.

    >>> label("Greater Manchester8,9"), label("Violence against the person4"), label("Stalking and harassment 5")
    ('Greater Manchester', 'Violence against the person', 'Stalking and harassment')
    >>> label("Total recorded crime (excluding fraud4)"), label("Humberside [note 4]"), label("Rate per 1,000")
    ('Total recorded crime (excluding fraud)', 'Humberside', 'Rate per 1,000')
    """
    text = _FOOTNOTE_INSIDE.sub("", clean_label(text))
    return _FOOTNOTE_END.sub("", text).strip()
