"""The plan overview and review pages: a fixed number of queries however big the plan,
everything the old per-row templates showed still shown, and the office's corrections of
extracted targets visible beside what the parser read."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from test_web_review import indicator_form, maternal

from tianping.web.observations.models import Observation
from tianping.web.plans.models import Baseline, Goal, Indicator, Measure, Target


@pytest.fixture
def plan(imported_plan):
    return imported_plan("000")[0]


def grow(plan, n: int) -> None:
    """n more indicators under a new goal, a new measure and the indicator table, each with
    two targets, a baseline, a responsible department and observations (some synthetic)."""
    area = plan.areas.first()
    goal = Goal.objects.create(area=area, number=99, text="增长测试目标")
    measure = Measure.objects.create(area=area, number=99, title="增长测试措施",
                                     lead_department=plan.region.departments.first())
    measure.cooperating_departments.set(plan.region.departments.all()[1:4])
    department = plan.region.departments.get(name="卫健局")
    for k in range(n):
        where = [{"area": area, "goal": goal}, {"area": area, "measure": measure}, {}][k % 3]
        indicator = Indicator.objects.create(plan=plan, name=f"增长指标{k}", unit="%", position=1000 + k,
                                             responsible_department=department, **where)
        Target.objects.create(indicator=indicator, year=2025, op=">=", value=80, unit="%")
        Target.objects.create(indicator=indicator, year=2030, op=">=", value=90, unit="%")
        Baseline.objects.create(indicator=indicator, year=2020, value=70, unit="%")
        Observation.objects.bulk_create(Observation(indicator=indicator, region=plan.region, year=y, value=70 + y % 10,
                                                    synthetic=y % 2 == 0) for y in (2021, 2022))


@pytest.mark.parametrize("page", ["review/", "", "framework/"])
def test_queries_do_not_grow_with_the_number_of_indicators(plan, client_of, office, django_assert_max_num_queries,
                                                          page):
    url = f"/plans/{plan.pk}/{page}"
    client = client_of(office)
    client.get(url)  # session and caches warm
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    indicators = plan.indicators.count()
    grow(plan, 60)
    assert plan.indicators.count() == indicators + 60
    with django_assert_max_num_queries(len(before)):
        html = client.get(url).content.decode()
    if page == "framework/":
        # (the office's rows start with the curation checkbox)
        row = re.search(r'<tr id="framework-\d+">(?:<td><input[^>]*></td>)?<td>[^<]*</td><td>增长指标0</td>.*?</tr>',
                        html, re.S).group(0)
        assert "80%" in row and "基期2020年：70%" in row and re.search(r'<option value="\d+" selected>卫健局', row)
        assert html.count('id="framework-') == indicators + 60
        return
    # ...and the new rows are all there, with their targets, baseline, department and data.
    assert len(re.findall(r'<tr id="indicator-\d+">', html)) >= 40  # goal and table rows (measure ones are inline)
    unlinked_list = 60 if page == "review/" else 0   # the review page lists them again as not linked to the catalogue
    assert html.count("增长指标") == 60 + unlinked_list and "增长测试措施" in html
    row = re.search(r'<tr id="indicator-\d+">\s*<td>增长指标0.*?</tr>', html, re.S).group(0)
    assert "80%以上" in row and "90%以上" in row and "基期2020年：70%" in row
    assert "卫健局" in row and "2条数据" in row and "合成" in row


def test_the_tree_shows_what_the_plan_holds(plan, client_of, office):
    html = client_of(office).get(f"/plans/{plan.pk}/review/").content.decode()
    for area in plan.areas.all():
        assert f"（{area.number}）{area.name}" in html
    for indicator in plan.indicators.all():
        assert f'id="indicator-{indicator.pk}"' in html or indicator.measure_id, indicator.name
        assert f"/plans/indicators/{indicator.pk}/" in html
    for target in Target.objects.filter(indicator__plan=plan):
        assert f'data-target="{target.pk}"' in html
    assert "已修改" not in html and "办公室添加" not in html  # nothing corrected yet


def test_an_indicator_added_to_an_area_is_listed(plan, client_of, office):
    client = client_of(office)
    area = plan.areas.last()
    client.post(f"/plans/{plan.pk}/indicators/new/", {"name": "妇女议事会覆盖率", "area": area.pk})
    added = plan.indicators.get(name="妇女议事会覆盖率")
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    section = html[html.index(f'id="area-{area.pk}"'):]
    assert f'id="indicator-{added.pk}"' in section.split("</section>")[0]


def test_the_review_page_marks_a_corrected_target_with_what_was_extracted(plan, client_of, office):
    indicator = maternal(plan)
    target = indicator.targets.first()
    extracted = target.dated_phrase
    assert target.extracted == {"year": target.year, "op": target.op, "value": target.value, "upper": target.upper,
                                "unit": target.unit, "base_year": target.base_year, "tolerance": None,
                                "kind": target.kind}
    client = client_of(office)
    response = client.post(f"/plans/indicators/{indicator.pk}/", indicator_form(indicator, **{
        "targets-0-value": "8.5"}))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 8.5 and target.corrected and target.extracted["value"] != 8.5

    for url in [f"/plans/{plan.pk}/review/", f"/plans/{plan.pk}/"]:
        html = client.get(url).content.decode()
        item = re.search(rf'<li data-target="{target.pk}" class="corrected">.*?</li>', html, re.S).group(0)
        assert "8.5" in item, url
        assert f"已修改（原：{extracted}）" in item, url
    # The other targets of the plan are not marked.
    assert len(re.findall(r'class="corrected"', html)) == 1
    # The edit form shows it beside the target's row too.
    edit = client.get(f"/plans/indicators/{indicator.pk}/").content.decode()
    assert f"已修改（原：{extracted}）" in edit

    # Put back as extracted: no longer marked (the value compared as a number).
    client.post(f"/plans/indicators/{indicator.pk}/", indicator_form(indicator, **{
        "targets-0-value": str(target.extracted["value"])}))
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert "已修改" not in html


def test_a_target_the_office_added_is_marked_as_added(plan, client_of, office):
    indicator = maternal(plan)
    data = indicator_form(indicator)
    n = indicator.targets.count()
    data.update({"targets-TOTAL_FORMS": n + 1, f"targets-{n}-year": 2028, f"targets-{n}-op": "<=",
                 f"targets-{n}-value": "9.5", f"targets-{n}-unit": "1/10万", f"targets-{n}-kind": "numeric"})
    client = client_of(office)
    assert client.post(f"/plans/indicators/{indicator.pk}/", data).status_code == 302
    added = indicator.targets.get(year=2028)
    assert added.extracted is None and not added.corrected
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    item = re.search(rf'<li data-target="{added.pk}"[^>]*>.*?</li>', html, re.S).group(0)
    assert "办公室添加" in item and "9.5/10万" in item


def test_changing_the_operator_or_tolerance_counts_as_a_correction(plan):
    target = Target.objects.filter(indicator__plan=plan, op="<=", value__isnull=False).first()
    assert not target.corrected and target.correction_label == ""
    target.op = "<"
    assert target.corrected and "以下" in target.correction_label
    target.op = target.extracted["op"]
    target.tolerance = 0.5
    assert target.corrected
