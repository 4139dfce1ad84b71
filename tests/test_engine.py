"""The distributed engine (issue 8): per-series work on local processes or Dask gives the single-process result.

A small LSOA-level set (40 series x 48 months, seeded Poisson counts with seasonality) goes through each engine;
every result must equal the single-process call exactly (values and dtypes).
"""

import importlib.util
import sys

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.baseline import three_year_average
from ncpm.methods.forecast import backtest, forecast
from ncpm.methods.spc import spc
from ncpm.quarter import engine as eng
from ncpm.quarter.engine import EngineOptions, canonical_order, map_series, series_chunks, start_engine

HAS_DASK = importlib.util.find_spec("dask") is not None and importlib.util.find_spec("distributed") is not None


def lsoa_volumes(n_series: int = 40, months: int = 48, seed: int = 8) -> pd.DataFrame:
    """Seeded Poisson counts with a yearly cycle for LSOAs E01000001..., two measures, one force."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = rng.uniform(1.5, 30, n_series)[:, None]
    phase = rng.integers(0, 12, n_series)[:, None]
    mu = level * (1 + 0.3 * np.sin(2 * np.pi * (t + phase) / 12))
    counts = rng.poisson(mu)
    lsoas = [f"E0100{i // 2 + 1:04d}" for i in range(n_series)]
    measures = ["burglary_residential" if i % 2 else "vehicle_crime" for i in range(n_series)]
    frame = pd.DataFrame({
        schema.FORCE: "Warwickshire",
        schema.AREA: np.repeat(lsoas, months),
        schema.MEASURE: np.repeat(measures, months),
        schema.MONTH: np.tile(pd.period_range("2019-04", periods=months, freq="M"), n_series),
        schema.COUNT: counts.ravel(),
    })
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # rows in no particular order


@pytest.fixture(scope="module")
def volumes():
    return lsoa_volumes()


@pytest.fixture(scope="module")
def processes():
    with start_engine(EngineOptions("processes", workers=2, chunk_series=8)) as running:
        yield running


@pytest.fixture(scope="module")
def dask_engine():
    if not HAS_DASK:
        pytest.skip("dask[distributed] is not installed (pip install 'ncpm[dask]')")
    with start_engine(EngineOptions("dask", workers=2, chunk_series=8)) as running:
        yield running


@pytest.fixture(params=["single", "processes", "dask"])
def engine(request):
    if request.param == "single":
        with start_engine(EngineOptions("single")) as running:
            yield running
    else:
        yield request.getfixturevalue("dask_engine" if request.param == "dask" else "processes")


CASES = {
    "forecast_fast": (forecast, {"horizon": 3, "engine": "fast"}),
    "three_year_average": (three_year_average, {"exclude": [("2020-04", "2021-03")]}),
    "spc": (spc, {"improvement": "decrease"}),
    "spc_run_length_6": (spc, {"improvement": "increase", "run_length": 6}),
    "three_year_average_trailing": (three_year_average, {"method": "trailing_36"}),
}


@pytest.mark.parametrize("case", CASES)
def test_each_engine_gives_the_single_process_result(engine, volumes, case):
    func, kwargs = CASES[case]
    assert_frame_equal(map_series(func, volumes, engine, **kwargs), func(volumes, **kwargs), check_exact=True)


@pytest.fixture(scope="module")
def reference(volumes):
    """The statsmodels engine on 2 series with one named model (the reference engine is slow), computed once."""
    few = volumes[volumes[schema.AREA] == "E01000001"]
    kwargs = {"horizon": 3, "origin": "2022-12", "method": "ETS(A,Ad,A)"}
    return few, kwargs, forecast(few, **kwargs)


def test_statsmodels_forecast_is_identical_on_every_engine(engine, reference):
    few, kwargs, expected = reference
    assert_frame_equal(map_series(forecast, few, engine, **kwargs), expected, check_exact=True)
    assert few.groupby(schema.SERIES_KEY).ngroups == 2
    assert (expected[schema.METHOD] == "ETS(A,Ad,A)").all()


def test_seasonal_spc_on_baselines_keeps_the_extra_column(engine, volumes):
    based = three_year_average(volumes)[[*schema.VOLUMES.columns, "baseline"]]
    expected = spc(based, seasonal=True)
    assert_frame_equal(map_series(spc, based, engine, seasonal=True), expected, check_exact=True)


def test_backtest_is_identical_in_canonical_order(engine, volumes):
    expected = canonical_order(backtest(volumes, horizon=3, origins=["2022-06", "2022-09"], engine="fast"))
    got = map_series(backtest, volumes, engine, horizon=3, origins=["2022-06", "2022-09"], engine="fast")
    assert_frame_equal(got, expected, check_exact=True)
    assert len(got) == 2 * volumes.groupby(schema.SERIES_KEY).ngroups


def test_an_input_error_on_a_worker_reaches_the_caller(engine, volumes):
    bad = volumes.copy()
    bad.loc[5, schema.COUNT] = -3
    with pytest.raises(InputError, match="not a non-negative whole number"):
        map_series(three_year_average, bad, engine)


def test_an_existing_dask_cluster_is_used_and_left_running(dask_engine, volumes):
    address = dask_engine._client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")  # a local cluster listens on loopback only
    options = EngineOptions("dask", address=address, chunk_series=5)
    assert_frame_equal(map_series(spc, volumes, options), spc(volumes), check_exact=True)
    assert dask_engine._client.status == "running"
    assert len(dask_engine._client.nthreads()) == 2


def test_chunks_hold_whole_series_in_key_order(volumes):
    chunks = series_chunks(volumes, 7)
    keys = [tuple(k) for c in chunks for k in c[schema.SERIES_KEY].drop_duplicates().sort_values(schema.SERIES_KEY).itertuples(index=False)]
    assert keys == sorted(keys) and len(keys) == len(set(keys)) == 40  # no series in two chunks
    assert [c.groupby(schema.SERIES_KEY).ngroups for c in chunks] == [7, 7, 7, 7, 7, 5]
    assert sum(len(c) for c in chunks) == len(volumes)
    assert_frame_equal(pd.concat(chunks).sort_index(), volumes)
    assert series_chunks(volumes.iloc[:0], 7) == []


def test_chunking_needs_the_key_columns(volumes):
    with pytest.raises(InputError, match="missing column"):
        series_chunks(volumes.drop(columns=schema.AREA), 5)


def test_the_order_of_input_rows_changes_nothing(processes, volumes):
    shuffled = volumes.sample(frac=1.0, random_state=1)
    assert_frame_equal(map_series(forecast, shuffled, processes, engine="fast"),
                       forecast(volumes, engine="fast"), check_exact=True)


@pytest.mark.parametrize("kwargs, key", [
    ({"kind": "spark"}, "engine.kind"),
    ({"kind": "processes", "workers": -1}, "engine.workers"),
    ({"kind": "processes", "workers": 1.5}, "engine.workers"),
    ({"kind": "single", "chunk_series": 0}, "engine.chunk_series"),
    ({"kind": "processes", "address": "tcp://h:8786"}, "engine.address"),
    ({"kind": "dask", "address": " "}, "engine.address"),
])
def test_bad_options_name_the_key(kwargs, key):
    with pytest.raises(ConfigError, match=key):
        EngineOptions(**kwargs)


def test_options_from_a_config_section():
    assert EngineOptions.from_config(None) == EngineOptions()
    assert EngineOptions.from_config({"kind": "dask", "address": "tcp://10.1.2.3:8786"}).address == \
        "tcp://10.1.2.3:8786"
    assert EngineOptions("dask", workers=0, address="") == EngineOptions("dask")  # the config file's defaults
    with pytest.raises(ConfigError, match="engine.threads"):
        EngineOptions.from_config({"kind": "dask", "threads": 4})


def test_missing_dask_gives_the_install_hint(monkeypatch, volumes):
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(ConfigError, match=r"pip install 'ncpm\[dask\]'"):
        map_series(spc, volumes, EngineOptions("dask", workers=1))


@pytest.mark.skipif(not HAS_DASK, reason="dask[distributed] is not installed")
def test_an_unreachable_scheduler_is_a_config_error(monkeypatch, volumes):
    monkeypatch.setattr(eng, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        map_series(spc, volumes, EngineOptions("dask", address="tcp://127.0.0.1:9"))


def test_an_empty_frame_is_passed_through(processes):
    empty = schema.empty(schema.VOLUMES)
    assert_frame_equal(map_series(three_year_average, empty, processes), three_year_average(empty))
