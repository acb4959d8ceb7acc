"""The ranking as the Excel and Word table a government's 目标考核 office takes in:
A4 landscape, one row per department, the score of every component under its weight,
total, grade, and the rule and data sources written under the table."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tianping.core import scorecard as core
from tianping.core.export import safe_cell

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def title(board) -> str:
    plan = f"（{board.plan.title}）" if board.plan else ""
    return f"{board.region.full_name}{board.year}年度妇女儿童发展规划目标管理责任制考核成员单位得分表{plan}"


def header(board) -> list[str]:
    weights = board.rule.weights
    return (["排名", "成员单位"] + [f"{core.COMPONENT_NAMES[k]}（{weights[k]:g}）" for k in core.COMPONENTS]
            + ["总分", "等级", "负责指标", "牵头措施", "逾期整改"])


def _cell(component: core.Component) -> str:
    if not component.applies:
        return "不计"
    return f"{component.score:.1f}"


def rows(board) -> list[list[str]]:
    out = []
    for place, card in board.ranked:
        out.append([str(place) if place else "—", card.department]
                   + [_cell(card.component(k)) for k in core.COMPONENTS]
                   + [f"{card.total:.1f}" if card.total is not None else "—", card.grade or "—",
                      str(len(card.indicators)), str(len(card.measures)), str(len(card.overdue_corrections))])
    return out


def notes(board) -> list[str]:
    words = board.rule.describe()
    lines = ["考核规则" + ("（本年度办公室设定）" if board.rule_stored else "（默认规则）") + "："]
    lines += [f"{core.COMPONENT_NAMES[k]}（权重{board.rule.weights[k]:g}）：{words[k]}" for k in core.COMPONENTS]
    lines.append("总分＝各适用项目得分按权重加权平均；“不计”表示该项本年度不适用，其权重不计入。"
                 + "等级：" + "、".join(f"{name}≥{t:g}" if t else name for t, name in board.rule.grades) + "。")
    source = board.source
    if source.runs:
        years = "、".join(str(y) for y in source.years)
        lines.append(f"指标状态取自{years}年评估结果" + ("（合成演示数据）" if source.synthetic else "")
                     + ("" if source.years == [board.year] else f"，{board.year}年数据尚未评估") + "。")
    if board.plan is not None:
        lines.append("填报各项（完整性、及时性、退回、工作报告）按本地区整个填报轮次计，其余各项只计本规划。")
    if board.round is None:
        lines.append(f"{board.year}年度未开展填报轮次，填报各项不计。")
    lines.append(f"数据截至{board.as_of:%Y年%m月%d日}，由天平系统根据存储数据计算，非人工录入。")
    return lines


# Column widths in characters (Excel) and centimetres (Word), landscape A4 (27.7 cm usable).
XLSX_WIDTHS = [6, 14] + [10] * len(core.COMPONENTS) + [8, 8, 8, 8, 8]
DOCX_WIDTHS_CM = [1.0, 2.6] + [1.9] * len(core.COMPONENTS) + [1.4, 1.4, 1.3, 1.3, 1.3]


def to_xlsx(board) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{board.year}年度考核"
    head = header(board)
    ws.append([_number(title(board))])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(head)
    thin = Side(style="thin")
    for row in rows(board):
        ws.append([_number(v) for v in row])
    last = ws.max_row
    for r in ws.iter_rows(min_row=2, max_row=last, max_col=len(head)):
        for c in r:
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            if c.row == 2:
                c.font = Font(bold=True)
    for n, line in enumerate(notes(board), start=last + 2):
        ws.cell(row=n, column=1, value=_number(line))
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=len(head))
        ws.cell(row=n, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(XLSX_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[2].height = 45
    ws.freeze_panes = "C3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(v: str):
    """Scores as numbers (so the office can sort and sum); words stay words, and text that
    Excel would take for a formula (= + - @, e.g. a department named "=1+1") is quoted."""
    try:
        return float(v) if "." in v else int(v)
    except ValueError:
        return safe_cell(v)


def to_docx(board) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.0)
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(9)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title(board))
    run.bold, run.font.size = True, Pt(14)
    run.font.name = "黑体"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    head = header(board)
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row_cells, values, bold in [(table.rows[0].cells, head, True)] + \
            [(table.add_row().cells, r, False) for r in rows(board)]:
        for cell, text, width in zip(row_cells, values, DOCX_WIDTHS_CM):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.bold = bold
    _repeat_header(table.rows[0])
    doc.add_paragraph()
    for line in notes(board):
        doc.add_paragraph(line).paragraph_format.space_after = Pt(2)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
