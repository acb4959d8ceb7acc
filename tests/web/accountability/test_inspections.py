"""督导检查 through the real forms: record an inspection with two corrections and evidence,
refused uploads, the department's account, closing with evidence, the overdue one on the
department's home and scorecard, free text escaped."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tianping.web.accountability.models import Correction, Inspection, InspectionFile
from tianping.web.orgs.models import Department

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = "<script>alert('x')</script>"


@pytest.fixture
def world(regions, office, reporter, leader, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    region = regions["210203"]
    return {"region": region, "office": office, "reporter": reporter, "leader": leader,
            "health": Department.objects.get(region=region, name="卫健局"),
            "education": Department.objects.get(region=region, name="教育局")}


def _record(client, w, files=(), **extra):
    data = {"date": "2025-10-15", "inspectors": "区妇儿工委办公室 " + XSS, "findings": "台账不完整 " + XSS,
            "departments": [w["health"].pk, w["education"].pk],
            "c1_department": w["education"].pk, "c1_requirement": "补齐学前教育佐证材料", "c1_deadline": "2025-12-31",
            "c2_department": w["health"].pk, "c2_requirement": "完善孕产妇健康管理台账 " + XSS,
            "c2_deadline": "2026-01-31", **extra}
    if files:
        data["attachments"] = list(files)
    return client.post("/accountability/inspections/new/", data, follow=True)


def test_inspection_with_two_corrections_one_closed_one_overdue(world, client_of, django_capture_on_commit_callbacks):
    from tianping.web.monitoring.models import Notification

    office, reporter = client_of(world["office"]), client_of(world["reporter"])
    with django_capture_on_commit_callbacks(execute=True):
        r = _record(office, world, files=[SimpleUploadedFile("检查记录.pdf", PDF)])
    notice = Notification.objects.get(user=world["reporter"])      # 卫健局's reporter hears of its correction
    assert "完善孕产妇健康管理台账" in notice.text and notice.url.startswith("/accountability/inspections/")
    page = r.content.decode()
    assert r.status_code == 200 and Inspection.objects.count() == 1
    assert XSS not in page and "&lt;script&gt;" in page          # free text escaped
    inspection = Inspection.objects.get()
    education_fix = inspection.corrections.get(department=world["education"])
    health_fix = inspection.corrections.get(department=world["health"])
    assert inspection.files.filter(correction=None).count() == 1

    # closing needs evidence: a note alone is refused
    r = office.post(f"/accountability/corrections/{education_fix.pk}/close/", {f"c{education_fix.pk}-note": "已整改"},
                    follow=True)
    assert "销号须有整改佐证材料" in r.content.decode()
    education_fix.refresh_from_db()
    assert education_fix.is_open
    # a file that is not what its name says is refused, naming it
    fake = SimpleUploadedFile("整改报告.pdf", b"MZ\x90\x00 not a pdf")
    r = office.post(f"/accountability/corrections/{education_fix.pk}/close/",
                    {f"c{education_fix.pk}-note": "已整改", f"c{education_fix.pk}-attachments": [fake]}, follow=True)
    assert "整改报告.pdf" in r.content.decode()
    assert InspectionFile.objects.filter(correction=education_fix).count() == 0
    # with real evidence it closes
    r = office.post(f"/accountability/corrections/{education_fix.pk}/close/",
                    {f"c{education_fix.pk}-note": "经核查整改到位",
                     f"c{education_fix.pk}-attachments": [SimpleUploadedFile("整改报告.pdf", PDF)]}, follow=True)
    education_fix.refresh_from_db()
    assert not education_fix.is_open and education_fix.closed_on == date.today()
    assert education_fix.files.count() == 1

    # the reporter of 卫健局 reports progress on its own correction, not on 教育局's
    r = reporter.post(f"/accountability/corrections/{health_fix.pk}/progress/",
                      {f"p{health_fix.pk}-text": "已建立台账 " + XSS}, follow=True)
    assert r.status_code == 200 and XSS not in r.content.decode()
    health_fix.refresh_from_db()
    assert "已建立台账" in health_fix.progress
    assert reporter.post(f"/accountability/corrections/{education_fix.pk}/progress/",
                         {f"p{education_fix.pk}-text": "x"}).status_code == 404
    assert reporter.post(f"/accountability/corrections/{health_fix.pk}/close/",
                         {f"c{health_fix.pk}-note": "x"}).status_code == 403

    # 卫健局's correction (deadline 2026-01-31) is overdue: on its home and its scorecard
    assert health_fix.is_overdue
    home = reporter.get("/").content.decode()
    assert 'id="open-corrections"' in home and "完善孕产妇健康管理台账" in home and "逾期" in home
    assert "补齐学前教育佐证材料" not in home                       # another department's, and closed
    card = reporter.get(f"/accountability/scorecards/2026/departments/{world['health'].pk}/").content.decode()
    assert "完善孕产妇健康管理台账" in card and "逾期" in card
    # evidence files: the reporter may fetch its inspection's file but not 教育局's correction evidence
    general = inspection.files.get(correction=None)
    assert reporter.get(f"/accountability/files/{general.pk}/").status_code == 200
    closed_evidence = education_fix.files.get()
    assert reporter.get(f"/accountability/files/{closed_evidence.pk}/").status_code == 404
    assert office.get(f"/accountability/files/{closed_evidence.pk}/").status_code == 200


def test_bad_inspection_input_names_the_problem(world, client_of):
    office = client_of(world["office"])
    r = _record(office, world, c2_deadline="2025-01-01")           # before the inspection
    assert "第2项整改要求的整改期限早于检查日期" in r.content.decode()
    r = _record(office, world, c1_deadline="")                      # incomplete correction row
    assert Inspection.objects.count() == 0
    r = _record(office, world, files=[SimpleUploadedFile("macro.exe", b"MZ")])
    assert "macro.exe" in r.content.decode() and Inspection.objects.count() == 0
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (11 * 1024 * 1024))
    r = _record(office, world, files=[big])
    assert "big.pdf" in r.content.decode() and Inspection.objects.count() == 0
    other = Department.objects.get(region__code="220113", name="卫健局")
    r = _record(office, world, departments=[other.pk])
    assert Inspection.objects.count() == 0 and Correction.objects.count() == 0
