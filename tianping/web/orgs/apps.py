from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "tianping.web.orgs"
    label = "orgs"
    verbose_name = _("Organisations and accounts")

    def ready(self):
        from tianping.web import audit

        from . import tokens  # noqa: F401  (logout revokes the user's API tokens)

        audit.connect()  # framework and report texts: every change kept with its old value
