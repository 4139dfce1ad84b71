"""Figures from result frames: structural checks on the returned Axes (lines and their data, bands, labels, the
footnote naming the methods and the source, the highlighted bar), no image baselines.

The library never picks a backend; these tests draw on ``matplotlib.figure.Figure`` objects only.
"""

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from ncpm.core.errors import ConfigError, InputError
from ncpm.words import plots

F = "Warwickshire"


def by_gid(ax, gid):
    found = [a for a in (*ax.lines, *ax.collections, *ax.patches, *ax.texts) if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def footnote(ax):
    return by_gid(ax, "footnote").get_text()


def ordinals(start, n):
    return np.array([p.ordinal for p in pd.period_range(start, periods=n, freq="M")], dtype=float)


def baseline_frame(n=48, end="2023-06", measure="knife_crime", area="Force"):
    months = pd.period_range(end=end, periods=n, freq="M")
    counts = 30 + (np.arange(n) % 12)
    base = np.where(np.arange(n) >= 36, counts - 1.0, np.nan)
    return pd.DataFrame({"force": F, "area": area, "measure": measure, "month": months, "count": counts,
                         "baseline": base, "baseline_method": "same_month", "baseline_note": None})


def forecast_frame(measure="knife_crime", origin="2023-03", months=("2023-04", "2023-05", "2023-06")):
    return pd.DataFrame({"force": F, "area": "Force", "measure": measure,
                         "month": [pd.Period(m, "M") for m in months], "mean": [31.0, 32.0, 33.0],
                         "lo_80": 25.0, "hi_80": 39.0, "lo_95": [20.0, 21.0, 22.0], "hi_95": [42.0, 43.0, 44.0],
                         "method": "ETS(A,Ad,A)", "origin": pd.Period(origin, "M"), "notes": None})


def test_palette_is_okabe_ito_defined_once_and_roles_use_it():
    assert len(plots.PALETTE) == 8 and plots.PALETTE["vermillion"] == "#D55E00"
    assert set(plots.ROLES.values()) - {"#EEEEEE"} <= set(plots.PALETTE.values())
    assert plots.PALETTE["yellow"] not in plots.SERIES_COLOURS


def test_volume_chart_draws_counts_average_forecast_latest_and_footnote():
    v = baseline_frame()
    fc = forecast_frame()
    ax = plots.volume_chart(v, fc, force=F, measure="knife_crime", source="Warwickshire Police (demo data)")
    actual = by_gid(ax, "actual")
    assert np.array_equal(actual.get_xdata(), ordinals("2020-07", 36))  # the last 36 months
    assert np.array_equal(actual.get_ydata(), v["count"].to_numpy()[-36:])
    assert np.array_equal(by_gid(ax, "baseline").get_ydata()[-12:], v["baseline"].to_numpy()[-12:])
    assert np.array_equal(by_gid(ax, "forecast").get_xdata(), ordinals("2023-04", 3))
    assert list(by_gid(ax, "forecast").get_ydata()) == [31.0, 32.0, 33.0]
    band = by_gid(ax, "forecast_band")
    assert isinstance(band, PolyCollection)
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == 20.0 and ys.max() == 44.0
    latest = by_gid(ax, "latest")
    assert list(latest.get_xdata()) == [pd.Period("2023-06", "M").ordinal]
    assert list(latest.get_ydata()) == [v["count"].iloc[-1]]
    assert latest.get_label() == f"June 2023: {v['count'].iloc[-1]}"
    assert ax.get_title(loc="left") == "Knife crime volumes, Warwickshire"
    assert footnote(ax) == ("3-year average: mean of the same month in the previous 3 years. Forecast: "
                            "ETS(A,Ad,A) made at March 2023, with 95% prediction interval. Source: Warwickshire "
                            "Police (demo data).")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "Jun 2023" and "Dec 2022" in labels
    assert by_gid(ax, "quarter").get_label() == "Q1 2023/24"
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"Recorded offences", "3-year average",
                                                                   "Forecast", "95% prediction interval"}
    assert to_hex(actual.get_color()) == plots.ROLES["actual"].lower()


def test_volume_chart_footnote_gives_a_baseline_note_once_bracketed():
    v = baseline_frame(measure="homicide")
    v["baseline_note"] = "baseline is 0: any count is above it (z undefined)"
    text = footnote(plots.volume_chart(v, force=F, measure="homicide"))
    assert text.startswith("3-year average: mean of the same month in the previous 3 years; baseline is 0: any "
                           "count is above it (z undefined). Source:")
    assert "((" not in text and "))" not in text


def test_volume_chart_window_end_and_default_source_without_forecast():
    v = baseline_frame(measure="burglary_residential", area="North")
    ax = plots.volume_chart(v, force=F, area="North", measure="burglary_residential", months=24, month="2023-03")
    actual = by_gid(ax, "actual")
    assert np.array_equal(actual.get_xdata(), ordinals("2021-04", 24))
    assert ax.get_title(loc="left") == "Burglary Residential volumes, Warwickshire, North LPA"
    assert footnote(ax).endswith("Source: Home Office.")  # the catalogue's source for the measure
    assert "Forecast" not in footnote(ax)
    assert by_gid(ax, "quarter").get_label() == "Q4 2022/23"
    assert not [a for a in ax.lines if a.get_gid() == "forecast"]


def test_volume_chart_uses_the_latest_forecast_origin_and_a_given_axes():
    fig = Figure()
    ax0 = fig.add_subplot()
    fc = pd.concat([forecast_frame(), forecast_frame(origin="2022-12", months=("2023-01", "2023-02", "2023-03"))])
    ax = plots.volume_chart(baseline_frame(), fc, force=F, measure="knife_crime", ax=ax0, title="Figure 1")
    assert ax is ax0 and ax.get_title(loc="left") == "Figure 1"
    assert np.array_equal(by_gid(ax, "forecast").get_xdata(), ordinals("2023-04", 3))


def test_volume_chart_refuses_a_series_it_cannot_find_or_duplicated_months():
    with pytest.raises(InputError, match="no rows for force=Warwickshire, area=Force, measure=homicide"):
        plots.volume_chart(baseline_frame(), force=F, measure="homicide")
    doubled = pd.concat([baseline_frame(), baseline_frame()])
    with pytest.raises(InputError, match="more than one row per month"):
        plots.volume_chart(doubled, force=F, measure="knife_crime")


def test_lpa_chart_one_line_per_lpa():
    frames = [baseline_frame(area=a).assign(count=lambda f, k=k: f["count"] + k)
              for k, a in enumerate(["North", "East", "South", "Force"])]
    ax = plots.lpa_chart(pd.concat(frames), F, "knife_crime", months=12)
    assert [ln.get_label() for ln in ax.lines] == ["East LPA", "North LPA", "South LPA"]
    east = by_gid(ax, "area:East")
    assert np.array_equal(east.get_ydata(), frames[1]["count"].to_numpy()[-12:])
    assert len({to_hex(ln.get_color()) for ln in ax.lines}) == 3
    assert ax.get_title(loc="left") == "Knife crime by local policing area, Warwickshire"
    assert footnote(ax).startswith("LPA: Local Policing Area.")


def msg_frames():
    forces = [F, "Wiltshire", "West Mercia", "Kent"]
    rates = pd.DataFrame({"force": forces, "area": "Force", "measure": "vehicle_crime",
                          "month": pd.Period("2023-06", "M"), "count": [6500, 3000, 7000, 14000],
                          "population": [600000, 500000, 1300000, 1900000], "rate": [10.8, 6.0, 5.4, 7.4],
                          "rate_lo": [10.6, 5.8, 5.3, 7.3], "rate_hi": [11.1, 6.2, 5.5, 7.5]})
    msg = pd.DataFrame({"force": F, "peer": ["Wiltshire", "West Mercia"], "version": "demo-1"})
    result = pd.DataFrame({"force": [F], "measure": "vehicle_crime", "month": pd.Period("2023-06", "M"),
                           "rate": 10.8, "msg_average": 7.4, "descriptive_outlier": True,
                           "statistical_outlier": True})
    return result, rates, msg


def test_msg_chart_bars_intervals_average_and_highlighted_force():
    result, rates, msg = msg_frames()
    ax = plots.msg_chart(result, rates, F, "vehicle_crime", "2023-06", msg=msg)
    bars = {b.get_gid(): b for b in ax.patches}
    assert set(bars) == {f"force:{F}", "force:Wiltshire", "force:West Mercia"}  # Kent is not in the group
    assert to_hex(bars[f"force:{F}"].get_facecolor()) == plots.ROLES["highlight"].lower()
    assert to_hex(bars["force:Wiltshire"].get_facecolor()) == plots.ROLES["peer"].lower()
    assert bars[f"force:{F}"].get_width() == pytest.approx(10.8)
    assert list(by_gid(ax, "msg_average").get_xdata()) == [7.4, 7.4]
    assert [t.get_text() for t in ax.get_yticklabels()] == [F, "Wiltshire", "West Mercia"]  # highest rate first
    assert ax.get_yticklabels()[0].get_fontweight() == "bold"
    errorbar_segments = [c for c in ax.collections if c.get_segments()]
    assert len(errorbar_segments[0].get_segments()) == 3
    seg = errorbar_segments[0].get_segments()[0]
    assert seg[:, 0].tolist() == pytest.approx([10.6, 11.1])
    assert ax.get_xlabel() == "Offences per 1,000 population, 12 months to June 2023"
    assert footnote(ax) == ("Bars: rate per 1,000 population with exact Poisson 95% interval. Warwickshire is "
                            "flagged as an outlier (descriptive and statistical). Source: Home Office.")


def test_msg_chart_without_membership_draws_every_force_given():
    result, rates, _ = msg_frames()
    result = result.assign(descriptive_outlier=False, statistical_outlier=False)
    ax = plots.msg_chart(result, rates, F, "vehicle_crime", "2023-06")
    assert len(ax.patches) == 4
    assert "Warwickshire is not flagged as an outlier." in footnote(ax)


def rolling_frame(rates, target=0.8):
    months = pd.period_range(end="2023-06", periods=len(rates), freq="M")
    rates = np.asarray(rates)
    return pd.DataFrame({"force": F, "survey": "da_whole_experience", "month": months, "satisfied": 200,
                         "responses": 260, "rate": rates, "lo": rates - 0.05, "hi": rates + 0.05,
                         "target": target, "target_label": "below", "run_length": 0, "run_direction": None})


def test_rate_chart_rolling_satisfaction_with_band_and_target():
    r = rolling_frame([0.83, 0.82, 0.81, 0.80, 0.79, 0.78, 0.77])
    ax = plots.rate_chart(r, window=6)
    assert by_gid(ax, "rate").get_ydata() == pytest.approx([83, 82, 81, 80, 79, 78, 77])
    band = by_gid(ax, "interval").get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(72) and band.max() == pytest.approx(88)
    target = by_gid(ax, "target")
    assert list(target.get_ydata()) == [80, 80] and target.get_label() == "Target 80%"
    assert footnote(ax) == ("Rolling 6-month pooled rate: satisfied / valid responses (don't know excluded), with "
                            "Wilson 95% interval. Source: force victim survey.")
    assert ax.get_title(loc="left") == "Victim satisfaction: whole experience, Warwickshire"  # never the survey id
    labelled = plots.rate_chart(r, window=6, label="Domestic abuse victim satisfaction (whole experience)")
    assert labelled.get_title(loc="left") == "Domestic abuse victim satisfaction (whole experience), Warwickshire"


def test_rate_chart_outcome_rate_given_target_and_filtering():
    months = pd.period_range(end="2023-05", periods=6, freq="M")
    o = pd.concat([pd.DataFrame({"force": F, "area": a, "measure": "vehicle_crime", "month": months,
                                 "outcomes": 5, "n": 400, "rate": r, "lo": 0.005, "hi": 0.03, "caution": False,
                                 "window": 1, "over_100": False}) for a, r in (("Force", 0.015), ("North", 0.02))])
    with pytest.raises(ConfigError, match="more than one series"):
        plots.rate_chart(o)
    ax = plots.rate_chart(o, target=0.05, area="Force")
    assert by_gid(ax, "rate").get_ydata() == pytest.approx([1.5] * 6)
    assert by_gid(ax, "target").get_label() == "Target 5%"
    assert footnote(ax).startswith("'Action taken' outcome rate, monthly: action-taken outcomes / offences")
    assert ax.get_title(loc="left") == "'Action taken' outcome rate, vehicle crime, Warwickshire"
    no_target = plots.rate_chart(o, area="North")
    assert not [ln for ln in no_target.lines if ln.get_gid() == "target"]


def test_volume_chart_rings_the_highlighted_month():
    months = pd.period_range("2023-01", periods=6, freq="M")
    v = pd.DataFrame({"force": "W", "area": "Force", "measure": "knife_crime", "month": months,
                      "count": [30, 35, 33, 40, 50, 38], "baseline": 34.0, "baseline_method": "same_month"})
    ax = plots.volume_chart(v, force="W", measure="knife_crime", highlight="2023-05")
    ring = next(line for line in ax.get_lines() if line.get_gid() == "latest")
    assert list(ring.get_ydata()) == [50.0] and ring.get_label() == "May 2023: 50"
    ax = plots.volume_chart(v, force="W", measure="knife_crime")
    ring = next(line for line in ax.get_lines() if line.get_gid() == "latest")
    assert list(ring.get_ydata()) == [38.0] and ring.get_label() == "June 2023: 38"


def test_lpa_chart_draws_fifteen_areas():
    months = pd.period_range("2022-07", periods=12, freq="M")
    rows = [{"force": "F", "area": f"District {i:02d}", "measure": "vehicle_crime", "month": m, "count": 10 + i}
            for i in range(15) for m in months]
    ax = plots.lpa_chart(pd.DataFrame(rows), "F", "vehicle_crime")
    drawn = [ln.get_gid() for ln in ax.get_lines() if str(ln.get_gid()).startswith("area:")]
    assert len(drawn) == 15
    styles = {(ln.get_color(), ln.get_linestyle()) for ln in ax.get_lines() if str(ln.get_gid()).startswith("area:")}
    assert len(styles) == 15  # every line distinct




def test_lpa_chart_combines_the_smallest_areas_beyond_its_styles():
    months = pd.period_range("2022-07", periods=12, freq="M")
    n = len(plots.AREA_STYLES) + 3
    rows = [{"force": "F", "area": f"District {i:02d}", "measure": "vehicle_crime", "month": m, "count": 100 - i}
            for i in range(n) for m in months]
    ax = plots.lpa_chart(pd.DataFrame(rows), "F", "vehicle_crime")
    drawn = [str(ln.get_gid()) for ln in ax.get_lines() if str(ln.get_gid()).startswith("area:")]
    assert len(drawn) == len(plots.AREA_STYLES) and drawn[-1] == "area:Other areas (4)"
