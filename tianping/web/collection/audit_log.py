"""审计记录 (audit log): who changed what, when, from which old value to which new one.

Two trails, one page: reported values (EntryChange: every version of every cell, with its
channel) and the framework, observations and report texts (FieldChange, see tianping.web.audit).
The committee office of a region sees its own regions' records; system administrators all.
Filters: who (user name), what (indicator, department, record kind or field), when (from/to
dates); 50 records a page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from tianping.core.figures import number
from tianping.core.validation import Cell
from tianping.web.audit import AUDITED
from tianping.web.orgs.models import FieldChange
from tianping.web.orgs.permissions import Role, regions_visible_to, role_required

from .models import EntryChange

PER_PAGE = 50
VALUE_FIELDS = (("value", "数值"), ("numerator", "分子"), ("denominator", "分母"), ("note", "备注"))
KINDS = (("values", "填报数值"), ("fields", "规划框架、监测数据与报告文本"))

# How each audited kind of record reaches its region (for the office's scope).
REGION_OF = {
    "plans.Plan": "region", "plans.Area": "plan__region", "plans.Goal": "area__plan__region",
    "plans.Measure": "area__plan__region", "plans.Indicator": "plan__region", "plans.Target": "indicator__plan__region",
    "collection.Submission": "round__region", "publishing.Report": "region",
    "collection.DepartmentReport": "region", "observations.Observation": "region",
}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _when(qs, field: str, start: date | None, end: date | None):
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(**{f"{field}__gte": datetime.combine(start, time.min, tz)})
    if end:
        qs = qs.filter(**{f"{field}__lt": datetime.combine(end + timedelta(days=1), time.min, tz)})
    return qs


def _who(qs, prefix: str, text: str):
    if not text:
        return qs
    return qs.filter(Q(**{f"{prefix}__username__icontains": text}) | Q(**{f"{prefix}__first_name__icontains": text})
                     | Q(**{f"{prefix}__last_name__icontains": text}))


def _show(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, float):
        return number(value)
    return str(value)


def _value_rows(user, who: str, what: str, start, end):
    qs = EntryChange.objects.select_related("user", "entry__indicator", "entry__submission__department",
                                            "entry__submission__round__region")
    if not user.is_superuser:
        qs = qs.filter(entry__submission__round__region__in=regions_visible_to(user))
    qs = _when(_who(qs, "user", who), "at", start, end)
    if what:
        qs = qs.filter(Q(entry__indicator__name__icontains=what)
                       | Q(entry__submission__department__name__icontains=what))
    page_of = qs.order_by("-at", "-pk")

    def describe(change):
        e = change.entry
        old, new = change.old or {}, change.new or {}
        diffs = [(label, _show(old.get(key)), _show(new.get(key))) for key, label in VALUE_FIELDS
                 if _show(old.get(key)) != _show(new.get(key))]
        return {"at": change.at, "user": change.user,
                "what": f"{e.submission.round.region.name} {e.submission.round.year}年 · {e.submission.department.name}"
                        f" · {e.indicator.name}（{Cell(e.sex, e.age, e.residence).label}）",
                "detail": f"{change.get_channel_display()} · 第{change.version}版",
                "diffs": diffs or [("数值", "（无变化）", "（无变化）")], "entry": e.pk}

    return page_of, describe


def _field_rows(user, who: str, what: str, start, end):
    qs = FieldChange.objects.select_related("user")
    if not user.is_superuser:
        regions = regions_visible_to(user)
        scope = Q()
        for label, path in REGION_OF.items():
            model = apps.get_model(label)
            scope |= Q(model=label, object_id__in=model._base_manager.filter(**{f"{path}__in": regions})
                       .values("pk"))
        qs = qs.filter(scope)
    qs = _when(_who(qs, "user", who), "at", start, end)
    if what:
        labels = [label for label in AUDITED if what in str(apps.get_model(label)._meta.verbose_name)
                  or what.lower() in label.lower()]
        qs = qs.filter(Q(model__in=labels) | Q(field__icontains=what))

    def describe(change):
        try:
            model = apps.get_model(change.model)
            kind = str(model._meta.verbose_name)
            field = str(model._meta.get_field(change.field).verbose_name)
        except (LookupError, FieldDoesNotExist):   # a record of a model or field since removed
            kind, field = change.model, change.field
        return {"at": change.at, "user": change.user, "what": f"{kind} #{change.object_id}",
                "detail": "", "diffs": [(field, _show(change.old), _show(change.new))], "entry": None}

    return qs.order_by("-at", "-pk"), describe


@role_required(Role.OFFICE)
def audit_log(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in dict(KINDS) else "values"
    who = (request.GET.get("who") or "").strip()[:50]
    what = (request.GET.get("what") or "").strip()[:50]
    start, end = _day(request.GET.get("from", "")), _day(request.GET.get("to", ""))
    rows_of = _value_rows if kind == "values" else _field_rows
    qs, describe = rows_of(request.user, who, what, start, end)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("kind", kind), ("who", who), ("what", what),
                               ("from", start.isoformat() if start else ""), ("to", end.isoformat() if end else ""))
             if v}
    return render(request, "collection/audit_log.html", {
        "kinds": KINDS, "kind": kind, "who": who, "what": what, "start": start, "end": end,
        "page": page, "rows": [describe(c) for c in page.object_list], "query": urlencode(query)})
