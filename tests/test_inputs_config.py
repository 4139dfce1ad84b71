"""``[inputs]`` options of ``ncpm run``: the text files' encoding, and police.uk street files' last outcomes as
outcomes for a download without outcomes files. Through the real entry point, on files written by the test."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
MONTHS = pd.period_range("2020-07", "2023-06", freq="M").astype(str)


def ncpm(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ncpm", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def config(folder: Path, inputs: str) -> Path:
    path = folder / "ncpm.toml"
    path.write_text(f'[inputs]\npaths = ["raw"]\n{inputs}\n[scope]\nforces = ["Warwickshire"]\n'
                    '[forecast]\nengine = "fast"\n[output]\ndir = "out"\nnotebooks = false\n', encoding="utf-8")
    return path


def test_an_extract_saved_by_excel_on_windows_reads_with_inputs_encoding(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = ["force,area,measure,month,count"] + [
        f"Warwickshire,{area},vehicle_crime,{m},{30 + i % 7}" for area in ("Force", "Nuneaton – Bedworth")
        for i, m in enumerate(MONTHS)]
    (raw / "volumes.csv").write_bytes("\r\n".join(lines).encode("cp1252"))  # the en dash is byte 0x96 in cp1252
    refused = ncpm("run", "--config", config(tmp_path, ""), cwd=tmp_path)
    assert refused.returncode == 1 and "not UTF-8" in refused.stderr + refused.stdout
    done = ncpm("run", "--config", config(tmp_path, 'encoding = "cp1252"'), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    statements = json.loads((tmp_path / "out" / "warwickshire" / "statements.json").read_text(encoding="utf-8"))
    assert any("vehicle crime" in s["text"] for s in statements)


def test_an_unknown_encoding_is_a_configuration_error(tmp_path):
    (tmp_path / "raw").mkdir()
    done = ncpm("run", "--config", config(tmp_path, 'encoding = "klingon"'), cwd=tmp_path)
    assert done.returncode == 2 and "inputs.encoding: unknown encoding 'klingon'" in done.stderr


REAL = ROOT.parent / "shared" / "data" / "police-uk-real" / "warwickshire-2014-01_2014-11-street.zip"


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is not beside the project")
def test_street_files_last_outcomes_give_action_taken_rates_when_asked(tmp_path):
    # the 2014 download has street files only, whose Last outcome category holds the court outcomes of the time
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / REAL.name).symlink_to(REAL)
    without = ncpm("run", "--config", config(tmp_path, ""), "--quarter", "Q2 2014/15", cwd=tmp_path)
    assert without.returncode == 0, without.stdout + without.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert any(r["method"] == "outcome_rate" for r in manifest["not_in_report"]["Warwickshire"])
    done = ncpm("run", "--config", config(tmp_path, "police_uk_last_outcomes = true"), "--quarter", "Q2 2014/15",
                cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert not any(r["method"] == "outcome_rate" for r in manifest["not_in_report"]["Warwickshire"])
    statements = json.loads((tmp_path / "out" / "warwickshire" / "statements.json").read_text(encoding="utf-8"))
    assert any("'action taken'" in s["text"] for s in statements), [s["text"] for s in statements]
