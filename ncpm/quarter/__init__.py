"""One quarter for one force, in memory: every measure, forecast and peer comparison, the statements in the
report's wording, and the figures. Pure: canonical frames in, results out; ``ncpm.pipeline`` does the files.

The modules, in the order a quarter runs:

- ``options``: :class:`QuarterOptions`, every method choice with its default;
- ``tables``: the result tables by the names they are stored under, parameterised ones from typed keys;
- ``plan``: :data:`STATEMENT_PLAN`, the seed report's Appendix B: which kinds of statement each NCPM measure gets
  (the plan names kinds, never numbers, so the same code describes any force and any quarter);
- ``results``: :class:`QuarterResults`, one force-quarter's tables, statements and notes;
- ``compute``: :func:`compute_quarter` and its stages (measures, forecasts, peers);
- ``lookup``: reading the result tables (a measure's whole-force rows; which measures the data hold);
- ``coverage``: what the data support: the measures reported and what is left out, and why (:class:`Omission`);
- ``statements``: the plan carried out, one builder per statement kind (:func:`quarter_statements`);
- ``figures``: which figures go with their sections (:func:`notability`) and the figures (:func:`quarter_figures`);
- ``summary``: the summary table;
- ``engine``: where per-series work runs (this process, processes, Dask).

Every NCPM measure in the data is reported: the seed's measures with their plan, the others (police.uk burglary
and robbery, drugs, weapons) with :data:`DEFAULT_PLAN`; a measure the catalogue does not know (police.uk
anti-social behaviour, other theft, ...) is never stated: it is listed as outside the NCPM set, its counts kept in
the tables. What the data cannot support is listed once, with the reason, by :func:`coverage`: the report's "Not in
this report" section, the manifest's ``not_in_report``, the summary table and the sections all follow that list.

>>> opts = QuarterOptions(outcome_lag=1)
>>> opts.forecast_engine
'statsmodels'
"""

from __future__ import annotations

from ncpm.quarter.compute import (
    compute_forecasts,
    compute_measures,
    compute_peers,
    compute_period_tables,
    compute_quarter,
    start_quarter,
)
from ncpm.quarter.coverage import (
    OUTSIDE_NCPM,
    Omission,
    coverage,
    measure_omissions,
    monthly_ranks_complete,
    omission_lines,
    priority_omissions,
    report_measures,
)
from ncpm.quarter.figures import Notability, QuarterFigure, notability, published_lpa_volumes, quarter_figures
from ncpm.quarter.options import QuarterOptions
from ncpm.quarter.plan import DEFAULT_PLAN, STATEMENT_PLAN, Planned
from ncpm.quarter.results import QuarterResults
from ncpm.quarter.statements import (
    PRC_MONTHLY_GAP,
    period_peer_statements,
    prc_statements,
    quarter_statements,
)
from ncpm.quarter.summary import summary_table
from ncpm.quarter.tables import FORECAST_TABLES, MEASURE_TABLES, PEER_TABLES, PERIOD_TABLES

__all__ = ["QuarterOptions", "QuarterResults", "Omission", "coverage", "report_measures",
           "omission_lines", "priority_omissions", "measure_omissions", "compute_quarter", "start_quarter",
           "compute_measures", "compute_forecasts", "compute_peers", "compute_period_tables", "quarter_statements",
           "prc_statements", "period_peer_statements", "quarter_figures", "published_lpa_volumes", "summary_table",
           "Notability", "notability", "QuarterFigure", "STATEMENT_PLAN", "DEFAULT_PLAN", "Planned",
           "monthly_ranks_complete", "OUTSIDE_NCPM", "PRC_MONTHLY_GAP",
           "MEASURE_TABLES", "FORECAST_TABLES", "PERIOD_TABLES", "PEER_TABLES"]
