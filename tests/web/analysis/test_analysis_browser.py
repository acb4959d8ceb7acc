"""Real Chromium: the city user (大连市) builds a pivot of 孕产妇死亡率 over its three districts,
sees the chart, exports Excel (values checked against the database) and PNG, saves a favourite,
pins it and finds its chart on the dashboard; then opens the district map (the demo's schematic),
uploads a GeoJSON of its own and sees the districts coloured. Screenshots in test-artifacts/."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from tianping.core import geojson
from tianping.web.analysis.models import Favourite
from tianping.web.analysis.services import indicator_infos
from tianping.web.observations.models import Observation, assessed_rows
from tianping.web.orgs.models import User
from tianping.web.plans.models import Indicator

pytestmark = pytest.mark.django_db(transaction=True)

DISTRICTS = {"210203": "西岗区", "210202": "中山区（演示）", "210204": "沙河口区（演示）"}


def _stored(name, code, year):
    ind = Indicator.objects.filter(name=name, plan__region__code=code, plan__status="confirmed").first()
    return assessed_rows(Observation.objects.filter(indicator=ind, region__code=code)).get(
        year=year, sex="", age="", residence="").value


def test_city_user_builds_exports_saves_pins_and_maps(city, page, login, artifacts, tmp_path):
    user = User.objects.get(username="city")
    infos, _ = indicator_infos(user)
    key = next(k for k, info in infos.items() if info.name == "孕产妇死亡率")
    login(page, user)
    page.get_by_role("link", name="数据分析").first.click()
    page.wait_for_url(re.compile(r"/analysis/"))
    assert "数据分析" in page.locator("h1").inner_text()

    # the choice: one indicator, the three districts, 2020–2024, years across, a line chart
    page.fill("#indicator-filter", "孕产妇")
    page.select_option("#indicator-select", value=[key])
    for code in DISTRICTS:
        page.check(f"input[name=region][value='{code}']")
    for year in range(2020, 2025):
        page.check(f"input[name=year][value='{year}']")
    page.click("#show-button")
    page.wait_for_selector("#pivot-table")
    rows = page.locator("#pivot-table tbody tr")
    assert rows.count() == 3
    body = page.locator("#pivot-table").inner_text()
    assert all(name in body for name in DISTRICTS.values()) and "男性" not in body
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('pivot-chart'))")
    option = page.evaluate("""() => { const o = echarts.getInstanceByDom(document.getElementById('pivot-chart')).getOption();
        return {x: o.xAxis[0].data, series: o.series.map(s => ({name: s.name, type: s.type, data: s.data}))}; }""")
    assert option["x"] == ["2020", "2021", "2022", "2023", "2024"]
    assert len(option["series"]) == 3 and all(s["type"] == "line" for s in option["series"])
    page.screenshot(path=str(artifacts / "analysis-pivot.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))["透视表"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == ("指标", "地区", "分组", "单位", "2020", "2021", "2022", "2023", "2024")
    for row in table[1:]:
        code = next(c for c, n in DISTRICTS.items() if n == row[1])
        for year, value in zip(range(2020, 2025), row[4:]):
            assert value == pytest.approx(_stored("孕产妇死亡率", code, year)), (row[1], year)
    with page.expect_download() as download:
        page.click("#export-png")
    assert open(download.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"

    # save as a favourite, pin it, see it on the dashboard
    page.fill("#save-favourite input[name=name]", "三区孕产妇死亡率")
    page.click("#save-favourite button[type=submit]")
    page.wait_for_selector("#favourites")
    assert "已保存为收藏" in page.locator("#messages").inner_text()
    page.locator("#favourites tr", has_text="三区孕产妇死亡率").locator(".pin-button").click()
    page.wait_for_selector("#messages")
    assert "已固定到您的驾驶舱" in page.locator("#messages").inner_text()
    assert Favourite.objects.get(owner=user, name="三区孕产妇死亡率").pinned
    page.get_by_role("link", name="监测驾驶舱").first.click()
    page.wait_for_url(re.compile(r"/monitoring/"))
    pinned = page.locator("#pinned-charts figure", has_text="三区孕产妇死亡率")
    assert pinned.count() == 1
    page.wait_for_function("() => document.querySelector('#pinned-charts .pivot-chart') && "
                           "echarts.getInstanceByDom(document.querySelector('#pinned-charts .pivot-chart'))")
    n = page.evaluate("() => echarts.getInstanceByDom(document.querySelector('#pinned-charts .pivot-chart'))"
                      ".getOption().series.length")
    assert n == 3
    page.screenshot(path=str(artifacts / "analysis-dashboard-pinned.png"), full_page=True)

    # the map: the demo's schematic boundaries, coloured by status
    page.goto("/analysis/map/")
    assert geojson.SCHEMATIC_LABEL in page.locator("#schematic-label").inner_text()
    page.select_option("#map-indicator", label="孕产妇死亡率")
    page.click("form.filters button[type=submit]")
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('district-map'))")
    option = page.evaluate("""() => { const o = echarts.getInstanceByDom(document.getElementById('district-map')).getOption();
        return o.series[0].data.map(d => ({name: d.name, colour: d.itemStyle ? d.itemStyle.areaColor : null})); }""")
    assert {d["name"] for d in option} == set(DISTRICTS) and all(d["colour"] for d in option)
    assert page.locator("#map-table tbody tr").count() == 3
    page.screenshot(path=str(artifacts / "analysis-map-schematic.png"), full_page=True)

    # a bad file first: refused in Chinese, naming the file and the feature
    bad = tmp_path / "坏边界.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "西岗区"}, "geometry": {"type": "LineString", "coordinates": []}}]},
        ensure_ascii=False), encoding="utf-8")
    page.set_input_files("#boundary-form input[type=file]", str(bad))
    page.click("#boundary-form button[type=submit]")
    errors = page.locator("#upload-errors").inner_text()
    assert "坏边界.geojson" in errors and "第1个要素（西岗区）" in errors and "LineString" in errors

    # the office's own boundaries (squares named as a real file would name them), coloured by value
    good = tmp_path / "大连市区县.geojson"
    features = []
    for i, name in enumerate(("西岗区", "中山区", "沙河口区", "甘井子区")):
        x, y = 121.5 + 0.06 * i, 38.9
        ring = [[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]
        features.append({"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon",
                                                                                     "coordinates": [ring]}})
    good.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")
    page.set_input_files("#boundary-form input[type=file]", str(good))
    page.click("#boundary-form button[type=submit]")
    message = page.locator("#messages").inner_text()
    assert "3个区县已匹配" in message and "未匹配的要素：甘井子区" in message
    assert page.locator("#schematic-label").count() == 0
    page.select_option("#map-indicator", label="孕产妇死亡率")
    page.select_option("#map-colour", value="value")
    page.click("form.filters button[type=submit]")
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('district-map'))")
    has_scale = page.evaluate("() => !!echarts.getInstanceByDom(document.getElementById('district-map'))"
                              ".getOption().visualMap")
    assert has_scale
    page.screenshot(path=str(artifacts / "analysis-map-uploaded.png"), full_page=True)
