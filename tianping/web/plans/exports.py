"""The framework (指标体系) and the task division (任务分工) as Excel and Word tables:
the appendix a district office circulates to its member departments."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tianping.core.export import safe_cell
from tianping.core.figures import number
from tianping.web.orgs.permissions import PLAN_READERS, get_scoped_or_404, role_required

from .models import Measure, Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def framework_rows(plan: Plan) -> tuple[list[str], list[list[str]]]:
    header = [_("No."), _("area"), _("indicator"), _("unit"), _("targets"), _("responsible department"),
              _("disaggregation"), _("definition"), _("numerator"), _("denominator"), _("multiplier"),
              _("data source"), _("proxy for")]
    rows = []
    indicators = plan.indicators.select_related("area", "responsible_department", "proxy_for").prefetch_related("targets")
    for n, ind in enumerate(indicators, 1):
        rows.append([
            str(n), ind.area.name if ind.area else _("indicator table"), ind.name, ind.unit,
            "；".join(_target_label(t) for t in ind.targets.all()),
            ind.responsible_department.name if ind.responsible_department else "",
            "、".join(ind.disaggregations), ind.definition, ind.numerator, ind.denominator,
            "" if ind.multiplier is None else number(ind.multiplier), ind.data_source,
            ind.proxy_for.name if ind.proxy_for else "",
        ])
    return header, rows


def task_rows(plan: Plan) -> tuple[list[str], list[list[str]]]:
    header = [_("area"), _("No."), _("measure"), _("lead department"), _("cooperating departments")]
    measures = Measure.objects.filter(area__plan=plan).select_related("area", "lead_department").prefetch_related(
        "cooperating_departments")
    rows = [[m.area.name, str(m.number), m.title, m.lead_department.name if m.lead_department else "",
             "、".join(d.name for d in m.cooperating_departments.all())] for m in measures]
    return header, rows


def _target_label(t) -> str:
    return t.text or t.dated_phrase


TABLES = {"framework": (framework_rows, gettext_lazy("Indicator framework")),
          "tasks": (task_rows, gettext_lazy("Task division"))}


def to_xlsx(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width * 1.6))
        for c in column:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


A4_LANDSCAPE_MM = (297, 210)
MARGIN_MM = 15


def column_widths(header: list[str], rows: list[list[str]], total: float) -> list[float]:
    """Widths (same unit as ``total``) that follow how much each column holds: its typical
    text length, capped (long text wraps), with a floor so the header fits on two lines."""
    weights = []
    for i, name in enumerate(header):
        lengths = sorted(len(r[i]) for r in rows if i < len(r)) or [0]
        # the 90th percentile, not one long outlier; but a short word ("1/10万") should not wrap
        typical = max(lengths[int(0.9 * (len(lengths) - 1))], min(lengths[-1], 6))
        weights.append(max(2.5, min(typical, 30) + 1, len(name) + 1))  # +1: a cell's padding
    scale = total / sum(weights)
    return [w * scale for w in weights]


def to_docx(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    """An A4 landscape table (the paper Chinese offices print on), 9-point 宋体, the header
    row repeated on every page, column widths following their content."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(A4_LANDSCAPE_MM[0]), Mm(A4_LANDSCAPE_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(9 if len(header) > 6 else 10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading(title, level=1)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    widths = [Mm(w) for w in column_widths(header, rows, A4_LANDSCAPE_MM[0] - 2 * MARGIN_MM)]
    head = table.rows[0]
    flag = OxmlElement("w:tblHeader")   # repeat the header row on every page
    flag.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(head.cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@role_required(*PLAN_READERS)
def export_table(request, pk, table, fmt):
    plan = get_scoped_or_404(Plan.objects.select_related("region"), request.user, pk=pk)
    if table not in TABLES or fmt not in ("xlsx", "docx"):
        raise Http404
    build, label = TABLES[table]
    header, rows = build(plan)
    title = f"{plan.title} {label}"
    data = to_xlsx(str(label), header, rows) if fmt == "xlsx" else to_docx(title, header, rows)
    response = HttpResponse(data, content_type=XLSX if fmt == "xlsx" else DOCX)
    filename = f"{plan.region.name}-{label}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
