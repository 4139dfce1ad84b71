"""Period tables in the run (issue 12, item 6): ONS 12-month tables give the national rank, its change and the MSG
comparison, Home Office PRC quarters give the quarter against the same quarter of the previous three years. The
expected values are hand arithmetic on small fixtures written here."""

import numpy as np
import pandas as pd
import pytest

from ncpm import quarter as q
from ncpm.core.errors import InputError
from ncpm.core.forces import territorial_forces
from ncpm.methods import peers, prc
from ncpm.quarter.coverage import monthly_ranks_complete
from ncpm.words import peers as peer_words
from ncpm.words import statements as narrative
from ncpm.words import style

KENT, ESSEX, SURREY, SUSSEX = "Kent", "Essex", "Surrey", "Sussex"
FOUR = [KENT, ESSEX, SURREY, SUSSEX]


def period_counts(rows, start="2018-04", end="2019-03", measure="vehicle_crime"):
    """rows: (force, count) for one 12-month period."""
    return pd.DataFrame({"force": [f for f, _ in rows], "measure": measure, "period_start": start,
                         "period_end": end, "count": [c for _, c in rows]})


def population(rows):
    return pd.DataFrame(rows, columns=["force", "year", "population"])


def mid(year, forces=FOUR, people=100_000):
    return [(f, year, people) for f in forces]


# --- the population year the publisher pairs with a period ---------------------------------------------------

@pytest.mark.parametrize("end, year", [
    ("2018-03", 2016), ("2019-03", 2017), ("2019-06", 2018), ("2019-12", 2018),  # ONS Table P3 of those editions
    ("2019-05", 2017), ("2025-06", 2024), ("2023-09", 2022),
])
def test_published_population_year_is_ons_table_p3s_year(end, year):
    month = pd.Period(end, "M")
    assert peers.published_population_year(month.year, month.month).item() == year
    pc = period_counts([(KENT, 500)], start=str(month - 11), end=end)
    pop = population([(KENT, y, 100_000 + y) for y in range(2014, 2026)])
    r = peers.rates_for_period(pc, pop, population_year="published").iloc[0]
    assert r["population_year"] == year and r["population"] == 100_000 + year
    assert pd.isna(r["population_note"])


def test_published_year_missing_falls_back_to_the_nearest_earlier_one_and_says_so():
    pc = period_counts([(KENT, 500)], start="2024-07", end="2025-06")
    r = peers.rates_for_period(pc, population([(KENT, 2020, 500_000)]), population_year="published").iloc[0]
    assert r["population_year"] == 2020 and r["rate"] == pytest.approx(1.0)
    assert r["population_note"] == "mid-2020 population used: no mid-2024 estimate (nearest earlier year)"


# --- national rank from period counts ------------------------------------------------------------------------

@pytest.mark.parametrize("counts, people, expected, n, note", [
    # plain: rates 1, 2, 3, 4 per 1,000
    ({KENT: 100, ESSEX: 200, SURREY: 300, SUSSEX: 400}, {}, {KENT: 1, ESSEX: 2, SURREY: 3, SUSSEX: 4}, 4, None),
    # ties share the better (lower) rank; the next rank is skipped
    ({KENT: 200, ESSEX: 200, SURREY: 100, SUSSEX: 400}, {}, {KENT: 2, ESSEX: 2, SURREY: 1, SUSSEX: 4}, 4, None),
    # a force without a population: no rate, no rank, named
    ({KENT: 100, ESSEX: 200, SURREY: 300, SUSSEX: 400}, {SUSSEX: None}, {KENT: 1, ESSEX: 2, SURREY: 3, SUSSEX: None},
     3, "ranked among 3 of 4 forces; no rate for Sussex"),
    # a force absent from the table (Greater Manchester in the year ending December 2019): named
    ({KENT: 100, ESSEX: 200, SURREY: 300}, {}, {KENT: 1, ESSEX: 2, SURREY: 3}, 3,
     "ranked among 3 of 4 forces; no rate for Sussex"),
    # the rate, not the count, is ranked: a big force with more crime may rank lower
    ({KENT: 300, ESSEX: 200, SURREY: 300, SUSSEX: 400}, {KENT: 600_000}, {KENT: 1, ESSEX: 2, SURREY: 3, SUSSEX: 4},
     4, None),
])
def test_national_rank_from_period_counts(counts, people, expected, n, note):
    pop = population([(f, 2017, people.get(f, 100_000)) for f in FOUR if people.get(f, 100_000) is not None])
    c = peers.period_comparison(period_counts(list(counts.items())), pop, "2019-06", forces=FOUR)
    table = c.table.set_index("force")
    assert str(c.period) == "2019-03" and c.earlier is None
    for force, rank in expected.items():
        got = table.loc[force, "rank"]
        assert (pd.isna(got) if rank is None else got == rank), force
    assert (table["n_forces"] == n).all()
    assert (table["rank_note"].isna().all() if note is None else (table["rank_note"] == note).all())
    assert (table["population_year"] == 2017).all()  # year ending March 2019 -> mid-2017
    assert (table["period_start"] == pd.Period("2018-04", "M")).all()
    assert (table["period_end"] == pd.Period("2019-03", "M")).all()


def test_the_default_comparison_set_is_the_43_forces_and_city_of_london_can_be_left_out():
    forces = territorial_forces()
    pc = period_counts([(f, 100 + i) for i, f in enumerate(forces)])
    pop = population(mid(2017, forces))
    table = peers.period_comparison(pc, pop, "2019-03").table
    assert len(table) == 43 and (table["n_forces"] == 43).all() and table["rank_note"].isna().all()
    assert sorted(table["rank"].astype(int)) == list(range(1, 44))
    no_city = peers.period_comparison(pc, pop, "2019-03", exclude_city_of_london=True).table
    assert (no_city["n_forces"] == 42).all() and no_city["rank"].isna().sum() == 1


# --- rank change across two periods, and which periods are used -------------------------------------------------

def two_editions():
    """Year ending March 2018 (mid-2016 population) and year ending March 2019 (mid-2017)."""
    pc = pd.concat([
        period_counts([(KENT, 400), (ESSEX, 300), (SURREY, 200), (SUSSEX, 100)], "2017-04", "2018-03"),
        period_counts([(KENT, 150), (ESSEX, 300), (SURREY, 250), (SUSSEX, 400)], "2018-04", "2019-03"),
    ])
    pop = population(mid(2016) + mid(2017, people=50_000))
    return pc, pop


@pytest.mark.parametrize("force, rank, earlier_rank, places, label", [
    (KENT, 1, 4, 3, "improved three places to 1st"),
    (ESSEX, 3, 3, 0, "unchanged at 3rd"),
    (SURREY, 2, 2, 0, "unchanged at 2nd"),
    (SUSSEX, 4, 1, -3, "fell three places to 4th"),
])
def test_rank_change_across_two_periods(force, rank, earlier_rank, places, label):
    pc, pop = two_editions()
    c = peer_words.period_comparison(pc, pop, "2019-06", forces=FOUR)
    assert (str(c.period), str(c.earlier)) == ("2019-03", "2018-03")
    row = c.table.set_index("force").loc[force]
    assert (row["rank"], row["earlier_rank"], row["places"], row["label"]) == (rank, earlier_rank, places, label)
    assert row["earlier"] == pd.Period("2018-03", "M")
    # each period over its own population year: 150 / 50,000 x 1,000 for Kent in the year ending March 2019
    assert c.table.set_index("force").loc[KENT, "rate"] == pytest.approx(3.0)
    earlier = c.rates[(c.rates["force"] == KENT) & (c.rates["month"] == pd.Period("2018-03", "M"))].iloc[0]
    assert earlier["population_year"] == 2016 and earlier["rate"] == pytest.approx(4.0)


@pytest.mark.parametrize("month, period, earlier, note", [
    ("2019-03", "2019-03", "2018-03", None),
    ("2018-12", "2018-03", None, "one ONS period only (year ending March 2018): no change in national rank"),
    (None, "2019-03", "2018-03", None),
])
def test_the_period_used_is_the_latest_ending_by_the_reports_month(month, period, earlier, note):
    pc, pop = two_editions()
    c = peers.period_comparison(pc, pop, month, forces=FOUR)
    assert str(c.period) == period and (c.earlier is None if earlier is None else str(c.earlier) == earlier)
    if note:
        assert note in c.notes
    if month == "2018-12":
        assert any("year ending March 2019 left out: it ends after December 2018" in n for n in c.notes)


def test_no_period_by_the_reports_month_gives_nothing_and_says_so():
    pc, pop = two_editions()
    c = peers.period_comparison(pc, pop, "2017-12", forces=FOUR)
    assert c.period is None and c.table.empty
    assert any("no ONS 12-month period table ending by the report's latest month" in n for n in c.notes)


def test_only_whole_force_twelve_month_rows_are_used():
    pc, pop = two_editions()
    csp = period_counts([(KENT, 5)], "2018-04", "2019-03").assign(area="Canterbury")
    short = period_counts([(KENT, 5)], "2018-10", "2019-03")
    c = peers.period_comparison(pd.concat([pc.assign(area="Force"), csp, short.assign(area="Force")]), pop,
                                "2019-03", forces=FOUR)
    assert len(c.table) == 4 and c.table.set_index("force").loc[KENT, "count"] == 150


# --- MSG comparison from period counts ----------------------------------------------------------------------------

def test_msg_comparison_from_period_counts():
    pc, pop = two_editions()
    msg = pd.DataFrame({"force": KENT, "peer": [ESSEX, SURREY, SUSSEX], "version": "test"})
    c = peers.period_comparison(pc, pop, "2019-03", forces=FOUR, msg=msg)
    kent = c.table.set_index("force").loc[KENT]
    rates = np.array([150, 300, 250, 400]) / 50_000 * 1000  # 3, 6, 5, 8 per 1,000
    assert kent["msg_average"] == pytest.approx(rates.mean())
    assert kent["msg_sd"] == pytest.approx(rates.std(ddof=1))
    assert kent["msg_direction"] == "below" and kent["msg_position"] == 1 and kent["msg_size"] == 4
    assert bool(kent["descriptive_outlier"]) == (rates[0] < rates.mean() - rates.std(ddof=1))
    assert kent["version"] == "test"
    weighted = peers.period_comparison(pc, pop, "2019-03", forces=FOUR, msg=msg, average="weighted").table
    assert weighted.set_index("force").loc[KENT, "msg_average"] == pytest.approx(1100 / 200_000 * 1000)
    # a force with no group gets no comparison, with the reason
    assert "has no Most Similar Group" in c.table.set_index("force").loc[ESSEX, "flag_note"]


# --- PRC: the quarter against the same quarter of the previous three years ---------------------------------------

def quarterly(rows, force=KENT, measure="homicide", code="1"):
    """rows: (quarter, count)."""
    return pd.DataFrame({"force": force, "measure": measure, "offence_code": code,
                         "quarter": [r[0] for r in rows], "count": [r[1] for r in rows]})


Q1 = ["Q1 2020/21", "Q1 2021/22", "Q1 2022/23", "Q1 2023/24"]


@pytest.mark.parametrize("counts, count, baseline, n, reason", [
    ((3, 4, 5, 9), 9, 4.0, 3, None),
    ((0, 0, 0, 2), 2, 0.0, 3, None),
    ((3, 4, 5, None), None, 4.0, 3, "Q1 2023/24 is not in the Home Office PRC table (it holds Q1 2020/21 to Q1 2022/23)"),
    ((None, 4, 5, 9), 9, None, 2, "Q1 2020/21 is not in the Home Office PRC table (it holds Q1 2021/22 to Q1 2023/24)"),
    ((None, None, 5, None), None, None, 1, "Q1 2023/24 is not in the Home Office PRC table (it holds Q1 2022/23); "
                                           "Q1 2020/21, Q1 2021/22 are not either"),
])
def test_same_quarter_three_year_average(counts, count, baseline, n, reason):
    rows = [(quarter, c) for quarter, c in zip(Q1, counts, strict=True) if c is not None]
    r = prc.same_quarter_average(quarterly(rows), "Q1 2023/24").iloc[0]
    assert r["quarter"] == "Q1 2023/24" and r["n"] == n
    assert (pd.isna(r["count"]) if count is None else r["count"] == count)
    assert (pd.isna(r["baseline"]) if baseline is None else r["baseline"] == baseline)
    assert (pd.isna(r["reason"]) if reason is None else r["reason"] == reason)


def test_same_quarter_sums_offence_codes_and_keeps_forces_apart():
    rows = [(quarter, c) for quarter, c in zip(Q1, (10, 20, 30, 40), strict=True)]
    rows += [("Q2 2022/23", 999), ("Q4 2022/23", 999)]  # other quarters are not compared
    table = pd.concat([quarterly(rows, measure="burglary_residential", code="28E"),
                       quarterly(rows, measure="burglary_residential", code="28F"),
                       quarterly(rows, force=ESSEX, measure="burglary_residential", code="28E")])
    out = prc.same_quarter_average(table, "Q1 2023/24").set_index("force")
    assert out.loc[KENT, "count"] == 80 and out.loc[KENT, "baseline"] == 40.0
    assert out.loc[KENT, "previous"] == "Q1 2020/21: 20, Q1 2021/22: 40, Q1 2022/23: 60"
    assert out.loc[ESSEX, "count"] == 40 and out.loc[ESSEX, "difference"] == 20.0
    assert out.loc[ESSEX, "pct_difference"] == pytest.approx(1.0)


def test_prc_statement_wording():
    rows = [(quarter, c) for quarter, c in zip(Q1, (3, 4, 5, 4), strict=True)]
    table = prc.same_quarter_average(quarterly(rows), "Q1 2023/24").assign(comparison="in line with")
    s = narrative.prc_quarter_statement(table, KENT, "homicide")
    assert s.text == ("In Q1 2023/24, Kent recorded four homicide offences (Home Office police recorded crime, PRC), "
                      "in line with the 3-year average for the quarter (4.0, the mean of Q1 2020/21, Q1 2021/22 and "
                      "Q1 2022/23).")
    assert s.kind == "prc_quarter" and s.month == pd.Period("2023-06", "M") and s.facts["baseline"] == 4.0
    missing = prc.same_quarter_average(quarterly(rows[:3]), "Q1 2023/24").assign(comparison=None)
    with pytest.raises(InputError, match="Q1 2023/24 is not in the Home Office PRC table"):
        narrative.prc_quarter_statement(missing, KENT, "homicide")


def test_period_peer_statement_names_the_period_and_the_population_year():
    pc, pop = two_editions()
    msg = pd.DataFrame({"force": KENT, "peer": [ESSEX, SURREY, SUSSEX], "version": "test"})
    table = peers.period_comparison(pc, pop, "2019-06", forces=FOUR, msg=msg).table
    s = narrative.period_peer_statement(table, KENT, "vehicle_crime")
    assert s.text.startswith("In the year ending March 2019 (ONS police force area tables; mid-2017 population), "
                             "Kent recorded 3.0 vehicle crime offences per 1,000 population, ranking 1st of 4 forces "
                             "nationally (1 = lowest rate) and has improved three places nationally to 1st since "
                             "the year ending March 2018.")
    assert "Kent is " in s.text and "in its Most Similar Group (MSG), against an MSG average of 5.5 per 1,000." in s.text
    assert s.facts["population_year"] == 2017 and s.facts["period"] == "year ending March 2019"
    assert s.kind == "period_peers" and s.month == pd.Period("2019-03", "M")


@pytest.mark.parametrize("people, force, expected", [
    # the paired year (mid-2017) is missing: the nearest earlier one is used, and the statement says so
    ([(f, 2016, 100_000) for f in FOUR], KENT, "In the year ending March 2019 (ONS police force area tables; mid-2016 "
     "population: no mid-2017 estimate (nearest earlier year)), Kent recorded 1.5 vehicle crime offences"),
    # no population in or before the paired year: no rate, and the reason
    ([(f, 2018, 100_000) for f in FOUR], KENT, InputError("no rate for Kent in the year ending March 2019: no mid-year "
                                                          "population for Kent in or before 2017")),
    # a force absent from the table
    (mid(2017), "Dorset", InputError("no row for force=Dorset, measure=vehicle_crime")),
])
def test_period_peer_statement_cases(people, force, expected):
    pc = period_counts([(KENT, 150), (ESSEX, 300), (SURREY, 250), (SUSSEX, 400)])
    table = peers.period_comparison(pc, population(people), "2019-03", forces=FOUR + ["Dorset"]).table
    if isinstance(expected, InputError):
        with pytest.raises(InputError, match=expected.message.replace("(", r"\(").replace(")", r"\)")):
            narrative.period_peer_statement(table, force, "vehicle_crime")
    else:
        assert narrative.period_peer_statement(table, force, "vehicle_crime").text.startswith(expected)


# --- in the quarter: precedence, statements and what is not in the report ----------------------------------------

def monthly_volumes(forces, measure="vehicle_crime", start="2019-07", months=48, count=50):
    idx = pd.period_range(start, periods=months, freq="M").astype(str)
    return pd.DataFrame([{"force": f, "area": "Force", "measure": measure, "month": m, "count": count + i}
                         for i, f in enumerate(forces) for m in idx])


def ons_tables(forces, end="2023-03"):
    start = str(pd.Period(end, "M") - 11)
    earlier_end = str(pd.Period(end, "M") - 12)
    return pd.concat([period_counts([(f, 600 + 10 * i) for i, f in enumerate(forces)], start, end),
                      period_counts([(f, 600 - 10 * i) for i, f in enumerate(forces)],
                                    str(pd.Period(earlier_end, "M") - 11), earlier_end)])


def quarter_frames(volume_forces, **extra):
    forces = territorial_forces()
    frames = {"volumes": monthly_volumes(volume_forces),
              "population": population([(f, y, 1_000_000) for f in forces for y in range(2019, 2024)])}
    frames.update(extra)
    return frames


FAST = q.QuarterOptions(forecast_engine="fast")


def test_one_forces_monthly_data_and_ons_tables_give_the_national_rank():
    forces = territorial_forces()
    frames = quarter_frames(["Warwickshire"], period_counts=ons_tables(forces))
    res = q.compute_quarter(frames, "Warwickshire", quarter="Q1 2023/24", options=FAST)
    peer = [s for s in res.statements if s.measure == "vehicle_crime" and s.kind == "period_peers"]
    assert len(peer) == 1
    i = forces.index("Warwickshire")
    assert peer[0].facts["rank"] == i + 1 and peer[0].facts["population_year"] == 2021  # y/e March 2023 -> mid-2021
    assert peer[0].text.startswith("In the year ending March 2023 (ONS police force area tables; mid-2021 "
                                   "population), Warwickshire recorded")
    assert peer[0].facts["earlier_period"] == "year ending March 2022"
    assert peer[0].facts["earlier_rank"] == len(forces) - i
    assert "period_peers" in res.tables and set(q.PERIOD_TABLES) <= set(q.PEER_TABLES)


def test_monthly_data_of_every_force_take_precedence_over_ons_tables():
    forces = territorial_forces()
    msg = pd.DataFrame({"force": "Warwickshire", "peer": ["Wiltshire", "West Mercia"], "version": "test"})
    frames = quarter_frames(forces, period_counts=ons_tables(forces), msg=msg)
    res = q.compute_quarter(frames, "Warwickshire", quarter="Q1 2023/24", options=FAST)
    kinds = [s.kind for s in res.statements if s.measure == "vehicle_crime"]
    assert "peers" in kinds and "period_peers" not in kinds
    assert monthly_ranks_complete(res, "vehicle_crime")


def test_no_monthly_data_of_other_forces_and_no_ons_tables_says_what_is_needed():
    res = q.compute_quarter(quarter_frames(["Warwickshire"]), "Warwickshire", quarter="Q1 2023/24", options=FAST)
    assert not [s for s in res.statements if s.kind in ("peers", "period_peers")]
    assert any("needs monthly counts of every force, or ONS police force area tables" in n for n in res.notes)


def test_an_ons_table_after_the_reports_month_is_not_used_and_the_report_says_why():
    frames = quarter_frames(["Warwickshire"], period_counts=ons_tables(territorial_forces(), end="2025-06"))
    res = q.compute_quarter(frames, "Warwickshire", quarter="Q1 2023/24", options=FAST)
    assert not [s for s in res.statements if s.kind in ("peers", "period_peers")]
    gap = [o for o in res.omitted if o.measure == "vehicle_crime" and o.method == "peers"]
    assert len(gap) == 1 and gap[0].reason == (
        "needs monthly counts of every force, or ONS police force area tables (Table P1) with mid-year populations; "
        "ONS tables for the years ending June 2024 and June 2025 left out: they end after June 2023, the report's "
        "latest month")


def test_prc_quarters_give_statements_for_measures_the_monthly_data_lack():
    rows = [(quarter, c) for quarter, c in zip(Q1, (3, 4, 5, 4), strict=True)]
    table = pd.concat([quarterly(rows, force="Warwickshire"),
                       quarterly(rows, force="Warwickshire", measure="vehicle_crime", code="45"),  # monthly has it
                       quarterly(rows[:3], force="Warwickshire", measure="burglary_residential", code="28E")])
    res = q.compute_quarter(quarter_frames(["Warwickshire"], quarterly=table), "Warwickshire", quarter="Q1 2023/24",
                            options=FAST)
    prc_statements = [s for s in res.statements if s.kind == "prc_quarter"]
    assert [s.measure for s in prc_statements] == ["homicide"]
    assert "in line with the 3-year average for the quarter" in prc_statements[0].text
    assert "Home Office police recorded crime, PRC" in prc_statements[0].text
    table = res.tables["prc_quarter"].set_index("measure")
    assert table.loc["homicide", "comparison"] == "in line with" and table.loc["homicide", "z"] == 0.0
    # the quarter missing from the table: in the "Not in this report" list, with the quarters the table holds
    missing = [o for o in res.omitted if o.measure == "burglary_residential" and o.method == "prc_quarter"]
    assert len(missing) == 1
    assert "Q1 2023/24 is not in the Home Office PRC table (it holds Q1 2020/21 to Q1 2022/23)" in missing[0].reason
    # homicide is stated from the PRC, so it is no longer left out as a whole measure
    assert not [o for o in res.omitted if o.measure == "homicide" and o.whole_measure]


# --- through ncpm run: one force's monthly extract, an ONS Table P1, populations and a Home Office PRC table ------

def _write_inputs(folder, *, prc_quarters):
    """Small files in the published layouts: a force extract (Warwickshire's monthly vehicle crime only), mid-year
    populations, ONS Table P1 for the years ending March 2022 and March 2023 (CSV exports), a Home Office table."""
    from ncpm.core.forces import registry

    forces = [f for f in registry() if f.territorial]
    months = pd.period_range("2019-07", "2023-06", freq="M").astype(str)
    pd.DataFrame({"force": "Warwickshire", "area": "Force", "measure": "vehicle_crime", "month": months,
                  "count": 300}).to_csv(folder / "extract.csv", index=False)
    population(
        [(f.name, y, 1_000_000) for f in forces for y in (2020, 2021)]).to_csv(folder / "population.csv", index=False)
    for end, step in (("March 2022", -1), ("March 2023", 1)):
        lines = [f"Table P1: Police recorded crime by offence group and police force area, year ending {end}", "",
                 "Area Code,Area Name,Vehicle offences"]
        lines += [f'{f.ons_code},{f.name},"{3000 + step * 10 * i:,}"' for i, f in enumerate(forces)]
        (folder / f"p1_{end.replace(' ', '_')}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = ("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,"
              "Offence Code,Number of Offences\n")
    rows = [f"{year},1,Warwickshire,Murder,Homicide,Homicide,1,{n}\n" for year, n in prc_quarters]
    (folder / "prc.csv").write_text(header + "".join(rows), encoding="utf-8")
    pd.DataFrame({"force": "Warwickshire", "peer": PEERS, "version": "test"}).to_csv(folder / "msg.csv", index=False)
    return forces


PEERS = ["Wiltshire", "West Mercia", "Staffordshire"]


@pytest.mark.parametrize("prc_quarters, stated", [
    ((("2020/21", 3), ("2021/22", 4), ("2022/23", 5), ("2023/24", 4)), True),
    ((("2020/21", 3), ("2021/22", 4), ("2022/23", 5)), False),  # Q1 2023/24 not yet published
])
def test_ncpm_run_with_period_tables(tmp_path, prc_quarters, stated):
    from ncpm.pipeline.config import load_config
    from ncpm.pipeline.run import run

    forces = _write_inputs(tmp_path, prc_quarters=prc_quarters)
    (tmp_path / "ncpm.toml").write_text(
        '[inputs]\npaths = ["extract.csv", "population.csv", "p1_March_2022.csv", "p1_March_2023.csv", "prc.csv", '
        '"msg.csv"]\n'
        '[scope]\nforces = ["Warwickshire"]\nquarter = "Q1 2023/24"\n[forecast]\nengine = "fast"\n'
        '[output]\ndir = "out"\nmarkdown = true\nnotebooks = false\n', encoding="utf-8")
    summary = run(load_config(tmp_path / "ncpm.toml"))
    assert summary.exit_code == 0, summary.problems
    report = (tmp_path / "out" / "warwickshire" / "report-q1-2023-24.md").read_text(encoding="utf-8")
    i = [f.name for f in forces].index("Warwickshire")
    rank, earlier = i + 1, len(forces) - i
    # year ending March 2023 pairs with mid-2021 (ONS Table P3's rule); the rank change against March 2022
    assert (f"In the year ending March 2023 (ONS police force area tables; mid-2021 population), Warwickshire "
            f"recorded {(3000 + 10 * i) / 1000:.1f} vehicle crime offences per 1,000 population, ranking "
            f"{style.ordinal(rank)} of 43 forces nationally (1 = lowest rate) and has fallen {rank - earlier} places "
            f"nationally to {style.ordinal(rank)} since the year ending March 2022.") in report
    assert rank - earlier > 9  # places in figures
    names = [f.name for f in forces]
    group = [(3000 + 10 * names.index(f)) / 1000 for f in ["Warwickshire", *PEERS]]
    assert f"in its Most Similar Group (MSG), against an MSG average of {np.mean(group):.1f} per 1,000." in report
    prc_text = ("In Q1 2023/24, Warwickshire recorded four homicide offences (Home Office police recorded crime, PRC), "
                "in line with the 3-year average for the quarter (4.0, the mean of Q1 2020/21, Q1 2021/22 and "
                "Q1 2022/23).")
    assert (prc_text in report) == stated
    missing = "Q1 2023/24 is not in the Home Office PRC table (it holds Q1 2020/21 to Q1 2022/23)"
    assert (missing in report) == (not stated)
    manifest = summary.manifest
    listed = manifest["not_in_report"]["Warwickshire"]
    assert [o["reason"] for o in listed if o["method"] == "prc_quarter"] == ([] if stated else [missing])
    assert not [o for o in listed if o["measure"] == "homicide" and o["method"] is None]  # the PRC holds homicide
    assert "monthly figures of homicide (needs monthly counts (a force extract): the Home Office PRC tables give " \
           "quarters only)" in report
