"""The city level of the demo: 大连市 with 西岗区 and two labelled synthetic districts
(中山区（演示）, 沙河口区（演示）), a city plan and a city office user, so the city view
(compare districts, roll up counts, flag targets weaker than the city's or the national
outline's) can be tried. Everything here is synthetic and says so in its names; every step
is idempotent. Called from tianping.web.demo.seed_city."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction

from tianping.core import geojson
from tianping.core.readers import parse_document
from tianping.web.analysis import services as analysis
from tianping.web.orgs.models import Department, Region, User
from tianping.web.plans import services
from tianping.web.plans.models import Plan, Target

CITY_CODE = "210200"
# Real GB/T 2260 codes of 大连市 districts; the names say the data are synthetic.
SYNTHETIC_DISTRICTS = [("210202", "中山区（演示）", 2031), ("210204", "沙河口区（演示）", 2032)]
TEMPLATE_SEED = "002"   # 西岗区妇女发展规划 (2021—2030): the template for the synthetic plans
LABEL = "（演示：以西岗区规划为模板合成）"
CITY_USER = "city"
# One target of a synthetic district made weaker than the city's, so the flag can be seen.
WEAKENED = ("中山区（演示）", "孕产妇死亡率", 2030, 12.0)


@dataclass
class CityDemo:
    districts: list[Region]
    city_plan: Plan | None
    user: str
    password: str


def seed_city(seed_dir, office: User, password_of) -> CityDemo:
    from . import (
        demo as setup,  # demo imports this module at its top (seed_city): no cycle at load
    )

    city = Region.objects.get(code=CITY_CODE)
    districts = []
    for code, name, _seed in SYNTHETIC_DISTRICTS:
        region, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": Region.Level.DISTRICT, "parent": city})
        setup.seed_departments(region)
        districts.append(region)
    setup.seed_departments(city)
    template = sorted(seed_dir.glob(f"{TEMPLATE_SEED}_*.txt"))
    city_plan = None
    if template:
        city_plan = _copy_women_plan(template[0], city, f"大连市妇女发展规划（2021—2030年）{LABEL}", office)
        for region, (_code, name, seed) in zip(districts, SYNTHETIC_DISTRICTS):
            plan = _copy_women_plan(template[0], region, f"{name}妇女发展规划（2021—2030年）{LABEL}", office)
            if plan is not None:
                _weaken(plan)
                setup.fill_synthetic(plan, seed=seed)
    _schematic_boundaries(city, office)
    user, new = User.objects.get_or_create(username=CITY_USER)
    user.role, user.region, user.last_name = User.Role.OFFICE, city, "大连市妇儿工委办公室（演示）"
    user.department = Department.objects.filter(region=city, name="妇联").first()
    shown = password_of(user, new)
    user.save()
    return CityDemo(districts, city_plan, CITY_USER, shown)


def _copy_women_plan(path, region: Region, title: str, office: User) -> Plan | None:
    """The template's women's plan stored for ``region`` under a labelled title (once)."""
    existing = Plan.objects.filter(region=region, title=title[:200]).first()
    if existing is not None:
        return existing
    core_plans = [p for p in parse_document(path, data=path.read_bytes()) if p.kind == Plan.Kind.WOMEN]
    if not core_plans:
        return None
    from . import (
        demo as setup,  # demo imports this module at its top (seed_city): no cycle at load
    )

    with transaction.atomic():
        plan = services.import_plans(core_plans, region, office, other_region_ok=True)[0]
        plan.title = title[:200]
        plan.source_sha256 = ""   # a copy, not the seed file itself (the seed import stays idempotent)
        plan.save(update_fields=["title", "source_sha256"])
        setup.assign_demo_departments(plan)
        services.confirm_plan(plan, office)
    return plan


SCHEMATIC_FILE = "大连市区县示意图.geojson"


def _schematic_boundaries(city: Region, office: User) -> None:
    """The map's boundaries for the demo: no openly licensed boundary file of 大连市's districts
    is shipped, so a schematic one (a hexagon per district, labelled 示意图，非真实边界) is
    generated and stored through the same check and match as an office's upload (once)."""
    if analysis.current_boundary(city) is not None:
        return
    doc = geojson.schematic(analysis.child_regions(city))
    analysis.store_boundaries(city, office, SCHEMATIC_FILE, json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def _weaken(plan: Plan) -> None:
    name, indicator, year, value = WEAKENED
    if plan.region.name == name:
        Target.objects.filter(indicator__plan=plan, indicator__name=indicator, year=year).update(value=value)
