"""The statistics of METHODS.md, each module one method family, series by series: numbers in, numbers out.

Imports ``ncpm.core`` only; never opens a file or reads the clock (the pipeline does both)."""
