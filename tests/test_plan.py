"""The statement plan's kinds are one vocabulary: every kind planned has a builder, every kind coverage asks about
exists, and a misspelt kind raises instead of reading as "not planned"."""

import pytest

from ncpm.quarter import plan
from ncpm.quarter.statements import KINDS


def test_every_planned_kind_has_a_builder():
    planned = {p.kind for entries in plan.STATEMENT_PLAN.values() for p in entries} | {
        p.kind for p in plan.DEFAULT_PLAN}
    assert planned <= set(KINDS)


def test_the_kinds_are_the_builders_kinds():
    assert set(plan.KIND_NEEDS) == set(KINDS)


def test_builders_need_areas_as_the_plan_says():
    assert {k for k, kind in KINDS.items() if kind.needs_areas} == set(plan.kinds_needing(plan.AREAS))


def test_every_need_coverage_names_has_kinds():
    needs = {plan.RANK_YEAR, plan.RANK_3_YEARS, plan.QUARTER_FORECAST, plan.AHEAD_FORECAST, plan.OUTCOMES,
             plan.MSG, plan.AREAS}
    assert needs == set().union(*plan.KIND_NEEDS.values())
    for need in needs:
        assert set(plan.kinds_needing(need)) <= set(KINDS)


def test_every_kind_coverage_names_exists():
    for kind in (plan.OUTCOME_RATE, plan.PEERS):  # the methods coverage's omissions name
        assert kind in KINDS


def test_the_kinds_coverage_asks_about_are_unchanged():
    assert plan.kinds_needing(plan.RANK_YEAR) == ("volume_notable", "volume_ranked", "volume_full")
    assert plan.kinds_needing(plan.QUARTER_FORECAST) == ("volume_forecast", "volume_full", "quarter_profile")
    assert set(plan.kinds_needing(plan.AREAS)) == {"lpa_change", "lpa_share", "share_lpa", "lpa_profile"}


def test_an_unknown_kind_raises():
    with pytest.raises(ValueError, match="unknown statement kind 'volumes'"):
        plan.uses("vehicle_crime", "volumes")
    with pytest.raises(ValueError, match="unknown statement kind"):
        plan.Planned("outcome_rates")
    with pytest.raises(ValueError, match="no statement kind needs"):
        plan.kinds_needing("weather")
