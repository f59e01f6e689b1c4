"""Settings for the Tongliao technology-enterprise cultivation portal.

One module for every environment, driven by environment variables (django-environ);
a ``.env`` file in the project root is read when present. See README.md for the list.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # Development only: a production process refuses to start without SECRET_KEY.
    SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

# HTTPS: in production TLS terminates at the proxy (deploy/nginx.conf), which sets
# X-Forwarded-Proto. PORTAL_HTTPS defaults to on outside DEBUG; the test suite and a
# plain-HTTP trial turn it off explicitly.
PORTAL_HTTPS = env.bool("PORTAL_HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=True) else None
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SECURE = PORTAL_HTTPS
CSRF_COOKIE_SECURE = PORTAL_HTTPS
SECURE_SSL_REDIRECT = PORTAL_HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PORTAL_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PORTAL_HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's and monitors' health checks use plain HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
# Content-Security-Policy (tongliao_portal/middleware.py): no inline script anywhere; chart
# data travels in json_script blocks, which are data, not code. Inline *styles* stay allowed:
# Django admin's widgets and ECharts' tooltips set style attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Silenced deploy checks, each with its reason:
SILENCED_SYSTEM_CHECKS = [
    # HSTS preloading submits the host name to the browsers' public preload list; the portal
    # runs on a bureau intranet host name that cannot (and must not) be on that list.
    "security.W021",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "auditlog",
    "axes",
    "units",
    "accounts",
    "enterprises",
    "targets",
    "imports",
    "reports",
    "screen",
    "demo",
    # The project package itself, for its operational commands (backup, restore).
    "tongliao_portal",
]

MIDDLEWARE = [
    # First, so every log record and error page of the request carries its id (issue 13).
    "tongliao_portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongliao_portal.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.AuditlogMiddleware",
    "accounts.middleware.ReadOnlyLeaderMiddleware",
    "accounts.middleware.PasswordPolicyMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongliao_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "tongliao_portal.wsgi.application"

# The embedded SQLite file is only for trying the portal out; production, CI and the
# test suite set DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Losing the database (issue 13): connections persist CONN_MAX_AGE seconds (60 in production)
# and are checked before their first use in each request, so one the database dropped while
# idle is replaced instead of failing; an error mid-request answers the Chinese 503 page
# (tongliao_portal.views.server_error) and the next request opens a new connection.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first so that a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0 身份鉴别 (issue 13): three of upper, lower, digits, symbols; not the current
    # password nor one of the PASSWORD_HISTORY_COUNT before it (accounts/validators.py).
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {
        "NAME": "accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"history": env.int("PASSWORD_HISTORY_COUNT", default=5)},
    },
]

# Optional password expiry (days; 0 turns it off) and the idle period after which
# `manage.py disable_inactive_users` disables an account (等保 2.0 身份鉴别).
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
ACCOUNT_INACTIVE_DAYS = env.int("ACCOUNT_INACTIVE_DAYS", default=90)
# How long security-log entries are kept (等保 2.0 asks for at least 180 days).
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=365)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire after 30 idle minutes (等保 2.0): the expiry is renewed on every request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# django-axes: lock a username *from one address* after 5 failures; a county office shares
# one address, so address alone would lock out colleagues.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address is the client's, not the proxy's (accounts/security.py), so a lockout is keyed
# on who is really trying, and one attacker cannot lock a username out for everyone.
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_address"
# Addresses whose X-Real-IP header is believed: the nginx in front of gunicorn.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Django 5.2's zh_Hans DATE_INPUT_FORMATS are broken (``%n``/``%j``); ours override them.
FORMAT_MODULE_PATH = ["tongliao_portal.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Audit trail: who changed what from which address (django-auditlog).
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "enterprises.Enterprise", "exclude_fields": ["name_key", "updated_at"]},
    {"model": "enterprises.HighTechCertification", "exclude_fields": ["updated_at"]},
    {"model": "enterprises.TechSMERegistration", "exclude_fields": ["updated_at"]},
    "units.County",
    "targets.Plan",
    "targets.AnnualTarget",
    "targets.Baseline",
    "targets.CountyQuota",
    # The assessment (issue 13). A publication's frozen snapshot stays out of the diff: it is
    # kept whole in the publication itself and never changes.
    "reports.AssessmentScheme",
    "reports.SchemeItem",
    {"model": "reports.AssessmentPublication", "exclude_fields": ["data"]},
)

# Computed figures are cached per process, keyed on the data version (reports/caching.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portal-figures",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=600)

# Uploaded Excel lists (issue 4): refuse anything larger before it is read.
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=20)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Hostile uploads (issue 13; docs/deploy.md, "上传文件的威胁模型"). Rows are counted by position
# (a row numbered 2,000,000,000 is refused at once), columns and cells as the sheet streams, so
# every file within the upload limit is read or refused in seconds and bounded memory.
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=64)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=500_000)
# CPU seconds the reader may spend on one file, whatever the machine (checked every 64 KB of XML).
IMPORT_MAX_READ_SECONDS = env.float("IMPORT_MAX_READ_SECONDS", default=4.0)
# Files waiting between preview and confirmation (imports/staging.py): per user, in all, and how long.
# Where they wait (a folder only the portal's user can read is made inside); default: the system's temp.
IMPORT_STAGING_DIR = env.str("IMPORT_STAGING_DIR", default="")
IMPORT_STAGED_PER_USER = env.int("IMPORT_STAGED_PER_USER", default=3)
IMPORT_STAGED_BYTES_PER_USER = env.int("IMPORT_STAGED_BYTES_PER_USER", default=60 * 1024 * 1024)
IMPORT_STAGED_TOTAL_MB = env.int("IMPORT_STAGED_TOTAL_MB", default=500)
IMPORT_STAGED_HOURS = env.float("IMPORT_STAGED_HOURS", default=1.0)

# Logs (issue 13). Every record carries the request's id, user id and path
# (tongliao_portal.middleware.RequestLogFilter; "-" outside a request). Everything from INFO
# goes to stderr (journald under systemd); errors — Django's 500s with their traceback — also
# go to LOG_DIR/portal-error.log when LOG_DIR is set (deploy/env.example: /var/log/tongliao-portal).
LOG_DIR = env.str("LOG_DIR", default="")
_log_handlers: dict[str, dict] = {
    "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request"]}
}
if LOG_DIR:
    _log_handlers["error_file"] = {
        "class": "logging.handlers.WatchedFileHandler",  # reopens the file after logrotate moves it
        "filename": str(Path(LOG_DIR) / "portal-error.log"),
        "level": "ERROR",
        "formatter": "plain",
        "filters": ["request"],
        "encoding": "utf-8",
        "delay": True,
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "tongliao_portal.middleware.RequestLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s request=%(request_id)s user=%(user_id)s "
            "path=%(path)s %(message)s"
        },
    },
    "handlers": _log_handlers,
    "root": {"handlers": list(_log_handlers), "level": "WARNING"},
    "loggers": {
        "django": {"handlers": list(_log_handlers), "level": "INFO", "propagate": False},
        "portal": {"handlers": list(_log_handlers), "level": "INFO", "propagate": False},
        "axes": {"handlers": list(_log_handlers), "level": "WARNING", "propagate": False},
    },
}
