"""The catalogue in the web: the package's entries kept in the table, linking a stored plan's
indicators to entries (unit, definition, disaggregations and department from the entry), and
the cross-indicator rules that apply to a region."""

from __future__ import annotations

from django.db import transaction

from tianping.core import catalogue as core
from tianping.core.validation import CrossRule
from tianping.web.orgs.models import Department
from tianping.web.plans.models import Indicator

from .models import CatalogueEntry, ValidationRule

_synced_version: str | None = None
ENTRY_FIELDS = ("name", "aliases", "outline", "area", "definition", "kind", "unit", "multiplier", "numerator",
                "denominator", "population", "age_band", "disaggregations", "direction", "lead", "cooperating",
                "source", "national")


def _row(entry: core.Entry) -> dict:
    data = entry.to_dict()
    row = {f: data[f] for f in ENTRY_FIELDS}
    row["aliases"], row["disaggregations"], row["cooperating"] = (list(row[k]) for k in
                                                                  ("aliases", "disaggregations", "cooperating"))
    row["national"] = [dict(t) for t in data["national"]]
    row["low"], row["high"] = entry.low, entry.high
    return row


def sync_builtin(force: bool = False) -> int:
    """Copy the package catalogue into the table (once per process and file version): new entries
    are added, package entries updated; an office's own entries are left alone."""
    global _synced_version
    packaged = core.load_catalogue()
    if not force and _synced_version == packaged.version and CatalogueEntry.objects.filter(builtin=True).exists():
        return 0
    with transaction.atomic():
        existing = {e.code: e for e in CatalogueEntry.objects.all()}
        new, changed = [], []
        for entry in packaged:
            row = _row(entry)
            stored = existing.get(entry.code)
            if stored is None:
                new.append(CatalogueEntry(code=entry.code, builtin=True, **row))
            elif stored.builtin and any(getattr(stored, k) != v for k, v in row.items()):
                for k, v in row.items():
                    setattr(stored, k, v)
                changed.append(stored)
        CatalogueEntry.objects.bulk_create(new)
        if changed:
            CatalogueEntry.objects.bulk_update(changed, list(ENTRY_FIELDS) + ["low", "high"])
    _synced_version = packaged.version
    return len(new) + len(changed)


def current_catalogue() -> core.Catalogue:
    """The package's entries and the offices' own, as one core Catalogue (for linking)."""
    sync_builtin()
    packaged = core.load_catalogue()
    extra = [e.as_core() for e in CatalogueEntry.objects.filter(builtin=False)]
    return core.Catalogue(list(packaged.entries) + extra, packaged.rules, packaged.version)


# --- linking a stored plan -----------------------------------------------------------------

DEPARTMENT_SYNONYMS = {"卫健": ("卫健", "卫生健康", "卫生"), "人社": ("人社", "人力资源"), "医保": ("医保", "医疗保障"),
                       "市场监管": ("市场监管", "市场监督"), "生态环境": ("生态环境", "环保", "环境保护"),
                       "公安": ("公安",), "农业农村": ("农业农村", "农业"), "应急管理": ("应急",),
                       "发改": ("发改", "发展和改革", "发展改革"), "住建": ("住建", "住房和城乡建设", "住房城乡建设")}


def _keys(name: str) -> tuple[str, ...]:
    stem = name.replace("分局", "").rstrip("局部委会办")
    return DEPARTMENT_SYNONYMS.get(stem, (stem,)) if stem else ()


def default_department(entry, departments):
    """The region's department for the entry's usual lead, else its first cooperating one found."""
    for wanted in (entry.lead, *entry.cooperating):
        for key in _keys(wanted or ""):
            found = [d for d in departments if key in d.name]
            if found:
                return min(found, key=lambda d: len(d.name))
    return None


def apply_link(indicator, entry: CatalogueEntry | None, method: str, confidence: float,
               departments=None, targets=None) -> list[str]:
    """Link ``indicator`` (not saved here) to ``entry`` and take from it what the plan leaves open:
    a unit the plan lacks or that contradicts the kind (noted), direction, definition, multiplier,
    the department (when one is given and none is set). Returns the fields changed."""
    indicator.catalogue = entry
    # an office's "no entry" is kept as a manual choice, so automatic linking does not undo it
    indicator.catalogue_method = method if entry or method == "manual" else ""
    indicator.catalogue_confidence = confidence if entry else None
    changed = ["catalogue", "catalogue_method", "catalogue_confidence"]
    if entry is None:
        return changed
    core_entry = entry.as_core()
    if targets is None:
        targets = list(indicator.targets.all()) if indicator.pk else []
    unit, note = core.unit_decision(core_entry, indicator.unit, core.change_unit_only(indicator.unit, targets))
    if note and note not in indicator.unit_note:
        indicator.unit_note = "；".join(filter(None, (note, indicator.unit_note)))[:200]
        changed.append("unit_note")
    if unit != indicator.unit:
        indicator.unit = unit
        changed.append("unit")
    for field, value in (("direction", entry.direction), ("definition", entry.definition),
                         ("multiplier", entry.multiplier)):
        if value and not getattr(indicator, field):
            setattr(indicator, field, value)
            changed.append(field)
    for flag, key in (("by_sex", "sex"), ("by_age", "age"), ("by_residence", "residence")):
        if getattr(indicator, flag) and key not in (entry.disaggregations or []):
            setattr(indicator, flag, False)    # only the breakdowns the entry allows
            changed.append(flag)
    if departments is not None and indicator.responsible_department_id is None:
        department = default_department(core_entry, departments)
        if department is not None:
            indicator.responsible_department = department
            changed.append("responsible_department")
    return changed


def link_plan_indicators(plan, only_unlinked: bool = True) -> int:
    """Link every indicator of a stored plan (those without a link, by default); never one whose
    link the office chose (or removed) by hand."""
    catalogue = current_catalogue()
    entries = {e.code: e for e in CatalogueEntry.objects.all()}
    linked = 0
    indicators = plan.indicators.exclude(catalogue_method="manual")
    if only_unlinked:
        indicators = indicators.filter(catalogue=None)
    indicators = indicators.prefetch_related("targets")   # apply_link reads them (a change's % is no unit)
    changed: list = []
    fields: set[str] = set()
    for indicator in indicators:
        link = catalogue.link(indicator.name, plan.kind)
        if not link.linked:
            continue
        fields.update(apply_link(indicator, entries.get(link.code), link.method, link.confidence))
        changed.append(indicator)
        linked += 1
    # one UPDATE per batch, not one per indicator (an import links ~100); apply_link already
    # clears by_sex where the entry counts one sex only, as Indicator.save would
    if changed:
        Indicator.objects.bulk_update(changed, sorted(fields), batch_size=200)
    return linked


def assign_default_departments(plan) -> int:
    """Task division by default: each linked indicator without a department gets the region's
    department for the catalogue's usual lead (else a usual cooperating one). Run when the plan
    is confirmed; afterwards the office may change or remove any of them."""
    departments = list(Department.objects.filter(region=plan.region, is_active=True))
    assigned = 0
    for indicator in plan.indicators.filter(responsible_department=None).exclude(catalogue=None).select_related(
            "catalogue"):
        department = default_department(indicator.catalogue.as_core(), departments)
        if department is not None:
            indicator.responsible_department = department
            indicator.save(update_fields=["responsible_department"])
            assigned += 1
    return assigned


# --- rules ------------------------------------------------------------------------------------

def rules_for(region) -> list[CrossRule]:
    """The catalogue's rules and the active rules of the region and the regions above it."""
    rules = [CrossRule(r.left, r.op, r.right, message=r.message) for r in core.load_catalogue().rules]
    regions = []
    while region is not None:
        regions.append(region.pk)
        region = region.parent
    for rule in ValidationRule.objects.filter(region__in=regions, active=True).select_related("left", "right"):
        rules.append(CrossRule(rule.left.code, rule.op, rule.right.code if rule.right_id else "",
                               rule.right_value, rule.message, rule.name))
    return rules
