"""The indicator catalogue in the web: import links and fills departments, the review page shows
and changes links, the catalogue pages, and validation rules — the catalogue's cross-indicator
rule and an office's own rule — refusing a bad value on the form, in an Excel import and through
the API alike, with a Chinese message naming the cell."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tianping.core.workbook import DATA_SHEET, FIRST_ROW, LETTER
from tianping.web.catalogue.models import CatalogueEntry, ValidationRule
from tianping.web.collection.models import Entry
from tianping.web.plans.models import Indicator, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(imported_plan, office, regions):
    """Seed 002's children's plan for 西岗区, confirmed with the catalogue's department defaults,
    and an open 2024 round."""
    from tianping.web.collection import services as collection
    from tianping.web.plans import services

    plan = next(p for p in imported_plan("002") if p.kind == Plan.Kind.CHILDREN)
    services.confirm_plan(plan, office)
    collection.open_round(regions["210203"], 2024, date.today() + timedelta(days=30), office)
    return plan


def ind(plan, code) -> Indicator:
    return plan.indicators.get(catalogue__code=code)


def sub_for(plan, department="卫健局"):
    from tianping.web.collection.models import Submission

    return Submission.objects.get(round__region=plan.region, round__year=2024, department__name=department)


def form_post(client, sub, indicator, value):
    from django.urls import reverse

    data = {"value_0": value, "numerator_0": "", "denominator_0": "", "note_0": "", "version_0": 0}
    return client.post(reverse("collection:indicator", args=[sub.pk, indicator.pk]), data)


def excel_upload(client, sub, values: dict):
    from django.urls import reverse

    book = load_workbook(io.BytesIO(client.get(reverse("collection:template", args=[sub.pk])).content))
    sheet = book[DATA_SHEET]
    rows = {int(sheet[f"A{r}"].value): r for r in range(FIRST_ROW, sheet.max_row + 1)
            if sheet[f"A{r}"].value and sheet[f"{LETTER['residence']}{r}"].value in ("合计", "", None)}
    for indicator, value in values.items():
        sheet[f"{LETTER['value']}{rows[indicator.pk]}"] = value
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "卫健局.xlsx"
    return client.post(reverse("collection:upload", args=[sub.pk]), {"workbook": upload}), rows


def api_post(user, sub, rows):
    from tianping.web.orgs import tokens

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user)[1]}")
    return client.post(f"/api/submissions/{sub.pk}/observations/", {"observations": rows}, format="json")


# --- import, review, task division ---------------------------------------------------------

def test_import_links_every_numeric_indicator_and_fills_unit_and_department(children):
    numeric = children.indicators.filter(targets__kind="numeric").distinct()
    assert numeric.count() > 50
    assert not numeric.filter(catalogue=None).exists()
    assert not children.indicators.exclude(catalogue=None).filter(responsible_department=None).exists()
    injury = ind(children, "C2-01")
    assert injury.unit == "1/10万" and "相对变化幅度" in injury.unit_note and injury.catalogue_method == "exact"
    assert "不符" not in injury.unit_note, "the plan's % is the target's change, not a wrong unit"
    assert ind(children, "C1-01").responsible_department.name == "卫健局"
    assert ind(children, "C3-06").responsible_department.name == "教育局"


def test_review_page_shows_links_and_the_office_changes_one(imported_plan, client_of, office):
    plan = imported_plan("000")[0]
    page = client_of(office).get(f"/plans/{plan.pk}/review/").content.decode()
    assert 'href="/catalogue/W1-03/"' in page and "W1-03 孕产妇死亡率" in page
    assert 'id="unlinked"' in page and "正职" in page.split('id="unlinked"')[1].split("</ul>")[0]
    indicator = plan.indicators.filter(name="防治知识知晓率").first()
    other = CatalogueEntry.objects.get(code="W1-27")
    from tianping.web.plans.forms import IndicatorForm

    data = {k: v for k, v in IndicatorForm(instance=indicator).initial.items() if v is not None}
    data.update({"catalogue": other.pk, "responsible_department": indicator.responsible_department_id or "",
                 "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0})
    response = client_of(office).post(f"/plans/indicators/{indicator.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator.refresh_from_db()
    assert indicator.catalogue == other and indicator.catalogue_method == Indicator.LinkMethod.MANUAL


def test_women_only_indicators_never_get_a_male_cell(imported_plan, office):
    from tianping.web.collection.services import grid

    plan = imported_plan("000")[0]
    maternal = plan.indicators.get(name="孕产妇死亡率", catalogue__code="W1-03")
    maternal.by_sex = True
    maternal.save()
    maternal.refresh_from_db()
    assert maternal.by_sex is False and all(cell.sex == "" for cell in grid(maternal))


# --- pages -----------------------------------------------------------------------------------

def test_catalogue_pages(client_of, office, reporter):
    page = client_of(reporter).get("/catalogue/?q=死亡率").content.decode()
    assert "新生儿死亡率" in page and "孕产妇死亡率" in page and "妇女人均预期寿命" not in page
    detail = client_of(reporter).get("/catalogue/C1-01/").content.decode()
    assert "3‰以下" in detail and "中国儿童发展纲要" in detail and "活产数" in detail
    assert client_of(reporter).get("/catalogue/Z9-99/").status_code == 404
    sheet = load_workbook(io.BytesIO(client_of(reporter).get("/catalogue/export.xlsx").content)).active
    assert sheet["A1"].value == "编码" and sheet.max_row == CatalogueEntry.objects.count() + 1
    bad = client_of(office).post("/catalogue/new/", {"code": "X-001", "name": "妇女某率", "outline": "women",
                                                     "kind": "share", "unit": "%", "population": "women",
                                                     "direction": "up", "disaggregation_choices": ["sex"]})
    assert bad.status_code == 200 and "不能按性别分组" in bad.content.decode()
    good = client_of(office).post("/catalogue/new/", {"code": "x-001", "name": "社区妇女之家覆盖率", "outline": "women",
                                                      "kind": "share", "unit": "%", "population": "units",
                                                      "direction": "up", "low": 0, "high": 100, "lead": "妇联"})
    assert good.status_code == 302 and CatalogueEntry.objects.get(code="X-001").builtin is False
    from tianping.web.catalogue.services import current_catalogue

    assert current_catalogue().link("社区妇女之家覆盖率").code == "X-001"


# --- validation rules on every channel ---------------------------------------------------------

def test_cross_indicator_rule_refuses_on_form_excel_and_api(children, client_of, reporter):
    sub = sub_for(children)
    neonatal, infant = ind(children, "C1-01"), ind(children, "C1-02")
    client = client_of(reporter)
    assert form_post(client, sub, infant, "4.0").status_code == 302
    # form
    response = form_post(client, sub, neonatal, "5.0")
    text = response.content.decode()
    assert response.status_code == 400 and "新生儿死亡率" in text and "不应高于" in text and "婴儿死亡率" in text
    assert "合计" in text and not Entry.objects.filter(indicator=neonatal).exists()
    # Excel
    response, rows = excel_upload(client, sub, {neonatal: 6})
    text = response.content.decode()
    assert response.status_code == 400 and f"第{rows[neonatal.pk]}行" in text and "不应高于" in text
    assert not Entry.objects.filter(indicator=neonatal).exists()
    # API
    response = api_post(reporter, sub, [{"indicator": neonatal.pk, "value": 7, "version": 0}])
    errors = " ".join(response.json()["errors"])
    assert response.status_code in (400, 422) and "新生儿死亡率" in errors and "婴儿死亡率" in errors
    assert not Entry.objects.filter(indicator=neonatal).exists()
    # a right value passes every channel
    assert form_post(client, sub, neonatal, "2.0").status_code == 302


def test_office_rule_refuses_on_form_excel_and_api(children, client_of, reporter, office):
    response = client_of(office).post("/catalogue/rules/", {
        "add": "1", "name": "接种率底线", "left": CatalogueEntry.objects.get(code="C1-07").pk, "op": ">=",
        "right_value": 85, "message": "本区接种率多年在85%以上，低于此值请先核实"})
    assert response.status_code == 302
    assert ValidationRule.objects.get(name="接种率底线").region == office.region
    sub = sub_for(children)
    vaccine = ind(children, "C1-07")
    client = client_of(reporter)
    response = form_post(client, sub, vaccine, "70")
    text = response.content.decode()
    assert response.status_code == 400 and "接种率底线" in text and "85" in text and "合计" in text
    response, rows = excel_upload(client, sub, {vaccine: 71})
    text = response.content.decode()
    assert response.status_code == 400 and f"第{rows[vaccine.pk]}行" in text and "接种率底线" in text
    response = api_post(reporter, sub, [{"indicator": vaccine.pk, "value": 72, "version": 0}])
    assert "接种率底线" in " ".join(response.json()["errors"])
    assert not Entry.objects.filter(indicator=vaccine).exists()
    assert form_post(client, sub, vaccine, "96").status_code == 302
    # switched off, the rule no longer refuses
    rule = ValidationRule.objects.get(name="接种率底线")
    client_of(office).post("/catalogue/rules/", {"toggle": rule.pk})
    rule.refresh_from_db()
    assert rule.active is False


def test_catalogue_pages_speak_chinese(client_of, office, imported_plan):
    """The UI is Chinese: the catalogue's own strings are translated (the nav and page title said
    "Indicator catalogue"), and the link strings other pages borrow too."""
    import re

    plan = imported_plan("000")[0]
    client = client_of(office)
    for url in ("/catalogue/", "/catalogue/W1-03/", "/catalogue/rules/", "/catalogue/new/", f"/plans/{plan.pk}/review/"):
        html = client.get(url).content.decode()
        assert "指标目录" in html, url
        body = html.split("<body", 1)[1]
        visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", body, flags=re.S)
        english = [w for w in re.findall(r"[A-Za-z][a-z]{2,}(?: [a-z]{2,})+", visible)]
        assert english == [], (url, english[:10])


# --- breakdowns: only those the catalogue allows, on every channel --------------------------------

def test_breakdowns_the_catalogue_does_not_allow_are_refused_everywhere(children, client_of, reporter, office):
    """3岁以下儿童系统管理率 (C1-04) is reported by sex only, 新生儿死亡率 (C1-01) by sex and 城乡, child
    injury deaths (C2-01) also by age group: the framework form, the model, the entry grid, the Excel
    template and import and the API offer and accept nothing else, and say why in Chinese."""
    from django.urls import reverse

    from tianping.web.collection.services import grid

    managed, neonatal, injury = ind(children, "C1-04"), ind(children, "C1-01"), ind(children, "C2-01")
    # the model keeps only allowed flags; the grid offers only allowed cells
    managed.by_residence = managed.by_age = True
    managed.save()
    managed.refresh_from_db()
    assert not managed.by_residence and not managed.by_age
    assert {c.residence for c in grid(managed)} == {""} and {c.age for c in grid(managed)} == {""}
    injury.by_age = injury.by_residence = True
    injury.save()
    injury.refresh_from_db()
    assert injury.by_age and injury.by_residence and {"城镇", "农村"} <= {c.residence for c in grid(injury)}
    assert len({c.age for c in grid(injury)} - {""}) == 3

    # framework form: the flag is shown as not applicable; choosing an entry that lacks a ticked breakdown is refused
    office_client = client_of(office)
    page = office_client.get(f"/plans/indicators/{managed.pk}/").content.decode()
    assert "不适用：指标目录条目不按城乡分组。" in page and "不适用：指标目录条目不按年龄组分组。" in page
    from tianping.web.plans.forms import IndicatorForm

    neonatal.by_residence = True
    neonatal.save()
    data = {k: v for k, v in IndicatorForm(instance=neonatal).initial.items() if v not in (None, False)}
    data.update({"catalogue": CatalogueEntry.objects.get(code="C1-04").pk, "by_residence": "on",
                 "responsible_department": neonatal.responsible_department_id,
                 "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0})
    response = office_client.post(f"/plans/indicators/{neonatal.pk}/", data)
    text = response.content.decode()
    assert response.status_code == 200 and "指标目录条目“C1-04 3岁以下儿童系统管理率”不按城乡分组填报" in text
    neonatal.refresh_from_db()
    assert neonatal.catalogue.code == "C1-01" and neonatal.by_residence

    # entry form: no 城镇/农村 cells for the indicator
    sub = sub_for(children)
    client = client_of(reporter)
    form = client.get(reverse("collection:indicator", args=[sub.pk, managed.pk])).content.decode()
    assert "城镇" not in form and "农村" not in form
    assert "城镇" in client.get(reverse("collection:indicator", args=[sub.pk, neonatal.pk])).content.decode()

    # Excel: the template has no such row; a row added by hand is refused, naming the row and why
    book = load_workbook(io.BytesIO(client.get(reverse("collection:template", args=[sub.pk])).content))
    sheet = book[DATA_SHEET]
    rows = [r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet[f"A{r}"].value == managed.pk]
    assert [sheet[f"{LETTER['residence']}{r}"].value for r in rows if sheet[f"{LETTER['residence']}{r}"].value
            not in (None, "", "合计")] == []
    added = sheet.max_row + 1
    for column in LETTER.values():
        sheet[f"{column}{added}"] = sheet[f"{column}{rows[0]}"].value
    sheet[f"{LETTER['residence']}{added}"] = "农村"
    sheet[f"{LETTER['value']}{added}"] = 93
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "卫健局.xlsx"
    response = client.post(reverse("collection:upload", args=[sub.pk]), {"workbook": upload})
    text = response.content.decode()
    assert response.status_code == 400 and f"第{added}行" in text, text[-3000:]
    assert "指标目录（C1-04 3岁以下儿童系统管理率）规定该指标不按城乡分组填报" in text
    assert not Entry.objects.filter(indicator=managed).exists()

    # API: a 农村 cell or an age group the entry does not allow is refused, naming the item
    response = api_post(reporter, sub, [{"indicator": managed.pk, "value": 90, "version": 0},
                                        {"indicator": managed.pk, "residence": "农村", "value": 91, "version": 0},
                                        {"indicator": neonatal.pk, "age": "0-6岁", "value": 2, "version": 0}])
    errors = " ".join(response.json()["errors"])
    assert response.status_code in (400, 422), errors
    assert "第2条" in errors and "不按城乡分组" in errors and "第3条" in errors and "不按年龄组分组" in errors
    assert not Entry.objects.filter(indicator__in=[managed, neonatal]).exists()
