import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from rehab import services
from rehab.models import Clinician
from tests.conftest import make_clinician

pytestmark = pytest.mark.django_db


def test_clinician_is_staff_in_the_doctors_group_with_record_permissions():
    clinician = make_clinician("house")
    user = clinician.user
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=services.CLINICIAN_GROUP).exists()
    for perm in (
        "rehab.add_patient",
        "rehab.change_patient",
        "rehab.add_painassessment",
        "rehab.add_patientredflag",
        "exercises.change_exercise",
        "rehab.view_diagnosis",
    ):
        assert user.has_perm(perm), perm
    # Records are not deleted by doctors, and the coded catalogues are read-only to them.
    for perm in ("rehab.delete_patient", "rehab.change_diagnosis", "exercises.delete_exercise"):
        assert not user.has_perm(perm), perm


def test_group_sync_is_idempotent():
    first = set(services.clinician_group_sync().permissions.values_list("codename", flat=True))
    second = set(services.clinician_group_sync().permissions.values_list("codename", flat=True))
    assert first == second and "add_patient" in first


def test_duplicate_username_writes_nothing():
    make_clinician("house")
    with pytest.raises(ValidationError) as exc:
        make_clinician("house")
    assert "username" in exc.value.message_dict
    assert Clinician.objects.count() == 1


def test_group_sync_runs_after_migrate():
    # post_migrate has run for the test database: the group is already there.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM auth_group WHERE name = %s", [services.CLINICIAN_GROUP]
        )
        assert cursor.fetchone()[0] == 1
