"""Errors a user can cause never end as an internal error (exit 3): the file is named and the exit code says whose
problem it is (1 input, 2 usage or configuration). Written files get the permissions the umask allows."""

import os
import stat
from pathlib import Path

import pytest

from ncpm import cli
from ncpm.io.atomic import atomic_write_bytes

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo"


@pytest.mark.parametrize(("error", "code", "words"), [
    (IsADirectoryError(21, "Is a directory", "/tmp/out"), 2, "/tmp/out is a folder: give a file name"),
    (PermissionError(13, "Permission denied", "/srv/in.csv"), 1, "/srv/in.csv: permission denied"),
])
def test_os_errors_a_user_causes_get_their_exit_code(monkeypatch, capsys, error, code, words):
    def fail(_args):
        raise error

    real = cli.build_parser

    def parser_whose_command_fails():
        parser = real()
        parse = parser.parse_args

        def parse_args(argv=None):
            args = parse(argv)
            args.func = fail  # the command meets the error as a reader or writer would
            return args

        parser.parse_args = parse_args
        return parser

    monkeypatch.setattr(cli, "build_parser", parser_whose_command_fails)
    assert cli.main(["validate", str(DEMO / "volumes.csv")]) == code
    err = capsys.readouterr().err
    assert words in err and "internal error" not in err


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_written_files_follow_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = atomic_write_bytes(tmp_path / "report.html", b"<p>x</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
