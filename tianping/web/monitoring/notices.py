"""Notifications for every workflow event — in the app and by e-mail through Django's mail
settings — honouring each user's choice per kind of event (NotificationPreference).

    send(kind, users, text, url)      store in-app notices and e-mail them after the commit
    recipients(region, *roles)        active users of those roles in the region or a region above it
    remind_deadlines(days=7)          "deadline near" to every department not yet submitted (once per deadline)

Events come from the workflow's own audit rows, so the services need no extra calls:
a Comment (submitted / returned / accepted / unlocked) and a report Approval (reviewed /
approved / published)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from tianping.web.collection.models import Comment, ReportingRound, Submission
from tianping.web.orgs.models import Region, User
from tianping.web.publishing.models import Approval

from .models import Notification, NotificationPreference

log = logging.getLogger(__name__)
Kind = Notification.Kind


def _email_enabled() -> bool:
    return bool(getattr(settings, "TIANPING_EMAIL_NOTIFICATIONS", False) or settings.EMAIL_HOST != "localhost")


def send(kind: str, users, text: str, url: str = "") -> int:
    """In-app notices now (inside the caller's transaction), e-mails once it commits."""
    users = [u for u in dict.fromkeys(users) if u is not None and u.is_active]
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}
    shown = [u for u in users if kind not in (prefs[u.pk].app_off if u.pk in prefs else [])]
    Notification.objects.bulk_create([Notification(user=u, kind=kind, text=text, url=url) for u in shown])
    mailed = [u.email for u in users if u.email and kind not in (prefs[u.pk].email_off if u.pk in prefs else [])]
    if mailed and _email_enabled():
        transaction.on_commit(lambda: _mail(mailed, text, url))
    return len(shown)


def _mail(addresses: list[str], text: str, url: str) -> None:
    link = f"{getattr(settings, 'TIANPING_BASE_URL', '').rstrip('/')}{url}" if url else ""
    for address in addresses:
        try:
            send_mail("天平：" + text[:60], f"{text}\n{link}".strip(), None, [address])
        except OSError:  # a mail server that is down must not lose the in-app notice
            log.exception("e-mail to %s failed", address)


def recipients(region: Region, *roles: str, department=None):
    """Active users of ``roles`` whose region is ``region`` or one above it (a city bureau sees its districts)."""
    chain, r = [], region
    while r is not None:
        chain.append(r.pk)
        r = r.parent
    users = User.objects.filter(is_active=True, role__in=roles, region_id__in=chain)
    if department is not None:
        users = users.filter(department=department)
    return list(users)


# ---------------------------------------------------------------- collection events

def on_comment(comment) -> None:
    sub = comment.submission
    region, year, dept = sub.round.region, sub.round.year, sub.department
    url = reverse("collection:submission", args=[sub.pk])
    if comment.kind == Comment.Kind.SUBMIT:
        again = sub.comments.filter(kind__in=[Comment.Kind.RETURN, Comment.Kind.UNLOCK]).exists()
        kind = Kind.RESUBMITTED if again else Kind.TO_REVIEW
        verb = "修改后重新提交" if again else "已提交"
        send(kind, recipients(region, User.Role.STATISTICS), f"{dept.name}{year}年度数据{verb}，请审核", url)
    elif comment.kind in (Comment.Kind.RETURN, Comment.Kind.UNLOCK):
        reporters = recipients(region, User.Role.REPORTER, department=dept)
        send(Kind.RETURNED, reporters, f"{year}年度填报被退回：{comment.text}", url)
    elif comment.kind == Comment.Kind.ACCEPT:
        send(Kind.ACCEPTED, recipients(region, User.Role.REPORTER, department=dept), f"{year}年度填报已审核通过", url)


def remind_deadlines(days: int = 7, today=None) -> int:
    """"Deadline near": reporters of every department not yet submitted in an open round whose
    deadline is within ``days``; one notice per submission and deadline (safe to run daily)."""
    today = today or timezone.localdate()
    sent = 0
    rounds = ReportingRound.objects.filter(state=ReportingRound.State.OPEN, deadline__gte=today,
                                           deadline__lte=today + timedelta(days=days)).select_related("region")
    for round_ in rounds:
        for sub in round_.submissions.filter(state__in=Submission.EDITABLE).select_related("department"):
            left = (round_.deadline - today).days
            text = (f"{round_.year}年度数据填报将于{round_.deadline:%Y年%m月%d日}截止"
                    f"（还剩{left}天），{sub.department.name}尚未提交")
            url = reverse("collection:grid", args=[sub.pk])
            users = [u for u in recipients(round_.region, User.Role.REPORTER, department=sub.department)
                     if not Notification.objects.filter(user=u, kind=Kind.DEADLINE, url=url,
                                                        text__contains=f"{round_.deadline:%Y年%m月%d日}").exists()]
            sent += send(Kind.DEADLINE, users, text, url)
    return sent


# ---------------------------------------------------------------- report events

def on_approval(approval) -> None:
    report = approval.report
    name = f"{report.title or report.get_kind_display()}（{report.year}）"
    url = reverse("publishing:report", args=[report.pk])
    if approval.step == Approval.Step.REVIEWED:
        send(Kind.TO_APPROVE, recipients(report.region, User.Role.LEADERSHIP), f"报告待批准：{name}", url)
    elif approval.step == Approval.Step.APPROVED:
        send(Kind.APPROVED, recipients(report.region, User.Role.OFFICE), f"报告已批准，可以发布：{name}", url)
    elif approval.step == Approval.Step.PUBLISHED:
        send(Kind.PUBLISHED, recipients(report.region, User.Role.OFFICE, User.Role.STATISTICS, User.Role.LEADERSHIP,
                                        User.Role.EVALUATION), f"报告已发布：{name}", url)


def connect() -> None:
    @receiver(post_save, sender=Comment, weak=False, dispatch_uid="notices-comment")
    def comment_saved(sender, instance, created, **kwargs):
        if created:
            on_comment(instance)

    @receiver(post_save, sender=Approval, weak=False, dispatch_uid="notices-approval")
    def approval_saved(sender, instance, created, **kwargs):
        if created:
            on_approval(instance)
