"""ncpm: National Crime and Policing Measures, from raw police data to the PCC's quarterly report.

The public surface is below; each name is imported on first use, so ``import ncpm`` stays fast and a script that
only reads files never loads statsmodels or matplotlib.

>>> import ncpm
>>> str(ncpm.parse_quarter("2023/24 Q1"))
'Q1 2023/24'

Modules are attributes too: ``ncpm.forecast.forecast(volumes)``, ``ncpm.spc.spc(volumes)``.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    # calendar and reference data
    "parse_quarter": "periods", "fy_quarter": "periods", "to_month": "periods", "month_label": "periods",
    "canonical_force": "forces", "territorial_forces": "forces",
    "validate": "schema", "InputError": "errors", "ConfigError": "errors", "NcpmError": "errors",
    # reading files
    "read_police_uk": "io.policeuk", "read_home_office": "io.homeoffice", "read_ons_pfa_table": "io.ons",
    "read_ons_tables": "io.ons", "read_ons_population": "io.ons", "map_areas": "frames",
    "read_extract": "io.extracts", "read_any": "io.detect", "read_store": "io.store", "write_store": "io.store",
    "load_demo": "batch",
    # measures and exceptions
    "three_year_average": "measures", "window_rank": "measures", "changes": "measures",
    "quarter_totals": "measures", "period_comparison": "measures", "share": "measures",
    "outcome_rate": "measures", "rolling_rate": "measures", "window_extreme": "measures",
    "compare_windows": "measures", "wilson_interval": "measures",
    # forecasts (the functions ``forecast`` and ``spc`` share their modules' names: ncpm.forecast.forecast)
    "forecast_vs_actual": "forecast", "backtest": "forecast",
    # peers
    "rates_per_1000": "peers", "msg_compare": "peers", "national_rank": "peers", "rank_change": "peers",
    # figures, statements, report, batch
    "volume_chart": "plots", "lpa_chart": "plots", "msg_chart": "plots", "rate_chart": "plots",
    "Statement": "narrative", "compute_quarter": "quarter", "QuarterOptions": "quarter",
    "quarter_statements": "quarter", "quarter_figures": "quarter", "summary_table": "quarter",
    "run": "batch", "load_config": "config",
    # a finished run's results, read back (notebooks): tables and statements as the report gives them
    "load_run": "results", "open_quarter": "results", "table_view": "results", "facts_table": "results",
}
_SUBMODULES = {"schema", "periods", "errors", "forces", "catalogue", "io", "measures", "spc", "forecast", "peers",
               "narrative", "plots", "report", "quarter", "disclosure", "batch", "config", "demo", "cli",
               "results"}

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
