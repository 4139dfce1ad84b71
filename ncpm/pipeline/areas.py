"""The configuration checked against the data it names: the configured local policing areas (``[areas.<force>]``)
applied to the volumes and outcomes, and ``[satisfaction] survey`` found among the survey data.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.forces import canonical_force
from ncpm.methods.series import map_areas
from ncpm.pipeline.config import Config, check_areas


def apply_areas(frames: dict[str, pd.DataFrame], cfg: Config, forces: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The configured local policing areas (``[areas.<force>]``) applied to each force's volumes and outcomes
    (:func:`ncpm.methods.series.map_areas`), after checking that every district listed is in the data
    (:func:`ncpm.pipeline.config.check_areas`, a ConfigError naming the file and key). Forces without a table keep their
    areas (police.uk: districts)."""
    chosen = {canonical_force(f): cfg.area_mapping(f) for f in forces}
    chosen = {f: m for f, m in chosen.items() if m}
    if not chosen:
        return frames
    out = dict(frames)
    for kind in ("volumes", "outcomes"):
        frame = out.get(kind)
        if frame is None or schema.AREA not in frame.columns or not len(frame):
            continue
        names = frame[schema.FORCE].astype(str)
        for force, mapping in chosen.items():
            mine = (names == force).to_numpy()
            if kind == "volumes":
                check_areas(cfg, force, set(frame.loc[mine, schema.AREA].astype(str)) - {schema.WHOLE_FORCE})
            seen = set(frame.loc[mine, schema.AREA].astype(str))
            parts = {k: [d for d in v if kind == "volumes" or d in seen] for k, v in mapping.items()}
            try:  # outcomes: an area with no outcome in a district maps the districts it has
                mapped = map_areas(frame[mine], {k: v for k, v in parts.items() if v})
            except InputError as exc:
                raise ConfigError(f"{cfg.source}: [areas.{force}]: {exc.message}") from None
            frame = pd.concat([frame[~mine], mapped], ignore_index=True)
            names = frame[schema.FORCE].astype(str)
        out[kind] = schema.validate(frame, schema.SPECS[kind], source=kind)  # a table built here: validated here
    return out


def check_survey(frames: dict[str, pd.DataFrame], cfg: Config) -> None:
    """``[satisfaction] survey`` names a survey the data hold (when they hold any): else a ConfigError naming the
    key, the surveys there are and the closest."""
    survey = frames.get("survey")
    if survey is None or not len(survey) or schema.SURVEY not in survey.columns:
        return
    names = sorted(set(survey[schema.SURVEY].astype(str)))
    wanted = cfg.satisfaction.survey
    if wanted not in names:
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
        raise ConfigError(f"{cfg.source}: satisfaction.survey: no survey {wanted!r} in the survey data (they hold: "
                          f"{', '.join(names)})" + (f"; close matches: {', '.join(close)}" if close else ""))
