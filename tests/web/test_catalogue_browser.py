"""Real Chromium on the catalogue pages and the review page's catalogue column, with screenshots
kept as test artifacts (catalogue-list.png, catalogue-entry.png, review-catalogue-links.png)."""

import pytest

from tianping.web.plans import services
from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=True)


def test_catalogue_pages_and_review_links_in_chromium(page, login, office, imported_plan, artifacts):
    plan = next(p for p in imported_plan("002") if p.kind == Plan.Kind.CHILDREN)
    login(page, office)

    page.goto("/catalogue/?q=每千")
    assert page.title().startswith("指标目录")
    table = page.locator("#catalogue")
    assert "每千名儿童拥有儿科执业（助理）医生数" in table.inner_text()
    assert "English" not in page.locator("nav").inner_text() and "指标目录" in page.locator("nav").inner_text()
    assert "2030年1.12名以上" in table.inner_text() and page.get_by_role("button", name="筛选").count() == 1
    page.screenshot(path=str(artifacts / "catalogue-list.png"), full_page=False)

    page.get_by_role("link", name="C1-18").click()
    page.wait_for_url("**/catalogue/C1-18/")
    body = page.locator("main").inner_text()
    assert "2030年1.12名以上" in body or "1.12名" in body
    assert "中国儿童发展纲要" in body and "儿科执业（助理）医生数 ÷ 0—14岁儿童数" in body
    assert "1000‰" not in body, "doctors per thousand children: ×1000, not ×1000‰"
    page.screenshot(path=str(artifacts / "catalogue-entry.png"), full_page=True)

    page.goto(f"/plans/{plan.pk}/review/")
    row = page.locator(f"#indicator-{plan.indicators.get(catalogue__code='C2-01').pk}")
    assert "C2-01 儿童伤害死亡率" in row.inner_text() and "1/10万" in row.inner_text()
    assert "相对变化幅度" in row.inner_text() and "不符" not in row.inner_text()   # "下降20%" is a change
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "review-catalogue-links.png"), full_page=False)
    page.locator("#catalogue-links").screenshot(path=str(artifacts / "review-catalogue-summary.png"))
    in_measure = plan.indicators.filter(measure__isnull=False).exclude(catalogue=None).first()
    if in_measure is not None:   # targets written in measures show their link too
        line = page.locator(f"#indicator-{in_measure.pk}")
        assert in_measure.catalogue.code in line.inner_text()
        line.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "review-measure-link.png"), full_page=False)

    managed = plan.indicators.get(catalogue__code="C1-04")
    page.goto(f"/plans/indicators/{managed.pk}/")
    assert "不适用：指标目录条目不按城乡分组。" in page.locator("main").inner_text()
    assert page.locator("input[name=by_residence]").is_disabled() and page.locator("input[name=by_sex]").is_enabled()
    page.screenshot(path=str(artifacts / "indicator-edit-breakdowns.png"), full_page=True)
    services.confirm_plan(plan, office)
