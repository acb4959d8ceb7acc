from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "tianping.web.accountability"
    label = "accountability"
    verbose_name = _("Department accountability")
    default_auto_field = "django.db.models.BigAutoField"
