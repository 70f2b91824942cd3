"""gunicorn's settings in production (Procfile.production, `make serve`), from the environment.

Loaded by path (`gunicorn --config config/gunicorn_conf.py`), before Django: it reads the
environment itself and imports nothing of the project (importing `config` would set up Celery
and a default settings module in the arbiter).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(
            f"Environment variable {name} must be a whole number; got {value!r}."
        ) from None


# Sync workers, each serving one request at a time: WEB_CONCURRENCY of them (gunicorn's own
# convention), by default two per CPU and one more, as gunicorn's documentation suggests.
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
bind = [f"{os.environ.get('WEB_HOST') or '0.0.0.0'}:{_int('WEB_PORT', 8000)}"]
# A request still running after this many seconds has its worker killed and replaced.
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 30
# Workers are replaced after about this many requests, so a slow leak cannot grow for ever.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
# No control socket (`gunicornc`): unused here, and it sits at one fixed path per user, where
# two servers on one machine would fight over it.
control_socket_disable = True
