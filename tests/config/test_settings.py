"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

from config import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k3y-" + "a1b2c3d4e5f6g7h8i9j0" * 3,
    "ALLOWED_HOSTS": "rehab.example.org",
    "DATABASE_URL": "postgres://rehab:secret@db.example.org:5432/rehab",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}


def manage(*args: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    environment.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_passes_deploy_checks_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_fails_loudly_without_a_required_variable(missing):
    variables = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", **variables)
    assert result.returncode != 0
    assert f"Environment variable {missing} is required" in result.stderr


def test_production_rejects_a_weak_secret_key():
    result = manage("check", **(PRODUCTION_ENV | {"SECRET_KEY": "short"}))
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_keeps_database_connections_between_requests():
    show = "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    default = manage("shell", "--no-imports", "-c", show, **PRODUCTION_ENV)
    assert default.stdout.strip() == "60"
    shorter = manage(
        "shell", "--no-imports", "-c", show, **PRODUCTION_ENV, DATABASE_CONN_MAX_AGE="5"
    )
    assert shorter.stdout.strip() == "5"


def test_postgresql_prepares_the_queries_a_connection_repeats_unless_told_off():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    default = manage("shell", "--no-imports", "-c", show, **PRODUCTION_ENV)
    assert default.stdout.strip() == "{'server_side_binding': True, 'prepare_threshold': 5}"
    at_once = manage(
        "shell", "--no-imports", "-c", show, **PRODUCTION_ENV, DATABASE_PREPARE_THRESHOLD="0"
    )
    assert at_once.stdout.strip() == "{'server_side_binding': True, 'prepare_threshold': 0}"
    # Behind a pooler that cannot keep them: Django's defaults (client-side binding).
    pooled = manage(
        "shell", "--no-imports", "-c", show, **PRODUCTION_ENV, DATABASE_PREPARE_THRESHOLD="Off"
    )
    assert pooled.stdout.strip() == "{}"
    for wrong, says in [("often", "must be a whole number"), ("-1", "must be 0 or more")]:
        refused = manage("check", **PRODUCTION_ENV, DATABASE_PREPARE_THRESHOLD=wrong)
        assert refused.returncode != 0
        assert f"DATABASE_PREPARE_THRESHOLD {says}" in refused.stderr


def test_production_bounds_the_wait_for_a_mail_server_and_sizes_the_workers_pool():
    show = (
        "from django.conf import settings; "
        "print(settings.EMAIL_TIMEOUT, settings.CELERY_WORKER_CONCURRENCY)"
    )
    default = manage("shell", "--no-imports", "-c", show, **PRODUCTION_ENV)
    assert default.stdout.split() == ["10", "0"]  # 0: one pool process per CPU
    chosen = manage(
        "shell", "--no-imports", "-c", show, **PRODUCTION_ENV, EMAIL_TIMEOUT="3",
        CELERY_CONCURRENCY="4",
    )  # fmt: skip
    assert chosen.stdout.split() == ["3", "4"]


def test_production_lets_plain_http_health_probes_through_and_redirects_the_rest():
    show = (
        "from django.test import Client; c = Client(HTTP_HOST='rehab.example.org'); "
        "print(c.get('/api/v1/health/live/').status_code, c.get('/app/').status_code)"
    )
    result = manage("shell", "--no-imports", "-c", show, **PRODUCTION_ENV)
    assert result.stdout.split() == ["200", "301"], result.stderr


def test_database_url_selects_postgresql():
    config = dj_database_url.parse(PRODUCTION_ENV["DATABASE_URL"])
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"]) == ("db.example.org", "rehab")


class TestEnvReaders:
    def test_bool_accepts_common_spellings(self, monkeypatch):
        monkeypatch.setenv("FLAG", "Yes")
        assert env.env_bool("FLAG", False) is True
        monkeypatch.setenv("FLAG", "off")
        assert env.env_bool("FLAG", True) is False

    def test_bool_rejects_anything_else(self, monkeypatch):
        monkeypatch.setenv("FLAG", "maybe")
        with pytest.raises(env.ImproperlyConfiguredEnv, match="FLAG must be one of"):
            env.env_bool("FLAG", False)

    def test_int_rejects_words(self, monkeypatch):
        monkeypatch.setenv("COUNT", "ten")
        with pytest.raises(env.ImproperlyConfiguredEnv, match="COUNT must be a whole number"):
            env.env_int("COUNT", 1)

    def test_list_splits_and_trims(self, monkeypatch):
        monkeypatch.setenv("HOSTS", " a.example , b.example,,")
        assert env.env_list("HOSTS") == ["a.example", "b.example"]

    def test_required_string_missing(self, monkeypatch):
        monkeypatch.delenv("NOPE", raising=False)
        with pytest.raises(env.ImproperlyConfiguredEnv, match="NOPE is required"):
            env.env_str("NOPE")
