"""Real Chromium: the office records a 督导检查 with two corrections and evidence, closes one
with an evidence file; the other is overdue and shows on the department's home and on its
scorecard; the office's ranking page. Screenshots in test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tianping.web import demo as setup
from tianping.web.accountability.models import Correction, Inspection
from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(imported_plan):
    plan = imported_plan("000")[0]
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    setup.fill_synthetic(plan)
    return plan


def test_inspection_walk(page, login, office, reporter, plan, artifacts, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(page, office)
    page.get_by_role("link", name="督导检查").first.click()
    page.get_by_role("link", name="登记督导检查").click()
    page.fill("input[name=date]", "2025-10-15")
    page.fill("input[name=inspectors]", "区妇儿工委办公室、区政府督查室")
    page.locator("#departments").get_by_label("卫健局").check()
    page.locator("#departments").get_by_label("教育局").check()
    page.fill("textarea[name=findings]", "1. 学前教育指标佐证材料缺失；2. 孕产妇健康管理台账不完整。")
    page.select_option("select[name=c1_department]", label="教育局")
    page.fill("textarea[name=c1_requirement]", "补齐学前教育毛入园率佐证材料")
    page.fill("input[name=c1_deadline]", "2025-11-20")
    page.select_option("select[name=c2_department]", label="卫健局")
    page.fill("textarea[name=c2_requirement]", "完善孕产妇健康管理数据台账，按月报送")
    page.fill("input[name=c2_deadline]", "2025-11-30")
    page.set_input_files("input[name=attachments]",
                         files=[{"name": "检查记录.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.screenshot(path=str(artifacts / "accountability-1-record.png"), full_page=True)
    page.get_by_role("button", name="保存督导检查").click()
    page.wait_for_url(re.compile(r"/accountability/inspections/\d+/$"))
    assert "提出整改要求2项" in page.locator("#messages").inner_text()
    assert Inspection.objects.count() == 1 and Correction.objects.count() == 2

    first = page.locator("#correction-1")       # 教育局, deadline 2025-11-20 (ordered by deadline)
    assert "教育局" in first.inner_text()
    first.locator("textarea").last.fill("经核查，佐证材料已补齐，整改到位。")
    first.locator("form.close-form input[type=file]").set_input_files(
        files=[{"name": "教育局整改报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    first.get_by_role("button", name="销号（须有佐证材料）").click()
    page.wait_for_load_state()
    assert "整改事项已销号" in page.locator("#messages").inner_text()
    assert "已于" in page.locator("#correction-1 .state").inner_text()
    assert "逾期未整改" in page.locator("#correction-2 .state").inner_text()
    page.locator("#correction-1").get_by_role("link", name="教育局整改报告.pdf").wait_for()
    page.screenshot(path=str(artifacts / "accountability-2-closed-and-overdue.png"), full_page=True)
    closed = Correction.objects.get(department__name="教育局")
    assert closed.state == "closed" and closed.files.count() == 1

    page.goto("/accountability/scorecards/?year=2024")
    assert page.locator("#ranking tbody tr").count() >= 5
    page.screenshot(path=str(artifacts / "accountability-3-ranking.png"), full_page=True)
    # the office changes the year's rule; the change is kept with its reason, the ranking shows the new weight
    page.get_by_role("link", name="考核规则及修改记录").click()
    page.fill("input[name=w_statuses]", "40")
    page.fill("textarea[name=reason]", "2024年度加重指标进展的权重")
    page.get_by_role("button", name="保存考核规则").click()
    page.wait_for_load_state()
    assert "已修改" in page.locator("#messages").inner_text()
    change = page.locator("#rule-changes tbody tr")
    assert change.count() == 1 and "加重指标进展" in change.inner_text() and "指标进展 25" in change.inner_text()
    page.screenshot(path=str(artifacts / "accountability-3b-rule.png"), full_page=True)
    page.goto("/accountability/scorecards/?year=2024")
    assert "权重 40" in page.locator("#ranking thead").inner_text()
    page.get_by_role("button", name="退出").click()

    # the department's home: the overdue correction, and only its own
    login(page, reporter)
    block = page.locator("#open-corrections")
    assert "完善孕产妇健康管理数据台账" in block.inner_text() and "逾期" in block.inner_text()
    assert "补齐学前教育" not in block.inner_text()
    page.screenshot(path=str(artifacts / "accountability-4-reporter-home.png"), full_page=True)
    # its scorecard (the nav leads a department to its own card) lists the overdue correction
    page.get_by_role("link", name="目标考核").click()
    page.wait_for_url(re.compile(r"/accountability/scorecards/\d{4}/departments/\d+/$"))
    page.get_by_role("link", name="2025", exact=True).click()
    page.wait_for_url(re.compile(r"/accountability/scorecards/2025/departments/\d+/$"))
    row = page.locator("#corrections tbody tr")
    assert row.count() == 1 and "逾期未整改" in row.inner_text()
    assert "卫健局" in page.locator("h1").inner_text()
    corrections = page.locator("#component-corrections").inner_text()
    assert "逾期未整改1项" in corrections and "75" in corrections   # 100 − 25 for the overdue one
    assert page.locator("#component-statuses").count() == 1
    page.screenshot(path=str(artifacts / "accountability-5-reporter-scorecard.png"), full_page=True)
