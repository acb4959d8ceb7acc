"""Settings for the Tianping web project, read from the environment.

DATABASE_URL  default sqlite:///<repo>/var/tianping.sqlite3 (postgres://... for PostgreSQL)
SECRET_KEY    default: generated once and kept in var/secret_key
DEBUG         "1"/"true" to enable; off by default
ALLOWED_HOSTS comma separated; default 127.0.0.1,localhost
TIANPING_VAR  folder for the SQLite file, the secret key and uploads; default <repo>/var
CSRF_TRUSTED_ORIGINS  comma separated, e.g. https://tianping.example.gov.cn (behind a proxy)
HTTPS         "1" behind HTTPS: secure cookies and the proxy's X-Forwarded-Proto trusted

To add an app: append it to INSTALLED_APPS below and include its urls in tianping/web/urls.py.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

WEB_DIR = Path(__file__).resolve().parent
REPO_DIR = WEB_DIR.parents[1]
VAR_DIR = Path(os.environ.get("TIANPING_VAR", REPO_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True, mode=0o750)  # reports, attachments, uploads: not for other users
# Where the nightly backups go (deploy/systemd/tianping-backup.service); `tianping check` refuses it world-readable.
TIANPING_BACKUP_DIR = os.environ.get("TIANPING_BACKUP_DIR", "")


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "tianping.web.orgs",
    "tianping.web.catalogue",
    "tianping.web.plans",
    "tianping.web.observations",
    "rest_framework",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "tianping.web.collection",
    "tianping.web.monitoring",
    "huey.contrib.djhuey",
    "tianping.web.publishing",
    "tianping.web.accountability",
    "tianping.web.analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tianping.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tianping.web.orgs.otp.RequireSecondFactorMiddleware",
    "tianping.web.middleware.ThirdPartyScopeMiddleware",
    "tianping.web.audit.AuditUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # keep last
]

ROOT_URLCONF = "tianping.web.urls"
WSGI_APPLICATION = "tianping.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tianping.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take the lock when their transaction begins (no deadlock on lock upgrade,
    # so two concurrent saves queue instead of failing) and readers don't block writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("TIANPING_TEST_DB"):
    # A test database name of its own, so two test runs on one server don't collide.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TIANPING_TEST_DB"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tianping.web.orgs.passwords.ComplexityValidator"},   # 等保 2.0: length and character classes
    {"NAME": "tianping.web.orgs.passwords.HistoryValidator"},      # and no reuse of the last five
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # an account from one address (the real one:)
AXES_CLIENT_IP_CALLABLE = "tianping.web.clientip.client_ip"
# Our reverse proxies (nginx): only from these is X-Forwarded-For believed (tianping.web.clientip).
TIANPING_TRUSTED_PROXIES = [p for p in os.environ.get("TIANPING_TRUSTED_PROXIES", "").split(",") if p.strip()]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders: no collectstatic step
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [WEB_DIR / "static"]

# Uploads: plan documents and Excel workbooks are read from memory or a temp file, never kept.
UPLOAD_MAX_BYTES = int(os.environ.get("TIANPING_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Trial (unconfirmed) Excel uploads: per-user total, and how long they wait (collection.uploads).
TIANPING_UPLOAD_QUOTA_BYTES = int(os.environ.get("TIANPING_UPLOAD_QUOTA_BYTES", str(2 * UPLOAD_MAX_BYTES)))
TIANPING_UPLOAD_PENDING_HOURS = float(os.environ.get("TIANPING_UPLOAD_PENDING_HOURS", "2"))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
if _env_bool("HTTPS"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Background jobs (report generation), run by `tianping worker`: a SQLite queue file in var/,
# or Redis when REDIS_URL is set. TIANPING_HUEY_IMMEDIATE=1 runs jobs inside the web process.
HUEY = {
    "name": "tianping",
    "huey_class": "huey.RedisHuey" if os.environ.get("REDIS_URL") else "huey.SqliteHuey",
    **({"url": os.environ["REDIS_URL"]} if os.environ.get("REDIS_URL")
       else {"filename": os.environ.get("TIANPING_HUEY_FILE", str(VAR_DIR / "huey.sqlite3"))}),
    "immediate": _env_bool("TIANPING_HUEY_IMMEDIATE"),
    "consumer": {"workers": 1, "worker_type": "thread", "initial_delay": 0.1, "max_delay": 2.0},
}

# Where `tianping demo` finds the seed plans when --seeds is not given.
TIANPING_SEEDS = os.environ.get("TIANPING_SEEDS", "")
# Separation of duties: a one-person office may let the same person fill and accept, or write and
# approve; every such action is then recorded as such (tianping.web.orgs.duties).
TIANPING_ONE_PERSON_OFFICE = _env_bool("TIANPING_ONE_PERSON_OFFICE")
# API tokens (tianping.web.orgs.tokens): stored hashed, valid this many hours, void after a password
# change or logout.
TIANPING_API_TOKEN_HOURS = int(os.environ.get("TIANPING_API_TOKEN_HOURS", "12"))
# Second factor (TOTP) for office, statistics bureau and administrators (tianping.web.orgs.otp):
# on in tianping.web.production, off here so the demo logs in with a password alone.
TIANPING_REQUIRE_OTP = _env_bool("TIANPING_REQUIRE_OTP")
OTP_TOTP_ISSUER = "天平 Tianping"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING"}},
}
