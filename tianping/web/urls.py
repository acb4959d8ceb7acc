"""URLs. Each app has its own urls.py, included here with one line."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Tianping administration")
admin.site.site_title = _("Tianping")
admin.site.index_title = _("System administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tianping.web.orgs.urls")),
    path("plans/", include("tianping.web.plans.urls")),
    path("catalogue/", include("tianping.web.catalogue.urls")),
    path("collection/", include("tianping.web.collection.urls")),
    path("api/", include("tianping.web.api.urls")),
    path("data/", include("tianping.web.observations.urls")),
    path("monitoring/", include("tianping.web.monitoring.urls")),
    path("", include("tianping.web.publishing.urls")),
    path("accountability/", include("tianping.web.accountability.urls")),
    path("analysis/", include("tianping.web.analysis.urls")),
]
