"""Plan pages. Every view goes through orgs.permissions: a role check and the
user's regions. The work itself is in services.py and revisions.py."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.core.errors import TianpingError
from tianping.web.catalogue.services import link_plan_indicators
from tianping.web.orgs.models import Department
from tianping.web.orgs.permissions import (
    PLAN_MANAGERS,
    PLAN_READERS,
    get_scoped_or_404,
    regions_visible_to,
    role_required,
)

from . import pages, revisions, services
from .forms import (
    ImportForm,
    IndicatorForm,
    MeasureForm,
    TargetFormSet,
    save_indicator_form,
)
from .models import Indicator, Measure, Plan, Target


def _plan(request, pk) -> Plan:
    return get_scoped_or_404(Plan.objects.select_related("region", "revises"), request.user, pk=pk)


def _indicator(request, pk) -> Indicator:
    return get_scoped_or_404(Indicator.objects.select_related("plan__region"), request.user,
                             region_field="plan__region", pk=pk)


@role_required(*PLAN_READERS)
def plan_list(request):
    return render(request, "plans/plan_list.html", {"plans": services.plans_visible_to(request.user)})


@role_required(*PLAN_MANAGERS)
def plan_import(request):
    regions = regions_visible_to(request.user)
    own_district = request.user.region if request.user.region and request.user.region.level == "district" else None
    form = ImportForm(request.POST or None, request.FILES or None, regions=regions, initial={"region": own_district})
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            core_plans = services.parse_upload(upload.name, upload.read())
            plans = services.import_plans(core_plans, form.cleaned_data["region"], request.user, candidates=regions,
                                          other_region_ok=form.cleaned_data["other_region_ok"])
        except TianpingError as err:
            error = str(err)
        else:
            messages.success(request, _("Imported %(n)d plan(s) from %(file)s. Check them against the document, then confirm.")
                             % {"n": len(plans), "file": upload.name})
            first = plans[0]
            return redirect("plan_changes" if first.revises_id else "plan_review", first.pk)
    return render(request, "plans/plan_import.html", {"form": form, "error": error}, status=400 if error else 200)


@role_required(*PLAN_READERS)
def plan_detail(request, pk):
    plan = _plan(request, pk)
    return render(request, "plans/plan_detail.html", {"plan": plan, "editable": False, **pages.plan_tree(plan)})


@role_required(*PLAN_MANAGERS)
def plan_review(request, pk):
    plan = _plan(request, pk)
    dropped = _dropped_with_data(plan)
    return render(request, "plans/plan_review.html",
                  {"plan": plan, "editable": True, "dropped": dropped, **pages.plan_tree(plan)})


def _dropped_with_data(plan: Plan) -> list:
    """What confirming this draft revision would stop monitoring although it holds data."""
    if not (plan.is_draft and plan.revises and plan.revises.status == Plan.Status.CONFIRMED):
        return []
    return revisions.dropped_with_data(plan.revises, plan)


@role_required(*PLAN_MANAGERS)
@require_POST
def plan_confirm(request, pk):
    plan = _plan(request, pk)
    if not plan.is_draft:
        messages.warning(request, _("This plan is not a draft."))
        return redirect("plan_review", plan.pk)
    try:
        services.confirm_plan(plan, request.user, dropped_ids=request.POST.getlist("drop"))
    except revisions.DropNotConfirmed as refused:
        messages.error(request, _("Not confirmed: the revision has no counterpart for %(names)s, which already "
                                  "hold data. Tick each one you mean to stop monitoring, then confirm again.")
                       % {"names": "、".join(f"“{change.name}”" for change in refused.changes)})
        return redirect("plan_changes", plan.pk)
    messages.success(request, _("The plan is confirmed. Its indicator framework is now in force."))
    return redirect("plan_framework", plan.pk)


@role_required(*PLAN_MANAGERS)
@require_POST
def plan_delete(request, pk):
    plan = _plan(request, pk)
    if not plan.is_draft:
        messages.error(request, _("Only a draft can be discarded."))
        return redirect("plan_review", plan.pk)
    plan.delete()
    messages.success(request, _("The draft was discarded."))
    return redirect("plan_list")


@role_required(*PLAN_MANAGERS)
def plan_changes(request, pk):
    plan = _plan(request, pk)
    if plan.revises is None:
        return redirect("plan_review", plan.pk)
    diff = revisions.diff_plans(plan.revises, plan)
    dropped = [change for change in diff.removed if change.observations] if plan.is_draft else []
    return render(request, "plans/plan_changes.html",
                  {"plan": plan, "old": plan.revises, "diff": diff, "dropped": dropped})


@role_required(*PLAN_READERS)
def plan_framework(request, pk):
    plan = _plan(request, pk)
    departments = list(_departments_of(plan))
    indicators = pages.framework_rows(plan, departments)
    measures = Measure.objects.filter(area__plan=plan).select_related("area", "lead_department").prefetch_related(
        "cooperating_departments")
    can_assign = request.user.is_superuser or request.user.role in PLAN_MANAGERS
    return render(request, "plans/plan_framework.html", {"plan": plan, "rows": indicators, "measures": measures,
                                                         "departments": departments, "can_assign": can_assign})


@role_required(*PLAN_MANAGERS)
def indicator_edit(request, pk):
    """Draft: everything. Confirmed: the framework only; targets change with a revised edition."""
    indicator = _indicator(request, pk)
    draft = indicator.plan.is_draft
    form = IndicatorForm(request.POST or None, instance=indicator)
    targets = TargetFormSet(request.POST or None, instance=indicator) if draft else None
    if request.method == "POST" and form.is_valid() and (targets is None or targets.is_valid()):
        with transaction.atomic():
            save_indicator_form(form)
            if targets is not None:
                targets.save()
        messages.success(request, _("Saved “%(name)s”.") % {"name": indicator.name})
        return redirect(f"{_review_url(indicator.plan)}#indicator-{indicator.pk}")
    others = indicator.plan.indicators.exclude(pk=indicator.pk)
    return render(request, "plans/indicator_edit.html",
                  {"indicator": indicator, "plan": indicator.plan, "form": form, "targets": targets, "others": others})


@role_required(*PLAN_MANAGERS)
@require_POST
def indicator_department(request, pk):
    """Assign the responsible department from the framework table (htmx swaps the cell)."""
    indicator = _indicator(request, pk)
    departments = _departments_of(indicator.plan)
    chosen = request.POST.get("responsible_department") or None
    department = departments.filter(pk=_pk(chosen)).first()
    if chosen is not None and department is None:
        return HttpResponseBadRequest(_("Choose a department of this plan's region."))
    indicator.responsible_department = department
    indicator.save(update_fields=["responsible_department"])
    if not request.htmx:
        return redirect("plan_framework", indicator.plan.pk)
    return render(request, "plans/_department_cell.html",
                  {"indicator": indicator, "departments": departments, "saved": True})


def _departments_of(plan: Plan):
    return Department.objects.filter(region=plan.region, is_active=True)


@role_required(*PLAN_MANAGERS)
def indicator_add(request, pk):
    plan = _plan(request, pk)
    if refused := _refuse_unless_draft(request, plan):
        return refused
    if request.method == "POST":
        area = plan.areas.filter(pk=_pk(request.POST.get("area"))).first()
        name = request.POST.get("name", "").strip()[:200]
        if not name:
            messages.error(request, _("An indicator needs a name."))
            return redirect("plan_review", plan.pk)
        indicator = Indicator.objects.create(plan=plan, area=area, name=name,
                                             position=plan.indicators.count() + 1)

        link_plan_indicators(plan)
        return redirect("indicator_edit", indicator.pk)
    return redirect("plan_review", plan.pk)


@role_required(*PLAN_MANAGERS)
@require_POST
def indicator_delete(request, pk):
    indicator = _indicator(request, pk)
    plan = indicator.plan
    if refused := _refuse_unless_draft(request, plan):
        return refused
    try:
        indicator.delete()
    except ProtectedError:
        messages.error(request, _("“%(name)s” already has data and cannot be deleted.") % {"name": indicator.name})
    else:
        messages.success(request, _("Deleted “%(name)s”.") % {"name": indicator.name})
    return redirect("plan_review", plan.pk)


@role_required(*PLAN_MANAGERS)
@require_POST
def indicator_merge(request, pk):
    indicator = _indicator(request, pk)
    if refused := _refuse_unless_draft(request, indicator.plan):
        return refused
    other = indicator.plan.indicators.filter(pk=_pk(request.POST.get("other"))).first()
    if other is None:
        messages.error(request, _("Choose the indicator to merge into this one."))
    else:
        try:
            revisions.merge_indicators(keep=indicator, absorb=other)
        except ProtectedError:
            messages.error(request, _("Both indicators have data for the same cells; they cannot be merged."))
            return redirect("indicator_edit", indicator.pk)
        messages.success(request, _("Merged “%(other)s” into “%(name)s”.") % {"other": other.name, "name": indicator.name})
    return redirect("indicator_edit", indicator.pk)


@role_required(*PLAN_MANAGERS)
@require_POST
def target_split(request, pk):
    target = get_scoped_or_404(Target.objects.select_related("indicator__plan"), request.user,
                               region_field="indicator__plan__region", pk=pk)
    if refused := _refuse_unless_draft(request, target.indicator.plan):
        return refused
    new = revisions.split_target(target)
    messages.success(request, _("The target is now its own indicator “%(name)s”: rename it.") % {"name": new.name})
    return redirect("indicator_edit", new.pk)


@role_required(*PLAN_MANAGERS)
def measure_edit(request, pk):
    measure = get_scoped_or_404(Measure.objects.select_related("area__plan"), request.user,
                                region_field="area__plan__region", pk=pk)
    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved the departments of measure %(n)d.") % {"n": measure.number})
        return redirect(f"{_review_url(measure.area.plan)}#measure-{measure.pk}")
    return render(request, "plans/measure_edit.html", {"measure": measure, "plan": measure.area.plan, "form": form})


def _refuse_unless_draft(request, plan: Plan):
    """Targets and the list of indicators are fixed once a plan is confirmed: they change
    with a revised edition, so data already reported is never silently re-targeted."""
    if plan.is_draft:
        return None
    messages.error(request, _("The plan is confirmed: its indicators and targets change only by importing a "
                              "revised edition."))
    return redirect("plan_review", plan.pk)


def _pk(value: str | None) -> int | None:
    """A posted id, or None when it is missing or not a number (a hand-edited form): the
    view then says "choose ..." instead of the lookup failing with a server error."""
    return int(value) if value and value.isdecimal() else None


def _review_url(plan: Plan) -> str:
    return reverse("plan_review", args=[plan.pk])
