"""Render a Report as .docx (Word and WPS).

Styles come from templates/reference.docx, which the office may restyle in Word
without touching code (TIANPING_REPORT_DOCX_TEMPLATE points at another copy).
Runs carry no direct fonts, so the template's styles govern. Fonts follow the
official-document habit: 仿宋_GB2312 body, 黑体 headings, 宋体 title and tables;
each set in rPr with w:eastAsia so Word and WPS use it for Chinese, and the font
table names the common substitutes (仿宋, SimHei, SimSun) as w:altName.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from tianping.reports.document import (
    Chart,
    Heading,
    PageBreak,
    Paragraph,
    Report,
    Table,
    title_parts,
)

REFERENCE_DOCX = Path(__file__).parent / "templates" / "reference.docx"

# style name -> (east-Asian font, size pt, bold, alignment, first-line indent in chars)
STYLE_SPECS = {
    "Title": ("宋体", 18, True, WD_ALIGN_PARAGRAPH.CENTER, 0),      # 小二: a plan name fits one line
    "Subtitle": ("楷体_GB2312", 16, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Heading 1": ("黑体", 16, False, WD_ALIGN_PARAGRAPH.LEFT, 2),
    "Heading 2": ("黑体", 16, False, WD_ALIGN_PARAGRAPH.LEFT, 2),
    "Normal": ("仿宋_GB2312", 16, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Caption": ("黑体", 10.5, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Tianping Table Text": ("宋体", 10.5, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Tianping Note": ("楷体_GB2312", 12, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "Tianping Placeholder": ("楷体_GB2312", 16, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Tianping Warning": ("楷体_GB2312", 14, True, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Tianping Signature": ("仿宋_GB2312", 16, False, WD_ALIGN_PARAGRAPH.RIGHT, 0),
}
# What Word/WPS should use when the official font is not installed.
FONT_SUBSTITUTES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei", "宋体": "SimSun"}

PARAGRAPH_STYLE = {"body": "Normal", "lead": "Normal", "note": "Tianping Note",
                   "placeholder": "Tianping Placeholder", "warning": "Tianping Warning",
                   "signature": "Tianping Signature"}


def set_run_fonts(rpr_parent, east_asian: str, latin: str = "Times New Roman") -> None:
    """Set w:rFonts with ascii/hAnsi/eastAsia on a style's or run's rPr."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def ensure_styles(document, *, overwrite: bool = False) -> None:
    """Create (or, with ``overwrite``, reset) the styles the renderer uses."""
    styles = document.styles
    for name, (east_asian, size, bold, align, indent_chars) in STYLE_SPECS.items():
        exists = name in [s.name for s in styles]
        if exists and not overwrite:
            continue
        style = styles[name] if exists else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if not exists:
            style.base_style = styles["Normal"]
        font = style.font
        font.size = Pt(size)
        font.bold = bold
        font.italic = False
        font.color.rgb = RGBColor(0, 0, 0)
        set_run_fonts(style.element, east_asian)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(size * indent_chars)     # 0, not None: None inherits Normal's
        fmt.space_before = Pt(6 if name.startswith("Heading") else 0)
        fmt.space_after = Pt(6 if name in ("Title", "Subtitle") else 0)
        fmt.line_spacing = 1.5 if name == "Normal" else None
        drop_borders(style.element)
    add_font_substitutes(document)


def drop_borders(style_element) -> None:
    """python-docx's default Title has a blue rule under it; official titles do not."""
    ppr = style_element.find(qn("w:pPr"))
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if border is not None:
        ppr.remove(border)


def add_font_substitutes(document) -> None:
    """Name a substitute (w:altName) for each official font in the font table."""
    for rel in document.part.rels.values():
        if not rel.reltype.endswith("/fontTable"):
            continue
        part = rel.target_part
        root = parse_xml(part.blob)
        present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
        for name, alt in FONT_SUBSTITUTES.items():
            if name in present:
                continue
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            alt_name = OxmlElement("w:altName")
            alt_name.set(qn("w:val"), alt)
            charset = OxmlElement("w:charset")
            charset.set(qn("w:val"), "86")       # GB2312
            font.append(alt_name)
            font.append(charset)
            root.append(font)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def open_reference():
    path = Path(os.environ.get("TIANPING_REPORT_DOCX_TEMPLATE", REFERENCE_DOCX))
    document = Document(str(path)) if path.exists() else Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):       # keep page setup, drop sample content
            body.remove(child)
    ensure_styles(document)
    return document


def render_docx(report: Report, out: Path | str | io.BytesIO) -> None:
    document = open_reference()
    document.core_properties.title = report.title
    document.core_properties.author = "天平监测评估系统"
    # Style ids looked up once: python-docx scans every style on each assignment by name or object.
    style_ids = {s.name: s.style_id for s in document.styles}
    body = document._body

    def add(text: str, style: str):
        paragraph = body.add_paragraph(text)
        paragraph._p.style = style_ids[style]
        return paragraph

    title = add("", "Title")
    for index, part in enumerate(title_parts(report.title)):
        if index:
            title.add_run().add_break()
        title.add_run(part)
    if report.subtitle:
        add(report.subtitle, "Subtitle")
    for block in report.blocks:
        if isinstance(block, Heading):
            add(block.text, "Title" if block.level == 0 else f"Heading {min(block.level, 2)}")
        elif isinstance(block, Paragraph):
            add(block.text, PARAGRAPH_STYLE.get(block.style, "Normal"))
        elif isinstance(block, Table):
            if block.caption:
                add(block.caption, "Caption")
            add_table(document, block, style_ids)
        elif isinstance(block, Chart):
            document.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            add(block.caption, "Caption")
        elif isinstance(block, PageBreak):
            document.add_page_break()
    document.save(out)


def add_table(document, block: Table, style_ids: dict) -> None:
    n_columns = len(block.header)
    table = document.add_table(rows=len(block.rows) + 1, cols=n_columns)
    if "Table Grid" in style_ids:
        table._tbl.tblStyle_val = style_ids["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = column_widths(block)
    cells = table._cells                 # all cells in one pass; row.cells re-walks the grid each time
    text_style = style_ids["Tianping Table Text"]
    for index, (cell, text) in enumerate(zip(cells, [*block.header, *(c for r in block.rows for c in r)])):
        header, column = index < n_columns, index % n_columns
        is_name = column == 0 or block.header[column] in ("指标", "领域")
        fill_cell(cell, text, text_style, bold=header, align_left=is_name and not header)
        if widths:
            cell.width = widths[column]
    mark_header_row(table.rows[0])


def column_widths(block: Table):
    if not block.widths:
        return None
    total = sum(block.widths)
    return [Cm(15.5 * share / total) for share in block.widths]


def fill_cell(cell, text: str, style_id: str, *, bold: bool = False, align_left: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.style = style_id
    if align_left:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run = paragraph.add_run(text)
    run.bold = bold or None


def mark_header_row(row) -> None:
    """Repeat the header row on every page."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
