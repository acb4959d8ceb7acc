"""The office's working year in real Chromium, each role from login to its main job, with
screenshots in test-artifacts/year-*.png:

  reporter     today's work → the one-screen grid: 20 indicators typed without leaving the page
               (keyboard, saved row by row), the rest marked 无数据 in one action, submitted
  statistics   the submission waiting on its home → returned with a reason; later accepted
  reporter     the returned task first on its home with the reason → corrected → resubmitted
  office       round progress → closes the round after confirming who has not reported → reopens
               it with a reason → imports history from Excel → assigns departments to many indicators
  leader       the report waiting on its home → approves it
  city user    compares 大连市's districts
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from tianping.web import demo as setup
from tianping.web.collection import services as collection
from tianping.web.collection.models import Entry, Submission
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Department, User
from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)
INDICATORS = 22


@pytest.fixture
def session(browser, live_server, login):
    contexts = []

    def open_as(user, password=None):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, user, *([password] if password else []))
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def year(imported_plan, regions, office, settings, tmp_path):
    """西岗区's women's plan with synthetic 2020–2024 history, 卫健局 responsible for 22 indicators,
    an open 2025 round, a report reviewed by the evaluation group and generated in every format."""
    from huey.contrib.djhuey import HUEY

    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    plan = imported_plan("000")[0]
    setup.assign_demo_departments(plan)
    health = Department.objects.get(region=plan.region, name="卫健局")
    extra = plan.indicators.exclude(responsible_department=health).order_by("position")
    need = INDICATORS - plan.indicators.filter(responsible_department=health).count()
    plan.indicators.filter(pk__in=[i.pk for i in extra[:max(need, 0)]]).update(responsible_department=health)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    setup.fill_synthetic(plan)
    round_ = collection.open_round(plan.region, 2025, date.today() + timedelta(days=20), office)
    before, HUEY.immediate = HUEY.immediate, True
    try:
        from tianping.web.publishing import services as pub
        from tianping.web.publishing import tasks

        report = pub.create_report(plan, plan.region, "annual", 2024, office)
        tasks.request_generation(report, office)
    finally:
        HUEY.immediate = before
    return {"plan": plan, "round": round_, "report": report,
            "sub": round_.submissions.get(department=health)}


def shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"year-{name}.png"), full_page=True)


def fill_grid(page, count):
    """Type ``count`` rows with the keyboard: last year's value (or 50), Enter to the next row."""
    rows = page.locator("#grid tr.grid-row")
    first = rows.nth(0).locator("input[name=value]")
    first.click()
    for i in range(count):
        row = page.locator("#grid tr.grid-row").nth(i)
        previous = row.locator("td.prev").last.inner_text().strip()
        value = previous if re.fullmatch(r"-?[\d.]+", previous) else "50"
        box = row.locator("input[name=value]:not([readonly])")
        if box.count() == 0:   # a rate from counts: numerator then denominator
            row.locator("input[name=numerator]").fill("1")
            row.locator("input[name=denominator]").fill("20000")
        else:
            page.keyboard.type(value)
        page.keyboard.press("Enter")   # saves the row (change) and moves down
        page.locator(f"#grid tr.grid-row >> nth={i}").locator("td.msg").filter(
            has_text=re.compile("✓|错误|不是|超出|请|已被")).wait_for()


def test_a_year_for_every_role(session, year, reporter, stats, office, leader, expert, regions, seed_file,
                               artifacts):
    from tianping.web.publishing import services as pub

    sub = year["sub"]
    # --- reporter: home → grid, 20 indicators without leaving the page, the rest 无数据 in one action
    rp = session(reporter)
    assert rp.locator(f"#task-{sub.pk}").count() == 1
    shot(rp, artifacts, "1-reporter-home")
    rp.locator(f"#task-{sub.pk}").get_by_role("link", name="一屏填报").click()
    rp.wait_for_url(f"**/collection/submissions/{sub.pk}/grid/")
    rp.evaluate("window.__stayed = true")
    rows = rp.locator("#grid tr.grid-row").count()
    assert rows >= INDICATORS
    fill_grid(rp, 20)
    errors = rp.locator("#grid tr.has-error").count()
    saved = Entry.objects.filter(submission=sub).exclude(value__isnull=True).count()
    assert saved == 20 - errors and saved >= 18, (saved, errors)
    rp.check("#pick-all")
    rp.select_option("#bulk-form select[name=kind]", "无数据")
    rp.fill("#bulk-form input[name=reason]", "2025年卫生统计年报尚未发布")
    rp.click("#bulk-button")
    rp.locator("#grid-progress").filter(has_text=f"已填{rows}/{rows}行").wait_for()
    assert rp.evaluate("window.__stayed") is True          # never left the page
    assert Entry.objects.filter(submission=sub).count() == rows
    shot(rp, artifacts, "2-reporter-grid")
    rp.fill("#work-report textarea[name=work_progress]", "开展孕产妇健康管理和两癌筛查")
    rp.get_by_role("button", name="保存工作报告").click()
    rp.click("#submit-button")
    rp.locator("#submission-state").filter(has_text="已提交").wait_for()

    # --- statistics bureau: home → review → return with a reason
    sp = session(stats)
    sp.locator(f"#review-{sub.pk}").get_by_role("link", name="审核").click()
    shot(sp, artifacts, "3-statistics-review")
    sp.fill("#return-form textarea[name=reason]", "孕产妇系统管理率与上年相同，请核实后说明")
    sp.click("#return-form button[type=submit]")
    sp.locator("#submission-state").filter(has_text="已退回").wait_for()

    # --- reporter: the returned task first with its reason; corrects on the grid and resubmits
    rp.goto("/")
    task = rp.locator(".task.returned").first
    assert "孕产妇系统管理率与上年相同" in task.inner_text()
    shot(rp, artifacts, "4-reporter-returned")
    task.get_by_role("link", name="一屏填报").click()
    row = rp.locator("#grid tr.grid-row").filter(has_text="孕产妇系统管理率").first
    row.locator("input[name=note]").fill("经核实，与上年持平")
    row.locator("input[name=note]").press("Tab")
    row = rp.locator("#grid tr.grid-row").filter(has_text="孕产妇系统管理率").first
    row.locator("td.msg").filter(has_text="✓").wait_for()
    rp.click("#submit-button")
    rp.locator("#submission-state").filter(has_text="已提交").wait_for()

    # --- statistics bureau accepts
    sp.goto("/")
    sp.locator(f"#review-{sub.pk}").get_by_role("link", name="审核").click()
    sp.click("#accept-button")
    sp.locator("#submission-state").filter(has_text="已通过").wait_for()
    assert Observation.objects.filter(region=year["plan"].region, year=2025, origin="round").exists()
    assert Observation.objects.filter(region=year["plan"].region, year=2020).exists()   # history stays

    # --- office: round progress → close after confirming who has not reported → reopen
    op = session(office)
    shot(op, artifacts, "5-office-home")
    op.locator("#today-rounds a").first.click()
    assert "人社局" in op.locator("#not-reported").inner_text()
    op.check("#close-form input[name=confirm]")
    op.get_by_role("button", name="关闭轮次并锁定已通过数据").click()
    op.locator("#round-state").filter(has_text="已关闭").wait_for()
    assert Submission.objects.get(pk=sub.pk).state == "locked"
    op.fill("#reopen-form input[name=reason]", "人社局申请补报")
    op.get_by_role("button", name="重新开放轮次").click()
    op.locator("#round-events").filter(has_text="人社局申请补报").wait_for()
    shot(op, artifacts, "6-office-round-reopened")

    # --- office: history from an Excel file (yearbook values with their source)
    wb = Workbook()
    ws = wb.active
    ws.append(["指标", "来源", 2016, 2017, 2018, 2019])
    ws.append(["孕产妇系统管理率", "西岗区统计年鉴", 90.1, 91.2, 92.0, 92.8])
    path = artifacts / "year-history.xlsx"
    wb.save(path)
    op.goto("/")
    op.get_by_role("link", name="导入历史数据").click()
    op.set_input_files("input[name=file]", str(path))
    op.get_by_role("button", name="导入").click()
    op.locator("#messages").filter(has_text="西岗区统计年鉴").wait_for()
    shot(op, artifacts, "7-office-history")
    assert Observation.objects.filter(origin="history", source="西岗区统计年鉴").count() == 4

    # --- office: curate the framework — every indicator without a department to 妇联 at once
    op.goto(f"/plans/{year['plan'].pk}/framework/")
    unassigned = year["plan"].indicators.filter(responsible_department__isnull=True).count()
    op.check("#pick-unassigned")
    op.select_option("#curate-form select[name=department]", label="妇联")
    op.click("#bulk-assign")
    op.locator("#messages").filter(has_text=f"已将{unassigned}项指标分配给妇联").wait_for()
    shot(op, artifacts, "8-office-framework")
    assert not year["plan"].indicators.filter(responsible_department__isnull=True).exists()

    # --- leader: the report waiting for approval → approve
    pub.review(year["report"], expert, "数据核对无误")
    lp = session(leader)
    shot(lp, artifacts, "9-leader-home")
    lp.locator("#today-approve a").first.click()
    lp.click("#do-approve")
    lp.locator("body").filter(has_text="已批准").first.wait_for()
    year["report"].refresh_from_db()
    assert year["report"].state == "approved"

    # --- city user: 大连市's districts side by side
    setup.seed_users()
    demo = setup.seed_city(User.objects.get(username="office"), seed_file("002").parent)
    cp = session(User.objects.get(username=demo.user), demo.password)
    cp.goto("/monitoring/regions/?region=210200")
    for name in ("西岗区", "中山区（演示）", "沙河口区（演示）"):
        assert cp.get_by_text(name).count() > 0
    shot(cp, artifacts, "10-city-compare")
