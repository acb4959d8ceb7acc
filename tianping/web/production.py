"""Production settings: tianping.web.settings plus HTTPS behind a reverse proxy.

    DJANGO_SETTINGS_MODULE=tianping.web.production

Everything of tianping.web.settings applies (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS,
TIANPING_VAR, REDIS_URL …); in addition, read from the environment:

    TIANPING_HTTPS        "1" (default): the proxy terminates TLS and sets X-Forwarded-Proto;
                          cookies are Secure, HTTP is redirected, HSTS is sent
    TIANPING_HSTS_SECONDS default 31536000 (one year); 0 to switch HSTS off while trying
    CSRF_TRUSTED_ORIGINS  comma separated, e.g. https://tianping.example.gov.cn

`tianping check` verifies a configuration made with these settings.
"""

from __future__ import annotations

import os

from .settings import *  # noqa: F401,F403
from .settings import _env_bool

DEBUG = _env_bool("DEBUG")
TIANPING_REQUIRE_OTP = _env_bool("TIANPING_REQUIRE_OTP", True)  # TOTP for office, statistics, admins
HTTPS = _env_bool("TIANPING_HTTPS", True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("TIANPING_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False               # a government intranet host is not for browser preload lists
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # ...so Django's hint to preload is answered here
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("TIANPING_SESSION_SECONDS", str(8 * 3600)))  # a working day
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Static files: `tianping manage collectstatic` once per release; whitenoise serves them compressed.
WHITENOISE_USE_FINDERS = _env_bool("TIANPING_STATIC_FINDERS", False)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
                "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
