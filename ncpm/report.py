"""The quarterly NCPM report: one self-contained HTML file (and optionally Markdown) in the structure of a PCC's
NCPM appendix (Warwickshire PCC, Police and Crime Panel, 21 September 2023, Appendix B): a statement of contribution,
then "Performance <quarter>" with one section per NCPM priority (its measures, figures, generated statements and a
short data table), then the methods and sources used.

Pure: it takes results (statements, figure bytes, tables) and returns text; ``ncpm.batch`` writes the file.
Figures are embedded as base64 data URIs, so the HTML opens anywhere with no other files.

>>> r = QuarterlyReport(force="Warwickshire", quarter="Q1 2023/24", as_of="June 2023", items=(), methods={})
>>> "Reduce murder and other homicide" in render_html(r)
True
"""

from __future__ import annotations

import base64
import html
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ncpm.catalogue import priorities

_MIME = {"png": "image/png", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class Figure:
    caption: str
    data: bytes
    format: str = "png"


@dataclass(frozen=True)
class ReportItem:
    """One measure's block in the report."""

    priority: int
    title: str
    statements: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuarterlyReport:
    force: str
    quarter: str
    as_of: str
    items: tuple[ReportItem, ...]
    methods: dict[str, str]
    sources: tuple[str, ...] = ()
    disclosure: tuple[str, ...] = ()
    synthetic: bool = False
    generated_by: str = "ncpm"
    overview: pd.DataFrame | None = None  # one row per measure: the summary table by NCPM priority
    not_included: tuple[str, ...] = ()  # "Not in this report": what the data cannot support, each with its reason
    priority_notes: dict[int, tuple[str, ...]] | None = None  # per priority: its measures not in the data, and why


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;border-bottom:3px solid #0072B2;padding-bottom:.3rem}h2{font-size:1.3rem;margin-top:2rem}
h3{font-size:1.1rem;margin-top:1.5rem}figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9rem;color:#444}table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.banner{background:#fff4d6;border:1px solid #e69f00;padding:.5rem 1rem}.note{font-size:.85rem;color:#555}
.empty{color:#666;font-style:italic}
"""


def _figure_html(fig: Figure, number: int) -> str:
    uri = f"data:{_MIME.get(fig.format, 'image/png')};base64,{base64.b64encode(fig.data).decode('ascii')}"
    caption = html.escape(f"Figure {number} - {fig.caption}")
    return f'<figure><img src="{uri}" alt="{caption}"><figcaption>{caption}</figcaption></figure>'


def _table_html(table: pd.DataFrame) -> str:
    """A small table: numbers right-aligned with thousands separators (class "num"), text left-aligned, missing
    values blank. Short bracketed symbols such as the suppression marker "[c]" stand in for numbers, so they are
    aligned as numbers."""
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in table.columns)
    rows = []
    for row in table.itertuples(index=False):
        cells = []
        for v in row:
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                cells.append("<td></td>")
            elif isinstance(v, numbers.Number) and not isinstance(v, bool | np.bool_):
                cells.append(f'<td class="num">{v:,}</td>')
            elif isinstance(v, str) and len(v) <= 5 and v.startswith("[") and v.endswith("]"):
                cells.append(f'<td class="num">{e(v)}</td>')
            else:
                cells.append(f"<td>{e(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(report: QuarterlyReport) -> str:
    """The report as one self-contained HTML document."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en-GB"><head><meta charset="utf-8">',
             f"<title>{e(report.force)}: National Crime and Policing Measures {e(report.quarter)}</title>",
             f"<style>{_CSS}</style></head><body>",
             f"<h1>National Crime and Policing Measures<br>{e(report.quarter)}</h1>",
             f"<p><strong>{e(report.force)}</strong>. Data to {e(report.as_of)}.</p>"]
    if report.synthetic:
        parts.append('<p class="banner">Computed from the <strong>synthetic</strong> ncpm demo dataset: the figures '
                     "are illustrative and describe no real force.</p>")
    parts.append('<h2 id="contribution">1. Statement of Contribution</h2><p>The six priorities of the National Crime '
                 "and Policing Measures are:</p><ol>")
    parts += [f"<li>{e(text)}.</li>" for text in priorities().values()]
    parts.append(f'</ol><h2 id="overview">2. {e(report.force)} Overview</h2>')
    if report.overview is not None and len(report.overview):
        parts.append(_table_html(report.overview))
    if report.not_included:
        parts.append('<h3 id="not-in-report">Not in this report</h3><p>What the data supplied cannot support, '
                     "and what it would need:</p><ul>" + "".join(f"<li>{e(s)}</li>" for s in report.not_included)
                     + "</ul>")
    parts.append(f'<h2 id="performance">3. Performance {e(report.quarter)}</h2>')
    figure_number = 0
    for number, title in priorities().items():
        parts.append(f'<h3 id="priority-{number}">3.{number}. {e(title)}</h3>')
        items = [i for i in report.items if i.priority == number]
        if not items:
            parts.append('<p class="empty">No measure for this priority is in the data.</p>')
        left_out = (report.priority_notes or {}).get(number, ())
        if left_out:
            parts.append(f'<p class="note">Not in this report: {e("; ".join(left_out))}.</p>')
        for item in items:
            parts.append(f"<h4>{e(item.title)}</h4>")
            parts += [f"<p>{e(s)}</p>" for s in item.statements]
            for fig in item.figures:
                figure_number += 1
                parts.append(_figure_html(fig, figure_number))
            if item.table is not None and len(item.table):
                parts.append(_table_html(item.table))
            parts += [f'<p class="note">{e(n)}</p>' for n in item.notes]
    parts.append('<h2 id="methods">4. Methods and sources</h2><dl>')
    for key, value in report.methods.items():
        parts.append(f"<dt><strong>{e(key)}</strong></dt><dd>{e(value)}</dd>")
    parts.append("</dl>")
    if report.sources:
        parts.append("<h3>Data sources</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in report.sources) + "</ul>")
    if report.disclosure:
        parts.append("<h3>Disclosure control</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in report.disclosure)
                     + "</ul>")
    parts.append(f'<p class="note">Generated by {e(report.generated_by)}.</p></body></html>')
    return "\n".join(parts)


def render_markdown(report: QuarterlyReport, figure_paths: dict[str, str] | None = None) -> str:
    """The report as Markdown; figures link to ``figure_paths`` (caption -> relative path) when given."""
    lines = [f"# National Crime and Policing Measures {report.quarter}", "",
             f"**{report.force}**. Data to {report.as_of}.", ""]
    if report.synthetic:
        lines += ["> Computed from the **synthetic** ncpm demo dataset: illustrative figures only.", ""]
    lines += ["## 1. Statement of Contribution", ""]
    lines += [f"{n}. {t}." for n, t in priorities().items()] + ["", f"## 2. {report.force} Overview", ""]
    if report.overview is not None and len(report.overview):
        lines += [_markdown_table(report.overview), ""]
    if report.not_included:
        lines += ["### Not in this report", ""] + [f"- {s}" for s in report.not_included] + [""]
    lines += [f"## 3. Performance {report.quarter}", ""]
    for number, title in priorities().items():
        lines += [f"### 3.{number}. {title}", ""]
        left_out = (report.priority_notes or {}).get(number, ())
        if left_out:
            lines += [f"_Not in this report: {'; '.join(left_out)}._", ""]
        for item in (i for i in report.items if i.priority == number):
            lines += [f"#### {item.title}", ""] + [s + "\n" for s in item.statements]
            for fig in item.figures:
                if figure_paths and fig.caption in figure_paths:
                    lines += [f"![{fig.caption}]({figure_paths[fig.caption]})", ""]
            if item.table is not None and len(item.table):
                lines += [_markdown_table(item.table), ""]
            lines += [f"_{n}_\n" for n in item.notes]
    lines += ["## 4. Methods and sources", ""] + [f"- **{k}**: {v}" for k, v in report.methods.items()]
    lines += [""] + [f"- {s}" for s in report.sources]
    return "\n".join(lines) + "\n"


def _markdown_table(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    rows = ["| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows])
