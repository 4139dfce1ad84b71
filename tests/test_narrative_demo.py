"""The seed report's nine statements (METHODS.md, S1-S9), regenerated from the demo data through the public API.

Every number comes from the demo CSVs via ncpm.methods (baseline, volumes, outcomes, satisfaction, forecast, peers); the statements are built by
ncpm.words.statements. Skipped when the demo data or a compute module is not there.
"""

from pathlib import Path

import pandas as pd
import pytest

from ncpm.core import schema
from ncpm.words import statements as nv
from ncpm.words.ranks import window_rank

DEMO = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo"
F = "Warwickshire"
JUN, MAY = pd.Period("2023-06", "M"), pd.Period("2023-05", "M")
ORIGIN = pd.Period("2023-03", "M")  # the forecast origin of Q1 2023/24

baseline_m = pytest.importorskip("ncpm.methods.baseline")
outcomes_m = pytest.importorskip("ncpm.methods.outcomes")
satisfaction_m = pytest.importorskip("ncpm.methods.satisfaction")
volumes_m = pytest.importorskip("ncpm.methods.volumes")
forecast = pytest.importorskip("ncpm.methods.forecast")
peers = pytest.importorskip("ncpm.methods.peers")
peer_words = pytest.importorskip("ncpm.words.peers")
if not (DEMO / "volumes.csv").exists():
    pytest.skip("demo data not present", allow_module_level=True)


def _csv(name, spec):
    path = DEMO / name
    if not path.exists():
        pytest.skip(f"demo {name} not present")
    return schema.validate(pd.read_csv(path, dtype=str, keep_default_na=False), spec, source=name)


@pytest.fixture(scope="module")
def vol():
    return _csv("volumes.csv", schema.VOLUMES)


@pytest.fixture(scope="module")
def ours(vol):
    return vol[vol[schema.FORCE] == F].reset_index(drop=True)


@pytest.fixture(scope="module")
def baseline(ours):
    return baseline_m.three_year_average(ours)


@pytest.fixture(scope="module")
def changes(ours):
    return volumes_m.changes(ours)


@pytest.fixture(scope="module")
def outcome_rates(ours):
    return outcomes_m.outcome_rate(_csv("outcomes.csv", schema.OUTCOMES), ours)


def _one_series(frame, measure, area="Force"):
    keep = (frame[schema.MEASURE] == measure) & (frame[schema.AREA] == area)
    return frame[keep.to_numpy()].reset_index(drop=True)


def test_s1_homicide(ours):
    comparison = volumes_m.period_comparison(ours, JUN, months=6)
    s = nv.period_change_statement(ours, comparison, F, "homicide", JUN)
    assert s.text == ("There were no recorded homicide offences in June 2023, with one recorded during the last six "
                      "months, a 50% reduction on the same period last year.")


def test_s2_firearms(ours):
    s = nv.quarter_statement(volumes_m.quarter_totals(ours), ours, F, "firearms", JUN)
    assert s.text == "In Q1 2023/24, there were 26 firearms offences recorded, with 17 in June 2023."


def test_s3_knife_crime(ours, baseline):
    s = nv.volume_statement(baseline, window_rank(ours, window=12), F, "knife_crime", MAY)
    assert s.text == ("In May 2023, there were 50 knife crime offences recorded, the highest figure in the last 12 "
                      "months and substantially above the 3-year average.")


def test_s4_violence_with_injury(ours, changes, outcome_rates):
    s = nv.change_statement(changes, window_rank(ours, window=36), F, "violence_with_injury", JUN,
                            basis="year")
    assert s.text == ("In June 2023, Violence with Injury offences increased by 12% on June 2022 (n=481), the highest total in "
                      "the last 3 years, most notably in the North Local Policing Area (LPA).")
    rate = nv.outcome_rate_statement(outcome_rates, F, "violence_with_injury", MAY)
    assert rate.text.startswith("In May 2023, the 'action taken' outcome rate for Violence with Injury was 7.3%")
    series = _one_series(ours, "violence_with_injury")
    ahead = forecast.forecast(series, horizon=3, origin=JUN)
    direction = nv.forecast_direction_statement(ahead, series, F, "violence_with_injury")
    assert direction.facts["direction"] == "rise"
    assert direction.text.startswith("Violence with Injury volumes are predicted to rise during Q2 2023/24")


def test_s5_robbery(ours, baseline, outcome_rates):
    s = nv.volume_statement(baseline, None, F, "robbery_personal", JUN)
    assert s.facts["comparison"] == "in line with"
    assert s.text.endswith("in line with the 3-year average.")
    share = volumes_m.share(ours, "robbery_personal_knife", "robbery_personal")
    knife = nv.share_statement(share, F, "robbery_personal_knife", "robbery_personal", JUN)
    assert knife.facts["words"] == "a third" and knife.facts["n"] == 10
    assert "accounted for a third (n=10) of Robbery Personal offences" in knife.text
    rate = nv.outcome_rate_statement(outcome_rates, F, "robbery_personal", MAY)
    assert rate.text.startswith("In May 2023, the 'action taken' outcome rate for Robbery Personal was 3.2%")


def test_s6_burglary_residential(ours, baseline, outcome_rates):
    s = nv.volume_statement(baseline, window_rank(ours, window=12), F, "burglary_residential", JUN)
    assert s.text.endswith("the second lowest figure in the last 12 months and below the 3-year average.")
    rate = nv.outcome_rate_statement(outcome_rates, F, "burglary_residential", MAY)
    assert rate.text.startswith("In May 2023, the 'action taken' outcome rate for Burglary Residential was 4.3%")


def test_s7_theft_from_the_person(ours, baseline):
    series = _one_series(ours, "theft_from_person")
    made = forecast.forecast(series, horizon=3, origin=ORIGIN)
    s = nv.quarter_profile_statement(volumes_m.quarter_profile(baseline, made, F, "theft_from_person", JUN), F,
                                     "theft_from_person", JUN)
    assert s.facts["stable"] is True
    assert s.facts["preceding_label"] in ("above", "substantially above")
    assert s.facts["baseline_label"] in ("above", "substantially above")
    assert s.facts["forecast_label"] == "above"
    assert s.text.startswith("In Q1 2023/24, theft from the person volumes remained stable month to month but were")
    share = volumes_m.share(ours, "theft_from_person_pickpocket", "theft_from_person")
    lpas = nv.lpa_share_statement(share, F, "theft_from_person_pickpocket", "theft_from_person", JUN)
    assert lpas.facts["over"] == ["East", "North", "South"]
    assert lpas.text.startswith("In Q1 2023/24, pickpocketing accounted for over half of theft from the person "
                                "offences in each of the three LPAs")


def test_s8_vehicle_crime(vol, ours, baseline, changes, outcome_rates):
    series = _one_series(ours, "vehicle_crime")
    made = forecast.forecast(series, horizon=3, origin=ORIGIN)
    s = nv.volume_statement(baseline, None, F, "vehicle_crime", JUN, forecast=made)
    assert s.facts["comparison"] == "in line with" and s.facts["forecast_label"] == "below the forecast"
    assert s.text.endswith("in line with the 3-year average and below the forecast.")
    lpas = nv.lpa_change_statement(changes, F, "vehicle_crime", JUN)
    assert lpas.text == ("In June 2023, vehicle crime offences decreased in the East and South LPAs but increased in "
                         "the North LPA by 23 offences (n=126).")
    share = volumes_m.share(ours, "vehicle_motorcycle_theft", "vehicle_crime")
    moto = nv.share_statement(share, F, "vehicle_motorcycle_theft", "vehicle_crime", JUN, area="North")
    assert moto.text.startswith("In June 2023, motorcycle theft accounted for 21% (n=")
    rate = nv.outcome_rate_statement(outcome_rates, F, "vehicle_crime", MAY)
    assert rate.text.startswith("In May 2023, the 'action taken' outcome rate for vehicle crime was 1.5%")

    population = _csv("population.csv", schema.POPULATIONS)
    msg = _csv("msg.csv", schema.MSG)
    whole = vol[(vol[schema.AREA] == schema.WHOLE_FORCE) & (vol[schema.MEASURE] == "vehicle_crime")]
    rates = peers.rates_per_1000(whole, population)
    compared = peers.msg_compare(rates, msg)
    ranks = peers.national_rank(rates)
    earlier = sorted(m for m in ranks[schema.MONTH].unique() if m < JUN)
    moves = {m: peer_words.rank_change(ranks, JUN, m) for m in earlier}
    improved = [m for m, rc in moves.items()
                if (rc.loc[rc[schema.FORCE] == F, "label"] == "improved two places to 36th").any()]
    assert improved, "no earlier window from which Warwickshire improved two places to 36th"
    p = nv.peer_statement(compared, moves[improved[-1]], F, "vehicle_crime", JUN)
    assert p.facts["outlier"] is not None
    assert p.text.endswith("and has improved two places nationally to 36th.")
    assert " an outlier in its Most Similar Group (MSG) for vehicle crime" in p.text or \
        "outlier in its Most Similar Group (MSG) for vehicle crime" in p.text


def test_s9_domestic_abuse_satisfaction():
    survey = _csv("survey.csv", schema.SURVEY_RESPONSES)
    rolling = satisfaction_m.rolling_rate(survey, window=6, target=0.8)
    s = nv.satisfaction_statement(rolling, F, "da_whole_experience", JUN)
    assert s.text.startswith("In June 2023, the rolling 6-month 'whole experience satisfaction' rate stood at 77%, "
                             "below the target of 80%")
    assert s.text.endswith("It has fallen for the last six months, from a high of 83% in December 2022.")
