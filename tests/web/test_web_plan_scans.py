"""A scanned plan read through OCR shows its recognition confidence on the review page."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docgen import write_scanned_pdf  # noqa: E402


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is installed by scripts/bootstrap.sh")
def test_review_page_shows_the_ocr_confidence(tmp_path, client_of, office, seed_file):
    from tianping.core.readers import read_document

    lines = read_document(seed_file("001")).split("\n")
    start = lines.index("二、发展领域、主要目标和策略措施")
    page = "\n".join(lines[:2] + lines[start:lines.index("策略措施：", start) + 1])
    scan = write_scanned_pdf(page, tmp_path / "九台区规划扫描件.pdf")
    client = client_of(office)
    with scan.open("rb") as handle:
        response = client.post("/plans/import/", {"document": handle, "region": office.region.pk,
                                                   "other_region_ok": "on"}, follow=True)  # 九台区 plan, 西岗区 office
    from tianping.web.plans.models import Plan

    plan = Plan.objects.get(source_file="九台区规划扫描件.pdf")
    assert response.redirect_chain[-1][0] == f"/plans/{plan.pk}/review/"
    review = response.content.decode()
    assert "本文件是扫描件，共1页，经文字识别（OCR）读取，平均识别置信度" in review
    assert plan.parse_warnings[0].startswith("本文件是扫描件")
    assert plan.indicators.filter(name="孕产妇死亡率").exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by scripts/bootstrap.sh")
def test_an_old_word_plan_uploads_like_a_docx(tmp_path, client_of, office, seed_file):
    from docgen import convert_with_libreoffice, write_docx

    from tianping.core.readers import read_document
    from tianping.web.plans.models import Plan

    docx = write_docx(read_document(seed_file("000")), tmp_path / "西岗区妇女发展规划.docx", numbering=False)
    doc = convert_with_libreoffice(docx, "doc", tmp_path)
    with doc.open("rb") as handle:
        response = client_of(office).post("/plans/import/", {"document": handle, "region": office.region.pk})
    plan = Plan.objects.get(source_file="西岗区妇女发展规划.doc")
    assert response.status_code == 302 and plan.title == "大连市西岗区妇女发展规划（2021—2030年）"
    assert plan.indicators.filter(name="孕产妇死亡率").exists()
