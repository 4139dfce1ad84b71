"""The statistics of METHODS.md, each module one method family, series by series: numbers in, numbers out.

Imports ``ncpm.core`` only; never opens a file or reads the clock (the pipeline does both).

A method validates the canonical frames it is given (``ncpm.core.schema.validate``: an error names the frame, row
and column). Validated once at the edge: a caller that has validated them already (``ncpm.quarter.compute_quarter``,
the batch run) passes ``checked=True``, and the method takes them as they are (``ncpm.methods.series.checked_frame``):
a validated frame, rows taken out of one, or a method's table built on one."""
