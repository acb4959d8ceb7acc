"""The read-only role (第三方评估 / public) exactly as DESIGN.md says (outside review, finding 5):
published reports and open data, nothing else — no dashboard, warnings, evidence attachments,
draft plans, or accepted observations through the API (the review read 97 of them).

Every URL the application serves is tried (from Django's resolver, so a page added later is
covered): a third party gets 403 or 404 on all but the published-report pages and its own
account pages, with a session and with an API token."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import PASSWORD
from .test_security_matrix import RULES, _url, served_urls

ALLOWED = {"home", "login", "logout", "otp_verify", "password_change", "password_change_done", "set_language",
           "publishing:reports", "publishing:public", "api:token", "api:schema"}
PUBLISHED = {"publishing:report", "publishing:file", "publishing:job", "publishing:public_report",
             "publishing:public_file", "publishing:public_data"}


@pytest.fixture
def published_report(world):
    from tianping.web.publishing.models import Report

    Report.objects.filter(pk=world["own"]["report"]).update(state=Report.State.PUBLISHED, published_at=timezone.now())
    return world["own"]["report"]


@pytest.mark.django_db
def test_third_party_is_refused_everything_but_published_reports(world, client_for, published_report):
    c = client_for(world["users"]["readonly"])
    reached = []
    for route, name in served_urls():
        if route.startswith("admin/") or name in ALLOWED or name in PUBLISHED:
            continue
        url = _url(name, RULES[name], world["own"])
        for method in ("get", "post"):
            status = getattr(c, method)(url).status_code
            if status not in (403, 404, 405):
                reached.append(f"{method.upper()} {url} → {status}")
    assert not reached, "a third party reached:\n" + "\n".join(reached)
    for name in sorted(PUBLISHED - {"publishing:public_data"}):
        url = _url(name, RULES[name], {**world["own"], "report": published_report})
        assert c.get(url).status_code == 200, url
    assert c.get(reverse("publishing:reports")).status_code == 200


@pytest.mark.django_db
def test_third_party_api_token_reads_nothing(world, client_for):
    from rest_framework.test import APIClient

    c = APIClient()
    token = c.post("/api/token/", {"username": "sec-readonly", "password": PASSWORD}).json()["token"]
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for path in ("/api/plans/", f"/api/plans/{world['own']['plan']}/", "/api/indicators/",
                 f"/api/indicators/{world['own']['indicator']}/", "/api/observations/", "/api/rounds/",
                 "/api/submissions/", f"/api/submissions/{world['own']['submission']}/observations/"):
        r = c.get(path)
        assert r.status_code == 403, (path, r.status_code)
        assert "value" not in r.content.decode()


@pytest.mark.django_db
def test_indicator_data_page_is_filtered_by_department_like_the_api(world, client_for):
    """/data/indicators/<pk>/ let a reporter read another department's accepted values."""
    reporter = client_for(world["users"]["reporter"])
    assert reporter.get(reverse("indicator_data", args=[world["own"]["indicator"]])).status_code == 200
    assert reporter.get(reverse("indicator_data", args=[world["other_dept"]["indicator"]])).status_code == 404
    assert reporter.get(f"/api/indicators/{world['other_dept']['indicator']}/").status_code == 404
    office = client_for(world["users"]["office"])
    assert office.get(reverse("indicator_data", args=[world["other_dept"]["indicator"]])).status_code == 200
