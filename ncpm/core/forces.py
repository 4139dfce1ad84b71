"""The registry of police forces: one canonical name per force, its ONS code (E23.../W15...) and police.uk slug.

Real files spell forces many ways ("Metropolitan Police ", "Avon & Somerset Constabulary", "warwickshire",
"Humberside [note 4]", the Home Office's "London, City of"). :func:`canonical_force` maps every variant seen in
ONS, Home Office and police.uk files to the one name used everywhere in ncpm. The registry is a data file,
``ncpm/data/forces.csv``; a name written inverted, as in an index ("London, City of"), is also tried the right way
round.

Home Office tables also list, in the Force Name column, the national fraud reporting bodies (Action Fraud, CIFAS,
UK Finance and, in older editions, Financial Fraud Action UK): they are not police force areas, and
:func:`national_body` names them so that readers can skip them by design.

>>> canonical_force("Metropolitan Police ")
'Metropolitan Police'
>>> canonical_force("Humberside [note 4]")
'Humberside'
>>> canonical_force("E23000017")
'Warwickshire'
>>> canonical_force("London, City of")
'City of London'
>>> national_body("CIFAS"), national_body("Warwickshire")
('CIFAS', None)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pandas as pd

from ncpm.core.errors import UnknownForceError

BTP = "British Transport Police"
CITY_OF_LONDON = "City of London"
_NOTE = re.compile(r"\s*\[(?:note|Note)[^\]]*\]")
_BRACKETS = re.compile(r"\s*\([^)]*\)")
#: Bodies in the Force Name column of Home Office police recorded crime tables that record fraud nationally (Home
#: Office, "Police recorded crime and outcomes open data tables user guide": fraud offences are recorded by Action
#: Fraud (the National Fraud Intelligence Bureau) and reported by the industry bodies CIFAS and UK Finance, formerly
#: Financial Fraud Action UK), with the other spellings seen in the tables.
NATIONAL_BODIES = {
    "Action Fraud": ("Action Fraud", "NFIB", "National Fraud Intelligence Bureau", "Action Fraud NFIB"),
    "CIFAS": ("CIFAS", "Cifas"),
    "UK Finance": ("UK Finance",),
    "Financial Fraud Action UK": ("Financial Fraud Action UK", "Financial Fraud Action", "FFA UK", "FFAUK"),
}


@dataclass(frozen=True)
class Force:
    name: str
    ons_code: str | None
    slug: str
    region: str | None
    territorial: bool


def _key(text: str) -> str:
    """Normalise a name for matching: no notes, case, '&'/'and', punctuation or spacing."""
    text = _NOTE.sub("", str(text)).replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@cache
def _table() -> pd.DataFrame:
    return pd.read_csv(files("ncpm") / "data" / "forces.csv", dtype=str, keep_default_na=False)


@cache
def registry() -> tuple[Force, ...]:
    """All forces: the 43 territorial forces of England and Wales, then British Transport Police."""
    table = _table()
    return tuple(
        Force(r.name, r.ons_code or None, r.slug, r.region or None, territorial=bool(r.ons_code))
        for r in table.itertuples(index=False)
    )


@cache
def _lookup() -> dict[str, str]:
    table = _table()
    out: dict[str, str] = {}
    for r in table.itertuples(index=False):
        variants = [r.name, r.slug, r.ons_code, *(a for a in r.aliases.split("|") if a)]
        for v in variants:
            if v:
                out[_key(v)] = r.name
                out[_key(v + " police")] = r.name
                out[_key(v + " constabulary")] = r.name
    return out


def territorial_forces() -> list[str]:
    """The 43 territorial forces of England and Wales, in canonical names (the default national comparison set)."""
    return [f.name for f in registry() if f.territorial]


def find_force(name: object) -> str | None:
    """Canonical name for ``name``, or None when it names no force (a region or national row, say).

    A name written inverted ("London, City of", "Manchester, Greater") is also tried the right way round.
    """
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return None
    text = str(name)
    found = _lookup().get(_key(text))
    if found is None and text.count(",") == 1:
        head, tail = text.split(",")
        found = _lookup().get(_key(f"{tail} {head}"))
    return found


@cache
def _bodies() -> dict[str, str]:
    return {_key(v): body for body, spellings in NATIONAL_BODIES.items() for v in spellings}


def national_body(name: object) -> str | None:
    """The national fraud reporting body ``name`` stands for ("Action Fraud", "CIFAS", "UK Finance", "Financial
    Fraud Action UK"), or None. Bracketed additions ("CIFAS (National Fraud Database)") are ignored."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return None
    return _bodies().get(_key(_BRACKETS.sub("", str(name))))


def canonical_force(name: object, *, file: str | None = None, row: int | None = None,
                    column: str | None = None) -> str:
    """Canonical name for ``name``; :class:`UnknownForceError` (naming file, row, column) when unknown."""
    found = find_force(name)
    if found is None:
        near = close_matches(name)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        raise UnknownForceError(f"unknown force {str(name)!r}{hint}", file=file, row=row, column=column)
    return found


_SUFFIXES = ("policeservice", "constabulary", "police")  # words every force's name may carry: never a match


def _bare(key: str) -> str:
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


@cache
def _spellings() -> tuple[tuple[str, str], ...]:
    """Every spelling of every force's name in the registry (names, slugs, aliases; not ONS codes), as matching
    keys without "police" or "constabulary", each with its force's canonical name."""
    out = {}
    for r in _table().itertuples(index=False):
        for v in (r.name, r.slug, *(a for a in r.aliases.split("|") if a)):
            if v and _bare(_key(v)):
                out[_bare(_key(v))] = r.name
    return tuple(out.items())


CLOSE_MATCHES = 3  # forces named at most in an unknown name's error
CLOSE_CUTOFF = 0.6  # difflib similarity (0 to 1) a name needs to be suggested
CLOSE_MARGIN = 0.1  # ... and within this of the best match, so a clear slip suggests one force


def close_matches(name: object, n: int = CLOSE_MATCHES, cutoff: float = CLOSE_CUTOFF,
                  margin: float = CLOSE_MARGIN) -> list[str]:
    """The forces whose names are closest to ``name``: difflib's similarity ratio on the matching keys (case,
    spacing, punctuation and a closing "Police" or "Constabulary" ignored; every spelling in the registry tried,
    names, slugs and aliases), at least ``cutoff`` and within
    ``margin`` of the best, best first, each force once.

    >>> close_matches("Warwickshre"), close_matches("West Midland"), close_matches("Avon")
    (['Warwickshire'], ['West Midlands'], [])
    """
    key = _bare(_key(str(name)))
    if not key:
        return []
    scores: dict[str, float] = {}
    for spelling, force in _spellings():
        ratio = difflib.SequenceMatcher(None, key, spelling).ratio()
        if ratio >= cutoff and ratio > scores.get(force, 0.0):
            scores[force] = ratio
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores, key=lambda f: (-scores[f], f))
    return [f for f in ranked if scores[f] >= best - margin][:n]


def force_info(name: str) -> Force:
    """The registry entry for a force (any spelling)."""
    canonical = canonical_force(name)
    return next(f for f in registry() if f.name == canonical)
