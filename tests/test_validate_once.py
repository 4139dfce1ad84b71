"""Validated once at the edge (issue 13): one quarter validates each input frame once, at compute_quarter's entry,
and the methods it calls trust those frames; a method called on its own still validates its input.

The count is real only if every caller reaches ``schema.validate`` through the module (``schema.validate(...)``),
so the counting wrapper patched on the module attribute sees every call: no module imports the name itself
(``from ncpm.core.schema import validate``) or keeps it under another name.
"""

import ast
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from fixtures_io import write_home_office, write_ons_p1

import ncpm
from ncpm.core import schema
from ncpm.core.errors import InputError
from ncpm.methods.baseline import three_year_average
from ncpm.methods.outcomes import outcome_rate
from ncpm.methods.spc import spc
from ncpm.pipeline.ingest import ingest

PACKAGE = Path(ncpm.__file__).parent


def _validate_bypasses(path: Path) -> list[str]:
    """Places in ``path`` that reach ``validate`` other than as ``schema.validate(...)`` at call time."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("schema"):
            found += [f"line {node.lineno}: imports validate" for a in node.names if a.name == "validate"]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "validate":
            found.append(f"line {node.lineno}: keeps validate under another name")
    return found


def test_every_call_site_reaches_validate_through_the_module():
    bypasses = {str(p.relative_to(PACKAGE)): b for p in sorted(PACKAGE.rglob("*.py")) if (b := _validate_bypasses(p))}
    assert bypasses == {}


@pytest.fixture
def validated(monkeypatch):
    """The kinds (spec names) schema.validate is called with, counted."""
    calls = Counter()
    real = schema.validate

    def counting(frame, spec, *args, **kwargs):
        calls[spec.name] += 1
        return real(frame, spec, *args, **kwargs)

    monkeypatch.setattr(schema, "validate", counting)
    return calls


def test_one_quarter_validates_each_input_once(demo_frames, validated):
    res = ncpm.compute_quarter(demo_frames, "Warwickshire", quarter="Q1 2023/24",
                               options=ncpm.QuarterOptions(forecast_engine="fast"))
    assert res.tables  # the quarter was computed
    given = {kind for kind, frame in demo_frames.items() if frame is not None and len(frame)}
    assert validated["volumes"] == 1
    assert set(validated) <= given
    assert {kind: n for kind, n in validated.items() if n > 1} == {}


def _volumes(counts) -> pd.DataFrame:
    return pd.DataFrame({"force": "F", "area": "Force", "measure": "m",
                         "month": pd.period_range("2020-01", periods=len(counts), freq="M").astype(str),
                         "count": counts})


@pytest.mark.parametrize("method", [three_year_average, spc])
def test_a_public_method_still_rejects_a_bad_frame(method, validated):
    with pytest.raises(InputError) as err:
        method(_volumes([10, 12, -3, 11]))
    assert (err.value.file, err.value.row, err.value.column) == ("volumes", 2, "count")
    assert validated["volumes"] == 1


def test_outcome_rate_still_validates_both_frames(validated):
    outcomes = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": ["2020-01"],
                             "outcome_type": ["1"], "count": [1.5]})
    with pytest.raises(InputError) as err:
        outcome_rate(outcomes, _volumes([10]))
    assert (err.value.file, err.value.row, err.value.column) == ("outcomes", 0, "count")
    assert validated == Counter({"volumes": 1, "outcomes": 1})


DEMO_INPUTS = PACKAGE.parent / "data" / "raw" / "demo"


def test_loading_files_validates_each_kind_once(validated):
    # issue 13: an extract's frame is not validated by its reader and then again by ncpm.load with the other files
    loaded = ncpm.load(DEMO_INPUTS)
    assert dict(validated) == {kind: 1 for kind in loaded.kinds}


def test_two_files_of_one_kind_are_validated_together_once(tmp_path, validated):
    header = "force,area,measure,month,count\n"
    (tmp_path / "a.csv").write_text(header + "Warwickshire,Force,knife_crime,2023-01,5\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(header + "Warwickshire,Force,knife_crime,2023-02,7\n", encoding="utf-8")
    loaded = ncpm.load([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert len(loaded.frames["volumes"]) == 2
    assert dict(validated) == {"volumes": 1}


def test_ingest_writes_the_frames_load_validated_without_validating_them_again(tmp_path, validated):
    report = ingest([DEMO_INPUTS], tmp_path / "store")
    assert dict(validated) == {kind: 1 for kind in report.written}


@pytest.mark.parametrize("write, kind", [(write_ons_p1, "period_counts"), (write_home_office, "quarterly")],
                         ids=["ons", "home_office"])
def test_a_published_table_is_validated_once_when_loaded(tmp_path, validated, write, kind):
    loaded = ncpm.load(write(tmp_path / "table.csv"))
    assert len(loaded.frames[kind])
    assert dict(validated) == {kind: 1}
