"""目标管理责任制 and 督导检查: the office's scoring rule per region and year (with its
audit trail), and inspections with the corrections they require.

Scores themselves are not stored: ``services.scorecards`` recomputes them from the stored
rounds, submissions, assessment results, warnings, self-evaluations and corrections each
time (tianping.core.scorecard does the arithmetic), so a score can never be typed in.

ScoreRule         the rule of one region and year (JSON of core.scorecard.ScoreRule);
                  absent → the plain default
ScoreRuleChange   every change of a rule: old and new JSON, who, when, why
Inspection        one 督导检查: date, inspectors, departments visited, findings
Correction        one required correction (整改要求) for one department with a deadline,
                  tracked open → closed (closing needs evidence)
InspectionFile    an evidence attachment of an inspection or of a correction
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tianping.web.orgs.models import Department, Region


class ScoreRule(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    rule = models.JSONField(_("scoring rule"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="score_rule_one_per_region_year")]


class ScoreRuleChange(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    old = models.JSONField(_("old rule"), null=True, blank=True)   # None: the default was in force
    new = models.JSONField(_("new rule"))
    reason = models.TextField(pgettext_lazy("rule change", "reason"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("scoring rule change")
        verbose_name_plural = _("scoring rule changes")
        ordering = ["region", "year", "-at", "-pk"]


class Inspection(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("inspection date"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    departments = models.ManyToManyField(Department, verbose_name=_("departments visited"), related_name="inspections")
    findings = models.TextField(_("findings"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.inspectors}"


class Correction(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Being corrected")
        CLOSED = "closed", pgettext_lazy("correction state", "Closed")

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="corrections")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="corrections")
    requirement = models.TextField(_("required correction"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    progress = models.TextField(_("department's account of the correction"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closing_note = models.TextField(_("office's closing note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["department", "state"], name="correction_department_state")]

    def __str__(self) -> str:
        return self.requirement[:40]

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


def inspection_storage():
    return FileSystemStorage(location=settings.VAR_DIR / "uploads" / "inspections")


class InspectionFile(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="files")
    correction = models.ForeignKey(Correction, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), storage=inspection_storage, upload_to="%Y")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
