"""Rates per 1,000, Most Similar Groups and national ranks (METHODS.md, "Most Similar Groups (MSG) and national
rank"): the definitions checked against hand arithmetic and an independent chi-square computation."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from ncpm.core.errors import ConfigError, InputError
from ncpm.core.forces import territorial_forces
from ncpm.methods import peers
from ncpm.words import peers as peer_words
from ncpm.words import style


def garwood(k, level=0.95):
    """Exact Poisson interval in its chi-square form (Garwood 1936), written independently of ncpm."""
    a = 1 - level
    lo = 0.0 if k == 0 else chi2.ppf(a / 2, 2 * k) / 2
    hi = chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return lo, hi


def monthly(force="Warwickshire", start="2021-01", counts=(10,) * 30, area="Force", measure="vehicle_crime"):
    months = pd.period_range(start, periods=len(counts), freq="M")
    return pd.DataFrame({"force": force, "area": area, "measure": measure, "month": months.astype(str),
                         "count": list(counts)})


def population(rows):
    return pd.DataFrame(rows, columns=["force", "year", "population"])


# --- exact Poisson interval ------------------------------------------------------------------------------------

@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_poisson_interval_agrees_with_the_chi_square_form(level):
    ks = np.array([0, 1, 2, 3, 5, 10, 17, 50, 126, 481, 1000, 12345])
    lo, hi = peers.poisson_interval(ks, level=level)
    expected = np.array([garwood(int(k), level) for k in ks])
    np.testing.assert_allclose(lo, expected[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hi, expected[:, 1], rtol=1e-10)


def test_poisson_interval_textbook_values():
    # Garwood limits for k = 0, 1, 10 (e.g. Ulm 1990, Table 1): 0-3.689, 0.0253-5.572, 4.795-18.39
    lo, hi = peers.poisson_interval(np.array([0, 1, 10]))
    np.testing.assert_allclose(lo, [0.0, 0.0253, 4.7954], atol=5e-4)
    np.testing.assert_allclose(hi, [3.6889, 5.5716, 18.3904], atol=5e-4)


def test_poisson_interval_missing_count_gives_missing_limits():
    lo, hi = peers.poisson_interval(np.array([np.nan, 4.0]))
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and lo[1] > 0


@given(st.integers(min_value=0, max_value=100_000))
@settings(max_examples=60, deadline=None)
def test_poisson_interval_contains_the_count(k):
    lo, hi = peers.poisson_interval(np.array([k]))
    assert 0 <= lo[0] <= k < hi[0]


def test_poisson_interval_refuses_a_bad_level():
    with pytest.raises(ConfigError, match="level"):
        peers.poisson_interval(3, level=95)


# --- rates per 1,000 ------------------------------------------------------------------------------------------------

def test_window_sum_never_gives_a_partial_total():
    out = peers.window_sum(np.array([1.0, 2, np.nan, 4, 5, 6]), 3)
    assert np.isnan(out[:5]).all() and out[5] == 15


def test_rate_is_the_twelve_month_total_over_the_mid_year_population():
    counts = list(range(1, 25))  # 24 months, 2022-01 .. 2023-12
    v = monthly(start="2022-01", counts=counts)
    pop = population([("Warwickshire", 2022, 500_000), ("Warwickshire", 2023, 625_000)])
    r = peers.rates_per_1000(v, pop)
    assert list(r.columns) == peers.RATE_COLUMNS
    assert r["count"].iloc[:11].isna().all()
    june = r[r["month"] == pd.Period("2023-06", "M")].iloc[0]
    total = sum(counts[6:18])  # 2022-07 .. 2023-06
    assert june["count"] == total == 150
    assert june["population_year"] == 2023 and pd.isna(june["population_note"])
    assert june["rate"] == pytest.approx(total / 625_000 * 1000)
    lo, hi = garwood(total)
    assert june["rate_lo"] == pytest.approx(lo / 625_000 * 1000)
    assert june["rate_hi"] == pytest.approx(hi / 625_000 * 1000)
    december_2022 = r[r["month"] == pd.Period("2022-12", "M")].iloc[0]
    assert december_2022["count"] == sum(range(1, 13)) and december_2022["population_year"] == 2022


@pytest.mark.parametrize("choice, end, expected_year", [
    ("end", "2023-06", 2023), ("end", "2023-03", 2023), ("end", "2022-12", 2022),
    ("centre", "2023-06", 2023), ("centre", "2023-03", 2022), ("centre", "2022-12", 2022),
    ("centre", "2023-12", 2023),
    ("published", "2023-06", 2022), ("published", "2023-03", 2021), ("published", "2022-12", 2021),  # ONS P3 pairing
])
def test_population_year_choice(choice, end, expected_year):
    v = monthly(start="2021-01", counts=[5] * 36)
    pop = population([("Warwickshire", y, 100_000 + y) for y in (2021, 2022, 2023)])
    r = peers.rates_per_1000(v, pop, population_year=choice)
    row = r[r["month"] == pd.Period(end, "M")].iloc[0]
    assert row["population_year"] == expected_year
    assert row["population"] == 100_000 + expected_year


def test_missing_year_falls_back_to_the_nearest_earlier_one_and_says_so():
    v = monthly(start="2022-01", counts=[5] * 24)
    pop = population([("Warwickshire", 2019, 400_000), ("Warwickshire", 2021, 500_000),
                      ("Warwickshire", 2025, 900_000)])
    r = peers.rates_per_1000(v, pop)
    last = r.iloc[-1]  # 12 months to 2023-12: wants mid-2023, has 2021 (not the later 2025)
    assert last["population_year"] == 2021 and last["population"] == 500_000
    assert last["population_note"] == "mid-2021 population used: no mid-2023 estimate (nearest earlier year)"
    assert last["rate"] == pytest.approx(60 / 500_000 * 1000)


def test_no_earlier_population_gives_no_rate_and_a_note():
    v = monthly(start="2022-01", counts=[5] * 12)
    r = peers.rates_per_1000(v, population([("Warwickshire", 2024, 500_000)]))
    last = r.iloc[-1]
    assert last["count"] == 60 and np.isnan(last["rate"]) and pd.isna(last["population"])
    assert last["population_note"] == "no mid-year population for Warwickshire in or before 2022"


def test_a_gap_in_the_months_leaves_the_windows_that_span_it_missing():
    v = monthly(start="2022-01", counts=[1] * 30)
    v = v[v["month"] != "2022-05"]
    r = peers.rates_per_1000(v, population([("Warwickshire", 2020, 1000)]))
    counts = dict(zip(r["month"].astype(str), r["count"], strict=True))
    assert pd.isna(counts["2023-04"]) and counts["2023-05"] == 12
    assert len(r) == len(v)


def test_areas_keep_their_counts_but_get_no_rate():
    v = pd.concat([monthly(counts=[2] * 12), monthly(counts=[1] * 12, area="North")])
    r = peers.rates_per_1000(v, population([("Warwickshire", 2021, 1000)]))
    north = r[r["area"] == "North"].iloc[-1]
    assert north["count"] == 12 and np.isnan(north["rate"])
    assert "whole force only" in north["population_note"]
    assert r[r["area"] == "Force"].iloc[-1]["rate"] == pytest.approx(24.0)


def test_window_and_per_are_parameters():
    v = monthly(start="2022-01", counts=[3] * 12)
    r = peers.rates_per_1000(v, population([("Warwickshire", 2022, 2000)]), window=6, per=100_000)
    assert r["count"].iloc[5] == 18 and r["window"].iloc[5] == 6
    assert r["rate"].iloc[5] == pytest.approx(18 / 2000 * 100_000)


@pytest.mark.parametrize("kwargs, match", [({"window": 0}, "window"), ({"window": 1.5}, "window"),
                                           ({"population_year": "middle"}, "population_year")])
def test_bad_options_are_config_errors(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        peers.rates_per_1000(monthly(counts=[1] * 12), population([("Warwickshire", 2021, 1000)]), **kwargs)


def test_rows_shuffled_give_the_same_rates():
    v = pd.concat([monthly(counts=list(range(20))), monthly(force="Kent", counts=list(range(5, 25)))])
    pop = population([("Warwickshire", 2021, 1000), ("Kent", 2021, 3000), ("Kent", 2022, 3100)])
    a = peers.rates_per_1000(v, pop)
    b = peers.rates_per_1000(v.sample(frac=1, random_state=3), pop.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)


def test_period_counts_use_their_own_period():
    pc = pd.DataFrame({"force": ["Warwickshire", "Kent"], "measure": "vehicle_crime",
                       "period_start": "2024-07", "period_end": "2025-06", "count": [3790, 0]})
    pop = population([("Warwickshire", 2020, 583_786), ("Kent", 2020, 1_800_000)])
    for r in (peers.rates_for_period(pc, pop), peers.rates_per_1000(pc, pop)):
        w = r[r["force"] == "Warwickshire"].iloc[0]
        assert w["month"] == pd.Period("2025-06", "M") and w["window"] == 12 and w["area"] == "Force"
        assert w["rate"] == pytest.approx(3790 / 583_786 * 1000)
        assert w["population_year"] == 2020 and "no mid-2025 estimate" in w["population_note"]
        kent = r[r["force"] == "Kent"].iloc[0]
        assert kent["rate"] == 0 and kent["rate_lo"] == 0
        assert kent["rate_hi"] == pytest.approx(garwood(0)[1] / 1_800_000 * 1000)
    years = population([("Kent", 2024, 1_000), ("Kent", 2025, 2_000)])
    fy = pd.DataFrame({"force": "Kent", "measure": "burglary", "period_start": ["2024-07", "2024-04"],
                       "period_end": ["2025-06", "2025-03"], "count": [10, 10]})
    centre = peers.rates_for_period(fy, years, population_year="centre").set_index("month")
    assert centre.loc[pd.Period("2025-06", "M"), "population_year"] == 2025  # midpoint 1 January 2025
    assert centre.loc[pd.Period("2025-03", "M"), "population_year"] == 2024  # midpoint 1 October 2024
    end = peers.rates_for_period(fy, years).set_index("month")
    assert (end["population_year"] == 2025).all()


def test_period_end_before_start_is_refused():
    pc = pd.DataFrame({"force": ["Kent"], "measure": "burglary", "period_start": ["2025-06"],
                       "period_end": ["2024-07"], "count": [1]})
    with pytest.raises(InputError, match="period_end is before period_start"):
        peers.rates_for_period(pc, population([("Kent", 2020, 1)]))


# --- MSG table ---------------------------------------------------------------------------------------------------

def msg_table(rows, version="v1"):
    return pd.DataFrame([(f, p, version) for f, p in rows], columns=["force", "peer", "version"])


def test_validate_msg_canonicalises_names():
    out = peers.validate_msg(msg_table([("warwickshire", "Wiltshire Police"), ("Warwickshire", "Avon & Somerset")]))
    assert out.values.tolist() == [["Warwickshire", "Avon and Somerset", "v1"], ["Warwickshire", "Wiltshire", "v1"]]


@pytest.mark.parametrize("rows, error, match", [
    ([("Warwickshire", "Wiltshire"), ("Narnia", "Kent")], InputError, r"msg, row 1, column force: unknown force 'Narnia'"),
    ([("Warwickshire", "Mordor Constabulary")], InputError, r"row 0, column peer: unknown force 'Mordor Constabulary'"),
    ([("Kent", "Essex"), ("Warwickshire", "warwickshire")], InputError, r"row 1, column peer: Warwickshire is listed as its own peer"),
    ([("Kent", "Essex"), ("Kent", "Essex Police")], InputError, r"row 1, column peer: Essex is listed twice as a peer of Kent"),
    ([("Kent", p) for p in ["Essex", "Sussex", "Surrey", "Hampshire", "Suffolk", "Norfolk", "Dorset", "Wiltshire"]],
     InputError, r"Kent has 8 peers; a Most Similar Group has at most 7"),
])
def test_validate_msg_refuses_bad_tables(rows, error, match):
    with pytest.raises(error, match=match):
        peers.validate_msg(msg_table(rows))


def test_seven_peers_are_allowed():
    rows = [("Kent", p) for p in ["Essex", "Sussex", "Surrey", "Hampshire", "Suffolk", "Norfolk", "Dorset"]]
    assert len(peers.validate_msg(msg_table(rows))) == 7


def test_mixed_versions_need_a_choice():
    table = pd.concat([msg_table([("Kent", "Essex")], "2019"), msg_table([("Kent", "Sussex")], "2023")])
    with pytest.raises(ConfigError, match="mixes versions 2019, 2023: choose one with version="):
        peers.validate_msg(table)
    assert peers.validate_msg(table, version="2023")["peer"].tolist() == ["Sussex"]
    with pytest.raises(ConfigError, match="version '2024' not in the table"):
        peers.validate_msg(table, version="2024")
    # each version on its own may have seven peers
    big = [("Kent", p) for p in ["Essex", "Sussex", "Surrey", "Hampshire", "Suffolk", "Norfolk", "Dorset"]]
    both = pd.concat([msg_table(big, "a"), msg_table(big, "b")])
    assert len(peers.validate_msg(both, version="a")) == 7


def test_validate_msg_with_a_restricted_set_of_forces():
    with pytest.raises(InputError, match="Essex is not in the comparison set"):
        peers.validate_msg(msg_table([("Kent", "Essex")]), forces=["Kent", "Sussex"])


def test_validate_msg_missing_column():
    with pytest.raises(InputError, match=r"missing column\(s\) version"):
        peers.validate_msg(pd.DataFrame({"force": ["Kent"], "peer": ["Essex"]}))


# --- MSG comparison ---------------------------------------------------------------------------------------------

def rates_frame(rows, month="2023-06", measure="vehicle_crime"):
    """rows: (force, count, population) -> a rates frame as rates_per_1000 gives it."""
    f = pd.DataFrame(rows, columns=["force", "count", "population"])
    f["area"], f["measure"], f["month"], f["window"] = "Force", measure, pd.Period(month, "M"), 12
    f["rate"] = f["count"] / f["population"] * 1000
    lo, hi = zip(*(garwood(c) for c in f["count"]), strict=True)
    f["rate_lo"] = np.array(lo) / f["population"] * 1000
    f["rate_hi"] = np.array(hi) / f["population"] * 1000
    return f


THREE = [("Warwickshire", 600, 100_000), ("Wiltshire", 300, 100_000), ("West Mercia", 900, 300_000)]
THREE_MSG = msg_table([("Warwickshire", "Wiltshire"), ("Warwickshire", "West Mercia")])


def test_simple_average_by_hand():
    out = peers.msg_compare(rates_frame(THREE), THREE_MSG)
    w = out[out["force"] == "Warwickshire"].iloc[0]
    # rates 6, 3, 3 per 1,000: mean 4, sample SD sqrt(((2)^2 + 1 + 1) / 2) = sqrt(3)
    assert w["msg_average"] == pytest.approx(4.0)
    assert w["msg_sd"] == pytest.approx(np.sqrt(3))
    assert w["msg_position"] == 3 and w["msg_size"] == 3 and w["msg_direction"] == "above"
    assert bool(w["descriptive_outlier"])  # 6 > 4 + 1.732
    assert bool(w["statistical_outlier"])  # 95% interval of 600/100,000 is about 5.5-6.5, above 4
    assert w["msg_average_method"] == "simple" and w["version"] == "v1"
    assert "simple average of 3 forces (MSG version v1)" in w["flag_note"]
    k2 = peers.msg_compare(rates_frame(THREE), THREE_MSG, k=2).iloc[0]
    assert k2["force"] == "Warwickshire" and not bool(k2["descriptive_outlier"])  # 6 < 4 + 3.46


def test_weighted_average_by_hand():
    out = peers.msg_compare(rates_frame(THREE), THREE_MSG, average="weighted")
    w = out[out["force"] == "Warwickshire"].iloc[0]
    # (600 + 300 + 900) / (100,000 + 100,000 + 300,000) x 1,000 = 3.6
    assert w["msg_average"] == pytest.approx(3.6)
    assert w["msg_sd"] == pytest.approx(np.sqrt(3))  # the SD is of the rates either way
    assert bool(w["descriptive_outlier"])  # 6 > 3.6 + 1.732
    assert w["msg_average_method"] == "weighted"


def test_statistical_flag_uses_the_interval_not_the_band():
    # a small force far from the group average in rate, but with too few crimes for its interval to exclude it
    rows = [("Warwickshire", 3, 1000), ("Wiltshire", 1000, 1_000_000), ("West Mercia", 1100, 1_000_000)]
    w = peers.msg_compare(rates_frame(rows), THREE_MSG).iloc[0]
    assert w["force"] == "Warwickshire"
    lo, hi = garwood(3)
    assert lo < w["msg_average"] < hi  # 0.62 < 1.7 < 8.77 (per 1,000 of 1,000 people = the count itself)
    assert not bool(w["statistical_outlier"])
    assert bool(w["descriptive_outlier"])  # 3 vs mean 1.7, SD 1.13: outside the band, yet not significant


def test_groups_may_be_asymmetric_and_city_of_london_has_none():
    rows = THREE + [("City of London", 50, 10_000)]
    msg = msg_table([("Warwickshire", "Wiltshire"), ("Warwickshire", "West Mercia"), ("Wiltshire", "Warwickshire")])
    out = peers.msg_compare(rates_frame(rows), msg).set_index("force")
    assert out.loc["Wiltshire", "msg_size"] == 2
    assert out.loc["Wiltshire", "msg_average"] == pytest.approx(4.5)
    assert out.loc["Wiltshire", "msg_position"] == 1
    assert out.loc["Warwickshire", "msg_size"] == 3
    city = out.loc["City of London"]
    assert pd.isna(city["descriptive_outlier"]) and pd.isna(city["statistical_outlier"])
    assert pd.isna(city["msg_average"]) and pd.isna(city["msg_position"])
    assert city["flag_note"].startswith("City of London has no Most Similar Group: ")
    assert out.loc["West Mercia", "flag_note"] == "West Mercia has no Most Similar Group in MSG version v1"


def test_a_missing_peer_rate_means_no_comparison():
    out = peers.msg_compare(rates_frame(THREE[:2]), THREE_MSG)
    w = out[out["force"] == "Warwickshire"].iloc[0]
    assert pd.isna(w["msg_average"]) and pd.isna(w["descriptive_outlier"])
    assert w["flag_note"] == "no rate for West Mercia in the group: no MSG comparison"


def test_ties_share_the_better_position():
    rows = [("Warwickshire", 300, 100_000), ("Wiltshire", 300, 100_000), ("West Mercia", 100, 100_000)]
    w = peers.msg_compare(rates_frame(rows), THREE_MSG).set_index("force").loc["Warwickshire"]
    assert w["msg_position"] == 2


def test_msg_compare_per_month_and_measure():
    frame = pd.concat([rates_frame(THREE, "2023-03"), rates_frame(THREE, "2023-06"),
                       rates_frame(THREE, "2023-06", measure="burglary")])
    out = peers.msg_compare(frame, THREE_MSG)
    assert len(out) == 9
    assert out[out["force"] == "Warwickshire"]["msg_average"].tolist() == pytest.approx([4.0] * 3)


def test_msg_compare_options_are_checked():
    with pytest.raises(ConfigError, match="average"):
        peers.msg_compare(rates_frame(THREE), THREE_MSG, average="median")
    with pytest.raises(ConfigError, match="k must"):
        peers.msg_compare(rates_frame(THREE), THREE_MSG, k=-1)
    with pytest.raises(InputError, match="more than one rate"):
        peers.msg_compare(pd.concat([rates_frame(THREE), rates_frame(THREE)]), THREE_MSG)


def test_msg_compare_end_to_end_from_volumes():
    v = pd.concat([monthly(force=f, start="2022-07", counts=[c] * 12) for f, c in
                   [("Warwickshire", 50), ("Wiltshire", 25), ("West Mercia", 75)]])
    pop = population([("Warwickshire", 2023, 100_000), ("Wiltshire", 2023, 100_000), ("West Mercia", 2023, 300_000)])
    out = peers.msg_compare(peers.rates_per_1000(v, pop), THREE_MSG)
    w = out[(out["force"] == "Warwickshire") & (out["month"] == pd.Period("2023-06", "M"))].iloc[0]
    assert w["rate"] == pytest.approx(6.0) and w["msg_average"] == pytest.approx(4.0)
    assert out[out["month"] < pd.Period("2023-06", "M")]["msg_average"].isna().all()


# --- national rank --------------------------------------------------------------------------------------------------

def all_forces(rates, month="2023-06"):
    return pd.DataFrame({"force": territorial_forces(), "measure": "vehicle_crime", "month": month, "rate": rates})


def test_national_rank_one_is_lowest_and_ties_share_the_better_rank():
    rates = list(np.arange(43, dtype=float))
    rates[10] = rates[11] = 5.0  # ties with each other and with force 5
    r = peers.national_rank(all_forces(rates)).set_index("force")
    names = territorial_forces()
    assert r.loc[names[0], "rank"] == 1 and r.loc[names[42], "rank"] == 43
    assert r.loc[names[5], "rank"] == r.loc[names[10], "rank"] == r.loc[names[11], "rank"] == 6
    assert r.loc[names[6], "rank"] == 9
    assert (r["n_forces"] == 43).all() and r["rank_note"].isna().all()


def test_comparison_set_is_a_parameter():
    rates = list(np.arange(43, dtype=float) + 1)
    frame = pd.concat([all_forces(rates), pd.DataFrame({"force": ["British Transport Police"],
                                                        "measure": "vehicle_crime", "month": "2023-06",
                                                        "rate": [0.1]})])
    default = peers.national_rank(frame)
    assert "British Transport Police" not in set(default["force"]) and len(default) == 43
    city = territorial_forces().index("City of London")
    no_city = peers.national_rank(frame, exclude_city_of_london=True)
    assert len(no_city) == 42 and (no_city["n_forces"] == 42).all()
    after = territorial_forces()[city + 1]
    assert no_city.set_index("force").loc[after, "rank"] == city + 1
    few = peers.national_rank(frame, forces=["warwickshire", "Kent Police", "British Transport Police"])
    assert few.set_index("force")["rank"].to_dict() == {"British Transport Police": 1, "Kent": 2, "Warwickshire": 3}


def test_missing_rates_are_named():
    rates = [float(i) for i in range(43)]
    rates[0] = np.nan
    r = peers.national_rank(all_forces(rates))
    first = territorial_forces()[0]
    assert pd.isna(r.set_index("force").loc[first, "rank"])
    assert (r["n_forces"] == 42).all()
    assert r["rank_note"].iloc[0] == f"ranked among 42 of 43 forces; no rate for {first}"


def test_national_rank_ignores_area_rows_and_unknown_set_members_are_errors():
    frame = all_forces([1.0] * 43).assign(area="Force")
    lpa = frame.iloc[:1].assign(area="North", rate=100.0)
    r = peers.national_rank(pd.concat([frame, lpa]))
    assert len(r) == 43 and (r["rank"] == 1).all()
    with pytest.raises(InputError, match="unknown force"):
        peers.national_rank(frame, forces=["Gotham"])


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=43, max_size=43), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_rank_invariants(values, rnd):
    frame = all_forces([float(v) for v in values])
    r = peers.national_rank(frame).set_index("force")["rank"]
    order = list(range(43))
    rnd.shuffle(order)
    shuffled = peers.national_rank(frame.iloc[order]).set_index("force")["rank"]
    pd.testing.assert_series_equal(r, shuffled)
    rate = dict(zip(frame["force"], values, strict=True))
    for force, rank in r.items():
        assert rank == 1 + sum(v < rate[force] for v in values)


# --- rank change and words ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (36, "36th"),
                                     (43, "43rd"), (101, "101st"), (111, "111th"), (112, "112th")])
def test_ordinal(n, text):
    assert style.ordinal(n) == text


@pytest.mark.parametrize("earlier, now, places, label", [
    (38, 36, 2, "improved two places to 36th"),
    (11, 12, -1, "fell one place to 12th"),
    (5, 5, 0, "unchanged at 5th"),
    (30, 21, 9, "improved nine places to 21st"),
    (1, 11, -10, "fell 10 places to 11th"),
    (43, 1, 42, "improved 42 places to 1st"),
])
def test_rank_change_labels(earlier, now, places, label):
    ranks = pd.DataFrame({"force": "Warwickshire", "measure": "vehicle_crime", "month": ["2023-03", "2023-06"],
                          "rank": [earlier, now], "n_forces": 43})
    out = peer_words.rank_change(ranks, "2023-06", "2023-03").iloc[0]
    assert out["places"] == places and out["label"] == label
    assert out["rank"] == now and out["earlier_rank"] == earlier
    assert out["month"] == pd.Period("2023-06", "M") and out["earlier"] == pd.Period("2023-03", "M")


def test_rank_change_from_national_rank_and_missing_earlier():
    a = all_forces([float(i) for i in range(43)], "2023-03")
    b = all_forces([float(42 - i) for i in range(43)], "2023-06")
    b.loc[0, "rate"] = 40.5  # first force: 1st in March; in June between 40 and 41, so 42nd
    ranks = peers.national_rank(pd.concat([a, b]))
    out = peer_words.rank_change(ranks, pd.Period("2023-06", "M"), "2023-03").set_index("force")
    first = territorial_forces()[0]
    assert out.loc[first, "earlier_rank"] == 1 and out.loc[first, "rank"] == 42
    assert out.loc[first, "label"] == "fell 41 places to 42nd"
    only_now = peer_words.rank_change(ranks[ranks["month"] == pd.Period("2023-06", "M")], "2023-06", "2023-03")
    assert only_now["label"].isna().all() and only_now["places"].isna().all()
    with pytest.raises(InputError, match="no ranks for 2024-01"):
        peer_words.rank_change(ranks, "2024-01", "2023-06")


def test_zero_population_gives_no_rate():
    r = peers.rates_per_1000(monthly(counts=[1] * 12), population([("Warwickshire", 2021, 0)]))
    last = r.iloc[-1]
    assert np.isnan(last["rate"]) and np.isnan(last["rate_hi"])
    assert last["population_note"] == "mid-2021 population is zero: no rate"
