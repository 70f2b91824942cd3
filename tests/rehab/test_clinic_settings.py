"""The clinic's settings: one row at most, validated, read from the cache, edited in the
admin as a single record by staff with the permission (labels in English and Russian)."""

from datetime import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from rehab import services
from rehab.demo import demo_seed
from rehab.models import ClinicSettings, Patient, validate_phone
from rehab.selectors import clinic_settings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/rehab/clinicsettings/"
ADMIN_ADD = "/admin/rehab/clinicsettings/add/"

GOOD: dict[str, Any] = {
    "name": "Spine Rehab Centre",
    "address": "12 Lenina St, Moscow",
    "phone": "+7 (495) 123-45-67",
    "time_zone": "Europe/Moscow",
    "session_time": "10:00",
    "monday": "on",
    "wednesday": "on",
    "friday": "on",
}


def saved_clinic(**overrides: Any) -> ClinicSettings:
    values: dict[str, Any] = {
        "name": "Spine Rehab Centre",
        "phone": "+7 495 123-45-67",
        "time_zone": "Europe/Moscow",
    }
    values.update(overrides)
    return services.clinic_settings_save(clinic=ClinicSettings(**values))


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@clinic.test", PASSWORD)
    client.force_login(user)
    return client


# -- the model and the service -----------------------------------------------------------------


def test_the_database_refuses_a_second_row():
    saved_clinic()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicSettings.objects.create(name="Another", phone="+1 555 0100", time_zone="UTC")
    assert ClinicSettings.objects.count() == 1


def test_the_database_refuses_a_row_with_no_session_weekday():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicSettings.objects.create(
            name="Closed",
            phone="+7 495 123-45-67",
            monday=False,
            tuesday=False,
            wednesday=False,
            thursday=False,
            friday=False,
        )
    assert not ClinicSettings.objects.exists()


def test_saving_again_changes_the_one_row():
    first = saved_clinic()
    second = saved_clinic(name="Renamed Centre")
    assert second.pk == first.pk
    assert list(ClinicSettings.objects.values_list("name", flat=True)) == ["Renamed Centre"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "call us"}, "phone"),
        ({"phone": "12 34"}, "phone"),  # four digits: no phone number
        ({"phone": "+7 495 123-45-67-89-01-23"}, "phone"),  # 17 digits
        ({"time_zone": "Moscow"}, "time_zone"),
        ({"time_zone": "America/Los Angeles"}, "time_zone"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_settings_are_refused_with_the_fields_message_and_nothing_is_written(change, field):
    with pytest.raises(ValidationError) as error:
        saved_clinic(**change)
    assert field in error.value.message_dict
    assert not ClinicSettings.objects.exists()


def test_no_weekday_is_refused_and_an_existing_row_keeps_its_days():
    saved_clinic()
    closed = {day: False for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    with pytest.raises(ValidationError, match="at least one weekday"):
        saved_clinic(**closed)
    assert clinic_settings().session_weekdays == (0, 1, 2, 3, 4)
    assert ClinicSettings.objects.get().session_weekdays == (0, 1, 2, 3, 4)


@pytest.mark.parametrize("phone", ["+7 495 123-45-67", "8 (800) 555-35-35", "+1.555.010.0199"])
def test_phone_numbers_as_people_write_them_pass(phone):
    validate_phone(phone)


def test_the_phone_link_keeps_the_plus_and_the_digits():
    clinic = ClinicSettings(phone="+7 (495) 123-45-67")
    assert clinic.phone_uri == "+74951234567"
    assert ClinicSettings(phone="8 800 555-35-35").phone_uri == "88005553535"


# -- the selector --------------------------------------------------------------------------------


def test_without_a_row_the_defaults_come_back_and_nothing_is_written(
    django_assert_max_num_queries,
):
    clinic = clinic_settings()
    assert clinic.pk is None and clinic.name == "" and clinic.phone == ""
    assert clinic.time_zone == ""  # no zone: each patient's own stands in
    assert clinic.session_time_zone("Pacific/Auckland") == "Pacific/Auckland"
    assert clinic.session_time == time(10, 0)
    assert clinic.session_weekdays == (0, 1, 2, 3, 4)
    assert not ClinicSettings.objects.exists()


def test_the_settings_are_read_once_then_from_the_cache_until_saved(
    django_assert_num_queries,
):
    saved_clinic()
    with django_assert_num_queries(1):
        assert clinic_settings().name == "Spine Rehab Centre"
    with django_assert_num_queries(0):
        for _ in range(5):
            assert clinic_settings().phone == "+7 495 123-45-67"
    saved_clinic(phone="+7 495 000-00-00")
    assert clinic_settings().phone == "+7 495 000-00-00"


def test_a_saved_zone_is_the_clinics_for_every_patient():
    saved_clinic(time_zone="America/Los_Angeles")
    assert clinic_settings().session_time_zone("Europe/Moscow") == "America/Los_Angeles"


# -- the admin -------------------------------------------------------------------------------------


def test_the_list_goes_to_the_add_form_while_there_is_no_row(admin_client):
    response = admin_client.get(ADMIN_LIST)
    assert response.status_code == 302 and response["Location"] == ADMIN_ADD


def test_the_admin_saves_the_settings_and_the_list_then_opens_the_one_record(admin_client):
    response = admin_client.post(ADMIN_ADD, GOOD)
    assert response.status_code == 302, response.content.decode()[:2000]
    clinic = ClinicSettings.objects.get()
    assert (clinic.name, clinic.time_zone, clinic.session_weekdays) == (
        "Spine Rehab Centre",
        "Europe/Moscow",
        (0, 2, 4),
    )
    assert clinic_settings().session_weekdays == (0, 2, 4)  # the cached copy was dropped
    change = f"/admin/rehab/clinicsettings/{clinic.pk}/change/"
    listing = admin_client.get(ADMIN_LIST)
    assert listing.status_code == 302 and listing["Location"] == change
    page = admin_client.get(change).content.decode()
    assert "Spine Rehab Centre" in page
    assert f"/admin/rehab/clinicsettings/{clinic.pk}/delete/" not in page  # no delete link
    assert admin_client.get(ADMIN_ADD).status_code == 403  # no second one
    assert admin_client.post(f"/admin/rehab/clinicsettings/{clinic.pk}/delete/").status_code == 403
    assert ClinicSettings.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "ask at reception"}, "phone number of 5 to 15 digits"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"monday": "", "wednesday": "", "friday": ""}, "at least one weekday"),
    ],
)
def test_bad_input_in_the_admin_shows_the_message_and_writes_nothing(admin_client, change, message):
    data = {key: value for key, value in {**GOOD, **change}.items() if value != ""}
    response = admin_client.post(ADMIN_ADD, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ClinicSettings.objects.exists()


def test_the_form_is_in_russian_for_a_russian_speaking_administrator(admin_client):
    admin_client.cookies["django_language"] = "ru"
    page = admin_client.get(ADMIN_ADD, headers={"accept-language": "ru"}).content.decode()
    assert "Название клиники" in page
    assert "Часовой пояс" in page
    assert "Занятия под наблюдением" in page


def test_a_clinician_is_refused_and_nothing_changes(client, clinician):
    saved_clinic()
    client.force_login(clinician.user)
    clinic = ClinicSettings.objects.get()
    change = f"/admin/rehab/clinicsettings/{clinic.pk}/change/"
    # Administrators keep the clinic's settings; the doctors' group has no permission on them.
    assert client.get(change).status_code == 403
    response = client.post(change, {**GOOD, "name": "Hijacked"})
    assert response.status_code == 403
    assert ClinicSettings.objects.get().name == "Spine Rehab Centre"


def test_staff_given_the_permission_edit_the_settings(client, outsider):
    outsider.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_clinicsettings", "change_clinicsettings", "add_clinicsettings"]
        )
    )
    client.force_login(outsider)
    assert client.post(ADMIN_ADD, GOOD).status_code == 302
    clinic = ClinicSettings.objects.get()
    response = client.post(
        f"/admin/rehab/clinicsettings/{clinic.pk}/change/", {**GOOD, "phone": "+7 495 765-43-21"}
    )
    assert response.status_code == 302
    assert ClinicSettings.objects.get().phone == "+7 495 765-43-21"


def test_staff_without_the_permission_are_refused_and_nothing_changes(client, outsider):
    saved_clinic()
    client.force_login(outsider)
    assert client.get(ADMIN_LIST).status_code == 403
    assert client.post(ADMIN_ADD, GOOD).status_code == 403
    assert ClinicSettings.objects.get().phone == "+7 495 123-45-67"


# -- the demo ------------------------------------------------------------------------------------


def test_the_demo_has_a_clinic_in_its_patients_zone_and_keeps_one_already_set():
    demo_seed()
    clinic = ClinicSettings.objects.get()
    assert (clinic.name, clinic.time_zone) == ("Demo Spine Rehabilitation Clinic", "Europe/Moscow")
    assert set(Patient.objects.values_list("time_zone", flat=True)) == {clinic.time_zone}
    saved_clinic(name="Our Own Clinic")
    demo_seed()
    assert list(ClinicSettings.objects.values_list("name", flat=True)) == ["Our Own Clinic"]
