"""The time zone on the Settings page: a short list of the clinic's region with readable names
and today's offsets, a search for anywhere else that needs no JavaScript, and the clinic's zone
for a new patient. Whatever is sent is checked: an unknown zone is a 400 and saves nothing.
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from rest_framework.test import APIClient

from rehab import services as rehab_services
from rehab.models import ClinicSettings, Patient
from tests.conftest import make_patient
from web import time_zones

pytestmark = pytest.mark.django_db

BASE = {"reminder_time": "08:00", "language": "en"}
MINUS = "\u2212"


@pytest.fixture
def moscow_clinic() -> ClinicSettings:
    return rehab_services.clinic_settings_save(
        clinic=ClinicSettings(
            name="Spine Rehab Centre", phone="+7 495 123-45-67", time_zone="Europe/Moscow"
        )
    )


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label != "sessions.Session"
    }


def select_options(page: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="time_zone"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select)


def datalist_options(page: str) -> list[tuple[str, str]]:
    found = re.search(r'<datalist id="time-zones">(.*?)</datalist>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]+)">([^<]+)</option>', found)


def test_the_list_is_the_clinics_region_with_readable_names_and_todays_offsets(
    owner_client, owner, moscow_clinic, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = owner_client.get("/app/settings/").content.decode()
    options = select_options(page)
    zones = [zone for zone, _label in options]
    assert all(zone.startswith("Europe/") for zone in zones)
    assert 40 < len(zones) < 70  # not 600 names from Africa/Abidjan
    assert "Europe/Kiev" not in zones and "Europe/Kyiv" in zones  # one name per place
    labels = dict(options)
    # The suite's clock stands in late November: no daylight saving in Europe.
    assert labels["Europe/Moscow"] == "Moscow (UTC+3)"
    assert labels["Europe/London"] == "London (UTC)"
    assert labels["Europe/Berlin"] == "Berlin (UTC+1)"
    assert '<option value="Europe/Moscow" selected>' in page  # the patient's own
    # West to east: London before Berlin before Moscow.
    assert (
        zones.index("Europe/London") < zones.index("Europe/Berlin") < zones.index("Europe/Moscow")
    )
    # The search offers every place, by its IANA name with a readable label.
    everywhere = dict(datalist_options(page))
    assert len(everywhere) > 400
    assert everywhere["Africa/Abidjan"] == "Abidjan (UTC)"
    assert everywhere["Asia/Kolkata"] == "Kolkata (UTC+5:30)"
    assert everywhere["America/Los_Angeles"] == f"Los Angeles (UTC{MINUS}8)"
    assert 'list="time-zones"' in page


def test_the_offset_is_todays_so_summer_time_shows(owner_client, moscow_clinic):
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=UTC), tick=False):
        page = owner_client.get("/app/settings/").content.decode()
    labels = dict(select_options(page))
    assert labels["Europe/Berlin"] == "Berlin (UTC+2)"
    assert labels["Europe/Moscow"] == "Moscow (UTC+3)"
    assert dict(datalist_options(page))["Pacific/Auckland"] == "Auckland (UTC+12)"


def test_in_russian_the_places_are_named_in_russian(owner_client, owner, moscow_clinic):
    owner.language = "ru"
    owner.save(update_fields=["language"])
    owner_client.cookies["django_language"] = "ru"
    page = owner_client.get("/app/settings/").content.decode()
    labels = dict(select_options(page))
    assert labels["Europe/Moscow"] == "Москва (UTC+3)"
    assert labels["Europe/Kaliningrad"] == "Калининград (UTC+2)"
    assert labels["Europe/Berlin"] == "Берлин (UTC+1)"
    everywhere = dict(datalist_options(page))
    assert everywhere["Asia/Vladivostok"] == "Владивосток (UTC+10)"
    assert everywhere["America/Los_Angeles"] == f"Los Angeles (UTC{MINUS}8)"  # no translation
    assert "Europe</optgroup>" not in page and 'label="Европа"' in page
    assert "Вы в другом месте? Введите город" in page


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/Los_Angeles", f"Los Angeles (UTC{MINUS}8)"),
        ("Pacific/Auckland", "Auckland (UTC+13)"),
    ],
)
def test_a_patient_outside_the_region_keeps_their_zone_at_the_top(
    owner_client, owner, moscow_clinic, zone, label
):
    Patient.objects.filter(pk=owner.pk).update(time_zone=zone)
    page = owner_client.get("/app/settings/").content.decode()
    options = select_options(page)
    assert options[0] == (zone, label)
    assert f'<option value="{zone}" selected>' in page
    assert 'label="Your time zone now"' in page
    # Saving the page as it is keeps the zone.
    response = owner_client.post("/app/settings/", {**BASE, "time_zone": zone})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.time_zone == zone


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("Berlin", "Europe/Berlin"),
        ("  los angeles ", "America/Los_Angeles"),
        ("pacific/auckland", "Pacific/Auckland"),
        ("Москва", "Europe/Moscow"),
        ("Усть-Нера", "Asia/Ust-Nera"),  # noqa: RUF001
        ("Europe/Kiev", "Europe/Kiev"),  # an old name is still a valid zone
    ],
)
def test_the_search_finds_any_zone_and_wins_over_the_list(
    owner_client, owner, moscow_clinic, typed, saved
):
    response = owner_client.post(
        "/app/settings/", {**BASE, "time_zone": "Europe/Moscow", "time_zone_search": typed}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.time_zone == saved


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Choose your time zone from the list."),
        ({}, "time_zone", "Choose your time zone from the list."),
        (
            {"time_zone": "Europe/Moscow", "time_zone_search": "Atlantis"},
            "time_zone_search",
            "We do not know a time zone for Atlantis.",
        ),
    ],
)
def test_an_unknown_zone_is_a_400_that_saves_nothing(
    owner_client, owner, moscow_clinic, data, field, message
):
    before = row_counts()
    response = owner_client.post("/app/settings/", {**BASE, **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and message in page
    owner.refresh_from_db()
    assert owner.time_zone == "Europe/Moscow"
    assert row_counts() == before


def test_the_error_in_russian(owner_client, owner, moscow_clinic):
    owner_client.cookies["django_language"] = "ru"
    response = owner_client.post(
        "/app/settings/",
        {**BASE, "language": "ru", "time_zone": "Europe/Moscow", "time_zone_search": "Атлантида"},
    )
    assert response.status_code == 400
    assert "Мы не знаем часового пояса для «Атлантида»" in response.content.decode()


def test_before_the_clinic_has_a_zone_the_servers_region_is_the_list(owner_client, owner, settings):
    settings.TIME_ZONE = "Asia/Yekaterinburg"
    page = owner_client.get("/app/settings/").content.decode()
    zones = [zone for zone, _label in select_options(page)]
    assert zones[0] == "Europe/Moscow"  # the patient's own, outside that region
    assert {z.split("/")[0] for z in zones[1:]} == {"Asia"}


def test_a_new_patient_is_where_the_clinic_is(clinician, moscow_clinic, admin_client):
    assert make_patient(clinician).time_zone == "Europe/Moscow"
    assert make_patient(clinician, time_zone="Asia/Omsk").time_zone == "Asia/Omsk"
    page = admin_client.get("/admin/rehab/patient/add/").content.decode()
    assert '<option value="Europe/Moscow" selected>' in page


def test_without_clinic_settings_a_new_patient_gets_the_servers_zone(clinician, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert make_patient(clinician).time_zone == "Europe/Berlin"


def test_the_api_still_takes_any_valid_zone_and_refuses_an_unknown_one(owner, moscow_clinic):
    api = APIClient()
    api.force_authenticate(owner.user)
    url = "/api/v1/reminder-preferences/"
    assert api.patch(url, {"time_zone": "Pacific/Chatham"}, format="json").status_code == 200
    owner.refresh_from_db()
    assert owner.time_zone == "Pacific/Chatham"
    refused = api.patch(url, {"time_zone": "Mars/Olympus_Mons"}, format="json")
    assert refused.status_code == 400
    owner.refresh_from_db()
    assert owner.time_zone == "Pacific/Chatham"


def test_every_translated_place_is_a_zone_people_choose_from():
    places = set(time_zones.place_time_zones())
    assert set(time_zones.CITY_NAMES) <= places
    assert {zone for zone in places if zone.startswith("Europe/")} <= set(time_zones.CITY_NAMES)
