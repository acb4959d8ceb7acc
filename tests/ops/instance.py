"""Helper run as a separate process by the ops tests (DATABASE_URL / TIANPING_VAR set):

    python tests/ops/instance.py populate   a populated instance: regions, departments, a user per role,
                                             seed 000 confirmed with synthetic data and its assessment,
                                             a 2024 round with reported values and a note, a comment,
                                             a report with a generated file, evidence with an attachment
    python tests/ops/instance.py snapshot   every row of every table and every data file, as JSON on stdout
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
import django  # noqa: E402

django.setup()

SHARED = Path(os.environ.get("TIANPING_SHARED", Path(__file__).resolve().parents[3] / "shared"))


def populate():
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    from tianping.web import demo as setup
    from tianping.web.collection import services as coll
    from tianping.web.monitoring.models import Attachment, QualitativeJudgement
    from tianping.web.orgs.models import User
    from tianping.web.plans.models import Plan
    from tianping.web.publishing import services as pub
    from tianping.web.publishing.models import ReportFile, reports_dir

    call_command("migrate", verbosity=0)
    regions = setup.seed_regions()
    setup.seed_departments(regions["210203"])
    setup.seed_users()
    office = User.objects.get(username="office")
    path = sorted((SHARED / "seeds").glob("000_*.txt"))[0]
    plan = setup.import_seed_file(path, office)[0]
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    setup.fill_synthetic(plan)
    rnd = coll.open_round(plan.region, 2024, date.today() + timedelta(days=30), office)
    sub = rnd.submissions.order_by("pk").first()
    reporter = User.objects.filter(role="reporter", department=sub.department).first() or \
        User.objects.create_user("rep-x", password="Tianping-test-2030", role="reporter", region=plan.region,
                                 department=sub.department)
    inds = coll.indicators_for(sub.department, plan.region)[:3]
    rows = [coll.RowIn(i.pk, coll.grid(i)[0], value=10.0 + n, note=f"备注{n}：数据来源于年报", version=0)
            for n, i in enumerate(inds)]
    summary = coll.save_rows(sub, rows, reporter, "form")
    assert summary.committed, summary.errors
    coll.add_comment(sub, office, "请核对第二项")
    report = pub.create_report(plan, plan.region, "annual", 2024, office)
    folder = reports_dir() / str(report.pk)
    folder.mkdir(parents=True, exist_ok=True)
    body = "<h1>西岗区妇女发展规划2024年统计监测报告</h1>".encode()
    (folder / "report.html").write_bytes(body)
    ReportFile.objects.create(report=report, format="html", path=f"{report.pk}/report.html", size=len(body),
                              sha256=hashlib.sha256(body).hexdigest(), generated_at=timezone.now())
    ind = plan.indicators.order_by("position").first()
    j = QualitativeJudgement.objects.create(indicator=ind, region=plan.region, verdict="达标", evidence="见附件",
                                            judged_by=office)
    a = Attachment(judgement=j, name="证明材料.pdf", size=8)
    a.file.save("evidence.pdf", ContentFile(b"%PDF-1.4"), save=True)
    print(json.dumps({"plan": plan.pk, "submission": sub.pk, "report": report.pk}))


def _plain(v):
    if isinstance(v, (int, float, bool, type(None))):
        return v
    if isinstance(v, (dict, list)):  # JSON columns: PostgreSQL's jsonb keeps no key order
        return json.dumps(v, sort_keys=True, ensure_ascii=False)
    return str(v)


def snapshot():
    from django.apps import apps
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from tianping.commands.ops import VAR_SKIP

    kinds = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}  # ids differ per database
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "contenttypes") or model._meta.label == "auth.Permission":
            continue
        rows = []
        for row in model.objects.order_by("pk").values():
            if "content_type_id" in row:
                row["content_type_id"] = kinds.get(row["content_type_id"])
            rows.append({k: _plain(v) for k, v in row.items()})
        tables[model._meta.label] = rows
    var = Path(settings.VAR_DIR)
    files = {str(p.relative_to(var)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(var.rglob("*")) if p.is_file() and p.relative_to(var).parts[0] not in VAR_SKIP}
    json.dump({"tables": tables, "files": files}, sys.stdout, ensure_ascii=False)


def generate():
    """Queue the generation of the populated instance's report (committed: the task is in the queue)."""
    from tianping.web.orgs.models import User
    from tianping.web.publishing import tasks
    from tianping.web.publishing.models import Report

    report = Report.objects.order_by("pk").first()
    job = tasks.request_generation(report, User.objects.get(username="office"))
    print(json.dumps({"report": report.pk, "job": job.pk}))


def session():
    """A logged-in session of a reporter, its submission and indicators (for HTTP clients)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tianping.web.collection import services as coll
    from tianping.web.collection.models import Submission
    from tianping.web.orgs.models import User

    sub = Submission.objects.order_by("pk").first()
    user = User.objects.filter(role="reporter", department=sub.department).first()
    s = SessionStore()
    s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    inds = [i.pk for i in coll.indicators_for(sub.department, sub.round.region) if not coll.has_counts(i)]
    print(json.dumps({"session": s.session_key, "submission": sub.pk, "indicators": inds}))


def entries():
    from tianping.web.collection.models import Entry

    print(json.dumps({f"{e.indicator_id}-{e.sex}-{e.age}-{e.residence}": [e.version, e.value]
                      for e in Entry.objects.all()}))


def generate_many():
    """Three reports of the populated instance queued for generation: [{"report", "job"}, …]."""
    from tianping.web.orgs.models import User
    from tianping.web.publishing import services, tasks
    from tianping.web.publishing.models import Report

    office = User.objects.get(username="office")
    first = Report.objects.order_by("pk").first()
    reports = [first] + [services.create_report(first.plan, first.region, "annual", year, office)
                         for year in (2023, 2022)]
    print(json.dumps([{"report": r.pk, "job": tasks.request_generation(r, office).pk} for r in reports]))


def adminlog():
    """An entry in Django admin's log, as an admin's change makes."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tianping.web.orgs.models import User

    user = User.objects.filter(is_superuser=True).first() or User.objects.get(username="office")
    LogEntry.objects.log_action(user.pk, ContentType.objects.get_for_model(User).pk, user.pk, str(user), CHANGE,
                                change_message="改了邮箱")


def write():
    """Save values as a reporter does, one transaction per save, until the file argv[2] exists;
    argv[3] gets the number of committed saves after each one."""
    import time

    from tianping.web.collection import services as coll
    from tianping.web.collection.models import Entry, Submission
    from tianping.web.orgs.models import User

    stop, progress = Path(sys.argv[2]), Path(sys.argv[3])
    sub = Submission.objects.order_by("pk").first()
    user = User.objects.filter(role="reporter", department=sub.department).first()
    cells = [(i, cell) for i in coll.indicators_for(sub.department, sub.round.region) if not coll.has_counts(i)
             for cell in coll.grid(i)]
    saves, deadline = 0, time.monotonic() + 300
    while not stop.exists() and time.monotonic() < deadline:
        ind, cell = cells[saves % len(cells)]
        entry = Entry.objects.filter(submission=sub, indicator=ind, sex=cell.sex, age=cell.age,
                                     residence=cell.residence).first()
        row = coll.RowIn(ind.pk, cell, value=float(saves % 90 + 1), note=f"第{saves}次保存：数据来源于年报",
                         version=entry.version if entry else 0)
        summary = coll.save_rows(sub, [row], user, "form")
        assert summary.committed, summary.errors
        saves += 1
        progress.with_suffix(".tmp").write_text(str(saves))
        os.replace(progress.with_suffix(".tmp"), progress)


if __name__ == "__main__":
    {"populate": populate, "snapshot": snapshot, "generate": generate, "session": session, "entries": entries,
     "write": write, "adminlog": adminlog,
     "generate-many": generate_many}[sys.argv[1]]()
