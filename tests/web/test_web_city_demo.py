"""The demo's city level: 大连市 with 西岗区 and two labelled synthetic districts, a city plan
and a city office user who compares the districts and sees a target weaker than the city's."""

import pytest

from tianping.web import demo as setup
from tianping.web.orgs.models import User
from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(regions, seed_file):
    setup.seed_users()
    office = User.objects.get(username="office")
    for plan in setup.import_seed_file(seed_file("002"), office):
        setup.fill_synthetic(plan)
    demo = setup.seed_city(office, seed_file("002").parent)
    return demo


def test_city_user_compares_districts_and_sees_weaker_targets(city, client_of):
    assert [d.name for d in city.districts] == ["中山区（演示）", "沙河口区（演示）"]
    assert city.city_plan.region.code == "210200" and "演示" in city.city_plan.title
    user = User.objects.get(username="city")
    assert user.role == "office" and user.region.code == "210200" and city.password == "tp-city-2030"
    page = client_of(user).get("/monitoring/regions/?region=210200").content.decode()
    for name in ("西岗区", "中山区（演示）", "沙河口区（演示）"):
        assert name in page
    weaker = page[page.index('id="weaker"'):page.index("</table>", page.index('id="weaker"'))]
    row = next(r for r in weaker.split("<tr>") if "中山区（演示）" in r and "孕产妇死亡率" in r and "2030" in r)
    import re

    assert re.search(r'class="flag">[^<]*\b12\b', row) and "大连市规划" in row   # ≤12 against the city's ≤8
    assert not any("沙河口区（演示）" in r and "孕产妇死亡率" in r for r in weaker.split("<tr>"))


def test_city_demo_is_idempotent(city, seed_file):
    plans = Plan.objects.count()
    again = setup.seed_city(User.objects.get(username="office"), seed_file("002").parent)
    assert Plan.objects.count() == plans and again.city_plan == city.city_plan
