"""Monitoring pages: 驾驶舱 (dashboard), area drill-down, indicator page (+ CSV), warnings
and their workflow, qualitative judgements, 分性别统计, multi-region comparison,
notifications. Thin: figures are read from stored assessment runs (services.py)."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Prefetch, Q, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.core.export import safe_cell
from tianping.core.figures import LIGHTS, STATUS_ORDER, status_light
from tianping.web.analysis.services import pinned_charts, pinned_stamp
from tianping.web.collection.models import ReportingRound, Submission
from tianping.web.orgs.models import Department, Region
from tianping.web.orgs.permissions import (
    Role,
    departments_visible_to,
    get_scoped_or_404,
    regions_visible_to,
    role_required,
    scoped,
    user_has_role,
)
from tianping.web.plans.models import Indicator

from . import charts, compare, frames, services
from .cache import cached_page
from .forms import AcknowledgeForm, CloseForm, JudgementForm
from .models import (
    AssessmentRun,
    Attachment,
    Notification,
    QualitativeJudgement,
    Warning,
    WarningEvent,
)

READERS = (Role.OFFICE, Role.STATISTICS, Role.EVALUATION, Role.LEADERSHIP)  # third parties: published reports only
WARNING_READERS = (*READERS, Role.REPORTER)
HANDLERS = (Role.REPORTER, Role.OFFICE)
CLOSERS = (Role.OFFICE,)
JUDGES = (Role.EVALUATION,)
PROGRESS_METHOD_LABELS = {"cagr": "年均增速法（进度比）", "linear": "线性法（进度比）",
                          "zero_base": "年均增速法（基期为0，进度比仅供参考）",
                          "early_base": "年均增速法（基期取规划基期前数据）"}
TREND_METHOD_LABELS = {"linear": "线性趋势（预测）", "log": "对数尺度趋势（预测，率）", "logit": "logit尺度趋势（预测，比例）",
                       "pooled": "例数少：近年合并率及精确区间"}
LEVEL_RANK = Case(When(level="red", then=0), When(level="orange", then=1), default=2)


# ------------------------------------------------------------------ selection helpers

def _region(request) -> Region:
    # parents joined: the page heading's full_name (省市区) walks them
    visible = regions_visible_to(request.user).select_related("parent__parent")
    code = request.GET.get("region")
    if code:
        return get_object_or_404(visible, code=code)
    if request.user.region_id:
        return visible.get(pk=request.user.region_id)
    region = visible.filter(assessment_runs__isnull=False).order_by("code").first()
    if region is None:
        raise Http404(_("No region to show."))
    return region


def _region_choices(user, region):
    """(code, label) for the region picker: the user's region, the current region's parent,
    siblings and children — a handful, not every county of a province."""
    near = Q(parent=region) | Q(pk=region.pk)
    if region.parent_id:
        near |= Q(parent_id=region.parent_id) | Q(pk=region.parent_id)
    if user.region_id:
        near |= Q(pk=user.region_id)
    return list(regions_visible_to(user).filter(near).order_by("code").values_list("code", "name"))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _run(request, region) -> tuple[AssessmentRun | None, list, list]:
    """The run the filters ask for: plan (default first), year (default latest)."""
    runs = list(AssessmentRun.objects.filter(region=region, plan__in=services.applicable_plans(region))
                .select_related("plan").order_by("plan__kind", "plan_id", "-year"))
    plans = list({r.plan_id: r.plan for r in runs}.values())
    plan_id = _int(request.GET.get("plan")) or (plans[0].pk if plans else None)
    for_plan = [r for r in runs if r.plan_id == plan_id]
    year = _int(request.GET.get("year"))
    run = next((r for r in for_plan if r.year == year), for_plan[0] if for_plan else None)
    return run, plans, [r.year for r in for_plan]


def _milestone(request, run) -> int | None:
    keys = sorted(int(k) for k in run.summary if k.isdigit())
    wanted = _int(request.GET.get("milestone"))
    if wanted in keys:
        return wanted
    # Default: of the milestones still ahead, the one most targets are set for (a plan's
    # 2030 targets outnumber its few 2025 ones); every milestone is one click away.
    ahead = [m for m in keys if m >= run.year] or keys[-1:]
    return max(ahead, key=lambda m: (run.summary[str(m)].get("targets", 0), -m)) if ahead else None


def _department(request, region):
    dept_id = _int(request.GET.get("department"))
    if dept_id is None:
        return None
    return get_object_or_404(departments_visible_to(request.user).filter(region=region), pk=dept_id)


def _query(run, region, **extra) -> str:
    params = {"region": region.code, "plan": run.plan_id, "year": run.year, **extra}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


# ------------------------------------------------------------------ dashboard

def _pinned_stamp(request) -> str:
    request.tianping_pinned = pinned_stamp(request.user)
    return request.tianping_pinned


def _pinned_charts(request) -> list[dict]:
    """The user's favourites of the data visualizer pinned to the dashboard (tianping.web.analysis);
    none to read when the cache key's stamp already says there are none."""
    if getattr(request, "tianping_pinned", "").startswith("0:"):
        return []
    return pinned_charts(request.user)


@role_required(*READERS)
@cached_page(vary=_pinned_stamp)
def dashboard(request):
    region = _region(request)
    run, plans, years = _run(request, region)
    context = {"region": region, "regions": _region_choices(request.user, region),
               "plans": plans, "years": years, "run": run, "pinned": _pinned_charts(request)}
    if run is None:
        return render(request, "monitoring/dashboard.html", context)
    department = _department(request, region)
    summary = run.summary
    if department is not None:
        summary = services.summarise_rows(run.results.filter(department=department))
    milestone = _milestone(request, run)
    current = summary.get(str(milestone), {}) if milestone else {}
    warnings = Warning.objects.filter(plan=run.plan, region=region, state__in=Warning.ACTIVE)
    if department is not None:
        warnings = warnings.filter(department=department)
    level_counts = {lv: 0 for lv in services.LEVEL_ORDER}
    for lv in warnings.values_list("level", flat=True):
        level_counts[lv] += 1
    context.update({
        "department": department,
        # region is one the user may see (_region), so its departments are visible to a reader
        "departments": list(Department.objects.filter(region=region).values_list("pk", "name")),
        "milestone": milestone, "milestones": sorted(int(k) for k in run.summary if k.isdigit()),
        "current": current, "areas": _in_plan_order(run.plan, current.get("areas", [])), "statuses": [(st, LIGHTS[st]) for st in STATUS_ORDER],
        "lights": LIGHTS, "level_counts": level_counts, "levels": services.LEVEL_ORDER,
        "top_warnings": warnings.select_related("indicator", "department").order_by(LEVEL_RANK, "-updated_at")[:8],
        "completeness": _completeness(region), "query": _query(run, region, milestone=milestone,
                                                              department=department.pk if department else None),
    })
    from . import (
        dashboard_charts,  # charts: 达标率 by area, sparklines of off-track indicators
    )

    context.update(area_chart=dashboard_charts.area_chart(context["areas"]),
                   off_track=dashboard_charts.off_track(run, milestone, region) if department is None else [])
    return render(request, "monitoring/dashboard.html", context)


def _in_plan_order(plan, areas):
    """Areas in the plan's order, each with ``cells``: its status counts in the column order
    (a JSON object's key order is not kept by PostgreSQL's jsonb)."""
    order = {name: i for i, name in enumerate(plan.areas.order_by("number").values_list("name", flat=True))}
    areas = [{**a, "cells": [a["status"].get(st, 0) for st in STATUS_ORDER]} for a in areas]
    return sorted(areas, key=lambda a: order.get(a["area"], len(order)))


def _completeness(region):
    round_ = ReportingRound.objects.filter(region=region).order_by("-year").first()
    if round_ is None:
        return None
    counts = {s: 0 for s in Submission.State.values}
    for state in round_.submissions.values_list("state", flat=True):
        counts[state] += 1
    total = sum(counts.values())
    done = counts[Submission.State.ACCEPTED] + counts[Submission.State.LOCKED]
    return {"round": round_, "total": total, "accepted": done,
            "submitted": counts[Submission.State.SUBMITTED], "percent": round(100 * done / total) if total else 0}


@role_required(*READERS)
@cached_page
def area(request):
    """Drill-down: one area's goals, each with its indicators' status per milestone."""
    region = _region(request)
    run, _plans, _years = _run(request, region)
    if run is None:
        raise Http404(_("No assessment yet."))
    name = request.GET.get("area", "")
    rows = run.results.filter(headline=True).select_related("indicator", "goal", "department")
    rows = rows.filter(area=name) if name != "其他" else rows.filter(area="")
    department = _department(request, region)
    if department is not None:
        rows = rows.filter(department=department)
    goals: dict = {}
    for r in rows:
        key = r.goal_id or 0
        goal = goals.setdefault(key, {"goal": r.goal, "indicators": {}})
        entry = goal["indicators"].setdefault(r.indicator_id, {"indicator": r.indicator, "department": r.department,
                                                              "by_milestone": {}})
        r.light = status_light(r.status)
        entry["by_milestone"].setdefault(r.milestone, r)
    milestones = sorted({r.milestone for r in rows})
    return render(request, "monitoring/area.html", {
        "region": region, "run": run, "area": name, "goals": sorted(goals.values(), key=lambda g: g["goal"].number if g["goal"] else 999),
        "milestones": milestones, "lights": LIGHTS, "query": _query(run, region)})


# ------------------------------------------------------------------ indicator page

def _indicator(request, pk):
    region = _region(request)
    indicator = get_object_or_404(Indicator.objects.select_related("plan", "responsible_department", "area", "goal"),
                                  pk=pk, plan__in=services.applicable_plans(region))
    user = request.user
    if user_has_role(user, Role.REPORTER) and not user.is_superuser:
        dept = indicator.responsible_department
        if dept is None or dept.name != user.department.name or user.department.region_id != region.pk:
            raise PermissionDenied(_("This indicator is reported by another department."))
    elif not user_has_role(user, *WARNING_READERS):
        raise PermissionDenied(_("Your role does not allow this page."))
    return region, indicator




@role_required(*WARNING_READERS)
@cached_page
def indicator(request, pk):
    region, ind = _indicator(request, pk)
    runs = AssessmentRun.objects.filter(plan=ind.plan, region=region).order_by("-year")
    year = _int(request.GET.get("year"))
    run = next((r for r in runs if r.year == year), runs.first())
    results = list(run.results.filter(indicator=ind).select_related("department")
                   .order_by("milestone", "sex", "age", "residence")) if run else []
    for r in results:
        # a pooled rare-event rate is judged on its counts alone: no growth rate is part of the method
        methods = ((TREND_METHOD_LABELS, r.trend_method),) if r.pooled_years else (
            (PROGRESS_METHOD_LABELS, r.progress_method), (TREND_METHOD_LABELS, r.trend_method))
        r.method_label = " / ".join(labels.get(m, m) for labels, m in methods if m) or "—"
    observations = frames.indicator_observations(ind, region)
    # events and their users in one query, whatever the number of warnings
    warnings = (Warning.objects.filter(indicator=ind, region=region).select_related("department")
                .prefetch_related(Prefetch("events", queryset=WarningEvent.objects.select_related("user")))
                .order_by("-created_at"))
    # the stored run already names the department in this region (services._departments_in)
    department = results[0].department if results else services.department_in(ind, region)
    return render(request, "monitoring/indicator.html", {
        "region": region, "indicator": ind, "run": run, "results": results, "observations": observations,
        "target_sources": [(y, text) for y, text in ind.targets.values_list("year", "source_text")
                           if text and text != ind.source_text],
        "warnings": warnings, "department": department,
        "chart": charts.indicator_option_data(ind, observations, results),
        "query": f"region={region.code}" + (f"&year={run.year}" if run else ""),
    })


@role_required(*WARNING_READERS)
def indicator_csv(request, pk):
    region, ind = _indicator(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicator-{ind.pk}-{region.code}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow(["指标", "地区", "年份", "性别", "年龄组", "城乡", "数值", "单位", "分子", "分母", "备注", "合成数据"])
    for o in frames.indicator_observations(ind, region):
        writer.writerow([safe_cell(ind.name), region.name, o.year, o.sex or "合计", o.age, o.residence, o.value,
                         safe_cell(ind.unit), o.numerator, o.denominator, safe_cell(o.note), "是" if o.synthetic else "否"])
    return response


# ------------------------------------------------------------------ warnings

def _warnings_for(user):
    rows = scoped(Warning.objects.all(), user)
    if user_has_role(user, Role.REPORTER) and not user.is_superuser:
        rows = rows.filter(department=user.department)
    return rows


@role_required(*WARNING_READERS)
def warnings(request):
    rows = _warnings_for(request.user).select_related("indicator", "department", "region", "plan")
    state = request.GET.get("state", "active")
    if state == "active":
        rows = rows.filter(state__in=Warning.ACTIVE)
    elif state in Warning.State.values:
        rows = rows.filter(state=state)
    level = request.GET.get("level")
    if level in Warning.Level.values:
        rows = rows.filter(level=level)
    return render(request, "monitoring/warnings.html", {
        "warnings": rows.order_by(LEVEL_RANK, "-updated_at")[:500], "state": state, "level": level,
        "states": Warning.State.choices, "levels": Warning.Level.choices})


def _may_handle(user, warning) -> bool:
    if user.is_superuser or user_has_role(user, Role.OFFICE):
        return True
    return user_has_role(user, Role.REPORTER) and warning.department_id == user.department_id


@role_required(*WARNING_READERS)
def warning(request, pk):
    w = get_object_or_404(_warnings_for(request.user).select_related("indicator", "department", "region", "plan"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                if not _may_handle(request.user, w):
                    raise PermissionDenied(_("Only the responsible department or the office may answer."))
                form = AcknowledgeForm(request.POST)
                if form.is_valid():
                    services.acknowledge(w, request.user, form.cleaned_data["explanation"], form.cleaned_data["measure"])
                    messages.success(request, _("Your explanation has been recorded."))
                    return redirect("monitoring:warning", pk=w.pk)
            elif action in ("resolved", "escalated"):
                if not user_has_role(request.user, *CLOSERS):
                    raise PermissionDenied(_("Only the committee office may resolve or escalate."))
                form = CloseForm(request.POST)
                if form.is_valid():
                    services.close(w, request.user, action, form.cleaned_data["text"])
                    messages.success(request, _("The warning has been updated."))
                    return redirect("monitoring:warning", pk=w.pk)
            else:
                raise PermissionDenied(_("Unknown action."))
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("monitoring:warning", pk=w.pk)
    return render(request, "monitoring/warning.html", {
        "warning": w, "events": w.events.select_related("user"),
        "can_answer": _may_handle(request.user, w) and w.state in (Warning.State.OPEN, Warning.State.ACKNOWLEDGED),
        "can_close": user_has_role(request.user, *CLOSERS) and w.state != Warning.State.RESOLVED,
        "ack_form": AcknowledgeForm(initial={"explanation": w.explanation, "measure": w.measure_taken}),
        "close_form": CloseForm()})


# ------------------------------------------------------------------ qualitative judgements

@role_required(*READERS)
def judgements(request):
    region = _region(request)
    indicators = (Indicator.objects.filter(plan__in=services.applicable_plans(region), targets__op="qualitative")
                  .distinct().select_related("plan").order_by("plan_id", "position"))
    done = {j.indicator_id: j for j in QualitativeJudgement.objects.filter(region=region, indicator__in=indicators)
            .prefetch_related("attachments")}
    rows = [{"indicator": i, "judgement": done.get(i.pk)} for i in indicators]
    return render(request, "monitoring/judgements.html", {
        "region": region, "rows": rows, "can_judge": user_has_role(request.user, *JUDGES)})


@role_required(*JUDGES)
def judge(request, pk):
    region = _region(request)
    ind = get_object_or_404(Indicator.objects.filter(plan__in=services.applicable_plans(region),
                                                     targets__op="qualitative").distinct(), pk=pk)
    existing = QualitativeJudgement.objects.filter(indicator=ind, region=region).first()
    form = JudgementForm(request.POST or None, request.FILES or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        services.record_judgement(form, ind, region, request.user)
        messages.success(request, _("The judgement has been recorded and the assessment updated."))
        return redirect(f"{request.path}?region={region.code}")
    return render(request, "monitoring/judge.html", {"region": region, "indicator": ind, "form": form,
                                                      "judgement": existing})


@role_required(*READERS)
def attachment(request, pk):
    a = get_scoped_or_404(Attachment.objects.select_related("judgement"), request.user,
                          region_field="judgement__region", pk=pk)
    response = HttpResponse(a.file.open("rb").read(), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="attachment-{a.pk}{a.name[a.name.rfind("."):]}"'
    return response


# ------------------------------------------------------------------ gender statistics

@role_required(*READERS)
@cached_page
def gender(request):
    region = _region(request)
    run, plans, years = _run(request, region)
    context = {"region": region, "run": run, "plans": plans, "years": years}
    if run is not None:
        context.update(services.gender_view(run))
        context["query"] = _query(run, region)
    return render(request, "monitoring/gender.html", context)


# ------------------------------------------------------------------ multi-region

@role_required(*READERS)
def regions(request):
    region = _region(request)
    context = compare.city_view(region, request.user, year=_int(request.GET.get("year")))
    context["region"] = region
    context["regions"] = [(code, name) for code, name in _region_choices(request.user, region)
                          if code[4:] == "00" or code == region.code]   # provinces and cities (GB/T 2260: ..00)
    return render(request, "monitoring/regions.html", context)


# ------------------------------------------------------------------ notifications

@role_required(*WARNING_READERS)
def notifications(request):
    rows = Notification.objects.filter(user=request.user)[:200]
    return render(request, "monitoring/notifications.html", {"notifications": rows})


@require_POST
@role_required(*WARNING_READERS)
def notifications_read(request):
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("monitoring:notifications")
