"""Regenerate templates/reference.docx, the office-editable style sheet of the .docx reports.

    python -m tianping.reports.templates.make_reference_docx

The office may instead open reference.docx in Word or WPS and change its styles
(正文, 标题 1, 标题 2, 题注, Tianping Table Text, …); the reports follow.
"""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from tianping.reports.docx import REFERENCE_DOCX, ensure_styles


def build(path=REFERENCE_DOCX) -> None:
    document = Document()
    section = document.sections[0]
    # GB/T 9704 page: A4, margins 37/35/28/26 mm.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    ensure_styles(document, overwrite=True)
    add_page_number_footer(section)
    document.add_paragraph("样式示例：本文件只提供样式，内容在生成报告时被替换。", style="Normal")
    document.save(str(path))


def add_page_number_footer(section) -> None:
    """"— 3 —" centred at the foot of each page, as official documents number pages."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


if __name__ == "__main__":
    build()
