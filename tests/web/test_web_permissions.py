"""Every plan page checks the role and the region. A reporter (and every role but
the office) cannot reach import, review or editing; another district's office
cannot see this district's plans at all."""

import pytest

from tianping.web.plans.models import Plan


@pytest.fixture
def plan(imported_plan):
    return imported_plan("000")[0]


def manager_urls(plan):
    indicator = plan.indicators.first()
    measure = plan.areas.first().measures.first()
    target = indicator.targets.first() if indicator.targets.exists() else None
    urls = [
        ("get", "/plans/import/"), ("get", f"/plans/{plan.pk}/review/"), ("get", f"/plans/{plan.pk}/changes/"),
        ("post", f"/plans/{plan.pk}/confirm/"), ("post", f"/plans/{plan.pk}/delete/"),
        ("post", f"/plans/{plan.pk}/indicators/new/"), ("get", f"/plans/indicators/{indicator.pk}/"),
        ("post", f"/plans/indicators/{indicator.pk}/"), ("post", f"/plans/indicators/{indicator.pk}/delete/"),
        ("post", f"/plans/indicators/{indicator.pk}/merge/"), ("post", f"/plans/indicators/{indicator.pk}/department/"), ("get", f"/plans/measures/{measure.pk}/"),
    ]
    if target:
        urls.append(("post", f"/plans/targets/{target.pk}/split/"))
    return urls


def reader_urls(plan):
    return [f"/plans/{plan.pk}/", f"/plans/{plan.pk}/framework/", f"/plans/{plan.pk}/export/framework.xlsx",
            f"/plans/{plan.pk}/export/tasks.docx"]


@pytest.mark.parametrize("role", ["reporter", "stats", "expert", "leader", "viewer"])
def test_only_the_office_reaches_import_review_and_editing(request, plan, client_of, role):
    client = client_of(request.getfixturevalue(role))
    for method, url in manager_urls(plan):
        assert getattr(client, method)(url).status_code == 403, (role, url)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
    assert Plan.objects.count() == 1


def test_the_403_page_explains_in_chinese(plan, client_of, reporter):
    page = client_of(reporter).get("/plans/import/").content.decode()
    assert "您的角色无权访问此页面" in page


def test_the_office_reaches_every_page_of_its_own_plan(plan, client_of, office):
    client = client_of(office)
    for method, url in manager_urls(plan):
        if method == "get":
            assert client.get(url).status_code in (200, 302), url
    for url in reader_urls(plan):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["reporter", "stats", "expert", "leader"])
def test_every_role_of_the_region_can_read_the_framework(request, plan, client_of, role):
    client = client_of(request.getfixturevalue(role))
    for url in reader_urls(plan):
        assert client.get(url).status_code == 200, (role, url)


def test_third_party_reads_no_plan_not_even_a_confirmed_one(plan, client_of, viewer):
    """DESIGN.md: the read-only role (第三方评估 / public) sees published reports and open data only."""
    client = client_of(viewer)
    for url in reader_urls(plan):
        assert client.get(url).status_code == 403, url


def test_another_districts_office_gets_not_found_everywhere(plan, client_of, other_office):
    client = client_of(other_office)
    for method, url in manager_urls(plan)[1:]:
        assert getattr(client, method)(url).status_code == 404, url
    for url in reader_urls(plan):
        assert client.get(url).status_code == 404, url
    assert plan.title not in client.get("/plans/").content.decode()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_anonymous_users_are_sent_to_the_login_page(plan, client):
    for url in ["/", "/plans/", "/plans/import/", *reader_urls(plan)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
