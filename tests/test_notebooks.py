"""The notebooks: stored without outputs, parameterised the papermill way, and executed top to bottom in a fresh
kernel, where they must print the report's statements.

With ``DATA = None`` a notebook reads the results of the run in ``RUN`` (``ncpm.open_quarter`` -> ``ncpm.load_run``):
each is run against one ``ncpm run`` of the demo data (fast forecast engine) and must print exactly that run's
statements for its measures, the ones its report gives. ``ncpm_quarter`` is also run exactly as stored, in a project
folder whose ``data/processed`` holds that run; another quarter injected, or ``DATA`` set, is computed in the kernel
and checked against the library computed here."""

import ast
import html
import json
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import ncpm  # noqa: E402
import ncpm.pipeline.ingest  # noqa: E402
import ncpm.pipeline.notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PARAMETERS = ("FORCE", "QUARTER", "DATA", "RUN", "ENGINE")
DEFAULT_FORCE, DEFAULT_QUARTER = "Warwickshire", "Q1 2023/24"
OTHER_QUARTER = "Q4 2022/23"
TEST_ENGINE = "fast"  # the run's engine, and the one injected where a notebook computes
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
def demo_run(tmp_path_factory):
    """A project folder after ``ncpm run`` on the demo data (Warwickshire, the default quarter, the fast engine):
    ``data/raw/demo`` (the committed data) and ``data/processed`` (the run), as ``make demo`` leaves a checkout."""
    from ncpm.pipeline.config import load_config_text
    from ncpm.pipeline.run import run

    project = tmp_path_factory.mktemp("project")
    (project / "data" / "raw").mkdir(parents=True)
    (project / "data" / "raw" / "demo").symlink_to(ROOT / "data" / "raw" / "demo")
    cfg = load_config_text(f'[inputs]\npaths = ["data/raw/demo"]\n[scope]\nforces = ["{DEFAULT_FORCE}"]\n'
                           f'quarter = "{DEFAULT_QUARTER}"\n[forecast]\nengine = "{TEST_ENGINE}"\n'
                           '[output]\ndir = "data/processed"\nnotebooks = false\n', base_dir=project)
    summary = run(cfg)
    assert summary.exit_code == 0, summary.problems
    return project


@pytest.fixture(scope="session")
def run_dir(demo_run):
    return demo_run / "data" / "processed"


@pytest.fixture(scope="session")
def report_statements(run_dir):
    """The run's statements as its report gives them: ``statements.json``, each checked to be in the HTML report."""
    folder = run_dir / "warwickshire"
    records = json.loads((folder / "statements.json").read_text(encoding="utf-8"))
    report = html.unescape(re.sub(r"<[^>]+>", "", (folder / "report-q1-2023-24.html").read_text(encoding="utf-8")))
    report = re.sub(r"\s+", " ", report)
    missing = [r["text"] for r in records if r["measure"] in ncpm.quarter.report_measures(ncpm.load_run(run_dir))
               and re.sub(r"\s+", " ", r["text"]) not in report]
    assert not missing, f"statements.json has statements the report does not give: {missing}"
    return records


@pytest.fixture(scope="session")
def fast_results(demo_frames):
    """The default quarter computed here with the fast engine (the run's)."""
    return ncpm.compute_quarter(demo_frames, DEFAULT_FORCE, quarter=DEFAULT_QUARTER,
                                options=ncpm.QuarterOptions(forecast_engine=TEST_ENGINE))


def _inject(nb, **values):
    """Papermill's way: a cell tagged "injected-parameters" right after the one tagged "parameters"."""
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in values.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at + 1, cell)
    return nb


def _execute(nb, kernel_dirs, cwd: Path = NOTEBOOKS):
    """Run ``nb`` in a fresh kernel from ``cwd`` (notebooks/, as ``ncpm demo`` does), and check which Python ran
    it."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    nb.cells.append(nbformat.v4.new_code_cell(f"import sys\nprint({PROBE!r}, sys.prefix)"))
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs))
    nbclient.NotebookClient(nb, km=km, kernel_name="python3", timeout=TIMEOUT,
                            resources={"metadata": {"path": str(cwd)}}).execute()
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
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED) == sorted(ncpm.pipeline.notebooks.NOTEBOOKS)


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


def _check_run(name, nb, records, figures_expected):
    """The executed notebook prints every statement of ``records`` for its measures (and no other), in the order
    given, draws its figures and writes no warning."""
    measures, figures = EXPECTED[name]
    text = _text(nb)
    expected = [r["text"] for r in records if measures is None or r["measure"] in measures]
    assert expected, "the demo run has no statement for this notebook"
    missing = [t for t in expected if t not in text]
    assert not missing, f"{name} does not print: {missing}"
    assert [text.index(t) for t in expected] == sorted(text.index(t) for t in expected)
    if measures is not None:
        others = [r["text"] for r in records if r["measure"] not in measures]
        assert not [t for t in others if t in text]
    assert _pngs(nb) >= (figures_expected if figures is None else figures)
    assert not _stderr(nb), f"{name} writes warnings: {_stderr(nb)}"
    for raw in ("NaN", "<NA>", "mappingproxy"):  # raw pandas and Python never reach a table an analyst pastes
        assert raw not in text, f"{name} shows {raw}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prints_the_reports_statements_read_from_the_run(name, kernel_dirs, run_dir, report_statements):
    """DATA = None: the notebook reads the run (RUN injected, as ``ncpm demo`` does) and prints the statements
    of its report, the same text, not recomputed."""
    nb = _execute(_inject(_read(name), RUN=str(run_dir)), kernel_dirs)
    assert "Read from the run of " in _text(nb)
    _check_run(name, nb, report_statements, len(ncpm.quarter_figures(ncpm.load_run(run_dir))))


def test_runs_as_stored_with_every_default(kernel_dirs, demo_run, report_statements):
    """Exactly as stored, from a project folder after ``make demo``: the default RUN is its data/processed."""
    nb = _execute(_read("ncpm_quarter"), kernel_dirs, cwd=demo_run)
    assert "Read from the run of " in _text(nb)
    figures = len(ncpm.quarter_figures(ncpm.load_run(demo_run / "data" / "processed")))
    _check_run("ncpm_quarter", nb, report_statements, figures)


def test_load_run_gives_the_runs_tables_and_statements(run_dir, report_statements, fast_results):
    """``ncpm.load_run``: the run's statements (as its report gives them), tables and options, and the same
    statements as the library computes from the demo data with the run's engine."""
    res = ncpm.load_run(run_dir)
    assert [s.text for s in res.statements] == [r["text"] for r in report_statements]
    assert [s.text for s in res.statements] == [s.text for s in fast_results.statements]
    assert res.options.forecast_engine == TEST_ENGINE and str(res.quarter) == DEFAULT_QUARTER
    assert {"baseline", "forecast_quarter", "msg", "volumes"} <= set(res.tables)
    assert ncpm.quarter.omission_lines(res) == ncpm.quarter.omission_lines(fast_results)
    assert set(res.frames) >= {"volumes", "population"}
    with pytest.raises(ncpm.ConfigError, match="reports Q1 2023/24, not Q4 2022/23"):
        ncpm.load_run(run_dir, quarter=OTHER_QUARTER)
    with pytest.raises(ncpm.ConfigError, match="no finished run"):
        ncpm.load_run(run_dir / "nothing-here")


def test_tables_show_no_index_and_missing_as_empty(fast_results):
    """``table_view`` and ``facts_table``: what an analyst pastes has no row index, no NaN, and one row per fact
    with readable names (a fact per area gives a row per area)."""
    e = fast_results.tables["exceptions"]
    view = ncpm.table_view(e[["month", "count", "signal"]].tail(3)).to_html()
    assert "nan" not in view.lower() and "&lt;NA&gt;" not in view and "Signal" in view
    assert 'class="row_heading' not in view  # the index is hidden
    facts = ncpm.facts_table(fast_results.statements)
    assert list(facts.columns) == ["Statement", "Kind", "Fact", "Value"]
    assert not facts["Value"].str.contains("{", regex=False).any()
    assert all(f[:1].isupper() and "_" not in f for f in facts["Fact"])


def test_injected_parameters_change_the_quarter(kernel_dirs, demo_frames, fast_results, run_dir):
    """Another quarter injected after the parameters cell gives that quarter's statements (computed in the kernel
    from the run's inputs, as the run does not hold it) and none of the default quarter's, so nothing in the
    notebook is tied to the default."""
    nb = _execute(_inject(_read("ncpm_quarter"), QUARTER=OTHER_QUARTER, RUN=str(run_dir), ENGINE=TEST_ENGINE),
                  kernel_dirs)
    text = _text(nb)
    other = ncpm.compute_quarter(demo_frames, DEFAULT_FORCE, quarter=OTHER_QUARTER,
                                 options=ncpm.QuarterOptions(forecast_engine=TEST_ENGINE))
    assert OTHER_QUARTER in text and "Computed here from the inputs of the run" in text
    missing = [s.text for s in other.statements if s.text not in text]
    assert not missing, f"the injected quarter's statements are not printed: {missing}"
    also = {s.text for s in other.statements}  # a sentence both quarters say ("This trend is observed in ...")
    assert not [s.text for s in fast_results.statements if s.text in text and s.text not in also]
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
    frames = ncpm.pipeline.ingest.frames_by_kind(ncpm.pipeline.ingest.read_inputs([raw]))
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
