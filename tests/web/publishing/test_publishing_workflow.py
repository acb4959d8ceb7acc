"""Reports through the web layer: generation (huey immediate mode), the review →
approval → publication workflow by role and region, escaping of the office's text,
immutability once published, the snapshot, department self-evaluations."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from tianping.web.collection.models import DepartmentReport
from tianping.web.monitoring import frames
from tianping.web.observations.models import Observation
from tianping.web.publishing import services, tasks
from tianping.web.publishing.models import (
    GenerationJob,
    ImmutableReport,
    Report,
    reports_dir,
)

SCRIPT = '<script>alert("x")</script>妇幼保健机构标准化建设滞后'


def post(client, name, pk, data=None, **kwargs):
    return client.post(reverse(f"publishing:{name}", kwargs={"pk": pk, **kwargs}), data or {})


@pytest.mark.slow(reason="generates the report in every format, PDF included")
def test_draft_to_published_by_role_and_then_immutable(demo_plan, office, expert, leader, reporter, viewer,
                                                       other_office, client_of, client,
                                                       django_capture_on_commit_callbacks):
    c_office, c_expert, c_leader = client_of(office), client_of(expert), client_of(leader)
    # the office creates a draft and writes its sections (with markup in them)
    response = c_office.post(reverse("publishing:report_new"), {"plan": demo_plan.pk, "kind": "annual", "year": 2024})
    report = Report.objects.get()
    assert response.status_code == 302 and report.state == "draft" and report.created_by == office
    post(c_office, "sections", report.pk, {"problems": SCRIPT, "recommendations": "加大投入。\n完善监测。"})
    report.refresh_from_db()
    assert report.problems == SCRIPT and report.needs_generation

    # nobody can review what was never generated
    post(c_expert, "step", report.pk, {"comment": "好"}, action="review")
    report.refresh_from_db()
    assert report.state == "draft"

    with django_capture_on_commit_callbacks(execute=True):
        post(c_office, "generate", report.pk)
    report.refresh_from_db()
    job = GenerationJob.objects.get(report=report)
    assert (job.state, job.progress, job.attempts) == ("done", 100, 1)
    assert not report.needs_generation and report.files.count() == 3
    for f in report.files.all():
        assert f.full_path.read_bytes()[:4] in (b"PK\x03\x04", b"%PDF", b"<!DO")
        assert hashlib.sha256(f.full_path.read_bytes()).hexdigest() == f.sha256
    assert report.snapshot_sha256 == services.sha256_of(report.snapshot)
    html = report.files.get(format="html").full_path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;妇幼保健机构标准化建设滞后" in html
    assert "<script>" not in html
    page = c_office.get(reverse("publishing:report", args=[report.pk])).content.decode()
    assert "&lt;script&gt;" in page and SCRIPT not in page

    # wrong roles and wrong regions
    assert post(client_of(reporter), "step", report.pk, action="review").status_code == 403
    assert post(client_of(viewer), "step", report.pk, action="review").status_code in (403, 404)
    assert post(c_leader, "step", report.pk, action="review").status_code == 403
    assert client_of(other_office).get(reverse("publishing:report", args=[report.pk])).status_code == 404
    assert client_of(reporter).get(reverse("publishing:reports")).status_code == 403
    assert post(client_of(viewer), "sections", report.pk, {"problems": "x"}).status_code in (403, 404)
    # read-only users (third parties) see published reports only
    assert client_of(viewer).get(reverse("publishing:report", args=[report.pk])).status_code == 404
    assert f"/reports/{report.pk}/" not in client_of(viewer).get(reverse("publishing:reports")).content.decode()

    # approval out of order does nothing
    post(c_leader, "step", report.pk, action="approve")
    report.refresh_from_db()
    assert report.state == "draft"

    post(c_expert, "step", report.pk, {"comment": "数据核对无误"}, action="review")
    report.refresh_from_db()
    assert report.state == "reviewed"
    post(c_leader, "step", report.pk, {"comment": "同意发布"}, action="approve")
    report.refresh_from_db()
    assert report.state == "approved"
    assert client.get(reverse("publishing:public_file", args=[report.pk, "pdf"])).status_code == 404  # not yet public
    # the demo data lack some indicators: publishing asks for a confirmation naming what is missing
    page = c_office.get(reverse("publishing:report", args=[report.pk])).content.decode()
    assert 'id="confirm-incomplete"' in page and "项缺少2024年数据" in page
    post(c_office, "step", report.pk, action="publish")
    report.refresh_from_db()
    assert report.state == "approved"
    post(c_office, "step", report.pk, {"confirm_incomplete": "on"}, action="publish")
    report.refresh_from_db()
    assert report.state == "published" and report.published_at is not None
    steps = list(report.approvals.values_list("step", "user__username", "comment"))
    assert ("reviewed", "expert1", "数据核对无误") in steps and ("approved", "leader1", "同意发布") in steps
    published = next(c for step, user, c in steps if step == "published" and user == "office1")
    assert published.startswith("确认在数据不完整的情况下发布：") and "缺少2024年数据" in published
    assert client_of(viewer).get(reverse("publishing:report", args=[report.pk])).status_code == 200

    # published: immutable through the pages and the models
    files_before = {f.format: (f.sha256, f.full_path.read_bytes()) for f in report.files.all()}
    assert post(c_office, "sections", report.pk, {"problems": "改写"}).status_code == 403
    post(c_office, "generate", report.pk)
    assert report.jobs.count() == 1
    assert post(c_expert, "step", report.pk, {"comment": "撤回"}, action="return").status_code == 403
    report = Report.objects.get(pk=report.pk)
    assert report.problems == SCRIPT and report.state == "published"
    report.problems = "改写"
    with pytest.raises(ImmutableReport):
        report.save()
    with pytest.raises(ImmutableReport):
        report.files.first().delete()
    with pytest.raises(ImmutableReport):
        Report.objects.get(pk=report.pk).delete()
    with pytest.raises(services.WorkflowError):
        tasks.request_generation(report, office)
    assert {f.format: (f.sha256, f.full_path.read_bytes()) for f in report.files.all()} == files_before

    # anyone, without logging in, finds and downloads it on the public portal
    listing = client.get(reverse("publishing:public")).content.decode()
    assert report.title in listing
    pdf = client.get(reverse("publishing:public_file", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == files_before["pdf"][1]


def test_return_for_revision_needs_a_reason_and_goes_back_to_draft(generated, expert, leader, office):
    report = generated("annual")
    services.review(report, expert)
    with pytest.raises(services.WorkflowError):
        services.send_back(report, leader, "  ")
    services.send_back(report, leader, "请补充预警分析")
    report.refresh_from_db()
    assert report.state == "draft"
    services.edit_sections(report, office, "问题", "建议")
    report.refresh_from_db()
    with pytest.raises(services.WorkflowError):     # edited: files are out of date until generated again
        services.review(report, expert)
    assert list(report.approvals.values_list("step", flat=True)) == ["generated", "reviewed", "returned", "edited"]


def test_published_snapshot_reproduces_the_report_after_the_data_changes(published, tmp_path):
    report = published("annual")
    stored_html = report.files.get(format="html").full_path.read_bytes()
    obs = Observation.objects.filter(indicator__plan=report.plan, region=report.region, year=2024,
                                     value__isnull=False).first()
    old = obs.value
    obs.value = old + 7.5
    obs.save()
    assert services.data_changed(report)          # the data moved on ...
    out = tmp_path / "again.html"
    services.reproduce(report, "html", out)         # ... the published report does not
    assert out.read_bytes() == stored_html
    assert report.snapshot_sha256 == services.sha256_of(report.snapshot)
    snap = services.observations_of(report.snapshot)
    key = frames.gather(report.plan, report.region).labels()[frames.key(obs.indicator_id)]
    row = snap[(snap["indicator"] == key) & (snap["year"] == 2024) & (snap["sex"] == obs.sex)
               & (snap["age"] == obs.age) & (snap["residence"] == obs.residence)]
    assert row["value"].tolist() == [old]
    assert report.snapshot["synthetic"] is True and report.synthetic


@pytest.mark.slow(reason="generates the report in every format, PDF included")
def test_failed_generation_keeps_nothing_half_written_and_is_retried(new_report, office):
    report = new_report("annual")
    job = GenerationJob.objects.create(report=report, requested_by=office)
    blocker = reports_dir() / str(report.pk)
    reports_dir().mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")            # the report's folder cannot be made: a real failure
    with pytest.raises(OSError):
        services.run_job(job.pk, last_attempt=False)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 1) and "Error" in job.error   # the worker retries it
    with pytest.raises(OSError):
        services.run_job(job.pk, last_attempt=True)
    job.refresh_from_db()
    report.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 2) and job.message.startswith("生成失败")
    assert report.files.count() == 0 and report.snapshot is None and report.needs_generation
    blocker.unlink()
    services.run_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.progress, job.attempts) == ("done", 100, 3)
    names = sorted(p.name for p in (reports_dir() / str(report.pk)).iterdir())
    assert names == sorted(f.full_path.name for f in report.files.all()) and len(names) == 3   # no .part left


def test_self_evaluation_feeds_the_midterm_report(demo_plan, reporter, office, client_of, generated):
    c = client_of(reporter)
    url = reverse("publishing:self_evaluation", args=[demo_plan.pk, 2025])
    assert c.get(url).status_code == 200
    text = "完成孕产妇系统管理全覆盖<img src=x onerror=alert(1)>"
    response = c.post(url, {"progress": text, "problems": "基层人员不足", "next_steps": "补充人员", "submit": "1"})
    assert response.status_code == 302
    item = DepartmentReport.objects.get()
    assert (item.department.name, item.state, item.year) == ("卫健局", "submitted", 2025)
    listing = c.get(reverse("publishing:self_evaluations")).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing and "<img src=x" not in listing
    assert client_of(office).post(url, {"progress": "代写"}).status_code == 403   # only the department itself

    report = generated("midterm")
    assert report.snapshot["inputs"]["department_reports"]["卫健局"].startswith("完成孕产妇系统管理全覆盖")
    html = report.files.get(format="html").full_path.read_text(encoding="utf-8")
    assert "卫健局：负责的" in html                                      # the department's own assignments
    assert "单位自评：完成孕产妇系统管理全覆盖&lt;img src=x onerror=alert(1)&gt;" in html
    assert "存在问题：基层人员不足" in html


@pytest.mark.slow(reason="generates the report in every format, PDF included")
def test_a_job_lost_by_a_dead_worker_is_replaced(new_report, office, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    report = new_report("annual")
    lost = GenerationJob.objects.create(report=report, requested_by=office, state="running", progress=40)
    assert tasks.request_generation(report, office) == lost        # still within the time limit
    GenerationJob.objects.filter(pk=lost.pk).update(
        started_at=timezone.now() - timedelta(seconds=services.JOB_STALE_SECONDS + 60))
    with django_capture_on_commit_callbacks(execute=True):
        job = tasks.request_generation(report, office)
    lost.refresh_from_db()
    job.refresh_from_db()
    assert job != lost and lost.state == "failed" and (job.state, job.progress) == ("done", 100)


def test_progress_bar_polls_while_the_job_runs_and_stops_when_done(new_report, office, expert, viewer,
                                                                   other_office, client_of):
    report = new_report("annual")
    job = GenerationJob.objects.create(report=report, requested_by=office, state="running", progress=47,
                                       message="正在撰写：妇女与健康")
    url = reverse("publishing:job", args=[report.pk])
    bar = client_of(expert).get(url).content.decode()
    assert 'hx-trigger="every 1s"' in bar and f'hx-get="{url}"' in bar
    assert 'value="47"' in bar and "正在撰写：妇女与健康" in bar and "生成中" in bar
    GenerationJob.objects.filter(pk=job.pk).update(state="queued", progress=0)
    assert "tianping worker" in client_of(office).get(url).content.decode()
    GenerationJob.objects.filter(pk=job.pk).update(state="done", progress=100)
    bar = client_of(office).get(url).content.decode()
    assert "hx-get" not in bar and 'value="100"' in bar
    assert client_of(other_office).get(url).status_code == 404
    assert client_of(viewer).get(url).status_code == 404     # a draft is not for read-only users


def _based_on(response) -> str:
    import re

    found = re.search(r'name="based_on" value="([^"]*)"', response.content.decode())
    assert found, "the form carries the version it was loaded from"
    return found.group(1)


def test_saving_a_submitted_self_evaluation_as_draft_takes_it_out_of_the_reports(demo_plan, reporter, client_of):
    c = client_of(reporter)
    url = reverse("publishing:self_evaluation", args=[demo_plan.pk, 2025])
    c.post(url, {"progress": "已提交的内容", "based_on": _based_on(c.get(url)), "submit": "1"})
    assert DepartmentReport.objects.get().state == "submitted"
    response = c.post(url, {"progress": "改了一半的草稿", "based_on": _based_on(c.get(url)), "save": "1"})
    assert response.status_code == 302
    item = DepartmentReport.objects.get()
    assert (item.progress, item.state, item.submitted_at) == ("改了一半的草稿", "draft", None)
    report = services.create_report(demo_plan, demo_plan.region, "midterm", 2025, reporter)
    assert services.gather(report)["inputs"]["department_reports"] == {}   # a draft never feeds a report


def test_a_stale_self_evaluation_form_is_refused_not_overwriting(demo_plan, reporter, client_of):
    c = client_of(reporter)
    url = reverse("publishing:self_evaluation", args=[demo_plan.pk, 2025])
    c.post(url, {"progress": "第一版", "based_on": _based_on(c.get(url)), "save": "1"})
    stale = _based_on(c.get(url))                        # two tabs open on the same version
    assert c.post(url, {"progress": "甲的修改", "based_on": stale, "save": "1"}).status_code == 302
    response = c.post(url, {"progress": "乙的修改", "based_on": stale, "save": "1"})
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    assert DepartmentReport.objects.get().progress == "甲的修改"
    new = reverse("publishing:self_evaluation", args=[demo_plan.pk, 2030])   # a new one opened in two tabs
    assert c.post(new, {"progress": "甲", "based_on": "", "save": "1"}).status_code == 302
    assert c.post(new, {"progress": "乙", "based_on": "", "save": "1"}).status_code == 409
    assert DepartmentReport.objects.get(year=2030).progress == "甲"


def test_a_self_evaluation_belongs_to_the_departments_own_region(demo_plan, regions, client_of, generated):
    from tianping.web.orgs.models import Department, User

    health = Department.objects.get(region=regions["210203"], name="卫健局")
    city_reporter = User.objects.create_user(username="cityrep", password="x", role="reporter",
                                             region=regions["210200"], department=health)   # user region ≠ department's
    c = client_of(city_reporter)
    url = reverse("publishing:self_evaluation", args=[demo_plan.pk, 2025])
    assert c.post(url, {"progress": "西岗区卫健局的自评", "submit": "1"}).status_code == 302
    assert DepartmentReport.objects.get().region == demo_plan.region            # filed where the plan is
    assert "西岗区卫健局的自评" in generated("midterm").snapshot["inputs"]["department_reports"]["卫健局"]

    elsewhere = Department.objects.get(region=regions["220113"], name="卫健局")
    outsider = User.objects.create_user(username="outsider", password="x", role="reporter",
                                        region=regions["210000"], department=elsewhere)  # sees 西岗区 plans by region
    assert client_of(outsider).get(url).status_code == 404
    assert client_of(outsider).post(url, {"progress": "代写", "submit": "1"}).status_code == 404
    assert DepartmentReport.objects.count() == 1


def test_incomplete_data_are_said_on_page_one_and_publication_names_them(demo_plan, generated, expert, leader,
                                                                         office, regions):
    """A reporting round for the year with 1 of the responsible departments submitted: the
    report's first page says so, and publication refuses until confirmed, naming them."""
    import datetime as dt

    from docx import Document

    from tianping.web.collection.models import ReportingRound, Submission
    from tianping.web.orgs.models import Department
    responsible = sorted({i.responsible_department.name for i in demo_plan.indicators.all() if i.responsible_department_id})
    assert len(responsible) >= 3
    round_ = ReportingRound.objects.create(region=demo_plan.region, year=2024, opens_on=dt.date(2025, 1, 1),
                                           deadline=dt.date(2025, 3, 31))
    for name in responsible:
        department = Department.objects.get(region=demo_plan.region, name=name)
        state = Submission.State.ACCEPTED if name == responsible[0] else Submission.State.DRAFT
        Submission.objects.create(round=round_, department=department, state=state)
    report = generated("annual")
    missing = services.missing_data(report)
    assert any(f"{len(responsible)}个成员单位中{len(responsible) - 1}个未报送" in m for m in missing), missing
    first_page = "\n".join(p.text for p in Document(str(report.files.get(format="docx").full_path)).paragraphs[:4])
    assert f"{len(responsible)}个成员单位中1个已报送" in first_page and responsible[1] in first_page
    services.review(report, expert, "")
    services.approve(report, leader, "")
    with pytest.raises(services.WorkflowError) as refused:
        services.publish(report, office)
    assert responsible[-1] in str(refused.value) and "请确认后再发布" in str(refused.value)
    report.refresh_from_db()
    assert report.state == "approved"
    services.publish(report, office, "领导小组同意", confirm_incomplete=True)
    record = report.approvals.get(step="published").comment
    assert record.startswith("领导小组同意\n确认在数据不完整的情况下发布：") and responsible[-1] in record


def test_inspection_findings_are_cited_in_the_midterm_report(demo_plan, generated):
    """督导检查 of the report year reach the report through its snapshot
    (accountability.citations.inspections_for_report), under the department they concern."""
    from datetime import date

    from tianping.web.accountability.models import Correction, Inspection
    from tianping.web.orgs.models import Department

    health = Department.objects.get(region=demo_plan.region, name="卫健局")
    inspection = Inspection.objects.create(region=demo_plan.region, date=date(2025, 10, 15), inspectors="督查组",
                                           findings="孕产妇系统管理台账不全")
    inspection.departments.set([health])
    Correction.objects.create(inspection=inspection, department=health, requirement="补齐孕产妇系统管理台账",
                              deadline=date(2025, 11, 30))
    report = generated("midterm")
    cited = report.snapshot["inputs"]["inspections"]
    assert cited["totals"]["inspections"] == 1 and cited["inspections"][0]["findings"] == "孕产妇系统管理台账不全"
    html = report.files.get(format="html").full_path.read_text(encoding="utf-8")
    assert "2025年开展督导检查1次，提出整改要求1项" in html
    assert "督导检查（2025年10月15日）指出：孕产妇系统管理台账不全。整改要求：补齐孕产妇系统管理台账（逾期未整改）" in html
