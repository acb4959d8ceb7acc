"""Scorecards (目标管理责任制考核) and 督导检查 pages. Thin: services load and store,
tianping.core.scorecard computes.

Who sees what: the office and the leading group see every department's card of their
regions, the ranking, the export and the rule; a department (reporter, or a statistics
user of a department) sees only its own card and the inspections that visited it. Only the
office changes the rule, records inspections and closes corrections; the department reports
its correction with evidence.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tianping.core import scorecard as core
from tianping.core.errors import TianpingError
from tianping.core.figures import number
from tianping.web.collection.models import ReportingRound
from tianping.web.monitoring.models import AssessmentRun
from tianping.web.monitoring.services import applicable_plans
from tianping.web.orgs.models import Department, Region
from tianping.web.orgs.permissions import (
    Role,
    regions_visible_to,
    role_required,
    scoped,
    user_has_role,
)

from . import exports, services
from .forms import CloseForm, InspectionForm, ProgressForm, RuleForm
from .models import Correction, Inspection, InspectionFile, ScoreRuleChange

BOARD = (Role.OFFICE, Role.LEADERSHIP)                 # every card of their regions
CARD = (*BOARD, Role.REPORTER)                         # a department's reporter: its own card only
INSPECTION_READERS = (*BOARD, Role.REPORTER)


def _is_department_user(user) -> bool:
    return not user.is_superuser and user.role == Role.REPORTER


# ------------------------------------------------------------------ choosing region, year, plan

def _region(request) -> Region:
    regions = regions_visible_to(request.user)
    code = request.GET.get("region", "")
    region = regions.filter(code=code).first() if code else None
    region = region or request.user.region or regions.order_by("code").first()
    if region is None:
        raise Http404
    return region


def _years(region: Region) -> list[int]:
    years = set(ReportingRound.objects.filter(region=region).values_list("year", flat=True))
    years |= set(AssessmentRun.objects.filter(region=region).values_list("year", flat=True))
    years.add(timezone.localdate().year - 1)
    return sorted(years, reverse=True)


def _year(request, years: list[int]) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return years[0]
    return year if 2000 <= year <= 2100 else years[0]


def _plan(request, region: Region):
    plans = list(applicable_plans(region).order_by("kind", "pk"))
    raw = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == raw), None)
    return plan, plans


def _evidence_url(ref: tuple, user) -> str:
    """Where the page links a fact to; "" when the user's role cannot open that page."""
    if not ref:
        return ""
    kind = ref[0]
    if kind == "submission" and user_has_role(user, Role.OFFICE, Role.STATISTICS, Role.REPORTER):
        return reverse("collection:submission", args=[ref[1]])
    if kind == "indicator":
        return reverse("monitoring:indicator", args=[ref[1]])
    if kind == "warning":
        return reverse("monitoring:warning", args=[ref[1]])
    if kind == "self_evaluation" and user_has_role(user, Role.REPORTER):
        return reverse("publishing:self_evaluation", args=[ref[1], ref[2]])
    if kind == "self_evaluation" and user_has_role(user, Role.OFFICE, Role.LEADERSHIP, Role.EVALUATION):
        return reverse("publishing:self_evaluations")
    if kind == "inspection":
        return reverse("accountability:inspection", args=[ref[1]])
    return ""


def _component_rows(card: core.Scorecard, user) -> list[dict]:
    return [{"c": c, "evidence": [(label, _evidence_url(ref, user)) for label, ref in c.refs]}
            for c in card.components]


# ------------------------------------------------------------------ scorecards

@role_required(*CARD)
@require_GET
def scorecards(request):
    """The region's ranking (office, leaders); a department user goes to its own card."""
    user = request.user
    if _is_department_user(user):
        if user.department_id is None:
            raise PermissionDenied(_("Your account is not linked to a department."))
        year = _year(request, _years(user.department.region))
        return redirect("accountability:scorecard", year=year, pk=user.department_id)
    region = _region(request)
    years = _years(region)
    year = _year(request, years)
    plan, plans = _plan(request, region)
    board = services.scorecards(region, year, plan)
    return render(request, "accountability/scorecards.html", {
        "board": board, "years": years, "year": year, "plans": plans, "plan": plan,
        "regions": regions_visible_to(user).order_by("code"), "region": region,
        "columns": _columns(board.rule),
        "ranked": [(place, card, board.departments[card.department]) for place, card in board.ranked],
        "query": _query(region, year, plan)})


def _columns(rule: core.ScoreRule) -> list[tuple]:
    words = rule.describe()
    return [(core.COMPONENT_NAMES[k], rule.weights[k], words[k]) for k in core.COMPONENTS]


def _query(region, year, plan) -> str:
    return f"region={region.code}&year={year}" + (f"&plan={plan.pk}" if plan else "")


@role_required(*CARD)
@require_GET
def scorecard(request, year: int, pk: int):
    user = request.user
    departments = scoped(Department.objects.select_related("region"), user)
    if _is_department_user(user):
        departments = departments.filter(pk=user.department_id)
    department = get_object_or_404(departments, pk=pk)
    if not 2000 <= year <= 2100:
        raise Http404
    region = department.region
    plan, plans = _plan(request, region)
    board = services.scorecard(region, year, department, plan)
    card = board.cards[0]
    corrections = (Correction.objects.filter(department=department, inspection__region=region)
                   .select_related("inspection").order_by("state", "deadline"))
    return render(request, "accountability/scorecard.html", {
        "board": board, "card": card, "department": department, "year": year, "plan": plan, "plans": plans,
        "rows": _component_rows(card, user), "years": _years(region), "corrections": corrections,
        "today": timezone.localdate(), "can_see_board": user_has_role(user, *BOARD),
        "status_names": [(core.CLASS_NAMES[k], card.status_counts[k]) for k in card.status_counts]})


@role_required(*BOARD)
@require_GET
def export(request, year: int, fmt: str):
    if fmt not in ("xlsx", "docx") or not 2000 <= year <= 2100:
        raise Http404
    region = _region(request)
    plan, _plans = _plan(request, region)
    board = services.scorecards(region, year, plan)
    data = exports.to_xlsx(board) if fmt == "xlsx" else exports.to_docx(board)
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[fmt])
    filename = f"{region.name}{year}年度成员单位目标考核.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ------------------------------------------------------------------ the rule

@role_required(*BOARD)
@require_GET
def rule(request, year: int):
    region = _region(request)
    current = services.rule_for(region, year)
    form = RuleForm(rule=current) if user_has_role(request.user, Role.OFFICE) else None
    changes = ScoreRuleChange.objects.filter(region=region, year=year).select_related("user")
    return render(request, "accountability/rule.html", {
        "region": region, "year": year, "rule": current, "words": current.describe(), "form": form,
        "changes": [{"change": c, "old": _rule_lines(c.old), "new": _rule_lines(c.new)} for c in changes],
        "names": core.COMPONENT_NAMES})


def _rule_lines(data) -> list[str]:
    rule = core.ScoreRule.from_dict(data) if data else core.ScoreRule()
    lines = [f"{core.COMPONENT_NAMES[k]} {number(rule.weights[k])}" for k in core.COMPONENTS]
    lines += [f"{core.CLASS_NAMES[k]} {number(rule.status_points[k])}分" for k in core.STATUS_CLASSES]
    lines += [f"迟报得分 {number(rule.late_credit)}", f"每次退回扣 {number(rule.return_penalty)}",
              f"预警说明时限 {rule.warning_days}天", f"每项逾期整改扣 {number(rule.correction_penalty)}"]
    return lines + ([] if data else ["（默认规则）"])


@role_required(Role.OFFICE)
@require_POST
def rule_edit(request, year: int):
    region = _region(request)
    if not 2000 <= year <= 2100:
        raise Http404
    form = RuleForm(request.POST, rule=services.rule_for(region, year))
    url = reverse("accountability:rule", args=[year]) + f"?region={region.code}"
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect(url)
    try:
        services.set_rule(region, year, form.rule_data(), request.user, form.cleaned_data["reason"])
    except TianpingError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("The scoring rule for %(year)s was changed; every score is recomputed with it.")
                         % {"year": year})
    return redirect(url)


# ------------------------------------------------------------------ 督导检查

def _inspections(user):
    rows = scoped(Inspection.objects.all(), user)
    if _is_department_user(user):
        rows = rows.filter(Q(departments=user.department_id) | Q(corrections__department=user.department_id))
    return rows.distinct()


def _inspection(request, pk) -> Inspection:
    return get_object_or_404(_inspections(request.user), pk=pk)


@role_required(*INSPECTION_READERS)
@require_GET
def inspections(request):
    rows = _inspections(request.user).prefetch_related("departments", "corrections__department")
    return render(request, "accountability/inspections.html", {
        "inspections": rows, "today": timezone.localdate(),
        "can_record": user_has_role(request.user, Role.OFFICE)})


@role_required(Role.OFFICE)
def inspection_new(request):
    region = request.user.region
    if region is None:
        raise PermissionDenied(_("Your account has no region."))
    departments = Department.objects.filter(region=region, is_active=True).order_by("name")
    form = InspectionForm(request.POST or None, request.FILES or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inspection = services.record_inspection(
                region, request.user, when=d["date"], inspectors=d["inspectors"], departments=d["departments"],
                findings=d["findings"], corrections=d["corrections"], files=d["attachments"])
        except TianpingError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, _("Inspection recorded with %(n)s required corrections.")
                             % {"n": inspection.corrections.count()})
            return redirect("accountability:inspection", pk=inspection.pk)
    return render(request, "accountability/inspection_new.html", {"form": form})


@role_required(*INSPECTION_READERS)
@require_GET
def inspection(request, pk: int):
    item = _inspection(request, pk)
    user = request.user
    corrections = item.corrections.select_related("department", "closed_by").prefetch_related("files")
    own = user.department_id if _is_department_user(user) else None
    if own is not None:   # a department sees its own corrections and evidence, not another's
        corrections = corrections.filter(department_id=own)
    rows = [{"c": c, "progress_form": ProgressForm(prefix=f"p{c.pk}") if own == c.department_id and c.is_open else None,
             "close_form": CloseForm(prefix=f"c{c.pk}") if user_has_role(user, Role.OFFICE) and c.is_open else None}
            for c in corrections]
    return render(request, "accountability/inspection.html", {
        "inspection": item, "rows": rows, "today": timezone.localdate(),
        "files": item.files.filter(correction__isnull=True)})


def _correction(request, pk, own_only: bool) -> Correction:
    corrections = scoped(Correction.objects.select_related("inspection"), request.user, "inspection__region")
    if own_only or _is_department_user(request.user):
        corrections = corrections.filter(department_id=request.user.department_id)
    return get_object_or_404(corrections, pk=pk)


@role_required(Role.REPORTER)
@require_POST
def correction_progress(request, pk: int):
    correction = _correction(request, pk, own_only=True)
    form = ProgressForm(request.POST, request.FILES, prefix=f"p{correction.pk}")
    if form.is_valid():
        try:
            services.add_progress(correction, request.user, form.cleaned_data["text"], form.cleaned_data["attachments"])
        except TianpingError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, _("Your account of the correction was saved."))
    else:
        _form_errors(request, form)
    return redirect("accountability:inspection", pk=correction.inspection_id)


@role_required(Role.OFFICE)
@require_POST
def correction_close(request, pk: int):
    correction = _correction(request, pk, own_only=False)
    form = CloseForm(request.POST, request.FILES, prefix=f"c{correction.pk}")
    if form.is_valid():
        try:
            services.close_correction(correction, request.user, form.cleaned_data["note"],
                                      form.cleaned_data["attachments"])
        except TianpingError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, _("The correction was closed."))
    else:
        _form_errors(request, form)
    return redirect("accountability:inspection", pk=correction.inspection_id)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))


@role_required(*INSPECTION_READERS)
@require_GET
def attachment(request, pk: int):
    files = InspectionFile.objects.filter(inspection__in=_inspections(request.user))
    if _is_department_user(request.user):
        files = files.filter(Q(correction__isnull=True) | Q(correction__department_id=request.user.department_id))
    item = get_object_or_404(files, pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
