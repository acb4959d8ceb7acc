"""Today's work per role, for the home page: what is waiting for this user, most urgent first.

    reporter     its department's open tasks with deadlines, returned ones first with the reason,
                 warnings waiting for its explanation
    statistics   submissions waiting for review
    office       round progress, warnings waiting for explanation, reports waiting
    leadership   the region at a glance (达标率, warnings) and reports waiting for approval
    evaluation   reports waiting for review, qualitative targets to judge

The apps above orgs are imported inside the functions (they build on orgs, not the reverse).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from tianping.web.collection import services
from tianping.web.collection.models import Comment, ReportingRound, Submission
from tianping.web.collection.permissions import (
    rounds_visible_to,
    submissions_visible_to,
)
from tianping.web.monitoring.models import AssessmentRun, Warning
from tianping.web.publishing.models import Report

from .permissions import Role, scoped


def for_user(user) -> dict:
    role = "office" if user.is_superuser else user.role
    builder = {Role.REPORTER: reporter, Role.STATISTICS: statistics, Role.OFFICE: office,
               Role.LEADERSHIP: leadership, Role.EVALUATION: evaluation}.get(role)
    return {"role": role, **(builder(user) if builder else {})}


def _days_left(deadline) -> int:
    return (deadline - timezone.localdate()).days


def _progress(sub) -> tuple[int, int]:
    indicators = services.indicators_for(sub.department, sub.round.region)
    required = sum(len(cells) for cells in services.grids(indicators).values())
    filled = sub.entries.filter(indicator__in=indicators).exclude(value__isnull=True, note="").count()
    return min(filled, required), required


def reporter(user) -> dict:
    tasks = []
    subs = (submissions_visible_to(user).filter(Q(round__state="open") | Q(reopened=True))
            .exclude(state__in=[Submission.State.LOCKED]).order_by("round__deadline"))
    for sub in subs:
        returned = sub.state == Submission.State.RETURNED
        reason = (sub.comments.filter(kind__in=[Comment.Kind.RETURN, Comment.Kind.UNLOCK]).order_by("-at", "-pk")
                  .select_related("author").first() if returned else None)
        filled, required = _progress(sub)
        tasks.append({"submission": sub, "returned": returned, "reason": reason, "filled": filled,
                      "required": required, "days_left": _days_left(sub.round.deadline),
                      "overdue": -_days_left(sub.round.deadline),
                      "editable": sub.is_editable})
    tasks.sort(key=lambda t: (not t["returned"], t["submission"].state != Submission.State.DRAFT,
                              t["submission"].round.deadline))
    warnings = (Warning.objects.filter(department_id=user.department_id, state=Warning.State.OPEN)
                .select_related("indicator").order_by("-updated_at")[:10])
    return {"tasks": tasks, "warnings": warnings}


def statistics(user) -> dict:
    waiting = (submissions_visible_to(user).filter(state=Submission.State.SUBMITTED)
               .order_by("submitted_at"))
    return {"to_review": list(waiting[:50]), "to_review_count": waiting.count(), "rounds": _rounds(user)}


def _rounds(user) -> list[dict]:
    rows = []
    rounds = (rounds_visible_to(user).filter(state=ReportingRound.State.OPEN).order_by("deadline")
              .annotate(total=Count("submissions"),
                        submitted=Count("submissions", filter=Q(submissions__state=Submission.State.SUBMITTED)),
                        accepted=Count("submissions", filter=Q(submissions__state__in=[
                            Submission.State.ACCEPTED, Submission.State.LOCKED])),
                        returned=Count("submissions", filter=Q(submissions__state=Submission.State.RETURNED))))
    for r in rounds[:10]:
        not_started = r.total - r.submitted - r.accepted - r.returned
        rows.append({"round": r, "days_left": _days_left(r.deadline), "not_submitted": not_started + r.returned,
                     "percent": round(100 * r.accepted / r.total) if r.total else 0})
    return rows


def _reports(user, states) -> list:
    return list(scoped(Report.objects.filter(state__in=states), user).select_related("region", "plan")
                .order_by("-updated_at")[:10])


def office(user) -> dict:
    warnings = scoped(Warning.objects.filter(state=Warning.State.OPEN), user)
    return {"rounds": _rounds(user),
            "open_warnings": warnings.count(),
            "warnings_by_department": list(warnings.values("department__name").annotate(n=Count("pk"))
                                           .order_by("-n")[:8]),
            "reports": _reports(user, [Report.State.DRAFT, Report.State.REVIEWED, Report.State.APPROVED]),
            "glance": _glance(user)}


def leadership(user) -> dict:
    return {"glance": _glance(user), "to_approve": _reports(user, [Report.State.REVIEWED])}


def evaluation(user) -> dict:
    return {"to_review_reports": _reports(user, [Report.State.DRAFT]), "glance": _glance(user)}


def _glance(user) -> list[dict]:
    """Per plan of the user's region: latest run's 达标率 per milestone and active warnings."""
    if user.region_id is None:
        return []
    runs = {}
    for run in (AssessmentRun.objects.filter(region_id=user.region_id).select_related("plan")
                .order_by("plan_id", "-year")):
        runs.setdefault(run.plan_id, run)
    levels = dict(Warning.objects.filter(region_id=user.region_id, state__in=Warning.ACTIVE)
                  .values("plan_id").annotate(n=Count("pk")).values_list("plan_id", "n"))
    out = []
    for run in runs.values():
        milestones = [{"year": k, "percent": None if v.get("rate") is None else round(100 * v["rate"], 1),
                       **{f: v.get(f) for f in ("attained", "assessable", "targets")}}
                      for k, v in sorted(run.summary.items()) if k.isdigit()]   # summary rates are shares (0–1)
        out.append({"run": run, "milestones": milestones, "warnings": levels.get(run.plan_id, 0)})
    return out

