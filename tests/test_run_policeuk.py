"""Issue 12: police.uk street files alone give a report through ``ncpm run``, with every statement the data support
and a "Not in this report" section (and the manifest's ``not_in_report`` list) naming, per measure and method, what
they cannot support and why; no statement, chart, table or section contradicts another.

The real Leicestershire download (35 months) is read from shared/data when it is there (see SOURCES.md there);
small police.uk files are written here. Every run uses the fast forecast engine.
"""

import html
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ncpm.core.catalogue import label as catalogue_label
from ncpm.core.errors import ConfigError
from ncpm.pipeline.config import load_config
from ncpm.pipeline.run import run

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LEICESTERSHIRE = DATA / "police-uk-real" / "leicestershire-2019-12_2022-10-street.zip"
STREET = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
          "Last outcome category,Context\n")
OUTCOMES = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
LSOAS = (("E01031000", "Rugby 001A"), ("E01031100", "Warwick 002B"), ("E01031200", "Stratford-on-Avon 003C"),
         ("E01031300", "North Warwickshire 004D"), ("E01031400", "Nuneaton and Bedworth 005E"))
TYPES = {"Burglary": 60, "Vehicle crime": 50, "Theft from the person": 12, "Robbery": 8, "Drugs": 20,
         "Anti-social behaviour": 90, "Other theft": 40}


def _config(folder: Path, paths, force: str, quarter: str, extra: str = "") -> Path:
    listed = ", ".join(f'"{p}"' for p in paths)
    text = (f'[inputs]\npaths = [{listed}]\n[scope]\nforces = ["{force}"]\nquarter = "{quarter}"\n'
            f'[forecast]\nengine = "fast"\n[output]\ndir = "out"\nnotebooks = false\n{extra}')
    path = folder / "ncpm.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_police_uk(folder: Path, months, *, outcomes: bool = False, seed: int = 7) -> Path:
    """A police.uk folder for Warwickshire: one street file a month (and an outcomes file a month), counts drawn
    from a seasonal Poisson model, each record in one of five districts."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    crime_ids = []
    for i, month in enumerate(months):
        season = 1 + 0.15 * np.sin(2 * np.pi * i / 12)
        rows, n = [], 0
        for crime_type, mean in TYPES.items():
            for _ in range(rng.poisson(mean * season)):
                code, name = LSOAS[rng.integers(len(LSOAS))]
                cid = "" if crime_type == "Anti-social behaviour" else f"c{month}-{n}"
                n += 1
                rows.append(f"{cid},{month},Warwickshire Police,Warwickshire Police,-1.5,52.3,On or near X,{code},"
                            f"{name},{crime_type},Under investigation,\n")
                if cid:
                    crime_ids.append((cid, code, name))
        sub = folder / month
        sub.mkdir(exist_ok=True)
        (sub / f"{month}-warwickshire-street.csv").write_text(STREET + "".join(rows), encoding="utf-8")
        if outcomes:
            picked = [crime_ids[k] for k in rng.choice(len(crime_ids), size=min(80, len(crime_ids)), replace=False)]
            texts = ("Offender given a caution", "Suspect charged", "Investigation complete; no suspect identified",
                     "Local resolution")
            lines = [f"{cid},{month},Warwickshire Police,Warwickshire Police,-1.5,52.3,On or near X,{code},{name},"
                     f"{texts[k % len(texts)]}\n" for k, (cid, code, name) in enumerate(picked)]
            (sub / f"{month}-warwickshire-outcomes.csv").write_text(OUTCOMES + "".join(lines), encoding="utf-8")
    return folder


def _months(first: str, n: int) -> list[str]:
    import pandas as pd

    return [str(m) for m in pd.period_range(first, periods=n, freq="M")]


def _report_text(path: Path) -> str:
    text = re.sub(r"<img[^>]*>", "", path.read_text(encoding="utf-8"))
    return html.unescape(re.sub(r"<[^>]+>", "\n", text))


def _section(text: str, heading: str, end: str) -> str:
    return text.split(heading, 1)[1].split(end, 1)[0]


def check_no_contradiction(out: Path, force_slug: str) -> dict:
    """Every measure in the summary table has its section; a measure listed as not in the report has no statement
    and no section; the manifest's list and the report's section agree. Returns the manifest."""
    import pandas as pd

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (force, records), = manifest["not_in_report"].items()
    statements = json.loads((out / force_slug / "statements.json").read_text(encoding="utf-8"))
    report = next((out / force_slug).glob("report-*.html"))
    text = _report_text(report)
    summary = pd.read_parquet(out / force_slug / "summary.parquet")
    headings = set(re.findall(r"<h4>([^<]+)</h4>", report.read_text(encoding="utf-8")))
    headings = {html.unescape(h) for h in headings}
    for title in summary["Measure"]:
        assert title in headings, f"{title} is in the summary table but has no section"
    left_out = {r["measure"] for r in records if r["measure"] and not r["method"]}
    assert not left_out & {s["measure"] for s in statements}, "a measure listed as not in the report has a statement"
    assert not {catalogue_label(m, capital=True) for m in left_out} & headings
    listed = _section(text, "Not in this report", "3. Performance")
    for r in records:
        if not r["outside_ncpm"]:
            assert f"{r['label']} ({r['reason']})" in listed, r
    return manifest


@pytest.mark.skipif(not LEICESTERSHIRE.exists(), reason="shared/data (the real police.uk download) is not available")
def test_real_leicestershire_download_gives_a_report(tmp_path):
    summary = run(load_config(_config(tmp_path, [LEICESTERSHIRE], "Leicestershire", "Q2 2022/23")))
    assert summary.exit_code == 0, summary.problems
    out = tmp_path / "out"
    manifest = check_no_contradiction(out, "leicestershire")
    records = manifest["not_in_report"]["Leicestershire"]
    by_measure = {r["measure"]: r for r in records if r["measure"] and not r["method"]}
    assert by_measure["knife_crime"]["reason"] == "needs a force extract"
    assert by_measure["theft_from_person_pickpocket"]["reason"] == "needs a force extract"
    assert by_measure["police_uk:anti_social_behaviour"]["outside_ncpm"]
    average = next(r for r in records if r["method"] == "3-year average")
    assert average["measure"] is None and "33 supplied" in average["reason"]  # 2019-12 .. 2022-08 before Sep 2022
    assert any(r["method"] == "outcome_rate" and "outcomes files" in r["reason"] for r in records)
    text = _report_text(out / "leicestershire" / "report-q2-2022-23.html")
    statements = json.loads((out / "leicestershire" / "statements.json").read_text(encoding="utf-8"))
    kinds = {(s["measure"], s["kind"]) for s in statements}
    assert {("burglary", "volume"), ("burglary", "forecast_direction"), ("vehicle_crime", "volume")} <= kinds
    assert all(s["text"] in text for s in statements)
    assert "3-year average" not in " ".join(s["text"] for s in statements)  # none stated without 36 months
    assert "None" not in " ".join(s["text"] for s in statements) and not re.search(r"\bnan\b", text, re.I)
    assert "knife crime (needs a force extract)" in text


def test_twelve_months_of_street_files(tmp_path):
    raw = write_police_uk(tmp_path / "raw", _months("2022-07", 12))
    summary = run(load_config(_config(tmp_path, [raw], "Warwickshire", "Q1 2023/24")))
    assert summary.exit_code == 0, summary.problems
    manifest = check_no_contradiction(tmp_path / "out", "warwickshire")
    records = manifest["not_in_report"]["Warwickshire"]
    average = next(r for r in records if r["method"] == "3-year average")
    assert "needs 36 months before June 2023, the month reported: 11 supplied" == average["reason"]
    assert any(r["method"] == "outcome_rate" for r in records)
    statements = json.loads((tmp_path / "out" / "warwickshire" / "statements.json").read_text(encoding="utf-8"))
    burglary = [s["text"] for s in statements if s["measure"] == "burglary" and s["kind"] == "volume"]
    assert burglary and "3-year average" not in burglary[0]


def test_forty_months_with_outcomes_states_rates_and_averages(tmp_path):
    raw = write_police_uk(tmp_path / "raw", _months("2020-03", 40), outcomes=True)
    summary = run(load_config(_config(tmp_path, [raw], "Warwickshire", "Q1 2023/24")))
    assert summary.exit_code in (0, 1), summary.problems
    manifest = check_no_contradiction(tmp_path / "out", "warwickshire")
    records = manifest["not_in_report"]["Warwickshire"]
    assert not any(r["method"] == "3-year average" for r in records)
    statements = json.loads((tmp_path / "out" / "warwickshire" / "statements.json").read_text(encoding="utf-8"))
    burglary = [s["text"] for s in statements if s["measure"] == "burglary"]
    assert any("3-year average" in t for t in burglary), burglary
    rates = {s["measure"] for s in statements if s["kind"] == "outcome_rate"}
    assert {"burglary", "vehicle_crime"} <= rates, "outcomes were read but no 'action taken' rate was stated"
    stated_or_listed = rates | {r["measure"] for r in records if r["method"] == "outcome_rate"}
    assert {"robbery", "drug_offences", "burglary", "vehicle_crime"} <= stated_or_listed
    assert not any("No location" in s["text"] for s in statements)
    by_area = [s["text"] for s in statements if s["kind"] == "lpa_change"]
    assert by_area and " LPA" not in by_area[0]  # districts are named alone: "in Rugby", not "the Rugby LPA"


def test_areas_config_maps_districts_and_names_a_bad_key(tmp_path):
    raw = write_police_uk(tmp_path / "raw", _months("2022-07", 12))
    good = ('[areas.Warwickshire]\nNorth = ["North Warwickshire", "Nuneaton and Bedworth"]\nEast = ["Rugby"]\n'
            'South = ["Stratford-on-Avon", "Warwick"]\n')
    summary = run(load_config(_config(tmp_path, [raw], "Warwickshire", "Q1 2023/24", good)))
    assert summary.exit_code == 0
    import pandas as pd

    base = pd.read_parquet(tmp_path / "out" / "warwickshire" / "tables" / "measures" / "baseline.parquet")
    assert set(base["area"]) <= {"Force", "North", "East", "South", "No location"}
    statements = json.loads((tmp_path / "out" / "warwickshire" / "statements.json").read_text(encoding="utf-8"))
    by_area = [s["text"] for s in statements if s["kind"] == "lpa_change"]
    assert by_area and " LPA" in by_area[0]  # mapped areas are the force's LPAs
    bad = '[areas.Warwickshire]\nEast = ["Rugbey"]\n'
    (tmp_path / "bad").mkdir()
    with pytest.raises(ConfigError, match=r"ncpm.toml: areas.Warwickshire.East: no district 'Rugbey'.*Rugby"):
        run(load_config(_config(tmp_path / "bad", [raw], "Warwickshire", "Q1 2023/24", bad)))


@pytest.mark.parametrize("force", ["West Mercia", "City of London"])
def test_demo_run_for_another_force(tmp_path, force):
    demo = ROOT / "data" / "raw" / "demo"
    summary = run(load_config(_config(tmp_path, [demo], force, "Q1 2023/24")))
    assert summary.exit_code == 0, summary.problems
    slug = force.lower().replace(" ", "-")
    manifest = check_no_contradiction(tmp_path / "out", slug)
    records = manifest["not_in_report"][force]
    assert {"knife_crime", "firearms"} <= {r["measure"] for r in records}
    text = _report_text(tmp_path / "out" / slug / "report-q1-2023-24.html")
    assert not re.search(r"\bnan\b", text.split("Methods and sources")[0], re.I)  # a missing value, not "Provenance"


def test_police_uk_archive_zip(tmp_path):
    raw = write_police_uk(tmp_path / "raw", _months("2022-07", 12))
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(raw.rglob("*.csv")):
            z.write(p, p.relative_to(raw).as_posix())
    summary = run(load_config(_config(tmp_path, [archive], "Warwickshire", "Q1 2023/24")))
    assert summary.exit_code == 0, summary.problems
    check_no_contradiction(tmp_path / "out", "warwickshire")


@pytest.mark.skipif(not LEICESTERSHIRE.exists(), reason="shared/data (the real police.uk download) is not available")
def test_real_twelve_month_subset(tmp_path):
    """The last 12 monthly files of the real download, in an archive written here (2021-11 to 2022-10)."""
    subset = tmp_path / "leicestershire-12.zip"
    with zipfile.ZipFile(LEICESTERSHIRE) as src, zipfile.ZipFile(subset, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist())[-12:]:
            dst.writestr(name, src.read(name))
    summary = run(load_config(_config(tmp_path, [subset], "Leicestershire", "Q2 2022/23")))
    assert summary.exit_code == 0, summary.problems
    manifest = check_no_contradiction(tmp_path / "out", "leicestershire")
    reasons = {r["method"]: r["reason"] for r in manifest["not_in_report"]["Leicestershire"] if r["method"]}
    assert reasons["3-year average"] == "needs 36 months before September 2022, the month reported: 10 supplied"
    assert reasons["forecast_quarter"] == "needs 12 months to its origin, June 2022: 8 supplied"
