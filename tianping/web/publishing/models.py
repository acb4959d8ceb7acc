"""Reports, their files, approvals and generation jobs.

Report            one monitoring or evaluation report of a plan in a region for a year:
                  draft → reviewed (evaluation group) → approved (leading group) → published.
                  ``snapshot`` is the data the files were generated from (plan structure,
                  targets, observations, judgements, results, the people's text) with its
                  sha256; once published, nothing about the report changes any more.
ReportFile        a generated docx / pdf / html under VAR_DIR/reports/<pk>/, with its sha256.
Approval          every step of the workflow: who, when, comment.
GenerationJob     one background generation (huey): state and progress 0–100 for the page.
A department's self-evaluation (自评报告) is a collection.DepartmentReport with a plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.orgs.models import Region
from tianping.web.plans.models import Plan


class ImmutableReport(Exception):
    """A published report (or one of its files) was about to change."""


def reports_dir():
    return settings.VAR_DIR / "reports"


def refuse_if_published(report_id, message: str) -> None:
    """Checked in the database, so a stale in-memory copy cannot slip past."""
    if report_id and Report.objects.filter(pk=report_id, state=Report.State.PUBLISHED).exists():
        raise ImmutableReport(message)


class Report(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual statistical monitoring report")
        MIDTERM = "midterm", _("Mid-term evaluation report")
        FINAL = "final", _("Final evaluation report")
        DEPARTMENT = "department", _("Department self-evaluation report")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed by the evaluation group")
        APPROVED = "approved", _("Approved by the leading group")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    problems = models.TextField(_("main problems"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    needs_generation = models.BooleanField(_("files out of date"), default=True)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    snapshot = models.JSONField(_("data snapshot"), null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("snapshot SHA-256"), max_length=64, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-year", "region__code", "kind", "-pk"]
        indexes = [models.Index(fields=["state", "-published_at"], name="report_state_published")]

    def __str__(self) -> str:
        return self.title or f"{self.region.name}{self.year}年{self.get_kind_display()}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def save(self, *args, **kwargs):
        refuse_if_published(self.pk, "已发布的报告不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_published(self.pk, "已发布的报告不能删除")
        return super().delete(*args, **kwargs)


class ReportFile(models.Model):
    class Format(models.TextChoices):
        DOCX = "docx", "Word (.docx)"
        PDF = "pdf", "PDF"
        HTML = "html", "HTML"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    path = models.CharField(_("file"), max_length=255)   # relative to VAR_DIR/reports
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        ordering = ["report", "format"]
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="report_file_one_per_format")]

    @property
    def full_path(self):
        return reports_dir() / self.path

    def save(self, *args, **kwargs):
        refuse_if_published(self.report_id, "已发布报告的文件不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_published(self.report_id, "已发布报告的文件不能删除")
        return super().delete(*args, **kwargs)


class Approval(models.Model):
    class Step(models.TextChoices):
        GENERATED = "generated", _("Generated")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for revision")
        EDITED = "edited", _("Edited")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="approvals")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                             related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["report", "at", "pk"]


class GenerationJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="jobs")
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set every few seconds by the worker running the job; a running job whose heartbeat stops
    # belongs to a dead worker and is queued again (publishing.tasks.requeue_stale_jobs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=80, blank=True)  # host:pid of the worker running it

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
