"""The quarterly report assembled from one force's computed quarter: its figures drawn once and saved in each
format, the "Data sources" list, the short data tables by area after disclosure control, the OPCC commentary read,
and the report's model (:class:`ncpm.words.report.QuarterlyReport`) that the HTML, Markdown and Word writers render.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ncpm import __version__
from ncpm import quarter as q
from ncpm.core import schema
from ncpm.core.catalogue import label as catalogue_label
from ncpm.core.catalogue import measure as catalogue_measure
from ncpm.core.catalogue import proxy_measures
from ncpm.core.errors import InputError
from ncpm.methods.disclosure import FLAG, DisclosurePolicy, protect
from ncpm.pipeline.project import DEMO_SOURCE, reads_demo
from ncpm.words import report
from ncpm.words.commentary import parse_commentary
from ncpm.words.plots import FIGSIZE
from ncpm.words.report_docx import FIGURE_WIDTH

SCREEN_DPI = 140  # the HTML's and figures folder's PNGs: 882 px at the print width, as wide as before (8 in at 110)
PRINT_DPI = 300  # the Word report's PNGs: print resolution at the 16 cm text width
TABLE_MONTHS = 6  # the report's short data tables: the last six months

SOURCE_NAMES = {  # how the report's "Data sources" list names each kind of input
    "volumes": "Police recorded crime, monthly counts by force and local policing area",
    "outcomes": "Crime outcomes (Home Office outcome types), monthly",
    "survey": "Victim satisfaction survey responses, monthly",
    "population": "Mid-year population estimates (ONS)",
    "msg": "Most Similar Groups membership",
    "quarterly": "Police recorded crime, quarterly",
    "period_counts": "Counts over periods",
}
PUBLISHERS = {  # who publishes each reader's format, for the report's "Data sources"
    "police_uk": "data.police.uk (Home Office)",
    "home_office": "Home Office",
    "ons_pfa_table": "Office for National Statistics",
    "extract": "the force (extract)",
}
FORMAT_SOURCES = {  # how figure footnotes name the source of the monthly volumes, by reader format
    "police_uk": "data.police.uk street-level crime",
    "extract": "force extract",
    "home_office": "Home Office police recorded crime open data",
    "ons_pfa_table": "ONS police force area tables",
}


def render_figure(draw, formats: Iterable[str] = ("png",)) -> dict[str, bytes]:
    """One figure drawn once, at the Word report's text width (``report_docx.FIGURE_WIDTH``, 16 cm, in the aspect
    of ``plots.FIGSIZE``) so that its fonts print at the sizes ``plots.FONT`` states, then saved in each format:
    "png" at ``SCREEN_DPI`` (the HTML and the figures folder), "svg", and "print", a PNG at ``PRINT_DPI`` for Word.

    Drawing (the plotting code) runs once; each format is a save of the same figure. No date or software metadata:
    the same figure gives the same bytes.
    """
    from matplotlib.figure import Figure  # matplotlib only when a figure is drawn

    width = FIGURE_WIDTH.inches
    fig = Figure(figsize=(width, width * FIGSIZE[1] / FIGSIZE[0]), dpi=SCREEN_DPI)
    ax = fig.add_subplot()
    draw(ax)
    fig.tight_layout()
    out = {}
    for fmt in dict.fromkeys([*formats, "print"]):
        buf = io.BytesIO()
        kind = "png" if fmt == "print" else fmt
        fig.savefig(buf, format=kind, dpi=PRINT_DPI if fmt == "print" else SCREEN_DPI,
                    metadata={"Software": None} if kind == "png" else {"Date": None})
        out[fmt] = buf.getvalue()
    return out


def render_figures(res, policy=None, formats: Iterable[str] = ("png",)) -> dict[str, tuple[object, dict[str, bytes]]]:
    """The quarter's figures (``quarter.quarter_figures``, in report order) rendered: name -> (the
    ``QuarterFigure``: caption, measure, placement; format -> bytes)."""
    return {name: (fig, render_figure(fig[1], formats)) for name, fig in q.quarter_figures(res, policy).items()}


def data_sources(frames: dict[str, pd.DataFrame], accounting: list[dict]) -> dict[str, dict]:
    """Each kind of input with its files, publishers, rows loaded and the period it covers (first and last month, or
    year for population; the versions for MSG membership), for the manifest and the report's "Data sources".

    Files are named by their names (an archive's member with its archive's): never by a local path, which the
    report would publish, and the same wherever the project folder is.

    >>> v = pd.DataFrame({"force": "F", "area": "Force", "measure": "homicide",
    ...                   "month": pd.PeriodIndex(["2023-01", "2023-06"], freq="M"), "count": [1, 0]})
    >>> data_sources({"volumes": v}, [])["volumes"]["last"]
    '2023-06'
    """
    out: dict[str, dict] = {}
    for kind, frame in sorted(frames.items()):
        spec = schema.SPECS.get(kind)
        mine = [a for a in accounting if a["kind"] == kind]
        files = [file_name(a["file"]) for a in mine]
        publishers = list(dict.fromkeys(PUBLISHERS.get(a.get("format", ""), a.get("format", "")) for a in mine))
        entry: dict = {"name": SOURCE_NAMES.get(kind, kind), "files": files,
                       "publishers": [p for p in publishers if p], "rows": len(frame)}
        if spec is not None and spec.months and len(frame):
            months = pd.PeriodIndex(frame[spec.months[0]], freq="M")
            entry |= {"first": str(months.min()), "last": str(months.max())}
        elif kind == "population" and len(frame):
            entry |= {"first": str(int(frame[schema.YEAR].min())), "last": str(int(frame[schema.YEAR].max()))}
        if kind == "msg" and len(frame):
            entry["versions"] = sorted(map(str, frame[schema.VERSION].unique()))
        out[kind] = entry
    return out


def file_name(file: str) -> str:
    """A data file as the report names it: its name (an archive member "<archive>.zip/<member>" keeps both).

    >>> file_name("/home/analyst/ncpm/raw/volumes.csv"), file_name("/data/police-uk.zip/2023-06/x-street.csv")
    ('volumes.csv', 'police-uk.zip/2023-06/x-street.csv')
    """
    parts = Path(file).parts
    archive = next((i for i, part in enumerate(parts) if part.lower().endswith(".zip")), None)
    return "/".join(parts[archive:]) if archive is not None else Path(file).name


def source_lines(sources: dict[str, dict], msg_version: str | None, demo: bool = False) -> tuple[str, ...]:
    """The report's "Data sources" list: one line per kind of input, its period, its files (by name, never a local
    path) and who publishes them (the demo's: ncpm's synthetic dataset)."""
    lines = []
    for entry in sources.values():
        period = ""
        if "first" in entry:
            period = f", {entry['first']} to {entry['last']}" if entry["first"] != entry["last"] else f", {entry['first']}"
        if entry.get("versions"):
            period += f", version {msg_version or ', '.join(entry['versions'])}"
        files = "; ".join(file_name(f) for f in entry["files"])
        publishers = [DEMO_SOURCE] if demo else entry.get("publishers", [])
        by = f"; published by {', '.join(publishers)}" if publishers else ""
        lines.append(f"{entry['name']}{period} ({entry['rows']:,} rows{': ' + files if files else ''}{by})")
    return tuple(lines)


def source_label(results: Iterable) -> str:
    """The source figure footnotes name for the monthly volumes read (``LoadResult`` objects or the manifest's
    accounting records): "data.police.uk street-level crime", "force extract", or both joined; "" when none.

    >>> source_label([{"kind": "volumes", "format": "police_uk"}])
    'data.police.uk street-level crime'
    """
    formats = []
    for r in results:
        kind, fmt = (r["kind"], r["format"]) if isinstance(r, dict) else (r.kind, r.format)
        if kind == "volumes" and fmt not in formats:
            formats.append(fmt)
    return " and ".join(FORMAT_SOURCES.get(f, f) for f in formats)


def run_source_label(cfg, accounting: Iterable = ()) -> str:
    """The data source for a run's figure footnotes: the demo's label, else the readers' sources of the volumes
    (:func:`source_label`)."""
    return DEMO_SOURCE if reads_demo(cfg) else source_label(accounting)


def config_hash(cfg) -> str:
    """sha256 of the configuration as the manifest records it (``Config.as_dict``, keys sorted), for provenance."""
    text = json.dumps(cfg.as_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def disclosure_policy(cfg=None) -> DisclosurePolicy:
    """The disclosure policy for published tables: ``cfg.disclosure`` when the configuration has that section,
    otherwise :class:`ncpm.methods.disclosure.DisclosurePolicy` defaults (counts 1 to 4 below force level suppressed), with
    the local areas named "LPA" in the report's sentences."""
    section = getattr(cfg, "disclosure", None)
    if section is None:
        return DisclosurePolicy(area_level="LPA")
    known = {f.name for f in dataclasses.fields(DisclosurePolicy)}
    values = {k: v for k, v in dataclasses.asdict(section).items() if k in known}
    return DisclosurePolicy(**({"area_level": "LPA"} | values))


def read_commentary(cfg):
    """The OPCC commentary file ``[report] commentary`` names (relative to the configuration file), parsed
    (:func:`ncpm.words.commentary.parse_commentary`; its warnings name the file and line); None when none is configured.
    A configured file that is missing or unreadable is an :class:`InputError` naming the key and the file."""
    if not cfg.report.commentary:
        return None
    path = cfg.path(cfg.report.commentary)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{cfg.source}: report.commentary: no such file {path} (write one with  ncpm commentary "
                         f"--out {cfg.report.commentary})", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8",
                         file=str(path)) from None
    return parse_commentary(text, cfg.report.commentary)


def statement_records(statements) -> list[dict]:
    """The statements as ``statements.json`` holds them: each statement's record, its facts as JSON values."""
    return [{**{k: (str(v) if isinstance(v, pd.Period) else v) for k, v in s.as_record().items()
                if not k.startswith("fact_")}, "facts": {k: _jsonable(v) for k, v in s.facts.items()}}
            for s in statements]


def _jsonable(value):
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def report_model(res, cfg, *, figures: dict | None = None, sources: dict | None = None,
                 msg_version: str | None = None, policy=None, commentary=None, generated_on: str = "",
                 summary_table: pd.DataFrame | None = None):
    """The quarterly report's model (:class:`ncpm.words.report.QuarterlyReport`) for one force's computed quarter
    (``res``, its statements made), ready for ``render_html``, ``render_markdown`` and ``render_docx``.

    ``figures``: :func:`render_figures`'s output (default: rendered here, PNG); ``sources``: :func:`data_sources`;
    ``policy``: disclosure control (default: ``cfg``'s); ``commentary``: :func:`read_commentary`'s (default: read
    from ``cfg``); ``generated_on``: the ISO date the report states it was generated. ``cfg.report`` gives the
    proxy measures and whether the report is final.

    >>> doc = report_model(res, demo_config(), generated_on="2026-12-01")  # doctest: +SKIP
    >>> render_docx(dataclasses.replace(doc, final=True))  # doctest: +SKIP
    """
    policy = policy if policy is not None else disclosure_policy(cfg)
    figures = figures if figures is not None else render_figures(res, policy)
    commentary = commentary if commentary is not None else read_commentary(cfg)
    summary_table = summary_table if summary_table is not None else q.summary_table(res)
    by_measure: dict[str, list[str]] = {}
    for s in res.statements:
        by_measure.setdefault(s.measure, []).append(s.text)
    tables, disclosure_sentences = measure_tables(res, policy)
    if any(name.endswith("_lpa") for name in figures):
        disclosure_sentences.append("The charts by Local Policing Area apply the same control: "
                                    + ("their LPA counts are rounded." if policy.method == "round" else
                                       "a suppressed month is a gap in its line, counted in the chart's note."))
    shown = next((f for f in cfg.output.figure_formats if f in ("png", "svg")), "png")

    def model_figure(fig, files) -> report.Figure:
        fmt = shown if shown in files else "png"
        return report.Figure(fig[0], files.get(fmt) or render_figure(fig[1])["png"], fmt,
                             print_data=files.get("print"))

    def placement(name: str, fig) -> tuple[str, str]:
        return getattr(fig, "measure", name.rsplit("_", 1)[0]), getattr(fig, "placement", "report")

    items = []
    for measure in q.report_measures(res):  # every measure with a row in the summary table or a statement
        figs = tuple(model_figure(fig, files) for name, (fig, files) in figures.items()
                     if placement(name, fig) == (measure, "report"))
        notes = tuple(f"Not in this report: {o.text}." for o in q.measure_omissions(res, measure))
        items.append(report.ReportItem(priority=catalogue_measure(measure).priority,
                                       title=catalogue_label(measure, capital=True), measure=measure,
                                       statements=tuple(by_measure.get(measure, ())), figures=figs,
                                       table=tables.get(measure), notes=notes))
    methods = res.options.describe()
    if msg_version:
        methods["MSG version"] = msg_version
    synthetic = any("demo" in str(s) for s in cfg.inputs.paths)
    return report.QuarterlyReport(
        force=res.force, quarter=str(res.quarter), as_of=res.month.strftime("%B %Y"), items=tuple(items),
        methods=methods, sources=source_lines(sources or {}, msg_version, demo=synthetic),
        disclosure=tuple(disclosure_sentences), synthetic=synthetic, overview=summary_table,
        not_included=tuple(q.omission_lines(res)), priority_notes=q.priority_omissions(res),
        proxy_measures=proxy_measures(cfg.report.proxy_measures), commentary=commentary, final=cfg.report.final,
        generated_on=generated_on, ncpm_version=__version__, config_hash=config_hash(cfg),
        appendix=tuple(model_figure(fig, files) for name, (fig, files) in figures.items()
                       if placement(name, fig)[1] == "appendix"))


def measure_tables(res, policy) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The report's short data tables: for each measure, the last six months' counts by area (force first), after
    disclosure control (:func:`ncpm.methods.disclosure.protect`; suppressed cells shown as the policy's marker), and the
    sentences saying what was suppressed and why.

    The counts of every measure are protected together (cells are grouped by force, measure and month), so the
    sentences cover every table in the report.
    """
    b = res.tables.get("baseline")
    if b is None or b.empty:
        return {}, []
    cells = b.loc[b[schema.MONTH] > res.month - TABLE_MONTHS,
                  [schema.FORCE, schema.AREA, schema.MEASURE, schema.MONTH, schema.COUNT]].reset_index(drop=True)
    if cells.empty:
        return {}, []
    protected = protect(cells, policy, derived=())
    shown = protected.frame
    text = shown[schema.COUNT].astype("object").where(shown[schema.COUNT].notna(), policy.marker)
    text = text.where(~shown[FLAG].astype(str).isin(schema.SUPPRESSED), policy.marker)
    shown = shown.assign(**{schema.COUNT: text.map(lambda v: v if isinstance(v, str) else int(v))})
    tables = {}
    for measure, rows in shown.groupby(schema.MEASURE, sort=False):
        wide = rows.pivot(index=schema.AREA, columns=schema.MONTH, values=schema.COUNT)
        wide = wide[sorted(wide.columns)]
        wide.columns = [m.strftime("%b %Y") for m in wide.columns]
        order = [schema.WHOLE_FORCE] + sorted(a for a in wide.index if a != schema.WHOLE_FORCE)
        wide = wide.reindex([a for a in order if a in wide.index])
        cells = wide.to_numpy(dtype=object, copy=True)  # blank where an area has no count that month (no fillna downcasting)
        cells[pd.isna(cells)] = ""
        wide = pd.DataFrame(cells, index=wide.index, columns=wide.columns)
        tables[measure] = wide.reset_index().rename(columns={schema.AREA: "Area"})
    return tables, protected.summary()
