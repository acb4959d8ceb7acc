"""Home = today's work, per role, on the real database: the reporter's returned task first
with its reason, the statistics bureau's submissions to review, the office's round progress
and warnings waiting, the leader's region at a glance and the reports waiting for approval."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tianping.web import demo as setup
from tianping.web.collection import services as collection
from tianping.web.monitoring.models import Warning
from tianping.web.plans.models import Plan
from tianping.web.publishing.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_reporter(regions, password):
    from tianping.web.orgs.models import Department, User

    return User.objects.create_user(username="hr1", password=password, role="reporter", region=regions["210203"],
                                    department=Department.objects.get(region=regions["210203"], name="人社局"))


@pytest.fixture
def year(imported_plan, regions, office, reporter, stats):
    """Seed 000 with synthetic history; a 2025 round: 卫健局 submitted and returned, 人社局 submitted."""
    plan = imported_plan("000")[0]
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    setup.fill_synthetic(plan)
    round_ = collection.open_round(regions["210203"], 2025, date.today() + timedelta(days=10), office)
    subs = {s.department.name: s for s in round_.submissions.select_related("department")}
    for name, user in (("卫健局", reporter),):
        sub = subs[name]
        rows = [collection.RowIn(i.pk, c, note="无数据：年报未发布", version=0)
                for i in collection.indicators_for(sub.department, sub.round.region) for c in collection.grid(i)]
        assert collection.save_rows(sub, rows, user, "form").ok
        collection.save_work_report(sub, user, {"work_progress": "落实规划"})
        collection.submit(sub, user)
        collection.return_submission(sub, stats, "孕产妇系统管理率请按城乡分别填报，不能只写无数据")
    return {"plan": plan, "round": round_, "subs": subs}


def test_reporter_sees_the_returned_task_first_with_its_reason(year, reporter, client_of):
    page = client_of(reporter).get("/").content.decode()
    assert 'id="today-tasks"' in page
    first_task = page.index('class="task returned"')
    assert "孕产妇系统管理率请按城乡分别填报" in page[first_task:first_task + 2000]
    assert "10" in page[first_task:first_task + 1500]   # days left to the deadline
    assert f'/collection/submissions/{year["subs"]["卫健局"].pk}/grid/' in page
    assert 'id="today-review"' not in page


def test_statistics_sees_what_waits_for_review(year, stats, client_of, hr_reporter):
    sub = year["subs"]["人社局"]
    rows = [collection.RowIn(i.pk, c, note="无数据", version=0)
            for i in collection.indicators_for(sub.department, sub.round.region) for c in collection.grid(i)]
    assert collection.save_rows(sub, rows, hr_reporter, "form").ok
    collection.save_work_report(sub, hr_reporter, {"work_progress": "x"})
    collection.submit(sub, hr_reporter)
    page = client_of(stats).get("/").content.decode()
    assert f'id="review-{sub.pk}"' in page and "人社局" in page
    assert f'id="review-{year["subs"]["卫健局"].pk}"' not in page   # returned, not waiting


def test_office_sees_round_progress_and_warnings_waiting(year, office, client_of):
    page = client_of(office).get("/").content.decode()
    assert 'id="today-rounds"' in page and f'/collection/rounds/{year["round"].pk}/' in page
    total = year["round"].submissions.count()
    assert f"of {total} departments" in page or f"共{total}个单位" in page
    waiting = Warning.objects.filter(region=year["plan"].region, state="open").count()
    assert f'<span class="big">{waiting}</span>' in page
    assert "/data/history/" in page


def test_leader_sees_the_region_at_a_glance_and_reports_to_approve(year, leader, office, expert, client_of):
    from tianping.web.publishing import services as pub

    report = pub.create_report(year["plan"], year["plan"].region, "annual", 2024, office)
    Report.objects.filter(pk=report.pk).update(state=Report.State.REVIEWED)
    page = client_of(leader).get("/").content.decode()
    assert 'id="today-glance"' in page
    from tianping.web.monitoring.models import AssessmentRun

    run = AssessmentRun.objects.filter(plan=year["plan"], region=year["plan"].region).order_by("-year").first()
    m = run.summary["2030"]
    assert f"{100 * m['rate']:.1f}%（{m['attained']}/{m['assessable']}）" in page   # a share shown as a percentage
    assert f"/reports/{report.pk}/" in page or f"reports/{report.pk}" in page
    assert 'id="today-tasks"' not in page


def test_the_read_only_role_is_pointed_to_the_public_portal_not_shown_the_plans(year, viewer, client_of):
    page = client_of(viewer).get("/")
    text = page.content.decode()
    assert page.status_code == 200 and page.context["plans"] is None
    assert Plan.objects.exists() and not any(p.title in text for p in Plan.objects.all())
    assert "公开门户" in text
