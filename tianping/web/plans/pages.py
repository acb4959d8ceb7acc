"""The rows of the plan pages (overview, review, indicator framework), worked out in Python.

A plan has a hundred indicators or more, each with targets and baselines; the templates
used to walk the model tree (prefetched querysets, an include per row and per target list),
which cost about half a second for the biggest seed plan. Here a fixed number of flat
queries — however many areas, goals, measures and indicators the plan has — fill plain
dicts with every label already written, and the templates only print them.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tianping.core.figures import figure
from tianping.web.observations.models import Observation

from .models import Area, Baseline, Goal, Indicator, Measure, Plan, Target

KIND_LABELS = dict(Target.Kind.choices)  # get_kind_display() rebuilds this dict on every call


def _url_maker(name: str):
    """reverse() once per page, not once per row: the URL of pk 0 with the pk put in."""
    template = reverse(name, args=[0]).replace("/0/", "/{}/")
    return template.format


def targets_html(targets: list[Target], baselines: list[Baseline]) -> str:
    """The <ul class="targets"> of one indicator: each target with its phrase and, when the
    office changed it, what the parser had extracted; then the baselines."""
    items = []
    for t in targets:
        correction = t.correction_label
        items.append(format_html(
            '<li data-target="{}"{}><strong>{}年</strong> <span class="value">{}</span>{}{}{}</li>',
            t.pk, mark_safe(' class="corrected"') if correction else "", t.year, t.phrase,
            format_html(' <span class="muted">（{}）</span>', KIND_LABELS.get(t.kind, t.kind))
            if t.kind != Target.Kind.NUMERIC else "",
            format_html(' <span class="muted">“{}”</span>', t.text) if t.text else "",
            format_html(' <span class="correction">{}</span>', correction) if correction else ""))
    if not items:
        items.append(format_html('<li class="muted">{}</li>', _("No target")))
    items += [format_html('<li class="muted baseline">{}</li>', _("baseline %(year)s: %(value)s%(unit)s") % {
        "year": b.year, "value": figure(b.value, b.unit), "unit": ""}) for b in baselines]
    return format_html('<ul class="targets">{}</ul>', mark_safe("".join(items)))


def targets_by_indicator(plan: Plan, indicator_ids) -> dict[int, str]:
    """targets_html of the plan's indicators ``indicator_ids``, from two queries."""
    targets, baselines = defaultdict(list), defaultdict(list)
    for t in Target.objects.filter(indicator__plan=plan).select_related("indicator").order_by("indicator", "year", "pk"):
        targets[t.indicator_id].append(t)
    for b in Baseline.objects.filter(indicator__plan=plan).order_by("indicator", "year"):
        baselines[b.indicator_id].append(b)
    return {pk: targets_html(targets.get(pk, []), baselines.get(pk, [])) for pk in indicator_ids}


def _data_counts(plan: Plan) -> dict[int, tuple[int, int]]:
    rows = (Observation.objects.filter(indicator__plan=plan).order_by().values("indicator")
            .annotate(n=Count("pk"), synthetic=Count("pk", filter=Q(synthetic=True))))
    return {r["indicator"]: (r["n"], r["synthetic"]) for r in rows}


def indicator_rows(plan: Plan, indicators: list[Indicator]) -> dict[int, dict]:
    """Each indicator as the tree tables print it, by pk."""
    targets = targets_by_indicator(plan, [i.pk for i in indicators])
    counts = _data_counts(plan)
    edit_url, data_url = _url_maker("indicator_edit"), _url_maker("indicator_data")
    rows = {}
    for i in indicators:
        n, synthetic = counts.get(i.pk, (0, 0))
        rows[i.pk] = {
            "pk": i.pk, "name": i.name, "unit": i.unit, "edit_url": edit_url(i.pk),
            "department": i.responsible_department.name if i.responsible_department else "",
            "data": ngettext("%(n)s value", "%(n)s values", n) % {"n": n} if n else "",
            "data_url": data_url(i.pk), "synthetic": bool(synthetic),
            "source": (_("line %(n)s") % {"n": i.source_line} + "：" if i.source_line else "") + i.source_text,
            "targets": targets[i.pk], "catalogue": catalogue_cell(i), "unit_note": i.unit_note,
        }
    return rows


def catalogue_cell(indicator: Indicator) -> str:
    """"W1-03 孕产妇死亡率 · 别名" with a link to the entry, how sure the link is, or 未关联."""
    entry = indicator.catalogue
    if entry is None:
        removed = indicator.catalogue_method == Indicator.LinkMethod.MANUAL
        return format_html('<span class="unlinked">{}</span>',
                           _("not linked (removed by the office)") if removed else _("not linked"))
    how = indicator.get_catalogue_method_display() or ""
    if indicator.catalogue_method == Indicator.LinkMethod.FUZZY and indicator.catalogue_confidence is not None:
        how += _(" (confidence %(c)s)") % {"c": f"{indicator.catalogue_confidence:.2f}"}
    url = reverse("catalogue:detail", args=[entry.code])
    return format_html('<a href="{}" class="catalogue-link">{} {}</a> <span class="muted">{}</span>',
                       url, entry.code, entry.name, how)


def plan_tree(plan: Plan) -> dict:
    """Areas → goals (with their indicator rows) and measures (with their departments and the
    targets written into them), indicators of an area under neither (added by the office),
    and the indicator table's rows: eight queries in all."""
    areas = [{"pk": a.pk, "number": a.number, "name": a.name, "goals": [], "measures": [], "indicators": []}
             for a in Area.objects.filter(plan=plan).order_by("number", "pk")]
    by_area = {a["pk"]: a for a in areas}
    indicators = list(plan.indicators.select_related("responsible_department", "catalogue").order_by("position", "pk"))
    rows = indicator_rows(plan, indicators)
    goals, measures = {}, {}
    for g in Goal.objects.filter(area__plan=plan).order_by("area", "number", "pk"):
        goals[g.pk] = {"pk": g.pk, "number": g.number, "text": g.text, "indicators": []}
        by_area[g.area_id]["goals"].append(goals[g.pk])
    cooperating = defaultdict(list)
    through = Measure.cooperating_departments.through.objects.filter(measure__area__plan=plan)
    for measure_id, name in through.order_by("department__name", "department_id").values_list(
            "measure_id", "department__name"):
        cooperating[measure_id].append(name)
    edit_measure = _url_maker("measure_edit")
    for m in Measure.objects.filter(area__plan=plan).select_related("lead_department").order_by("area", "number", "pk"):
        measures[m.pk] = {"pk": m.pk, "number": m.number, "title": m.title, "edit_url": edit_measure(m.pk),
                          "lead": m.lead_department.name if m.lead_department else "",
                          "cooperating": "、".join(cooperating.get(m.pk, [])), "indicators": []}
        by_area[m.area_id]["measures"].append(measures[m.pk])
    table = []
    for i in indicators:
        if i.goal_id in goals:
            goals[i.goal_id]["indicators"].append(rows[i.pk])
        elif i.measure_id in measures:
            measures[i.measure_id]["indicators"].append(rows[i.pk])
        elif i.area_id in by_area:  # added by the office to an area, under no goal or measure
            by_area[i.area_id]["indicators"].append(rows[i.pk])
        else:
            table.append(rows[i.pk])
    unlinked = [rows[i.pk] for i in indicators if i.catalogue_id is None]
    return {"areas": areas, "table_indicators": table, "unlinked": unlinked,
            "linked_count": len(indicators) - len(unlinked)}


def framework_rows(plan: Plan, departments: list) -> list[dict]:
    """The indicator framework table: each indicator with its targets written out and the
    <option>s of its department select (the selected one marked), from three queries."""
    indicators = list(plan.indicators.select_related("area", "responsible_department", "proxy_for")
                      .order_by("position", "pk"))
    targets = targets_by_indicator(plan, [i.pk for i in indicators])
    options = [(d.pk, format_html('<option value="{}">{}</option>', d.pk, d.name),
                format_html('<option value="{}" selected>{}</option>', d.pk, d.name)) for d in departments]
    rows = []
    for i in indicators:
        chosen = i.responsible_department_id
        rows.append({"indicator": i, "targets": targets[i.pk],
                     "options": mark_safe("".join(selected if pk == chosen else plain for pk, plain, selected in options))})
    return rows
