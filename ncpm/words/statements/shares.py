"""Statements on the share of a sub-measure in its parent (S5, S7, S8): in words near a simple fraction, else a
whole percentage; compared with the month before; over a threshold in each local policing area. A share below
force level is withheld when it would publish a small count (disclosure control, ``ncpm.methods.disclosure``).

Built from ``ncpm.methods.volumes.share``; METHODS.md, "Window ranks, changes and
shares".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError, Withheld
from ncpm.core.periods import fy_quarter, month_label, to_month
from ncpm.core.schema import PART, SHARE, WHOLE, N
from ncpm.methods.disclosure import any_disclosive
from ncpm.methods.series import month_column, select_rows
from ncpm.words.statements.phrases import (
    LPA,
    area_phrase,
    counted_areas,
    measure_label,
    named_areas,
    offences_noun,
)
from ncpm.words.statements.statement import Statement, is_missing, make_statement
from ncpm.words.style import SHARE_TOLERANCE, fraction_words, percent


def _share_rows(shares: pd.DataFrame, force: str, part: str, whole: str, **filters: object) -> pd.DataFrame:
    """The rows of ``shares`` for ``part`` in ``whole``. ``volumes.share`` (:data:`ncpm.core.schema.SHARES_RESULT`)
    names the part in ``measure`` and gives ``part`` and ``whole`` as counts; a share table of one pair built by hand
    (the documented other form) may lack ``measure`` and name the part and the whole as measure ids instead, so the
    columns are looked for here."""
    rows = select_rows(shares, "shares", force=force, **filters)
    if schema.MEASURE in rows.columns:
        rows = rows[(rows[schema.MEASURE].astype(str) == part).to_numpy()]
    for col, value in ((PART, part), (WHOLE, whole)):
        if col in rows.columns and not pd.api.types.is_numeric_dtype(rows[col]):
            rows = rows[(rows[col].astype(str) == value).to_numpy()]
    return rows


def _part_whole(rows: pd.DataFrame) -> tuple[float, float]:
    """Part and whole counts of share rows (``n`` is the part; ``whole`` may be the count or, in a table built by
    hand, the measure id: then the whole is n / share)."""
    part = rows[N].astype(float).sum()
    if WHOLE in rows.columns and pd.api.types.is_numeric_dtype(rows[WHOLE]):
        whole = rows[WHOLE].astype(float).sum()
    else:
        whole = float(np.round(rows[N].astype(float) / rows[SHARE].astype(float)).sum())
    return float(part), float(whole)


def share_statement(shares: pd.DataFrame, force: str, part: str, whole: str, month: object, *,
                    area: str = schema.WHOLE_FORCE, tolerance: float = SHARE_TOLERANCE, suppress_below: int = 0,
                    noun: str = LPA, against: str | None = None, id: str | None = None) -> Statement:
    """The share of a sub-measure in its parent, in words near a simple fraction, else a whole percentage (S5, S8).

    ``shares``: ``volumes.share(volumes, part, whole)`` (``share``, ``n`` = part count). METHODS.md, Shares.
    ``suppress_below``: for an LPA, :class:`Withheld` when the part, the rest or the whole is a count from 1 to
    ``suppress_below`` - 1 (disclosure control; 0 = none); with ``against="month"``, the comparison is left out
    (``previous_withheld`` in the facts) when the month before has such a count, as its share and its ``n`` (or
    the difference from this month's) would publish it.

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
        if any_disclosive((n, total - n, total), suppress_below):
            raise Withheld(f"{area} LPA counts below {suppress_below} (disclosure control)")
    where = "" if area == schema.WHOLE_FORCE else f" in {area_phrase(area, noun=noun)}"
    words = fraction_words(value, tolerance)
    text = (f"In {month_label(month)}, {measure_label(part)} accounted for {words} "
            f"(n={n:,}) of {offences_noun(whole)}{where}")
    facts = {"share": value, "n": n, "part": part, "whole": whole, "words": words}
    if against not in (None, "month"):
        raise ConfigError(f"against must be 'month' or None, not {against!r}")
    before = _share_rows(shares, force, part, whole, area=area, month=month - 1) if against else shares.iloc[:0]
    if len(before) == 1 and area != schema.WHOLE_FORCE:
        earlier_part, earlier_whole = _part_whole(before)  # the month before is published too: its counts are checked
        if any_disclosive((earlier_part, earlier_whole - earlier_part, earlier_whole), suppress_below):
            before = before.iloc[:0]
            facts["previous_withheld"] = True  # the comparison is left out (disclosure control)
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
    return make_statement("share", force, whole, month, text + ".", facts, area=area, id=id)


def lpa_share_statement(shares: pd.DataFrame, force: str, part: str, whole: str, month: object, *,
                        threshold: float = 0.5, period: str = "quarter", tolerance: float = SHARE_TOLERANCE,
                        suppress_below: int = 0, noun: str = LPA, id: str | None = None) -> Statement:
    """Whether the sub-measure is over ``threshold`` of its parent in each LPA, pooled over the quarter to ``month``
    (``period="quarter"``) or in the month alone (S7).

    ``shares``: ``volumes.share`` output for the force's LPAs (``area`` other than "Force"). ``suppress_below``:
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
        if any_disclosive((p, w - p, w), suppress_below):
            raise Withheld(f"{area} LPA counts below {suppress_below} (disclosure control)")
        pooled[str(area)] = p / w if w > 0 else float("nan")
    over = [a for a, s in pooled.items() if s > threshold]
    not_over = [a for a in pooled if a not in over]
    words = f"over {fraction_words(threshold, tolerance)}"
    detail = ", ".join(f"{a} {percent(s)}" for a, s in pooled.items())
    k = counted_areas(len(pooled), noun)
    head = f"In {when}, {measure_label(part)} accounted for"
    if not not_over:
        text = f"{head} {words} of {offences_noun(whole)} in each of the {k} ({detail})."
    elif not over:
        text = (f"{head} {fraction_words(threshold, tolerance)} or less of {offences_noun(whole)} in each of "
                f"the {k} ({detail}).")
    else:
        text = (f"{head} {words} of {offences_noun(whole)} in {named_areas(over, noun)} but not in "
                f"{named_areas(not_over, noun)} ({detail}).")
    facts = {"shares": dict(pooled), "over": over, "not_over": not_over, "threshold": threshold, "period": when}
    return make_statement("lpa_share", force, whole, month, text, facts, id=id)
