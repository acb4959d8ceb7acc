"""Report pages (staff, by role and region), department self-evaluations, and the public
portal (no login: published reports and their open data). Thin: work is in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tianping.web.collection.models import DepartmentReport
from tianping.web.orgs.permissions import (
    Role,
    get_scoped_or_404,
    role_required,
    scoped,
    user_has_role,
)
from tianping.web.plans.models import Plan

from . import opendata, services, tasks
from .forms import NewReportForm, SectionsForm, SelfEvaluationForm, StepForm
from .models import ImmutableReport, Report

READERS = (Role.OFFICE, Role.STATISTICS, Role.EVALUATION, Role.LEADERSHIP, Role.READONLY)
EDITORS = (Role.OFFICE, Role.STATISTICS)     # create, edit, generate
STEPS = {  # action: (roles, service)
    "review": ((Role.EVALUATION,), services.review),
    "approve": ((Role.LEADERSHIP,), services.approve),
    "publish": ((Role.OFFICE,), services.publish),
    "return": ((Role.EVALUATION, Role.LEADERSHIP), services.send_back),
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def _visible_reports(user):
    """Reports of the user's regions; read-only users (third parties) see published ones only."""
    reports = scoped(Report.objects.select_related("plan", "region"), user)
    if not user.is_superuser and user.role == Role.READONLY:
        reports = reports.filter(state=Report.State.PUBLISHED)
    return reports


def _report(request, pk) -> Report:
    return get_object_or_404(_visible_reports(request.user), pk=pk)


def _plans(user):
    return Plan.objects.confirmed().visible_to(user).select_related("region")


# ------------------------------------------------------------------ staff pages

@role_required(*READERS)
@require_GET
def report_list(request):
    reports = _visible_reports(request.user)
    form = NewReportForm(plans=_plans(request.user)) if user_has_role(request.user, *EDITORS) else None
    return render(request, "publishing/reports.html", {"reports": reports, "form": form})


@role_required(*EDITORS)
@require_POST
def report_new(request):
    form = NewReportForm(request.POST, plans=_plans(request.user))
    if not form.is_valid():
        messages.error(request, _("Please check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("publishing:reports")
    plan = form.cleaned_data["plan"]
    report = services.create_report(plan, plan.region, form.cleaned_data["kind"], form.cleaned_data["year"],
                                    request.user)
    return redirect("publishing:report", pk=report.pk)


@role_required(*READERS)
@require_GET
def report_detail(request, pk):
    report = _report(request, pk)
    user = request.user
    can_edit = report.state == Report.State.DRAFT and user_has_role(user, *EDITORS)
    actions = [a for a, (roles, _s) in STEPS.items() if user_has_role(user, *roles) and _allowed(report, a)]
    return render(request, "publishing/report.html", {
        "report": report, "files": report.files.all(), "approvals": report.approvals.select_related("user"),
        "job": report.jobs.first(), "can_edit": can_edit, "actions": actions, "step_form": StepForm(),
        "sections": SectionsForm(initial={"problems": report.problems, "recommendations": report.recommendations}),
        "data_changed": report.state != Report.State.PUBLISHED and services.data_changed(report),
        "missing_data": services.missing_data(report),
    })


def _allowed(report: Report, action: str) -> bool:
    need = {"review": [Report.State.DRAFT], "approve": [Report.State.REVIEWED], "publish": [Report.State.APPROVED],
            "return": [Report.State.REVIEWED, Report.State.APPROVED]}[action]
    ready = not report.needs_generation or action == "return"
    return report.state in need and ready


@role_required(*EDITORS)
@require_POST
def report_sections(request, pk):
    report = _report(request, pk)
    form = SectionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("publishing:report", pk=pk)
    try:
        services.edit_sections(report, request.user, form.cleaned_data["problems"],
                               form.cleaned_data["recommendations"])
    except (services.WorkflowError, ImmutableReport) as err:
        raise PermissionDenied(str(err)) from None
    messages.success(request, _("Saved. Generate the report again to include the changes."))
    return redirect("publishing:report", pk=pk)


@role_required(*EDITORS)
@require_POST
def report_generate(request, pk):
    report = _report(request, pk)
    try:
        tasks.request_generation(report, request.user)
    except (services.WorkflowError, ImmutableReport) as err:
        messages.error(request, str(err))
    if request.htmx:
        return _job_bar(request, report)
    return redirect("publishing:report", pk=pk)


@role_required(*READERS)
@require_GET
def report_job(request, pk):
    """The progress bar (polled by htmx while a job is queued or running)."""
    return _job_bar(request, _report(request, pk))


def _job_bar(request, report):
    return render(request, "publishing/_job.html", {"report": report, "job": report.jobs.first()})


@role_required(*READERS)
@require_POST
def report_step(request, pk, action):
    if action not in STEPS:
        raise Http404
    roles, step = STEPS[action]
    if not user_has_role(request.user, *roles):
        raise PermissionDenied(_("Your role does not allow this step."))
    report = _report(request, pk)
    form = StepForm(request.POST)
    valid = form.is_valid()
    comment = form.cleaned_data["comment"] if valid else ""
    options = {"confirm_incomplete": valid and form.cleaned_data["confirm_incomplete"]} if action == "publish" else {}
    try:
        step(report, request.user, comment, **options)
    except ImmutableReport as err:
        raise PermissionDenied(str(err)) from None
    except services.WorkflowError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, {"review": _("Reviewed."), "approve": _("Approved."),
                                   "publish": _("Published on the public portal."),
                                   "return": _("Returned for revision.")}[action])
    return redirect("publishing:report", pk=pk)


def _file_response(report: Report, fmt: str):
    f = report.files.filter(format=fmt).first()
    if f is None or not f.full_path.is_file():
        raise Http404(_("No such file."))
    name = f"{report.title or report}.{fmt}".replace("/", "_")
    response = FileResponse(open(f.full_path, "rb"), as_attachment=True, filename=name,
                            content_type=CONTENT_TYPES[fmt])
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*READERS)
@require_GET
def report_file(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    return _file_response(_report(request, pk), fmt)


# ------------------------------------------------------------------ self-evaluations

@role_required(Role.REPORTER, Role.OFFICE, Role.EVALUATION, Role.LEADERSHIP)
@require_GET
def self_evaluations(request):
    items = scoped(DepartmentReport.objects.exclude(plan=None).select_related("plan", "department", "region"), request.user)
    if request.user.role == Role.REPORTER and not request.user.is_superuser:
        items = items.filter(department=request.user.department)
    plans = _plans(request.user)
    return render(request, "publishing/self_evaluations.html", {"items": items, "plans": plans})


@role_required(Role.REPORTER)
@require_http_methods(["GET", "POST"])
def self_evaluation(request, plan_pk, year):
    """A reporter writes (and submits) their own department's self-evaluation, for a plan of
    the department's own region (the one its evaluation report reads), else 404."""
    plan = get_scoped_or_404(_plans(request.user), request.user, pk=plan_pk)
    department = request.user.department
    if not 2000 <= year <= 2100 or department is None or plan.region_id != department.region_id:
        raise Http404
    region = plan.region
    instance = DepartmentReport.objects.filter(plan=plan, region=region, department=department, year=year).first()
    instance = instance or DepartmentReport(plan=plan, region=region, department=department, year=year)
    based_on = services.version_of(instance)
    form = SelfEvaluationForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.save_self_evaluation(form.save(commit=False), request.user, submit="submit" in request.POST,
                                          based_on=request.POST.get("based_on", ""))
        except services.WorkflowError as err:
            messages.error(request, str(err))
            status = 409
        else:
            messages.success(request, _("Self-evaluation saved."))
            return redirect("publishing:self_evaluations")
    return render(request, "publishing/self_evaluation.html", {
        "form": form, "plan": plan, "year": year, "instance": instance,
        "based_on": request.POST.get("based_on", based_on) if status == 409 else based_on}, status=status)


# ------------------------------------------------------------------ public portal (no login)

def _published(pk) -> Report:
    return get_object_or_404(Report.objects.select_related("plan", "region"), pk=pk,
                             state=Report.State.PUBLISHED)


@require_GET
def public_index(request):
    reports = Report.objects.filter(state=Report.State.PUBLISHED).select_related("region", "plan") \
        .prefetch_related("files").order_by("-published_at")
    return render(request, "publishing/public.html", {"reports": reports})


@require_GET
def public_report(request, pk):
    report = _published(pk)
    return render(request, "publishing/public_report.html", {
        "report": report, "files": report.files.all(),
        "approvals": report.approvals.filter(step__in=["reviewed", "approved", "published"])})


@require_GET
def public_file(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    return _file_response(_published(pk), fmt)


@require_GET
def public_data(request, pk, fmt):
    report = _published(pk)
    snapshot = {**report.snapshot, "sha256": report.snapshot_sha256}
    base = f"{report.region.code}-{report.year}-{report.kind}-data"
    if fmt == "csv":
        body, ctype, name = opendata.to_csv(snapshot), "text/csv; charset=utf-8", f"{base}.csv"
    elif fmt == "xlsx":
        body = opendata.to_xlsx(snapshot, report.title)
        ctype, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{base}.xlsx"
    elif fmt == "sdmx.csv":
        body, ctype, name = opendata.to_sdmx_csv(snapshot), "application/vnd.sdmx.data+csv; version=2.0.0", \
            f"{base}.sdmx.csv"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
