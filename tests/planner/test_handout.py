"""The program's handout (a PDF to print or send): what it says, in the patient's language,
and who may download it from the admin. The PDFs are made once for the module (WeasyPrint
takes a second or so each) from one clinic built once and rolled back after the module."""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from exercises.selectors import exercise_text
from planner import selectors
from planner.handout import ascii_words, handout_content_disposition, handout_pdf
from planner.models import Program
from planner.selectors.handout import Handout, program_handout
from rehab import services as rehab_services
from rehab.models import ClinicSettings, Patient
from tests.api.conftest import row_counts
from tests.conftest import make_clinician, make_patient, program_for
from tests.web.conftest import with_login

APP_URL = "https://clinic.example/app/"
PHONE = "+7 495 123-45-67"


def pdf_text(content: bytes) -> str:
    """The PDF's text with its lines joined (a long name may wrap)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@dataclass(frozen=True)
class World:
    russian: Patient  # Russian-speaking, in Auckland, at home with every exercise mastered
    russian_program: Program
    learner: Patient  # English-speaking, in Los Angeles, nothing mastered yet
    learner_program: Program
    foreign: Patient  # the colleague's patient
    foreign_program: Program
    russian_handout: Handout
    russian_pdf: bytes
    learner_handout: Handout
    learner_pdf: bytes


def sciatica(clinician: Any, language: str = "en", **fields: Any) -> Patient:
    patient = make_patient(clinician, **fields)
    patient.language = language
    patient.save(update_fields=["language"])
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return patient


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        rehab_services.clinic_settings_save(
            clinic=ClinicSettings(
                name="Клиника «Спина»",
                address="ул. Лесная, 5, Москва",
                phone=PHONE,
                time_zone="Europe/Moscow",
            )
        )
        owner, colleague = make_clinician("hand"), make_clinician("other")
        russian = sciatica(
            owner,
            first_name="Анна",
            last_name="Кузнецова",
            language="ru",
            time_zone="Pacific/Auckland",
        )
        with_login(russian, "anna")
        learner = sciatica(
            owner, first_name="Lee", last_name="Ames", time_zone="America/Los_Angeles"
        )
        with_login(learner, "lee")
        foreign = sciatica(colleague, first_name="Fiona", last_name="Fox")
        russian_program = program_for(russian, owner, master=True)
        learner_program = program_for(learner, owner, master=False)
        foreign_program = program_for(foreign, colleague, master=True)
        russian_handout = program_handout(
            program=Program.objects.select_related("patient").get(pk=russian_program.pk),
            app_url=APP_URL,
        )
        learner_handout = program_handout(
            program=Program.objects.select_related("patient").get(pk=learner_program.pk),
            app_url=APP_URL,
        )
        yield World(
            russian=russian,
            russian_program=russian_program,
            learner=learner,
            learner_program=learner_program,
            foreign=foreign,
            foreign_program=foreign_program,
            russian_handout=russian_handout,
            russian_pdf=handout_pdf(russian_handout),
            learner_handout=learner_handout,
            learner_pdf=handout_pdf(learner_handout),
        )
        transaction.set_rollback(True)


@pytest.fixture
def clinic(world: World, db: None) -> World:
    """The module's clinic, inside this test's transaction."""
    return world


def home_names(program: Program) -> list[str]:
    """The exercises' names as the patient reads them (in their language)."""
    version = selectors.program_current_version(program=program)
    language = program.patient.language
    return [
        exercise_text(exercise=item.exercise, language=language).name
        for item in selectors.program_exercises(version=version)
    ]


# -- What the handout says ----------------------------------------------------------------


def test_the_handout_lists_every_home_exercise_in_the_programs_order(clinic):
    text = pdf_text(clinic.russian_pdf)
    names = home_names(clinic.russian_program)
    assert len(names) >= 3
    places = [text.find(f"{number}. {name}") for number, name in enumerate(names, start=1)]
    assert -1 not in places, names
    assert places == sorted(places)


def test_it_names_the_clinic_its_phone_and_the_patient(clinic):
    text = pdf_text(clinic.russian_pdf)
    assert "Клиника «Спина»" in text
    assert "ул. Лесная, 5, Москва" in text
    assert PHONE in text
    assert "Анна Кузнецова" in text


def test_a_russian_speaking_patient_reads_it_in_russian(clinic):
    text = pdf_text(clinic.russian_pdf)
    assert "Программа упражнений для дома" in text
    assert "Остановитесь и позвоните в клинику" in text
    assert "подход" in text  # the dose in words, as the app says it in Russian
    assert "Home exercise program" not in text


def test_each_exercise_has_its_two_pictures_its_steps_its_dose_and_safety_notes(clinic):
    handout = clinic.russian_handout
    version = selectors.program_current_version(program=clinic.russian_program)
    items = selectors.program_exercises(version=version)
    for item, exercise in zip(items, handout.exercises, strict=True):
        russian = exercise_text(exercise=item.exercise, language="ru")
        assert exercise.steps == list(russian.steps) and exercise.steps
        assert exercise.safety == list(russian.safety)
        assert exercise.start_svg.startswith("<svg") and exercise.end_svg.startswith("<svg")
        assert exercise.start_src.startswith("data:image/svg+xml;base64,")
    # The pictures are in the PDF as drawings: two per exercise and the QR code.
    text = pdf_text(clinic.russian_pdf)
    for exercise in handout.exercises:
        assert exercise.dose in text
        assert exercise.steps[0] in text


def test_the_qr_code_points_to_the_app(clinic):
    assert clinic.russian_handout.app_url == APP_URL
    assert clinic.russian_handout.qr_src.startswith("data:image/svg+xml")
    assert APP_URL in pdf_text(clinic.russian_pdf)


def test_a_program_with_nothing_for_home_yet_still_makes_a_useful_handout(clinic):
    text = pdf_text(clinic.learner_pdf)
    assert clinic.learner_handout.exercises == []
    assert "Lee Ames" in text and PHONE in text
    assert "No exercises for home yet." in text
    assert "Practised at the clinic first" in text
    for name in home_names(clinic.learner_program):
        assert name in text
    assert "Home exercise program" in text  # English for an English-speaking patient


def test_the_file_name_is_plain_ascii_with_the_name_in_the_patients_letters_beside_it(clinic):
    assert ascii_words("Анна Кузнецова") == "anna-kuznetsova"
    header = handout_content_disposition(clinic.russian_handout)
    assert header.startswith('attachment; filename="handout-anna-kuznetsova.pdf"')
    assert header.isascii()
    assert "filename*=UTF-8''handout-%D0%90%D0%BD%D0%BD%D0%B0" in header
    assert handout_content_disposition(clinic.learner_handout) == (
        'attachment; filename="handout-lee-ames.pdf"'
    )


# -- Who may download it from the admin -----------------------------------------------------


def admin_url(program: Program) -> str:
    return reverse("admin:planner_program_handout", args=[program.pk])


def client_of(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_programs_clinician_downloads_it_in_a_fixed_number_of_queries(
    clinic, django_assert_max_num_queries
):
    client = client_of(clinic.russian.clinician.user)
    before = row_counts()
    # One more than an English handout's: the exercises' Russian texts, for all of them.
    with django_assert_max_num_queries(10):
        response = client.get(admin_url(clinic.russian_program))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="handout-anna-kuznetsova.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "Анна Кузнецова" in text and "http://testserver/app/" in text
    assert row_counts() == before


@pytest.mark.parametrize("actor", ["anonymous", "owner_patient", "other_patient"])
def test_no_one_but_staff_gets_past_the_admins_sign_in(clinic, actor):
    user = {
        "anonymous": None,
        "owner_patient": clinic.russian.user,
        "other_patient": clinic.learner.user,
    }[actor]
    client = client_of(user)
    before = row_counts()
    response = client.get(admin_url(clinic.russian_program))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "Content-Disposition" not in response
    assert row_counts() == before


def test_a_colleague_is_told_the_program_does_not_exist(clinic):
    client = client_of(clinic.foreign.clinician.user)
    before = row_counts()
    response = client.get(admin_url(clinic.russian_program))
    assert response.status_code == 404
    assert "Content-Disposition" not in response
    assert row_counts() == before


def test_the_programs_page_links_its_handout(clinic):
    page = client_of(clinic.russian.clinician.user).get(
        reverse("admin:planner_program_change", args=[clinic.russian_program.pk])
    )
    assert page.status_code == 200
    assert admin_url(clinic.russian_program) in page.content.decode()
