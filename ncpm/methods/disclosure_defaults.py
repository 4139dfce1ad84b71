"""The disclosure policy's choices and defaults (``ncpm.methods.disclosure``), in a module of their own with no
imports, so that ``ncpm export --help`` can name them without loading pandas (``ncpm.cli.parser``)."""

DEFAULT_THRESHOLD = 5  # counts of 1 to 4 protected: a common UK public-sector small-number rule (the default)
CONFIDENTIAL = "[c]"  # Government Analysis Function, "Symbols in tables": [c] = confidential
METHODS = ("suppress", "round")
DEFAULT_METHOD = "suppress"  # primary and secondary suppression (ncpm.methods.disclosure's docstring; the default)
DEFAULT_BASE = DEFAULT_THRESHOLD  # method "round": counts to the nearest 5, the threshold's base
