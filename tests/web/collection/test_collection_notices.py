"""Notifications for every workflow event, in the app and by e-mail through Django's SMTP
backend to a real local SMTP server (aiosmtpd on a free port), each user's choices honoured:
to review, returned (with the reason), resubmitted, accepted, report to approve, published,
deadline near."""

from __future__ import annotations

import email
import socket
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from tianping.web.collection import services
from tianping.web.monitoring import notices
from tianping.web.monitoring.models import Notification

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content)
        body = msg.get_payload(decode=True).decode(msg.get_content_charset() or "utf-8")
        self.messages.append({"to": envelope.rcpt_tos, "subject": str(make_header(decode_header(msg["Subject"]))),
                              "body": body})
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["to"]]


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "tianping@example.org"
    settings.TIANPING_EMAIL_NOTIFICATIONS = True
    yield inbox
    controller.stop()


def fill_all(sub, user):
    rows = [services.RowIn(i.pk, c, note="无数据：年报未发布", version=0)
            for i in services.indicators_for(sub.department, sub.round.region) for c in services.grid(i)]
    assert services.save_rows(sub, rows, user, "form").ok
    services.save_work_report(sub, user, {"work_progress": "落实规划"})


def test_collection_events_reach_the_right_people_in_app_and_by_mail(
        smtp, sub_of, framework, reporter, stats, office, hr_reporter, client_of, django_capture_on_commit_callbacks):
    reporter.email, stats.email, hr_reporter.email = "health@example.org", "bureau@example.org", "hr@example.org"
    for u in (reporter, stats, hr_reporter):
        u.save()
    sub = sub_of("卫健局")
    fill_all(sub, reporter)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(sub, reporter)
    review = Notification.objects.get(user=stats, kind="to_review")
    assert "卫健局2024年度数据已提交" in review.text and review.url == f"/collection/submissions/{sub.pk}/"
    assert "卫健局2024年度数据已提交" in smtp.to("bureau@example.org")[0]["subject"]

    with django_capture_on_commit_callbacks(execute=True):
        services.return_submission(sub, stats, "孕产妇系统管理率请按城乡填报")
    returned = Notification.objects.get(user=reporter, kind="returned")
    assert "孕产妇系统管理率请按城乡填报" in returned.text
    mail = smtp.to("health@example.org")[-1]
    assert "被退回" in mail["subject"] and "孕产妇系统管理率请按城乡填报" in mail["body"]
    assert not smtp.to("hr@example.org") and not Notification.objects.filter(user=hr_reporter).exists()

    # the reporter no longer wants "accepted" e-mails (kept in the app)
    page = client_of(reporter).get("/monitoring/notifications/settings/").content.decode()
    assert 'name="email_accepted"' in page
    choices = {f"app_{k}": "on" for k in Notification.Kind.values}
    choices.update({f"email_{k}": "on" for k in Notification.Kind.values if k != "accepted"})
    client_of(reporter).post("/monitoring/notifications/settings/", choices)

    with django_capture_on_commit_callbacks(execute=True):
        services.submit(sub, reporter)
    assert Notification.objects.filter(user=stats, kind="resubmitted").count() == 1
    assert "重新提交" in smtp.to("bureau@example.org")[-1]["subject"]
    before = len(smtp.to("health@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(sub, stats)
    assert Notification.objects.filter(user=reporter, kind="accepted").exists()
    assert not any("审核通过" in m["subject"] for m in smtp.to("health@example.org")[before:])


def test_deadline_near_once_per_deadline(smtp, round_2024, hr_reporter, reporter, django_capture_on_commit_callbacks):
    hr_reporter.email = "hr@example.org"
    hr_reporter.save()
    round_2024.deadline = timezone.localdate() + timedelta(days=5)
    round_2024.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.remind_deadlines(days=7) >= 2          # 卫健局 and 人社局 reporters
    note = Notification.objects.get(user=hr_reporter, kind="deadline")
    assert "还剩5天" in note.text and "人社局尚未提交" in note.text
    assert "截止" in smtp.to("hr@example.org")[0]["subject"]
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.remind_deadlines(days=7) == 0          # already told about this deadline
    assert len(smtp.to("hr@example.org")) == 1


def test_report_steps_notify_leaders_and_publication(smtp, framework, office, leader, expert,
                                                     django_capture_on_commit_callbacks):
    from tianping.web.publishing import services as pub
    from tianping.web.publishing.models import Approval

    leader.email = "leader@example.org"
    leader.save()
    plan = framework["mgmt"].plan
    report = pub.create_report(plan, plan.region, "annual", 2024, office)
    with django_capture_on_commit_callbacks(execute=True):
        Approval.objects.create(report=report, step=Approval.Step.REVIEWED, user=expert)
    from django.urls import reverse

    assert Notification.objects.get(user=leader, kind="to_approve").url == reverse("publishing:report", args=[report.pk])
    assert "报告待批准" in smtp.to("leader@example.org")[0]["subject"]
    with django_capture_on_commit_callbacks(execute=True):
        Approval.objects.create(report=report, step=Approval.Step.PUBLISHED, user=office)
    assert Notification.objects.filter(user=leader, kind="published").exists()
    assert Notification.objects.filter(user=office, kind="published").exists()
