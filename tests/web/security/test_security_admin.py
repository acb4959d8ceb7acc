"""Django admin cannot rewrite the audit trail (outside review, finding 3).

Before: a superuser changed a reported cell 44.4 → 12.34 in the admin with its version and
history untouched, rewrote a return reason and set a submission to accepted with no workflow
record. Now every record whose change must be audited is view-only in the admin; changes go
through Tianping's pages and API, which check versions and record old and new values."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD

PROTECTED = [
    ("observations", "observation"), ("collection", "entry"), ("collection", "entrychange"),
    ("collection", "submission"), ("collection", "comment"), ("collection", "reportinground"),
    ("monitoring", "warning"), ("monitoring", "assessmentrun"), ("monitoring", "qualitativejudgement"),
    ("plans", "plan"), ("plans", "indicator"), ("plans", "area"), ("plans", "goal"), ("plans", "measure"),
]


@pytest.fixture
def superuser(world):
    from tianping.web.collection import services as coll
    from tianping.web.collection.models import Submission
    from tianping.web.orgs.models import User

    coll.add_comment(Submission.objects.get(pk=world["own"]["submission"]), world["users"]["office"], "请核对")
    return User.objects.create_superuser("sec-root", "root@example.org", PASSWORD, role="office",
                                         region=world["regions"]["210203"])


@pytest.mark.django_db
@pytest.mark.parametrize("app,model", PROTECTED)
def test_admin_shows_but_cannot_add_change_or_delete(world, client_for, superuser, app, model):
    from django.apps import apps

    obj = apps.get_model(app, model)._base_manager.order_by("pk").first()
    assert obj is not None, f"the world has a {app}.{model}"
    c = client_for(superuser)
    page = c.get(f"/admin/{app}/{model}/{obj.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert c.post(f"/admin/{app}/{model}/{obj.pk}/change/", {"note": "x", "state": "accepted"}).status_code == 403
    assert c.get(f"/admin/{app}/{model}/add/").status_code == 403
    assert c.post(f"/admin/{app}/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert c.post(f"/admin/{app}/{model}/", {"action": "delete_selected", "_selected_action": [obj.pk],
                                            "post": "yes"}).status_code in (200, 302)
    assert apps.get_model(app, model)._base_manager.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_admin_edit_of_a_value_or_a_submission_state_changes_nothing(world, client_for, superuser):
    from tianping.web.collection.models import Entry, Submission

    entry = Entry.objects.get(pk=world["own"]["entry"])
    before = (entry.value, entry.version, entry.changes.count())
    c = client_for(superuser)
    form = {"submission": entry.submission_id, "indicator": entry.indicator_id, "value": "12.34",
            "version": entry.version, "note": "改"}
    assert c.post(f"/admin/collection/entry/{entry.pk}/change/", form).status_code == 403
    entry.refresh_from_db()
    assert (entry.value, entry.version, entry.changes.count()) == before
    sub = Submission.objects.get(pk=world["own"]["submission"])
    state, comments = sub.state, sub.comments.count()
    assert c.post(f"/admin/collection/submission/{sub.pk}/change/",
                  {"round": sub.round_id, "department": sub.department_id, "state": "accepted"}).status_code == 403
    sub.refresh_from_db()
    assert sub.state == state and sub.comments.count() == comments


@pytest.mark.django_db
def test_accounts_stay_editable_in_admin(world, client_for, superuser):
    """Regions, departments and users are administered in the admin (with Django's log)."""
    c = client_for(superuser)
    assert c.get("/admin/orgs/department/add/").status_code == 200
    assert c.get("/admin/orgs/user/add/").status_code == 200
