"""Home Office police recorded crime (PRC) quarterly counts: a quarter against the same quarter of earlier years.

For the measures a force's monthly data lack (police.uk has no homicide, violence with injury or residential
burglary category), the Home Office PRC open data tables give quarterly counts by force and offence code (the
canonical *quarterly* frame, ``ncpm.io.homeoffice``). The comparison here is the quarterly form of the report's
"3-year average" (METHODS.md, Baseline, ``same_month``): the quarter's count against the mean of the same quarter in
each of the previous three financial years (Q1 2023/24 against Q1 2020/21, 2021/22 and 2022/23), all three needed.
The label ("in line with", "above", "substantially below" ...) is the report's Poisson z rule,
``ncpm.methods.baseline.compare_to_baseline``, applied by the caller to ``count`` and ``baseline``.

>>> import pandas as pd
>>> q = pd.DataFrame({"force": "Kent", "measure": "homicide", "offence_code": "1",
...                   "quarter": ["Q1 2020/21", "Q1 2021/22", "Q1 2022/23", "Q1 2023/24"], "count": [3, 4, 5, 6]})
>>> r = same_quarter_average(q, "Q1 2023/24").iloc[0]
>>> int(r["count"]), float(r["baseline"]), float(r["difference"])
(6, 4.0, 2.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.core.periods import FyQuarter, parse_quarter
from ncpm.methods.series import checked_frame

YEARS = 3  # the report's "3-year average": the same quarter in each of the previous three years
SOURCE = "Home Office police recorded crime (PRC) open data tables"

COLUMNS = [schema.FORCE, schema.MEASURE, schema.QUARTER, schema.COUNT, schema.PREVIOUS, schema.N, schema.BASELINE,
           schema.DIFFERENCE, schema.PCT_DIFFERENCE, schema.REASON]


def quarter_totals(quarterly: pd.DataFrame, *, checked: bool = False) -> pd.DataFrame:
    """Counts per force, measure and quarter: the sum over the offence codes that count towards the measure.

    >>> q = pd.DataFrame({"force": "Kent", "measure": "burglary_residential", "offence_code": ["28E", "28F"],
    ...                   "quarter": "Q1 2023/24", "count": [40, 2]})
    >>> quarter_totals(q)["count"].tolist()
    [42]
    """
    q = checked_frame(quarterly, schema.QUARTERLY, source="quarterly", checked=checked)
    return q.groupby([schema.FORCE, schema.MEASURE, schema.QUARTER], as_index=False, sort=True)[schema.COUNT].sum()


def earlier_quarters(quarter: str | FyQuarter, years: int = YEARS) -> list[FyQuarter]:
    """The same quarter in each of the ``years`` financial years before ``quarter``, oldest first: the quarters
    whose mean is the quarter's baseline (a comparison's ``n`` of them, when it has one).

    >>> [str(q) for q in earlier_quarters("Q1 2023/24")]
    ['Q1 2020/21', 'Q1 2021/22', 'Q1 2022/23']
    """
    target = parse_quarter(quarter)
    return [target.shift(-4 * k) for k in range(int(years), 0, -1)]


def same_quarter_average(quarterly: pd.DataFrame, quarter: str | FyQuarter, *, years: int = YEARS,
                         checked: bool = False) -> pd.DataFrame:
    """Each force's and measure's count in ``quarter`` against the mean of the same quarter in the ``years`` years
    before (the quarterly "3-year average"; Home Office PRC counts, summed over a measure's offence codes).

    Output columns, one row per force and measure of the table: force, measure, quarter, count (NA when the quarter
    is not in the table), previous (the earlier quarters' counts, oldest first, as text "Q1 2020/21: 3, ..."),
    n (how many of the earlier quarters are in the table), baseline (their mean; NA unless all ``years`` are there),
    difference (count - baseline), pct_difference ((count - baseline) / baseline; NaN when the baseline is 0) and
    reason (why there is no comparison, naming the missing quarters and the quarters the table holds; NA when there
    is one).

    >>> q = pd.DataFrame({"force": "Kent", "measure": "homicide", "offence_code": "1",
    ...                   "quarter": ["Q1 2021/22", "Q1 2022/23"], "count": [4, 5]})
    >>> same_quarter_average(q, "Q1 2023/24")["reason"].iloc[0]
    'Q1 2023/24 is not in the Home Office PRC table (it holds Q1 2021/22 to Q1 2022/23); Q1 2020/21 is not either'
    """
    if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 1:
        raise ConfigError(f"years must be a whole number >= 1, not {years!r}")
    target = parse_quarter(quarter)
    earlier = earlier_quarters(target, years)
    totals = quarter_totals(quarterly, checked=checked)
    rows = []
    for (force, measure), frame in totals.groupby([schema.FORCE, schema.MEASURE], sort=True):
        counts = dict(zip(frame[schema.QUARTER], frame[schema.COUNT], strict=True))
        held = sorted((parse_quarter(q) for q in counts), key=lambda q: q.first_month)
        span = f"{held[0]} to {held[-1]}" if len(held) > 1 else str(held[0])
        now = counts.get(str(target))
        before = [counts.get(str(q)) for q in earlier]
        found = [c for c in before if c is not None]
        complete = len(found) == len(earlier)
        baseline = float(np.mean(found)) if complete else np.nan
        missing = [str(q) for q, c in zip(earlier, before, strict=True) if c is None]
        reasons = []
        if now is None:
            reasons.append(f"{target} is not in the Home Office PRC table (it holds {span})")
        if missing:
            reasons.append(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not "
                           + ("either" if now is None else f"in the Home Office PRC table (it holds {span})"))
        difference = np.nan if now is None or not complete else now - baseline
        rows.append({
            schema.FORCE: force, schema.MEASURE: measure, schema.QUARTER: str(target),
            schema.COUNT: now, schema.PREVIOUS: ", ".join(f"{q}: {c}" for q, c in zip(earlier, before, strict=True)
                                                          if c is not None),
            schema.N: len(found), schema.BASELINE: baseline, schema.DIFFERENCE: difference,
            schema.PCT_DIFFERENCE: difference / baseline if baseline and np.isfinite(difference) else np.nan,
            schema.REASON: "; ".join(reasons) or None,
        })
    out = pd.DataFrame(rows, columns=COLUMNS)
    out[schema.COUNT] = pd.array(out[schema.COUNT], dtype="Int64")
    out[schema.N] = out[schema.N].astype("int64")
    out[schema.REASON] = schema.text(out[schema.REASON])
    return out
