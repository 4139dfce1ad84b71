"""Statements in the report's wording, built from hand-made result frames with the agreed columns.

Each builder is checked on at least two data situations, with the exact sentence, so that the wording is shown to
follow the data (highest / second lowest, above / in line / below, rise / fall) rather than a fixed text.
"""

import math

import pandas as pd
import pytest

from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.volumes import PrecedingComparison, QuarterProfile, quarter_profile
from ncpm.words import statements as nv

F = "Warwickshire"
JUN = pd.Period("2023-06", "M")
MAY = pd.Period("2023-05", "M")


def frame(rows, **common):
    out = pd.DataFrame([{**common, **r} for r in rows])
    if "month" in out.columns:
        out["month"] = out["month"].map(lambda m: pd.Period(m, "M"))
    return out


def volumes(measure, counts, area="Force", end="2023-06"):
    months = pd.period_range(end=end, periods=len(counts), freq="M")
    return pd.DataFrame({"force": F, "area": area, "measure": measure, "month": months, "count": counts})


# --- wording helpers -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, zero, words", [(0, "no", "no"), (0, "none", "none"), (1, "no", "one"),
                                            (9, "no", "nine"), (10, "no", "10"), (1402, "no", "1,402")])
def test_counts_zero_to_nine_are_words_and_larger_counts_figures(n, zero, words):
    assert nv.count_words(n, zero=zero) == words


@pytest.mark.parametrize("fraction, decimals, text", [(0.125, 0, "13%"), (0.115, 0, "12%"), (0.0725, 1, "7.3%"),
                                                      (0.0149, 1, "1.5%"), (0.5, 0, "50%"), (1.0, 0, "100%")])
def test_percentages_round_halves_up(fraction, decimals, text):
    assert nv.percent(fraction, decimals) == text


@pytest.mark.parametrize("share, tolerance, words", [
    (10 / 30, 0.02, "a third"), (0.25, 0.02, "a quarter"), (0.51, 0.02, "half"), (0.66, 0.02, "two thirds"),
    (0.76, 0.02, "three quarters"), (0.21, 0.02, "21%"), (0.36, 0.02, "36%"), (0.36, 0.03, "a third")])
def test_shares_near_simple_fractions_are_said_in_words(share, tolerance, words):
    assert nv.fraction_words(share, tolerance) == words


def test_join_words_and_labels():
    assert nv.join_words(["East"]) == "East"
    assert nv.join_words(["East", "South"]) == "East and South"
    assert nv.join_words(["East", "North", "South"]) == "East, North and South"
    assert nv.offences_noun("firearms") == "firearms offences"
    assert nv.offences_noun("homicide", 1) == "homicide offence"
    assert nv.window_phrase(12) == "12 months" and nv.window_phrase(36) == "3 years"


# --- S1: period change -----------------------------------------------------------------------------------------

def test_period_change_a_reduction_with_none_in_the_month():
    v = volumes("homicide", [0, 1, 0, 0, 0, 0])
    comp = frame([{"current": 1, "previous": 2, "change": -1, "pct_change": -0.5}],
                 force=F, area="Force", measure="homicide")
    s = nv.period_change_statement(v, comp, F, "homicide", "2023-06")
    assert s.text == ("There were no recorded homicide offences in June 2023, with one recorded during the last six "
                      "months, a 50% reduction on the same period last year.")
    assert (s.id, s.priority, s.kind, s.month) == ("S1", 1, "period_change", JUN)
    assert s.facts["direction"] == "reduction" and s.facts["current"] == 1


def test_period_change_an_increase_no_change_and_up_from_none():
    v = volumes("homicide", [0, 0, 0, 0, 0, 1])
    up = frame([{"current": 3, "previous": 2, "change": 1, "pct_change": 0.5}], force=F, area="Force",
               measure="homicide")
    assert nv.period_change_statement(v, up, F, "homicide", JUN).text == (
        "There was one recorded homicide offence in June 2023, with three recorded during the last six months, "
        "a 50% increase on the same period last year.")
    same = up.assign(current=2, change=0, pct_change=0.0)
    assert nv.period_change_statement(v, same, F, "homicide", JUN, months=3).text == (
        "There was one recorded homicide offence in June 2023, with two recorded during the last three months, "
        "no change on the same period last year.")
    new = up.assign(current=1, previous=0, change=1, pct_change=float("nan"))
    assert nv.period_change_statement(v, new, F, "homicide", JUN).text.endswith(
        "with one recorded during the last six months, up from none in the same period last year.")


# --- S2: quarter -----------------------------------------------------------------------------------------------

def test_quarter_total_and_latest_month():
    q = frame([{"quarter": "Q1 2023/24", "count": 26, "months": 3}, {"quarter": "Q4 2022/23", "count": 5,
                                                                     "months": 3}],
              force=F, area="Force", measure="firearms")
    v = volumes("firearms", [1, 2, 2, 4, 5, 17])
    s = nv.quarter_statement(q, v, F, "firearms", "2023-06")
    assert s.text == "In Q1 2023/24, there were 26 firearms offences recorded, with 17 in June 2023."
    assert s.id == "S2" and s.facts == {"quarter": "Q1 2023/24", "quarter_count": 26, "months_present": 3,
                                        "count": 17}


def test_quarter_to_date_with_none_in_the_month():
    q = frame([{"quarter": "Q2 2023/24", "count": 4, "months": 2}], force=F, area="Force", measure="firearms")
    v = volumes("firearms", [4, 0], end="2023-08")
    assert nv.quarter_statement(q, v, F, "firearms", "2023-08").text == (
        "In Q2 2023/24 to date, there were four firearms offences recorded, with none in August 2023.")


# --- S3, S5, S6, S8: the month against its window, the 3-year average and the forecast ---------------------------

def baseline_rows(measure, count, comparison, prev_comparison="above", baseline=30.0, z=4.0):
    return frame([{"month": "2023-05", "count": 40, "baseline": 30.0, "z": 1.8, "comparison": prev_comparison},
                  {"month": "2023-06", "count": count, "baseline": baseline, "z": z, "comparison": comparison}],
                 force=F, area="Force", measure=measure, baseline_method="same_month")


def rank_rows(measure, label, high, low, window=12, tied=False, month="2023-06"):
    return frame([{"month": month, "window": window, "n_in_window": window, "rank_high": high, "rank_low": low,
                   "tied": tied, "rank_label": label}], force=F, area="Force", measure=measure)


def test_highest_in_twelve_months_and_substantially_above():
    b = baseline_rows("knife_crime", 50, "substantially above", z=3.6)
    s = nv.volume_statement(b, rank_rows("knife_crime", "highest", 1, 12), F, "knife_crime", "2023-06")
    assert s.text == ("In June 2023, there were 50 knife crime offences recorded, the highest figure in the last "
                      "12 months and substantially above the 3-year average.")
    assert s.id == "S3" and s.facts["rank_label"] == "highest" and s.facts["comparison"] == "substantially above"


def test_second_lowest_and_below():
    b = baseline_rows("burglary_residential", 61, "below", prev_comparison="below", z=-2.2)
    s = nv.volume_statement(b, rank_rows("burglary_residential", "second lowest", 11, 2), F,
                            "burglary_residential", JUN)
    assert s.text == ("In June 2023, there were 61 Burglary Residential offences recorded, the second lowest figure "
                      "in the last 12 months and below the 3-year average.")
    assert s.id == "S6"


def test_rank_named_only_near_the_ends_and_ties_are_joint():
    b = baseline_rows("knife_crime", 33, "in line with", prev_comparison="in line with", z=0.5)
    middle = rank_rows("knife_crime", "sixth highest", 6, 7)
    assert nv.volume_statement(b, middle, F, "knife_crime", JUN).text == (
        "In June 2023, there were 33 knife crime offences recorded, in line with the 3-year average.")
    joint = rank_rows("knife_crime", "highest", 1, 34, window=36, tied=True)
    assert nv.volume_statement(b, joint, F, "knife_crime", JUN).text == (
        "In June 2023, there were 33 knife crime offences recorded, the joint highest figure in the last 3 years "
        "and in line with the 3-year average.")


def test_back_in_line_and_against_the_forecast():
    b = baseline_rows("vehicle_crime", 402, "in line with", prev_comparison="above", baseline=390.0, z=0.6)
    fc = frame([{"month": "2023-06", "mean": 450.0, "lo_95": 410.0, "hi_95": 490.0, "method": "ETS(A,N,A)",
                 "origin": "2023-03"}], force=F, area="Force", measure="vehicle_crime")
    s = nv.volume_statement(b, None, F, "vehicle_crime", JUN, forecast=fc)
    assert s.text == ("In June 2023, there were 402 vehicle crime offences recorded, back in line with the 3-year "
                      "average and below the forecast.")
    assert s.facts["back_in_line"] and s.facts["forecast_label"] == "below the forecast"
    above = fc.assign(mean=300.0, lo_95=260.0, hi_95=340.0)
    assert nv.volume_statement(b, None, F, "vehicle_crime", JUN, forecast=above).text.endswith(
        "back in line with the 3-year average and above the forecast.")
    steady = baseline_rows("vehicle_crime", 402, "in line with", prev_comparison="in line with", z=0.6)
    inside = fc.assign(mean=400.0, lo_95=360.0, hi_95=440.0)
    assert nv.volume_statement(steady, None, F, "vehicle_crime", JUN, forecast=inside).text == (
        "In June 2023, there were 402 vehicle crime offences recorded, in line with the 3-year average and the "
        "forecast.")


def test_forecast_vs_actual_label_is_used_and_the_latest_origin_wins():
    b = baseline_rows("robbery_personal", 30, "in line with", prev_comparison="in line with", z=0.0)
    fva = frame([{"month": "2023-06", "mean": 25.0, "lo_95": 10.0, "hi_95": 40.0, "origin": "2023-03",
                  "label": "in line with the forecast"},
                 {"month": "2023-06", "mean": 60.0, "lo_95": 50.0, "hi_95": 70.0, "origin": "2022-12",
                  "label": "below the forecast"}], force=F, area="Force", measure="robbery_personal")
    s = nv.volume_statement(b, None, F, "robbery_personal", JUN, forecast=fva)
    assert s.text == ("In June 2023, there were 30 Robbery Personal offences recorded, in line with the 3-year "
                      "average and the forecast.")
    assert s.facts["forecast_mean"] == 25.0  # the forecast made at the later origin
    assert s.id == "S5"


def test_missing_row_names_the_frame():
    b = baseline_rows("knife_crime", 50, "above")
    with pytest.raises(InputError, match="baseline"):
        nv.volume_statement(b, None, F, "knife_crime", "2023-07")


# --- S4: change, rank and the LPA ------------------------------------------------------------------------------

def change_rows(force_count, force_change, lpa_changes, measure="violence_with_injury", yoy=None):
    rows = [{"area": "Force", "count": force_count, "mom_change": force_change,
             "mom_pct": force_change / (force_count - force_change)}]
    rows += [{"area": a, "count": 100 + c, "mom_change": c, "mom_pct": c / 100} for a, c in lpa_changes.items()]
    out = frame(rows, force=F, measure=measure, month="2023-06")
    if yoy is not None:
        out["yoy_change"], out["yoy_pct"] = yoy
    return out


def test_an_increase_the_highest_in_three_years_most_notably_in_the_north():
    ch = change_rows(481, 52, {"East": 6, "North": 40, "South": 6})
    s = nv.change_statement(ch, rank_rows("violence_with_injury", "highest", 1, 36, window=36), F,
                            "violence_with_injury", JUN)
    assert s.text == ("In June 2023, Violence with Injury offences increased by 12% (n=481), the highest total in "
                      "the last 3 years, most notably in the North Local Policing Area (LPA).")
    assert (s.id, s.facts["lpa"], s.facts["lpa_change"]) == ("S4", "North", 40)


def test_a_decrease_led_by_the_east_without_a_rank():
    ch = change_rows(380, -20, {"East": -15, "North": 3, "South": -8})
    s = nv.change_statement(ch, rank_rows("violence_with_injury", "ninth lowest", 28, 9, window=36), F,
                            "violence_with_injury", JUN)
    assert s.text == ("In June 2023, Violence with Injury offences decreased by 5% (n=380), most notably in the "
                      "East Local Policing Area (LPA).")


def test_change_on_the_same_month_last_year():
    ch = change_rows(400, 0, {"North": 2}, yoy=(-50, -0.111))
    ch.loc[ch["area"] == "North", ["yoy_change", "yoy_pct"]] = (5, 0.05)  # the only LPA rose: no "most notably"
    s = nv.change_statement(ch, None, F, "violence_with_injury", JUN, basis="year")
    assert s.text == "In June 2023, Violence with Injury offences decreased by 11% on June 2022 (n=400)."
    assert nv.change_statement(ch, None, F, "violence_with_injury", JUN).text == (
        "In June 2023, Violence with Injury offences were unchanged (n=400).")
    with pytest.raises(ConfigError):
        nv.change_statement(ch, None, F, "violence_with_injury", JUN, basis="week")


def test_forecast_direction_rise_fall_and_stable():
    v = volumes("violence_with_injury", [400, 410, 420, 430, 440, 450])  # Q1 2023/24 = 1,320
    fc = frame([{"month": m, "mean": mean, "lo_95": 0.0, "hi_95": 1e4, "method": "ETS(A,Ad,A)",
                 "origin": "2023-06"} for m, mean in (("2023-07", 480.0), ("2023-08", 500.0), ("2023-09", 470.0))],
               force=F, area="Force", measure="violence_with_injury")
    s = nv.forecast_direction_statement(fc, v, F, "violence_with_injury")
    assert s.text == ("Violence with Injury volumes are predicted to rise during Q2 2023/24 (a forecast of 1,450 "
                      "offences, against 1,320 in Q1 2023/24).")
    assert (s.id, s.month, s.facts["direction"]) == ("S4", JUN, "rise")
    down = fc.assign(mean=400.0)
    assert "predicted to fall during Q2 2023/24 (a forecast of 1,200" in \
        nv.forecast_direction_statement(down, v, F, "violence_with_injury").text
    flat = fc.assign(mean=450.0)
    assert "predicted to remain broadly stable during Q2 2023/24" in \
        nv.forecast_direction_statement(flat, v, F, "violence_with_injury").text


# --- outcome rates ----------------------------------------------------------------------------------------------

def rate_row(rate, n, lo, hi, caution=False, window=1, measure="violence_with_injury", area="Force", over=False):
    return frame([{"month": "2023-05", "outcomes": round(rate * n), "n": n, "rate": rate, "lo": lo, "hi": hi,
                   "caution": caution, "caution_reason": "n < 50" if caution else pd.NA, "window": window,
                   "over_100": over}], force=F, area=area, measure=measure)


def test_outcome_rate_to_one_decimal():
    s = nv.outcome_rate_statement(rate_row(0.0728, 412, 0.051, 0.102), F, "violence_with_injury", "2023-05")
    assert s.text == "In May 2023, the 'action taken' outcome rate for Violence with Injury was 7.3%."
    assert s.month == MAY and s.facts["n"] == 412 and s.facts["caution"] is False


def test_outcome_rate_with_small_numbers_caution():
    r = rate_row(1 / 31, 31, 0.0057, 0.162, caution=True, measure="robbery_personal")
    assert nv.outcome_rate_statement(r, F, "robbery_personal", MAY).text == (
        "In May 2023, the 'action taken' outcome rate for Robbery Personal was 3.2%, although caution is advised: "
        "with n=31 offences, its 95% interval runs from 0.6% to 16.2%.")


def test_rolling_outcome_rate_in_an_lpa_with_more_outcomes_than_offences():
    r = rate_row(1.05, 120, 0.98, 1.0, window=12, measure="vehicle_crime", area="North", over=True)
    assert nv.outcome_rate_statement(r, F, "vehicle_crime", MAY, area="North").text == (
        "In May 2023, the rolling 12-month 'action taken' outcome rate for vehicle crime in the North LPA was "
        "105.0%. More outcomes than offences were recorded, as outcomes can relate to offences recorded earlier.")


# --- shares -----------------------------------------------------------------------------------------------------

def share_rows(rows, part="robbery_personal_knife", whole="robbery_personal"):
    return frame(rows, force=F, part=part, whole=whole)


def test_share_near_a_third_in_words():
    sh = share_rows([{"area": "Force", "month": "2023-06", "share": 10 / 31, "n": 10}])
    s = nv.share_statement(sh, F, "robbery_personal_knife", "robbery_personal", JUN)
    assert s.text == ("In June 2023, knife-enabled personal robbery accounted for a third (n=10) of Robbery "
                      "Personal offences.")
    assert s.id == "S5" and s.measure == "robbery_personal"


def test_share_as_a_percentage_in_an_lpa():
    sh = share_rows([{"area": "North", "month": "2023-06", "share": 27 / 126, "n": 27},
                     {"area": "East", "month": "2023-06", "share": 0.5, "n": 40}],
                    part="vehicle_motorcycle_theft", whole="vehicle_crime")
    s = nv.share_statement(sh, F, "vehicle_motorcycle_theft", "vehicle_crime", JUN, area="North")
    assert s.text == "In June 2023, motorcycle theft accounted for 21% (n=27) of vehicle crime offences in the North LPA."
    assert nv.share_statement(sh, F, "vehicle_motorcycle_theft", "vehicle_crime", JUN, area="East").text == (
        "In June 2023, motorcycle theft accounted for half (n=40) of vehicle crime offences in the East LPA.")


def lpa_share_rows(parts):
    """parts: area -> [(part, whole) for Apr, May, Jun]; part and whole kept as counts."""
    rows = []
    for area, values in parts.items():
        for month, (p, w) in zip(["2023-04", "2023-05", "2023-06"], values, strict=True):
            rows.append({"force": F, "area": area, "month": month, "part": p, "whole": w, "share": p / w, "n": p})
    return frame(rows)


def test_over_half_in_each_lpa_pooled_over_the_quarter():
    sh = lpa_share_rows({"North": [(30, 50), (32, 55), (29, 52)], "East": [(20, 35), (22, 40), (21, 38)],
                         "South": [(15, 25), (14, 26), (16, 28)]})
    s = nv.lpa_share_statement(sh, F, "theft_from_person_pickpocket", "theft_from_person", JUN)
    assert s.text == ("In Q1 2023/24, pickpocketing accounted for over half of theft from the person offences in "
                      "each of the three LPAs (East 56%, North 58%, South 57%).")
    assert s.id == "S7" and s.facts["over"] == ["East", "North", "South"]


def test_over_half_in_some_lpas_or_none():
    mixed = lpa_share_rows({"North": [(30, 50), (32, 55), (29, 52)], "East": [(10, 35), (12, 40), (11, 38)],
                            "South": [(15, 25), (14, 26), (16, 28)]})
    assert nv.lpa_share_statement(mixed, F, "theft_from_person_pickpocket", "theft_from_person", JUN).text == (
        "In Q1 2023/24, pickpocketing accounted for over half of theft from the person offences in the North and "
        "South LPAs but not in the East LPA (East 29%, North 58%, South 57%).")
    low = lpa_share_rows({"North": [(10, 50), (12, 55), (9, 52)], "East": [(10, 35), (12, 40), (11, 38)]})
    assert nv.lpa_share_statement(low, F, "theft_from_person_pickpocket", "theft_from_person", JUN).text == (
        "In Q1 2023/24, pickpocketing accounted for half or less of theft from the person offences in each of the "
        "two LPAs (East 29%, North 20%).")
    month_only = nv.lpa_share_statement(low, F, "theft_from_person_pickpocket", "theft_from_person", JUN,
                                        period="month", threshold=0.25)
    assert month_only.text.startswith("In June 2023, pickpocketing accounted for over a quarter of theft from the "
                                      "person offences in the East LPA but not in the North LPA")


# --- S8: LPA ups and downs; MSG and national rank ----------------------------------------------------------------

def test_decreases_in_two_lpas_and_an_increase_in_one():
    ch = change_rows(402, -12, {"East": -20, "North": 23, "South": -15}, measure="vehicle_crime")
    ch.loc[ch["area"] == "North", "count"] = 126
    s = nv.lpa_change_statement(ch, F, "vehicle_crime", JUN)
    assert s.text == ("In June 2023, vehicle crime offences decreased in the East and South LPAs but increased in "
                      "the North LPA by 23 offences (n=126).")
    assert s.facts["increased"] == {"North": 23} and s.facts["counts"]["North"] == 126


def test_lpa_changes_all_up_or_one_each_way():
    up = change_rows(402, 30, {"East": 5, "North": 20, "South": 5}, measure="vehicle_crime")
    assert nv.lpa_change_statement(up, F, "vehicle_crime", JUN).text == (
        "In June 2023, vehicle crime offences increased in all three LPAs.")
    mixed = change_rows(402, 0, {"East": -1, "North": 0, "South": 4}, measure="vehicle_crime")
    assert nv.lpa_change_statement(mixed, F, "vehicle_crime", JUN).text == (
        "In June 2023, vehicle crime offences decreased in the East LPA by one offence (n=99) but increased in the "
        "South LPA by four offences (n=104), and were unchanged in the North LPA.")


def msg_rows(flags_now, flags_before=None, rate=11.2, average=7.9):
    rows = [{"month": "2023-06", "rate": rate, "msg_average": average, "descriptive_outlier": flags_now[0],
             "statistical_outlier": flags_now[1]}]
    if flags_before is not None:
        rows.append({"month": "2023-05", "rate": rate, "msg_average": average,
                     "descriptive_outlier": flags_before[0], "statistical_outlier": flags_before[1]})
    return frame(rows, force=F, measure="vehicle_crime")


def ranks_change(label, rank, earlier, places):
    return pd.DataFrame([{"force": F, "measure": "vehicle_crime", "rank": rank, "earlier_rank": earlier,
                          "places": places, "label": label}])


def test_remains_an_outlier_and_improved_nationally():
    s = nv.peer_statement(msg_rows((True, True), (True, True)), ranks_change("improved two places to 20th", 20,
                                                                             22, 2), F, "vehicle_crime", JUN)
    assert s.text == ("Warwickshire remains an outlier in its Most Similar Group (MSG) for vehicle crime (11.2 "
                      "offences per 1,000 population in the 12 months to June 2023, against an MSG average of 7.9) "
                      "and has improved two places nationally to 20th.")
    assert s.id == "S8" and s.facts["places"] == 2


def test_outlier_wording_follows_the_flags_and_the_rank_change():
    fell = ranks_change("fell one place to 12th", 12, 11, -1)
    s = nv.peer_statement(msg_rows((False, True), None, rate=5.0, average=4.1), fell, F, "vehicle_crime", JUN)
    assert s.text.startswith("Warwickshire is a statistical outlier in its Most Similar Group (MSG)")
    assert s.text.endswith("against an MSG average of 4.1) and has fallen one place nationally to 12th.")
    same = ranks_change("unchanged at 5th", 5, 5, 0)
    s = nv.peer_statement(msg_rows((False, False), (True, False)), same, F, "vehicle_crime", JUN)
    assert s.text.startswith("Warwickshire is no longer an outlier in its Most Similar Group (MSG)")
    assert s.text.endswith("and has remained unchanged nationally at 5th.")
    s = nv.peer_statement(msg_rows((True, False), (False, False)), None, F, "vehicle_crime", JUN)
    assert s.text.startswith("Warwickshire is a descriptive outlier in its Most Similar Group (MSG)")
    assert s.text.endswith("against an MSG average of 7.9).")


# --- S7: the quarter as a whole -------------------------------------------------------------------------------

def profile_rows(counts, baseline):
    months = pd.period_range("2023-01", periods=6, freq="M")
    return pd.DataFrame({"force": F, "area": "Force", "measure": "theft_from_person", "month": months,
                         "count": counts, "baseline": baseline, "baseline_method": "same_month"})


def quarter_forecast(means, half=15.0):
    return frame([{"month": m, "mean": v, "lo_95": v - half, "hi_95": v + half, "origin": "2023-03",
                   "method": "ETS(A,N,A)"} for m, v in zip(["2023-04", "2023-05", "2023-06"], means, strict=True)],
                 force=F, area="Force", measure="theft_from_person")


def test_stable_but_above_the_preceding_months_the_average_and_the_forecast():
    b = profile_rows([60, 62, 58, 90, 95, 92], [60.0, 60.0, 60.0, 70.0, 70.0, 70.0])
    profile = quarter_profile(b, quarter_forecast([65.0, 66.0, 67.0]), F, "theft_from_person", JUN)
    s = nv.quarter_profile_statement(profile, F, "theft_from_person", JUN)
    assert s.text == ("In Q1 2023/24, theft from the person volumes remained stable month to month but were "
                      "substantially above the preceding three months and the 3-year average, and above the "
                      "forecast.")
    assert s.id == "S7" and s.facts["stable"] and s.facts["forecast_label"] == "above"
    assert s.facts["baseline_z"] == pytest.approx((277 - 210) / math.sqrt(210))


def test_a_falling_quarter_in_line_with_its_references():
    b = profile_rows([80, 75, 78, 100, 70, 60], [80.0, 80.0, 80.0, 76.0, 74.0, 72.0])
    profile = quarter_profile(b, quarter_forecast([80.0, 72.0, 70.0], half=25.0), F, "theft_from_person",
                                       JUN)
    s = nv.quarter_profile_statement(profile, F, "theft_from_person", JUN)
    assert s.text == ("In Q1 2023/24, theft from the person volumes fell during the quarter and were in line with "
                      "the preceding three months, the 3-year average and the forecast.")
    assert not s.facts["stable"]


def test_the_quarter_so_far_and_without_a_forecast_or_preceding_months():
    b = profile_rows([60, 62, 58, 90, 95, 92], [60.0, 60.0, 60.0, 70.0, 70.0, 70.0]).iloc[2:5]  # Mar to May
    profile = quarter_profile(b, None, F, "theft_from_person", "2023-05")
    assert (profile.months, profile.complete, profile.quarter_count) == (2, False, 185)
    assert profile.preceding is None and profile.forecast is None
    s = nv.quarter_profile_statement(profile, F, "theft_from_person", "2023-05")
    assert s.text == ("In Q1 2023/24 to date, theft from the person volumes remained stable month to month but were "
                      "substantially above the 3-year average.")
    with pytest.raises(InputError, match="no count for .* in 2023-06"):
        quarter_profile(b, None, F, "theft_from_person", JUN)


# --- S9: rolling satisfaction ---------------------------------------------------------------------------------

def rolling_rows(rates, target=0.80, target_label="below", direction="falling", run=6, half=0.03):
    months = pd.period_range(end="2023-06", periods=len(rates), freq="M")
    return pd.DataFrame({"force": F, "survey": "da_whole_experience", "month": months, "satisfied": 240,
                         "responses": 310, "rate": rates, "lo": [r - half for r in rates],
                         "hi": [r + half for r in rates], "target": target, "target_label": target_label,
                         "run_length": run, "run_direction": direction})


def test_below_target_and_falling_for_six_months_from_a_high():
    r = rolling_rows([0.81, 0.834, 0.82, 0.81, 0.80, 0.79, 0.78, 0.772])
    s = nv.satisfaction_statement(r, F, "da_whole_experience", "2023-06")
    assert s.text == ("In June 2023, the rolling 6-month 'whole experience satisfaction' rate stood at 77%, below "
                      "the target of 80%. It has fallen for the last six months, from a high of 83% in December "
                      "2022.")
    assert (s.id, s.priority, s.facts["run_start"]) == ("S9", 6, pd.Period("2022-12", "M"))


def test_above_target_and_rising_or_within_the_interval():
    r = rolling_rows([0.70, 0.72, 0.74, 0.80, 0.84, 0.86], target_label="above", direction="rising", run=4)
    assert nv.satisfaction_statement(r, F, "da_whole_experience", JUN).text == (
        "In June 2023, the rolling 6-month 'whole experience satisfaction' rate stood at 86%, above the target of "
        "80%. It has risen for the last four months, from a low of 72% in February 2023.")
    r = rolling_rows([0.80, 0.79, 0.79], target_label="within the interval of", direction=pd.NA, run=0)
    assert nv.satisfaction_statement(r, F, "da_whole_experience", JUN).text == (
        "In June 2023, the rolling 6-month 'whole experience satisfaction' rate stood at 79%, below the target of "
        "80% but not significantly so (its 95% interval, 76% to 82%, includes the target).")
    short = rolling_rows([0.80, 0.79, 0.78], direction="falling", run=2)
    assert "It has fallen" not in nv.satisfaction_statement(short, F, "da_whole_experience", JUN).text


def test_a_rate_that_rounds_to_the_target_gets_a_decimal():
    """Never "stood at 80%, above the target of 80%": the rate gets the decimals that tell it from the target."""
    r = rolling_rows([0.79, 0.8042], target_label="within the interval of", direction=pd.NA, run=0)
    assert nv.satisfaction_statement(r, F, "da_whole_experience", JUN).text.startswith(
        "In June 2023, the rolling 6-month 'whole experience satisfaction' rate stood at 80.4%, above the target of "
        "80% but not significantly so")
    r = rolling_rows([0.79, 0.8002], target_label="within the interval of", direction=pd.NA, run=0)
    assert "stood at 80.02%, above the target of 80%" in nv.satisfaction_statement(
        r, F, "da_whole_experience", JUN).text
    r = rolling_rows([0.79, 0.80], target_label="within the interval of", direction=pd.NA, run=0)
    assert "stood at 80%, at the target of 80%" in nv.satisfaction_statement(r, F, "da_whole_experience", JUN).text


# --- the structured record ------------------------------------------------------------------------------------

def test_statement_is_a_frozen_record_with_read_only_facts():
    b = baseline_rows("knife_crime", 50, "substantially above")
    s = nv.volume_statement(b, None, F, "knife_crime", JUN, id="fig-1")
    assert s.id == "fig-1"
    with pytest.raises(AttributeError):
        s.text = "changed"
    with pytest.raises(TypeError):
        s.facts["count"] = 1
    rec = s.as_record()
    assert rec["fact_count"] == 50 and rec["measure"] == "knife_crime" and rec["month"] == JUN
    table = nv.to_frame([s, s])
    assert list(table.columns) == ["id", "priority", "kind", "force", "area", "measure", "month", "text"]
    assert len(table) == 2


def test_the_same_builder_describes_another_force_and_measure():
    v = volumes("drug_offences", [50, 60, 70, 80, 90, 100]).assign(force="Kent")
    b = v.assign(baseline=60.0, z=5.2, comparison="substantially above")
    ranks = rank_rows("drug_offences", "highest", 1, 12).assign(force="Kent")
    s = nv.volume_statement(b, ranks, "Kent", "drug_offences", JUN)
    assert s.text == ("In June 2023, there were 100 drug offences recorded, the highest figure in the last 12 "
                      "months and substantially above the 3-year average.")
    assert (s.id, s.priority, s.force) == ("drug_offences", 3, "Kent")


# --- disclosure control in statements about LPAs (issue 8, "Safe publishing") ----------------------------------

def test_lpa_statements_never_publish_a_count_disclosure_control_suppresses():
    from ncpm.core.errors import Withheld

    ch = change_rows(402, 0, {"East": -1, "North": 0, "South": 4}, measure="vehicle_crime")
    ch.loc[ch["area"] == "East", "count"] = 3  # and 4 the month before: both disclosive
    s = nv.lpa_change_statement(ch, F, "vehicle_crime", JUN, suppress_below=5)
    assert s.text == ("In June 2023, vehicle crime offences decreased in the East LPA but increased in the South LPA "
                      "by four offences (n=104), and were unchanged in the North LPA.")
    assert s.facts["withheld"] == ["East"]
    assert "(n=3)" in nv.lpa_change_statement(ch, F, "vehicle_crime", JUN).text  # no control unless asked

    small = lpa_share_rows({"North": [(30, 50), (32, 55), (29, 52)], "East": [(1, 2), (0, 1), (1, 1)]})
    with pytest.raises(Withheld, match="East LPA counts below 5"):
        nv.lpa_share_statement(small, F, "theft_from_person_pickpocket", "theft_from_person", JUN, suppress_below=5)
    rest_small = lpa_share_rows({"North": [(48, 50), (52, 55), (50, 52)]})  # 7 not pickpocketing: fine
    assert "North 96%" in nv.lpa_share_statement(rest_small, F, "theft_from_person_pickpocket", "theft_from_person",
                                                 JUN, suppress_below=5).text

    sh = frame([{"area": "North", "month": "2023-06", "share": 0.75, "n": 3}],
               part="vehicle_motorcycle_theft", whole="vehicle_crime")
    with pytest.raises(Withheld):
        nv.share_statement(sh, F, "vehicle_motorcycle_theft", "vehicle_crime", JUN, area="North", suppress_below=5)


# --- issue 16 item 2: statements the seed makes (computed from the frames) ------------------------------------

@pytest.mark.parametrize("before, now, expected", [
    ("above", "in line with", "back in line with the 3-year average."),  # robbery "returned to the 3-year average"
    ("below", "in line with", "back in line with the 3-year average."),
    ("in line with", "in line with", ", in line with the 3-year average."),
    ("above", "above", ", above the 3-year average."),
])
def test_returned_to_the_three_year_average_only_after_a_month_away_from_it(before, now, expected):
    b = baseline_rows("robbery_personal", 30, now, prev_comparison=before, z=0.5)
    s = nv.volume_statement(b, None, F, "robbery_personal", JUN)
    assert s.text.endswith(expected) and s.facts["back_in_line"] is (before != "in line with" == now)


@pytest.mark.parametrize("may, june, tail, movement", [
    ((8, 31), (10, 30), ", up from a quarter (n=8) in May 2023.", "up"),  # the knife-enabled share "has increased"
    ((12, 31), (10, 30), ", down from 39% (n=12) in May 2023.", "down"),
    ((10, 29), (10, 30), ", the same share as in May 2023.", "unchanged"),
])
def test_share_against_the_month_before(may, june, tail, movement):
    sh = share_rows([{"area": "Force", "month": "2023-05", "share": may[0] / may[1], "n": may[0]},
                     {"area": "Force", "month": "2023-06", "share": june[0] / june[1], "n": june[0]}])
    s = nv.share_statement(sh, F, "robbery_personal_knife", "robbery_personal", JUN, against="month")
    assert s.text == ("In June 2023, knife-enabled personal robbery accounted for a third (n=10) of Robbery Personal "
                      "offences" + tail)
    assert s.facts["movement"] == movement
    alone = nv.share_statement(sh.iloc[1:], F, "robbery_personal_knife", "robbery_personal", JUN, against="month")
    assert alone.text.endswith("of Robbery Personal offences.") and "movement" not in alone.facts


def rates_two_months(april, may, measure="burglary_residential", n=93):
    rows = [{"month": m, "outcomes": round(r * n), "n": n, "rate": r, "lo": 0.01, "hi": 0.1, "caution": False,
             "window": 1, "over_100": False} for m, r in (("2023-04", april), ("2023-05", may))]
    return frame(rows, force=F, area="Force", measure=measure)


@pytest.mark.parametrize("april, may, text, movement", [
    (0.0431, 0.0430, "remains at 4.3%, as in April 2023.", "unchanged"),  # the seed's "remains at 4.3%"
    (0.0684, 0.0430, "was 4.3%, down from 6.8% in April 2023.", "down"),
    (0.0250, 0.0430, "was 4.3%, up from 2.5% in April 2023.", "up"),
])
def test_outcome_rate_remains_or_moves_against_the_month_before(april, may, text, movement):
    s = nv.outcome_rate_statement(rates_two_months(april, may), F, "burglary_residential", MAY)
    assert s.text == "In May 2023, the 'action taken' outcome rate for Burglary Residential " + text
    assert s.facts["movement"] == movement


def homicide_msg(descriptive, statistical, average=0.0085):
    return frame([{"month": "2023-06", "rate": 0.0101, "msg_average": average, "descriptive_outlier": descriptive,
                   "statistical_outlier": statistical, "flag_note": "simple average of 8 forces"}],
                 force=F, measure="homicide")


@pytest.mark.parametrize("flags, words", [
    ((False, False), "is not an outlier"),  # S1: "The force are not considered by the HO to be an 'outlier'"
    ((True, True), "is an outlier"),
    ((False, True), "is a statistical outlier"),
    ((True, False), "is a descriptive outlier"),
])
def test_homicide_msg_outlier_flag(flags, words):
    s = nv.msg_outlier_statement(homicide_msg(*flags), F, "homicide", JUN)
    assert s.text == f"Warwickshire {words} in its Most Similar Group (MSG) for homicide."
    assert s.id == "S1" and s.kind == "msg_outlier"


def test_homicide_msg_outlier_needs_an_msg_comparison():
    with pytest.raises(InputError, match="no MSG comparison"):
        nv.msg_outlier_statement(homicide_msg(False, False, average=float("nan")), F, "homicide", JUN)


def trend_profile(stable=True, movement="in line with", preceding="substantially above"):
    return QuarterProfile(quarter="Q1 2023/24", months=3, complete=True, quarter_count=0, steps_z=(), stable=stable,
                          overall_z=0.0, movement_label=movement,
                          preceding=PrecedingComparison(months=3, count=0, z=0.0, label=preceding))


@pytest.mark.parametrize("lpas, text, same", [
    ({"East": trend_profile(), "North": trend_profile(preceding="above"), "South": trend_profile()},
     "This trend is observed in all three LPAs.", ["East", "North", "South"]),
    ({"East": trend_profile(), "North": trend_profile(preceding="in line with"), "South": trend_profile()},
     "This trend is observed in two of the three LPAs (East and South).", ["East", "South"]),
    ({"East": trend_profile(stable=False, movement="above"), "North": trend_profile(preceding="below")},
     "This trend is observed in none of the two LPAs.", []),
])
def test_the_quarter_trend_in_each_lpa(lpas, text, same):
    s = nv.lpa_profile_statement(trend_profile(), lpas, F, "theft_from_person", JUN)
    assert s.text == text and s.facts["same"] == same and s.id == "S7"


def test_the_quarter_trend_by_district_names_them_alone():
    lpas = {"Rugby": trend_profile(), "Warwick": trend_profile(preceding="in line with"), "Stratford": trend_profile()}
    s = nv.lpa_profile_statement(trend_profile(), lpas, F, "theft_from_person", JUN, noun="")
    assert s.text == "This trend is observed in two of the three areas (Rugby and Stratford)."
