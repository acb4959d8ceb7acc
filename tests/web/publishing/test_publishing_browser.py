"""Real Chromium: the office drafts, writes its sections and generates a report, the
evaluation group reviews it, the leading group approves it, the office publishes it, and
a visitor who never logs in downloads it and its open data from the public portal.
Screenshots in test-artifacts/. (huey runs in immediate mode here: the live server and
Chromium share the test database; test_publishing_worker runs the real worker.)"""

from __future__ import annotations

import re

import pytest

from tianping.web.publishing.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def as_user(browser, live_server, login):
    contexts = []

    def open_page(user=None):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True,
                                      viewport={"width": 1300, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60000)
        if user is not None:
            login(page, user)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_report_from_draft_to_public_download(as_user, demo_plan, office, expert, leader, artifacts, tmp_path):
    page = as_user(office)
    page.get_by_role("link", name="监测评估报告").first.click()
    page.wait_for_url(re.compile(r"/reports/$"))
    page.select_option("#id_plan", str(demo_plan.pk))
    page.select_option("#id_kind", "annual")
    page.fill("#id_year", "2024")
    page.get_by_role("button", name="创建草稿").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    report = Report.objects.get()
    assert "草稿" in page.locator("#state").inner_text()

    problems = "<b>基层妇幼保健力量薄弱</b>，部分指标数据滞后。"
    page.fill("#id_problems", problems)
    page.fill("#id_recommendations", "加强部门协作，按季度调度进展。")
    page.get_by_role("button", name="保存章节").click()
    page.wait_for_selector("#needs-generation")
    page.get_by_role("button", name="生成报告（Word、PDF、HTML）").click()
    page.wait_for_selector("#job[data-state=done]")
    assert "100%" in page.locator("#job").inner_text()
    page.screenshot(path=str(artifacts / "publishing-generated.png"), full_page=True)
    page.reload()
    files = page.locator("#files").inner_text()
    for label in ("Word (.docx)", "PDF", "HTML"):
        assert label in files
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (.docx)").click()
    assert download.value.suggested_filename.endswith("统计监测报告.docx")

    reviewer = as_user(expert)
    reviewer.goto(f"/reports/{report.pk}/")
    assert problems in reviewer.locator("#problems-text").inner_text()   # shown as text, not markup
    assert reviewer.locator("#problems-text b").count() == 0
    reviewer.fill("form.step textarea >> nth=0", "数据与统计局核对一致")
    reviewer.get_by_role("button", name="审核通过").click()
    reviewer.wait_for_selector("#state.state-reviewed")
    assert "评估组已审核" in reviewer.locator("#state").inner_text()

    approver = as_user(leader)
    approver.goto(f"/reports/{report.pk}/")
    assert approver.get_by_role("button", name="审核通过").count() == 0     # not the leading group's step
    approver.get_by_role("button", name="批准发布").click()
    approver.wait_for_selector("#state.state-approved")

    page.goto(f"/reports/{report.pk}/")
    assert "本报告数据不完整" in page.locator("#missing-data").inner_text()
    page.check("#confirm-incomplete")
    page.get_by_role("button", name="发布").click()
    page.wait_for_selector("#state.state-published")
    history = page.locator("#approvals").inner_text()
    for step in ("已生成", "已审核", "已批准", "已发布", "数据与统计局核对一致"):
        assert step in history
    assert page.locator("#sections").count() == 0 and page.locator("#generate").count() == 0   # nothing to edit
    page.screenshot(path=str(artifacts / "publishing-published.png"), full_page=True)

    visitor = as_user(None)     # never logs in
    visitor.goto("/public/")
    assert "已发布报告与开放数据" in visitor.locator("h1").inner_text()
    report.refresh_from_db()
    visitor.get_by_role("link", name=report.title).click()
    visitor.wait_for_url(re.compile(rf"/public/reports/{report.pk}/$"))
    visitor.screenshot(path=str(artifacts / "publishing-public-report.png"), full_page=True)
    with visitor.expect_download() as download:
        visitor.locator("#download-pdf").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes() == report.files.get(format="pdf").full_path.read_bytes()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="SDMX-CSV 2.0").click()
    sdmx = tmp_path / "data.sdmx.csv"
    download.value.save_as(sdmx)
    assert sdmx.read_text(encoding="utf-8").startswith("STRUCTURE,STRUCTURE_ID,ACTION,")
    visitor.goto(f"/reports/{report.pk}/")
    assert "/login/" in visitor.url                                  # the staff pages still need a login
