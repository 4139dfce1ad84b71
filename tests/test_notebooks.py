"""The notebooks: stored without outputs, parameterised the papermill way, and executed top to bottom in a fresh
kernel, where they must print the statements the library computes (checked here independently, in this process).

Each notebook is run with the fast forecast engine injected after its parameters cell, as papermill would, to keep
the suite quick; ``ncpm_quarter`` (every statement and figure) is also run exactly as stored, with every default."""

import ast
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import ncpm  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PARAMETERS = ("FORCE", "QUARTER", "DATA")
DEFAULT_FORCE, DEFAULT_QUARTER = "Warwickshire", "Q1 2023/24"
OTHER_QUARTER = "Q4 2022/23"
TEST_ENGINE = "fast"  # injected in the per-notebook runs; the stored default is "statsmodels"
# notebook -> (measures whose statements it must print, or None for all; figures it must draw, None for all)
EXPECTED = {
    "knife_crime": (("knife_crime",), 1),
    "theft_from_person": (("theft_from_person",), 2),
    "vehicle_crime": (("vehicle_crime",), 3),
    "ncpm_quarter": (None, None),
}
PROBE = "ncpm-test-kernel-prefix:"
TIMEOUT = 900  # seconds per cell: compute_quarter on a busy two-core machine


def _read(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _assigned(source: str) -> set[str]:
    return {t.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)}


@pytest.fixture(scope="session")
def kernel_dirs(tmp_path_factory):
    """A python3 kernelspec for this interpreter (the venv), so the kernel can never be another Python."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("kernelspec")
    install(prefix=str(prefix), kernel_name="python3")
    return [str(prefix / "share" / "jupyter" / "kernels")]


@pytest.fixture(scope="session")
def default_results(demo_frames):
    """The notebooks' default run, computed here through the library (the statsmodels engine, as they use)."""
    return ncpm.compute_quarter(demo_frames, DEFAULT_FORCE, quarter=DEFAULT_QUARTER)


@pytest.fixture(scope="session")
def fast_results(demo_frames):
    """The default quarter with the fast engine, as the per-notebook runs inject it."""
    return ncpm.compute_quarter(demo_frames, DEFAULT_FORCE, quarter=DEFAULT_QUARTER,
                                options=ncpm.QuarterOptions(forecast_engine=TEST_ENGINE))


def _inject(nb, **values):
    """Papermill's way: a cell tagged "injected-parameters" right after the one tagged "parameters"."""
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in values.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at + 1, cell)
    return nb


def _execute(nb, kernel_dirs):
    """Run ``nb`` in a fresh kernel from notebooks/, as ``ncpm report`` does, and check which Python ran it."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    nb.cells.append(nbformat.v4.new_code_cell(f"import sys\nprint({PROBE!r}, sys.prefix)"))
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs))
    nbclient.NotebookClient(nb, km=km, kernel_name="python3", timeout=TIMEOUT,
                            resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    text = _text(nb)
    assert f"{PROBE} {sys.prefix}" in text, "the notebook ran in another Python than the test's"
    return nb


def _outputs(nb):
    return [o for c in _code_cells(nb) for o in c.get("outputs", [])]


def _text(nb) -> str:
    parts = []
    for o in _outputs(nb):
        if o.output_type == "stream":
            parts.append(o.text)
        for mime in ("text/plain", "text/markdown"):
            if mime in o.get("data", {}):
                parts.append(o["data"][mime])
    return "\n".join(parts)


def _pngs(nb) -> int:
    return sum("image/png" in o.get("data", {}) for o in _outputs(nb))


def _stderr(nb) -> list[str]:
    return [o.text for o in _outputs(nb) if o.output_type == "stream" and o.name == "stderr"]


def test_the_notebooks_are_the_ones_the_report_renders():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED) == sorted(ncpm.batch.NOTEBOOKS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stored_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in _code_cells(nb):
        assert cell.outputs == [], f"{name}: a cell was committed with outputs"
        assert cell.execution_count is None, f"{name}: a cell was committed with an execution count"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_opens_with_a_papermill_parameters_cell(name):
    cells = _code_cells(_read(name))
    first = cells[0]
    assert "parameters" in first.metadata.get("tags", []), f"{name}: first code cell is not tagged 'parameters'"
    assert set(PARAMETERS) <= _assigned(first.source)
    values: dict = {}
    exec(first.source, values)  # plain assignments only
    assert values["DATA"] is None, "the default must be the demo dataset"
    assert values["FORCE"] == ncpm.canonical_force(values["FORCE"])
    assert str(ncpm.parse_quarter(values["QUARTER"])) == values["QUARTER"]
    # nothing later overrides a parameter, so values injected after this cell are the ones used
    for cell in cells[1:]:
        assert not set(PARAMETERS) & _assigned(cell.source), f"{name}: a later cell reassigns a parameter"


def _check_run(name, nb, res):
    """The executed notebook prints every statement of ``res`` for its measures (and no other), draws its figures
    and writes no warning."""
    measures, figures = EXPECTED[name]
    text = _text(nb)
    expected = [s for s in res.statements if measures is None or s.measure in measures]
    assert expected, "the demo run has no statement for this notebook"
    missing = [s.text for s in expected if s.text not in text]
    assert not missing, f"{name} does not print: {missing}"
    if measures is not None:
        others = [s.text for s in res.statements if s.measure not in measures]
        assert not [t for t in others if t in text]
    if figures is None:
        figures = len(ncpm.quarter_figures(res))
    assert _pngs(nb) >= figures
    assert not _stderr(nb), f"{name} writes warnings: {_stderr(nb)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_runs_top_to_bottom_and_prints_the_library_statements(name, kernel_dirs, fast_results):
    nb = _execute(_inject(_read(name), ENGINE=TEST_ENGINE), kernel_dirs)
    _check_run(name, nb, fast_results)


def test_runs_as_stored_with_every_default(kernel_dirs, default_results):
    nb = _execute(_read("ncpm_quarter"), kernel_dirs)
    _check_run("ncpm_quarter", nb, default_results)


def test_injected_parameters_change_the_quarter(kernel_dirs, demo_frames, fast_results):
    """Another quarter injected after the parameters cell gives that quarter's statements and none of the
    default quarter's, so nothing in the notebook is tied to the default."""
    nb = _execute(_inject(_read("ncpm_quarter"), QUARTER=OTHER_QUARTER, ENGINE=TEST_ENGINE), kernel_dirs)
    text = _text(nb)
    other = ncpm.compute_quarter(demo_frames, DEFAULT_FORCE, quarter=OTHER_QUARTER,
                                 options=ncpm.QuarterOptions(forecast_engine=TEST_ENGINE))
    assert OTHER_QUARTER in text
    missing = [s.text for s in other.statements if s.text not in text]
    assert not missing, f"the injected quarter's statements are not printed: {missing}"
    assert not [s.text for s in fast_results.statements if s.text in text]
    assert ncpm.month_label(fast_results.month) not in text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_runs_on_police_uk_files(name, kernel_dirs, tmp_path):
    """``DATA`` set to a folder of police.uk street files (12 months, no force extract): each notebook runs top to
    bottom without a warning, prints the statements the library computes from those files for its measures, and
    says why a measure police.uk lacks (knife crime) is not there."""
    from test_run_policeuk import _months, write_police_uk

    raw = write_police_uk(tmp_path / "raw", _months("2022-07", 12))
    nb = _execute(_inject(_read(name), DATA=str(raw), ENGINE=TEST_ENGINE), kernel_dirs)
    text = _text(nb)
    frames = ncpm.batch.frames_by_kind(ncpm.batch.read_inputs([raw]))
    res = ncpm.compute_quarter(frames, DEFAULT_FORCE, quarter=DEFAULT_QUARTER,
                               options=ncpm.QuarterOptions(forecast_engine=TEST_ENGINE))
    measures, _ = EXPECTED[name]
    missing = [s.text for s in res.statements if (measures is None or s.measure in measures) and s.text not in text]
    assert not missing, f"{name} does not print: {missing}"
    assert not _stderr(nb), f"{name} writes warnings: {_stderr(nb)}"
    if name == "knife_crime":
        assert "Knife crime: needs a force extract" in text
    else:
        assert "Not in this report: knife crime (needs a force extract)" in text
