"""The readers' shared machinery has moved to one module per idea: ``limits``, ``csvtext``, ``grids``, ``headers``,
``workbooks``, ``tables``, ``rows`` (all in ``ncpm.io``). These names are kept here only for the modules not yet
moved over."""

from ncpm.io.csvtext import csv_records, text_encoding  # TEMP-SHIM s20
from ncpm.io.headers import header_key, match_columns, slug  # TEMP-SHIM s20
from ncpm.io.limits import FIELD_LIMIT, check_member  # TEMP-SHIM s20
from ncpm.io.rows import RowChecks, unique_map  # TEMP-SHIM s20
from ncpm.io.rows import month_text as _month_text  # TEMP-SHIM s20
from ncpm.io.tables import Table  # TEMP-SHIM s20
from ncpm.io.workbooks import SHEET_LABEL  # TEMP-SHIM s20 (ncpm/cli.py)

__all__ = ["FIELD_LIMIT", "SHEET_LABEL", "RowChecks", "Table", "_month_text", "check_member", "csv_records",
           "header_key", "match_columns", "slug", "text_encoding", "unique_map"]
