"""Monitoring fixtures: a seed plan stored, confirmed and given the demo task division,
filled with labelled synthetic 2020–2024 data and assessed through the service.

    demo_plan(prefix="000", code="210203")   the plan, confirmed, departments assigned
    assessed(prefix="000", code="210203")    ...with synthetic data and a stored run; returns the run
    two_districts                            西岗区 and 中山区 of 大连市 on seed 000, one target weakened
"""

from __future__ import annotations

import pytest

from tianping.web import demo as setup
from tianping.web.plans.models import Plan


@pytest.fixture
def demo_plan(imported_plan, regions):
    def make(prefix: str = "000", code: str = "210203"):
        plan = imported_plan(prefix, code)[0]
        setup.assign_demo_departments(plan)
        plan.status = Plan.Status.CONFIRMED
        plan.save()
        return plan

    return make


@pytest.fixture
def assessed(demo_plan, regions):
    from tianping.web.monitoring.models import AssessmentRun

    def make(prefix: str = "000", code: str = "210203"):
        plan = demo_plan(prefix, code)
        assert setup.fill_synthetic(plan)          # stores the assessment too (demo.py calls the service)
        return AssessmentRun.objects.get(plan=plan, region=regions[code], trigger="demo")

    return make


@pytest.fixture
def two_districts(demo_plan, regions):
    """西岗区 and a second 大连 district (中山区) with the same seed plan; 中山区's 2030
    maternal mortality target weakened to 15/10万 (the national outline says 12)."""
    from tianping.web.monitoring import services
    from tianping.web.observations.models import Observation
    from tianping.web.orgs.models import Region
    from tianping.web.plans.models import Target

    city = regions["210200"]
    zhongshan = Region.objects.create(code="210202", name="中山区", level=Region.Level.DISTRICT, parent=city)
    setup.seed_departments(zhongshan)
    a = demo_plan("000", "210203")
    b = demo_plan("000", "210203")
    b.region = zhongshan
    b.save()
    Target.objects.filter(indicator__plan=b, indicator__name="孕产妇死亡率", year=2030).update(value=15.0)
    for plan, (deaths, births) in ((a, (2.0, 20000.0)), (b, (1.0, 30000.0))):
        mmr = plan.indicators.get(name="孕产妇死亡率")
        for year in (2023, 2024):
            Observation.objects.create(indicator=mmr, region=plan.region, year=year, numerator=deaths,
                                       denominator=births, value=deaths / births * 1e5)
        services.assess_plan_region(plan, plan.region, trigger="test")
    return a, b, city
