"""The clinic's side of the patient app: inviting patients from the admin's patient list."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from rehab.admin import PatientAdmin
from rehab.models import Patient
from web.services import patient_invite_send


@admin.action(description="Invite the selected patients to the mobile app")
def invite_to_app(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Patient]
) -> None:
    base_url = request.build_absolute_uri("/")
    for patient in queryset:
        link = patient_invite_send(patient=patient, by=request.user, base_url=base_url)
        sent = f"emailed to {patient.email}, and " if patient.email else ""
        modeladmin.message_user(
            request,
            format_html(
                "{}: invitation {}valid for 7 days: <a href='{}'>{}</a> (shown once).",
                patient,
                sent,
                link,
                link,
            ),
            messages.SUCCESS,
        )


# The patients' admin lives in rehab, which must not import the app; the app adds its action.
PatientAdmin.actions = (*(PatientAdmin.actions or ()), invite_to_app)  # type: ignore[misc]
