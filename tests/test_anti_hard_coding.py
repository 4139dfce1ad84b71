"""Issue 6, anti-hard-coding: change the demo data and the statements and figures change with it.

May 2023 knife crime goes from its demo value to 31 (Force and an LPA, so the LPAs still add up), and the North and
South LPAs swap their vehicle crime; everything is recomputed through the public API.
"""

import pandas as pd
import pytest
from matplotlib.figure import Figure

import ncpm
from ncpm.core import schema

MAY = pd.Period("2023-05", "M")
OPTIONS = ncpm.QuarterOptions(forecast_engine="fast")


@pytest.fixture(scope="module")
def demo(demo_frames):
    return demo_frames


@pytest.fixture(scope="module")
def original(demo):
    return ncpm.compute_quarter(demo, "Warwickshire", quarter="Q1 2023/24", options=OPTIONS)


def _knife_may_set_to(frames, value):
    v = frames["volumes"].copy()
    at = (v[schema.FORCE] == "Warwickshire") & (v[schema.MEASURE] == "knife_crime") & (v[schema.MONTH] == MAY)
    old = int(v.loc[at & (v[schema.AREA] == schema.WHOLE_FORCE), schema.COUNT].iloc[0])
    v.loc[at & (v[schema.AREA] == schema.WHOLE_FORCE), schema.COUNT] = value
    north = at & (v[schema.AREA] == "North")
    v.loc[north, schema.COUNT] = v.loc[north, schema.COUNT] - (old - value)
    assert (v[schema.COUNT] >= 0).all()
    return {**frames, "volumes": v}, old


def _swap_lpas(frames, measure, a, b):
    v = frames["volumes"].copy()
    rows = (v[schema.FORCE] == "Warwickshire") & (v[schema.MEASURE] == measure)
    v.loc[rows & (v[schema.AREA] == a), schema.AREA] = "__swap__"
    v.loc[rows & (v[schema.AREA] == b), schema.AREA] = a
    v.loc[rows & (v[schema.AREA] == "__swap__"), schema.AREA] = b
    return {**frames, "volumes": v}


def _texts(res, measure):
    return [s.text for s in res.statements if s.measure == measure]


def test_knife_crime_statement_and_figure_follow_the_data(demo, original):
    changed, old = _knife_may_set_to(demo, 31)
    res = ncpm.compute_quarter(changed, "Warwickshire", quarter="Q1 2023/24", options=OPTIONS)
    before, after = _texts(original, "knife_crime"), _texts(res, "knife_crime")
    assert f"there were {old} knife crime offences" in before[0]
    # May is no longer the quarter's notable month: the headline moves to June, "above", not "substantially above"
    assert after == ["In June 2023, there were 37 knife crime offences recorded, the highest figure in the last 12 "
                     "months and above the 3-year average."]
    figures = ncpm.quarter_figures(res)
    # no longer substantially above (nor above the forecast): knife crime's chart leaves the report for the appendix
    assert ncpm.quarter_figures(original)["knife_crime_volumes"].placement == "report"
    assert figures["knife_crime_volumes"].placement == "appendix" and not figures["knife_crime_volumes"].notable
    assert [f.name for f in figures.values() if f.placement == "report"] == ["theft_from_person_volumes"]
    caption, draw = figures["knife_crime_volumes"]
    ax = draw(Figure().add_subplot())
    actual = next(line for line in ax.get_lines() if line.get_gid() == "actual")
    assert 31.0 in list(actual.get_ydata()) and float(old) not in list(actual.get_ydata())


def test_swapping_lpas_moves_the_vehicle_crime_statement(demo, original):
    res = ncpm.compute_quarter(_swap_lpas(demo, "vehicle_crime", "North", "South"), "Warwickshire",
                               quarter="Q1 2023/24", options=OPTIONS)
    lpa_before = next(s for s in original.statements if s.measure == "vehicle_crime" and s.kind == "lpa_change")
    lpa_after = next(s for s in res.statements if s.measure == "vehicle_crime" and s.kind == "lpa_change")
    assert "increased in the North LPA" in lpa_before.text
    assert lpa_after.text == ("In June 2023, vehicle crime offences decreased in the East and North LPAs but "
                              "increased in the South LPA by 23 offences (n=126).")
    share_after = next(s for s in res.statements if s.measure == "vehicle_crime" and s.kind == "share")
    assert share_after.text.endswith("of vehicle crime offences in the South LPA.")
