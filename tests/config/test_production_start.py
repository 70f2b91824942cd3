"""`make serve`: its Procfile names commands and modules that exist, gunicorn's settings come
from the environment, and the start refuses clearly when the environment is incomplete."""

import os
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from honcho.environ import parse_procfile

from tests.config.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]
PROCFILE = ROOT / "Procfile.production"
GUNICORN_CONF = ROOT / "config" / "gunicorn_conf.py"


def processes() -> dict[str, list[str]]:
    """Each process of the production Procfile and its command, split as the shell would
    (the `${LOG_LEVEL:-INFO}` defaults left as they are)."""
    return {
        name: shlex.split(command)
        for name, command in parse_procfile(PROCFILE.read_text()).processes.items()
    }


def clean_env(**extra: str) -> dict[str, str]:
    variables = set(PRODUCTION_ENV) | {"DJANGO_SETTINGS_MODULE", "SERVE_PROCESSES"}
    return {k: v for k, v in os.environ.items() if k not in variables} | extra


def test_the_procfile_starts_web_worker_and_beat_with_installed_commands():
    found = processes()
    assert list(found) == ["web", "worker", "beat"]
    for name, argv in found.items():
        assert (ROOT / argv[0]).is_file() and os.access(ROOT / argv[0], os.X_OK), name
    assert found["web"][0].endswith("/gunicorn")
    assert found["web"][-1] == "config.wsgi:application"
    assert found["web"][found["web"].index("--config") + 1] == "config/gunicorn_conf.py"
    for name in ("worker", "beat"):
        assert found[name][0].endswith("/celery")
        assert found[name][1:4] == ["-A", "config", name]


def test_gunicorn_loads_the_production_application_with_that_config():
    # --check-config loads the settings file and imports the WSGI application, then exits.
    web = processes()["web"]
    result = subprocess.run(
        [str(ROOT / web[0]), *web[1:], "--check-config"],
        cwd=ROOT,
        env=clean_env(**PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_celery_app_of_the_procfile_has_the_projects_tasks():
    show = (
        "import config; app = config.celery_app; app.loader.import_default_modules(); "
        "print(app.main, *sorted(t for t in app.tasks if not t.startswith('celery.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env=clean_env(**PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    name, *tasks = result.stdout.split()
    assert name == "rehab_planner"
    assert "notifications.tasks.worker_heartbeat_task" in tasks
    assert "planner.tasks.reminders_tick" in tasks


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    for name in ("WEB_CONCURRENCY", "WEB_HOST", "WEB_PORT", "WEB_TIMEOUT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    default = runpy.run_path(str(GUNICORN_CONF))
    assert default["workers"] == 2 * (os.cpu_count() or 1) + 1
    assert default["bind"] == ["0.0.0.0:8000"]
    assert default["control_socket_disable"] is True
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("WEB_HOST", "127.0.0.1")
    monkeypatch.setenv("WEB_PORT", "9001")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    chosen = runpy.run_path(str(GUNICORN_CONF))
    assert (chosen["workers"], chosen["bind"], chosen["loglevel"]) == (
        3,
        ["127.0.0.1:9001"],
        "warning",
    )
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be a whole number"):
        runpy.run_path(str(GUNICORN_CONF))


def serve(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["scripts/serve.sh"],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_serve_names_every_missing_variable_and_starts_nothing():
    result = subprocess.run(
        ["make", "-s", "serve"],
        cwd=ROOT,
        env=clean_env(SECRET_KEY=PRODUCTION_ENV["SECRET_KEY"]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert (
        "error: make serve needs these environment variables: ALLOWED_HOSTS DATABASE_URL REDIS_URL"
        in result.stderr
    )
    assert "Starting" not in result.stdout


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"SERVE_PROCESSES": "web flower"}, "SERVE_PROCESSES: no process 'flower'"),
        ({"SERVE_MIGRATE": "maybe"}, "SERVE_MIGRATE must be true or false"),
    ],
)
def test_serve_refuses_a_misspelt_choice(setting, message):
    result = serve(**PRODUCTION_ENV, **setting)
    assert result.returncode == 2
    assert message in result.stderr
