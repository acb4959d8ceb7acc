"""The demo's city level (大连市: 西岗区 with seed 002's plans and synthetic 2020–2024 data, two
labelled synthetic districts, the city plan, user ``city``, the schematic district map),
built as ./run.sh builds it, for the visualizer and map tests."""

import pytest

from tianping.web import demo as setup


@pytest.fixture
def city(regions, seed_file):
    from tianping.web.catalogue.services import sync_builtin
    from tianping.web.orgs.models import User

    sync_builtin()
    setup.seed_users()
    office = User.objects.get(username="office")
    for plan in setup.import_seed_file(seed_file("002"), office):
        setup.fill_synthetic(plan)
    demo = setup.seed_city(office, seed_file("002").parent)
    user = User.objects.get(username="city")
    user.set_password("Tianping-test-2030")
    user.save()
    return demo
