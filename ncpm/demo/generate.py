"""The embedded synthetic demo dataset: a deterministic, seeded generator of illustrative police data.

SYNTHETIC. Nothing here is real police data. The generator draws seasonal Poisson series for the 43 territorial
forces of England and Wales (April 2019 to June 2023, force level, magnitudes scaled by population), and for
Warwickshire also by local policing area (LPA: North, East, South), with "action taken" outcomes, a domestic abuse
victim satisfaction survey, mid-year populations and an illustrative Most Similar Group (MSG) for every force.

It is calibrated so that the methods of METHODS.md, computed from it, regenerate the statements S1-S9 of the
Warwickshire PCC's National Crime and Policing Measures report for Q1 2023/24 (September 2023, Appendix B).
The calibration targets (:mod:`ncpm.demo.targets`) are the only place those numbers are written: the library
computes them from the data. The generator imposes them, tuning a few months with the calibration oracle's own
arithmetic (:mod:`ncpm.demo.calibrate`, which re-implements the methods independently), and :func:`generate_demo`
re-checks every target (:func:`~ncpm.demo.calibrate.calibration_failures`) and raises when one fails, so a bad seed
or a careless edit cannot ship. The MSG groups are illustrative, not the Home Office's groups.

Parts: :mod:`~ncpm.demo.shapes` (seasons, the pandemic, growth), :mod:`~ncpm.demo.warwickshire` (the LPA series
with S1-S9 imposed), :mod:`~ncpm.demo.national` (the other forces, populations, MSGs), :mod:`~ncpm.demo.outcomes`
and :mod:`~ncpm.demo.survey`; this module assembles them into the frames and writes the files.

Files (canonical frames of ``ncpm.core.schema``): volumes.csv, outcomes.csv, survey.csv, population.csv, msg.csv.

>>> frames = generate_demo()
>>> sorted(frames)
['msg', 'outcomes', 'population', 'survey', 'volumes']
>>> v = frames["volumes"]
>>> int(v[(v.force == "Warwickshire") & (v.area == "Force") & (v.measure == "knife_crime")
...       & (v.month == "2023-05")]["count"].iloc[0])
50

Regenerate the committed files byte for byte: ``python -m ncpm.demo.generate data/raw/demo`` (or ``ncpm demo-data``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.demo.calibrate import calibration_failures
from ncpm.demo.national import MSG_VERSION, force_populations, msg_groups, national_series
from ncpm.demo.outcomes import OUTCOME_TYPES, outcome_counts
from ncpm.demo.survey import SURVEY_ID, survey_counts
from ncpm.demo.targets import LPAS, MONTH_LABELS, MONTHS, WARWICKSHIRE
from ncpm.demo.warwickshire import warwickshire_series

DEMO_SEED = 20230930
FILES = ("volumes", "outcomes", "survey", "population", "msg")


def generate_demo(seed: int = DEMO_SEED, *, check: bool = True) -> dict[str, pd.DataFrame]:
    """The synthetic demo dataset as canonical frames: volumes, outcomes, survey, population, msg.

    Deterministic for a given ``seed`` (numpy ``default_rng``). With ``check`` (the default) every calibration
    target of S1-S9 is re-computed from the frames and a ``ValueError`` lists any that fail.
    """
    war = warwickshire_series(seed)
    populations = force_populations(seed)
    national = national_series(seed, populations, war["vehicle_crime"].sum(axis=0))

    rows = []
    for force, series in national.items():
        for measure, counts in series.items():
            rows.append(pd.DataFrame({schema.FORCE: force, schema.AREA: schema.WHOLE_FORCE,
                                      schema.MEASURE: measure, schema.MONTH: MONTH_LABELS, schema.COUNT: counts}))
    for measure, lpa in war.items():
        for area, counts in zip((schema.WHOLE_FORCE, *LPAS), (lpa.sum(axis=0), *lpa), strict=True):
            rows.append(pd.DataFrame({schema.FORCE: WARWICKSHIRE, schema.AREA: area, schema.MEASURE: measure,
                                      schema.MONTH: MONTH_LABELS, schema.COUNT: counts}))
    volumes = _tidy(pd.concat(rows, ignore_index=True), schema.VOLUMES)

    rows = []
    for measure, counts in outcome_counts(seed, war).items():
        for area, block in zip((schema.WHOLE_FORCE, *LPAS), (counts.sum(axis=0), *counts), strict=True):
            rows.append(pd.DataFrame({schema.FORCE: WARWICKSHIRE, schema.AREA: area, schema.MEASURE: measure,
                                      schema.MONTH: np.repeat(MONTH_LABELS, len(OUTCOME_TYPES)),
                                      schema.OUTCOME_TYPE: np.tile(OUTCOME_TYPES, len(MONTHS)),
                                      schema.COUNT: block.reshape(-1)}))
    outcomes = _tidy(pd.concat(rows, ignore_index=True), schema.OUTCOMES)

    responses, satisfied, dont_know = survey_counts(seed)
    survey = pd.DataFrame({schema.FORCE: WARWICKSHIRE, schema.SURVEY: SURVEY_ID, schema.MONTH: MONTH_LABELS,
                           schema.RESPONSES: responses, schema.SATISFIED: satisfied, schema.DONT_KNOW: dont_know})
    population = pd.DataFrame([(f, y, p) for f, years in populations.items() for y, p in years.items()],
                              columns=[schema.FORCE, schema.YEAR, schema.POPULATION])
    msg = pd.DataFrame([(f, p, MSG_VERSION) for f, p in msg_groups(populations)],
                       columns=[schema.FORCE, schema.PEER, schema.VERSION])
    frames = {"volumes": volumes, "outcomes": outcomes,
              "survey": _tidy(survey, schema.SURVEY_RESPONSES),
              "population": _tidy(population, schema.POPULATIONS), "msg": _tidy(msg, schema.MSG)}
    if check:
        failures = calibration_failures(frames)
        if failures:
            raise ValueError("demo data misses calibration target(s): " + "; ".join(failures))
    return frames


def _tidy(frame: pd.DataFrame, spec: schema.FrameSpec) -> pd.DataFrame:
    """Sorted on the key, integer counts, text columns as str (months stay "YYYY-MM" text)."""
    out = frame.sort_values(list(spec.key), kind="stable").reset_index(drop=True)
    for c in out.columns:
        out[c] = out[c].astype("int64") if c in (*spec.counts, *spec.optional) else out[c].astype(str)
    return out


def write_demo(out_dir: str | Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write the demo CSVs into ``out_dir`` (created if needed), byte for byte the same for a given seed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    frames = generate_demo(seed)
    for name in FILES:
        path = out_dir / f"{name}.csv"
        frames[name].to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """``python -m ncpm.demo.generate OUT_DIR``: write the demo CSVs into OUT_DIR."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ncpm.demo.generate OUT_DIR", file=sys.stderr)
        return 2
    for path in write_demo(args[0]):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
