"""Issue 16 item 1: the report's figures are chosen as the seed report chooses them.

A figure goes with its measure's section when the measure's statements are notable (ncpm.quarter.Notability:
substantially above or below the 3-year average, outside the forecast, an SPC exception; departures of concern by
default) or when [report] figures names it; the others go to an appendix or are left out. Figures are numbered in
report order; captions are in title case by rule. Everything is recomputed from (changed) demo data.
"""

import pandas as pd
import pytest

import ncpm
from ncpm import quarter as q
from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.pipeline.config import load_config_text
from ncpm.words.statements import title_case

OPTIONS = ncpm.QuarterOptions(forecast_engine="fast")
MAY, JUN = pd.Period("2023-05", "M"), pd.Period("2023-06", "M")


@pytest.fixture(scope="module")
def demo_res(demo_frames):
    return ncpm.compute_quarter(demo_frames, "Warwickshire", quarter="Q1 2023/24", options=OPTIONS)


def _with(res, **changes):
    """The same results with other figure options (figures depend on options and statements only)."""
    from dataclasses import replace

    out = q.QuarterResults(force=res.force, month=res.month, quarter=res.quarter,
                           options=replace(res.options, **changes), tables=res.tables, statements=res.statements,
                           reported=res.reported, omitted=res.omitted)
    return out


def _body(figures):
    return [(f.number, f.name, f.caption) for f in figures.values() if f.placement == "report"]


def test_the_demo_report_charts_knife_crime_then_theft_from_the_person_as_the_seed_does(demo_res):
    figures = ncpm.quarter_figures(demo_res)
    assert _body(figures) == [(1, "knife_crime_volumes", "Knife Crime Volumes"),
                              (2, "theft_from_person_volumes", "Theft from the Person Volumes")]
    knife, theft = figures["knife_crime_volumes"], figures["theft_from_person_volumes"]
    assert knife.notable and knife.reason == "substantially above the 3-year average in May 2023"
    assert "above the forecast in Q1 2023/24" in theft.reason
    rest = [f for f in figures.values() if f.placement == "appendix"]
    assert [f.number for f in rest] == list(range(3, 3 + len(rest)))  # numbered on after the report's figures
    assert {"vehicle_crime_volumes", "da_satisfaction_rate", "homicide_volumes"} <= {f.name for f in rest}
    caption, draw = knife  # still a (caption, draw) pair
    assert caption == "Knife Crime Volumes" and callable(draw)


def test_notability_per_measure_and_its_direction_parameter(demo_res):
    flags = q.notability(demo_res)
    assert sorted(m for m, n in flags.items() if n.notable) == ["knife_crime", "theft_from_person"]
    # vehicle crime is below its forecast: a fall, not a concern for crime; with "both" it counts too
    both = q.notability(_with(demo_res, notable_direction="both"))
    assert sorted(m for m, n in both.items() if n.notable) == ["knife_crime", "theft_from_person", "vehicle_crime"]
    assert both["vehicle_crime"].reason == "below the forecast in June 2023"
    # a statement that compares nothing (firearms' quarter total) does not single its measure out
    assert not flags["firearms"].notable and not flags["da_satisfaction"].notable


@pytest.mark.parametrize("figures, other, body, appendix", [
    (("all",), "appendix", None, 0),
    (("notable", "firearms"), "appendix", ["firearms_volumes", "knife_crime_volumes", "theft_from_person_volumes"],
     None),
    (("vehicle_crime_msg",), "none", ["vehicle_crime_msg"], 0),
    (("notable",), "none", ["knife_crime_volumes", "theft_from_person_volumes"], 0),
])
def test_figure_options(demo_res, figures, other, body, appendix):
    chosen = ncpm.quarter_figures(_with(demo_res, figures=figures, other_figures=other))
    every = ncpm.quarter_figures(_with(demo_res, figures=("all",)))
    shown = [f.name for f in chosen.values() if f.placement == "report"]
    assert shown == (list(every) if body is None else body)  # report order: priority, then catalogue order
    if appendix is not None:
        assert sum(f.placement == "appendix" for f in chosen.values()) == appendix
    assert [f.number for f in chosen.values()] == list(range(1, len(chosen) + 1))


def test_figures_follow_the_data_not_the_measure_ids(demo_frames):
    """Knife crime brought back into line leaves the report's figures; vehicle crime pushed up joins them."""
    v = demo_frames["volumes"].copy()
    ours = (v[schema.FORCE] == "Warwickshire") & (v[schema.AREA] == schema.WHOLE_FORCE)
    knife = ours & (v[schema.MEASURE] == "knife_crime") & v[schema.MONTH].isin([MAY, JUN])
    v.loc[knife, schema.COUNT] = 27
    vehicle = ours & (v[schema.MEASURE] == "vehicle_crime") & (v[schema.MONTH] == JUN)
    v.loc[vehicle, schema.COUNT] = 600
    res = ncpm.compute_quarter({**demo_frames, "volumes": v}, "Warwickshire", quarter="Q1 2023/24", options=OPTIONS)
    body = _body(ncpm.quarter_figures(res))
    assert [name for _, name, _ in body] == ["theft_from_person_volumes", "vehicle_crime_volumes"]
    assert body[1] == (2, "vehicle_crime_volumes", "Vehicle Crime Volumes")
    assert "substantially above the 3-year average in June 2023" in q.notability(res)["vehicle_crime"].reason


@pytest.mark.parametrize("text, expected", [
    ("Knife crime Volumes", "Knife Crime Volumes"),
    ("Theft from the person Volumes", "Theft from the Person Volumes"),
    ("the firearms offences of a force", "The Firearms Offences of a Force"),
    ("Vehicle crime per 1,000 population: the Most Similar Group", "Vehicle Crime per 1,000 Population: The Most "
                                                                   "Similar Group"),
    ("Burglary (all) by LPA", "Burglary (All) by LPA"),
    ("knife-enabled personal robbery", "Knife-Enabled Personal Robbery"),
])
def test_captions_in_title_case_by_rule(text, expected):
    assert title_case(text) == expected


def test_every_caption_is_in_title_case(demo_res):
    for fig in ncpm.quarter_figures(_with(demo_res, figures=("all",))).values():
        assert fig.caption == title_case(fig.caption), fig.caption
    assert ncpm.quarter_figures(demo_res)["da_satisfaction_rate"].caption == (
        "Domestic Abuse Victim Satisfaction (Whole Experience), Rolling 6 Months")


def test_report_section_of_the_configuration():
    cfg = load_config_text('[report]\nfigures = ["notable", "firearms"]\nother_figures = "none"')
    opts = ncpm.QuarterOptions.from_config(cfg)
    assert opts.figures == ("notable", "firearms") and opts.other_figures == "none"
    assert ncpm.QuarterOptions.from_config(load_config_text("")).figures == ("notable",)
    for bad, says in (('figures = ["knife"]', r"report\.figures\[0\]"), ('other_figures = "end"', "other_figures"),
                      ('figures = ["all", "firearms"]', "stands alone"), ('notable_direction = "up"', "notable")):
        with pytest.raises(ConfigError, match=says):
            load_config_text(f"[report]\n{bad}")


def test_the_methods_section_states_the_figure_rule():
    words = ncpm.QuarterOptions().describe()["Figures"]
    assert "notable" in words and "|z| >= 3" in words and "improvement = decrease" in words
    assert words.endswith("the others in an appendix")
    assert ncpm.QuarterOptions(figures=("all",)).describe()["Figures"] == "every chart with its measure's section"
    assert ncpm.QuarterOptions(other_figures="none").describe()["Figures"].endswith("the others left out")
