"""The scheduled run (issue "Scheduled batch recomputation and the quarterly NCPM report"): a rerun with nothing
changed is a no-op; a changed input recomputes only what depends on it; a run killed with SIGKILL mid-write leaves
the previous outputs readable and the next run completes; a concurrent run is refused; a stale lock is cleared.

Every run here uses the fast forecast engine (``[forecast] engine = "fast"``) on a copy of the demo data.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ncpm.io.runstate import LOCK_NAME, MANIFEST_NAME, RunLock, published_dir, sha256_file
from ncpm.pipeline.assemble import data_sources
from ncpm.pipeline.config import load_config
from ncpm.pipeline.run import run

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo"
CONFIG = '[inputs]\npaths = ["raw"]\n[forecast]\nengine = "fast"\n[output]\ndir = "out"\nnotebooks = false\n'
FORCE_STAGES = ("measures", "forecasts", "peers", "report")


def make_workspace(folder: Path) -> Path:
    """A project folder: ncpm.toml, raw/ (a copy of the demo data) and out/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(DEMO, folder / "raw")
    (folder / "ncpm.toml").write_text(CONFIG, encoding="utf-8")
    return folder


def run_in(folder: Path, **kwargs):
    return run(load_config(folder / "ncpm.toml"), **kwargs)


def snapshot(out: Path) -> dict[str, tuple[int, str]]:
    """Every file of the published run in ``out`` (``published_dir``) with its modification time (ns) and hash."""
    pub = published_dir(out)
    return {p.relative_to(pub).as_posix(): (p.stat().st_mtime_ns, sha256_file(p))
            for p in sorted(pub.rglob("*")) if p.is_file()}


def assert_consistent(out: Path) -> dict:
    """The manifest lists every output with the hash the file has now; no lock or temporary file is left."""
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["outputs"]
    for rel, digest in manifest["outputs"].items():
        assert sha256_file(out / rel) == digest, rel
    pub = published_dir(out)  # the published run holds exactly what its manifest lists: no file of another run
    assert {p.relative_to(pub).as_posix() for p in pub.rglob("*") if p.is_file()} == {*manifest["outputs"],
                                                                                         MANIFEST_NAME}
    assert not (out / LOCK_NAME).exists()
    assert not list(out.rglob("*.tmp"))
    return manifest


def assert_readable(out: Path, files) -> None:
    """Each output opens as what it is: parquet reads, JSON parses, HTML is complete, PNG has its signature."""
    for rel in files:
        path = out / rel
        if path.suffix == ".parquet":
            pd.read_parquet(path)
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), rel
        elif path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", rel


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """A workspace after one complete run (kept as a template: tests that change it work on a copy)."""
    folder = make_workspace(tmp_path_factory.mktemp("batch") / "template")
    summary = run_in(folder)
    assert summary.exit_code == 0, summary.problems
    return folder


@pytest.fixture
def workspace(done, tmp_path):
    copy = tmp_path / "ws"
    shutil.copytree(done, copy, symlinks=True)  # the output folder's pointer and shortcuts are relative links
    return copy


def test_first_run_writes_everything_with_a_complete_manifest(done):
    out = done / "out"
    manifest = assert_consistent(out)
    assert set(manifest["stages"]) == {"ingest", *(f"{s}:Warwickshire" for s in FORCE_STAGES)}
    for key in ("ncpm_version", "config", "inputs", "sources", "msg_version", "methods", "outputs",
                "timings_seconds", "warnings", "problems", "disclosure"):
        assert key in manifest, key
    accounting = {Path(a["file"]).name: a for a in manifest["inputs"]["accounting"]}
    assert set(accounting) == {"volumes.csv", "outcomes.csv", "survey.csv", "population.csv", "msg.csv"}
    assert all(a["rows_in"] == a["loaded"] + a["rejected"] for a in accounting.values())
    assert manifest["sources"]["volumes"]["first"] == "2019-04" and manifest["sources"]["volumes"]["last"] == "2023-06"
    assert manifest["sources"]["population"]["last"] >= "2022"
    assert manifest["msg_version"] == {"Warwickshire": "illustrative-2023"}
    assert manifest["methods"]["MSG version"] == "illustrative-2023"
    assert "fast engine" in manifest["methods"]["Forecast"]
    assert set(manifest["timings_seconds"]) == set(manifest["stages"])
    html = (out / "warwickshire" / "report-q1-2023-24.html").read_text(encoding="utf-8")
    assert "illustrative-2023" in html and "2019-04 to 2023-06" in html
    assert "Disclosure control" in html and "suppressed" in html
    for kind in ("figures/knife_crime_volumes.png", "tables/measures/baseline.parquet",
                 "tables/forecasts/forecast_quarter.parquet", "tables/peers/msg.parquet", "statements.json",
                 "summary.parquet"):
        assert f"warwickshire/{kind}" in manifest["outputs"]


def test_rerun_is_a_no_op(done):
    out = done / "out"
    before, published = snapshot(out), published_dir(out)
    started = time.perf_counter()
    summary = run_in(done)
    assert summary.nothing_changed and summary.exit_code == 0
    assert published_dir(out) == published and not list((out / "runs").glob(".partial-*"))  # nothing published
    assert summary.recomputed == []
    assert set(summary.reused) == {"ingest", *(f"{s}:Warwickshire" for s in FORCE_STAGES)}
    assert snapshot(out) == before  # not one file rewritten, not even the manifest
    assert time.perf_counter() - started < 30


def test_changed_survey_recomputes_only_measures_and_report(workspace):
    survey = workspace / "raw" / "survey.csv"
    lines = survey.read_text(encoding="utf-8").splitlines()
    head, last = lines[0].split(","), lines[-1].split(",")
    last[head.index("satisfied")] = str(int(last[head.index("satisfied")]) - 20)
    survey.write_text("\n".join([*lines[:-1], ",".join(last)]) + "\n", encoding="utf-8")
    before = snapshot(workspace / "out")
    summary = run_in(workspace)
    assert summary.recomputed == ["ingest", "measures:Warwickshire", "report:Warwickshire"]
    assert summary.reused == ["forecasts:Warwickshire", "peers:Warwickshire"]
    after = snapshot(workspace / "out")
    for rel in before:
        if "/tables/forecasts/" in rel or "/tables/peers/" in rel or rel == "store/volumes.parquet":
            assert after[rel] == before[rel], f"{rel} was rewritten"
    assert after["store/survey.parquet"][1] != before["store/survey.parquet"][1]
    assert after["warwickshire/tables/measures/satisfaction.parquet"][1] != \
        before["warwickshire/tables/measures/satisfaction.parquet"][1]
    assert_consistent(workspace / "out")


def test_changed_population_recomputes_only_peers_and_report(workspace):
    population = workspace / "raw" / "population.csv"
    frame = pd.read_csv(population)
    frame.loc[frame["force"] == "Warwickshire", "population"] += 50_000
    frame.to_csv(population, index=False)
    summary = run_in(workspace)
    assert summary.recomputed == ["ingest", "peers:Warwickshire", "report:Warwickshire"]
    assert summary.reused == ["measures:Warwickshire", "forecasts:Warwickshire"]
    assert_consistent(workspace / "out")


def test_a_missing_output_is_rebuilt_by_its_stage_only(workspace):
    (workspace / "out" / "warwickshire" / "figures" / "knife_crime_volumes.png").unlink()
    summary = run_in(workspace)
    assert summary.recomputed == ["report:Warwickshire"]
    assert (workspace / "out" / "warwickshire" / "figures" / "knife_crime_volumes.png").exists()
    assert_consistent(workspace / "out")


def test_rejected_rows_still_complete_the_run_with_exit_1(workspace):
    volumes = workspace / "raw" / "volumes.csv"
    with volumes.open("a", encoding="utf-8") as fh:
        fh.write("Warwickshire,North,knife_crime,2023-06,lots\n")
    summary = run_in(workspace)
    assert summary.exit_code == 1
    assert any("volumes.csv: 1 row(s) rejected" in p for p in summary.problems)
    assert any("lots" in p for p in summary.problems)
    # the rejected row changed nothing that was loaded: no measure, forecast or peer comparison ran again, nor the
    # report (its "Data sources" name files by name, so a copy of the project has the same report)
    assert summary.reused == ["measures:Warwickshire", "forecasts:Warwickshire", "peers:Warwickshire",
                              "report:Warwickshire"]
    manifest = assert_consistent(workspace / "out")
    assert manifest["problems"] == summary.problems


def test_concurrent_run_is_refused(workspace):
    from ncpm.io.runstate import RunLocked

    with RunLock(workspace / "out"), pytest.raises(RunLocked, match="another ncpm run is using"):
        run_in(workspace)


def test_stale_lock_from_a_dead_process_is_cleared(workspace):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (workspace / "out" / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname()}))
    summary = run_in(workspace)
    assert summary.exit_code == 0 and summary.nothing_changed
    assert any("stale lock" in w for w in summary.warnings)
    assert not (workspace / "out" / LOCK_NAME).exists()


def test_data_sources_name_their_periods():
    v = pd.DataFrame({"force": "F", "area": "Force", "measure": "homicide",
                      "month": pd.PeriodIndex(["2022-11", "2023-06"], freq="M"), "count": [1, 0]})
    msg = pd.DataFrame({"force": ["F"], "peer": ["G"], "version": ["v1"]})
    out = data_sources({"volumes": v, "msg": msg}, [{"file": "v.csv", "kind": "volumes"}])
    assert out["volumes"] | {} == {"name": out["volumes"]["name"], "files": ["v.csv"], "publishers": [], "rows": 2,
                                   "first": "2022-11", "last": "2023-06"}
    assert out["msg"]["versions"] == ["v1"]


def _newest_change(out: Path, since: float) -> bool:
    return any(p.stat().st_mtime > since for p in out.rglob("*") if p.is_file() and p.name != LOCK_NAME)


@pytest.mark.parametrize("kill_after", ["first write", "figures"])
def test_killed_run_leaves_previous_outputs_and_the_next_run_completes(workspace, kill_after):
    out = workspace / "out"
    previous = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    started = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "ncpm", "run", "--config", str(workspace / "ncpm.toml"), "--full",
                             "-q"], cwd=workspace, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if kill_after == "first write" and _newest_change(out, started):
                break
            # the run writes into its generation folder, runs/.partial-<n>, published only when complete
            figures = [p for f in (out / "runs").glob(".partial-*/warwickshire/figures") for p in f.iterdir()]
            if kill_after == "figures" and any(p.stat().st_mtime > started for p in figures):
                break
            time.sleep(0.01)
        assert proc.poll() is None, f"the run finished before it could be killed: {proc.stderr.read()!r}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert (out / LOCK_NAME).exists()  # the killed run held the lock
    # every previous output is still there and readable: old or new, never half a file
    assert_readable(out, previous["outputs"])
    assert json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8")) == previous

    summary = run_in(workspace)
    assert summary.exit_code == 0
    assert any("stale lock" in w for w in summary.warnings)
    manifest = assert_consistent(out)
    assert set(manifest["outputs"]) == set(previous["outputs"])
    assert_readable(out, manifest["outputs"])


def test_processes_engine_gives_the_same_tables_and_statements(done, tmp_path):
    """``[engine] kind = "processes"`` runs the per-series work in worker processes: same results, same report."""
    folder = make_workspace(tmp_path / "processes")
    (folder / "ncpm.toml").write_text(CONFIG + '[engine]\nkind = "processes"\nworkers = 2\n', encoding="utf-8")
    summary = run_in(folder)
    assert summary.exit_code == 0, summary.problems
    ours, theirs = folder / "out" / "warwickshire", done / "out" / "warwickshire"
    for table in ("tables/measures/baseline.parquet", "tables/forecasts/forecast_quarter.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(ours / table), pd.read_parquet(theirs / table))
    assert json.loads((ours / "statements.json").read_text()) == json.loads((theirs / "statements.json").read_text())


def test_report_sections_summary_and_not_in_report_list_agree(done):
    """The demo's report: every measure in the summary table has its section, the manifest's ``not_in_report``
    list is the report's "Not in this report" section, and no measure it lists has a statement."""
    from test_run_policeuk import check_no_contradiction

    manifest = check_no_contradiction(done / "out", "warwickshire")
    listed = {r["measure"] for r in manifest["not_in_report"]["Warwickshire"] if not r["method"]}
    assert "drug_related_homicide" in listed and "knife_crime" not in listed


def _docx_text(path: Path) -> str:
    """Every XML part of a .docx as text (document, header, core properties, relationships)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels")))


def test_report_names_no_local_path_and_states_its_provenance(done):
    """The published report names its data files by name and publisher, never by a local path, and states the
    ncpm version, the generation date, the data-to month and the configuration's hash, as the manifest does."""
    import datetime

    from ncpm import __version__
    from ncpm.pipeline.assemble import config_hash
    from ncpm.words.report import long_date

    out = done / "out"
    manifest = assert_consistent(out)
    cfg = load_config(done / "ncpm.toml")
    today = datetime.date.today().isoformat()
    provenance = manifest["provenance"]["Warwickshire"]
    assert provenance | {"generated": today} == {"generated": today, "ncpm_version": __version__, "data_to": "2023-06",
                                                 "config_hash": config_hash(cfg), "final": False, "commentary": None}
    html = (out / "warwickshire" / "report-q1-2023-24.html").read_text(encoding="utf-8")
    docx_xml = _docx_text(out / "warwickshire" / "report-q1-2023-24.docx")
    for text in (html, docx_xml):
        assert str(done) not in text and str(done.resolve()) not in text and "pytest-of" not in text
        assert f"Generated by ncpm {__version__} on {long_date(provenance['generated'])}" in text
        assert f"Configuration sha256 {config_hash(cfg)}" in text and "Data to June 2023" in text
        assert "volumes.csv; published by the force (extract)" in text
        assert "docs/methods.md" in text
    assert f"<dcterms:created xsi:type=\"dcterms:W3CDTF\">{provenance['generated']}T00:00:00Z" in docx_xml
    assert all(not Path(f).is_absolute() for s in manifest["sources"].values() for f in s["files"])


def test_commentary_file_a_draft_and_a_final_report(workspace):
    """``[report] commentary`` is read relative to the configuration; editing it renders the report again (and
    nothing else); an unknown heading is a warning naming the file and line; ``final`` leaves placeholders out.
    The Markdown report carries the same, with no local path either."""
    (workspace / "opcc").mkdir()
    (workspace / "opcc" / "commentary-Q1-2023-24.md").write_text(
        "## 2. Reduce serious violence\nThe PCC will hold the Chief Constable to account.\n\n"
        "### knife_crime\nSeasonal increase expected.\n\n### Litter\nlost\n", encoding="utf-8")
    config = workspace / "ncpm.toml"
    config.write_text(CONFIG.replace("notebooks = false\n", "notebooks = false\nmarkdown = true\n")
                      + '[report]\ncommentary = "opcc/commentary-Q1-2023-24.md"\n', encoding="utf-8")
    summary = run_in(workspace)
    assert summary.reused == ["ingest", "measures:Warwickshire", "forecasts:Warwickshire", "peers:Warwickshire"]
    assert any(w.startswith("opcc/commentary-Q1-2023-24.md, line 7: heading '### Litter' names no measure")
               for w in summary.warnings)
    folder = workspace / "out" / "warwickshire"
    html = (folder / "report-q1-2023-24.html").read_text(encoding="utf-8")
    md = (folder / "report-q1-2023-24.md").read_text(encoding="utf-8")
    for text in (html, md):
        assert "The PCC will hold the Chief Constable to account." in text and "Seasonal increase expected." in text
        assert text.count("OPCC commentary to be added") == 5 and "lost" not in text
        assert str(workspace) not in text and "pytest-of" not in text
    (workspace / "opcc" / "commentary-Q1-2023-24.md").write_text("## 4\nBurglary will be monitored.\n",
                                                                encoding="utf-8")
    summary = run_in(workspace)
    assert summary.recomputed == ["report:Warwickshire"]
    config.write_text(config.read_text(encoding="utf-8") + "final = true\n", encoding="utf-8")
    run_in(workspace)
    html = (folder / "report-q1-2023-24.html").read_text(encoding="utf-8")
    assert "OPCC commentary to be added" not in html and html.count("OPCC Commentary") == 1
    assert "Burglary will be monitored." in html
    (workspace / "opcc" / "commentary-Q1-2023-24.md").unlink()
    from ncpm.core.errors import InputError

    with pytest.raises(InputError, match="report.commentary: no such file"):
        run_in(workspace)


def test_the_demo_report_model_in_word_draft_and_final(done):
    """``report_model`` builds the demo's real report model; rendered to Word and read back: the priorities'
    headings, every statement, each figure a 300 dpi picture at the text width with its caption after it, and the
    commentary placeholders in a draft but not in a final report."""
    import dataclasses
    import io
    import zipfile

    import docx
    from PIL import Image

    import ncpm
    from ncpm.core.catalogue import priorities
    from ncpm.pipeline.assemble import PRINT_DPI, report_model
    from ncpm.pipeline.project import load_demo
    from ncpm.words.commentary import PLACEHOLDER
    from ncpm.words.report_docx import FIGURE_WIDTH, render_docx

    cfg = load_config(done / "ncpm.toml")
    res = ncpm.compute_quarter(load_demo(), "Warwickshire", quarter="Q1 2023/24",
                               options=ncpm.QuarterOptions(forecast_engine="fast"))
    model = report_model(res, cfg, generated_on="2026-12-01")
    draft = render_docx(model)
    doc = docx.Document(io.BytesIO(draft))
    paragraphs = doc.paragraphs
    texts = [p.text for p in paragraphs]
    headings = [p.text for p in paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h.startswith("3.") and h[2:3].isdigit()] == [f"3.{n}. {t}" for n, t in priorities().items()]
    assert all(s.text in texts for s in res.statements)
    assert texts.count(PLACEHOLDER) == len(priorities()) == headings.count("OPCC Commentary")
    figures = [f for item in model.items for f in item.figures] + list(model.appendix)
    assert len(doc.inline_shapes) == len(figures) >= 10
    captions = [paragraphs[i + 1].text for i, p in enumerate(paragraphs) if p._p.xpath(".//pic:pic")]
    assert captions == [f"Figure {n} - {f.caption}" for n, f in enumerate(figures, start=1)]
    assert all(abs(s.width - FIGURE_WIDTH) < 10_000 for s in doc.inline_shapes)
    with zipfile.ZipFile(io.BytesIO(draft)) as z:
        image = Image.open(io.BytesIO(z.read(next(n for n in z.namelist() if n.startswith("word/media/")))))
    assert round(image.info["dpi"][0]) == PRINT_DPI and abs(image.width - FIGURE_WIDTH.inches * PRINT_DPI) <= 1
    final = docx.Document(io.BytesIO(render_docx(dataclasses.replace(model, final=True))))
    assert PLACEHOLDER not in [p.text for p in final.paragraphs]
    assert "OPCC Commentary" not in [p.text for p in final.paragraphs]
