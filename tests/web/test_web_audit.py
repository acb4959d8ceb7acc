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
    assert _changes(sub, "work_progress")[0][:2] == ("初稿", "改稿")
