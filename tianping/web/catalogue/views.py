"""The catalogue pages: everyone who reads plans reads the catalogue; the office adds its own
entries; the office and the statistics bureau keep the region's validation rules."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tianping.commands.catalogue import national_label, to_csv, to_xlsx
from tianping.core import catalogue as core
from tianping.web.orgs.permissions import (
    PLAN_MANAGERS,
    PLAN_READERS,
    Role,
    role_required,
    scoped,
)

from . import services
from .forms import EntryForm, RuleForm
from .models import CatalogueEntry, ValidationRule

RULE_KEEPERS = (Role.OFFICE, Role.STATISTICS)


def _rows(entries):
    for entry in entries:
        core_entry = entry.as_core()
        yield {"entry": entry, "kind": core.KIND_LABELS[entry.kind], "population": core.POPULATION_LABELS[entry.population],
               "groups": "、".join(core.DISAGGREGATION_LABELS[d] for d in entry.disaggregations) or "—",
               "range": core_entry.range_label,   # the targets as the outline says them, not how many there are
               "national": "；".join(national_label(core_entry, t) for t in core_entry.national)}


@role_required(*PLAN_READERS)
def entry_list(request):
    services.sync_builtin()
    entries = CatalogueEntry.objects.all()
    query = request.GET.get("q", "").strip()[:50]
    outline = request.GET.get("outline", "")
    if query:
        entries = entries.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(aliases__icontains=query))
    if outline in CatalogueEntry.Outline.values:
        entries = entries.filter(outline=outline)
    entries = list(entries)
    return render(request, "catalogue/list.html", {
        "rows": list(_rows(entries)), "query": query, "outline": outline, "count": len(entries),
        "with_national": sum(1 for e in entries if e.national),
        "can_add": request.user.is_superuser or request.user.role in PLAN_MANAGERS})


@role_required(*PLAN_READERS)
def entry_detail(request, code):
    services.sync_builtin()
    entry = CatalogueEntry.objects.filter(code=code.upper()).first()
    if entry is None:
        raise Http404(_("No catalogue entry with this code."))

    core_entry = entry.as_core()
    linked = scoped(entry.indicators.select_related("plan__region"), request.user, "plan__region")
    return render(request, "catalogue/detail.html", {
        "entry": entry, "kind": core.KIND_LABELS[entry.kind], "population": core.POPULATION_LABELS[entry.population],
        "groups": "、".join(core.DISAGGREGATION_LABELS[d] for d in entry.disaggregations),
        "range": core_entry.range_label,
        "national": [(national_label(core_entry, t), t) for t in core_entry.national],
        "linked": linked.order_by("plan__region__code", "plan_id")[:50]})


@role_required(*PLAN_MANAGERS)
def entry_add(request):
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.added_by = request.user
        entry.save()
        messages.success(request, _("Added “%(name)s” to the catalogue.") % {"name": entry.name})
        return redirect("catalogue:detail", entry.code)
    return render(request, "catalogue/entry_form.html", {"form": form})


@role_required(*PLAN_READERS)
def export(request, fmt):
    services.sync_builtin()
    entries = [e.as_core() for e in CatalogueEntry.objects.all()]
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(entries), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif fmt == "csv":
        response = HttpResponse(to_csv(entries).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        raise Http404(_("Unknown export format."))
    response["Content-Disposition"] = f'attachment; filename="catalogue.{fmt}"'
    return response


@role_required(*RULE_KEEPERS)
def rules(request):
    """The region's own validation rules (add, switch off) beside the catalogue's built-in ones."""
    region = request.user.region
    own = scoped(ValidationRule.objects.select_related("left", "right", "region"), request.user)
    form = RuleForm(request.POST if "add" in request.POST else None)
    if request.method == "POST" and region is not None:
        if "add" in request.POST and form.is_valid():
            rule = form.save(commit=False)
            rule.region, rule.created_by = region, request.user
            rule.save()
            messages.success(request, _("Rule “%(name)s” added.") % {"name": rule.name})
            return redirect("catalogue:rules")
        if "toggle" in request.POST:
            rule = own.filter(pk=_int(request.POST.get("toggle"))).first()
            if rule is None:
                raise Http404
            rule.active = not rule.active
            rule.save(update_fields=["active"])
            return redirect("catalogue:rules")
    services.sync_builtin()
    by_code = {e.code: e for e in CatalogueEntry.objects.all()}
    builtin = [{"left": by_code.get(r.left), "op": r.op, "right": by_code.get(r.right), "message": r.message}
               for r in core.load_catalogue().rules]
    return render(request, "catalogue/rules.html", {"rules": own, "builtin": builtin, "form": form},
                  status=400 if request.method == "POST" and form.errors else 200)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
