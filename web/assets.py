"""The app's scripts, styles and icons, and the version of them a phone keeps.

The service worker keeps these files in a cache named after `assets_version()`. The
version changes exactly when one of them does, so a deploy that changes one gives the
phone a new sw.js: it installs it, fetches the new files and deletes the old cache.

A page opened without that worker (a phone's first visit, or a browser that has none) has
the stylesheet inside it and Today's first demonstration as a `data:` URL
(`page_inlines_assets`): on a slow connection each file a page needs before it can be drawn
costs a round trip. A page the worker asks for says which version it holds (its navigation
preload header), and names the files, which the worker serves from its cache.
"""

import base64
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.http import HttpRequest
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
        _collected_assets_version.cache_clear()
        inline_stylesheet.cache_clear()


setting_changed.connect(_static_settings_changed)


def _content_key(name: str) -> str:
    """A string that changes when the file's content changes."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        # Collected: the name carries the content's hash (even where DEBUG shows plain URLs).
        return str(staticfiles_storage.stored_name(name))
    # Served from the apps' folders (development, tests): hash what would be served.
    return hashlib.sha256(_found(name).read_bytes()).hexdigest()


def _found(name: str) -> Path:
    """Where an asset is served from when nothing is collected (the apps' folders)."""
    path = finders.find(name)
    if not isinstance(path, str):
        raise ImproperlyConfigured(f"The app's static file {name} was not found.")
    return Path(path)


def assets_version() -> str:
    """A short hash of every asset's URL and content: the name of the phone's cache."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        # Collected files do not change under a running process: worked out once.
        return _collected_assets_version()
    return _assets_version()


@functools.cache
def _collected_assets_version() -> str:
    return _assets_version()


def _assets_version() -> str:
    digest = hashlib.sha256()
    for name, url in asset_urls().items():
        digest.update(f"{name}\0{url}\0{_content_key(name)}\n".encode())
    return digest.hexdigest()[:16]


# The header a service worker's navigation preload sends, set to the version it holds
# (sw.js); browsers send "true" when it is not set.
WORKER_VERSION_HEADER = "Service-Worker-Navigation-Preload"


def page_inlines_assets(request: HttpRequest) -> bool:
    """Whether a page has the stylesheet (and Today its first demonstration) inside it:
    unless the service worker that asks for it holds this version's files.

    Never in development (DEBUG), where an edited stylesheet shows on the next page."""
    if settings.DEBUG:
        return False
    held = request.headers.get(WORKER_VERSION_HEADER)
    # Without the header, no version to work out (a cached Today's hot path).
    return held is None or held != assets_version()


@dataclass(frozen=True)
class InlineStylesheet:
    text: str
    # What the Content-Security-Policy allows it by (its hash): no other inline style.
    csp_source: str


@functools.cache
def inline_stylesheet() -> InlineStylesheet:
    """app.css as served (the collected copy where there is one), to put inside a page."""
    name = "web/app.css"
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        with staticfiles_storage.open(str(staticfiles_storage.stored_name(name))) as file:
            text = file.read().decode()
    else:
        text = _found(name).read_text(encoding="utf-8")
    if "</" in text or "url(" in text:
        # Inside a page, "</style" would end it and a relative url() would mean the page's.
        raise ImproperlyConfigured(f"{name} cannot be put inside a page as it stands.")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return InlineStylesheet(text, f"'sha256-{digest}'")
