"""The project folder and the demo in it: where ``data/`` and ``notebooks/`` are, the embedded synthetic demo
dataset (``data/raw/demo``, written by :mod:`ncpm.demo.generate`) and the configuration of the demo's run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ncpm.pipeline.config import Config, load_config_text
from ncpm.pipeline.ingest import load

DEMO_DIR_NAME = Path("data") / "raw" / "demo"
DEMO_SOURCE = "ncpm demo dataset (synthetic)"  # how figures and reports name the demo data
DEMO_ENGINE = "fast"  # the demo's forecast engine: on the demo data its statements are the reference engine's


def project_root() -> Path:
    """The folder holding ``data/`` (the working directory when it has one, else the source checkout)."""
    cwd = Path.cwd()
    if (cwd / DEMO_DIR_NAME).is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]


def demo_dir() -> Path:
    """Where the embedded synthetic demo dataset lives."""
    return project_root() / DEMO_DIR_NAME


def load_demo() -> dict[str, pd.DataFrame]:
    """The embedded synthetic demo dataset as canonical frames keyed by kind.

    >>> sorted(load_demo())
    ['msg', 'outcomes', 'population', 'survey', 'volumes']
    """
    return load([demo_dir()]).frames


def reads_demo(cfg: Config) -> bool:
    """Whether the configuration's inputs are the demo dataset (its figures and report name it as their source)."""
    demo = demo_dir().resolve()
    return any(cfg.path(p).resolve() == demo for p in cfg.inputs.paths)


def demo_config(engine: str = DEMO_ENGINE) -> Config:
    """The configuration of the main job on the demo data: Warwickshire, Q1 2023/24, every default but the forecast
    engine: the fast one (seconds; on the demo data the report's statements are word for word those of the
    statsmodels reference engine, which takes minutes: ``engine="statsmodels"``)."""
    return load_config_text(f'[scope]\nforces = ["Warwickshire"]\nquarter = "Q1 2023/24"\n[forecast]\nengine = "{engine}"\n',
                            base_dir=project_root())
