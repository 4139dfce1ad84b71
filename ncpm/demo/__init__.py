"""The embedded synthetic demo data: the Warwickshire-shaped volumes, outcomes and survey the notebooks and the
statements S1-S9 of METHODS.md are computed from. Imports ``ncpm.core`` only.

- :mod:`~ncpm.demo.targets`: the dataset's calendar and areas, and S1-S9 as the numbers the demo must reproduce;
- :mod:`~ncpm.demo.generate`: the seeded generator (:func:`generate_demo`, :func:`write_demo`; ``python -m
  ncpm.demo.generate OUT_DIR``), assembling :mod:`~ncpm.demo.shapes` (seasons, pandemic, growth),
  :mod:`~ncpm.demo.warwickshire` (the LPA series with S1-S9 imposed), :mod:`~ncpm.demo.national` (the other forces,
  populations and MSGs), :mod:`~ncpm.demo.outcomes` and :mod:`~ncpm.demo.survey`;
- :mod:`~ncpm.demo.calibrate`: the calibration oracle, which re-implements the methods independently to choose the
  generator's parameters and check the targets (:func:`calibration_failures`).

The names below are imported on first use (as ``ncpm``'s are), so ``python -m ncpm.demo.generate`` runs the
module once.
"""

from __future__ import annotations

import importlib

_PUBLIC = {"DEMO_SEED": "generate", "FILES": "generate", "generate_demo": "generate", "write_demo": "generate",
           "calibration_failures": "calibrate"}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'ncpm.demo' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ncpm.demo.{_PUBLIC[name]}"), name)
    globals()[name] = value
    return value
