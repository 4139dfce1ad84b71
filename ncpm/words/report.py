"""The quarterly NCPM report: one self-contained HTML file (and optionally Markdown) in the structure of a PCC's
NCPM appendix (Warwickshire PCC, Police and Crime Panel, 21 September 2023, Appendix B): a statement of contribution,
then "Performance <quarter>" with one section per NCPM priority (the Government's measures, the force's proxy
measures, then each measure's generated statements, figures and short data table, then the "OPCC Commentary"), then
the methods, sources and provenance (ncpm version, generation date, data-to month, configuration hash).

Pure: it takes results (statements, figure bytes, tables, the parsed commentary, the generation date as text) and
returns text; ``ncpm.pipeline.batch`` writes the file and reads the clock. Figures are embedded as base64 data URIs, so the
HTML opens anywhere with no other files. Every text is escaped: HTML-escaped in the HTML, Markdown-escaped
(:func:`md_escape`) in the Markdown, so an area named ``<script>`` or ``North | South`` prints as written.

>>> r = QuarterlyReport(force="Warwickshire", quarter="Q1 2023/24", as_of="June 2023", items=(), methods={})
>>> "Reduce murder and other homicide" in render_html(r)
True
"""

from __future__ import annotations

import base64
import datetime
import html
import re
from dataclasses import dataclass

import pandas as pd

from ncpm.core.catalogue import government_measures, priorities, proxy_label, proxy_measures
from ncpm.words import tables
from ncpm.words.commentary import BOLD, HEADING, PLACEHOLDER, Block, Commentary
from ncpm.words.tables import Cell

METHODS_DOCUMENT = "docs/methods.md"  # ncpm's statement of every method, in the repository of the version named

_MIME = {"png": "image/png", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class Figure:
    caption: str
    data: bytes  # as the HTML shows it (``format``)
    format: str = "png"
    print_data: bytes | None = None  # the same figure as a PNG at print resolution, for Word (else ``data``)


@dataclass(frozen=True)
class ReportItem:
    """One measure's block in the report."""

    priority: int
    title: str
    statements: tuple[str, ...] = ()
    measure: str = ""  # the catalogue id
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
    government_measures: dict[int, tuple[str, ...]] | None = None  # per priority; None: the catalogue's
    proxy_measures: dict[int, tuple[str, ...]] | None = None  # per priority, ids or words; None: the catalogue's
    commentary: Commentary | None = None  # the OPCC's commentary (ncpm.words.commentary); None: none written yet
    final: bool = False  # a final report: missing commentary is left out, not marked with PLACEHOLDER
    generated_on: str = ""  # the date the report was generated, ISO ("2026-12-01"), from the run
    ncpm_version: str = ""
    config_hash: str = ""  # sha256 of the run's configuration, as the manifest gives it
    appendix: tuple[Figure, ...] = ()  # figures not in their measure's section ([report] other_figures), at the end

    def measure_lists(self, number: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The priority's measures as a PCC's NCPM appendix lists them, each list an introduction and its lettered
        entries ("a) Knife crime."): the Government's measures, then the force's proxy measures (ids by their
        labels); a list with no entry is left out. The HTML, Markdown and Word renderings all print these."""
        national = (self.government_measures if self.government_measures is not None
                    else government_measures()).get(number, ())
        chosen = self.proxy_measures if self.proxy_measures is not None else proxy_measures()
        proxies = tuple(proxy_label(p) for p in chosen.get(number, ()))
        return tuple((intro, tuple(f"{LETTERS[i % len(LETTERS)]}) {text}." for i, text in enumerate(entries)))
                     for intro, entries in ((GOVERNMENT_INTRO, national), (PROXY_INTRO, proxies)) if entries)

    def commentary_for(self, number: int):
        """(the priority's blocks, ((measure label, blocks), ...)), or None when there is none: a draft then shows
        PLACEHOLDER, a final report nothing."""
        own, by_measure = self.commentary.for_priority(number) if self.commentary else ((), ())
        return (own, by_measure) if own or by_measure else None

    def provenance(self) -> tuple[str, ...]:
        """What made the report: generation date and ncpm version, the data-to month, the configuration's hash."""
        made = " ".join(x for x in (self.generated_by, self.ncpm_version) if x)
        lines = [f"Generated by {made}" + (f" on {long_date(self.generated_on)}" if self.generated_on else ""),
                 f"Data to {self.as_of}"]
        if self.config_hash:
            lines.append(f"Configuration sha256 {self.config_hash}")
        lines.append(f"Methods as defined in ncpm's methods document, {METHODS_DOCUMENT}"
                     + (f", of ncpm {self.ncpm_version}" if self.ncpm_version else ""))
        return tuple(lines)


def long_date(iso: str) -> str:
    """An ISO date as the report writes it.

    >>> long_date("2026-12-01")
    '1 December 2026'
    """
    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


APPENDIX = "Appendix: further figures"
LETTERS = "abcdefghijklmnopqrstuvwxyz"  # the seed letters a priority's measures: a), b), c)
GOVERNMENT_INTRO = "The Govt. measures are:"
PROXY_INTRO = "The force's proxy measures are:"


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;border-bottom:3px solid #0072B2;padding-bottom:.3rem}h2{font-size:1.3rem;margin-top:2rem}
h3{font-size:1.1rem;margin-top:1.5rem}figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9rem;color:#444}table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.banner{background:#fff4d6;border:1px solid #e69f00;padding:.5rem 1rem}.note{font-size:.85rem;color:#555}
.empty{color:#666;font-style:italic}.placeholder{background:#fff4d6;font-style:italic}
ul.measures{list-style:none;padding-left:1rem}h4.commentary{border-top:1px solid #ccc;padding-top:.5rem}
"""


def _figure_html(fig: Figure, number: int) -> str:
    uri = f"data:{_MIME.get(fig.format, 'image/png')};base64,{base64.b64encode(fig.data).decode('ascii')}"
    caption = html.escape(f"Figure {number} - {fig.caption}")
    return f'<figure><img src="{uri}" alt="{caption}"><figcaption>{caption}</figcaption></figure>'


def _cell_html(cell: Cell) -> str:
    tag = "th" if cell.heading else "td"
    align = ' class="num"' if cell.numeric else ""
    return f"<{tag}{align}>{html.escape(cell.text)}</{tag}>"


def _table_html(table: pd.DataFrame) -> str:
    """A small table, its cells by :mod:`ncpm.words.tables`' rules; a number's cell has the class "num" (aligned
    right)."""
    head = "".join(map(_cell_html, tables.header(table)))
    body = "".join("<tr>" + "".join(map(_cell_html, row)) + "</tr>" for row in tables.rows(table))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _inline_html(text: str) -> str:
    """Escaped text with the commentary's one inline mark, **bold**, as <strong>."""
    parts = BOLD.split(text)
    return "".join(f"<strong>{html.escape(t)}</strong>" if i % 2 else html.escape(t) for i, t in enumerate(parts))


def _blocks_html(blocks: tuple[Block, ...]) -> str:
    out = []
    for b in blocks:
        if b.kind == "p":
            out.append(f"<p>{_inline_html(b.text)}</p>")
        else:
            out.append(f"<{b.kind}>" + "".join(f"<li>{_inline_html(i)}</li>" for i in b.items) + f"</{b.kind}>")
    return "".join(out)


def _measure_lists_html(report: QuarterlyReport, number: int) -> str:
    e = html.escape
    return "".join(f'<p class="lists">{e(intro)}</p><ul class="measures">'
                   + "".join(f"<li>{e(entry)}</li>" for entry in entries) + "</ul>"
                   for intro, entries in report.measure_lists(number))


def _commentary_html(report: QuarterlyReport, number: int) -> str:
    found = report.commentary_for(number)
    if found is None:
        return "" if report.final else (f'<h4 class="commentary">{HEADING}</h4>'
                                        f'<p class="placeholder">{html.escape(PLACEHOLDER)}</p>')
    own, by_measure = found
    parts = [f'<h4 class="commentary">{HEADING}</h4>', _blocks_html(own)]
    for title, blocks in by_measure:
        parts.append(f"<h5>{html.escape(title)}</h5>{_blocks_html(blocks)}")
    return "".join(parts)


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
        parts.append(_measure_lists_html(report, number))
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
        parts.append(_commentary_html(report, number))
    parts.append('<h2 id="methods">4. Methods and sources</h2><dl>')
    for key, value in report.methods.items():
        parts.append(f"<dt><strong>{e(key)}</strong></dt><dd>{e(value)}</dd>")
    parts.append("</dl>")
    if report.sources:
        parts.append("<h3>Data sources</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in report.sources) + "</ul>")
    if report.disclosure:
        parts.append("<h3>Disclosure control</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in report.disclosure)
                     + "</ul>")
    provenance = report.provenance()
    parts.append('<h3 id="provenance">Provenance</h3><ul>' + "".join(f"<li>{e(s)}</li>" for s in provenance)
                 + "</ul>")
    if report.appendix:
        parts.append(f'<h2 id="appendix">{APPENDIX}</h2>')
        for fig in report.appendix:
            figure_number += 1
            parts.append(_figure_html(fig, figure_number))
    parts.append(f'<p class="note">{e(provenance[0])}.</p></body></html>')
    return "\n".join(parts)


def render_markdown(report: QuarterlyReport, figure_paths: dict[str, str] | None = None) -> str:
    """The report as Markdown; figures link to ``figure_paths`` (caption -> relative path) when given. Every text
    from the model is escaped (:func:`md_escape`); table cells escape ``|`` too."""
    m = md_escape
    lines = [f"# National Crime and Policing Measures {m(report.quarter)}", "",
             f"**{m(report.force)}**. Data to {m(report.as_of)}.", ""]
    if report.synthetic:
        lines += ["> Computed from the **synthetic** ncpm demo dataset: illustrative figures only.", ""]
    lines += ["## 1. Statement of Contribution", ""]
    lines += [f"{n}. {m(t)}." for n, t in priorities().items()] + ["", f"## 2. {m(report.force)} Overview", ""]
    if report.overview is not None and len(report.overview):
        lines += [_markdown_table(report.overview), ""]
    if report.not_included:
        lines += ["### Not in this report", ""] + [f"- {m(s)}" for s in report.not_included] + [""]
    lines += [f"## 3. Performance {m(report.quarter)}", ""]
    for number, title in priorities().items():
        lines += [f"### 3.{number}. {m(title)}", ""]
        for intro, entries in report.measure_lists(number):
            lines += [m(intro), ""] + [f"- {m(entry)}" for entry in entries] + [""]
        left_out = (report.priority_notes or {}).get(number, ())
        if left_out:
            lines += [f"_Not in this report: {m('; '.join(left_out))}._", ""]
        for item in (i for i in report.items if i.priority == number):
            lines += [f"#### {m(item.title)}", ""] + [m(s) + "\n" for s in item.statements]
            for fig in item.figures:
                if figure_paths and fig.caption in figure_paths:
                    lines += [f"![{m(fig.caption)}]({figure_paths[fig.caption]})", ""]
            if item.table is not None and len(item.table):
                lines += [_markdown_table(item.table), ""]
            lines += [f"_{m(n)}_\n" for n in item.notes]
        found = report.commentary_for(number)
        if found is not None:
            own, by_measure = found
            lines += [f"#### {HEADING}", ""] + _blocks_markdown(own)
            for title, blocks in by_measure:
                lines += [f"**{m(title)}**", ""] + _blocks_markdown(blocks)
        elif not report.final:
            lines += [f"#### {HEADING}", "", f"_{m(PLACEHOLDER)}_", ""]
    lines += ["## 4. Methods and sources", ""] + [f"- **{m(k)}**: {m(v)}" for k, v in report.methods.items()]
    if report.sources:
        lines += ["", "### Data sources", ""] + [f"- {m(s)}" for s in report.sources]
    if report.disclosure:
        lines += ["", "### Disclosure control", ""] + [f"- {m(s)}" for s in report.disclosure]
    lines += ["", "### Provenance", ""] + [f"- {m(s)}" for s in report.provenance()]
    if report.appendix:
        lines += ["", f"## {APPENDIX}", ""]
        for fig in report.appendix:
            if figure_paths and fig.caption in figure_paths:
                lines += [f"![{m(fig.caption)}]({figure_paths[fig.caption]})", ""]
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")  # characters Markdown (CommonMark, GFM) or HTML read
_MD_LINE_START = re.compile(r"^(\s*(?:\d+(?=[.)]))?)([-+=.)])")  # a list marker, a setext rule: "1." -> "1\."


def md_escape(text: object, line_start: bool = True) -> str:
    r"""Text as Markdown that prints it as written: backslash before each character Markdown or HTML would read
    (``<`` ``>`` ``&`` ``|`` ``*`` ``_`` ``#`` ...), before a leading ``-``, ``+``, ``=`` or list number, and line
    breaks as spaces (one line stays one line, one table cell one cell).

    >>> print(md_escape("<script>alert(1)</script> | North_East"))
    \<script\>alert(1)\</script\> \| North\_East
    >>> print(md_escape("- 1. #3"), md_escape("2023. Then"), md_escape("+ x", line_start=False))
    \- 1. \#3 2023\. Then + x
    """
    text = _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))
    return _MD_LINE_START.sub(r"\1\\\2", text) if line_start else text


def _inline_markdown(text: str) -> str:
    parts = BOLD.split(text)
    return "".join(f"**{md_escape(t, False)}**" if i % 2 else md_escape(t, i == 0) for i, t in enumerate(parts))


def _blocks_markdown(blocks: tuple[Block, ...]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind == "p":
            out += [_inline_markdown(b.text), ""]
        else:
            out += [f"{f'{i}.' if b.kind == 'ol' else '-'} {_inline_markdown(t)}" for i, t in enumerate(b.items, 1)]
            out.append("")
    return out


def _markdown_table(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(md_escape(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    rows = ["| " + " | ".join("" if tables.missing(v) else md_escape(v) for v in row) + " |"
            for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows])
