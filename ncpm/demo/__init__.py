"""The embedded synthetic demo data (``generate``): the Warwickshire-shaped volumes, outcomes and survey the
notebooks and the statements S1-S9 of METHODS.md are computed from. Imports ``ncpm.core`` only."""
