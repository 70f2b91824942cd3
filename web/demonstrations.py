"""The animated demonstration of an exercise, an SVG image beside its start and end pictures."""

import base64
import hashlib

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from exercises.demonstrations import exercise_demo_svg
from exercises.illustration import DEMO_STYLE
from exercises.models import Exercise
from rehab.models import Patient
from web.views import patient_required

# The picture's one <style> (its reduced-motion rule) is allowed by its hash, nothing else.
_STYLE_HASH = base64.b64encode(hashlib.sha256(DEMO_STYLE.encode()).digest()).decode()
DEMO_CSP = {"default-src": ["'none'"], "style-src": [f"'sha256-{_STYLE_HASH}'"]}


@require_GET
@patient_required
@cache_control(private=True, max_age=86400)
@csp_replace(DEMO_CSP)  # type: ignore[arg-type]  # typed for views of the request alone
def demonstration(
    request: HttpRequest, patient: Patient, slug: str, still: bool = False
) -> HttpResponse:
    """Like the start and end pictures: any signed-in patient, the library's exercises.

    ``still`` (demo-still.svg) is the start and end side by side, for pages whose reader
    prefers reduced motion (a <picture> source chosen by the page's own media query).
    """
    exercise = Exercise.objects.filter(slug=slug).first()
    if exercise is None:
        raise Http404
    return HttpResponse(
        exercise_demo_svg(exercise=exercise, still=still),
        content_type="image/svg+xml; charset=utf-8",
    )
