"""Settings for recordsreq, read from the environment (see README, "Configuration").

Defaults run the whole app on one machine with nothing else installed: SQLite under
``var/``, an embedded Celery broker on a SQLite file, files on local disk and email
written to ``var/mail``. Production swaps in PostgreSQL, Redis and S3-compatible storage
through environment variables only.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from recordsreq.env import Env
from recordsreq.schedule import BEAT_SCHEDULE

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", str(BASE_DIR / "var"))).resolve()
# The embedded defaults (SQLite database and broker, files, mail) all live here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", False)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", None)
    if key is None:
        if not DEBUG:
            raise ImproperlyConfigured(
                "SECRET_KEY must be set when DEBUG is off "
                '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))").'
            )
        return _development_secret_key()
    if not DEBUG and (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")):
        raise ImproperlyConfigured("SECRET_KEY is too weak: use at least 50 random characters.")
    return key


def _development_secret_key() -> str:
    # Kept in var/ so that sessions survive a restart of the development server.
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs' scripts, served from here, never a CDN
    "csp",
    "axes",
    "requests_app.teams",
    "requests_app.outbox",
    "requests_app.laws",
    "requests_app.jobs",
    "requests_app.agencies",
    "requests_app.records",
    "requests_app.letters",
    "requests_app.campaigns",
    "requests_app.deadlines",
    "requests_app.correspondence",
    "requests_app.documents",
    "requests_app.auditlogs",
    "requests_app.workflow",
    "requests_app.ops",
    "requests_app.demo",
    "requests_app.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "requests_app.teams.middleware.CurrentOrganizationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login
]

ROOT_URLCONF = "recordsreq.urls"
WSGI_APPLICATION = "recordsreq.wsgi.application"
ASGI_APPLICATION = "recordsreq.asgi.application"

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
                "requests_app.teams.context_processors.organization",
            ],
        },
    },
]

# Database ---------------------------------------------------------------------------

DATABASE_URL = env.url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'recordsreq.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env.int("CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker writes; IMMEDIATE takes the write
    # lock up front so concurrent writers queue instead of failing with "locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# PostgreSQL's planner prices a random page read at four sequential ones by default, a model
# of spinning disks: it then scanned all of an organization's requests for the dashboard's
# counts rather than read their index, and hashed the whole agency directory to join a few
# hundred. For solid-state storage its manual suggests 1.1 (Server Configuration, Query
# Planning, Planner Cost Constants: random_page_cost). Set on each new connection
# (ops/apps.py); "server" keeps the server's own setting.
POSTGRES_RANDOM_PAGE_COST = (
    None if env.str("POSTGRES_RANDOM_PAGE_COST", "") == "server"
    else env.float("POSTGRES_RANDOM_PAGE_COST", 1.1, minimum=1.0)
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts ---------------------------------------------------------------------------

AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# REST API ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "requests_app.api.access.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the browsable API, logged in
    ],
    "DEFAULT_PERMISSION_CLASSES": ["requests_app.api.access.MemberAccess"],
    "DEFAULT_PAGINATION_CLASS": "requests_app.api.pagination.Pages",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "requests_app.api.files.FormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "requests_app.api.schema.ContractSchema",
    "DEFAULT_THROTTLE_CLASSES": ["requests_app.api.throttling.MemberRateThrottle"],
    # Counted in the default cache: shared by every web process when CACHE_URL names Redis.
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_THROTTLE_RATE", "1200/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "recordsreq API",
    "DESCRIPTION": "Public-records requests, campaigns, deadlines and audit-log summaries of one organization. "
                   "Authenticate with a token made on the API tokens page: `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"RequestStatusEnum": "requests_app.records.models.Status"},
}

# Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# Files ------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()

# Uploads: the limit applies to each file (and, times five, to what a ZIP expands to).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", 200, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads go to a temporary file

STORAGE_BACKEND = env.choice("STORAGE_BACKEND", "local", ("local", "s3"))
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", None),
            "region_name": env.str("S3_REGION", None),
            "access_key": env.str("S3_ACCESS_KEY_ID"),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
# Off DEBUG, collectstatic names every file by its hash and precompresses it (gzip and Brotli)
# for WhiteNoise to serve. STATIC_COMPRESSION=0 skips compressing, which is nine tenths of
# collectstatic's time: for bench/pages.py, which measures pages, not static files.
if DEBUG:
    _static_storage = "django.contrib.staticfiles.storage.StaticFilesStorage"
elif env.bool("STATIC_COMPRESSION", True):
    _static_storage = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    _static_storage = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
STORAGES = {"default": _default_storage, "staticfiles": {"BACKEND": _static_storage}}

# Email ------------------------------------------------------------------------------

_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS[env.choice("EMAIL_BACKEND", "file", tuple(_EMAIL_BACKENDS))]
EMAIL_FILE_PATH = VAR_DIR / "mail"
if EMAIL_BACKEND == _EMAIL_BACKENDS["smtp"]:
    EMAIL_HOST = env.str("EMAIL_HOST")
EMAIL_PORT = env.int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on; pick one.")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "recordsreq <recordsreq@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Records mailbox (optional): replies are fetched by IMAP and filed on their requests.
IMAP_HOST = env.str("IMAP_HOST", "")
IMAP_PORT = env.int("IMAP_PORT", 993, minimum=1)
IMAP_USER = env.str("IMAP_USER", "")
IMAP_PASSWORD = env.str("IMAP_PASSWORD", "")
IMAP_FOLDER = env.str("IMAP_FOLDER", "INBOX")
IMAP_SSL = env.bool("IMAP_SSL", True)
if IMAP_HOST and not (IMAP_USER and IMAP_PASSWORD):
    raise ImproperlyConfigured("IMAP_HOST is set: IMAP_USER and IMAP_PASSWORD must be set too.")

# Reminders ----------------------------------------------------------------------------

SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
REMINDER_DUE_SOON_LEAD = env.int("REMINDER_DUE_SOON_LEAD", 3, minimum=1)  # business days
REMINDER_APPEAL_LEAD = env.int("REMINDER_APPEAL_LEAD", 5, minimum=1)  # business days

# Security ---------------------------------------------------------------------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"

# Browser policy: every script, style, font and image comes from the app itself (no inline
# script or style, no CDN); the API docs' assets are served by the app (drf-spectacular's
# sidecar, with the docs' own start-up script as a file).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the icons the API docs draw from their stylesheet
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login attempts (django-axes, counted in the database, so every web process sees them): after
# LOGIN_FAILURE_LIMIT failures for one account, or from one address, logging in is refused for
# LOGIN_LOCKOUT_MINUTES; an owner can unlock a member from the members page, an operator with
# `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Cache: per process by default; CACHE_URL=redis://... shares it between web processes
# (API throttling counts there). Its outage never breaks a page: the only user, API
# throttling, lets calls through while the cache cannot be reached.
CACHE_URL = env.str("CACHE_URL", "") or ""
if CACHE_URL:
    env.url("CACHE_URL", CACHE_URL, schemes=("redis", "rediss"))
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery (the app is recordsreq/celery.py; the periodic schedule recordsreq/schedule.py) --

CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL",
    f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}",
    schemes=("sqla+sqlite", "sqla+postgresql", "redis", "rediss", "memory"),
)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # An unacknowledged task is handed to another worker after the visibility timeout,
    # so it must outlast the longest task (see the time limits below).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 5,
        "socket_timeout": 10,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # outcomes are recorded in the database, not a result store
# A worker that dies mid-task leaves its message unacknowledged, so the task runs again
# elsewhere: every task is written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_TIME_LIMIT must be greater than CELERY_TASK_SOFT_TIME_LIMIT, "
        "so that a task can clean up after the soft limit."
    )
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))},
    # WeasyPrint reports every rendering step at INFO, and fontTools, which subsets the
    # letter fonts where HarfBuzz cannot, every table and glyph of every font.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
