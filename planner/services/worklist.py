"""The clinician's worklist: marking a reason handled."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planner.models import WorklistKind, WorklistMark
from planner.selectors.worklist import worklist_patients, worklist_reason_current
from rehab.models import Patient


def worklist_reason_handle(
    *, user: Any, patient_id: Any, kind: str, since: datetime, now: datetime | None = None
) -> WorklistMark:
    """Mark one reason of the user's worklist handled, by the user, now.

    The reason must be on the worklist now: a patient of the user's, a known kind, and the
    very `since` the list shows (a reason that has moved on is a new one to look at).
    Marking it again keeps the first mark (who and when). Writes nothing on bad input.
    """
    errors: dict[str, str] = {}
    if kind not in WorklistKind.values:
        errors["kind"] = _("Unknown reason %(kind)s; valid: %(valid)s.") % {
            "kind": kind,
            "valid": ", ".join(WorklistKind.values),
        }
    patient = _patient(user, patient_id)
    if patient is None:
        errors["patient"] = _("No patient of yours has this id.")
    if errors:
        raise ValidationError(errors)
    assert patient is not None
    if worklist_reason_current(user=user, patient=patient, kind=kind, since=since, now=now) is None:
        raise ValidationError(
            {"since": _("This reason is not on the worklist now; reload the list.")}
        )
    try:
        with transaction.atomic():
            mark, _created = WorklistMark.objects.get_or_create(
                patient=patient, kind=kind, since=since, defaults={"by": user}
            )
    except IntegrityError:
        # Marked by someone else at the same moment: theirs stands.
        mark = WorklistMark.objects.get(patient=patient, kind=kind, since=since)
    return mark


def _patient(user: Any, patient_id: Any) -> Patient | None:
    try:
        pk = int(patient_id)
    except (TypeError, ValueError):
        return None
    return worklist_patients(user=user).filter(pk=pk).first()
