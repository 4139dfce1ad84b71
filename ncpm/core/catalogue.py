"""The NCPM measure catalogue: each measure's id, label in the report's wording, NCPM priority, definition, and how
it is built from Home Office offence codes, data.police.uk crime types and ONS table columns; and the Home Office
outcome types with the data.police.uk outcome texts that stand for them.

The catalogue is data, versioned: ``ncpm/data/measures.toml`` (measures) and ``ncpm/data/outcomes.toml`` (outcome
types, the action-taken set, the police.uk outcome table); this module reads each once and checks it.

A source's category names one measure, the one that counts what the category counts: police.uk "Robbery" and the ONS
"Robbery" column are all robbery (``robbery``), not the NCPM measure personal robbery (``robbery_personal``, Home
Office code 34B); police.uk "Burglary" is all burglary (``burglary``), ONS "Residential burglary" the NCPM measure
``burglary_residential``.

>>> measure("vehicle_crime").police_uk
('Vehicle crime',)
>>> measure_for_police_uk("Theft from the person"), measure_for_police_uk("Robbery")
('theft_from_person', 'robbery')
>>> measure("theft_from_person_pickpocket").parent
'theft_from_person'
>>> police_uk_outcome("Local resolution").ho, police_uk_outcome("Offender fined", last=True).ho
('8', '1')
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from ncpm.core.errors import ConfigError

SATISFACTION_MEASURE = "da_satisfaction"  # the catalogue's measure for the rolling satisfaction rate (S9)


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
    definition: str = ""  # what the measure counts and its source, for footnotes


def _data(name: str) -> dict:
    try:
        return tomllib.loads((files("ncpm") / "data" / name).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"ncpm/data/{name}: {exc}") from None


@cache
def _catalogue() -> dict:
    return _data("measures.toml")


def catalogue_version() -> str:
    return _catalogue()["version"]


def priorities() -> dict[int, str]:
    """The six NCPM priorities, numbered as the Government lists them."""
    return {int(k): v for k, v in _catalogue()["priorities"].items()}


def government_measures() -> dict[int, tuple[str, ...]]:
    """Per NCPM priority, the Government's national measures in the report's words (``[priority_measures.<n>]
    government`` in ``measures.toml``).

    >>> government_measures()[2][1]
    'Offences involving discharge of a firearm'
    """
    table = _catalogue().get("priority_measures", {})
    return {n: tuple(table.get(str(n), {}).get("government", ())) for n in priorities()}


def proxy_measures(overrides: dict[str, tuple[str, ...]] | None = None) -> dict[int, tuple[str, ...]]:
    """Per NCPM priority, the force's proxy measures: ``overrides`` (``[report.proxy_measures]``, keyed by the
    priority's number) where given, else ``measures.toml``'s ``proxy`` ids, else the priority's catalogue measures
    less sub-measures. Each is a measure id or the force's own words (see :func:`proxy_label`).

    >>> proxy_measures()[4]
    ('burglary_residential', 'theft_from_person', 'vehicle_crime')
    >>> proxy_measures({"3": ("Organised Crime Group (OCG) disruption",)})[3]
    ('Organised Crime Group (OCG) disruption',)
    """
    table = _catalogue().get("priority_measures", {})
    out = {}
    for n in priorities():
        listed = (overrides or {}).get(str(n))
        if listed is None:
            listed = table.get(str(n), {}).get("proxy")
        if listed is None:
            listed = [m.id for m in measures() if m.priority == n and m.parent is None]
        out[n] = tuple(listed)
    return out


def proxy_label(text: str) -> str:
    """A proxy measure as the report lists it: a catalogue id by its label, capitalised; other words as written.

    >>> proxy_label("knife_crime"), proxy_label("OCG disruptions")
    ('Knife crime', 'OCG disruptions')
    """
    try:
        return label(measure(text).id, capital=True)
    except ConfigError:
        return text


@cache
def measures() -> tuple[Measure, ...]:
    out = []
    for m in _catalogue()["measure"]:
        out.append(Measure(
            id=m["id"], label=m["label"], priority=int(m["priority"]), source=m["source"],
            ho_codes=tuple(m.get("ho_codes", ())), police_uk=tuple(m.get("police_uk", ())),
            ons_group=m.get("ons_group"), parent=m.get("parent"), kind=m.get("kind", "volume"),
            definition=m.get("definition", ""),
        ))
    _check(out)
    return tuple(out)


def _check(found: list[Measure]) -> None:
    """Every measure has a definition; a police.uk crime type or an ONS column names at most one measure (two
    would make the measure a source's figure counts towards depend on the catalogue's order); a priority's proxy
    list names catalogue measures."""
    ids = {m.id for m in found}
    for n, entry in _catalogue().get("priority_measures", {}).items():
        for i, mid in enumerate(entry.get("proxy", ())):
            if mid not in ids:
                raise ConfigError(f"measures.toml: priority_measures.{n}.proxy[{i}]: unknown measure {mid!r}")
    claimed: dict[tuple[str, str], str] = {}
    for m in found:
        if not m.definition:
            raise ConfigError(f"measures.toml: measure {m.id!r} has no definition")
        for key in [("police.uk crime type", t) for t in m.police_uk] + [("ONS column", m.ons_group or "")]:
            if key[1] and claimed.setdefault((key[0], key[1].lower()), m.id) != m.id:
                raise ConfigError(f"measures.toml: {key[0]} {key[1]!r} is named by both "
                                  f"{claimed[(key[0], key[1].lower())]!r} and {m.id!r}")


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


def definition(measure_id: str) -> str:
    """What a measure counts and where it comes from, for a figure's or a statement's footnote ("" when the
    catalogue does not know the measure).

    >>> definition("robbery").startswith("All robbery")
    True
    """
    try:
        return measure(measure_id).definition
    except ConfigError:
        return ""


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


# ------------------------------------------------------------------------------------------------------ outcomes

@dataclass(frozen=True)
class PoliceUkOutcome:
    """What a data.police.uk outcome text stands for: ``kind`` "police" (a police outcome), "court" (charged, at
    or after court), "pending" (no outcome yet) or "unknown" (not in the table); ``ho`` its Home Office outcome
    type, or None when it has none; ``text`` the police.uk text."""

    text: str
    kind: str
    ho: str | None

    @property
    def outcome_type(self) -> str:
        """The value of the outcomes frame's ``outcome_type``: the Home Office type, else the police.uk text."""
        return self.ho if self.ho is not None else self.text


@dataclass(frozen=True)
class OutcomeTable:
    """``ncpm/data/outcomes.toml``: the Home Office outcome types, the action-taken set, outcome 22 (opt-in) and
    the police.uk outcome texts (each checked to name a listed type)."""

    version: str
    types: dict[str, str]
    action_taken: tuple[str, ...]
    opt_in: tuple[str, ...]
    court_charge: str
    police_uk: dict[str, tuple[str, str | None]]  # text -> (kind, Home Office type or None)


_KINDS = ("police", "court", "pending")


@cache
def outcome_table() -> OutcomeTable:
    """The versioned outcome configuration, read once; :class:`ConfigError` naming the entry when a code is not
    a listed Home Office outcome type or a police.uk entry has an unknown kind."""
    config = _data("outcomes.toml")
    types = {str(k): str(v) for k, v in config["types"].items()}

    def known(code: object, where: str) -> str:
        code = str(code)
        if code not in types:
            raise ConfigError(f"outcomes.toml: {where}: {code!r} is not a listed Home Office outcome type")
        return code

    action = tuple(known(c, "action_taken") for c in config["action_taken"])
    opt_in = tuple(known(c, "opt_in") for c in config["opt_in"])
    charge = known(config["court_charge"], "court_charge")
    table: dict[str, tuple[str, str | None]] = {}
    for text, entry in config.get("police_uk", {}).items():
        kind = entry.get("kind")
        if kind not in _KINDS:
            raise ConfigError(f"outcomes.toml: police_uk {text!r}: kind {kind!r} is not one of {', '.join(_KINDS)}")
        if (kind == "police") != ("ho" in entry):
            raise ConfigError(f"outcomes.toml: police_uk {text!r}: a police outcome names its type (ho); "
                              "court and pending texts have none")
        table[_outcome_key(text)] = (kind, known(entry["ho"], f"police_uk {text!r}") if "ho" in entry else None)
    return OutcomeTable(str(config["version"]), types, action, opt_in, charge, table)


def _outcome_key(text: str) -> str:
    return " ".join(text.split()).lower()


def police_uk_outcome(text: str, *, last: bool = False) -> PoliceUkOutcome:
    """The Home Office outcome type a data.police.uk outcome text stands for (``ncpm/data/outcomes.toml``,
    ``[police_uk]``; matched ignoring case and runs of spaces).

    ``last``: the text is a street file's "Last outcome category" (one a crime) rather than an outcomes-file record
    (one an outcome event): a court text then stands for the charge (``court_charge``, type 1); in an outcomes file
    it has no type, the charge being its own "Suspect charged" record. Pending and unknown texts have no type.

    >>> police_uk_outcome("Offender given a caution").ho, police_uk_outcome("Under investigation").ho
    ('3', None)
    >>> police_uk_outcome("Offender sent to prison").outcome_type
    'Offender sent to prison'
    """
    table = outcome_table()
    kind, ho = table.police_uk.get(_outcome_key(text), ("unknown", None))
    if kind == "court" and last:
        ho = table.court_charge
    return PoliceUkOutcome(text, kind, ho)
