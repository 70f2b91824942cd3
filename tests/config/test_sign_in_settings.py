"""Where the sign-in protection keeps its counts: Redis in production (and under `make run`),
so that every web process shares them; this process's memory in the tests."""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.config.test_settings import PRODUCTION_ENV, ROOT

SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'cache': s.CACHES['default'], 'proxies': s.TRUSTED_PROXY_COUNT, "
    "'num_proxies': s.REST_FRAMEWORK['NUM_PROXIES'], 'ttl': s.API_TOKEN_TTL_DAYS, "
    "'limit': s.AXES_FAILURE_LIMIT, 'cooloff': s.AXES_COOLOFF_TIME.total_seconds(), "
    "'resets': s.PASSWORD_RESET_PER_HOUR}))"
)


def settings_of(**env_vars: str) -> dict:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and not k.startswith(("CACHE_", "TRUSTED_", "AXES_"))
    }
    environment.pop("CACHE_URL", None)
    environment.update(env_vars)
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_counts_in_redis_at_the_brokers_url_by_default():
    found = settings_of(**PRODUCTION_ENV)
    assert found["cache"]["BACKEND"] == "config.cache.RedisCache"
    assert found["cache"]["LOCATION"] == PRODUCTION_ENV["REDIS_URL"]
    assert found["cache"]["KEY_PREFIX"]
    assert (found["proxies"], found["num_proxies"]) == (0, 0)
    assert (found["ttl"], found["limit"], found["cooloff"], found["resets"]) == (30, 10, 900, 5)


def test_production_settings_from_the_environment():
    found = settings_of(
        **PRODUCTION_ENV,
        CACHE_URL="redis://cache.example.org:6379/2",
        TRUSTED_PROXY_COUNT="1",
        API_TOKEN_TTL_DAYS="7",
        AXES_FAILURE_LIMIT="5",
        AXES_COOLOFF_MINUTES="30",
        PASSWORD_RESET_PER_HOUR="3",
    )
    assert found["cache"]["LOCATION"] == "redis://cache.example.org:6379/2"
    assert (found["proxies"], found["num_proxies"]) == (1, 1)
    assert (found["ttl"], found["limit"], found["cooloff"], found["resets"]) == (7, 5, 1800, 3)


def test_make_run_counts_in_its_redis():
    found = settings_of(
        DJANGO_SETTINGS_MODULE="config.settings.local", REDIS_URL="redis://127.0.0.1:6399/0"
    )
    assert found["cache"]["BACKEND"] == "config.cache.RedisCache"
    assert found["cache"]["LOCATION"] == "redis://127.0.0.1:6399/0"


def test_a_negative_proxy_count_stops_the_start():
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    environment |= {**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "-1"}
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


def test_the_tests_keep_a_per_process_cache():
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_the_lockout_backend_comes_first_and_its_middleware_last():
    assert settings.AUTHENTICATION_BACKENDS[0] == "rehab.auth.AccountLockoutBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
