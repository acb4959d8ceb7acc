"""Annual data collection: a reporting round per region and year, one submission per
member department, the values it reports (entries), their audit trail, and the
review conversation.

How accepted data reaches assessment
------------------------------------
Entries are the department's working copy. ``observations.Observation`` holds only
data that the statistics bureau has accepted (plus labelled synthetic demo data):
``services.accept`` copies a submission's entries into Observation in the same
transaction that marks it accepted, and sends ``signals.submission_accepted``.
Draft, submitted or returned values never appear in Observation, so anything that
assesses ``Observation.objects.filter(synthetic=False)`` reads accepted data only.
Unlocking a submission leaves the last accepted values in Observation until the
corrected submission is accepted again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianping.web.orgs.models import Department, Region
from tianping.web.plans.models import Indicator, Plan


class ReportingRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open for reporting")
        CLOSED = "closed", _("Closed")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField(_("reporting year"))
    opens_on = models.DateField(_("opening date"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["region__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="round_one_per_region_year")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN and self.opens_on <= timezone.localdate()


class Submission(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")
        LOCKED = "locked", _("Locked")

    EDITABLE = (State.DRAFT, State.RETURNED)

    round = models.ForeignKey(ReportingRound, verbose_name=_("reporting round"), on_delete=models.CASCADE,
                              related_name="submissions")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="submissions")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    reopened = models.BooleanField(_("reopened after closing"), default=False,
                                   help_text=_("Unlocked with a reason: editable although the round is closed."))
    # its annual work report (年度工作报告) is a DepartmentReport without a plan (see there)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["round", "department__name"]
        constraints = [models.UniqueConstraint(fields=["round", "department"], name="submission_one_per_department")]

    def __str__(self) -> str:
        return f"{self.round} {self.department}"

    @property
    def region(self):
        return self.round.region

    def work_report(self) -> DepartmentReport:
        """The department's annual work report of this round (unsaved and empty if none yet)."""
        return DepartmentReport.annual(self.round.region, self.department, self.round.year)

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE and (self.round.is_open or self.reopened)

    @property
    def timeliness(self) -> str:
        """on_time / late / missing / pending (not submitted, deadline not passed)."""
        deadline = self.round.deadline
        if self.first_submitted_at:
            return "on_time" if timezone.localdate(self.first_submitted_at) <= deadline else "late"
        return "missing" if timezone.localdate() > deadline or self.round.state == ReportingRound.State.CLOSED else "pending"


class Entry(models.Model):
    """One reported cell: indicator × sex × age group × urban/rural for the round's year.

    ``version`` goes up by one on every change; a save names the version it was
    based on and is refused when another change came first (optimistic concurrency).
    """

    submission = models.ForeignKey(Submission, verbose_name=_("submission"), on_delete=models.CASCADE,
                                   related_name="entries")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="entries")
    sex = models.CharField(_("sex"), max_length=6, blank=True, default="")
    age = models.CharField(_("age group"), max_length=20, blank=True, default="")
    residence = models.CharField(_("urban/rural"), max_length=5, blank=True, default="")
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["submission", "indicator", "sex", "age", "residence"]
        constraints = [models.UniqueConstraint(fields=["submission", "indicator", "sex", "age", "residence"],
                                               name="entry_one_per_cell")]

    FIELDS = ("value", "numerator", "denominator", "note")

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self.FIELDS}


class EntryChange(models.Model):
    """Audit trail: every change of an entry, who made it, when, through which channel."""

    class Channel(models.TextChoices):
        FORM = "form", _("Online form")
        EXCEL = "excel", _("Excel template")
        API = "api", _("API")

    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices)
    version = models.PositiveIntegerField(_("version"))
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"))

    class Meta:
        verbose_name = _("entry change")
        verbose_name_plural = _("entry changes")
        ordering = ["entry", "-version"]
        indexes = [models.Index(fields=["entry", "version"], name="entrychange_entry_version")]


class Comment(models.Model):
    """The review conversation and state changes of a submission (also the workflow's audit)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        SUBMIT = "submit", _("Submitted")
        RETURN = "return", _("Returned")
        ACCEPT = "accept", _("Accepted")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        REMIND = "remind", _("Reminder")

    submission = models.ForeignKey(Submission, verbose_name=_("submission"), on_delete=models.CASCADE,
                                   related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("text"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["submission", "at", "pk"]


class RoundEvent(models.Model):
    """Audit of a round's life: closed (with who had not reported), reopened (why), deadline moved."""

    class Action(models.TextChoices):
        CLOSE = "close", _("Closed")
        REOPEN = "reopen", _("Reopened")
        DEADLINE = "deadline", _("Deadline changed")

    round = models.ForeignKey(ReportingRound, verbose_name=_("reporting round"), on_delete=models.CASCADE,
                              related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("round event")
        verbose_name_plural = _("round events")
        ordering = ["round", "-at", "-pk"]


class DepartmentReport(models.Model):
    """A member department's own text on carrying out the plans: what was done, problems,
    what comes next. The one home of that text, in two uses:

    plan empty   the annual work report (年度工作报告, the plans' 报告制度) filed with the
                 department's submission of the region's round for ``year``;
    plan set     its self-evaluation (自评报告) of that plan for a mid-term or final
                 evaluation in ``year``; submitted ones feed the evaluation reports.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="department_reports",
                             help_text=_("Set for a self-evaluation of the plan; empty for the annual work report."))
    progress = models.TextField(_("work done and results"), blank=True)
    problems = models.TextField(_("problems and difficulties"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    TEXTS = ("progress", "problems", "next_steps")

    class Meta:
        verbose_name = _("department report")
        verbose_name_plural = _("department reports")
        ordering = ["year", "department__name", "plan"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "region", "department", "year"],
                                    condition=models.Q(plan__isnull=False), name="department_report_one_per_plan"),
            models.UniqueConstraint(fields=["region", "department", "year"], condition=models.Q(plan__isnull=True),
                                    name="department_report_one_annual"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year}" + (f" {self.plan.title}" if self.plan_id else "")

    @classmethod
    def annual(cls, region, department, year: int) -> DepartmentReport:
        found = cls.objects.filter(region=region, department=department, year=year, plan=None).first()
        return found or cls(region=region, department=department, year=year)

    def summary(self) -> str:
        """The text the evaluation report quotes for this department."""
        parts = [self.progress.strip()]
        if self.problems.strip():
            parts.append("存在问题：" + self.problems.strip())
        if self.next_steps.strip():
            parts.append("下一步：" + self.next_steps.strip())
        return "".join(p if p.endswith(("。", "；", "！")) else p + "。" for p in parts if p)
