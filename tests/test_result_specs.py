"""Result specs (issue 13): every result frame a force-quarter stores has its columns named in ``ncpm.core.schema``
(``ResultSpec``, ``RESULTS``), each stored table name maps to one (``ncpm.quarter.tables.RESULT_SPECS``), and the
quarter checks each table as it collects it (``ncpm.quarter.results.ResultTables``). Each producer is called on a
small frame written here and gives exactly its spec's columns, in order."""

import pandas as pd
import pytest

from ncpm import quarter as q
from ncpm.core import schema
from ncpm.methods import forecast as fc
from ncpm.methods import peers as peer_numbers
from ncpm.methods.baseline import three_year_average
from ncpm.methods.outcomes import outcome_rate
from ncpm.methods.satisfaction import rolling_rate
from ncpm.methods.spc import spc
from ncpm.methods.volumes import changes, period_comparison, quarter_totals, share
from ncpm.quarter import tables as T
from ncpm.quarter.results import ResultTables
from ncpm.words import peers as peer_words
from ncpm.words.ranks import window_rank

FORCE, PEERS = "Warwickshire", ["Wiltshire", "West Mercia"]
FORCES = [FORCE, *PEERS]
PART, WHOLE = "robbery_personal_knife", "robbery_personal"  # a sub-measure and its parent (ncpm/data/measures.toml)
MONTHS = pd.period_range("2019-07", "2023-06", freq="M")  # four years: the 3-year average has months to average
LATEST = MONTHS[-1]


def volumes():
    rows = [{"force": f, "area": "Force", "measure": m, "month": str(month), "count": (20 + (i % 12) + 3 * j) // k}
            for j, f in enumerate(FORCES) for k, m in ((1, WHOLE), (2, PART)) for i, month in enumerate(MONTHS)]
    return schema.validate(pd.DataFrame(rows), schema.VOLUMES)


def ours():
    v = volumes()
    return v[v["force"] == FORCE].reset_index(drop=True)


def outcomes():
    return pd.DataFrame([{"force": FORCE, "area": "Force", "measure": WHOLE, "month": str(month), "outcome_type": t,
                          "count": c} for month in MONTHS for t, c in (("1", 3), ("18", 5))])


def survey():
    return pd.DataFrame({"force": FORCE, "survey": "s", "month": MONTHS[-12:].astype(str), "responses": 100,
                         "satisfied": 80})


def population():
    return pd.DataFrame([(f, y, 600_000) for f in FORCES for y in range(2019, 2024)],
                        columns=["force", "year", "population"])


def msg():
    return pd.DataFrame({"force": FORCE, "peer": PEERS, "version": "v1"})


def rates():
    return peer_numbers.rates_per_1000(volumes(), population())


def ranks():
    return peer_numbers.national_rank(rates(), forces=FORCES)


def period_counts(periods=1):
    """ONS 12-month period tables: the year ending March 2023 and, with ``periods=2``, the year before."""
    ends = [pd.Period("2023-03", "M") - 12 * i for i in range(periods)]
    return pd.DataFrame([{"force": f, "measure": WHOLE, "period_start": str(end - 11), "period_end": str(end),
                          "count": 300 + 10 * j + i} for i, end in enumerate(ends) for j, f in enumerate(FORCES)])


def quarterly():
    """Home Office PRC quarters: Q1 of four years."""
    return pd.DataFrame({"force": FORCE, "measure": "homicide", "offence_code": "1",
                         "quarter": [f"Q1 {y}/{(y + 1) % 100:02d}" for y in range(2020, 2024)], "count": [3, 4, 5, 4]})


def period_tables(**frames):
    """The quarter's period tables (``compute_period_tables``) from the volumes and ``frames``."""
    res = q.start_quarter({"volumes": volumes()}, FORCE)
    q.compute_period_tables(res, {"volumes": volumes(), **frames})
    return res.tables


PRODUCERS = {  # one call per producer of a stored table, on the frames above
    "volumes": (schema.VOLUMES_RESULT, lambda: q.start_quarter({"volumes": volumes()}, FORCE).tables[T.VOLUMES]),
    "three_year_average": (schema.BASELINE_RESULT, lambda: three_year_average(ours())),
    "window_rank": (schema.RANKS_RESULT, lambda: window_rank(ours(), window=T.RANKS_YEAR.parameter)),
    "changes": (schema.CHANGES_RESULT, lambda: changes(ours())),
    "quarter_totals": (schema.QUARTERS_RESULT, lambda: quarter_totals(ours())),
    "period_comparison": (schema.PERIOD_RESULT,
                          lambda: period_comparison(ours(), LATEST, months=T.PERIOD_CHANGE.parameter)),
    "spc": (schema.EXCEPTIONS_RESULT, lambda: spc(three_year_average(ours()), seasonal=True)),
    "share": (schema.SHARES_RESULT, lambda: share(ours(), PART, WHOLE)),
    "outcome_rate, one month": (schema.OUTCOME_RATES_RESULT, lambda: outcome_rate(outcomes(), ours(), window=1)),
    "outcome_rate, 12 months": (schema.OUTCOME_RATES_RESULT, lambda: outcome_rate(outcomes(), ours(), window=12)),
    "rolling_rate": (schema.SATISFACTION_RESULT, lambda: rolling_rate(survey(), window=6, target=0.8)),
    "rolling_rate, no target": (schema.SATISFACTION_RESULT, lambda: rolling_rate(survey(), window=6)),
    "forecast": (schema.FORECAST_RESULT, lambda: fc.forecast(ours(), horizon=3, method="snaive")),
    "forecast_vs_actual": (schema.FORECAST_VS_ACTUAL_RESULT,
                           lambda: fc.forecast_vs_actual(ours(), origin=LATEST - 3, horizon=3, method="snaive")),
    "rates_per_1000": (schema.RATES_RESULT, rates),
    "national_rank": (schema.NATIONAL_RANK_RESULT, ranks),
    "rank_change": (schema.RANK_CHANGES_RESULT, lambda: peer_words.rank_change(ranks(), LATEST, LATEST - 1)),
    "validate_msg": (schema.MSG_MEMBERSHIP_RESULT, lambda: peer_numbers.validate_msg(msg())),
    "msg_compare": (schema.MSG_RESULT, lambda: peer_numbers.msg_compare(rates(), msg())),
    "prc quarter": (schema.PRC_QUARTER_RESULT, lambda: period_tables(quarterly=quarterly())[T.PRC_QUARTER]),
}

# the ONS period table: its optional columns come with an earlier period (rank change) and a membership table (MSG)
RANK_CHANGE = (schema.EARLIER, schema.EARLIER_RANK, schema.PLACES, schema.LABEL)
MSG_COLUMNS = tuple(c for c in schema.MSG_RESULT.columns if c not in schema.NATIONAL_RANK_RESULT.columns
                    and c not in (schema.RATE_LO, schema.RATE_HI))
PERIOD_PEERS = {
    "one period": (period_counts(1), False, ()),
    "two periods": (period_counts(2), False, RANK_CHANGE),
    "two periods and MSG": (period_counts(2), True, RANK_CHANGE + MSG_COLUMNS),
    "one period and MSG": (period_counts(1), True, MSG_COLUMNS),
}


@pytest.mark.parametrize("producer", PRODUCERS)
def test_each_producer_gives_its_specs_columns_in_order(producer):
    spec, make = PRODUCERS[producer]
    out = make()
    assert len(out), "the fixture gives rows"
    assert not spec.optional
    assert tuple(out.columns) == spec.columns


@pytest.mark.parametrize("case", PERIOD_PEERS)
def test_the_period_table_gives_its_optional_columns_only_with_their_inputs(case):
    counts, with_msg, optional = PERIOD_PEERS[case]
    frames = {"period_counts": counts, "population": population(), **({"msg": msg()} if with_msg else {})}
    out = period_tables(**frames)[T.PERIOD_PEERS]
    spec = schema.PERIOD_PEERS_RESULT
    assert tuple(out.columns) == spec.expected(out.columns)
    assert set(out.columns) & set(spec.optional) == set(optional)
    schema.check_result(out, spec, where=case)


def test_the_optional_columns_of_the_period_table_are_the_rank_change_and_the_msg_comparison():
    assert set(schema.PERIOD_PEERS_RESULT.optional) == set(RANK_CHANGE + MSG_COLUMNS)
    assert [s.name for s in schema.RESULTS.values() if s.optional] == ["period_peers"]


def test_every_stored_table_has_a_spec_and_every_spec_a_table():
    stored = {T.VOLUMES, *T.MEASURE_TABLES, *T.FORECAST_TABLES, *T.PEER_TABLES}
    assert set(T.RESULT_SPECS) == stored
    assert set(schema.RESULTS.values()) == set(T.RESULT_SPECS.values())
    assert all(schema.RESULTS[s.name] is s for s in schema.RESULTS.values())
    for key in (*T.RANK_WINDOWS, *T.OUTCOME_WINDOWS, T.PERIOD_CHANGE):  # a table family is its spec's name
        assert T.RESULT_SPECS[key.name].name == key.family


def test_a_spec_names_each_column_once_and_only_schema_constants():
    constants = {v for k, v in vars(schema).items() if k.isupper() and isinstance(v, str)}
    for spec in schema.RESULTS.values():
        assert len(set(spec.columns)) == len(spec.columns), spec.name
        assert set(spec.columns) <= constants, spec.name
        assert set(spec.optional) <= set(spec.columns), spec.name


def test_the_demo_quarters_tables_match_their_specs(demo_frames):
    options = q.QuarterOptions(forecast_method="snaive", forecast_engine="fast")  # the columns, not the forecasts
    res = q.start_quarter(demo_frames, FORCE, quarter="Q1 2023/24", options=options)
    q.compute_measures(res, demo_frames)
    q.compute_forecasts(res)
    q.compute_peers(res, demo_frames)
    assert isinstance(res.tables, ResultTables)
    assert set(res.tables) == set(T.RESULT_SPECS) - set(T.PERIOD_TABLES)  # the demo has no ONS or PRC tables
    for name, table in res.tables.items():
        spec = T.RESULT_SPECS[name]
        assert tuple(table.columns) == spec.expected(table.columns), name
        schema.check_result(table, spec, where=name)


def test_check_result_names_the_missing_and_the_extra_columns():
    spec = schema.MSG_MEMBERSHIP_RESULT
    frame = pd.DataFrame(columns=[schema.FORCE, schema.PEER, "members"])
    with pytest.raises(RuntimeError, match=r"^tables\['msg_membership'\]: .* msg_membership: missing version; "
                                           r"extra members$"):
        schema.check_result(frame, spec, where="tables['msg_membership']")
    with pytest.raises(RuntimeError, match="missing version$"):
        schema.check_result(frame.drop(columns=["members"]), spec, where="here")
    with pytest.raises(RuntimeError, match="extra members$"):
        schema.check_result(frame.assign(version="v1"), spec, where="here")


def test_check_result_names_columns_out_of_order_and_passes_a_match():
    spec = schema.MSG_MEMBERSHIP_RESULT
    with pytest.raises(RuntimeError, match="out of order: peer, force, version; the spec's order: force, peer, version"):
        schema.check_result(pd.DataFrame(columns=[schema.PEER, schema.FORCE, schema.VERSION]), spec, where="here")
    frame = pd.DataFrame(columns=list(spec.columns))
    assert schema.check_result(frame, spec, where="here") is frame


def test_an_optional_column_may_be_absent_but_a_required_one_may_not():
    spec = schema.PERIOD_PEERS_RESULT
    frame = pd.DataFrame(columns=list(spec.expected(())))
    assert schema.check_result(frame, spec, where="here") is frame
    with pytest.raises(RuntimeError, match="missing rank_note$"):
        schema.check_result(frame.drop(columns=[schema.RANK_NOTE]), spec, where="here")


def test_the_quarters_tables_are_checked_as_they_are_put_in():
    tables = ResultTables()
    good = three_year_average(ours())
    tables[T.BASELINE] = good
    assert tables[T.BASELINE] is good
    with pytest.raises(RuntimeError, match=r"^tables\['baseline'\]: .*: missing z$"):
        tables[T.BASELINE] = good.drop(columns=[schema.Z])
    with pytest.raises(RuntimeError, match=r"^tables\['ranks_12'\]: .*: extra z$"):
        tables.update({T.RANKS_YEAR.name: window_rank(ours()).assign(z=0.0)})
    tables["volumes_used"] = good  # a name without a spec (the pipeline's own copy) is kept as it is
    assert q.QuarterResults(FORCE, LATEST, None, q.QuarterOptions()).tables == {}
