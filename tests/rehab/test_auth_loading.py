"""Loading the signed-in user with their records in one plain-SQL query: the same instances
the ORM's select_related gives, values converted as the ORM converts them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from rest_framework.authtoken.models import Token

from rehab.auth import (
    SESSION_WITH_RECORDS,
    WITH_RECORDS,
    UserWithRecordsBackend,
    user_with_records,
)
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


def fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_session_user_comes_with_the_patient_in_one_query(clinician, django_assert_num_queries):
    patient = make_patient(clinician, first_name="Мария")
    patient.user = get_user_model().objects.create_user("maria", email="m@example.ru")
    patient.save()
    with django_assert_num_queries(1):
        user = UserWithRecordsBackend().get_user(patient.user.pk)
        assert user.patient.first_name == "Мария"
        assert user.patient.user is user
    orm = get_user_model().objects.select_related(*SESSION_WITH_RECORDS).get(pk=user.pk)
    assert fields(user) == fields(orm)
    assert fields(user.patient) == fields(orm.patient)
    assert user.date_joined.tzinfo is not None  # aware, as the ORM gives it
    assert not user._state.adding and user._state.db == "default"


def test_a_clinicians_token_brings_the_clinician_and_no_patient(
    clinician, django_assert_num_queries
):
    key = Token.objects.create(user=clinician.user).key
    with django_assert_num_queries(1):
        token = user_with_records(WITH_RECORDS, "token", key)
        assert token.user.clinician.pk == clinician.pk
        with pytest.raises(ObjectDoesNotExist):
            token.user.patient  # noqa: B018 (known missing, without a query)
    assert token.created.tzinfo is not None
    assert fields(token) == fields(Token.objects.get(key=key))


def test_unknown_ids_and_keys_are_none(clinician):
    assert UserWithRecordsBackend().get_user(10**9) is None
    assert user_with_records(WITH_RECORDS, "token", "no-such-key") is None


def test_an_inactive_user_is_not_signed_in(clinician):
    clinician.user.is_active = False
    clinician.user.save()
    assert UserWithRecordsBackend().get_user(clinician.user.pk) is None
