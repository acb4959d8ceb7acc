"""Load the facts of each responsible department from stored data, score them with
tianping.core.scorecard, and keep the scoring rule and the inspections. No arithmetic
here beyond counting rows.

    rule_for(region, year)                     the core ScoreRule in force (default when none stored)
    set_rule(region, year, data, user, reason) validate, store, audit (old value kept)
    departments_of(region, plan=None)          the departments that answer for something
    scorecards(region, year, plan=None)        one core Scorecard per department, ranked
    scorecard(region, year, department, plan)  one department's card
    record_inspection(...), add_progress(...), close_correction(...)   督导检查
    open_corrections_for(user)                 what the department's home shows
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tianping.core import scorecard as core
from tianping.core.errors import TianpingError
from tianping.web.collection.models import Comment, DepartmentReport, ReportingRound
from tianping.web.collection.services import completeness
from tianping.web.monitoring.models import AssessmentRun, Result, Warning, WarningEvent
from tianping.web.monitoring.services import applicable_plans, notify
from tianping.web.orgs.models import Department, Region, User
from tianping.web.orgs.permissions import Role, scoped, user_has_role
from tianping.web.plans.models import Indicator, Measure, Plan

from .models import Correction, Inspection, InspectionFile, ScoreRule, ScoreRuleChange

NOT_ASSESSED = "未评估"   # an indicator without a stored result (no target, or not yet assessed)


class AccountabilityError(TianpingError):
    """A request the rule or the inspection workflow does not allow (Chinese message)."""


# ------------------------------------------------------------------ the rule

def rule_for(region: Region, year: int) -> core.ScoreRule:
    stored = ScoreRule.objects.filter(region=region, year=year).first()
    return core.ScoreRule.from_dict(stored.rule) if stored else core.ScoreRule()


@transaction.atomic
def set_rule(region: Region, year: int, data: dict, user, reason: str) -> core.ScoreRule:
    """Store a new rule for the year; the change (old and new) is audited. Raises in Chinese."""
    if not (reason or "").strip():
        raise AccountabilityError("修改考核规则必须填写原因")
    rule = core.ScoreRule.from_dict(data)
    stored = ScoreRule.objects.select_for_update().filter(region=region, year=year).first()
    old = stored.rule if stored else None
    new = rule.as_dict()
    if old == new or (old is None and new == core.ScoreRule().as_dict()):
        raise AccountabilityError("考核规则没有变化")
    ScoreRule.objects.update_or_create(region=region, year=year, defaults={"rule": new, "updated_by": user})
    ScoreRuleChange.objects.create(region=region, year=year, old=old, new=new, reason=reason.strip(), user=user)
    return rule


# ------------------------------------------------------------------ who answers for what

def _plans(region: Region, plan: Plan | None):
    plans = list(applicable_plans(region).defer("sections", "key_projects", "parse_warnings"))
    return [p for p in plans if plan is None or p.pk == plan.pk]


def _local(region: Region):
    """Department of a (possibly parent region's) plan → the department of the same name here."""
    by_name = {d.name: d for d in Department.objects.filter(region=region)}
    return lambda dept: None if dept is None else (dept if dept.region_id == region.pk else by_name.get(dept.name))


def departments_of(region: Region, plan: Plan | None = None, year: int | None = None) -> list[Department]:
    """Departments responsible for an indicator or leading a measure of the plans in force,
    plus any with a submission in the year's round or a correction (sorted by name)."""
    local, plans = _local(region), _plans(region, plan)
    ids = set(Indicator.objects.filter(plan__in=plans).values_list("responsible_department_id", flat=True))
    ids |= set(Measure.objects.filter(area__plan__in=plans).values_list("lead_department_id", flat=True))
    found = {}
    for dept in Department.objects.filter(pk__in=ids - {None}):
        if (d := local(dept)) is not None:
            found[d.pk] = d
    if plan is None:
        wanted = Q(corrections__inspection__region=region)
        if year:
            wanted |= Q(submissions__round__region=region, submissions__round__year=year)
        extra = Department.objects.filter(region=region).filter(wanted).distinct()
        for d in extra:
            found.setdefault(d.pk, d)
    return sorted(found.values(), key=lambda d: d.name)


# ------------------------------------------------------------------ facts from stored rows

@dataclass
class AssessmentSource:
    """Which stored assessment runs a year's indicator statuses come from."""
    runs: list                 # AssessmentRun used, one per plan
    synthetic: bool

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.runs})


def _runs_for(plans, region: Region, year: int) -> AssessmentSource:
    """Per plan, the run of ``year`` or, if that year is not assessed yet, the latest before it."""
    runs = []
    for p in plans:
        run = AssessmentRun.objects.filter(plan=p, region=region, year__lte=year).order_by("-year").first()
        if run is not None:
            runs.append(run)
    return AssessmentSource(runs, any(r.synthetic for r in runs))


def _indicator_facts(plans, region, year, local, source: AssessmentSource) -> dict[int, list[core.IndicatorFact]]:
    rows = defaultdict(list)
    for r in (Result.objects.filter(run__in=source.runs, headline=True)
              .values("indicator_id", "milestone", "status")):
        rows[r["indicator_id"]].append(r)
    out = defaultdict(list)
    indicators = (Indicator.objects.filter(plan__in=plans).select_related("responsible_department")
                  .order_by("plan_id", "position", "pk"))
    for ind in indicators:
        dept = local(ind.responsible_department)
        if dept is None:
            continue
        picked = core.pick_status_row(rows.get(ind.pk, []), year)
        out[dept.pk].append(core.IndicatorFact(ind.name, picked["status"] if picked else NOT_ASSESSED,
                                               ("indicator", ind.pk)))
    return out


def _measure_facts(plans, local) -> dict[int, list[str]]:
    out = defaultdict(list)
    for m in (Measure.objects.filter(area__plan__in=plans).select_related("lead_department", "area")
              .order_by("area__plan_id", "area__number", "number")):
        if (dept := local(m.lead_department)) is not None:
            out[dept.pk].append(f"{m.area.name} {m.number}. {m.title}")
    return out


def _submission_facts(region, year) -> tuple[dict[int, core.SubmissionFact], ReportingRound | None]:
    round_ = ReportingRound.objects.filter(region=region, year=year).first()
    if round_ is None:
        return {}, None
    returns = defaultdict(int)
    for sub_id in Comment.objects.filter(submission__round=round_, kind=Comment.Kind.RETURN) \
            .values_list("submission_id", flat=True):
        returns[sub_id] += 1
    filed = {dept for dept, text in DepartmentReport.objects.filter(region=region, year=year, plan=None)
             .values_list("department_id", "progress") if text.strip()}
    out = {}
    for row in completeness(round_):
        sub = row["submission"]
        out[sub.department_id] = core.SubmissionFact(
            cells_required=row["required"], cells_filled=row["filled"], timeliness=row["timeliness"],
            returns=returns[sub.pk], work_report_filed=sub.department_id in filed and sub.first_submitted_at is not None,
            ref=("submission", sub.pk))
    return out, round_


def _warning_facts(plans, region, year) -> dict[int, list[core.WarningFact]]:
    warnings = list(Warning.objects.filter(plan__in=plans, region=region, year=year, department__isnull=False)
                    .select_related("indicator").order_by("indicator__position", "pk"))
    explained, closed = {}, {}
    for wid, action, at in (WarningEvent.objects.filter(warning__in=warnings).order_by("at", "pk")
                            .values_list("warning_id", "action", "at")):
        day = timezone.localdate(at)
        if action == WarningEvent.Action.ACKNOWLEDGED:
            explained.setdefault(wid, day)
        elif action in (WarningEvent.Action.RESOLVED, WarningEvent.Action.CLEARED):
            closed.setdefault(wid, day)
    out = defaultdict(list)
    for w in warnings:
        series = {"女": "（女）", "男": "（男）"}.get(w.sex, "")
        out[w.department_id].append(core.WarningFact(
            name=f"{w.indicator.name}{series}·{w.get_level_display()}", raised_on=timezone.localdate(w.created_at),
            explained_on=explained.get(w.pk), cleared_on=closed.get(w.pk), ref=("warning", w.pk)))
    return out


def _self_evaluation_facts(plans, region, year) -> dict[int, list[core.SelfEvaluationFact]]:
    out = defaultdict(list)
    for e in DepartmentReport.objects.filter(plan__in=plans, region=region, year=year).select_related("plan"):
        out[e.department_id].append(core.SelfEvaluationFact(
            e.plan.title, e.state == DepartmentReport.State.SUBMITTED, ("self_evaluation", e.plan_id, year)))
    return out


def _correction_facts(region, year) -> dict[int, list[core.CorrectionFact]]:
    out = defaultdict(list)
    rows = (Correction.objects.filter(inspection__region=region).select_related("inspection")
            .order_by("deadline", "pk"))
    for c in rows:
        fact = core.CorrectionFact(c.requirement, c.deadline, c.closed_on, ("inspection", c.inspection_id))
        if core.counts_in_year(fact, year):
            out[c.department_id].append(fact)
    return out


@dataclass
class Board:
    """The scorecards of one region and year, with what they were computed from."""
    region: Region
    year: int
    plan: Plan | None
    rule: core.ScoreRule
    rule_stored: bool
    as_of: date
    ranked: list                # (rank, Scorecard)
    departments: dict           # department name → Department
    round: ReportingRound | None
    source: AssessmentSource

    @property
    def cards(self) -> list:
        return [c for _r, c in self.ranked]


def scorecards(region: Region, year: int, plan: Plan | None = None, departments=None,
               as_of: date | None = None) -> Board:
    as_of = as_of or timezone.localdate()
    plans, local = _plans(region, plan), _local(region)
    departments = departments if departments is not None else departments_of(region, plan, year)
    source = _runs_for(plans, region, year)
    indicators, measures = _indicator_facts(plans, region, year, local, source), _measure_facts(plans, local)
    submissions, round_ = _submission_facts(region, year)
    warnings = _warning_facts(plans, region, year)
    self_evals = _self_evaluation_facts(plans, region, year)
    corrections = _correction_facts(region, year)
    expected = any(year in core.evaluation_years(p.start_year, p.end_year, p.milestone_years) for p in plans)
    rule = rule_for(region, year)
    cards = []
    for d in departments:
        facts = core.DepartmentFacts(
            department=d.name, year=year, as_of=as_of, indicators=indicators.get(d.pk, []),
            measures=measures.get(d.pk, []), submission=submissions.get(d.pk), warnings=warnings.get(d.pk, []),
            self_evaluation_expected=expected, self_evaluations=self_evals.get(d.pk, []),
            corrections=corrections.get(d.pk, []))
        cards.append(core.score(facts, rule))
    return Board(region=region, year=year, plan=plan, rule=rule,
                 rule_stored=ScoreRule.objects.filter(region=region, year=year).exists(), as_of=as_of,
                 ranked=core.rank(cards), departments={d.name: d for d in departments}, round=round_, source=source)


def scorecard(region: Region, year: int, department: Department, plan: Plan | None = None) -> Board:
    return scorecards(region, year, plan, departments=[department])


# ------------------------------------------------------------------ 督导检查

def _clean(text: str, what: str, limit: int = 4000) -> str:
    text = (text or "").strip()
    if not text:
        raise AccountabilityError(f"请填写{what}")
    if len(text) > limit:
        raise AccountabilityError(f"{what}不能超过{limit}字")
    return text


@transaction.atomic
def record_inspection(region: Region, user, *, when: date, inspectors: str, departments, findings: str,
                      corrections: list[dict], files=()) -> Inspection:
    """An inspection with its corrections ({department, requirement, deadline}) and evidence files."""
    departments = list(departments)
    if not departments:
        raise AccountabilityError("请选择检查的成员单位")
    if any(d.region_id != region.pk for d in departments):
        raise AccountabilityError("检查的成员单位须属于本地区")
    inspection = Inspection.objects.create(region=region, date=when, created_by=user,
                                           inspectors=_clean(inspectors, "检查人员", 300),
                                           findings=_clean(findings, "检查发现的问题"))
    inspection.departments.set(departments)
    for n, c in enumerate(corrections, 1):
        if c["department"] not in departments:
            raise AccountabilityError(f"第{n}项整改要求的责任单位“{c['department']}”不在检查的成员单位中")
        if c["deadline"] < when:
            raise AccountabilityError(f"第{n}项整改要求的整改期限早于检查日期")
        Correction.objects.create(inspection=inspection, department=c["department"], deadline=c["deadline"],
                                  requirement=_clean(c["requirement"], f"第{n}项整改要求"))
    _attach(inspection, None, files, user)
    transaction.on_commit(lambda: _notify_departments(inspection))
    return inspection


def _notify_departments(inspection: Inspection) -> None:
    """Each department with a correction hears of it (in-app, e-mail when configured)."""
    url = reverse("accountability:inspection", args=[inspection.pk])
    for c in inspection.corrections.select_related("department"):
        notify(User.objects.filter(department=c.department, role=User.Role.REPORTER),
               f"{inspection.date:%Y-%m-%d}督导检查整改要求：{c.requirement[:40]}（期限{c.deadline:%Y-%m-%d}）", url)


def _attach(inspection, correction, files, user) -> None:
    for upload in files:
        InspectionFile.objects.create(inspection=inspection, correction=correction, file=upload,
                                      name=upload.name[:200], size=upload.size, uploaded_by=user)


@transaction.atomic
def add_progress(correction: Correction, user, text: str, files=()) -> Correction:
    """The department reports what it corrected, with evidence files."""
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if not correction.is_open:
        raise AccountabilityError("该整改事项已销号，不能再补充")
    text = (text or "").strip()
    if not text and not files:
        raise AccountabilityError("请填写整改情况或上传佐证材料")
    if text:
        stamp = f"{timezone.localdate():%Y-%m-%d} {user.get_full_name() or user.username}："
        correction.progress = (correction.progress + "\n" if correction.progress else "") + stamp + text[:4000]
        correction.save(update_fields=["progress", "updated_at"])
    _attach(correction.inspection, correction, files, user)
    transaction.on_commit(lambda: _notify_office(correction))
    return correction


def _notify_office(correction: Correction) -> None:
    notify(User.objects.filter(region=correction.inspection.region, role=User.Role.OFFICE),
           f"{correction.department.name}报送了整改情况：{correction.requirement[:40]}",
           reverse("accountability:inspection", args=[correction.inspection_id]))


@transaction.atomic
def close_correction(correction: Correction, user, note: str, files=(), on: date | None = None) -> Correction:
    """The office closes (销号) a correction; there must be evidence (a file, now or before)."""
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if not correction.is_open:
        raise AccountabilityError("该整改事项已销号")
    note = _clean(note, "销号意见", 2000)
    _attach(correction.inspection, correction, files, user)
    if not correction.files.exists():
        raise AccountabilityError("销号须有整改佐证材料：请上传文件")
    correction.state, correction.closed_on = Correction.State.CLOSED, on or timezone.localdate()
    correction.closed_by, correction.closing_note = user, note
    correction.save(update_fields=["state", "closed_on", "closed_by", "closing_note", "updated_at"])
    return correction


def open_corrections_for(user):
    """Open corrections the user's home should show: a department's own; the office's region's."""
    rows = Correction.objects.filter(state=Correction.State.OPEN).select_related("inspection", "department")
    if not user.is_authenticated:
        return rows.none()
    if user.department_id and user.role == Role.REPORTER and not user.is_superuser:
        return rows.filter(department_id=user.department_id, inspection__region=user.department.region_id)
    if user_has_role(user, Role.OFFICE, Role.LEADERSHIP):
        return scoped(rows, user, "inspection__region")
    return rows.none()
