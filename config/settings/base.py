"""Settings shared by every environment; the environment files override them."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str, env_time
from config.languages import site_languages

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "simple_history",
    "rehab",
    "exercises",
    "planner",
    "notifications",
    "workspace",
    "api",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that writes the body, so what they write is compressed too.
    "config.middleware.CompressedTextMiddleware",
    # The Content-Security-Policy (CONTENT_SECURITY_POLICY below), the Permissions-Policy and
    # no-store on what carries patient data (config/middleware.py).
    "web.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who changed a record, for the record of care (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The admin on the clinic's clock (its settings' time zone).
    "workspace.middleware.ClinicTimeZoneMiddleware",
    # Last: turns a sign-in refused for a locked account into the lockout page (or JSON).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker processes and beat write to one file: wait for a lock
    # instead of failing, take the write lock at BEGIN (no upgrade deadlocks), and let
    # readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
elif (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and env_str("DATABASE_PREPARE_THRESHOLD", "5").strip().lower() != "off"
):
    # Prepared statements: a query run more than DATABASE_PREPARE_THRESHOLD times on a
    # connection is parsed and planned once (psycopg's automatic preparation, which needs
    # the server to bind the parameters). Today's fingerprint took longer to plan than to
    # run (issue 15). Django leaves this off by default for transaction-mode poolers that
    # cannot keep prepared statements (PgBouncer before 1.21, or without
    # max_prepared_statements): behind one of those, set DATABASE_PREPARE_THRESHOLD=off.
    prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    if prepare_threshold < 0:
        raise ImproperlyConfiguredEnv(
            "Environment variable DATABASE_PREPARE_THRESHOLD must be 0 or more, or off; "
            f"got {prepare_threshold}."
        )
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": prepare_threshold,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The lockout's backend first (django-axes'; only requests are counted, rehab.auth): it
# refuses a locked account before a password is checked.
AUTHENTICATION_BACKENDS = [
    "rehab.auth.AccountLockoutBackend",
    "rehab.auth.UserWithRecordsBackend",
]
SESSION_ENGINE = "config.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English and Russian, and those a clinic adds with EXTRA_LANGUAGES (config.languages).
LANGUAGES = site_languages()
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The patient app's scripts, styles and icons are served by the web process itself
# (WhiteNoise). Here (development, tests) straight from the apps' folders, with no
# collectstatic step; production serves collected copies with hashed names instead
# (production.py), and the service worker's version follows either (web.assets).
WHITENOISE_USE_FINDERS = True
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Where they are compressed (production), source maps are not: only a developer's tools read
# them, and brotli on the API docs' maps (megabytes) took most of collectstatic's 19 s.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Sign-in protection. Client address: X-Forwarded-For is believed only as far as this many
# proxies in front of the site appended to it (config.client_ip); 0 ignores the header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# django-axes: after this many failed sign-ins for one account (whatever the address, on
# the patient app, the admin or the API's token endpoint) the account is refused for the
# cool-off; the attempts live in the database, so every process sees them (and the admin).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# A locked account's further attempts do not push the end of the lockout back: the
# message's "try again in 15 minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Failures are kept (the lockout counts them); successful sign-ins are not written down.
AXES_DISABLE_ACCESS_LOG = True
# The lockout is per account on purpose (the issue): an attacker rotating addresses or
# user agents still counts against the one account. axes warns that ip_address is not
# among the parameters; per-address limits are the throttles' job here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Password reset from the patient app: at most this many requests an hour from one
# address, and for one email address (web.views.PatientPasswordResetView).
PASSWORD_RESET_PER_HOUR = env_int("PASSWORD_RESET_PER_HOUR", 5)
# API tokens expire this many days after they were issued; a password change revokes them.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
# Demonstration data (seed_demo) publishes its passwords: never on production settings.
DEMO_DATA_ALLOWED = True

REST_FRAMEWORK = {
    # Token first: an anonymous request is then told 401 with `WWW-Authenticate: Token`.
    # Session for the web app, with CSRF enforced on writes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rehab.auth.TokenWithRecordsAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    # Django's ValidationError from the services becomes a 400 with field messages.
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Signing in for a token: at most this many attempts a minute from one address, counted
    # in the default cache (Redis outside the tests, so every process counts together).
    "DEFAULT_THROTTLE_RATES": {"auth-token": "20/min"},
    # Proxies trusted to append to X-Forwarded-For (config.client_ip; the throttles use it).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rehabilitation planner API",
    "DESCRIPTION": "Home exercise programs for patients with low back pain and sciatica. "
    "Patients read their day, program and calendar and log what they did; clinicians see "
    "their own patients, generate and approve programs, record clinic sessions and decide "
    "weekly reviews. Errors: 400 answers map each field to its messages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for each choice set, whatever the field it appears under.
    "ENUM_NAME_OVERRIDES": {
        "ProgramStatusEnum": "planner.models.ProgramStatus",
        "ProgramStatusFilterEnum": "api.views.clinician.PROGRAM_STATUS_CHOICES",
        "ClinicSessionStatusEnum": "planner.models.SupervisedStatus",
        "ReviewStatusEnum": "planner.models.ReviewStatus",
        "CalendarDayStatusEnum": "planner.selectors.CALENDAR_STATUSES",
        "DayStateEnum": "planner.selectors.DAY_STATES",
        "ExerciseStateEnum": "planner.models.ExerciseState",
        "FeelingEnum": "planner.models.Feeling",
        "WorklistKindEnum": "planner.models.WorklistKind",
        "QuestionnaireKindEnum": "rehab.models.QuestionnaireKind",
    },
    # Swagger UI from the installed sidecar package: the docs work without a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

# The default cache holds the throttles' counts (the token endpoint, password resets) and
# the rendered days of the patient app under their stamp (planner.selectors.
# patient_day_cached: a stale entry is never read). Counts must be shared by every web
# process, so production and `make run` use Redis (production.py, local.py); the tests
# keep this per-process cache unless a test starts its own Redis.
CACHES: dict[str, Any] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}


def redis_cache(url: str) -> dict[str, Any]:
    """Django's own Redis cache at `url`, its keys apart from Celery's (config.cache: one
    Redis client kept per connection pool, not one built per call)."""
    return {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "rehab-cache",
    }


CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120  # under REMINDER_SEND_DEADLINE (below)
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took and never acknowledged (it was killed) is handed out again
# after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# A due reminder handed to the workers but still unsent after this many seconds (a lost
# broker message, a worker killed) is handed out again by the next tick.
REMINDER_REQUEUE_AFTER = env_int("REMINDER_REQUEUE_AFTER", 300)
# A reminder claimed by a worker and still not marked sent after this many seconds is in
# doubt: the worker died during the send. Longer than a task may run (CELERY_TASK_TIME_LIMIT)
# so that a slow send is never taken for a dead one.
REMINDER_SEND_DEADLINE = env_int("REMINDER_SEND_DEADLINE", 600)
# Seconds a mail server may take to answer before the send is given up (and retried, or in
# doubt): a stuck server must not hold a worker until Celery's hard limit.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Due reminders go to the workers in batches of this many (one task each batch).
REMINDER_BATCH = env_int("REMINDER_BATCH", 50)
# The readiness check (/api/v1/health/) fails when no worker has run the heartbeat task, which
# beat queues every minute, for more than this many seconds.
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 180)

# Clinic policy for moving exercises from supervised sessions into the home
# program (CLINICAL.md, "Supervised-first progression"): "all" or "each".
HOME_UNLOCK = env_str("HOME_UNLOCK", "all")
if HOME_UNLOCK not in ("all", "each"):
    raise ImproperlyConfigured(f"HOME_UNLOCK must be 'all' or 'each', not {HOME_UNLOCK!r}.")
# Clinic policy: apply weekly review proposals without waiting for the clinician
# (never when the review paused progression for a red flag or pain of 6 or more).
REVIEW_AUTO_APPLY = env_bool("REVIEW_AUTO_APPLY", False)

# Web Push (VAPID): without keys the push channel is off and reminders go by email and in-app.
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:clinic@example.org")
# The only hosts the server sends Web Push to (notifications/push_endpoints.py): an endpoint
# elsewhere is refused at registration and never connected to. Chrome, Samsung Internet,
# Opera and Brave use Firebase Cloud Messaging; Firefox Mozilla's autopush; Safari Apple's;
# Edge on Windows the Windows Notification Service (numbered hosts). `*.` (or a leading dot)
# allows the domain and every name under it; a whole origin (`https://push.clinic.org:8443`)
# allows exactly that one.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    [
        "fcm.googleapis.com",
        "*.push.services.mozilla.com",
        "*.push.apple.com",
        "*.notify.windows.com",
    ],
)
# What pages may load and run: only this site's own scripts, styles, pictures and
# connections; no inline script, no plugin, never inside another site's frame. The API's
# interactive docs add what Swagger UI needs on that page only (api/urls.py).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Browser features no page of the app uses, turned off (config.middleware). Notifications
# and Web Push are not governed by this header; nothing here is needed by the app.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    name: []
    for name in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}
# The OpenAPI schema (/api/schema/) and its docs (/api/docs/) for anyone; otherwise only for
# a signed-in user (session or token). Off by default; `make run` (local.py) turns it on.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", False)

# Clinic setting: a nudge at this local time when the day's exercises are not logged;
# empty turns it off.
EVENING_NUDGE_TIME = env_time("EVENING_NUDGE_TIME", "19:30")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # A failed health check is named in the 503 (and Django logs the 503); its traceback at
    # each probe of a load balancer would bury the log. Unexpected errors still show.
    # Axes says at every start which mode it runs in (INFO), into every command's output;
    # its warnings (failed sign-ins, lockouts) still show.
    # WeasyPrint tells each step of every handout it draws (INFO); its warnings still show.
    "loggers": {
        "health_check": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}
