"""Warnings from the collection workflow on the real database: a round's accepted data
raises warnings for the responsible department, which is notified (in-app and e-mail),
answers with an explanation and a measure; the office resolves. Closing the round adds
late-data warnings. Who may see and do what."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils.html import escape

from tianping.core.validation import Cell
from tianping.web.collection import services as collection
from tianping.web.monitoring import services
from tianping.web.monitoring.models import (
    AssessmentRun,
    Notification,
    Warning,
    WarningEvent,
)
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Department, User
from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(imported_plan, regions):
    """Seed 000 with two indicators assigned (孕产妇死亡率 → 卫健局, 妇女基本养老保险参保率 → 人社局) and
    four earlier years of accepted 孕产妇死亡率 rising towards the 2025 target of ≤9/10万."""
    plan = imported_plan("000")[0]
    region = regions["210203"]
    health = Department.objects.get(region=region, name="卫健局")
    labour = Department.objects.get(region=region, name="人社局")
    mmr = plan.indicators.filter(name="孕产妇死亡率").first()
    mmr.responsible_department = health
    mmr.save()
    count = plan.indicators.filter(name="妇女基本养老保险参保率").first()
    count.responsible_department = labour
    count.save()
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    for year, value in zip(range(2020, 2024), (7.0, 7.6, 8.1, 8.7)):
        Observation.objects.create(indicator=mmr, region=region, year=year, value=value)
    return {"plan": plan, "mmr": mmr, "count": count, "health": health, "labour": labour}


@pytest.fixture
def hr_reporter(regions):
    dept = Department.objects.get(region=regions["210203"], name="人社局")
    return User.objects.create_user(username="hr1", password="x-Tianping-2030", role="reporter",
                                    region=regions["210203"], department=dept, email="hr@example.org")


def accept_health_2024(framework, office, reporter, stats, capture, value=9.4):
    round_ = collection.open_round(framework["mmr"].plan.region, 2024, date.today() + timedelta(days=30), office)
    sub = round_.submissions.get(department=framework["health"])
    summary = collection.save_rows(sub, [collection.RowIn(framework["mmr"].pk, Cell(), value=value, version=0,
                                                          note="流动人口孕产妇死亡增加")], reporter, "form")
    assert summary.ok, summary.errors
    collection.save_work_report(sub, reporter, {"work_progress": "开展高危孕产妇专案管理", "work_problems": "",
                                                "work_next_year": "加强转诊"})
    collection.submit(sub, reporter)
    with capture(execute=True):
        collection.accept(sub, stats)
    return round_


def test_accepted_data_raises_warnings_for_the_responsible_department(
        framework, office, reporter, stats, hr_reporter, client_of, settings, django_capture_on_commit_callbacks):
    settings.TIANPING_EMAIL_NOTIFICATIONS = True
    reporter.email = "health@example.org"
    reporter.save()
    assert not Warning.objects.exists()
    accept_health_2024(framework, office, reporter, stats, django_capture_on_commit_callbacks)

    run = AssessmentRun.objects.get(plan=framework["plan"], region=framework["plan"].region, year=2024)
    assert not run.synthetic and run.trigger.startswith("accepted:")
    warnings = Warning.objects.filter(indicator=framework["mmr"])
    assert warnings.exists()
    assert {w.department for w in warnings} == {framework["health"]}
    red = warnings.get(kind="projected_miss", milestone=2025)
    assert red.level == "red" and "孕产妇死亡率" in red.reason
    assert red.events.get().action == WarningEvent.Action.RAISED
    # mid-round: no late-data warning for the department that has not reported yet
    assert not Warning.objects.filter(kind__in=services.DATA_KINDS).exists()

    # the department is told, in the app and by e-mail; the other department is not
    note = Notification.objects.get(user=reporter, kind="warning")  # (besides "accepted")
    assert "新预警" in note.text and note.url == "/monitoring/warnings/"
    assert not Notification.objects.filter(user=hr_reporter).exists()
    assert Notification.objects.filter(user=office).exists()
    assert {tuple(m.to) for m in mail.outbox} == {("health@example.org",)}   # the warning and "accepted"
    assert sum("预警" in m.subject for m in mail.outbox) == 1

    health, labour = client_of(reporter), client_of(hr_reporter)
    page = health.get("/monitoring/warnings/").content.decode()
    assert escape(red.reason) in page
    assert escape(red.reason) not in labour.get("/monitoring/warnings/").content.decode()
    assert labour.get(f"/monitoring/warnings/{red.pk}/").status_code == 404
    assert labour.post(f"/monitoring/warnings/{red.pk}/", {"action": "acknowledge", "explanation": "x",
                                                            "measure": "y"}).status_code == 404

    # the indicator page is served from cache until the region's data changes
    office_client = client_of(office)
    url = f"/monitoring/indicator/{framework['mmr'].pk}/"
    office_client.get("/")                                   # the browser has its CSRF cookie
    assert "X-Monitoring-Cache" not in office_client.get(url).headers
    assert office_client.get(url).headers["X-Monitoring-Cache"] == "hit"

    # acknowledgement: stored, in the history, shown (escaped) on the warning and indicator pages
    answer = {"action": "acknowledge", "explanation": "流动人口增加<script>alert(1)</script>",
              "measure": "高危孕产妇专案管理，每月随访"}
    assert health.post(f"/monitoring/warnings/{red.pk}/", answer).status_code == 302
    red.refresh_from_db()
    assert red.state == Warning.State.ACKNOWLEDGED and red.measure_taken == "高危孕产妇专案管理，每月随访"
    assert red.events.filter(action="acknowledged", user=reporter).exists()
    shown = health.get(f"/monitoring/warnings/{red.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert(1)" not in shown
    ind_page = office_client.get(url)
    assert "X-Monitoring-Cache" not in ind_page.headers     # acknowledging bumped the region's data version
    ind_page = ind_page.content.decode()
    assert "高危孕产妇专案管理，每月随访" in ind_page and "已说明" in ind_page

    # a reporter may not resolve; the office resolves
    assert health.post(f"/monitoring/warnings/{red.pk}/", {"action": "resolved", "text": "ok"}).status_code == 403
    assert client_of(office).post(f"/monitoring/warnings/{red.pk}/",
                                  {"action": "resolved", "text": "措施有效，继续跟踪"}).status_code == 302
    red.refresh_from_db()
    assert red.state == Warning.State.RESOLVED
    assert [e.action for e in red.events.all()] == ["raised", "acknowledged", "resolved"]


def test_closing_the_round_adds_late_data_warnings_and_keeps_answered_ones(
        framework, office, reporter, stats, django_capture_on_commit_callbacks):
    round_ = accept_health_2024(framework, office, reporter, stats, django_capture_on_commit_callbacks)
    red = Warning.objects.get(indicator=framework["mmr"], kind="projected_miss", milestone=2025)
    services.acknowledge(red, reporter, "原因", "措施")
    with django_capture_on_commit_callbacks(execute=True):
        collection.close_round(round_, office)
    missing = Warning.objects.get(indicator=framework["count"], kind="missing_data")
    assert missing.department == framework["labour"] and missing.level == "red"
    red.refresh_from_db()
    assert red.state == Warning.State.ACKNOWLEDGED          # still raised: kept, not duplicated
    assert Warning.objects.filter(indicator=framework["mmr"], kind="projected_miss", milestone=2025).count() == 1
    assert AssessmentRun.objects.get(year=2024).trigger == "round closed"


def test_a_warning_no_longer_raised_is_cleared_with_a_history_entry(
        framework, office, reporter, stats, django_capture_on_commit_callbacks):
    accept_health_2024(framework, office, reporter, stats, django_capture_on_commit_callbacks)
    red = Warning.objects.get(indicator=framework["mmr"], kind="projected_miss", milestone=2025)
    corrected = Observation.objects.get(indicator=framework["mmr"], year=2024)
    corrected.value = 6.0                                   # corrected (saved as an edit is), now attained
    corrected.save()
    services.assess_plan_region(framework["plan"], framework["plan"].region, year=2024, trigger="command")
    red.refresh_from_db()
    assert red.state == Warning.State.RESOLVED
    assert red.events.last().action == "cleared"


def test_who_reaches_which_monitoring_page(framework, office, reporter, leader, other_office, viewer, client_of):
    services.assess_plan_region(framework["plan"], framework["plan"].region, trigger="test")
    mmr = framework["mmr"]
    assert client_of(reporter).get("/monitoring/").status_code == 403
    assert client_of(leader).get("/monitoring/").status_code == 200
    assert client_of(viewer).get("/monitoring/").status_code == 403   # third parties: published reports only
    assert client_of(viewer).post(f"/monitoring/warnings/{Warning.objects.first().pk}/",
                                  {"action": "resolved", "text": "x"}).status_code == 403
    # another district's office: not this region, not this plan's indicator
    other = client_of(other_office)
    assert other.get("/monitoring/?region=210203").status_code == 404
    assert other.get(f"/monitoring/indicator/{mmr.pk}/").status_code == 404
    assert other.get(f"/monitoring/indicator/{mmr.pk}/csv/").status_code == 404
    assert other.get(f"/monitoring/warnings/{Warning.objects.first().pk}/").status_code == 404
    # the reporter sees the indicator of its department, not another department's
    assert client_of(reporter).get(f"/monitoring/indicator/{mmr.pk}/").status_code == 200
    assert client_of(reporter).get(f"/monitoring/indicator/{framework['count'].pk}/").status_code == 403
    assert client_of(office).get("/anything-not-there/").status_code == 404


def test_a_round_closed_with_no_accepted_data_raises_missing_data_warnings(framework, office,
                                                                           django_capture_on_commit_callbacks):
    Observation.objects.all().delete()
    round_ = collection.open_round(framework["plan"].region, 2024, date.today() + timedelta(days=30), office)
    with django_capture_on_commit_callbacks(execute=True):
        collection.close_round(round_, office)
    missing = Warning.objects.filter(kind="missing_data")
    assert {w.indicator for w in missing} >= {framework["mmr"], framework["count"]}
    assert missing.get(indicator=framework["mmr"]).department == framework["health"]


def test_accepting_one_department_does_not_close_another_departments_warnings(
        framework, office, reporter, stats, hr_reporter, django_capture_on_commit_callbacks):
    """Issue 13: accepting 人社局's 2026 data re-runs the assessment for 2026, after the 2025
    milestone; 卫健局 has not reported since 2024, so its 孕产妇死亡率 warnings (raised on 2024
    data, the projected miss of 2025 among them) must stay open: nothing shows the cause gone."""
    accept_health_2024(framework, office, reporter, stats, django_capture_on_commit_callbacks)
    open_before = set(Warning.objects.filter(indicator=framework["mmr"], state__in=Warning.ACTIVE)
                      .values_list("pk", flat=True))
    assert open_before
    round_ = collection.open_round(framework["plan"].region, 2026, date.today() + timedelta(days=30), office)
    sub = round_.submissions.get(department=framework["labour"])
    summary = collection.save_rows(sub, [collection.RowIn(framework["count"].pk, Cell(), value=95.0, version=0,
                                                          note="")], hr_reporter, "form")
    assert summary.ok, summary.errors
    collection.save_work_report(sub, hr_reporter, {"work_progress": "扩面", "work_problems": "", "work_next_year": "续保"})
    collection.submit(sub, hr_reporter)
    with django_capture_on_commit_callbacks(execute=True):
        collection.accept(sub, stats)
    assert AssessmentRun.objects.filter(plan=framework["plan"], year=2026).exists()
    still_open = set(Warning.objects.filter(pk__in=open_before, state__in=Warning.ACTIVE).values_list("pk", flat=True))
    assert still_open == open_before
    assert not WarningEvent.objects.filter(warning_id__in=open_before, action=WarningEvent.Action.CLEARED).exists()


def test_a_warning_closes_when_newer_data_show_the_cause_gone(
        framework, office, reporter, stats, django_capture_on_commit_callbacks):
    accept_health_2024(framework, office, reporter, stats, django_capture_on_commit_callbacks)
    red = Warning.objects.get(indicator=framework["mmr"], kind="projected_miss", milestone=2025)
    Observation.objects.create(indicator=framework["mmr"], region=framework["plan"].region, year=2025, value=5.0)
    services.assess_plan_region(framework["plan"], framework["plan"].region, year=2025, trigger="command")
    red.refresh_from_db()
    assert red.state == Warning.State.RESOLVED
    assert "2025年数据表明预警原因已消除" in red.events.last().text
