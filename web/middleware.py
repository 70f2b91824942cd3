"""The Content-Security-Policy of the app's pages (django-csp), with the one inline style
a page may carry: the app's own stylesheet, allowed by its hash (web.assets)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

from web.assets import inline_stylesheet


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; an HTML page's policy also allows the app's stylesheet
    inside it (any page may be the first one a phone opens)."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or not response.get("Content-Type", "").startswith("text/html"):
            return parts
        # A view's own style-src stands as the view set it: the API's docs allow inline
        # styles, which a hash beside them would turn off again.
        if "style-src" in (parts.update or {}) or "style-src" in (parts.replace or {}):
            return parts
        parts.update = {**(parts.update or {}), "style-src": [inline_stylesheet().csp_source]}
        return parts
