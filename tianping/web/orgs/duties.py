"""Separation of duties (四眼原则): who did one step of a workflow may not do the step that checks it.

    separate(user, earlier_users, what, error)  → "" when ``user`` did none of the earlier work;
        with TIANPING_ONE_PERSON_OFFICE on, the note to record on the action (every such action
        keeps it); otherwise raises ``error`` with a Chinese message.

Applied in the services, so the pages, the API and the CLI all obey it: the filler or submitter
of a department's data cannot accept it; the author of a report cannot review or approve it and
its reviewer cannot approve it. A superuser is no exception (the outside review saw one superuser
fill, submit, accept, generate, review, approve and publish)."""

from __future__ import annotations

from django.conf import settings

ONE_PERSON_NOTE = "【一人办公室设置：{what}为同一人，职责未分离】"


def separate(user, earlier_users, what: str, error: type[Exception]) -> str:
    earlier = {getattr(u, "pk", u) for u in earlier_users if u is not None}
    if user.pk not in earlier:
        return ""
    if getattr(settings, "TIANPING_ONE_PERSON_OFFICE", False):
        return ONE_PERSON_NOTE.format(what=what)
    raise error(f"职责分离：{what}不能是同一人。请由另一位有权限的人员办理"
                "（只有一人的办公室可由系统管理员开启 TIANPING_ONE_PERSON_OFFICE，每次此类操作都会被记录）。")
