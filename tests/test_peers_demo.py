"""Statement S8 on the demo data (data/raw/demo, synthetic, with an illustrative MSG): Warwickshire's vehicle crime
is an outlier in its MSG, and its national rank for the 12 months to June 2023 is 36th, two places better than for the
12 months to March 2023. The data come from the demo_frames fixture (tests/conftest.py, ncpm.load_demo); the
12-month totals and rates are also recomputed here with plain pandas."""

import pandas as pd
import pytest

from ncpm.methods import peers
from ncpm.words import peers as peer_words

FORCE = "Warwickshire"
JUNE, MARCH = pd.Period("2023-06", "M"), pd.Period("2023-03", "M")


@pytest.fixture(scope="module")
def demo(demo_frames):
    volumes, population, msg = (demo_frames[kind] for kind in ("volumes", "population", "msg"))
    vehicle = volumes[(volumes["measure"] == "vehicle_crime") & (volumes["area"] == "Force")]
    rates = peers.rates_per_1000(vehicle, population)
    return vehicle, population, msg, rates


def test_rates_agree_with_plain_pandas(demo):
    vehicle, population, _, rates = demo
    months = pd.period_range(JUNE - 11, JUNE, freq="M").astype(str)
    mine = vehicle[(vehicle["force"] == FORCE) & vehicle["month"].astype(str).isin(months)]
    assert len(mine) == 12
    people = population[(population["force"] == FORCE)]
    year = people.loc[people["year"] <= JUNE.year, "year"].max()
    expected = mine["count"].sum() / people.loc[people["year"] == year, "population"].iloc[0] * 1000
    row = rates[(rates["force"] == FORCE) & (rates["month"] == JUNE)].iloc[0]
    assert row["count"] == mine["count"].sum()
    assert row["population_year"] == year
    assert row["rate"] == pytest.approx(expected)


def test_warwickshire_vehicle_crime_is_an_outlier_in_its_msg(demo):
    _, _, msg, rates = demo
    versions = sorted(msg["version"].unique())
    out = peers.msg_compare(rates, msg, version=versions[-1])
    row = out[(out["force"] == FORCE) & (out["month"] == JUNE)].iloc[0]
    assert row["msg_size"] >= 2
    assert bool(row["descriptive_outlier"]), row["flag_note"]
    assert bool(row["statistical_outlier"]) and row["msg_direction"] == "above"
    # the group's figures by hand: the force and its peers, simple mean and sample SD
    peers_of = msg[(msg["force"] == FORCE) & (msg["version"] == versions[-1])]["peer"].tolist()
    group = rates[(rates["month"] == JUNE) & rates["force"].isin([FORCE, *peers_of])]["rate"]
    assert len(group) == row["msg_size"]
    assert row["msg_average"] == pytest.approx(group.mean())
    assert row["msg_sd"] == pytest.approx(group.std(ddof=1))
    assert abs(row["rate"] - group.mean()) > group.std(ddof=1)


def test_national_rank_improved_two_places_to_36th(demo):
    _, _, _, rates = demo
    ranks = peers.national_rank(rates)
    june = ranks[(ranks["month"] == JUNE)]
    assert (june["n_forces"] == 43).all()
    change = peer_words.rank_change(ranks, JUNE, MARCH)
    row = change[change["force"] == FORCE].iloc[0]
    assert (row["rank"], row["earlier_rank"], row["places"]) == (36, 38, 2)
    assert row["label"] == "improved two places to 36th"
    # independently: 1 + the number of forces with a lower rate
    at = rates[rates["month"] == JUNE].set_index("force")["rate"]
    assert 1 + (at < at[FORCE]).sum() == 36
