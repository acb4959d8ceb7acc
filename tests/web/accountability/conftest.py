"""Accountability fixtures: 西岗区 with seed 000 stored, confirmed, given the demo task
division, filled with synthetic 2020–2024 data and assessed (as the demo does), the 2025
round opened and the demo's synthetic accountability history added.

    xigang     dict: region, plan, office, stats, reporter (卫健局), leader
"""

from __future__ import annotations

import pytest

from tianping.web import demo as setup
from tianping.web.plans import services


@pytest.fixture
def xigang(imported_plan, regions, office, stats, reporter, leader):
    from tianping.web.accountability.demo import seed_demo_history

    plan = imported_plan("000")[0]
    setup.assign_demo_departments(plan)
    services.confirm_plan(plan, office)   # as the demo does: the catalogue's usual departments by default
    assert setup.fill_synthetic(plan)
    assert setup.open_demo_round(office)
    assert seed_demo_history(office)
    return {"region": regions["210203"], "plan": plan, "office": office, "stats": stats, "reporter": reporter,
            "leader": leader}
