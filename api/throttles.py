"""The API's throttles: counted in the default cache (Redis outside the tests, shared by
every process), per client address as `config.client_ip` reads it."""

from typing import Any

from rest_framework.throttling import ScopedRateThrottle

from config.client_ip import client_ip


class AddressScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, the client address read as the sign-in lockout reads it."""

    def get_ident(self, request: Any) -> str:
        return client_ip(request._request if hasattr(request, "_request") else request)
