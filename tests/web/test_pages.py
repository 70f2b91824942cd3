"""The patient app's other pages: exercises, history, progress, symptom check, settings."""

import json
import re
from datetime import time, timedelta

import pytest
from django.apps import apps

from exercises.models import Exercise
from notifications.models import ReminderPreferences
from planner import selectors
from planner.explanations import reasons_text
from planner.models import PatientEvent, Program, ProgramStatus
from rehab.models import OswestryAssessment, PatientRedFlag
from tests.notifications.push_keys import AUTH, P256DH
from tests.web.conftest import sciatica_patient

pytestmark = pytest.mark.django_db

PAGES = ["/app/today/", "/app/history/", "/app/progress/", "/app/symptoms/", "/app/settings/"]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label != "rehab.UserSession"
    }


@pytest.mark.parametrize("url", PAGES)
def test_every_page_asks_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/app/login/?next={url}"


@pytest.mark.parametrize("url", PAGES)
def test_clinic_staff_are_sent_to_the_admin(client, clinician, url):
    client.force_login(clinician.user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_every_page_opens_for_the_patient_with_labelled_navigation(owner_client, url):
    page = owner_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<nav class="tabs" aria-label="Main">' in html
    assert f'href="{url}" aria-current="page"' in html
    assert '<link rel="manifest" href="/app/manifest.webmanifest">' in html


def own_slug(patient) -> str:
    return selectors.patient_today(patient=patient).home[0].item.exercise.slug


def test_an_exercise_page_shows_steps_safety_dose_and_why(owner_client, owner):
    item = selectors.patient_today(patient=owner).home[0].item
    page = owner_client.get(f"/app/exercises/{item.exercise.slug}/").content.decode()
    assert item.exercise.name in page
    assert item.exercise.safety[0] in page
    # Why, in the patient's plain words (tests/web/test_why_language.py).
    why = reasons_text(item.explanation, language=owner.language, patient=True)
    assert why[0]["text"] in page


def test_an_exercise_outside_the_patients_program_is_not_found(owner_client, owner):
    own = {e.item.exercise.slug for e in selectors.patient_today(patient=owner).home}
    not_own = Exercise.objects.exclude(slug__in=own).values_list("slug", flat=True).first()
    assert owner_client.get(f"/app/exercises/{not_own}/").status_code == 404
    assert owner_client.get("/app/exercises/no-such-thing/").status_code == 404


def test_illustrations_are_svg_images(owner_client, owner):
    slug = own_slug(owner)
    for phase in ("start", "end"):
        response = owner_client.get(f"/app/exercises/{slug}/{phase}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert b"<svg" in response.content and b"<title" in response.content
    assert owner_client.get(f"/app/exercises/{slug}/middle.svg").status_code == 404


def test_history_shows_the_month_with_done_and_missed_days(owner_client, owner):
    today = selectors.patient_local_today(patient=owner)
    slugs = [e.item.exercise.slug for e in selectors.patient_today(patient=owner).home]
    owner_client.post(
        "/app/today/log/",
        {
            "client_key": "k",
            "day": (today - timedelta(days=1)).isoformat(),
            "exercise": slugs[0],
            "done": "yes",
        },
    )
    page = owner_client.get(f"/app/history/?month={today:%Y-%m}").content.decode()
    assert "missed" in page and "partly done" in page
    assert 'class="day today is-today' in page
    assert owner_client.get("/app/history/?month=garbage").status_code == 400


def test_history_and_progress_cost_a_fixed_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        owner_client.get("/app/history/")
    with django_assert_max_num_queries(16):
        owner_client.get("/app/progress/")


def test_progress_charts_pain_and_adherence_and_shows_the_latest_odi(owner_client, owner):
    today = selectors.patient_local_today(patient=owner)
    slug = own_slug(owner)
    owner_client.post(
        "/app/today/log/",
        {
            "client_key": "p",
            "day": today.isoformat(),
            "exercise": slug,
            "done": "yes",
            "pain_during": "4",
        },
    )
    OswestryAssessment.objects.create(
        patient=owner, assessed_on=today, **{f"section_{i}": 3 for i in range(1, 11)}
    )
    page = owner_client.get("/app/progress/").content.decode()
    assert 'role="img"' in page and "Pain over time" in page
    assert "4/10" in page
    assert "Days exercised each week" in page
    assert "60%" in page and "severe disability" in page
    # A screen reader names each chart by its own title: no two share an id.
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for chart in re.findall(r'<svg[^>]*aria-labelledby="([^"]+)"', page):
        title_id = chart.split()[0]
        assert f'<title id="{title_id}">' in page
    assert 'aria-labelledby="pain-chart-title' in page
    assert 'aria-labelledby="adherence-chart-title' in page


def test_progress_without_data_explains_what_will_appear(client, clinician, library):
    patient = sciatica_patient(clinician, "new")
    client.force_login(patient.user)
    page = client.get("/app/progress/").content.decode()
    assert "will appear here" in page and "not recorded a questionnaire" in page


def test_a_clear_symptom_check_writes_nothing(owner_client):
    before = row_counts()
    response = owner_client.post("/app/symptoms/", {"note": ""})
    assert "No warning signs" in response.content.decode()
    assert row_counts() == before


def test_cauda_equina_signs_say_seek_care_today_pause_the_program_and_alert(owner_client, owner):
    response = owner_client.post("/app/symptoms/", {"symptoms": ["saddle_anesthesia"]})
    html = response.content.decode()
    assert "Seek medical care today" in html
    assert Program.objects.get(patient=owner).status == ProgramStatus.PAUSED
    assert PatientRedFlag.objects.filter(patient=owner, red_flag__code="saddle_anesthesia").exists()
    assert PatientEvent.objects.filter(patient=owner, kind="red_flag_reported").count() == 1
    assert "Your program is paused" in owner_client.get("/app/today/").content.decode()


def test_other_warning_signs_say_contact_the_clinic(owner_client, owner):
    html = owner_client.post("/app/symptoms/", {"symptoms": ["fever"]}).content.decode()
    assert "Contact your clinic" in html and "Seek medical care today" not in html
    assert Program.objects.get(patient=owner).status == ProgramStatus.PAUSED


def test_an_unknown_symptom_is_refused_and_nothing_changes(owner_client, owner):
    before = row_counts()
    response = owner_client.post("/app/symptoms/", {"symptoms": ["haunted"]})
    assert (
        response.status_code == 200
        and "not one of the available choices" in response.content.decode()
    )
    assert row_counts() == before
    assert Program.objects.get(patient=owner).status == ProgramStatus.ACTIVE


SETTINGS = {
    "reminder_time": "07:30",
    "quiet_start": "22:00",
    "quiet_end": "07:00",
    "email": "on",
    "time_zone": "Asia/Yekaterinburg",
    "language": "ru",
}


def test_settings_are_saved_and_the_interface_follows_the_language(owner_client, owner):
    response = owner_client.post("/app/settings/", SETTINGS)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"
    owner.refresh_from_db()
    preferences = ReminderPreferences.objects.get(patient=owner)
    assert (owner.reminder_time, owner.time_zone) == (time(7, 30), "Asia/Yekaterinburg")
    assert (preferences.quiet_start, preferences.quiet_end) == (time(22, 0), time(7, 0))
    assert (preferences.email, preferences.push, owner.language) == (True, False, "ru")
    page = owner_client.get("/app/settings/").content.decode()
    assert f"/calendar/{preferences.calendar_token}.ics" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quiet_end": ""}, "quiet_end"),
        ({"reminder_time": "25:00"}, "reminder_time"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_settings_are_explained_and_nothing_is_saved(owner_client, owner, change, field):
    before = row_counts()
    response = owner_client.post("/app/settings/", {**SETTINGS, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert row_counts() == before
    owner.refresh_from_db()
    assert owner.time_zone == "Europe/Moscow"


def test_the_calendar_address_can_be_renewed(owner_client, owner):
    owner_client.post("/app/settings/", SETTINGS)
    old = ReminderPreferences.objects.get(patient=owner).calendar_token
    owner_client.post("/app/settings/calendar-reset/")
    new = ReminderPreferences.objects.get(patient=owner).calendar_token
    assert new != old
    assert owner_client.get(f"/calendar/{old}.ics").status_code == 404
    assert owner_client.get(f"/calendar/{new}.ics").status_code == 200


def test_push_subscriptions_are_checked_before_they_are_saved(owner_client, owner):
    bad = owner_client.post("/app/push/subscribe/", {"endpoint": "http://x", "p256dh": ""})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"endpoint", "p256dh", "auth"}
    endpoint = "https://updates.push.services.mozilla.com/wpush/v2/abc"
    good = owner_client.post(
        "/app/push/subscribe/", {"endpoint": endpoint, "p256dh": P256DH, "auth": AUTH}
    )
    assert good.status_code == 201
    assert owner.user.push_subscriptions.get().endpoint == endpoint


def test_the_app_is_installable_and_its_worker_controls_the_app(client):
    manifest = json.loads(client.get("/app/manifest.webmanifest").content)
    assert manifest["start_url"] == "/app/today/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    worker = client.get("/app/sw.js")
    assert worker["Content-Type"] == "application/javascript"
    assert "caches" in worker.content.decode()
    assert client.get("/app/offline/").status_code == 200
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_pause_reason_is_written_in_the_patients_language(owner_client, owner):
    owner_client.post("/app/settings/", SETTINGS)  # Russian
    owner_client.post("/app/symptoms/", {"symptoms": ["fever"]})
    reason = Program.objects.get(patient=owner).paused_reason
    assert reason.startswith("Программа приостановлена, потому что вы сообщили: температура.")
    assert reason in owner_client.get("/app/today/").content.decode()


def test_an_uploaded_picture_or_video_takes_precedence_over_the_drawing(
    owner_client, owner, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    item = selectors.patient_today(patient=owner).home[0].item
    exercise = Exercise.objects.get(pk=item.exercise_id)
    exercise.image = SimpleUploadedFile("bridge.png", b"\x89PNG\r\n\x1a\n", "image/png")
    exercise.save()
    page = owner_client.get(f"/app/exercises/{exercise.slug}/").content.decode()
    assert exercise.image.url in page
    assert f"/app/exercises/{exercise.slug}/start.svg" not in page
