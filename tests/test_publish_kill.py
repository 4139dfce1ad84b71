"""Issue 15: a run is published as a whole. Readers of the output folder see the previous complete run or the new
complete run, never a mix, whenever ``ncpm run`` is killed; the next run repairs and publishes; nothing is written
through a symbolic link planted in the output folder.

The kills are exact: ``NCPM_TEST_KILL_AT`` (set only here, see :func:`ncpm.io.publish.kill_point`) makes the run
SIGKILL itself at a named point, so no test waits on timing. Inputs change before every killed run. Every run uses
the fast forecast engine on a copy of the demo data.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ncpm.core.errors import ConfigError
from ncpm.io import publish
from ncpm.io.runstate import MANIFEST_NAME, published_dir, read_manifest, sha256_file
from ncpm.pipeline.config import load_config
from ncpm.pipeline.run import run

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo"
CONFIG = '[inputs]\npaths = ["raw"]\n[forecast]\nengine = "fast"\n[output]\ndir = "out"\nnotebooks = false\n'
REPORT = Path("warwickshire") / "report-q1-2023-24.html"


def run_in(folder: Path):
    return run(load_config(folder / "ncpm.toml"))


def change_survey(folder: Path, by: int) -> None:
    """A new survey file: the last month's satisfied count lowered by ``by`` (measures and report recompute)."""
    survey = folder / "raw" / "survey.csv"
    lines = survey.read_text(encoding="utf-8").splitlines()
    head, last = lines[0].split(","), lines[-1].split(",")
    last[head.index("satisfied")] = str(int(last[head.index("satisfied")]) - by)
    survey.write_text("\n".join([*lines[:-1], ",".join(last)]) + "\n", encoding="utf-8")


def check_published(out: Path) -> dict:
    """The published run is one complete run: the manifest the readers find (``read_manifest``, the shortcut
    ``out/manifest.json``) is the published folder's; every output it lists is there with its hash, through the
    published folder and through the shortcuts users know; the published folder holds no other file."""
    pub = published_dir(out)
    assert pub.parent == out / "runs" and pub.name.isdigit(), pub
    manifest = json.loads((pub / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert read_manifest(out) == manifest
    assert json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8")) == manifest
    for rel, digest in manifest["outputs"].items():
        assert sha256_file(pub / rel) == digest, rel
        assert sha256_file(out / rel) == digest, rel  # out/warwickshire/..., out/store/...: the same files
    held = {p.relative_to(pub).as_posix() for p in pub.rglob("*") if p.is_file()}
    assert held == {*manifest["outputs"], MANIFEST_NAME}
    for paths in manifest["reports"].values():
        assert all(Path(p).is_file() for p in paths)
    return manifest


def survey_hash(manifest: dict) -> str:
    return next(v for k, v in manifest["inputs"]["fingerprints"].items() if k.endswith("survey.csv"))


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    folder = tmp_path_factory.mktemp("publish") / "template"
    folder.mkdir()
    shutil.copytree(DEMO, folder / "raw")
    (folder / "ncpm.toml").write_text(CONFIG, encoding="utf-8")
    assert run_in(folder).exit_code == 0
    return folder


@pytest.fixture
def workspace(done, tmp_path):
    copy = tmp_path / "ws"
    shutil.copytree(done, copy, symlinks=True)
    return copy


# where the run kills itself: after the 3rd file written (in the ingest), before the report is rendered (step 5
# starts: measures written, forecasts and peers carried over), with the new run complete but unpublished, renamed
# complete but the pointer not switched, and just after the switch (shortcuts and pruning not done)
KILL_POINTS = ("outputs:3", "step:5", "publish:manifest", "publish:renamed", "publish:pointer")


def test_a_killed_run_leaves_one_complete_run_published_and_the_next_run_repairs(workspace):
    out = workspace / "out"
    published = check_published(out)
    for i, point in enumerate(KILL_POINTS, start=1):
        change_survey(workspace, by=i)
        proc = subprocess.run([sys.executable, "-m", "ncpm", "run", "--config", str(workspace / "ncpm.toml"), "-q"],
                              cwd=workspace, capture_output=True, text=True, timeout=300,
                              env={**os.environ, publish.KILL_ENV: point})
        assert proc.returncode == -signal.SIGKILL, (point, proc.stderr)
        now = check_published(out)
        if point == "publish:pointer":  # the switch was made: the new run, all of it
            assert survey_hash(now) == sha256_file(workspace / "raw" / "survey.csv") != survey_hash(published)
        else:  # not yet: the previous run, all of it
            assert now == published, point
        published = now
        assert len(list((out / "runs").glob(".partial-*"))) <= 1  # the run before's partial folder was removed

    # the last kill came after the switch: the next run finds the new run published, finishes the pruning and has
    # nothing else to do; after one more change it computes and publishes
    summary = run_in(workspace)
    assert summary.exit_code == 0 and summary.nothing_changed and any("stale lock" in w for w in summary.warnings)
    assert check_published(out) == published
    assert len([p for p in (out / "runs").iterdir() if p.name.isdigit()]) == 2  # the published and the previous
    change_survey(workspace, by=10)
    summary = run_in(workspace)
    assert summary.exit_code == 0
    assert summary.recomputed == ["ingest", "measures:Warwickshire", "report:Warwickshire"]
    final = check_published(out)
    assert survey_hash(final) == sha256_file(workspace / "raw" / "survey.csv") != survey_hash(published)
    assert not list((out / "runs").glob(".partial-*")) and not list(out.glob(".*.tmp"))
    assert len([p for p in (out / "runs").iterdir() if p.name.isdigit()]) == 2


def test_reused_outputs_are_the_previous_runs_files_and_old_runs_are_pruned(workspace):
    out = workspace / "out"
    before = published_dir(out)
    change_survey(workspace, by=3)
    assert run_in(workspace).exit_code == 0
    after = published_dir(out)
    assert after != before
    check_published(out)
    for rel in ("warwickshire/tables/forecasts/forecast_quarter.parquet", "store/volumes.parquet"):
        assert os.path.samefile(before / rel, after / rel), rel  # carried over by a hard link, not rewritten
    assert not os.path.samefile(before / "store/survey.parquet", after / "store/survey.parquet")
    change_survey(workspace, by=4)
    assert run_in(workspace).exit_code == 0
    kept = sorted(p.name for p in (out / "runs").iterdir())
    assert kept == [after.name, published_dir(out).name]  # the one before the previous is pruned


def test_symbolic_links_in_the_output_folder_are_not_written_through(workspace, tmp_path):
    out = workspace / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / ".staging").symlink_to(elsewhere, target_is_directory=True)  # the old store staging folder
    (out / "warwickshire").unlink()
    (out / "warwickshire").symlink_to(elsewhere, target_is_directory=True)  # a shortcut pointed elsewhere
    change_survey(workspace, by=2)
    assert run_in(workspace).exit_code == 0
    assert list(elsewhere.iterdir()) == []  # nothing written outside the output folder
    assert not (out / ".staging").exists() and not (out / ".staging").is_symlink()
    assert os.readlink(out / "warwickshire") == "current/warwickshire"
    check_published(out)

    shutil.rmtree(out / "runs" / sorted(p.name for p in (out / "runs").iterdir())[0])
    runs = out / "runs"
    shutil.move(runs, tmp_path / "runs-moved")
    runs.symlink_to(tmp_path / "runs-moved", target_is_directory=True)
    change_survey(workspace, by=5)
    with pytest.raises(ConfigError, match="symbolic link"):
        run_in(workspace)


def test_without_symbolic_links_the_pointer_is_a_file(done, tmp_path, monkeypatch):
    """Windows without the symlink privilege: ``current.txt`` names the published run; readers go through
    ``published_dir`` and the manifest's report paths are in the generation folder."""
    monkeypatch.setattr(publish, "symlinks_supported", lambda folder: False)
    folder = tmp_path / "win"
    folder.mkdir()
    shutil.copytree(done / "raw", folder / "raw")
    (folder / "ncpm.toml").write_text(CONFIG, encoding="utf-8")
    out = folder / "out"
    # the previous layout (before generations): the files in place, the manifest a plain file
    shutil.copytree(published_dir(done / "out"), out)
    assert published_dir(out) == out
    change_survey(folder, by=6)
    summary = run_in(folder)
    assert summary.exit_code == 0 and summary.reused == ["forecasts:Warwickshire", "peers:Warwickshire"]
    assert (out / "current.txt").read_text(encoding="utf-8").strip() == "runs/1"
    assert published_dir(out) == out / "runs" / "1" and not (out / "current").exists()
    manifest = read_manifest(out)
    assert manifest["reports"]["Warwickshire"][0] == str(out / "runs" / "1" / REPORT)
    pub = published_dir(out)
    for rel, digest in manifest["outputs"].items():
        assert sha256_file(pub / rel) == digest, rel


def test_notebooks_are_never_written_through_a_link_planted_in_the_output_folder(tmp_path):
    from ncpm.pipeline.notebooks import render_notebooks

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notebooks").symlink_to(elsewhere, target_is_directory=True)
    render_notebooks(out / "notebooks", names=())
    assert (out / "notebooks").is_dir() and not (out / "notebooks").is_symlink()
    assert list(elsewhere.iterdir()) == []
