"""Every change of the framework and of report texts is kept with its old value (outside
review, finding 8: an indicator moved to another department, its multiplier changed and the
work report edited left no record)."""

from __future__ import annotations

from django.test import Client

from tianping.web.orgs.models import Department, FieldChange


def _changes(obj, field):
    return list(FieldChange.objects.filter(model=obj._meta.label, object_id=obj.pk, field=field)
                .values_list("old", "new", "user__username"))


def test_moving_an_indicator_to_another_department_is_recorded(imported_plan, office, regions):
    plan = imported_plan("000")[0]
    indicator = plan.indicators.order_by("position").first()
    health, hr = (Department.objects.get(region=regions["210203"], name=n) for n in ("卫健局", "人社局"))
    c = Client()
    c.force_login(office)
    for dept in (health, hr):
        assert c.post(f"/plans/indicators/{indicator.pk}/department/",
                      {"responsible_department": dept.pk}).status_code in (200, 302)
    assert _changes(indicator, "responsible_department") == [(health.pk, hr.pk, office.username),
                                                             (None, health.pk, office.username)]


def test_multiplier_change_outside_any_page_is_recorded_too(imported_plan):
    indicator = imported_plan("000")[0].indicators.order_by("position").first()
    before = indicator.multiplier
    indicator.multiplier = 1000
    indicator.save()
    assert _changes(indicator, "multiplier") == [(before, 1000, None)]


def test_report_and_work_report_texts_keep_their_old_value(imported_plan, office, reporter, regions):
    from tianping.web.collection import services as coll
    from tianping.web.publishing import services as pub

    plan = imported_plan("000")[0]
    report = pub.create_report(plan, plan.region, "annual", 2024, office)
    pub.edit_sections(report, office, "第一稿问题", "建议")
    pub.edit_sections(report, office, "改写后的问题", "建议")
    assert _changes(report, "problems")[0] == ("第一稿问题", "改写后的问题", None)
    from datetime import date, timedelta

    from tianping.web.plans.models import Plan
    health = Department.objects.get(region=regions["210203"], name="卫健局")
    plan.indicators.filter(pk=plan.indicators.order_by("position").first().pk).update(responsible_department=health)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CONFIRMED)
    rnd = coll.open_round(plan.region, 2024, date.today() + timedelta(days=30), office)
    sub = rnd.submissions.get(department=health)
    coll.save_work_report(sub, reporter, {"work_progress": "初稿", "work_problems": "", "work_next_year": ""})
    coll.save_work_report(sub, reporter, {"work_progress": "改稿", "work_problems": "", "work_next_year": ""})
    assert _changes(sub.work_report(), "progress")[0][:2] == ("初稿", "改稿")   # the text lives in DepartmentReport


# ---------------------------------------------------------------- bulk paths (issue 16)
# QuerySet.update(), bulk_update() and upserts skip save() and its signal: the audit records them
# set-based, refuses an unrecorded upsert, and reported values change only through their service.

def _observation(plan, region, value=40.0):
    from tianping.web.observations.models import Observation

    return Observation.objects.create(indicator=plan.indicators.order_by("position").first(), region=region,
                                      year=2020, value=value, origin=Observation.Origin.HISTORY, source="年鉴")


def test_no_audited_value_changes_through_a_bulk_path_without_a_record(imported_plan, regions, office):
    """Each audited kind of record, changed through QuerySet.update(): a FieldChange with the old value."""
    import pytest
    from django.db.models import F

    from tianping.web.collection.models import DepartmentReport
    from tianping.web.observations.models import Observation
    from tianping.web.plans.models import Indicator, Plan, Target

    plan = imported_plan("000")[0]
    region = regions["210203"]
    indicator = plan.indicators.order_by("position").first()
    target = Target.objects.filter(indicator__plan=plan, value__isnull=False).first()
    obs = _observation(plan, region)
    from datetime import date, timedelta

    from tianping.web.collection import services as coll
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CONFIRMED)
    health = Department.objects.get(region=region, name="卫健局")
    Indicator.objects.filter(pk=indicator.pk).update(responsible_department=health)
    sub = coll.open_round(region, 2024, date.today() + timedelta(days=30), office).submissions.first()
    report = DepartmentReport.objects.create(region=region, department=sub.department, year=2024, progress="初稿")
    cases = [(Plan, plan.pk, "title", {"title": "改写的规划名称"}),
             (Indicator, indicator.pk, "multiplier", {"multiplier": 1000}),
             (Indicator, indicator.pk, "unit", {"unit": "‰"}),
             (Target, target.pk, "value", {"value": F("value") + 1}),
             (Observation, obs.pk, "value", {"value": 12.34}),
             (DepartmentReport, report.pk, "progress", {"progress": "改写的工作报告"})]
    for model, pk, field, change in cases:
        before = model.objects.filter(pk=pk).values_list(field, flat=True).get()
        assert model.objects.filter(pk=pk).update(**change) == 1
        after = model.objects.filter(pk=pk).values_list(field, flat=True).get()
        assert before != after
        recorded = list(FieldChange.objects.filter(model=model._meta.label, object_id=pk, field=field)
                        .values_list("old", "new"))
        assert recorded[0] == (before, after), (model, field, recorded)
    assert _changes(indicator, "responsible_department")[0][:2] == (None, health.pk)
    # an unrecorded upsert of observations is refused, not silently allowed
    with pytest.raises(RuntimeError, match="audit.upsert"):
        Observation.objects.bulk_create([Observation(indicator=indicator, region=region, year=2020, value=1.0)],
                                        update_conflicts=True,
                                        unique_fields=["indicator", "region", "year", "sex", "age", "residence"],
                                        update_fields=["value"])


def test_bulk_update_and_department_assignment_are_recorded_once(imported_plan, regions, office):
    from tianping.web.plans import curation
    from tianping.web.plans.models import Indicator

    plan = imported_plan("000")[0]
    picked = list(plan.indicators.order_by("position")[:5])
    hr = Department.objects.get(region=regions["210203"], name="人社局")
    assert curation.assign(plan, picked, hr) == 5          # the 批量分配 page's QuerySet.update()
    for ind in picked:
        assert _changes(ind, "responsible_department") == [(None, hr.pk, None)]
    before = {ind.pk: ind.multiplier for ind in picked}
    known = FieldChange.objects.count()
    for n, ind in enumerate(picked):
        ind.multiplier = 1000 + n
    Indicator.objects.bulk_update(picked, ["multiplier"])
    for n, ind in enumerate(picked):
        assert _changes(ind, "multiplier")[0][:2] == (before[ind.pk], 1000 + n)
    assert FieldChange.objects.count() == known + 5          # once each (bulk_update runs update() inside)


def test_an_upsert_keeps_what_it_overwrote(imported_plan, regions):
    from tianping.web import audit
    from tianping.web.observations.models import Observation

    plan = imported_plan("000")[0]
    region = regions["210203"]
    obs = _observation(plan, region, value=40.0)
    audit.upsert(Observation.objects.filter(region=region, year=2020),
                 [Observation(indicator=obs.indicator, region=region, year=2020, value=41.5, source="统计公报",
                              origin=Observation.Origin.HISTORY)],
                 unique_fields=["indicator", "region", "year", "sex", "age", "residence"],
                 update_fields=["value", "source", "updated_at"])
    obs.refresh_from_db()
    assert obs.value == 41.5
    assert _changes(obs, "value") == [(40.0, 41.5, None)]
    assert _changes(obs, "source") == [("年鉴", "统计公报", None)]


def test_reported_values_cannot_be_updated_around_their_service(imported_plan):
    import pytest

    from tianping.web.collection.models import Entry

    with pytest.raises(RuntimeError, match="save_rows"):
        Entry.objects.filter(pk=0).update(value=1.0)
