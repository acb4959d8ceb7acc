from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "tianping.web.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import notices, receivers  # noqa: F401  (submission accepted / round closed → assessment)

        notices.connect()  # workflow events → notifications
