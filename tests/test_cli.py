"""The ``ncpm`` command through its real entry point (``python -m ncpm``): exit codes 0 done, 1 input problems,
2 usage or configuration, 3 internal error with a log path; ``ncpm export`` with disclosure control; ``ncpm demo``.
"""

import csv
import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from ncpm import cli

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo"
FAST = '[inputs]\npaths = ["raw"]\n[forecast]\nengine = "fast"\n[output]\ndir = "out"\nnotebooks = false\n'


def ncpm(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ncpm", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project folder with a fast config and one finished run (through the entry point)."""
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(DEMO, folder / "raw")
    (folder / "ncpm.toml").write_text(FAST, encoding="utf-8")
    done = ncpm("run", "--config", folder / "ncpm.toml")
    assert done.returncode == 0, done.stderr
    assert "report for Warwickshire" in done.stdout
    # not a terminal: one plain log line per stage, no carriage returns
    assert "[1/5] ingest" in done.stderr and "[5/5] Warwickshire" in done.stderr and "\r" not in done.stderr
    return folder


def test_help_names_every_command_with_an_example(capsys):
    done = ncpm("--help")
    assert done.returncode == 0
    for command in ("ingest", "validate", "run", "report", "export", "demo", "demo-data"):
        assert command in done.stdout
        with pytest.raises(SystemExit) as exit_:
            cli.main([command, "--help"])
        assert exit_.value.code == 0 and "example: ncpm" in capsys.readouterr().out, command


def test_rerun_through_the_entry_point_is_a_no_op(project):
    done = ncpm("run", "--config", project / "ncpm.toml")
    assert done.returncode == 0
    assert "ncpm: up to date (nothing changed since the run of " in done.stdout


@pytest.mark.parametrize("args, message", [
    (["run", "--bogus"], "unrecognized arguments"),
    (["export", "baseline", "--out", "x.csv", "--threshold", "0"], "must be at least 1"),
    (["export", "baseline", "--out", "x.csv", "--method", "blur"], "invalid choice"),
])
def test_usage_errors_exit_2(args, message):
    done = ncpm(*args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("text, key", [
    ('[forecast]\nengin = "fast"\n', "forecast.engin"),
    ('[forecast]\nhorizon = "three"\n', "forecast.horizon"),
    ('[scope]\nforces = ["Atlantis"]\n', "scope.forces[0]"),
    ("[output\n", "not valid TOML"),
])
def test_bad_config_exits_2_naming_the_key(tmp_path, text, key):
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    done = ncpm("run", "--config", tmp_path / "bad.toml", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.startswith("ncpm: configuration error") and key in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_input_file_exits_1_naming_the_file(tmp_path):
    (tmp_path / "raw").mkdir()
    frame = pd.read_csv(DEMO / "volumes.csv", nrows=50).drop(columns=["count"])
    frame.to_csv(tmp_path / "raw" / "volumes.csv", index=False)
    (tmp_path / "ncpm.toml").write_text(FAST, encoding="utf-8")
    done = ncpm("run", "--config", tmp_path / "ncpm.toml")
    assert done.returncode == 1
    assert "input error" in done.stderr and "volumes.csv" in done.stderr and "count" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / ".ncpm.lock").exists()


def test_rejected_rows_exit_1_with_the_list_and_the_report_written(project, tmp_path):
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    with (copy / "raw" / "survey.csv").open("a", encoding="utf-8") as fh:
        fh.write("Warwickshire,da_whole_experience,2023-07,many,1,0\n")
    done = ncpm("run", "--config", copy / "ncpm.toml")
    assert done.returncode == 1
    assert "input problems:" in done.stdout and "survey.csv: 1 row(s) rejected" in done.stdout
    assert "'many' is not a number" in done.stdout
    assert (copy / "out" / "warwickshire" / "report-q1-2023-24.html").exists()


def test_concurrent_run_exits_2_with_a_clear_message(project):
    from ncpm.io.runstate import RunLock

    with RunLock(project / "out"):
        done = ncpm("run", "--config", project / "ncpm.toml")
    assert done.returncode == 2
    assert "another ncpm run is using" in done.stderr and "Traceback" not in done.stderr


def test_internal_error_exits_3_with_a_log_path(project, tmp_path, monkeypatch, capsys):
    from ncpm import quarter

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure in a compute function")

    monkeypatch.setattr(quarter, "compute_peers", broken)
    code = cli.main(["run", "--config", str(project / "ncpm.toml"), "--out", str(tmp_path / "out"), "-q"])
    assert code == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: simulated failure" in err and "Traceback" not in err
    log_path = Path(err.split("details in ")[1].rstrip(")\n"))
    assert "simulated failure" in log_path.read_text() and "Traceback" in log_path.read_text()
    log_path.unlink()
    assert not (tmp_path / "out" / ".ncpm.lock").exists()  # the lock is released on the way out


def test_export_csv_suppresses_small_lpa_counts_and_says_so(project, tmp_path):
    out = tmp_path / "baseline.csv"
    done = ncpm("export", "baseline", "--out", out, "--run-dir", project / "out", "--threshold", "5")
    assert done.returncode == 0, done.stderr
    assert "cells with a count below 5 at LPA level were suppressed" in done.stdout
    assert "suppressed (secondary)" in done.stdout
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sub_force = [r for r in rows if r["area"] != "Force"]
    shown = [int(r["count"]) for r in sub_force if r["count"] != "[c]"]
    assert all(c == 0 or c >= 5 for c in shown)
    assert sum(r["count"] == "[c]" for r in sub_force) > 0
    assert all(r["z"] in ("", "[c]") for r in rows if r["count"] == "[c]")  # the z-score would give the count back
    assert all(r["count"] != "[c]" for r in rows if r["area"] == "Force")


def test_export_xlsx_rounds_with_method_round(project, tmp_path):
    out = tmp_path / "changes.xlsx"
    done = ncpm("export", "changes", "--out", out, "--run-dir", project / "out", "--method", "round",
                "--threshold", "10")
    assert done.returncode == 0, done.stderr
    assert "rounded to the nearest 10" in done.stdout
    sheet = load_workbook(out, read_only=True)["changes"]
    rows = list(sheet.values)
    header = rows[0]
    area, count = header.index("area"), header.index("count")
    assert all(r[count] % 10 == 0 for r in rows[1:] if r[area] != "Force")


def test_export_neutralises_formulas_and_leaves_out_unprotectable_rows(project, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(project / "out", copy)
    summary = copy / "warwickshire" / "summary.parquet"
    frame = pd.read_parquet(summary)
    frame.loc[0, "Measure"] = '=HYPERLINK("http://example.invalid","x")'
    frame.to_parquet(summary, index=False)
    done = ncpm("export", "summary", "--out", tmp_path / "s.csv", "--run-dir", copy)
    assert done.returncode == 0, done.stderr
    assert "'=HYPERLINK" in (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    done = ncpm("export", "shares", "--out", tmp_path / "sh.csv", "--run-dir", copy)
    assert done.returncode == 0 and "sub-force row(s) left out" in done.stdout
    assert set(pd.read_csv(tmp_path / "sh.csv")["area"]) == {"Force"}


def test_export_errors_name_what_is_available(project, tmp_path):
    done = ncpm("export", "nonsense", "--out", tmp_path / "x.csv", "--run-dir", project / "out")
    assert done.returncode == 2 and "available: baseline" in done.stderr
    done = ncpm("export", "baseline", "--out", tmp_path / "x.csv", "--run-dir", tmp_path)
    assert done.returncode == 2 and "no finished run" in done.stderr
    done = ncpm("export", "baseline", "--out", tmp_path / "x.pdf", "--run-dir", project / "out")
    assert done.returncode == 2 and "format must be one of csv, xlsx" in done.stderr


def test_demo_runs_the_main_job_and_renders_notebooks(project, tmp_path, monkeypatch, capsys):
    """``ncpm demo`` = ``run`` on demo_config() + the notebooks (here a one-cell stand-in, for speed)."""
    from ncpm.pipeline import notebooks as nbs
    from ncpm.pipeline import project as demo
    from ncpm.pipeline.config import load_config

    pytest.importorskip("nbclient")
    import nbformat

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import ncpm\nprint('rendered', 6 * 7)")])
    nbformat.write(nb, notebooks / "ncpm_quarter.ipynb")
    cfg = load_config(project / "ncpm.toml")
    cfg = dataclasses.replace(cfg, output=dataclasses.replace(cfg.output, notebooks=True))
    monkeypatch.setattr(demo, "demo_config", lambda: cfg)
    real_render = nbs.render_notebooks
    monkeypatch.setattr(nbs, "render_notebooks", lambda out, **kw: real_render(out, source=notebooks, **kw))
    out = tmp_path / "demo"
    code = cli.main(["demo", "--out", str(out), "-q"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "report for Warwickshire" in printed and "notebook:" in printed
    html = (out / "notebooks" / "ncpm_quarter.html").read_text(encoding="utf-8")
    assert "rendered 42" in html
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"]["Warwickshire"]


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["ingest", "--help"], ["export", "--help"]])
def test_help_answers_without_loading_pandas(argv):
    """The parser (ncpm.cli.parser) loads the commands, and with them pandas, only once a command runs: --help of
    the command and of run, ingest and export answers without them (issue 13: --help at once)."""
    code = ("import sys\nfrom ncpm.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n"
            "    assert e.code == 0, e.code\nprint('PANDAS' if 'pandas' in sys.modules else 'NO PANDAS')\n")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "NO PANDAS"
