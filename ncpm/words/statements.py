"""Statements in the register of the PCC's quarterly report, built from result frames.

Each builder takes the result frames of ``ncpm.methods.measures``, ``ncpm.methods.forecast`` and ``ncpm.methods.peers`` (the agreed API), a
force, a measure and a month, and returns a :class:`Statement`: the sentence and the facts it used (measure, month,
numbers, labels), so that a report can print the text and a test can check the facts. Nothing is looked up or
computed from files; every number in a sentence comes from the frames.

Wording follows the seed report (Appendix B, Q1 2023/24) and adapts to the data: "highest" / "second lowest",
"above" / "in line with" / "substantially below", "increase" / "reduction" / "no change", "rise" / "fall".
House rules (METHODS.md; the report's own usage):

- counts from zero to nine in words ("one recorded during the last six months"), larger counts in figures with a
  thousands separator; "(n=481)" always in figures;
- percentages as whole numbers, except outcome ("action taken") rates, to one decimal place; halves round up;
- a share near a quarter, a third, a half, two thirds or three quarters is said in words (``tolerance``);
- months as "June 2023" (:func:`ncpm.core.periods.month_label`), quarters as "Q1 2023/24".

>>> import pandas as pd
>>> q = pd.DataFrame({"force": ["Warwickshire"], "area": ["Force"], "measure": ["firearms"],
...                   "quarter": ["Q1 2023/24"], "count": [30], "months": [3]})
>>> v = pd.DataFrame({"force": ["Warwickshire"], "area": ["Force"], "measure": ["firearms"],
...                   "month": [pd.Period("2023-06", "M")], "count": [12]})
>>> quarter_statement(q, v, "Warwickshire", "firearms", "2023-06").text
'In Q1 2023/24, there were 30 firearms offences recorded, with 12 in June 2023.'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ncpm.core import catalogue, schema
from ncpm.core.errors import ConfigError, InputError, Withheld
from ncpm.core.periods import fy_quarter, month_label, parse_quarter, to_month

# Result columns of the compute modules (their agreed public API), read here by name.
from ncpm.core.schema import (  # noqa: E402  result columns are named once, in schema.py
    BASELINE,
    BASELINE_METHOD,
    CAUTION,
    COMPARISON,
    CURRENT,
    DESCRIPTIVE_OUTLIER,
    FLAG_NOTE,
    HI,
    HI_95,
    LABEL,
    LO,
    LO_95,
    MEAN,
    METHOD,
    MOM_CHANGE,
    MOM_PCT,
    MONTHS,
    MSG_AVERAGE,
    ORIGIN,
    OUTCOMES_N,
    OVER_100,
    PART,
    PCT_CHANGE,
    PREVIOUS,
    RANK_HIGH,
    RANK_LABEL,
    RANK_LOW,
    RATE,
    RUN_DIRECTION,
    RUN_LENGTH,
    SHARE,
    STATISTICAL_OUTLIER,
    TARGET,
    TARGET_LABEL,
    TIED,
    WHOLE,
    WINDOW,
    YOY_CHANGE,
    YOY_PCT,
    N,
    Z,
)
from ncpm.methods.disclosure import disclosive
from ncpm.methods.forecast import forecast_label
from ncpm.methods.series import latest_origin, month_column, one_row, select_rows
from ncpm.words.style import percent

# The seed report's statements S1-S9 (METHODS.md) by the measure they describe; other measures keep their id.
SEED_IDS = {
    "homicide": "S1", "firearms": "S2", "knife_crime": "S3", "violence_with_injury": "S4",
    "robbery_personal": "S5", "burglary_residential": "S6", "theft_from_person": "S7", "vehicle_crime": "S8",
    "da_satisfaction": "S9",
}

SHARE_TOLERANCE = 0.02  # a share within 2 percentage points of 1/3 is "a third"

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_FRACTIONS = ((1 / 4, "a quarter"), (1 / 3, "a third"), (1 / 2, "half"), (2 / 3, "two thirds"),
              (3 / 4, "three quarters"))
_LPA = "LPA"
_LPA_LONG = "Local Policing Area (LPA)"


@dataclass(frozen=True)
class Statement:
    """One statement of the report: its text and the facts it was built from.

    ``id`` is the seed report's statement ("S3") for the measure, else the measure id; ``kind`` names the builder
    ("volume", "change", ...); ``facts`` maps each number or label used to its value (read-only).
    """

    id: str
    priority: int
    measure: str
    month: pd.Period
    text: str
    kind: str
    force: str
    area: str = schema.WHOLE_FORCE
    facts: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))

    def as_record(self) -> dict[str, object]:
        """A flat dict: the fields, then the facts prefixed with ``fact_``."""
        out: dict[str, object] = {"id": self.id, "priority": self.priority, "kind": self.kind,
                                  schema.FORCE: self.force, schema.AREA: self.area, schema.MEASURE: self.measure,
                                  schema.MONTH: self.month, "text": self.text}
        out.update({f"fact_{k}": v for k, v in self.facts.items()})
        return out


def to_frame(statements: Iterable[Statement]) -> pd.DataFrame:
    """One row per statement: id, priority, kind, force, area, measure, month, text (facts stay on the objects)."""
    cols = ["id", "priority", "kind", schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH, "text"]
    rows = [{c: s.as_record()[c] for c in cols} for s in statements]
    return pd.DataFrame(rows, columns=cols)


# --- wording helpers -------------------------------------------------------------------------------------------

def count_words(n: int, *, zero: str = "no") -> str:
    """A count as the report writes it: zero to nine in words, else figures ("1,402").

    >>> count_words(0), count_words(0, zero="none"), count_words(6), count_words(1402)
    ('no', 'none', 'six', '1,402')
    """
    n = int(n)
    if n == 0:
        return zero
    return _WORDS[n] if 0 < n < len(_WORDS) else f"{n:,}"


def fraction_words(share: float, tolerance: float = SHARE_TOLERANCE) -> str:
    """A share in words when it lies within ``tolerance`` of 1/4, 1/3, 1/2, 2/3 or 3/4, else a whole percentage.

    >>> fraction_words(10 / 30), fraction_words(0.21), fraction_words(0.49)
    ('a third', '21%', 'half')
    """
    for value, words in _FRACTIONS:
        if abs(share - value) <= tolerance:
            return words
    return percent(share)


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


def area_phrase(area: str, *, long: bool = False, noun: str = _LPA) -> str:
    """ "the North LPA" (or "the North Local Policing Area (LPA)"); with ``noun=""`` the area's name alone, as for
    a local authority district ("Rugby").

    >>> area_phrase("North"), area_phrase("Rugby", long=True, noun="")
    ('the North LPA', 'Rugby')
    """
    if not noun:
        return area
    return f"the {area} {_LPA_LONG if long and noun == _LPA else noun}"


def _named_areas(names: Iterable[str], noun: str = _LPA) -> str:
    """ "the East and South LPAs"; with ``noun=""`` the names alone ("Rugby and Warwick")."""
    names = list(names)
    joined = join_words(names)
    return f"the {joined} {noun}{'' if len(names) == 1 else 's'}" if noun else joined


def _counted_areas(k: int, noun: str = _LPA) -> str:
    """ "three LPAs"; "three areas" with ``noun=""``."""
    return f"{count_words(k)} {noun + 's' if noun else 'areas'}"


def window_phrase(window: int) -> str:
    """ "12 months", "3 years" for a rank window in months."""
    window = int(window)
    if window > 12 and window % 12 == 0:
        return f"{window // 12} years"
    return f"{window} months"


def _priority(measure: str) -> int:
    try:
        return catalogue.measure(measure).priority
    except ConfigError:
        return 0


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA (and False for anything that is not a scalar missing value)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _num(value: object) -> float:
    return float("nan") if is_missing(value) else float(value)


def _statement(kind: str, force: str, measure: str, month: pd.Period, text: str, facts: dict,
               *, area: str = schema.WHOLE_FORCE, id: str | None = None, priority: int | None = None) -> Statement:
    return Statement(id=id or SEED_IDS.get(measure, measure), priority=_priority(measure) if priority is None
                     else priority, measure=measure, month=month, text=text, kind=kind, force=force, area=area,
                     facts=facts)


# --- frame access ------------------------------------------------------------------------------------------------

def _count_at(volumes: pd.DataFrame, force: str, area: str, measure: str, month: pd.Period) -> int:
    return int(one_row(volumes, "volumes", force=force, area=area, measure=measure, month=month)[schema.COUNT])


# --- builders ----------------------------------------------------------------------------------------------------

def period_change_statement(volumes: pd.DataFrame, comparison: pd.DataFrame, force: str, measure: str,
                            month: object, *, area: str = schema.WHOLE_FORCE, months: int = 6,
                            id: str | None = None) -> Statement:
    """The month's count and the last ``months`` months against the same months a year earlier (S1).

    ``volumes``: canonical volumes; ``comparison``: ``measures.period_comparison(volumes, end=month, months=months)``
    (``current``, ``previous``, ``change``, ``pct_change``). The change is an "increase", a "reduction" or "no
    change"; with none a year earlier the percentage is undefined and the sentence says "up from none".

    Example: "There were no recorded homicide offences in June 2023, with one recorded during the last six months,
    a 50% reduction on the same period last year."
    """
    month = to_month(month)
    count = _count_at(volumes, force, area, measure, month)
    row = one_row(comparison, "period comparison", force=force, area=area, measure=measure, end=month,
                  months=months)
    if is_missing(row[CURRENT]) or is_missing(row[PREVIOUS]):
        raise InputError(f"incomplete {months}-month periods for {force}, {area}, {measure} to {month}",
                         file="period comparison")
    current, previous = int(row[CURRENT]), int(row[PREVIOUS])
    pct = _num(row[PCT_CHANGE])
    verb = "was" if count == 1 else "were"
    text = f"There {verb} {count_words(count)} recorded {offences_noun(measure, count)} in {month_label(month)}"
    if area != schema.WHOLE_FORCE:
        text += f" in {area_phrase(area)}"
    text += f", with {count_words(current, zero='none')} recorded during the last {count_words(months)} months"
    if current == previous:
        text += ", no change on the same period last year."
        direction = "no change"
    elif previous == 0 or not math.isfinite(pct):
        text += ", up from none in the same period last year."
        direction = "increase"
    else:
        direction = "increase" if current > previous else "reduction"
        text += f", a {percent(abs(pct))} {direction} on the same period last year."
    facts = {"count": count, "current": current, "previous": previous, "change": current - previous,
             "pct_change": pct, "months": months, "direction": direction}
    return _statement("period_change", force, measure, month, text, facts, area=area, id=id)


def quarter_statement(quarters: pd.DataFrame, volumes: pd.DataFrame, force: str, measure: str, month: object,
                      *, area: str = schema.WHOLE_FORCE, id: str | None = None) -> Statement:
    """The financial quarter's total and the latest month's count (S2).

    ``quarters``: ``measures.quarter_totals(volumes)`` (``quarter`` label, ``count``, ``months``); the quarter is
    the one holding ``month``. A quarter with fewer than three months of data is said to be "to date".

    Example: "In Q1 2023/24, there were 26 firearms offences recorded, with 17 in June 2023."
    """
    month = to_month(month)
    quarter = fy_quarter(month)
    row = one_row(quarters, "quarter totals", force=force, area=area, measure=measure, quarter=str(quarter))
    total, present = int(row[schema.COUNT]), int(row[MONTHS]) if MONTHS in row.index else len(quarter.months())
    count = _count_at(volumes, force, area, measure, month)
    when = f"{quarter}" if present >= len(quarter.months()) else f"{quarter} to date"
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    text = (f"In {when}, there {'was' if total == 1 else 'were'} {count_words(total)} "
            f"{offences_noun(measure, total)} recorded{where}, with {count_words(count, zero='none')} in "
            f"{month_label(month)}.")
    facts = {"quarter": str(quarter), "quarter_count": total, "months_present": present, "count": count}
    return _statement("quarter", force, measure, month, text, facts, area=area, id=id)


def _rank_phrase(ranks: pd.DataFrame | None, force: str, area: str, measure: str, month: pd.Period,
                 window: int | None, rank_top: int, noun: str) -> tuple[str | None, dict]:
    if ranks is None:
        return None, {}
    row = one_row(ranks, "window ranks", force=force, area=area, measure=measure, month=month, window=window)
    label = row[RANK_LABEL]
    facts = {"rank_label": None if is_missing(label) else str(label), "rank_window": int(row[WINDOW]),
             "rank_high": _num(row[RANK_HIGH]), "rank_low": _num(row[RANK_LOW]),
             "tied": bool(row[TIED]) if TIED in row.index and not is_missing(row[TIED]) else False}
    if is_missing(label) or min(facts["rank_high"], facts["rank_low"]) > rank_top:
        return None, facts
    joint = "joint " if facts["tied"] else ""
    return f"the {joint}{label} {noun} in the last {window_phrase(facts['rank_window'])}", facts


def _forecast_label(forecast: pd.DataFrame, force: str, area: str, measure: str, month: pd.Period,
                    actual: int) -> tuple[str, dict]:
    rows = latest_origin(select_rows(forecast, "forecast", force=force, area=area, measure=measure, month=month))
    if rows.empty:
        raise InputError(f"no forecast for {force}, {area}, {measure}, {month}", file="forecast")
    row = rows.iloc[0]
    if LABEL in row.index and not is_missing(row[LABEL]):
        label = str(row[LABEL])
    else:
        label = str(forecast_label(actual, float(row[LO_95]), float(row[HI_95])))
    facts = {"forecast_label": label, "forecast_mean": float(row[MEAN]), "forecast_lo_95": float(row[LO_95]),
             "forecast_hi_95": float(row[HI_95])}
    if METHOD in row.index:
        facts["forecast_method"] = str(row[METHOD])
    return label, facts


def volume_statement(baseline: pd.DataFrame, ranks: pd.DataFrame | None, force: str, measure: str, month: object,
                     *, area: str = schema.WHOLE_FORCE, forecast: pd.DataFrame | None = None,
                     window: int | None = None, rank_top: int = 3, id: str | None = None) -> Statement:
    """The month's count, its rank in the window, its comparison with the 3-year average and the forecast (S3,
    S5, S6, S8).

    ``baseline``: ``measures.three_year_average`` output (``count``, ``baseline``, ``comparison``); ``ranks``:
    ``measures.window_rank`` output, named only when the month is within ``rank_top`` of either end of the window;
    ``forecast``: ``forecast.forecast`` (the month outside the 95% interval is "above/below the forecast") or
    ``forecast.forecast_vs_actual`` (its ``label``). "back in line with" when the previous month was not.

    Example: "In May 2023, there were 50 knife crime offences recorded, the highest figure in the last 12 months
    and substantially above the 3-year average."
    """
    month = to_month(month)
    row = one_row(baseline, "baseline", force=force, area=area, measure=measure, month=month)
    count = int(row[schema.COUNT])
    rank, facts = _rank_phrase(ranks, force, area, measure, month, window, rank_top, "figure")
    phrases = [rank] if rank else []
    comparison = None if is_missing(row[COMPARISON]) else str(row[COMPARISON])
    back = False
    if comparison:
        before = select_rows(baseline, "baseline", force=force, area=area, measure=measure, month=month - 1)
        if comparison == "in line with" and not before.empty and not is_missing(before.iloc[0][COMPARISON]):
            back = str(before.iloc[0][COMPARISON]) != "in line with"
        phrases.append(f"{'back ' if back else ''}{comparison} the 3-year average")
    if forecast is not None:
        label, more = _forecast_label(forecast, force, area, measure, month, count)
        if comparison and not back and label == f"{comparison} the forecast":
            phrases[-1] = f"{comparison} the 3-year average and the forecast"  # "in line with ... and the forecast"
        else:
            phrases.append(label)
        facts.update(more)
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    text = (f"In {month_label(month)}, there {'was' if count == 1 else 'were'} {count_words(count)} "
            f"{offences_noun(measure, count)} recorded{where}")
    text += (", " + join_words(phrases) if phrases else "") + "."
    facts.update({"count": count, "comparison": comparison, "back_in_line": back, "baseline": _num(row[BASELINE]),
                  "z": _num(row[Z]) if Z in row.index else float("nan"),
                  "baseline_method": str(row[BASELINE_METHOD]) if BASELINE_METHOD in row.index else None})
    return _statement("volume", force, measure, month, text, facts, area=area, id=id)


def _change_columns(basis: str) -> tuple[str, str]:
    if basis == "month":
        return MOM_CHANGE, MOM_PCT
    if basis == "year":
        return YOY_CHANGE, YOY_PCT
    raise ConfigError(f"basis must be 'month' or 'year', not {basis!r}")


def change_statement(changes: pd.DataFrame, ranks: pd.DataFrame | None, force: str, measure: str, month: object,
                     *, basis: str = "month", window: int | None = None, rank_top: int = 3,
                     noun: str = _LPA, id: str | None = None) -> Statement:
    """The force's change on the previous month (``basis="month"``) or the same month last year (``"year"``), its
    rank in the window, and the local policing area (LPA) that moved most in the same direction (S4).

    ``changes``: ``measures.changes(volumes)`` over the force and its LPAs (rows with ``area`` other than "Force");
    ``ranks``: ``measures.window_rank(volumes, window=36)`` for "in the last 3 years".

    Example: "In June 2023, Violence with Injury offences increased by 12% (n=481), the highest total in the last
    3 years, most notably in the North Local Policing Area (LPA)."
    """
    month = to_month(month)
    change_col, pct_col = _change_columns(basis)
    row = one_row(changes, "changes", force=force, area=schema.WHOLE_FORCE, measure=measure, month=month)
    count, change, pct = int(row[schema.COUNT]), _num(row[change_col]), _num(row[pct_col])
    if not math.isfinite(change):
        raise InputError(f"no {change_col} for {force}, {measure}, {month}", file="changes", column=change_col)
    if change == 0:
        moved = "were unchanged"
    else:
        verb = "increased" if change > 0 else "decreased"
        size = percent(abs(pct)) if math.isfinite(pct) else f"{count_words(abs(change))} offences"
        moved = f"{verb} by {size}"
    since = "" if basis == "month" else f" on {month_label(month - 12)}"
    text = f"In {month_label(month)}, {offences_noun(measure)} {moved}{since} (n={count:,})"
    rank, facts = _rank_phrase(ranks, force, schema.WHOLE_FORCE, measure, month, window, rank_top, "total")
    if rank:
        text += f", {rank}"
    lpas = select_rows(changes, "changes", force=force, measure=measure, month=month)
    lpas = lpas[(lpas[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()]
    lpa, lpa_change = None, float("nan")
    if change != 0 and not lpas.empty:
        moves = lpas[change_col].astype(float).to_numpy() * np.sign(change)
        if np.nanmax(moves) > 0:
            best = int(np.nanargmax(moves))
            lpa, lpa_change = str(lpas.iloc[best][schema.AREA]), float(lpas.iloc[best][change_col])
            text += f", most notably in {area_phrase(lpa, long=True, noun=noun)}"
    facts.update({"count": count, "change": change, "pct": pct, "basis": basis, "lpa": lpa,
                  "lpa_change": lpa_change})
    return _statement("change", force, measure, month, text + ".", facts, id=id)


def outcome_rate_statement(rates: pd.DataFrame, force: str, measure: str, month: object, *,
                           area: str = schema.WHOLE_FORCE, id: str | None = None) -> Statement:
    """The 'action taken' outcome rate, to one decimal place, with a caution when ``caution`` is set.

    ``rates``: ``measures.outcome_rate`` output (``outcomes``, ``n``, ``rate``, ``lo``, ``hi`` Wilson 95%,
    ``caution``, ``window``, ``over_100``). METHODS.md, Outcome rate: caution for small numbers.

    The rate is compared with the month before, as rounded (one decimal place): the same rounded rate "remains at"
    it ("remains at 4.3%, as in April 2023"), else the earlier rate is given ("was 7.3%, up from 6.9% in April
    2023"); no comparison when the month before has no rate.

    Example: "In May 2023, the 'action taken' outcome rate for Violence with Injury was 7.3%, up from 6.9% in April
    2023."
    """
    month = to_month(month)
    row = one_row(rates, "outcome rates", force=force, area=area, measure=measure, month=month)
    rate, n = float(row[RATE]), int(row[N])
    window = int(row[WINDOW]) if WINDOW in row.index and not is_missing(row[WINDOW]) else 1
    rolling = f"rolling {window}-month " if window > 1 else ""
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    before = select_rows(rates, "outcome rates", force=force, area=area, measure=measure, month=month - 1)
    if WINDOW in before.columns:
        before = before[(before[WINDOW].astype(float) == window).to_numpy()]
    previous = _num(before.iloc[0][RATE]) if len(before) == 1 else float("nan")
    head = f"In {month_label(month)}, the {rolling}'action taken' outcome rate for {measure_label(measure)}{where}"
    if not math.isfinite(previous):
        movement = None
        text = f"{head} was {percent(rate, 1)}"
    elif percent(previous, 1) == percent(rate, 1):
        movement = "unchanged"
        text = f"{head} remains at {percent(rate, 1)}, as in {month_label(month - 1)}"
    else:
        movement = "up" if rate > previous else "down"
        text = f"{head} was {percent(rate, 1)}, {movement} from {percent(previous, 1)} in {month_label(month - 1)}"
    caution = bool(row[CAUTION]) if CAUTION in row.index and not is_missing(row[CAUTION]) else False
    if caution:
        text += (f", although caution is advised: with n={n:,} offences, its 95% interval runs from "
                 f"{percent(float(row[LO]), 1)} to {percent(float(row[HI]), 1)}")
    text += "."
    over = bool(row[OVER_100]) if OVER_100 in row.index and not is_missing(row[OVER_100]) else False
    if over:
        text += " More outcomes than offences were recorded, as outcomes can relate to offences recorded earlier."
    facts = {"rate": rate, "n": n, "outcomes": int(row[OUTCOMES_N]) if OUTCOMES_N in row.index else None,
             "lo": float(row[LO]), "hi": float(row[HI]), "caution": caution, "window": window, "over_100": over,
             "previous_rate": previous, "movement": movement}
    return _statement("outcome_rate", force, measure, month, text, facts, area=area, id=id)


def _disclosive(counts: Iterable[float], suppress_below: int) -> bool:
    """Whether any count is one disclosure control suppresses at sub-force level (``definitions.disclosive``;
    zeros are not disclosive by default). ``suppress_below=0``: no control."""
    return bool(disclosive(np.asarray(list(counts), dtype=float), suppress_below).any())


def _share_rows(shares: pd.DataFrame, force: str, part: str, whole: str, **filters: object) -> pd.DataFrame:
    rows = select_rows(shares, "shares", force=force, **filters)
    if schema.MEASURE in rows.columns:  # measures.share names the part in ``measure``
        rows = rows[(rows[schema.MEASURE].astype(str) == part).to_numpy()]
    for col, value in ((PART, part), (WHOLE, whole)):
        if col in rows.columns and not pd.api.types.is_numeric_dtype(rows[col]):
            rows = rows[(rows[col].astype(str) == value).to_numpy()]
    return rows


def _part_whole(rows: pd.DataFrame) -> tuple[float, float]:
    """Part and whole counts of share rows (``n`` is the part; ``whole`` may be the count or the measure id)."""
    part = rows[N].astype(float).sum()
    if WHOLE in rows.columns and pd.api.types.is_numeric_dtype(rows[WHOLE]):
        whole = rows[WHOLE].astype(float).sum()
    else:
        whole = float(np.round(rows[N].astype(float) / rows[SHARE].astype(float)).sum())
    return float(part), float(whole)


def share_statement(shares: pd.DataFrame, force: str, part: str, whole: str, month: object, *,
                    area: str = schema.WHOLE_FORCE, tolerance: float = SHARE_TOLERANCE, suppress_below: int = 0,
                    noun: str = _LPA, against: str | None = None, id: str | None = None) -> Statement:
    """The share of a sub-measure in its parent, in words near a simple fraction, else a whole percentage (S5, S8).

    ``shares``: ``measures.share(volumes, part, whole)`` (``share``, ``n`` = part count). METHODS.md, Shares.
    ``suppress_below``: for an LPA, :class:`Withheld` when the part, the rest or the whole is a count from 1 to
    ``suppress_below`` - 1 (disclosure control; 0 = none).

    ``against="month"``: the share is compared with the month before ("up from a quarter (n=8) in May 2023", "down
    from ...", "the same share as in May 2023" when both read the same); the share "has increased" or "has
    decreased" in the facts (``movement``: "up", "down", "unchanged"). None: no comparison.

    Example: "In June 2023, knife-enabled personal robbery accounted for a third (n=10) of Robbery Personal
    offences, down from 39% (n=12) in May 2023."
    """
    month = to_month(month)
    rows = _share_rows(shares, force, part, whole, area=area, month=month)
    if len(rows) != 1:
        raise InputError(f"{len(rows)} share rows for {force}, {area}, {part} in {whole}, {month}", file="shares")
    row = rows.iloc[0]
    value, n = float(row[SHARE]), int(row[N])
    if area != schema.WHOLE_FORCE:
        _, total = _part_whole(rows)
        if _disclosive((n, total - n, total), suppress_below):
            raise Withheld(f"{area} LPA counts below {suppress_below} (disclosure control)")
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area, noun=noun)}"
    words = fraction_words(value, tolerance)
    text = (f"In {month_label(month)}, {measure_label(part)} accounted for {words} "
            f"(n={n:,}) of {offences_noun(whole)}{where}")
    facts = {"share": value, "n": n, "part": part, "whole": whole, "words": words}
    if against not in (None, "month"):
        raise ConfigError(f"against must be 'month' or None, not {against!r}")
    before = _share_rows(shares, force, part, whole, area=area, month=month - 1) if against else shares.iloc[:0]
    if len(before) == 1 and not is_missing(before.iloc[0][SHARE]):
        earlier, earlier_n = float(before.iloc[0][SHARE]), int(before.iloc[0][N])
        was = fraction_words(earlier, tolerance)
        if was == words:
            movement = "unchanged"
            text += f", the same share as in {month_label(month - 1)}"
        else:
            movement = "up" if value > earlier else "down"
            text += f", {movement} from {was} (n={earlier_n:,}) in {month_label(month - 1)}"
        facts.update({"previous_share": earlier, "previous_n": earlier_n, "movement": movement})
    return _statement("share", force, whole, month, text + ".", facts, area=area, id=id)


def lpa_share_statement(shares: pd.DataFrame, force: str, part: str, whole: str, month: object, *,
                        threshold: float = 0.5, period: str = "quarter", tolerance: float = SHARE_TOLERANCE,
                        suppress_below: int = 0, noun: str = _LPA, id: str | None = None) -> Statement:
    """Whether the sub-measure is over ``threshold`` of its parent in each LPA, pooled over the quarter to ``month``
    (``period="quarter"``) or in the month alone (S7).

    ``shares``: ``measures.share`` output for the force's LPAs (``area`` other than "Force"). ``suppress_below``:
    :class:`Withheld` when an LPA's part, rest or whole is a count from 1 to ``suppress_below`` - 1 (disclosure
    control: its percentage would publish it; 0 = none).

    Example: "In Q1 2023/24, pickpocketing accounted for over half of theft from the person offences in each of
    the three LPAs (East 56%, North 61%, South 58%)."
    """
    month = to_month(month)
    if period == "quarter":
        months, when = [m for m in fy_quarter(month).months() if m <= month], str(fy_quarter(month))
    elif period == "month":
        months, when = [month], month_label(month)
    else:
        raise ConfigError(f"period must be 'quarter' or 'month', not {period!r}")
    rows = _share_rows(shares, force, part, whole)
    rows = rows[(rows[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()]
    rows = rows[month_column(rows).isin(months).to_numpy()]
    if rows.empty:
        raise InputError(f"no LPA share rows for {force}, {part} in {whole}, {when}", file="shares")
    pooled = {}
    for area, group in rows.groupby(schema.AREA, sort=True):
        p, w = _part_whole(group)
        if _disclosive((p, w - p, w), suppress_below):
            raise Withheld(f"{area} LPA counts below {suppress_below} (disclosure control)")
        pooled[str(area)] = p / w if w > 0 else float("nan")
    over = [a for a, s in pooled.items() if s > threshold]
    not_over = [a for a in pooled if a not in over]
    words = f"over {fraction_words(threshold, tolerance)}"
    detail = ", ".join(f"{a} {percent(s)}" for a, s in pooled.items())
    k = _counted_areas(len(pooled), noun)
    head = f"In {when}, {measure_label(part)} accounted for"
    if not not_over:
        text = f"{head} {words} of {offences_noun(whole)} in each of the {k} ({detail})."
    elif not over:
        text = (f"{head} {fraction_words(threshold, tolerance)} or less of {offences_noun(whole)} in each of "
                f"the {k} ({detail}).")
    else:
        text = (f"{head} {words} of {offences_noun(whole)} in {_named_areas(over, noun)} but not in "
                f"{_named_areas(not_over, noun)} ({detail}).")
    facts = {"shares": dict(pooled), "over": over, "not_over": not_over, "threshold": threshold, "period": when}
    return _statement("lpa_share", force, whole, month, text, facts, id=id)


def lpa_change_statement(changes: pd.DataFrame, force: str, measure: str, month: object, *, basis: str = "month",
                         suppress_below: int = 0, noun: str = _LPA, id: str | None = None) -> Statement:
    """Which LPAs rose and which fell; a direction seen in one LPA only is given with its change and count (S8).

    ``changes``: ``measures.changes(volumes)`` rows for the force's LPAs. The direction with more LPAs is said
    first (decreases first on a tie). ``suppress_below``: the change and count are left out when the count or the
    one before it is from 1 to ``suppress_below`` - 1 (disclosure control; 0 = none).

    Example: "In June 2023, vehicle crime offences decreased in the East and South LPAs but increased in the North
    LPA by 23 offences (n=126)."
    """
    month = to_month(month)
    change_col, _ = _change_columns(basis)
    rows = select_rows(changes, "changes", force=force, measure=measure, month=month)
    rows = rows[(rows[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()].sort_values(schema.AREA)
    rows = rows[rows[change_col].notna().to_numpy()]
    if rows.empty:
        raise InputError(f"no LPA changes for {force}, {measure}, {month}", file="changes")
    groups: dict[str, list[tuple[str, int, int]]] = {"decreased": [], "increased": [], "were unchanged": []}
    for r in rows.itertuples(index=False):
        c = int(getattr(r, change_col))
        key = "decreased" if c < 0 else "increased" if c > 0 else "were unchanged"
        groups[key].append((str(getattr(r, schema.AREA)), c, int(getattr(r, schema.COUNT))))
    moving = sorted([k for k in ("decreased", "increased") if groups[k]], key=lambda k: -len(groups[k]))
    withheld: list[str] = []

    def clause(verb: str) -> str:
        members = groups[verb]
        if len(members) == len(rows) and len(members) > 1:
            return f"{verb} in all {_counted_areas(len(members), noun)}"
        text = f"{verb} in {_named_areas((a for a, _, _ in members), noun)}"
        if len(members) == 1 and verb != "were unchanged":
            area, c, n = members[0]
            if _disclosive((n, n - c), suppress_below):
                withheld.append(area)
            else:
                text += f" by {count_words(abs(c))} {'offence' if abs(c) == 1 else 'offences'} (n={n:,})"
        return text

    parts = [clause(v) for v in moving]
    text = f"In {month_label(month)}, {offences_noun(measure)} " + " but ".join(parts)
    if groups["were unchanged"]:
        text += (", and " if parts else "") + clause("were unchanged")
    facts = {k: {a: c for a, c, _ in v} for k, v in groups.items()}
    facts["counts"] = {a: n for v in groups.values() for a, _, n in v}
    facts["basis"] = basis
    facts["withheld"] = withheld  # LPAs whose change and count were left out (disclosure control)
    return _statement("lpa_change", force, measure, month, text + ".", facts, id=id)


def quarter_profile_statement(profile: Mapping[str, object], force: str, measure: str, month: object, *,
                              area: str = schema.WHOLE_FORCE, id: str | None = None) -> Statement:
    """The quarter to ``month`` as a whole, worded from ``measures.quarter_profile`` (S7): stable or how it moved
    month to month, then each comparison made (the preceding months, the 3-year average, the forecast), grouped
    by label.

    Example: "In Q1 2023/24, theft from the person volumes remained stable month to month but were above the
    preceding three months, the 3-year average and the forecast."
    """
    month = to_month(month)
    stable = bool(profile["stable"])
    if stable:
        movement = "remained stable month to month"
    else:
        movement = {"above": "rose during the quarter", "substantially above": "rose during the quarter",
                    "below": "fell during the quarter", "substantially below": "fell during the quarter"}.get(
            str(profile["movement_label"]), "varied month to month")
    comparisons = [(str(profile[f"{key}_label"]), what) for key, what in (
        ("preceding", f"the preceding {count_words(int(profile['preceding']))} months"),
        ("baseline", "the 3-year average"), ("forecast", "the forecast")) if f"{key}_label" in profile]
    grouped: dict[str, list[str]] = {}
    for label, what in comparisons:
        grouped.setdefault(label, []).append(what)
    phrases = [f"{label} {join_words(whats)}" for label, whats in grouped.items()]
    if len(phrases) > 1 and any(len(whats) > 1 for whats in grouped.values()):
        against = ", ".join(phrases[:-1]) + ", and " + phrases[-1]  # "X and Y, and above Z" reads unambiguously
    else:
        against = join_words(phrases)
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    when = str(profile["quarter"]) + ("" if profile["complete"] else " to date")
    text = f"In {when}, {measure_label(measure)} volumes{where} {movement}"
    if against:
        notable = stable and any(label != "in line with" for label, _ in comparisons)
        text += f" {'but' if notable else 'and'} were {against}"
    facts = {k: v for k, v in profile.items() if k not in ("complete", "preceding")}
    facts["movement"] = movement
    return _statement("quarter_profile", force, measure, month, text + ".", facts, area=area, id=id)


def _outlier_words(descriptive: bool, statistical: bool) -> str | None:
    if descriptive and statistical:
        return "an outlier"
    if statistical:
        return "a statistical outlier"
    if descriptive:
        return "a descriptive outlier"
    return None


_PARTICIPLES = {"fell": "fallen", "rose": "risen", "dropped": "dropped", "improved": "improved",
                "worsened": "worsened"}


def _rank_words(label: str) -> str:
    """ "improved two places to 20th" -> "improved two places nationally to 20th" (after "has")."""
    m = re.match(r"^(\w+) (\w+ places?) to (.+)$", label)
    if m:
        return f"{_PARTICIPLES.get(m[1], m[1])} {m[2]} nationally to {m[3]}"
    if label.startswith("unchanged"):
        return f"remained {label.replace('unchanged', 'unchanged nationally', 1)}"
    return f"a national position {label}"


def peer_statement(msg_result: pd.DataFrame, rank_changes: pd.DataFrame | None, force: str, measure: str,
                   month: object, *, window: int = 12, id: str | None = None) -> Statement:
    """The force against its Most Similar Group (MSG) and its change in national rank (S8).

    ``msg_result``: ``peers.msg_compare`` output (``rate``, ``msg_average``, ``descriptive_outlier``,
    ``statistical_outlier``); "remains" when the previous month was flagged too, "is no longer" when it was and
    is not now. Both flags: "an outlier"; one: "a statistical outlier" or "a descriptive outlier" (METHODS.md,
    MSG). ``rank_changes``: ``peers.rank_change`` output (its ``label``). ``window`` names the rate window.

    Example: "Warwickshire remains an outlier in its Most Similar Group (MSG) for vehicle crime (11.2 offences per
    1,000 population in the 12 months to June 2023, against an MSG average of 7.9) and has improved two places
    nationally to 20th."
    """
    month = to_month(month)
    row = one_row(msg_result, "MSG comparison", force=force, measure=measure, month=month)

    def flags(r: pd.Series) -> tuple[bool, bool]:
        return tuple(bool(r[c]) if c in r.index and not is_missing(r[c]) else False
                     for c in (DESCRIPTIVE_OUTLIER, STATISTICAL_OUTLIER))

    if is_missing(row[MSG_AVERAGE]):  # no group (City of London): the rank alone, the reason as given
        note = "" if FLAG_NOTE not in row.index or is_missing(row[FLAG_NOTE]) else str(row[FLAG_NOTE])
        text = f"{force} has no Most Similar Group (MSG) to compare with" + (f" ({note.split(': ', 1)[-1]})"
                                                                          if note else "")
        facts: dict[str, object] = {"rate": float(row[RATE]), "msg_average": None, "outlier": None,
                                    "flag_note": note or None}
        if rank_changes is not None:
            words, rank_facts = _rank_change(rank_changes, force, measure, month)
            text += f"; for {measure_label(measure)} it has {words}"
            facts.update(rank_facts)
        return _statement("peers", force, measure, month, text + ".", facts, id=id)
    now = _outlier_words(*flags(row))
    before_rows = select_rows(msg_result, "MSG comparison", force=force, measure=measure, month=month - 1)
    before = _outlier_words(*flags(before_rows.iloc[0])) if not before_rows.empty else None
    if now:
        status = f"{'remains' if before else 'is'} {now}"
    else:
        status = "is no longer an outlier" if before else "is not an outlier"
    rate, average = float(row[RATE]), float(row[MSG_AVERAGE])
    text = (f"{force} {status} in its Most Similar Group (MSG) for {measure_label(measure)} ({rate:,.1f} offences "
            f"per 1,000 population in the {window_phrase(window)} to {month_label(month)}, against an MSG "
            f"average of {average:,.1f})")
    facts: dict[str, object] = {"rate": rate, "msg_average": average, "outlier": now, "previous_outlier": before}
    if rank_changes is not None:
        words, rank_facts = _rank_change(rank_changes, force, measure, month)
        text += f" and has {words}"
        facts.update(rank_facts)
    return _statement("peers", force, measure, month, text + ".", facts, id=id)


def _rank_change(rank_changes: pd.DataFrame, force: str, measure: str, month: object) -> tuple[str, dict]:
    """The national rank change in words ("improved two places nationally to 12th") and as facts."""
    rc = one_row(rank_changes, "rank change", force=force, measure=measure, month=month)
    return _rank_words(str(rc[LABEL])), {"rank": int(rc["rank"]), "earlier_rank": int(rc["earlier_rank"]),
                                         "places": int(rc["places"]), "rank_label": str(rc[LABEL])}


def msg_outlier_statement(msg_result: pd.DataFrame, force: str, measure: str, month: object, *,
                          id: str | None = None) -> Statement:
    """Whether the force is an outlier in its Most Similar Group (MSG) for ``measure`` (S1: "The force are not
    considered by the HO to be an 'outlier'"), from the flags of ``peers.msg_compare`` at ``month`` (both flags:
    "an outlier"; one: "a statistical outlier" or "a descriptive outlier"; none: "not an outlier"; METHODS.md,
    MSG). :class:`InputError` when the month has no MSG comparison (no MSG average: the reason in ``flag_note``).

    Example: "Warwickshire is not an outlier in its Most Similar Group (MSG) for homicide."
    """
    month = to_month(month)
    row = one_row(msg_result, "MSG comparison", force=force, measure=measure, month=month)
    if is_missing(row[MSG_AVERAGE]):
        note = "" if FLAG_NOTE not in row.index or is_missing(row[FLAG_NOTE]) else f": {row[FLAG_NOTE]}"
        raise InputError(f"no MSG comparison for {force}, {measure}, {month}{note}", file="MSG comparison")
    flags = [bool(row[c]) if c in row.index and not is_missing(row[c]) else False
             for c in (DESCRIPTIVE_OUTLIER, STATISTICAL_OUTLIER)]
    now = _outlier_words(*flags)
    text = f"{force} is {now or 'not an outlier'} in its Most Similar Group (MSG) for {measure_label(measure)}."
    facts = {"outlier": now, "descriptive": flags[0], "statistical": flags[1], "rate": float(row[RATE]),
             "msg_average": float(row[MSG_AVERAGE])}
    return _statement("msg_outlier", force, measure, month, text, facts, id=id)


def _trend(profile: Mapping[str, object]) -> tuple[str, str]:
    """A quarter profile's trend: its movement month to month and its standing against the preceding months
    ("substantially" dropped: "above" and "substantially above" are one trend)."""
    movement = "stable" if profile["stable"] else str(profile["movement_label"]).replace("substantially ", "")
    preceding = str(profile.get("preceding_label", "")).replace("substantially ", "")
    return movement, preceding


def lpa_profile_statement(force_profile: Mapping[str, object], lpa_profiles: Mapping[str, Mapping[str, object]],
                          force: str, measure: str, month: object, *, noun: str = _LPA,
                          id: str | None = None) -> Statement:
    """Whether the force's quarter trend is seen in each LPA (S7: "This trend is observed in all three Local PAs").

    ``force_profile`` and ``lpa_profiles`` (area -> profile): ``measures.quarter_profile`` for the force and for
    each LPA. The trend is the movement month to month ("stable", "above"/"below" for a rise or fall) and the
    standing against the preceding months ("above", "in line with", "below"; "substantially" counts as the same
    direction): the same trend in every LPA is "observed in all three LPAs", in some "in two of the three LPAs
    (East and South)", in none "in none of the three LPAs". No count is given, so no count needs disclosure control.

    Example: "This trend is observed in all three LPAs."
    """
    month = to_month(month)
    if not lpa_profiles:
        raise InputError(f"no LPA quarter profiles for {force}, {measure}, {month}", file="quarter profile")
    trend = _trend(force_profile)
    same = sorted(a for a, prof in lpa_profiles.items() if _trend(prof) == trend)
    k = len(lpa_profiles)
    areas = _counted_areas(k, noun)
    if len(same) == k:
        where = f"in all {areas}" if k > 2 else f"in both {areas}" if k == 2 else f"in {_named_areas(same, noun)}"
    elif not same:
        where = f"in none of the {areas}"
    else:
        where = f"in {count_words(len(same))} of the {areas} ({join_words(same)})"
    text = f"This trend is observed {where}{'' if force_profile.get('complete', True) else ' so far'}."
    facts = {"quarter": str(force_profile["quarter"]), "trend": trend, "same": same,
             "different": sorted(set(lpa_profiles) - set(same)), "areas": k,
             "trends": {a: _trend(prof) for a, prof in lpa_profiles.items()}}
    return _statement("lpa_profile", force, measure, month, text, facts, id=id)


def satisfaction_statement(rolling: pd.DataFrame, force: str, survey: str, month: object, *, window: int = 6,
                           label: str | None = None, min_run: int = 3, measure: str = "da_satisfaction",
                           id: str | None = None) -> Statement:
    """The rolling ``window``-month satisfaction rate (whole percentage) against its target, and its run (S9).

    ``rolling``: ``measures.rolling_rate(survey, window, target)`` (``rate``, ``lo``, ``hi``, ``target``,
    ``target_label``, ``run_length``, ``run_direction``). A run of at least ``min_run`` months is described from
    the rolling rate ``run_length`` months earlier ("from a high of ..." for a fall, "from a low of ..." for a
    rise). ``label`` defaults to the survey id without a "da_" prefix ("whole experience satisfaction").

    Example: "In June 2023, the rolling 6-month 'whole experience satisfaction' rate stood at 77%, below the
    target of 80%. It has fallen for the last six months, from a high of 83% in December 2022."
    """
    month = to_month(month)
    series = select_rows(rolling, "rolling rate", force=force, survey=survey).copy()
    series[schema.MONTH] = month_column(series)
    series = series.set_index(schema.MONTH).sort_index()
    if month not in series.index:
        raise InputError(f"no rolling rate for {force}, {survey}, {month}", file="rolling rate")
    row = series.loc[month]
    label = label or survey.removeprefix("da_").replace("_", " ") + " satisfaction"
    rate = float(row[RATE])
    target = _num(row[TARGET]) if TARGET in row.index else float("nan")
    decimals = 0  # one or two decimals where the whole percentages of the rate and the target would read the same
    while (decimals < 2 and math.isfinite(target) and rate != target
           and percent(rate, decimals) == percent(target, decimals)):
        decimals += 1
    text = f"In {month_label(month)}, the rolling {window}-month '{label}' rate stood at {percent(rate, decimals)}"
    target_label = None if TARGET_LABEL not in row.index or is_missing(row[TARGET_LABEL]) else str(row[TARGET_LABEL])
    if math.isfinite(target) and target_label:
        if target_label in ("above", "below"):
            text += f", {target_label} the target of {percent(target)}"
        else:
            side = "below" if rate < target else "above" if rate > target else "at"
            text += (f", {side} the target of {percent(target)} but not significantly so (its 95% interval, "
                     f"{percent(float(row[LO]))} to {percent(float(row[HI]))}, includes the target)")
    text += "."
    run = int(row[RUN_LENGTH]) if RUN_LENGTH in row.index and not is_missing(row[RUN_LENGTH]) else 0
    direction = None if RUN_DIRECTION not in row.index or is_missing(row[RUN_DIRECTION]) else str(row[RUN_DIRECTION])
    facts: dict[str, object] = {"rate": rate, "lo": float(row[LO]), "hi": float(row[HI]), "target": target,
                                "target_label": target_label, "run_length": run, "run_direction": direction,
                                "responses": int(row["responses"]) if "responses" in row.index else None}
    if direction in ("falling", "rising") and run >= min_run:
        verb = "fallen" if direction == "falling" else "risen"
        text += f" It has {verb} for the last {count_words(run)} months"
        start = month - run
        if start in series.index:
            start_rate = float(series.loc[start, RATE])
            text += (f", from a {'high' if direction == 'falling' else 'low'} of {percent(start_rate)} in "
                     f"{month_label(start)}")
            facts.update({"run_start": start, "run_start_rate": start_rate})
        text += "."
    return _statement("satisfaction", force, measure, month, text, facts, id=id)


def forecast_direction_statement(forecast: pd.DataFrame, volumes: pd.DataFrame, force: str, measure: str, *,
                                 area: str = schema.WHOLE_FORCE, stable_within: float = 0.05,
                                 id: str | None = None) -> Statement:
    """Whether volumes are predicted to rise or fall in the next quarter: the sum of the forecast means over the
    quarter after the origin against the last complete quarter's actual total; within ``stable_within``
    (relative) they are "predicted to remain broadly stable" (S4).

    ``forecast``: ``forecast.forecast(volumes, horizon=3, origin=...)``; the latest origin is used. The statement's
    month is the origin.

    Example: "Violence with Injury volumes are predicted to rise during Q2 2023/24 (a forecast of 1,520 offences,
    against 1,390 in Q1 2023/24)."
    """
    rows = latest_origin(select_rows(forecast, "forecast", force=force, area=area, measure=measure))
    if rows.empty:
        raise InputError(f"no forecast for {force}, {area}, {measure}", file="forecast")
    months = month_column(rows)
    origin = to_month(rows.iloc[0][ORIGIN]) if ORIGIN in rows.columns else months.min() - 1
    quarter = fy_quarter(origin + 1)
    ahead = rows[months.isin(quarter.months()).to_numpy()]
    predicted = float(ahead[MEAN].astype(float).sum())
    last = quarter.shift(-1)
    actual = sum(_count_at(volumes, force, area, measure, m) for m in last.months())
    ratio = predicted / actual - 1 if actual > 0 else (math.inf if predicted > 0 else 0.0)
    direction = "rise" if ratio > stable_within else "fall" if ratio < -stable_within else "remain broadly stable"
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area)}"
    span = str(quarter)
    if len(ahead) < len(quarter.months()):
        span = (f"the first month of {quarter}" if len(ahead) == 1
                else f"the first {count_words(len(ahead))} months of {quarter}")
    text = (f"{catalogue.label(measure, capital=True)} volumes{where} are predicted to {direction} during {span} "
            f"(a forecast of {predicted:,.0f} offences, against {actual:,} in {last}).")
    facts = {"quarter": str(quarter), "forecast_total": predicted, "last_quarter": str(last),
             "last_quarter_count": actual, "direction": direction, "ratio": ratio,
             "method": str(ahead.iloc[0][METHOD]) if METHOD in ahead.columns and not ahead.empty else None}
    return _statement("forecast_direction", force, measure, origin, text, facts, area=area, id=id)


# --- statements from period tables (ONS year-ending tables, Home Office PRC quarters) ---------------------------

ONS_PERIOD_SOURCE = "ONS police force area tables"  # how a statement from ONS Table P1 names its source
PRC_SOURCE = "Home Office police recorded crime, PRC"  # how a statement from the PRC quarterly tables names it


def year_ending(month: object) -> str:
    """An ONS 12-month period by its last month: ``year_ending("2019-12") == 'year ending December 2019'``."""
    return f"year ending {month_label(to_month(month))}"


def period_peer_statement(table: pd.DataFrame, force: str, measure: str, *, source: str = ONS_PERIOD_SOURCE,
                          id: str | None = None) -> Statement:
    """The force's national rank, its change and its Most Similar Group (MSG) position from ONS 12-month period
    tables (the S8 statement when no monthly data of the other forces are held).

    ``table``: ``peers.period_comparison(...).table`` (one row per force and measure: period_start, period_end,
    population_year, rate, rank, rank_label, n_forces, rank_note; earlier, label when two periods are held; the MSG
    columns when a membership table is). The ONS period ("year ending December 2019") and the mid-year population
    used ("mid-2018") are named, as is the earlier period of the rank change; rank 1 = the lowest rate.

    Example: "In the year ending December 2019 (ONS police force area tables; mid-2018 population), Leicestershire
    recorded 5.1 vehicle crime offences per 1,000 population, ranking 20th of 42 forces nationally (1 = lowest
    rate; ranked among 42 of 43 forces; no rate for Greater Manchester) and has improved two places nationally to
    20th since the year ending June 2019. Leicestershire is not an outlier in its Most Similar Group (MSG), against an
    MSG average of 5.9 per 1,000."
    """
    row = one_row(table, "ONS period comparison", force=force, measure=measure)
    period = to_month(row[schema.PERIOD_END])
    if is_missing(row[RATE]):
        raise InputError(f"no rate for {force} in the {year_ending(period)}: "
                         f"{row[schema.POPULATION_NOTE] if not is_missing(row[schema.POPULATION_NOTE]) else 'no count'}",
                         file="ONS period comparison")
    year = int(row[schema.POPULATION_YEAR])
    note = row[schema.POPULATION_NOTE]
    population = f"mid-{year} population" + ("" if is_missing(note) else f": {note.split(': ', 1)[-1]}")
    rate = float(row[RATE])
    text = (f"In the {year_ending(period)} ({source}; {population}), {force} recorded {rate:,.1f} "
            f"{offences_noun(measure)} per 1,000 population")
    facts: dict[str, object] = {"period_start": str(row[schema.PERIOD_START]), "period_end": str(period),
                                "period": year_ending(period), "population_year": year, "rate": rate,
                                "source": source}
    if not is_missing(row[schema.RANK]):
        n = int(row[schema.N_FORCES])
        rank_note = row[schema.RANK_NOTE]
        text += (f", ranking {row[RANK_LABEL]} of {n:,} forces nationally (1 = lowest rate"
                 + ("" if is_missing(rank_note) else f"; {rank_note}") + ")")
        facts.update({"rank": int(row[schema.RANK]), "n_forces": n, "rank_note": None if is_missing(rank_note)
                      else str(rank_note)})
        if schema.EARLIER in row.index and not is_missing(row[LABEL]):
            earlier = to_month(row[schema.EARLIER])
            text += f" and has {_rank_words(str(row[LABEL]))} since the {year_ending(earlier)}"
            facts.update({"earlier_period": year_ending(earlier), "earlier_rank": int(row[schema.EARLIER_RANK]),
                          "places": int(row[schema.PLACES]), "rank_label": str(row[LABEL])})
    text += "."
    if MSG_AVERAGE in row.index and not is_missing(row[MSG_AVERAGE]):
        flags = [bool(row[c]) if not is_missing(row[c]) else False for c in (DESCRIPTIVE_OUTLIER, STATISTICAL_OUTLIER)]
        now = _outlier_words(*flags)
        average = float(row[MSG_AVERAGE])
        text += (f" {force} is {now or 'not an outlier'} in its Most Similar Group (MSG), against an MSG average "
                 f"of {average:,.1f} per 1,000.")
        facts.update({"msg_average": average, "outlier": now})
    elif schema.FLAG_NOTE in row.index and not is_missing(row[schema.FLAG_NOTE]):
        facts["msg_note"] = str(row[schema.FLAG_NOTE])
    return _statement("period_peers", force, measure, period, text, facts, id=id)


def prc_quarter_statement(comparison: pd.DataFrame, force: str, measure: str, *, source: str = PRC_SOURCE,
                          id: str | None = None) -> Statement:
    """The quarter's count against the mean of the same quarter in the previous three years, from the Home Office
    PRC quarterly tables (for a measure the force's monthly data lack: homicide, violence with injury, residential
    burglary in police.uk).

    ``comparison``: ``prc.same_quarter_average`` output with the report's comparison label (``comparison``: "in
    line with", "above", "substantially below" ...; ``ncpm.methods.measures.compare_to_baseline``). A quarter missing from
    the table, or an earlier quarter missing, raises :class:`InputError` with the table's ``reason``.

    Example: "In Q1 2023/24, Warwickshire recorded 260 residential burglary offences (Home Office police recorded
    crime, PRC), in line with the 3-year average for the quarter (254.3, the mean of Q1 2020/21, Q1 2021/22 and
    Q1 2022/23)."
    """
    row = one_row(comparison, "PRC quarter comparison", force=force, measure=measure)
    quarter = str(row[schema.QUARTER])
    if not is_missing(row[schema.REASON]) or is_missing(row[COMPARISON]):
        raise InputError(str(row[schema.REASON]) if not is_missing(row[schema.REASON])
                         else f"no comparison for {quarter}", file="PRC quarter comparison")
    n, baseline = int(row[schema.COUNT]), float(row[BASELINE])
    earlier = [part.split(":")[0] for part in str(row[PREVIOUS]).split(", ")]
    text = (f"In {quarter}, {force} recorded {count_words(n)} {offences_noun(measure, n)} ({source}), "
            f"{row[COMPARISON]} the 3-year average for the quarter ({baseline:,.1f}, the mean of "
            f"{join_words(earlier)}).")
    facts = {"quarter": quarter, "count": n, "baseline": baseline, "comparison": str(row[COMPARISON]),
             "previous": str(row[PREVIOUS]), "source": source}
    month = parse_quarter(quarter).last_month
    return _statement("prc_quarter", force, measure, month, text, facts, id=id)
