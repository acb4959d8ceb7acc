"""Demo set-up for `tianping demo`: the four seed districts with their cities and
provinces, the usual committee member departments, the seed plans, one user per
role and synthetic 2020–2024 observations. Every step is idempotent."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tianping.core import model as core
from tianping.core.readers import parse_document
from tianping.web.collection.models import ReportingRound
from tianping.web.collection.services import open_round
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Department, Region, User
from tianping.web.plans import services
from tianping.web.plans.models import Indicator, Plan

from . import demo_city

# (code, name, level, parent code) — GB/T 2260.
REGIONS = [
    ("210000", "辽宁省", Region.Level.PROVINCE, None),
    ("210200", "大连市", Region.Level.CITY, "210000"),
    ("210203", "西岗区", Region.Level.DISTRICT, "210200"),
    ("220000", "吉林省", Region.Level.PROVINCE, None),
    ("220100", "长春市", Region.Level.CITY, "220000"),
    ("220113", "九台区", Region.Level.DISTRICT, "220100"),
    ("330000", "浙江省", Region.Level.PROVINCE, None),
    ("330200", "宁波市", Region.Level.CITY, "330000"),
    ("330213", "奉化区", Region.Level.DISTRICT, "330200"),
    ("350000", "福建省", Region.Level.PROVINCE, None),
    ("350100", "福州市", Region.Level.CITY, "350000"),
    ("350111", "晋安区", Region.Level.DISTRICT, "350100"),
]
DISTRICT_CODES = ["210203", "220113", "330213", "350111"]

K = Department.Kind
# The usual member list of a district women and children's working committee.
DEPARTMENTS = [
    ("组织部", K.PARTY), ("宣传部", K.PARTY), ("政法委", K.PARTY), ("人大", K.LEGISLATURE), ("政协", K.LEGISLATURE),
    ("法院", K.JUDICIAL), ("检察院", K.JUDICIAL), ("发改局", K.GOVERNMENT), ("教育局", K.GOVERNMENT),
    ("公安分局", K.GOVERNMENT), ("民政局", K.GOVERNMENT), ("司法局", K.GOVERNMENT), ("财政局", K.GOVERNMENT),
    ("人社局", K.GOVERNMENT), ("住建局", K.GOVERNMENT), ("农业农村局", K.GOVERNMENT), ("商务局", K.GOVERNMENT),
    ("文旅局", K.GOVERNMENT), ("卫健局", K.GOVERNMENT), ("应急管理局", K.GOVERNMENT), ("医保局", K.GOVERNMENT),
    ("体育局", K.GOVERNMENT), ("市场监管局", K.GOVERNMENT), ("生态环境局", K.GOVERNMENT), ("统计局", K.GOVERNMENT),
    ("总工会", K.MASS), ("妇联", K.MASS), ("团委", K.MASS), ("残联", K.MASS), ("科协", K.MASS),
]

# Demo users of the first district (西岗区): (username, role, department, display name).
DEMO_REGION = "210203"
DEMO_USERS = [
    ("office", User.Role.OFFICE, "妇联", "妇儿工委办公室"),
    ("stats", User.Role.STATISTICS, "统计局", "统计局监测组"),
    ("reporter", User.Role.REPORTER, "卫健局", "卫健局联络员"),
    ("expert", User.Role.EVALUATION, None, "专家评估组"),
    ("leader", User.Role.LEADERSHIP, None, "领导小组"),
    ("viewer", User.Role.READONLY, None, "只读用户"),
]

# Demo task division: an indicator whose name holds a keyword goes to that department.
DEMO_ASSIGNMENT = [
    (("孕产妇", "婴儿", "死亡率", "健康", "疾病", "筛查", "卫生", "生育", "哺乳", "疫苗", "营养", "体重", "近视"), "卫健局"),
    (("入学", "教育", "学校", "学前", "毕业", "受教育"), "教育局"),
    (("就业", "社会保险", "养老保险", "失业", "工伤", "技能"), "人社局"),
    (("医疗保险", "医保"), "医保局"),
    (("家庭暴力", "拐卖", "犯罪", "刑事"), "公安分局"),
    (("法律援助", "司法"), "司法局"),
    (("人大代表", "政协委员"), "人大"),
    (("干部", "领导班子", "公务员"), "组织部"),
    (("村委会", "居委会", "低保", "救助", "福利", "孤儿"), "民政局"),
    (("体育", "锻炼"), "体育局"),
]


@dataclass
class DemoUser:
    username: str
    password: str
    role_label: str


def seed_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        region, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": regions.get(parent)})
        regions[code] = region
    return regions


def seed_departments(region: Region) -> None:
    for name, kind in DEPARTMENTS:
        Department.objects.get_or_create(region=region, name=name, defaults={"kind": kind})


def demo_password(username: str) -> str:
    return f"tp-{username}-2030"


def seed_users() -> list[DemoUser]:
    region = Region.objects.get(code=DEMO_REGION)
    created = []
    for username, role, department, display in DEMO_USERS:
        user, new = User.objects.get_or_create(username=username)
        user.role, user.region, user.last_name = role, region, display
        user.department = Department.objects.get(region=region, name=department) if department else None
        created.append(DemoUser(username, _demo_password_of(user, new), str(user.get_role_display())))
        user.save()
    admin, new = User.objects.get_or_create(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.role, admin.last_name = User.Role.OFFICE, "系统管理员"
    created.append(DemoUser("admin", _demo_password_of(admin, new), "系统管理员"))
    admin.save()
    return created


CHANGED_PASSWORD = "（已修改，不显示）"


def _demo_password_of(user: User, new: bool) -> str:
    """Set the printed default password only for a new user (or one that never had one);
    a password someone changed is kept — every ./run.sh used to reset it."""
    if new or not user.has_usable_password():
        user.set_password(demo_password(user.username))
        return demo_password(user.username)
    return demo_password(user.username) if user.check_password(demo_password(user.username)) else CHANGED_PASSWORD


def find_seeds(explicit: str | Path | None = None) -> Path:
    """--seeds, $TIANPING_SEEDS, then ../shared/seeds beside the repository or the working directory."""
    candidates = [explicit, settings.TIANPING_SEEDS or None,
                  settings.REPO_DIR.parent / "shared" / "seeds", Path.cwd().parent / "shared" / "seeds",
                  Path.cwd() / "shared" / "seeds"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("*.txt")):
            return Path(candidate)
    raise FileNotFoundError("找不到种子规划文件夹（shared/seeds）。请用 --seeds 指定，或设置环境变量 TIANPING_SEEDS。")


def import_seed_file(path: Path, importer: User | None) -> list[Plan]:
    """Import and confirm the plans of one seed file, unless this exact file is already in."""
    data = path.read_bytes()
    if Plan.objects.filter(source_sha256=hashlib.sha256(data).hexdigest()).exists():
        return []
    stored = []
    with transaction.atomic():
        for core_plan in parse_document(path, data=data):
            plan = services.import_plans([core_plan], None, importer, candidates=Region.objects.all())[0]
            assign_demo_departments(plan)
            services.confirm_plan(plan, importer)
            stored.append(plan)
    return stored


def assign_demo_departments(plan: Plan) -> None:
    """Linked indicators got the catalogue's usual department at import and are reported by sex
    where the catalogue says both sexes are counted; the rest go by keyword, as an office might."""
    departments = {d.name: d for d in Department.objects.filter(region=plan.region)}
    for indicator in plan.indicators.select_related("catalogue"):
        fields = []
        if indicator.catalogue_id and indicator.by_sex != indicator.catalogue.sex_disaggregated:
            indicator.by_sex = indicator.catalogue.sex_disaggregated
            fields.append("by_sex")
        if indicator.responsible_department_id is None:
            for keywords, department in DEMO_ASSIGNMENT:
                if any(k in indicator.name for k in keywords):
                    indicator.responsible_department = departments.get(department)
                    if not indicator.catalogue_id:
                        indicator.by_sex = plan.kind == Plan.Kind.CHILDREN  # girls and boys reported apart
                    fields += ["responsible_department", "by_sex"]
                    break
        if fields:
            indicator.save(update_fields=sorted(set(fields)))


def fill_synthetic(plan: Plan, seed: int = 2030) -> int:
    """Synthetic 2020–2024 observations from tianping.core.synthetic, flagged synthetic."""
    if Observation.objects.filter(indicator__plan=plan).exists():
        return 0
    try:
        from tianping.core.synthetic import demo_observations
    except ImportError:
        return 0
    core_plan = _core_plan_of(plan)
    frame = demo_observations(core_plan, region=plan.region.name, seed=seed)
    by_name = {}
    for indicator in plan.indicators.order_by("position"):
        by_name.setdefault(indicator.name, indicator)
    rows = []
    for rec in frame.to_dict("records"):
        indicator = by_name.get(rec["indicator"])
        if indicator is None:
            continue
        rows.append(Observation(
            indicator=indicator, region=plan.region, year=int(rec["year"]), sex=_text(rec.get("sex")),
            age=_text(rec.get("age")), residence=_text(rec.get("residence")), value=_number(rec.get("value")),
            numerator=_number(rec.get("numerator")), denominator=_number(rec.get("denominator")),
            note=_text(rec.get("note")) or "合成演示数据", synthetic=True,
            origin=Observation.Origin.HISTORY, source="合成演示数据",  # history: kept beside round data
        ))
    Observation.objects.bulk_create(rows, ignore_conflicts=True)
    from tianping.web.monitoring.services import (
        assess_plan_region,  # dashboard reads stored results
    )
    assess_plan_region(plan, plan.region, trigger="demo", notify=False)
    return len(rows)


def _core_plan_of(plan: Plan):
    """The plan as tianping.core sees it, rebuilt from the stored rows."""
    def targets(ind: Indicator):
        return [core.Target(year=t.year, op=t.op, value=t.value, upper=t.upper, unit=t.unit,
                            base_year=t.base_year, kind=t.kind, text=t.text) for t in ind.targets.all()]

    indicators = [core.Indicator(name=i.name, unit=i.unit, direction=i.direction, targets=targets(i),
                                 baselines=[core.Baseline(b.year, b.value, b.unit) for b in i.baselines.all()],
                                 catalogue={"code": i.catalogue.code} if i.catalogue_id else None)
                  for i in plan.indicators.select_related("catalogue").prefetch_related("targets", "baselines")]
    return core.Plan(title=plan.title, kind=plan.kind, region=plan.region.name, start_year=plan.start_year,
                     end_year=plan.end_year, milestone_years=list(plan.milestone_years),
                     areas=[], indicator_table=indicators)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _number(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def open_demo_round(office: User, year: int = 2025) -> bool:
    """Open the office's reporting round for ``year`` so the reporter has tasks.

    Idempotent: an existing round is left as it is. Returns whether one was opened."""
    if ReportingRound.objects.filter(region=office.region, year=year).exists():
        return False
    open_round(office.region, year, datetime.date(year + 1, 12, 31), office)
    return True


def seed_city(office: User, seeds=None):
    """The demo's city level (大连市, labelled synthetic districts, a city plan and user): demo_city.py."""
    return demo_city.seed_city(find_seeds(seeds), office, _demo_password_of)
