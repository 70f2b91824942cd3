"""The app's scripts, styles and icons, and the version of them a phone keeps.

The service worker keeps these files in a cache named after `assets_version()`. The
version changes exactly when one of them does, so a deploy that changes one gives the
phone a new sw.js: it installs it, fetches the new files and deletes the old cache.
"""

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.templatetags.static import static

# Every static file the app's pages, manifest and notifications name.
APP_ASSETS = (
    "web/app.css",
    "web/app.js",
    "web/timer.js",
    "web/icon.svg",
    "web/icon-192.png",
    "web/icon-512.png",
)


def asset_urls() -> dict[str, str]:
    """Each asset's URL as the pages name it (hashed where the storage hashes names)."""
    return dict(_asset_urls())


@functools.cache
def _asset_urls() -> tuple[tuple[str, str], ...]:
    # Worked out once per process: a process serves one release's files (collectstatic runs
    # before it starts), and the five lookups cost a tenth of a cached Today page.
    return tuple((name, static(name)) for name in APP_ASSETS)


def _static_settings_changed(*, setting: str, **kwargs: Any) -> None:
    """A test deploying another release in this process (its settings) names new files."""
    if setting.startswith("STATIC") or setting in ("STORAGES", "WHITENOISE_USE_FINDERS"):
        _asset_urls.cache_clear()


setting_changed.connect(_static_settings_changed)


def _content_key(name: str) -> str:
    """A string that changes when the file's content changes."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        # Collected: the name carries the content's hash (even where DEBUG shows plain URLs).
        return str(staticfiles_storage.stored_name(name))
    # Served from the apps' folders (development, tests): hash what would be served.
    path = finders.find(name)
    if not isinstance(path, str):
        raise ImproperlyConfigured(f"The app's static file {name} was not found.")
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def assets_version() -> str:
    """A short hash of every asset's URL and content: the name of the phone's cache."""
    digest = hashlib.sha256()
    for name, url in asset_urls().items():
        digest.update(f"{name}\0{url}\0{_content_key(name)}\n".encode())
    return digest.hexdigest()[:16]
