"""Whether a request for a list of notifications is a person looking at it.

Seeing a page of notifications marks them read. A browser also fetches pages nobody looks
at: a HEAD request, a link prefetched or prerendered in case it is followed (it says so in
`Sec-Purpose`, or in the older `Purpose` and `X-Moz` headers). Those must not mark anything.
"""

from django.http import HttpRequest

_SPECULATIVE = ("prefetch", "prerender")


def request_is_a_look(request: HttpRequest) -> bool:
    """A GET that is not a prefetch or prerender: someone is reading the page."""
    if request.method != "GET":
        return False
    for header in ("Sec-Purpose", "Purpose", "X-Moz"):
        value = request.headers.get(header, "").lower()
        if any(word in value for word in _SPECULATIVE):
            return False
    return True
