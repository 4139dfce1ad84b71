"""Disclosure control (issue "Safe publishing"): primary and secondary suppression, rounding, and the guarantee that
no suppressed area can be worked out from the force total and the published areas."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.disclosure import (
    FLAG,
    PRIMARY,
    ROUNDED,
    SECONDARY,
    DisclosurePolicy,
    protect,
    round_to_base,
)
from ncpm.words.statements import share_statement

F = schema.WHOLE_FORCE


def table(groups, force="Warwickshire", measure="robbery_personal"):
    """Rows from {month: {area: count}}; the force total is whatever the dict says (or absent)."""
    rows = [{"force": force, "area": area, "measure": measure, "month": month, "count": count}
            for month, cells in groups.items() for area, count in cells.items()]
    return pd.DataFrame(rows)


def cells(protected, month="2023-05"):
    f = protected.frame
    f = f[f["month"] == month]
    return {a: (None if pd.isna(c) else int(c), fl) for a, c, fl in zip(f["area"], f["count"], f[FLAG], strict=True)}


def test_one_small_lpa_forces_a_secondary_suppression_of_the_next_smallest():
    v = table({"2023-05": {F: 30, "North": 3, "East": 12, "South": 15}})
    t = protect(v)
    assert cells(t) == {F: (30, ""), "North": (None, PRIMARY), "East": (None, SECONDARY), "South": (15, "")}
    assert t.frame["count"].dtype == "Int64"
    assert list(t.log["area"]) == ["North", "East"]
    assert list(t.log["flag"]) == [PRIMARY, SECONDARY]
    assert "North" in t.log["reason"].iloc[1] and "force total" in t.log["reason"].iloc[1]
    assert "count" not in t.log.columns  # the log is safe to publish: it holds no values
    assert t.summary()[:2] == ["1 cell with a count below 5 at sub-force level was suppressed.",
                               "1 further cell was suppressed so that it could not be worked out from the force total."]


@pytest.mark.parametrize("counts, expected", [
    # two small areas protect each other: no secondary needed
    ({F: 30, "North": 3, "East": 2, "South": 25}, {"North": PRIMARY, "East": PRIMARY, "South": ""}),
    # nothing below 5 (zero is not disclosive by default)
    ({F: 20, "North": 0, "East": 5, "South": 15}, {"North": "", "East": "", "South": ""}),
    # the complement is the smallest published area, even a zero (it makes North's value ambiguous)
    ({F: 24, "North": 4, "East": 0, "South": 20}, {"North": PRIMARY, "East": SECONDARY, "South": ""}),
    # ties on the complement go to the first area by name
    ({F: 31, "North": 1, "East": 15, "South": 15}, {"North": PRIMARY, "East": SECONDARY, "South": ""}),
    # threshold is exclusive: 5 is published
    ({F: 14, "North": 5, "East": 9}, {"North": "", "East": ""}),
])
def test_suppression_table(counts, expected):
    got = cells(protect(table({"2023-05": counts})))
    assert {a: fl for a, (_, fl) in got.items() if a != F} == expected
    assert got[F] == (counts[F], "")


def test_single_area_under_the_force_means_the_total_is_suppressed_too():
    t = protect(table({"2023-05": {F: 3, "North": 3}}))
    assert cells(t) == {F: (None, SECONDARY), "North": (None, PRIMARY)}
    assert "force total" in " ".join(t.summary())


def test_without_a_total_row_the_total_is_assumed_known_elsewhere():
    t = protect(table({"2023-05": {"North": 2, "East": 40, "South": 50}}))
    assert cells(t) == {"North": (None, PRIMARY), "East": (None, SECONDARY), "South": (50, "")}


def test_a_lone_area_without_total_row_is_reported_as_unprotected():
    t = protect(table({"2023-05": {"North": 2}}))
    assert len(t.unprotected) == 1
    assert any(s.startswith("Warning") for s in t.summary())


def test_suppress_zeros_is_a_parameter():
    v = table({"2023-05": {F: 20, "North": 0, "East": 20}})
    assert cells(protect(v))["North"] == (0, "")
    t = protect(v, DisclosurePolicy(suppress_zeros=True))
    assert cells(t)["North"] == (None, PRIMARY)
    assert cells(t)["East"] == (None, SECONDARY)
    assert "including zero" in t.summary()[0]


def test_force_level_counts_untouched_by_default_and_protected_on_request():
    v = table({"2023-05": {F: 3, "North": 1, "East": 2}, "2023-06": {F: 4, "North": 4, "East": 0}})
    t = protect(v)
    force = t.frame[t.frame["area"] == F]
    assert force["count"].tolist() == [3, 4] and force[FLAG].tolist() == ["", ""]
    t = protect(v, DisclosurePolicy(apply_to_force_level=True))
    force = t.frame[t.frame["area"] == F]
    assert force["count"].isna().all() and force[FLAG].tolist() == [PRIMARY, PRIMARY]
    # June: total suppressed, North suppressed, East (0) published: the two unknowns are not separable
    assert cells(t, "2023-06")["East"] == (0, "")


def test_suppressed_total_with_every_area_published_gets_an_area_suppressed():
    # the areas sum to less than the total (crimes with no area), so no area is small but the total is
    v = table({"2023-05": {F: 4, "North": 0, "East": 0}})
    t = protect(v, DisclosurePolicy(apply_to_force_level=True))
    assert cells(t) == {F: (None, PRIMARY), "North": (0, ""), "East": (None, SECONDARY)}  # ties: first by name
    assert len(t.non_additive) == 1
    assert t.non_additive["relation"].iloc[0] == "areas sum to less than the total"


def test_rounding_mode_rounds_areas_and_leaves_the_total_exact():
    v = table({"2023-05": {F: 33, "North": 2, "East": 3, "South": 28}})
    t = protect(v, DisclosurePolicy(method="round"))
    assert cells(t) == {F: (33, ""), "North": (0, ROUNDED), "East": (5, ROUNDED), "South": (30, ROUNDED)}
    assert t.log.empty
    assert "unrounded" in " ".join(t.summary())
    t = protect(v, DisclosurePolicy(method="round", base=10, apply_to_force_level=True))
    assert cells(t) == {F: (30, ROUNDED), "North": (0, ROUNDED), "East": (0, ROUNDED), "South": (30, ROUNDED)}


@pytest.mark.parametrize("base, values, expected", [
    (5, [0, 1, 2, 3, 4, 5, 7, 8, 12, 13, 102], [0, 0, 0, 5, 5, 5, 5, 10, 10, 15, 100]),
    (10, [4, 5, 14, 15, 25], [0, 10, 10, 20, 30]),  # halves round up
    (1, [0, 3, 9], [0, 3, 9]),
])
def test_round_to_base(base, values, expected):
    assert round_to_base(np.array(values), base).tolist() == expected


def test_derived_columns_are_blanked_on_suppressed_rows():
    v = table({"2023-05": {F: 30, "North": 3, "East": 12, "South": 15}})
    v["difference"] = v["count"] - 10  # would give the count back
    v["comparison"] = "above"
    t = protect(v)
    assert t.masked == ("difference",)
    assert t.frame["difference"].isna().tolist() == [False, True, True, False]
    assert t.frame["comparison"].tolist() == ["above"] * 4
    assert protect(v, derived=()).frame["difference"].notna().all()
    with pytest.raises(InputError, match="cannot blank column"):
        protect(v, derived=["area"])


def test_quarter_tables_group_by_quarter_and_other_columns_are_kept():
    v = pd.DataFrame({"force": "W", "area": [F, "North", "East"], "measure": "homicide",
                      "quarter": "Q1 2023/24", "count": [9, 1, 8], "months": 3})
    t = protect(v)
    assert t.by == ("force", "measure", "quarter")
    assert t.frame[FLAG].tolist() == ["", PRIMARY, SECONDARY]
    assert t.frame["months"].isna().tolist() == [False, True, True]  # numeric, so blanked unless declared safe
    assert protect(v, derived=()).frame["months"].tolist() == [3, 3, 3]


def test_groups_are_independent_across_forces_measures_and_months():
    v = pd.concat([table({"2023-05": {F: 30, "North": 3, "East": 27}}),
                   table({"2023-05": {F: 30, "North": 3, "East": 27}}, measure="homicide"),
                   table({"2023-05": {F: 30, "North": 10, "East": 20}}, force="Kent")], ignore_index=True)
    t = protect(v)
    assert t.frame[FLAG].tolist() == ["", PRIMARY, SECONDARY] * 2 + ["", "", ""]


def test_summary_when_nothing_is_suppressed_and_plurals():
    assert protect(table({"2023-05": {F: 20, "North": 10, "East": 10}}),
                   DisclosurePolicy(area_level="LPA")).summary() == [
        "No cells needed to be suppressed: no count at LPA level was below 5."]
    t = protect(table({"2023-05": {F: 30, "North": 3, "East": 12, "South": 15},
                       "2023-06": {F: 30, "North": 1, "East": 12, "South": 17}}), DisclosurePolicy(area_level="LPA"))
    assert t.summary()[:2] == ["2 cells with a count below 5 at LPA level were suppressed.",
                               "2 further cells were suppressed so that they could not be worked out from the force "
                               "total."]


@pytest.mark.parametrize("kwargs, key", [
    ({"method": "blur"}, "method"), ({"threshold": 0}, "threshold"), ({"base": 2.5}, "base"),
    ({"marker": ""}, "marker"), ({"threshold": True}, "threshold"),
])
def test_policy_is_validated(kwargs, key):
    with pytest.raises(ConfigError, match=key):
        DisclosurePolicy(**kwargs)


@pytest.mark.parametrize("mutate, message", [
    (lambda v: v.drop(columns="area"), "missing column"),
    (lambda v: v.assign(count=[30, -1, 12]), "not a non-negative whole number"),
    (lambda v: v.assign(count=[30.0, 1.5, 12.0]), "not a non-negative whole number"),
    (lambda v: v.assign(area=[F, "North", "North"]), "duplicate cell"),
    (lambda v: v.drop(columns="month"), "no month or quarter"),
])
def test_bad_input_names_the_problem(mutate, message):
    v = table({"2023-05": {F: 30, "North": 3, "East": 12}})
    with pytest.raises(InputError, match=message):
        protect(mutate(v))


def test_protecting_twice_is_refused():
    t = protect(table({"2023-05": {F: 30, "North": 3, "East": 27}}))
    with pytest.raises(InputError, match="protected twice"):
        protect(t.frame)


def test_empty_table():
    t = protect(schema.empty(schema.VOLUMES))
    assert len(t.frame) == 0 and t.log.empty
    assert t.summary()[0].startswith("No cells")


@st.composite
def groups(draw):
    """Random tables: up to 3 forces x 2 months, 1-5 areas, counts skewed small, totals = sum (+ unallocated)."""
    rows = []
    for force in draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True)):
        for month in ("2023-05", "2023-06"):
            n = draw(st.integers(1, 5))
            counts = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
            for i, c in enumerate(counts):
                rows.append({"force": force, "area": f"LPA{i}", "measure": "m", "month": month, "count": c})
            if draw(st.booleans()) or n == 1:
                rows.append({"force": force, "area": F, "measure": "m", "month": month,
                             "count": sum(counts) + draw(st.sampled_from([0, 0, 0, 2]))})
    order = draw(st.permutations(range(len(rows))))
    return pd.DataFrame([rows[i] for i in order])


@settings(max_examples=100, deadline=None, derandomize=True)
@given(v=groups(), force_level=st.booleans(), zeros=st.booleans(), threshold=st.integers(1, 8))
def test_no_suppressed_area_can_be_derived_from_the_total(v, force_level, zeros, threshold):
    policy = DisclosurePolicy(threshold=threshold, apply_to_force_level=force_level, suppress_zeros=zeros)
    t = protect(v, policy)
    out = t.frame
    assert len(out) == len(v)  # rows in == rows out, in the same order
    assert out[["force", "area", "month"]].equals(v[["force", "area", "month"]].reset_index(drop=True))
    hidden = out["count"].isna()
    assert (hidden == out[FLAG].str.startswith("suppressed")).all()
    assert (out.loc[~hidden, "count"].astype(int).to_numpy() == v.loc[~hidden.to_numpy(), "count"].to_numpy()).all()
    low = 0 if zeros else 1
    small = (v["count"] >= low).to_numpy() & (v["count"] < threshold).to_numpy()
    sub = (out["area"] != F).to_numpy()
    assert hidden[small & (sub | force_level)].all()  # every small cell is suppressed
    if not force_level:
        assert out.loc[~sub, FLAG].isin(["", SECONDARY]).all()
    for (force, _month), g in out.groupby(["force", "month"]):
        g_sub = g[g["area"] != F]
        total = g[g["area"] == F]
        total_hidden = len(total) == 1 and total["count"].isna().iloc[0]
        n_hidden = int(g_sub["count"].isna().sum())
        single_exposed = len(g_sub) == 1 and len(total) == 0
        assert n_hidden != 1 or total_hidden or single_exposed, (force, g)
        if total_hidden and (total[FLAG].iloc[0] == PRIMARY):
            assert n_hidden >= 1  # else the total is the sum of the published areas
    assert len(t.unprotected) == sum(
        1 for _, g in out.groupby(["force", "month"]) if len(g) == 1 and g["count"].isna().all())


def test_published_lpa_charts_show_suppressed_counts_as_gaps():
    """A published chart by LPA is a table too: a count of 3 (and the one that would reveal it) is a gap."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from ncpm.quarter import published_lpa_volumes
    from ncpm.words import plots

    months = ["2023-04", "2023-05", "2023-06"]
    rows = [("Force", [30, 23, 40]), ("North", [12, 3, 15]), ("South", [18, 20, 25])]
    v = pd.DataFrame([{"force": "F", "area": a, "measure": "vehicle_crime", "month": m, "count": c}
                      for a, counts in rows for m, c in zip(months, counts, strict=True)])
    shown, note = published_lpa_volumes(v, "F", "vehicle_crime", DisclosurePolicy())
    assert note.startswith("Gaps: 2 LPA monthly counts not shown (disclosure control: counts 1 to 4")
    fig, ax = plt.subplots()
    plots.lpa_chart(shown, "F", "vehicle_crime", note=note, ax=ax)
    lines = {line.get_gid(): line.get_ydata() for line in ax.get_lines()}
    assert np.isnan(lines["area:North"][1]) and np.isnan(lines["area:South"][1])
    assert lines["area:North"][[0, 2]].tolist() == [12, 15] and 3 not in lines["area:North"].tolist()
    assert any("Gaps: 2 LPA monthly counts" in t.get_text() for t in ax.texts + fig.texts)
    plt.close(fig)

    rounded, note = published_lpa_volumes(v, "F", "vehicle_crime", DisclosurePolicy(method="round"))
    assert rounded.loc[rounded["area"] == "North", "count"].tolist() == [10, 5, 15]
    assert note == "LPA counts rounded to the nearest 5 (disclosure control)."
    nothing, note = published_lpa_volumes(v[v["month"] != "2023-05"], "F", "vehicle_crime", DisclosurePolicy())
    assert note == "" and not nothing["count"].isna().any()


@pytest.mark.parametrize("may", [(2, 7), (8, 10)])  # May's part (2) or the rest (10 - 8) is a small count
def test_an_lpa_share_against_the_month_before_does_not_publish_its_small_counts(may):
    """ "up from 29% (n=2) in May 2023" would publish May's small count, as would the difference from June's n."""
    rows = [{"month": m, "share": n / whole, "n": n} for m, (n, whole) in (("2023-05", may), ("2023-06", (10, 30)))]
    sh = pd.DataFrame(rows).assign(force="Warwickshire", area="North", part="robbery_personal_knife",
                                   whole="robbery_personal")
    say = dict(area="North", against="month")
    open_ = share_statement(sh, "Warwickshire", "robbery_personal_knife", "robbery_personal", "2023-06", **say)
    assert f"(n={may[0]}) in May 2023" in open_.text  # no disclosure control: the comparison is given
    s = share_statement(sh, "Warwickshire", "robbery_personal_knife", "robbery_personal", "2023-06",
                        suppress_below=5, **say)
    assert s.text == ("In June 2023, knife-enabled personal robbery accounted for a third (n=10) of Robbery Personal "
                      "offences in the North LPA.")
    assert s.facts["previous_withheld"] and "previous_n" not in s.facts and "movement" not in s.facts
