"""Stored assessment results and the early-warning workflow.

Nothing here computes: ``services.assess_plan_region`` runs ``tianping.core.assess``
and writes its results and warnings into these tables, so pages only read.

AssessmentRun       one per plan × region × assessment year (rewritten on every run),
                    with a precomputed ``summary`` for the dashboard
Result              one row of core's results frame (series × milestone target)
Warning             a 预警 raised by the engine, sent to the responsible department:
                    open → acknowledged (explanation + measure) → resolved / escalated;
                    cleared automatically (resolved, by the system) when a later run no
                    longer raises it. WarningEvent keeps the history.
QualitativeJudgement  the evaluation group's 达标/基本达标/未达标 on a qualitative target,
                    with evidence text and attachments; read by the next assessment run.
Notification        in-app message to one user (e-mail too when EMAIL_HOST is set).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.orgs.models import Department, Region
from tianping.web.plans.models import Goal, Indicator, Plan


class AssessmentRun(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assessment_runs")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE,
                               related_name="assessment_runs")
    year = models.PositiveSmallIntegerField(_("assessment year"))
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    trigger = models.CharField(_("trigger"), max_length=60, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["plan", "region__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["plan", "region", "year"], name="run_one_per_plan_region_year")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.region.name} · {self.year}"


class Result(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assessment_results")
    area = models.CharField(max_length=100, blank=True)
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sex = models.CharField(max_length=6, blank=True)
    age = models.CharField(max_length=20, blank=True)
    residence = models.CharField(max_length=5, blank=True)
    headline = models.BooleanField(default=False)
    milestone = models.PositiveSmallIntegerField()
    op = models.CharField(max_length=30)
    target_value = models.FloatField(null=True)
    target_upper = models.FloatField(null=True)
    target_text = models.CharField(max_length=300, blank=True)
    target_unit = models.CharField(max_length=30, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(max_length=4, blank=True)
    tolerance = models.FloatField(null=True)
    goal_value = models.FloatField(null=True)
    n_points = models.PositiveSmallIntegerField(default=0)
    base_year = models.PositiveSmallIntegerField(null=True)
    base_value = models.FloatField(null=True)
    latest_year = models.PositiveSmallIntegerField(null=True)
    latest_value = models.FloatField(null=True)
    attained = models.BooleanField(null=True)
    previously_attained = models.BooleanField(null=True)
    cagr_observed = models.FloatField(null=True)
    cagr_required = models.FloatField(null=True)
    progress_ratio = models.FloatField(null=True)
    progress_method = models.CharField(max_length=10, blank=True)
    progress_label = models.CharField(max_length=40, blank=True)
    trend_slope = models.FloatField(null=True)
    trend_t = models.FloatField(null=True)        # the slope's t statistic (gender-gap trend tests)
    trend_method = models.CharField(max_length=12, blank=True)
    projected = models.FloatField(null=True)
    projected_low = models.FloatField(null=True)
    projected_high = models.FloatField(null=True)
    projected_attained = models.BooleanField(null=True)
    status = models.CharField(max_length=8)
    progress_index = models.FloatField(null=True)
    judgement = models.CharField(max_length=6, blank=True)
    sentence = models.TextField(blank=True)
    # Rare events (core engine.py): the pooled rate attainment was judged on, over how many
    # years and events; empty for other series.
    pooled_value = models.FloatField(null=True)
    pooled_years = models.PositiveSmallIntegerField(null=True)
    pooled_events = models.FloatField(null=True)
    pooled_low = models.FloatField(null=True)             # its exact Poisson 95% interval
    pooled_high = models.FloatField(null=True)
    pooled_first_year = models.PositiveSmallIntegerField(null=True)
    # Probability the projection meets the target, and the trend's pace ÷ the required pace
    # (core assess/status.py: what 预计达标 / 尚难判断 / 需加快 are read from).
    p_attain = models.FloatField(null=True)
    pace = models.FloatField(null=True)

    class Meta:
        ordering = ["run", "indicator__position", "indicator_id", "milestone", "sex"]
        indexes = [models.Index(fields=["run", "headline"], name="result_run_headline"),
                   models.Index(fields=["indicator", "run"], name="result_indicator_run")]


class Warning(models.Model):
    class Level(models.TextChoices):
        RED = "red", _("Red")
        ORANGE = "orange", _("Orange")
        YELLOW = "yellow", _("Yellow")

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting explanation")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated")

    ACTIVE = (State.OPEN, State.ACKNOWLEDGED, State.ESCALATED)

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="warnings")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="warnings")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="warnings")
    department = models.ForeignKey(Department, verbose_name=_("responsible department"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="warnings")
    sex = models.CharField(_("sex"), max_length=6, blank=True)
    age = models.CharField(_("age group"), max_length=20, blank=True)
    residence = models.CharField(_("urban/rural"), max_length=5, blank=True)
    milestone = models.PositiveSmallIntegerField(_("milestone"), default=0)
    kind = models.CharField(_("kind"), max_length=20)
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    explanation = models.TextField(_("explanation"), blank=True)
    measure_taken = models.TextField(_("measure taken"), blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["state", "level", "-updated_at"]
        indexes = [models.Index(fields=["plan", "region", "state"], name="warning_plan_region_state"),
                   models.Index(fields=["department", "state"], name="warning_department_state")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.indicator.name}: {self.reason[:40]}"

    @property
    def key(self) -> tuple:
        return (self.indicator_id, self.sex, self.age, self.residence, self.milestone, self.kind)


class WarningEvent(models.Model):
    class Action(models.TextChoices):
        RAISED = "raised", _("Raised")
        CHANGED = "changed", _("Level or reason changed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated")
        CLEARED = "cleared", _("No longer raised by the assessment")

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("text"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["warning", "at", "pk"]


class QualitativeJudgement(models.Model):
    class Verdict(models.TextChoices):
        ATTAINED = "达标", _("Attained")
        BASICALLY = "基本达标", _("Basically attained")
        NOT_ATTAINED = "未达标", _("Not attained")

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="judgements")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("judgement"), max_length=6, choices=Verdict.choices)
    evidence = models.TextField(_("evidence"))
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("judged by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    judged_at = models.DateTimeField(_("judged at"), auto_now=True)

    class Meta:
        verbose_name = _("qualitative judgement")
        verbose_name_plural = _("qualitative judgements")
        constraints = [models.UniqueConstraint(fields=["indicator", "region"], name="judgement_one_per_region")]


def evidence_storage():
    return FileSystemStorage(location=settings.VAR_DIR / "uploads" / "evidence")


class Attachment(models.Model):
    judgement = models.ForeignKey(QualitativeJudgement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="%Y")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("New or changed warnings")
        RETURNED = "returned", _("Submission returned")
        ACCEPTED = "accepted", _("Submission accepted")
        TO_REVIEW = "to_review", _("Submission waiting for review")
        RESUBMITTED = "resubmitted", _("Returned submission submitted again")
        TO_APPROVE = "to_approve", _("Report waiting for approval")
        APPROVED = "approved", _("Report approved, ready to publish")
        PUBLISHED = "published", _("Report published")
        DEADLINE = "deadline", _("Reporting deadline near")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, blank=True, default="")
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]


class DataStamp(models.Model):
    """Bumped whenever a region's stored results, warnings or judgements change; part of
    the key of cached monitoring pages (cache.py), so a cached page is never stale."""

    region_code = models.CharField(max_length=6, unique=True)
    version = models.PositiveBigIntegerField(default=0)


class NotificationPreference(models.Model):
    """What a user wants to be told, per kind of event: in the app and by e-mail (both on by default)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference")
    app_off = models.JSONField(_("kinds not shown in the app"), default=list, blank=True)
    email_off = models.JSONField(_("kinds not sent by e-mail"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
