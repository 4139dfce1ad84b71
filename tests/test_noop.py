"""A rerun with nothing to do (issue 17): decided from the manifest alone, by the inputs' and outputs' sizes and
modification times, without reading a table, hashing a file or loading the computing modules; it says "up to date".
A touched file with the same content is hashed once, then the rerun is again decided from the manifest. The forecast
stage counts its series on a terminal; a log gets one line per stage.

Every run here uses the fast forecast engine on a copy of the demo data.
"""

import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ncpm.io.runstate import MANIFEST_NAME, published_dir
from ncpm.pipeline.config import load_config
from ncpm.pipeline.run import run

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo"
CONFIG = '[inputs]\npaths = ["raw"]\n[forecast]\nengine = "fast"\n[output]\ndir = "out"\nnotebooks = false\n'


def run_in(folder: Path, **kwargs):
    return run(load_config(folder / "ncpm.toml"), **kwargs)


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    folder = tmp_path_factory.mktemp("noop") / "template"
    folder.mkdir()
    shutil.copytree(DEMO, folder / "raw")
    (folder / "ncpm.toml").write_text(CONFIG, encoding="utf-8")
    stream = io.StringIO()
    summary = run_in(folder, progress=stream)
    assert summary.exit_code == 0, summary.problems
    return folder, stream.getvalue()


@pytest.fixture
def workspace(done, tmp_path):
    """A copy of the finished run's project, run once more (a moved project: the report may name its files)."""
    copy = tmp_path / "ws"
    shutil.copytree(done[0], copy, symlinks=True)
    assert run_in(copy).recomputed in ([], ["report:Warwickshire"])
    return copy


def _no_reading(monkeypatch):
    """Any table read or file hashed from now on fails the test."""
    import ncpm.io.runstate
    import ncpm.io.store

    def fail(*args, **kwargs):
        raise AssertionError("a no-op run read a table or hashed a file")

    monkeypatch.setattr(ncpm.io.runstate, "sha256_file", fail)
    monkeypatch.setattr(ncpm.io.store, "read_table", fail)
    monkeypatch.setattr(ncpm.io.store, "read_store", fail)


def test_a_rerun_is_decided_from_the_manifest_alone(done, monkeypatch):
    folder, _ = done
    manifest = (published_dir(folder / "out") / MANIFEST_NAME).read_bytes()
    _no_reading(monkeypatch)
    summary = run_in(folder)
    assert summary.nothing_changed and summary.exit_code == 0 and summary.recomputed == []
    assert set(summary.reused) == {"ingest", "measures:Warwickshire", "forecasts:Warwickshire",
                                   "peers:Warwickshire", "report:Warwickshire"}
    assert (published_dir(folder / "out") / MANIFEST_NAME).read_bytes() == manifest  # not rewritten


def test_it_says_up_to_date_with_the_time_of_the_run(done):
    folder, _ = done
    summary = run_in(folder)
    message = summary.up_to_date_message()
    assert re.fullmatch(r"ncpm: up to date \(nothing changed since the run of \d{4}-\d\d-\d\d \d\d:\d\d; "
                        r"outputs in .+\)", message), message
    assert str(folder / "out") in message


def test_the_command_line_says_up_to_date_and_loads_no_computing_module(done):
    """Through the entry point: "up to date", exit 0, and none of the heavy computing libraries imported (statsmodels,
    matplotlib, scipy, python-docx): ncpm's own modules are imported at module level (issue 13), the libraries on use."""
    code = ("import sys; from ncpm import cli; code = cli.main(['run', '--config', sys.argv[1]]); "
            "print('loaded:', sorted(m for m in ('statsmodels', 'matplotlib', 'scipy', 'docx') if m in sys.modules)); "
            "sys.exit(code)")
    folder, _ = done
    proc = subprocess.run([sys.executable, "-c", code, str(folder / "ncpm.toml")], capture_output=True,
                          text=True, cwd=folder, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "ncpm: up to date (nothing changed since the run of " in proc.stdout
    assert "loaded: []" in proc.stdout


def test_a_touched_file_with_the_same_content_is_hashed_once(workspace, monkeypatch):
    survey = workspace / "raw" / "survey.csv"
    stat = survey.stat()
    os.utime(survey, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    summary = run_in(workspace)  # the stage checks: its hash is unchanged, so nothing is recomputed
    assert summary.nothing_changed and summary.recomputed == []
    manifest = json.loads((published_dir(workspace / "out") / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["inputs"]["stats"]["raw/survey.csv"][1] == stat.st_mtime_ns + 10**9
    _no_reading(monkeypatch)
    assert run_in(workspace).nothing_changed  # the manifest now has its time: decided without hashing


def test_a_changed_file_of_the_same_size_is_read_again(workspace):
    """The same size, another modification time: hashed, and its change recomputes what reads it."""
    survey = workspace / "raw" / "survey.csv"
    stat = survey.stat()
    text = survey.read_text(encoding="utf-8")
    at = max(i for i, ch in enumerate(text) if ch.isdigit())
    survey.write_text(text[:at] + ("1" if text[at] != "1" else "2") + text[at + 1:], encoding="utf-8")
    os.utime(survey, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert survey.stat().st_size == stat.st_size
    summary = run_in(workspace)
    assert not summary.nothing_changed and "ingest" in summary.recomputed


def test_another_configuration_is_not_a_no_op(workspace):
    toml = workspace / "ncpm.toml"
    toml.write_text(CONFIG + '[satisfaction]\ntarget = 0.75\n', encoding="utf-8")
    summary = run_in(workspace)
    assert not summary.nothing_changed and "measures:Warwickshire" in summary.recomputed


def test_the_forecast_stage_counts_its_series_on_a_terminal(done):
    _, shown = done
    counts = re.findall(r"forecasts \(computing\) \[[#.]+\] (\d+)/(\d+) series", shown)
    assert counts, shown
    total = int(counts[-1][1])
    assert total > 0 and int(counts[-1][0]) == total
    assert [int(d) for d, _ in counts] == sorted(int(d) for d, _ in counts)


def test_a_log_gets_one_line_per_stage(workspace, caplog):
    with caplog.at_level(logging.INFO, logger="ncpm"):
        run_in(workspace, full=True)
    lines = [r.getMessage() for r in caplog.records if "forecasts" in r.getMessage()]
    assert lines == ["[3/5] Warwickshire: forecasts (computing)"]
