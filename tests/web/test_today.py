"""Today: the day's home exercises, logging them, and the days before and after home training."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders

from planner import selectors, services
from planner.models import ExerciseLog, PatientEvent, Program, SessionLog
from tests.web.conftest import from_the_service_worker, program_for, sciatica_patient
from web.assets import inline_stylesheet

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every table but the sessions, which signing in itself writes."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label != "rehab.UserSession"
    }


def home_items(patient):
    return selectors.patient_today(patient=patient).home


def log_data(patient, **overrides):
    entry = home_items(patient)[0]
    data = {
        "client_key": "key-1",
        "day": selectors.patient_local_today(patient=patient).isoformat(),
        "exercise": entry.item.exercise.slug,
        "done": "yes",
        "pain_during": "3",
        "pain_after": "2",
        "difficulty": "right",
        "note": "Felt fine",
    }
    data.update(overrides)
    return data


def test_today_lists_each_exercise_with_pictures_steps_dose_timer_and_a_log_form(
    owner_client, owner
):
    page = owner_client.get("/app/today/").content.decode()
    for entry in home_items(owner):
        exercise = entry.item.exercise
        assert exercise.name in page
        assert f"/app/exercises/{exercise.slug}/start.svg" in page
        assert f"/app/exercises/{exercise.slug}/end.svg" in page
        assert exercise.steps[0] in page
        assert f'value="{exercise.slug}"' in page
    assert "sets of" in page or " set of " in page
    assert 'class="timer"' in page  # holds and timed exercises come with a timer
    assert page.count('name="client_key"') == len(home_items(owner))


def test_the_first_demonstration_is_asked_for_with_the_stylesheet(owner_client, owner):
    page = owner_client.get("/app/today/", headers=from_the_service_worker()).content.decode()
    first = home_items(owner)[0].item.exercise.slug
    head = page[: page.index("</head>")]
    moving = f'<link rel="preload" as="image" href="/app/exercises/{first}/demo.svg"'
    still = f'<link rel="preload" as="image" href="/app/exercises/{first}/demo-still.svg"'
    # Before the stylesheet, each for the motion setting that shows it; only the first.
    assert head.index(moving) < head.index('rel="stylesheet"')
    assert 'media="(prefers-reduced-motion: no-preference)"' in head
    assert head.index(still) < head.index('rel="stylesheet"')
    assert 'media="(prefers-reduced-motion: reduce)"' in head
    assert head.count('rel="preload"') == 2


def test_a_first_visit_carries_the_stylesheet_inside_and_asks_only_for_the_still(
    owner_client, owner
):
    """A phone without the service worker's copies draws the page from its first answer:
    the stylesheet inside it, the first demonstration too (test_demonstration_view)."""
    page = owner_client.get("/app/today/").content.decode()
    head = page[: page.index("</head>")]
    assert 'rel="stylesheet"' not in page
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert styles == [inline_stylesheet().text]
    assert styles[0] == Path(finders.find("web/app.css")).read_text()  # app.css as served
    first = home_items(owner)[0].item.exercise.slug
    assert head.count('rel="preload"') == 1
    still = f'href="/app/exercises/{first}/demo-still.svg"'
    assert f'{still} media="(prefers-reduced-motion: reduce)"' in head


def test_only_a_service_worker_holding_this_version_gets_the_page_that_names_the_files(
    owner_client,
):
    def stylesheet(headers: dict[str, str]) -> str:
        page = owner_client.get("/app/today/", headers=headers).content.decode()
        return "linked" if 'rel="stylesheet"' in page else "inside" if "<style>" in page else "?"

    held = from_the_service_worker()
    # Navigation preload with no version set (an older sw.js) and an older version's worker,
    # whose cache holds other files: the page carries its own.
    older = [{key: "true"} for key in held] + [{key: "0123456789abcdef"} for key in held]
    # Each asked for twice: the two pages are kept apart in Today's cache.
    assert [stylesheet(h) for h in (held, {}, *older, held, {})] == [
        "linked",
        "inside",
        "inside",
        "inside",
        "linked",
        "inside",
    ]


def test_the_pain_selects_mark_no_choice_until_one_is_made(owner_client, owner):
    """Unmarked, a select shows its first choice ("-") all the same; a marked one is a
    selection made while the page loads, which Chrome's autofill answers with a layout of
    the whole page (web.forms.UnmarkedEmptySelect)."""
    from web.forms import ExerciseLogForm

    page = owner_client.get("/app/today/").content.decode()
    selects = re.findall(r'<select name="pain_(?:during|after)".*?</select>', page, re.S)
    assert len(selects) == 2 * len(home_items(owner))
    assert all('<option value="">-</option>' in s and "selected" not in s for s in selects)
    # A form shown again with what the patient chose keeps the choice.
    again = ExerciseLogForm(data={"pain_during": "3", "pain_after": ""})
    assert '<option value="3" selected>3</option>' in str(again["pain_during"])
    assert "selected" not in str(again["pain_after"])


def test_a_page_without_exercises_preloads_nothing(client, clinician, library):
    patient = sciatica_patient(clinician, "nobody_yet")
    client.force_login(patient.user)
    page = client.get("/app/today/").content.decode()
    assert 'rel="preload"' not in page


def test_logging_an_exercise_stores_it_and_today_shows_it_done(owner_client, owner):
    response = owner_client.post("/app/today/log/", log_data(owner))
    assert response.status_code == 302 and response["Location"] == "/app/today/"
    log = ExerciseLog.objects.get()
    assert (log.done, log.pain_during, log.pain_after, log.difficulty, log.note) == (
        True,
        3,
        2,
        "right",
        "Felt fine",
    )
    page = owner_client.get("/app/today/").content.decode()
    assert "pain during 3/10" in page
    assert page.count('name="client_key"') == len(home_items(owner)) - 1


def test_the_apps_script_gets_json_and_a_resent_key_is_stored_once(owner_client, owner):
    headers = {"Accept": "application/json"}
    first = owner_client.post("/app/today/log/", log_data(owner), headers=headers)
    again = owner_client.post("/app/today/log/", log_data(owner), headers=headers)
    assert (first.status_code, first.json()) == (201, {"stored": True, "created": True})
    assert (again.status_code, again.json()) == (200, {"stored": True, "created": False})
    assert SessionLog.objects.count() == 1 and ExerciseLog.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pain_during": "11"}, "pain_during"),
        ({"pain_after": "-1"}, "pain_after"),
        ({"difficulty": "brutal"}, "difficulty"),
        ({"exercise": "no-such-exercise"}, "exercise"),
        ({"day": "2001-01-01"}, "day"),
        ({"day": "not a date"}, "day"),
        ({"client_key": ""}, "client_key"),
        ({"done": "maybe"}, "done"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_log_input_is_refused_with_the_field_and_nothing_is_written(
    owner_client, owner, overrides, field
):
    before = row_counts()
    response = owner_client.post(
        "/app/today/log/", log_data(owner, **overrides), headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert row_counts() == before


def test_a_future_day_cannot_be_logged(owner_client, owner):
    tomorrow = selectors.patient_local_today(patient=owner) + timedelta(days=1)
    response = owner_client.post(
        "/app/today/log/",
        log_data(owner, day=tomorrow.isoformat()),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "future" in json.dumps(response.json())
    assert not ExerciseLog.objects.exists()


def test_a_failed_form_post_without_script_says_why(owner_client, owner):
    response = owner_client.post("/app/today/log/", log_data(owner, pain_during="12"), follow=True)
    assert "Pain during (0 none, 10 worst): Select a valid choice." in response.content.decode()
    assert not ExerciseLog.objects.exists()


def test_another_patients_key_or_exercise_cannot_be_used(client, owner, other_patient):
    client.force_login(other_patient.user)
    client.post("/app/today/log/", log_data(other_patient))  # Oleg's own log, key-1
    client.force_login(owner.user)
    before = row_counts()
    response = client.post(
        "/app/today/log/", log_data(owner), headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert "another log" in json.dumps(response.json())
    assert row_counts() == before


def test_anonymous_and_clinicians_cannot_log(client, owner, clinician):
    before = row_counts()
    response = client.post("/app/today/log/", log_data(owner))
    assert response.status_code == 302 and response["Location"].startswith("/app/login/")
    client.force_login(clinician.user)
    assert client.post("/app/today/log/", log_data(owner)).status_code == 403
    assert row_counts() == before


def test_pain_of_six_or_more_alerts_the_clinician(owner_client, owner):
    owner_client.post("/app/today/log/", log_data(owner, pain_after="7"))
    assert PatientEvent.objects.filter(kind="pain_high", patient=owner).exists()
    assert Program.objects.get(patient=owner).progression_paused_reason


def test_before_home_unlock_today_shows_the_next_clinic_session(client, clinician, library):
    patient = sciatica_patient(clinician, "nina")
    program_for(patient, clinician, days_ago=0, master=False)
    client.force_login(patient.user)
    page = client.get("/app/today/").content.decode()
    assert "Your next session at the clinic" in page
    assert "What you will practise there" in page
    assert 'name="client_key"' not in page
    # Clinic sessions are at 10:00 where the patient lives (Moscow), shown as such.
    assert ", 10:00</strong>" in page


def test_a_paused_program_says_why_and_whom_to_call(owner_client, owner, clinician):
    clinician.phone = "+7 495 123-45-67"
    clinician.save()
    program = Program.objects.get(patient=owner)
    services.program_pause(program=program, by=clinician.user, reason="Please call us first.")
    page = owner_client.get("/app/today/").content.decode()
    assert "Your program is paused" in page
    assert "Please call us first." in page
    assert 'href="tel:+7 495 123-45-67"' in page


def test_without_a_program_today_says_the_clinic_is_preparing_it(client, clinician, library):
    patient = sciatica_patient(clinician, "ivan", sex="male")
    client.force_login(patient.user)
    assert "preparing your exercise program" in client.get("/app/today/").content.decode()


def test_today_costs_a_fixed_number_of_queries(owner_client, owner, django_assert_max_num_queries):
    assert len(home_items(owner)) >= 3
    with django_assert_max_num_queries(12):
        assert owner_client.get("/app/today/").status_code == 200


def test_today_unchanged_since_the_last_visit_costs_one_query(
    owner_client, django_assert_num_queries
):
    first = owner_client.get("/app/today/").content.decode()
    # The session with its user and patient, the day's stamp, the unread notifications the
    # header counts and the questionnaires due: one query (web.today_read).
    with django_assert_num_queries(1):
        again = owner_client.get("/app/today/").content.decode()
    assert again.count('name="client_key"') == first.count('name="client_key"')


def test_each_visit_gets_its_own_csrf_token_and_the_same_log_keys(owner, client):
    from django.test import Client

    phone, tablet = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    phone.force_login(owner.user)
    tablet.force_login(owner.user)
    phone_page = phone.get("/app/today/").content.decode()
    tablet_page = tablet.get("/app/today/").content.decode()  # from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', tablet_page).group(1)
    assert token not in phone_page
    keys = re.findall(r'name="client_key" value="([^"]+)"', tablet_page)
    assert keys == re.findall(r'name="client_key" value="([^"]+)"', phone_page)
    data = log_data(owner, client_key=keys[0], csrfmiddlewaretoken=token)
    assert tablet.post("/app/today/log/", data).status_code == 302
    assert ExerciseLog.objects.count() == 1


def test_a_message_after_logging_shows_on_the_cached_page(owner_client, owner):
    owner_client.get("/app/today/")
    page = owner_client.post("/app/today/log/", log_data(owner), follow=True).content.decode()
    assert "Saved. Well done!" in page
    assert "Saved. Well done!" not in owner_client.get("/app/today/").content.decode()


def test_today_shows_the_days_walk_apart_from_the_exercises(owner_client, owner):
    activity = selectors.patient_today(patient=owner).activity
    assert activity["minutes"] > 0
    page = owner_client.get("/app/today/").content.decode()
    assert "Also today, apart from the exercises" in page
    assert f"{activity['name']}: {activity['minutes']} minutes" in page
