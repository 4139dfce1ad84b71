"""The scheduled job: configuration (``config``), reading the inputs, the incremental run with its cache and
manifest, publishing, export and the notebooks (``batch``), and a finished run read back (``results``).
Imports every layer below it; only ``ncpm.cli`` imports it."""
