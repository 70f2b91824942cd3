# ruff: noqa: RUF001 (the Russian texts are meant: their letters look like Latin ones)
"""Words, not internals, in what the admin tells a doctor: no field keys ("patient:"), no
codes ("saddle_anesthesia"), no raw seconds ("960 seconds"), in English and in Russian."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from exercises.models import Exercise
from planner import services
from planner.engine.types import Dose
from planner.models import Program
from planner.services.wording import length_text, red_flag_refusal
from rehab import services as rehab_services
from tests.planner.test_admin import login, patient_with_sciatica, row_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

INTERNALS = ("patient:", "status:", "saddle_anesthesia", "start_date:", "seconds")


def generate(client, patient, language: str = "en") -> list[str]:
    response = client.post(
        reverse("admin:rehab_patient_changelist"),
        {"action": "generate_draft_program", "_selected_action": [patient.pk]},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_plain(text: str) -> None:
    for internal in INTERNALS:
        assert internal not in text, (internal, text)


def test_a_red_flag_is_named_as_the_catalogue_names_it(client, clinician):
    patient = patient_with_sciatica(clinician, "Pavel")
    rehab_services.red_flag_raise(patient=patient, code="saddle_anesthesia")
    login(client, clinician.user)
    before = row_counts()
    (message,) = generate(client, patient)
    assert message == (
        "Pavel Ient: No home program while a red flag is active: Saddle anaesthesia. "
        "A doctor must assess it first."
    )
    (russian,) = generate(client, patient, "ru")
    assert russian == (
        "Pavel Ient: Домашняя программа невозможна, пока есть признак опасности: "
        "онемение в области промежности. Сначала нужен осмотр врача."
    )
    assert row_counts() == before


def test_two_red_flags_are_both_named(clinician):
    text = red_flag_refusal(["saddle_anesthesia", "fever"])
    assert text == (
        "No home program while red flags are active: Fever, Saddle anaesthesia. "
        "A doctor must assess them first."
    )


@pytest.mark.parametrize(
    ("approve", "english", "russian"),
    [
        (
            False,
            "Sofia Ient already has a draft waiting for approval: approve or edit it.",
            "У пациента Sofia Ient уже есть черновик, ожидающий утверждения",
        ),
        (
            True,
            "Sofia Ient already has a program in progress: pause or complete it before "
            "generating a new one.",
            "У пациента Sofia Ient уже идёт программа",
        ),
    ],
)
def test_a_patient_with_a_program_is_told_where_it_is(client, clinician, approve, english, russian):
    patient = patient_with_sciatica(clinician)
    program = services.program_generate(patient=patient, by=clinician.user)
    if approve:
        services.program_approve(program=program, by=clinician.user)
    login(client, clinician.user)
    before = row_counts()
    (message,) = generate(client, patient)
    assert message.startswith(english)
    assert reverse("admin:planner_program_change", args=[program.pk]) in message
    assert_plain(message)
    (message,) = generate(client, patient, "ru")
    assert message.startswith(russian) and "Открыть программу" in message
    assert row_counts() == before
    assert Program.objects.filter(patient=patient).count() == 1


@pytest.mark.parametrize(
    ("seconds", "english", "russian"),
    [(960, "16 min", "16 мин"), (45, "45 s", "45 с"), (150, "2 min 30 s", "2 мин 30 с")],
)
def test_lengths_read_in_minutes(seconds, english, russian):
    assert length_text(seconds) == english
    with translation.override("ru"):
        assert length_text(seconds) == russian


def test_a_dose_out_of_bounds_says_which_part_in_minutes():
    exercise = (
        Exercise.objects.filter(max_duration_s__gt=0, min_duration_s__gt=0)
        .order_by("max_duration_s")
        .first()
    )
    assert exercise is not None and exercise.is_timed
    too_long = exercise.max_duration_s + 60
    dose = Dose(exercise.min_sets, 0, exercise.min_hold_s, too_long)
    (message,) = services.dose_problems(exercise, dose, "dose").values()
    assert message == (
        f"{exercise.name}: the duration must be between {length_text(exercise.min_duration_s)} "
        f"and {length_text(exercise.max_duration_s)}, got {length_text(too_long)}."
    )
    assert "min" in message
    assert_plain(message)
    with translation.override("ru"):
        (russian,) = services.dose_problems(exercise, dose, "dose").values()
        assert russian == (
            f"{exercise.name}: длительность — от {length_text(exercise.min_duration_s)} "
            f"до {length_text(exercise.max_duration_s)}, указано {length_text(too_long)}."
        )
        assert "мин" in russian


def test_a_refused_approval_names_the_red_flag_not_its_code(client, clinician):
    patient = patient_with_sciatica(clinician)
    program = services.program_generate(patient=patient, by=clinician.user)
    rehab_services.red_flag_raise(patient=patient, code="saddle_anesthesia")
    login(client, clinician.user)
    client.post(
        reverse("admin:planner_program_changelist"),
        {"action": "approve", "_selected_action": [program.pk]},
    )
    response = client.get(reverse("admin:planner_program_changelist"))
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Saddle anaesthesia" in message and "the rules in force do not allow" in message
    assert_plain(message)
    program.refresh_from_db()
    assert program.status == "draft"
