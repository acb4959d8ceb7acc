"""Schemathesis against the API's own OpenAPI schema: every operation, generated inputs
(bounded: TIANPING_SCHEMATHESIS_EXAMPLES, default 15 per operation), sent through the WSGI
app with a reporter's and the statistics bureau's token and without one — no server error."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

EXAMPLES = int(os.environ.get("TIANPING_SCHEMATHESIS_EXAMPLES", "15"))


@pytest.fixture
def keep_test_connection():
    """Requests through the bare WSGI app must not close the test's database connection at
    request end (Django's own test client disconnects this signal the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_never_answers_with_a_server_error(world, keep_test_connection):
    import schemathesis

    from tianping.web.orgs.tokens import issue
    from tianping.web.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    tokens = {role: issue(world["users"][role])[1]
              for role in ("reporter", "statistics", "office")}
    failures, calls = [], 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for op in operations:
        strategy = op.as_strategy()

        @hsettings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def run(case):
            nonlocal calls
            for who in ("reporter", "statistics", "office", None):
                headers = {"Authorization": f"Token {tokens[who]}"} if who else {}
                response = case.call(headers=headers)
                calls += 1
                if response.status_code >= 500:
                    failures.append(f"{op.method.upper()} {op.path} as {who}: {response.status_code} "
                                    f"{case.path_parameters} {case.query} {str(case.body)[:200]}")

        run()
    assert not failures, "\n".join(failures[:20])
    assert calls > 100
