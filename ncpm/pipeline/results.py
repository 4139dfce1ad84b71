"""A finished run's results, read back: what ``ncpm run`` computed and reported, for notebooks and scripts.

:func:`load_run` reads the published run in an output folder (``ncpm.io.runstate.published_dir``) into the object
:func:`ncpm.compute_quarter` returns: the force, month, quarter and options of the run, every result table, the
statements as the report gives them and what the report leaves out. Nothing is computed again, so a notebook that
reads a run shows the report's figures and statements, and takes seconds. :func:`open_quarter` is the notebooks'
first call: the run's results when the run holds the force and quarter asked for, else computed here.

:func:`table_view` and :func:`facts_table` show tables the way an analyst pastes them: no row index, missing cells
empty, one row per fact with readable names.

>>> res = load_run("data/processed")  # doctest: +SKIP
>>> [s.id for s in res.statements][:3]  # doctest: +SKIP
['S1', 'S2', 'S3']
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError
from ncpm.core.forces import canonical_force
from ncpm.core.periods import month_label, parse_quarter
from ncpm.io.runstate import published_dir, read_manifest
from ncpm.io.store import read_store, read_table
from ncpm.pipeline.assemble import source_label
from ncpm.pipeline.ingest import load
from ncpm.pipeline.layout import RUN_VOLUMES, STORE, slug
from ncpm.pipeline.project import DEMO_SOURCE, load_demo, project_root
from ncpm.quarter import Omission, QuarterOptions, QuarterResults, compute_quarter, coverage, omission_lines
from ncpm.words.statements import Statement

DEFAULT_RUN = Path("data") / "processed"  # where ``ncpm demo`` and ``ncpm run`` write by default


@dataclass
class RunResults(QuarterResults):
    """:class:`ncpm.quarter.QuarterResults` with where they come from: ``folder`` (the run's published folder,
    None when computed here), its ``manifest`` and ``origin``, one sentence saying which."""

    folder: Path | None = None
    manifest: dict = field(default_factory=dict, repr=False)
    origin: str = ""
    _frames: dict | None = field(default=None, repr=False)

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The canonical input frames the results were computed from (a run's: its parquet store)."""
        if self._frames is None:
            store = Path(self.folder) / STORE
            self._frames = {p.stem: read_store(store, p.stem) for p in sorted(store.glob("*.parquet"))}
        return self._frames

    def about(self) -> str:
        """What a notebook prints first: force, quarter and months, where the results come from, the notes and the
        report's "Not in this report" list."""
        lines = [f"{self.force}, {self.quarter}: data to {month_label(self.month)}; "
                 f"forecast origin {month_label(self.quarter.origin)}", self.origin]
        lines += [f"Note: {n}" for n in self.notes]
        lines += [f"Not in this report: {line}" for line in omission_lines(self)]
        return "\n".join(line for line in lines if line)


def load_run(out_dir: str | Path = DEFAULT_RUN, force: str | None = None, *, quarter=None) -> RunResults:
    """The results of the finished run in ``out_dir`` (the folder ``ncpm run --out`` or ``ncpm demo`` wrote) for
    ``force`` (default: the run's only force), as the run computed them: tables, statements, options and what the
    report leaves out; ``frames`` gives the run's input store.

    ``quarter``: the quarter expected (a ConfigError if the run reports another). A ConfigError too when the folder
    holds no finished run, or the force is not in it.
    """
    folder = published_dir(Path(out_dir))
    manifest = read_manifest(folder)
    if not manifest.get("outputs"):
        raise ConfigError(f"no finished run in {out_dir} (no readable manifest.json): run  ncpm run --out {out_dir}")
    results = manifest.get("results")
    if not results:
        raise ConfigError(f"the run in {out_dir} was written by an earlier ncpm: run  ncpm run --full --out {out_dir}")
    if force is None:
        if len(results) != 1:
            raise ConfigError(f"the run in {out_dir} has {len(results)} forces ({', '.join(results)}): choose one")
        chosen = next(iter(results))
    else:
        chosen = canonical_force(force)
        if chosen not in results:
            raise ConfigError(f"the run in {out_dir} has no results for {chosen} (it has: {', '.join(results)})")
    entry = results[chosen]
    if quarter is not None and str(parse_quarter(quarter)) != entry["quarter"]:
        raise ConfigError(f"the run in {out_dir} reports {entry['quarter']}, not {parse_quarter(quarter)}")
    prefix = f"{slug(chosen)}/"
    tables = {Path(rel).stem: read_table(folder / rel) for rel in manifest["outputs"]
              if rel.startswith(f"{prefix}tables/") and rel.endswith(".parquet")}
    if RUN_VOLUMES[0] in tables:  # the force's volumes the measures read (the run's name for its table)
        tables["volumes"] = tables.pop(RUN_VOLUMES[0])
    records = json.loads((folder / f"{prefix}statements.json").read_text(encoding="utf-8"))
    res = RunResults(force=chosen, month=pd.Period(entry["month"], freq="M"), quarter=parse_quarter(entry["quarter"]),
                     options=_options(entry["options"]), tables=tables, statements=[_statement(r) for r in records],
                     notes=list(entry.get("notes", [])), folder=folder, manifest=manifest)
    res.reported = coverage(res)[0]
    res.omitted = [Omission(o["label"], o["reason"], measure=o.get("measure"), method=o.get("method"),
                            outside=bool(o.get("outside_ncpm"))) for o in manifest.get("not_in_report", {}).get(chosen, [])]
    when = str(manifest.get("finished", ""))[:16]
    res.origin = (f"Read from the run{' of ' + when if when else ''} in {out_dir}: the report's tables and statements "
                  f"({res.options.forecast_engine} forecast engine).")
    return res


def open_quarter(force: str = "Warwickshire", quarter=None, *, data=None, run: str | Path | None = None,
                 engine: str = "fast") -> RunResults:
    """The notebooks' first call: the results for ``force`` and ``quarter``.

    ``data`` None: the run in ``run`` (default: ``data/processed`` of the project, where ``ncpm demo`` writes) when
    it holds this force and quarter, read with :func:`load_run`, so the notebook shows the report's figures and
    statements; otherwise (no run there yet, or another quarter) computed here from the run's inputs (the demo
    data when there is no run), with the ``engine`` forecast engine. ``data`` a file or folder ncpm reads: computed
    here from it (:func:`ncpm.load`). ``origin`` says which.
    """
    why = ""
    if data is None:
        run_dir = Path(run) if run is not None else project_root() / DEFAULT_RUN
        try:
            return load_run(run_dir, force, quarter=quarter)
        except ConfigError as exc:
            why = str(exc)
        try:  # another quarter of the run: from the run's inputs (its store), with the run's options
            previous = load_run(run_dir, force)
            frames, where = previous.frames, f"from the inputs of the run in {run_dir}"
            options = dataclasses.replace(previous.options, forecast_engine=engine)
        except ConfigError:
            frames, where = load_demo(), "from the demo data"
            options = QuarterOptions(forecast_engine=engine, source=DEMO_SOURCE)
    else:
        loaded = load(data)
        frames, where = loaded.frames, f"from {data}"
        options = QuarterOptions(forecast_engine=engine, source=source_label(loaded.results))
    computed = compute_quarter(frames, force, quarter=quarter, options=options)
    values = {f.name: getattr(computed, f.name) for f in dataclasses.fields(QuarterResults)}
    origin = f"Computed here {where} with the {engine} forecast engine" + (f" ({why})." if why else ".")
    return RunResults(**values, origin=origin, _frames=dict(frames))


def _options(values: dict) -> QuarterOptions:
    """The run's options from the manifest (JSON lists back to the tuples the dataclass holds)."""
    known = {f.name: f for f in dataclasses.fields(QuarterOptions)}
    return QuarterOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in known})


def _statement(record: dict):
    """A statement of ``statements.json`` as the object the library builds (months as periods)."""
    fields = {f.name for f in dataclasses.fields(Statement)}
    values = {k: v for k, v in record.items() if k in fields}
    values[schema.MONTH] = pd.Period(values[schema.MONTH], freq="M")
    return Statement(**values)


# --- tables an analyst pastes ----------------------------------------------------------------------------------


def readable(name: str) -> str:
    """A column or fact name in words: ``"forecast_lo_95"`` -> ``"Forecast lo 95"``.

    >>> readable("rank_label"), readable("count")
    ('Rank label', 'Count')
    """
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _cell(value) -> str:
    """A value as text: months as "Jun 2023", numbers with thousands separators (4 significant figures for
    fractions), yes/no, missing as empty."""
    if value is None or (not isinstance(value, str | list | tuple | dict) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Period):
        return value.strftime("%b %Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:,.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def facts_table(statements: Iterable) -> pd.DataFrame:
    """One row per fact behind each statement: ``Statement`` (its id), ``Kind``, ``Fact`` (in words) and ``Value``
    (as text); a fact holding one value per area ("shares", "counts") gives a row per area ("Shares: East").

    >>> from ncpm.words.statements import Statement
    >>> s = Statement("S7", 2, "theft_from_person", pd.Period("2023-06", "M"), "...", "lpa_share", "Warwickshire",
    ...               facts={"shares": {"East": 0.66}, "over": ["East"], "threshold": 0.5})
    >>> facts_table([s])["Fact"].tolist()
    ['Shares: East', 'Over', 'Threshold']
    """
    rows = []
    for s in statements:
        for name, value in s.facts.items():
            items = value.items() if isinstance(value, dict) else [(None, value)]
            for key, v in items:
                fact = readable(name) + (f": {key}" if key is not None else "")
                rows.append({"Statement": s.id, "Kind": readable(s.kind), "Fact": fact, "Value": _cell(v)})
    return pd.DataFrame(rows, columns=["Statement", "Kind", "Fact", "Value"])


def table_view(frame: pd.DataFrame, *, digits: int = 1, keep_index: bool = False):
    """``frame`` for display and pasting: no row index (``keep_index`` keeps a meaningful one as columns), columns
    named in words, months as "Jun 2023", numbers rounded to ``digits`` with thousands separators, and missing
    cells empty (never NaN or <NA>). A pandas Styler (notebooks show it as an HTML table)."""
    shown = frame.reset_index() if keep_index else frame.reset_index(drop=True)
    shown = shown.copy()
    for col in shown.columns:
        values = shown[col]
        if isinstance(values.dtype, pd.PeriodDtype):
            shown[col] = values.map(_cell)
        elif pd.api.types.is_bool_dtype(values.dtype) or values.dtype == object:
            shown[col] = values.map(_cell)
        elif isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(values.dtype):
            shown[col] = values.astype(object).map(_cell)
    shown.columns = [readable(c) if not isinstance(c, pd.Period) else c.strftime("%b %Y") for c in shown.columns]
    return shown.style.hide(axis="index").format(precision=digits, na_rep="", thousands=",")
