"""The NCPM measure catalogue: each measure's id, label in the report's wording, NCPM priority, and how it is built
from Home Office offence codes, data.police.uk crime types and ONS table columns.

The catalogue is data (``ncpm/data/measures.toml``, versioned); this module reads it once.

>>> measure("vehicle_crime").police_uk
('Vehicle crime',)
>>> measure_for_police_uk("Theft from the person")
'theft_from_person'
>>> measure("theft_from_person_pickpocket").parent
'theft_from_person'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from ncpm.errors import ConfigError


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    priority: int
    source: str
    ho_codes: tuple[str, ...] = ()
    police_uk: tuple[str, ...] = ()
    ons_group: str | None = None
    parent: str | None = None
    kind: str = "volume"
    note: str | None = None


@cache
def _catalogue() -> dict:
    return tomllib.loads((files("ncpm") / "data" / "measures.toml").read_text(encoding="utf-8"))


def catalogue_version() -> str:
    return _catalogue()["version"]


def priorities() -> dict[int, str]:
    """The six NCPM priorities, numbered as the Government lists them."""
    return {int(k): v for k, v in _catalogue()["priorities"].items()}


@cache
def measures() -> tuple[Measure, ...]:
    out = []
    for m in _catalogue()["measure"]:
        out.append(Measure(
            id=m["id"], label=m["label"], priority=int(m["priority"]), source=m["source"],
            ho_codes=tuple(m.get("ho_codes", ())), police_uk=tuple(m.get("police_uk", ())),
            ons_group=m.get("ons_group"), parent=m.get("parent"), kind=m.get("kind", "volume"),
            note=m.get("note"),
        ))
    return tuple(out)


def measure(measure_id: str) -> Measure:
    """The catalogue entry for ``measure_id``; :class:`ConfigError` listing the known ids when unknown."""
    for m in measures():
        if m.id == measure_id:
            return m
    raise ConfigError(f"unknown measure {measure_id!r}; known: {', '.join(m.id for m in measures())}")


def label(measure_id: str, *, capital: bool = False) -> str:
    """A measure's label for people: the catalogue's ("vehicle crime"), or its id with spaces when the catalogue
    does not know it; ``capital=True`` for a title or the start of a sentence ("Vehicle crime").

    >>> label("theft_from_person", capital=True), label("police_uk:other_crime")
    ('Theft from the person', 'police uk:other crime')
    """
    try:
        text = measure(measure_id).label
    except ConfigError:
        text = measure_id.replace("_", " ")
    return text[:1].upper() + text[1:] if capital else text


def measure_for_police_uk(crime_type: str) -> str | None:
    """The measure a police.uk crime type counts towards, if any (first match in catalogue order)."""
    for m in measures():
        if crime_type in m.police_uk and m.parent is None:
            return m.id
    return None


def measures_for_ho_code(code: str) -> list[str]:
    """Every measure a Home Office offence code counts towards (residential burglary also counts in burglary)."""
    code = str(code).strip().upper()
    return [m.id for m in measures() if code in {c.upper() for c in m.ho_codes}]


def measure_for_ons_group(group: str) -> str | None:
    """The measure an ONS table column (offence group) maps to, if any."""
    for m in measures():
        if m.ons_group and m.ons_group.lower() == group.strip().lower():
            return m.id
    return None
