"""Typed readers for environment variables that fail loudly.

A misspelt or missing production secret must stop the process at start, not
surface later as a half-configured server.
"""

import os
from datetime import time


class ImproperlyConfiguredEnv(RuntimeError):
    """Raised when a required environment variable is missing or malformed."""


_MISSING = object()


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfiguredEnv(f"Environment variable {name} is required but not set.")
        assert isinstance(default, str)
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfiguredEnv(
        f"Environment variable {name} must be one of 1/0, true/false, yes/no, on/off; "
        f"got {value!r}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfiguredEnv(
            f"Environment variable {name} must be a whole number; got {value!r}."
        ) from None


def env_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise ImproperlyConfiguredEnv(
                f"Environment variable {name} is required (comma-separated) but not set."
            )
        assert isinstance(default, list)
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_time(name: str, default: str) -> time | None:
    """A local time of day written HH:MM; 'off' (or 'none') turns the setting off."""
    value = os.environ.get(name)
    raw = default if value is None or value == "" else value.strip()
    if raw.lower() in {"off", "none"}:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfiguredEnv(
            f"Environment variable {name} must be a time like 19:30, or 'off'; got {raw!r}."
        ) from None
