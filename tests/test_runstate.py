import json
import os
import socket
import subprocess
import sys

import pytest

from ncpm.io.runstate import RunLock, RunLocked, combine, fingerprint_inputs, read_manifest


def test_lock_refuses_a_second_run_and_is_released(tmp_path):
    with RunLock(tmp_path):
        with pytest.raises(RunLocked, match=f"another ncpm run is using {tmp_path} \\(process {os.getpid()}"):
            with RunLock(tmp_path):
                pass
    assert not (tmp_path / ".ncpm.lock").exists()
    with RunLock(tmp_path):
        pass


def test_stale_lock_of_a_dead_process_is_cleared(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    (tmp_path / ".ncpm.lock").write_text(json.dumps({"pid": pid, "host": socket.gethostname()}))
    with RunLock(tmp_path) as lock:
        assert lock.cleared_stale and str(pid) in lock.cleared_stale


def test_lock_of_another_host_is_not_cleared(tmp_path):
    (tmp_path / ".ncpm.lock").write_text(json.dumps({"pid": 1, "host": "some-other-host"}))
    with pytest.raises(RunLocked, match="process 1 on some-other-host"):
        with RunLock(tmp_path):
            pass


def test_fingerprints_follow_content_not_time(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "README.md").write_text("ignored")
    first = fingerprint_inputs([tmp_path])
    assert list(first) == [str(tmp_path / "a.csv")]
    os.utime(tmp_path / "a.csv", (0, 0))
    assert fingerprint_inputs([tmp_path]) == first
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert fingerprint_inputs([tmp_path]) != first
    assert combine({"a": 1}, "b") == combine({"a": 1}, "b") != combine({"a": 2}, "b")


def test_missing_or_broken_manifest_reads_as_empty(tmp_path):
    assert read_manifest(tmp_path) == {}
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path) == {}


def test_read_inputs_and_the_fingerprint_agree_on_what_is_data(tmp_path):
    """A lower-case readme in an input folder is neither fingerprinted nor read (it was read, and refused)."""
    from ncpm.io.runstate import input_files
    from ncpm.pipeline.ingest import read_inputs

    (tmp_path / "volumes.csv").write_text("force,area,measure,month,count\nWarwickshire,Force,knife_crime,2023-05,50\n")
    (tmp_path / "readme.md").write_text("# notes about these extracts\n")
    (tmp_path / ".volumes.csv.swp").write_text("an editor's swap file\n")
    assert [p.name for p in input_files([tmp_path])] == ["volumes.csv"]
    (result,) = read_inputs([tmp_path])
    assert (result.kind, result.rows_loaded) == ("volumes", 1)


@pytest.mark.parametrize("content", ["", '{"pid": "abc", "host": "h"}', "not json", '["pid"]', '{"pid": true, "host": "h"}'],
                         ids=["empty", "pid-not-a-number", "not-json", "not-an-object", "pid-a-boolean"])
def test_an_unreadable_lock_is_refused_while_new_and_cleared_when_old(tmp_path, content):
    lock_file = tmp_path / ".ncpm.lock"
    lock_file.write_text(content)
    # a lock just created may belong to a run that has not written its pid yet: refused, never a crash
    with pytest.raises(RunLocked, match="an unreadable lock file"):
        with RunLock(tmp_path):
            pass
    old = lock_file.stat().st_mtime - 3600
    os.utime(lock_file, (old, old))
    # an old one was left by a run killed as it started: cleared, and said
    with RunLock(tmp_path) as lock:
        assert lock.cleared_stale and "unreadable lock" in lock.cleared_stale
    assert not lock_file.exists()
