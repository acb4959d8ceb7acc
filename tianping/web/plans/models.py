"""A plan as stored: the shapes of tianping.core.model, plus what the office adds
(the indicator framework and the task division) and the plan's review state.

Plan → Area → Goal / Measure; Indicator (belongs to the plan, sits under a goal,
a measure or the plan's indicator table) → Target, Baseline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.core.figures import OPERATORS, dated_target, number, target_phrase
from tianping.core.model import OPS
from tianping.web.orgs.models import Department, Region
from tianping.web.orgs.permissions import VisibleQuerySet


class PlanQuerySet(VisibleQuerySet):
    def confirmed(self):
        return self.filter(status=Plan.Status.CONFIRMED)


class SourceMixin(models.Model):
    """Where an item came from in the document: 1-based line and the sentence."""

    source_line = models.PositiveIntegerField(_("source line"), null=True, blank=True)
    source_text = models.TextField(_("source sentence"), blank=True)

    class Meta:
        abstract = True


class Plan(models.Model):
    class Kind(models.TextChoices):
        WOMEN = "women", _("Women's development plan")
        CHILDREN = "children", _("Children's development plan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, under review")
        CONFIRMED = "confirmed", _("Confirmed")
        SUPERSEDED = "superseded", _("Superseded by a revised edition")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("start year"), default=2021)
    end_year = models.PositiveSmallIntegerField(_("end year"), default=2030)
    milestone_years = models.JSONField(_("milestone years"), default=list, blank=True)
    sections = models.JSONField(_("sections"), default=dict, blank=True)
    key_projects = models.JSONField(_("key projects"), default=list, blank=True)
    parse_warnings = models.JSONField(_("parser warnings"), default=list, blank=True)
    source_file = models.CharField(_("source file"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("source SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revises = models.ForeignKey("self", verbose_name=_("revises plan"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="revisions")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["region__code", "kind", "-imported_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Area(SourceMixin):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["plan", "number"]

    def __str__(self) -> str:
        return self.name


class Goal(SourceMixin):
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["area", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"


class Measure(SourceMixin):
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    lead_department = models.ForeignKey(Department, verbose_name=_("lead department"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="led_measures")
    cooperating_departments = models.ManyToManyField(Department, verbose_name=_("cooperating departments"),
                                                     blank=True, related_name="cooperating_measures")

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["area", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:40]}"


class Indicator(SourceMixin):
    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")
        NONE = "", _("Not set")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="indicators")
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="indicators")
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="indicators")
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, blank=True)
    # The framework (指标体系): who reports it and how it is computed.
    responsible_department = models.ForeignKey(Department, verbose_name=_("responsible department"), null=True,
                                               blank=True, on_delete=models.SET_NULL, related_name="indicators")
    by_sex = models.BooleanField(_("by sex"), default=False)
    by_age = models.BooleanField(_("by age group"), default=False)
    by_residence = models.BooleanField(_("by urban/rural"), default=False)
    definition = models.TextField(_("definition"), blank=True)
    numerator = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator = models.CharField(_("denominator"), max_length=200, blank=True)
    multiplier = models.FloatField(_("multiplier"), null=True, blank=True,
                                   help_text=_("100 for a percentage, 100000 for a rate per 100,000."))
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    proxy_for = models.ForeignKey("self", verbose_name=_("proxy for"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="proxies")
    # What the indicator measures: its entry in the indicator catalogue (tianping.web.catalogue).
    catalogue = models.ForeignKey("catalogue.CatalogueEntry", verbose_name=_("catalogue entry"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="indicators")
    class LinkMethod(models.TextChoices):
        EXACT = "exact", _("same name")
        ALIAS = "alias", _("known alias")
        FUZZY = "fuzzy", _("similar name")
        MANUAL = "manual", _("chosen by the office")

    catalogue_method = models.CharField(_("how it was linked"), max_length=10, blank=True, choices=LinkMethod.choices)
    catalogue_confidence = models.FloatField(_("link confidence"), null=True, blank=True)
    unit_note = models.CharField(_("unit note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    # The breakdown flags and the catalogue's name for each ("sex", "age", "residence").
    BREAKDOWN_FIELDS = (("by_sex", "sex"), ("by_age", "age"), ("by_residence", "residence"))

    def save(self, *args, **kwargs):
        # Only the breakdowns the catalogue entry allows: a women-only (or institution-level)
        # indicator never has a 女/男 breakdown, one without 城乡 or age groups none of those.
        for flag, key in self.BREAKDOWN_FIELDS:
            if getattr(self, flag) and not self.breakdown_applies(key):
                setattr(self, flag, False)
                if kwargs.get("update_fields") is not None and flag not in kwargs["update_fields"]:
                    kwargs["update_fields"] = [*kwargs["update_fields"], flag]
        super().save(*args, **kwargs)

    def breakdown_applies(self, key: str) -> bool:
        """Whether the catalogue entry allows this breakdown ("sex", "age", "residence"); any, unlinked."""
        return self.catalogue_id is None or key in (self.catalogue.disaggregations or [])

    @property
    def sex_applies(self) -> bool:
        """Whether a 女/男 breakdown can apply: the catalogue says both sexes are counted (or no link)."""
        return self.breakdown_applies("sex")

    @property
    def age_applies(self) -> bool:
        return self.breakdown_applies("age")

    @property
    def residence_applies(self) -> bool:
        return self.breakdown_applies("residence")

    @property
    def disaggregations(self) -> list[str]:
        labels = [(self.by_sex, _("sex")), (self.by_age, _("age group")), (self.by_residence, _("urban/rural"))]
        return [str(label) for wanted, label in labels if wanted]


# How each operator reads in the web's forms: core's one table (tianping.core.figures.
# OPERATORS), its English labels translated by this app's .po ("about" → 左右).
OP_LABELS = {op: _(operator.label) for op, operator in OPERATORS.items()}


class Target(SourceMixin):
    class Kind(models.TextChoices):
        NUMERIC = "numeric", _("Numeric")
        DIRECTIONAL = "directional", _("Directional")
        QUALITATIVE = "qualitative", _("Qualitative")

    OP_CHOICES = [(op, OP_LABELS.get(op, op)) for op in OPS]

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    op = models.CharField(_("operator"), max_length=30, choices=OP_CHOICES)
    value = models.FloatField(_("value"), null=True, blank=True)
    upper = models.FloatField(_("upper value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    tolerance = models.FloatField(_("tolerance"), null=True, blank=True,
                                  help_text=_("For 'about' targets; empty means the default."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NUMERIC)
    text = models.CharField(_("target phrase"), max_length=300, blank=True)
    borderline = models.BooleanField(_("borderline"), default=False)
    # What the parser read from the document, stored at import ({"year": 2030, "op": "<=", ...},
    # the CORRECTABLE fields): the review page shows the office's corrections beside it.
    # None for a target the office added.
    extracted = models.JSONField(_("as extracted from the document"), null=True, blank=True, editable=False)

    CORRECTABLE = ("year", "op", "value", "upper", "unit", "base_year", "tolerance", "kind")

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year", "pk"]

    def __str__(self) -> str:
        return self.dated_phrase

    @property
    def phrase(self) -> str:
        """"9/10万以下", "95%以上", "60%—70%": the target as the plan says it."""
        return target_phrase(self.op, self.value, self.unit, self.upper, self.base_year, self.text,
                             self.indicator.unit if self.indicator_id else "")

    @property
    def dated_phrase(self) -> str:
        """"2025年9/10万以下"."""
        return f"{self.year}年{self.phrase}"

    def as_extracted(self) -> dict:
        """The CORRECTABLE fields as they are now, for ``extracted``."""
        return {name: getattr(self, name) for name in self.CORRECTABLE}

    @property
    def corrected(self) -> bool:
        """The office changed what the parser extracted (numbers compared as numbers)."""
        return self.extracted is not None and any(
            not _same(getattr(self, name), self.extracted.get(name)) for name in self.CORRECTABLE)

    @property
    def correction_label(self) -> str:
        """"已修改（原：2030 ≤ 9/10万）", "办公室添加", or "" for a target as extracted."""
        if self.extracted is None:
            return str(_("added by the office"))
        if not self.corrected:
            return ""
        was = {name: self.extracted.get(name) for name in self.CORRECTABLE}
        phrase = dated_target(was["year"], was["op"], was["value"], was["unit"], was["upper"], was["base_year"],
                              self.text, self.indicator.unit if self.indicator_id else "")
        if was["tolerance"] is not None:
            phrase += str(_(", tolerance %(t)s") % {"t": number(was["tolerance"])})
        if was["kind"] != self.kind:
            phrase += f"（{self.Kind(was['kind']).label if was['kind'] in self.Kind.values else was['kind']}）"
        return str(_("corrected (originally: %(original)s)") % {"original": phrase})


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return (a if a is not None else "") == (b if b is not None else "")


class Baseline(SourceMixin):
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="baselines")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["indicator", "year"]
