"""The office's history import: values of earlier years (e.g. 2015–2024) from yearbooks and
past monitoring reports, each with its source, stored as ``Observation(origin=history)``
beside the values accepted in reporting rounds. Parsing and checking are in
``tianping.core.history``; here the names are matched to the region's confirmed plans and
the rows stored all or nothing, then the plans are reassessed."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max, Min
from openpyxl import Workbook

from tianping.core.entries import refused_breakdown
from tianping.core.errors import InputErrors, Location, TianpingError
from tianping.core.figures import number
from tianping.core.history import load_history
from tianping.core.observations import canonical_name
from tianping.core.validation import Cell, IndicatorRule
from tianping.web import audit
from tianping.web.monitoring.services import assess_plan_region
from tianping.web.plans.models import Indicator, Plan

from .models import Observation

ALLOWED_SUFFIXES = (".csv", ".xlsx")
MAX_BYTES = 10 * 2**20


@dataclass
class HistoryResult:
    new: int
    changed: int
    indicators: int
    years: tuple[int, int]
    sources: list[str]


def region_indicators(region) -> dict[str, Indicator]:
    """The region's indicators in force by their names as core spells them (first plan wins)."""
    out: dict[str, Indicator] = {}
    for ind in (Indicator.objects.filter(plan__region=region, plan__status=Plan.Status.CONFIRMED)
                .select_related("plan", "catalogue").order_by("plan__kind", "position", "pk")):
        out.setdefault(canonical_name(ind.name), ind)
    return out


def import_history(region, user, filename: str, data: bytes) -> HistoryResult:
    """Check and store a history file for ``region``; raises TianpingError/InputErrors, storing nothing."""
    name = Path(filename or "上传文件").name
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise TianpingError("历史数据只接收CSV或.xlsx文件", Location(file=name))
    if len(data) > MAX_BYTES:
        raise TianpingError(f"文件大小{len(data) / 2**20:.1f} MB，超过上限{MAX_BYTES / 2**20:.0f} MB", Location(file=name))
    indicators = region_indicators(region)
    if not indicators:
        raise TianpingError(f"{region.name}还没有已确认的规划，无法导入历史数据")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        frame = load_history(path, indicators={n: i.unit for n, i in indicators.items()}, region=region.name,
                             region_names=(region.full_name,), max_bytes=MAX_BYTES)
    frame = frame[frame["value"].notna()]
    if frame.empty:
        raise TianpingError("文件中没有任何数值（空白和“—”不导入）", Location(file=name))
    return _store(region, frame, indicators)


@transaction.atomic
def _store(region, frame, indicators) -> HistoryResult:
    rows = [(indicators[r["indicator"]], r) for r in frame.to_dict("records")]
    keys = {(ind.pk, int(r["year"]), r["sex"], r["age"], r["residence"]) for ind, r in rows}
    stored = {(o.indicator_id, o.year, o.sex, o.age, o.residence): o for o in Observation.objects.filter(
        region=region, indicator__in={ind.pk for ind, _ in rows}, year__in={k[1] for k in keys})}
    errors = []
    for ind, r in rows:
        refused = _refused_breakdown(ind, r)
        if refused:   # a male series of a women-only indicator, 城镇/农村 where the catalogue has none …
            errors.append(TianpingError(f"{r['where']}：指标“{ind.name}”{refused}"))
            continue
        old = stored.get((ind.pk, int(r["year"]), r["sex"], r["age"], r["residence"]))
        if old is not None and old.origin == Observation.Origin.ROUND:
            errors.append(TianpingError(f"{r['where']}：指标“{ind.name}”{int(r['year'])}年已有填报轮次审核通过的"
                                        f"数值（{number(old.value)}），历史数据不覆盖审核数据"))
    if errors:
        raise InputErrors(errors)
    objects = [Observation(indicator=ind, region=region, year=int(r["year"]), sex=r["sex"], age=r["age"],
                           residence=r["residence"], value=r["value"], numerator=_num(r["numerator"]),
                           denominator=_num(r["denominator"]), note=r["note"] or "", synthetic=False,
                           origin=Observation.Origin.HISTORY, source=r["source"]) for ind, r in rows]
    audit.upsert(  # an overwritten history value is kept with its source
        Observation.objects.filter(region=region, indicator__in={ind.pk for ind, _ in rows},
                                   year__in={k[1] for k in keys}),
        objects, unique_fields=["indicator", "region", "year", "sex", "age", "residence"],
        update_fields=["value", "numerator", "denominator", "note", "synthetic", "origin", "source", "updated_at"])
    changed = sum(1 for k in keys if k in stored)
    plans = {ind.plan for ind, _ in rows}
    transaction.on_commit(lambda: _reassess(plans, region))
    years = sorted(int(r["year"]) for _, r in rows)
    return HistoryResult(new=len(keys) - changed, changed=changed, indicators=len({ind.pk for ind, _ in rows}),
                         years=(years[0], years[-1]), sources=sorted(set(frame["source"])))


def _refused_breakdown(ind: Indicator, row: dict) -> str:
    """The catalogue's refusal of a row's breakdown (core.entries.refused_breakdown), or ""."""
    if ind.catalogue is None:
        return ""
    cell = Cell(row["sex"] or "", row["age"] or "", row["residence"] or "")
    rule = IndicatorRule(name=ind.name, breakdowns=tuple(ind.catalogue.disaggregations or ()),
                         entry=f"{ind.catalogue.code} {ind.catalogue.name}")
    refused = refused_breakdown(rule, cell)
    return f"{cell.label}：{refused}" if refused else ""


def _reassess(plans, region) -> None:
    for plan in plans:
        assess_plan_region(plan, region, trigger="history", notify=False)


def _num(x):
    return None if x is None or x != x else float(x)


def summary(region) -> list[dict]:
    """Stored history of the region: per source, how many values over which years."""
    return list(Observation.objects.filter(region=region, origin=Observation.Origin.HISTORY)
                .values("source").annotate(values=Count("pk"), first=Min("year"), last=Max("year"),
                                           indicators=Count("indicator", distinct=True)).order_by("source"))


def template(region, first: int = 2015, last: int = 2024) -> bytes:
    """A wide .xlsx to fill: one row per indicator in force, one column per year, a source column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "历史数据"
    ws.append(["指标", "单位", "性别", "城乡", "来源", *range(first, last + 1)])
    for ind in region_indicators(region).values():
        ws.append([ind.name, ind.unit, "", "", ""])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["E"].width = 18
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
