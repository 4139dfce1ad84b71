"""Statements in the register of the PCC's quarterly report, built from result frames.

Each builder takes the result frames of ``ncpm.methods``, ``ncpm.methods.forecast`` and
``ncpm.methods.peers`` (the agreed API), a force, a measure and a month, and returns a :class:`Statement`: the
sentence and the facts it used (measure, month, numbers, labels), so that a report can print the text and a test
can check the facts. Nothing is looked up or computed from files; every number in a sentence comes from the frames.

Wording follows the seed report (Appendix B, Q1 2023/24) and adapts to the data: "highest" / "second lowest",
"above" / "in line with" / "substantially below", "increase" / "reduction" / "no change", "rise" / "fall".
Numbers are written by the house rules of :mod:`ncpm.words.style` (counts, percentages, shares, ordinals, rank
changes); months as "June 2023" (:func:`ncpm.core.periods.month_label`), quarters as "Q1 2023/24".

One module per kind of statement:

- :mod:`~ncpm.words.statements.statement`: the :class:`Statement` type, the table of statements and the names of
  the facts read back (``FACT_*``);
- :mod:`~ncpm.words.statements.phrases`: how measures, offences, areas, windows and periods are named;
- :mod:`~ncpm.words.statements.volumes`: a month's volume, its change, the last months against a year earlier;
- :mod:`~ncpm.words.statements.quarters`: the quarter's total and profile, its trend by area, the PRC quarter;
- :mod:`~ncpm.words.statements.shares`: shares of a sub-measure;
- :mod:`~ncpm.words.statements.outcomes`: outcome rates and satisfaction;
- :mod:`~ncpm.words.statements.forecasts`: the forecast for the next quarter;
- :mod:`~ncpm.words.statements.peers`: the Most Similar Group and national rank.

>>> import pandas as pd
>>> q = pd.DataFrame({"force": ["Warwickshire"], "area": ["Force"], "measure": ["firearms"],
...                   "quarter": ["Q1 2023/24"], "count": [30], "months": [3]})
>>> v = pd.DataFrame({"force": ["Warwickshire"], "area": ["Force"], "measure": ["firearms"],
...                   "month": [pd.Period("2023-06", "M")], "count": [12]})
>>> quarter_statement(q, v, "Warwickshire", "firearms", "2023-06").text
'In Q1 2023/24, there were 30 firearms offences recorded, with 12 in June 2023.'
"""

from ncpm.words.statements.forecasts import forecast_direction_statement
from ncpm.words.statements.outcomes import outcome_rate_statement, satisfaction_statement
from ncpm.words.statements.peers import (
    ONS_PERIOD_SOURCE,
    msg_outlier_statement,
    peer_statement,
    period_peer_statement,
)
from ncpm.words.statements.phrases import (
    MINOR_WORDS,
    area_phrase,
    join_words,
    measure_label,
    offences_noun,
    title_case,
    window_phrase,
    year_ending,
)
from ncpm.words.statements.quarters import (
    PRC_SOURCE,
    lpa_profile_statement,
    prc_quarter_statement,
    quarter_profile_statement,
    quarter_statement,
)
from ncpm.words.statements.shares import lpa_share_statement, share_statement
from ncpm.words.statements.statement import (
    FACT_BASELINE_LABEL,
    FACT_COMPARISON,
    FACT_FORECAST_LABEL,
    FACT_QUARTER,
    SEED_IDS,
    Statement,
    is_missing,
    to_frame,
)
from ncpm.words.statements.volumes import (
    change_statement,
    lpa_change_statement,
    period_change_statement,
    volume_statement,
)
from ncpm.words.style import SHARE_TOLERANCE, count_words, fraction_words, percent

__all__ = [
    "FACT_BASELINE_LABEL", "FACT_COMPARISON", "FACT_FORECAST_LABEL", "FACT_QUARTER", "MINOR_WORDS", "ONS_PERIOD_SOURCE", "PRC_SOURCE", "SEED_IDS", "SHARE_TOLERANCE", "Statement", "area_phrase",
    "change_statement", "count_words", "forecast_direction_statement", "fraction_words", "is_missing",
    "join_words", "lpa_change_statement", "lpa_profile_statement", "lpa_share_statement", "measure_label",
    "msg_outlier_statement", "offences_noun", "outcome_rate_statement", "peer_statement", "percent",
    "period_change_statement", "period_peer_statement", "prc_quarter_statement", "quarter_profile_statement",
    "quarter_statement", "satisfaction_statement", "share_statement", "title_case", "to_frame",
    "volume_statement", "window_phrase", "year_ending",
]
