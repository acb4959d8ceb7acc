"""Framework curation for the office: assign many indicators to a department at once,
import the district's 分工方案 (task division) spreadsheet, and send directional and
qualitative targets to the evaluation group for judgement."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.core.division import read_division
from tianping.core.errors import TianpingError
from tianping.core.observations import canonical_name
from tianping.web.monitoring.models import Notification
from tianping.web.monitoring.notices import recipients, send
from tianping.web.monitoring.services import assess_plan_region
from tianping.web.orgs.models import Department, User
from tianping.web.orgs.permissions import (
    PLAN_MANAGERS,
    get_scoped_or_404,
    role_required,
)

from .models import Indicator, Plan, Target

DIRECTIONAL = ("increase", "decrease")
MAX_BYTES = 5 * 2**20


def _plan(request, pk) -> Plan:
    return get_scoped_or_404(Plan.objects.select_related("region"), request.user, pk=pk)


def _picked(request, plan) -> list[Indicator]:
    ids = [int(x) for x in request.POST.getlist("pick") if x.isdigit()]
    return list(plan.indicators.filter(pk__in=ids).order_by("position"))


def assign(plan: Plan, indicators: list[Indicator], department: Department | None) -> int:
    return Indicator.objects.filter(pk__in=[i.pk for i in indicators]).update(responsible_department=department)


def send_for_judgement(plan: Plan, indicators: list[Indicator], user) -> tuple[int, int]:
    """Directional targets (逐步提高/降低) of the chosen indicators become targets the evaluation
    group judges (the target text and the parser's reading stay); the group is told about
    every chosen indicator with a directional or qualitative target. Returns (changed, sent)."""
    with transaction.atomic():
        changed = Target.objects.filter(indicator__in=indicators, op__in=DIRECTIONAL).update(
            op="qualitative", kind=Target.Kind.QUALITATIVE)
        sent = [i for i in indicators if i.targets.filter(op="qualitative").exists()]
        if sent:
            names = "、".join(i.name for i in sent[:5]) + ("等" if len(sent) > 5 else "")
            send(Notification.Kind.TO_REVIEW, recipients(plan.region, User.Role.EVALUATION),
                 f"{plan.region.name}送来{len(sent)}项指标的目标请评估组判断：{names}",
                 reverse("monitoring:judgements") + f"?region={plan.region.code}")
    if changed:
        transaction.on_commit(lambda: assess_plan_region(plan, plan.region, trigger="judgement requested",
                                                         notify=False))
    return changed, len(sent)


@role_required(*PLAN_MANAGERS)
@require_POST
def framework_bulk(request, pk):
    plan = _plan(request, pk)
    picked = _picked(request, plan)
    action = request.POST.get("action")
    if not picked:
        messages.error(request, _("Tick the indicators first."))
    elif action == "assign":
        raw = request.POST.get("department", "")
        department = Department.objects.filter(region=plan.region, is_active=True, pk=raw).first() if raw.isdigit() else None
        if raw and department is None:
            messages.error(request, _("Choose a department of this plan's region."))
        else:
            n = assign(plan, picked, department)
            messages.success(request, _("%(n)d indicators assigned to %(dept)s.")
                             % {"n": n, "dept": department.name if department else _("no department")})
    elif action == "judge":
        changed, sent = send_for_judgement(plan, picked, request.user)
        messages.success(request, _("%(sent)d indicators sent to the evaluation group (%(changed)d directional "
                                    "targets now judged by the group).") % {"sent": sent, "changed": changed})
    else:
        messages.error(request, _("Choose an action."))
    return redirect("plan_framework", plan.pk)


def apply_division(plan: Plan, data: bytes, filename: str) -> tuple[int, list[str]]:
    """Match every row to an indicator and a department; store all or nothing. (assigned, errors)."""
    rows = read_division(data, filename)
    by_name: dict[str, list[Indicator]] = {}
    for ind in plan.indicators.all():
        by_name.setdefault(canonical_name(ind.name), []).append(ind)
    departments = {d.name: d for d in Department.objects.filter(region=plan.region, is_active=True)}
    errors, plan_rows = [], []
    for r in rows:
        where = f"文件“{filename}”，{r.where()}"
        matches = by_name.get(r.indicator)
        if not matches:
            errors.append(f"{where}：指标“{r.indicator}”不在《{plan.title}》中")
            continue
        lead = departments.get(r.lead)
        if lead is None:
            errors.append(f"{where}：牵头单位“{r.lead or '（空）'}”不是{plan.region.name}的成员单位")
            continue
        unknown = [c for c in r.cooperating if c not in departments]
        if unknown:
            errors.append(f"{where}：配合单位“{'、'.join(unknown)}”不是{plan.region.name}的成员单位")
            continue
        plan_rows.append((matches, lead))
    if errors:
        return 0, errors
    with transaction.atomic():
        for matches, lead in plan_rows:
            Indicator.objects.filter(pk__in=[i.pk for i in matches]).update(responsible_department=lead)
    return sum(len(m) for m, _l in plan_rows), []


@role_required(*PLAN_MANAGERS)
@require_POST
def division_import(request, pk):
    plan = _plan(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the task division spreadsheet (.xlsx)."))
        return redirect("plan_framework", plan.pk)
    if upload.size > MAX_BYTES:
        messages.error(request, f"文件“{upload.name}”大小{upload.size / 2**20:.1f} MB，超过上限{MAX_BYTES / 2**20:.0f} MB")
        return redirect("plan_framework", plan.pk)
    try:
        n, errors = apply_division(plan, upload.read(), upload.name)
    except TianpingError as err:
        n, errors = 0, [str(err)]
    if errors:
        messages.error(request, "分工方案未导入：\n" + "\n".join(errors[:30])
                       + (f"\n……另有{len(errors) - 30}处" if len(errors) > 30 else ""))
    else:
        messages.success(request, _("Task division imported: %(n)d indicators assigned.") % {"n": n})
    return redirect("plan_framework", plan.pk)
