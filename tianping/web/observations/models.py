"""Observed values, stored long ("tidy"): one row per indicator × region × year ×
sex × age group × residence. A blank dimension means the total.

Dimension values are tianping.core.observations' canonical ones: sex "" / "女" / "男",
residence "" / "城镇" / "农村", age a free label ("0-6岁"); so a core DataFrame maps
onto this table column by column. Data collection (rounds, submissions, review,
history) builds on this table.

Two origins live side by side: values accepted in a reporting round (``origin=round``) and
history the office imports from yearbooks and past monitoring reports (``origin=history``,
with the ``source`` of each value). ``assessed_rows`` is the one rule of what assessment,
the dashboard and the indicator pages read."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianping.web.orgs.models import Region
from tianping.web.plans.models import Indicator


class Observation(models.Model):
    class Sex(models.TextChoices):
        TOTAL = "", _("Total")
        FEMALE = "女", _("Female")
        MALE = "男", _("Male")

    class Residence(models.TextChoices):
        TOTAL = "", _("Total")
        URBAN = "城镇", _("Urban")
        RURAL = "农村", _("Rural")

    class Origin(models.TextChoices):
        ROUND = "round", _("Reporting round")
        HISTORY = "history", _("Imported history")

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="observations")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="observations")
    year = models.PositiveSmallIntegerField(_("year"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True, default="")
    age = models.CharField(_("age group"), max_length=20, blank=True, default="")
    residence = models.CharField(_("urban/rural"), max_length=5, choices=Residence.choices, blank=True, default="")
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.ROUND)
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("Where a historical value comes from (yearbook, monitoring report …)."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "region", "year", "sex", "age", "residence"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year", "sex", "age", "residence"],
                                    name="observation_one_value_per_cell"),
        ]
        indexes = [models.Index(fields=["region", "year"], name="observation_region_year")]

    def __str__(self) -> str:
        parts = [str(self.year), self.get_sex_display() if self.sex else "", self.age, self.get_residence_display() if self.residence else ""]
        return f"{self.indicator} {' '.join(p for p in parts if p)}: {self.value}"


def assessed_rows(rows):
    """The observations assessment reads out of ``rows``: accepted round data together with
    imported history (the demo's labelled synthetic history included), so a first accepted
    submission adds a year instead of replacing the picture. Older synthetic rows that are
    not history count only where nothing else exists — never mixed with real data."""
    kept = rows.filter(Q(synthetic=False) | Q(origin=Observation.Origin.HISTORY))
    return kept if kept.exists() else rows


def assessed_list(rows) -> list:
    """``assessed_rows`` for observations already fetched (one query, filtered here)."""
    rows = list(rows)
    kept = [o for o in rows if not o.synthetic or o.origin == Observation.Origin.HISTORY]
    return kept or rows
