"""Storing parsed plans and the office's changes to them. Views call these; the
parsing itself is tianping.core's."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping.core import model as core
from tianping.core.catalogue import link_plan
from tianping.core.errors import DocumentError, Location, TianpingError
from tianping.core.readers import parse_document
from tianping.web.catalogue.services import (
    assign_default_departments,
    link_plan_indicators,
)
from tianping.web.orgs.models import Region

from .models import Area, Baseline, Goal, Indicator, Measure, Plan, Target
from .revisions import apply_revision, carry_manual_links, check_drops

logger = logging.getLogger(__name__)
ALLOWED_SUFFIXES = {".txt", ".docx", ".pdf", ".doc", ".wps"}   # .doc/.wps through LibreOffice


def plans_visible_to(user):
    return Plan.objects.visible_to(user).select_related("region")


def check_upload(name: str, size: int) -> None:
    """Type by name and size before any byte is parsed; the reader checks the bytes."""
    where = Location(file=Path(name).name)
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise DocumentError(_("Only .txt, .docx, .doc, .wps and .pdf plan documents can be imported"), where)
    if size > settings.UPLOAD_MAX_BYTES:
        raise DocumentError(
            _("The file is %(size).1f MB; at most %(limit).0f MB can be imported")
            % {"size": size / 1e6, "limit": settings.UPLOAD_MAX_BYTES / 1e6},
            where,
        )


# OCR takes 3-4 s of CPU per page: a scan read within the upload request must finish well
# inside gunicorn's 60 s timeout on two cores (`tianping plan parse FILE` reads up to 80 pages).
OCR_UPLOAD_MAX_PAGES = 20


def parse_upload(name: str, data: bytes) -> list[core.Plan]:
    check_upload(name, len(data))
    try:
        return parse_document(Path(name).name, data=data, max_bytes=settings.UPLOAD_MAX_BYTES,
                              ocr_max_pages=getattr(settings, "OCR_UPLOAD_MAX_PAGES", OCR_UPLOAD_MAX_PAGES))
    except TianpingError:
        raise
    except Exception as exc:  # a parser bug must not become a 500 page for the office
        logger.exception("parsing %s failed", name)
        raise DocumentError(_("The document could not be analysed (%(error)s); nothing was imported")
                            % {"error": type(exc).__name__}, Location(file=Path(name).name)) from exc


@transaction.atomic
def import_plans(core_plans: list[core.Plan], region=None, user=None, candidates=None,
                 other_region_ok: bool = False) -> list[Plan]:
    """Store every parsed plan as a draft, all or nothing. Without ``region`` each plan's
    region is told from its title among ``candidates``. A draft for the same region
    and kind as a confirmed plan becomes its revision. A plan whose title names another
    region than ``region`` is refused unless ``other_region_ok`` (the office chose so)."""
    if region is not None and not other_region_ok:
        for core_plan in core_plans:
            named = named_region(core_plan)
            other = (core_plan.region_code != region.code) if core_plan.region_code else (
                named and not _same_region(named, region))
            if other:
                raise DocumentError(
                    f"规划“{core_plan.title}”写明的地区是“{named}”，不是{region.full_name}；"
                    f"不能作为{region.name}的规划（或其修订版）导入。如确属本地区，请勾选“确认该规划适用于所选地区”后重新上传",
                    Location(file=core_plan.source_file))

    for core_plan in core_plans:   # units and fraction targets read as the catalogue says, before storing
        link_plan(core_plan, fix_targets=True)
    return [store_plan(core_plan, region or _region_from_title(core_plan, candidates), user)
            for core_plan in core_plans]


def named_region(core_plan: core.Plan) -> str:
    """The region the plan itself names (parser metadata, else the title's most specific region)."""
    if core_plan.region:
        return core_plan.region

    found = guess_region(core_plan, Region.objects.all())
    return found.name if found else ""


def _same_region(named: str, region) -> bool:
    """Whether the name the plan gives is this region (大连市西岗区 / 西岗区) — not a sibling or a parent."""
    full = region.full_name
    return named in (region.name, full) or (named.endswith(region.name) and full.endswith(named))


LEVEL_ORDER = {"district": 0, "city": 1, "province": 2}


def guess_region(core_plan: core.Plan, candidates):
    """The most specific region named in the plan's title ("大连市西岗区…" → 西岗区), if only one is."""
    candidates = list(candidates)
    by_code = [r for r in candidates if core_plan.region_code and r.code == core_plan.region_code]
    if by_code:
        return by_code[0]
    text = f"{core_plan.region}{core_plan.title}"
    named = [r for r in candidates if r.name and r.name in text]
    if not named:
        return None
    best = min(LEVEL_ORDER.get(r.level, 9) for r in named)
    most_specific = [r for r in named if LEVEL_ORDER.get(r.level, 9) == best]
    return most_specific[0] if len(most_specific) == 1 else None


def _region_from_title(core_plan: core.Plan, candidates):
    region = guess_region(core_plan, candidates if candidates is not None else [])
    if region is None:
        raise DocumentError(_("Could not tell the region of “%(title)s” from its title; choose the region")
                            % {"title": core_plan.title}, Location(file=core_plan.source_file))
    return region


def store_plan(core_plan: core.Plan, region, user=None) -> Plan:
    current = current_plan(region, core_plan.kind)
    plan = Plan.objects.create(
        region=region,
        kind=core_plan.kind,
        title=core_plan.title[:200],
        start_year=core_plan.start_year,
        end_year=core_plan.end_year,
        milestone_years=list(core_plan.milestone_years),
        sections=dict(core_plan.sections),
        key_projects=list(core_plan.key_projects),
        parse_warnings=list(core_plan.warnings),
        source_file=core_plan.source_file[:255],
        source_sha256=core_plan.source_sha256,
        revises=current,
        imported_by=user,
    )
    position = _Counter()
    for core_area in core_plan.areas:
        area = Area.objects.create(plan=plan, number=core_area.number, name=core_area.name[:100], **_src(core_area))
        for core_goal in core_area.goals:
            goal = Goal.objects.create(area=area, number=core_goal.number, text=core_goal.text, **_src(core_goal))
            for ind in core_goal.indicators:
                store_indicator(plan, ind, position(), area=area, goal=goal)
        for core_measure in core_area.measures:
            measure = Measure.objects.create(area=area, number=core_measure.number, title=core_measure.title[:300],
                                             text=core_measure.text, **_src(core_measure))
            for ind in core_measure.indicators:
                store_indicator(plan, ind, position(), area=area, measure=measure)
    for ind in core_plan.indicator_table:
        store_indicator(plan, ind, position())

    link_plan_indicators(plan)   # what each indicator measures and its unit; departments follow at confirmation
    if current is not None:      # a revised edition keeps the links the office chose by hand

        carry_manual_links(current, plan)
    return plan


def store_indicator(plan: Plan, ind: core.Indicator, position: int, **where) -> Indicator:
    link = getattr(ind, "catalogue", None) or {}
    indicator = Indicator.objects.create(
        plan=plan, position=position, name=ind.name[:200], unit=ind.unit[:30], direction=ind.direction or "",
        data_source=ind.data_source[:200], unit_note=link.get("unit_note", "")[:200], **where, **_src(ind),
    )
    targets = [Target(indicator=indicator, year=t.year, op=t.op, value=t.value, upper=t.upper, unit=t.unit[:30],
                      base_year=t.base_year, kind=t.kind, text=t.text[:300], borderline=t.borderline, **_src(t))
               for t in ind.targets]
    for target in targets:
        target.extracted = target.as_extracted()  # kept, so the office's corrections show
    Target.objects.bulk_create(targets)
    Baseline.objects.bulk_create(
        Baseline(indicator=indicator, year=b.year, value=b.value, unit=b.unit[:30], **_src(b))
        for b in ind.baselines
    )
    return indicator


def current_plan(region, kind: str) -> Plan | None:
    return Plan.objects.filter(region=region, kind=kind, status=Plan.Status.CONFIRMED).order_by("-confirmed_at").first()


def confirm_plan(plan: Plan, user, dropped_ids=()) -> None:
    """Confirm a draft. A revision is applied to the confirmed edition; when that would drop
    indicators holding data, each must be among ``dropped_ids`` (named and ticked by the
    office), else revisions.DropNotConfirmed is raised and nothing changes."""
    with transaction.atomic():
        if plan.revises_id and plan.revises.status == Plan.Status.CONFIRMED:
            check_drops(plan.revises, plan, dropped_ids)
            apply_revision(plan.revises, plan)

        assign_default_departments(plan)   # the catalogue's usual department where the office set none
        plan.status = Plan.Status.CONFIRMED
        plan.confirmed_by = user
        plan.confirmed_at = timezone.now()
        plan.save(update_fields=["status", "confirmed_by", "confirmed_at"])


def _src(item) -> dict:
    ref = getattr(item, "source", None)
    return {"source_line": ref.line, "source_text": ref.text} if ref else {}


class _Counter:
    def __init__(self):
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n
