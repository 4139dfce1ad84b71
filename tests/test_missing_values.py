"""Missing stays missing, on pandas 2.2 as on pandas 3 (issue 12 item 7).

On pandas 2.x ``pd.array(values, dtype="str")`` is numpy's string dtype, which turns None into the text "None";
a missing comparison or rank then reached the wording ("the None figure in the last 36 months and None the
3-year average"). Text result columns are built with ``schema.text``; these tests fail on pandas 2.x without it.
"""

import re

import numpy as np
import pandas as pd
import pytest

import ncpm
from ncpm.core import schema
from ncpm.methods import spc
from ncpm.methods.baseline import three_year_average
from ncpm.words.ranks import window_rank

LEAKED = re.compile(r"\b(?:None|nan|NaN|NaT)\b|<NA>")
LEAKED_VALUES = {"None", "nan", "NaN", "NaT", "<NA>"}
OPTIONS = ncpm.QuarterOptions(forecast_engine="fast")


def _leaked_text_values(table: pd.DataFrame) -> dict[str, int]:
    """Column -> how many of its values are the text of a missing value."""
    out = {}
    for col in table.columns:
        values = table[col]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype) or values.dtype.kind == "U":
            hits = int(values.map(lambda v: isinstance(v, str) and v in LEAKED_VALUES).sum())
            if hits:
                out[col] = hits
    return out


def _series(months: int, start: str = "2021-07") -> pd.DataFrame:
    return pd.DataFrame({"force": "Warwickshire", "area": schema.WHOLE_FORCE, "measure": "knife_crime",
                         "month": pd.period_range(start, periods=months, freq="M"),
                         "count": np.arange(months) % 7 + 20})


@pytest.mark.parametrize("values", [["a", None, float("nan")], np.array(["a", None], dtype=object),
                                    pd.Series(["a", None]), [None, None], []])
def test_text_keeps_missing_values_missing(values):
    out = pd.Series(schema.text(values))
    assert not set(out.dropna()) & LEAKED_VALUES
    assert out.isna().tolist() == [v is None or (isinstance(v, float) and np.isnan(v)) for v in list(values)]


def test_a_missing_baseline_leaves_comparison_and_note_missing_not_none():
    out = three_year_average(_series(24))  # two years: no month has a 3-year average
    assert out[schema.BASELINE].isna().all()
    assert out[schema.COMPARISON].isna().all()
    assert not _leaked_text_values(out)


def test_an_incomplete_window_leaves_the_rank_label_missing():
    out = window_rank(_series(24), window=36)
    assert out["rank_label"].isna().all()
    assert not _leaked_text_values(out)


def test_spc_points_without_a_signal_keep_it_missing():
    out = spc.spc(_series(30))
    assert out["signal"].isna().any()
    assert not _leaked_text_values(out)


def _check_quarter(res) -> None:
    leaks = [s.text for s in res.statements if LEAKED.search(s.text)]
    assert not leaks, leaks
    assert not [n for n in res.notes if LEAKED.search(n)]
    tables = {name: _leaked_text_values(t) for name, t in res.tables.items() if isinstance(t, pd.DataFrame)}
    assert not {k: v for k, v in tables.items() if v}


@pytest.mark.slow
def test_the_demo_quarter_has_no_missing_value_text(demo_frames):
    _check_quarter(ncpm.compute_quarter(demo_frames, "Warwickshire", quarter="Q1 2023/24", options=OPTIONS))


@pytest.mark.slow
def test_a_quarter_with_missing_comparisons_says_nothing_of_them(demo_frames):
    """Two years of volumes only: no 3-year average, no 36-month rank, so nothing to say of them, and no "None"."""
    frames = dict(demo_frames)
    volumes = frames["volumes"]
    frames["volumes"] = volumes[volumes[schema.MONTH] >= pd.Period("2021-07", freq="M")].reset_index(drop=True)
    res = ncpm.compute_quarter(frames, "Warwickshire", quarter="Q1 2023/24", options=OPTIONS)
    baseline = res.tables["baseline"]
    assert baseline[schema.BASELINE].isna().all() and baseline[schema.COMPARISON].isna().all()
    assert res.statements
    assert not [s.text for s in res.statements if "3-year average" in s.text and "the 3-year average for" not in s.text]
    _check_quarter(res)
