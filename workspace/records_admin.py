"""The patient page's record actions: export one patient's data as JSON, erase (anonymise)
patients after a confirmation page, and delete patients with everything of theirs.

The work is done by notifications.records; these only ask, check who may, and answer.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications import records
from rehab.models import Patient


@admin.action(description="Export the selected patient's data (JSON)")
def export_patient_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Patient]
) -> HttpResponse | None:
    patients = list(queryset[:2])
    if len(patients) != 1:
        modeladmin.message_user(
            request, _("Select exactly one patient to export their data."), messages.WARNING
        )
        return None
    patient = patients[0]
    if not records.patient_records_allowed(user=request.user, patient=patient):
        raise PermissionDenied
    response = HttpResponse(
        records.patient_export_json(patient=patient),
        content_type="application/json; charset=utf-8",
    )
    filename = records.patient_export_filename(patient=patient)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@admin.action(description="Erase the selected patients' personal data (irreversible)")
def erase_patients(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Patient]
) -> HttpResponse | None:
    patients = list(queryset.order_by("pk"))
    refused = [
        p for p in patients if not records.patient_records_allowed(user=request.user, patient=p)
    ]
    if refused:
        raise PermissionDenied
    if request.POST.get("post") != "yes":
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Erase personal data"),
            "opts": modeladmin.model._meta,
            "patients": patients,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/rehab/patient/erase_confirmation.html", context)
    erased = 0
    for patient in patients:
        try:
            records.patient_erase(patient=patient, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.WARNING)
        else:
            erased += 1
    if erased:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d patient erased: their de-identified records remain.",
                "%(count)d patients erased: their de-identified records remain.",
                erased,
            )
            % {"count": erased},
            messages.SUCCESS,
        )
    return None


@admin.display(description="erased", ordering="erased_at")
def erased_display(obj: Patient) -> str:
    """When the person was erased (their records remain, de-identified), or a dash."""
    if obj.erased_at is None:
        return "—"
    return timezone.localtime(obj.erased_at).date().isoformat()


def delete_model(self: admin.ModelAdmin, request: HttpRequest, obj: Patient) -> None:
    """The admin's delete: the patient and everything of theirs, account included."""
    records.patient_delete(patient=obj, by=request.user)


def delete_queryset(
    self: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Patient]
) -> None:
    records.patients_delete(patients=queryset.order_by("pk"), by=request.user)


def get_deleted_objects(
    self: admin.ModelAdmin, objs: Any, request: HttpRequest
) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
    """Django's list for the confirmation page, where the admin pages of the rows that go
    with a patient (a program, a clinic session, which refuse deleting them one by one) are
    no reason to refuse: patient_delete checks who may. (The patient's own logs and
    records RESTRICT their program exercises, so they go with the patient.)"""
    deleted, counts, perms_needed, protected = admin.ModelAdmin.get_deleted_objects(
        self, objs, request
    )
    if all(records.patient_records_allowed(user=request.user, patient=obj) for obj in objs):
        perms_needed = set()
    return deleted, counts, perms_needed, protected
