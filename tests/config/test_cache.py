"""The shared cache: Django's Redis cache keeping one client, and the patient's day that one
web process rendered read by another (every gunicorn worker shares the days in Redis)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from config.settings.base import redis_cache
from planner.selectors import patient_day_cached
from testsupport.processes import RedisServer

ROOT = Path(__file__).resolve().parents[2]

# Another process with the benchmark's settings (the test settings with the Redis cache):
# every day kept in the cache, as that process reads it.
READ_DAYS = """
import json, django
django.setup()
from django.core.cache import cache
prefix = cache.make_key("")
keys = sorted(k.decode() for k in cache._cache.get_client().keys(prefix + "patient-day:*"))
print(json.dumps([cache.get(k[len(prefix):]) for k in keys]))
"""
WRITE = """
import django
django.setup()
from django.core.cache import cache
cache.set("written-elsewhere", "by another process", 60)
"""


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_cache_on(redis: RedisServer) -> Iterator[str]:
    with override_settings(CACHES={"default": redis_cache(redis.url)}):
        cache.clear()
        yield redis.url
        cache.clear()


def other_process(url: str, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.bench", "CACHE_URL": url}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_cache_builds_one_redis_client_and_keeps_it(redis_cache_on):
    backend = cache._cache  # type: ignore[attr-defined]
    assert backend.get_client() is backend.get_client()
    assert backend.get_client(write=True) is backend.get_client()  # one server, one pool
    cache.set("answer", {"value": 42}, 60)
    assert cache.get("answer") == {"value": 42}
    assert cache.delete("answer") and cache.get("answer") is None


def test_a_day_rendered_by_one_process_is_read_by_another(redis_cache_on, patient):
    renders = []

    def render(day):
        renders.append(day)
        return f"{day.state} on {day.day.isoformat()} для пациента"

    first = patient_day_cached(patient=patient, variant="test", render=render)
    again = patient_day_cached(patient=patient, variant="test", render=render)
    assert first == again == "no_program on 2026-11-25 для пациента"
    assert len(renders) == 1
    assert json.loads(other_process(redis_cache_on, READ_DAYS)) == [first]


def test_what_another_process_keeps_is_read_here(redis_cache_on):
    assert cache.get("written-elsewhere") is None
    other_process(redis_cache_on, WRITE)
    assert cache.get("written-elsewhere") == "by another process"


def test_the_benchmark_settings_refuse_to_start_without_a_shared_cache():
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr
