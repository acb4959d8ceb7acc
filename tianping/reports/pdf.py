"""Render a Report as PDF with the Chinese fonts embedded (subset) in the file.

fpdf2 embeds the packaged Noto Serif SC (body, 宋体-like) and Noto Sans SC
(headings, 黑体-like); both are CFF OpenType, which fpdf2 subsets and embeds as
CIDFontType0C, so the PDF reads the same on any machine.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace, TTFFont

from tianping.reports.document import (
    Chart,
    Heading,
    PageBreak,
    Paragraph,
    Report,
    Table,
    title_parts,
)
from tianping.reports.fonts import cjk_font_file

INDENT = "\u3000\u3000"        # two ideographic spaces: the Chinese first-line indent
BODY_PT, LINE_MM = 12, 7.2
CELL_PADDING = 1.2
NAME_COLUMNS = {"指标", "领域"}
HEADING_PT = {0: 18, 1: 15, 2: 13}


class ReportPDF(FPDF):
    def __init__(self, report: Report):
        super().__init__(format="A4", unit="mm")
        self.report = report
        self.set_margins(25, 25, 25)
        self.set_auto_page_break(True, margin=22)
        for style in ("serif", "sans"):
            font = cjk_font_file(style)
            self.add_font(style, fname=str(font.path), collection_font_number=font.index)
        for added in self.fonts.values():
            # The subset keeps the full font's bounding box (still a valid bound), which spares
            # fontTools drawing every kept glyph on save: a third of the PDF's time.
            if isinstance(added, TTFFont):   # so far only the two fonts just added
                added.ttfont.recalcBBoxes = False
        self.set_title(report.title)
        self.set_creator("天平监测评估系统")

    def footer(self):
        self.set_y(-15)
        self.set_font("serif", size=9)
        self.cell(0, 6, f"— {self.page_no()} —", align="C")


def render_pdf(report: Report, out: Path | str | io.BytesIO) -> None:
    pdf = ReportPDF(report)
    pdf.add_page()
    write_title(pdf, report)
    for block in report.blocks:
        if isinstance(block, Heading):
            write_heading(pdf, block)
        elif isinstance(block, Paragraph):
            write_paragraph(pdf, block)
        elif isinstance(block, Table):
            write_table(pdf, block)
        elif isinstance(block, Chart):
            write_chart(pdf, block)
        elif isinstance(block, PageBreak):
            pdf.add_page()
    data = bytes(pdf.output())
    if isinstance(out, io.BytesIO):
        out.write(data)
    else:
        Path(out).write_bytes(data)


def write_title(pdf: FPDF, report: Report) -> None:
    pdf.ln(12)
    pdf.set_font("sans", size=HEADING_PT[0])
    for part in title_lines(pdf, report.title):
        for line in break_lines(pdf, part, pdf.epw):        # never a lone "）" on a line
            pdf.cell(0, 11, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if report.subtitle:
        pdf.set_font("serif", size=13)
        pdf.multi_cell(0, 8, report.subtitle, align="C", wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def title_lines(pdf: FPDF, title: str) -> list[str]:
    return [title] if pdf.get_string_width(title) <= pdf.epw else title_parts(title)


def write_heading(pdf: FPDF, block: Heading) -> None:
    size = HEADING_PT.get(block.level, 12)
    if pdf.will_page_break(40):             # keep a heading with a few lines of what follows
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("sans", size=size)
    pdf.multi_cell(0, size * 0.6, block.text, align="L", wrapmode=WrapMode.CHAR,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def write_paragraph(pdf: FPDF, block: Paragraph) -> None:
    if block.style == "signature":
        pdf.set_font("serif", size=BODY_PT)
        pdf.cell(0, LINE_MM, block.text, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    if block.style == "warning":
        pdf.set_font("sans", size=11)
        pdf.set_text_color(150, 30, 30)
        write_lines(pdf, INDENT + block.text, LINE_MM * 11 / BODY_PT)
        pdf.set_text_color(0)
        pdf.ln(1)
        return
    size = 10 if block.style == "note" else BODY_PT
    pdf.set_font("serif", size=size)
    pdf.set_text_color(90, 90, 90) if block.style in ("note", "placeholder") else pdf.set_text_color(0)
    text = block.text if block.style == "note" else INDENT + block.text
    write_lines(pdf, text, LINE_MM * size / BODY_PT)
    pdf.set_text_color(0)
    pdf.ln(1)


# A number with its unit ("96.2%", "2024", "15.1/10万") is never split across lines,
# and closing punctuation never starts one (避头尾).
UNBREAKABLE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%‰]*(?:/[0-9A-Za-z.]+(?:万(?:活产)?)?)?|.", re.S)
NO_LINE_START = set("，。、；：？！）》」』”’%‰")
NO_LINE_END = set("（《「『“‘")


def break_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    lines, current = [], ""
    for token in UNBREAKABLE.findall(text):
        if current and pdf.get_string_width(current + token) > width and token not in NO_LINE_START:
            carried = current[-1] if current[-1] in NO_LINE_END and len(current) > 1 else ""
            lines.append(current[: len(current) - len(carried)])
            current = carried
        current += token
    if current:
        lines.append(current)
    return lines


def write_lines(pdf: FPDF, text: str, height: float) -> None:
    """Justified Chinese text: full lines are spread to the margin by character spacing."""
    width = pdf.epw
    lines = break_lines(pdf, text, width)
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        slack = width - pdf.get_string_width(line)
        spacing = 0 if last or len(line) < 2 else max(0.0, slack / (len(line) - 1))
        pdf.set_char_spacing(min(spacing, 2.0))
        pdf.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_char_spacing(0)


def write_table(pdf: FPDF, block: Table) -> None:
    if pdf.will_page_break(9 + 12 * min(len(block.rows) + 1, 3)):  # caption, header and two (wrapped) rows together
        pdf.add_page()
    if block.caption:
        pdf.set_font("sans", size=10.5)
        pdf.multi_cell(0, 7, block.caption, align="C", wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    heading_face = FontFace(family="sans", emphasis="", fill_color=(228, 234, 242))
    align = tuple("LEFT" if index == 0 or name in NAME_COLUMNS else "CENTER"   # names left, figures centred
                  for index, name in enumerate(block.header))
    shares = block.widths or [1] * len(block.header)
    room = [pdf.epw * share / sum(shares) - 2 * CELL_PADDING - 0.8 for share in shares]
    # Cells are broken here, by break_lines, so that no number is split inside a cell either.
    pdf.set_font("sans", size=9)
    header = [cell_lines(pdf, text, width) for text, width in zip(block.header, room)]
    pdf.set_font("serif", size=9)
    rows = [[cell_lines(pdf, text, width) for text, width in zip(cells, room)] for cells in block.rows]
    with pdf.table(col_widths=shares, headings_style=heading_face, line_height=5.5,
                   text_align=align, wrapmode=WrapMode.CHAR, padding=CELL_PADDING) as table:
        for cells in [header, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)


def cell_lines(pdf: FPDF, text: str, width: float) -> str:
    return "\n".join(break_lines(pdf, text, width))


def write_chart(pdf: FPDF, block: Chart) -> None:
    width = min(block.width_cm * 10, pdf.epw)
    height = width * 3.4 / 6.4              # charts.indicator_chart's aspect
    if pdf.will_page_break(height + 10):
        pdf.add_page()
    pdf.image(io.BytesIO(block.png), x=(pdf.w - width) / 2, w=width)
    pdf.set_font("sans", size=10)
    pdf.multi_cell(0, 6, block.caption, align="C", wrapmode=WrapMode.CHAR,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
