"""The clinic's phone on pages that tell a patient to call: the urgent-symptom screen and a
paused Today.

Today's page is cached under the day's stamp, which knows the clinician's phone but not the
clinic's settings; so the cached page keeps a place for the clinic's line (`CLINIC_CONTACT_PLACE`,
one of `web.views.TODAY_PLACES`), filled per request from `clinic_settings()` (itself cached
for a minute: no query most of the time).
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
