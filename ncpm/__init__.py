"""ncpm: National Crime and Policing Measures, from raw police data to the PCC's quarterly report.

The public surface is below; each name is imported on first use, so ``import ncpm`` stays fast and a script that
only reads files never loads statsmodels or matplotlib.

>>> import ncpm
>>> str(ncpm.parse_quarter("2023/24 Q1"))
'Q1 2023/24'

The subpackages are layers, and their names are the import rule (each imports only the ones before it):
``core`` (schema, periods, errors, reference data) <- ``methods`` (the statistics) <- ``words`` (statements, charts,
the report) <- ``quarter`` (one force-quarter) <- ``pipeline`` (configuration, the scheduled run) <- ``cli``;
``io`` (every file read or written) and ``demo`` (the synthetic data) import ``core`` only.
They are attributes too: ``ncpm.methods.forecast.forecast(volumes)``, ``ncpm.methods.spc.spc(volumes)``.
"""

from __future__ import annotations

import importlib

__version__ = "0.2.0"

_PUBLIC = {
    # calendar and reference data
    "parse_quarter": "core.periods", "fy_quarter": "core.periods", "to_month": "core.periods",
    "month_label": "core.periods", "measure_label": "words.statements", "priorities": "core.catalogue",
    "canonical_force": "core.forces", "territorial_forces": "core.forces",
    "validate": "core.schema", "InputError": "core.errors", "ConfigError": "core.errors", "NcpmError": "core.errors",
    # reading files
    "read_police_uk": "io.policeuk", "read_home_office": "io.homeoffice", "read_ons_pfa_table": "io.ons",
    "read_ons_tables": "io.ons", "read_ons_population": "io.ons", "map_areas": "methods.series",
    "read_extract": "io.extracts", "read_any": "io.detect", "read_store": "io.store", "write_store": "io.store",
    "load": "pipeline.ingest", "load_demo": "pipeline.project",
    # measures and exceptions
    "three_year_average": "methods.baseline", "window_rank": "words.ranks", "changes": "methods.volumes",
    "quarter_totals": "methods.volumes", "period_comparison": "methods.volumes", "share": "methods.volumes",
    "outcome_rate": "methods.outcomes", "rolling_rate": "methods.satisfaction", "window_extreme": "methods.satisfaction",
    "compare_windows": "methods.satisfaction", "wilson_interval": "methods.intervals",
    # forecasts (the function ``forecast`` shares its package's name: ncpm.methods.forecast.forecast)
    "forecast_vs_actual": "methods.forecast", "backtest": "methods.forecast",
    # peers
    "rates_per_1000": "methods.peers", "msg_compare": "methods.peers", "national_rank": "methods.peers",
    "rank_change": "words.peers",
    # figures, statements, report, the scheduled run
    "volume_chart": "words.plots", "lpa_chart": "words.plots", "msg_chart": "words.plots",
    "rate_chart": "words.plots", "FIGSIZE": "words.plots",
    "Statement": "words.statements", "compute_quarter": "quarter", "QuarterOptions": "quarter",
    "quarter_statements": "quarter", "quarter_figures": "quarter", "summary_table": "quarter",
    "run": "pipeline.run", "load_config": "pipeline.config",
    # a finished run's results, read back (notebooks): tables and statements as the report gives them
    "load_run": "pipeline.results", "open_quarter": "pipeline.results", "table_view": "pipeline.results",
    "facts_table": "pipeline.results", "report_measures": "quarter",
    "tables": "quarter",  # the names the result tables are stored under: res.tables[ncpm.tables.BASELINE]
}
_SUBMODULES = {"core", "io", "methods", "words", "quarter", "pipeline", "demo", "cli"}

__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"ncpm.{name}")
    if name not in _PUBLIC:
        raise AttributeError(f"module 'ncpm' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ncpm.{_PUBLIC[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
