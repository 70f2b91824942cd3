"""Response headers every environment sends: Permissions-Policy, and no-store on what
carries patient data; and the compression of pages and API answers.

The Content-Security-Policy comes from django-csp (`CONTENT_SECURITY_POLICY` in the
settings); the rest of the security headers from Django's SecurityMiddleware.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

Handler = Callable[[HttpRequest], HttpResponseBase]


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` as the header writes it:
    `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class PermissionsPolicyMiddleware:
    """Turns off, for every page, the browser features the app never uses (settings
    PERMISSIONS_POLICY), so an injected script or a framed page cannot ask for them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


# Everything under these may carry a patient's data (pages, API answers, the admin, the
# calendar feed): browsers and proxies must not keep a copy.
NO_STORE_PREFIXES = ("/app/", "/api/", "/admin/", "/calendar/")
# ...except these, which carry none and keep their own caching: the service worker and the
# manifest (the browser checks them for updates, `no-cache`), and the exercise pictures
# (the same for every patient, cached a day). Static files are served before the views
# (WhiteNoise) and keep theirs too.
CACHEABLE_PATHS = re.compile(
    r"^/app/(sw\.js|manifest\.webmanifest|exercises/[^/]+/[^/]+\.svg)$",
)


def _prefix(url: str | None) -> str:
    return "/" + (url or "").lstrip("/") if url and "://" not in url else "\0"


def no_store_for(path: str, *, signed_in: bool) -> bool:
    """Whether the answer to `path` gets `Cache-Control: no-store`: under NO_STORE_PREFIXES
    or to a signed-in request, but never static files, media or CACHEABLE_PATHS."""
    if path.startswith((_prefix(settings.STATIC_URL), _prefix(settings.MEDIA_URL))):
        return False
    if CACHEABLE_PATHS.match(path):
        return False
    return signed_in or path.startswith(NO_STORE_PREFIXES)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page and API answer that may carry a patient's
    data (`no_store_for`), replacing what a view set (the calendar's max-age): a shared
    computer's cache, or a proxy, never keeps one. The service worker's own copies for
    offline use are made by its script, not by the HTTP cache, and are not affected."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if no_store_for(request.path, signed_in=self._signed_in(request)):
            response["Cache-Control"] = "no-store"
            if "Expires" in response:
                del response["Expires"]
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        if request.path.startswith(NO_STORE_PREFIXES):
            return True  # no need to load the session to know
        if "HTTP_AUTHORIZATION" in request.META:
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


# Text worth compressing: pages, API answers, the service worker, the manifest and the
# exercise pictures drawn by views (SVG). Static files come compressed ahead of time
# (WhiteNoise's `.gz` and `.br`, with their Content-Encoding) and are left alone, as are
# pictures that are compressed already (PNG).
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/manifest+json",
    "image/svg+xml",
)


class CompressedTextMiddleware(GZipMiddleware):
    """Django's gzip, for the text the views write (COMPRESSIBLE_TYPES), when the browser
    accepts it. On a phone's slow connection Today's page is a third of its size
    compressed (bench/phone_today.py).

    BREACH (guessing a secret from the compressed size of a page that also echoes the
    attacker's input) is what Django's own measures answer: the CSRF token is masked anew
    on every response and GZipMiddleware pads each response with random bytes
    ("Heal the Breach"). Streaming answers (the calendar feed, downloads) are left as they
    are: they go out as they are written."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if response.streaming or not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
