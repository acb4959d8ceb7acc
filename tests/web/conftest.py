"""Fixtures for the web tests: the seeded regions and departments, one user per
role, logged-in clients, seed documents, and a real Chromium for browser tests.

    office, stats, reporter, expert, leader, viewer   users of 西岗区 (210203), one per role
    other_office                                      the office of 九台区 (220113), another region
    client_of(user)                                   a Django test client logged in as user
    seed_file("000")                                  path of a seed document
    imported_plan("000")                              the seed's plans, stored as drafts of the right district
    browser / page                                    Chromium through Playwright (see test_web_browser.py)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tianping.web import demo as setup

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TIANPING_SHARED", REPO.parent / "shared"))
ARTIFACTS = REPO / os.environ.get("TIANPING_TEST_ARTIFACTS", "test-artifacts")
PASSWORD = "Tianping-test-2030"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def regions(db):
    regions = setup.seed_regions()
    for code in ("210203", "220113"):
        setup.seed_departments(regions[code])
    return regions


def _user(regions, username, role, code="210203", department=None):
    from tianping.web.orgs.models import Department, User

    region = regions[code]
    dept = Department.objects.get(region=region, name=department) if department else None
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, region=region, department=dept)
    return user


@pytest.fixture
def office(regions):
    return _user(regions, "office1", "office", department="妇联")


@pytest.fixture
def stats(regions):
    return _user(regions, "stats1", "statistics", department="统计局")


@pytest.fixture
def reporter(regions):
    return _user(regions, "reporter1", "reporter", department="卫健局")


@pytest.fixture
def expert(regions):
    return _user(regions, "expert1", "evaluation")


@pytest.fixture
def leader(regions):
    return _user(regions, "leader1", "leadership")


@pytest.fixture
def viewer(regions):
    return _user(regions, "viewer1", "readonly")


@pytest.fixture
def other_office(regions):
    return _user(regions, "office2", "office", code="220113", department="妇联")


@pytest.fixture
def client_of(client):
    """A test client logged in as the given user (one client per test)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return make


@pytest.fixture
def seed_file():
    def find(prefix: str) -> Path:
        matches = sorted((SHARED / "seeds").glob(f"{prefix}_*.txt"))
        assert matches, f"no seed {prefix} under {SHARED / 'seeds'}"
        return matches[0]

    return find


@pytest.fixture
def imported_plan(regions, office, seed_file):
    """Import a seed through the same service the upload page uses; returns its stored plans."""
    from tianping.web.plans import services

    def load(prefix: str, region_code: str = "210203"):
        path = seed_file(prefix)
        core_plans = services.parse_upload(path.name, path.read_bytes())
        return services.import_plans(core_plans, regions[region_code], office, other_region_ok=True)  # tests choose

    return load


# --- browser ---------------------------------------------------------------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # live_server + Playwright's sync API share the thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def login():
    """login(page, user): log in through the real form."""

    def do(page, user, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")

    return do
