"""National rank (METHODS.md, "national rank"): each force's rank by rate among a comparison set of forces
(:func:`national_rank`; 1 = lowest rate, ties share the better rank; default the 43 territorial forces of England and
Wales) and its change between two windows (:func:`rank_change`). Numbers only: ranks and places moved are worded by
``ncpm.words.style`` and ``ncpm.words.peers``.
"""

from __future__ import annotations

import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.forces import CITY_OF_LONDON, canonical_force, territorial_forces
from ncpm.core.periods import to_month
from ncpm.core.schema import EARLIER, EARLIER_RANK, N_FORCES, PLACES, RANK, RANK_NOTE, RATE
from ncpm.methods.rates import force_rates


def _comparison_set(forces: list[str] | None, exclude_city_of_london: bool) -> list[str]:
    chosen = territorial_forces() if forces is None else [canonical_force(f) for f in forces]
    if exclude_city_of_london:
        chosen = [f for f in chosen if f != CITY_OF_LONDON]
    if not chosen:
        raise ConfigError("the comparison set of forces is empty")
    return list(dict.fromkeys(chosen))


def national_rank(rates: pd.DataFrame, forces: list[str] | None = None,
                  exclude_city_of_london: bool = False) -> pd.DataFrame:
    """Each force's national rank by rate, per measure and month (METHODS.md, "national rank").

    1 = lowest rate; ties share the better (lower) rank ("min" ranking). The comparison set is ``forces`` (default the
    43 territorial forces of England and Wales; any spelling the force registry knows), less City of London when
    ``exclude_city_of_london``. Forces outside the set are left out; ``n_forces`` counts the forces of the set that
    have a rate, and ``rank_note`` names those that have none. Only whole-force rows (area "Force") are ranked.

    Output columns: force, measure, month, rate, rank, n_forces, rank_note.

    >>> r = pd.DataFrame({"force": ["Warwickshire", "Wiltshire", "Kent"], "measure": "burglary", "month": "2023-06",
    ...                   "rate": [2.0, 1.0, 2.0]})
    >>> national_rank(r, forces=["Warwickshire", "Wiltshire", "Kent"])[["force", "rank"]].values.tolist()
    [['Kent', 2], ['Warwickshire', 2], ['Wiltshire', 1]]
    """
    chosen = _comparison_set(forces, exclude_city_of_london)
    r = force_rates(rates, [schema.FORCE, schema.MEASURE, schema.MONTH, RATE], "rates")
    r = r[r[schema.FORCE].isin(chosen)].copy()
    groups = r.groupby([schema.MEASURE, schema.MONTH], sort=False)[RATE]
    r[RANK] = pd.array(groups.rank(method="min", ascending=True), dtype="Int64")
    r[N_FORCES] = pd.array(groups.transform("count"), dtype="Int64")
    notes = {}
    for (measure, month), frame in r.groupby([schema.MEASURE, schema.MONTH], sort=False):
        missing = sorted(set(chosen) - set(frame.loc[frame[RATE].notna(), schema.FORCE]))
        if missing:
            notes[(measure, month)] = (f"ranked among {len(chosen) - len(missing)} of {len(chosen)} forces; "
                                       f"no rate for {', '.join(missing)}")
    r[RANK_NOTE] = schema.text([notes.get((m, t)) for m, t in zip(r[schema.MEASURE], r[schema.MONTH], strict=True)])
    return r.sort_values([schema.MEASURE, schema.MONTH, schema.FORCE], kind="stable", ignore_index=True)


def rank_change(ranks: pd.DataFrame, month: object, earlier: object) -> pd.DataFrame:
    """Change in national rank between the window ending ``earlier`` and the window ending ``month``.

    ``places = earlier_rank - rank``, positive = improved (moved towards 1 = lowest rate); NA when either rank is
    missing. ``ranks`` is the output of :func:`national_rank`. The words ("improved two places to 12th") are
    ``ncpm.words.style.rank_change_label``.

    Output columns: force, measure, month, earlier, rank, earlier_rank, n_forces, places.

    >>> r = pd.DataFrame({"force": ["Kent", "Kent"], "measure": "burglary", "month": ["2023-03", "2023-06"],
    ...                   "rank": [14, 12], "n_forces": 43})
    >>> rank_change(r, "2023-06", "2023-03")[["rank", "earlier_rank", "places"]].values.tolist()
    [[12, 14, 2]]
    """
    month, earlier = to_month(month), to_month(earlier)
    missing = [c for c in (schema.FORCE, schema.MEASURE, schema.MONTH, RANK) if c not in ranks.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} for ranks; found: "
                         f"{', '.join(map(str, ranks.columns))}", file="ranks", column=missing[0])
    r = ranks.copy()
    if N_FORCES not in r.columns:
        r[N_FORCES] = pd.array([None] * len(r), dtype="Int64")
    if not isinstance(r[schema.MONTH].dtype, pd.PeriodDtype):
        r[schema.MONTH] = pd.PeriodIndex([to_month(m) for m in r[schema.MONTH]], freq="M")
    now = r.loc[r[schema.MONTH] == month, [schema.FORCE, schema.MEASURE, schema.MONTH, RANK, N_FORCES]]
    then = r.loc[r[schema.MONTH] == earlier, [schema.FORCE, schema.MEASURE, RANK]].rename(columns={RANK: EARLIER_RANK})
    if now.empty:
        raise InputError(f"no ranks for {month}", file="ranks", column=schema.MONTH)
    for frame, when in ((now, month), (then, earlier)):
        if frame.duplicated([schema.FORCE, schema.MEASURE]).any():
            raise InputError(f"more than one rank for the same force and measure in {when}", file="ranks",
                             column=", ".join([schema.FORCE, schema.MEASURE]))
    out = now.merge(then, on=[schema.FORCE, schema.MEASURE], how="left")
    out[EARLIER] = pd.Series([earlier] * len(out), dtype="period[M]")
    out[RANK] = pd.array(out[RANK], dtype="Int64")
    out[EARLIER_RANK] = pd.array(out[EARLIER_RANK], dtype="Int64")
    out[N_FORCES] = pd.array(out[N_FORCES], dtype="Int64")
    out[PLACES] = out[EARLIER_RANK] - out[RANK]
    columns = [schema.FORCE, schema.MEASURE, schema.MONTH, EARLIER, RANK, EARLIER_RANK, N_FORCES, PLACES]
    return out[columns].sort_values([schema.MEASURE, schema.FORCE], kind="stable", ignore_index=True)

