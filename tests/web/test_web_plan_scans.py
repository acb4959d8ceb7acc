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
        response = client.post("/plans/import/", {"document": handle, "region": office.region.pk}, follow=True)
    from tianping.web.plans.models import Plan

    plan = Plan.objects.get(source_file="九台区规划扫描件.pdf")
    assert response.redirect_chain[-1][0] == f"/plans/{plan.pk}/review/"
    review = response.content.decode()
    assert "本文件是扫描件，共1页，经文字识别（OCR）读取，平均识别置信度" in review
    assert plan.parse_warnings[0].startswith("本文件是扫描件")
    assert plan.indicators.filter(name="孕产妇死亡率").exists()
