"""ChineseFirstLocaleMiddleware — Chinese first: the UI language is zh-hans unless the user picked another one
with the language switch (cookie). The browser's Accept-Language is ignored, so
a government PC with an English browser still gets the Chinese UI."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from tianping.web.orgs.permissions import is_third_party, third_party_may


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ThirdPartyScopeMiddleware:
    """The read-only role (third parties) reaches only the pages named in
    orgs.permissions.THIRD_PARTY_URLS (published reports, open data, its own account);
    every other page answers 403, whatever role list the view itself carries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name.startswith("admin:") or match.view_name.startswith("api:"):
            return None  # admin: staff only; API: token users are known only inside DRF (HasRole checks)
        if is_third_party(request.user) and not third_party_may(match.view_name):
            raise PermissionDenied(_("Your role does not allow this page."))
        return None
