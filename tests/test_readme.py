"""The README stays true: it opens with the two commands, and its Python example runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_make_has_them():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert [line.split()[:2] for line in first_block] == [["make", "demo"], ["make", "test"]]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_example_runs(monkeypatch, capsys):
    code = re.search(r"## Python\n\n```python\n(.*?)```", README, re.S).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102  the README's own example
    out = capsys.readouterr().out
    assert "S3 In May 2023" in out or re.search(r"^S3 ", out, re.M)
    assert {"res", "ahead"} <= set(namespace) and len(namespace["ahead"]) == 3


@pytest.mark.parametrize("command", ["ingest", "validate", "run", "report", "demo", "demo-data", "export", "commentary"])
def test_every_cli_command_is_documented(command):
    assert f"`ncpm {command}" in README


def test_readme_configuration_examples_are_valid():
    from ncpm.pipeline.config import load_config_text

    blocks = re.findall(r"```toml\n(.*?)```", README, re.S)
    assert blocks
    for block in blocks:
        load_config_text(block)
