"""The ground every layer stands on: column names and frame specs (``schema``), the financial-year calendar
(``periods``), the errors and their exit codes (``errors``), and the reference data (``catalogue`` of measures,
``forces`` of England and Wales, outcome types). Imports nothing else of ncpm."""
