"""One patient's record as a whole (notifications.records): the JSON export, erasure that
keeps the de-identified clinical logs, and deletion that leaves nothing of theirs behind."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from notifications import records
from notifications.models import (
    Notification,
    PushSubscription,
    Reminder,
    ReminderKind,
    ReminderPreferences,
)
from planner import selectors as planner_selectors
from planner.models import ExerciseLog, HomeSession, Program, ProgramExercise, SupervisedSession
from rehab import services as rehab_services
from rehab.models import CareRecordEntry, PainAssessment, Patient, PatientInvite
from tests.conftest import PASSWORD, log_home_days, make_patient, program_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ENDPOINT = "https://fcm.googleapis.com/fcm/send/secret-endpoint-path-maria"
P256DH = "BPublicKeyOfThePhone" + "x" * 60
AUTH = "authSecretOfThePhone"


def full_record(clinician: Any, *, days: int = 3, **overrides: Any) -> Patient:
    """A Russian-speaking patient in Moscow with something in every part of the record: an
    app account with a token, a session, a push endpoint and notifications, records with
    notes, a program with home logs and a clinic session, reminders and an invitation."""
    values: dict[str, Any] = {
        "first_name": "Мария",
        "last_name": "Кузнецова",
        "email": "maria.kuznetsova@example.ru",
        "time_zone": "Europe/Moscow",
    }
    values.update(overrides)
    patient = make_patient(clinician, **values)
    patient.language = "ru"
    patient.save(update_fields=["language"])
    user = get_user_model().objects.create_user(
        f"maria{patient.pk}",
        password=PASSWORD,
        email=patient.email,
        first_name=patient.first_name,
        last_name=patient.last_name,
    )
    patient.user = user
    patient.save(update_fields=["user"])
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    rehab_services.patient_comorbidity_add(
        patient=patient, code="hypertension", notes=f"{patient.full_name}: давление утром"
    )
    PainAssessment.objects.create(
        patient=patient, score=5, note=f"{patient.full_name}, болит спина"
    )
    program = program_for(patient, clinician, days_ago=days)
    first = planner_selectors.patient_local_today(patient=patient) - timedelta(days=days)
    log_home_days(program, first, days, pain=3)
    ExerciseLog.objects.filter(home_session__program=program).update(note="Мария: колено")
    SupervisedSession.objects.filter(program=program).update(note="Мария пришла рано")
    Token.objects.create(user=user)
    PushSubscription.objects.create(
        user=user, endpoint=f"{ENDPOINT}{patient.pk}", p256dh=P256DH, auth=AUTH
    )
    Notification.objects.create(user=user, title="Мария, пора!", body="Упражнения на сегодня")
    ReminderPreferences.objects.get_or_create(patient=patient)
    Reminder.objects.create(
        kind=ReminderKind.DAILY_HOME,
        patient=patient,
        for_date=NOW.date(),
        due_at=NOW,
        context={"name": patient.first_name},
    )
    # An alert to her clinician, whose in-app copy names her.
    alert = Reminder.objects.create(
        kind=ReminderKind.ALERT_PAIN, patient=patient, for_date=NOW.date(), due_at=NOW
    )
    Notification.objects.create(
        user=clinician.user, reminder=alert, title=f"{patient.full_name}: pain 7/10", body="."
    )
    rehab_services.patient_invite_create(patient=patient, by=clinician.user)
    return patient


def texts(model: type[models.Model]) -> list[str]:
    """Every text and JSON value of every row of the model, as text."""
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]
    if not fields:
        return []
    return [
        json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        for row in model._default_manager.values_list(*fields)
        for value in row
    ]


def anywhere(needle: str) -> list[str]:
    """The models with a row holding `needle` in any text, across the whole database."""
    return sorted(
        model._meta.label
        for model in apps.get_models()
        if any(needle.casefold() in text.casefold() for text in texts(model))
    )


# -- Export ----------------------------------------------------------------------------------


def test_the_export_holds_every_part_of_the_record_and_no_secret(clinician):
    patient = full_record(clinician)
    user = patient.user
    token = Token.objects.get(user=user).key
    calendar = ReminderPreferences.objects.get(patient=patient).calendar_token
    invite_hash = PatientInvite.objects.get(patient=patient).token_hash

    document = records.patient_export(patient=patient, now=NOW)

    assert document["format"] == "rehab-patient-export"
    assert document["version"] == 1
    assert document["exported_at"] == "2026-11-25T09:00:00+00:00"
    assert document["patient"]["first_name"] == "Мария"
    assert document["patient"]["date_of_birth"] == "1980-05-17"
    assert document["patient"]["weight_kg"] == "70.0"
    assert document["clinician"]["name"] == "Owner Doctor"
    assert document["account"]["username"] == user.username
    assert document["account"]["email"] == "maria.kuznetsova@example.ru"
    sections = [part.section for part in records.PARTS if part.section]
    assert set(document) == {"format", "version", "exported_at", "patient", "clinician"} | {
        "account",
        *sections,
    }
    empty = [section for section in sections if not document[section]]
    # No red flag, fitness or body test, clinic session held, review or event yet.
    assert empty == [
        "red_flags",
        "oswestry_assessments",
        "start_back_assessments",
        "fitness_tests",
        "body_compositions",
        "supervised_exercise_records",
        "reviews",
        "review_items",
        "events",
    ]
    assert (
        len(document["exercise_logs"])
        == ExerciseLog.objects.filter(home_session__program__patient=patient).count()
    )
    assert document["exercise_logs"][0]["note"] == "Мария: колено"
    assert document["exercise_logs"][0]["exercise_slug"]
    assert document["push_subscriptions"][0]["endpoint_host"] == "fcm.googleapis.com"
    ids = [row["id"] for row in document["exercise_logs"]]
    assert ids == sorted(ids)

    text = records.patient_export_json(patient=patient)
    assert json.loads(text)["patient"]["last_name"] == "Кузнецова"
    assert "Кузнецова" in text  # UTF-8, not escaped
    for secret in (user.password, token, P256DH, AUTH, ENDPOINT, calendar, invite_hash):
        assert secret not in text
    assert "password" not in text


def test_the_export_costs_the_same_queries_for_a_long_course_as_a_short_one(
    clinician, colleague, django_assert_max_num_queries
):
    short = full_record(clinician, days=1)
    long = full_record(colleague, days=12, email="olga@example.ru", last_name="Волкова")
    assert ExerciseLog.objects.filter(home_session__program__patient=long).count() > (
        5 * ExerciseLog.objects.filter(home_session__program__patient=short).count()
    )
    with CaptureQueriesContext(connection) as few:
        records.patient_export(patient=short)
    with (
        django_assert_max_num_queries(len(PARTS_EXPORTED) + 2),
        CaptureQueriesContext(connection) as many,
    ):
        records.patient_export(patient=long)
    assert len(many.captured_queries) == len(few.captured_queries)


PARTS_EXPORTED = [part for part in records.PARTS if part.section]


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_days_are_the_patients_own_and_moments_are_in_utc(clinician, zone):
    patient = full_record(clinician, time_zone=zone)
    document = records.patient_export(patient=patient, now=NOW)
    days = sorted(
        HomeSession.objects.filter(program__patient=patient).values_list("day", flat=True)
    )
    assert [row["day"] for row in document["home_sessions"]] == [d.isoformat() for d in days]
    assert document["patient"]["time_zone"] == zone
    moments = [row["created_at"] for row in document["session_logs"] + document["notifications"]]
    assert moments and all(moment.endswith("+00:00") for moment in moments)


def test_the_same_record_exports_the_same_document(clinician):
    patient = full_record(clinician)
    first = records.patient_export(patient=patient, now=NOW)
    assert records.patient_export(patient=patient, now=NOW) == first


# -- Erasure ---------------------------------------------------------------------------------


def test_erasure_leaves_no_trace_of_the_person_anywhere(client, clinician):
    patient = full_record(clinician)
    user = patient.user
    old = [patient.first_name, patient.last_name, patient.email, user.username]
    assert client.login(username=user.username, password=PASSWORD)
    for needle in old:
        assert anywhere(needle), needle  # the scan finds what is there

    erased = records.patient_erase(patient=patient, by=clinician.user)

    for needle in old:
        assert anywhere(needle) == [], needle
    assert erased.full_name == f"Erased patient #{patient.pk}"
    assert erased.email == ""
    assert erased.erased_at == Patient.objects.get(pk=patient.pk).erased_at is not None
    user.refresh_from_db()
    assert (user.username, user.email, user.first_name, user.last_name) == (
        f"erased-{user.pk}",
        "",
        "",
        "",
    )
    assert not user.is_active and not user.has_usable_password()
    # Nothing is left to reach her with, nor any way in.
    assert not Token.objects.filter(user=user).exists()
    assert not PushSubscription.objects.filter(user=user).exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not Reminder.objects.filter(patient=patient).exists()
    assert not PatientInvite.objects.filter(patient=patient).exists()
    assert not Notification.objects.filter(user=clinician.user).exists()
    preferences = ReminderPreferences.objects.get(patient=patient)
    assert not preferences.email and not preferences.push
    # The session she had open is gone.
    assert client.get("/app/today/").status_code == 302


def test_erasure_takes_her_out_of_the_record_of_care_and_the_history(clinician):
    patient = full_record(clinician)
    old_email = patient.email
    # The clinician corrects her email on the patient page, and notes a red flag.
    mark = rehab_services.patient_record_history_mark()
    patient.email = "maria.k@example.ru"
    rehab_services.history_stamp(patient, by=clinician.user, reason="record edit")
    patient.save()
    rehab_services.patient_record_edit_record(patient=patient, by=clinician.user, mark=mark)
    rehab_services.red_flag_raise(
        patient=patient, code="night_pain", noted_by=clinician.user, notes="Мария не спит"
    )
    for needle in (old_email, "maria.k@example.ru", "Мария не спит"):
        assert "rehab.CareRecordEntry" in anywhere(needle), needle
    actions = Counter(
        CareRecordEntry.objects.filter(patient=patient).values_list("action", flat=True)
    )

    records.patient_erase(patient=patient, by=clinician.user)

    for needle in (old_email, "maria.k@example.ru", "Мария", "Кузнецова"):
        assert anywhere(needle) == [], needle
    # Who did what, and when, is kept.
    kept = Counter(CareRecordEntry.objects.filter(patient=patient).values_list("action", flat=True))
    # Her course ended, and the erasure itself is on the record: by whom and when.
    assert kept - actions == Counter({"program_completed": 1, "personal_data_erased": 1})
    assert not actions - kept
    erased = CareRecordEntry.objects.get(patient=patient, action="personal_data_erased")
    assert erased.actor == clinician.user
    assert erased.detail == {}


def test_erasure_keeps_the_de_identified_clinical_record(clinician):
    patient = full_record(clinician)
    program = Program.objects.get(patient=patient)
    counted = {
        model: model._default_manager.filter(**{path: patient}).count()
        for model, path in (
            (ExerciseLog, "home_session__program__patient"),
            (HomeSession, "program__patient"),
            (ProgramExercise, "version__program__patient"),
            (SupervisedSession, "program__patient"),
            (PainAssessment, "patient"),
        )
    }
    pains = sorted(
        ExerciseLog.objects.filter(home_session__program=program).values_list(
            "pain_during", "pain_after", "sets_done", "reps_done"
        )
    )

    records.patient_erase(patient=patient, by=clinician.user)

    for model, count in counted.items():
        assert model._default_manager.filter(pk__isnull=False).count() >= count
    assert (
        ExerciseLog.objects.filter(home_session__program__patient=patient).count()
        == (counted[ExerciseLog])
    )
    assert (
        sorted(
            ExerciseLog.objects.filter(home_session__program=program).values_list(
                "pain_during", "pain_after", "sets_done", "reps_done"
            )
        )
        == pains
    )
    assert set(
        ExerciseLog.objects.filter(home_session__program=program).values_list("note", flat=True)
    ) == {""}
    patient.refresh_from_db()
    # The birth year (age drives the plan), sex and body are kept; the day of birth is not.
    assert (patient.date_of_birth.isoformat(), patient.sex, patient.height_cm) == (
        "1980-01-01",
        "female",
        170,
    )
    assert PainAssessment.objects.get(patient=patient).score == 5
    # The course has ended: no more reminders or reviews about a person who is gone.
    assert Program.objects.get(pk=program.pk).status == "completed"


def test_an_erased_patient_can_no_longer_sign_in_to_the_app_or_the_api(client, clinician):
    patient = full_record(clinician)
    username = patient.user.username
    key = Token.objects.get(user=patient.user).key
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    records.patient_erase(patient=patient, by=clinician.user)

    assert not client.login(username=username, password=PASSWORD)
    assert not client.login(username=f"erased-{patient.user_id}", password=PASSWORD)
    response = client.post("/app/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_clinic_login_linked_to_a_patient_by_mistake_is_unlinked_not_erased(clinician, colleague):
    patient = make_patient(clinician, first_name="Анна", last_name="Смирнова")
    patient.user = colleague.user
    patient.save(update_fields=["user"])
    records.patient_erase(patient=patient, by=clinician.user)
    patient.refresh_from_db()
    colleague.user.refresh_from_db()
    assert patient.user is None and patient.full_name == f"Erased patient #{patient.pk}"
    assert colleague.user.username == "colleague" and colleague.user.is_active
    assert colleague.user.check_password(PASSWORD)


def test_erasing_twice_is_refused_and_changes_nothing(clinician):
    patient = records.patient_erase(patient=full_record(clinician), by=clinician.user)
    before = records.patient_export(patient=patient, now=NOW)
    with pytest.raises(ValidationError, match="already erased"):
        records.patient_erase(patient=patient, by=clinician.user)
    assert records.patient_export(patient=patient, now=NOW) == before


def test_only_the_patients_clinician_or_an_administrator_may_erase(clinician, colleague, outsider):
    patient = full_record(clinician)
    before = records.patient_export(patient=patient, now=NOW)
    for user in (colleague.user, outsider, patient.user):
        with pytest.raises(PermissionDenied):
            records.patient_erase(patient=patient, by=user)
    assert records.patient_export(patient=patient, now=NOW) == before
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    assert records.patient_erase(patient=patient, by=admin).erased_at is not None


def test_an_erased_name_is_taken_out_of_the_clinicians_weekly_digest(clinician):
    patient = full_record(clinician)
    other = make_patient(clinician, first_name="Олег", last_name="Петров")
    digest = Reminder.objects.create(
        kind=ReminderKind.WEEKLY_DIGEST,
        clinician=clinician,
        for_date=NOW.date(),
        due_at=NOW,
        context={"pending": 2, "patients": [patient.full_name, other.full_name]},
    )
    Notification.objects.create(
        user=clinician.user, reminder=digest, title="2 reviews", body="Мария Кузнецова, Олег Петров"
    )

    records.patient_erase(patient=patient, by=clinician.user)

    digest.refresh_from_db()
    assert digest.context["patients"] == [f"Erased patient #{patient.pk}", "Олег Петров"]
    body = Notification.objects.get(reminder=digest).body
    assert body == f"Erased patient #{patient.pk}, Олег Петров"


# -- Deletion --------------------------------------------------------------------------------


def references_to(model: type[models.Model], pks: set[Any]) -> list[str]:
    """Every foreign key anywhere (history tables included) holding one of the ids."""
    found = []
    for other in apps.get_models():
        for f in other._meta.concrete_fields:
            if (
                f.is_relation
                and f.related_model is model
                and other._default_manager.filter(**{f"{f.attname}__in": pks}).exists()
            ):
                found.append(f"{other._meta.label}.{f.name}")
    return found


def test_deleting_a_patient_leaves_nothing_of_theirs_and_touches_no_one_else(
    client, clinician, colleague
):
    patient = full_record(clinician)
    other = full_record(colleague, email="olga@example.ru", first_name="Ольга", last_name="Волкова")
    user_pk, patient_pk = patient.user_id, patient.pk
    assert client.login(username=patient.user.username, password=PASSWORD)
    other_export = records.patient_export(patient=other, now=NOW)

    records.patient_delete(patient=patient, by=clinician.user)

    assert not Patient.objects.filter(pk=patient_pk).exists()
    assert not get_user_model().objects.filter(pk=user_pk).exists()
    assert references_to(Patient, {patient_pk}) == []
    assert references_to(get_user_model(), {user_pk}) == []
    assert anywhere("Кузнецова") == []
    assert anywhere("maria.kuznetsova@example.ru") == []
    assert client.get("/app/today/").status_code == 302
    # The clinician, the library and the other patient are as they were.
    assert get_user_model().objects.filter(pk=clinician.user_id, is_active=True).exists()
    assert records.patient_export(patient=other, now=NOW) == other_export


def test_only_the_patients_clinician_or_an_administrator_may_delete(clinician, colleague):
    patient = full_record(clinician)
    with pytest.raises(PermissionDenied):
        records.patient_delete(patient=patient, by=colleague.user)
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert Token.objects.filter(user=patient.user).exists()


def test_an_erased_patient_can_still_be_deleted(clinician):
    patient = records.patient_erase(patient=full_record(clinician), by=clinician.user)
    records.patient_delete(patient=patient, by=clinician.user)
    assert not Patient.objects.filter(pk=patient.pk).exists()
