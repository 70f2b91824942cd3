"""Who may call what: patients see their own records, clinicians their own patients."""

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from rehab.models import Patient


def _patient_of(user: Any) -> Patient | None:
    if not user.is_authenticated:
        return None
    return getattr(user, "patient", None)


def _is_clinician(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or getattr(user, "clinician", None) is not None


class IsPatient(BasePermission):
    """A signed-in user with a patient record (a clinician is refused with 403)."""

    message = "Only a patient's own login can use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _patient_of(request.user) is not None


class IsClinician(BasePermission):
    """A signed-in clinician, or a superuser, who sees every patient as a clinician would."""

    message = "Only a clinician can use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _is_clinician(request.user)


def patient_of(request: Request) -> Patient:
    """The signed-in patient; views guarded by IsPatient always have one."""
    patient = _patient_of(request.user)
    if patient is None:
        raise PermissionDenied(IsPatient.message)
    return patient
