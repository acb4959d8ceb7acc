"""Who may do what in the collection, used by the pages and the API alike.

    reporter     reads its own department's submissions (any round) and writes them
                 while the round is open (or the submission was unlocked) and the
                 submission is a draft or returned
    statistics   reads every submission of its regions; returns, accepts, unlocks
    office       reads every submission of its regions; opens and closes rounds, unlocks
    others       nothing here
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tianping.web.orgs.permissions import Role, scoped, user_has_role

from .models import ReportingRound, Submission

READERS = (Role.OFFICE, Role.STATISTICS, Role.REPORTER)
REVIEWERS = (Role.STATISTICS,)
ROUND_MANAGERS = (Role.OFFICE,)
UNLOCKERS = (Role.STATISTICS, Role.OFFICE)
OVERSEERS = (Role.OFFICE, Role.STATISTICS)


def rounds_visible_to(user):
    if not user_has_role(user, *READERS):
        return ReportingRound.objects.none()
    return scoped(ReportingRound.objects.select_related("region"), user)


def submissions_visible_to(user):
    if not user_has_role(user, *READERS):
        return Submission.objects.none()
    qs = scoped(Submission.objects.select_related("round__region", "department"), user, "round__region")
    if not user.is_superuser and user.role == Role.REPORTER:
        qs = qs.filter(department_id=user.department_id)
    return qs


def can_edit(user, submission: Submission) -> bool:
    """Writing values and the work report: the department's own reporter, in an editable state."""
    return (user_has_role(user, Role.REPORTER) and (user.is_superuser or submission.department_id == user.department_id)
            and submission.is_editable)


def can_review(user) -> bool:
    return user_has_role(user, *REVIEWERS)


def can_unlock(user) -> bool:
    return user_has_role(user, *UNLOCKERS)


def visible_submission(request, pk) -> Submission:
    """The submission ``pk`` if the user may see it, else 404 (views and the entry grid)."""
    return get_object_or_404(submissions_visible_to(request.user), pk=pk)


def editable_submission(request, pk) -> Submission:
    """The submission ``pk`` if the user may change it now, else 404 or 403."""
    sub = visible_submission(request, pk)
    if not can_edit(request.user, sub):
        raise PermissionDenied(_("This submission cannot be changed by you now."))
    return sub
