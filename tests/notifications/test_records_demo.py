"""Every patient of the demo `make run` seeds can be deleted, and leaves nothing behind
(5 of the 8 could not be deleted at all: their logs, clinic records and review items
protect the program exercises they point at)."""

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import RestrictedError

from notifications import records
from planner.models import ExerciseLog
from rehab.models import Patient
from tests.demo_world import demo  # noqa: F401 (a fixture)


def references_to(model: type[models.Model], pks: set[Any]) -> list[str]:
    """Every foreign key anywhere (history tables included) holding one of the ids."""
    return [
        f"{other._meta.label}.{f.name}"
        for other in apps.get_models()
        for f in other._meta.concrete_fields
        if f.is_relation
        and f.related_model is model
        and other._default_manager.filter(**{f"{f.attname}__in": pks}).exists()
    ]


@pytest.mark.usefixtures("demo")
def test_every_demo_patient_can_be_deleted_and_nothing_references_them(db):
    admin = get_user_model().objects.get(username="admin")
    patients = list(Patient.objects.select_related("user").order_by("pk"))
    assert len(patients) == 12
    assert ExerciseLog.objects.exists()
    library = {
        label: apps.get_model(label)._default_manager.count()
        for label in ("exercises.Exercise", "rehab.Clinician", "rehab.Diagnosis")
    }
    for index, patient in enumerate(patients):
        user_pk = patient.user_id
        records.patient_delete(patient=patient, by=admin)
        assert references_to(Patient, {patient.pk}) == [], patient
        if user_pk is not None:
            assert not get_user_model().objects.filter(pk=user_pk).exists()
            assert references_to(get_user_model(), {user_pk}) == [], patient
        # The others are still there.
        assert Patient.objects.count() == len(patients) - index - 1
    assert {label: apps.get_model(label)._default_manager.count() for label in library} == library


@pytest.mark.usefixtures("demo")
def test_a_plain_delete_of_any_demo_patient_goes_through(db):
    """Not only the service: the ORM's own delete (a shell, a cascade from elsewhere) is not
    stopped by the patient's own logs, clinic records and review items."""
    patients = list(Patient.objects.order_by("pk"))
    for patient in patients:
        with transaction.atomic():
            patient.delete()
            assert not Patient.objects.filter(pk=patient.pk).exists()
            transaction.set_rollback(True)
    assert Patient.objects.count() == len(patients)


@pytest.mark.usefixtures("demo")
def test_a_logged_program_exercise_still_cannot_be_deleted_on_its_own(db):
    logged = ExerciseLog.objects.select_related("program_exercise").first()
    assert logged is not None
    with pytest.raises(RestrictedError), transaction.atomic():
        logged.program_exercise.delete()
    assert ExerciseLog.objects.filter(pk=logged.pk).exists()
