"""The site's front door at `/`: a patient finds the app, a clinician the clinic admin.

Someone already signed in has nothing to choose, so they go straight on: clinic staff to
the admin (`/admin/`), a patient to the app (`/app/`). Clinic staff are checked first, as
the app refuses them (`web.views.patient_required`). Anyone else sees the choice, in the
language of their browser or of the language cookie, which the page can switch.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_authenticated and user.is_active and user.is_staff:
        return redirect("admin:index")
    if user.is_authenticated and getattr(user, "patient", None) is not None:
        return redirect("web:home")
    return render(request, "web/welcome.html")
