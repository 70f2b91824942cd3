"""Production: every secret comes from the environment, and a missing one stops start-up."""

from pathlib import Path

from config.env import env_bool, env_int, env_list, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, DATABASES, REDIS_URL, STORAGES, redis_cache

DEBUG = False
# `collectstatic` (before the server starts) copies the static files here under names that
# carry their content's hash (app.3f2a9c81b0d4.css), compressed; WhiteNoise serves only
# these, cached for ever, and a deploy that changes a file gives it a new name. Without
# the collected manifest every page fails at once rather than serving stale files.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    from config.env import ImproperlyConfiguredEnv

    raise ImproperlyConfiguredEnv(
        "SECRET_KEY must be at least 50 characters with at least 5 distinct characters."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS])
env_str("DATABASE_URL")  # production never falls back to the SQLite file
env_str("REDIS_URL")  # nor to a Redis on this machine (the broker, and the workers' heartbeat)
# The throttles' counts are shared by every web process: Django's Redis cache, at the
# broker's Redis unless CACHE_URL names another.
CACHES = {"default": redis_cache(env_str("CACHE_URL", REDIS_URL))}
# seed_demo would reset accounts to its published passwords.
DEMO_DATA_ALLOWED = False
# Keep connections between requests (opening one costs more than a whole cached Today);
# DATABASE_CONN_MAX_AGE overrides. dj-database-url has already set the key, so assign.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer probes the instances over plain HTTP: its health checks are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The mail server, from the environment: host, port, login and TLS. EMAIL_USE_TLS is
# STARTTLS (usually port 587), EMAIL_USE_SSL TLS from the first byte (usually 465): one or
# the other, never both.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    from config.env import ImproperlyConfiguredEnv

    raise ImproperlyConfiguredEnv(
        "EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL (implicit TLS) cannot both be on: "
        "choose the one your mail server speaks on EMAIL_PORT."
    )
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "rehab@localhost")

# Pool processes of each Celery worker; 0 (the default) is one per CPU.
CELERY_WORKER_CONCURRENCY = env_int("CELERY_CONCURRENCY", 0)
