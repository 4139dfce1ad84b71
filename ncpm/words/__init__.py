"""What the analyst reads: numbers put in the report's own wording (``style``, ``statements``, ``peers`` for rank
changes), the charts (``plots``), the OPCC commentary blocks (``commentary``) and the report model with its HTML and
Word renderings (``report``, ``report_docx``, sharing ``tables``' cell rule, ``measure_lists`` and ``page``).
Imports ``ncpm.core`` and ``ncpm.methods``; computes nothing new."""
