"""The client's address, the same one for the sign-in lockout and the API's throttles.

`X-Forwarded-For` is written by whoever sends the request, so it is trusted only as far
as the proxies the site runs behind: with `TRUSTED_PROXY_COUNT` = N, each of those N
proxies appended the address it was reached from, and the N-th entry from the right is
the client as the outermost proxy saw it. Entries further left were written by the
client and are ignored. With no proxy (the default) the header is ignored altogether.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, per `TRUSTED_PROXY_COUNT`."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(entries) < proxies:
        return remote
    return entries[-proxies]
