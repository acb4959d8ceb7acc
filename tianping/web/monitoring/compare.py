"""Multi-region: a city (or province) and its districts.

city_view(region, user, year)
    districts    the visible districts under region that have an assessment
    rows         indicator names found in two or more districts' plans (matching names), per
                 district its latest value, the nearest milestone's target and status
    rollup       city values for counted indicators: core.assess.rollup sums numerators and
                 denominators of the districts (``complete`` when every district reported)
    weaker       district targets weaker than the city plan's or the national outline's for
                 the same indicator, year and unit
"""

from __future__ import annotations

import pandas as pd

from tianping.core.assess import rollup
from tianping.core.figures import shown_figure, status_light, target_phrase
from tianping.core.national import DOWN, UP, national_targets, weaker_than
from tianping.web.observations.models import Observation, assessed_rows
from tianping.web.orgs.models import Region
from tianping.web.orgs.permissions import regions_visible_to
from tianping.web.plans.models import Plan, Target

from .models import AssessmentRun, Result


def _reference_targets(region: Region) -> dict:
    """(kind, indicator name, year) → list of (source label, op, value, unit) from the plans
    above ``region`` and the national outlines."""
    refs: dict = {}
    parent = region.parent if region.level == Region.Level.DISTRICT else region
    while parent is not None:
        for t in Target.objects.filter(indicator__plan__region=parent, indicator__plan__status=Plan.Status.CONFIRMED,
                                       op__in=UP | DOWN).select_related("indicator__plan"):
            refs.setdefault((t.indicator.plan.kind, t.indicator.name, t.year), []).append(
                (f"{parent.name}规划", t.op, t.value, t.unit))
        parent = parent.parent
    for r in national_targets().to_dict("records"):   # the catalogue's, joined by code whatever the plan calls it
        if r["op"] in UP | DOWN:
            refs.setdefault(("code", r["code"], int(r["year"])), []).append(
                ("国家纲要", r["op"], float(r["value"]), r["unit"]))
    return refs


def weaker_targets(district_plans) -> list[dict]:
    flags = []
    refs_by_region: dict = {}
    for plan in district_plans:
        refs = refs_by_region.setdefault(plan.region_id, _reference_targets(plan.region))
        for t in Target.objects.filter(indicator__plan=plan, op__in=UP | DOWN).select_related("indicator__catalogue"):
            entry = t.indicator.catalogue
            national = refs.get(("code", entry.code, t.year), []) if entry else []
            for source, ref_op, ref_value, ref_unit in refs.get((plan.kind, t.indicator.name, t.year), []) + national:
                if t.unit and ref_unit and t.unit != ref_unit:
                    continue
                if weaker_than(t.op, t.value, ref_op, ref_value):
                    flags.append({"region": plan.region, "plan": plan, "indicator": t.indicator, "year": t.year,
                                  "target": t, "source": source, "ref_op": ref_op, "ref_value": ref_value,
                                  "ref_unit": ref_unit,
                                  "target_label": target_phrase(t.op, t.value, t.unit, measured_in=t.indicator.unit),
                                  "ref_label": target_phrase(ref_op, ref_value, ref_unit)})
    return flags


def city_view(region: Region, user, year: int | None = None) -> dict:
    districts, rows, latest = district_rows(region, user, year)
    national = national_targets()
    return {"districts": districts, "rows": rows, "rollup": _rollup(region, districts, latest),
            "national_targets": len(national), "national_indicators": national["code"].nunique(),
            "weaker": weaker_targets({r.plan for r in latest.values() if r.plan.region.level == Region.Level.DISTRICT}),
            "kinds": dict(Plan.Kind.choices)}


def district_rows(region: Region, user, year: int | None = None,
                  min_districts: int = 2) -> tuple[list, list[dict], dict]:
    """The districts under ``region`` the user may see that have an assessment, and per indicator
    (plan kind, name) found in ``min_districts`` or more of them, each district's cell (latest value, status,
    nearest milestone's target); also the runs read, by (district, kind). The city view and the
    map (tianping.web.analysis) read the same cells."""
    visible = regions_visible_to(user)
    districts = list(visible.filter(code__startswith=region.code_prefix, level=Region.Level.DISTRICT)
                     .exclude(pk=region.pk).order_by("code")) if region.level != Region.Level.DISTRICT else [region]
    runs = AssessmentRun.objects.filter(region__in=districts).select_related("plan", "region").order_by("-year")
    if year:
        runs = runs.filter(year=year)
    latest: dict = {}
    for run in runs:
        latest.setdefault((run.region_id, run.plan.kind), run)
    districts = [d for d in districts if any(k[0] == d.pk for k in latest)]
    results = (Result.objects.filter(run__in=latest.values(), headline=True)
               .values_list("run__region_id", "run__plan__kind", "indicator__name", "milestone", "latest_value",
                            "latest_year", "status", "target_text", "unit", "indicator_id", "run__year"))
    cells: dict = {}
    for region_id, kind, name, milestone, value, latest_year, status, text, unit, ind_id, run_year in results:
        cell = cells.setdefault((kind, name), {}).get(region_id)
        nearest = milestone >= run_year
        if cell is None or (nearest and (cell["milestone"] < run_year or milestone < cell["milestone"])):
            cells[(kind, name)][region_id] = {"value": value, "year": latest_year, "status": status, "light": status_light(status),
                                              "target": text, "unit": unit, "milestone": milestone, "indicator_id": ind_id}
    rows = [{"kind": kind, "name": name, "cells": [by_region.get(d.pk) for d in districts]}
            for (kind, name), by_region in sorted(cells.items()) if len(by_region) >= min_districts]
    # indicators with values in the most districts first
    rows.sort(key=lambda r: -sum(1 for c in r["cells"] if c and c["value"] is not None))
    return districts, rows, latest


def _rollup(region: Region, districts, latest) -> list[dict]:
    if region.level == Region.Level.DISTRICT or len(districts) < 2:
        return []
    rows = []
    for d in districts:
        rows += list(assessed_rows(Observation.objects.filter(region=d))
                     .filter(numerator__isnull=False, denominator__isnull=False)
                     .values_list("region__code", "indicator__name", "indicator__unit", "year", "sex", "age",
                                  "residence", "value", "numerator", "denominator"))
    if not rows:
        return []
    frame = pd.DataFrame(rows, columns=["region", "indicator", "unit", "year", "sex", "age", "residence", "value",
                                        "numerator", "denominator"])
    out = rollup(frame, {d.code: region.code for d in districts})
    out = out[(out["sex"] == "") & (out["age"] == "") & (out["residence"] == "")]
    out = out.sort_values("year").groupby("indicator").tail(1)
    return [{"indicator": r["indicator"], "year": int(r["year"]), "value": r["value"], "unit": r["unit"],
             "label": shown_figure(r["value"], r["unit"]),
             "numerator": r["numerator"], "denominator": r["denominator"], "districts": int(r["districts"]),
             "complete": bool(r["complete"])} for r in out.to_dict("records")]
