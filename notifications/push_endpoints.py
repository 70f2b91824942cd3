"""Which Web Push endpoints the server will connect to, and well-formed subscription keys.

A push endpoint is an address the browser hands us and the server later POSTs to: left
unchecked it lets anyone make the server call any address (the cloud's metadata service,
a database on loopback). Only the browsers' push services are allowed
(`settings.PUSH_SERVICE_HOSTS`); the registration (`push_subscription_check`) and the sender
(`push_endpoint_problem` again, just before connecting) both ask here.

An entry of `PUSH_SERVICE_HOSTS` is one of:

- a host name, `fcm.googleapis.com`: that host exactly, over https on port 443;
- `*.push.apple.com` or `.push.apple.com`: that domain and every name under it, https, 443;
- a whole origin, `http://127.0.0.1:8123`: exactly that scheme, host and port (a push
  service the clinic runs itself, or a test's stand-in). Never in the defaults.
"""

import base64
import binascii
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

# What browsers hand out is well under this; the database column holds no more.
ENDPOINT_MAX_LENGTH = 1000
# An uncompressed P-256 public key (0x04, x, y) and the 16-byte authentication secret.
P256DH_BYTES = 65
AUTH_BYTES = 16
_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _allowed_hosts() -> list[str]:
    return [h.strip().lower() for h in settings.PUSH_SERVICE_HOSTS if h.strip()]


def _host_allowed(host: str, entries: Iterable[str]) -> bool:
    for entry in entries:
        if "://" in entry:
            continue
        if entry.startswith(("*.", ".")):
            domain = entry.lstrip("*").lstrip(".")
            if host == domain or host.endswith("." + domain):
                return True
        elif host == entry:
            return True
    return False


def push_endpoint_problem(endpoint: str) -> str | None:
    """Why the server must not send to this endpoint, in plain words; None when it may."""
    if not endpoint:
        return _("The push address is missing.")
    if len(endpoint) > ENDPOINT_MAX_LENGTH:
        return _("The push address is too long (at most %(max)s characters).") % {
            "max": ENDPOINT_MAX_LENGTH
        }
    if any(not ("!" <= c <= "~") for c in endpoint):
        return _("The push address has characters a web address cannot have.")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return _("The push address is not a web address.")
    host = (parts.hostname or "").lower()
    if not host:
        return _("The push address is not a web address.")
    if "@" in parts.netloc:
        return _("The push address may not carry a user name or password.")
    entries = _allowed_hosts()
    origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    if origin in entries:
        return None
    if parts.scheme.lower() != "https":
        return _("A push address is an https:// address.")
    if port not in (None, 443):
        return _("A push address uses the standard https port.")
    if not _host_allowed(host, entries):
        return _("This is not the address of a browser's push service.")
    return None


def _key_problem(value: str, length: int) -> str | None:
    if not value:
        return _("This key of the subscription is required.")
    if len(value) > 200 or any(c not in _BASE64URL for c in value.rstrip("=")):
        return _("This key is not in the browser's format (base64url).")
    raw = value.rstrip("=")
    try:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return _("This key is not in the browser's format (base64url).")
    if len(decoded) != length or (length == P256DH_BYTES and decoded[0] != 0x04):
        return _("This key has the wrong length for a push subscription.")
    return None


def push_subscription_check(*, endpoint: str, p256dh: str, auth: str) -> dict[str, str]:
    """Field messages for a subscription the browser sent; empty when it may be stored."""
    errors: dict[str, str] = {}
    problem = push_endpoint_problem(endpoint)
    if problem:
        errors["endpoint"] = problem
    for field, value, length in (("p256dh", p256dh, P256DH_BYTES), ("auth", auth, AUTH_BYTES)):
        problem = _key_problem(value, length)
        if problem:
            errors[field] = problem
    return errors
