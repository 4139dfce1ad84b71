"""Vehicle offences per 1,000 for the 43 territorial forces from real ONS files (shared/data, see SOURCES.md there):
Table P1, year ending June 2025, over the derived mid-2020 PFA populations. The years do not match, so these rates
are plumbing checks, never figures to publish. Every expected value is computed here with plain pandas."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ncpm import peers
from ncpm.forces import canonical_force, territorial_forces

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
P1 = DATA / "ons-pfa-tables" / "ons_pfa_table_P1_ye_jun2025.csv"
POPULATION = DATA / "ons-population" / "derived_pfa_population_mid2020.csv"

pytestmark = pytest.mark.skipif(not (P1.exists() and POPULATION.exists()), reason="shared/data is not available")


@pytest.fixture(scope="module")
def independent():
    """Plain pandas: the P1 force rows joined to the population by ONS area code, rate and min-rank by hand."""
    table = pd.read_csv(P1, skiprows=6, header=0, dtype=str)
    table.columns = [" ".join(str(c).split()) for c in table.columns]
    table = table[table["Area Code"].fillna("").str.match(r"^(E23|W15)")]
    vehicle = table[["Area Code", "Area Name", "Vehicle offences"]].copy()
    vehicle["count"] = vehicle["Vehicle offences"].str.replace(",", "").str.strip().astype(int)
    pop = pd.read_csv(POPULATION, dtype={"pfa_code": str})
    joined = vehicle.merge(pop, left_on="Area Code", right_on="pfa_code", validate="one_to_one")
    joined["rate"] = joined["count"] / joined["population_mid2020_all_ages"] * 1000
    joined["rank"] = joined["rate"].rank(method="min").astype(int)
    no_city = joined[joined["pfa_name"] != "City of London"].copy()
    joined["rank_no_city"] = no_city["rate"].rank(method="min")
    joined["force"] = [canonical_force(code) for code in joined["Area Code"]]
    return joined.set_index("force")


def _inputs(independent):
    period_counts = pd.DataFrame({"force": independent.index, "measure": "vehicle_crime",
                                  "period_start": "2024-07", "period_end": "2025-06",
                                  "count": independent["count"].to_numpy()})
    pop = pd.read_csv(POPULATION)
    population = pd.DataFrame({"force": [canonical_force(n) for n in pop["pfa_name"]], "year": 2020,
                               "population": pop["population_mid2020_all_ages"]})
    return period_counts, population


def test_the_files_hold_all_43_territorial_forces(independent):
    assert sorted(independent.index) == sorted(territorial_forces())


def test_vehicle_offence_rates_and_ranks_for_43_forces(independent):
    period_counts, population = _inputs(independent)
    rates = peers.rates_for_period(period_counts, population).set_index("force")
    assert len(rates) == 43
    assert (rates["population_year"] == 2020).all()
    assert rates["population_note"].str.contains("mid-2020 population used: no mid-2025 estimate").all()
    np.testing.assert_allclose(rates.loc[independent.index, "rate"], independent["rate"], rtol=1e-12)
    # Warwickshire, by hand from the files: 3,790 vehicle offences, 583,786 residents
    assert independent.loc["Warwickshire", "count"] == 3790
    assert rates.loc["Warwickshire", "rate"] == pytest.approx(3790 / 583_786 * 1000)
    assert rates.loc["Warwickshire", "rate_lo"] < rates.loc["Warwickshire", "rate"] < rates.loc["Warwickshire",
                                                                                                  "rate_hi"]

    ranks = peers.national_rank(rates.reset_index()).set_index("force")
    assert (ranks["n_forces"] == 43).all()
    pd.testing.assert_series_equal(ranks.loc[independent.index, "rank"].astype(int), independent["rank"],
                                   check_names=False)
    for force in ("Warwickshire", "Metropolitan Police", "City of London", "Dyfed-Powys"):
        assert ranks.loc[force, "rank"] == independent.loc[force, "rank"]
    # pinned from the plain-pandas computation above (a check that the fixture itself reads the file sensibly)
    assert independent.loc["Warwickshire", "rank"] == 37
    assert independent.loc["Metropolitan Police", "rank"] == 43
    lowest = independent["rate"].idxmin()
    assert ranks.loc[lowest, "rank"] == 1

    no_city = peers.national_rank(rates.reset_index(), exclude_city_of_london=True).set_index("force")
    assert len(no_city) == 42 and "City of London" not in no_city.index
    expected = independent["rank_no_city"].dropna().astype(int)
    pd.testing.assert_series_equal(no_city.loc[expected.index, "rank"].astype(int), expected, check_names=False)


def test_through_the_ons_reader(independent):
    ons = pytest.importorskip("ncpm.io.ons", reason="ncpm.io.ons is not written yet")
    loaded = ons.read_ons_pfa_table(P1)
    frame = loaded.frame
    vehicle = frame[(frame["measure"] == "vehicle_crime") & frame["force"].isin(territorial_forces())]
    _, population = _inputs(independent)
    rates = peers.rates_per_1000(vehicle, population).set_index("force")
    assert len(rates) == 43
    np.testing.assert_allclose(rates.loc[independent.index, "rate"], independent["rate"], rtol=1e-12)
    assert (rates["month"] == pd.Period("2025-06", "M")).all() and (rates["window"] == 12).all()
