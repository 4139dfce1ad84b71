"""What the analyst reads: numbers put in the report's own wording (``style``, ``statements``), the charts
(``plots``), the OPCC commentary blocks (``commentary``) and the report model with its HTML and Word renderings
(``report``, ``report_docx``). Imports ``ncpm.core`` and ``ncpm.methods``; computes nothing new."""
