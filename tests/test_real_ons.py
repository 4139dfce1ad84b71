"""The real ONS "Police force area data tables" workbooks, 2018-2019 editions (shared/data/ons-pfa-workbooks, see
SOURCES.md section 8 there), against the figures they publish: Table P1 (counts) and Table P3 (populations)."""

import subprocess
import sys
from pathlib import Path

import pytest

from ncpm.core.catalogue import measure_for_ons_group
from ncpm.core.forces import territorial_forces
from ncpm.io.detect import read_any
from ncpm.io.store import read_store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # beside the project, as tests/test_peers_real.py
WORKBOOKS = DATA / "ons-pfa-workbooks"

pytestmark = pytest.mark.skipif(not WORKBOOKS.is_dir(),
                                reason=f"the real ONS workbooks are not beside the project ({WORKBOOKS} is absent)")

# file: (period end, Warwickshire total recorded crime excluding fraud, P3 population year, Warwickshire population)
EDITIONS = {
    "policeforceareatablesyearendingmarch2018v2.xlsx": ("2018-03", 41443, 2016, 559000),
    "policeforceareatablesyeendingmarch2019.xlsx": ("2019-03", 41962, 2017, 564600),
    "policeforceareatablesyearendingjune2019.xlsx": ("2019-06", 41923, 2018, 571000),
    "pfatablesdec19.xlsx": ("2019-12", 42014, 2018, 571000),
}
TOTAL = "ons:total_recorded_crime_excluding_fraud"


@pytest.fixture(scope="module", params=list(EDITIONS))
def edition(request):
    counts, population = read_any(WORKBOOKS / request.param)
    return request.param, counts, population


def test_table_p1_counts(edition):
    name, counts, _ = edition
    end, total, _, _ = EDITIONS[name]
    f = counts.frame
    assert counts.kind == "period_counts" and counts.problems == []
    assert set(f["period_end"].astype(str)) == {end}
    warwickshire = f[f["force"] == "Warwickshire"].set_index("measure")["count"]
    assert warwickshire[TOTAL] == total
    # footnote markers never reach a measure id ("ons:residential_burglary6" was the bug): residential burglary
    # is the NCPM measure, and every column is one measure
    assert not f["measure"].str.contains(r"\d").any()
    assert measure_for_ons_group("Residential burglary") in set(warwickshire.index)
    assert len(warwickshire) == 23
    assert counts.rows_in == counts.rows_loaded + counts.rows_rejected + counts.summed


def test_43_forces_each_loaded_or_noted(edition):
    name, counts, _ = edition
    loaded = set(counts.frame["force"])
    unavailable = {n.split(",")[0] for n in counts.notes if "no figure available" in n}
    assert loaded | unavailable == set(territorial_forces()) and not loaded & unavailable
    skipped = [r for r in counts.rejected if r.reason.startswith("no figure available")]
    if name == "pfatablesdec19.xlsx":  # Greater Manchester could not supply data (new IT system, July 2019)
        assert unavailable == {"Greater Manchester"} and [(r.line, r.expected) for r in skipped] == [(16, True)]
        assert "'..'" in skipped[0].reason
    else:
        assert unavailable == set() and skipped == [] and len(loaded) == 43


def test_table_p3_populations(edition):
    name, _, population = edition
    _, _, year, warwickshire = EDITIONS[name]
    p = population.frame
    assert population.kind == "population" and population.problems == []
    assert set(p["year"]) == {year}
    assert p.set_index("force").loc["Warwickshire", "population"] == warwickshire
    assert (p["population"] % 100 == 0).all()
    assert population.notes[0].startswith(f"mid-{year} populations as the source prints them, rounded to the "
                                          "nearest 100")
    expected = 42 if name == "pfatablesdec19.xlsx" else 43
    assert p["force"].nunique() == expected
    assert population.rows_in == population.rows_loaded + population.rows_rejected + population.summed


def _ncpm(*args):
    return subprocess.run([sys.executable, "-m", "ncpm", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).resolve().parents[1])


def test_validate_every_workbook_is_clean():
    done = _ncpm("validate", *(WORKBOOKS / n for n in EDITIONS), "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("clean") and "traceback" not in (done.stdout + done.stderr).lower()


@pytest.mark.parametrize("name", list(EDITIONS))
def test_ingest_each_workbook(tmp_path, name):
    done = _ncpm("ingest", WORKBOOKS / name, "--out", tmp_path, "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    counts, population = read_store(tmp_path, "period_counts"), read_store(tmp_path, "population")
    end, total, year, people = EDITIONS[name]
    w = counts[(counts["force"] == "Warwickshire") & (counts["measure"] == TOTAL)]
    assert w["count"].tolist() == [total] and w["period_end"].astype(str).tolist() == [end]
    assert population[population["force"] == "Warwickshire"][["year", "population"]].values.tolist() == \
        [[year, people]]


def _published_row(path, first_cell):
    """The numbers of one row of Table P1, read here with openpyxl alone (the row whose code or name starts with
    ``first_cell``; the sheet is the one whose title cell starts "Table P1")."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = next(s for s in book.worksheets if str(next(s.iter_rows(values_only=True))[0]).startswith("Table P1"))
        row = next(r for r in sheet.iter_rows(values_only=True) if str(r[0] or r[1] or "").startswith(first_cell))
        return [v for v in row if isinstance(v, int | float)]
    finally:
        book.close()


def test_forces_and_british_transport_police_add_up_to_england_and_wales(edition):
    """Every column read: the forces loaded plus British Transport Police (which the England and Wales total
    includes) give the published England and Wales total, over all 23 columns at once. In the December 2019
    edition the total leaves Greater Manchester out, as the forces loaded do."""
    name, counts, _ = edition
    national = _published_row(WORKBOOKS / name, "K04000001")
    btp = _published_row(WORKBOOKS / name, "British Transport Police")
    assert len(national) == len(btp) == 23
    assert counts.frame["count"].sum() + sum(btp) == sum(national)
