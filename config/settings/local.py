"""Developer machine: `make run`. Not for production."""

import os

from config.env import env_bool, env_list, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL, redis_cache

DEBUG = True
# The API's schema and docs open without signing in on a developer's machine.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", True)
# A fixed development key: production.py refuses to start without its own.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-9f3b2c")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# Messages are printed unless another backend is named (the delivery tests write files).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # noqa: F405

# `make run` starts Redis and names it (REDIS_URL): the web processes then count throttles
# together in it, as in production. Without one named (a shell, a benchmark's own
# database) each process keeps its own cache.
if os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL"):
    CACHES = {"default": redis_cache(env_str("CACHE_URL", REDIS_URL))}
