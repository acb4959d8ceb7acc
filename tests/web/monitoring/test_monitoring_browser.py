"""Real Chromium on the monitoring pages: the dashboard (驾驶舱) with Chinese labels, drill
down area → goal → indicator by keyboard, the indicator chart's ECharts option holding the
2025 and 2030 target lines and the projection band; screenshots in test-artifacts/."""

import re

import pytest

from tianping.web.monitoring import services
from tianping.web.observations.models import Observation

pytestmark = pytest.mark.django_db(transaction=True)

BAND = "预测区间（80%）"


def chart_option(page):
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('indicator-chart'))")
    return page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('indicator-chart')).getOption();
        return {series: o.series.map(s => ({name: s.name, stack: s.stack || null, area: !!s.areaStyle,
                                            data: s.data, marks: s.markLine ? s.markLine.data : []})),
                x: o.xAxis[0].data, legend: o.legend[0].data};
    }""")


def test_dashboard_drill_down_and_indicator_chart(page, login, office, assessed, artifacts):
    run = assessed("000")
    mmr = run.results.filter(indicator__name="孕产妇死亡率", headline=True).first().indicator
    # a district's synthetic maternal mortality is mostly 0 (rare events): give it a visible trend
    for year, value in zip(range(2020, 2025), (11.8, 11.0, 10.6, 9.9, 9.5)):
        Observation.objects.filter(indicator=mmr, year=year, sex="").update(value=value, numerator=None,
                                                                            denominator=None)
    services.assess_plan_region(run.plan, run.region, trigger="test")
    login(page, office)
    page.get_by_role("link", name="监测驾驶舱").first.click()
    page.wait_for_url(re.compile(r"/monitoring/$"))
    heading = page.locator("h1").inner_text()
    assert "监测驾驶舱" in heading and "西岗区" in heading
    body = page.locator("main").inner_text()
    for label in ("达标率", "未办结预警", "本轮填报完成率", "分领域情况", "已达标", "退步", "合成演示数据"):
        assert label in body, label
    assert page.locator("#areas tbody tr").count() >= 5
    rate = page.locator("#rate-overall").inner_text()
    assert re.fullmatch(r"\d+\.\d%", rate)      # 达标率 with one decimal, as the reports print it
    page.screenshot(path=str(artifacts / "monitoring-dashboard.png"), full_page=True)

    # keyboard: focus the 妇女与健康 link, Enter opens the area; the indicator link likewise
    page.get_by_role("link", name="妇女与健康").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/monitoring/area/"))
    assert "妇女与健康" in page.locator("h1").inner_text() and "目标" in page.locator("main").inner_text()
    page.get_by_role("link", name="孕产妇死亡率", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/monitoring/indicator/{mmr.pk}/"))

    main = page.locator("main").inner_text()
    for label in ("时间序列、目标值与趋势预测", "评估状态与计算过程", "进度比", "基期值", "最新值", "责任单位", "卫健局",
                  "预警记录", "监测数据", "下载CSV"):
        assert label in main, label
    assert "9/10万" in page.locator("#plan-sentence").inner_text()
    option = chart_option(page)
    names = [s["name"] for s in option["series"]]
    assert "合计" in names and "趋势预测" in names and BAND in names
    marks = [m for s in option["series"] for m in s["marks"]]
    assert {m["name"] for m in marks} == {"2025年目标", "2030年目标"}
    assert sorted(m["yAxis"] for m in marks) == [8.0, 9.0]
    band = next(s for s in option["series"] if s["name"] == BAND)
    low = next(s for s in option["series"] if s["name"] == "预测下限")
    assert band["area"] and band["stack"] == low["stack"] == "band"
    page.screenshot(path=str(artifacts / "monitoring-indicator.png"), full_page=True)
    assert option["x"][-1] == "2030" and band["data"][-1] is not None and band["data"][-1] > 0
    page.screenshot(path=str(artifacts / "monitoring-indicator.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.startswith("指标,地区,年份") and "孕产妇死亡率,西岗区,2024" in text


def test_escaped_indicator_name_reaches_the_chart_as_text(page, login, office, assessed, artifacts):
    run = assessed("000")
    ind = run.results.filter(indicator__name="孕产妇死亡率").first().indicator
    ind.name = "孕产妇死亡率</script><img src=x onerror=window.pwned=1>"
    ind.save()
    login(page, office)
    page.goto(f"/monitoring/indicator/{ind.pk}/")
    chart_option(page)
    assert page.evaluate("() => window.pwned === undefined")
    assert page.evaluate("() => JSON.parse(document.getElementById('indicator-chart-data').textContent).title") == ind.name


def test_reporter_answers_a_warning_in_the_browser_and_the_office_sees_it(page, login, office, reporter, assessed,
                                                                          browser, live_server, artifacts):
    from tianping.web.monitoring.models import Warning

    run = assessed("000")
    warning = Warning.objects.filter(region=run.region, department__name="卫健局").order_by("level").first()
    assert warning is not None
    services.notify_new_warnings(run.plan, run.region, [warning])
    login(page, reporter)
    page.get_by_role("link", name="通知").click()
    page.get_by_role("link", name=re.compile("条新预警待本单位说明")).click()
    page.wait_for_url(re.compile(r"/monitoring/warnings/$"))
    page.screenshot(path=str(artifacts / "monitoring-warnings-reporter.png"), full_page=True)
    page.locator(f"a[href='/monitoring/warnings/{warning.pk}/']").first.click()
    page.get_by_label("原因说明").fill("2024年流动人口增加，高危孕产妇转入")
    page.get_by_label("已采取的措施").fill("建立高危孕产妇专案，每月随访")
    page.get_by_role("button", name="提交说明").click()
    assert "说明已保存" in page.locator("#messages").inner_text()
    assert page.locator("#warning-state").inner_text() == "已说明"
    page.screenshot(path=str(artifacts / "monitoring-warning-acknowledged.png"), full_page=True)

    office_page = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      viewport={"width": 1400, "height": 1000}).new_page()
    login(office_page, office)
    office_page.goto(f"/monitoring/warnings/{warning.pk}/")
    assert "建立高危孕产妇专案，每月随访" in office_page.locator("#measure").inner_text()
    office_page.get_by_label("办理意见").fill("措施可行，继续跟踪")
    office_page.get_by_role("button", name="办结").click()
    assert office_page.locator("#warning-state").inner_text() == "已办结"
    assert [e.action for e in Warning.objects.get(pk=warning.pk).events.all()] == ["raised", "acknowledged", "resolved"]
    office_page.context.close()


def test_gender_and_region_views_render(page, login, office, assessed, artifacts):
    run = assessed("000")
    run.plan.indicators.filter(name__contains="预期寿命").update(by_sex=True)
    login(page, office)
    page.goto("/monitoring/gender/")
    assert "分性别统计" in page.locator("h1").inner_text()
    assert page.locator("#gaps tbody tr").count() >= 1
    page.screenshot(path=str(artifacts / "monitoring-gender.png"), full_page=True)


def test_city_office_compares_its_districts(page, login, two_districts, artifacts):
    from tianping.web.orgs.models import User

    _a, _b, city = two_districts
    city_office = User.objects.create_user(username="dalian", password="Tianping-test-2030", role="office", region=city)
    login(page, city_office)
    page.goto("/monitoring/regions/")
    assert "多地区比较" in page.locator("h1").inner_text() and "大连市" in page.locator("h1").inner_text()
    assert page.locator("#compare thead").inner_text().split()[1:] == ["中山区", "西岗区"]
    assert "孕产妇死亡率" in page.locator("#rollup").inner_text()
    weaker = page.locator("#weaker").inner_text()
    assert "中山区" in weaker and "15/10万以下" in weaker and "国家纲要：12/10万以下" in weaker
    assert "6/10万" in page.locator("#rollup").inner_text()
    page.screenshot(path=str(artifacts / "monitoring-regions.png"))
