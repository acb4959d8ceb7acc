"""Monitoring fixtures: a seed plan stored, confirmed and given the demo task division,
filled with labelled synthetic 2020–2024 data and assessed through the service.

    demo_plan(prefix="000", code="210203")   the plan, confirmed, departments assigned
    assessed(prefix="000", code="210203")    ...with synthetic data and a stored run; returns the run
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
