"""The committed synthetic demo dataset regenerates the seed's statements S1-S9 (METHODS.md), checked with plain
pandas arithmetic on the CSV files (not ncpm's measures), and statsmodels for the forecast parts."""

import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint

from ncpm.core.forces import territorial_forces

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo"
FILES = ("volumes", "outcomes", "survey", "population", "msg")
ACTION_TAKEN = ["1", "1A", "2", "2A", "3", "4", "6", "7", "8"]
W = "Warwickshire"
LPAS = ["North", "East", "South"]


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / f"{name}.csv", dtype={"month": str, "outcome_type": str})


def series(measure: str, area: str = "Force", force: str = W) -> pd.Series:
    v = _read("volumes")
    rows = v[(v.force == force) & (v.area == area) & (v.measure == measure)]
    out = rows.set_index("month")["count"].astype(float)
    out.index = pd.PeriodIndex(out.index, freq="M")
    return out.sort_index()


def m(text: str) -> pd.Period:
    return pd.Period(text, freq="M")


def baseline(y: pd.Series, month: str) -> float:
    """METHODS.md same-month 3-year average: mean of y(t-12), y(t-24), y(t-36)."""
    t = m(month)
    return float(np.mean([y[t - 12], y[t - 24], y[t - 36]]))


def z(y: pd.Series, month: str) -> float:
    b = baseline(y, month)
    return (y[m(month)] - b) / np.sqrt(b)


def action_rate(measure: str, month: str) -> float:
    o = _read("outcomes")
    rows = o[(o.force == W) & (o.area == "Force") & (o.measure == measure) & (o.month == month)
             & o.outcome_type.isin(ACTION_TAKEN)]
    return 100 * rows["count"].sum() / series(measure)[m(month)]


@cache
def ets_interval(measure: str, origin: str, trend: str | None, horizon: int = 3) -> pd.DataFrame:
    """statsmodels ETS(A, N|A, A) with period 12 fitted on the Force series up to ``origin``: mean and 95% bounds."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = series(measure)[:m(origin)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ETSModel(y, error="add", trend=trend, seasonal="add", seasonal_periods=12).fit(disp=False)
        frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=0.05)
    return frame.rename(columns={"pi_lower": "lo", "pi_upper": "hi"})[["mean", "lo", "hi"]]


def seasonal_naive(measure: str, origin: str, horizon: int = 3) -> pd.DataFrame:
    """Seasonal naive forecast y(t-12) with 95% bounds from the RMS of the fitted seasonal differences (h <= 12)."""
    y = series(measure)[:m(origin)]
    sigma = np.sqrt(np.mean((y.to_numpy()[12:] - y.to_numpy()[:-12]) ** 2))
    months = pd.period_range(m(origin) + 1, periods=horizon, freq="M")
    mean = np.array([y[t - 12] for t in months])
    return pd.DataFrame({"mean": mean, "lo": mean - 1.96 * sigma, "hi": mean + 1.96 * sigma}, index=months)


def rates(end: str, year: int) -> pd.Series:
    """Vehicle crime per 1,000 population, 12 months to ``end``, per force."""
    v, pop = _read("volumes"), _read("population")
    months = [str(p) for p in pd.period_range(m(end) - 11, m(end), freq="M")]
    rows = v[(v.area == "Force") & (v.measure == "vehicle_crime") & v.month.isin(months)]
    totals = rows.groupby("force")["count"].sum()
    people = pop[pop.year == year].set_index("force")["population"]
    return 1000 * totals / people[totals.index]


def test_s1_homicide():
    h = series("homicide")
    assert h[m("2023-06")] == 0
    now, before = h["2023-01":"2023-06"].sum(), h["2022-01":"2022-06"].sum()
    assert (now, before) == (1, 2)
    assert round(100 * (now - before) / before) == -50


def test_s2_firearms():
    f = series("firearms")
    assert f["2023-04":"2023-06"].sum() == 26
    assert f[m("2023-06")] == 17


def test_s3_knife_crime():
    k = series("knife_crime")
    assert k[m("2023-05")] == 50
    earlier = k["2022-06":"2023-04"]
    assert len(earlier) == 11 and (earlier < 50).all()  # strictly the highest of the 12 months
    assert z(k, "2023-05") >= 3  # "substantially above" the 3-year average


def test_s4_violence_with_injury():
    v = series("violence_with_injury")
    june, may, last_june = v[m("2023-06")], v[m("2023-05")], v[m("2022-06")]
    assert june == 481
    assert round(100 * (june - last_june) / last_june) == 12  # up 12% on June 2022
    assert 12 <= 100 * (june - may) / may < 13  # and 12.6% on May (see the README: 12% MoM and 7.3% conflict)
    window = v["2020-07":"2023-05"]
    assert len(window) == 35 and (window < june).all()  # highest of 36 months
    rise = {a: series("violence_with_injury", a)[m("2023-06")] - series("violence_with_injury", a)[m("2023-05")]
            for a in LPAS}
    assert max(rise, key=rise.get) == "North" and rise["North"] > (june - may) / 2
    yoy = {a: series("violence_with_injury", a)[m("2023-06")] - series("violence_with_injury", a)[m("2022-06")]
           for a in LPAS}
    assert max(yoy, key=yoy.get) == "North" and yoy["North"] > (june - last_june) / 2
    assert round(action_rate("violence_with_injury", "2023-05"), 1) == 7.3
    q1 = v["2023-04":"2023-06"].sum()
    for trend in (None, "add"):
        assert ets_interval("violence_with_injury", "2023-06", trend)["mean"].sum() > q1
    assert seasonal_naive("violence_with_injury", "2023-06")["mean"].sum() > q1


def test_s5_robbery():
    r, knife = series("robbery_personal"), series("robbery_personal_knife")
    assert r[m("2023-06")] == 30 and knife[m("2023-06")] == 10
    assert abs(z(r, "2023-06")) < 1.96  # "in line with" the 3-year average
    assert round(100 * knife[m("2023-06")] / r[m("2023-06")]) == 33
    assert round(action_rate("robbery_personal", "2023-05"), 1) == 3.2


def test_s6_burglary():
    b = series("burglary_residential")
    window = b["2022-07":"2023-06"].sort_values()
    assert len(window) == 12
    assert window.index[1] == m("2023-06")  # second lowest
    assert window.iloc[0] < window.iloc[1] < window.iloc[2]  # no tie either side
    assert -3 < z(b, "2023-06") <= -1.96  # "below", not "substantially below"
    assert round(action_rate("burglary_residential", "2023-05"), 1) == 4.3


def test_s7_theft_from_the_person():
    p = series("theft_from_person")
    q1 = p["2023-04":"2023-06"]
    assert (abs(q1 - q1.mean()) <= 0.1 * q1.mean()).all()  # stable
    assert q1.min() > p["2022-10":"2023-03"].max()  # above each of the preceding six months
    assert all(z(p, str(t)) >= 1.96 for t in q1.index)  # above the 3-year average
    for frame in (ets_interval("theft_from_person", "2023-03", None), ets_interval("theft_from_person", "2023-03", "add"),
                  seasonal_naive("theft_from_person", "2023-03")):
        assert (q1.to_numpy() > frame["hi"].to_numpy()).all()  # above the forecast made at March 2023
    for area in LPAS:
        part = series("theft_from_person_pickpocket", area)["2023-04":"2023-06"].sum()
        assert part / series("theft_from_person", area)["2023-04":"2023-06"].sum() > 0.5


def test_s8_vehicle_crime():
    c = series("vehicle_crime")
    assert abs(z(c, "2023-06")) < 1.96  # in line with the 3-year average
    for frame in (ets_interval("vehicle_crime", "2023-03", None), ets_interval("vehicle_crime", "2023-03", "add"),
                  seasonal_naive("vehicle_crime", "2023-03")):
        assert c[m("2023-06")] < frame.loc[m("2023-06"), "lo"]  # below the forecast made at March 2023
    lpa = {a: series("vehicle_crime", a) for a in LPAS}
    assert lpa["East"][m("2023-06")] < lpa["East"][m("2023-05")]
    assert lpa["South"][m("2023-06")] < lpa["South"][m("2023-05")]
    assert lpa["North"][m("2023-06")] == 126 and lpa["North"][m("2023-06")] - lpa["North"][m("2023-05")] == 23
    motorcycle = series("vehicle_motorcycle_theft", "North")[m("2023-06")]
    assert round(100 * motorcycle / 126) == 21 and motorcycle == 26
    assert round(action_rate("vehicle_crime", "2023-05"), 1) == 1.5

    msg = _read("msg")
    group = [W, *msg[msg.force == W].peer]
    assert 2 <= len(group) <= 8
    for year in (2022, 2023):  # mid-2023 population, and robust to the nearest earlier year
        r = rates("2023-06", year)
        assert r[W] > r[group].mean() + r[group].std(ddof=1)  # descriptive outlier (mean + 1 SD)
        total = c["2022-07":"2023-06"].sum()
        people = _read("population").set_index(["force", "year"]).loc[(W, year), "population"]
        lo = chi2.ppf(0.025, 2 * total) / 2 * 1000 / people  # exact Poisson 95% interval
        assert lo > r[group].mean()  # statistical outlier: the interval excludes the MSG simple average
        for end, rank in (("2023-06", 36), ("2023-03", 38)):
            ordered = rates(end, year).sort_values()
            assert len(ordered) == 43 and ordered.is_unique
            assert list(ordered.index).index(W) + 1 == rank  # 1 = lowest rate


def test_s9_domestic_abuse_satisfaction():
    s = _read("survey")
    s = s[(s.force == W) & (s.survey == "da_whole_experience")].set_index("month").sort_index()
    valid = s.responses - s.dont_know  # responses counts every response; "don't know" leaves the denominator
    assert valid.between(200, 260).all() and (s.satisfied <= valid).all()
    sat, resp = s.satisfied.rolling(6).sum(), valid.rolling(6).sum()
    rolling = sat / resp  # pooled, not averaged
    assert round(100 * rolling["2023-06"]) == 77
    _, hi = proportion_confint(sat["2023-06"], resp["2023-06"], alpha=0.05, method="wilson")
    assert hi < 0.80  # below the target, not within its interval
    assert (np.diff(rolling["2022-12":"2023-06"].to_numpy()) < 0).all()  # six consecutive falls
    assert round(100 * rolling["2022-12"]) == 83
    assert rolling["2022-07":"2023-06"].idxmax() == "2022-12"


def test_regenerates_byte_for_byte(tmp_path):
    from ncpm.demo.generate import write_demo

    paths = write_demo(tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{n}.csv" for n in FILES)
    for name in FILES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (DEMO / f"{name}.csv").read_bytes(), name


def test_module_entry_point_writes_the_files(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ncpm.demo.generate", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "volumes.csv").read_bytes() == (DEMO / "volumes.csv").read_bytes()


def test_small_and_plain():
    assert sum(p.stat().st_size for p in DEMO.iterdir()) < 5 * 1024 * 1024
    for name in FILES:
        raw = (DEMO / f"{name}.csv").read_bytes()
        assert raw.endswith(b"\n") and b"\r" not in raw and b"." not in raw  # "\n" lines, whole numbers only


def test_force_rows_are_the_sum_of_the_lpas():
    for name, key in (("volumes", ["measure", "month"]), ("outcomes", ["measure", "month", "outcome_type"])):
        frame = _read(name)
        w = frame[frame.force == W]
        assert set(w.area) == {"Force", *LPAS}
        parts = w[w.area != "Force"].groupby(key)["count"].sum().sort_index()
        whole = w[w.area == "Force"].set_index(key)["count"].sort_index()
        assert parts.equals(whole)


def test_coverage():
    forces = set(territorial_forces())
    v = _read("volumes")
    assert set(v.force) == forces and len(forces) == 43
    assert sorted(v.month.unique()) == [str(p) for p in pd.period_range("2019-04", "2023-06", freq="M")]
    assert (v["count"] >= 0).all() and not v.duplicated(["force", "area", "measure", "month"]).any()
    per_series = v.groupby(["force", "area", "measure"]).size()
    assert (per_series == 51).all()
    national = {"homicide", "violence_with_injury", "robbery_personal", "burglary_residential", "theft_from_person",
                "vehicle_crime", "possession_of_weapons", "drug_offences"}
    assert (v[v.area == "Force"].groupby("force")["measure"].apply(lambda s: national <= set(s))).all()
    war = set(v[(v.force == W) & (v.area == "North")].measure)
    assert war == national | {"firearms", "knife_crime", "robbery_personal_knife", "theft_from_person_pickpocket",
                              "vehicle_motorcycle_theft"}
    for sub, parent in (("robbery_personal_knife", "robbery_personal"),
                        ("theft_from_person_pickpocket", "theft_from_person"),
                        ("vehicle_motorcycle_theft", "vehicle_crime")):
        for area in ("Force", *LPAS):
            assert (series(sub, area) <= series(parent, area)).all()
    pop = _read("population")
    assert set(pop.force) == forces and sorted(pop.year.unique()) == list(range(2018, 2024))
    assert 550_000 < pop[(pop.force == W) & (pop.year == 2023)].population.iloc[0] < 650_000
    msg = _read("msg")
    assert set(msg.version) == {"illustrative-2023"}
    assert set(msg.force) | set(msg.peer) <= forces and not (msg.force == msg.peer).any()
    assert msg.groupby("force").size().max() <= 7 and "City of London" not in set(msg.force)
    outcomes = _read("outcomes")
    assert {"1", "1A", "2", "2A", "3", "4", "6", "7", "8", "22", "14", "15", "16", "18", "10"} <= set(
        outcomes.outcome_type)


def test_readme_says_synthetic_and_illustrative():
    text = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and "ILLUSTRATIVE" in text
    for name in FILES:
        assert f"{name}.csv" in text


def test_the_generator_catches_a_missed_target():
    from ncpm.demo.calibrate import calibration_failures
    from ncpm.demo.generate import generate_demo

    frames = generate_demo()
    assert calibration_failures(frames) == []
    v = frames["volumes"].copy()
    hit = (v.force == W) & (v.measure == "knife_crime") & (v.month == "2023-05") & (v.area.isin(["Force", "North"]))
    v.loc[hit, "count"] -= 1
    assert any(f.startswith("S3") for f in calibration_failures({**frames, "volumes": v}))
    s = frames["survey"].copy()
    s.loc[s.month == "2023-06", "satisfied"] += 20
    assert any(f.startswith("S9") for f in calibration_failures({**frames, "survey": s}))


@pytest.mark.parametrize("seed", [1, 3])
def test_other_seeds_are_deterministic(seed):
    from ncpm.demo.generate import generate_demo

    a, b = generate_demo(seed, check=False), generate_demo(seed, check=False)
    for name in FILES:
        pd.testing.assert_frame_equal(a[name], b[name])
