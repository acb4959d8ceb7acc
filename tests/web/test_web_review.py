"""The office's review of an imported plan: correcting targets, the indicator
framework, the task division, merge/split/add/delete, confirmation, exports."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tianping.web.orgs.models import Department
from tianping.web.plans.models import Indicator, Plan


@pytest.fixture
def plan(imported_plan):
    return imported_plan("000")[0]


def indicator_form(indicator, **changes):
    """The edit form as the page renders it, with ``changes`` applied (target_0_value=...)."""
    data = {"name": indicator.name, "unit": indicator.unit, "direction": indicator.direction,
            "responsible_department": indicator.responsible_department_id or "", "definition": indicator.definition,
            "numerator": "", "denominator": "", "multiplier": "", "data_source": "", "proxy_for": ""}
    targets = list(indicator.targets.all())
    data.update({"targets-TOTAL_FORMS": len(targets), "targets-INITIAL_FORMS": len(targets),
                 "targets-MIN_NUM_FORMS": 0, "targets-MAX_NUM_FORMS": 1000})
    for i, t in enumerate(targets):
        data.update({f"targets-{i}-id": t.pk, f"targets-{i}-indicator": indicator.pk, f"targets-{i}-year": t.year,
                     f"targets-{i}-op": t.op, f"targets-{i}-value": "" if t.value is None else t.value,
                     f"targets-{i}-upper": "" if t.upper is None else t.upper, f"targets-{i}-unit": t.unit,
                     f"targets-{i}-base_year": t.base_year or "", f"targets-{i}-tolerance": "",
                     f"targets-{i}-kind": t.kind})
    data.update(changes)
    return data


def maternal(plan) -> Indicator:
    return plan.indicators.filter(name__contains="孕产妇死亡率", targets__value__isnull=False).first()


def test_correcting_a_target_and_assigning_the_department(plan, client_of, office):
    indicator = maternal(plan)
    health = Department.objects.get(region=plan.region, name="卫健局")
    response = client_of(office).post(f"/plans/indicators/{indicator.pk}/", indicator_form(
        indicator, responsible_department=health.pk, **{
            "targets-0-value": "8.5", "targets-0-tolerance": "0.5", "by_residence": "on"}))
    assert response.status_code == 302
    indicator.refresh_from_db()
    target = indicator.targets.first()
    assert (target.value, target.tolerance) == (8.5, 0.5)
    assert indicator.responsible_department == health and indicator.by_residence


def test_a_target_can_be_marked_qualitative_and_a_new_one_added(plan, client_of, office):
    indicator = maternal(plan)
    before = indicator.targets.count()
    data = indicator_form(indicator, **{"targets-0-op": "qualitative", "targets-0-kind": "qualitative",
                                        "targets-0-value": ""})
    n = before
    data.update({"targets-TOTAL_FORMS": n + 1, f"targets-{n}-year": 2025, f"targets-{n}-op": "<=",
                 f"targets-{n}-value": "9", f"targets-{n}-unit": "1/10万", f"targets-{n}-kind": "numeric"})
    assert client_of(office).post(f"/plans/indicators/{indicator.pk}/", data).status_code == 302
    assert indicator.targets.count() == before + 1
    assert indicator.targets.filter(kind="qualitative").exists()


def test_an_invalid_value_is_refused_with_a_chinese_message_and_nothing_saved(plan, client_of, office):
    indicator = maternal(plan)
    old = indicator.targets.first().value
    response = client_of(office).post(f"/plans/indicators/{indicator.pk}/",
                                      indicator_form(indicator, **{"targets-0-value": "九"}))
    assert response.status_code == 200 and "输入一个数字" in response.content.decode()
    assert indicator.targets.first().value == old


def test_a_department_of_another_region_cannot_be_assigned(plan, client_of, office, regions):
    indicator = maternal(plan)
    elsewhere = Department.objects.get(region=regions["220113"], name="卫健局")
    response = client_of(office).post(f"/plans/indicators/{indicator.pk}/",
                                      indicator_form(indicator, responsible_department=elsewhere.pk))
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.responsible_department is None


def test_measure_lead_and_cooperating_departments(plan, client_of, office):
    measure = plan.areas.first().measures.first()
    names = ["卫健局", "妇联", "医保局"]
    lead, *others = [Department.objects.get(region=plan.region, name=n) for n in names]
    client = client_of(office)
    refused = client.post(f"/plans/measures/{measure.pk}/", {"lead_department": lead.pk,
                                                            "cooperating_departments": [lead.pk]})
    assert "牵头单位不能同时是配合单位" in refused.content.decode()
    client.post(f"/plans/measures/{measure.pk}/", {"lead_department": lead.pk,
                                                  "cooperating_departments": [d.pk for d in others]})
    measure.refresh_from_db()
    assert measure.lead_department == lead and set(measure.cooperating_departments.all()) == set(others)


def test_merge_split_add_and_delete(plan, client_of, office):
    client = client_of(office)
    keep, absorb = plan.indicators.filter(targets__isnull=False).distinct()[:2]
    moved = set(absorb.targets.values_list("pk", flat=True))
    client.post(f"/plans/indicators/{keep.pk}/merge/", {"other": absorb.pk})
    assert not Indicator.objects.filter(pk=absorb.pk).exists()
    assert moved <= set(keep.targets.values_list("pk", flat=True))

    target = keep.targets.first()
    response = client.post(f"/plans/targets/{target.pk}/split/")
    target.refresh_from_db()
    assert target.indicator_id != keep.pk and response.url == f"/plans/indicators/{target.indicator_id}/"

    count = plan.indicators.count()
    client.post(f"/plans/{plan.pk}/indicators/new/", {"name": "妇女议事会覆盖率", "area": plan.areas.first().pk})
    assert plan.indicators.count() == count + 1
    added = plan.indicators.get(name="妇女议事会覆盖率")
    client.post(f"/plans/indicators/{added.pk}/delete/")
    assert plan.indicators.count() == count


def test_confirming_makes_the_plan_confirmed_once(plan, client_of, office):
    client = client_of(office)
    assert client.post(f"/plans/{plan.pk}/confirm/").status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CONFIRMED and plan.confirmed_by == office and plan.confirmed_at
    assert client.post(f"/plans/{plan.pk}/delete/").status_code == 302
    assert Plan.objects.filter(pk=plan.pk).exists()  # a confirmed plan is not discarded


def test_free_text_is_escaped_on_every_page(plan, client_of, office):
    indicator = maternal(plan)
    indicator.name = "<script>alert(1)</script>率"
    indicator.definition = "<img src=x onerror=alert(2)>"
    indicator.save()
    client = client_of(office)
    for url in [f"/plans/{plan.pk}/review/", f"/plans/{plan.pk}/", f"/plans/{plan.pk}/framework/",
                f"/plans/indicators/{indicator.pk}/"]:
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(1)" in page, url


def test_framework_and_task_division_export_to_excel_and_word(plan, client_of, office):
    indicator = maternal(plan)
    indicator.responsible_department = Department.objects.get(region=plan.region, name="卫健局")
    indicator.save()
    client = client_of(office)
    sheet = load_workbook(io.BytesIO(client.get(f"/plans/{plan.pk}/export/framework.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "指标" and len(rows) == plan.indicators.count() + 1
    assert any(r[2] == indicator.name and r[5] == "卫健局" for r in rows[1:])
    doc = Document(io.BytesIO(client.get(f"/plans/{plan.pk}/export/tasks.docx").content))
    measures = sum(a.measures.count() for a in plan.areas.all())
    assert len(doc.tables[0].rows) == measures + 1 and doc.tables[0].rows[0].cells[3].text == "牵头单位"
    assert client.get(f"/plans/{plan.pk}/export/secrets.xlsx").status_code == 404


def test_a_confirmed_plan_keeps_its_targets_but_its_framework_stays_editable(plan, client_of, office):
    from tianping.web.plans import services

    services.confirm_plan(plan, office)
    indicator = maternal(plan)
    old_value, old_name = indicator.targets.first().value, indicator.name
    health = Department.objects.get(region=plan.region, name="卫健局")
    client = client_of(office)
    response = client.post(f"/plans/indicators/{indicator.pk}/", indicator_form(
        indicator, name="改名", responsible_department=health.pk, **{"targets-0-value": "1"}))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.responsible_department == health
    assert indicator.name == old_name and indicator.targets.first().value == old_value

    count = plan.indicators.count()
    refused = client.post(f"/plans/{plan.pk}/indicators/new/", {"name": "新指标"}, follow=True).content.decode()
    assert "只能通过导入修订版" in refused and plan.indicators.count() == count
    client.post(f"/plans/indicators/{indicator.pk}/delete/")
    client.post(f"/plans/targets/{indicator.targets.first().pk}/split/")
    assert plan.indicators.count() == count and indicator.targets.count() >= 1


def test_the_department_of_another_region_is_refused_in_the_framework_table(plan, client_of, office, regions):
    indicator = maternal(plan)
    elsewhere = Department.objects.get(region=regions["220113"], name="卫健局")
    client = client_of(office)
    response = client.post(f"/plans/indicators/{indicator.pk}/department/", {"responsible_department": elsewhere.pk})
    assert response.status_code == 400
    health = Department.objects.get(region=plan.region, name="卫健局")
    fragment = client.post(f"/plans/indicators/{indicator.pk}/department/", {"responsible_department": health.pk},
                           HTTP_HX_REQUEST="true").content.decode()
    assert "已保存" in fragment and f'value="{health.pk}" selected' in fragment
    indicator.refresh_from_db()
    assert indicator.responsible_department == health


def test_a_garbled_id_in_a_form_gets_a_chinese_message_not_a_server_error(plan, client_of, office):
    """A hand-edited or truncated POST ("other=abc", "area=1x") is a bad choice, not a 500."""
    client = client_of(office)
    keep = plan.indicators.first()
    count = plan.indicators.count()
    page = client.post(f"/plans/indicators/{keep.pk}/merge/", {"other": "abc"}, follow=True)
    assert page.status_code == 200 and "请选择要并入本指标的指标" in page.content.decode()
    assert plan.indicators.count() == count
    client.post(f"/plans/{plan.pk}/indicators/new/", {"name": "妇女议事会覆盖率", "area": "1x"})
    added = plan.indicators.get(name="妇女议事会覆盖率")
    assert added.area is None and plan.indicators.count() == count + 1
    assert client.post(f"/plans/indicators/{keep.pk}/department/", {"responsible_department": "²"}).status_code == 400
