"""Where the per-series work runs: one process, local processes, or a Dask cluster (issue 8, "Distributed engine").

The compute modules are pure and work series by series (STYLE.md, habit 2): a baseline, an XmR chart, a forecast
or a backtest of one series (force, area, measure) never reads another series. :func:`map_series` uses that: it
splits a canonical long frame into chunks of whole series (a series is never split), applies the same ncpm
function to every chunk, and puts the pieces back together in a fixed order, so the result is identical, value for
value and dtype for dtype, to the single-process call whichever engine ran it.

Engines (``EngineOptions.kind``):

- ``"single"``: this process, one call on the whole frame (the default).
- ``"processes"``: :class:`concurrent.futures.ProcessPoolExecutor` from the standard library, ``workers``
  processes (default: the machine's CPU count), started with "spawn" on every platform.
- ``"dask"``: Dask distributed (optional extra: ``pip install 'ncpm[dask]'``). With ``address`` (e.g.
  ``"tcp://scheduler:8786"``) ncpm connects to an existing cluster and leaves it running; without it a
  ``LocalCluster`` of ``workers`` single-threaded worker processes is started on 127.0.0.1 only, with no
  dashboard, and closed afterwards. Workers must run the same ncpm version in the same Python environment
  (checked on connecting).

No scheduler is written here: chunks are handed to the standard library's executor or to Dask's scheduler.

Order of the result: rows are sorted (stably) on ``key`` and then on ``month`` and ``origin`` where the result
has them. The compute functions already return that order (``forecast``, ``three_year_average``, ``spc``), so
``map_series(f, v, options)`` equals ``f(v)``; ``backtest`` returns origin by origin, so its mapped result equals
``f(v)`` sorted by :func:`canonical_order`.

>>> import pandas as pd
>>> from ncpm.methods.baseline import three_year_average
>>> v = pd.DataFrame({"force": "F", "area": ["E01000001"] * 40 + ["E01000002"] * 40, "measure": "burglary",
...                   "month": list(pd.period_range("2020-01", periods=40, freq="M")) * 2, "count": 5})
>>> out = map_series(three_year_average, v, EngineOptions("single"))
>>> out.equals(three_year_average(v))
True
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from ncpm import __version__
from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError

KINDS = ("single", "processes", "dask")
DEFAULT_KIND = "single"  # this process, one call on the whole frame (issue 8: the default engine)
CHUNK_SERIES = 200  # at most this many whole series per task
ONE_PER_CORE = 0  # the configuration's spelling of workers=None: one worker per core
LOCAL_CLUSTER = ""  # the configuration's spelling of address=None: a local cluster
LOOPBACK = "127.0.0.1"  # a local cluster listens on loopback only
DASK_HINT = "the Dask engine needs the optional extra: pip install 'ncpm[dask]'"
ORDER_COLUMNS = (schema.MONTH, schema.ORIGIN)  # after the key, in this order, where the result has them
CONNECT_TIMEOUT = "30s"
CHUNKS_PER_WORKER = 4  # waiting for an existing scheduler to answer


@dataclass(frozen=True)
class EngineOptions:
    """Which engine runs the per-series work, validated on creation (keys of the ``[engine]`` config section).

    ``kind``: "single", "processes" or "dask". ``workers``: number of worker processes (None: the CPU count for
    "processes", one per core for a local Dask cluster; ignored with ``address``; 0 means None). ``address``: a
    Dask scheduler, "tcp://host:8786" (only with kind "dask"; "" means None, a local cluster). ``chunk_series``: at
    most this many whole series per task.

    >>> EngineOptions("dask", address="tcp://10.0.0.5:8786").kind
    'dask'
    """

    kind: str = DEFAULT_KIND
    workers: int | None = None
    address: str | None = None
    chunk_series: int = CHUNK_SERIES

    def __post_init__(self) -> None:
        # the one check of the [engine] options (the configuration constructs options to check its section);
        # the config file's spelling of the defaults: workers = 0 (one per core), address = "" (a local cluster)
        if self.workers == ONE_PER_CORE and not isinstance(self.workers, bool):
            object.__setattr__(self, "workers", None)
        if self.address == LOCAL_CLUSTER:
            object.__setattr__(self, "address", None)
        if self.kind not in KINDS:
            raise ConfigError(f"engine.kind must be one of {', '.join(sorted(KINDS))}; not {self.kind!r}")
        if self.workers is not None and (isinstance(self.workers, bool) or not isinstance(self.workers, int)
                                         or self.workers < 1):
            raise ConfigError(f"engine.workers must be a whole number, {ONE_PER_CORE} (one per core) or more; "
                              f"not {self.workers!r}")
        if isinstance(self.chunk_series, bool) or not isinstance(self.chunk_series, int) or self.chunk_series < 1:
            raise ConfigError(f"engine.chunk_series: expected a whole number of at least 1, got "
                              f"{self.chunk_series!r}")
        if self.address is not None:
            if self.kind != "dask":
                raise ConfigError(f"engine.address is for engine.kind = \"dask\", not {self.kind!r}")
            if not isinstance(self.address, str) or not self.address.strip():
                raise ConfigError(f"engine.address: expected an address such as \"tcp://host:8786\", got "
                                  f"{self.address!r}")

    @classmethod
    def from_config(cls, section: Mapping[str, object] | None) -> EngineOptions:
        """Options from a config section such as ``{"kind": "dask", "address": "tcp://host:8786"}``.

        Unknown keys are refused, naming the key.

        >>> EngineOptions.from_config({"kind": "processes", "workers": 2})
        EngineOptions(kind='processes', workers=2, address=None, chunk_series=200)
        """
        section = dict(section or {})
        known = ("kind", "workers", "address", "chunk_series")
        unknown = sorted(set(section) - set(known))
        if unknown:
            raise ConfigError(f"engine.{unknown[0]}: unknown key; known: {', '.join(known)}")
        return cls(**section)


def ncpm_version() -> str:
    """The ncpm version this process imports (run on every Dask worker when connecting)."""
    return __version__


def series_chunks(frame: pd.DataFrame, size: int, key: Sequence[str] = schema.SERIES_KEY) -> list[pd.DataFrame]:
    """Split ``frame`` into chunks of at most ``size`` whole series, in sorted key order (rows keep their order).

    >>> v = pd.DataFrame({"force": "F", "area": ["a", "b", "a", "c"], "measure": "m", "month": "2023-01",
    ...                   "count": 1})
    >>> [c["area"].tolist() for c in series_chunks(v, 2)]
    [['a', 'b', 'a'], ['c']]
    """
    key = list(key)
    missing = [c for c in key if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} needed to split the series; found: "
                         f"{', '.join(map(str, frame.columns)) or 'none'}", column=missing[0])
    if frame.empty:
        return []
    codes = frame.groupby(key, sort=True, dropna=False).ngroup().to_numpy()
    chunk = codes // size
    order = pd.Series(range(len(frame))).groupby(chunk, sort=True).indices
    return [frame.iloc[rows] for rows in order.values()]


def canonical_order(result: pd.DataFrame, key: Sequence[str] = schema.SERIES_KEY) -> pd.DataFrame:
    """``result`` sorted stably on ``key``, then ``month`` and ``origin`` where present, with a fresh index."""
    by = [c for c in (*key, *ORDER_COLUMNS) if c in result.columns]
    if not by or result.empty:
        return result.reset_index(drop=True)
    return result.sort_values(by, kind="stable").reset_index(drop=True)


class Engine:
    """A running engine: reuse one for several calls (a local Dask cluster takes seconds to start).

    Create it with :func:`start_engine`; call :meth:`map`.
    """

    def __init__(self, options: EngineOptions, *, processes: int = 1, executor=None, client=None) -> None:
        self.options = options
        self._processes = processes
        self._executor = executor
        self._client = client

    @property
    def workers(self) -> int:
        """How many tasks can run at once (for Dask: the cluster's threads now)."""
        if self._client is not None:
            return max(1, sum(self._client.nthreads().values()))
        return self._processes

    def map(self, func: Callable[..., pd.DataFrame], frame: pd.DataFrame, *,
            key: Sequence[str] = schema.SERIES_KEY, **kwargs) -> pd.DataFrame:
        """``func(frame, **kwargs)`` computed chunk by chunk of whole series, in :func:`canonical_order`."""
        if self.options.kind == "single" or frame.empty:
            return canonical_order(func(frame, **kwargs), key)
        n_series = len(frame.drop_duplicates(list(key))) if not frame.empty else 0
        # a few chunks per worker, so that a worker given slow series does not hold up the others; never more
        # than chunk_series series in one
        size = max(1, min(self.options.chunk_series, math.ceil(n_series / (CHUNKS_PER_WORKER * self.workers))))
        chunks = series_chunks(frame, size, key)
        if self._client is not None:
            futures = self._client.map(func, chunks, pure=False, **kwargs)
            parts = self._client.gather(futures)
        else:
            futures = [self._executor.submit(func, chunk, **kwargs) for chunk in chunks]
            parts = [f.result() for f in futures]
        return canonical_order(pd.concat(parts, ignore_index=True), key)


def _import_dask():
    try:
        from dask import distributed
    except ImportError as exc:
        raise ConfigError(f"engine.kind: {DASK_HINT} ({exc})") from None
    return distributed


def _check_workers(client) -> None:
    """Every worker must import the same ncpm as this process (same environment, same version)."""
    mine = ncpm_version()
    try:
        theirs = client.run(ncpm_version)
    except Exception as exc:  # a worker that cannot import ncpm.quarter.engine fails here, whatever the exception type
        raise ConfigError(f"engine.address: Dask workers cannot import ncpm {mine}; install the same ncpm in the "
                          f"workers' environment ({type(exc).__name__}: {exc})") from None
    wrong = {w: v for w, v in theirs.items() if v != mine}
    if wrong:
        worker, version = sorted(wrong.items())[0]
        raise ConfigError(f"engine.address: Dask worker {worker} runs ncpm {version}, this process {mine}; "
                          f"workers need the same ncpm version")
    if not theirs:
        raise ConfigError("engine.address: the Dask cluster has no workers")


@contextmanager
def start_engine(options: EngineOptions | None = None) -> Iterator[Engine]:
    """Start the engine described by ``options`` and stop what it started on leaving the ``with`` block.

    >>> with start_engine(EngineOptions("single")) as engine:
    ...     engine.workers
    1
    """
    options = options or EngineOptions()
    if options.kind == "single":
        yield Engine(options)
    elif options.kind == "processes":
        workers = options.workers or os.cpu_count() or 1
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield Engine(options, processes=workers, executor=pool)
    elif options.address is not None:
        distributed = _import_dask()
        try:
            client = distributed.Client(options.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"engine.address: cannot reach the Dask scheduler at {options.address} "
                              f"({type(exc).__name__}: {exc})") from None
        try:
            _check_workers(client)
            yield Engine(options, client=client)
        finally:
            client.close()  # the cluster belongs to someone else: only disconnect
    else:
        distributed = _import_dask()
        with distributed.LocalCluster(n_workers=options.workers, threads_per_worker=1, processes=True,
                                      host=LOOPBACK, dashboard_address=None, worker_dashboard_address=None,
                                      # no dashboard; the scheduler's remaining HTTP endpoint (health checks)
                                      # would take port 8787: give it any free loopback port instead
                                      scheduler_kwargs={"dashboard_address": f"{LOOPBACK}:0"}) as cluster, \
                distributed.Client(cluster, set_as_default=False) as client:
            _check_workers(client)
            yield Engine(options, client=client)


def map_series(func: Callable[..., pd.DataFrame], frame: pd.DataFrame,
               options: EngineOptions | Engine | None = None, *, key: Sequence[str] = schema.SERIES_KEY,
               **kwargs) -> pd.DataFrame:
    """Apply a per-series ncpm function ``func(frame, **kwargs)`` on the configured engine.

    ``options`` is an :class:`EngineOptions` (the engine is started and stopped around this one call) or a running
    :class:`Engine` from :func:`start_engine` (reused). ``func`` must be importable by name on the workers (a
    module-level function such as ``ncpm.methods.forecast.forecast``, ``ncpm.methods.forecast.backtest``,
    ``ncpm.methods.baseline.three_year_average`` or ``ncpm.methods.spc.spc``) and must treat series independently. The result is
    the concatenation of the chunk results in :func:`canonical_order`.

    >>> import pandas as pd
    >>> from ncpm.methods.spc import spc
    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "m",
    ...                   "month": pd.period_range("2022-01", periods=12, freq="M"), "count": range(12)})
    >>> map_series(spc, v, EngineOptions("single"), improvement="decrease")["trend"].any()
    np.True_
    """
    if isinstance(options, Engine):
        return options.map(func, frame, key=key, **kwargs)
    with start_engine(options) as engine:
        return engine.map(func, frame, key=key, **kwargs)
