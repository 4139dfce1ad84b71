"""``ncpm ingest`` and ``ncpm validate`` through the real entry point (a subprocess, as an analyst runs them)."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ncpm.io.store import read_store

ROOT = Path(__file__).resolve().parents[1]
P1 = ROOT.parent / "shared" / "data" / "ons-pfa-tables" / "ons_pfa_table_P1_ye_jun2025.csv"


def ncpm(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "ncpm", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.skipif(not P1.exists(), reason="../shared/data is not beside the project")
def test_ingest_reads_the_real_ons_p1_table(tmp_path):
    done = ncpm("ingest", P1, "--out", tmp_path, "--quiet")
    # regions, nations and British Transport Police are listed as skipped: expected rows of the format, not problems
    assert done.returncode == 0, done.stdout + done.stderr
    assert "56 rows in, 43 loaded, 0 rejected, 13 skipped (by design)" in done.stdout
    assert "skipped: " in done.stdout and "not a police force area (region/national total)" in done.stdout
    assert "traceback" not in (done.stdout + done.stderr).lower()
    counts = read_store(tmp_path, "period_counts")
    warwickshire = counts[counts["force"] == "Warwickshire"].set_index("measure")["count"]
    assert warwickshire["vehicle_crime"] == 3790 and warwickshire["theft_from_person"] == 226
    assert counts["force"].nunique() == 43
    assert str(counts["period_start"].iloc[0]) == "2024-07" and str(counts["period_end"].iloc[0]) == "2025-06"


def test_ingest_and_validate_the_demo_extracts(tmp_path):
    demo = ROOT / "data" / "raw" / "demo"
    done = ncpm("validate", demo / "volumes.csv", demo / "survey.csv")
    assert done.returncode == 0 and done.stdout.strip().endswith("clean")
    done = ncpm("ingest", demo / "volumes.csv", demo / "msg.csv", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0 rejected" in done.stdout
    rows = len(pd.read_csv(demo / "volumes.csv"))
    assert len(read_store(tmp_path, "volumes")) == rows
    assert f"{rows} rows in, {rows} loaded, 0 rejected" in done.stdout


def test_validate_reports_problems_with_file_row_and_column(tmp_path):
    bad = tmp_path / "extract.csv"
    bad.write_text("force,area,measure,month,count\nWarwickshire,Force,knife_crime,2023-05,50\n"
                   "Gotham,Force,knife_crime,2023-05,3\nWarwickshire,Force,knife_crime,2023-13,4\n")
    done = ncpm("validate", bad)
    assert done.returncode == 1
    assert f"{bad}, row 3, column force: unknown force 'Gotham'" in done.stdout
    assert f"{bad}, row 4, column month:" in done.stdout
    assert "2 problem(s) found" in done.stdout


def test_missing_column_is_one_message_not_a_traceback(tmp_path):
    bad = tmp_path / "extract.csv"
    bad.write_text("force,area,measure,month,cuont\nWarwickshire,Force,knife_crime,2023-05,50\n")
    done = ncpm("ingest", bad, "--out", tmp_path / "out")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and str(bad) in (done.stdout + done.stderr)


@pytest.mark.parametrize("args", [["ingest"], ["validate"], ["nonsense"], ["ingest", "no-such-file", "--out", "x"]])
def test_usage_errors_exit_2(args):
    assert ncpm(*args).returncode == 2


def test_demo_data_regenerates_byte_for_byte(tmp_path):
    done = ncpm("demo-data", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    for committed in (ROOT / "data" / "raw" / "demo").glob("*.csv"):
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), committed.name


def test_ingest_a_police_uk_archive_by_lsoa(tmp_path):
    """`ncpm ingest --lsoa`: the national archive's records counted by LSOA code (issue 8), through the CLI."""
    from fixtures_io import write_police_uk_zip

    archive = tmp_path / "police.zip"
    write_police_uk_zip(archive)
    by_force = ncpm("ingest", archive, "--out", tmp_path / "force", "--quiet")
    by_lsoa = ncpm("ingest", archive, "--lsoa", "--out", tmp_path / "lsoa", "--quiet")
    assert by_force.returncode == 0 and by_lsoa.returncode == 0, by_lsoa.stdout + by_lsoa.stderr
    force, lsoa = read_store(tmp_path / "force", "volumes"), read_store(tmp_path / "lsoa", "volumes")
    assert set(force["area"]) == {"Force", "Warwick", "Worcester", "No location"}  # the force and its districts
    force = force[force["area"] == "Force"]
    assert set(lsoa["area"]) == {"E01031062", "E01032001", "no LSOA"}
    assert lsoa["count"].sum() == force["count"].sum()
    assert (lsoa.groupby(["force", "measure", "month"])["count"].sum()
            == force.set_index(["force", "measure", "month"])["count"]).all()


C2 = P1.with_name("ons_csp_table_C2_ye_jun2025.csv")


@pytest.mark.skipif(not C2.exists(), reason="../shared/data is not beside the project")
def test_ingest_reads_the_real_ons_c2_table_by_community_safety_partnership(tmp_path):
    done = ncpm("ingest", C2, "--out", tmp_path, "--quiet")
    # the published file has one row with no numbers (a Sussex code, "unassigned Surrey"): listed, exit 1
    assert done.returncode == 1, done.stdout + done.stderr
    assert "399 rows in, 398 loaded, 1 rejected" in done.stdout
    assert f"{C2}, row 344, column Total recorded crime (excluding fraud): missing value" in done.stdout
    assert "traceback" not in (done.stdout + done.stderr).lower()
    counts = read_store(tmp_path, "period_counts")
    rugby = counts[(counts["force"] == "Warwickshire") & (counts["area"] == "Rugby")].set_index("measure")["count"]
    assert rugby["vehicle_crime"] == 461
