"""The data visualizer's favourites and the district boundaries the map is drawn from.

Favourite      a user's saved choice of the visualizer (tianping.core.pivot.Choice as JSON);
               a pinned favourite shows its chart on the user's dashboard.
Boundary       the GeoJSON of the districts of a region, uploaded by its office (checked and
               matched by tianping.core.geojson); the newest one is the one drawn.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.orgs.models import Region


class Favourite(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="favourites")
    name = models.CharField(_("name"), max_length=100)
    choice = models.JSONField(_("choice"), default=dict)
    pinned = models.BooleanField(_("pinned to the dashboard"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        ordering = ["owner", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="favourite_name_per_owner")]
        indexes = [models.Index(fields=["owner", "pinned"], name="favourite_owner_pinned")]

    def __str__(self) -> str:
        return self.name


class Boundary(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="boundaries")
    name = models.CharField(_("name"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    geojson = models.JSONField(_("matched features (GeoJSON)"))
    matched = models.JSONField(_("matched features"), default=dict)       # region code → feature name
    unmatched = models.JSONField(_("unmatched features"), default=list)
    missing = models.JSONField(_("districts without a boundary"), default=list)
    schematic = models.BooleanField(_("schematic, not real boundaries"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("district boundaries")
        verbose_name_plural = _("district boundaries")
        ordering = ["region", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.region} {self.name}"
