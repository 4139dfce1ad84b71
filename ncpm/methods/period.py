"""National rank, rank change and MSG comparison from ONS 12-month period tables (Table P1, area "Force"), for when
the other forces' monthly data are not held (:func:`period_comparison`; METHODS.md, "Most Similar Groups (MSG) and
national rank"). Numbers only; the words are ``ncpm.words.peers.period_comparison``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.periods import month_label, to_month, year_ending_label
from ncpm.core.schema import (
    EARLIER,
    EARLIER_RANK,
    N_FORCES,
    PLACES,
    RANK,
    RANK_NOTE,
    RATE,
    RATE_HI,
    RATE_LO,
    WINDOW,
)
from ncpm.methods.msg import DEFAULT_AVERAGE, K_SD, msg_compare
from ncpm.methods.ranks import national_rank, rank_change
from ncpm.methods.rates import PERIOD_TABLE_POPULATION_YEAR, WINDOW_MONTHS, rates_for_period
from ncpm.methods.series import checked_frame


@dataclass(frozen=True)
class PeriodComparison:
    """The national rank, its change and the MSG comparison from ONS period tables (:func:`period_comparison`).

    ``period`` and ``earlier``: the last months of the 12-month periods used ("year ending December 2019") and
    compared with (None when the tables hold no such period). ``table``: one row per force and measure of
    ``period`` with period_start, period_end, count, population, population_year, rate, rank, n_forces, rank_note,
    the rank change (earlier, earlier_rank, places) and the MSG columns (numbers: the words are added by
    ``ncpm.words.peers.period_comparison``). ``rates``,
    ``ranks`` and ``msg``: the :func:`rates_for_period`, :func:`national_rank` and :func:`msg_compare` outputs for
    both periods (``msg`` None without a membership table). ``notes``: what was left out and why.
    """

    period: pd.Period | None
    earlier: pd.Period | None
    table: pd.DataFrame
    rates: pd.DataFrame
    ranks: pd.DataFrame
    msg: pd.DataFrame | None
    notes: tuple[str, ...] = ()


def period_comparison(period_counts: pd.DataFrame, population: pd.DataFrame, month: object = None, *,
                      msg: pd.DataFrame | None = None, forces: list[str] | None = None,
                      exclude_city_of_london: bool = False, average: str = DEFAULT_AVERAGE, k: float = K_SD,
                      msg_version: str | None = None,
                      population_year: str = PERIOD_TABLE_POPULATION_YEAR,
                      checked: bool = False) -> PeriodComparison:
    """National rank, rank change and MSG comparison from ONS 12-month period tables (Table P1, area "Force").

    - The period used is the latest 12-month period in ``period_counts`` ending no later than ``month`` (the
      report's latest month; None = the latest period): a table for a later period describes months after the
      report and is left out with a note. The rank change is against the latest earlier 12-month period in the
      tables (the previous edition held, e.g. year ending March 2018 for year ending March 2019), named in
      ``earlier``; none when the tables hold one period only.
    - Rates per 1,000 population by :func:`rates_for_period`, with the population year of ``population_year``
      (default ``"published"``: the mid-year estimate ONS pairs with the period in its own Table P3, see
      :func:`published_population_year`; the nearest earlier year when that one is missing, noted).
    - Ranks by :func:`national_rank`: 1 = lowest rate, ties share the better rank, among ``forces`` (default the 43
      territorial forces), a force without a count or a population left out and named in ``rank_note``.
    - MSG by :func:`msg_compare` (``average``, ``k``, ``msg_version``) when ``msg`` is given.

    Numbers only; the wording is ``ncpm.words.statements.period_peer_statement``.

    >>> pc = pd.DataFrame({"force": ["Kent", "Essex", "Kent", "Essex"], "measure": "vehicle_crime",
    ...                    "period_start": ["2017-04", "2017-04", "2018-04", "2018-04"],
    ...                    "period_end": ["2018-03", "2018-03", "2019-03", "2019-03"], "count": [900, 800, 700, 800]})
    >>> pop = pd.DataFrame({"force": ["Kent", "Essex"] * 2, "year": [2016, 2016, 2017, 2017],
    ...                     "population": [100000] * 4})
    >>> c = period_comparison(pc, pop, "2019-06", forces=["Kent", "Essex"])
    >>> str(c.period), str(c.earlier)
    ('2019-03', '2018-03')
    >>> kent = c.table.set_index("force").loc["Kent"]
    >>> int(kent["population_year"]), int(kent["rank"]), int(kent["earlier_rank"]), int(kent["places"])
    (2017, 1, 2, 1)
    """
    pc = checked_frame(period_counts, schema.PERIOD_COUNTS, source="period_counts", checked=checked)
    pc = pc[pc[schema.AREA] == schema.WHOLE_FORCE]
    length = np.array([(e - s).n + 1 for s, e in zip(pc[schema.PERIOD_START], pc[schema.PERIOD_END], strict=True)],
                      dtype=int)
    pc = pc[length == WINDOW_MONTHS]
    notes: list[str] = []
    ends = sorted(set(pc[schema.PERIOD_END]))
    if month is not None:
        month = to_month(month)
        later = [e for e in ends if e > month]
        if later:
            names = [month_label(e) for e in later]
            listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
            notes.append(f"ONS table{'s' if len(later) > 1 else ''} for the year{'s' if len(later) > 1 else ''} "
                         f"ending {listed} left out: {'they end' if len(later) > 1 else 'it ends'} after "
                         f"{month_label(month)}, the report's latest month")
        ends = [e for e in ends if e <= month]
    empty = pd.DataFrame()
    if not ends:
        notes.append("no ONS 12-month period table ending by the report's latest month: no national rank or MSG "
                     "comparison from ONS tables")
        return PeriodComparison(None, None, empty, empty, empty, None, tuple(notes))
    period = ends[-1]
    earlier = ends[-2] if len(ends) > 1 else None
    used = pc[pc[schema.PERIOD_END].isin([e for e in (period, earlier) if e is not None])]
    population = checked_frame(population, schema.POPULATIONS, source="population", checked=checked)
    rates = rates_for_period(used, population, population_year=population_year, checked=True)
    ranks = national_rank(rates, forces=forces, exclude_city_of_london=exclude_city_of_london)
    table = rates[rates[schema.MONTH] == period].drop(columns=[schema.AREA])
    table = table.merge(ranks[[schema.FORCE, schema.MEASURE, schema.MONTH, RANK, N_FORCES, RANK_NOTE]],
                        on=[schema.FORCE, schema.MEASURE, schema.MONTH], how="left")
    if earlier is not None:
        change = rank_change(ranks, period, earlier)
        table = table.merge(change[[schema.FORCE, schema.MEASURE, EARLIER, EARLIER_RANK, PLACES]],
                            on=[schema.FORCE, schema.MEASURE], how="left")
    else:
        notes.append(f"one ONS period only ({year_ending_label(period)}): no change in national rank")
    compared = None
    if msg is not None and len(msg):
        compared = msg_compare(rates, msg, average=average, k=k, version=msg_version, checked=checked)
        keep = [c for c in compared.columns if c not in (RATE, RATE_LO, RATE_HI)]
        table = table.merge(compared[keep], on=[schema.FORCE, schema.MEASURE, schema.MONTH], how="left")
    table.insert(table.columns.get_loc(schema.MONTH), schema.PERIOD_START,
                 pd.PeriodIndex([m - (int(w) - 1) for m, w in zip(table[schema.MONTH], table[WINDOW], strict=True)],
                                freq="M"))
    table = table.rename(columns={schema.MONTH: schema.PERIOD_END}).drop(columns=[WINDOW])
    table = table.sort_values([schema.MEASURE, schema.FORCE], kind="stable", ignore_index=True)
    return PeriodComparison(period, earlier, table, rates, ranks, compared, tuple(notes))

