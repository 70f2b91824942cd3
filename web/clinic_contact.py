"""The clinic's phone on pages that tell a patient to call: the urgent-symptom screen and a
paused Today.

Today's page is cached under the day's stamp, which knows the clinician's phone but not the
clinic's settings; so the cached page keeps a place for the clinic's line, filled per request
from `clinic_settings()` (itself cached for a minute: no query most of the time).
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from rehab.selectors import clinic_settings

CLINIC_CONTACT_PLACE = "<!--clinic-contact-->"


def clinic_contact_html(*, request: HttpRequest) -> str:
    """The clinic's name and its phone as a tel: link; nothing before the clinic has a phone."""
    clinic = clinic_settings()
    if not clinic.phone:
        return ""
    return render_to_string("web/_clinic_contact.html", {"clinic": clinic}, request=request)


def clinic_contact_fill(*, page: str, request: HttpRequest) -> str:
    """Today's cached page with the clinic's line in its place (only a paused day has one)."""
    if CLINIC_CONTACT_PLACE not in page:
        return page
    return page.replace(CLINIC_CONTACT_PLACE, clinic_contact_html(request=request), 1)
