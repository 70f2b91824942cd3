"""The Today benchmark (bench/today_throughput.py): the test settings (DEBUG off, fast
hashing) with production's shared cache, Django's Redis cache at `CACHE_URL`, so every
gunicorn worker reads the day another one rendered. The benchmark starts its own Redis."""

from config.env import env_str
from config.settings.test import *  # noqa: F403
from config.settings.test import redis_cache

# Required, no fallback: a benchmark quietly measuring a per-process cache would mislead.
CACHES = {"default": redis_cache(env_str("CACHE_URL"))}

# The phone benchmark's floor: a blank page served by the same server (bench/phone_today.py).
STATICFILES_DIRS = [BASE_DIR / "bench" / "static"]  # noqa: F405
