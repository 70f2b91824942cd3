"""The patient downloads their own program's handout (a PDF to print) from the app: their
current program only, in their language; no one else's, and nothing changes."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from planner import selectors
from tests.api.conftest import row_counts
from tests.web.conftest import sciatica_patient

pytestmark = pytest.mark.django_db

URL = reverse("web:handout")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_patient_downloads_their_current_program_in_a_fixed_number_of_queries(
    owner_client, owner, django_assert_max_num_queries
):
    before = row_counts()
    with django_assert_max_num_queries(9):
        response = owner_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="handout-vera-ient.pdf"'
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "Vera Ient" in text
    program = selectors.patient_current_program(patient=owner)
    version = selectors.program_current_version(program=program)
    for number, item in enumerate(selectors.program_exercises(version=version), start=1):
        assert f"{number}. {item.exercise.name}" in text
    assert "http://testserver/app/" in text  # the QR code's address, spelled out beside it
    assert row_counts() == before


def test_a_russian_speaking_patient_gets_it_in_russian(owner_client, owner):
    owner.language = "ru"
    owner.save(update_fields=["language"])
    text = pdf_text(owner_client.get(URL).content)
    assert "Программа упражнений для дома" in text and "Пациент: Vera Ient" in text


def test_another_patient_gets_only_their_own(client, owner, other_patient):
    client.force_login(other_patient.user)
    before = row_counts()
    response = client.get(URL)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Oleg Ient" in text and "Vera" not in text
    assert row_counts() == before


def test_anonymous_is_sent_to_sign_in(client, owner):
    before = row_counts()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next={URL}"
    assert row_counts() == before


@pytest.mark.parametrize("who", ["clinician", "colleague"])
def test_clinic_staff_get_no_handout_here(client, owner, clinician, colleague, who):
    client.force_login({"clinician": clinician, "colleague": colleague}[who].user)
    before = row_counts()
    response = client.get(URL)
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert row_counts() == before


def test_a_patient_without_a_program_gets_a_plain_not_found(client, clinician, library):
    patient = sciatica_patient(clinician, "nina", first_name="Nina")
    client.force_login(patient.user)
    response = client.get(URL)
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_only_a_download(owner_client):
    assert owner_client.post(URL).status_code == 405


def test_today_links_the_handout(owner_client):
    page = owner_client.get(reverse("web:today")).content.decode()
    assert f'href="{URL}"' in page
