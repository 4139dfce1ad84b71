"""Issues 15 and 16: what a user can get wrong ends in exit 2 (usage, configuration) with a clear message, never in
exit 3 (ncpm's own bugs), through the real entry point (``python -m ncpm``). One row per case: the arguments, the
configuration, what is in the folder, the exit code and a fragment of the message.
"""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

VOLUMES = "force,area,measure,month,count\n" + "".join(
    f"Warwickshire,Force,knife_crime,{m},{20 + i}\n" for i, m in enumerate(pd.period_range("2022-01", "2023-06",
                                                                                         freq="M").astype(str)))
SURVEY = "force,survey,month,responses,satisfied\nWarwickshire,da_whole_experience,2023-06,100,80\n"
BASE = '[inputs]\npaths = ["raw"]\n[forecast]\nengine = "fast"\n'
OUTPUT = '[output]\ndir = "out"\nnotebooks = false\n'


def ncpm(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ncpm", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def a_lock_holding_pid_abc(folder: Path) -> None:
    (folder / "out").mkdir()
    (folder / "out" / ".ncpm.lock").write_text(json.dumps({"pid": "abc", "host": socket.gethostname()}))


def a_finished_run_and_a_folder(folder: Path) -> None:
    """A finished run's manifest and one table, and a folder named like the export file."""
    table = folder / "out" / "warwickshire" / "tables" / "measures" / "baseline.parquet"
    table.parent.mkdir(parents=True)
    pd.read_csv(folder / "raw" / "volumes.csv").to_parquet(table, index=False)
    manifest = {"outputs": {"warwickshire/tables/measures/baseline.parquet": "-"}, "reports": {"Warwickshire": []}}
    (folder / "out" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "baseline.csv").mkdir()


CASES = [  # id, arguments, extra configuration, setup, exit code, message fragment
    ("as-of not a month", ["run", "--as-of", "2023-13"], "", None, 2, "not a month: '2023-13'"),
    ("quarter Q5", ["run", "--quarter", "Q5"], "", None, 2, "not a financial quarter: 'Q5'"),
    ("report quarter a path", ["report", "--force", "Warwickshire", "--quarter", "../../Q1"], "", None, 2,
     "not a financial quarter: '../../Q1'"),
    ("unknown force", ["run", "--force", "Atlantis"], "", None, 2, "unknown force 'Atlantis'"),
    ("report unknown force", ["report", "--force", "Warwickshir3", "--quarter", "Q1 2023/24"], "", None, 2,
     "unknown force 'Warwickshir3'"),
    ("as-of outside the quarter", ["run", "--as-of", "2023-06", "--quarter", "Q4 2022/23"], "", None, 2,
     "Q4 2022/23 runs from January 2023 and ends in March 2023, and --as-of is the latest month to report"),
    ("scope as_of outside the quarter", ["run"], '[scope]\nas_of = "2023-06"\nquarter = "Q4 2022/23"\n', None, 2,
     "scope.as_of 2023-06 and scope.quarter Q4 2022/23 disagree"),
    ("figure format", ["run"], OUTPUT + 'figure_formats = ["x"]\n', None, 2,
     "output.figure_formats[0]: unknown figure format 'x'"),
    ("previous runs", ["run"], OUTPUT + "previous_runs = -1\n", None, 2, "output.previous_runs must be 0 or more"),
    ("unknown survey", ["run"], '[satisfaction]\nsurvey = "x"\n', None, 2,
     "satisfaction.survey: no survey 'x' in the survey data (they hold: da_whole_experience)"),
    ("lock with pid abc", ["run"], "", a_lock_holding_pid_abc, 2, "an unreadable lock file"),
    ("export to a folder", ["export", "baseline", "--out", "baseline.csv", "--run-dir", "out"], "",
     a_finished_run_and_a_folder, 2, "baseline.csv is a folder: give a file name"),
]


@pytest.mark.parametrize("args, config, setup, code, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_user_errors_exit_2_with_a_clear_message(tmp_path, args, config, setup, code, fragment):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "volumes.csv").write_text(VOLUMES, encoding="utf-8")
    (tmp_path / "raw" / "survey.csv").write_text(SURVEY, encoding="utf-8")
    (tmp_path / "ncpm.toml").write_text(BASE + config + ("" if "[output]" in config else OUTPUT), encoding="utf-8")
    if setup is not None:
        setup(tmp_path)
    with_config = ["--config", "ncpm.toml"] if args[0] in ("run", "report") else []
    done = ncpm(*args, *with_config, cwd=tmp_path)
    assert done.returncode == code, done.stderr
    assert fragment in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert not list((tmp_path / "out").glob("runs/*")) if (tmp_path / "out").exists() else True  # nothing published


def test_help_gives_each_command_its_whole_first_sentence_without_markup(tmp_path):
    done = ncpm("--help", cwd=tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "``" not in done.stdout and ":func:" not in done.stdout
    assert ("demo The main job on the embedded synthetic demo dataset: ncpm run for Warwickshire, Q1 2023/24, then "
            "the notebooks executed and rendered to HTML beside the report") in text
    assert "validate Check raw files without writing anything: exit 0 when clean, 1 when problems were found, 2 on " \
           "usage errors" in text


@pytest.mark.parametrize("where, code, fragment", [
    ("out/runs", 2, "configuration error: "),  # the output folder may not be written: the configuration's to mend
    ("raw/volumes.csv", 1, "input error: "),  # an input may not be read: an input problem
], ids=["output folder", "input file"])
def test_a_path_that_may_not_be_written_or_read_says_whose_problem_it_is(tmp_path, monkeypatch, capsys, where, code,
                                                                         fragment):
    from ncpm import cli

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "volumes.csv").write_text(VOLUMES, encoding="utf-8")
    (tmp_path / "ncpm.toml").write_text(BASE + OUTPUT, encoding="utf-8")
    denied = tmp_path / where

    def run(*args, **kwargs):  # the run meets the error as its reader or writer would
        raise PermissionError(13, "Permission denied", str(denied))

    monkeypatch.setattr("ncpm.cli.commands.run", run)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "--config", "ncpm.toml", "-q"]) == code
    err = capsys.readouterr().err
    assert f"ncpm: {fragment}{denied}: permission denied" in err and "internal error" not in err


def test_a_folder_where_the_store_writes_a_file_is_a_configuration_error(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "volumes.csv").write_text(VOLUMES, encoding="utf-8")
    (tmp_path / "out" / "volumes.parquet").mkdir(parents=True)
    done = ncpm("ingest", "raw/volumes.csv", "--out", "out", "-q", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "volumes.parquet is a folder: give a file name" in done.stderr and "Traceback" not in done.stderr
