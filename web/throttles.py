"""Counts of requests in the default cache (Redis outside the tests, so every web process
counts together), for the patient app's forms that send something: password reset."""

import hashlib

from django.core.cache import cache

HOUR = 3600


def _key(scope: str, subject: str) -> str:
    # Hashed: an email address is not written into the cache's keys as it is.
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def hourly_count(*, scope: str, subject: str) -> int:
    """Count one more request for `subject` within `scope`; how many this hour, this one
    included. The hour starts at the first request counted."""
    key = _key(scope, subject)
    cache.add(key, 0, timeout=HOUR)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=HOUR)
        return 1
