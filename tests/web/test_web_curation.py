"""Framework curation on the real database: many indicators assigned at once, a real
分工方案 .xlsx imported all or nothing (errors naming sheet, row and cell), directional and
qualitative targets sent to the evaluation group, who is told."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tianping.web.monitoring.models import Notification
from tianping.web.plans.models import Plan, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(imported_plan):
    plan = imported_plan("000")[0]
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    return plan


def xlsx(rows, title="分工方案"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["西岗区妇女发展规划任务分工方案"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_many_indicators_get_one_department_in_one_action(plan, office, client_of):
    from tianping.web.orgs.models import Department

    health = Department.objects.get(region=plan.region, name="卫健局")
    picked = list(plan.indicators.order_by("position")[:12])
    page = client_of(office).get(f"/plans/{plan.pk}/framework/").content.decode()
    assert 'form="curate-form"' in page and 'id="division-form"' in page
    r = client_of(office).post(f"/plans/{plan.pk}/framework/bulk/", {"action": "assign", "department": health.pk,
                                                                     "pick": [i.pk for i in picked]})
    assert r.status_code == 302
    assert plan.indicators.filter(responsible_department=health).count() == 12


def test_a_task_division_spreadsheet_assigns_lead_departments(plan, office, client_of):
    data = xlsx([["序号", "监测指标", "牵头单位", "配合单位"],
                 [1, "孕产妇死亡率", "卫健局", "妇联、统计局"],
                 [2, "九年义务教育巩固率", "教育局", ""],
                 [3, "就业人员中的女性比例", "人社局", "统计局"]])
    r = client_of(office).post(f"/plans/{plan.pk}/framework/division/",
                               {"file": SimpleUploadedFile("分工方案.xlsx", data)}, follow=True)
    assert "3" in r.content.decode()
    assert plan.indicators.get(name="孕产妇死亡率").responsible_department.name == "卫健局"
    assert plan.indicators.get(name="九年义务教育巩固率").responsible_department.name == "教育局"


def test_a_bad_division_changes_nothing_and_names_the_places(plan, office, client_of):
    data = xlsx([["监测指标", "责任单位"], ["孕产妇死亡率", "卫健局"], ["不存在的指标", "教育局"],
                 ["九年义务教育巩固率", "教委"]], title="附件")
    r = client_of(office).post(f"/plans/{plan.pk}/framework/division/",
                               {"file": SimpleUploadedFile("分工.xlsx", data)}, follow=True)
    text = r.content.decode()
    assert "工作表“附件”，第4行" in text and "不存在的指标" in text
    assert "第5行" in text and "“教委”不是西岗区的成员单位" in text
    assert not plan.indicators.filter(responsible_department__isnull=False).exists()


def test_directional_targets_go_to_the_evaluation_group(plan, office, expert, client_of,
                                                        django_capture_on_commit_callbacks):
    directional = list(plan.indicators.filter(targets__op__in=["increase", "decrease"]).distinct()[:3])
    assert len(directional) == 3
    with django_capture_on_commit_callbacks(execute=True):
        client_of(office).post(f"/plans/{plan.pk}/framework/bulk/",
                               {"action": "judge", "pick": [i.pk for i in directional]})
    assert not Target.objects.filter(indicator__in=directional, op__in=["increase", "decrease"]).exists()
    note = Notification.objects.get(user=expert)
    assert "3项指标" in note.text and note.url.startswith("/monitoring/judgements/")
    page = client_of(expert).get(note.url).content.decode()
    assert all(i.name in page for i in directional)
