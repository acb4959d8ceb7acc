"""The framework's Word export: A4 landscape, the header repeated, column widths that follow
their content and fill the page (not thirteen equal columns on US Letter). Rendered to PDF
with LibreOffice when available, so the page can be looked at."""

import io
import shutil
import subprocess

import pytest
from docx import Document
from docx.shared import Mm

from tianping.web import demo as setup

pytestmark = pytest.mark.django_db


@pytest.mark.slow(reason="LibreOffice conversion of the export")
def test_framework_docx_is_a4_landscape_with_content_widths(imported_plan, office, client_of, artifacts, tmp_path):
    plan = imported_plan("000")[0]
    setup.assign_demo_departments(plan)
    data = client_of(office).get(f"/plans/{plan.pk}/export/framework.docx").content
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(297)) < Mm(1) and abs(section.page_height - Mm(210)) < Mm(1)
    table = doc.tables[0]
    widths = [c.width for c in table.columns]
    usable = section.page_width - section.left_margin - section.right_margin
    assert abs(sum(widths) - usable) < Mm(2)
    header = [c.text for c in table.rows[0].cells]
    number, indicator = widths[header.index("序号")], widths[header.index("指标")]
    assert indicator > 2.5 * number                 # the name column is wide, the number column narrow
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    (artifacts / "framework-export.docx").write_bytes(data)
    if shutil.which("soffice") or shutil.which("libreoffice"):
        exe = shutil.which("soffice") or shutil.which("libreoffice")
        src = tmp_path / "framework.docx"
        src.write_bytes(data)
        subprocess.run([exe, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                       check=True, capture_output=True, timeout=120)
        shutil.copy(tmp_path / "framework.pdf", artifacts / "framework-export.pdf")
