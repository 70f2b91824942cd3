"""The doctor sets a patient's questionnaires on the patient's page, and sees their state."""

from datetime import date

from django.urls import reverse

from rehab.models import PainAssessment, QuestionnaireSchedule
from tests.conftest import make_patient
from tests.rehab.test_admin import add_form, login


def change_url(patient) -> str:
    return reverse("admin:rehab_patient_change", args=[patient.pk])


def test_the_patient_page_shows_each_questionnaire_with_its_state(
    client, clinician, django_assert_max_num_queries
):
    patient = make_patient(clinician, time_zone="Pacific/Auckland")
    for kind, every in (("odi", 28), ("start_back", 28), ("pain", 7)):
        QuestionnaireSchedule.objects.create(
            patient=patient, kind=kind, every_days=every, starts_on=date(2026, 11, 16)
        )
    PainAssessment.objects.create(patient=patient, score=2, assessed_on=date(2026, 11, 23))
    login(client, clinician.user)
    client.get(change_url(patient))
    with django_assert_max_num_queries(60):  # the whole page; the rows add no query each
        page = client.get(change_url(patient)).content.decode()
    assert "Questionnaires in the app" in page
    # 25 November in Auckland (the suite's clock): ODI due since the 16th, overdue.
    assert "overdue: due since 2026-11-16 (more than 3 days); never answered" in page
    assert "not due; last answered 2026-11-23" in page


def test_the_doctor_changes_the_interval_and_adds_one(client, clinician):
    patient = make_patient(clinician)
    pain = QuestionnaireSchedule.objects.create(
        patient=patient, kind="pain", every_days=7, starts_on=date(2026, 11, 16)
    )
    login(client, clinician.user)
    data = add_form(
        clinician,
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth.isoformat(),
        height_cm=str(patient.height_cm),
        weight_kg=str(patient.weight_kg),
        language=patient.language,
        time_zone=patient.time_zone,
        **{
            "questionnaire_schedules-TOTAL_FORMS": "2",
            "questionnaire_schedules-INITIAL_FORMS": "1",
            "questionnaire_schedules-0-id": str(pain.pk),
            "questionnaire_schedules-0-patient": str(patient.pk),
            "questionnaire_schedules-0-kind": "pain",
            "questionnaire_schedules-0-every_days": "14",
            "questionnaire_schedules-0-starts_on": "2026-11-16",
            "questionnaire_schedules-0-active": "on",
            "questionnaire_schedules-1-patient": str(patient.pk),
            "questionnaire_schedules-1-kind": "odi",
            "questionnaire_schedules-1-every_days": "42",
            "questionnaire_schedules-1-starts_on": "2026-11-30",
        },
    )
    response = client.post(change_url(patient), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    rows = {
        s.kind: (s.every_days, s.starts_on, s.active) for s in patient.questionnaire_schedules.all()
    }
    assert rows == {
        "pain": (14, date(2026, 11, 16), True),
        "odi": (42, date(2026, 11, 30), False),
    }


def test_an_interval_out_of_range_or_a_second_of_a_kind_is_refused(client, clinician):
    patient = make_patient(clinician)
    login(client, clinician.user)
    common = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "height_cm": str(patient.height_cm),
        "weight_kg": str(patient.weight_kg),
        "language": patient.language,
        "time_zone": patient.time_zone,
    }
    row = {"kind": "pain", "every_days": "7", "starts_on": "2026-11-30", "active": "on"}
    for rows in ([{**row, "every_days": "0"}], [row, row]):
        data = add_form(
            clinician, **common, **{"questionnaire_schedules-TOTAL_FORMS": str(len(rows))}
        )
        for index, values in enumerate(rows):
            data |= {f"questionnaire_schedules-{index}-{k}": v for k, v in values.items()}
        response = client.post(change_url(patient), data)
        assert response.status_code == 200
        assert response.context["errors"]
    assert not QuestionnaireSchedule.objects.exists()


def test_in_russian_for_a_russian_speaking_doctor(client, clinician):
    patient = make_patient(clinician)
    QuestionnaireSchedule.objects.create(
        patient=patient, kind="odi", every_days=28, starts_on=date(2026, 12, 1)
    )
    login(client, clinician.user)
    page = client.get(change_url(patient), headers={"accept-language": "ru"}).content.decode()
    assert "Анкеты в приложении" in page or "анкеты в приложении" in page
    assert "пока не нужна; ответов ещё не было" in page
