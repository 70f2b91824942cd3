"""The patient's endpoints: what a patient reads of their day, program and calendar, and
what they write (logs, symptom reports, reminder preferences, push subscriptions)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exercises.models import Exercise
from notifications.models import PushSubscription, ReminderPreferences
from planner.dose_words import dose_words
from planner.explanations import reasons_text
from planner.models import ExerciseLog, Program, ProgramStatus, SessionLog, SupervisedStatus
from rehab.models import Clinician, Patient, PatientRedFlag
from tests.api.conftest import Clinic, client_for, current_items, login, row_counts
from tests.notifications.push_keys import AUTH, P256DH

V1 = "/api/v1"


def home_items(clinic: Clinic) -> list:
    return current_items(clinic.home_program)


def patient_client(patient: Patient, username: str):
    """A client for a patient of the clinic who has no login yet."""
    user = login(patient, username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# -- me ---------------------------------------------------------------------------------------


def test_me_names_the_patient_and_whom_to_call(world, as_actor):
    Clinician.objects.filter(pk=world.clinician.pk).update(phone="+7 495 123-45-67")
    me = as_actor("owner_patient").get(f"{V1}/me/").json()
    assert me == {
        "id": world.home.pk,
        "first_name": "Homer",
        "last_name": "Ient",
        "name": "Homer Ient",
        "clinician": {
            "name": "House Doctor",
            "title": "Rehabilitation doctor",
            "phone": "+7 495 123-45-67",
        },
        "time_zone": "Europe/Moscow",
        "language": "en",
    }


# -- today ------------------------------------------------------------------------------------


def test_today_at_home_lists_the_exercises_in_order_with_steps_safety_dose_and_pictures(
    world, as_actor
):
    today = as_actor("owner_patient").get(f"{V1}/today/").json()
    items = home_items(world)
    assert today["state"] == "home" and today["day"] == world.today.isoformat()
    assert [e["exercise"]["slug"] for e in today["exercises"]] == [i.exercise.slug for i in items]
    assert [e["position"] for e in today["exercises"]] == sorted(i.position for i in items)
    first, item = today["exercises"][0], items[0]
    assert first["exercise"]["name"] == item.exercise.name
    assert first["exercise"]["summary"] == item.exercise.summary
    assert first["exercise"]["steps"] == item.exercise.steps and len(first["exercise"]["steps"]) > 1
    assert first["exercise"]["safety"][0].startswith("Stop if")
    assert first["exercise"]["illustrations"] == [
        f"/app/exercises/{item.exercise.slug}/start.svg",
        f"/app/exercises/{item.exercise.slug}/end.svg",
    ]
    assert first["dose"] == {
        "sets": item.sets,
        "reps": item.reps,
        "hold_s": item.hold_s,
        "duration_s": item.duration_s,
        "text": item.dose_text,
        "per_side": item.exercise.per_side,
        "shown": {
            "sets": item.shown_dose.sets,
            "reps": item.shown_dose.reps,
            "hold_s": item.shown_dose.hold_s,
            "duration_s": item.shown_dose.duration_s,
            "text": dose_words(item),
        },
    }
    assert (first["logged"], first["log"]) == (False, None)
    assert today["estimated_minutes"] > 0 and today["next_session"] is None


def test_today_shows_what_was_logged_and_the_uploaded_picture(world, as_actor):
    client = as_actor("owner_patient")
    item = home_items(world)[0]
    Exercise.objects.filter(pk=item.exercise_id).update(image="exercises/images/slider.png")
    entry = {"exercise": item.exercise.slug, "done": True, "sets_done": 2, "reps_done": 7}
    entry |= {"pain_during": 3, "pain_after": 2, "difficulty": "right", "note": "fine"}
    body = {"day": world.today.isoformat(), "entries": [entry]}
    assert (
        client.post(f"{V1}/session-logs/", body, headers={"Idempotency-Key": "t1"}).status_code
        == 201
    )

    first = client.get(f"{V1}/today/").json()["exercises"][0]
    assert first["logged"] is True
    assert first["log"] == {k: v for k, v in entry.items() if k != "exercise"}
    assert first["exercise"]["illustrations"] == ["/media/exercises/images/slider.png"]


def test_before_home_unlock_today_shows_the_next_clinic_session_and_what_is_practised(
    world, as_actor
):
    today = as_actor("other_patient").get(f"{V1}/today/").json()
    upcoming = (
        world.learner_program.supervised_sessions.filter(
            status=SupervisedStatus.PLANNED, scheduled_for__gte=timezone.now()
        )
        .order_by("scheduled_for")
        .first()
    )
    assert today["state"] == "supervised" and today["exercises"] == []
    assert today["next_session"]["number"] == upcoming.number
    assert today["next_session"]["scheduled_for"].endswith("T10:00:00Z")  # 10:00 in UTC
    assert [e["slug"] for e in today["to_practise"]] == [
        i.exercise.slug for i in current_items(world.learner_program)
    ]


def test_clinic_times_are_given_in_the_patient_s_time_zone(world, as_actor):
    Patient.objects.filter(pk=world.learner.pk).update(time_zone="Asia/Tokyo")
    today = as_actor("other_patient").get(f"{V1}/today/").json()
    assert today["next_session"]["scheduled_for"].endswith("T19:00:00+09:00")  # 10:00 UTC


@pytest.mark.parametrize("url", ["/me/", "/today/", "/program/"])
def test_each_patient_reads_only_their_own(world, as_actor, url):
    own = {"owner_patient": world.home, "other_patient": world.learner}
    for actor, patient in own.items():
        body = as_actor(actor).get(f"{V1}{url}").json()
        if url == "/me/":
            assert body["id"] == patient.pk
        else:
            program = body["program_id"] if url == "/today/" else body["id"]
            assert program == Program.objects.get(patient=patient).pk


def test_a_paused_program_says_why_and_whom_to_call(world):
    Clinician.objects.filter(pk=world.clinician.pk).update(phone="+7 495 123-45-67")
    client = patient_client(world.paused.patient, "paul")
    today = client.get(f"{V1}/today/").json()
    assert today["state"] == "paused" and today["exercises"] == []
    assert today["paused_reason"] == "Flu; rest a week."
    assert today["clinician"]["name"] == "House Doctor"
    assert today["clinician"]["phone"] == "+7 495 123-45-67"


# -- program ----------------------------------------------------------------------------------


def test_the_program_lists_each_exercise_with_state_dose_and_plain_explanation(world, as_actor):
    program = as_actor("owner_patient").get(f"{V1}/program/").json()
    stored = Program.objects.get(pk=world.home_program.pk)
    assert program["id"] == stored.pk and program["status"] == "active"
    assert program["start_date"] == stored.start_date.isoformat()
    assert program["end_date"] == stored.end_date.isoformat()
    assert program["home_started_on"] == stored.home_started_on.isoformat()
    assert program["version"] == 1
    items = home_items(world)
    assert [e["exercise"]["slug"] for e in program["exercises"]] == [i.exercise.slug for i in items]
    assert {e["state"] for e in program["exercises"]} == {"mastered"}
    first = program["exercises"][0]
    # Why, in the patient's plain words (tests/api/test_explanation_language.py).
    assert first["explanation"] == reasons_text(items[0].explanation, language="en", patient=True)
    assert first["explanation"][0].keys() == {"rule", "text"}
    assert first["dose"]["text"] == items[0].dose_text


def test_a_patient_in_supervised_sessions_sees_the_exercises_as_supervised(world, as_actor):
    program = as_actor("other_patient").get(f"{V1}/program/").json()
    assert {e["state"] for e in program["exercises"]} == {"supervised"}
    assert program["home_started_on"] is None


@pytest.mark.parametrize("who", ["newcomer", "drafted"])
def test_without_an_approved_program_there_is_none_to_show(world, who):
    patient = world.newcomer if who == "newcomer" else world.drafted.patient
    client = patient_client(patient, who)
    response = client.get(f"{V1}/program/")
    assert response.status_code == 404  # a draft is the clinician's, never the patient's
    assert response.json() == {"detail": "You have no program yet."}
    today = client.get(f"{V1}/today/").json()
    assert (today["state"], today["program_id"], today["exercises"]) == ("no_program", None, [])
    assert client.get(f"{V1}/sessions/").json() == {"days": []}


# -- calendar ---------------------------------------------------------------------------------


def test_the_calendar_covers_the_program_day_by_day(world, as_actor):
    days = as_actor("owner_patient").get(f"{V1}/sessions/").json()["days"]
    program = Program.objects.get(pk=world.home_program.pk)
    planned = len(home_items(world))
    assert len(days) == 7 * program.weeks
    assert days[0]["day"] == program.start_date.isoformat()
    statuses = [d["status"] for d in days]
    assert statuses[:7] == ["done"] * 7  # the first week was logged
    assert statuses[7:10] == ["missed"] * 3
    assert statuses[10] == "today" and set(statuses[11:]) == {"upcoming"}
    assert (days[0]["planned"], days[0]["done"]) == (planned, planned)
    assert (days[8]["planned"], days[8]["done"]) == (planned, 0)


def test_the_calendar_shows_the_clinic_sessions_of_each_day(world, as_actor):
    days = as_actor("other_patient").get(f"{V1}/sessions/").json()["days"]
    sessions = [s for d in days for s in d["supervised"]]
    assert [s["number"] for s in sessions] == list(range(1, 11))
    assert all(d["status"] == "rest" and d["planned"] == 0 for d in days)


def test_the_calendar_takes_a_range(world, as_actor):
    first = world.today - timedelta(days=3)
    query = {"from": first.isoformat(), "to": world.today.isoformat()}
    days = as_actor("owner_patient").get(f"{V1}/sessions/", query).json()["days"]
    assert [d["day"] for d in days] == [(first + timedelta(days=n)).isoformat() for n in range(4)]
    assert [d["status"] for d in days] == ["missed", "missed", "missed", "today"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-01-01", "to": "2026-04-03"}, "to"),  # 93 days: one too many
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
        ({"from": "1st of May"}, "from"),
        ({"to": "2026-02-30"}, "to"),
    ],
)
def test_a_bad_calendar_range_is_refused_by_field(world, as_actor, query, field):
    response = as_actor("owner_patient").get(f"{V1}/sessions/", query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_one_day_lists_its_exercises_with_their_logs(world, as_actor):
    day = world.home_program.start_date
    response = as_actor("owner_patient").get(f"{V1}/sessions/{day.isoformat()}/").json()
    assert response["day"] == day.isoformat() and response["state"] == "home"
    assert [e["exercise"]["slug"] for e in response["exercises"]] == [
        i.exercise.slug for i in home_items(world)
    ]
    assert all(e["logged"] and e["log"]["pain_during"] == 1 for e in response["exercises"])


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday"])
def test_a_malformed_day_is_refused(world, as_actor, day):
    response = as_actor("owner_patient").get(f"{V1}/sessions/{day}/")
    assert response.status_code == 400 and list(response.json()) == ["day"]


# -- logging a day ------------------------------------------------------------------------------


def log_body(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    entry = {
        "exercise": home_items(clinic)[0].exercise.slug,
        "done": True,
        "sets_done": 2,
        "reps_done": 7,
        "pain_during": 2,
        "pain_after": 1,
        "difficulty": "easy",
    }
    day = changes.pop("day", clinic.today.isoformat())
    entry.update(changes)
    return {"day": day, "entries": [entry]}


def post_log(client, body: Any, key: str | None = "key-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"{V1}/session-logs/", body, headers=headers)


def test_a_log_is_stored_and_resending_it_stores_nothing_more(world, as_actor):
    client = as_actor("owner_patient")
    first = post_log(client, log_body(world))
    assert first.status_code == 201
    again = post_log(client, log_body(world))
    assert again.status_code == 200 and again.json() == first.json()
    assert SessionLog.objects.filter(client_key="key-1").count() == 1
    stored = ExerciseLog.objects.get(session_log__client_key="key-1")
    body = first.json()
    assert body["key"] == "key-1" and body["day"] == world.today.isoformat()
    assert body["entries"] == [
        {
            "exercise": stored.exercise.slug,
            "done": True,
            "sets_done": 2,
            "reps_done": 7,
            "pain_during": 2,
            "pain_after": 1,
            "difficulty": "easy",
            "note": "",
        }
    ]


def test_a_key_another_patient_used_is_refused_and_nothing_is_written(world, as_actor):
    assert post_log(as_actor("owner_patient"), log_body(world), key="shared").status_code == 201
    before = row_counts()
    foreign = client_for(world, "foreign_patient")  # the colleague's patient
    foreign_body = {
        "day": world.today.isoformat(),
        "entries": [
            {"exercise": current_items(world.foreign_program)[0].exercise.slug, "done": True}
        ],
    }
    response = post_log(foreign, foreign_body, key="shared")
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["This key belongs to another log."]}
    assert row_counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pain_during": 11}, "entries[0].pain_during"),
        ({"pain_after": -1}, "entries[0].pain_after"),
        ({"pain_during": "a lot"}, "entries[0].pain_during"),
        ({"pain_during": 2.5}, "entries[0].pain_during"),
        ({"reps_done": -3}, "entries[0].reps_done"),
        ({"difficulty": "meh"}, "entries[0].difficulty"),
        ({"done": "perhaps"}, "entries[0].done"),
        ({"exercise": "no-such-exercise"}, "entries[0].exercise"),
        ({"exercise": "prone-press-up"}, "entries[0].exercise"),  # real, but not in the program
        ({"note": "x" * 501}, "entries[0].note"),
        ({"day": "2026-02-30"}, "day"),
        ({"day": None}, "day"),
    ],
)
def test_a_bad_entry_is_refused_with_its_field_and_nothing_is_written(
    world, as_actor, changes, field
):
    before = row_counts()
    response = post_log(as_actor("owner_patient"), log_body(world, **changes))
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (lambda c: c.home_program.start_date - timedelta(days=1), "outside the program"),
        (lambda c: c.today + timedelta(days=1), "future"),
    ],
)
def test_a_day_outside_the_program_or_to_come_is_refused(world, as_actor, day, reason):
    before = row_counts()
    response = post_log(as_actor("owner_patient"), log_body(world, day=day(world).isoformat()))
    assert response.status_code == 400
    assert reason in response.json()["day"][0]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"day": "2026-01-01", "entries": []}, "entries"),
        ({"day": "2026-01-01", "entries": "all of them"}, "entries"),
        ({"day": "2026-01-01"}, "entries"),
        (["not", "an", "object"], "non_field_errors"),
    ],
)
def test_a_malformed_log_is_refused(world, as_actor, body, field):
    before = row_counts()
    response = post_log(as_actor("owner_patient"), body)
    assert response.status_code == 400 and field in response.json()
    assert row_counts() == before


def test_malformed_json_is_refused(world, as_actor):
    before = row_counts()
    response = as_actor("owner_patient").post(
        f"{V1}/session-logs/",
        data='{"day": "2026-01-01", "entries": [',
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("The body is not valid JSON: ")
    assert row_counts() == before


@pytest.mark.parametrize("key", [None, "", "k" * 65])
def test_a_log_needs_an_idempotency_key_of_1_to_64_characters(world, as_actor, key):
    before = row_counts()
    response = post_log(as_actor("owner_patient"), log_body(world), key=key)
    assert response.status_code == 400 and list(response.json()) == ["Idempotency-Key"]
    assert row_counts() == before


# -- symptom reports --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "urgency", "advice"),
    [
        (["saddle_anesthesia"], "same_day", "Seek care today"),
        (["bladder_bowel_dysfunction", "fever"], "same_day", "Seek care today"),
        (["progressive_neuro_deficit"], "same_day", "Seek care today"),
        (["night_pain"], "contact_clinic", "Contact your clinic"),
        (["fever", "unexplained_weight_loss"], "contact_clinic", "Contact your clinic"),
    ],
)
def test_a_symptom_report_pauses_the_program_and_says_how_urgent_it_is(
    world, as_actor, codes, urgency, advice
):
    response = as_actor("owner_patient").post(
        f"{V1}/symptom-reports/", {"codes": codes, "note": "since this morning"}
    )
    assert response.status_code == 201
    report = response.json()
    assert report["urgency"] == urgency and report["advice"].startswith(advice)
    assert report["raised"] == sorted(codes) and report["clinician"]["name"] == "House Doctor"
    assert Program.objects.get(pk=world.home_program.pk).status == ProgramStatus.PAUSED
    flagged = PatientRedFlag.objects.filter(patient=world.home, status="active")
    assert sorted(flagged.values_list("red_flag__code", flat=True)) == sorted(codes)
    # Only the reporting patient's program paused.
    assert Program.objects.get(pk=world.learner_program.pk).status == ProgramStatus.ACTIVE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"codes": []}, "codes"),  # no symptom ticked is not a report
        ({}, "codes"),
        ({"codes": ["itchy_elbow"]}, "codes"),
        ({"codes": "fever"}, "codes"),
        ({"codes": ["fever"], "note": "x" * 1001}, "note"),
    ],
)
def test_a_bad_symptom_report_is_refused_and_nothing_is_written(world, as_actor, body, field):
    before = row_counts()
    response = as_actor("owner_patient").post(f"{V1}/symptom-reports/", body)
    assert response.status_code == 400 and list(response.json()) == [field]
    assert row_counts() == before
    assert Program.objects.get(pk=world.home_program.pk).status == ProgramStatus.ACTIVE


# -- reminder preferences -----------------------------------------------------------------------


def test_preferences_start_as_defaults_without_a_calendar_until_saved(world, as_actor):
    client = as_actor("owner_patient")
    preferences = client.get(f"{V1}/reminder-preferences/").json()
    assert preferences == {
        "email": True,
        "push": True,
        "quiet_start": None,
        "quiet_end": None,
        "language": "en",
        "reminder_time": "09:00:00",
        "time_zone": "Europe/Moscow",
        "calendar_url": None,
    }
    assert not ReminderPreferences.objects.filter(
        patient=world.home
    ).exists()  # a GET writes nothing


def test_changing_preferences_keeps_the_others_and_gives_the_calendar_address(
    world, as_actor, client
):
    api = as_actor("owner_patient")
    changes = {"push": False, "quiet_start": "22:00", "quiet_end": "07:00", "language": "ru"}
    changes |= {"reminder_time": "18:30", "time_zone": "Asia/Yekaterinburg"}
    response = api.patch(f"{V1}/reminder-preferences/", changes)
    assert response.status_code == 200
    body = response.json()
    assert (body["push"], body["email"], body["language"]) == (False, True, "ru")
    assert (body["quiet_start"], body["quiet_end"]) == ("22:00:00", "07:00:00")
    assert (body["reminder_time"], body["time_zone"]) == ("18:30:00", "Asia/Yekaterinburg")
    patient = Patient.objects.get(pk=world.home.pk)
    assert (str(patient.reminder_time), patient.time_zone) == ("18:30:00", "Asia/Yekaterinburg")
    token = ReminderPreferences.objects.get(patient=world.home).calendar_token
    assert body["calendar_url"] == f"http://testserver/calendar/{token}.ics"
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert api.patch(f"{V1}/reminder-preferences/", {}).json() == body  # nothing changes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quiet_start": "22:00"}, "quiet_end"),  # quiet hours need both ends
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"reminder_time": "25:00"}, "reminder_time"),
        ({"language": "fr"}, "language"),
        ({"email": "sometimes"}, "email"),
        ({"push": False, "time_zone": "Nowhere/Land"}, "time_zone"),  # one bad field: no write
    ],
)
def test_bad_preferences_are_refused_by_field_and_nothing_is_written(
    world, as_actor, changes, field
):
    before_patient = Patient.objects.filter(pk=world.home.pk).values().get()
    before = row_counts()
    response = as_actor("owner_patient").patch(f"{V1}/reminder-preferences/", changes)
    assert response.status_code == 400 and field in response.json(), response.json()
    assert row_counts() == before
    assert Patient.objects.filter(pk=world.home.pk).values().get() == before_patient


# -- push subscriptions -------------------------------------------------------------------------


SUBSCRIPTION = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/xyz",
    "keys": {"p256dh": P256DH, "auth": AUTH},
}


def test_a_browser_registers_for_push_and_registering_again_reactivates_it(world, as_actor):
    client = as_actor("owner_patient")
    response = client.post(f"{V1}/push-subscriptions/", SUBSCRIPTION)
    assert response.status_code == 201
    assert response.json()["endpoint"] == SUBSCRIPTION["endpoint"] and response.json()["is_active"]
    stored = PushSubscription.objects.get(endpoint=SUBSCRIPTION["endpoint"])
    assert stored.user == world.home.user and (stored.p256dh, stored.auth) == (P256DH, AUTH)
    PushSubscription.objects.filter(pk=stored.pk).update(is_active=False)
    assert client.post(f"{V1}/push-subscriptions/", SUBSCRIPTION).status_code == 201
    assert PushSubscription.objects.get(pk=stored.pk).is_active


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SUBSCRIPTION, "endpoint": "http://push.example.test/x"}, "endpoint"),
        ({"endpoint": SUBSCRIPTION["endpoint"]}, "keys"),
        ({**SUBSCRIPTION, "keys": {"p256dh": P256DH}}, "keys.auth"),
        ({**SUBSCRIPTION, "keys": {"p256dh": "", "auth": "x"}}, "keys.p256dh"),
    ],
)
def test_a_bad_subscription_is_refused_and_nothing_is_written(world, as_actor, body, field):
    before = row_counts()
    response = as_actor("owner_patient").post(f"{V1}/push-subscriptions/", body)
    assert response.status_code == 400 and list(response.json()) == [field]
    assert row_counts() == before
