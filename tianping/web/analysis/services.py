"""What the visualizer and the map read, scoped by the existing rules only:

* indicators: those of ``Plan.objects.visible_to(user).confirmed()`` and of the plans that apply
  to the user's own region (``monitoring.services.applicable_plans``); a reporter only its own
  department's, as the API and the data pages;
* regions: ``regions_visible_to(user)``;
* values: ``scoped(Observation…)`` of those indicators and regions (a reporter: its department's
  indicators only), read per indicator × region by ``observations.models.assessed_list`` — the
  same accepted data and history the dashboard and the indicator pages show.

One logical indicator across the regions' plans is keyed by its catalogue code (or, unlinked,
by plan kind and name, as the city view matches them). The pivot itself is tianping.core.pivot.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, Max, Q

from tianping.core import geojson
from tianping.core import pivot as core
from tianping.core.errors import Location, TianpingError
from tianping.web.catalogue.models import CatalogueEntry
from tianping.web.monitoring.models import DataStamp
from tianping.web.monitoring.services import applicable_plans
from tianping.web.observations.models import Observation, assessed_list
from tianping.web.orgs.models import Region
from tianping.web.orgs.permissions import (
    Role,
    regions_visible_to,
    scoped,
    user_has_role,
)
from tianping.web.plans.models import Indicator, Plan

from .models import Boundary, Favourite

# Who uses the visualizer: every role that reads plans (a reporter its own department's
# indicators); who pins to the dashboard and sees the map: the dashboard's readers.
ANALYSTS = (Role.OFFICE, Role.STATISTICS, Role.EVALUATION, Role.LEADERSHIP, Role.REPORTER)
DASHBOARD_READERS = (Role.OFFICE, Role.STATISTICS, Role.EVALUATION, Role.LEADERSHIP)
MAX_PINNED = 6


def is_reporter(user) -> bool:
    return not user.is_superuser and user.role == Role.REPORTER


def may_pin(user) -> bool:
    return user_has_role(user, *DASHBOARD_READERS)


# One stored indicator as the visualizer reads it (rows, not model instances: the dashboard
# builds a pivot per pinned favourite, and instantiating a province's indicators and observations
# was most of that cost).
class Stored(NamedTuple):
    pk: int
    name: str
    unit: str
    kind: str                   # plan kind
    plan_region_id: int
    flags: tuple[bool, bool, bool]   # by_sex, by_age, by_residence
    code: str | None            # catalogue entry
    population: str
    disaggregations: tuple[str, ...]


class Row(NamedTuple):          # an observation, with what observations.models.assessed_list reads
    indicator_id: int
    region_id: int
    code: str
    year: int
    sex: str
    age: str
    residence: str
    value: float | None
    synthetic: bool
    origin: str


WOMEN_ONLY = (CatalogueEntry.Population.WOMEN, CatalogueEntry.Population.GIRLS)   # CatalogueEntry.women_only


def indicator_key(ind: Stored) -> str:
    return ind.code if ind.code else f"{ind.kind}:{ind.name}"


def visible_indicators(user):
    plans = Plan.objects.visible_to(user).confirmed()
    if user.region_id:
        plans = Plan.objects.confirmed().filter(Q(pk__in=plans.values("pk")) |
                                                Q(pk__in=applicable_plans(user.region).values("pk")))
    rows = Indicator.objects.filter(plan__in=plans)
    if is_reporter(user):
        rows = rows.filter(responsible_department_id=user.department_id)
    return rows.order_by("plan__kind", "plan_id", "position", "pk")


def indicator_infos(user) -> tuple[dict[str, core.IndicatorInfo], dict[str, list[Stored]]]:
    """The logical indicators the user may pick, and the stored indicators behind each key (the
    user's own region's plan first, whose name and unit the key takes)."""
    own = user.region_id
    stored = [Stored(pk, name, unit, kind, region_id, (by_sex, by_age, by_residence), code, population or "",
                     tuple(disaggregations or ()))
              for pk, name, unit, kind, region_id, by_sex, by_age, by_residence, code, population, disaggregations
              in visible_indicators(user).values_list(
                  "pk", "name", "unit", "plan__kind", "plan__region_id", "by_sex", "by_age", "by_residence",
                  "catalogue__code", "catalogue__population", "catalogue__disaggregations")]
    by_key: dict[str, list[Stored]] = defaultdict(list)
    for ind in sorted(stored, key=lambda i: i.plan_region_id != own):
        by_key[indicator_key(ind)].append(ind)
    infos = {}
    for key, inds in by_key.items():
        first = inds[0]
        if first.code:   # the breakdowns the catalogue entry allows (as Indicator.breakdown_applies)
            women_only = first.population in WOMEN_ONLY
            breakdowns = tuple(k for _flag, k in Indicator.BREAKDOWN_FIELDS
                               if k in first.disaggregations and not (k == "sex" and women_only))
        else:   # not linked: what the framework asks of it
            women_only = False
            breakdowns = tuple(k for i, (_flag, k) in enumerate(Indicator.BREAKDOWN_FIELDS)
                               if any(ind.flags[i] for ind in inds))
        infos[key] = core.IndicatorInfo(key, first.name, first.unit, breakdowns, women_only)
    return infos, by_key


def visible_regions(user) -> dict[str, str]:
    return dict(regions_visible_to(user).order_by("code").values_list("code", "name"))


def load_values(user, choice: core.Choice, by_key: dict[str, list[Stored]],
                region_names: dict[str, str]) -> list[core.Value]:
    """The stored values of the chosen indicators and regions the user may see."""
    chosen = {k: by_key[k] for k in choice.indicators if k in by_key}
    ids = {ind.pk: (key, ind) for key, inds in chosen.items() for ind in inds}
    codes = [c for c in choice.regions if c in region_names]
    if not ids or not codes:
        return []
    rows = scoped(Observation.objects.filter(indicator_id__in=list(ids), region__code__in=codes), user)
    if is_reporter(user):
        rows = rows.filter(indicator__responsible_department_id=user.department_id)
    groups: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for r in rows.order_by().values_list("indicator_id", "region_id", "region__code", "year", "sex", "age",
                                         "residence", "value", "synthetic", "origin"):
        row = Row(*r)
        groups[(row.indicator_id, row.code)].append(row)
    # One stored indicator per key and region: the region's own plan's, else the first with data.
    picked: dict[tuple[str, str], int] = {}
    for ind_id, code in sorted(groups, key=lambda k: (ids[k[0]][1].plan_region_id != groups[k][0].region_id, k[0])):
        picked.setdefault((ids[ind_id][0], code), ind_id)
    out = []
    for (key, code), ind_id in picked.items():
        unit = ids[ind_id][1].unit
        for o in assessed_list(groups[(ind_id, code)]):
            out.append(core.Value(key, code, o.year, o.sex, o.age, o.residence, o.value, unit, o.synthetic))
    return out


def build(user, choice: core.Choice, infos=None, by_key=None, region_names=None) -> core.Pivot:
    if infos is None or by_key is None:
        infos, by_key = indicator_infos(user)
    region_names = region_names if region_names is not None else visible_regions(user)
    return core.build(choice, infos, region_names, load_values(user, choice, by_key, region_names))


def available_years(user) -> list[int]:
    return list(scoped(Observation.objects.all(), user).order_by("year").values_list("year", flat=True).distinct())


# ---------------------------------------------------------------- favourites

def pinned_stamp(user) -> str:
    """Changes whenever the user's pinned favourites do (part of the dashboard's cache key)."""
    agg = Favourite.objects.filter(owner=user, pinned=True).aggregate(n=Count("pk"), t=Max("updated_at"))
    return f"{agg['n']}:{agg['t'].isoformat() if agg['t'] else ''}"


PINNED_TTL = 60   # as the dashboard's page cache (monitoring.cache.TTL)


def pinned_charts(user) -> list[dict]:
    """The charts of the user's pinned favourites for the dashboard (scoped as the visualizer).

    They do not depend on the region the dashboard shows, so they are cached apart from the page:
    per user, keyed by the favourites (and their last change) and the data versions of the regions
    they show (monitoring.cache.touch), for at most PINNED_TTL seconds (a permission change is
    seen within that time, like the page cache's)."""
    favourites = list(Favourite.objects.filter(owner=user, pinned=True).order_by("name")[:MAX_PINNED])
    if not favourites:
        return []
    codes = sorted({str(c) for f in favourites for c in (f.choice.get("regions") or []) if isinstance(c, str)})
    versions = sorted(DataStamp.objects.filter(region_code__in=codes).values_list("region_code", "version"))
    raw = f"{user.pk}|{[(f.pk, f.updated_at.isoformat()) for f in favourites]}|{versions}"
    key = "analysis:pinned:" + hashlib.sha256(raw.encode()).hexdigest()
    hit = cache.get(key)
    if hit is not None:
        return hit
    out = _pinned_charts(user, favourites)
    cache.set(key, out, PINNED_TTL)
    return out


def _pinned_charts(user, favourites) -> list[dict]:
    infos, by_key = indicator_infos(user)
    names = visible_regions(user)
    out = []
    for fav in favourites:
        table = build(user, core.Choice.from_dict(fav.choice), infos, by_key, names)
        out.append({"favourite": fav, "chart": core.chart_data(table, ""), "empty": table.empty,
                    "synthetic": table.synthetic, "json_id": f"pinned-{fav.pk}-data"})
    return out


# ---------------------------------------------------------------- boundaries

def child_regions(region: Region) -> list[tuple[str, str]]:
    """The districts a boundary file of ``region`` is matched against (its regions one level down)."""
    return list(Region.objects.filter(parent=region).order_by("code").values_list("code", "name"))


def store_boundaries(region: Region, user, file_name: str, data: bytes) -> Boundary:
    """Check, match and store an uploaded GeoJSON of ``region``'s districts (TianpingError in
    Chinese otherwise; nothing stored)."""
    districts = child_regions(region)
    if not districts:
        raise TianpingError(f"{region.name}没有下级区县，无法匹配边界", Location(file=file_name))
    boundaries = geojson.read(file_name, data)
    matched = geojson.match(boundaries, districts)
    if not matched.by_feature:
        raise TianpingError(f"没有一个要素与{region.name}的区县对应（按名称或行政区划代码）。文件中的要素："
                            f"{'、'.join(matched.unmatched[:20])}；应有的区县：{'、'.join(n for _c, n in districts)}",
                            Location(file=file_name))
    labels = {f.index: f.name or f.code for f in boundaries.features}
    return Boundary.objects.create(
        region=region, name=boundaries.name, file_name=file_name[:255],
        geojson=geojson.feature_collection(boundaries, matched),
        matched={code: labels[i] for i, code in matched.by_feature.items()},
        unmatched=matched.unmatched, missing=matched.missing, schematic=boundaries.schematic, uploaded_by=user)


def current_boundary(region: Region) -> Boundary | None:
    return Boundary.objects.filter(region=region).order_by("-uploaded_at", "-pk").first()
