"""Publishing fixtures: a confirmed seed plan of 西岗区 with the demo task division and
labelled synthetic 2020–2024 data (tianping.web.demo), a report on it, and huey in
immediate mode (jobs run in the test process) unless a test starts the real worker.

    demo_plan            the plan of seed 000, confirmed, departments assigned, data filled
    new_report(kind, year=None)   a draft report created through the service
    generated(kind)      ...generated in every format (immediate mode)
    published(kind)      ...reviewed, approved and published through the services
"""

from __future__ import annotations

import pytest

from tianping.web import demo as setup
from tianping.web.plans.models import Plan


@pytest.fixture(autouse=True)
def reports_in_tmp(settings, tmp_path):
    """Generated files go to a fresh folder per test (settings.VAR_DIR/reports)."""
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    return settings.VAR_DIR


@pytest.fixture(autouse=True)
def huey_immediate():
    from huey.contrib.djhuey import HUEY

    before, storage = HUEY.immediate, HUEY.storage
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before
    HUEY.storage = storage


@pytest.fixture
def demo_plan(imported_plan, regions):
    plan = imported_plan("000", "210203")[0]
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    setup.fill_synthetic(plan)
    return plan


@pytest.fixture
def new_report(demo_plan, office):
    from tianping.web.publishing import services

    def make(kind: str = "annual", year: int | None = None):
        year = year or {"annual": 2024, "midterm": 2025, "final": 2030}[kind]
        return services.create_report(demo_plan, demo_plan.region, kind, year, office)

    return make


@pytest.fixture
def generated(new_report, office, django_capture_on_commit_callbacks):
    from tianping.web.publishing import tasks

    def make(kind: str = "annual"):
        report = new_report(kind)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.request_generation(report, office)
        report.refresh_from_db()
        return report

    return make


@pytest.fixture
def published(generated, office, expert, leader):
    from tianping.web.publishing import services

    def make(kind: str = "annual"):
        report = generated(kind)
        services.review(report, expert, "数据核对无误")
        services.approve(report, leader, "同意发布")
        return services.publish(report, office, confirm_incomplete=True)   # demo data lack some indicators

    return make
