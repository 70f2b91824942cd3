"""The doctors' admin: their own patients, the columns they rely on, constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehab import services
from rehab.models import Diagnosis, OswestryAssessment, PainAssessment, Patient, RedFlag
from rehab.selectors import clinic_settings
from tests.conftest import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:rehab_patient_changelist")
ADD = reverse("admin:rehab_patient_add")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    # Every admin page reads the clinic's settings (its clock), from the shared cache once
    # they are in it: a test counting a page's queries counts the page's own.
    clinic_settings()
    return client


def populate(clinician, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        patient = make_patient(clinician, first_name=f"P{i:03d}", last_name="Test")
        services.patient_diagnosis_add(
            patient=patient, code="sciatica", side="left", stage="subacute"
        )
        services.patient_diagnosis_add(
            patient=patient, code="disc_protrusion", side="left", stage="subacute"
        )
        PainAssessment.objects.create(patient=patient, score=i % 11)
        OswestryAssessment.objects.create(
            patient=patient, **{f"section_{s}": 2 for s in range(1, 11)}
        )
        if i % 3 == 0:
            services.red_flag_raise(patient=patient, code="night_pain")


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_changelist_query_count_does_not_grow_with_patients(client, clinician):
    login(client, clinician.user)
    populate(clinician, 5)
    few = changelist_queries(client)
    populate(clinician, 195, start=5)
    assert Patient.objects.count() == 200
    many = changelist_queries(client)
    assert many == few
    assert many <= 16


def test_changelist_at_200_patients_within_query_budget(
    client, clinician, django_assert_max_num_queries
):
    login(client, clinician.user)
    populate(clinician, 200)
    with django_assert_max_num_queries(16):
        response = client.get(CHANGELIST + "?all=")
    assert response.status_code == 200


def test_changelist_shows_latest_pain_odi_band_and_red_flags(client, clinician):
    login(client, clinician.user)
    patient = make_patient(clinician, first_name="Vera", last_name="Lapina")
    today = timezone.localdate()
    PainAssessment.objects.create(patient=patient, score=3, assessed_on=today - timedelta(days=7))
    PainAssessment.objects.create(patient=patient, score=6, assessed_on=today)
    OswestryAssessment.objects.create(patient=patient, **{f"section_{s}": 3 for s in range(1, 11)})
    services.red_flag_raise(patient=patient, code="saddle_anesthesia")
    html = client.get(CHANGELIST).content.decode()
    assert "Vera Lapina" in html
    assert "6/10" in html and "3/10" not in html
    assert "60 % severe" in html
    assert "Saddle anaesthesia" in html and "Same day: possible cauda equina" in html


def test_doctor_sees_only_own_patients(client, clinician, colleague):
    make_patient(clinician, first_name="Mine")
    theirs = make_patient(colleague, first_name="Theirs")
    login(client, clinician.user)
    html = client.get(CHANGELIST).content.decode()
    assert "Mine" in html and "Theirs" not in html
    change = reverse("admin:rehab_patient_change", args=[theirs.pk])
    response = client.get(change)
    assert response.status_code == 302  # the admin redirects away from objects it cannot find
    assert reverse("admin:index") in response["Location"]


def test_doctor_cannot_change_a_colleagues_patient(client, clinician, colleague):
    theirs = make_patient(colleague, first_name="Theirs", weight_kg=Decimal("70.0"))
    login(client, clinician.user)
    change = reverse("admin:rehab_patient_change", args=[theirs.pk])
    client.post(change, {"first_name": "Hijacked"})
    theirs.refresh_from_db()
    assert theirs.first_name == "Theirs"


def test_staff_without_clinician_profile_sees_no_patients(client, clinician, outsider):
    make_patient(clinician, first_name="Hidden")
    outsider.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_patient", "add_patient"])
    )
    login(client, outsider)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "Hidden" not in response.content.decode()
    assert client.get(ADD).status_code == 403


def test_anonymous_is_sent_to_login(client, patient):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_filters_by_red_flag_diagnosis_and_stage(client, clinician):
    login(client, clinician.user)
    flagged = make_patient(clinician, first_name="Flagged")
    services.red_flag_raise(patient=flagged, code="fever")
    acute = make_patient(clinician, first_name="Acute")
    services.patient_diagnosis_add(
        patient=acute, code="disc_herniation", side="left", stage="acute"
    )
    calm = make_patient(clinician, first_name="Calm")
    services.patient_diagnosis_add(
        patient=calm, code="scoliosis", side="bilateral", stage="chronic"
    )

    def names(query: str) -> set[str]:
        response = client.get(CHANGELIST + query)
        return {p.first_name for p in response.context["cl"].result_list}

    assert names("?red_flag=any") == {"Flagged"}
    assert names("?red_flag=none") == {"Acute", "Calm"}
    assert names("?red_flag=fever") == {"Flagged"}
    assert names("?diagnoses__stage__exact=acute") == {"Acute"}
    herniation = acute.diagnoses.get().diagnosis_id
    assert names(f"?diagnoses__diagnosis__id__exact={herniation}") == {"Acute"}
    assert names("?q=calm") == {"Calm"}


def add_form(clinician, **overrides):
    data = {
        "first_name": "New",
        "last_name": "Patient",
        "email": "",
        "clinician": clinician.pk,
        "date_of_birth": "1975-03-04",
        "sex": "female",
        "height_cm": "165",
        "weight_kg": "62.5",
        "fitness_level": "moderate",
        "pregnancy_weeks": "",
        "pregnancy_weeks_on": "",
        "pregnancy_due_date": "",
        "time_zone": "Europe/Moscow",
        "reminder_time": "08:30",
        "language": "ru",
    }
    for prefix in (
        "diagnoses",
        "comorbidities",
        "red_flags",
        "pain_scores",
        "oswestry_scores",
        "start_back_scores",
        "fitness_tests",
        "body_compositions",
        "questionnaire_schedules",
        "reminder_preferences",  # the planner's inline on the same page
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data.update(overrides)
    return data


def test_doctor_adds_a_patient_with_a_diagnosis_and_pain_score(client, clinician, colleague):
    login(client, clinician.user)
    data = add_form(
        colleague,  # a doctor cannot hand the new patient to someone else
        **{
            "diagnoses-TOTAL_FORMS": "1",
            "diagnoses-0-diagnosis": str(Diagnosis.objects.get(code="sciatica").pk),
            "diagnoses-0-side": "right",
            "diagnoses-0-stage": "subacute",
            "pain_scores-TOTAL_FORMS": "1",
            "pain_scores-0-assessed_on": timezone.localdate().isoformat(),
            "pain_scores-0-score": "5",
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    patient = Patient.objects.get(first_name="New")
    assert patient.clinician == clinician
    assert patient.diagnoses.get().diagnosis.code == "sciatica"
    pain = PainAssessment.objects.get(patient=patient)
    assert pain.score == 5 and pain.recorded_by == clinician.user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": "2099-01-01"}, "date_of_birth"),
        ({"weight_kg": "500"}, "weight_kg"),
        ({"sex": "male", "pregnancy_weeks": "20"}, "pregnancy_weeks"),
        ({"pregnancy_weeks": "43"}, "pregnancy_weeks"),
        ({"date_of_birth": "1946-01-01", "pregnancy_weeks": "12"}, "pregnancy_weeks"),
        ({"time_zone": "Nowhere/Land"}, "time_zone"),
    ],
)
def test_bad_patient_input_is_shown_and_nothing_written(client, clinician, overrides, field):
    login(client, clinician.user)
    response = client.post(ADD, add_form(clinician, **overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Patient.objects.exists()


def test_pain_score_out_of_range_in_inline_writes_nothing(client, clinician):
    login(client, clinician.user)
    data = add_form(
        clinician,
        **{
            "pain_scores-TOTAL_FORMS": "1",
            "pain_scores-0-assessed_on": timezone.localdate().isoformat(),
            "pain_scores-0-score": "11",
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert not Patient.objects.exists() and not PainAssessment.objects.exists()


def test_change_page_warns_about_active_red_flags(client, clinician, patient):
    services.red_flag_raise(patient=patient, code="bladder_bowel_dysfunction")
    login(client, clinician.user)
    response = client.get(reverse("admin:rehab_patient_change", args=[patient.pk]))
    html = response.content.decode()
    assert "Active red flag: Bladder or bowel dysfunction" in html
    assert "must be seen today" in html


def test_superuser_adding_a_clinician_gives_admin_access(admin_client, outsider):
    outsider.is_staff = False
    outsider.save()
    response = admin_client.post(
        reverse("admin:rehab_clinician_add"),
        {"user": outsider.pk, "title": "Physiotherapist", "phone": ""},
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.is_staff
    assert outsider.groups.filter(name=services.CLINICIAN_GROUP).exists()


def test_contradictory_records_are_shown_as_a_warning(client, clinician):
    """Diabetic neuropathy without diabetes, obesity at a BMI of 22: the clinician is told."""
    patient = make_patient(clinician, weight_kg=Decimal("63.6"))  # BMI 22 at 170 cm
    services.patient_comorbidity_add(patient=patient, code="diabetic_neuropathy")
    services.patient_comorbidity_add(patient=patient, code="obesity")
    login(client, clinician.user)
    response = client.get(reverse("admin:rehab_patient_change", args=[patient.pk]))
    warnings = [str(m) for m in response.context["messages"]]
    assert any("diabetes" in m for m in warnings)
    assert any("obesity" in m and "22" in m for m in warnings)


def test_a_red_flag_saved_in_the_admin_pauses_the_active_program(client, clinician):

    from planner.models import ProgramStatus
    from tests.conftest import program_for

    patient = make_patient(clinician)
    services.patient_diagnosis_add(patient=patient, code="sciatica", side="left", stage="chronic")
    program = program_for(patient, clinician)
    login(client, clinician.user)
    url = reverse("admin:rehab_patient_change", args=[patient.pk])
    data = add_form(clinician)
    data |= {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "weight_kg": str(patient.weight_kg),
        "height_cm": str(patient.height_cm),
        "time_zone": patient.time_zone,
        "reminder_time": "09:00",
        "language": "en",
        "red_flags-TOTAL_FORMS": "1",
        "red_flags-0-red_flag": str(RedFlag.objects.get(code="saddle_anesthesia").pk),
        "red_flags-0-status": "active",
        "red_flags-0-noted_at_0": timezone.localdate().isoformat(),
        "red_flags-0-noted_at_1": "09:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, [
        (f.prefix, f.errors) for fs in response.context["inline_admin_formsets"] for f in fs.formset
    ]
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED
