from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "tianping.web.publishing"
    label = "publishing"
    verbose_name = _("Reports and publication")
    default_auto_field = "django.db.models.BigAutoField"
