"""The indicator catalogue as stored: the package's entries (tianping/core/catalogue/indicators.toml,
copied in by ``services.sync_builtin``) plus those an office adds, and the validation rules an
office defines (DHIS2's validation rules are the model: left side, operator, right side)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.core import catalogue as core
from tianping.core.figures import number
from tianping.web.orgs.models import Region


class CatalogueEntry(models.Model):
    class Kind(models.TextChoices):
        SHARE = "share", _("share (part of a whole)")
        RATE = "rate", _("rate (numerator / denominator × multiplier)")
        COUNT = "count", _("count")
        MEAN = "mean", _("mean")
        LEVEL = "level", _("level")

    class Population(models.TextChoices):
        WOMEN = "women", _("women")
        GIRLS = "girls", _("girls")
        CHILDREN = "children", _("children (girls and boys)")
        BOTH = "both", _("both sexes")
        UNITS = "units", _("institutions or places (not people)")

    class Outline(models.TextChoices):
        WOMEN = "women", _("Women's development outline")
        CHILDREN = "children", _("Children's development outline")

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    outline = models.CharField(_("outline"), max_length=10, choices=Outline.choices)
    area = models.CharField(_("area"), max_length=100, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=30)
    multiplier = models.FloatField(_("multiplier"), null=True, blank=True)
    numerator = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator = models.CharField(_("denominator"), max_length=200, blank=True)
    population = models.CharField(_("population"), max_length=10, choices=Population.choices)
    age_band = models.CharField(_("age band"), max_length=50, blank=True)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    low = models.FloatField(_("plausible low"), null=True, blank=True)
    high = models.FloatField(_("plausible high"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    lead = models.CharField(_("usual responsible department"), max_length=50, blank=True)
    cooperating = models.JSONField(_("usual cooperating departments"), default=list, blank=True)
    source = models.CharField(_("usual source"), max_length=200, blank=True)
    national = models.JSONField(_("national targets"), default=list, blank=True)
    builtin = models.BooleanField(_("from the package catalogue"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def sex_disaggregated(self) -> bool:
        return "sex" in (self.disaggregations or [])

    @property
    def women_only(self) -> bool:
        return self.population in (self.Population.WOMEN, self.Population.GIRLS)

    def as_core(self) -> core.Entry:
        """The entry as tianping.core sees it (checked by the same rules as the file)."""
        fields = {f: getattr(self, f) for f in (
            "code", "name", "aliases", "outline", "area", "definition", "kind", "unit", "multiplier", "numerator",
            "denominator", "population", "age_band", "disaggregations", "direction", "lead", "cooperating",
            "source", "national", "builtin")}
        fields["range"] = [v for v in (self.low, self.high) if v is not None] if self.low is not None else []
        return core.entry_from_dict(fields)


class ValidationRule(models.Model):
    """An office's own check: ``left op right`` (another indicator, same year and cell) or
    ``left op value``. Runs on the form, the Excel import and the API alike."""

    class Op(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        GE = ">=", "≥"
        GT = ">", ">"
        EQ = "==", "="

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE,
                               related_name="validation_rules")
    name = models.CharField(_("name"), max_length=100)
    left = models.ForeignKey(CatalogueEntry, verbose_name=_("left side"), on_delete=models.CASCADE,
                             related_name="rules_left")
    op = models.CharField(_("operator"), max_length=2, choices=Op.choices)
    right = models.ForeignKey(CatalogueEntry, verbose_name=_("right side: indicator"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="rules_right")
    right_value = models.FloatField(_("right side: value"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["region", "name"]

    def __str__(self) -> str:
        right = self.right.name if self.right_id else number(self.right_value)
        return f"{self.name}：{self.left.name} {self.get_op_display()} {right}"
