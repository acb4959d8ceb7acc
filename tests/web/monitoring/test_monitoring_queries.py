"""The dashboard and the indicator page read a bounded number of queries however much
data a region holds: more warnings, more warning history by more people, more
observations and departments add rows to the same queries, never queries per row."""

import pytest

from tianping.web.monitoring.models import Warning, WarningEvent
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Department, User

pytestmark = pytest.mark.django_db

# Uncached page, including the session, user and cache-version lookups.
DASHBOARD_QUERIES = 15   # + the off-track sparklines: their results and observations (two, whatever the size)
#                          + the user's pinned favourites (one count in the cache key; their charts only when pinned)
INDICATOR_QUERIES = 12


def grow(run, indicator, n: int) -> None:
    """n more warnings on indicator in run's region, each with history by its own user,
    n more departments and observations of an age group for n more years."""
    region = run.region
    for i in range(n):
        dept = Department.objects.create(region=region, name=f"新增单位{i}")
        user = User.objects.create_user(username=f"reporter-q{i}", password="x-Tianping-2030", role="reporter",
                                        region=region, department=dept)
        w = Warning.objects.create(plan=run.plan, region=region, indicator=indicator, department=dept,
                                   kind="deterioration", level="red", year=run.year, milestone=2030 + i,
                                   reason=f"查询计数预警{i}")
        WarningEvent.objects.create(warning=w, action=WarningEvent.Action.ACKNOWLEDGED, user=user, text=f"说明{i}")
        Observation.objects.create(indicator=indicator, region=region, year=1990 + i, age=f"{i}岁组",
                                   value=float(i), synthetic=run.synthetic, origin="history")


def fetch(client_of, user, url, django_assert_max_num_queries, most):
    client = client_of(user)                     # logging in is not the page's cost
    with django_assert_max_num_queries(most):
        page = client.get(url)
    assert page.status_code == 200 and "X-Monitoring-Cache" not in page   # rendered, not served from cache
    return page.content.decode()


def test_dashboard_queries_do_not_grow_with_the_data(assessed, office, client_of, django_assert_max_num_queries):
    run = assessed("000")
    indicator = run.results.filter(headline=True).first().indicator
    url = f"/monitoring/?region={run.region.code}"
    fetch(client_of, office, url, django_assert_max_num_queries, DASHBOARD_QUERIES)
    grow(run, indicator, 12)
    html = fetch(client_of, office, url, django_assert_max_num_queries, DASHBOARD_QUERIES)
    assert html.count("查询计数预警") == 8 and "新增单位11" in html     # top 8 warnings, every department


def test_indicator_page_queries_do_not_grow_with_the_data(assessed, office, client_of,
                                                          django_assert_max_num_queries):
    run = assessed("000")
    indicator = run.results.filter(headline=True).first().indicator
    url = f"/monitoring/indicator/{indicator.pk}/?region={run.region.code}"
    fetch(client_of, office, url, django_assert_max_num_queries, INDICATOR_QUERIES)
    grow(run, indicator, 12)
    html = fetch(client_of, office, url, django_assert_max_num_queries, INDICATOR_QUERIES)
    assert all(f"查询计数预警{i}" in html and f"说明{i}" in html and f"{i}岁组" in html for i in range(12))


def test_indicator_page_of_a_city_plan_names_the_district_department(imported_plan, regions, office, client_of,
                                                                     django_assert_max_num_queries):
    """A city's plan applies to its districts (the bench's case): the page names the
    district's own department of that name, read from the stored run, within the limit."""
    from tianping.web import demo as setup
    from tianping.web.monitoring import services
    from tianping.web.plans.models import Plan

    city, district = regions["210200"], regions["210203"]
    setup.seed_departments(city)
    plan = imported_plan("000", "210200")[0]
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    indicator = plan.indicators.exclude(responsible_department=None).filter(targets__isnull=False).first()
    assert indicator.responsible_department.region == city
    for year in (2021, 2022, 2023, 2024):
        Observation.objects.create(indicator=indicator, region=district, year=year, value=50.0 + year - 2020)
    services.assess_plan_region(plan, district, trigger="test")
    client = client_of(office)
    with django_assert_max_num_queries(INDICATOR_QUERIES):
        page = client.get(f"/monitoring/indicator/{indicator.pk}/?region={district.code}")
    assert page.status_code == 200
    shown = page.context["department"]
    assert shown.region == district and shown.name == indicator.responsible_department.name
    assert f'<strong id="department">{shown.name}</strong>' in page.content.decode()
