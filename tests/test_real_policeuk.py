"""Real data.police.uk downloads (shared/data/police-uk-real, see SOURCES.md section 7 there): the published row
and crime-type totals, local authority districts that add up to the force, and outcomes from the legacy and current
"Last outcome category" texts. Expected values are SOURCES.md's or computed here with plain pandas."""

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ncpm.io.policeuk import read_police_uk
from ncpm.methods.outcomes import outcome_rate
from ncpm.methods.series import NO_LOCATION, map_areas

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "police-uk-real"
LEICESTERSHIRE = DATA / "leicestershire-2019-12_2022-10-street.zip"
WARWICKSHIRE = DATA / "warwickshire-2014-01_2014-11-street.zip"

pytestmark = pytest.mark.skipif(not (LEICESTERSHIRE.exists() and WARWICKSHIRE.exists()),
                                reason="shared/data/police-uk-real is not available")

# SOURCES.md section 7: records by Crime type
LEICESTERSHIRE_TYPES = {
    "police_uk:violence_and_sexual_offences": 112_532, "police_uk:public_order": 34_718,
    "police_uk:anti_social_behaviour": 33_364, "police_uk:criminal_damage_and_arson": 29_294,
    "police_uk:other_theft": 22_428, "vehicle_crime": 18_495, "burglary": 13_708, "police_uk:shoplifting": 10_112,
    "drug_offences": 9_259, "police_uk:other_crime": 6_542, "police_uk:bicycle_theft": 4_672,
    "possession_of_weapons": 2_487, "robbery": 2_233, "theft_from_person": 1_994}
WARWICKSHIRE_TYPES = {"vehicle_crime": 3_592, "burglary": 3_248, "theft_from_person": 228, "robbery": 207,
                      "possession_of_weapons": 110}
# the local authority districts each force polices
LEICESTERSHIRE_DISTRICTS = {"Leicester", "Blaby", "Charnwood", "Harborough", "Hinckley and Bosworth", "Melton",
                            "North West Leicestershire", "Oadby and Wigston", "Rutland"}
WARWICKSHIRE_DISTRICTS = {"North Warwickshire", "Nuneaton and Bedworth", "Rugby", "Stratford-on-Avon", "Warwick"}
WARWICKSHIRE_LPAS = {"North": ["North Warwickshire", "Nuneaton and Bedworth"], "East": ["Rugby"],
                     "South": ["Stratford-on-Avon", "Warwick"]}


@pytest.fixture(scope="module")
def leicestershire():
    return read_police_uk(LEICESTERSHIRE, last_outcomes=True)


@pytest.fixture(scope="module")
def warwickshire():
    return read_police_uk(WARWICKSHIRE, last_outcomes=True)


def _whole(frame):
    return frame[frame.area == "Force"]


def _adds_up(frame):
    keys = [c for c in frame.columns if c not in ("area", "count")]
    parts = frame[frame.area != "Force"].groupby(keys, observed=True)["count"].sum()
    whole = _whole(frame).set_index(keys)["count"]
    pd.testing.assert_series_equal(parts.sort_index(), whole.sort_index(), check_names=False)


def test_leicestershire_published_totals(leicestershire):
    volumes, _ = leicestershire
    assert (volumes.rows_in, volumes.rows_loaded, volumes.rejected) == (301_838, 301_838, [])
    whole = _whole(volumes.frame)
    assert whole.groupby("measure")["count"].sum().to_dict() == LEICESTERSHIRE_TYPES
    monthly = whole.groupby("month")["count"].sum()
    assert len(monthly) == 35 and str(monthly.index.min()) == "2019-12" and str(monthly.index.max()) == "2022-10"
    assert (monthly.min(), str(monthly.idxmin()), monthly.max(), str(monthly.idxmax())) == \
        (6_509, "2021-02", 10_373, "2022-08")
    assert volumes.frame.loc[volumes.frame.area == NO_LOCATION, "count"].sum() == 7_463  # blank LSOA
    assert set(volumes.frame.force) == {"Leicestershire"} and volumes.notes == []


def test_leicestershire_districts_add_up_to_the_force(leicestershire):
    volumes, outcomes = leicestershire
    _adds_up(volumes.frame)
    _adds_up(outcomes.frame)
    by_district = volumes.frame[volumes.frame.area != "Force"].groupby("area")["count"].sum()
    located = by_district.drop(NO_LOCATION)
    # the force's own districts hold all but a few hundred records: police.uk places those just over the border
    assert set(located[located / located.sum() > 0.01].index) == LEICESTERSHIRE_DISTRICTS
    assert located.drop(list(LEICESTERSHIRE_DISTRICTS)).sum() == 583


def test_warwickshire_published_totals_and_districts(warwickshire):
    volumes, outcomes = warwickshire
    assert (volumes.rows_in, volumes.rows_loaded, volumes.rejected) == (41_408, 41_408, [])
    whole = _whole(volumes.frame).groupby("measure")["count"].sum()
    assert whole[list(WARWICKSHIRE_TYPES)].to_dict() == WARWICKSHIRE_TYPES and whole.sum() == 41_408
    _adds_up(volumes.frame)
    _adds_up(outcomes.frame)
    by_district = volumes.frame[volumes.frame.area != "Force"].groupby("area")["count"].sum()
    assert by_district[NO_LOCATION] == 53  # blank LSOA
    located = by_district.drop(NO_LOCATION)
    assert set(located[located / located.sum() > 0.01].index) == WARWICKSHIRE_DISTRICTS
    outside = located.drop(list(WARWICKSHIRE_DISTRICTS))
    assert outside.idxmax() == "Coventry" and outside.max() == 114 and outside.sum() == 273


def test_warwickshire_districts_match_an_independent_count():
    frames = []
    with zipfile.ZipFile(WARWICKSHIRE) as z:
        for name in z.namelist():
            if name.endswith("-street.csv"):
                frames.append(pd.read_csv(io.BytesIO(z.read(name)), dtype=str, keep_default_na=False))
    df = pd.concat(frames, ignore_index=True)
    district = df["LSOA name"].map(lambda n: re.sub(r"\s+\d{3}[A-Z]$", "", n.strip()) or NO_LOCATION)
    expected = district.value_counts().to_dict()
    (volumes,) = read_police_uk(WARWICKSHIRE)
    got = volumes.frame[volumes.frame.area != "Force"].groupby("area")["count"].sum().to_dict()
    assert got == expected


def test_warwickshire_districts_map_to_its_local_policing_areas(warwickshire):
    volumes, _ = warwickshire
    lpas = map_areas(volumes.frame, WARWICKSHIRE_LPAS)
    _adds_up(lpas)
    areas = set(lpas.area)
    assert {"Force", "North", "East", "South", NO_LOCATION, "Coventry"} <= areas
    assert not areas & WARWICKSHIRE_DISTRICTS


@pytest.mark.parametrize("which", ["leicestershire", "warwickshire"])
def test_last_outcome_texts_are_all_known_and_give_action_taken_rates(which, request):
    volumes, outcomes = request.getfixturevalue(which)
    assert len(outcomes.notes) == 1 and "give no outcome" in outcomes.notes[0]  # no unknown text
    asb = _whole(volumes.frame).query("measure == 'police_uk:anti_social_behaviour'")["count"].sum()
    assert outcomes.rows_in == volumes.rows_in - asb  # every crime has a last outcome; anti-social behaviour none
    rates = outcome_rate(outcomes.frame, volumes.frame, window=1)
    force = rates[(rates.area == "Force") & (rates.measure == "burglary")]
    assert (force["outcomes"] > 0).all() and (force["rate"] < 0.5).all()
