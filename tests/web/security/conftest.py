"""Security fixtures: one populated "world" per module, built once and rolled back at
the end, with objects in the users' own region (西岗区 210203) — one belonging to the
reporter's own department (卫健局) and one to another department (人社局) — and the same
kinds of objects in another region (九台区 220113).

    world            dict: users by role, and "own" / "other_dept" / "other_region" object ids
    client_for(user) a logged-in Django test client
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, override_settings

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("TIANPING_SHARED", REPO.parent / "shared"))
PASSWORD = "Tianping-test-2030"

ROLES = ("office", "statistics", "reporter", "evaluation", "leadership", "readonly")
OWN, OTHER = "210203", "220113"


def _seed(prefix: str) -> Path:
    return sorted((SHARED / "seeds").glob(f"{prefix}_*.txt"))[0]


def _users(regions):
    from tianping.web.orgs.models import Department, User

    users = {}
    for role in ROLES:
        dept = {"office": "妇联", "statistics": "统计局", "reporter": "卫健局"}.get(role)
        users[role] = User.objects.create_user(
            username=f"sec-{role}", password=PASSWORD, role=role, region=regions[OWN],
            department=Department.objects.get(region=regions[OWN], name=dept) if dept else None)
    users["other_office"] = User.objects.create_user(
        username="sec-office-2", password=PASSWORD, role="office", region=regions[OTHER],
        department=Department.objects.get(region=regions[OTHER], name="妇联"))
    users["other_reporter"] = User.objects.create_user(
        username="sec-reporter-hr", password=PASSWORD, role="reporter", region=regions[OWN],
        department=Department.objects.get(region=regions[OWN], name="人社局"))
    return users


def _plan(region, office):
    from tianping.web import demo as setup
    from tianping.web.plans import services
    from tianping.web.plans.models import Plan

    path = _seed("000")
    plan = services.import_plans(services.parse_upload(path.name, path.read_bytes()), region, office,
                                 other_region_ok=True)[0]  # the same seed stands in for both regions
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    setup.fill_synthetic(plan)
    return plan


def _objects(region, plan, office, dept_name: str, var: Path) -> dict:
    """Ids of one object of every kind in ``region``; department-owned ones belong to ``dept_name``."""
    from django.core.files.base import ContentFile

    from tianping.web.collection import services as coll
    from tianping.web.collection.models import ReportingRound
    from tianping.web.monitoring.models import Attachment, QualitativeJudgement, Warning
    from tianping.web.plans.models import Indicator, Target
    from tianping.web.publishing import services as pub
    from tianping.web.publishing.models import ReportFile

    round_ = ReportingRound.objects.filter(region=region, year=2024).first() or coll.open_round(
        region, 2024, date.today() + timedelta(days=30), office)
    sub = round_.submissions.get(department__name=dept_name)
    ind = Indicator.objects.filter(plan=plan, responsible_department=sub.department).order_by("position").first()
    cells = coll.grid(ind)
    coll.save_rows(sub, [coll.RowIn(ind.pk, cells[0], value=1.0, note="初始", version=0)],
                   _reporter_of(sub.department), "form")
    entry = sub.entries.get(indicator=ind, sex=cells[0].sex, age=cells[0].age, residence=cells[0].residence)
    warning = (Warning.objects.filter(region=region, department=sub.department).first()
               or Warning.objects.create(plan=plan, region=region, indicator=ind, department=sub.department,
                                         level="orange", kind="test", year=2024, reason="测试预警"))
    qual = Indicator.objects.filter(plan=plan, targets__op="qualitative").first()
    if qual is None:  # give one indicator a qualitative target
        qual = Indicator.objects.filter(plan=plan).exclude(pk=ind.pk).first()
        Target.objects.create(indicator=qual, year=2030, op="qualitative", kind="qualitative", text="测试定性目标")
    judgement, _new = QualitativeJudgement.objects.get_or_create(
        indicator=qual, region=region, defaults={"verdict": "达标", "evidence": "证据", "judged_by": office})
    att = judgement.attachments.first()
    if att is None:
        att = Attachment(judgement=judgement, name="evidence.pdf", size=4)
        att.file.save("evidence.pdf", ContentFile(b"%PDF"), save=True)
    from tianping.web.publishing.models import Report
    report = Report.objects.filter(region=region).first()
    if report is not None:
        return {**_ids(sub, plan, ind, round_, entry, warning, qual, att, report)}
    report = pub.create_report(plan, region, "annual", 2024, office)
    folder = var / "reports" / str(report.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "r.html").write_text("<p>报告</p>", encoding="utf-8")
    from django.utils import timezone
    ReportFile.objects.create(report=report, format="html", path=f"{report.pk}/r.html", size=12, sha256="0" * 64,
                              generated_at=timezone.now())
    return _ids(sub, plan, ind, round_, entry, warning, qual, att, report)


def _ids(sub, plan, ind, round_, entry, warning, qual, att, report):
    from tianping.web.plans.models import Measure, Target

    return {
        **_inspection_ids(sub.department, plan.region),
        "department": sub.department.pk, "plan": plan.pk, "indicator": ind.pk,
        "target": Target.objects.filter(indicator__plan=plan).first().pk,
        "measure": Measure.objects.filter(area__plan=plan).first().pk,
        "round": round_.pk, "submission": sub.pk, "entry": entry.pk, "warning": warning.pk,
        "qualitative": qual.pk, "attachment": att.pk, "report": report.pk,
    }


def _inspection_ids(department, region) -> dict:
    """An inspection that visited only ``department``, one correction of it, one evidence file."""
    from django.core.files.base import ContentFile

    from tianping.web.accountability.models import (
        Correction,
        Inspection,
        InspectionFile,
    )

    inspection = Inspection.objects.create(region=region, date=date(2025, 10, 15), inspectors="督查组",
                                           findings="台账不全")
    inspection.departments.set([department])
    correction = Correction.objects.create(inspection=inspection, department=department, requirement="补齐台账",
                                           deadline=date(2025, 12, 31))
    evidence = InspectionFile(inspection=inspection, correction=correction, name="evidence.pdf", size=4)
    evidence.file.save("evidence.pdf", ContentFile(b"%PDF"), save=True)
    return {"inspection": inspection.pk, "correction": correction.pk, "inspection_file": evidence.pk}


_REPORTERS: dict = {}


def _reporter_of(department):
    return _REPORTERS[department.pk]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from tianping.web import demo as setup
    from tianping.web.plans.models import Plan

    var = tmp_path_factory.mktemp("var")
    with django_db_blocker.unblock(), override_settings(
            VAR_DIR=var, MEDIA_ROOT=str(var / "media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            regions = setup.seed_regions()
            for code in (OWN, OTHER):
                setup.seed_departments(regions[code])
            users = _users(regions)
            _REPORTERS[users["reporter"].department_id] = users["reporter"]
            _REPORTERS[users["other_reporter"].department_id] = users["other_reporter"]
            own_plan = _plan(regions[OWN], users["office"])
            other_plan = _plan(regions[OTHER], users["other_office"])
            from tianping.web.orgs.models import Department, User
            hr = Department.objects.get(region=regions[OTHER], name="卫健局")
            _REPORTERS[hr.pk] = User.objects.create_user(username="sec-reporter-3", password=PASSWORD,
                                                         role="reporter", region=regions[OTHER], department=hr)
            w = {
                "users": users, "regions": regions, "var": var,
                "own": _objects(regions[OWN], own_plan, users["office"], "卫健局", var),
                "other_dept": _objects(regions[OWN], own_plan, users["office"], "人社局", var),
                "other_region": _objects(regions[OTHER], other_plan, users["other_office"], "卫健局", var),
                "draft_plan": Plan.objects.filter(pk=own_plan.pk).values_list("pk", flat=True)[0],
            }
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client_for():
    def make(user, **kwargs):
        c = Client(**kwargs)
        if user is not None:
            c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return make
