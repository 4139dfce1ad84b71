"""The quarterly NCPM report as a Word document (issue 16), for Police and Crime Panel papers that are edited in Word.

The same report model and order as ``ncpm.words.report.render_html``: a title, the synthetic banner when the data are the
demo's, "1. Statement of Contribution", "2. <force> Overview" (the summary table and "Not in this report"),
"3. Performance <quarter>" with one section per NCPM priority (the Government's and the force's proxy measures, each
measure's statements, figures with their captions, its data table and notes, then the "OPCC Commentary", or its
placeholder in a draft), then "4. Methods and sources" with the data sources, disclosure control and provenance.

Everything stays editable: headings use Word's Heading 1-3 styles (so the navigation pane and a table of contents
work), statements are Normal paragraphs, tables are Word tables (header row repeated across pages), figures are inline
pictures at the text width with alt text, and captions are "Figure N - ..." in the Caption style with a SEQ field, as
Word's Insert Caption makes them. The page is A4 with 2.5 cm margins (a 16 cm text width).

Pure: it takes the report model and returns the bytes of the ``.docx``; the pipeline (``ncpm.pipeline``) writes the
file. The bytes depend only on the model: the package's zip entries carry a fixed timestamp, and the core properties'
created and modified dates are the model's generation date (left out when it has none), never the clock's.

Figures are embedded as the pipeline renders them for print (its ``PRINT_DPI`` at the text width, so their fonts print
at the sizes ``ncpm.words.plots`` states). The page's sizes are ``ncpm.words.page``'s; python-docx is imported where
the document is written, so importing this module loads no Word library.

>>> from ncpm.words.report import QuarterlyReport
>>> data = render_docx(QuarterlyReport(force="Warwickshire", quarter="Q1 2023/24", as_of="June 2023", items=(),
...                                    methods={}))
>>> data[:2] == b"PK" and data == render_docx(QuarterlyReport(force="Warwickshire", quarter="Q1 2023/24",
...                                                          as_of="June 2023", items=(), methods={}))
True
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pandas as pd

from ncpm.core.catalogue import priorities
from ncpm.words import tables
from ncpm.words.commentary import BOLD, HEADING, PLACEHOLDER, Block
from ncpm.words.page import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, TEXT_WIDTH, points
from ncpm.words.report import APPENDIX, Figure, QuarterlyReport
from ncpm.words.tables import Cell

FIGURE_WIDTH = TEXT_WIDTH  # 16 cm (6.3 in): a figure spans the text width
TABLE_FONT = points(8)  # the report's tables are six months by area: 8 pt keeps seven columns on a 16 cm line
NOTE_STYLE = "Note"  # a paragraph style of ncpm's own for notes under a measure, so Word users can restyle them all
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: the same bytes for the same report
BANNER = ("Computed from the synthetic ncpm demo dataset: the figures are illustrative and describe no real force.")
PICTURE_FORMATS = ("png",)  # what Word embeds from the report's figures; an SVG figure gets its caption and a note


def render_docx(report: QuarterlyReport) -> bytes:
    """The report as a Word document (``.docx`` bytes), in the order of ``render_html``."""
    from docx import Document

    doc = Document()
    _set_up(doc, report)
    doc.add_heading(f"National Crime and Policing Measures {report.quarter}", level=0)
    p = doc.add_paragraph()
    p.add_run(report.force).bold = True
    p.add_run(f". Data to {report.as_of}.")
    if report.synthetic:
        doc.add_paragraph(BANNER, style="Intense Quote")
    doc.add_heading("1. Statement of Contribution", level=1)
    doc.add_paragraph("The six priorities of the National Crime and Policing Measures are:")
    for number, text in priorities().items():
        doc.add_paragraph(f"{number}. {text}.", style="List Paragraph")
    doc.add_heading(f"2. {report.force} Overview", level=1)
    if report.overview is not None and len(report.overview):
        _table(doc, report.overview)
    if report.not_included:
        doc.add_heading("Not in this report", level=2)
        doc.add_paragraph("What the data supplied cannot support, and what it would need:")
        for line in report.not_included:
            doc.add_paragraph(line, style="List Bullet")
    doc.add_heading(f"3. Performance {report.quarter}", level=1)
    figure_number = 0
    for number, title in priorities().items():
        doc.add_heading(f"3.{number}. {title}", level=2)
        for intro, entries in report.measure_lists(number):
            doc.add_paragraph(intro).paragraph_format.keep_with_next = True
            for entry in entries:
                doc.add_paragraph(entry, style="List Paragraph")
        items = [i for i in report.items if i.priority == number]
        if not items:
            doc.add_paragraph().add_run("No measure for this priority is in the data.").italic = True
        left_out = (report.priority_notes or {}).get(number, ())
        if left_out:
            doc.add_paragraph(f"Not in this report: {'; '.join(left_out)}.", style=NOTE_STYLE)
        for item in items:
            doc.add_heading(item.title, level=3)
            for statement in item.statements:
                doc.add_paragraph(statement)
            for fig in item.figures:
                figure_number += 1
                _figure(doc, fig, figure_number)
            if item.table is not None and len(item.table):
                _table(doc, item.table)
            for note in item.notes:
                doc.add_paragraph(note, style=NOTE_STYLE)
        _commentary(doc, report, number)
    doc.add_heading("4. Methods and sources", level=1)
    for key, value in report.methods.items():
        p = doc.add_paragraph()
        p.add_run(str(key)).bold = True
        p.add_run(f": {value}")
    if report.sources:
        doc.add_heading("Data sources", level=2)
        for line in report.sources:
            doc.add_paragraph(line, style="List Bullet")
    if report.disclosure:
        doc.add_heading("Disclosure control", level=2)
        for line in report.disclosure:
            doc.add_paragraph(line, style="List Bullet")
    provenance = report.provenance()
    doc.add_heading("Provenance", level=2)
    for line in provenance:
        doc.add_paragraph(line, style="List Bullet")
    if report.appendix:
        doc.add_heading(APPENDIX, level=1)
        for fig in report.appendix:
            figure_number += 1
            _figure(doc, fig, figure_number)
    doc.add_paragraph(f"{provenance[0]}.", style=NOTE_STYLE)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_timestamps(buf.getvalue())


def _set_up(doc, report: QuarterlyReport) -> None:
    """A4 page, en-GB proofing, ncpm's note style, the synthetic banner in every page's header, core properties."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "en-GB")
    note = doc.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = doc.styles["Normal"]
    note.quick_style = True
    note.font.size = points(9)
    note.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    if report.synthetic:
        header = section.header.paragraphs[0]
        header.text = "Synthetic demo data: illustrative figures only"
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    props = doc.core_properties
    props.title = f"{report.force}: National Crime and Policing Measures {report.quarter}"
    props.subject = f"National Crime and Policing Measures, {report.force}, data to {report.as_of}"
    props.author = props.last_modified_by = report.generated_by
    props.keywords = "NCPM; National Crime and Policing Measures"
    props.language = "en-GB"
    props.revision = 1
    if report.generated_on:
        props.created = props.modified = datetime.datetime.fromisoformat(report.generated_on)
    else:
        for tag in ("dcterms:created", "dcterms:modified"):  # the template's 2013 dates: no date beats a wrong one
            for element in props._element.findall(qn(tag)):
                props._element.remove(element)


def _commentary(doc, report: QuarterlyReport, number: int) -> None:
    """The priority's "OPCC Commentary" (Heading 4): its paragraphs and lists, then each measure's under its label
    in bold; in a draft without commentary, the placeholder; in a final report without, nothing."""
    found = report.commentary_for(number)
    if found is None and report.final:
        return
    doc.add_heading(HEADING, level=4)
    if found is None:
        doc.add_paragraph().add_run(PLACEHOLDER).italic = True
        return
    own, by_measure = found
    _blocks(doc, own)
    for title, blocks in by_measure:
        p = doc.add_paragraph()
        p.paragraph_format.keep_with_next = True
        p.add_run(title).bold = True
        _blocks(doc, blocks)


def _blocks(doc, blocks: tuple[Block, ...]) -> None:
    for b in blocks:
        if b.kind == "p":
            _inline(doc.add_paragraph(), b.text)
        else:
            for item in b.items:
                _inline(doc.add_paragraph(style="List Bullet" if b.kind == "ul" else "List Number"), item)


def _inline(paragraph, text: str) -> None:
    """Runs of the text, **bold** ones bold."""
    for i, part in enumerate(BOLD.split(text)):
        if part:
            paragraph.add_run(part).bold = bool(i % 2) or None


def _figure(doc, fig: Figure, number: int) -> None:
    """The picture at the text width (its print-resolution PNG when it has one; alt text = its caption), kept on the
    page of its caption, then the caption
    "Figure N - ..." with a SEQ field so Word renumbers figures that an editor adds."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    caption = f"Figure {number} - {fig.caption}"
    picture = fig.print_data or (fig.data if fig.format in PICTURE_FORMATS else None)
    if picture:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        shape = p.add_run().add_picture(io.BytesIO(picture), width=FIGURE_WIDTH)
        shape._inline.docPr.set("descr", caption)
    else:
        doc.add_paragraph(f"This figure is in {fig.format.upper()}, which the Word report does not embed: "
                          "see the report's figures folder.", style=NOTE_STYLE).paragraph_format.keep_with_next = True
    p = doc.add_paragraph(style="Caption")
    p.add_run("Figure ")
    _field(p, "SEQ Figure \\* ARABIC", str(number))
    p.add_run(f" - {fig.caption}")


def _field(paragraph, instruction: str, result: str) -> None:
    """A Word field (begin, instruction, separate, its current result, end), so the text reads as the result."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(result)
    char("end")


def _table(doc, frame: pd.DataFrame) -> None:
    """A Word table, its cells by :mod:`ncpm.words.tables`' rules: headings bold in a header row repeated at the top
    of each page, numbers aligned right."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement

    table = doc.add_table(rows=1, cols=len(frame.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for word_cell, cell in zip(header.cells, tables.header(frame), strict=True):
        _cell(word_cell, cell)
    for row in tables.rows(frame):
        for word_cell, cell in zip(table.add_row().cells, row, strict=True):
            _cell(word_cell, cell)
    doc.add_paragraph()  # Word joins two tables that touch; a paragraph keeps the next block apart


def _cell(word_cell, cell: Cell) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = word_cell.paragraphs[0]
    run = p.add_run(cell.text)
    run.font.size = TABLE_FONT
    run.bold = cell.heading or None
    if cell.numeric:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _fixed_timestamps(data: bytes) -> bytes:
    """The same package with every zip entry dated ``ZIP_TIMESTAMP`` (python-docx stamps the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
