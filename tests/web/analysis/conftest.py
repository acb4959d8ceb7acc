"""The demo's city level (大连市: 西岗区 with seed 002's plans and synthetic 2020–2024 data, two
labelled synthetic districts, the city plan, user ``city``, the schematic district map),
built as ./run.sh builds it, for the visualizer and map tests."""

import os
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from tianping.web import demo as setup

SHARED = Path(os.environ.get("TIANPING_SHARED", Path(__file__).resolve().parents[3].parent / "shared"))
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(regions, seed_file):
    """Function-scoped, for the browser tests (a live server needs committed data)."""
    return _build(seed_file("002"))


@pytest.fixture(scope="module")
def city_module(django_db_setup, django_db_blocker):
    """The same city built once per module inside a transaction rolled back at its end; each test
    runs in its own savepoint (pytest-django), so what one test writes the next does not see."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            regions = setup.seed_regions()
            for code in ("210203", "220113"):
                setup.seed_departments(regions[code])
            yield _build(sorted((SHARED / "seeds").glob("002_*.txt"))[0])
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build(seed_002):
    from tianping.web.catalogue.services import sync_builtin
    from tianping.web.orgs.models import User

    sync_builtin()
    setup.seed_users()
    office = User.objects.get(username="office")
    for plan in setup.import_seed_file(seed_002, office):
        setup.fill_synthetic(plan)
    demo = setup.seed_city(office, seed_002.parent)
    user = User.objects.get(username="city")
    user.set_password("Tianping-test-2030")
    user.save()
    return demo
