"""History that stays: the office imports earlier years from a real .xlsx / CSV with a
source per value (all or nothing, errors naming sheet, row and cell), and the demo's
2020–2024 history is still assessed and shown after the first accepted 2025 submission."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from tianping.web import demo as setup
from tianping.web.collection import services as collection
from tianping.web.monitoring.models import AssessmentRun
from tianping.web.observations.models import Observation
from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(imported_plan):
    plan = imported_plan("000")[0]
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    return plan


def xlsx(rows, sheet="历史数据") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data)


def test_office_imports_a_wide_yearbook_sheet_with_sources(plan, office, client_of, django_capture_on_commit_callbacks):
    client = client_of(office)
    template = client.get("/data/history/template.xlsx")
    assert template.status_code == 200
    ws = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in ws[1]][:5] == ["指标", "单位", "性别", "城乡", "来源"]
    names = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert "孕产妇死亡率" in names
    data = xlsx([["指标", "单位", "来源", 2015, 2016, 2017, 2018, 2019],
                 ["孕产妇死亡率", "1/10万", "西岗区统计年鉴2020", 12.1, 11.0, "—", 9.8, 9.1],
                 ["孕产妇系统管理率", "%", "西岗区妇女儿童发展规划监测报告", 91.1, 92.0, 92.5, 93.0, 93.4]])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/data/history/", {"file": _file("年鉴.xlsx", data)}, follow=True)
    text = page.content.decode()
    assert page.status_code == 200, text[text.find('history-errors'):][:800]
    assert "新增9个" in text and "西岗区统计年鉴2020" in text
    mmr = Observation.objects.filter(indicator__plan=plan, indicator__name="孕产妇死亡率", origin="history")
    assert sorted(mmr.values_list("year", "value")) == [(2015, 12.1), (2016, 11.0), (2018, 9.8), (2019, 9.1)]
    assert set(mmr.values_list("source", flat=True)) == {"西岗区统计年鉴2020"}
    assert AssessmentRun.objects.filter(plan=plan, trigger="history").exists()
    # the indicator's data page names the source of each value
    ind = mmr.first().indicator
    assert "西岗区统计年鉴2020" in client.get(f"/data/indicators/{ind.pk}/").content.decode()


def test_a_bad_file_is_refused_whole_with_places_named(plan, office, client_of):
    client = client_of(office)
    data = xlsx([["指标", "来源", 2019, 2020],
                 ["孕产妇死亡率", "年鉴", 9.1, "九点零"],
                 ["不存在的指标", "年鉴", 1, 2],
                 ["孕产妇系统管理率", "", 93.2, 94.0]], sheet="年鉴")
    page = client.post("/data/history/", {"file": _file("坏.xlsx", data)})
    assert page.status_code == 400
    text = page.content.decode()
    assert "工作表“年鉴”，第2行，D（2020）列" in text and "不是数字" in text
    assert "第3行" in text and "不在指标体系中" in text
    assert "第4行" in text and "来源为空" in text
    assert not Observation.objects.exists()


def test_history_takes_only_the_breakdowns_the_catalogue_allows(plan, office, client_of):
    """A male series of 孕产妇死亡率 (women only) or a 城镇 row of 孕产妇系统管理率 (no breakdown) is refused
    with the row named; the 城镇/农村 rows of 孕产妇死亡率 (its catalogue entry has them) are fine."""
    client = client_of(office)
    data = xlsx([["指标", "单位", "性别", "城乡", "来源", 2018, 2019],
                 ["孕产妇死亡率", "1/10万", "男", "", "年鉴", 3.0, 2.0],
                 ["孕产妇系统管理率", "%", "", "城镇", "年鉴", 93.0, 94.0],
                 ["孕产妇死亡率", "1/10万", "", "农村", "年鉴", 12.0, 11.0]])
    page = client.post("/data/history/", {"file": _file("分组.xlsx", data)})
    text = page.content.decode()
    assert page.status_code == 400
    assert "第2行" in text and "不按性别分组" in text and "W1-03 孕产妇死亡率" in text
    assert "第3行" in text and "不按城乡分组" in text
    assert "第4行" not in text
    assert not Observation.objects.exists()


def test_csv_without_a_source_column_and_another_region_are_refused(plan, office, client_of):
    client = client_of(office)
    csv = "指标,年份,数值\n孕产妇死亡率,2019,9.1\n".encode()
    text = client.post("/data/history/", {"file": _file("h.csv", csv)}).content.decode()
    assert "缺少“来源”列" in text
    csv = "地区,指标,年份,数值,来源\n晋安区,孕产妇死亡率,2019,9.1,年鉴\n".encode("gb18030")
    text = client.post("/data/history/", {"file": _file("h.csv", csv)}).content.decode()
    assert "第2行" in text and "不是本地区" in text
    assert not Observation.objects.exists()


def test_history_never_overwrites_accepted_round_data(plan, office, client_of):
    ind = plan.indicators.get(name="孕产妇死亡率")
    Observation.objects.create(indicator=ind, region=plan.region, year=2021, value=8.0, origin="round")
    data = "指标,年份,数值,来源\n孕产妇死亡率,2020,8.5,年鉴\n孕产妇死亡率,2021,7.5,年鉴\n".encode()
    page = client_of(office).post("/data/history/", {"file": _file("h.csv", data)})
    assert page.status_code == 400 and "第3行" in page.content.decode() and "不覆盖审核数据" in page.content.decode()
    assert Observation.objects.get(indicator=ind, year=2021).value == 8.0
    assert not Observation.objects.filter(year=2020).exists()


def _fill_round(sub, reporter, values):
    """Every required cell of the department: ``values`` for the named indicators, 无数据 notes elsewhere."""
    rows = []
    for ind in collection.indicators_for(sub.department, sub.round.region):
        for cell in collection.grid(ind):
            if ind.name in values:
                rows.append(collection.RowIn(ind.pk, cell, value=values[ind.name], note="", version=0))
            else:
                rows.append(collection.RowIn(ind.pk, cell, note="无数据：2025年统计尚未发布", version=0))
    summary = collection.save_rows(sub, rows, reporter, "form")
    assert summary.ok, summary.errors


def test_demo_history_stays_after_the_first_accepted_2025_submission(
        plan, office, reporter, stats, client_of, django_capture_on_commit_callbacks):
    assert setup.fill_synthetic(plan)
    before = AssessmentRun.objects.get(plan=plan, region=plan.region)
    assert before.year == 2024
    rate_before = before.summary["2025"]["rate"]
    round_ = collection.open_round(plan.region, 2025, date.today() + timedelta(days=30), office)
    sub = round_.submissions.get(department__name="卫健局")
    mgmt = plan.indicators.get(name="孕产妇系统管理率")
    last = Observation.objects.get(indicator=mgmt, region=plan.region, year=2024, sex="", age="", residence="").value
    _fill_round(sub, reporter, {"孕产妇系统管理率": round(last + 0.1, 1)})
    collection.save_work_report(sub, reporter, {"work_progress": "落实规划", "work_problems": "", "work_next_year": ""})
    collection.submit(sub, reporter)
    with django_capture_on_commit_callbacks(execute=True):
        collection.accept(sub, stats)

    run = AssessmentRun.objects.get(plan=plan, region=plan.region, year=2025)
    assert run.synthetic  # labelled: the picture still holds the demo's synthetic history
    # the headline is judged on history + 2025, not on the one accepted indicator alone
    assert run.summary["2025"]["assessable"] >= before.summary["2025"]["assessable"]
    assert run.summary["2025"]["rate"] != 100.0 and rate_before != 100.0
    mmr = mgmt
    result = run.results.filter(indicator=mmr, sex="", age="", residence="").first()
    assert result.latest_year == 2025 and result.latest_value == pytest.approx(round(last + 0.1, 1))
    # the indicator page shows 2020–2024 beside 2025
    page = client_of(office).get(f"/monitoring/indicator/{mmr.pk}/").content.decode()
    for year in range(2020, 2026):
        assert f"<td>{year}</td>" in page or f">{year}<" in page, year
    years = set(Observation.objects.filter(indicator=mmr, region=plan.region).values_list("year", flat=True))
    assert set(range(2020, 2026)) <= years
