"""ncpm.methods.measures against METHODS.md: hand-built tables, statsmodels as the reference for intervals and tests,
bad input, and properties (hypothesis)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from ncpm.core.catalogue import outcome_table
from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.baseline import compare_to_baseline, three_year_average
from ncpm.methods.intervals import wilson_interval
from ncpm.methods.outcomes import outcome_rate
from ncpm.methods.satisfaction import compare_windows, rolling_rate, window_extreme
from ncpm.methods.volumes import changes, period_comparison, quarter_totals, share
from ncpm.words.ranks import window_rank

M = pd.Period


def series(counts, start="2019-01", force="F", area="Force", measure="m", drop=()):
    """One monthly series starting at ``start``; months listed in ``drop`` are left out (gaps)."""
    months = pd.period_range(start, periods=len(counts), freq="M")
    frame = pd.DataFrame({"force": force, "area": area, "measure": measure, "month": months.astype(str),
                          "count": list(counts)})
    return frame[~frame["month"].isin(drop)].reset_index(drop=True)


def row(frame, month, **key):
    sel = frame["month"] == M(month, "M")
    for k, v in key.items():
        sel &= frame[k] == v
    assert sel.sum() == 1, f"{sel.sum()} rows for {month} {key}"
    return frame[sel].iloc[0]


# ------------------------------------------------------------------------------------------------ baseline

def test_same_month_average_is_plain_arithmetic_on_a_hand_built_table():
    counts = list(range(10, 58))  # 2019-01 .. 2022-12, 48 months: y = 10 + months since 2019-01
    out = three_year_average(series(counts))
    r = row(out, "2022-05")
    # 2021-05, 2020-05, 2019-05 -> 10 + 28, 10 + 16, 10 + 4
    assert r["baseline"] == (38 + 26 + 14) / 3
    assert r["difference"] == 50 - 26
    assert r["pct_difference"] == pytest.approx(24 / 26)
    assert r["z"] == pytest.approx(24 / np.sqrt(26))
    assert r["baseline_method"] == "same_month"
    assert pd.isna(r["baseline_note"])
    # the first month with three earlier years is 2022-01; 2021-12 has only two
    assert np.isnan(row(out, "2021-12")["baseline"])
    assert pd.isna(row(out, "2021-12")["comparison"])
    assert row(out, "2022-01")["baseline"] == (22 + 34 + 10) / 3


def test_missing_prior_year_gives_nan_never_a_partial_mean():
    out = three_year_average(series(range(10, 58), drop=["2020-05"]))
    assert np.isnan(row(out, "2022-05")["baseline"])
    assert not np.isnan(row(out, "2022-06")["baseline"])


def test_lags_are_months_not_rows():
    # drop a month inside the series: t-12 must still be the actual month 12 earlier
    out = three_year_average(series(range(10, 58), drop=["2021-02"]))
    assert row(out, "2022-05")["baseline"] == (38 + 26 + 14) / 3


def test_exclusion_replaces_a_year_with_the_next_earlier_and_says_so():
    counts = [10] * 12 + [20] * 12 + [100] * 12 + [30] * 12 + [40] * 12  # 2018 .. 2022
    frame = series(counts, start="2018-01")
    out = three_year_average(frame, exclude=[("2020-04", "2021-03")])
    r = row(out, "2022-05")  # 2021-05 (30), 2020-05 excluded -> 2019-05 (20), then 2018-05 (10)
    assert r["baseline"] == (30 + 20 + 10) / 3
    assert r["baseline_note"] == "2020-05 excluded, used 2018-05"
    r = row(out, "2022-02")  # 2021-02 excluded, 2020-02 (100), 2019-02 (20), 2018-02 (10)
    assert r["baseline"] == (100 + 20 + 10) / 3
    assert r["baseline_note"] == "2021-02 excluded, used 2018-02"
    plain = three_year_average(frame)
    assert row(plain, "2022-05")["baseline"] == (30 + 100 + 20) / 3
    # the string form of a range is the same
    same = three_year_average(frame, exclude="2020-04..2021-03")
    pd.testing.assert_frame_equal(out, same)


def test_exclusion_with_no_earlier_year_available_is_nan():
    out = three_year_average(series([10] * 48, start="2019-01"), exclude="2020-05")
    assert np.isnan(row(out, "2022-05")["baseline"])  # would need 2018-05
    assert row(out, "2022-06")["baseline"] == 10


def test_trailing_36_needs_all_36_months():
    counts = list(range(1, 41))  # 2019-01 .. 2022-04
    out = three_year_average(series(counts), method="trailing_36")
    assert np.isnan(row(out, "2021-12")["baseline"])  # 35 months before it
    assert row(out, "2022-01")["baseline"] == np.mean(range(1, 37))
    assert row(out, "2022-04")["baseline"] == np.mean(range(4, 40))
    gap = three_year_average(series(counts, drop=["2020-06"]), method="trailing_36")
    assert np.isnan(row(gap, "2022-04")["baseline"])


def test_trailing_36_with_exclusion_reaches_further_back_and_says_so():
    counts = list(range(1, 61))  # 2019-01 .. 2023-12
    out = three_year_average(series(counts), method="trailing_36", exclude=("2021-01", "2021-12"))
    r = row(out, "2022-06")  # kept months before it: 2019-01 .. 2020-12 (24) + 2022-01 .. 2022-05 (5)
    assert np.isnan(r["baseline"])  # only 29 kept months exist
    r = row(out, "2023-06")  # kept: 2022-01 .. 2023-05 (17 months) + 2019-06 .. 2020-12 (19 months)
    expected = np.mean([*range(37, 54), *range(6, 25)])  # y = months since 2018-12
    assert r["baseline"] == pytest.approx(expected)
    assert r["baseline_note"] == "12 excluded months skipped, used 2019-06..2023-05"


@pytest.mark.parametrize("y, b, z, label", [
    (50, 30, 20 / np.sqrt(30), "substantially above"),
    (10, 30, -20 / np.sqrt(30), "substantially below"),
    (40, 30, 10 / np.sqrt(30), "in line with"),    # z = 1.83
    (41, 30, 11 / np.sqrt(30), "above"),           # z = 2.01
    (19, 30, -11 / np.sqrt(30), "below"),
    (30, 30, 0.0, "in line with"),
    (0, 0, 0.0, "in line with"),                   # B = 0, y = 0
    (3, 0, np.nan, "above"),                       # B = 0, y > 0: above, z undefined
])
def test_comparison_labels(y, b, z, label):
    got_z, got = compare_to_baseline(np.array([y], float), np.array([b], float))
    assert got == [label]
    np.testing.assert_allclose(got_z, [z])


def test_comparison_thresholds_are_parameters():
    _, got = compare_to_baseline(np.array([41.0]), np.array([30.0]), in_line=2.5, substantial=4)
    assert got == ["in line with"]
    _, got = compare_to_baseline(np.array([41.0]), np.array([30.0]), in_line=1, substantial=2)
    assert got == ["substantially above"]


def test_zero_baseline_is_noted():
    out = three_year_average(series([0] * 36 + [2, 0]))
    above, level = row(out, "2022-01"), row(out, "2022-02")
    assert above["comparison"] == "above" and np.isnan(above["z"]) and np.isnan(above["pct_difference"])
    assert "baseline is 0" in above["baseline_note"]
    assert level["comparison"] == "in line with" and level["z"] == 0


def test_unknown_method_and_bad_exclusion_are_config_errors():
    with pytest.raises(ConfigError, match="unknown baseline method 'mean'"):
        three_year_average(series([1] * 40), method="mean")
    with pytest.raises(ConfigError, match="exclude"):
        three_year_average(series([1] * 40), exclude=("2021-03", "2020-04"))


# ------------------------------------------------------------------------------------------------ window rank

def test_window_rank_labels_and_ties():
    counts = [5, 9, 7, 3, 8, 6, 4, 9, 2, 6, 5, 9]  # 12 months to 2019-12
    out = window_rank(series(counts))
    r = row(out, "2019-12")
    assert (r["rank_high"], r["rank_low"], r["tied"], r["rank_label"]) == (1, 10, True, "highest")
    assert r["n_in_window"] == 12 and r["window"] == 12
    assert pd.isna(row(out, "2019-11")["rank_label"])  # only 11 months
    assert pd.isna(row(out, "2019-11")["rank_high"])


@pytest.mark.parametrize("last, label", [(100, "highest"), (92, "second highest"), (10, "lowest"),
                                         (18, "second lowest"), (21, "third lowest"), (65, "fifth highest")])
def test_window_rank_nearer_end_wins(last, label):
    counts = [20, 30, 40, 50, 60, 70, 80, 90, 15, 95, 22]
    assert row(window_rank(series([*counts, last])), "2019-12")["rank_label"] == label


def test_window_rank_second_lowest_with_a_tie_shares_the_better_position():
    frame = series([50, 40, 30, 20, 60, 70, 80, 90, 20, 55, 65, 30])
    r = row(window_rank(frame), "2019-12")
    assert (r["rank_low"], r["tied"], r["rank_label"]) == (3, True, "third lowest")
    r = row(window_rank(frame), "2019-09")
    assert r["n_in_window"] == 9 and pd.isna(r["rank_label"])


def test_window_rank_needs_every_month_of_the_window():
    out = window_rank(series(range(24), drop=["2019-06"]))
    assert pd.isna(row(out, "2020-05")["rank_label"])
    assert row(out, "2020-05")["n_in_window"] == 11
    assert row(out, "2020-06")["rank_label"] == "highest"


def test_window_rank_36():
    counts = [100] * 35 + [101]
    r = row(window_rank(series(counts), window=36), "2021-12")
    assert (r["rank_label"], r["tied"]) == ("highest", False)


# ------------------------------------------------------------------------------------------------ changes

def test_changes_month_on_month_and_year_on_year():
    counts = list(range(100, 114))  # 2019-01 .. 2020-02
    out = changes(series(counts, drop=["2019-12"]))
    r = row(out, "2020-02")
    assert (r["previous"], r["mom_change"], r["last_year"], r["yoy_change"]) == (112, 1, 101, 12)
    assert r["mom_pct"] == pytest.approx(1 / 112) and r["yoy_pct"] == pytest.approx(12 / 101)
    r = row(out, "2020-01")  # previous month 2019-12 is missing: NaN, not the row above
    assert np.isnan(r["previous"]) and np.isnan(r["mom_pct"])
    assert r["last_year"] == 100


def test_percentage_on_a_base_of_zero_is_nan():
    r = row(changes(series([0, 3])), "2019-02")
    assert r["mom_change"] == 3 and np.isnan(r["mom_pct"])


def test_quarter_totals_on_the_financial_calendar():
    frame = series([1, 2, 3, 4, 5, 6, 7], start="2023-02")  # Feb-Aug 2023
    out = quarter_totals(frame)
    assert out[["quarter", "count", "months"]].values.tolist() == [
        ["Q4 2022/23", 3, 2], ["Q1 2023/24", 3 + 4 + 5, 3], ["Q2 2023/24", 6 + 7, 2]]


def test_period_comparison_last_six_months_against_a_year_earlier():
    counts = [0] * 18  # 2022-01 .. 2023-06
    counts[1] = counts[4] = 1  # two in Jan-Jun 2022
    counts[14] = 1  # one in Jan-Jun 2023
    out = period_comparison(series(counts, start="2022-01", measure="homicide"), "2023-06")
    r = out.iloc[0]
    assert (r["current"], r["previous"], r["change"], r["pct_change"]) == (1, 2, -1, -0.5)
    assert r["end"] == M("2023-06", "M") and r["months"] == 6
    gap = period_comparison(series(counts, start="2022-01", drop=["2022-03"]), "2023-06")
    assert np.isnan(gap.iloc[0]["previous"])


# ------------------------------------------------------------------------------------------------ shares

def test_share_of_a_sub_measure_with_n():
    frame = pd.concat([series([30, 0], measure="robbery_personal"), series([10, 0], measure="robbery_personal_knife"),
                       series([5], measure="robbery_personal_knife", area="North"),
                       series([20], measure="robbery_personal", area="North")])
    out = share(frame, "robbery_personal_knife")
    r = row(out, "2019-01", area="Force")
    assert (r["part"], r["whole"], r["n"], r["share"]) == (10, 30, 10, pytest.approx(1 / 3))
    assert np.isnan(row(out, "2019-02", area="Force")["share"])  # 0 / 0
    assert row(out, "2019-01", area="North")["share"] == 0.25
    assert list(out.columns) == ["force", "area", "month", "measure", "part", "whole", "share", "n"]


def test_share_part_larger_than_whole_names_the_row():
    frame = pd.concat([series([3], measure="vehicle_crime", area="East"),
                       series([4], measure="vehicle_motorcycle_theft", area="East")])
    with pytest.raises(InputError, match="vehicle_motorcycle_theft .4. is greater than vehicle_crime .3. for F, East, 2019-01"):
        share(frame, "vehicle_motorcycle_theft")


def test_share_needs_a_whole():
    with pytest.raises(ConfigError, match="no parent"):
        share(series([1], measure="vehicle_crime"), "vehicle_crime")


# ------------------------------------------------------------------------------------------------ Wilson

def test_wilson_agrees_with_statsmodels_on_a_grid():
    n = np.repeat(np.arange(1, 120), 7)
    k = np.minimum(n, np.tile([0, 1, 2, 5, 17, 60, 119], 119))
    lo, hi = wilson_interval(k, n)
    ref_lo, ref_hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, atol=1e-9, rtol=0)
    np.testing.assert_allclose(hi, ref_hi, atol=1e-9, rtol=0)
    lo90, hi90 = wilson_interval(k, n, level=0.9)
    ref_lo90, ref_hi90 = proportion_confint(k, n, alpha=0.1, method="wilson")
    np.testing.assert_allclose(lo90, ref_lo90, atol=1e-9, rtol=0)
    np.testing.assert_allclose(hi90, ref_hi90, atol=1e-9, rtol=0)


@given(st.integers(1, 10**6).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
@settings(max_examples=200, deadline=None)
def test_wilson_agrees_with_statsmodels_property(kn):
    k, n = kn
    lo, hi = wilson_interval(np.array([k]), np.array([n]))
    ref = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert abs(lo[0] - ref[0]) < 1e-9 and abs(hi[0] - ref[1]) < 1e-9
    assert 0 <= lo[0] <= k / n <= hi[0] <= 1


def test_wilson_undefined_without_a_proportion():
    lo, hi = wilson_interval(np.array([0, 5]), np.array([0, 4]))
    assert np.isnan(lo).all() and np.isnan(hi).all()


# ------------------------------------------------------------------------------------------------ outcomes

def outcome_frame(month, counts, measure="m", area="Force"):
    return pd.DataFrame({"force": "F", "area": area, "measure": measure, "month": month,
                         "outcome_type": list(counts), "count": list(counts.values())})


def test_default_action_taken_set_is_the_versioned_configuration():
    assert outcome_table().action_taken == ("1", "1A", "2", "2A", "3", "4", "6", "7", "8")
    assert outcome_table().opt_in == ("22",)
    assert outcome_table().types["18"].startswith("Investigation complete")
    assert set(outcome_table().types) == {"1", "1A", "2", "2A", *map(str, range(3, 23))}
    assert outcome_table().version


def test_outcome_rate_monthly():
    vol = series([200], start="2023-05")
    out = outcome_frame("2023-05", {"1": 8, "1A": 1, "3": 2, "8": 3, "14": 50, "18": 90, "22": 5})
    r = outcome_rate(out, vol).iloc[0]
    assert (r["outcomes"], r["n"], r["rate"], r["window"]) == (14, 200, 0.07, 1)
    lo, hi = proportion_confint(14, 200, method="wilson")
    assert r["lo"] == pytest.approx(lo, abs=1e-12) and r["hi"] == pytest.approx(hi, abs=1e-12)
    assert not r["caution"] and pd.isna(r["caution_reason"]) and not r["over_100"]
    assert r["action_set"].endswith("1, 1A, 2, 2A, 3, 4, 6, 7, 8")
    with_22 = outcome_rate(out, vol, include_diversionary=True).iloc[0]
    assert with_22["outcomes"] == 19
    only_charge = outcome_rate(out, vol, action_taken=["1", "1a"]).iloc[0]
    assert only_charge["outcomes"] == 9


def test_outcome_rate_unknown_code_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown Home Office outcome type.*99"):
        outcome_rate(outcome_frame("2023-05", {"1": 1}), series([2], start="2023-05"), action_taken=["1", "99"])


@pytest.mark.parametrize("n, k, caution, reason", [
    (49, 1, True, "n = 49 < 50"),
    (60, 30, True, "interval wider than 10 percentage points"),
    (1000, 70, False, None),
    (0, 0, True, "no offences"),
])
def test_small_number_caution(n, k, caution, reason):
    r = outcome_rate(outcome_frame("2023-05", {"1": k}), series([n], start="2023-05")).iloc[0]
    assert r["caution"] == caution
    assert (pd.isna(r["caution_reason"]) if reason is None else reason in r["caution_reason"])


def test_caution_thresholds_are_parameters():
    r = outcome_rate(outcome_frame("2023-05", {"1": 30}), series([60], start="2023-05"),
                              min_n=10, max_width=0.5).iloc[0]
    assert not r["caution"]


def test_outcomes_above_offences_are_allowed_but_flagged():
    r = outcome_rate(outcome_frame("2023-05", {"1": 7}), series([5], start="2023-05")).iloc[0]
    assert r["over_100"] and r["caution"] and "outcomes exceed offences" in r["caution_reason"]
    assert r["rate"] == 7 / 5 and np.isnan(r["lo"])


def test_outcome_rate_rolling_12_months_pools_numerator_and_denominator():
    vol = series([100 + i for i in range(14)], start="2022-01")
    outs = pd.concat([outcome_frame(str(m), {"1": i, "18": 3}) for i, m in
                      enumerate(pd.period_range("2022-01", periods=14, freq="M"))])
    out = outcome_rate(outs, vol, window=12)
    assert out["month"].astype(str).tolist() == ["2022-12", "2023-01", "2023-02"]
    r = row(out, "2023-02")
    assert (r["outcomes"], r["n"]) == (sum(range(2, 14)), sum(range(102, 114)))
    assert r["rate"] == pytest.approx(sum(range(2, 14)) / sum(range(102, 114)))
    assert r["window"] == 12
    # a missing month of outcomes leaves the windows that contain it out
    gap = outcome_rate(outs[outs["month"] != "2022-06"], vol, window=12)
    assert gap.empty


# ------------------------------------------------------------------------------------------------ satisfaction

def survey_frame(satisfied, responses, start="2022-07", dont_know=None):
    frame = pd.DataFrame({"force": "F", "survey": "da", "month": pd.period_range(start, periods=len(satisfied),
                                                                                  freq="M"),
                          "responses": responses, "satisfied": satisfied})
    if dont_know is not None:
        frame["dont_know"] = dont_know
    return frame


def test_rolling_rate_is_pooled_not_averaged():
    s = survey_frame([9, 90, 45, 10, 10, 10], [10, 100, 100, 20, 20, 20])
    r = rolling_rate(s).iloc[0]
    assert (r["satisfied"], r["responses"]) == (174, 270)
    assert r["rate"] == 174 / 270  # the mean of the monthly rates would be 0.6
    lo, hi = proportion_confint(174, 270, method="wilson")
    assert r["lo"] == pytest.approx(lo, abs=1e-12) and r["hi"] == pytest.approx(hi, abs=1e-12)
    assert len(rolling_rate(s)) == 1  # only 2022-12 has six months


@pytest.mark.parametrize("responses, dont_know, satisfied, valid, rate", [
    (100, 10, 72, 90, 0.8),  # issue 14 item 6: 72 / (100 - 10), not 72 / 100
    (100, None, 72, 100, 0.72),  # no dont_know column: every response is valid
    (100, 0, 72, 100, 0.72),
    (100, float("nan"), 72, 100, 0.72),  # a missing dont_know counts as none
    (100, 28, 72, 72, 1.0),  # satisfied + dont_know = responses: every valid answer satisfied
    (10, 2, 8, 8, 1.0),
    (50, 50, 0, 0, None),  # no valid response in the window: no rate, no division by zero
])
def test_dont_know_leaves_the_denominator(responses, dont_know, satisfied, valid, rate):
    """METHODS.md, Victim satisfaction: p = satisfied / (responses - dont_know); n and the interval are on that."""
    s = survey_frame([satisfied] * 6, [responses] * 6, dont_know=None if dont_know is None else [dont_know] * 6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0 / 0 must not reach numpy
        r = rolling_rate(s, target=0.8).iloc[0]
    assert (r["satisfied"], r["responses"]) == (6 * satisfied, 6 * valid)
    if rate is None:
        assert np.isnan(r["rate"]) and np.isnan(r["lo"]) and np.isnan(r["hi"]) and pd.isna(r["target_label"])
    else:
        assert r["rate"] == rate
        lo, hi = proportion_confint(6 * satisfied, 6 * valid, method="wilson")
        assert r["lo"] == pytest.approx(lo, abs=1e-12) and r["hi"] == pytest.approx(hi, abs=1e-12)


def test_a_month_without_valid_responses_inside_a_window_is_pooled():
    s = survey_frame([40, 0, 40], [50, 10, 50], dont_know=[0, 10, 0])  # the middle month: all "don't know"
    out = rolling_rate(s, window=1)
    assert out["rate"].isna().tolist() == [False, True, False] and out["responses"].tolist() == [50, 0, 50]
    r = rolling_rate(s, window=3).iloc[0]
    assert (r["satisfied"], r["responses"], r["rate"]) == (80, 100, 0.8)


@pytest.mark.parametrize("satisfied, label", [(700, "below"), (800, "within the interval of"), (900, "above")])
def test_target_label(satisfied, label):
    s = survey_frame([satisfied // 6] * 6, [1000 // 6] * 6)
    assert rolling_rate(s, target=0.8).iloc[0]["target_label"] == label


def test_run_length_of_a_fall_and_the_window_high():
    # monthly rates built so the 3-month rolling rate rises, then falls for four months, then stays level
    s = survey_frame([80, 85, 90, 70, 60, 55, 50, 50, 50, 55], [100] * 10, start="2022-01")
    out = rolling_rate(s, window=3)
    rates = out.set_index(out["month"].astype(str))["rate"]
    assert rates["2022-03"] == 255 / 300
    assert out["run_direction"].isna().tolist()[:2] == [True, False]
    assert out["run_length"].tolist() == [0, 1, 2, 3, 4, 5, 6, 1]
    r = row(out, "2022-09")  # 150 vs 2022-08 155 vs ... each lower since 2022-04
    assert (r["run_length"], r["run_direction"]) == (6, "falling")
    r = row(out, "2022-10")  # 155 > 150: a rise of one month
    assert (r["run_length"], r["run_direction"]) == (1, "rising")
    high = window_extreme(out, "2022-10", window=12).iloc[0]
    assert high["month"] == M("2022-03", "M") and high["rate"] == 255 / 300 and high["extreme"] == "high"
    low = window_extreme(out, "2022-10", window=12, which="low").iloc[0]
    assert low["month"] == M("2022-09", "M")


def test_level_rate_breaks_a_run():
    s = survey_frame([50, 50, 50, 50], [100] * 4)
    out = rolling_rate(s, window=2)
    assert out["run_length"].tolist() == [0, 0, 0] and out["run_direction"].isna().all()


def test_compare_windows_agrees_with_statsmodels():
    s = survey_frame([83] * 6 + [77] * 6, [100] * 12, start="2022-07")
    out = compare_windows(s, "2022-12", "2023-06").iloc[0]
    z_ref, p_ref = proportions_ztest([498, 462], [600, 600])  # a - b
    assert out["z"] == pytest.approx(-z_ref, abs=1e-12)
    assert out["p_value"] == pytest.approx(p_ref, abs=1e-12)
    assert out["significant"] == (p_ref < 0.05)
    assert (out["rate_a"], out["rate_b"]) == (498 / 600, 462 / 600)
    with pytest.raises(ConfigError, match="overlap"):
        compare_windows(s, "2023-03", "2023-06")


# ------------------------------------------------------------------------------------------------ bad input

def test_missing_column_is_named():
    with pytest.raises(InputError, match="missing column.*count"):
        changes(series([1, 2]).drop(columns="count"))
    with pytest.raises(InputError, match="missing column.*outcome_type"):
        outcome_rate(outcome_frame("2023-05", {"1": 1}).drop(columns="outcome_type"), series([2]))


def test_non_monthly_period_is_refused():
    frame = series([1, 2])
    frame["month"] = pd.period_range("2023Q1", periods=2, freq="Q")
    with pytest.raises(InputError, match="column month: periods must be monthly"):
        three_year_average(frame)


def test_negative_count_names_the_row():
    with pytest.raises(InputError, match="row 1, column count: -3"):
        window_rank(series([1, -3, 2]))


def test_satisfied_above_responses_names_the_row():
    with pytest.raises(InputError, match="row 2, column satisfied: satisfied is greater than responses"):
        rolling_rate(survey_frame([5, 5, 11], [10, 10, 10]))


def test_satisfied_and_dont_know_above_responses_names_the_row_and_column():
    with pytest.raises(InputError, match=r"row 1, column dont_know: satisfied \(8\) \+ dont_know \(3\) is greater "
                                         r"than responses \(10\)"):
        rolling_rate(survey_frame([5, 8, 5], [10, 10, 10], dont_know=[5, 3, 0]))


def test_target_as_a_percentage_is_refused():
    with pytest.raises(ConfigError, match="0.8 for 80%"):
        rolling_rate(survey_frame([5] * 6, [10] * 6), target=80)


# ------------------------------------------------------------------------------------------------ properties

counts_st = st.lists(st.integers(0, 60), min_size=1, max_size=50)


@st.composite
def volume_frames(draw):
    """Two to three series (forces/areas) with gaps, as a frame of canonical rows."""
    parts = []
    for force in draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True)):
        counts = draw(st.lists(st.integers(0, 60), min_size=1, max_size=50))
        start = draw(st.sampled_from(["2018-01", "2018-07", "2019-03"]))
        frame = series(counts, start=start, force=force)
        keep = draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
        keep[-1] = True
        parts.append(frame[keep])
    return pd.concat(parts, ignore_index=True)


FUNCS = [three_year_average, window_rank, changes, quarter_totals,
         lambda v: three_year_average(v, method="trailing_36", exclude="2020-04..2021-03"),
         lambda v: period_comparison(v, "2021-06")]
PROPS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(volume_frames(), st.randoms(use_true_random=False))
@PROPS
def test_shuffling_rows_changes_no_output(frame, rnd):
    order = list(range(len(frame)))
    rnd.shuffle(order)
    for f in FUNCS:
        pd.testing.assert_frame_equal(f(frame), f(frame.iloc[order]))


@given(volume_frames(), counts_st)
@PROPS
def test_adding_a_force_changes_no_other_force(frame, counts):
    other = series(counts, start="2018-04", force="Z")
    for f in FUNCS:
        alone = f(frame)
        together = f(pd.concat([other, frame], ignore_index=True))
        together = together[together["force"] != "Z"].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, together)


@st.composite
def outcome_tables(draw):
    n_months = draw(st.integers(1, 30))
    months = pd.period_range("2021-01", periods=n_months, freq="M").astype(str)
    offences = draw(st.lists(st.integers(0, 300), min_size=n_months, max_size=n_months))
    rows = []
    for m, n in zip(months, offences, strict=True):
        left = n  # keep outcomes within offences for this property
        for code in draw(st.lists(st.sampled_from(["1", "2", "3", "8", "14", "18", "22"]), unique=True, max_size=5)):
            c = draw(st.integers(0, left))
            left -= c
            rows.append(("F", "Force", "m", m, code, c))
    vol = pd.DataFrame({"force": "F", "area": "Force", "measure": "m", "month": months, "count": offences})
    out = pd.DataFrame(rows, columns=["force", "area", "measure", "month", "outcome_type", "count"])
    return out, vol


@given(outcome_tables(), st.sampled_from([1, 12]), st.booleans())
@settings(max_examples=40, deadline=None)
def test_outcome_rates_stay_in_unit_interval(tables, window, diversionary):
    out = outcome_rate(*tables, window=window, include_diversionary=diversionary)
    rated = out[out["n"] > 0]
    assert ((rated["rate"] >= 0) & (rated["rate"] <= 1)).all()
    assert ((rated["lo"] >= 0) & (rated["lo"] <= rated["rate"]) & (rated["rate"] <= rated["hi"])
            & (rated["hi"] <= 1)).all()
    assert not out["over_100"].any()


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), min_size=1, max_size=30),
       st.integers(1, 6), st.floats(0, 1))
@settings(max_examples=40, deadline=None)
def test_satisfaction_rates_stay_in_unit_interval(pairs, window, target):
    satisfied = [min(a, b) for a, b in pairs]
    responses = [max(a, b) for a, b in pairs]
    out = rolling_rate(survey_frame(satisfied, responses), window=window, target=target)
    rated = out[out["responses"] > 0]
    assert ((rated["rate"] >= 0) & (rated["rate"] <= 1) & (rated["lo"] <= rated["rate"])
            & (rated["rate"] <= rated["hi"])).all()
    assert len(out) == max(0, len(pairs) - window + 1)
    assert (out["run_length"] >= 0).all()
