"""The Today benchmark (bench/today_throughput.py): the test settings (DEBUG off, fast
hashing) with production's shared cache, Django's Redis cache at `CACHE_URL`, so every
gunicorn worker reads the day another one rendered. The benchmark starts its own Redis."""

from config.env import env_str
from config.settings.test import *  # noqa: F403
from config.settings.test import STORAGES, redis_cache

# Required, no fallback: a benchmark quietly measuring a per-process cache would mislead.
CACHES = {"default": redis_cache(env_str("CACHE_URL"))}

# The phone benchmark's floor: a blank page served by the same server (bench/phone_today.py).
STATICFILES_DIRS = [BASE_DIR / "bench" / "static"]  # noqa: F405

# The phone benchmark serves the static files as production does (config.settings.production):
# collected under hashed names, compressed, and served by WhiteNoise from there. It collects
# them into BENCH_STATIC_ROOT before the server starts.
if env_str("BENCH_STATIC_ROOT", ""):
    STATIC_ROOT = env_str("BENCH_STATIC_ROOT")
    STORAGES = STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = False
