"""Separation of duties on data (outside review, finding 4): who filled or submitted a
department's values cannot accept them — through the service, the page or the API — and a
superuser is no exception unless TIANPING_ONE_PERSON_OFFICE is on, which is then recorded."""

from __future__ import annotations

import pytest
from test_collection_workflow import fill_health

from tianping.web.collection import services
from tianping.web.collection.models import Comment, Submission
from tianping.web.orgs.models import User


@pytest.fixture
def root(regions):
    return User.objects.create_superuser("root", "root@example.org", "Tianping-test-2030", role="office",
                                         region=regions["210203"])


def _submitted_by(sub, user):
    assert fill_health(sub, user).ok
    services.save_work_report(sub, user, {"work_progress": "落实情况良好", "work_problems": "", "work_next_year": "继续"})
    return services.submit(sub, user)


def test_superuser_who_filled_and_submitted_cannot_accept(sub_of, root, stats):
    sub = _submitted_by(sub_of("卫健局"), root)
    with pytest.raises(services.WorkflowError, match="职责分离"):
        services.accept(sub, root)
    sub.refresh_from_db()
    assert sub.state == Submission.State.SUBMITTED and not sub.comments.filter(kind=Comment.Kind.ACCEPT).exists()
    services.accept(sub, stats)   # another person with the role can
    sub.refresh_from_db()
    assert sub.state == Submission.State.ACCEPTED and sub.accepted_by == stats
    assert sub.comments.get(kind=Comment.Kind.ACCEPT).text == ""


def test_someone_who_only_corrected_a_value_cannot_accept_either(sub_of, reporter, root):
    sub = sub_of("卫健局")
    assert fill_health(sub, root).ok           # the superuser typed the values …
    services.save_work_report(sub, reporter, {"work_progress": "良好", "work_problems": "", "work_next_year": "继续"})
    services.submit(sub, reporter)             # … the reporter submitted them
    with pytest.raises(services.WorkflowError, match="职责分离"):
        services.accept(sub, root)


def test_page_and_api_refuse_the_submitter_too(sub_of, root, client):
    sub = _submitted_by(sub_of("卫健局"), root)
    client.force_login(root)
    page = client.post(f"/collection/submissions/{sub.pk}/accept/", follow=True)
    assert "职责分离" in page.content.decode()
    api = client.post(f"/api/submissions/{sub.pk}/accept/", {}, content_type="application/json")
    assert api.status_code == 409 and "职责分离" in api.json()["detail"]
    sub.refresh_from_db()
    assert sub.state == Submission.State.SUBMITTED


def test_one_person_office_setting_allows_it_and_records_it_every_time(sub_of, root, settings):
    settings.TIANPING_ONE_PERSON_OFFICE = True
    sub = _submitted_by(sub_of("卫健局"), root)
    services.accept(sub, root)
    sub.refresh_from_db()
    assert sub.state == Submission.State.ACCEPTED
    assert "一人办公室" in sub.comments.get(kind=Comment.Kind.ACCEPT).text
