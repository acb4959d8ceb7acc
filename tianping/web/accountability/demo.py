"""Synthetic accountability history for the demo district, so its 2024 and 2025
scorecards have something to judge: who leads which measure, a closed 2024 reporting
round (some departments on time, one late, one never submitted, returns by the
statistics bureau, work reports), the 2024 warnings raised when that round closed and
explained on time, late or not at all, mid-term self-evaluations, part of the 2025 round
submitted, and one 督导检查 with three corrections (closed with evidence, overdue, not
yet due).

Every text says 合成演示数据. Values entered in the 2024 round are the demo's synthetic
2024 observations (so nothing new reaches the assessment: submissions are stored as
accepted history without copying values into observations). Idempotent: nothing is done
when the region already has a 2024 round.
"""

from __future__ import annotations

import datetime as dt
import io
from itertools import cycle

from django.core.files.base import ContentFile
from django.db import transaction
from docx import Document

from tianping.web.collection import services as collection
from tianping.web.collection.models import (
    Comment,
    DepartmentReport,
    Entry,
    ReportingRound,
    Submission,
)
from tianping.web.demo import DEMO_ASSIGNMENT
from tianping.web.monitoring.models import Warning, WarningEvent
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Department, User
from tianping.web.plans.models import Measure, Plan

from .models import Correction, Inspection, InspectionFile

LABEL = "（合成演示数据）"
TZ = dt.timezone(dt.timedelta(hours=8))

# How each demo department behaved in 2024: timeliness, returns, share of cells filled,
# work report filed, how it explained its warnings (on_time / late / half / none).
PROFILES = {
    "卫健局": ("on_time", 1, 1.0, True, "half"),
    "教育局": ("on_time", 0, 1.0, True, "on_time"),
    "人社局": ("late", 0, 1.0, True, "late"),
    "民政局": ("on_time", 2, 0.9, True, "on_time"),
    "组织部": ("missing", 0, 0.5, False, "none"),
    "司法局": ("on_time", 0, 1.0, True, "on_time"),
    "人大": ("on_time", 0, 1.0, False, "on_time"),
    "公安分局": ("late", 1, 1.0, True, "on_time"),
    "体育局": ("on_time", 0, 0.8, True, "late"),
}
OTHER_PROFILES = [("on_time", 0, 1.0, True, "on_time"), ("late", 1, 0.9, True, "late")]

ROUND_2024 = dict(opens_on=dt.date(2025, 1, 6), deadline=dt.date(2025, 3, 31))
WARNINGS_RAISED = dt.datetime(2025, 4, 15, 10, 0, tzinfo=TZ)   # the assessment after the 2024 round closed
EXPLAINED = {"on_time": dt.datetime(2025, 5, 6, 16, 0, tzinfo=TZ), "late": dt.datetime(2025, 7, 2, 9, 30, tzinfo=TZ)}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def seed_demo_history(office: User) -> bool:
    """Returns whether the history was added (False when the region has a 2024 round)."""
    region = office.region
    if ReportingRound.objects.filter(region=region, year=2024).exists():
        return False
    with transaction.atomic():
        departments = _lead_measures(region)
        _round_2024(region, office)
        _warnings_2024(region)
        _self_evaluations_2025(region, departments)
        _round_2025(region)
        _inspection(region, office)
    return True


def _profile(name: str, fallback) -> tuple:
    return PROFILES.get(name) or next(fallback)


def _lead_measures(region) -> list[Department]:
    """Demo task division of the measures: the indicators' keywords in the measure's title
    (the body text names many departments' fields, so it is not used)."""
    by_name = {d.name: d for d in Department.objects.filter(region=region)}
    plans = Plan.objects.filter(region=region, status=Plan.Status.CONFIRMED)
    for m in Measure.objects.filter(area__plan__in=plans, lead_department=None):
        for keywords, name in DEMO_ASSIGNMENT:
            if any(k in m.title for k in keywords) and name in by_name:
                m.lead_department = by_name[name]
                m.save(update_fields=["lead_department"])
                break
    return sorted({d for d in by_name.values() if d.indicators.filter(plan__in=plans).exists()}, key=lambda d: d.name)


def _entries(sub: Submission, region, year_values: int, share: float) -> list[Entry]:
    """The department's cells with the synthetic values of ``year_values``; the first
    ``share`` of them filled."""
    indicators = collection.indicators_for(sub.department, region)
    values = {(o.indicator_id, o.sex, o.age, o.residence): o.value for o in
              Observation.objects.filter(region=region, year=year_values, indicator__in=indicators)}
    cells = [(ind, cell) for ind in indicators for cell in collection.grid(ind)]
    keep = round(len(cells) * share)
    rows = []
    for ind, cell in cells[:keep]:
        value = values.get((ind.pk, cell.sex, cell.age, cell.residence))
        note = "合成演示数据" if value is not None else f"{LABEL}本年度无此项统计数据"   # a note fills a cell too
        rows.append(Entry(submission=sub, indicator=ind, sex=cell.sex, age=cell.age, residence=cell.residence,
                          value=value, note=note))
    return rows


def _work_report(sub: Submission, year: int) -> None:
    DepartmentReport.objects.update_or_create(
        region=sub.round.region, department=sub.department, year=year, plan=None, defaults={
            "progress": (f"{LABEL}{year}年，{sub.department.name}按照规划任务分工，落实牵头指标和措施，"
                         "完善工作机制，按季度调度重点任务进展。"),
            "problems": f"{LABEL}部分指标数据口径需与统计部门进一步核对。",
            "next_steps": f"{LABEL}{year + 1}年继续推进重点任务，加强数据质量管理。",
            "state": DepartmentReport.State.SUBMITTED, "submitted_at": _at(dt.date(year + 1, 4, 1))})


def _round_2024(region, office) -> None:
    stats = User.objects.filter(region=region, role=User.Role.STATISTICS).first()
    round_ = ReportingRound.objects.create(region=region, year=2024, created_by=office, **ROUND_2024,
                                           state=ReportingRound.State.CLOSED, closed_at=_at(dt.date(2025, 4, 10)))
    collection.ensure_submissions(round_)
    fallback = cycle(OTHER_PROFILES)
    entries, comments = [], []
    for n, sub in enumerate(round_.submissions.select_related("department").order_by("department__name")):
        timeliness, returns, share, report, _warn = _profile(sub.department.name, fallback)
        entries += _entries(sub, region, 2024, share)
        if timeliness == "missing":
            continue
        first = dt.date(2025, 3, 10 + n % 15) if timeliness == "on_time" else dt.date(2025, 4, 8)
        sub.first_submitted_at = _at(first)
        when = first
        comments.append(Comment(submission=sub, author=None, kind=Comment.Kind.SUBMIT, at=_at(when)))
        for r in range(returns):
            when += dt.timedelta(days=3)
            comments.append(Comment(submission=sub, author=stats, kind=Comment.Kind.RETURN, at=_at(when, 15),
                                    text=f"{LABEL}第{r + 1}次退回：部分数据与上年差异较大，请核实并说明。"))
            when += dt.timedelta(days=2)
            comments.append(Comment(submission=sub, author=None, kind=Comment.Kind.SUBMIT, at=_at(when)))
        if report:
            _work_report(sub, 2024)
        sub.submitted_at = _at(when)
        sub.accepted_at, sub.accepted_by = _at(when + dt.timedelta(days=2)), stats
        sub.state = Submission.State.LOCKED
        comments.append(Comment(submission=sub, author=stats, kind=Comment.Kind.ACCEPT, at=sub.accepted_at))
        sub.save()
    Entry.objects.bulk_create(entries, batch_size=1000)
    Comment.objects.bulk_create(comments)


def _warnings_2024(region) -> None:
    """The 2024 warnings were raised when the round closed; departments explain per profile."""
    warnings = Warning.objects.filter(region=region, year=2024)
    warnings.update(created_at=WARNINGS_RAISED)
    WarningEvent.objects.filter(warning__in=warnings, action=WarningEvent.Action.RAISED).update(at=WARNINGS_RAISED)
    fallback = cycle(OTHER_PROFILES)
    by_department: dict = {}
    for w in warnings.filter(state=Warning.State.OPEN, department__isnull=False).select_related("department") \
            .order_by("department__name", "pk"):
        by_department.setdefault(w.department, []).append(w)
    for department, items in by_department.items():
        how = _profile(department.name, fallback)[4]
        if how == "none":
            continue
        if how == "half":
            items, how = items[: len(items) // 2], "on_time"
        for w in items:
            w.state = Warning.State.ACKNOWLEDGED
            w.explanation = f"{LABEL}该指标波动主要受统计口径和样本量影响，已组织核查。"
            w.measure_taken = f"{LABEL}已制定专项工作方案，按月跟踪。"
            w.save(update_fields=["state", "explanation", "measure_taken"])
            event = WarningEvent.objects.create(warning=w, action=WarningEvent.Action.ACKNOWLEDGED,
                                                text=f"原因：{w.explanation}\n措施：{w.measure_taken}")
            WarningEvent.objects.filter(pk=event.pk).update(at=EXPLAINED[how])
        Warning.objects.filter(pk__in=[w.pk for w in items]).update(updated_at=EXPLAINED[how])


def _self_evaluations_2025(region, departments) -> None:
    """Mid-term self-evaluations from two departments; the rest (and the demo reporter's) still due."""
    for department in departments:
        if department.name not in ("教育局", "民政局", "司法局"):
            continue
        for plan in Plan.objects.filter(region=region, status=Plan.Status.CONFIRMED,
                                        indicators__responsible_department=department).distinct():
            DepartmentReport.objects.create(
                plan=plan, region=region, department=department, year=2025,
                progress=f"{LABEL}{department.name}牵头的{plan.title}指标总体进展顺利，重点任务按计划推进。",
                problems=f"{LABEL}个别指标与目标仍有差距。", next_steps=f"{LABEL}加大投入，补齐短板。",
                state=DepartmentReport.State.SUBMITTED, submitted_at=_at(dt.date(2026, 3, 20)))


def _round_2025(region) -> None:
    """Part of the open 2025 round already in: two departments submitted, one of them after a
    return; the rest (the demo reporter's 卫健局 among them) still reporting."""
    round_ = ReportingRound.objects.filter(region=region, year=2025).first()
    if round_ is None:
        return
    ReportingRound.objects.filter(pk=round_.pk).update(opens_on=min(round_.opens_on, dt.date(2026, 3, 1)))
    stats = User.objects.filter(region=region, role=User.Role.STATISTICS).first()
    collection.ensure_submissions(round_)
    entries, comments = [], []
    for name, returns in (("教育局", 0), ("民政局", 1), ("司法局", 0)):
        sub = round_.submissions.filter(department__name=name).first()
        if sub is None:
            continue
        entries += _entries(sub, region, 2024, 1.0)   # carried forward from 2024: synthetic demo values
        when = dt.date(2026, 4, 10)
        sub.first_submitted_at = _at(when)
        comments.append(Comment(submission=sub, kind=Comment.Kind.SUBMIT, at=_at(when)))
        for _r in range(returns):
            when += dt.timedelta(days=4)
            comments.append(Comment(submission=sub, author=stats, kind=Comment.Kind.RETURN, at=_at(when, 15),
                                    text=f"{LABEL}请补充分性别数据的说明。"))
            when += dt.timedelta(days=3)
            comments.append(Comment(submission=sub, kind=Comment.Kind.SUBMIT, at=_at(when)))
        _work_report(sub, 2025)
        sub.submitted_at, sub.state = _at(when), Submission.State.SUBMITTED
        sub.save()
    Entry.objects.bulk_create(entries, batch_size=1000)
    Comment.objects.bulk_create(comments)


def _evidence_docx(title: str) -> bytes:
    doc = Document()
    doc.add_heading(title, level=1)
    doc.add_paragraph(f"{LABEL}整改情况报告：已按督导检查意见完成整改，相关制度已印发执行。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _inspection(region, office) -> None:
    depts = {d.name: d for d in Department.objects.filter(region=region, name__in=("卫健局", "教育局", "民政局"))}
    if len(depts) < 3:
        return
    inspection = Inspection.objects.create(
        region=region, date=dt.date(2025, 10, 15), inspectors=f"区妇儿工委办公室、区政府督查室{LABEL}",
        findings=(f"{LABEL}1. 卫健局孕产妇健康管理数据台账不完整；2. 教育局学前教育指标佐证材料缺失；"
                  "3. 民政局儿童福利指标部分数据未分性别统计。"), created_by=office)
    inspection.departments.set(depts.values())
    closed = Correction.objects.create(
        inspection=inspection, department=depts["教育局"], deadline=dt.date(2025, 12, 31),
        requirement=f"{LABEL}补齐学前教育毛入园率等指标的佐证材料并建立台账。",
        progress=f"2025-12-18 教育局联络员：{LABEL}已补齐佐证材料，建立月度台账。",
        state=Correction.State.CLOSED, closed_on=dt.date(2025, 12, 20), closed_by=office,
        closing_note=f"{LABEL}经核查，整改到位，予以销号。")
    Correction.objects.create(
        inspection=inspection, department=depts["卫健局"], deadline=dt.date(2025, 12, 31),
        requirement=f"{LABEL}完善孕产妇健康管理数据台账，按月报送。")
    Correction.objects.create(
        inspection=inspection, department=depts["民政局"], deadline=dt.date(2027, 3, 31),
        requirement=f"{LABEL}儿童福利相关指标按性别分别统计。")
    evidence = InspectionFile(inspection=inspection, correction=closed, name="教育局整改报告.docx",
                              uploaded_by=office)
    data = _evidence_docx("教育局督导检查整改报告")
    evidence.size = len(data)
    evidence.file.save("教育局整改报告.docx", ContentFile(data), save=True)
