"""Django settings for Zhaoshang, read from the environment (see .env.example)."""

import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZHAOSHANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or env_bool("ZHAOSHANG_TESTING")
DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET if (DEBUG or TESTING) else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see .env.example).")
# The audit log's hash chain is keyed with this (core.auditchain). Set it once and keep it with
# the backups' secrets: a new key makes every older entry fail `verify_audit_chain`.
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY") or SECRET_KEY

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    "zhaoshang.core",
    "zhaoshang.accounts",
    "zhaoshang.geo",
    "zhaoshang.notices",
    "zhaoshang.industries",
    "zhaoshang.enterprises",
    "zhaoshang.activities",
    "zhaoshang.projects",
    "zhaoshang.goals",
    "zhaoshang.targeting",
    "zhaoshang.service",
    "zhaoshang.demo",
    "zhaoshang.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhaoshang.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhaoshang.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "zhaoshang.core.middleware.NulByteMiddleware",
    "zhaoshang.core.exports.DownloadTokenMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhaoshang.core.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhaoshang.core.middleware.RequestContextMiddleware",
    "zhaoshang.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "zhaoshang.core.pagecache.PageCacheMiddleware",
]

# The per-user page cache (core/pagecache.py): the main pages, kept while no audit entry is added.
PAGE_CACHE = env_bool("PAGE_CACHE", default=not TESTING)
PAGE_CACHE_VIEWS = {
    "portal:home",
    "projects:list",
    "goals:cockpit",
    "goals:ranking",
    "industries:map",
    "enterprises:list",
}

# What else a cached page varies by: the notification badge's count (not versioned by the audit log).
PAGE_CACHE_KEY_PARTS = ["zhaoshang.notices.selectors.page_cache_part"]

ROOT_URLCONF = "zhaoshang.urls"
WSGI_APPLICATION = "zhaoshang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhaoshang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhaoshang.portal.context_processors.navigation",
                "zhaoshang.notices.context_processors.unread",
                # The 待接收 badge; its count changes only with audited writes (and the date),
                # which the page cache's key already holds.
                "zhaoshang.targeting.context_processors.pending_pushes",
                "zhaoshang.core.csp.nonce",
            ],
        },
    },
]

# SQLite (WAL) by default; PostgreSQL through DATABASE_URL.
_sqlite_path = VAR_DIR / "zhaoshang.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_sqlite_path}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept (per worker thread) like PostgreSQL's: opening one per request
    # re-runs the PRAGMAs above and re-reads the schema.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", 600))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "zhaoshang.accounts.backends.LockoutBackend",
    "zhaoshang.accounts.backends.RoleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
# However active, a session ends this long after its login (core.middleware.SessionLifetimeMiddleware).
SESSION_ABSOLUTE_AGE = int(os.environ.get("SESSION_ABSOLUTE_AGE", 12 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The expiry slides with activity through core.middleware.SessionRefreshMiddleware (a write per
# user every five minutes, not one per request).
SESSION_SAVE_EVERY_REQUEST = False

# The client's address (core.client_address, used by the lockout and the audit log):
# X-Forwarded-For is believed only from these proxies, addresses or networks, comma-separated.
# None by default; behind the documented nginx on the same host: TRUSTED_PROXIES=127.0.0.1,::1.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(p.strip(), strict=False))
    for p in os.environ.get("TRUSTED_PROXIES", "").split(",")
    if p.strip()
]

# Login lockout (accounts.lockout): AXES_FAILURE_LIMIT failures lock one username from one
# client address; AXES_IP_FAILURE_LIMIT failures in all lock the address; for
# AXES_COOLOFF_MINUTES after the last failure counted.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", 50))
AXES_COOLOFF_TIME = int(os.environ.get("AXES_COOLOFF_MINUTES", 30)) / 60  # hours (a float)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "zhaoshang.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "zhaoshang.accounts.lockout.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
# Attempts during a lock are refused without extending it: the time the user is told holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLED = not TESTING or env_bool("AXES_ENABLED")
# The lockout is reported in Chinese, on the login page (JSON for the API).
AXES_LOCKOUT_CALLABLE = "zhaoshang.accounts.views.lockout_response"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "zhaoshang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "zhaoshang" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))

# Enterprise import (enterprises/importing). Up to AUDIT_EACH_MAX rows, every enterprise gets its
# own audit entry; from BACKGROUND_ROWS the file runs as a background job; on PostgreSQL a CSV of
# SERVER_MIN_ROWS rows or more is parsed and checked by the server (importing/postgres.py); a file
# of REBUILD_MIN_ROWS rows or more that creates or rewrites at least as many enterprises as the
# library holds is loaded with the library's indexes built after the load (readers wait for it).
ENTERPRISE_IMPORT_AUDIT_EACH_MAX = int(os.environ.get("ENTERPRISE_IMPORT_AUDIT_EACH_MAX", 1000))
ENTERPRISE_IMPORT_BACKGROUND_ROWS = int(os.environ.get("ENTERPRISE_IMPORT_BACKGROUND_ROWS", 2000))
ENTERPRISE_IMPORT_SERVER_MIN_ROWS = int(os.environ.get("ENTERPRISE_IMPORT_SERVER_MIN_ROWS", 5000))
ENTERPRISE_IMPORT_REBUILD_MIN_ROWS = int(
    os.environ.get("ENTERPRISE_IMPORT_REBUILD_MIN_ROWS", 50_000)
)
# Every uploaded .xlsx (core.xlsx), before it is loaded: its unzipped size, compression ratio and
# rows per sheet are bounded (a decompression bomb is refused, not unpacked).
XLSX_MAX_UNZIPPED_MB = int(os.environ.get("XLSX_MAX_UNZIPPED_MB", 256))
XLSX_MAX_RATIO = int(os.environ.get("XLSX_MAX_RATIO", 200))
XLSX_MAX_ROWS = int(os.environ.get("XLSX_MAX_ROWS", 1_048_576))

# API tokens (POST /api/auth/token/) expire this many hours after they are issued; an expired
# token is refused (401) and deleted, and the client asks for a new one. 7 days by default: a
# leaked token stops working within a week, and a nightly sync job re-authenticates once a week.
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", 7 * 24))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhaoshang.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zhaoshang.core.api_policy.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "zhaoshang.core.filtersets.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Bad input is a Chinese 400/404 before a view runs: bounded JSON, Chinese 404s.
    "DEFAULT_PARSER_CLASSES": [
        "zhaoshang.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "zhaoshang.core.parsers.NulFreeMultiPartParser",
    ],
    "EXCEPTION_HANDLER": "zhaoshang.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "zhaoshang.core.api_policy.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "zhaoshang.core.schema.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "招商 Zhaoshang API",
    "DESCRIPTION": "产业链精准招商云平台 API. Authenticate with POST /api/auth/token/.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Anonymous callers get 401: the schema lists every endpoint and parameter.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set, whatever the field is called (to, from_stage, kind …).
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "zhaoshang.projects.models.Stage",
        "EvidenceKindEnum": "zhaoshang.projects.models.EvidenceKind",
        "AttractionModeEnum": "zhaoshang.projects.models.AttractionMode",
        "FundsSourceEnum": "zhaoshang.projects.models.FundsSource",
        "FundsStatusEnum": "zhaoshang.projects.models.FundsStatus",
        "UnitKindEnum": "zhaoshang.accounts.models.UnitKind",
        "TrackEnum": "zhaoshang.accounts.models.Track",
        "PlacementStatusEnum": "zhaoshang.enterprises.models.PlacementStatus",
        "PlacementDecisionEnum": "zhaoshang.enterprises.serializers.PLACEMENT_DECISIONS",
        "TargetStatusEnum": "zhaoshang.enterprises.models.TargetStatus",
        "ImportStatusEnum": "zhaoshang.enterprises.models.ImportStatus",
        "MeetingStatusEnum": "zhaoshang.service.models.MeetingStatus",
        "ReviewOutcomeEnum": "zhaoshang.service.models.ReviewOutcome",
        "ReviewVerdictEnum": "zhaoshang.service.models.Verdict",
        "TaskStatusEnum": "zhaoshang.service.models.TaskStatus",
        "VisitOutcomeEnum": "zhaoshang.activities.models.VisitOutcome",
        "LeaderLevelEnum": "zhaoshang.activities.models.LeaderLevel",
        "EventKindEnum": "zhaoshang.activities.models.EventKind",
    },
}

# Background jobs: embedded SQLite storage by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "zhaoshang",
    "immediate": TESTING or env_bool("HUEY_IMMEDIATE"),
    "results": True,
    "utc": False,
    "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", 2)), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# Notifications (notices/): the in-app centre is always on; each outbound channel is off until
# configured here. Links in e-mails and group messages are made absolute with SITE_URL.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Group robots (企业微信 / 钉钉 群机器人): a webhook URL switches each on. 钉钉's 加签 secret, when
# the robot has one. NOTICE_WEBHOOK_KINDS (comma-separated kind codes) limits what the group
# sees; empty: every kind.
NOTICE_WECOM_WEBHOOK_URL = os.environ.get("NOTICE_WECOM_WEBHOOK_URL", "")
NOTICE_DINGTALK_WEBHOOK_URL = os.environ.get("NOTICE_DINGTALK_WEBHOOK_URL", "")
NOTICE_DINGTALK_SECRET = os.environ.get("NOTICE_DINGTALK_SECRET", "")
NOTICE_WEBHOOK_KINDS = [
    k.strip() for k in os.environ.get("NOTICE_WEBHOOK_KINDS", "").split(",") if k.strip()
]
NOTICE_HTTP_TIMEOUT = float(os.environ.get("NOTICE_HTTP_TIMEOUT", 10))
# E-mail (Django's SMTP backend, EMAIL_* below) to users with an address: each notice as it is
# sent, and/or one digest of the unread ones each morning at NOTICE_DIGEST_HOUR (local time).
NOTICE_EMAIL_INSTANT = env_bool("NOTICE_EMAIL_INSTANT")
NOTICE_EMAIL_DIGEST = env_bool("NOTICE_EMAIL_DIGEST")
NOTICE_DIGEST_HOUR = int(os.environ.get("NOTICE_DIGEST_HOUR", 8))
# A failed delivery is retried after NOTICE_DELIVERY_RETRY_SECONDS, doubling each time, until
# NOTICE_DELIVERY_ATTEMPTS attempts have failed (then it is recorded as failed).
NOTICE_DELIVERY_ATTEMPTS = int(os.environ.get("NOTICE_DELIVERY_ATTEMPTS", 5))
NOTICE_DELIVERY_RETRY_SECONDS = int(os.environ.get("NOTICE_DELIVERY_RETRY_SECONDS", 60))
# The reminder producers (notices/reminders.py) run each morning at REMINDER_HOUR (local time).
# Their thresholds default to what each declares; override as "code.name=value,...", e.g.
# REMINDER_THRESHOLDS="projects.milestone_due.days=5,projects.funds_pending.days=10". A threshold the
# city keeps as data wins over this (projects.stale.days is the 服务专员 queue's 无进展 rule).
REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", 7))
REMINDER_THRESHOLDS = {
    name.strip(): int(value)
    for name, _, value in (
        item.partition("=") for item in os.environ.get("REMINDER_THRESHOLDS", "").split(",")
    )
    if name.strip() and value.strip()
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 15))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zhaoshang@localhost")

# /healthz (core/health.py) fails below this much free disk where the database and evidence live.
HEALTH_MIN_FREE_MB = int(os.environ.get("HEALTH_MIN_FREE_MB", 1024))
# … and reports the worker as stale when its heartbeat (every minute) is older than this.
HEALTH_WORKER_STALE_SECONDS = int(os.environ.get("HEALTH_WORKER_STALE_SECONDS", 300))

# Production hardening: `manage.py check --deploy` reports nothing with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The health check answers plain http on the server itself (systemd, monitoring).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "zhaoshang-demo")
