"""The API's Today reads the token, its user with the patient and the day's stamp in one
query (the view's `read_with_token`, read by `rehab.auth.TokenWithRecordsAuthentication`);
the token is checked as ever."""

from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from planner import selectors
from tests.api.test_query_counts import TODAY_QUERIES
from tests.conftest import program_for
from tests.web.conftest import sciatica_patient

pytestmark = pytest.mark.django_db
TODAY = "/api/v1/today/"


def with_token(user) -> tuple[APIClient, Token]:
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token


@pytest.fixture
def vera(clinician, library):
    patient = sciatica_patient(clinician, "vera-api", first_name="Vera")
    program_for(patient, clinician)
    return patient


@pytest.fixture
def oleg(colleague, library):
    patient = sciatica_patient(colleague, "oleg-api", first_name="Oleg", sex="male")
    program_for(patient, colleague)
    return patient


def test_each_token_gets_its_own_patients_day_from_one_query(
    vera, oleg, django_assert_max_num_queries
):
    vera_client, _ = with_token(vera.user)
    oleg_client, _ = with_token(oleg.user)
    for cached in (False, True):  # the second time round, both days come from the cache
        with django_assert_max_num_queries(1 if cached else TODAY_QUERIES):
            mine = vera_client.get(TODAY).json()
        theirs = oleg_client.get(TODAY).json()
        assert mine["program_id"] == selectors.patient_current_program(patient=vera).pk
        assert theirs["program_id"] == selectors.patient_current_program(patient=oleg).pk


def test_an_expired_token_is_refused_and_deleted(vera, settings, django_assert_num_queries):
    client, token = with_token(vera.user)
    Token.objects.filter(pk=token.pk).update(
        created=token.created - timedelta(days=settings.API_TOKEN_TTL_DAYS)
    )
    response = client.get(TODAY)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert not Token.objects.filter(pk=token.pk).exists()


def test_an_unknown_token_and_a_switched_off_account_are_refused(vera):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(TODAY).status_code == 401
    client, _ = with_token(vera.user)
    vera.user.is_active = False
    vera.user.save()
    assert client.get(TODAY).status_code == 401


def test_a_clinicians_token_has_no_day(clinician):
    client, _ = with_token(clinician.user)
    assert client.get(TODAY).status_code == 403


def test_a_signed_in_session_still_gets_today(vera):
    client = APIClient()
    client.force_login(vera.user)
    response = client.get(TODAY)
    assert response.status_code == 200
    assert response.json()["program_id"] == selectors.patient_current_program(patient=vera).pk


def test_a_russian_patient_gets_the_day_in_russian_from_one_query(vera, django_assert_num_queries):
    client, _ = with_token(vera.user)
    client.get(TODAY, HTTP_ACCEPT_LANGUAGE="ru")
    with django_assert_num_queries(1):
        body = client.get(TODAY, HTTP_ACCEPT_LANGUAGE="ru").json()
    assert body["clinician"]["title"]
