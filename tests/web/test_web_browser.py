"""Real Chromium on the real pages: the office imports a seed, corrects a target,
assigns a department and confirms; a reporter is kept out of import and review."""

import re

import pytest

from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)


def test_office_imports_corrects_assigns_and_confirms(page, login, office, seed_file, artifacts):
    login(page, office)
    page.get_by_role("link", name="导入规划").first.click()
    page.set_input_files("input[name=document]", str(seed_file("000")))
    page.get_by_role("button", name="上传并提取").click()
    page.wait_for_url(re.compile(r"/plans/\d+/review/$"))
    assert "已从" in page.locator("#messages").inner_text()
    plan = Plan.objects.get()
    indicator = plan.indicators.filter(name__contains="孕产妇死亡率", targets__value__isnull=False).first()

    page.locator(f"#indicator-{indicator.pk}").get_by_role("link", name="编辑").click()
    page.fill("input[name='targets-0-value']", "8.5")
    page.select_option("select[name=responsible_department]", label="卫健局")
    page.check("input[name=by_residence]")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/plans/\d+/review/"))
    row = page.locator(f"#indicator-{indicator.pk}")
    assert "8.5" in row.inner_text() and "卫健局" in row.inner_text()

    page.screenshot(path=str(artifacts / "plan-review.png"), full_page=False)
    page.get_by_role("button", name="确认规划").click()
    page.wait_for_url(re.compile(r"/plans/\d+/framework/$"))
    assert "规划已确认" in page.locator("#messages").inner_text()
    page.screenshot(path=str(artifacts / "plan-confirmed-framework.png"), full_page=False)

    plan.refresh_from_db()
    indicator.refresh_from_db()
    assert plan.status == Plan.Status.CONFIRMED
    assert indicator.targets.first().value == 8.5 and indicator.responsible_department.name == "卫健局"


def test_a_broken_file_shows_the_error_on_the_page(page, login, office, tmp_path, artifacts):
    broken = tmp_path / "规划.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    login(page, office)
    page.goto("/plans/import/")
    page.set_input_files("input[name=document]", str(broken))
    page.get_by_role("button", name="上传并提取").click()
    alert = page.get_by_role("alert")
    assert "规划.docx" in alert.inner_text() and "损坏" in alert.inner_text()
    page.screenshot(path=str(artifacts / "import-broken-file.png"))
    assert not Plan.objects.exists()


def test_a_reporter_cannot_reach_import_or_review(page, login, reporter, imported_plan):
    plan = imported_plan("000")[0]
    login(page, reporter)
    assert page.get_by_role("link", name="导入规划").count() == 0
    for url in ["/plans/import/", f"/plans/{plan.pk}/review/", f"/plans/indicators/{plan.indicators.first().pk}/"]:
        response = page.goto(url)
        assert response.status == 403, url
        assert "您的角色无权访问此页面" in page.get_by_role("alert").inner_text()
    assert page.goto(f"/plans/{plan.pk}/").status == 200  # reading the plan is allowed
    assert page.get_by_role("link", name="编辑").count() == 0


def test_departments_are_assigned_in_the_framework_table_without_reloading(page, login, office, imported_plan):
    plan = imported_plan("001")[0]
    indicators = list(plan.indicators.order_by("position")[:2])
    login(page, office)
    page.goto(f"/plans/{plan.pk}/framework/")
    for indicator, department in zip(indicators, ["教育局", "妇联"]):
        row = page.locator(f"#framework-{indicator.pk}")
        row.locator("select[name=responsible_department]").select_option(label=department)
        row.get_by_role("status").wait_for()
    assert page.url.endswith(f"/plans/{plan.pk}/framework/")
    assigned = [i.responsible_department.name for i in plan.indicators.order_by("position")[:2]]
    assert assigned == ["教育局", "妇联"]


def test_a_revised_edition_shows_its_changes_and_applies_them(page, login, office, imported_plan, seed_file, artifacts):
    from tianping.web.plans import services

    services.confirm_plan(imported_plan("000")[0], office)
    login(page, office)
    page.goto("/plans/import/")
    page.set_input_files("input[name=document]", str(seed_file("002")))
    page.get_by_role("button", name="上传并提取").click()
    page.wait_for_url(re.compile(r"/plans/\d+/changes/$"))  # a revision opens on what changed
    summary = page.locator("#diff-summary").inner_text()
    assert re.search(r"新增指标\d+项", summary)
    page.screenshot(path=str(artifacts / "plan-revision-diff.png"))
    page.get_by_role("button", name="确认并应用修订").click()
    page.wait_for_url(re.compile(r"/plans/\d+/framework/$"))
    statuses = dict(Plan.objects.filter(kind="women").values_list("source_file", "status"))
    assert sorted(statuses.values()) == ["confirmed", "superseded"]
