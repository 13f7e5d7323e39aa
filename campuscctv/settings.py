"""Settings, all from the environment (django-environ). Every variable is listed in
docs/configuration.md; this file is its one home.

Embedded default (one machine): SQLite in the data folder + a local Redis.
Production: DATABASE_URL=postgres://…, REDIS_URL=redis://…, DEBUG off.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# The embedded default keeps its generated secrets in .env (scripts/install.sh writes it, git
# ignores it); the environment wins over the file.
ENV_FILE = Path(os.environ.get("CAMPUSCCTV_ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env("CAMPUSCCTV_DATA_DIR", default=str(BASE_DIR / "data")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _required(name: str, debug_default: str) -> str:
    """A production setting: with DEBUG off its absence stops start-up, naming it."""
    value = env(name, default=None)
    if value:
        return value
    if DEBUG:
        return debug_default
    # One line naming the variable, no traceback: the operator sees exactly what to set.
    raise SystemExit(f"campuscctv: missing required setting {name} (set it in the environment).")


SECRET_KEY = _required("SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)
# Fernet key (urlsafe base64, 32 bytes) for secrets at rest, e.g. camera passwords (M-1.1a).
# Several keys may be given comma-separated: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEY = _required(
    "FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMDA="
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise SystemExit(
        "campuscctv: missing required setting ALLOWED_HOSTS (set it in the environment)."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "apps.core.admin_config.CampusAdminConfig",
    # Before django.contrib.auth: its changepassword command (audited, M-1.1a) replaces auth's.
    "apps.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_celery_beat",
    "apps.core",
    "apps.audit",
    "apps.cameras",
    "apps.patrol",
    "apps.maintenance",
    "apps.exports",
    "apps.duty",
    "apps.requests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campuscctv.urls"
WSGI_APPLICATION = "campuscctv.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.navigation",
                "apps.core.context_processors.notifications",
            ],
        },
    },
]

# --- Database: SQLite (WAL) in the data folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'campuscctv.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web, worker and beat read while one writes; IMMEDIATE takes the write
        # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="campuscctv"),
    }
}

# --- People, login, two-factor, lockout
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before checking
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Idle sessions expire: the cookie's age restarts at every request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
# Lock the account, not the address: the monitoring center's consoles share one IP, and one
# operator's typos must not lock the whole shift out.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Roles whose members must pass TOTP before using the system (accounts.Role values).
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES",
    default=["security_chief", "leader_in_charge", "principal_leader", "footage_custodian"],
)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="campuscctv")

GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous means no access

# --- Languages and time
LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files: Bootstrap and htmx come from npm at install time (node_modules), never a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(DATA_DIR / "static")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call gets 401 with WWW-Authenticate: Token.
        "apps.accounts.authentication.TwoFactorAwareTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Default-deny: every endpoint names who may use it.
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.api.permissions.DenyAll"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    # django-filter's backend with integer filters bounded to the database's range (a 400,
    # not a 500, for ?run=99999999999999999999999).
    "DEFAULT_FILTER_BACKENDS": ["apps.core.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "campuscctv API",
    "DESCRIPTION": "Campus CCTV monitoring center: cameras, patrol, audit (clause IDs M-x.y).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["apps.core.api.permissions.IsAuthenticatedUser"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("state") get a name of their own, not a hash.
    "ENUM_NAME_OVERRIDES": {
        "FootageRequestStateEnum": "apps.requests.models.FootageRequest.State",
        "RequestAttachmentKindEnum": "apps.requests.models.RequestAttachment.Kind",
        "FaultTicketStateEnum": "apps.maintenance.models.FaultTicket.State",
        "TicketPauseReasonEnum": "apps.maintenance.models.TicketPause.Reason",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.declare_error_responses",  # 400/401/403/404 where they occur
    ],
}

# --- Background work
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3600)
# Longer than the longest task: a task not acked by then is redelivered to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Security behind a TLS-terminating proxy (check --deploy is clean with DEBUG off)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "zeep": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        # PDF rendering: its step-by-step progress and font subsetting are noise at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # What they find is verify_pdf_signature's answer; their tracebacks are not faults.
        "pyhanko.sign.diff_analysis": {"level": "CRITICAL"},
        "pyhanko.sign.validation": {"level": "CRITICAL"},
    },
}

# Head of the audit chain, witnessed outside the database (apps.audit.witness).
AUDIT_WITNESS_PATH = env("AUDIT_WITNESS_PATH", default=str(DATA_DIR / "audit-witness.json"))
# HMAC-SHA256 key that signs the witness; the database never holds it, so rewriting the chain
# and the witness needs it too. Comma-separated: the first signs, all verify (rotation).
AUDIT_WITNESS_KEY = _required("AUDIT_WITNESS_KEY", "dev-only-insecure-audit-witness-key-" + "x" * 8)
if any(len(key) < 32 for key in AUDIT_WITNESS_KEY.split(",")):
    raise SystemExit("campuscctv: setting AUDIT_WITNESS_KEY: each key needs 32 or more characters.")

# --- PDFs (apps/core/pdf.py, docs/pdf.md)
PDF_AUTHOR = env("PDF_AUTHOR", default="campuscctv")  # the Author field of every PDF made
# The site's document-signing key and certificate (PEM); manage.py pdf_signing_key makes a
# self-signed pair (scripts/install.sh, the compose migrate job). Back the key up.
PDF_SIGNING_KEY = env("PDF_SIGNING_KEY", default=str(DATA_DIR / "pdf-signing" / "key.pem"))
PDF_SIGNING_CERT = env("PDF_SIGNING_CERT", default=str(DATA_DIR / "pdf-signing" / "cert.pem"))

# A vendor engineer's work order covers scene changes of that camera for this many hours (M-4.1a).
CAMERA_WORK_ORDER_HOURS = env.int("CAMERA_WORK_ORDER_HOURS", default=72)
# Networks (CIDR) onboarding and the probe may connect to; any other host is refused, so a
# vendor cannot scan the campus or this server. Production: none until the camera VLANs are
# listed (loopback would expose this server's own Redis and database); DEBUG: loopback (demo).
CAMERA_NETWORKS = env.list("CAMERA_NETWORKS", default=["127.0.0.0/8", "::1/128"] if DEBUG else [])
try:
    from apps.cameras.networks import parse_networks

    parse_networks(CAMERA_NETWORKS)
except ValueError as exc:
    raise SystemExit(f"campuscctv: setting CAMERA_NETWORKS: {exc}") from None

# --- Notifications (issue 16; apps/core/notifications.py, docs/configuration.md)
# Channels besides the in-app bell: "email" (Django's mail settings below), "webhook" (a
# WeCom/DingTalk-style group robot at NOTIFICATION_WEBHOOK_URL).
NOTIFICATION_CHANNELS = env.list("NOTIFICATION_CHANNELS", default=["inapp"])
try:
    from apps.core.channels import channel_get

    for _channel in NOTIFICATION_CHANNELS:
        channel_get(_channel)
except ValueError as exc:
    raise SystemExit(f"campuscctv: setting NOTIFICATION_CHANNELS: {exc}") from None
NOTIFICATION_WEBHOOK_URL = env("NOTIFICATION_WEBHOOK_URL", default="")
# DingTalk robots with "加签" security: their secret (SEC…); WeCom robots have none.
NOTIFICATION_WEBHOOK_SECRET = env("NOTIFICATION_WEBHOOK_SECRET", default="")
NOTIFICATION_WEBHOOK_TIMEOUT = env.float("NOTIFICATION_WEBHOOK_TIMEOUT", default=5.0)
NOTIFICATION_MAX_TRIES = env.int("NOTIFICATION_MAX_TRIES", default=6)
NOTIFICATION_RETRY_BACKOFF_SECONDS = env.float("NOTIFICATION_RETRY_BACKOFF_SECONDS", default=30.0)
# The site's address in front of a deep link in an e-mail or robot message.
NOTIFICATION_SITE_URL = env("NOTIFICATION_SITE_URL", default="")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # a hanging mail server ends the try
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="campuscctv@localhost")

# --- Background exports of the registers (issue 15; apps/exports, docs/exports.md)
# A register's CSV of more rows than this runs as a Celery job instead of in the web thread.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=100)
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=24)  # then the file is deleted
EXPORT_PROGRESS_EVERY = env.int("EXPORT_PROGRESS_EVERY", default=500)  # rows between updates
EXPORT_STALE_MINUTES = env.int("EXPORT_STALE_MINUTES", default=15)  # no progress: worker lost
# Outside MEDIA_ROOT and every web root: served only by the owner's download view.
EXPORT_ROOT = Path(env("EXPORT_ROOT", default=str(DATA_DIR / "private" / "exports")))

# --- Daily patrol (M-2.1)
PATROL_DAILY_AT = env("PATROL_DAILY_AT", default="06:00")  # local time of the scheduled run
PATROL_CONCURRENCY = env.int("PATROL_CONCURRENCY", default=64)  # probes in flight per process
PATROL_CHUNK_SIZE = env.int("PATROL_CHUNK_SIZE", default=250)  # cameras per Celery task
PATROL_RETRIES = env.int("PATROL_RETRIES", default=1)  # extra tries of a connection failure
PATROL_RETRY_BACKOFF_SECONDS = env.float("PATROL_RETRY_BACKOFF_SECONDS", default=2.0)

# --- Duty roster (M-1.2)
DUTY_MIN_OPERATORS = env.int("DUTY_MIN_OPERATORS", default=2)  # on duty every hour, at least
DUTY_CHECK_IN_EARLY_MINUTES = env.int("DUTY_CHECK_IN_EARLY_MINUTES", default=30)  # before start
DUTY_LATE_AFTER_MINUTES = env.int("DUTY_LATE_AFTER_MINUTES", default=5)  # after start: late
# A shift may still be handed over this long after its end:
DUTY_HANDOVER_AFTER_END_MINUTES = env.int("DUTY_HANDOVER_AFTER_END_MINUTES", default=120)
# An abnormal-event report nobody acknowledged goes to the security chief after (M-1.4):
DUTY_ABNORMAL_ESCALATE_MINUTES = env.int("DUTY_ABNORMAL_ESCALATE_MINUTES", default=15)

# --- Footage-access requests (M-3)
# Attachments (evidence notices, IDs) live here: outside MEDIA_ROOT and every web root, served
# only by the request's scoped view.
REQUEST_ATTACHMENTS_ROOT = Path(
    env("REQUEST_ATTACHMENTS_ROOT", default=str(DATA_DIR / "private" / "request-attachments"))
)
REQUEST_ATTACHMENT_MAX_BYTES = env.int("REQUEST_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
REQUEST_ATTACHMENTS_MAX = env.int("REQUEST_ATTACHMENTS_MAX", default=10)  # files per request
# The retention floor (M-4.1b): footage older than this may already be overwritten, so a
# request for it is warned (not refused).
FOOTAGE_RETENTION_DAYS = env.int("FOOTAGE_RETENTION_DAYS", default=30)
# An approval is good for a retrieval this many days after its last step (M-3.1, M-3.3);
# after that the request has expired and must be filed again.
FOOTAGE_APPROVAL_VALID_DAYS = env.int("FOOTAGE_APPROVAL_VALID_DAYS", default=30)
# A copy's download link (M-3.4): hours it stays valid, then its kept file is deleted.
FOOTAGE_DOWNLOAD_LINK_HOURS = env.int("FOOTAGE_DOWNLOAD_LINK_HOURS", default=72)
