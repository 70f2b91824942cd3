"""The admin reads times on the clinic's clock once the clinic has said where it is: the
worklist's "since" of a red flag noted at 09:00 UTC reads 1 a.m. for a clinic in Los Angeles
and 10 p.m. for one in Auckland, and follows the change of clocks."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from rehab import services as rehab_services
from tests.conftest import make_patient
from tests.rehab.test_admin import login
from tests.rehab.test_clinic_settings import saved_clinic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


@pytest.mark.parametrize(
    ("zone", "noted", "shown"),
    [
        ("", datetime(2026, 11, 25, 9, 0, tzinfo=UTC), "Nov. 25, 2026, 9 a.m."),  # the site's
        ("America/Los_Angeles", datetime(2026, 11, 25, 9, 0, tzinfo=UTC), "Nov. 25, 2026, 1 a.m."),
        ("Pacific/Auckland", datetime(2026, 11, 25, 9, 0, tzinfo=UTC), "Nov. 25, 2026, 10 p.m."),
        # Los Angeles has just moved its clocks on (03-08 02:00): UTC-7, no longer UTC-8.
        ("America/Los_Angeles", datetime(2026, 3, 8, 12, 0, tzinfo=UTC), "March 8, 2026, 5 a.m."),
    ],
)
def test_the_worklist_says_when_on_the_clinics_clock(client, clinician, zone, noted, shown):
    with time_machine.travel(noted, tick=False):
        if zone:
            saved_clinic(time_zone=zone)
        patient = make_patient(clinician, first_name="Flora", last_name="Flag")
        rehab_services.patient_diagnosis_add(
            patient=patient, code="sciatica", side="left", stage="subacute"
        )
        rehab_services.red_flag_raise(patient=patient, code="fever", noted_by=clinician.user)
        login(client, clinician.user)
        html = client.get("/admin/").content.decode()
    assert "Recorded by the clinic: Fever." in html
    assert f"<td>{shown}</td>" in html


def test_the_patient_app_keeps_the_patients_own_clock(client, clinician):
    saved_clinic(time_zone="Pacific/Auckland")
    login(client, clinician.user)
    client.get("/admin/")
    # Nothing of the admin's zone stays behind for the next request in this process.
    assert timezone.get_current_timezone_name() == "UTC"
