"""Where a report's data come from: an observations file, the real national figures, or demo data;
and matching the data's indicator names to the plan's.

Names are matched in one place, ``name_key``: NFKC (so "Ⅲ" and "III", full- and half-width
brackets are one), no spaces, one dash. A data file that writes "优于III类标准" reaches the
plan's "优于Ⅲ类标准" and is not lost as 数据不足.

The national figures (``../shared/data/nbs-national-2021-2030.csv``: report, year, area,
indicator, value, unit; no region column) are read by ``core.national.load_national`` as
region 全国, and ``national_plan`` builds the plan they are judged against: the national
outline's areas and indicators, with the targets the outline states
(``core.national.national_targets``); indicators without a stated target are monitored only.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pandas as pd

from tianping.core.errors import TianpingError
from tianping.core.model import PlanKind

NATIONAL_REGION = "全国"
NATIONAL_OUTLINES = {"women": "中国妇女发展纲要（2021—2030年）", "children": "中国儿童发展纲要（2021—2030年）"}
NATIONAL_AREA_PREFIX = {"women": "妇女", "children": "儿童"}
DASHES = re.compile(r"[—–－‐-]+")


def name_key(name: str) -> str:
    """The form two spellings of one indicator name share."""
    text = unicodedata.normalize("NFKC", str(name))
    text = re.sub(r"\s+", "", text)
    return DASHES.sub("-", text).replace("〜", "~").lower()


def align_names(observations: pd.DataFrame, names: list[str], kind: str = "") -> pd.DataFrame:
    """Observations with each indicator written as the plan writes it: by ``name_key``, then
    through the indicator catalogue (core.catalogue: aliases, 区/我区 prefixes, close spellings)
    when both names link to the same catalogue entry and only one plan indicator does."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name_key(name), name)
    by_code = catalogue_codes(names, kind)

    def plan_name(name: str) -> str:
        if name_key(name) in by_key:
            return by_key[name_key(name)]
        code = catalogue_code(name, kind)
        return by_code.get(code, name) if code else name

    renamed = {n: plan_name(n) for n in observations["indicator"].astype(str).unique()}
    return observations.assign(indicator=observations["indicator"].astype(str).map(renamed))


def catalogue_code(name: str, kind: str = "") -> str | None:
    try:
        from tianping.core.catalogue import load_catalogue

        link = load_catalogue().link(name, kind)
    except Exception:          # no catalogue (or a broken office copy): names match by key only
        return None
    return link.code if link.code and link.confidence >= 0.9 else None


def catalogue_codes(names: list[str], kind: str = "") -> dict[str, str]:
    """Catalogue code → plan name, for codes only one plan indicator links to."""
    seen: dict[str, list[str]] = {}
    for name in names:
        code = catalogue_code(name, kind)
        if code:
            seen.setdefault(code, []).append(name)
    return {code: found[0] for code, found in seen.items() if len(found) == 1}


def is_national_file(path: Path) -> bool:
    """The NBS figures' layout: report, year, area, indicator, value, unit — no region column."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding="utf-8-sig") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError):
        return False
    columns = {h.strip().lower() for h in header}
    return {"report", "area", "indicator", "value"} <= columns and not columns & {"region", "地区"}


def load_national_observations(path: Path, kind: str | None) -> pd.DataFrame:
    from tianping.core.national import load_national

    observations = load_national(path)
    if kind:
        prefix = NATIONAL_AREA_PREFIX[kind]
        observations = observations[observations["area"].astype(str).str.contains(prefix)]
    return observations


def national_plan(observations: pd.DataFrame, kind: PlanKind):
    """The national outline as a plan: areas and indicators from the figures, targets from the outline."""
    from tianping.core.model import Area, Goal, Indicator, Plan, Target
    from tianping.core.national import national_targets

    outline = NATIONAL_OUTLINES[kind]
    targets = national_targets()
    targets = targets[targets["outline"] == outline]
    prefix = NATIONAL_AREA_PREFIX[kind]
    plan = Plan(title=outline, kind=kind, region=NATIONAL_REGION, start_year=2021, end_year=2030,
                milestone_years=[2025, 2030])
    areas: dict[str, Area] = {}
    seen = set()
    frame = observations.sort_values(["year"], kind="stable")
    for area_text, name, unit in zip(frame["area"].astype(str), frame["indicator"].astype(str),
                                     frame["unit"].astype(str)):
        area_name = next((a for a in area_text.split("；") if a.startswith(prefix)), area_text.split("；")[0])
        if name in seen:
            continue
        seen.add(name)
        area = areas.setdefault(area_name, Area(number=len(areas) + 1, name=area_name))
        if not area.goals:
            area.goals.append(Goal(number=1, text=area_name))
        stated = targets[targets["indicator"] == name]
        indicator = Indicator(name=name, unit=unit, targets=[
            Target(year=int(t["year"]), op=t["op"], value=float(t["value"]), unit=t["unit"], text=t["text"])
            for t in stated.to_dict("records")])
        area.goals[0].indicators.append(indicator)
    plan.areas = list(areas.values())
    if not plan.areas:
        raise TianpingError(f"国家统计监测数据中没有{prefix}发展纲要的指标")
    return plan


def monitored_indicators(plan) -> list:
    """Indicators of the plan without any target (monitored only)."""
    return [i for area in plan.areas for goal in area.goals for i in goal.indicators if not i.targets]
