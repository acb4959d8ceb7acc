"""Separation of duties on reports (outside review, finding 4): the author of a report cannot
review or approve it, its reviewer cannot approve it, a superuser included, unless the
one-person-office setting is on — then every such step is recorded as such."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tianping.web.orgs.models import User
from tianping.web.publishing import services, tasks
from tianping.web.publishing.models import Approval


@pytest.fixture
def root(regions):
    return User.objects.create_superuser("root", "root@example.org", "Tianping-test-2030", role="office",
                                         region=regions["210203"])


@pytest.fixture
def authored_by_root(demo_plan, root, django_capture_on_commit_callbacks):
    report = services.create_report(demo_plan, demo_plan.region, "annual", 2024, root)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.request_generation(report, root)
    report.refresh_from_db()
    return report


def test_author_cannot_review_and_reviewer_cannot_approve(authored_by_root, root, expert, leader):
    report = authored_by_root
    with pytest.raises(services.WorkflowError, match="职责分离"):
        services.review(report, root)
    services.review(report, expert)
    with pytest.raises(services.WorkflowError, match="职责分离"):
        services.approve(report, root)
    with pytest.raises(services.WorkflowError, match="职责分离"):
        services.approve(report, expert)
    services.approve(report, leader)
    services.publish(report, root, confirm_incomplete=True)
    report.refresh_from_db()
    assert report.state == "published"
    assert not any("一人办公室" in c for c in report.approvals.values_list("comment", flat=True))


def test_editor_of_the_text_counts_as_an_author(generated, office, leader, expert, django_capture_on_commit_callbacks):
    report = generated("annual")
    services.edit_sections(report, leader, "问题（领导改写）", "建议")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.request_generation(report, office)
    services.review(report, expert)
    with pytest.raises(services.WorkflowError, match="职责分离"):
        services.approve(report, leader)


def test_page_refuses_a_superuser_approving_own_report(authored_by_root, root, expert, client):
    services.review(authored_by_root, expert)
    client.force_login(root)
    page = client.post(reverse("publishing:step", args=[authored_by_root.pk, "approve"]), follow=True)
    assert "职责分离" in page.content.decode()
    authored_by_root.refresh_from_db()
    assert authored_by_root.state == "reviewed"


def test_one_person_office_records_every_such_step(authored_by_root, root, settings):
    settings.TIANPING_ONE_PERSON_OFFICE = True
    report = authored_by_root
    services.review(report, root, "自审")
    services.approve(report, root)
    services.publish(report, root, confirm_incomplete=True)
    steps = dict(report.approvals.filter(step__in=["reviewed", "approved"]).values_list("step", "comment"))
    assert all("一人办公室" in steps[s] for s in (Approval.Step.REVIEWED, Approval.Step.APPROVED)), steps
    assert steps[Approval.Step.REVIEWED].endswith("自审")
